//! `/admin/users`: user and API-token administration, for admins only.
//! Passwords and tokens are shown once, when made; only their hashes are
//! kept.

use super::render;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::gate::Gate;
use crate::state::{AppState, now_ms};
use crate::table::{Cell, Table};
use crate::view::{Chrome, role_label};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::scope::rank;
use kefu_access::{password, secret};
use kefu_db::accounts::{ApiToken, NewUser};
use kefu_domain::Role;
use serde::Deserialize;

struct UserLine {
    id: i64,
    username: String,
    name: String,
    role: &'static str,
    scope: String,
    disabled: bool,
}

struct TokenLine {
    id: i64,
    name: String,
    owner: String,
    role: &'static str,
    stores: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    users: Vec<UserLine>,
    tokens: Vec<TokenLine>,
    roles: Vec<(&'static str, &'static str)>,
    clients: Vec<String>,
    teams: Vec<String>,
    errors: Vec<String>,
    secret_label: String,
    secret_value: String,
}

async fn users_page(
    state: &AppState,
    viewer: &Viewer,
    errors: Vec<String>,
    secret: Option<(String, String)>,
) -> Result<Response, AppError> {
    let gate = Gate::new(state, viewer.scope.clone());
    let accounts = gate.accounts()?;
    let l = viewer.lang;
    let all = accounts.users().await?;
    let name_of = |id: i64| {
        all.iter()
            .find(|u| u.id == id)
            .map(|u| u.username.clone())
            .unwrap_or_default()
    };
    let users = all
        .iter()
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            name: u.display_name.clone(),
            role: role_label(u.role, l),
            scope: [
                u.client.clone().map(|c| {
                    format!(
                        "{} {c}: {}",
                        l.t("甲方", "client"),
                        u.client_stores.join(", ")
                    )
                }),
                u.team.clone().map(|t| format!("{} {t}", l.t("组", "team"))),
                (!u.agent_accounts.is_empty()).then(|| u.agent_accounts.join(", ")),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            disabled: u.disabled,
        })
        .collect();
    let tokens = accounts
        .tokens()
        .await?
        .into_iter()
        .map(|t| TokenLine {
            id: t.id,
            name: t.name,
            owner: name_of(t.user_id),
            role: role_label(t.role, l),
            stores: t.stores.join(", "),
            revoked: t.revoked_ms.is_some(),
        })
        .collect();
    let (secret_label, secret_value) = secret.unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = UsersPage {
        c: viewer.chrome(l.t("用户与令牌", "Users and tokens").to_string(), "users"),
        users,
        tokens,
        roles: Role::ALL
            .iter()
            .map(|r| (r.as_str(), role_label(*r, l)))
            .collect(),
        clients: accounts
            .clients()
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect(),
        teams: accounts
            .teams()
            .await?
            .into_iter()
            .map(|t| t.name)
            .collect(),
        errors,
        secret_label,
        secret_value,
    };
    Ok((status, render(&page)?).into_response())
}

/// The page.
pub async fn users(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    match q.format.as_deref() {
        Some(f) => users_table(&state, &viewer).await?.export(f),
        None => users_page(&state, &viewer, Vec::new(), None).await,
    }
}

/// The query of the users page.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// Export the users: `csv` or `xlsx`.
    format: Option<String>,
}

/// The users as a table (for exports).
async fn users_table(state: &AppState, viewer: &Viewer) -> Result<Table, AppError> {
    let gate = Gate::new(state, viewer.scope.clone());
    let l = viewer.lang;
    let heads = [
        ("用户名", "User name", false),
        ("姓名", "Name", false),
        ("角色", "Role", false),
        ("甲方", "Client", false),
        ("小组", "Team", false),
        ("客服账号", "Agent accounts", false),
        ("状态", "Status", false),
    ];
    let rows = gate
        .accounts()?
        .users()
        .await?
        .into_iter()
        .map(|u| {
            vec![
                Cell::text(u.username),
                Cell::text(u.display_name),
                Cell::text(role_label(u.role, l)),
                Cell::text(u.client.unwrap_or_default()),
                Cell::text(u.team.unwrap_or_default()),
                Cell::text(u.agent_accounts.join(", ")),
                Cell::text(if u.disabled {
                    l.t("已停用", "disabled")
                } else {
                    l.t("正常", "active")
                }),
            ]
        })
        .collect();
    Ok(Table::of("users".into(), &heads, l, rows))
}

/// The add-user form.
#[derive(Debug, Deserialize)]
pub struct AddUser {
    csrf: Option<String>,
    username: String,
    #[serde(default)]
    display_name: String,
    role: String,
    #[serde(default)]
    client: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    agents: String,
    #[serde(default)]
    password: String,
}

fn list(text: &str) -> Vec<String> {
    text.split([',', '，', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Adds a user; a generated password is shown once.
pub async fn add_user(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(f): axum::Form<AddUser>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = Gate::new(&state, viewer.scope.clone());
    let accounts = gate.accounts()?;
    let l = viewer.lang;
    let mut errors = Vec::new();
    let role: Option<Role> = match f.role.parse() {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let agents = list(&f.agents);
    let username = f.username.trim().to_string();
    if username.is_empty() {
        errors.push(l.t("用户名不能为空", "the user name is empty").into());
    }
    if let Some(role) = role
        && let Some((zh, en)) = kefu_access::scope::standing_problem(
            role,
            !f.client.trim().is_empty(),
            !f.team.trim().is_empty(),
            !agents.is_empty(),
        )
    {
        errors.push(l.t(&zh, &en).to_string());
    }
    let generated = f.password.is_empty();
    let pw = if generated {
        password::generate().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?
    } else {
        f.password.clone()
    };
    let hash = match password::hash(&pw) {
        Ok(h) => h,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    if let (true, Some(role)) = (errors.is_empty(), role) {
        let user = NewUser {
            display_name: if f.display_name.trim().is_empty() {
                username.clone()
            } else {
                f.display_name.trim().to_string()
            },
            username: username.clone(),
            role,
            password_hash: hash,
            client: Some(f.client.trim().to_string()).filter(|s| !s.is_empty()),
            team: Some(f.team.trim().to_string()).filter(|s| !s.is_empty()),
            agent_accounts: agents,
        };
        match accounts.create_user(&user).await {
            Ok(_) => {
                tracing::info!(target: "kefu::audit", by = %viewer.user.username, user = %username, role = %role, "user added");
                let shown = generated.then(|| {
                    (
                        format!(
                            "{} {username}",
                            l.t(
                                "新用户的密码（只显示这一次）：",
                                "Password of the new user (shown once):"
                            )
                        ),
                        pw,
                    )
                });
                return users_page(&state, &viewer, Vec::new(), shown).await;
            }
            Err(e) => errors.push(format!("{e:#}")),
        }
    }
    users_page(&state, &viewer, errors, None).await
}

/// A form with only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct Plain {
    csrf: Option<String>,
}

async fn set_disabled(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    disabled: bool,
    csrf: Option<&str>,
) -> Result<Response, AppError> {
    viewer.check_csrf(csrf)?;
    let gate = Gate::new(state, viewer.scope.clone());
    let accounts = gate.accounts()?;
    accounts.user(id).await?.ok_or(AppError::NotFound)?;
    if id == viewer.user.id && disabled {
        return Err(AppError::BadRequest("you cannot disable yourself".into()));
    }
    accounts.set_disabled(id, disabled).await?;
    tracing::info!(target: "kefu::audit", by = %viewer.user.username, user_id = id, disabled, "user disabled/enabled");
    Ok(Redirect::to("/admin/users").into_response())
}

/// Disables a user, ending their sessions.
pub async fn disable_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Response, AppError> {
    set_disabled(&state, &viewer, id, true, f.csrf.as_deref()).await
}

/// Enables a user again.
pub async fn enable_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Response, AppError> {
    set_disabled(&state, &viewer, id, false, f.csrf.as_deref()).await
}

/// Gives a user a new generated password (shown once), ending their
/// sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = Gate::new(&state, viewer.scope.clone());
    let accounts = gate.accounts()?;
    let user = accounts.user(id).await?.ok_or(AppError::NotFound)?;
    let pw = password::generate().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let hash = password::hash(&pw).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    accounts.set_password(id, &hash).await?;
    tracing::info!(target: "kefu::audit", by = %viewer.user.username, user = %user.username, "password reset");
    let l = viewer.lang;
    users_page(
        &state,
        &viewer,
        Vec::new(),
        Some((
            format!(
                "{} {}",
                l.t("新密码（只显示这一次）：", "New password (shown once):"),
                user.username
            ),
            pw,
        )),
    )
    .await
}

/// The add-token form.
#[derive(Debug, Deserialize)]
pub struct AddToken {
    csrf: Option<String>,
    name: String,
    user: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    stores: String,
}

/// Makes an API token (shown once).
pub async fn add_token(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(f): axum::Form<AddToken>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = Gate::new(&state, viewer.scope.clone());
    let accounts = gate.accounts()?;
    let l = viewer.lang;
    let Some(owner) = accounts.user_by_name(f.user.trim()).await? else {
        return users_page(
            &state,
            &viewer,
            vec![format!(
                "{}: {}",
                l.t("没有这个用户", "no such user"),
                f.user
            )],
            None,
        )
        .await;
    };
    let role = if f.role.trim().is_empty() {
        owner.role
    } else {
        match f.role.parse::<Role>() {
            Ok(r) => r,
            Err(e) => return users_page(&state, &viewer, vec![e], None).await,
        }
    };
    if rank(role) < rank(owner.role) {
        let msg = format!(
            "a {} token cannot belong to a {} user",
            role.as_str(),
            owner.role.as_str()
        );
        return users_page(&state, &viewer, vec![msg], None).await;
    }
    let value = secret::generate("kefu_").map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let token = ApiToken {
        id: 0,
        name: f.name.trim().to_string(),
        token_hash: secret::digest(&value),
        user_id: owner.id,
        role,
        stores: list(&f.stores),
        created_ms: now_ms(),
        revoked_ms: None,
    };
    accounts.create_token(&token).await?;
    tracing::info!(target: "kefu::audit", by = %viewer.user.username, token = %token.name, "API token made");
    users_page(
        &state,
        &viewer,
        Vec::new(),
        Some((
            format!(
                "{} {}",
                l.t("API 令牌（只显示这一次）：", "API token (shown once):"),
                token.name
            ),
            value,
        )),
    )
    .await
}

/// Revokes a token.
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = Gate::new(&state, viewer.scope.clone());
    gate.accounts()?.revoke_token(id, now_ms()).await?;
    tracing::info!(target: "kefu::audit", by = %viewer.user.username, token_id = id, "API token revoked");
    Ok(Redirect::to("/admin/users").into_response())
}
