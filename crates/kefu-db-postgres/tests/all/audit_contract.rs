//! The audit-log contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(audit_contract: entries_newest_first);
