//! `/stores/{store}/settings`: the spec's settings of a store, changed by
//! managers and admins; a bad value is refused with the reason and nothing
//! is saved.

use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::Chrome;
use crate::view::render;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "stores/settings.html")]
struct SettingsPage {
    c: Chrome,
    store: String,
    store_href: String,
    fields: Vec<Field>,
    errors: Vec<String>,
    saved: bool,
}

struct Field {
    key: &'static str,
    label: &'static str,
    value: String,
}

fn label(key: &str, l: Lang) -> &'static str {
    let (zh, en) = match key {
        "timezone" => ("时区", "Time zone"),
        "session_idle_minutes" => ("会话间隔（分钟）", "Session idle gap (minutes)"),
        "service_hours" => ("服务时间", "Service hours"),
        "slow_response_seconds" => ("慢响应阈值（秒）", "Slow response (seconds)"),
        "after_sales_days" => ("售后判定天数", "After-sales window (days)"),
        "attribution_window_hours" => ("落实窗口（小时）", "Attribution window (hours)"),
        "attribution" => (
            "落实规则（order 下单 / payment 付款）",
            "Attribution (order / payment)",
        ),
        "dissatisfied_max_score" => ("不满意最高分", "Dissatisfied at or below"),
        "auto_reply_prefixes" => (
            "自动回复前缀（逗号分隔）",
            "Auto-reply prefixes (comma-separated)",
        ),
        _ => ("", ""),
    };
    l.t(zh, en)
}

fn fields(pairs: Vec<(&'static str, String)>, l: Lang) -> Vec<Field> {
    pairs
        .into_iter()
        .map(|(key, value)| Field {
            key,
            label: label(key, l),
            value,
        })
        .collect()
}

/// The settings form.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let settings = gate.store(&code).await?;
    gate.require(Action::EditSettings)?;
    let saved = viewer.path.contains("saved=1");
    let p = SettingsPage {
        c: viewer.chrome(
            format!("{} {code}", viewer.lang.t("店铺设置", "Settings of")),
            "overview",
        ),
        store_href: format!("/stores/{}", url_encode(&code)),
        store: code,
        fields: fields(settings.pairs(), viewer.lang),
        errors: Vec::new(),
        saved,
    };
    Ok(render(&p)?.into_response())
}

/// Saves the form: every field is checked first; any error saves nothing.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let mut settings = gate.store(&code).await?;
    gate.require(Action::EditSettings)?;
    let mut errors = Vec::new();
    for (key, _) in settings.clone().pairs() {
        if let Some(v) = form.get(key)
            && let Err(e) = settings.set(key, v.trim())
        {
            errors.push(format!("{}: {e}", label(key, viewer.lang)));
        }
    }
    if !errors.is_empty() {
        let mut shown = settings.pairs();
        for (k, v) in shown.iter_mut() {
            if let Some(sent) = form.get(*k) {
                *v = sent.clone();
            }
        }
        let p = SettingsPage {
            c: viewer.chrome(
                format!("{} {code}", viewer.lang.t("店铺设置", "Settings of")),
                "overview",
            ),
            store_href: format!("/stores/{}", url_encode(&code)),
            store: code,
            fields: fields(shown, viewer.lang),
            errors,
            saved: false,
        };
        return Ok((axum::http::StatusCode::BAD_REQUEST, render(&p)?).into_response());
    }
    gate.save_store(&code, &settings).await?;
    tracing::info!(target: "kefu::audit", user = %viewer.user.username, store = %code, "store settings changed");
    Ok(Redirect::to(&format!("/stores/{}/settings?saved=1", url_encode(&code))).into_response())
}
