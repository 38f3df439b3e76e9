//! Workforce planning rules (排班的规则), as spec `wfm.md` says: pure types
//! and functions, no database, no clock, no I/O.
//!
//! - [`forecast`]: the default forecast of §1 — for each weekday and
//!   30-minute interval the mean of the last `forecast_weeks` ordinary
//!   weeks, times the trend of the last week; promotion days left out of
//!   history and multiplied in the target week; WAPE accuracy of the last
//!   complete week; handle time (AHT) per store;
//! - [`erlang`]: the staffing calculator of §2 and §4 — offered load, chat
//!   slots by Erlang C against the service target, the occupancy bound,
//!   agents on duty and agents to schedule, with P_wait, service level, ASA
//!   and occupancy;
//! - [`roster`]: rosters of §3 and §5 — the instance file (TOML and its
//!   requirements CSV), the hard rules checked on any roster, coverage and
//!   hours, the lexicographic objective, a local search solver (greedy
//!   construction, late acceptance hill climbing with exact whole-plan
//!   replans of one agent) and the reasons of the
//!   gaps left, the JSON answer and a lower bound for benchmarks;
//! - [`adherence`]: when agents worked by the chat logs against their
//!   shifts: late starts, early ends, unrostered work;
//! - [`plan`]: the planning settings a provider keeps (rules, shifts,
//!   agents' hours and leave, stores' weights and staffing targets) and
//!   the roster instance built from them and the database's agents;
//! - [`shifts`]: the aggregate shift-scheduling problem (agents starting
//!   each template on each day, as `pyworkforce` states it), solved
//!   exactly: a minimum-cost flow when templates cover consecutive
//!   periods, branch and bound otherwise;
//! - [`error`]: the input error of the calculations, naming the field, in
//!   Chinese and English (a roster instance has its own,
//!   [`roster::InstanceError`]).

#![warn(missing_docs)]

pub mod adherence;
pub mod erlang;
pub mod error;
pub mod forecast;
pub mod plan;
pub mod roster;
pub mod shifts;

pub use erlang::{StaffingAnswer, StaffingInput, StaffingRules, erlang_c, service_level, staff};
pub use error::InputError;
pub use forecast::{
    Accuracy, Day, Forecast, History, Interval, Promotions, Volumes, forecast_week, handle_time,
    last_complete_week, last_week_accuracy, wape, week_accuracy, weekday,
};
