//! The billing store contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(billing_contract: versions_states_and_steps, invoices_and_numbers, ledger_agents_and_declared);
