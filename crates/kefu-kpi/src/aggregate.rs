//! Summing facts into the groups of a query, with distinct buyers.

use crate::facts::{COUNTERS, Fact, Flag, Totals};
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;

/// Which keys a query groups by. Grouping by agent always groups by store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Grouping {
    /// By store.
    pub store: bool,
    /// By agent (and store).
    pub agent: bool,
    /// By local day.
    pub date: bool,
    /// By local hour of day.
    pub hour: bool,
}

impl Grouping {
    /// Parses a comma-separated list of `store`, `agent`, `date`, `hour`
    /// (empty: one row for everything).
    pub fn parse(text: &str) -> Result<Grouping, String> {
        let mut g = Grouping::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "store" => g.store = true,
                "agent" => g.agent = true,
                "date" | "day" => g.date = true,
                "hour" => g.hour = true,
                other => {
                    return Err(format!(
                        "'{other}' is not a grouping; use any of store, agent, date, hour"
                    ));
                }
            }
        }
        g.store |= g.agent;
        Ok(g)
    }

    /// The key names grouped by, in output order.
    pub fn keys(&self) -> Vec<&'static str> {
        let mut k = Vec::new();
        for (on, name) in [
            (self.store, "store"),
            (self.agent, "agent"),
            (self.date, "date"),
            (self.hour, "hour"),
        ] {
            if on {
                k.push(name);
            }
        }
        k
    }
}

/// Which facts a query takes: local days `from..=to`, one store, and the
/// scope of the asker (the stores and agents they may see).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// First local day included.
    pub from: Option<i32>,
    /// Last local day included.
    pub to: Option<i32>,
    /// Only this store.
    pub store: Option<String>,
    /// Only these stores (a scope); `None`: every store.
    pub stores: Option<BTreeSet<String>>,
    /// Only the facts of these agent accounts (a scope); `None`: every
    /// fact, those of no agent included. With a set, facts that belong to
    /// no agent (silent sales, unanswered sessions without a receiving
    /// agent) are left out too.
    pub agents: Option<BTreeSet<String>>,
}

impl Filter {
    /// Whether a local day is in range.
    pub fn day_in_range(&self, day: i32) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }

    /// Whether a store's facts are taken.
    pub fn store_allowed(&self, code: &str) -> bool {
        self.store.as_deref().is_none_or(|s| s == code)
            && self.stores.as_ref().is_none_or(|set| set.contains(code))
    }

    /// Whether the facts of an agent (`None`: of no agent) are taken.
    pub fn agent_allowed(&self, agent: Option<&str>) -> bool {
        match (&self.agents, agent) {
            (None, _) => true,
            (Some(set), Some(a)) => set.contains(a),
            (Some(_), None) => false,
        }
    }
}

/// The agent part of a group's key; sorts named agents before `null`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentKey {
    /// The query does not group by agent.
    NotGrouped,
    /// A named agent.
    Named(String),
    /// Figures that belong to no agent.
    Null,
}

/// A group of a query's result; unused parts are `None`/`NotGrouped`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    /// Store code.
    pub store: Option<String>,
    /// Agent.
    pub agent: AgentKey,
    /// Local day.
    pub day: Option<i32>,
    /// Local hour.
    pub hour: Option<u8>,
}

type IdKey = (u32, Option<Option<u32>>, Option<i32>, Option<u8>);

/// Sums the facts of conversations into groups. Stores and agents are ids
/// of the caller's, named at the end.
#[derive(Debug)]
pub struct Aggregator {
    grouping: Grouping,
    filter: Filter,
    groups: FxHashMap<IdKey, Totals>,
    conv_flags: Vec<(IdKey, u8)>,
}

impl Aggregator {
    /// An aggregator for a query.
    pub fn new(grouping: Grouping, filter: Filter) -> Aggregator {
        Aggregator {
            grouping,
            filter,
            groups: FxHashMap::default(),
            conv_flags: Vec::new(),
        }
    }

    /// The query's filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Adds all facts of one conversation of store `store` (an id). Each
    /// conversation must be added once: its buyer counts once per group.
    pub fn add_conversation(&mut self, store: u32, facts: &[Fact]) {
        let g = self.grouping;
        self.conv_flags.clear();
        for f in facts.iter().filter(|f| self.filter.day_in_range(f.day)) {
            let key: IdKey = (
                if g.store { store } else { 0 },
                g.agent.then_some(f.agent),
                g.date.then_some(f.day),
                g.hour.then_some(f.hour),
            );
            let totals = self.groups.entry(key).or_default();
            for i in 0..COUNTERS {
                totals.counts[i] += f.counts[i];
            }
            match self.conv_flags.iter_mut().find(|(k, _)| *k == key) {
                Some((_, flags)) => *flags |= f.flags,
                None => self.conv_flags.push((key, f.flags)),
            }
        }
        for (key, flags) in &self.conv_flags {
            if let Some(totals) = self.groups.get_mut(key) {
                for flag in Flag::ALL {
                    if flags & flag as u8 != 0 {
                        totals.buyers[flag.index()] += 1;
                    }
                }
            }
        }
    }

    /// Merges another aggregator of the same query (for parallel work).
    pub fn merge(&mut self, other: Aggregator) {
        for (key, t) in other.groups {
            let mine = self.groups.entry(key).or_default();
            for i in 0..COUNTERS {
                mine.counts[i] += t.counts[i];
            }
            for i in 0..t.buyers.len() {
                mine.buyers[i] += t.buyers[i];
            }
        }
    }

    /// The groups with names, sorted by store, agent (null last), date, hour.
    pub fn finish(
        self,
        store_name: impl Fn(u32) -> String,
        agent_name: impl Fn(u32) -> String,
    ) -> Vec<(GroupKey, Totals)> {
        let g = self.grouping;
        let mut out: Vec<(GroupKey, Totals)> = self
            .groups
            .into_iter()
            .map(|((s, a, d, h), t)| {
                let agent = match a {
                    None => AgentKey::NotGrouped,
                    Some(None) => AgentKey::Null,
                    Some(Some(id)) => AgentKey::Named(agent_name(id)),
                };
                (
                    GroupKey {
                        store: g.store.then(|| store_name(s)),
                        agent,
                        day: d,
                        hour: h,
                    },
                    t,
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}
