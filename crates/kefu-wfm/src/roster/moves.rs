//! The moves of the local search, each one or two changes of agents' days:
//!
//! - **cover a gap**: a slot left short, a shift covering it and an agent
//!   of its post, who takes that shift on that day: added, or added while
//!   the agent gives up another day of the same week or the day before or
//!   after, or works another template on it, or replacing the
//!   agent's shift of the day, which may pass to an agent of that shift's
//!   post who is off;
//! - **add** a random shift to an agent's day off;
//! - **remove** a shift;
//! - **change** a shift's template, its post (store and skill), or both;
//! - **swap** two agents' days: the second agent takes the first's shift
//!   and the first takes the second's, or the day off if it had none;
//! - **move** an agent's shift to another day of the same agent up to
//!   three days away, keeping or changing its template;
//! - **trim**: a slot with more agents than required, and a shift on duty
//!   there, which is removed, given another template or moved to any day
//!   the agent is off.
//!
//! A proposal may break a hard rule: [`State::try_move`] refuses it then.

use crate::roster::rng::Rng;
use crate::roster::state::{Change, Move, State, Work};

/// Tries to pick a random working day this many times.
const TRIES: usize = 8;

/// A random move, `None` when the one drawn could not be made up.
pub(crate) fn propose(state: &State, rng: &mut Rng) -> Option<Move> {
    match rng.below(100) {
        0..45 => cover_gap(state, rng),
        45..52 => add(state, rng),
        52..60 => remove(state, rng),
        60..72 => change(state, rng),
        72..84 => swap(state, rng),
        84..92 => move_day(state, rng),
        _ => trim(state, rng),
    }
}

fn cover_gap(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    let &slot = rng.pick(state.gap_slots())?;
    let (post, at) = (slot / m.slot_count, slot % m.slot_count);
    let count = m.coverer_count(at);
    let (shift, day) = m.coverers(at).nth(rng.below(count))?;
    let &agent = rng.pick(&m.agents_for[post])?;
    let work = Some(Work { shift, post });
    let cover = Change { agent, day, work };
    match state.work(agent, day) {
        Some(old) if Some(old) == work => None,
        // The agent leaves its shift of the day to another agent of that
        // post who is off.
        Some(old) if rng.below(2) == 0 => {
            let &other = rng.pick(&m.agents_for[old.post])?;
            (other != agent && state.work(other, day).is_none()).then(|| {
                Move::two(
                    cover,
                    Change {
                        agent: other,
                        day,
                        work: Some(old),
                    },
                )
            })
        }
        // The agent makes room on another of its days.
        None if rng.below(2) == 0 => {
            // Another day of the week (room in its hours or days) or a
            // neighbouring day (room for the rest between shifts).
            let other = if rng.below(2) == 0 {
                let week = day / 7 * 7;
                week + rng.below((week + 7).min(m.days) - week)
            } else if rng.below(2) == 0 {
                day.checked_sub(1)?
            } else {
                day + 1
            };
            if other == day || other >= m.days {
                return None;
            }
            let old = state.work(agent, other)?;
            // It is given up, or (two times in three) gets another
            // template, keeping most of its coverage.
            let work = (rng.below(3) != 0).then(|| Work {
                shift: rng.below(m.templates.len()),
                post: old.post,
            });
            Some(Move::two(
                Change {
                    agent,
                    day: other,
                    work,
                },
                cover,
            ))
        }
        _ => Some(Move::one(cover)),
    }
}

fn add(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    if m.templates.is_empty() {
        return None;
    }
    let (agent, day) = (0..TRIES).find_map(|_| {
        let (agent, day) = (rng.below(m.agents), rng.below(m.days));
        state.work(agent, day).is_none().then_some((agent, day))
    })?;
    let &post = rng.pick(&m.posts_of[agent])?;
    let shift = rng.below(m.templates.len());
    let work = Some(Work { shift, post });
    Some(Move::one(Change { agent, day, work }))
}

/// A random agent's working day.
fn working_day(state: &State, rng: &mut Rng) -> Option<(usize, usize, Work)> {
    let m = state.model;
    (0..TRIES).find_map(|_| {
        let (agent, day) = (rng.below(m.agents), rng.below(m.days));
        state.work(agent, day).map(|w| (agent, day, w))
    })
}

fn remove(state: &State, rng: &mut Rng) -> Option<Move> {
    let (agent, day, _) = working_day(state, rng)?;
    Some(Move::one(Change {
        agent,
        day,
        work: None,
    }))
}

fn change(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    let (agent, day, old) = working_day(state, rng)?;
    let mut new = old;
    let kind = rng.below(3);
    if kind != 1 {
        new.shift = rng.below(m.templates.len());
    }
    if kind != 0 {
        new.post = *rng.pick(&m.posts_of[agent])?;
    }
    (new != old).then(|| {
        Move::one(Change {
            agent,
            day,
            work: Some(new),
        })
    })
}

fn swap(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    let (first, day, work) = working_day(state, rng)?;
    let &second = rng.pick(&m.agents_for[work.post])?;
    let theirs = state.work(second, day);
    if second == first || theirs == Some(work) {
        return None;
    }
    Some(Move::two(
        Change {
            agent: first,
            day,
            work: theirs,
        },
        Change {
            agent: second,
            day,
            work: Some(work),
        },
    ))
}

fn move_day(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    let (agent, from, work) = working_day(state, rng)?;
    let to = (0..TRIES).find_map(|_| {
        let step = rng.below(3) + 1;
        let to = if rng.below(2) == 0 {
            from.checked_sub(step)?
        } else {
            from + step
        };
        (to < m.days && state.work(agent, to).is_none()).then_some(to)
    })?;
    let mut moved = work;
    if rng.below(2) == 0 {
        moved.shift = rng.below(m.templates.len());
    }
    Some(Move::two(
        Change {
            agent,
            day: from,
            work: None,
        },
        Change {
            agent,
            day: to,
            work: Some(moved),
        },
    ))
}

/// A shift on duty in a slot with more agents than required: removed,
/// given another template, or moved to another day.
fn trim(state: &State, rng: &mut Rng) -> Option<Move> {
    let m = state.model;
    let &slot = rng.pick(state.surplus_slots())?;
    let (post, at) = (slot / m.slot_count, slot % m.slot_count);
    // One of the agents on duty there, uniformly (reservoir sampling).
    let mut chosen = None;
    let mut seen = 0;
    for (shift, day) in m.coverers(at) {
        for &agent in &m.agents_for[post] {
            if state.work(agent, day) == Some(Work { shift, post }) {
                seen += 1;
                if rng.below(seen) == 0 {
                    chosen = Some((agent, day, shift));
                }
            }
        }
    }
    let (agent, day, shift) = chosen?;
    match rng.below(3) {
        0 => Some(Move::one(Change {
            agent,
            day,
            work: None,
        })),
        1 => {
            let other = rng.below(m.templates.len());
            (other != shift).then(|| {
                Move::one(Change {
                    agent,
                    day,
                    work: Some(Work { shift: other, post }),
                })
            })
        }
        _ => {
            let to = rng.below(m.days);
            (state.work(agent, to).is_none()).then(|| {
                Move::two(
                    Change {
                        agent,
                        day,
                        work: None,
                    },
                    Change {
                        agent,
                        day: to,
                        work: Some(Work { shift, post }),
                    },
                )
            })
        }
    }
}
