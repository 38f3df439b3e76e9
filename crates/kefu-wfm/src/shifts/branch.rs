//! One day of a problem with a template whose periods are not consecutive:
//! branch and bound on the linear relaxation ([`crate::shifts::simplex`]),
//! depth first, branching on the most fractional template count. The
//! objective is an integer, so a node whose relaxation is above the best
//! plan found less one (with a tolerance of 1e-6) is cut; the search
//! proves the optimum when it ends within its node limit.

use crate::shifts::day_value;
use crate::shifts::problem::{ShiftObjective, ShiftProblem};
use crate::shifts::simplex::{LpResult, Row, Sense, minimize};

/// What the search of one day found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Searched {
    /// The best plan found and its value.
    pub best: Option<(Vec<i64>, i64)>,
    /// Whether the search ended (the best is optimal, or none exists).
    pub complete: bool,
    /// Nodes (relaxations) solved.
    pub nodes: u64,
}

/// Branch and bound on day `day` within `node_limit` relaxations.
pub(crate) fn search_day(problem: &ShiftProblem, day: usize, node_limit: u64) -> Searched {
    let shifts = problem.shifts.len();
    let mut stack = vec![(
        vec![0i64; shifts],
        vec![problem.max_shift_concurrency; shifts],
    )];
    let mut best: Option<(Vec<i64>, i64)> = None;
    let mut nodes = 0u64;
    while let Some((lower, upper)) = stack.pop() {
        if nodes >= node_limit {
            return Searched {
                best,
                complete: false,
                nodes,
            };
        }
        nodes += 1;
        let LpResult::Optimal(x, value) = relaxation(problem, day, &lower, &upper) else {
            continue;
        };
        if best
            .as_ref()
            .is_some_and(|(_, b)| value > (*b - 1) as f64 + 1e-6)
        {
            continue;
        }
        let fractional = (0..shifts)
            .map(|s| (s, (x[s] - x[s].round()).abs()))
            .filter(|&(_, f)| f > 1e-6)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match fractional {
            None => {
                let plan: Vec<i64> = x[..shifts].iter().map(|v| v.round() as i64).collect();
                if let Some(v) = day_value(problem, day, &plan)
                    && best.as_ref().is_none_or(|(_, b)| v < *b)
                {
                    best = Some((plan, v));
                }
            }
            Some((s, _)) => {
                let (down, up) = (x[s].floor() as i64, x[s].floor() as i64 + 1);
                let mut below = upper.clone();
                below[s] = down;
                let mut above = lower.clone();
                above[s] = up;
                // The nearer side is searched first (pushed last).
                if x[s] - x[s].floor() < 0.5 {
                    stack.push((above, upper.clone()));
                    stack.push((lower, below));
                } else {
                    stack.push((lower, below));
                    stack.push((above, upper));
                }
            }
        }
    }
    Searched {
        best,
        complete: true,
        nodes,
    }
}

/// The linear relaxation of day `day` with template counts within
/// `lower..=upper`. Variables: the counts, then (for
/// `min_abs_difference`) each period's excess and shortfall.
fn relaxation(problem: &ShiftProblem, day: usize, lower: &[i64], upper: &[i64]) -> LpResult {
    let (shifts, periods) = (problem.shifts.len(), problem.periods);
    let abs = problem.objective == ShiftObjective::MinAbsDifference;
    let n = shifts + if abs { 2 * periods } else { 0 };
    let most = problem.max_period_concurrency as f64;
    let mut c = vec![0.0; n];
    for (s, cost) in c.iter_mut().enumerate().take(shifts) {
        *cost = problem.cost(s) as f64;
    }
    let mut rows = Vec::new();
    for p in 0..periods {
        let mut a = vec![0.0; n];
        for (s, t) in problem.shifts.iter().enumerate() {
            a[s] = t.coverage[p] as f64;
        }
        let r = problem.required[day][p] as f64;
        rows.push(Row {
            a: a.clone(),
            sense: Sense::Le,
            b: most,
        });
        if abs {
            // on duty − excess + shortfall = required; each at most `most`.
            a[shifts + 2 * p] = -1.0;
            a[shifts + 2 * p + 1] = 1.0;
            rows.push(Row {
                a,
                sense: Sense::Eq,
                b: r,
            });
            for k in [shifts + 2 * p, shifts + 2 * p + 1] {
                c[k] = 1.0;
                rows.push(unit(n, k, Sense::Le, most));
            }
        } else {
            rows.push(Row {
                a,
                sense: Sense::Ge,
                b: r,
            });
        }
    }
    for s in 0..shifts {
        rows.push(unit(n, s, Sense::Le, upper[s] as f64));
        if lower[s] > 0 {
            rows.push(unit(n, s, Sense::Ge, lower[s] as f64));
        }
    }
    minimize(&c, &rows)
}

/// The row `x[k] (sense) b`.
fn unit(n: usize, k: usize, sense: Sense, b: f64) -> Row {
    let mut a = vec![0.0; n];
    a[k] = 1.0;
    Row { a, sense, b }
}
