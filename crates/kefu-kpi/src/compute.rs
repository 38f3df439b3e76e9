//! From one conversation's records to its facts: sessions (§2), rounds and
//! response times (§3), inquiries, after-sales and attribution (§4), and
//! ratings (§5).

use crate::facts::{Counter, Fact, FactSet, Flag};
use crate::input::{Msg, OrderIn, Params, RatingIn, Role};
use crate::rules::{
    RoundOutcome, SessionKind, THREE_MINUTES_MS, attributing_message, counted_ratings, handle_ms,
    in_service_hours, is_after_sales, is_invited, late_half, needs_human, receiving_agent,
    reference_time, session_kind, split_sessions, walk_rounds,
};

/// What §2–§4 say about one session that has a buyer message.
#[derive(Debug, Clone)]
struct Session {
    day: i32,
    hour: u8,
    inquiry: bool,
}

/// Computes every fact of one (store, buyer) conversation. `messages` is
/// sorted here by (time, arrival); orders and ratings may come in any order.
pub fn conversation_facts(
    messages: &mut [Msg],
    orders: &[OrderIn],
    ratings: &[RatingIn],
    p: &Params,
) -> Vec<Fact> {
    messages.sort_by_key(|m| (m.at, m.seq));
    let mut out = FactSet::default();
    let mut sessions: Vec<Session> = Vec::new();
    // For each message, the index in `sessions` of its session, when counted.
    let mut session_of: Vec<Option<u32>> = vec![None; messages.len()];

    for (first, end) in split_sessions(messages, p.idle_ms) {
        let msgs = &messages[first..end];
        let session = session_kind(msgs);
        let kind = match session {
            SessionKind::Outbound => continue, // counts in no KPI
            SessionKind::Manual => Counter::ManualSessions,
            SessionKind::Bot => Counter::BotSessions,
            SessionKind::Unanswered => Counter::UnansweredSessions,
        };
        let manual = kind == Counter::ManualSessions;
        let start = msgs[0].at;
        let local = p.clock.local(start);
        let (day, hour) = (local.day, local.hour);
        let receiving = receiving_agent(msgs);
        let after_sales = is_after_sales(start, orders, p);
        let cell = out.cell(receiving, day, hour);
        cell.counts[Counter::Sessions as usize] += 1;
        cell.counts[kind as usize] += 1;
        cell.flags |= Flag::Consult as u8;
        if manual {
            cell.flags |= Flag::Manual as u8;
        }
        if !after_sales {
            cell.flags |= Flag::Inquiry as u8;
        } else {
            cell.counts[Counter::AfterSalesSessions as usize] += 1;
        }
        let count = |r: Role| msgs.iter().filter(|m| m.role == r).count() as i64;
        cell.counts[Counter::BuyerMessages as usize] += count(Role::Buyer);
        cell.counts[Counter::AgentMessages as usize] += count(Role::Agent);
        if manual {
            cell.counts[Counter::HandleMs as usize] += handle_ms(msgs);
        }
        if needs_human(session) && late_half(local.minute_of_day) {
            cell.counts[Counter::HumanSessionsLateHalf as usize] += 1;
        }
        if manual && is_invited(SessionKind::Manual, msgs) {
            cell.counts[Counter::InvitedSessions as usize] += 1;
        }
        if !after_sales {
            for m in msgs.iter().filter(|m| m.role == Role::Agent) {
                out.flag(m.agent, day, hour, Flag::InquiryByAgent);
            }
        }
        rounds(msgs, receiving, day, hour, p, &mut out);
        let idx = sessions.len() as u32;
        session_of[first..end]
            .iter_mut()
            .for_each(|s| *s = Some(idx));
        sessions.push(Session {
            day,
            hour,
            inquiry: !after_sales,
        });
    }

    attribute_orders(messages, &session_of, &sessions, orders, p, &mut out);
    count_ratings(ratings, p, &mut out);
    out.into_facts()
}

/// Rounds of one session and their figures.
fn rounds(msgs: &[Msg], receiving: Option<u32>, day: i32, hour: u8, p: &Params, out: &mut FactSet) {
    let mut first_human_seen = false;
    walk_rounds(msgs, |start, _, outcome| match outcome {
        RoundOutcome::Human {
            agent,
            response_ms: rt,
        } => {
            let first = !first_human_seen;
            first_human_seen = true;
            if !in_service_hours(msgs[start].at, p) {
                return;
            }
            let c = &mut out.cell(agent, day, hour).counts;
            if first {
                c[Counter::FirstResponseN as usize] += 1;
                c[Counter::FirstResponseMs as usize] += rt;
            }
            c[Counter::HumanRounds as usize] += 1;
            c[Counter::ResponseMs as usize] += rt;
            if rt <= THREE_MINUTES_MS {
                c[Counter::Within3Min as usize] += 1;
            }
            if rt > p.slow_ms {
                c[Counter::SlowRounds as usize] += 1;
            }
        }
        RoundOutcome::Bot => {}
        RoundOutcome::Unanswered => {
            if in_service_hours(msgs[start].at, p) {
                out.add(receiving, day, hour, Counter::UnansweredRounds, 1);
            }
        }
    });
}

/// Attribution (落实) of each order to the last agent message of an inquiry
/// session in its window; silent paid orders go to the store by paid day.
fn attribute_orders(
    messages: &[Msg],
    session_of: &[Option<u32>],
    sessions: &[Session],
    orders: &[OrderIn],
    p: &Params,
    out: &mut FactSet,
) {
    for o in orders {
        let attributed = reference_time(o, p).and_then(|r| {
            let i = attributing_message(messages, r, p.window_ms, |i| {
                session_of[i].is_some_and(|s| sessions[s as usize].inquiry)
            })?;
            session_of[i].map(|s| (messages[i].agent, &sessions[s as usize]))
        });
        match attributed {
            Some((agent, s)) => {
                let cell = out.cell(agent, s.day, s.hour);
                cell.flags |= Flag::Ordered as u8;
                if o.paid.is_some() {
                    cell.flags |= Flag::Paid as u8;
                    cell.counts[Counter::SalesFen as usize] += o.amount;
                }
            }
            None => {
                if let Some(paid) = o.paid {
                    let l = p.clock.local(paid);
                    out.add(None, l.day, l.hour, Counter::SilentSalesFen, o.amount);
                }
            }
        }
    }
}

/// Ratings: the last per (agent, local day) counts, in its own day and hour.
fn count_ratings(ratings: &[RatingIn], p: &Params, out: &mut FactSet) {
    for i in counted_ratings(ratings, p) {
        let r = &ratings[i];
        let l = p.clock.local(r.at);
        let cell = out.cell(Some(r.agent), l.day, l.hour);
        cell.counts[Counter::Ratings as usize] += 1;
        if r.score >= 4 {
            cell.counts[Counter::Satisfied as usize] += 1;
        }
        if r.score <= p.dissatisfied_max_score {
            cell.counts[Counter::Dissatisfied as usize] += 1;
        }
    }
}
