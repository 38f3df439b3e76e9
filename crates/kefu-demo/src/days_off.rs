//! Days off and leave of a store's agents over the span (weeks run from its
//! first day, a Sunday).
//!
//! Every agent has two days off in each week: weekdays `p` and `p + 1` of
//! week `w`, with `p = (offset + w) mod 6`, so they move one day later each
//! week and the longest run of working days is six. The agents' offsets are
//! spread over the six so that the store is covered every day. No one is
//! off on 11-10 and 11-11 (the warm-up night and 双11): such a day off moves
//! to the nearest day of the same week that keeps the runs at six days or
//! less. About one agent in five takes 1–3 days of leave on working days,
//! never from 11-09 to 11-12.

use crate::calendar::{DAYS, PROMO_DAY, WARMUP_DAY};
use crate::rng::Rng;

/// The most working days in a row (wfm.md §3).
pub const MAX_RUN: usize = 6;
/// Share of agents who take leave.
const LEAVE_RATE: f64 = 0.2;
/// Days no one takes leave: 11-09 to 11-12, around 双11.
const NO_LEAVE: std::ops::RangeInclusive<i64> = 8..=11;
/// Days no one has off.
const ALL_HANDS: [i64; 2] = [WARMUP_DAY, PROMO_DAY];

/// Whether an agent with day-off offset `offset` is off on day `i` of the span.
fn rotation_off(offset: usize, i: usize) -> bool {
    let p = (offset + i / 7) % 6;
    let weekday = i % 7;
    weekday == p || weekday == p + 1
}

/// The longest run of working days in `off`.
fn longest_run(off: &[bool]) -> usize {
    off.split(|&o| o).map(<[bool]>::len).max().unwrap_or(0)
}

/// Moves agent `a`'s day off `i`, if it is one, to a working day of the
/// same week that keeps [`MAX_RUN`] and is not itself `kept` free: the day
/// with the fewest colleagues off, then the nearest.
fn move_day_off(plan: &mut [Vec<bool>], a: usize, i: usize, kept: &[usize]) {
    if !plan[a].get(i).copied().unwrap_or(false) {
        return;
    }
    let week = i / 7 * 7..(i / 7 * 7 + 7).min(plan[a].len());
    let colleagues_off = |d: usize| plan.iter().filter(|off| off[d]).count();
    let mut others: Vec<(usize, usize, usize)> = week
        .filter(|&d| !plan[a][d] && !kept.contains(&d))
        .map(|d| (colleagues_off(d), d.abs_diff(i), d))
        .collect();
    others.sort_unstable();
    let off = &mut plan[a];
    for (_, _, d) in others {
        off[i] = false;
        off[d] = true;
        if longest_run(off) <= MAX_RUN {
            return;
        }
        off[d] = false;
        off[i] = true;
    }
}

/// Days off (one flag per day of the span from `first_day`) of each of
/// `agents` agents.
pub fn plan(rng: &mut Rng, agents: usize, first_day: i64) -> Vec<Vec<bool>> {
    let days = (DAYS - first_day) as usize;
    let first_offset = rng.below(6) as usize;
    let kept: Vec<usize> = ALL_HANDS
        .iter()
        .map(|&d| (d - first_day) as usize)
        .collect();
    let mut plan: Vec<Vec<bool>> = (0..agents)
        .map(|k| {
            let offset = (first_offset + (6 * k + agents / 2) / agents.max(1)) % 6;
            (0..days).map(|i| rotation_off(offset, i)).collect()
        })
        .collect();
    for a in 0..agents {
        for &i in &kept {
            move_day_off(&mut plan, a, i, &kept);
        }
    }
    plan
}

/// With probability [`LEAVE_RATE`], 1–3 working days in a row (days off
/// between them skipped) outside [`NO_LEAVE`], as day indices.
pub fn leave(rng: &mut Rng, off: &[bool], first_day: i64) -> Vec<i64> {
    if !rng.chance(LEAVE_RATE) {
        return Vec::new();
    }
    let len = rng.range(1, 3) as usize;
    let working = |d: &i64| !off[(d - first_day) as usize];
    let starts: Vec<i64> = (first_day..DAYS)
        .filter(working)
        .filter(|d| !NO_LEAVE.contains(d))
        .collect();
    let Some(&start) = starts.get(rng.below(starts.len() as u64) as usize) else {
        return Vec::new();
    };
    (start..DAYS)
        .filter(working)
        .take_while(|d| !NO_LEAVE.contains(d))
        .take(len)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_days_off_a_week_and_all_hands_on_11_11() {
        let mut rng = Rng::new(4);
        for agents in 1..=8 {
            for weeks in [0, 1, 13, 30] {
                let first_day = -7 * weeks;
                let plan = plan(&mut rng, agents, first_day);
                for off in &plan {
                    for week in off.chunks(7).filter(|w| w.len() == 7) {
                        assert_eq!(week.iter().filter(|&&o| o).count(), 2);
                    }
                    assert!(longest_run(off) <= MAX_RUN);
                    for d in ALL_HANDS {
                        assert!(!off[(d - first_day) as usize], "{agents} {weeks} {d}");
                    }
                }
                // Every day someone works (with two agents or more).
                for i in 0..plan[0].len() {
                    assert!(agents == 1 || plan.iter().any(|off| !off[i]));
                }
            }
        }
    }

    #[test]
    fn leave_is_on_working_days() {
        let mut rng = Rng::new(5);
        let off = plan(&mut rng, 1, -91).remove(0);
        let mut taken = 0;
        for _ in 0..1_000 {
            let days = leave(&mut rng, &off, -91);
            assert!(days.len() <= 3);
            for d in &days {
                assert!(!off[(d + 91) as usize] && !NO_LEAVE.contains(d));
            }
            taken += usize::from(!days.is_empty());
        }
        assert!((150..250).contains(&taken), "{taken}");
    }
}
