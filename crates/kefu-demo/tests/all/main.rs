//! The integration tests of `kefu-demo`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod demo;
mod plan;
