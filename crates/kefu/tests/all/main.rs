//! The integration tests of `kefu`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod accounts_cli;
mod bad_input;
mod boundaries;
mod contract_cli;
mod crash_and_commands;
mod differential;
mod export_safety;
mod modes;
mod qa_cli;
mod real_data;
mod wfm_cli;
mod wfm_db_cli;
mod writers;
