//! A conversation's records as storage keeps them (rows with coded
//! sender and kind, times as text) and how they become KPI facts: the
//! KPI projection of an import. Both database backends load and store the
//! rows; the computing is here, with the rules.

use crate::dataset::Interner;
use crate::{Fact, Msg, OrderIn, Params, RatingIn, Role};
use kefu_domain::{MessageKind, RecordTime, Sender};
use std::collections::HashMap;

/// A stored message as the backends load it.
#[derive(Debug, Clone)]
pub struct MessageRow {
    /// Arrival order.
    pub seq: i64,
    /// Sender code ([`sender_code`]).
    pub sender: i64,
    /// Kind code ([`kind_code`]).
    pub kind: i64,
    /// Agent.
    pub agent: Option<String>,
    /// `sent_at` as stored ([`RecordTime::to_text`]).
    pub sent_at: String,
    /// Content; empty when the store has no auto-reply prefixes and no
    /// projection reads the text.
    pub content: String,
    /// The store's message id; empty when the text is not loaded.
    pub message_id: String,
}

/// A message row an import writes.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// Conversation id.
    pub conv_id: i64,
    /// Store id.
    pub store_id: i64,
    /// The store's message id.
    pub message_id: &'a str,
    /// Sender code ([`sender_code`]).
    pub sender: i64,
    /// Agent.
    pub agent: Option<&'a str>,
    /// `sent_at` text ([`RecordTime::to_text`]).
    pub sent_at: String,
    /// Content.
    pub content: &'a str,
    /// Kind code ([`kind_code`]).
    pub kind: i64,
}

/// A stored order as the backends load it.
#[derive(Debug, Clone)]
pub struct OrderRow {
    /// `created_at` text.
    pub created_at: String,
    /// `paid_at` text.
    pub paid_at: Option<String>,
    /// Amount in fen.
    pub amount_fen: i64,
}

/// A stored rating as the backends load it.
#[derive(Debug, Clone)]
pub struct RatingRow {
    /// Arrival order.
    pub seq: i64,
    /// Agent.
    pub agent: String,
    /// `rated_at` text.
    pub rated_at: String,
    /// Score.
    pub score: i64,
}

/// A stored conversation's rows, as a recompute reads them.
#[derive(Debug, Clone, Default)]
pub struct StoredConversation {
    /// Conversation id.
    pub id: i64,
    /// Store id.
    pub store: i64,
    /// Its messages.
    pub messages: Vec<MessageRow>,
    /// Its orders.
    pub orders: Vec<OrderRow>,
    /// Its ratings.
    pub ratings: Vec<RatingRow>,
}

/// Stored conversations from rows read by set, in the order of `convs`
/// ((conversation, store) pairs); rows come as (conversation, row).
pub fn group_rows(
    convs: &[(i64, i64)],
    messages: Vec<(i64, MessageRow)>,
    orders: Vec<(i64, OrderRow)>,
    ratings: Vec<(i64, RatingRow)>,
) -> Vec<StoredConversation> {
    let mut out: Vec<StoredConversation> = convs
        .iter()
        .map(|&(id, store)| StoredConversation {
            id,
            store,
            ..Default::default()
        })
        .collect();
    let at: HashMap<i64, usize> = convs
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    for (conv, row) in messages {
        if let Some(&i) = at.get(&conv) {
            out[i].messages.push(row);
        }
    }
    for (conv, row) in orders {
        if let Some(&i) = at.get(&conv) {
            out[i].orders.push(row);
        }
    }
    for (conv, row) in ratings {
        if let Some(&i) = at.get(&conv) {
            out[i].ratings.push(row);
        }
    }
    out
}

/// A fact with its agent named, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedFact {
    /// Agent name or `None`.
    pub agent: Option<String>,
    /// The fact.
    pub fact: Fact,
}

/// The stored code of a sender.
pub fn sender_code(s: Sender) -> i64 {
    match s {
        Sender::Buyer => 0,
        Sender::Agent => 1,
        Sender::Bot => 2,
        Sender::System => 3,
    }
}

/// The sender of a stored code.
pub fn sender_of(code: i64) -> Sender {
    match code {
        0 => Sender::Buyer,
        1 => Sender::Agent,
        2 => Sender::Bot,
        _ => Sender::System,
    }
}

/// The stored code of a kind.
pub fn kind_code(k: MessageKind) -> i64 {
    match k {
        MessageKind::Text => 0,
        MessageKind::Image => 1,
        MessageKind::Card => 2,
        MessageKind::Auto => 3,
        MessageKind::Transfer => 4,
        MessageKind::InviteRating => 5,
    }
}

/// The kind of a stored code.
pub fn kind_of(code: i64) -> MessageKind {
    match code {
        1 => MessageKind::Image,
        2 => MessageKind::Card,
        3 => MessageKind::Auto,
        4 => MessageKind::Transfer,
        5 => MessageKind::InviteRating,
        _ => MessageKind::Text,
    }
}

/// [`RecordTime::to_text`] without the formatting machinery for the usual
/// local time of whole seconds (an import writes one a message); any other
/// time goes through `to_text`.
pub fn time_text(t: RecordTime) -> String {
    const MS_PER_DAY: i64 = 86_400_000;
    let in_day = t.civil_ms.rem_euclid(MS_PER_DAY);
    let (y, m, d) = kefu_domain::time::civil_from_days(t.civil_ms.div_euclid(MS_PER_DAY));
    if t.offset_s.is_some() || in_day % 1000 != 0 || !(0..=9999).contains(&y) {
        return t.to_text();
    }
    let secs = in_day / 1000;
    let digits = |v: i64, n: usize, out: &mut [u8]| {
        let mut v = v;
        for slot in out[..n].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    let mut b = *b"0000-00-00 00:00:00";
    digits(y, 4, &mut b[0..]);
    digits(i64::from(m), 2, &mut b[5..]);
    digits(i64::from(d), 2, &mut b[8..]);
    digits(secs / 3600, 2, &mut b[11..]);
    digits(secs / 60 % 60, 2, &mut b[14..]);
    digits(secs % 60, 2, &mut b[17..]);
    b.iter().map(|&c| char::from(c)).collect()
}

/// The instant of a stored time text, UTC ms.
pub(crate) fn instant(p: &Params, text: &str) -> anyhow::Result<i64> {
    let t = RecordTime::parse(text).map_err(|e| anyhow::anyhow!("stored time {e}"))?;
    Ok(p.clock.to_utc_ms(t))
}

/// A conversation's stored messages and orders in the engine's form, agents
/// interned in `agents`; messages keep the order of `messages`.
pub fn engine_records(
    p: &Params,
    prefixes: &[String],
    messages: &[MessageRow],
    orders: &[OrderRow],
    agents: &mut Interner,
) -> anyhow::Result<(Vec<Msg>, Vec<OrderIn>)> {
    let mut msgs = Vec::with_capacity(messages.len());
    for m in messages {
        let role = Role::of(sender_of(m.sender), kind_of(m.kind), &m.content, prefixes);
        msgs.push(Msg {
            at: instant(p, &m.sent_at)?,
            seq: m.seq as u64,
            role,
            agent: m.agent.as_deref().map(|a| agents.id(a)),
        });
    }
    let mut ords = Vec::with_capacity(orders.len());
    for o in orders {
        let paid = o.paid_at.as_deref().map(|t| instant(p, t)).transpose()?;
        ords.push(OrderIn {
            created: instant(p, &o.created_at)?,
            paid,
            amount: o.amount_fen,
        });
    }
    Ok((msgs, ords))
}

/// Computes the facts of one conversation from its stored rows.
pub fn facts(
    p: &Params,
    prefixes: &[String],
    messages: &[MessageRow],
    orders: &[OrderRow],
    ratings: &[RatingRow],
) -> anyhow::Result<Vec<NamedFact>> {
    let mut agents = Interner::default();
    let (mut msgs, ords) = engine_records(p, prefixes, messages, orders, &mut agents)?;
    let mut rats = Vec::with_capacity(ratings.len());
    for r in ratings {
        rats.push(RatingIn {
            at: instant(p, &r.rated_at)?,
            seq: r.seq as u64,
            agent: agents.id(&r.agent),
            score: r.score as u8,
        });
    }
    let facts = crate::conversation_facts(&mut msgs, &ords, &rats, p);
    Ok(facts
        .into_iter()
        .map(|f| NamedFact {
            agent: f.agent.map(|a| agents.name(a).to_string()),
            fact: f,
        })
        .collect())
}

/// Records of the conversations an import creates, kept in memory in the
/// engine's form so that their facts need no reading back from the
/// database. Conversations that existed before are recomputed from storage.
#[derive(Default)]
pub struct Fresh {
    seq: u64,
    agents: Interner,
    /// (conversation, message, index of its text in `texts`) in blocks of
    /// up to [`Fresh::BLOCK`]: a full block is never moved, so keeping ten
    /// million messages copies none of them until [`Fresh::facts`].
    messages: Vec<Vec<(i64, Msg, u32)>>,
    /// The message ids and contents, when a projection beside the facts
    /// reads them ([`Fresh::keep_text`], [`Fresh::keep_ids`]).
    texts: Option<Texts>,
    /// Contents are kept too (not only ids).
    contents: bool,
    /// (store id, order id) → (conversation, order): the latest version.
    orders: HashMap<(i64, String), (i64, OrderIn)>,
    /// (conversation, agent, rated_at text) → rating.
    ratings: HashMap<(i64, u32, String), RatingIn>,
}

/// Kept message ids and contents, back to back in buffers of
/// [`Texts::CHUNK`] bytes: a full buffer is never moved or copied, as one
/// growing buffer would be each time it doubled.
#[derive(Default)]
struct Texts {
    chunks: Vec<String>,
    /// (chunk, start, id length, content length) per message.
    cuts: Vec<(u32, u32, u32, u32)>,
}

impl Texts {
    /// Bytes per buffer (a longer message has a buffer of its own size).
    const CHUNK: usize = 8 << 20;

    fn push(&mut self, id: &str, content: &str) -> u32 {
        let len = id.len() + content.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity() - c.len() >= len);
        if !fits {
            self.chunks
                .push(String::with_capacity(len.max(Texts::CHUNK)));
        }
        let chunk = self.chunks.len() - 1;
        let buf = &mut self.chunks[chunk];
        self.cuts.push((
            chunk as u32,
            buf.len() as u32,
            id.len() as u32,
            content.len() as u32,
        ));
        buf.push_str(id);
        buf.push_str(content);
        (self.cuts.len() - 1) as u32
    }

    fn get(&self, i: u32) -> (&str, &str) {
        let (chunk, start, id, content) = self.cuts[i as usize];
        let bytes = &self.chunks[chunk as usize];
        let (start, mid) = (start as usize, (start + id) as usize);
        (&bytes[start..mid], &bytes[mid..mid + content as usize])
    }
}

/// One message of a conversation an import created, as a projection beside
/// the facts reads it.
#[derive(Debug, Clone, Copy)]
pub struct FreshMessage<'a> {
    /// The engine's form.
    pub msg: Msg,
    /// The store's message id (empty unless [`Fresh::keep_text`] or
    /// [`Fresh::keep_ids`]).
    pub message_id: &'a str,
    /// Its content (empty unless [`Fresh::keep_text`]).
    pub content: &'a str,
    /// The index [`Fresh::message`] gave it (`None` unless
    /// [`Fresh::keep_text`] or [`Fresh::keep_ids`]).
    pub kept: Option<u32>,
}

/// A conversation an import created, with its store's parameters.
pub struct FreshConversation<'a> {
    /// Conversation id.
    pub id: i64,
    /// Store id.
    pub store: i64,
    /// The store's parameters.
    pub params: &'a Params,
    messages: &'a [(i64, Msg, u32)],
    texts: Option<&'a Texts>,
    agents: &'a Interner,
}

impl<'a> FreshConversation<'a> {
    /// Its messages in arrival order.
    pub fn messages(&self) -> impl Iterator<Item = FreshMessage<'a>> + '_ {
        self.messages.iter().map(|(_, m, t)| {
            let (message_id, content) = match self.texts {
                Some(texts) if *t != u32::MAX => texts.get(*t),
                _ => ("", ""),
            };
            FreshMessage {
                msg: *m,
                message_id,
                content,
                kept: (*t != u32::MAX).then_some(*t),
            }
        })
    }

    /// The name of an agent id of its messages.
    pub fn agent_name(&self, id: u32) -> &'a str {
        self.agents.name(id)
    }
}

impl Fresh {
    /// Messages per block of kept messages.
    const BLOCK: usize = 1 << 20;

    /// Keeps the id and content of every message from now on, for a
    /// projection beside the facts ([`Fresh::facts_with`]).
    pub fn keep_text(&mut self) {
        self.texts.get_or_insert_with(Texts::default);
        self.contents = true;
    }

    /// Keeps the id of every message from now on, not its content (a
    /// projection that reads the contents as they arrive, from what
    /// [`Fresh::message`] returns, needs only the ids at the end).
    pub fn keep_ids(&mut self) {
        self.texts.get_or_insert_with(Texts::default);
    }

    /// Keeps a message stored in a new conversation. Returns its effective
    /// role and, when texts are kept, the index its [`FreshMessage::kept`]
    /// will carry (so that a projection may read the text meanwhile).
    pub fn message(
        &mut self,
        conv: i64,
        p: &Params,
        prefixes: &[String],
        m: &kefu_domain::Message,
    ) -> (Role, Option<u32>) {
        self.seq += 1;
        let role = Role::of(m.sender, m.kind, &m.content, prefixes);
        let agent = m.agent.as_deref().map(|a| self.agents.id(a));
        let text = match &mut self.texts {
            Some(texts) => texts.push(&m.message_id, if self.contents { &m.content } else { "" }),
            None => u32::MAX,
        };
        let kept = (
            conv,
            Msg {
                at: p.clock.to_utc_ms(m.sent_at),
                seq: self.seq,
                role,
                agent,
            },
            text,
        );
        match self.messages.last_mut() {
            Some(block) if block.len() < block.capacity() => block.push(kept),
            _ => {
                // Blocks grow with what is kept: small imports stay small.
                let capacity = (self.seq as usize).clamp(1024, Fresh::BLOCK);
                let mut block = Vec::with_capacity(capacity);
                block.push(kept);
                self.messages.push(block);
            }
        }
        (role, (text != u32::MAX).then_some(text))
    }

    /// Keeps the latest version of an order stored in a new conversation,
    /// or forgets it when it moved to an older one (`conv` = None).
    pub fn order(&mut self, store: i64, conv: Option<i64>, p: &Params, o: &kefu_domain::Order) {
        let key = (store, o.order_id.clone());
        match conv {
            Some(conv) => {
                let order = OrderIn {
                    created: p.clock.to_utc_ms(o.created_at),
                    paid: o.paid_at.map(|t| p.clock.to_utc_ms(t)),
                    amount: o.amount.0,
                };
                self.orders.insert(key, (conv, order));
            }
            None => {
                self.orders.remove(&key);
            }
        }
    }

    /// Keeps a rating stored in a new conversation (a later one with the
    /// same identity replaces the score).
    pub fn rating(&mut self, conv: i64, p: &Params, r: &kefu_domain::Rating) {
        self.seq += 1;
        let agent = self.agents.id(&r.agent);
        let seq = self.seq;
        let at = p.clock.to_utc_ms(r.rated_at);
        self.ratings
            .entry((conv, agent, r.rated_at.to_text()))
            .and_modify(|x| x.score = r.score)
            .or_insert(RatingIn {
                at,
                seq,
                agent,
                score: r.score,
            });
    }

    /// The facts of every kept conversation, as (conversation, facts), in
    /// conversation order.
    pub fn facts<S: std::hash::BuildHasher + Sync>(
        self,
        params: impl Fn(i64) -> Option<Params>,
        store_of: &HashMap<i64, i64, S>,
    ) -> Vec<(i64, Vec<NamedFact>)> {
        self.facts_with(params, store_of, &|_| ())
            .into_iter()
            .map(|(conv, facts, ())| (conv, facts))
            .collect()
    }

    /// The facts of every kept conversation and what `also` makes of it
    /// (another projection), as (conversation, facts, its output), in
    /// conversation order. Conversations are independent, so the work is
    /// split into contiguous ranges computed on up to two threads (an import
    /// runs this beside the database's own work of its commit).
    pub fn facts_with<T: Send, S: std::hash::BuildHasher + Sync>(
        mut self,
        params: impl Fn(i64) -> Option<Params>,
        store_of: &HashMap<i64, i64, S>,
        also: &(dyn Fn(&FreshConversation<'_>) -> T + Sync),
    ) -> Vec<(i64, Vec<NamedFact>, T)> {
        let mut messages: Vec<(i64, Msg, u32)> =
            Vec::with_capacity(self.messages.iter().map(Vec::len).sum());
        for block in std::mem::take(&mut self.messages) {
            messages.extend(block);
        }
        messages.sort_unstable_by_key(|(c, m, _)| (*c, m.seq));
        let mut orders: HashMap<i64, Vec<OrderIn>> = HashMap::new();
        for (_, (conv, o)) in self.orders {
            orders.entry(conv).or_default().push(o);
        }
        let mut ratings: HashMap<i64, Vec<RatingIn>> = HashMap::new();
        for ((conv, _, _), r) in self.ratings {
            ratings.entry(conv).or_default().push(r);
        }
        for rats in ratings.values_mut() {
            rats.sort_by_key(|r| r.seq);
        }
        let mut convs: Vec<i64> = store_of.keys().copied().collect();
        convs.sort_unstable();
        let mut by_store: HashMap<i64, Params> = HashMap::new();
        for store in store_of.values() {
            if !by_store.contains_key(store)
                && let Some(p) = params(*store)
            {
                by_store.insert(*store, p);
            }
        }
        let shared = Shared {
            messages: &messages,
            texts: self.texts.as_ref(),
            orders: &orders,
            ratings: &ratings,
            store_of,
            agents: &self.agents,
            also,
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
        if threads < 2 || convs.len() < 10_000 {
            return shared.compute(&by_store, &convs);
        }
        let (a, b) = convs.split_at(convs.len() / 2);
        // Params keep a cache of their own, so each thread has its copy.
        let theirs = by_store.clone();
        let shared = &shared;
        std::thread::scope(|scope| {
            let second = scope.spawn(move || shared.compute(&theirs, b));
            let mut out = shared.compute(&by_store, a);
            match second.join() {
                Ok(rest) => out.extend(rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            out
        })
    }
}

/// What computing fresh conversations' facts reads, shared by the threads.
struct Shared<'a, S, T> {
    /// (conversation, message, text), sorted by conversation and arrival.
    messages: &'a [(i64, Msg, u32)],
    texts: Option<&'a Texts>,
    orders: &'a HashMap<i64, Vec<OrderIn>>,
    /// Ratings by conversation, in arrival order.
    ratings: &'a HashMap<i64, Vec<RatingIn>>,
    store_of: &'a HashMap<i64, i64, S>,
    agents: &'a Interner,
    also: &'a (dyn Fn(&FreshConversation<'_>) -> T + Sync),
}

impl<S: std::hash::BuildHasher, T> Shared<'_, S, T> {
    /// The facts of `convs` (ascending) and what `also` makes of them, with
    /// the stores' parameters `params`.
    fn compute(
        &self,
        params: &HashMap<i64, Params>,
        convs: &[i64],
    ) -> Vec<(i64, Vec<NamedFact>, T)> {
        let mut out = Vec::with_capacity(convs.len());
        let Some(first) = convs.first() else {
            return out;
        };
        let mut start = self.messages.partition_point(|(c, _, _)| c < first);
        for &conv in convs {
            let begin = start + self.messages[start..].partition_point(|(c, _, _)| *c < conv);
            let end = begin + self.messages[begin..].partition_point(|(c, _, _)| *c == conv);
            start = end;
            let Some((store, p)) = self
                .store_of
                .get(&conv)
                .and_then(|s| params.get(s).map(|p| (*s, p)))
            else {
                continue;
            };
            let mut msgs: Vec<Msg> = self.messages[begin..end]
                .iter()
                .map(|(_, m, _)| *m)
                .collect();
            let ords = self.orders.get(&conv).map_or(&[][..], |v| &v[..]);
            let rats = self.ratings.get(&conv).map_or(&[][..], |v| &v[..]);
            let facts = crate::conversation_facts(&mut msgs, ords, rats, p);
            let named = facts
                .into_iter()
                .map(|f| NamedFact {
                    agent: f.agent.map(|a| self.agents.name(a).to_string()),
                    fact: f,
                })
                .collect();
            let also = (self.also)(&FreshConversation {
                id: conv,
                store,
                params: p,
                messages: &self.messages[begin..end],
                texts: self.texts,
                agents: self.agents,
            });
            out.push((conv, named, also));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::time_text;
    use kefu_domain::RecordTime;

    #[test]
    fn time_text_is_to_text() {
        for text in [
            "2026-11-11 20:00:05",
            "2026-01-01 00:00:00",
            "1999-12-31 23:59:59",
            "2026-02-28 08:09:10",
            "2026-11-11 20:00:05.250",
            "2026-11-11T12:00:00Z",
            "2026-11-03T10:05:00+08:00",
            "2026-11-03T10:05:00-05:30",
        ] {
            let t = RecordTime::parse(text).unwrap();
            assert_eq!(time_text(t), t.to_text(), "{text}");
        }
        for civil_ms in [
            0,
            1_000,
            86_399_000,
            -1_000,
            -86_400_000 * 400,
            253_402_300_799_000,
        ] {
            let t = RecordTime {
                civil_ms,
                offset_s: None,
            };
            assert_eq!(time_text(t), t.to_text(), "{civil_ms}");
        }
    }
}
