//! The answer of `kefu wfm roster --format json` (spec `wfm.md` §5): an
//! object with `assignments`, `coverage`, `hours` and `gaps`.

use crate::roster::Assignment;
use crate::roster::coverage::{CoverageRow, WeekHours, coverage, hours};
use crate::roster::instance::Instance;
use crate::roster::reasons::Gap;
use crate::roster::solve::Solution;
use serde::Serialize;

/// The roster answer; serialised it is the JSON of §5: dates
/// `YYYY-MM-DD`, intervals `HH:MM`, a coverage row's `forecast` `null` when not
/// known, a gap's `reason` as its code (e.g. `week_hours`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterAnswer {
    /// The shifts: `agent`, `date`, `shift`, `store`, `skill`.
    pub assignments: Vec<Assignment>,
    /// Coverage per store, skill, date and interval.
    pub coverage: Vec<CoverageRow>,
    /// Each agent's paid hours per week.
    pub hours: Vec<WeekHours>,
    /// The slots left short, with the reason.
    pub gaps: Vec<Gap>,
}

/// The answer of a solution of `instance`, coverage and hours computed
/// from its assignments.
pub fn answer(instance: &Instance, solution: &Solution) -> RosterAnswer {
    RosterAnswer {
        assignments: solution.assignments.clone(),
        coverage: coverage(instance, &solution.assignments),
        hours: hours(instance, &solution.assignments),
        gaps: solution.gaps.clone(),
    }
}
