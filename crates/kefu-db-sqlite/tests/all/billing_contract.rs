//! The billing store contract on a fresh SQLite file per check.

checks!(billing_contract: versions_states_and_steps, invoices_and_numbers, ledger_agents_and_declared);
