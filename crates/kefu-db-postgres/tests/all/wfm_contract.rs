//! The workforce store contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(wfm_contract: settings_versions, promotions_set_replaced_removed, rosters_by_days, agent_messages_by_time);
