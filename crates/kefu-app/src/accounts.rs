//! Accounts (administrators only): users and their roles, client companies
//! (甲方) with their stores, teams of agents, API tokens; and, on [`App`],
//! authentication (logins, browser sessions, tokens). Every rule about an
//! account lives here once, for the command line and the pages alike.

use crate::{Actor, App, Error, Gate, Result, now_ms};
use kefu_access::scope::{rank, standing_problem};
use kefu_access::{Action, password, secret};
use kefu_db::accounts::{ApiToken, Client, NewUser, Team, User, WebSession};
use kefu_domain::Role;

/// A user to create.
#[derive(Debug, Clone, Default)]
pub struct UserRequest {
    /// Login name (trimmed; no spaces).
    pub username: String,
    /// Name shown; the login name when empty.
    pub display_name: String,
    /// Role.
    pub role: Option<Role>,
    /// The password; `None` to generate one.
    pub password: Option<String>,
    /// Client company by name (client users).
    pub client: Option<String>,
    /// Team by name (team leads, agents).
    pub team: Option<String>,
    /// The user's own agent accounts (agents).
    pub agent_accounts: Vec<String>,
}

/// A token to make.
#[derive(Debug, Clone, Default)]
pub struct TokenRequest {
    /// The owner's login name: the token never sees more than they do.
    pub owner: String,
    /// A label, e.g. `erp-sync`.
    pub name: String,
    /// The role it acts with (default: the owner's), at most the owner's.
    pub role: Option<Role>,
    /// Stores it is limited to (empty: what its role allows).
    pub stores: Vec<String>,
}

/// Trimmed, non-empty, sorted and without repeats.
pub fn cleaned(items: &[String]) -> Vec<String> {
    let mut v: Vec<String> = items
        .iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A password given, checked for length, or a generated one; with its
/// argon2 hash and, when generated, the plain text to show once.
fn password_of(given: Option<String>) -> Result<(String, Option<String>)> {
    let (plain, generated) = match given {
        Some(p) => (p, false),
        None => (password::generate().map_err(internal)?, true),
    };
    let min = password::MIN_LENGTH;
    if plain.chars().count() < min {
        return Err(Error::invalid(
            "password",
            format!("密码太短：至少 {min} 个字符"),
            format!("the password is too short: at least {min} characters"),
        ));
    }
    let hash = password::hash(&plain).map_err(internal)?;
    Ok((hash, generated.then_some(plain)))
}

fn internal(e: String) -> Error {
    Error::Internal(anyhow::anyhow!(e))
}

fn nonempty(s: Option<&String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl Gate {
    /// Creates a user; returns the id and the generated password, if one
    /// was generated. Refused, saying why: an empty or spaced login name, a
    /// missing role, a standing that does not fit the role (a client user
    /// without a client company, …), a taken name, an unknown client or
    /// team, a short password.
    pub async fn create_user(&self, req: &UserRequest) -> Result<(i64, Option<String>)> {
        self.require(Action::Administer)?;
        let username = req.username.trim().to_string();
        if username.is_empty() {
            return Err(Error::invalid(
                "username",
                "用户名不能为空",
                "the user name is empty",
            ));
        }
        if username.contains(char::is_whitespace) {
            return Err(Error::invalid(
                "username",
                format!("用户名 '{username}' 不能含空格"),
                format!("the user name '{username}' must not contain spaces"),
            ));
        }
        let Some(role) = req.role else {
            return Err(Error::invalid("role", "请选择角色", "choose a role"));
        };
        let client = nonempty(req.client.as_ref());
        let team = nonempty(req.team.as_ref());
        let agents = cleaned(&req.agent_accounts);
        if let Some((zh, en)) =
            standing_problem(role, client.is_some(), team.is_some(), !agents.is_empty())
        {
            let field = match role {
                Role::Client => "client",
                Role::TeamLead => "team",
                _ => "agents",
            };
            return Err(Error::invalid(field, zh, en));
        }
        let db = &self.app.db;
        if db.user_by_name(&username).await?.is_some() {
            return Err(Error::conflict(
                format!("用户 '{username}' 已存在"),
                format!("user '{username}' exists"),
            ));
        }
        if let Some(c) = &client
            && !db.clients().await?.iter().any(|x| &x.name == c)
        {
            return Err(Error::invalid(
                "client",
                format!("没有名为 '{c}' 的甲方：先用 kefu client set 创建"),
                format!("no client named '{c}': create it with kefu client set"),
            ));
        }
        if let Some(t) = &team
            && !db.teams().await?.iter().any(|x| &x.name == t)
        {
            return Err(Error::invalid(
                "team",
                format!("没有名为 '{t}' 的组：先用 kefu team set 创建"),
                format!("no team named '{t}': create it with kefu team set"),
            ));
        }
        let (hash, generated) = password_of(req.password.clone())?;
        let display_name = match req.display_name.trim() {
            "" => username.clone(),
            name => name.to_string(),
        };
        let id = db
            .create_user(&NewUser {
                username: username.clone(),
                display_name,
                role,
                password_hash: hash,
                client,
                team,
                agent_accounts: agents,
            })
            .await?;
        self.record("user.create", &username, format!("role={role}"))
            .await;
        Ok((id, generated))
    }

    /// Every user, by login name.
    pub async fn users(&self) -> Result<Vec<User>> {
        self.require(Action::Administer)?;
        Ok(self.app.db.users().await?)
    }

    /// A user by login name, or an error naming it.
    pub async fn user_named(&self, username: &str) -> Result<User> {
        self.require(Action::Administer)?;
        let username = username.trim();
        self.app.db.user_by_name(username).await?.ok_or_else(|| {
            Error::invalid(
                "username",
                format!("没有用户 '{username}'"),
                format!("no user named '{username}'"),
            )
        })
    }

    /// A user by id.
    pub async fn user(&self, id: i64) -> Result<User> {
        self.require(Action::Administer)?;
        self.app.db.user(id).await?.ok_or(Error::NotFound)
    }

    /// Sets a user's password (generated when `None`, and returned), ending
    /// their sessions.
    pub async fn set_password(&self, id: i64, given: Option<String>) -> Result<Option<String>> {
        let user = self.user(id).await?;
        let (hash, generated) = password_of(given)?;
        self.app.db.set_password(id, &hash).await?;
        self.record("user.password", &user.username, String::new())
            .await;
        Ok(generated)
    }

    /// Disables a user (ending their sessions) or enables them again. Nobody
    /// disables themselves.
    pub async fn set_disabled(&self, id: i64, disabled: bool) -> Result<()> {
        let user = self.user(id).await?;
        if disabled && self.actor.user_id() == Some(id) {
            return Err(Error::invalid(
                "user",
                "不能停用自己的账号",
                "you cannot disable yourself",
            ));
        }
        self.app.db.set_disabled(id, disabled).await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.record(action, &user.username, String::new()).await;
        Ok(())
    }

    /// Creates a client company or replaces its stores. A store belongs to
    /// at most one client. Returns the stores that have no data yet (a
    /// client may name them before their first import).
    pub async fn save_client(&self, name: &str, stores: &[String]) -> Result<Vec<String>> {
        self.require(Action::Administer)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                "name",
                "甲方名称不能为空",
                "the client's name is empty",
            ));
        }
        let stores = cleaned(stores);
        let db = &self.app.db;
        self.check_client_stores(name, &stores).await?;
        db.save_client(name, &stores).await?;
        self.record("client.save", name, stores.join(",")).await;
        let known: Vec<String> = db.stores().await?.into_iter().map(|(c, _)| c).collect();
        Ok(stores.into_iter().filter(|s| !known.contains(s)).collect())
    }

    /// Refuses stores that belong to another client company (a store
    /// belongs to at most one).
    pub(crate) async fn check_client_stores(&self, name: &str, stores: &[String]) -> Result<()> {
        for other in self.app.db.clients().await? {
            if other.name == name {
                continue;
            }
            if let Some(s) = stores.iter().find(|s| other.stores.contains(s)) {
                return Err(Error::conflict(
                    format!("店铺 {s} 属于甲方 '{}'", other.name),
                    format!("store {s} belongs to client '{}'", other.name),
                ));
            }
        }
        Ok(())
    }

    /// Every client company, by name.
    pub async fn clients(&self) -> Result<Vec<Client>> {
        self.require(Action::Administer)?;
        Ok(self.app.db.clients().await?)
    }

    /// Creates a team or replaces its agents.
    pub async fn save_team(&self, name: &str, agents: &[String]) -> Result<()> {
        self.require(Action::Administer)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                "name",
                "组名不能为空",
                "the team's name is empty",
            ));
        }
        let agents = cleaned(agents);
        self.app.db.save_team(name, &agents).await?;
        self.record("team.save", name, agents.join(",")).await;
        Ok(())
    }

    /// Every team, by name.
    pub async fn teams(&self) -> Result<Vec<Team>> {
        self.require(Action::Administer)?;
        Ok(self.app.db.teams().await?)
    }

    /// Makes an API token; returns it as stored and its secret (shown once,
    /// kept only as a digest). Refused: an unknown or disabled owner, a
    /// role above the owner's, a client's token for a store not theirs.
    pub async fn create_token(&self, req: &TokenRequest) -> Result<(ApiToken, String)> {
        self.require(Action::Administer)?;
        let name = req.name.trim();
        if name.is_empty() {
            return Err(Error::invalid(
                "name",
                "令牌名称不能为空",
                "the token's name is empty",
            ));
        }
        let owner = self.user_named(&req.owner).await.map_err(|e| match e {
            Error::Invalid { zh, en, .. } => Error::Invalid {
                field: Some("user"),
                zh,
                en,
            },
            e => e,
        })?;
        let user = &owner.username;
        if owner.disabled {
            return Err(Error::invalid(
                "user",
                format!("用户 '{user}' 已停用"),
                format!("user '{user}' is disabled"),
            ));
        }
        let role = req.role.unwrap_or(owner.role);
        if rank(role) < rank(owner.role) {
            return Err(Error::invalid(
                "role",
                format!(
                    "令牌的角色不能高于其所有者：{user} 是 {}（{}），不能创建 {}（{}）令牌",
                    owner.role.zh(),
                    owner.role,
                    role.zh(),
                    role
                ),
                format!(
                    "a token's role may not exceed its owner's: {user} is {}, so no {role} token",
                    owner.role
                ),
            ));
        }
        let stores = cleaned(&req.stores);
        if owner.role == Role::Client
            && let Some(s) = stores.iter().find(|s| !owner.client_stores.contains(s))
        {
            return Err(Error::invalid(
                "stores",
                format!("店铺 {s} 不属于 {user} 的甲方"),
                format!("store {s} is not one of the stores of {user}'s client"),
            ));
        }
        let value = secret::generate("kefu_").map_err(internal)?;
        let mut token = ApiToken {
            id: 0,
            name: name.to_string(),
            token_hash: secret::digest(&value),
            user_id: owner.id,
            role,
            stores,
            created_ms: now_ms(),
            revoked_ms: None,
        };
        token.id = self.app.db.create_token(&token).await?;
        let detail = format!("id={} owner={user} role={role}", token.id);
        self.record("token.create", name, detail).await;
        Ok((token, value))
    }

    /// Every token, newest first (revoked ones too).
    pub async fn tokens(&self) -> Result<Vec<ApiToken>> {
        self.require(Action::Administer)?;
        Ok(self.app.db.tokens().await?)
    }

    /// Revokes a token; returns it as it was (a token revoked before stays
    /// as it was).
    pub async fn revoke_token(&self, id: i64) -> Result<ApiToken> {
        let Some(token) = self.tokens().await?.into_iter().find(|t| t.id == id) else {
            return Err(Error::NotFound);
        };
        if token.revoked_ms.is_none() {
            self.app.db.revoke_token(id, now_ms()).await?;
            self.record("token.revoke", &token.name, format!("id={id}"))
                .await;
        }
        Ok(token)
    }
}

/// A browser session just started.
#[derive(Debug, Clone)]
pub struct Login {
    /// The cookie's value (stored only as a digest).
    pub cookie: String,
    /// The user logged in.
    pub user: User,
}

impl App {
    /// The actor of an unrevoked API token whose owner is not disabled.
    pub async fn token_actor(&self, bearer: &str) -> Result<Option<(Actor, User)>> {
        let found = self
            .db
            .token_by_hash(&secret::digest(bearer.trim()))
            .await?;
        Ok(found
            .filter(|(_, owner)| !owner.disabled)
            .map(|(token, owner)| (Actor::token(&token, &owner), owner)))
    }

    /// The actor of an unexpired browser session whose user is not
    /// disabled, with the session's CSRF token.
    pub async fn session_actor(&self, cookie: &str) -> Result<Option<(Actor, User, String)>> {
        let found = self.db.session(&secret::digest(cookie), now_ms()).await?;
        Ok(found
            .filter(|(_, user)| !user.disabled)
            .map(|(session, user)| (Actor::user(&user), user, session.csrf)))
    }

    /// Checks a login: the user when the name and password are right and
    /// the user is not disabled.
    pub async fn check_login(&self, username: &str, given: &str) -> Result<Option<User>> {
        let user = self.db.user_by_name(username.trim()).await?;
        Ok(user.filter(|u| !u.disabled && password::verify(given, &u.password_hash)))
    }

    /// Starts a browser session of `seconds` for a user who logged in.
    pub async fn start_session(&self, user: User, seconds: i64) -> Result<Login> {
        let cookie = secret::generate("").map_err(internal)?;
        let csrf = secret::generate("").map_err(internal)?;
        let now = now_ms();
        let session = WebSession {
            id_hash: secret::digest(&cookie),
            user_id: user.id,
            csrf,
            created_ms: now,
            expires_ms: now + seconds * 1000,
        };
        self.db.create_session(&session).await?;
        Ok(Login { cookie, user })
    }

    /// Ends the browser session of a cookie (logout).
    pub async fn end_session(&self, cookie: &str) -> Result<()> {
        Ok(self.db.delete_session(&secret::digest(cookie)).await?)
    }

    /// Whether the database has no users yet (a new installation).
    pub async fn has_no_users(&self) -> Result<bool> {
        Ok(self.db.users().await?.is_empty())
    }
}
