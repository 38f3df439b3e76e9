//! Sessions and transcripts of stored conversations, for the sessions page
//! and the transcript view: the stored rows of a store's conversations
//! analysed with [`crate::conversation_sessions`] (the same rules as the
//! KPI facts), with every agent named. The database backends read the
//! rows (kefu-db's `sql_repository!`); this module turns them into answers.

use crate::dataset::Interner;
use crate::sessions::{counted_ratings, local_text};
use crate::stored::{MessageRow, OrderRow, RatingRow, engine_records, instant, kind_of, sender_of};
use crate::{
    ConversationView, Msg, OrderIn, Params, RatingIn, Role, RoundOutcome, SessionKind, SessionView,
    conversation_sessions,
};
use kefu_domain::{MessageKind, Sender};

/// Which sessions `Repository::sessions` (kefu-db) lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionQuery {
    /// The store's code.
    pub store: String,
    /// First local day included (as in [`crate::Filter`]).
    pub from: Option<i32>,
    /// Last local day included.
    pub to: Option<i32>,
    /// When set, only sessions that one of these agent accounts received or
    /// sent an agent message in (every round's answerer is such a sender).
    pub agents: Option<Vec<String>>,
}

/// One session of a conversation, with its figures.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    /// Store code.
    pub store: String,
    /// Conversation id (for `Repository::conversation` (kefu-db)).
    pub conv_id: i64,
    /// The buyer.
    pub buyer: String,
    /// The session's number in its conversation, from 0, outbound sessions
    /// counted too.
    pub index: u32,
    /// Start (its first record), UTC ms.
    pub start_ms: i64,
    /// Start as local `YYYY-MM-DD HH:MM:SS`.
    pub start: String,
    /// Local day of the start, days since 1970-01-01.
    pub day: i32,
    /// Local hour of the start.
    pub hour: u8,
    /// Manual, bot, unanswered (outbound only in transcripts).
    pub kind: SessionKind,
    /// After-sales (售后); otherwise an inquiry (询单).
    pub after_sales: bool,
    /// The receiving agent (接待客服).
    pub receiving_agent: Option<String>,
    /// Agents who sent an agent message (auto replies excluded), sorted.
    pub agents: Vec<String>,
    /// Buyer messages.
    pub buyer_messages: u32,
    /// Agent messages.
    pub agent_messages: u32,
    /// Counted human rounds (starting inside service hours).
    pub human_rounds: u32,
    /// Counted unanswered rounds.
    pub unanswered_rounds: u32,
    /// Counted human rounds slower than `slow_response_seconds`.
    pub slow_rounds: u32,
    /// Response time of the first human round, when it counts.
    pub first_response_ms: Option<i64>,
    /// Mean response time of the counted human rounds.
    pub mean_response_ms: Option<f64>,
    /// A manual session with an `invite_rating` event.
    pub invited: bool,
    /// Orders attributed through a message of this session.
    pub attributed_orders: u32,
    /// Amount of the paid ones, fen.
    pub sales_fen: i64,
}

/// A conversation's records, sessions, rounds, orders and ratings, in
/// sorted message order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// Store code.
    pub store: String,
    /// Conversation id.
    pub conv_id: i64,
    /// The buyer.
    pub buyer: String,
    /// Every message record, sorted by (time, arrival).
    pub messages: Vec<TranscriptMessage>,
    /// Every session, outbound ones included, by index.
    pub sessions: Vec<SessionRow>,
    /// Every round, by session and start.
    pub rounds: Vec<TranscriptRound>,
    /// Orders, by creation time.
    pub orders: Vec<TranscriptOrder>,
    /// Ratings, by time.
    pub ratings: Vec<TranscriptRating>,
}

/// One message of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptMessage {
    /// Arrival order.
    pub seq: i64,
    /// The store's message id.
    pub message_id: String,
    /// Sender as imported.
    pub sender: Sender,
    /// Kind as imported.
    pub kind: MessageKind,
    /// What the engine counts it as.
    pub role: Role,
    /// The agent named by the record.
    pub agent: Option<String>,
    /// `sent_at` as local `YYYY-MM-DD HH:MM:SS`.
    pub sent_at: String,
    /// Content.
    pub content: String,
    /// Index of its session in [`Transcript::sessions`].
    pub session: u32,
}

/// One round of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptRound {
    /// Index of its session.
    pub session: u32,
    /// Seq of the buyer message that opened it.
    pub start_seq: i64,
    /// Seq of the message that ended it; `None` when unanswered.
    pub end_seq: Option<i64>,
    /// Human, bot or unanswered (agent ids are not used here).
    pub outcome: RoundOutcome,
    /// Response time of a human round, ms.
    pub response_ms: Option<i64>,
    /// The answering agent; for an unanswered round the receiving agent it
    /// is charged to.
    pub agent: Option<String>,
    /// Counts in the round figures (starts inside service hours).
    pub counted: bool,
    /// A human round slower than `slow_response_seconds`.
    pub slow: bool,
}

/// One order of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptOrder {
    /// The store's order id.
    pub order_id: String,
    /// Local `created_at`.
    pub created_at: String,
    /// Local `paid_at`.
    pub paid_at: Option<String>,
    /// Amount, fen.
    pub amount_fen: i64,
    /// Refund, fen.
    pub refund_fen: Option<i64>,
    /// The agent it is attributed to; `None`: silent.
    pub attributed_agent: Option<String>,
    /// The attributing message.
    pub attributed_message_id: Option<String>,
    /// The session holding that message.
    pub session: Option<u32>,
}

/// One rating of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptRating {
    /// The agent rated.
    pub agent: String,
    /// Local `rated_at`.
    pub rated_at: String,
    /// Score 1–5.
    pub score: u8,
    /// Whether it counts (the last per agent and local day).
    pub counted: bool,
}

/// A stored order with what the transcript shows besides the engine's
/// fields.
#[derive(Debug, Clone)]
pub struct OrderDetail {
    /// The engine's fields.
    pub row: OrderRow,
    /// The store's order id.
    pub order_id: String,
    /// Refund, fen.
    pub refund_fen: Option<i64>,
}

/// One conversation analysed: messages sorted, the view, agents interned.
struct Analysed {
    msgs: Vec<Msg>,
    orders: Vec<OrderIn>,
    view: ConversationView,
}

fn analyse(
    p: &Params,
    prefixes: &[String],
    messages: &[MessageRow],
    orders: &[OrderRow],
    agents: &mut Interner,
) -> anyhow::Result<Analysed> {
    let (mut msgs, orders) = engine_records(p, prefixes, messages, orders, agents)?;
    let view = conversation_sessions(&mut msgs, &orders, p);
    Ok(Analysed { msgs, orders, view })
}

/// The row of session `index` of an analysed conversation.
fn session_row(
    (store, conv_id, buyer): (&str, i64, &str),
    a: &Analysed,
    index: usize,
    agents: &Interner,
    p: &Params,
) -> SessionRow {
    let s: &SessionView = &a.view.sessions[index];
    let msgs = &a.msgs[s.first..s.end];
    let name = |id: Option<u32>| id.map(|i| agents.name(i).to_string());
    let mut senders: Vec<String> = msgs
        .iter()
        .filter(|m| m.role == Role::Agent)
        .filter_map(|m| name(m.agent))
        .collect();
    senders.sort();
    senders.dedup();
    let count = |r: Role| msgs.iter().filter(|m| m.role == r).count() as u32;
    let (mut human, mut unanswered, mut slow, mut total_ms) = (0u32, 0u32, 0u32, 0i64);
    for r in s.rounds.iter().filter(|r| r.counts) {
        match r.outcome {
            RoundOutcome::Human { response_ms, .. } => {
                human += 1;
                total_ms += response_ms;
                slow += u32::from(r.slow);
            }
            RoundOutcome::Unanswered => unanswered += 1,
            RoundOutcome::Bot => {}
        }
    }
    let (mut attributed, mut sales_fen) = (0u32, 0i64);
    for (o, at) in a.orders.iter().zip(&a.view.orders) {
        if at.is_some_and(|x| x.session == index) {
            attributed += 1;
            sales_fen += if o.paid.is_some() { o.amount } else { 0 };
        }
    }
    SessionRow {
        store: store.to_string(),
        conv_id,
        buyer: buyer.to_string(),
        index: index as u32,
        start_ms: s.start_ms,
        start: local_text(p, s.start_ms),
        day: s.day,
        hour: s.hour,
        kind: s.kind,
        after_sales: s.after_sales,
        receiving_agent: name(s.receiving),
        agents: senders,
        buyer_messages: count(Role::Buyer),
        agent_messages: count(Role::Agent),
        human_rounds: human,
        unanswered_rounds: unanswered,
        slow_rounds: slow,
        first_response_ms: s.first_response_ms,
        mean_response_ms: (human > 0).then(|| total_ms as f64 / f64::from(human)),
        invited: s.invited,
        attributed_orders: attributed,
        sales_fen,
    }
}

impl SessionQuery {
    /// Whether a listed (not outbound) session is asked for.
    pub fn takes(&self, r: &SessionRow) -> bool {
        let day = self.from.is_none_or(|f| r.day >= f) && self.to.is_none_or(|t| r.day <= t);
        let agent = self.agents.as_ref().is_none_or(|want| {
            want.iter()
                .any(|a| r.receiving_agent.as_ref() == Some(a) || r.agents.contains(a))
        });
        r.kind != SessionKind::Outbound && day && agent
    }
}

/// The listed sessions of a store's conversations, from their stored rows
/// (`convs` as (id, buyer); messages and orders with their conversation
/// id, in any order), sorted by start descending, then conversation.
pub fn session_rows(
    q: &SessionQuery,
    p: &Params,
    prefixes: &[String],
    mut convs: Vec<(i64, String)>,
    mut messages: Vec<(i64, MessageRow)>,
    mut orders: Vec<(i64, OrderRow)>,
) -> anyhow::Result<Vec<SessionRow>> {
    convs.sort_unstable_by_key(|c| c.0);
    messages.sort_by_key(|m| m.0);
    orders.sort_by_key(|o| o.0);
    let (msg_convs, msg_rows): (Vec<i64>, Vec<MessageRow>) = messages.into_iter().unzip();
    let (order_convs, order_rows): (Vec<i64>, Vec<OrderRow>) = orders.into_iter().unzip();
    let mut agents = Interner::default();
    let mut out = Vec::new();
    for (conv, buyer) in &convs {
        let span = |ids: &[i64]| {
            (
                ids.partition_point(|c| c < conv),
                ids.partition_point(|c| c <= conv),
            )
        };
        let (m0, m1) = span(&msg_convs);
        let (o0, o1) = span(&order_convs);
        if m0 == m1 {
            continue;
        }
        let a = analyse(
            p,
            prefixes,
            &msg_rows[m0..m1],
            &order_rows[o0..o1],
            &mut agents,
        )?;
        for i in 0..a.view.sessions.len() {
            let row = session_row((&q.store, *conv, buyer), &a, i, &agents, p);
            if q.takes(&row) {
                out.push(row);
            }
        }
    }
    out.sort_by(|x, y| y.start_ms.cmp(&x.start_ms).then(x.conv_id.cmp(&y.conv_id)));
    Ok(out)
}

/// The transcript of one conversation from its stored rows (messages with
/// their message ids).
pub fn transcript(
    (store, conv_id, buyer): (&str, i64, &str),
    p: &Params,
    prefixes: &[String],
    messages: Vec<(MessageRow, String)>,
    orders: Vec<OrderDetail>,
    ratings: Vec<RatingRow>,
) -> anyhow::Result<Transcript> {
    let rows: Vec<MessageRow> = messages.iter().map(|m| m.0.clone()).collect();
    let order_rows: Vec<OrderRow> = orders.iter().map(|o| o.row.clone()).collect();
    let mut agents = Interner::default();
    let a = analyse(p, prefixes, &rows, &order_rows, &mut agents)?;
    let mut by_seq: Vec<(i64, usize)> = rows.iter().enumerate().map(|(i, r)| (r.seq, i)).collect();
    by_seq.sort_unstable();
    let row_of = |m: &Msg| {
        let k = by_seq.partition_point(|(s, _)| *s < m.seq as i64);
        by_seq[k].1
    };
    let sessions: Vec<SessionRow> = (0..a.view.sessions.len())
        .map(|i| session_row((store, conv_id, buyer), &a, i, &agents, p))
        .collect();
    let mut out_msgs = Vec::with_capacity(a.msgs.len());
    let mut rounds = Vec::new();
    for (si, s) in a.view.sessions.iter().enumerate() {
        for m in &a.msgs[s.first..s.end] {
            let (row, id) = &messages[row_of(m)];
            out_msgs.push(TranscriptMessage {
                seq: row.seq,
                message_id: id.clone(),
                sender: sender_of(row.sender),
                kind: kind_of(row.kind),
                role: m.role,
                agent: row.agent.clone(),
                sent_at: local_text(p, m.at),
                content: row.content.clone(),
                session: si as u32,
            });
        }
        for r in &s.rounds {
            let (response_ms, agent) = match r.outcome {
                RoundOutcome::Human { agent, response_ms } => (Some(response_ms), agent),
                RoundOutcome::Bot => (None, None),
                RoundOutcome::Unanswered => (None, s.receiving),
            };
            rounds.push(TranscriptRound {
                session: si as u32,
                start_seq: a.msgs[r.start].seq as i64,
                end_seq: r.end.map(|e| a.msgs[e].seq as i64),
                outcome: r.outcome,
                response_ms,
                agent: agent.map(|x| agents.name(x).to_string()),
                counted: r.counts,
                slow: r.slow,
            });
        }
    }
    let mut out_orders: Vec<(i64, TranscriptOrder)> = Vec::with_capacity(orders.len());
    for ((o, engine), at) in orders.iter().zip(&a.orders).zip(&a.view.orders) {
        let msg = at.map(|x| &a.msgs[x.message]);
        out_orders.push((
            engine.created,
            TranscriptOrder {
                order_id: o.order_id.clone(),
                created_at: local_text(p, engine.created),
                paid_at: engine.paid.map(|t| local_text(p, t)),
                amount_fen: o.row.amount_fen,
                refund_fen: o.refund_fen,
                attributed_agent: msg
                    .and_then(|m| m.agent)
                    .map(|x| agents.name(x).to_string()),
                attributed_message_id: msg.map(|m| messages[row_of(m)].1.clone()),
                session: at.map(|x| x.session as u32),
            },
        ));
    }
    out_orders.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.order_id.cmp(&y.1.order_id)));
    let mut rats = Vec::with_capacity(ratings.len());
    for r in &ratings {
        rats.push(RatingIn {
            at: instant(p, &r.rated_at)?,
            seq: r.seq as u64,
            agent: agents.id(&r.agent),
            score: r.score as u8,
        });
    }
    let counted = counted_ratings(&rats, p);
    let mut out_ratings: Vec<((i64, u64), TranscriptRating)> = ratings
        .iter()
        .zip(&rats)
        .zip(counted)
        .map(|((r, e), counted)| {
            let rating = TranscriptRating {
                agent: r.agent.clone(),
                rated_at: local_text(p, e.at),
                score: e.score,
                counted,
            };
            ((e.at, e.seq), rating)
        })
        .collect();
    out_ratings.sort_by_key(|x| x.0);
    Ok(Transcript {
        store: store.to_string(),
        conv_id,
        buyer: buyer.to_string(),
        messages: out_msgs,
        sessions,
        rounds,
        orders: out_orders.into_iter().map(|x| x.1).collect(),
        ratings: out_ratings.into_iter().map(|x| x.1).collect(),
    })
}
