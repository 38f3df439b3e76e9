//! The integration tests of `kefu-qa`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

mod jddc;
mod rules;
