//! From one conversation's records to its facts: sessions (§2), rounds and
//! response times (§3), inquiries, after-sales and attribution (§4), and
//! ratings (§5).

use crate::facts::{Counter, Fact, FactSet, Flag};
use crate::input::{Msg, OrderIn, Params, RatingIn, Role};
use kefu_domain::Attribution;

const THREE_MINUTES_MS: i64 = 180_000;

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
        if !msgs.iter().any(|m| m.role == Role::Buyer) {
            continue; // outbound: counts in no KPI
        }
        let start = msgs[0].at;
        let local = p.clock.local(start);
        let (day, hour) = (local.day, local.hour);
        let receiving = msgs
            .iter()
            .find(|m| m.role == Role::Agent)
            .and_then(|m| m.agent)
            .or_else(|| {
                msgs.iter()
                    .find(|m| m.role == Role::Transfer && m.agent.is_some())
                    .and_then(|m| m.agent)
            });
        let manual = msgs.iter().any(|m| m.role == Role::Agent);
        let kind = if manual {
            Counter::ManualSessions
        } else if msgs.iter().any(|m| m.role == Role::Bot) {
            Counter::BotSessions
        } else {
            Counter::UnansweredSessions
        };
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
        if manual && msgs.iter().any(|m| m.role == Role::Invite) {
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

/// The (first, end) index ranges of the sessions of sorted messages.
fn split_sessions(messages: &[Msg], idle_ms: i64) -> Vec<(usize, usize)> {
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

/// After-sales: a paid order in [start − days, start) and no order created in
/// [start, start + window].
fn is_after_sales(start: i64, orders: &[OrderIn], p: &Params) -> bool {
    let paid_before = orders.iter().any(|o| {
        o.paid
            .is_some_and(|t| t >= start - p.after_sales_ms && t < start)
    });
    paid_before
        && !orders
            .iter()
            .any(|o| o.created >= start && o.created <= start + p.window_ms)
}

/// Rounds of one session and their figures.
fn rounds(msgs: &[Msg], receiving: Option<u32>, day: i32, hour: u8, p: &Params, out: &mut FactSet) {
    let mut open: Option<i64> = None;
    let mut first_human_seen = false;
    let in_hours = |at: i64| p.service_hours.contains(p.clock.local(at).minute_of_day);
    for m in msgs {
        match m.role {
            Role::Buyer => {
                open.get_or_insert(m.at);
            }
            Role::Agent | Role::Bot => {
                let Some(start) = open.take() else { continue };
                if m.role == Role::Bot {
                    continue;
                }
                let first = !first_human_seen;
                first_human_seen = true;
                if !in_hours(start) {
                    continue;
                }
                let rt = m.at - start;
                let cell = out.cell(m.agent, day, hour);
                let c = &mut cell.counts;
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
            Role::System | Role::Transfer | Role::Invite => {}
        }
    }
    if let Some(start) = open
        && in_hours(start)
    {
        out.add(receiving, day, hour, Counter::UnansweredRounds, 1);
    }
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
        let reference = match p.attribution {
            Attribution::Order => Some(o.created),
            Attribution::Payment => o.paid,
        };
        let attributed = reference.and_then(|r| {
            let upto = messages.partition_point(|m| m.at <= r);
            messages[..upto]
                .iter()
                .enumerate()
                .rev()
                .take_while(|(_, m)| m.at >= r - p.window_ms)
                .find(|(i, m)| {
                    m.role == Role::Agent
                        && session_of[*i].is_some_and(|s| sessions[s as usize].inquiry)
                })
                .and_then(|(i, m)| session_of[i].map(|s| (m.agent, &sessions[s as usize])))
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
    let mut last: Vec<(u32, i32, &RatingIn)> = Vec::new();
    for r in ratings {
        let day = p.clock.local(r.at).day;
        match last.iter_mut().find(|(a, d, _)| *a == r.agent && *d == day) {
            Some(slot) => {
                if (r.at, r.seq) > (slot.2.at, slot.2.seq) {
                    slot.2 = r;
                }
            }
            None => last.push((r.agent, day, r)),
        }
    }
    for (agent, _, r) in last {
        let l = p.clock.local(r.at);
        let cell = out.cell(Some(agent), l.day, l.hour);
        cell.counts[Counter::Ratings as usize] += 1;
        if r.score >= 4 {
            cell.counts[Counter::Satisfied as usize] += 1;
        }
        if r.score <= p.dissatisfied_max_score {
            cell.counts[Counter::Dissatisfied as usize] += 1;
        }
    }
}
