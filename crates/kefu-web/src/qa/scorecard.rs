//! `/qa/scorecard`: the provider's scorecard (the items an inspector scores
//! in a review) as a table and as TOML, replaced from the form by managers
//! and inspectors; a card that does not read is refused with the item and
//! field, and nothing changes.

use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_qa::review::ScoreItem;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "qa/scorecard.html")]
struct ScorecardPage {
    c: Chrome,
    items: Vec<ScoreItem>,
    text: String,
    error: String,
    saved: bool,
}

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct ScorecardQuery {
    /// Set after a save.
    saved: Option<String>,
}

async fn page_of(
    state: &AppState,
    viewer: &Viewer,
    text: Option<String>,
    error: String,
    saved: bool,
) -> Result<ScorecardPage, AppError> {
    let gate = viewer.gate(state);
    let text = match text {
        Some(t) => t,
        None => gate.qa_scorecard_export().await?,
    };
    Ok(ScorecardPage {
        c: viewer.chrome(
            viewer.lang.t("质检评分表", "Scorecard").to_string(),
            "qa-rules",
        ),
        items: gate.qa_scorecard().await?,
        text,
        error,
        saved,
    })
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ScorecardQuery>,
) -> Result<Response, AppError> {
    let p = page_of(&state, &viewer, None, String::new(), q.saved.is_some()).await?;
    Ok(render(&p)?.into_response())
}

/// Replaces the scorecard with the form's TOML.
pub async fn save(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let text = form.get("text").cloned().unwrap_or_default();
    match viewer.gate(&state).qa_scorecard_import(&text).await {
        Ok(_) => Ok(Redirect::to("/qa/scorecard?saved=1").into_response()),
        Err(kefu_app::Error::Invalid { zh, en, .. }) => {
            let error = viewer.lang.t(&zh, &en).to_string();
            let p = page_of(&state, &viewer, Some(text), error, false).await?;
            Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
