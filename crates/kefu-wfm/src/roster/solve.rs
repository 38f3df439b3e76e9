//! The roster solver: a greedy construction that keeps every hard rule,
//! improved by late acceptance hill climbing (LAHC, Burke and Bykov) over
//! small moves (the `moves` module) and whole-plan replans, scored
//! lexicographically as [`Score`] says, then a last greedy pass.
//!
//! - **Construction**: the required slots in time order; while a slot is
//!   short, of every shift covering it and every agent of its post free
//!   that day to whom the shift may be given, the one whose score is best
//!   is added (agents in a seeded random order break ties).
//! - **Search**: each iteration proposes a random move; one breaking a
//!   hard rule is refused; otherwise it is kept if its score is no worse
//!   than the current one or than the score `history` iterations ago.
//!   One iteration in `REPLAN_EVERY` (1,000) makes a large move instead:
//!   an agent of a post left short gets the best whole plan given
//!   everyone else's (the `replan` module, exact by dynamic programming),
//!   kept by the same rule. The best roster seen is kept. The search
//!   stops after `Budget::iterations` iterations, when `deadline` answers
//!   true, or at a perfect score.
//! - **Last pass**: the construction's greedy step once more on every slot
//!   still short, so that no single added shift could close any gap that
//!   is left (which is what the gaps' reasons explain).
//!
//! Everything is deterministic: the same instance, budget and seed give the
//! same roster.

use crate::roster::Assignment;
use crate::roster::error::InstanceError;
use crate::roster::instance::Instance;
use crate::roster::model::Model;
use crate::roster::moves::propose;
use crate::roster::objective::Score;
use crate::roster::reasons::{Gap, explain};
use crate::roster::replan::replan;
use crate::roster::rng::Rng;
use crate::roster::state::{Change, Move, State, Work};

/// One iteration in this many plans an agent's whole roster anew
/// ([`replan`]) instead of proposing a small move: such a replan costs
/// about as much as a few hundred small moves.
const REPLAN_EVERY: u64 = 1000;

/// How long the search may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Iterations of the search (each at most one move scored).
    pub iterations: u64,
    /// The seed of the random choices.
    pub seed: u64,
    /// LAHC's history length; `None` for iterations ÷ 10,000, from 1 to
    /// 5000 (1 is plain hill climbing with sideways moves).
    pub history: Option<usize>,
}

impl Default for Budget {
    /// 4,000,000 iterations (about 2.5 s for 150 agents × 28 days in
    /// release mode), seed 1.
    fn default() -> Self {
        Budget {
            iterations: 4_000_000,
            seed: 1,
            history: None,
        }
    }
}

impl Budget {
    /// `iterations` with `seed` and the automatic history length.
    pub fn new(iterations: u64, seed: u64) -> Budget {
        Budget {
            iterations,
            seed,
            history: None,
        }
    }

    fn history_length(&self) -> usize {
        self.history
            .unwrap_or((self.iterations / 10_000) as usize)
            .clamp(1, 5000)
    }
}

/// A roster found.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// The shifts, by agent (as the instance lists them) and date.
    pub assignments: Vec<Assignment>,
    /// Its score.
    pub score: Score,
    /// The score of the greedy construction the search started from.
    pub constructed: Score,
    /// Iterations of the search done.
    pub iterations: u64,
    /// Moves the search kept.
    pub accepted: u64,
    /// Uncovered agent-intervals, unweighted (Σ gap).
    pub uncovered_intervals: u64,
    /// The slots left short, each with the reason.
    pub gaps: Vec<Gap>,
}

/// Plans `instance` within `budget`; `deadline`, asked every 256
/// iterations, stops the search early when it answers true. Refuses an
/// instance that [`Instance::check`] refuses.
pub fn solve(
    instance: &Instance,
    budget: &Budget,
    deadline: Option<&dyn Fn() -> bool>,
) -> Result<Solution, InstanceError> {
    let model = Model::new(instance)?;
    let mut rng = Rng::new(budget.seed);
    let mut state = State::new(&model);
    let orders = agent_orders(&model, &mut rng);
    let required: Vec<usize> = time_ordered(&model, (0..model.required.len()).collect());
    fill(&mut state, &required, &orders);
    let constructed = state.score();
    let (best, _, iterations, accepted) = search(state, budget, deadline, &mut rng);
    let mut state = State::with_work(&model, &best);
    let short = time_ordered(&model, state.gap_slots().to_vec());
    fill(&mut state, &short, &orders);
    let gaps = explain(&state);
    Ok(Solution {
        assignments: assignments(&state),
        score: state.score(),
        constructed,
        iterations,
        accepted,
        uncovered_intervals: gaps.iter().map(|g| u64::from(g.gap)).sum(),
        gaps,
    })
}

/// Each post's agents in a seeded random order.
fn agent_orders(model: &Model, rng: &mut Rng) -> Vec<Vec<usize>> {
    model
        .agents_for
        .iter()
        .map(|agents| {
            let mut order = agents.clone();
            rng.shuffle(&mut order);
            order
        })
        .collect()
}

/// Slot indexes with a requirement, by time, then post.
fn time_ordered(model: &Model, mut slots: Vec<usize>) -> Vec<usize> {
    slots.retain(|&i| model.required[i] > 0);
    slots.sort_by_key(|&i| (i % model.slot_count, i / model.slot_count));
    slots
}

/// The greedy step on each of `slots` in turn: while it is short, the best
/// shift that covers it and may be added is added.
fn fill(state: &mut State, slots: &[usize], orders: &[Vec<usize>]) {
    let m = state.model;
    for &slot in slots {
        let (post, at) = (slot / m.slot_count, slot % m.slot_count);
        while state.gap_at(slot) > 0 {
            let current = state.score();
            let mut best: Option<(Score, Change)> = None;
            for (shift, day) in m.coverers(at) {
                for &agent in &orders[post] {
                    if state.work(agent, day).is_some() {
                        continue;
                    }
                    let change = Change {
                        agent,
                        day,
                        work: Some(Work { shift, post }),
                    };
                    state.try_move(&Move::one(change), |score| {
                        if score < current && best.is_none_or(|(b, _)| score < b) {
                            best = Some((score, change));
                        }
                        false
                    });
                }
            }
            match best {
                Some((_, change)) => {
                    state.try_move(&Move::one(change), |_| true);
                }
                None => break,
            }
        }
    }
}

/// Late acceptance hill climbing from `state`: the best roster seen and its
/// score, the iterations done and the moves kept.
fn search(
    mut state: State,
    budget: &Budget,
    deadline: Option<&dyn Fn() -> bool>,
    rng: &mut Rng,
) -> (Vec<Option<Work>>, Score, u64, u64) {
    let mut history = vec![state.score(); budget.history_length()];
    let mut best_score = state.score();
    let mut best = state.roster().to_vec();
    // Whether the current roster is as good as the best (then `best` may
    // lag behind it and is caught up when the search leaves it).
    let mut at_best = true;
    let (mut done, mut accepted) = (0, 0);
    while done < budget.iterations && best_score != Score::default() {
        if done % 256 == 0 && deadline.is_some_and(|stop| stop()) {
            break;
        }
        let v = (done % history.len() as u64) as usize;
        done += 1;
        let current = state.score();
        if done % REPLAN_EVERY == 0 {
            let agent = replan_candidate(&state, rng);
            let snapshot = at_best.then(|| state.roster().to_vec());
            let late = history[v];
            if replan(&mut state, &[agent], rng, |score| {
                score <= current || score <= late
            }) {
                accepted += 1;
                let score = state.score();
                if score < best_score {
                    best_score = score;
                    at_best = true;
                } else if let Some(snapshot) = snapshot.filter(|_| score > best_score) {
                    best = snapshot;
                    at_best = false;
                }
            }
        } else if let Some(mv) = propose(&state, rng) {
            let mut before = [Change::default(); 2];
            for (b, c) in before.iter_mut().zip(mv.changes()) {
                *b = Change {
                    work: state.work(c.agent, c.day),
                    ..*c
                };
            }
            let late = history[v];
            if state.try_move(&mv, |score| score <= current || score <= late) {
                accepted += 1;
                let score = state.score();
                if score < best_score {
                    best_score = score;
                    at_best = true;
                } else if at_best && score > best_score {
                    best = state.roster().to_vec();
                    for c in &before[..mv.changes().len()] {
                        best[c.agent * state.model.days + c.day] = c.work;
                    }
                    at_best = false;
                }
            }
        }
        history[v] = state.score();
    }
    if at_best {
        best = state.roster().to_vec();
    }
    (best, best_score, done, accepted)
}

/// An agent to plan anew: one who may work a post left short somewhere,
/// or any agent when nothing is short.
fn replan_candidate(state: &State, rng: &mut Rng) -> usize {
    let m = state.model;
    rng.pick(state.gap_slots())
        .and_then(|&slot| rng.pick(&m.agents_for[slot / m.slot_count]).copied())
        .unwrap_or_else(|| rng.below(m.agents))
}

/// The roster as assignments, by agent and date.
pub(crate) fn assignments(state: &State) -> Vec<Assignment> {
    let m = state.model;
    let instance = m.instance;
    let mut out = Vec::new();
    for (a, agent) in instance.agents.iter().enumerate() {
        for d in 0..m.days {
            if let Some(w) = state.work(a, d) {
                out.push(Assignment {
                    agent: agent.name.clone(),
                    date: instance.start + d as i32,
                    shift: instance.shifts[w.shift].code.clone(),
                    store: m.posts[w.post].store.clone(),
                    skill: m.posts[w.post].skill.clone(),
                });
            }
        }
    }
    out
}

/// The greedy construction alone (no search), for comparison.
pub fn construct(instance: &Instance, seed: u64) -> Result<Solution, InstanceError> {
    solve(instance, &Budget::new(0, seed), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The best roster the search keeps (caught up lazily when the search
    /// leaves it) has the score the search reports for it.
    #[test]
    fn the_best_roster_kept_has_the_best_score() {
        let mut toml = String::from(
            "start = \"2026-12-07\"\ndays = 10\nrequirements = \"r.csv\"\n\
             [[shift]]\ncode = \"E\"\nstart = \"08:00\"\nend = \"16:30\"\n\
             breaks = [{ start = \"12:00\", end = \"12:30\" }]\n\
             [[shift]]\ncode = \"L\"\nstart = \"15:30\"\nend = \"24:00\"\n",
        );
        for a in 0..6 {
            let skills = if a % 2 == 0 {
                "\"presale\""
            } else {
                "\"presale\", \"aftersale\""
            };
            toml.push_str(&format!(
                "[[agent]]\nname = \"a{a}\"\nskills = [{skills}]\nstores = [\"s\"]\ncontract_hours = 40\n"
            ));
        }
        let mut csv = String::from("store,skill,date,interval,agents\n");
        for d in 7..17 {
            for h in 8..24 {
                let n = 1 + (h >= 20) as u32;
                csv.push_str(&format!("s,presale,2026-12-{d:02},{h:02}:00,{n}\ns,aftersale,2026-12-{d:02},{h:02}:30,1\n"));
            }
        }
        let instance = Instance::from_toml(&toml, &csv).unwrap();
        let model = Model::new(&instance).unwrap();
        for seed in 0..4 {
            let mut rng = Rng::new(seed);
            let state = State::new(&model);
            let budget = Budget {
                iterations: 20_000,
                seed,
                history: Some(50),
            };
            let (best, score, done, accepted) = search(state, &budget, None, &mut rng);
            assert_eq!(State::with_work(&model, &best).score(), score);
            assert!(done == 20_000 && accepted > 0);
        }
    }
}
