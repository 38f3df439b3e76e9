//! The integration tests of `kefu-app`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod contracts;
mod declared_sales;
mod qa;
mod service;
mod wfm;
mod wfm_stored;
