//! `/admin/users`: user and API-token administration, for admins only.
//! Passwords and tokens are shown once, when made; only their hashes are
//! kept.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::render;
use crate::view::{Chrome, role_label};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_app::accounts::{TokenRequest, UserRequest};
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
#[template(path = "accounts/users.html")]
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
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let all = gate.users().await?;
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
    let tokens = gate
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
        clients: gate.clients().await?.into_iter().map(|c| c.name).collect(),
        teams: gate.teams().await?.into_iter().map(|t| t.name).collect(),
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
    let gate = viewer.gate(state);
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

/// Adds a user; a generated password is shown once. The rules are the
/// service layer's, as for `kefu user add`.
pub async fn add_user(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(f): axum::Form<AddUser>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let role = match f.role.parse::<Role>() {
        Ok(r) => Some(r),
        Err(_) if f.role.trim().is_empty() => None,
        Err(e) => return users_page(&state, &viewer, vec![e], None).await,
    };
    let request = UserRequest {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role,
        password: Some(f.password.clone()).filter(|p| !p.is_empty()),
        client: Some(f.client.clone()),
        team: Some(f.team.clone()),
        agent_accounts: list(&f.agents),
    };
    match gate.create_user(&request).await {
        Ok((_, generated)) => {
            let username = request.username.trim();
            let shown = generated.map(|pw| {
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
            users_page(&state, &viewer, Vec::new(), shown).await
        }
        Err(e) => refused(&state, &viewer, e).await,
    }
}

/// The users page again with the reason a change was refused (bad input,
/// a clash); other errors answer as errors.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    e: kefu_app::Error,
) -> Result<Response, AppError> {
    match e {
        kefu_app::Error::Invalid { .. } | kefu_app::Error::Conflict { .. } => {
            users_page(state, viewer, vec![e.text(viewer.lang)], None).await
        }
        e => Err(e.into()),
    }
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
    viewer.gate(state).set_disabled(id, disabled).await?;
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
    let gate = viewer.gate(&state);
    let user = gate.user(id).await?;
    let pw = gate.set_password(id, None).await?.unwrap_or_default();
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

/// Makes an API token (shown once), by the rules of `kefu token add`.
pub async fn add_token(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(f): axum::Form<AddToken>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let role = match f.role.trim() {
        "" => None,
        text => match text.parse::<Role>() {
            Ok(r) => Some(r),
            Err(e) => return users_page(&state, &viewer, vec![e], None).await,
        },
    };
    let request = TokenRequest {
        owner: f.user.clone(),
        name: f.name.clone(),
        role,
        stores: list(&f.stores),
    };
    match gate.create_token(&request).await {
        Ok((token, value)) => {
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
        Err(e) => refused(&state, &viewer, e).await,
    }
}

/// Revokes a token.
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Plain>,
) -> Result<Response, AppError> {
    viewer.check_csrf(f.csrf.as_deref())?;
    viewer.gate(&state).revoke_token(id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
