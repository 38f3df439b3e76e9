//! A store's KPI facts in one compact binary value (`kpi_store_facts`):
//! replaced conversation by conversation as imports recompute them, and
//! decoded straight into an [`Aggregator`] by a query, so a month of a large
//! provider is summed in memory in well under a second on either database.
//!
//! Layout (all integers LEB128 varints, signed ones zigzag): version byte
//! `3` (versions `1` and `2`, written before the workforce counters, are
//! read with the counters they lack 0); agent count, then each agent name as length + UTF-8; conversation
//! count, then per conversation its id (delta from the previous), its fact
//! count and per fact: agent (0 = none, else index + 1), day, hour, flags,
//! and the counters in [`kefu_kpi::Counter`] order.

use anyhow::{Result, bail};
use kefu_kpi::facts::COUNTERS;
use kefu_kpi::stored::NamedFact;
use kefu_kpi::{Aggregator, Fact};
use std::collections::{BTreeMap, HashMap};

const VERSION: u8 = 3;

/// The counters a value of each version holds.
fn counters_of(version: u8) -> Option<usize> {
    match version {
        1 => Some(COUNTERS - 2),
        2 => Some(COUNTERS - 1),
        VERSION => Some(COUNTERS),
        _ => None,
    }
}

/// The facts of one store, per conversation, with agents by name.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StoreFacts {
    convs: BTreeMap<i64, Vec<NamedFact>>,
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// A reader of the layout.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn get(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                bail!("stored KPI facts are cut short")
            };
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
            if shift > 63 {
                bail!("stored KPI facts are corrupt");
            }
        }
    }

    fn get_signed(&mut self) -> Result<i64> {
        let v = self.get()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn text(&mut self) -> Result<String> {
        let n = self.get()? as usize;
        let Some(b) = self.bytes.get(self.pos..self.pos + n) else {
            bail!("stored KPI facts are cut short")
        };
        self.pos += n;
        Ok(String::from_utf8(b.to_vec())?)
    }
}

/// Reads the layout, calling `each(conv, facts)` per conversation with the
/// facts' agents as indexes into the returned names.
fn read(bytes: &[u8], mut each: impl FnMut(i64, &[Fact])) -> Result<Vec<String>> {
    let mut c = Cursor { bytes, pos: 0 };
    let Some(counters) = bytes.first().and_then(|v| counters_of(*v)) else {
        bail!("stored KPI facts have an unknown version");
    };
    c.pos = 1;
    let n_agents = c.get()? as usize;
    let mut agents = Vec::with_capacity(n_agents);
    for _ in 0..n_agents {
        agents.push(c.text()?);
    }
    let n_convs = c.get()?;
    let mut conv = 0i64;
    let mut facts: Vec<Fact> = Vec::new();
    for _ in 0..n_convs {
        conv += c.get_signed()?;
        let n = c.get()? as usize;
        facts.clear();
        for _ in 0..n {
            let agent = match c.get()? {
                0 => None,
                a => Some((a - 1) as u32),
            };
            let day = c.get_signed()? as i32;
            let hour = c.get()? as u8;
            let mut f = Fact::new(agent, day, hour);
            f.flags = c.get()? as u8;
            for i in 0..counters {
                f.counts[i] = c.get_signed()?;
            }
            facts.push(f);
        }
        each(conv, &facts);
    }
    Ok(agents)
}

impl StoreFacts {
    /// Decodes a stored value.
    pub fn decode(bytes: &[u8]) -> Result<StoreFacts> {
        let mut convs: BTreeMap<i64, Vec<Fact>> = BTreeMap::new();
        let agents = read(bytes, |conv, facts| {
            convs.insert(conv, facts.to_vec());
        })?;
        let named = convs
            .into_iter()
            .map(|(conv, facts)| {
                let named = facts
                    .into_iter()
                    .map(|f| NamedFact {
                        agent: f.agent.map(|a| agents[a as usize].clone()),
                        fact: f,
                    })
                    .collect();
                (conv, named)
            })
            .collect();
        Ok(StoreFacts { convs: named })
    }

    /// Sets the facts of a conversation (none: it is forgotten).
    pub fn set(&mut self, conv: i64, facts: Vec<NamedFact>) {
        if facts.is_empty() {
            self.convs.remove(&conv);
        } else {
            self.convs.insert(conv, facts);
        }
    }

    /// Encodes the facts for storage.
    pub fn encode(&self) -> Vec<u8> {
        let mut names: Vec<&str> = Vec::new();
        let mut index: HashMap<&str, u64> = HashMap::new();
        for facts in self.convs.values() {
            for f in facts {
                if let Some(a) = f.agent.as_deref()
                    && !index.contains_key(a)
                {
                    index.insert(a, names.len() as u64);
                    names.push(a);
                }
            }
        }
        let mut out = vec![VERSION];
        put(&mut out, names.len() as u64);
        for n in &names {
            put(&mut out, n.len() as u64);
            out.extend_from_slice(n.as_bytes());
        }
        put(&mut out, self.convs.len() as u64);
        let mut prev = 0i64;
        for (conv, facts) in &self.convs {
            put_signed(&mut out, conv - prev);
            prev = *conv;
            put(&mut out, facts.len() as u64);
            for f in facts {
                put(
                    &mut out,
                    f.agent
                        .as_deref()
                        .map_or(0, |a| index.get(a).map_or(0, |i| i + 1)),
                );
                put_signed(&mut out, i64::from(f.fact.day));
                put(&mut out, u64::from(f.fact.hour));
                put(&mut out, u64::from(f.fact.flags));
                for v in f.fact.counts {
                    put_signed(&mut out, v);
                }
            }
        }
        out
    }
}

/// Adds a stored value's conversations to an aggregator as store `store`;
/// agents get ids after those already in `agent_names`, which grows. Facts
/// of agents outside the aggregator's filter's scope are left out.
pub fn aggregate(
    bytes: &[u8],
    store: u32,
    agg: &mut Aggregator,
    agent_names: &mut Vec<String>,
) -> Result<()> {
    let base = agent_names.len() as u32;
    let scoped = agg.filter().agents.is_some();
    let allowed: Vec<bool> = if scoped {
        agent_header(bytes)?
            .iter()
            .map(|a| agg.filter().agent_allowed(Some(a)))
            .collect()
    } else {
        Vec::new()
    };
    let mut shifted: Vec<Fact> = Vec::new();
    let agents = read(bytes, |_, facts| {
        shifted.clear();
        shifted.extend(
            facts
                .iter()
                .filter(|f| !scoped || f.agent.is_some_and(|a| allowed[a as usize]))
                .map(|f| Fact {
                    agent: f.agent.map(|a| a + base),
                    ..f.clone()
                }),
        );
        agg.add_conversation(store, &shifted);
    })?;
    agent_names.extend(agents);
    Ok(())
}

/// The agent names at the head of a stored value.
pub fn agent_header(bytes: &[u8]) -> Result<Vec<String>> {
    let mut c = Cursor { bytes, pos: 0 };
    if bytes.first().and_then(|v| counters_of(*v)).is_none() {
        bail!("stored KPI facts have an unknown version");
    }
    c.pos = 1;
    let n = c.get()? as usize;
    (0..n).map(|_| c.text()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_kpi::{Filter, Grouping};

    fn fact(agent: Option<&str>, day: i32, hour: u8, sessions: i64) -> NamedFact {
        let mut f = Fact::new(None, day, hour);
        f.counts[0] = sessions;
        f.counts[5] = -3; // negative values survive
        f.flags = 5;
        NamedFact {
            agent: agent.map(str::to_string),
            fact: f,
        }
    }

    #[test]
    fn round_trips_and_replaces() {
        let mut s = StoreFacts::default();
        s.set(
            7,
            vec![fact(Some("小美"), 20_760, 10, 2), fact(None, 20_761, 0, 1)],
        );
        s.set(3, vec![fact(Some("阿杰"), 20_760, 23, 1)]);
        let back = StoreFacts::decode(&s.encode()).unwrap();
        // agent ids inside the facts are re-numbered; compare by name
        let names = |s: &StoreFacts| -> Vec<(i64, Vec<Option<String>>)> {
            s.convs
                .iter()
                .map(|(c, f)| (*c, f.iter().map(|x| x.agent.clone()).collect()))
                .collect()
        };
        assert_eq!(names(&back), names(&s));
        let mut back = back;
        back.set(7, vec![]);
        let again = StoreFacts::decode(&back.encode()).unwrap();
        assert_eq!(again.convs.len(), 1);
        let mut agg = Aggregator::new(Grouping::parse("agent").unwrap(), Filter::default());
        let mut agents = vec!["someone else".to_string()];
        aggregate(&s.encode(), 0, &mut agg, &mut agents).unwrap();
        let groups = agg.finish(|_| "dy-1".into(), |a| agents[a as usize].clone());
        assert_eq!(groups.len(), 3);
        assert!(StoreFacts::decode(&[4, 0]).is_err());
        assert!(StoreFacts::decode(&s.encode()[..5]).is_err());
    }

    #[test]
    fn a_version_one_value_reads_with_the_workforce_counters_zero() {
        // Version 1: no agents, one conversation (id 4), one fact of no
        // agent on day 3 (zigzag 6), hour 10, flags 1, its 20 counters 1…20.
        let mut v1 = vec![1, 0, 1, 8, 1, 0, 6, 10, 1];
        v1.extend((1..=20).map(|n: u8| n * 2));
        let back = StoreFacts::decode(&v1).unwrap();
        let f = &back.convs[&4][0].fact;
        assert_eq!((f.day, f.hour, f.flags), (3, 10, 1));
        assert_eq!(f.counts[..20], (1..=20).collect::<Vec<i64>>()[..]);
        assert_eq!(f.get(kefu_kpi::Counter::HumanSessionsLateHalf), 0);
        assert_eq!(f.get(kefu_kpi::Counter::HandleMs), 0);
        // Written again, it is the present version with every counter.
        let again = back.encode();
        assert_eq!(again[0], VERSION);
        assert_eq!(StoreFacts::decode(&again).unwrap(), back);
    }
}
