//! Turning a conversation's stored rows into KPI facts, shared by both
//! backends.

use kefu_domain::{MessageKind, RecordTime, Sender};
use kefu_kpi::{Fact, Msg, OrderIn, Params, RatingIn, Role};
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
    /// Content; empty when the store has no auto-reply prefixes.
    pub content: String,
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

/// A fact with its agent named, ready to store.
#[derive(Debug, Clone)]
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

fn instant(p: &Params, text: &str) -> anyhow::Result<i64> {
    let t = RecordTime::parse(text).map_err(|e| anyhow::anyhow!("stored time {e}"))?;
    Ok(p.clock.to_utc_ms(t))
}

/// Computes the facts of one conversation from its stored rows.
pub fn facts(
    p: &Params,
    prefixes: &[String],
    messages: &[MessageRow],
    orders: &[OrderRow],
    ratings: &[RatingRow],
) -> anyhow::Result<Vec<NamedFact>> {
    let mut names: Vec<String> = Vec::new();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut id_of = |name: &str| -> u32 {
        if let Some(id) = ids.get(name) {
            return *id;
        }
        names.push(name.to_string());
        let id = (names.len() - 1) as u32;
        ids.insert(name.to_string(), id);
        id
    };
    let mut msgs = Vec::with_capacity(messages.len());
    for m in messages {
        let role = Role::of(sender_of(m.sender), kind_of(m.kind), &m.content, prefixes);
        msgs.push(Msg {
            at: instant(p, &m.sent_at)?,
            seq: m.seq as u64,
            role,
            agent: m.agent.as_deref().map(&mut id_of),
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
    let mut rats = Vec::with_capacity(ratings.len());
    for r in ratings {
        rats.push(RatingIn {
            at: instant(p, &r.rated_at)?,
            seq: r.seq as u64,
            agent: id_of(&r.agent),
            score: r.score as u8,
        });
    }
    let facts = kefu_kpi::conversation_facts(&mut msgs, &ords, &rats, p);
    Ok(facts
        .into_iter()
        .map(|f| NamedFact {
            agent: f.agent.map(|a| names[a as usize].clone()),
            fact: f,
        })
        .collect())
}
