//! Accounts: users and their roles, client companies and their stores,
//! teams of agents, browser sessions and API tokens. Secrets are stored
//! only as hashes: password hashes (argon2, made by the caller), and
//! SHA-256 hex digests of session ids and API tokens.
//!
//! Both backends implement [`Accounts`] with the SQL of
//! [`crate::sql_accounts!`]; [`crate::accounts_contract`] is their shared
//! contract suite.

use anyhow::Result;
use async_trait::async_trait;
use kefu_domain::Role;

/// A user as stored, with the scope that their client company or team
/// gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Login name, unique.
    pub username: String,
    /// Name shown in the interface.
    pub display_name: String,
    /// What the user may do and see.
    pub role: Role,
    /// The argon2 PHC string of the password.
    pub password_hash: String,
    /// A disabled user cannot log in and has no sessions.
    pub disabled: bool,
    /// The client company (甲方) of a `client` user.
    pub client: Option<String>,
    /// The stores of that client company, sorted (empty without a client).
    pub client_stores: Vec<String>,
    /// The team of a `team_lead` (or of an agent), by name.
    pub team: Option<String>,
    /// The agent accounts of that team, sorted (empty without a team).
    pub team_agents: Vec<String>,
    /// The platform sub-accounts (e.g. `dy-1001:售前-小夏`) that are this
    /// user's own: an `agent` sees the figures and sessions of these.
    pub agent_accounts: Vec<String>,
    /// Creation time, UTC milliseconds.
    pub created_ms: i64,
}

/// What [`Accounts::create_user`] stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name; must be new.
    pub username: String,
    /// Name shown; the login name when empty.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// argon2 PHC string.
    pub password_hash: String,
    /// Client company by name; must exist (see [`Accounts::save_client`]).
    pub client: Option<String>,
    /// Team by name; must exist (see [`Accounts::save_team`]).
    pub team: Option<String>,
    /// The user's own agent accounts.
    pub agent_accounts: Vec<String>,
}

/// A client company (甲方) and its stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// Database id.
    pub id: i64,
    /// Company name, unique.
    pub name: String,
    /// Store codes, sorted. A store belongs to at most one client.
    pub stores: Vec<String>,
}

/// A team of agents, led by the `team_lead` users who belong to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Database id.
    pub id: i64,
    /// Team name, unique.
    pub name: String,
    /// Agent accounts, sorted.
    pub agents: Vec<String>,
}

/// A browser session (login), found by the digest of its cookie value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// SHA-256 hex digest of the cookie value.
    pub id_hash: String,
    /// The logged-in user.
    pub user_id: i64,
    /// The session's CSRF token (random, shown in forms; not a secret at
    /// rest, since it is useless without the cookie).
    pub csrf: String,
    /// Created, UTC milliseconds.
    pub created_ms: i64,
    /// Expires, UTC milliseconds.
    pub expires_ms: i64,
}

/// An API token for machine clients: a role and a set of stores, owned by
/// the user who made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Database id.
    pub id: i64,
    /// A label, e.g. `erp-sync`.
    pub name: String,
    /// SHA-256 hex digest of the token.
    pub token_hash: String,
    /// The user who created it; the token never sees more than they do.
    pub user_id: i64,
    /// The role it acts with.
    pub role: Role,
    /// The stores it is limited to; empty: those its role and owner allow.
    pub stores: Vec<String>,
    /// Created, UTC milliseconds.
    pub created_ms: i64,
    /// Revoked, UTC milliseconds; a revoked token authenticates nothing.
    pub revoked_ms: Option<i64>,
}

/// Storage of accounts. Every implementation passes
/// [`crate::accounts_contract`].
#[async_trait]
pub trait Accounts: Send + Sync {
    /// Stores a new user; an existing username, or an unknown client or
    /// team, is an error saying which. Returns the id.
    async fn create_user(&self, user: &NewUser) -> Result<i64>;
    /// Every user, by username.
    async fn users(&self) -> Result<Vec<User>>;
    /// One user by id.
    async fn user(&self, id: i64) -> Result<Option<User>>;
    /// One user by username.
    async fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    /// Replaces a user's password hash and ends all their sessions.
    async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()>;
    /// Disables (ending all their sessions) or re-enables a user.
    async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()>;
    /// Creates a client company, or replaces the stores of an existing one.
    /// A store that belongs to another client is an error naming both.
    async fn save_client(&self, name: &str, stores: &[String]) -> Result<i64>;
    /// Every client company, by name.
    async fn clients(&self) -> Result<Vec<Client>>;
    /// Creates a team, or replaces the agents of an existing one.
    async fn save_team(&self, name: &str, agents: &[String]) -> Result<i64>;
    /// Every team, by name.
    async fn teams(&self) -> Result<Vec<Team>>;
    /// Stores a new browser session.
    async fn create_session(&self, session: &WebSession) -> Result<()>;
    /// The unexpired session with this digest, and its user (also when the
    /// user is disabled: the caller refuses it).
    async fn session(&self, id_hash: &str, now_ms: i64) -> Result<Option<(WebSession, User)>>;
    /// Ends a session (logout).
    async fn delete_session(&self, id_hash: &str) -> Result<()>;
    /// Stores a new API token; returns its id.
    async fn create_token(&self, token: &ApiToken) -> Result<i64>;
    /// Every token (revoked ones too), newest first.
    async fn tokens(&self) -> Result<Vec<ApiToken>>;
    /// The unrevoked token with this digest, and its owner.
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>>;
    /// Revokes a token; revoking twice changes nothing.
    async fn revoke_token(&self, id: i64, now_ms: i64) -> Result<()>;
}
