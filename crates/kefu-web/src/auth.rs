//! Logging in and out, who is asking ([`Viewer`]), CSRF tokens and the
//! login rate limit. Browser sessions are HttpOnly, SameSite=Lax cookies
//! whose value is stored only as a digest; machine clients send
//! `Authorization: Bearer kefu_…` API tokens.

use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::Chrome;
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kefu_access::{Scope, secret};
use kefu_app::{Actor, Gate};
use kefu_db::accounts::User;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kefu_session";
/// The cookie that carries the login form's CSRF token before a session exists.
const PRE_COOKIE: &str = "kefu_pre";

/// The routes of logging in and out and of the language switch.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_lang))
}

/// The value of a cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite, Path=/, Secure when configured.
fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age: i64,
    same_site: &str,
) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Who is asking: a logged-in user (cookie) or an API token, with the scope
/// that decides what they see.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The user (for a token: its owner).
    pub user: User,
    /// The actor of the service layer (user or token).
    pub actor: Actor,
    /// What they may see and do (the actor's scope).
    pub scope: Scope,
    /// The session's CSRF token; `None` for API tokens, which need none.
    pub csrf: Option<String>,
    /// The interface language.
    pub lang: Lang,
    /// The path and query of the request (for links back to it).
    pub path: String,
}

impl Viewer {
    /// Checks a submitted CSRF token (forms: the `csrf` field; API calls
    /// with a session cookie: the `X-CSRF-Token` header).
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        match &self.csrf {
            None => Ok(()),
            Some(mine) if submitted.is_some_and(|s| secret::same(s, mine)) => Ok(()),
            Some(_) => Err(AppError::BadRequest(
                "CSRF token missing or wrong: reload the page and try again / 表单已过期，请刷新页面后重试"
                    .into(),
            )),
        }
    }

    /// The page chrome for this viewer.
    pub fn chrome(&self, title: String, active: &'static str) -> Chrome {
        Chrome::new(self, title, active)
    }

    /// The service layer's gate of this viewer: every read and write of a
    /// handler goes through it.
    pub fn gate(&self, state: &AppState) -> Gate {
        state.app.gate(self.actor.clone())
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, Response> {
        let lang = crate::i18n::lang_of(parts);
        // Nested routers see their own part of the path; the original is kept.
        let uri = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
        let path = uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let api = uri.path().starts_with("/api/");
        let refuse = |_: &Parts| -> Response {
            if api {
                (
                    StatusCode::UNAUTHORIZED,
                    axum::Json(serde_json::json!({"error": "log in, or send Authorization: Bearer <token>"})),
                )
                    .into_response()
            } else {
                Redirect::to(&format!("/login?next={}", url_encode(&path))).into_response()
            }
        };
        if let Some(bearer) = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            return match state.app.token_actor(bearer).await {
                Ok(Some((actor, owner))) => Ok(Viewer {
                    user: owner,
                    scope: actor.scope.clone(),
                    actor,
                    csrf: None,
                    lang,
                    path,
                }),
                Ok(None) => Err(refuse(parts)),
                Err(e) => Err(AppError::from(e).into_response()),
            };
        }
        let Some(id) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(refuse(parts));
        };
        match state.app.session_actor(&id).await {
            Ok(Some((actor, user, csrf))) => Ok(Viewer {
                user,
                scope: actor.scope.clone(),
                actor,
                csrf: Some(csrf),
                lang,
                path,
            }),
            Ok(None) => Err(refuse(parts)),
            Err(e) => Err(AppError::from(e).into_response()),
        }
    }
}

/// Percent-encodes a text for a URL query or path segment.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Failed logins per key (a user name or an address) in a sliding window.
#[derive(Debug)]
pub struct RateLimiter {
    max: u32,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimiter {
    /// A limiter allowing `max` failures per key in `window_seconds`.
    pub fn new(max: u32, window_seconds: u64) -> RateLimiter {
        RateLimiter {
            max,
            window: Duration::from_secs(window_seconds),
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether a key has used up its tries.
    pub fn blocked(&self, key: &str) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let window = self.window;
        match map.get_mut(key) {
            Some(times) => {
                times.retain(|t| t.elapsed() < window);
                times.len() as u32 >= self.max
            }
            None => false,
        }
    }

    /// Counts a failure of a key.
    pub fn fail(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.clear(); // bounded memory under a flood of names
        }
        map.entry(key.to_string()).or_default().push(Instant::now());
    }

    /// Forgets a key's failures (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    csrf: String,
    next: String,
    error: Option<String>,
    username: String,
}

impl LoginPage {
    fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }
}

/// The query of the login page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    /// Where to go after logging in.
    pub next: Option<String>,
}

fn login_form(
    state: &AppState,
    lang: Lang,
    next: &str,
    error: Option<String>,
    username: &str,
    status: StatusCode,
) -> Response {
    let csrf = match secret::generate("") {
        Ok(c) => c,
        Err(e) => return AppError::Internal(anyhow::anyhow!(e)).into_response(),
    };
    let page = LoginPage {
        lang,
        csrf: csrf.clone(),
        next: safe_next(next).to_string(),
        error,
        username: username.to_string(),
    };
    match page.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            res.headers_mut().append(
                SET_COOKIE,
                set_cookie(state, PRE_COOKIE, &csrf, 3600, "Strict"),
            );
            res
        }
        Err(e) => AppError::Internal(e.into()).into_response(),
    }
}

async fn login_page(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
    parts: Parts,
) -> Response {
    login_form(
        &state,
        crate::i18n::lang_of(&parts),
        q.next.as_deref().unwrap_or("/"),
        None,
        "",
        StatusCode::OK,
    )
}

/// Only a local path is followed after login (no open redirects).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

/// The login form's fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    parts: Parts,
    axum::Form(form): axum::Form<LoginForm>,
) -> Response {
    let lang = crate::i18n::lang_of(&parts);
    // The form again, with the reason it was refused.
    let again = |zh: &str, en: &str, status: StatusCode| {
        let msg = lang.t(zh, en).to_string();
        login_form(&state, lang, &form.next, Some(msg), &form.username, status)
    };
    let pre = cookie(&parts.headers, PRE_COOKIE);
    if !pre.is_some_and(|p| secret::same(&p, &form.csrf)) {
        return again(
            "表单已过期，请重试",
            "The form expired; please try again",
            StatusCode::BAD_REQUEST,
        );
    }
    let name_key = format!("user:{}", form.username.trim().to_lowercase());
    let addr_key = format!("addr:{}", addr.ip());
    if state.limiter.blocked(&name_key) || state.limiter.blocked(&addr_key) {
        tracing::warn!(target: "kefu::auth", username = %form.username, addr = %addr.ip(), "login rate-limited");
        return again(
            "登录失败次数过多，请 15 分钟后再试",
            "Too many failed logins; try again in 15 minutes",
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let user = match state.app.check_login(&form.username, &form.password).await {
        Ok(u) => u,
        Err(e) => return AppError::from(e).into_response(),
    };
    let Some(user) = user else {
        state.limiter.fail(&name_key);
        state.limiter.fail(&addr_key);
        tracing::info!(target: "kefu::auth", username = %form.username, addr = %addr.ip(), "login failed");
        return again(
            "用户名或密码错误",
            "Wrong user name or password",
            StatusCode::UNAUTHORIZED,
        );
    };
    state.limiter.clear(&name_key);
    match state
        .app
        .start_session(user, state.config.session_seconds)
        .await
    {
        Ok(login) => {
            let (cookie, user) = (session_cookie(&state, &login.cookie), login.user);
            tracing::info!(target: "kefu::auth", username = %user.username, "login");
            let mut res = Redirect::to(safe_next(&form.next)).into_response();
            res.headers_mut().append(SET_COOKIE, cookie);
            res.headers_mut()
                .append(SET_COOKIE, set_cookie(&state, PRE_COOKIE, "", 0, "Strict"));
            res
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

/// The `Set-Cookie` header of a new browser session.
fn session_cookie(state: &AppState, id: &str) -> HeaderValue {
    set_cookie(
        state,
        SESSION_COOKIE,
        id,
        state.config.session_seconds,
        "Lax",
    )
}

/// The logout form's fields.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    /// The session's CSRF token.
    pub csrf: Option<String>,
}

async fn logout(
    State(state): State<AppState>,
    viewer: Viewer,
    parts: Parts,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.csrf.as_deref())?;
    if let Some(id) = cookie(&parts.headers, SESSION_COOKIE) {
        state.app.end_session(&id).await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut()
        .append(SET_COOKIE, set_cookie(&state, SESSION_COOKIE, "", 0, "Lax"));
    Ok(res)
}

async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> Response {
    let value = if code == "en" { "en" } else { "zh" };
    let mut res = Redirect::to(safe_next(q.next.as_deref().unwrap_or("/"))).into_response();
    res.headers_mut().append(
        SET_COOKIE,
        set_cookie(&state, "kefu_lang", value, 365 * 86_400, "Lax"),
    );
    res
}
