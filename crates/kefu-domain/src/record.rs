//! The input records of `spec/kpi.md` §1 and the parsers of their fields.

use crate::{Fen, RecordTime};
use std::fmt;

/// What is wrong with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in the spec (`sent_at`, `amount`, …).
    pub field: &'static str,
    /// Why the value was refused.
    pub reason: String,
}

impl FieldError {
    /// A field error with its reason.
    pub fn new(field: &'static str, reason: impl Into<String>) -> FieldError {
        FieldError {
            field,
            reason: reason.into(),
        }
    }

    /// The error for a required field that is missing or empty.
    pub fn missing(field: &'static str) -> FieldError {
        FieldError::new(field, "is missing")
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}` {}", self.field, self.reason)
    }
}

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sender {
    /// The buyer (买家).
    Buyer,
    /// A human agent (客服).
    Agent,
    /// The platform's or store's robot.
    Bot,
    /// The platform itself.
    System,
}

impl Sender {
    /// Parses `buyer`, `agent`, `bot` or `system` (and their Chinese names).
    pub fn parse(text: &str) -> Result<Sender, FieldError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "buyer" | "买家" | "顾客" | "customer" => Ok(Sender::Buyer),
            "agent" | "客服" | "seller" => Ok(Sender::Agent),
            "bot" | "机器人" | "robot" => Ok(Sender::Bot),
            "system" | "系统" => Ok(Sender::System),
            "" => Err(FieldError::missing("sender")),
            other => Err(FieldError::new(
                "sender",
                format!("'{other}' is not one of buyer, agent, bot, system"),
            )),
        }
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Buyer => "buyer",
            Sender::Agent => "agent",
            Sender::Bot => "bot",
            Sender::System => "system",
        }
    }
}

/// The kind of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MessageKind {
    /// Plain text (the default).
    #[default]
    Text,
    /// An image.
    Image,
    /// A product or order card.
    Card,
    /// An automatic reply sent from an agent's account.
    Auto,
    /// Event: the conversation was assigned to `agent`.
    Transfer,
    /// Event: the buyer was invited to rate.
    InviteRating,
}

impl MessageKind {
    /// Parses a kind; empty means `text`.
    pub fn parse(text: &str) -> Result<MessageKind, FieldError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "text" => Ok(MessageKind::Text),
            "image" => Ok(MessageKind::Image),
            "card" => Ok(MessageKind::Card),
            "auto" => Ok(MessageKind::Auto),
            "transfer" => Ok(MessageKind::Transfer),
            "invite_rating" => Ok(MessageKind::InviteRating),
            other => Err(FieldError::new(
                "kind",
                format!("'{other}' is not one of text, image, card, auto, transfer, invite_rating"),
            )),
        }
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Text => "text",
            MessageKind::Image => "image",
            MessageKind::Card => "card",
            MessageKind::Auto => "auto",
            MessageKind::Transfer => "transfer",
            MessageKind::InviteRating => "invite_rating",
        }
    }

    /// Transfers and rating invitations are events, not messages of a sender.
    pub fn is_event(self) -> bool {
        matches!(self, MessageKind::Transfer | MessageKind::InviteRating)
    }
}

/// A chat message (聊天记录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Store code.
    pub store: String,
    /// Unique within the store.
    pub message_id: String,
    /// The buyer's platform id.
    pub buyer: String,
    /// Who sent it.
    pub sender: Sender,
    /// The agent's sub-account (required when the sender is an agent).
    pub agent: Option<String>,
    /// When it was sent.
    pub sent_at: RecordTime,
    /// Text; may be empty.
    pub content: String,
    /// Its kind.
    pub kind: MessageKind,
}

/// An order (订单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Store code.
    pub store: String,
    /// Unique within the store.
    pub order_id: String,
    /// The buyer's platform id.
    pub buyer: String,
    /// When it was placed.
    pub created_at: RecordTime,
    /// When it was paid; `None` while unpaid.
    pub paid_at: Option<RecordTime>,
    /// Its amount.
    pub amount: Fen,
    /// The amount refunded, if any.
    pub refund_amount: Option<Fen>,
    /// When it was refunded, if it was.
    pub refunded_at: Option<RecordTime>,
}

/// A rating (评价) of an agent by a buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rating {
    /// Store code.
    pub store: String,
    /// The buyer's platform id.
    pub buyer: String,
    /// The agent rated.
    pub agent: String,
    /// When it was given.
    pub rated_at: RecordTime,
    /// The score, 1–5.
    pub score: u8,
}

/// Parses a required text field: trimmed, non-empty.
pub fn required(field: &'static str, value: Option<&str>) -> Result<String, FieldError> {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        _ => Err(FieldError::missing(field)),
    }
}

/// Parses an optional text field: trimmed, empty means `None`.
pub fn optional(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Parses a required time field.
pub fn required_time(field: &'static str, value: Option<&str>) -> Result<RecordTime, FieldError> {
    let v = required(field, value)?;
    RecordTime::parse(&v).map_err(|r| FieldError::new(field, r))
}

/// Parses an optional time field.
pub fn optional_time(
    field: &'static str,
    value: Option<&str>,
) -> Result<Option<RecordTime>, FieldError> {
    optional(value)
        .map(|v| RecordTime::parse(&v).map_err(|r| FieldError::new(field, r)))
        .transpose()
}

/// Parses a money field in yuan.
pub fn money(field: &'static str, value: &str) -> Result<Fen, FieldError> {
    Fen::parse_yuan(value).map_err(|r| FieldError::new(field, r))
}

impl Message {
    /// Builds a message from its text fields, checking every rule of §1.
    /// Fields are given by their spec names; absent ones are `None`.
    pub fn from_fields<'a>(
        get: impl Fn(&'static str) -> Option<&'a str>,
    ) -> Result<Message, FieldError> {
        let store = required("store", get("store"))?;
        let message_id = required("message_id", get("message_id"))?;
        let buyer = required("buyer", get("buyer"))?;
        let sender = Sender::parse(get("sender").unwrap_or(""))?;
        let agent = optional(get("agent"));
        let sent_at = required_time("sent_at", get("sent_at"))?;
        let kind = MessageKind::parse(get("kind").unwrap_or(""))?;
        if sender == Sender::Agent && agent.is_none() {
            return Err(FieldError::new(
                "agent",
                "is missing: an agent message must name its agent",
            ));
        }
        let content = get("content").map(str::to_string).unwrap_or_default();
        Ok(Message {
            store,
            message_id,
            buyer,
            sender,
            agent,
            sent_at,
            content,
            kind,
        })
    }
}

impl Order {
    /// Builds an order from its text fields, checking every rule of §1.
    pub fn from_fields<'a>(
        get: impl Fn(&'static str) -> Option<&'a str>,
    ) -> Result<Order, FieldError> {
        let store = required("store", get("store"))?;
        let order_id = required("order_id", get("order_id"))?;
        let buyer = required("buyer", get("buyer"))?;
        let created_at = required_time("created_at", get("created_at"))?;
        let paid_at = optional_time("paid_at", get("paid_at"))?;
        let amount = money("amount", &required("amount", get("amount"))?)?;
        let refund_amount = optional(get("refund_amount"))
            .map(|v| money("refund_amount", &v))
            .transpose()?;
        let refunded_at = optional_time("refunded_at", get("refunded_at"))?;
        Ok(Order {
            store,
            order_id,
            buyer,
            created_at,
            paid_at,
            amount,
            refund_amount,
            refunded_at,
        })
    }
}

impl Rating {
    /// Builds a rating from its text fields, checking every rule of §1.
    pub fn from_fields<'a>(
        get: impl Fn(&'static str) -> Option<&'a str>,
    ) -> Result<Rating, FieldError> {
        let store = required("store", get("store"))?;
        let buyer = required("buyer", get("buyer"))?;
        let agent = required("agent", get("agent"))?;
        let rated_at = required_time("rated_at", get("rated_at"))?;
        let raw = required("score", get("score"))?;
        let score = match raw.parse::<u8>() {
            Ok(s @ 1..=5) => s,
            _ => {
                return Err(FieldError::new(
                    "score",
                    format!("'{raw}' is not an integer from 1 to 5"),
                ));
            }
        };
        Ok(Rating {
            store,
            buyer,
            agent,
            rated_at,
            score,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(
        pairs: &'a [(&'static str, &'a str)],
    ) -> impl Fn(&'static str) -> Option<&'a str> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| *v)
    }

    #[test]
    fn message_rules() {
        let base = [
            ("store", "dy-1"),
            ("message_id", "m1"),
            ("buyer", "b1"),
            ("sender", "agent"),
            ("sent_at", "2026-11-01 10:00:00"),
        ];
        let e = Message::from_fields(fields(&base)).unwrap_err();
        assert_eq!(e.field, "agent");
        let mut ok = base.to_vec();
        ok.push(("agent", "a1"));
        assert_eq!(
            Message::from_fields(fields(&ok)).unwrap().kind,
            MessageKind::Text
        );
        let mut bad = ok.clone();
        bad[3] = ("sender", "robot2");
        assert_eq!(
            Message::from_fields(fields(&bad)).unwrap_err().field,
            "sender"
        );
        let mut bad = ok.clone();
        bad[4] = ("sent_at", "soon");
        assert_eq!(
            Message::from_fields(fields(&bad)).unwrap_err().field,
            "sent_at"
        );
        let mut bad = ok;
        bad.remove(2);
        assert_eq!(
            Message::from_fields(fields(&bad)).unwrap_err().to_string(),
            "field `buyer` is missing"
        );
    }

    #[test]
    fn order_and_rating_rules() {
        let o = [
            ("store", "s"),
            ("order_id", "o1"),
            ("buyer", "b"),
            ("created_at", "2026-11-01 10:00:00"),
            ("amount", "-3"),
        ];
        assert_eq!(Order::from_fields(fields(&o)).unwrap_err().field, "amount");
        let r = [
            ("store", "s"),
            ("buyer", "b"),
            ("agent", "a"),
            ("rated_at", "2026-11-01 10:00:00"),
            ("score", "6"),
        ];
        assert_eq!(Rating::from_fields(fields(&r)).unwrap_err().field, "score");
    }
}
