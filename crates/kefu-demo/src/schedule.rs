//! The agents' planned shifts (wfm.md §3), built per store from the seed,
//! and what each agent actually works: on about 5 % of agent-days a late
//! start, on about 5 % an early end.
//!
//! Every agent works five days a week (days off and leave: [`days_off`])
//! on 8-hour shifts: 40 paid hours in every week from the first day. Each
//! day the store's working agents take the day's shifts (one agent: 晚班,
//! the evening peak; two: 早班 and 晚班; three: all three; more: the
//! evening first; on 11-10 one 晚班 becomes the 大促夜班 through the
//! midnight rush of 双11), keeping yesterday's shift where they can,
//! spreading the others evenly, and never starting less than 12 hours
//! after the last shift ended.

use crate::calendar::{DAYS, WARMUP_DAY};
use crate::dates::{DAY, MINUTE, day_of};
use crate::days_off;
use crate::rng::Rng;
use crate::stores::Store;

/// A shift template; times in minutes since midnight (an end of 1440 is 24:00).
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Code printed in the roster grid.
    pub code: &'static str,
    /// Chinese name.
    pub name: &'static str,
    /// Start.
    pub start: i64,
    /// End (after the start; past 1440 runs into the next day).
    pub end: i64,
    /// Unpaid breaks, in order, inside the shift.
    pub breaks: &'static [(i64, i64)],
}

/// The shift templates.
pub const TEMPLATES: [Template; SHIFTS] = [
    Template {
        code: "E",
        name: "早班",
        start: 8 * 60,
        end: 16 * 60 + 30,
        breaks: &[(12 * 60, 12 * 60 + 30)],
    },
    Template {
        code: "M",
        name: "中班",
        start: 11 * 60,
        end: 20 * 60,
        breaks: &[(16 * 60, 17 * 60)],
    },
    Template {
        code: "L",
        name: "晚班",
        start: 15 * 60 + 30,
        end: 24 * 60,
        breaks: &[(19 * 60, 19 * 60 + 30)],
    },
    Template {
        code: "N",
        name: "大促夜班",
        start: 18 * 60,
        end: 26 * 60 + 30,
        breaks: &[(22 * 60, 22 * 60 + 30)],
    },
];

/// Number of shift templates.
const SHIFTS: usize = 4;
/// Index of 晚班 and of 大促夜班 in [`TEMPLATES`].
const LATE: usize = 2;
const NIGHT: usize = 3;

/// Contract hours a week of every agent.
pub const CONTRACT_HOURS: u32 = 40;
/// Least rest between the end of one shift and the start of the next, in minutes.
const MIN_REST: i64 = 12 * 60;
/// Share of agent-days starting late, and ending early.
const LATE_RATE: f64 = 0.05;
const EARLY_END_RATE: f64 = 0.05;
/// Random streams of the schedules (the simulation uses 1, 2, … per store).
const STREAM: u64 = 1 << 40;

/// An agent on duty (not on a break) from `from` to `to` (seconds, end excluded).
#[derive(Debug, Clone, Copy)]
struct Duty {
    agent: usize,
    from: i64,
    to: i64,
}

/// One store's plan over the span and its agents' actual working time.
pub struct StoreRoster {
    first_day: i64,
    /// The planned shift (index of [`TEMPLATES`]) of each agent on each day.
    pub shifts: Vec<Vec<Option<usize>>>,
    /// Leave days (day indices, ascending) of each agent.
    pub leave: Vec<Vec<i64>>,
    /// Per day of the span, who is on duty when.
    duties: Vec<Vec<Duty>>,
}

impl StoreRoster {
    /// Whether agent `agent` has a shift planned on the day of `t`.
    pub fn planned(&self, agent: usize, t: i64) -> bool {
        let day = usize::try_from(day_of(t) - self.first_day).ok();
        day.and_then(|d| self.shifts.get(agent)?.get(d).copied().flatten())
            .is_some()
    }

    /// The agents actually on duty at time `t` (none outside the span).
    pub fn on_duty(&self, t: i64) -> impl Iterator<Item = usize> + Clone + '_ {
        let day = usize::try_from(day_of(t) - self.first_day).ok();
        let duties = day
            .and_then(|d| self.duties.get(d))
            .map_or(&[][..], |v| &v[..]);
        duties
            .iter()
            .filter(move |d| d.from <= t && t < d.to)
            .map(|d| d.agent)
    }
}

/// Whether a shift `next` the day after a shift `prev` leaves enough rest.
fn rest_ok(prev: usize, next: usize) -> bool {
    24 * 60 + TEMPLATES[next].start - TEMPLATES[prev].end >= MIN_REST
}

/// The shifts to fill with `n` agents on day `day`, as counts of [`TEMPLATES`].
fn needs(n: usize, day: i64) -> [usize; SHIFTS] {
    let mut need = match n {
        0 => [0, 0, 0, 0],
        1 => [0, 0, 1, 0],
        2 => [1, 0, 1, 0],
        _ => {
            let late = (n * 4 + 5) / 10;
            let early = (n * 3 + 5) / 10;
            [early, n - late - early, late, 0]
        }
    };
    if day == WARMUP_DAY && need[LATE] > 0 {
        need[LATE] -= 1;
        need[NIGHT] += 1;
    }
    need
}

/// The plan of `store` (the `index`th) over the span from `first_day`
/// (a Sunday) to the end of November.
pub fn build(store: &Store, index: usize, first_day: i64, seed: u64) -> StoreRoster {
    let mut rng = Rng::derive(seed, STREAM + index as u64);
    let days = (DAYS - first_day) as usize;
    let off = days_off::plan(&mut rng, store.agents.len(), first_day);
    let leave: Vec<Vec<i64>> = off
        .iter()
        .map(|o| days_off::leave(&mut rng, o, first_day))
        .collect();
    let working = |a: usize, i: usize| !off[a][i] && !leave[a].contains(&(first_day + i as i64));
    let mut shifts = vec![vec![None; days]; store.agents.len()];
    let mut done = vec![[0u32; SHIFTS]; store.agents.len()];
    for i in 0..days {
        let day = first_day + i as i64;
        let today: Vec<usize> = (0..store.agents.len()).filter(|&a| working(a, i)).collect();
        let prev: Vec<Option<usize>> = shifts
            .iter()
            .map(|plan| i.checked_sub(1).and_then(|j| plan[j]))
            .collect();
        let need = needs(today.len(), day);
        for (a, s) in share_out(today, need, &prev, &done) {
            done[a][s] += 1;
            shifts[a][i] = Some(s);
        }
    }
    let duties = actual_duties(&mut rng, &shifts, first_day);
    StoreRoster {
        first_day,
        shifts,
        leave,
        duties,
    }
}

/// The day's shifts `need` shared among the agents `today` (with
/// yesterday's shifts `prev` and the count of each shift each has `done`):
/// first those whose rest leaves them only the late shift, then those back
/// from days off, each taking the open shift it has done least, then the
/// others, keeping yesterday's shift when it is still open. Everyone
/// works: with no open shift an agent takes the late one.
fn share_out(
    mut today: Vec<usize>,
    mut need: [usize; SHIFTS],
    prev: &[Option<usize>],
    done: &[[u32; SHIFTS]],
) -> Vec<(usize, usize)> {
    let allowed = |a: usize, s: usize| prev[a].is_none_or(|p| rest_ok(p, s));
    today.sort_by_key(|&a| {
        let choices = (0..SHIFTS).filter(|&s| allowed(a, s)).count();
        (choices, prev[a].is_some(), done[a][LATE], a)
    });
    let mut out = Vec::with_capacity(today.len());
    for a in today {
        let open = (0..SHIFTS).filter(|&s| allowed(a, s) && need[s] > 0);
        let s = match prev[a] {
            Some(p) if allowed(a, p) && need[p] > 0 => Some(p),
            Some(_) => open.max_by_key(|&s| (need[s], s)),
            None => open.min_by_key(|&s| (done[a][s], usize::MAX - need[s], usize::MAX - s)),
        }
        .unwrap_or(LATE);
        need[s] = need[s].saturating_sub(1);
        out.push((a, s));
    }
    out
}

/// What the agents work of their shifts, breaks excluded, with the late
/// starts and early ends drawn from `rng`, filed by day.
fn actual_duties(rng: &mut Rng, shifts: &[Vec<Option<usize>>], first_day: i64) -> Vec<Vec<Duty>> {
    let days = shifts.first().map_or(0, Vec::len);
    let mut duties = vec![Vec::new(); days];
    for i in 0..days {
        for (agent, plan) in shifts.iter().enumerate() {
            let Some(s) = plan[i] else { continue };
            let t = &TEMPLATES[s];
            let late_start = if rng.chance(LATE_RATE) {
                rng.range(10, 40)
            } else {
                0
            };
            let early_end = if rng.chance(EARLY_END_RATE) {
                rng.range(15, 60)
            } else {
                0
            };
            let (from, to) = (t.start + late_start, t.end - early_end);
            let base = (first_day + i as i64) * DAY;
            let mut file = |a: i64, b: i64| {
                if a >= b {
                    return;
                }
                let (from, to) = (base + a * MINUTE, base + b * MINUTE);
                // A piece past midnight is filed under each day it touches.
                for d in day_of(from)..=day_of(to - 1) {
                    if let Some(list) = duties.get_mut((d - first_day) as usize) {
                        list.push(Duty { agent, from, to });
                    }
                }
            };
            let mut cur = from;
            for &(b0, b1) in t.breaks {
                file(cur, b0.min(to));
                cur = cur.max(b1);
            }
            file(cur, to);
        }
    }
    duties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stores;

    const EARLY: usize = 0;
    const MIDDLE: usize = 1;

    #[test]
    fn templates_are_eight_paid_hours() {
        for t in TEMPLATES {
            let breaks: i64 = t.breaks.iter().map(|b| b.1 - b.0).sum();
            assert_eq!(t.end - t.start - breaks, 8 * 60, "{}", t.code);
        }
        assert!(rest_ok(EARLY, LATE) && rest_ok(MIDDLE, EARLY) && rest_ok(LATE, LATE));
        assert!(!rest_ok(LATE, EARLY) && !rest_ok(LATE, MIDDLE));
        assert_eq!(needs(3, 0), [1, 1, 1, 0]);
        assert_eq!(needs(4, 0), [1, 1, 2, 0]);
        assert_eq!(needs(5, 0), [2, 1, 2, 0]);
        assert_eq!(needs(8, 0).iter().sum::<usize>(), 8);
        assert_eq!(needs(1, WARMUP_DAY), [0, 0, 0, 1]);
        assert_eq!(needs(4, WARMUP_DAY), [1, 1, 1, 1]);
        assert!(rest_ok(NIGHT, LATE) && !rest_ok(NIGHT, MIDDLE));
    }

    #[test]
    fn plans_keep_the_rules_and_deviate_a_little() {
        let stores = stores::build(1_000_000, 5);
        let (mut planned, mut late, mut early) = (0, 0, 0);
        for (i, store) in stores.iter().enumerate() {
            let r = build(store, i, -91, 5);
            for (a, plan) in r.shifts.iter().enumerate() {
                for week in plan.chunks(7) {
                    let worked = week.iter().flatten().count();
                    assert!(worked <= 5, "{} {a}", store.code);
                }
                for w in plan.windows(2) {
                    if let [Some(p), Some(n)] = w {
                        assert!(rest_ok(*p, *n));
                    }
                }
                let run = plan.split(Option::is_none).map(<[_]>::len).max();
                assert!(run.unwrap_or(0) <= 6);
                for &d in &r.leave[a] {
                    assert!(plan[(d + 91) as usize].is_none());
                }
                for (d, s) in plan.iter().enumerate() {
                    let Some(s) = *s else { continue };
                    let base = (d as i64 - 91) * DAY;
                    let on = |m: i64| r.on_duty(base + m * MINUTE).any(|x| x == a);
                    planned += 1;
                    late += usize::from(!on(TEMPLATES[s].start));
                    early += usize::from(!on(TEMPLATES[s].end - 1));
                    let (b0, b1) = TEMPLATES[s].breaks[0];
                    assert!(!on(b0) && !on(b1 - 1) && on(b1), "on a break");
                }
            }
        }
        for n in [late, early] {
            let share = n as f64 / planned as f64;
            assert!((0.035..0.065).contains(&share), "{share} of {planned}");
        }
        let on_leave = stores
            .iter()
            .enumerate()
            .flat_map(|(i, s)| build(s, i, -91, 5).leave)
            .filter(|l| !l.is_empty())
            .count();
        let agents: usize = stores.iter().map(|s| s.agents.len()).sum();
        assert!(
            (agents / 8..agents / 3).contains(&on_leave),
            "{on_leave} of {agents}"
        );
    }
}
