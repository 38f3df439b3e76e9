//! The engine's view of one conversation's records: times as UTC
//! milliseconds, senders resolved to their effective role, agents as ids.

use kefu_domain::{Attribution, LocalClock, MessageKind, Sender, ServiceHours, StoreSettings};

/// What a message record counts as, after the rules of spec §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A buyer message.
    Buyer,
    /// A human agent message.
    Agent,
    /// A bot message, including automatic replies from an agent's account.
    Bot,
    /// A system message: splits sessions, nothing else.
    System,
    /// A `transfer` event (assigned to the record's agent).
    Transfer,
    /// An `invite_rating` event.
    Invite,
}

impl Role {
    /// The effective role of a message: events whoever sent them, and agent
    /// messages that are automatic replies (by kind or by one of the store's
    /// prefixes) count as bot messages.
    pub fn of(
        sender: Sender,
        kind: MessageKind,
        content: &str,
        auto_reply_prefixes: &[String],
    ) -> Role {
        match kind {
            MessageKind::Transfer => return Role::Transfer,
            MessageKind::InviteRating => return Role::Invite,
            _ => {}
        }
        match sender {
            Sender::Buyer => Role::Buyer,
            Sender::Bot => Role::Bot,
            Sender::System => Role::System,
            Sender::Agent => {
                let auto = kind == MessageKind::Auto
                    || auto_reply_prefixes
                        .iter()
                        .any(|p| content.starts_with(p.as_str()));
                if auto { Role::Bot } else { Role::Agent }
            }
        }
    }
}

/// One message record of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    /// When it was sent, UTC milliseconds.
    pub at: i64,
    /// Order of arrival, breaking ties in time.
    pub seq: u64,
    /// Its effective role.
    pub role: Role,
    /// The agent named by the record (sender of an agent message, target of
    /// a transfer), as an id of the caller's choosing.
    pub agent: Option<u32>,
}

/// One order of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderIn {
    /// When it was placed, UTC milliseconds.
    pub created: i64,
    /// When it was paid, UTC milliseconds.
    pub paid: Option<i64>,
    /// Its amount in fen.
    pub amount: i64,
}

/// One rating of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatingIn {
    /// When it was given, UTC milliseconds.
    pub at: i64,
    /// Order of arrival, breaking ties in time.
    pub seq: u64,
    /// The agent rated.
    pub agent: u32,
    /// Score 1–5.
    pub score: u8,
}

/// A store's settings in the form the engine uses.
#[derive(Debug, Clone)]
pub struct Params {
    /// The store's clock (time zone).
    pub clock: LocalClock,
    /// `session_idle_minutes` in ms.
    pub idle_ms: i64,
    /// `service_hours`.
    pub service_hours: ServiceHours,
    /// `slow_response_seconds` in ms.
    pub slow_ms: i64,
    /// `after_sales_days` in ms.
    pub after_sales_ms: i64,
    /// `attribution_window_hours` in ms.
    pub window_ms: i64,
    /// `attribution`.
    pub attribution: Attribution,
    /// `dissatisfied_max_score`.
    pub dissatisfied_max_score: u8,
}

impl Params {
    /// The engine's parameters for a store's settings.
    pub fn new(s: &StoreSettings) -> Result<Params, String> {
        Ok(Params {
            clock: s.clock()?,
            idle_ms: i64::from(s.session_idle_minutes) * 60_000,
            service_hours: s.service_hours,
            slow_ms: i64::from(s.slow_response_seconds) * 1000,
            after_sales_ms: i64::from(s.after_sales_days) * 86_400_000,
            window_ms: i64::from(s.attribution_window_hours) * 3_600_000,
            attribution: s.attribution,
            dissatisfied_max_score: s.dissatisfied_max_score,
        })
    }
}
