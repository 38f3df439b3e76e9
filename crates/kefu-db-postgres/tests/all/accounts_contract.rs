//! The accounts contract on a fresh PostgreSQL database per check.

use crate::common;

checks!(
    accounts_contract: users_with_scope,
    duplicate_username_refused,
    unknown_client_or_team_refused,
    set_password_ends_sessions,
    disable_ends_sessions,
    expired_sessions_not_returned,
    clients_replace_stores,
    teams_replace_agents,
    tokens_lifecycle,
);
