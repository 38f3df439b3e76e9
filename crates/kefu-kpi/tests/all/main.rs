//! The integration tests of `kefu-kpi`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

mod sessions_match_facts;
mod spec_rules;
