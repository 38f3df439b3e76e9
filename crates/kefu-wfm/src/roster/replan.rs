//! An agent's whole plan chosen anew, the rest of the roster as it is: a
//! best response found exactly by dynamic programming over the agent's
//! days, the large move of the search.
//!
//! The agent's shifts are taken out; then, for every day and template, the
//! best post the agent may work is the one closing most of what the others
//! leave short (weighted by store priority), then adding least
//! over-coverage. Over the days, a state is the run of working days so
//! far, the paid minutes of the week so far and the earliest minute the
//! next shift may start (the rest after the last one); each day is off or
//! one template, every hard rule of §3 kept by the transitions (leave,
//! post, week hours, rest, days in a row). A path is worth, in this order:
//! coverage closed, over-coverage (less is better), shifts on days the
//! agent would rather have off, minutes away from the contract each week,
//! then a random tie-break. Fairness, which depends on every agent, is
//! left to the caller's acceptance of the whole score.

use crate::roster::calendar::MINUTES_PER_DAY;
use crate::roster::rng::Rng;
use crate::roster::state::{State, Work};
use rustc_hash::FxHashMap;

/// A path's worth, compared lexicographically (higher is better):
/// coverage closed, −over-coverage, −preferences, −contract, tie-break.
type Worth = [i64; 5];

/// A state of the dynamic programme after a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    /// Working days in a row up to this day.
    run: u32,
    /// Paid minutes of this week so far.
    week_minutes: u32,
    /// The earliest start of the next day's shift, minutes from its
    /// midnight (0: no constraint).
    ready: i64,
}

/// A state reached, with the best way there.
#[derive(Debug, Clone, Copy)]
struct Node {
    key: Key,
    worth: Worth,
    /// Index of the state of the day before (unused on the first day).
    parent: usize,
    /// The day's shift.
    work: Option<Work>,
}

/// The agent's best plan given everyone else's, by day, or `None` when the
/// agent's days could not be planned (no state survives, which the empty
/// plan always prevents). Reads `state` with the agent's shifts removed.
pub(crate) fn best_plan(state: &State, agent: usize, rng: &mut Rng) -> Option<Vec<Option<Work>>> {
    let m = state.model;
    let day_minutes = i64::from(MINUTES_PER_DAY);
    let options = day_options(state, agent, rng);
    let mut starts: Vec<i64> = m.templates.iter().map(|t| t.start).collect();
    starts.sort_unstable();
    let mut layers: Vec<Vec<Node>> = Vec::with_capacity(m.days);
    let start = Node {
        key: Key {
            run: 0,
            week_minutes: 0,
            ready: 0,
        },
        worth: [0; 5],
        parent: 0,
        work: None,
    };
    for day in 0..m.days {
        let previous: &[Node] = layers.last().map_or(std::slice::from_ref(&start), |l| l);
        let mut next: Vec<Node> = Vec::new();
        let mut index: FxHashMap<Key, usize> = FxHashMap::default();
        let mut offer = |node: Node| match index.get(&node.key) {
            Some(&i) => {
                if node.worth > next[i].worth {
                    next[i] = node;
                }
            }
            None => {
                index.insert(node.key, next.len());
                next.push(node);
            }
        };
        let week_ends = (day + 1) % 7 == 0 || day + 1 == m.days;
        let contract = m.contract[agent * m.weeks + day / 7];
        let close_week = |mut node: Node| {
            if week_ends {
                node.worth[3] -= (i64::from(node.key.week_minutes) - contract).abs();
                node.key.week_minutes = 0;
            }
            node
        };
        let off_noise = options.off_noise[day];
        for (parent, from) in previous.iter().enumerate() {
            let mut off = Node {
                key: Key {
                    run: 0,
                    week_minutes: from.key.week_minutes,
                    ready: (from.key.ready - day_minutes).max(0),
                },
                worth: from.worth,
                parent,
                work: None,
            };
            off.worth[4] += off_noise;
            offer(close_week(off));
            if m.leave[agent * m.days + day] || from.key.run as usize >= m.max_consecutive_days {
                continue;
            }
            for option in options.work[day].iter().flatten() {
                let t = &m.templates[option.work.shift];
                let minutes = from.key.week_minutes + t.paid;
                if minutes > m.max_week_minutes || t.start < from.key.ready {
                    continue;
                }
                let mut worth = from.worth;
                for (w, v) in worth.iter_mut().zip(option.worth) {
                    *w += v;
                }
                offer(close_week(Node {
                    key: Key {
                        run: from.key.run + 1,
                        week_minutes: minutes,
                        ready: ready_class(&starts, t.end + m.min_rest_minutes - day_minutes),
                    },
                    worth,
                    parent,
                    work: Some(option.work),
                }));
            }
        }
        layers.push(next);
    }
    let last = layers.last()?;
    let (mut at, _) = last
        .iter()
        .enumerate()
        .max_by(|(_, a), (_, b)| a.worth.cmp(&b.worth))?;
    let mut plan = vec![None; m.days];
    for day in (0..m.days).rev() {
        let node = layers[day].get(at)?;
        plan[day] = node.work;
        at = node.parent;
    }
    Some(plan)
}

/// The earliest start `ready` as the earliest template start at or after
/// it (0 when every template may start), which allows the same shifts the
/// next day and the same after a day off: fewer states, the same answer.
fn ready_class(starts: &[i64], ready: i64) -> i64 {
    if ready <= starts.first().copied().unwrap_or(0) {
        return 0;
    }
    starts
        .iter()
        .copied()
        .find(|&s| s >= ready)
        .unwrap_or(ready)
}

/// A shift the agent may take on a day, at its best post, and its worth.
#[derive(Debug, Clone, Copy)]
struct DayOption {
    work: Work,
    worth: Worth,
}

/// Each day's options: per template the best post, or `None` when the
/// agent may work no post; and a tie-break for a day off.
struct Options {
    work: Vec<Vec<Option<DayOption>>>,
    off_noise: Vec<i64>,
}

fn day_options(state: &State, agent: usize, rng: &mut Rng) -> Options {
    let m = state.model;
    let mut work = Vec::with_capacity(m.days);
    let mut off_noise = Vec::with_capacity(m.days);
    for day in 0..m.days {
        off_noise.push(noise(rng));
        let preference = -i64::from(m.prefer_off[agent * m.days + day]);
        let row = (0..m.templates.len())
            .map(|shift| {
                let t = &m.templates[shift];
                m.posts_of[agent]
                    .iter()
                    .map(|&post| {
                        let base = post * m.slot_count + day * m.slots_per_day;
                        let priority = m.posts[post].priority;
                        let (mut closed, mut over) = (0, 0);
                        for &offset in &t.duty {
                            if state.gap_at(base + offset) > 0 {
                                closed += priority;
                            } else {
                                over += 1;
                            }
                        }
                        DayOption {
                            work: Work { shift, post },
                            worth: [closed, -over, preference, 0, noise(rng)],
                        }
                    })
                    .max_by(|a, b| a.worth.cmp(&b.worth))
            })
            .collect();
        work.push(row);
    }
    Options { work, off_noise }
}

/// A small random tie-break.
fn noise(rng: &mut Rng) -> i64 {
    rng.below(1 << 16) as i64
}

/// Takes every shift of `agents` out, then gives each in turn its
/// [`best_plan`] given the others; keeps the result if every shift keeps
/// the hard rules, something changed and `accept` takes the new score,
/// otherwise leaves the roster as it was. Returns whether made.
pub(crate) fn replan(
    state: &mut State,
    agents: &[usize],
    rng: &mut Rng,
    accept: impl FnOnce(crate::roster::objective::Score) -> bool,
) -> bool {
    let old: Vec<Vec<Option<Work>>> = agents.iter().map(|&a| state.plan_of(a)).collect();
    for (&agent, plan) in agents.iter().zip(&old) {
        state.set_plan(agent, &vec![None; plan.len()]);
    }
    let mut changed = false;
    let mut planned = true;
    for (&agent, plan) in agents.iter().zip(&old) {
        match best_plan(state, agent, rng) {
            Some(new) => {
                changed |= new != *plan;
                state.set_plan(agent, &new);
            }
            None => planned = false,
        }
    }
    let made =
        planned && changed && agents.iter().all(|&a| state.plan_fits(a)) && accept(state.score());
    if !made {
        for (&agent, plan) in agents.iter().zip(&old) {
            state.set_plan(agent, plan);
        }
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::instance::Instance;
    use crate::roster::model::Model;

    /// A small instance: agent `a` (two stores, a leave day, a day it
    /// would rather have off, 30 contract hours) and agent `b`, whose plan
    /// is fixed; 8 days, so that a week ends inside; 44 h a week at most,
    /// 12 h rest (no early shift after a late one) and 4 days in a row.
    /// Store `t` (priority 2) needs an agent or none early, `s` up to two
    /// late, drawn by day from `seed`, so that a late shift followed by an
    /// early one would often pay.
    fn instance(seed: u64) -> Instance {
        let toml = "start = \"2026-12-07\"\ndays = 8\nrequirements = \"r.csv\"\n\
            [rules]\nmax_week_hours = 44\nmin_rest_hours = 12\nmax_consecutive_days = 4\n\
            [[shift]]\ncode = \"E\"\nstart = \"08:00\"\nend = \"16:30\"\n\
            breaks = [{ start = \"12:00\", end = \"12:30\" }]\n\
            [[shift]]\ncode = \"M\"\nstart = \"11:00\"\nend = \"20:00\"\n\
            [[shift]]\ncode = \"L\"\nstart = \"15:30\"\nend = \"24:00\"\n\
            [[agent]]\nname = \"a\"\nskills = [\"presale\"]\nstores = [\"s\", \"t\"]\n\
            contract_hours = 30\nleave = [\"2026-12-09\"]\nprefer_off = [\"2026-12-12\"]\n\
            [[agent]]\nname = \"b\"\nskills = [\"presale\"]\nstores = [\"s\"]\ncontract_hours = 40\n\
            [[store]]\ncode = \"t\"\npriority = 2\n";
        let mut rng = Rng::new(seed);
        let mut csv = String::from("store,skill,date,interval,agents\n");
        for d in 7..15 {
            let (s, t) = (rng.below(3), rng.below(2));
            for h in 8..24 {
                let (s, t) = (if h >= 16 { s } else { 0 }, if h < 16 { t } else { 0 });
                csv.push_str(&format!(
                    "s,presale,2026-12-{d:02},{h:02}:00,{s}\ns,presale,2026-12-{d:02},{h:02}:30,{s}\n\
                     t,presale,2026-12-{d:02},{h:02}:00,{t}\nt,presale,2026-12-{d:02},{h:02}:30,{t}\n"
                ));
            }
        }
        Instance::from_toml(toml, &csv).unwrap_or_else(|e| panic!("{}", e.en()))
    }

    /// The terms the plan is chosen by, in its order (fairness left out).
    fn terms(state: &State) -> (i64, i64, i64, i64) {
        let s = state.score();
        (s.uncovered, s.over, s.preferences, s.contract)
    }

    /// Every plan of `agent` keeping the hard rules, by depth-first search
    /// over its days with [`State::fits`]: the best terms found.
    fn brute_force(state: &mut State, agent: usize, day: usize, best: &mut (i64, i64, i64, i64)) {
        let m = state.model;
        if day == m.days {
            *best = (*best).min(terms(state));
            return;
        }
        brute_force(state, agent, day + 1, best);
        for shift in 0..m.templates.len() {
            for &post in &m.posts_of[agent] {
                let work = Work { shift, post };
                if state.fits(agent, day, work).is_ok() {
                    let mut plan = state.plan_of(agent);
                    plan[day] = Some(work);
                    state.set_plan(agent, &plan);
                    brute_force(state, agent, day + 1, best);
                    plan[day] = None;
                    state.set_plan(agent, &plan);
                }
            }
        }
    }

    #[test]
    fn the_plan_is_the_best_of_all_plans_keeping_the_rules() {
        for seed in 0..4 {
            check_against_brute_force(&instance(seed));
        }
    }

    fn check_against_brute_force(instance: &Instance) {
        let model = Model::new(instance).unwrap_or_else(|e| panic!("{}", e.en()));
        let mut state = State::new(&model);
        let post_s = (0..model.posts.len())
            .find(|&p| model.posts[p].store == "s")
            .unwrap_or_else(|| panic!("post s"));
        let fixed: Vec<Option<Work>> = (0..model.days)
            .map(|d| {
                (d % 3 == 0).then_some(Work {
                    shift: 0,
                    post: post_s,
                })
            })
            .collect();
        state.set_plan(1, &fixed);
        assert!(state.plan_fits(1));
        for seed in 0..3 {
            let mut rng = Rng::new(seed);
            let plan = best_plan(&state, 0, &mut rng).unwrap_or_else(|| panic!("no plan"));
            state.set_plan(0, &plan);
            assert!(state.plan_fits(0), "the plan breaks a rule: {plan:?}");
            assert!(
                crate::roster::validate(instance, &crate::roster::solve::assignments(&state))
                    .is_empty()
            );
            let found = terms(&state);
            state.set_plan(0, &vec![None; model.days]);
            let mut best = terms(&state);
            brute_force(&mut state, 0, 0, &mut best);
            assert_eq!(found, best, "seed {seed}");
        }
    }
}
