//! The contract every [`Accounts`] implementation passes. Each backend's
//! tests call [`run_all`] (or the single checks) on a fresh, empty
//! database.

use crate::Accounts;
use crate::accounts::{ApiToken, NewUser, WebSession};
use anyhow::{Result, bail, ensure};
use kefu_domain::Role;

/// A new user for the checks, with no client, team or agent accounts.
pub fn new_user(username: &str, role: Role) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: String::new(),
        role,
        password_hash: format!("$argon2id$v=19$test${username}"),
        client: None,
        team: None,
        agent_accounts: Vec::new(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A session for the checks.
pub fn session(id_hash: &str, user_id: i64, created_ms: i64, expires_ms: i64) -> WebSession {
    WebSession {
        id_hash: id_hash.into(),
        user_id,
        csrf: format!("csrf-{id_hash}"),
        created_ms,
        expires_ms,
    }
}

/// A token for the checks.
pub fn token(name: &str, hash: &str, user_id: i64, role: Role, stores: &[&str]) -> ApiToken {
    ApiToken {
        id: 0,
        name: name.into(),
        token_hash: hash.into(),
        user_id,
        role,
        stores: strings(stores),
        created_ms: 1_000,
        revoked_ms: None,
    }
}

/// The error text of a result that must be an error.
fn error_of<T: std::fmt::Debug>(r: Result<T>, what: &str) -> Result<String> {
    match r {
        Ok(v) => bail!("{what}: expected an error, got {v:?}"),
        Err(e) => Ok(format!("{e:#}")),
    }
}

/// Users are stored and read back by id, by name and in a list sorted by
/// username, with their client's stores and their team's agents resolved.
pub async fn users_with_scope(db: &dyn Accounts) -> Result<()> {
    db.save_client("ACME", &strings(&["tm-2", "dy-1"])).await?;
    db.save_team("售前一组", &strings(&["dy-1:小夏", "dy-1:小李"]))
        .await?;
    let admin = db.create_user(&new_user("root", Role::Admin)).await?;
    let mut c = new_user("amy", Role::Client);
    c.display_name = "Amy Wang".into();
    c.client = Some("ACME".into());
    let amy = db.create_user(&c).await?;
    let mut lead = new_user("lead", Role::TeamLead);
    lead.team = Some("售前一组".into());
    db.create_user(&lead).await?;
    let mut agent = new_user("xia", Role::Agent);
    agent.agent_accounts = strings(&["tm-2:小夏", "dy-1:小夏", "dy-1:小夏"]);
    db.create_user(&agent).await?;

    let users = db.users().await?;
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    ensure!(
        names == ["amy", "lead", "root", "xia"],
        "users by name: {names:?}"
    );
    let a = db.user(amy).await?;
    let Some(a) = a else {
        bail!("user {amy} not found by id")
    };
    ensure!(a.username == "amy" && a.display_name == "Amy Wang" && a.role == Role::Client);
    ensure!(
        a.client.as_deref() == Some("ACME") && a.client_stores == ["dy-1", "tm-2"],
        "client scope: {a:?}"
    );
    ensure!(!a.disabled && a.password_hash == "$argon2id$v=19$test$amy");
    ensure!(a.created_ms > 0, "creation time: {}", a.created_ms);
    ensure!(users.contains(&a), "list and get agree");
    let l = db.user_by_name("lead").await?;
    let Some(l) = l else {
        bail!("lead not found by name")
    };
    ensure!(
        l.team.as_deref() == Some("售前一组") && l.team_agents == ["dy-1:小夏", "dy-1:小李"],
        "team scope: {l:?}"
    );
    ensure!(l.client.is_none() && l.client_stores.is_empty() && l.agent_accounts.is_empty());
    let x = db.user_by_name("xia").await?;
    let Some(x) = x else {
        bail!("xia not found by name")
    };
    ensure!(
        x.agent_accounts == ["dy-1:小夏", "tm-2:小夏"],
        "agent accounts sorted, once each: {:?}",
        x.agent_accounts
    );
    ensure!(
        x.display_name == "xia",
        "display name defaults to the username"
    );
    let r = db.user(admin).await?;
    ensure!(r.is_some_and(|r| r.role == Role::Admin && r.team.is_none()));
    ensure!(db.user(admin + 1000).await?.is_none(), "unknown id");
    ensure!(db.user_by_name("nobody").await?.is_none(), "unknown name");
    Ok(())
}

/// A username is unique: the second is refused, naming it, and the first
/// user is unchanged.
pub async fn duplicate_username_refused(db: &dyn Accounts) -> Result<()> {
    db.create_user(&new_user("amy", Role::Manager)).await?;
    let e = error_of(
        db.create_user(&new_user("amy", Role::Admin)).await,
        "second amy",
    )?;
    ensure!(e.contains("user 'amy' exists"), "error: {e}");
    let users = db.users().await?;
    ensure!(
        users.len() == 1 && users[0].role == Role::Manager,
        "{users:?}"
    );
    let e = error_of(db.create_user(&new_user("a b", Role::Admin)).await, "space")?;
    ensure!(e.contains("not a username"), "error: {e}");
    Ok(())
}

/// A user of an unknown client or team is refused, naming it; nothing is
/// stored.
pub async fn unknown_client_or_team_refused(db: &dyn Accounts) -> Result<()> {
    let mut c = new_user("amy", Role::Client);
    c.client = Some("X".into());
    let e = error_of(db.create_user(&c).await, "unknown client")?;
    ensure!(e.contains("no client named 'X'"), "error: {e}");
    let mut t = new_user("lead", Role::TeamLead);
    t.team = Some("夜班".into());
    let e = error_of(db.create_user(&t).await, "unknown team")?;
    ensure!(e.contains("no team named '夜班'"), "error: {e}");
    ensure!(db.users().await?.is_empty(), "nothing stored");
    db.save_team("夜班", &[]).await?;
    db.create_user(&t).await?;
    Ok(())
}

/// A new password ends every session of that user, and only theirs.
pub async fn set_password_ends_sessions(db: &dyn Accounts) -> Result<()> {
    let amy = db.create_user(&new_user("amy", Role::Manager)).await?;
    let bob = db.create_user(&new_user("bob", Role::Inspector)).await?;
    db.create_session(&session("s1", amy, 1_000, 10_000))
        .await?;
    db.create_session(&session("s2", amy, 1_000, 10_000))
        .await?;
    db.create_session(&session("s3", bob, 1_000, 10_000))
        .await?;
    let found = db.session("s1", 2_000).await?;
    ensure!(
        found.as_ref().is_some_and(|(s, u)| s.csrf == "csrf-s1"
            && s.user_id == amy
            && s.expires_ms == 10_000
            && u.username == "amy"),
        "session s1: {found:?}"
    );
    db.set_password(amy, "$argon2id$new").await?;
    ensure!(db.session("s1", 2_000).await?.is_none(), "s1 ended");
    ensure!(db.session("s2", 2_000).await?.is_none(), "s2 ended");
    ensure!(
        db.session("s3", 2_000).await?.is_some(),
        "bob's session stays"
    );
    let a = db.user(amy).await?;
    ensure!(a.is_some_and(|a| a.password_hash == "$argon2id$new"));
    let e = error_of(db.set_password(bob + 1000, "x").await, "unknown user")?;
    ensure!(e.contains("no user with id"), "error: {e}");
    Ok(())
}

/// Disabling ends the user's sessions; enabling lets them in again.
pub async fn disable_ends_sessions(db: &dyn Accounts) -> Result<()> {
    let amy = db.create_user(&new_user("amy", Role::Agent)).await?;
    db.create_session(&session("s1", amy, 1_000, 10_000))
        .await?;
    db.set_disabled(amy, true).await?;
    ensure!(db.session("s1", 2_000).await?.is_none(), "session ended");
    let a = db.user_by_name("amy").await?;
    ensure!(a.is_some_and(|a| a.disabled), "disabled");
    // A session of a disabled user is still returned: the caller refuses it.
    db.create_session(&session("s2", amy, 1_000, 10_000))
        .await?;
    let s = db.session("s2", 2_000).await?;
    ensure!(s.is_some_and(|(_, u)| u.disabled), "returned as disabled");
    db.set_disabled(amy, false).await?;
    let a = db.user(amy).await?;
    ensure!(a.is_some_and(|a| !a.disabled), "enabled");
    ensure!(
        db.session("s2", 2_000).await?.is_some(),
        "enabling ends nothing"
    );
    let e = error_of(db.set_disabled(amy + 1000, true).await, "unknown user")?;
    ensure!(e.contains("no user with id"), "error: {e}");
    Ok(())
}

/// A session is found until it expires, and not after logout.
pub async fn expired_sessions_not_returned(db: &dyn Accounts) -> Result<()> {
    let amy = db.create_user(&new_user("amy", Role::Manager)).await?;
    db.create_session(&session("s1", amy, 1_000, 5_000)).await?;
    db.create_session(&session("s2", amy, 1_000, 50_000))
        .await?;
    ensure!(db.session("s1", 4_999).await?.is_some(), "before expiry");
    ensure!(db.session("s1", 5_000).await?.is_none(), "at expiry");
    ensure!(db.session("s1", 9_000).await?.is_none(), "after expiry");
    ensure!(db.session("nope", 2_000).await?.is_none(), "unknown");
    db.delete_session("s2").await?;
    ensure!(db.session("s2", 2_000).await?.is_none(), "logged out");
    db.delete_session("s2").await?;
    let e = error_of(
        db.create_session(&session("s9", amy + 1000, 1_000, 5_000))
            .await,
        "session of unknown user",
    )?;
    ensure!(e.contains("no user with id"), "error: {e}");
    Ok(())
}

/// Saving a client replaces its stores; a store of another client is
/// refused, naming both, and nothing changes.
pub async fn clients_replace_stores(db: &dyn Accounts) -> Result<()> {
    let acme = db
        .save_client("ACME", &strings(&["dy-1001", "tm-1", " tm-1 "]))
        .await?;
    let again = db
        .save_client("ACME", &strings(&["jd-7", "dy-1001"]))
        .await?;
    ensure!(acme == again, "same client, same id");
    let clients = db.clients().await?;
    ensure!(
        clients.len() == 1 && clients[0].name == "ACME" && clients[0].stores == ["dy-1001", "jd-7"],
        "replaced: {clients:?}"
    );
    let e = error_of(
        db.save_client("Beta", &strings(&["pdd-3", "dy-1001"]))
            .await,
        "stolen store",
    )?;
    ensure!(
        e.contains("store dy-1001 belongs to client 'ACME'"),
        "error: {e}"
    );
    ensure!(
        db.clients().await? == clients,
        "refused: nothing changed, Beta not created"
    );
    db.save_client("Beta", &strings(&["pdd-3", "tm-1"])).await?;
    let mut c = new_user("amy", Role::Client);
    c.client = Some("ACME".into());
    db.create_user(&c).await?;
    db.save_client("ACME", &strings(&["dy-1001"])).await?;
    let a = db.user_by_name("amy").await?;
    ensure!(
        a.is_some_and(|a| a.client_stores == ["dy-1001"]),
        "the user's scope follows the client"
    );
    let names: Vec<String> = db.clients().await?.into_iter().map(|c| c.name).collect();
    ensure!(names == ["ACME", "Beta"], "clients by name: {names:?}");
    db.save_client("ACME", &[]).await?;
    db.save_client("Beta", &strings(&["dy-1001"])).await?;
    let e = error_of(db.save_client(" ", &[]).await, "empty name")?;
    ensure!(e.contains("needs a name"), "error: {e}");
    Ok(())
}

/// Saving a team replaces its agents; teams are listed by name.
pub async fn teams_replace_agents(db: &dyn Accounts) -> Result<()> {
    let a = db
        .save_team("B组", &strings(&["dy-1:小夏", "dy-1:小李"]))
        .await?;
    db.save_team("A组", &strings(&["dy-1:小李"])).await?;
    let again = db.save_team("B组", &strings(&["tm-2:阿花"])).await?;
    ensure!(a == again, "same team, same id");
    let teams = db.teams().await?;
    let got: Vec<(&str, Vec<String>)> = teams
        .iter()
        .map(|t| (t.name.as_str(), t.agents.clone()))
        .collect();
    ensure!(
        got == [
            ("A组", strings(&["dy-1:小李"])),
            ("B组", strings(&["tm-2:阿花"]))
        ],
        "teams: {got:?}"
    );
    Ok(())
}

/// Tokens are listed newest first, found by digest with their owner until
/// revoked, and revoking twice changes nothing.
pub async fn tokens_lifecycle(db: &dyn Accounts) -> Result<()> {
    let amy = db.create_user(&new_user("amy", Role::Manager)).await?;
    let t1 = db
        .create_token(&token("erp", "h1", amy, Role::Manager, &["tm-2", "dy-1"]))
        .await?;
    let t2 = db
        .create_token(&token("bi", "h2", amy, Role::Inspector, &[]))
        .await?;
    let list = db.tokens().await?;
    let ids: Vec<i64> = list.iter().map(|t| t.id).collect();
    ensure!(ids == [t2, t1], "newest first: {ids:?}");
    ensure!(
        list[1].name == "erp"
            && list[1].stores == ["dy-1", "tm-2"]
            && list[1].role == Role::Manager
            && list[1].token_hash == "h1"
            && list[1].user_id == amy
            && list[1].created_ms == 1_000
            && list[1].revoked_ms.is_none(),
        "{:?}",
        list[1]
    );
    let found = db.token_by_hash("h2").await?;
    ensure!(
        found.as_ref().is_some_and(|(t, u)| t.id == t2
            && t.role == Role::Inspector
            && t.stores.is_empty()
            && u.username == "amy"),
        "by hash: {found:?}"
    );
    ensure!(db.token_by_hash("h3").await?.is_none(), "unknown hash");
    db.revoke_token(t1, 5_000).await?;
    ensure!(db.token_by_hash("h1").await?.is_none(), "revoked not found");
    ensure!(db.token_by_hash("h2").await?.is_some(), "the other stays");
    db.revoke_token(t1, 9_000).await?;
    let list = db.tokens().await?;
    ensure!(
        list.iter()
            .find(|t| t.id == t1)
            .is_some_and(|t| t.revoked_ms == Some(5_000)),
        "revoked once, at the first time: {list:?}"
    );
    let e = error_of(db.revoke_token(t2 + 1000, 1).await, "unknown token")?;
    ensure!(e.contains("no token with id"), "error: {e}");
    let e = error_of(
        db.create_token(&token("x", "h4", amy + 1000, Role::Admin, &[]))
            .await,
        "token of unknown user",
    )?;
    ensure!(e.contains("no user with id"), "error: {e}");
    Ok(())
}

/// Every check, each on a fresh database from `fresh`.
pub async fn run_all<F, Fut>(fresh: F) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Box<dyn Accounts>>>,
{
    users_with_scope(&*fresh().await?).await?;
    duplicate_username_refused(&*fresh().await?).await?;
    unknown_client_or_team_refused(&*fresh().await?).await?;
    set_password_ends_sessions(&*fresh().await?).await?;
    disable_ends_sessions(&*fresh().await?).await?;
    expired_sessions_not_returned(&*fresh().await?).await?;
    clients_replace_stores(&*fresh().await?).await?;
    teams_replace_agents(&*fresh().await?).await?;
    tokens_lifecycle(&*fresh().await?).await?;
    Ok(())
}
