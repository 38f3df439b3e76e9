//! `/wfm/settings`: the planning settings (排班设置, [`kefu_app::Gate::plan_settings`])
//! — rules, shift templates, agents' contract hours and leave, stores'
//! weights and targets — as their TOML text, for those who plan; saved as
//! a new version by managers and admins ([`kefu_app::Gate::save_plan_settings`]).
//! A text that does not read is shown again with the field or line at
//! fault, and nothing is saved.

use super::when;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::wfm_plan::SettingsView;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "wfm/settings.html")]
struct SettingsPage {
    c: Chrome,
    text: String,
    version: String,
    saved_by: String,
    may_save: bool,
    error: String,
    done: bool,
}

fn page_of(viewer: &Viewer, s: &SettingsView, text: String, error: String) -> SettingsPage {
    let l = viewer.lang;
    SettingsPage {
        c: viewer.chrome(
            l.t("排班设置", "Planning settings").to_string(),
            "wfm-settings",
        ),
        text,
        version: s.version.map_or_else(
            || {
                l.t("默认设置（未保存过）", "the defaults (never saved)")
                    .to_string()
            },
            |v| format!("v{v}"),
        ),
        saved_by: s
            .saved
            .as_ref()
            .map(|(by, at)| format!("{by} · {}", when(*at)))
            .unwrap_or_default(),
        may_save: viewer.scope.may(Action::EditSettings),
        error,
        done: viewer.path.contains("saved="),
    }
}

/// The settings in force.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let s = viewer.gate(&state).plan_settings().await?;
    let p = page_of(&viewer, &s, s.text.clone(), String::new());
    Ok(render(&p)?.into_response())
}

/// Saves the form's text as a new version (303 back to the page); a text
/// that does not read is shown again with the reason (400).
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let current = gate.plan_settings().await?;
    let text = form.get("text").cloned().unwrap_or_default();
    match gate.save_plan_settings(&text).await {
        Ok(v) => Ok(Redirect::to(&format!("/wfm/settings?saved={v}")).into_response()),
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            let mut p = page_of(&viewer, &current, text, e.text(viewer.lang));
            p.done = false;
            Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
