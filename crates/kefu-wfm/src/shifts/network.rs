//! One day of a problem whose templates each cover consecutive periods, as
//! a minimum-cost circulation (exact).
//!
//! Nodes `0..=periods` are the boundaries between periods. A template
//! covering periods `a..b` is an arc `a → b` carrying the agents starting
//! it (within `0..=max_shift_concurrency`, at its cost). The agents on duty
//! in period `p` flow back along arcs `p + 1 → p`. Conservation at node
//! `p` says that on duty in `p` minus on duty in `p − 1` is starting at `p`
//! minus ending at `p`, which is exactly the coverage of consecutive
//! periods: the coverage matrix has consecutive ones in each column, and
//! differencing its rows turns it into this network's incidence matrix
//! (so the linear relaxation is integral, and the flow is the optimum).
//!
//! - `min_required_resources`: period arcs within `required..=max`, cost 0;
//! - `min_abs_difference`: two parallel period arcs, up to the requirement
//!   at cost −1 (with at least `required − max` agents, as the difference
//!   is at most `max`) and beyond it at cost +1, up to `max` in all; the
//!   objective is Σ required plus the flow's cost (an optimal flow fills the
//!   −1 arc before the +1 arc, so the two give |on duty − required|).

use crate::shifts::flow::{Arc, min_cost_circulation};
use crate::shifts::problem::{ShiftObjective, ShiftProblem};

/// The optimal agents starting each template on day `day` and the day's
/// objective value, `None` when no plan keeps the bounds. Every template
/// must cover consecutive periods.
pub(crate) fn solve_day(problem: &ShiftProblem, day: usize) -> Option<(Vec<i64>, i64)> {
    let periods = problem.periods;
    let (most, per_shift) = (
        problem.max_period_concurrency,
        problem.max_shift_concurrency,
    );
    let required = &problem.required[day];
    let mut arcs = Vec::new();
    let mut template_arc = vec![None; problem.shifts.len()];
    let mut fixed = vec![0i64; problem.shifts.len()];
    for (s, t) in problem.shifts.iter().enumerate() {
        let run = t.run()?;
        let cost = problem.cost(s);
        if run.is_empty() {
            // Covers nothing: only its cost decides.
            fixed[s] = if cost < 0 { per_shift } else { 0 };
            continue;
        }
        template_arc[s] = Some(arcs.len());
        arcs.push(Arc {
            from: run.start,
            to: run.end,
            lower: 0,
            upper: per_shift,
            cost,
        });
    }
    for (p, &r) in required.iter().enumerate() {
        match problem.objective {
            ShiftObjective::MinRequiredResources => arcs.push(Arc {
                from: p + 1,
                to: p,
                lower: r,
                upper: most,
                cost: 0,
            }),
            ShiftObjective::MinAbsDifference => {
                let under = r.min(most);
                arcs.push(Arc {
                    from: p + 1,
                    to: p,
                    lower: (r - most).max(0),
                    upper: under,
                    cost: -1,
                });
                arcs.push(Arc {
                    from: p + 1,
                    to: p,
                    lower: 0,
                    upper: most - under,
                    cost: 1,
                });
            }
        }
    }
    let (flows, cost) = min_cost_circulation(periods + 1, &arcs)?;
    let x: Vec<i64> = (0..problem.shifts.len())
        .map(|s| template_arc[s].map_or(fixed[s], |a| flows[a]))
        .collect();
    let fixed_cost: i64 = (0..x.len())
        .filter(|&s| template_arc[s].is_none())
        .map(|s| fixed[s] * problem.cost(s))
        .sum();
    let value = match problem.objective {
        ShiftObjective::MinRequiredResources => cost + fixed_cost,
        ShiftObjective::MinAbsDifference => required.iter().sum::<i64>() + cost,
    };
    Some((x, value))
}
