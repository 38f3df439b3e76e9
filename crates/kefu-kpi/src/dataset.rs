//! A whole data set in memory (the CLI's file mode, and the oracle of the
//! storage tests): records in, KPI totals out, with no database.

use crate::aggregate::{Aggregator, Filter, GroupKey, Grouping};
use crate::compute::conversation_facts;
use crate::facts::{Fact, Totals};
use crate::input::{Msg, OrderIn, Params, RatingIn, Role};
use kefu_domain::{Message, Order, Rating, RecordTime, StoreSettings};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// Interns strings (agents, stores) as dense ids.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    ids: FxHashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    /// The id of a name, given the next free id on first sight.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }

    /// The name of an id handed out by [`Interner::id`].
    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }
}

/// The (store, message_id) pairs seen, exactly, in little memory: the ids
/// live in one text arena and the table holds only their indexes (a set of
/// boxed strings cost ten million allocations on a month of a large
/// provider).
#[derive(Default)]
struct MessageIds {
    text: String,
    /// (store, end of the id in `text`); the start is the previous end.
    ends: Vec<(u32, u64)>,
    table: hashbrown::HashTable<u32>,
}

impl MessageIds {
    fn hash(store: u32, id: &str) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = rustc_hash::FxBuildHasher.build_hasher();
        store.hash(&mut h);
        id.hash(&mut h);
        h.finish()
    }

    /// The (store, id) at index `i`.
    fn entry<'a>(ends: &[(u32, u64)], text: &'a str, i: u32) -> (u32, &'a str) {
        let start = if i == 0 {
            0
        } else {
            ends[i as usize - 1].1 as usize
        };
        let (store, end) = ends[i as usize];
        (store, &text[start..end as usize])
    }

    /// The hash of the entry at index `i`.
    fn rehash(ends: &[(u32, u64)], text: &str, i: u32) -> u64 {
        let (store, id) = MessageIds::entry(ends, text, i);
        MessageIds::hash(store, id)
    }

    /// Adds the pair; `false` when it was there already.
    fn insert(&mut self, store: u32, id: &str) -> bool {
        let hash = MessageIds::hash(store, id);
        let (ends, text) = (&self.ends, &self.text);
        if self
            .table
            .find(hash, |&i| MessageIds::entry(ends, text, i) == (store, id))
            .is_some()
        {
            return false;
        }
        self.text.push_str(id);
        let index = self.ends.len() as u32;
        self.ends.push((store, self.text.len() as u64));
        let (ends, text) = (&self.ends, &self.text);
        self.table
            .insert_unique(hash, index, |&i| MessageIds::rehash(ends, text, i));
        true
    }

    fn reserve(&mut self, n: usize) {
        self.text.reserve(n * 10);
        self.ends.reserve(n);
        let (ends, text) = (&self.ends, &self.text);
        self.table
            .reserve(n, |&i| MessageIds::rehash(ends, text, i));
    }
}

/// Stores with their engine parameters.
struct StoreInfo {
    params: Params,
    prefixes: Vec<String>,
}

/// Records of many stores held in memory, grouped into conversations.
pub struct Dataset {
    settings: HashMap<String, StoreSettings>,
    stores: Vec<StoreInfo>,
    store_ids: Interner,
    agents: Interner,
    /// (store id, buyer) → conversation id.
    convs: Vec<FxHashMap<String, u32>>,
    conv_store: Vec<u32>,
    messages: Vec<(u32, Msg)>,
    orders: Vec<(u32, OrderIn)>,
    ratings: Vec<(u32, RatingIn)>,
    seq: u64,
    /// (store, message_id) seen: a repeated message is skipped.
    message_ids: MessageIds,
    /// (store, order_id) → index in `orders`: a later version replaces it.
    order_ids: FxHashMap<(u32, String), usize>,
    /// (conversation, agent, rated_at) → index in `ratings`: a later one
    /// replaces the score.
    rating_ids: FxHashMap<(u32, u32, RecordTime), usize>,
}

impl Dataset {
    /// An empty data set; stores not in `settings` use the defaults.
    pub fn new(settings: HashMap<String, StoreSettings>) -> Dataset {
        Dataset {
            settings,
            stores: Vec::new(),
            store_ids: Interner::default(),
            agents: Interner::default(),
            convs: Vec::new(),
            conv_store: Vec::new(),
            messages: Vec::new(),
            orders: Vec::new(),
            ratings: Vec::new(),
            seq: 0,
            message_ids: MessageIds::default(),
            order_ids: FxHashMap::default(),
            rating_ids: FxHashMap::default(),
        }
    }

    fn conv(&mut self, store: &str, buyer: &str) -> Result<u32, String> {
        let sid = self.store_ids.id(store);
        if sid as usize == self.stores.len() {
            let s = self.settings.get(store).cloned().unwrap_or_default();
            let params = Params::new(&s).map_err(|e| format!("store {store}: {e}"))?;
            self.stores.push(StoreInfo {
                params,
                prefixes: s.auto_reply_prefixes,
            });
            self.convs.push(FxHashMap::default());
        }
        if let Some(c) = self.convs[sid as usize].get(buyer) {
            return Ok(*c);
        }
        let c = self.conv_store.len() as u32;
        self.conv_store.push(sid);
        self.convs[sid as usize].insert(buyer.to_string(), c);
        Ok(c)
    }

    /// Adds a message, in order of arrival; one whose (store, message_id)
    /// came before is skipped, as an import would.
    pub fn add_message(&mut self, m: &Message) -> Result<(), String> {
        let c = self.conv(&m.store, &m.buyer)?;
        let store = self.conv_store[c as usize];
        if !self.message_ids.insert(store, &m.message_id) {
            return Ok(());
        }
        let info = &self.stores[self.conv_store[c as usize] as usize];
        let role = Role::of(m.sender, m.kind, &m.content, &info.prefixes);
        let at = info.params.clock.to_utc_ms(m.sent_at);
        let agent = m.agent.as_deref().map(|a| self.agents.id(a));
        self.seq += 1;
        self.messages.push((
            c,
            Msg {
                at,
                seq: self.seq,
                role,
                agent,
            },
        ));
        Ok(())
    }

    /// Adds an order; a later version of a known (store, order_id) replaces
    /// the earlier one.
    pub fn add_order(&mut self, o: &Order) -> Result<(), String> {
        let c = self.conv(&o.store, &o.buyer)?;
        let store = self.conv_store[c as usize];
        let clock = &self.stores[store as usize].params.clock;
        let order = OrderIn {
            created: clock.to_utc_ms(o.created_at),
            paid: o.paid_at.map(|t| clock.to_utc_ms(t)),
            amount: o.amount.0,
        };
        match self.order_ids.get(&(store, o.order_id.clone())) {
            Some(&i) => self.orders[i] = (c, order),
            None => {
                self.order_ids
                    .insert((store, o.order_id.clone()), self.orders.len());
                self.orders.push((c, order));
            }
        }
        Ok(())
    }

    /// Adds a rating, in order of arrival; a later one with the same
    /// (store, buyer, agent, rated_at) replaces the score.
    pub fn add_rating(&mut self, r: &Rating) -> Result<(), String> {
        let c = self.conv(&r.store, &r.buyer)?;
        let store = self.conv_store[c as usize];
        let at = self.stores[store as usize]
            .params
            .clock
            .to_utc_ms(r.rated_at);
        let agent = self.agents.id(&r.agent);
        match self.rating_ids.get(&(c, agent, r.rated_at)) {
            Some(&i) => self.ratings[i].1.score = r.score,
            None => {
                self.seq += 1;
                self.rating_ids
                    .insert((c, agent, r.rated_at), self.ratings.len());
                let rating = RatingIn {
                    at,
                    seq: self.seq,
                    agent,
                    score: r.score,
                };
                self.ratings.push((c, rating));
            }
        }
        Ok(())
    }

    /// Makes room for about `n` more messages.
    pub fn reserve_messages(&mut self, n: usize) {
        self.messages.reserve(n);
        self.message_ids.reserve(n);
    }

    /// Number of messages held.
    pub fn message_count(&self) -> usize {
        self.messages.len()
    }

    /// The totals of a query, sorted by group, computed on `threads`
    /// threads.
    pub fn query(
        mut self,
        grouping: Grouping,
        filter: Filter,
        threads: usize,
    ) -> Vec<(GroupKey, Totals)> {
        let store_allowed: Vec<bool> = (self.store_ids.names.iter())
            .map(|code| filter.store_allowed(code))
            .collect();
        let agent_allowed: Vec<bool> = (self.agents.names.iter())
            .map(|a| filter.agent_allowed(Some(a)))
            .collect();
        let scoped_agents = filter.agents.is_some();
        self.messages
            .sort_unstable_by_key(|(c, m)| (*c, m.at, m.seq));
        self.orders.sort_unstable_by_key(|(c, _)| *c);
        self.ratings.sort_unstable_by_key(|(c, _)| *c);
        let n_conv = self.conv_store.len();
        let m_ranges = ranges_of(&self.messages, n_conv);
        let o_ranges = ranges_of(&self.orders, n_conv);
        let r_ranges = ranges_of(&self.ratings, n_conv);
        let threads = threads.max(1);
        let per = n_conv.div_ceil(threads).max(1);
        let (messages, orders, ratings, conv_store) = (
            &self.messages,
            &self.orders,
            &self.ratings,
            &self.conv_store,
        );
        let params: Vec<Params> = self.stores.iter().map(|s| s.params.clone()).collect();
        let partials: Vec<Aggregator> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let (m_ranges, o_ranges, r_ranges) = (&m_ranges, &o_ranges, &r_ranges);
                    let (store_allowed, agent_allowed) = (&store_allowed, &agent_allowed);
                    let (grouping, filter) = (grouping, filter.clone());
                    // A clock caches offsets in a Cell: each thread has its own.
                    let params = params.clone();
                    scope.spawn(move || {
                        let mut agg = Aggregator::new(grouping, filter);
                        let mut buf: Vec<Msg> = Vec::new();
                        let mut ords: Vec<OrderIn> = Vec::new();
                        let mut rats: Vec<RatingIn> = Vec::new();
                        for c in (t * per)..((t + 1) * per).min(n_conv) {
                            let store = conv_store[c];
                            if !store_allowed[store as usize] {
                                continue;
                            }
                            let p = &params[store as usize];
                            buf.clear();
                            buf.extend(
                                messages[m_ranges[c].0..m_ranges[c].1]
                                    .iter()
                                    .map(|(_, m)| *m),
                            );
                            ords.clear();
                            ords.extend(
                                orders[o_ranges[c].0..o_ranges[c].1].iter().map(|(_, o)| *o),
                            );
                            rats.clear();
                            rats.extend(
                                ratings[r_ranges[c].0..r_ranges[c].1]
                                    .iter()
                                    .map(|(_, r)| *r),
                            );
                            let mut facts: Vec<Fact> =
                                conversation_facts(&mut buf, &ords, &rats, p);
                            if scoped_agents {
                                facts
                                    .retain(|f| f.agent.is_some_and(|a| agent_allowed[a as usize]));
                            }
                            agg.add_conversation(store, &facts);
                        }
                        agg
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        let mut total = Aggregator::new(grouping, filter);
        for p in partials {
            total.merge(p);
        }
        let stores = &self.store_ids.names;
        let agents = &self.agents.names;
        total.finish(
            |s| stores[s as usize].clone(),
            |a| agents[a as usize].clone(),
        )
    }
}

/// For records sorted by conversation, each conversation's index range.
fn ranges_of<T>(v: &[(u32, T)], n_conv: usize) -> Vec<(usize, usize)> {
    conv_ranges(v.iter().map(|(c, _)| *c), n_conv)
}

fn conv_ranges(convs: impl Iterator<Item = u32>, n_conv: usize) -> Vec<(usize, usize)> {
    let mut out = vec![(0usize, 0usize); n_conv];
    let mut i = 0usize;
    let mut last: Option<u32> = None;
    let mut start = 0usize;
    for c in convs {
        if last != Some(c) {
            if let Some(l) = last {
                out[l as usize] = (start, i);
            }
            start = i;
            last = Some(c);
        }
        i += 1;
    }
    if let Some(l) = last {
        out[l as usize] = (start, i);
    }
    // Conversations without records of this kind get empty ranges.
    out
}
