//! The figures of spec §2–§5 from a group's totals, and the rows of §6.

use crate::aggregate::{AgentKey, GroupKey, Grouping};
use crate::facts::{Counter, Flag, Totals};
use kefu_domain::Fen;
use kefu_domain::time::format_day;
use serde_json::{Map, Value as Json};

/// Every figure, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Figure {
    ConsultBuyers,
    Sessions,
    ManualSessions,
    BotSessions,
    UnansweredSessions,
    FirstResponseS,
    AvgResponseS,
    Reply3minRate,
    SlowRounds,
    UnansweredRounds,
    ReplyRate,
    BuyerMessages,
    AgentMessages,
    AnswerRatio,
    InquiryBuyers,
    OrderedBuyers,
    PaidBuyers,
    OrderConversion,
    PayConversion,
    Sales,
    AvgOrderValue,
    SilentSales,
    AfterSalesSessions,
    Ratings,
    SatisfiedRate,
    DissatisfiedRate,
    InviteRate,
}

impl Figure {
    /// Every figure, in output order.
    pub const ALL: [Figure; 27] = [
        Figure::ConsultBuyers,
        Figure::Sessions,
        Figure::ManualSessions,
        Figure::BotSessions,
        Figure::UnansweredSessions,
        Figure::FirstResponseS,
        Figure::AvgResponseS,
        Figure::Reply3minRate,
        Figure::SlowRounds,
        Figure::UnansweredRounds,
        Figure::ReplyRate,
        Figure::BuyerMessages,
        Figure::AgentMessages,
        Figure::AnswerRatio,
        Figure::InquiryBuyers,
        Figure::OrderedBuyers,
        Figure::PaidBuyers,
        Figure::OrderConversion,
        Figure::PayConversion,
        Figure::Sales,
        Figure::AvgOrderValue,
        Figure::SilentSales,
        Figure::AfterSalesSessions,
        Figure::Ratings,
        Figure::SatisfiedRate,
        Figure::DissatisfiedRate,
        Figure::InviteRate,
    ];

    /// The name of the spec (`first_response_s`, …).
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 27] = [
            "consult_buyers",
            "sessions",
            "manual_sessions",
            "bot_sessions",
            "unanswered_sessions",
            "first_response_s",
            "avg_response_s",
            "reply_3min_rate",
            "slow_rounds",
            "unanswered_rounds",
            "reply_rate",
            "buyer_messages",
            "agent_messages",
            "answer_ratio",
            "inquiry_buyers",
            "ordered_buyers",
            "paid_buyers",
            "order_conversion",
            "pay_conversion",
            "sales",
            "avg_order_value",
            "silent_sales",
            "after_sales_sessions",
            "ratings",
            "satisfied_rate",
            "dissatisfied_rate",
            "invite_rate",
        ];
        NAMES[self as usize]
    }

    /// The English label used in tables and spreadsheets.
    pub fn label_en(self) -> &'static str {
        const LABELS: [&str; 27] = [
            "Consulting buyers",
            "Sessions",
            "Manual sessions",
            "Bot sessions",
            "Unanswered sessions",
            "First response (s)",
            "Mean response (s)",
            "3-min reply rate",
            "Slow rounds",
            "Unanswered rounds",
            "Reply rate",
            "Buyer messages",
            "Agent messages",
            "Answer ratio",
            "Inquiry buyers",
            "Ordered buyers",
            "Paid buyers",
            "Order conversion",
            "Pay conversion",
            "Agent sales",
            "Avg order value",
            "Silent sales",
            "After-sales sessions",
            "Ratings",
            "Satisfied rate",
            "Dissatisfied rate",
            "Invite rate",
        ];
        LABELS[self as usize]
    }

    /// Whether the figure is a share (shown as a percentage).
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Figure::Reply3minRate
                | Figure::ReplyRate
                | Figure::OrderConversion
                | Figure::PayConversion
                | Figure::SatisfiedRate
                | Figure::DissatisfiedRate
                | Figure::InviteRate
        )
    }

    /// The figure named so in the spec (`first_response_s`, …).
    pub fn from_name(name: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The Chinese label used in tables and spreadsheets.
    pub fn label_zh(self) -> &'static str {
        const LABELS: [&str; 27] = [
            "咨询人数",
            "接待会话",
            "人工接待",
            "机器人接待",
            "未回复会话",
            "首响时间(秒)",
            "平均响应(秒)",
            "3分钟回复率",
            "慢响应",
            "未回复轮次",
            "回复率",
            "买家消息",
            "客服消息",
            "答问比",
            "询单人数",
            "询单→下单人数",
            "询单→付款人数",
            "询单→下单转化率",
            "询单→付款转化率",
            "客服销售额",
            "客单价",
            "静默销售额",
            "售后接待",
            "评价数",
            "满意率",
            "不满意率",
            "邀评率",
        ];
        LABELS[self as usize]
    }
}

/// A figure's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A count.
    Count(i64),
    /// A rate, a ratio or seconds; `None` when the denominator is zero.
    Number(Option<f64>),
    /// Money; `None` when a quotient's denominator is zero.
    Money(Option<Fen>),
}

impl Value {
    /// The value as JSON: integers, floats, `null`, money as `"1234.50"`.
    pub fn to_json(&self) -> Json {
        match self {
            Value::Count(n) => Json::from(*n),
            Value::Number(Some(x)) => {
                serde_json::Number::from_f64(*x).map_or(Json::Null, Json::Number)
            }
            Value::Money(Some(f)) => Json::String(f.to_string()),
            Value::Number(None) | Value::Money(None) => Json::Null,
        }
    }

    /// The value as text for tables and CSV (empty for null).
    pub fn to_text(&self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Number(Some(x)) => format_number(*x),
            Value::Money(Some(f)) => f.to_string(),
            Value::Number(None) | Value::Money(None) => String::new(),
        }
    }
}

fn format_number(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn ratio(n: i64, d: i64) -> Value {
    Value::Number((d != 0).then(|| n as f64 / d as f64))
}

fn seconds(ms: i64, n: i64) -> Value {
    Value::Number((n != 0).then(|| ms as f64 / n as f64 / 1000.0))
}

/// One row of a KPI query: its keys and figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The group.
    pub key: GroupKey,
    /// The figures that apply to the row, in output order.
    pub values: Vec<(Figure, Value)>,
}

impl Row {
    /// The row of a group from its totals.
    pub fn new(key: GroupKey, t: &Totals) -> Row {
        use Counter as C;
        let by_agent = key.agent != AgentKey::NotGrouped;
        let inquiry = if by_agent {
            t.buyers(Flag::InquiryByAgent)
        } else {
            t.buyers(Flag::Inquiry)
        };
        let (ordered, paid) = (t.buyers(Flag::Ordered), t.buyers(Flag::Paid));
        let sales = Fen(t.get(C::SalesFen));
        let mut values = Vec::with_capacity(Figure::ALL.len());
        for f in Figure::ALL {
            let v = match f {
                Figure::ConsultBuyers => Value::Count(t.buyers(Flag::Consult)),
                Figure::Sessions => Value::Count(t.get(C::Sessions)),
                Figure::ManualSessions => Value::Count(t.get(C::ManualSessions)),
                Figure::BotSessions => Value::Count(t.get(C::BotSessions)),
                Figure::UnansweredSessions => Value::Count(t.get(C::UnansweredSessions)),
                Figure::FirstResponseS => {
                    seconds(t.get(C::FirstResponseMs), t.get(C::FirstResponseN))
                }
                Figure::AvgResponseS => seconds(t.get(C::ResponseMs), t.get(C::HumanRounds)),
                Figure::Reply3minRate => ratio(
                    t.get(C::Within3Min),
                    t.get(C::HumanRounds) + t.get(C::UnansweredRounds),
                ),
                Figure::SlowRounds => Value::Count(t.get(C::SlowRounds)),
                Figure::UnansweredRounds => Value::Count(t.get(C::UnansweredRounds)),
                Figure::ReplyRate => ratio(t.buyers(Flag::Manual), t.buyers(Flag::Consult)),
                Figure::BuyerMessages => Value::Count(t.get(C::BuyerMessages)),
                Figure::AgentMessages => Value::Count(t.get(C::AgentMessages)),
                Figure::AnswerRatio => ratio(t.get(C::AgentMessages), t.get(C::BuyerMessages)),
                Figure::InquiryBuyers => Value::Count(inquiry),
                Figure::OrderedBuyers => Value::Count(ordered),
                Figure::PaidBuyers => Value::Count(paid),
                Figure::OrderConversion => ratio(ordered, inquiry),
                Figure::PayConversion => ratio(paid, inquiry),
                Figure::Sales => Value::Money(Some(sales)),
                Figure::AvgOrderValue => Value::Money(sales.div_round(paid)),
                Figure::SilentSales => {
                    if matches!(key.agent, AgentKey::Named(_)) {
                        continue;
                    }
                    Value::Money(Some(Fen(t.get(C::SilentSalesFen))))
                }
                Figure::AfterSalesSessions => Value::Count(t.get(C::AfterSalesSessions)),
                Figure::Ratings => Value::Count(t.get(C::Ratings)),
                Figure::SatisfiedRate => ratio(t.get(C::Satisfied), t.get(C::Ratings)),
                Figure::DissatisfiedRate => ratio(t.get(C::Dissatisfied), t.get(C::Ratings)),
                Figure::InviteRate => ratio(t.get(C::InvitedSessions), t.get(C::ManualSessions)),
            };
            values.push((f, v));
        }
        Row { key, values }
    }

    /// The row's keys as (name, text) for the grouping, `agent` null as "".
    pub fn key_texts(&self, g: Grouping) -> Vec<(&'static str, Option<String>)> {
        let mut out = Vec::new();
        if g.store {
            out.push(("store", self.key.store.clone()));
        }
        if g.agent {
            out.push((
                "agent",
                match &self.key.agent {
                    AgentKey::Named(a) => Some(a.clone()),
                    _ => None,
                },
            ));
        }
        if g.date {
            out.push(("date", self.key.day.map(format_day)));
        }
        if g.hour {
            out.push(("hour", self.key.hour.map(|h| h.to_string())));
        }
        out
    }

    /// The row as a JSON object: keys, then figures, named as in the spec.
    pub fn to_json(&self, g: Grouping) -> Json {
        let mut m = Map::new();
        for (k, v) in self.key_texts(g) {
            let j = match (k, v) {
                ("hour", Some(h)) => h.parse::<i64>().map_or(Json::Null, Json::from),
                (_, Some(s)) => Json::String(s),
                (_, None) => Json::Null,
            };
            m.insert(k.to_string(), j);
        }
        for (f, v) in &self.values {
            m.insert(f.name().to_string(), v.to_json());
        }
        Json::Object(m)
    }

    /// The value of a figure, when the row has it.
    pub fn get(&self, f: Figure) -> Option<&Value> {
        self.values.iter().find(|(x, _)| *x == f).map(|(_, v)| v)
    }
}

/// The rows of grouped totals.
pub fn rows(groups: Vec<(GroupKey, Totals)>) -> Vec<Row> {
    groups.into_iter().map(|(k, t)| Row::new(k, &t)).collect()
}
