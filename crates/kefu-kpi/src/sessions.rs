//! One conversation seen session by session, for the sessions page and the
//! transcript view: what spec §2–§4 say about each session, round and
//! order, by the same rules (crate `rules`) as the facts of
//! [`crate::compute`]. Summing the views of a conversation gives exactly its
//! facts' counters.

use crate::input::{Msg, OrderIn, Params, RatingIn, Role};
use crate::rules::{
    THREE_MINUTES_MS, attributing_message, in_service_hours, is_after_sales, is_invited,
    receiving_agent, reference_time, session_kind, split_sessions, walk_rounds,
};

pub use crate::rules::{RoundOutcome, SessionKind};

impl SessionKind {
    /// The kind's name: `manual`, `bot`, `unanswered` or `outbound`.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Manual => "manual",
            SessionKind::Bot => "bot",
            SessionKind::Unanswered => "unanswered",
            SessionKind::Outbound => "outbound",
        }
    }
}

impl Role {
    /// The role's name: `buyer`, `agent`, `bot`, `system`, `transfer` or
    /// `invite`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Agent => "agent",
            Role::Bot => "bot",
            Role::System => "system",
            Role::Transfer => "transfer",
            Role::Invite => "invite",
        }
    }
}

/// One round of a session (§3). Indexes are into the sorted messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundView {
    /// The buyer message that opened the round.
    pub start: usize,
    /// The bot or agent message that ended it; `None` when unanswered.
    pub end: Option<usize>,
    /// How it ended.
    pub outcome: RoundOutcome,
    /// Whether it counts in the round figures (starts inside service hours).
    pub counts: bool,
    /// A human round slower than `slow_response_seconds` (whether or not it
    /// counts).
    pub slow: bool,
    /// A human round answered within 180 s (whether or not it counts).
    pub within_3min: bool,
}

/// One session of a conversation (§2), outbound ones included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// Index of its first message in the sorted messages.
    pub first: usize,
    /// One past the index of its last message.
    pub end: usize,
    /// Time of its first record, UTC ms.
    pub start_ms: i64,
    /// Time of its last record, UTC ms.
    pub last_ms: i64,
    /// Local day of its start (days since 1970-01-01).
    pub day: i32,
    /// Local hour of its start.
    pub hour: u8,
    /// Manual, bot, unanswered or outbound.
    pub kind: SessionKind,
    /// The receiving agent (接待客服).
    pub receiving: Option<u32>,
    /// After-sales (售后); `false` for outbound sessions.
    pub after_sales: bool,
    /// A manual session with an `invite_rating` event.
    pub invited: bool,
    /// Its rounds, in order.
    pub rounds: Vec<RoundView>,
    /// Response time of the first human round, when that round counts.
    pub first_response_ms: Option<i64>,
}

impl SessionView {
    /// An inquiry (询单): a session with a buyer message that is not
    /// after-sales.
    pub fn inquiry(&self) -> bool {
        self.kind != SessionKind::Outbound && !self.after_sales
    }
}

/// Where an order was attributed (落实).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attributed {
    /// Index of the attributing agent message in the sorted messages.
    pub message: usize,
    /// Index of its session in [`ConversationView::sessions`].
    pub session: usize,
}

/// A conversation's sessions and its orders' attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationView {
    /// Every session, in order.
    pub sessions: Vec<SessionView>,
    /// For each order (in the order given), its attribution; `None` is
    /// silent (静默下单).
    pub orders: Vec<Option<Attributed>>,
}

/// The sessions, rounds and attributions of one (store, buyer)
/// conversation. `messages` is sorted here as [`crate::conversation_facts`]
/// sorts it, by (time, arrival); every index of the view points into it.
pub fn conversation_sessions(
    messages: &mut [Msg],
    orders: &[OrderIn],
    p: &Params,
) -> ConversationView {
    messages.sort_by_key(|m| (m.at, m.seq));
    let mut sessions = Vec::new();
    for (first, end) in split_sessions(messages, p.idle_ms) {
        sessions.push(session(messages, first, end, orders, p));
    }
    let mut session_of = vec![0usize; messages.len()];
    for (i, s) in sessions.iter().enumerate() {
        session_of[s.first..s.end].iter_mut().for_each(|x| *x = i);
    }
    let orders = orders
        .iter()
        .map(|o| {
            let r = reference_time(o, p)?;
            let message = attributing_message(messages, r, p.window_ms, |i| {
                sessions[session_of[i]].inquiry()
            })?;
            Some(Attributed {
                message,
                session: session_of[message],
            })
        })
        .collect();
    ConversationView { sessions, orders }
}

fn session(
    messages: &[Msg],
    first: usize,
    end: usize,
    orders: &[OrderIn],
    p: &Params,
) -> SessionView {
    let msgs = &messages[first..end];
    let kind = session_kind(msgs);
    let local = p.clock.local(msgs[0].at);
    let mut rounds = Vec::new();
    let mut first_response_ms = None;
    let mut first_human_seen = false;
    walk_rounds(msgs, |start, stop, outcome| {
        let counts = in_service_hours(msgs[start].at, p);
        let (slow, within_3min) = match outcome {
            RoundOutcome::Human { response_ms, .. } => {
                if !first_human_seen && counts {
                    first_response_ms = Some(response_ms);
                }
                first_human_seen = true;
                (response_ms > p.slow_ms, response_ms <= THREE_MINUTES_MS)
            }
            _ => (false, false),
        };
        rounds.push(RoundView {
            start: first + start,
            end: stop.map(|e| first + e),
            outcome,
            counts,
            slow,
            within_3min,
        });
    });
    SessionView {
        first,
        end,
        start_ms: msgs[0].at,
        last_ms: msgs[msgs.len() - 1].at,
        day: local.day,
        hour: local.hour,
        kind,
        receiving: receiving_agent(msgs),
        after_sales: kind != SessionKind::Outbound && is_after_sales(msgs[0].at, orders, p),
        invited: is_invited(kind, msgs),
        rounds,
        first_response_ms,
    }
}

/// Whether each rating counts (§1: the last per agent and local day, by
/// time and arrival), in the order given.
pub fn counted_ratings(ratings: &[RatingIn], p: &Params) -> Vec<bool> {
    let mut out = vec![false; ratings.len()];
    for i in crate::rules::counted_ratings(ratings, p) {
        out[i] = true;
    }
    out
}

/// The number of messages of a role in a session.
pub fn count_role(messages: &[Msg], s: &SessionView, role: Role) -> usize {
    messages[s.first..s.end]
        .iter()
        .filter(|m| m.role == role)
        .count()
}

/// The local time of an instant as `YYYY-MM-DD HH:MM:SS` in the store's
/// time zone (offsets are taken as whole minutes, as all zones have had
/// since 1972).
pub fn local_text(p: &Params, utc_ms: i64) -> String {
    let l = p.clock.local(utc_ms);
    let second = utc_ms.div_euclid(1000).rem_euclid(60);
    format!(
        "{} {:02}:{:02}:{:02}",
        kefu_domain::time::format_day(l.day),
        l.minute_of_day / 60,
        l.minute_of_day % 60,
        second
    )
}
