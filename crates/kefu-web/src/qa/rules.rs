//! `/qa/rules`: the rule-set versions, the TOML in force (the provider's
//! set or a store's overrides), and a new version from TOML (managers and
//! inspectors); a set that does not read is refused with the rule and
//! field, and nothing is stored.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "qa/rules.html")]
struct RulesPage {
    c: Chrome,
    versions: Vec<(i64, String, String, String, String)>,
    store: String,
    stores: Vec<String>,
    text: String,
    error: String,
    saved: Option<String>,
    trial: Option<TrialView>,
}

/// What a draft would change, as the page shows it.
struct TrialView {
    from: String,
    to: String,
    conversations: u64,
    current: u64,
    draft: u64,
    by_rule: Vec<(String, u64, u64)>,
    added: Vec<(String, String, String, String)>,
    removed: Vec<(String, String, String, String)>,
}

fn examples(list: &[kefu_db::qa::TrialFinding]) -> Vec<(String, String, String, String)> {
    list.iter()
        .map(|f| {
            (
                super::pages::session_href(f.conv_id, f.start_ms),
                f.store.clone(),
                f.rule.clone(),
                f.matched.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// The query of the rules page.
#[derive(Debug, Default, Deserialize)]
pub struct RulesQuery {
    /// A store's overrides instead of the provider's set.
    store: Option<String>,
    /// The version just stored.
    saved: Option<String>,
    /// `toml`: download the text in force.
    format: Option<String>,
}

/// A time as `YYYY-MM-DD HH:MM` in China Standard Time.
fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| ms.to_string())
}

async fn page_of(
    state: &AppState,
    viewer: &Viewer,
    store: Option<&str>,
    text: Option<String>,
    error: String,
    saved: Option<String>,
) -> Result<RulesPage, AppError> {
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let versions = gate
        .qa_rule_versions()
        .await?
        .into_iter()
        .rev()
        .map(|v| {
            (
                v.version,
                v.store
                    .unwrap_or_else(|| l.t("服务商规则集", "provider's set").to_string()),
                when(v.created_at_ms),
                v.created_by,
                v.note,
            )
        })
        .collect();
    let text = match text {
        Some(t) => t,
        None => gate.qa_rules_export(store).await?,
    };
    Ok(RulesPage {
        c: viewer.chrome(l.t("质检规则", "QA rules").to_string(), "qa-rules"),
        versions,
        store: store.unwrap_or_default().to_string(),
        stores: gate.stores().await?.into_iter().map(|(c, _)| c).collect(),
        text,
        error,
        saved,
        trial: None,
    })
}

/// A refused draft: the page again with the text as sent and the reason
/// (400); any other error as it is.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    store: Option<&str>,
    text: String,
    e: kefu_app::Error,
) -> Result<Response, AppError> {
    let kefu_app::Error::Invalid { zh, en, .. } = e else {
        return Err(e.into());
    };
    let error = viewer.lang.t(&zh, &en).to_string();
    let p = page_of(state, viewer, store, Some(text), error, None).await?;
    Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
}

/// The page, or the text in force as a `.toml` download.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<RulesQuery>,
) -> Result<Response, AppError> {
    let store = q.store.as_deref().filter(|s| !s.is_empty());
    if q.format.as_deref() == Some("toml") {
        let text = viewer.gate(&state).qa_rules_export(store).await?;
        let name = store.map_or("qa-rules.toml".to_string(), |s| {
            format!("qa-overrides-{s}.toml")
        });
        return Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/toml; charset=utf-8".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            text,
        )
            .into_response());
    }
    let p = page_of(&state, &viewer, store, None, String::new(), q.saved).await?;
    Ok(render(&p)?.into_response())
}

/// Stores the form's TOML as a new version.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let store = form
        .get("store")
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    let text = form.get("text").cloned().unwrap_or_default();
    let note = form.get("note").cloned().unwrap_or_default();
    match viewer
        .gate(&state)
        .qa_rules_import(store, &text, &note)
        .await
    {
        Ok(v) => {
            let back = match store {
                Some(s) => format!("/qa/rules?store={}&saved={v}", crate::auth::url_encode(s)),
                None => format!("/qa/rules?saved={v}"),
            };
            Ok(Redirect::to(&back).into_response())
        }
        Err(e) => refused(&state, &viewer, store, text, e).await,
    }
}

/// Tries the form's TOML over the last days (`days`, default 7) against the
/// rules in force, and shows what it would add and remove; stores nothing.
pub async fn try_draft(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let store = form
        .get("store")
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    let text = form.get("text").cloned().unwrap_or_default();
    let days = match form.get("days").map(|d| d.trim()).filter(|d| !d.is_empty()) {
        Some(d) => d
            .parse()
            .map_err(|_| AppError::BadRequest("days: not a number".into()))?,
        None => 7,
    };
    match viewer.gate(&state).qa_try(store, &text, days).await {
        Ok((from, to, t)) => {
            let mut p = page_of(&state, &viewer, store, Some(text), String::new(), None).await?;
            p.trial = Some(TrialView {
                from: kefu_domain::time::format_day(from),
                to: kefu_domain::time::format_day(to),
                conversations: t.conversations,
                current: t.current,
                draft: t.draft,
                by_rule: t
                    .by_rule
                    .iter()
                    .map(|(r, (a, d))| (r.clone(), *a, *d))
                    .collect(),
                added: examples(&t.added),
                removed: examples(&t.removed),
            });
            Ok(render(&p)?.into_response())
        }
        Err(e) => refused(&state, &viewer, store, text, e).await,
    }
}

/// Inspects stored sessions again with the rules in force.
pub async fn run(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let store = form
        .get("store")
        .map(String::as_str)
        .filter(|s| !s.is_empty());
    let done = viewer.gate(&state).qa_run(store, None, None).await?;
    Ok(Redirect::to(&format!("/qa/rules?saved=run-{}", done.findings)).into_response())
}
