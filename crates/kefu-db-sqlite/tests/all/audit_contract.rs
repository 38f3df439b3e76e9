//! The audit-log contract on a fresh SQLite file per check.

checks!(audit_contract: entries_newest_first);
