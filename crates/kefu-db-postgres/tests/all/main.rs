//! The integration tests of `kefu-db-postgres`, one module a former test file, in
//! one binary: one link instead of one per file, which is most of what
//! building the tests costs.

#[macro_use]
mod common;
mod accounts_contract;
mod audit_contract;
mod billing_contract;
mod contract;
mod qa_contract;
mod schema_after_import;
mod schema_parity;
mod wfm_contract;
