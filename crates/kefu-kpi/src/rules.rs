//! The rules of spec §2–§5 as small pure functions, shared by the facts of
//! [`crate::compute`] and the session views of [`crate::sessions`], so that
//! both read the spec the same way.

use crate::input::{Msg, OrderIn, Params, RatingIn, Role};
use kefu_domain::Attribution;

/// "Within 180 s" of `reply_3min_rate`.
pub(crate) const THREE_MINUTES_MS: i64 = 180_000;

/// What kind a session is (§2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// At least one agent message (人工接待).
    Manual,
    /// A bot message and no agent message.
    Bot,
    /// A buyer message and neither agent nor bot message.
    Unanswered,
    /// No buyer message: counts in no KPI.
    Outbound,
}

/// How a round ended (§3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundOutcome {
    /// Ended by an agent message.
    Human {
        /// The agent who answered.
        agent: Option<u32>,
        /// Reply time − round start, ms.
        response_ms: i64,
    },
    /// Ended by a bot message.
    Bot,
    /// Not ended before the session ended.
    Unanswered,
}

/// The (first, end) index ranges of the sessions of sorted messages.
pub(crate) fn split_sessions(messages: &[Msg], idle_ms: i64) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut first = 0;
    for i in 1..messages.len() {
        if messages[i].at - messages[i - 1].at >= idle_ms {
            out.push((first, i));
            first = i;
        }
    }
    if !messages.is_empty() {
        out.push((first, messages.len()));
    }
    out
}

/// The kind of a session's messages (each test stops at the first match:
/// most sessions open with a buyer message and soon have a reply).
#[inline]
pub(crate) fn session_kind(msgs: &[Msg]) -> SessionKind {
    let has = |r: Role| msgs.iter().any(|m| m.role == r);
    if !has(Role::Buyer) {
        SessionKind::Outbound
    } else if has(Role::Agent) {
        SessionKind::Manual
    } else if has(Role::Bot) {
        SessionKind::Bot
    } else {
        SessionKind::Unanswered
    }
}

/// The receiving agent (接待客服): the agent of the first agent message, else
/// the agent named by the first `transfer` event that names one.
#[inline]
pub(crate) fn receiving_agent(msgs: &[Msg]) -> Option<u32> {
    msgs.iter()
        .find(|m| m.role == Role::Agent)
        .and_then(|m| m.agent)
        .or_else(|| {
            msgs.iter()
                .find(|m| m.role == Role::Transfer && m.agent.is_some())
                .and_then(|m| m.agent)
        })
}

/// Whether a session needs a human (wfm.md §1: manual and unanswered
/// sessions are the workforce forecast's volume).
pub fn needs_human(kind: SessionKind) -> bool {
    matches!(kind, SessionKind::Manual | SessionKind::Unanswered)
}

/// A manual session's handle time (wfm.md §1, before the wrap time): from
/// its first agent message to its last, ms; 0 without one.
pub fn handle_ms(msgs: &[Msg]) -> i64 {
    let mut agent = msgs.iter().filter(|m| m.role == Role::Agent).map(|m| m.at);
    match agent.next() {
        Some(first) => agent.next_back().map_or(0, |last| (last - first).max(0)),
        None => 0,
    }
}

/// Whether a local minute of the day falls in the later 30-minute interval
/// of its hour (the forecast's intervals split each hour at :30).
pub fn late_half(minute_of_day: u16) -> bool {
    minute_of_day % 60 >= 30
}

/// Whether a session was invited to rate: a manual session with an
/// `invite_rating` event (§5 `invite_rate`).
#[inline]
pub(crate) fn is_invited(kind: SessionKind, msgs: &[Msg]) -> bool {
    kind == SessionKind::Manual && msgs.iter().any(|m| m.role == Role::Invite)
}

/// After-sales: a paid order in [start − days, start) and no order created in
/// [start, start + window].
pub(crate) fn is_after_sales(start: i64, orders: &[OrderIn], p: &Params) -> bool {
    let paid_before = orders.iter().any(|o| {
        o.paid
            .is_some_and(|t| t >= start - p.after_sales_ms && t < start)
    });
    paid_before
        && !orders
            .iter()
            .any(|o| o.created >= start && o.created <= start + p.window_ms)
}

/// Whether a round starting at `at` counts: it starts inside the service
/// hours.
#[inline]
pub(crate) fn in_service_hours(at: i64, p: &Params) -> bool {
    p.service_hours.contains(p.clock.local(at).minute_of_day)
}

/// Walks the rounds of one session's messages in order, calling
/// `f(start, end, outcome)` with indexes into `msgs` (`end` is the message
/// that ended the round, `None` for an unanswered one).
#[inline]
pub(crate) fn walk_rounds(msgs: &[Msg], mut f: impl FnMut(usize, Option<usize>, RoundOutcome)) {
    let mut open: Option<usize> = None;
    for (i, m) in msgs.iter().enumerate() {
        match m.role {
            Role::Buyer => {
                open.get_or_insert(i);
            }
            Role::Agent | Role::Bot => {
                let Some(start) = open.take() else { continue };
                let outcome = if m.role == Role::Bot {
                    RoundOutcome::Bot
                } else {
                    RoundOutcome::Human {
                        agent: m.agent,
                        response_ms: m.at - msgs[start].at,
                    }
                };
                f(start, Some(i), outcome);
            }
            Role::System | Role::Transfer | Role::Invite => {}
        }
    }
    if let Some(start) = open {
        f(start, None, RoundOutcome::Unanswered);
    }
}

/// The time an order is attributed at: `created_at` under
/// `attribution = order`, `paid_at` under `payment` (none when unpaid).
#[inline]
pub(crate) fn reference_time(o: &OrderIn, p: &Params) -> Option<i64> {
    match p.attribution {
        Attribution::Order => Some(o.created),
        Attribution::Payment => o.paid,
    }
}

/// The index of the message an order is attributed through: the last agent
/// message of sorted `messages` at or before `reference` and no more than the
/// window before it for which `in_inquiry(index)` holds.
#[inline]
pub(crate) fn attributing_message(
    messages: &[Msg],
    reference: i64,
    window_ms: i64,
    in_inquiry: impl Fn(usize) -> bool,
) -> Option<usize> {
    let upto = messages.partition_point(|m| m.at <= reference);
    messages[..upto]
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, m)| m.at >= reference - window_ms)
        .find(|(i, m)| m.role == Role::Agent && in_inquiry(*i))
        .map(|(i, _)| i)
}

/// The indexes of the ratings that count: the last per (agent, local day),
/// by (time, arrival).
pub(crate) fn counted_ratings(ratings: &[RatingIn], p: &Params) -> Vec<usize> {
    let mut last: Vec<(u32, i32, usize)> = Vec::new();
    for (i, r) in ratings.iter().enumerate() {
        let day = p.clock.local(r.at).day;
        match last.iter_mut().find(|(a, d, _)| *a == r.agent && *d == day) {
            Some(slot) => {
                let kept = &ratings[slot.2];
                if (r.at, r.seq) > (kept.at, kept.seq) {
                    slot.2 = i;
                }
            }
            None => last.push((r.agent, day, i)),
        }
    }
    last.into_iter().map(|(_, _, i)| i).collect()
}
