//! The answers of the KPI capability's API as types, serialised by serde
//! and described in the OpenAPI document by their `ToSchema` derives.

use kefu_domain::Fen;
use kefu_kpi::Grouping;
use kefu_kpi::aggregate::AgentKey;
use kefu_kpi::report::{Row, Value};
use kefu_kpi::transcript::{SessionRow, Transcript};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use utoipa::ToSchema;

/// Pairs serialised as a JSON object in their order.
#[derive(Debug, Clone)]
pub struct Pairs<V>(pub Vec<(&'static str, V)>);

impl<V: Serialize> Serialize for Pairs<V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A figure's value: a count, a number (rates, ratios, seconds), money in
/// yuan as text (`"1234.50"`), or null when its denominator is zero.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(untagged)]
pub enum FigureValue {
    /// A count.
    Count(i64),
    /// A rate, a ratio or seconds.
    Number(Option<f64>),
    /// Money in yuan.
    Money(Option<String>),
}

impl From<&Value> for FigureValue {
    fn from(v: &Value) -> FigureValue {
        match v {
            Value::Count(n) => FigureValue::Count(*n),
            Value::Number(x) => FigureValue::Number(*x),
            Value::Money(f) => FigureValue::Money(f.map(|f| f.to_string())),
        }
    }
}

/// A KPI row: the keys of its grouping (only those asked for; `agent`
/// null for messages of no agent), then every figure of spec `kpi.md` §6
/// that applies, by its spec name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KpiRow {
    /// Store code (grouped by store).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub store: Option<Option<String>>,
    /// Agent account (grouped by agent).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub agent: Option<Option<String>>,
    /// Local day, `YYYY-MM-DD` (grouped by date).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub date: Option<Option<String>>,
    /// Local hour 0–23 (grouped by hour).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub hour: Option<Option<i64>>,
    /// The figures, by spec name.
    #[serde(flatten)]
    #[schema(value_type = HashMap<String, FigureValue>)]
    pub figures: Pairs<FigureValue>,
}

impl KpiRow {
    /// The row of a grouping.
    pub fn new(r: &Row, g: Grouping) -> KpiRow {
        KpiRow {
            store: g.store.then(|| r.key.store.clone()),
            agent: g.agent.then(|| match &r.key.agent {
                AgentKey::Named(a) => Some(a.clone()),
                _ => None,
            }),
            date: g.date.then(|| r.key.day.map(kefu_domain::time::format_day)),
            hour: g.hour.then(|| r.key.hour.map(i64::from)),
            figures: Pairs(
                r.values
                    .iter()
                    .map(|(f, v)| (f.name(), FigureValue::from(v)))
                    .collect(),
            ),
        }
    }
}

/// A store and its settings (spec `kpi.md` §2).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StoreAnswer {
    /// Store code.
    pub code: String,
    /// Every setting by name, as text.
    #[schema(value_type = HashMap<String, String>)]
    pub settings: Pairs<String>,
}

impl StoreAnswer {
    /// A store's answer.
    pub fn new(code: String, s: &kefu_domain::StoreSettings) -> StoreAnswer {
        StoreAnswer {
            code,
            settings: Pairs(s.pairs()),
        }
    }
}

/// An agent account of a store.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgentAnswer {
    /// Store code.
    pub store: String,
    /// Agent account.
    pub agent: String,
}

/// A session with its figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionAnswer {
    /// Store code.
    pub store: String,
    /// Conversation id.
    pub conversation: i64,
    /// Buyer.
    pub buyer: String,
    /// The session's index in its conversation, from 0.
    pub index: u32,
    /// Local start time.
    pub start: String,
    /// `manual`, `bot`, `unanswered` or `outbound`.
    pub kind: &'static str,
    /// An after-sales session.
    pub after_sales: bool,
    /// The agent who received it.
    pub receiving_agent: Option<String>,
    /// Every agent who wrote in it.
    pub agents: Vec<String>,
    /// Buyer messages.
    pub buyer_messages: u32,
    /// Agent messages.
    pub agent_messages: u32,
    /// Rounds answered by a human.
    pub human_rounds: u32,
    /// Rounds left unanswered.
    pub unanswered_rounds: u32,
    /// Rounds answered slowly.
    pub slow_rounds: u32,
    /// First response, seconds.
    pub first_response_s: Option<f64>,
    /// Mean response, seconds.
    pub avg_response_s: Option<f64>,
    /// A rating was invited.
    pub invited: bool,
    /// Orders attributed to it.
    pub attributed_orders: u32,
    /// Their sales, yuan as text.
    pub sales: String,
}

impl From<&SessionRow> for SessionAnswer {
    fn from(r: &SessionRow) -> SessionAnswer {
        SessionAnswer {
            store: r.store.clone(),
            conversation: r.conv_id,
            buyer: r.buyer.clone(),
            index: r.index,
            start: r.start.clone(),
            kind: r.kind.as_str(),
            after_sales: r.after_sales,
            receiving_agent: r.receiving_agent.clone(),
            agents: r.agents.clone(),
            buyer_messages: r.buyer_messages,
            agent_messages: r.agent_messages,
            human_rounds: r.human_rounds,
            unanswered_rounds: r.unanswered_rounds,
            slow_rounds: r.slow_rounds,
            first_response_s: r.first_response_ms.map(|v| v as f64 / 1000.0),
            avg_response_s: r.mean_response_ms.map(|v| v / 1000.0),
            invited: r.invited,
            attributed_orders: r.attributed_orders,
            sales: Fen(r.sales_fen).to_string(),
        }
    }
}

/// A message of a transcript.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessageAnswer {
    /// Message id.
    pub message_id: String,
    /// `buyer`, `agent` or `system`.
    pub sender: &'static str,
    /// The message's kind.
    pub kind: &'static str,
    /// What it counts as (`buyer`, `agent`, `bot`, `transfer`, …).
    pub counts_as: &'static str,
    /// Agent account.
    pub agent: Option<String>,
    /// Local time sent.
    pub sent_at: String,
    /// Text.
    pub content: String,
    /// Its session's index.
    pub session: u32,
}

/// A round of a transcript.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoundAnswer {
    /// Its session's index.
    pub session: u32,
    /// The message that opened it.
    pub start_seq: i64,
    /// The message that ended it.
    pub end_seq: Option<i64>,
    /// How it ended (the outcome's debug text in lower case).
    pub outcome: String,
    /// Response, seconds.
    pub response_s: Option<f64>,
    /// The agent who answered.
    pub agent: Option<String>,
    /// Counted (inside service hours).
    pub counted: bool,
    /// Slow.
    pub slow: bool,
}

/// An order of a transcript and its attribution.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderAnswer {
    /// Order id.
    pub order_id: String,
    /// Local time created.
    pub created_at: String,
    /// Local time paid.
    pub paid_at: Option<String>,
    /// Amount, yuan as text.
    pub amount: String,
    /// Refund, yuan as text.
    pub refund_amount: Option<String>,
    /// The agent it is attributed to.
    pub attributed_agent: Option<String>,
    /// The message it is attributed to.
    pub attributed_message_id: Option<String>,
    /// The session it is attributed to.
    pub session: Option<u32>,
}

/// A rating of a transcript.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RatingAnswer {
    /// Agent account.
    pub agent: String,
    /// Local time rated.
    pub rated_at: String,
    /// Score.
    pub score: u8,
    /// Counted (the day's last rating of the agent).
    pub counted: bool,
}

/// A conversation: messages, sessions, rounds, orders with their
/// attribution, ratings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConversationAnswer {
    /// Store code.
    pub store: String,
    /// Conversation id.
    pub conversation: i64,
    /// Buyer.
    pub buyer: String,
    /// The sessions the viewer may see.
    pub sessions: Vec<SessionAnswer>,
    /// Messages.
    pub messages: Vec<MessageAnswer>,
    /// Rounds.
    pub rounds: Vec<RoundAnswer>,
    /// Orders.
    pub orders: Vec<OrderAnswer>,
    /// Ratings.
    pub ratings: Vec<RatingAnswer>,
}

impl From<&Transcript> for ConversationAnswer {
    fn from(t: &Transcript) -> ConversationAnswer {
        let yuan = |f: i64| Fen(f).to_string();
        ConversationAnswer {
            store: t.store.clone(),
            conversation: t.conv_id,
            buyer: t.buyer.clone(),
            sessions: t
                .sessions
                .iter()
                .filter(|s| !s.start.is_empty())
                .map(SessionAnswer::from)
                .collect(),
            messages: t
                .messages
                .iter()
                .map(|m| MessageAnswer {
                    message_id: m.message_id.clone(),
                    sender: m.sender.as_str(),
                    kind: m.kind.as_str(),
                    counts_as: m.role.as_str(),
                    agent: m.agent.clone(),
                    sent_at: m.sent_at.clone(),
                    content: m.content.clone(),
                    session: m.session,
                })
                .collect(),
            rounds: t
                .rounds
                .iter()
                .map(|r| RoundAnswer {
                    session: r.session,
                    start_seq: r.start_seq,
                    end_seq: r.end_seq,
                    outcome: format!("{:?}", r.outcome).to_lowercase(),
                    response_s: r.response_ms.map(|v| v as f64 / 1000.0),
                    agent: r.agent.clone(),
                    counted: r.counted,
                    slow: r.slow,
                })
                .collect(),
            orders: t
                .orders
                .iter()
                .map(|o| OrderAnswer {
                    order_id: o.order_id.clone(),
                    created_at: o.created_at.clone(),
                    paid_at: o.paid_at.clone(),
                    amount: yuan(o.amount_fen),
                    refund_amount: o.refund_fen.map(yuan),
                    attributed_agent: o.attributed_agent.clone(),
                    attributed_message_id: o.attributed_message_id.clone(),
                    session: o.session,
                })
                .collect(),
            ratings: t
                .ratings
                .iter()
                .map(|r| RatingAnswer {
                    agent: r.agent.clone(),
                    rated_at: r.rated_at.clone(),
                    score: r.score,
                    counted: r.counted,
                })
                .collect(),
        }
    }
}
