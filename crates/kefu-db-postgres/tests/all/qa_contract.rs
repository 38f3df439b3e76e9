//! The quality-inspection contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(qa_contract: import_inspects, versions_overrides_and_reinspection, scores_and_filters, samples_are_kept);
