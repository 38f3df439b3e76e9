//! The integration tests of `kefu-import`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod errors;
mod formats;
mod reject;
mod throughput;
