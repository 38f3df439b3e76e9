//! Rosters (排班, spec `wfm.md` §3 and §5): the instance file, the hard
//! rules checked on any roster, coverage and hours, the objective, a local
//! search solver and the reasons of the gaps it leaves.
//!
//! - [`Instance`]: the TOML of §5 and its requirements CSV, read from text
//!   (the caller reads the files), every error naming its field or line;
//! - [`validate`]: every hard rule a roster breaks, with agent and date,
//!   independent of the solver;
//! - [`coverage()`] and [`hours`]: agents on duty against those required
//!   per store, skill and interval, and paid hours per agent and week;
//! - [`evaluate`] and [`Score`]: the lexicographic objective of §3;
//! - [`solve`]: greedy construction and late acceptance hill climbing
//!   (small moves, and now and then one agent's whole plan made anew by
//!   dynamic programming) within a [`Budget`], every roster it holds keeping every hard rule;
//!   the gaps left with a [`GapReason`];
//! - [`answer`]: the JSON answer of §5; [`lower_bound`]: a bound on the
//!   uncovered agent-intervals of any roster, for benchmarks.

use crate::forecast::Day;
use crate::roster::calendar::{deserialize_date, serialize_date};
use serde::{Deserialize, Serialize};

pub mod answer;
pub mod bound;
pub mod calendar;
pub(crate) mod check;
pub mod coverage;
pub mod error;
pub mod instance;
mod model;
mod moves;
pub mod objective;
pub(crate) mod parse;
pub mod reasons;
mod relax;
mod replan;
mod requirements;
mod rng;
mod slots;
pub mod solve;
mod state;
pub mod validate;

pub use answer::{RosterAnswer, answer};
pub use bound::{LowerBound, lower_bound, strong_lower_bound};
pub use calendar::{format_date, format_time, parse_date, parse_time};
pub use coverage::{CoverageRow, WeekHours, coverage, hours};
pub use error::{InstanceError, Place, Problem};
pub use instance::{Agent, Break, Instance, Requirement, Rules, Shift, Store};
pub use objective::{Score, evaluate};
pub use reasons::{Gap, GapReason};
pub use solve::{Budget, Solution, construct, solve};
pub use validate::{Rule, Violation, validate};

/// One shift of a roster: an agent works a shift on a date for a store
/// and skill. In JSON the date is `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The agent's name.
    pub agent: String,
    /// The day the shift starts.
    #[serde(
        serialize_with = "serialize_date",
        deserialize_with = "deserialize_date"
    )]
    pub date: Day,
    /// The shift's code.
    pub shift: String,
    /// The store's code.
    pub store: String,
    /// The skill.
    pub skill: String,
}
