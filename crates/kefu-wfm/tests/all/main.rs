//! The integration tests of `kefu-wfm`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

mod adherence;
mod erlang;
mod forecast;
mod plan;
mod roster_bound;
mod roster_calendar;
mod roster_gaps;
mod roster_instance;
mod roster_solve;
mod roster_support;
mod roster_validate;
mod shifts;
