//! The aggregate shift-scheduling problem (how many agents start each shift
//! template on each day), solved exactly: the problem `pyworkforce` gives
//! to CP-SAT (`MinAbsDifference`, `MinRequiredResources`), with the same
//! variables, bounds and objectives (see [`ShiftProblem`] for the JSON).
//!
//! Days do not interact (a template covers periods of its own day), so
//! each day is solved alone:
//!
//! - when every template covers consecutive periods, as a minimum-cost
//!   circulation (module `network`: the coverage matrix has
//!   consecutive ones, its relaxation is integral and the flow optimal);
//! - otherwise by branch and bound on the linear relaxation, within a
//!   limit of relaxations a day; a day whose search ends is proven optimal
//!   (or infeasible), one cut short keeps the best plan found, and the
//!   status says so.
//!
//! Pure: no clock and no I/O (the CLI measures the time).

use serde::Serialize;

mod branch;
pub mod error;
mod flow;
mod network;
pub mod problem;
mod simplex;

pub use error::ShiftError;
pub use problem::{ShiftObjective, ShiftProblem, ShiftTemplate};

/// Whether the plan is proven optimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftStatus {
    /// Every day solved to a proven optimum.
    Optimal,
    /// A plan that keeps every bound, but some day's search was cut short:
    /// not proven optimal.
    Feasible,
    /// Some day has no plan within the bounds.
    Infeasible,
    /// Some day's search was cut short before it found any plan.
    Unknown,
}

/// The answer: status, objective and agents per day and template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftSolution {
    /// Whether optimal.
    pub status: ShiftStatus,
    /// The objective's value (Σ over days), `None` without a plan.
    pub objective: Option<i64>,
    /// Agents starting each template (in the problem's order) on each
    /// day; empty without a plan.
    pub resources: Vec<Vec<i64>>,
    /// Days solved as a flow.
    pub flow_days: usize,
    /// Days searched by branch and bound.
    pub searched_days: usize,
    /// Relaxations solved by the branch and bound, over all days.
    pub nodes: u64,
}

/// Limits of the branch and bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftLimits {
    /// The most relaxations solved for one day.
    pub nodes_per_day: u64,
}

impl Default for ShiftLimits {
    /// 20,000 relaxations a day.
    fn default() -> Self {
        ShiftLimits {
            nodes_per_day: 20_000,
        }
    }
}

/// Solves a problem that [`ShiftProblem::check`] accepts (refuses one it
/// does not).
pub fn solve(problem: &ShiftProblem, limits: &ShiftLimits) -> Result<ShiftSolution, ShiftError> {
    problem.check()?;
    let contiguous = problem.shifts.iter().all(|s| s.run().is_some());
    let mut out = ShiftSolution {
        status: ShiftStatus::Optimal,
        objective: Some(0),
        resources: Vec::with_capacity(problem.days),
        flow_days: 0,
        searched_days: 0,
        nodes: 0,
    };
    let mut missing = None;
    for day in 0..problem.days {
        let found = if contiguous {
            out.flow_days += 1;
            let plan = network::solve_day(problem, day);
            if plan.is_none() {
                missing = Some(ShiftStatus::Infeasible);
            }
            plan
        } else {
            out.searched_days += 1;
            let s = branch::search_day(problem, day, limits.nodes_per_day);
            out.nodes += s.nodes;
            match (&s.best, s.complete) {
                (None, true) => missing = Some(ShiftStatus::Infeasible),
                (None, false) => missing = missing.or(Some(ShiftStatus::Unknown)),
                (Some(_), false) => out.status = ShiftStatus::Feasible,
                (Some(_), true) => {}
            }
            s.best
        };
        match found {
            Some((plan, value)) => {
                out.objective = out.objective.map(|o| o + value);
                out.resources.push(plan);
            }
            None => {
                if missing == Some(ShiftStatus::Infeasible) {
                    break;
                }
            }
        }
    }
    if let Some(status) = missing {
        out.status = status;
        out.objective = None;
        out.resources.clear();
    }
    Ok(out)
}

/// Agents on duty in each period of a day under `plan` (agents starting
/// each template).
pub fn day_coverage(problem: &ShiftProblem, plan: &[i64]) -> Vec<i64> {
    (0..problem.periods)
        .map(|p| {
            problem
                .shifts
                .iter()
                .zip(plan)
                .map(|(t, &x)| t.coverage.get(p).copied().unwrap_or(0) * x)
                .sum()
        })
        .collect()
}

/// The value of `plan` on `day` under the problem's objective, `None` when
/// it breaks a bound (a count outside `0..=max_shift_concurrency`, more
/// than `max_period_concurrency` on duty, fewer than required under
/// `min_required_resources`, a difference above `max_period_concurrency`
/// under `min_abs_difference`).
pub fn day_value(problem: &ShiftProblem, day: usize, plan: &[i64]) -> Option<i64> {
    if plan.len() != problem.shifts.len()
        || plan
            .iter()
            .any(|&x| x < 0 || x > problem.max_shift_concurrency)
    {
        return None;
    }
    let most = problem.max_period_concurrency;
    let mut value = 0;
    for (c, &r) in day_coverage(problem, plan)
        .iter()
        .zip(problem.required.get(day)?)
    {
        if *c > most {
            return None;
        }
        match problem.objective {
            ShiftObjective::MinAbsDifference if (c - r).abs() > most => return None,
            ShiftObjective::MinAbsDifference => value += (c - r).abs(),
            ShiftObjective::MinRequiredResources if c < &r => return None,
            ShiftObjective::MinRequiredResources => {}
        }
    }
    if problem.objective == ShiftObjective::MinRequiredResources {
        value += plan
            .iter()
            .enumerate()
            .map(|(s, &x)| x * problem.cost(s))
            .sum::<i64>();
    }
    Some(value)
}

/// The value of a whole plan (agents by day and template), `None` when some
/// day breaks a bound, as [`day_value`] says.
pub fn plan_value(problem: &ShiftProblem, resources: &[Vec<i64>]) -> Option<i64> {
    if resources.len() != problem.days {
        return None;
    }
    resources
        .iter()
        .enumerate()
        .map(|(d, plan)| day_value(problem, d, plan))
        .sum()
}
