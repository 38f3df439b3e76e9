//! The integration tests of `kefu-web`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod access;
mod api;
mod contract_pages;
mod contracts;
mod qa;
mod security;
mod wfm;
mod wfm_adherence;
mod wfm_rosters;
mod wfm_seed;
