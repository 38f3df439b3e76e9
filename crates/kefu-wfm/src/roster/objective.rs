//! The objective of §3, in order: least uncovered agent-intervals weighted
//! by the store's priority, then least over-coverage, then fairness, then
//! preferences, then distance from contract hours. [`Score`] compares its
//! terms in that order (lexicographically), lower being better.
//!
//! - `uncovered`: Σ over slots of priority × max(0, required − scheduled);
//! - `over`: Σ over slots of max(0, scheduled − required), a slot not
//!   listed requiring 0;
//! - `fairness`: evening shifts (ending after 20:00 or past midnight) and
//!   weekend shifts (starting on a Saturday or Sunday) spread evenly over
//!   all agents: for each kind n·Σ cᵢ² − (Σ cᵢ)², that is n² times the
//!   variance of the agents' counts cᵢ, an integer;
//! - `preferences`: shifts on days an agent would rather have off;
//! - `contract`: Σ over agents and weeks of |paid minutes − contract
//!   minutes|, the contract hours prorated to a short last week.

use crate::roster::Assignment;
use crate::roster::calendar::is_weekend;
use crate::roster::coverage::coverage;
use crate::roster::instance::Instance;
use serde::Serialize;
use std::fmt;

/// The objective's terms, compared in order (lower is better).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Score {
    /// Uncovered agent-intervals weighted by store priority.
    pub uncovered: i64,
    /// Agent-intervals on duty beyond the requirement.
    pub over: i64,
    /// Unevenness of evening and weekend shifts.
    pub fairness: i64,
    /// Shifts on days agents would rather have off.
    pub preferences: i64,
    /// Minutes away from contract hours, over agents and weeks.
    pub contract: i64,
}

impl fmt::Display for Score {
    /// `uncovered 12, over 40, fairness 96, preferences 0, contract 3120`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "uncovered {}, over {}, fairness {}, preferences {}, contract {}",
            self.uncovered, self.over, self.fairness, self.preferences, self.contract
        )
    }
}

/// The spread term of counts over `n` agents: n·Σc² − (Σc)².
pub(crate) fn spread(n: i64, sum: i64, sum_of_squares: i64) -> i64 {
    n * sum_of_squares - sum * sum
}

/// The score of any roster, computed from scratch from its assignments
/// (the solver keeps the same score incrementally). Assignments of an
/// unknown agent or shift, or outside the plan, count only in coverage.
pub fn evaluate(instance: &Instance, assignments: &[Assignment]) -> Score {
    let mut score = Score::default();
    for row in coverage(instance, assignments) {
        score.uncovered += i64::from(instance.priority(&row.store)) * i64::from(row.gap);
        score.over += i64::from(row.scheduled.saturating_sub(row.required));
    }
    let agents = instance.agents.len();
    let weeks = instance.weeks() as usize;
    let mut evening = vec![0i64; agents];
    let mut weekend = vec![0i64; agents];
    let mut minutes = vec![0i64; agents * weeks];
    for a in assignments {
        let (Some((index, agent)), Some(shift)) =
            (instance.agent(&a.agent), instance.shift(&a.shift))
        else {
            continue;
        };
        if !instance.in_plan(a.date) {
            continue;
        }
        evening[index] += i64::from(shift.is_evening());
        weekend[index] += i64::from(is_weekend(a.date));
        score.preferences += i64::from(agent.prefer_off.contains(&a.date));
        let week = (a.date - instance.start) as usize / 7;
        minutes[index * weeks + week] += i64::from(shift.paid_minutes());
    }
    let n = agents as i64;
    for counts in [&evening, &weekend] {
        let sum = counts.iter().sum();
        let squares = counts.iter().map(|c| c * c).sum();
        score.fairness += spread(n, sum, squares);
    }
    for (index, agent) in instance.agents.iter().enumerate() {
        for week in 0..weeks {
            let target = instance.contract_minutes(agent, week as u32);
            score.contract += (minutes[index * weeks + week] - target).abs();
        }
    }
    score
}
