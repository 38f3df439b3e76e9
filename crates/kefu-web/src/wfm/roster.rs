//! `/wfm/roster`: a roster problem given whole (the TOML of wfm.md §5 and
//! its requirements CSV, pasted or uploaded into the form) solved on the
//! page and shown as [`RosterView`] (grid, coverage heatmap, gaps with
//! reasons, hours), or downloaded as the printable workbook.

use super::roster_view::{RosterView, xlsx_download};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu_access::Action;
use kefu_wfm::roster::format_date;
use std::collections::HashMap;

pub use super::roster_view::{grid, workbook};

/// A small problem to start from: two stores, three agents, one week.
const SAMPLE_TOML: &str = include_str!("roster_sample.toml");

/// The search's budget on the page (the CLI's default is larger).
const PAGE_ITERATIONS: u64 = 500_000;

#[derive(Template)]
#[template(path = "wfm/roster.html")]
struct RosterPage {
    c: Chrome,
    toml: String,
    csv: String,
    error: String,
    solved: bool,
    v: RosterView,
}

fn page_of(viewer: &Viewer, toml: String, csv: String) -> RosterPage {
    RosterPage {
        c: viewer.chrome(viewer.lang.t("排班", "Roster").to_string(), "wfm-roster"),
        toml,
        csv,
        error: String::new(),
        solved: false,
        v: RosterView::default(),
    }
}

/// The sample's requirements: 08:00–24:00 at one store, the evening at the
/// other, a week.
fn sample_csv() -> String {
    let mut out = String::from("store,skill,date,interval,agents\n");
    for day in 7..14 {
        for half in 16..48 {
            let (h, m) = (half / 2, if half % 2 == 0 { "00" } else { "30" });
            let busy = if (40..44).contains(&half) { 2 } else { 1 };
            out.push_str(&format!(
                "dy-1001,presale,2026-12-{day:02},{h:02}:{m},{busy}\n"
            ));
            if h >= 18 {
                out.push_str(&format!("dy-1002,presale,2026-12-{day:02},{h:02}:{m},1\n"));
            }
        }
    }
    out
}

/// The form, with the sample problem.
pub async fn page(State(_state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    if !viewer.scope.may(Action::Plan) {
        return Err(kefu_app::Error::Forbidden.into());
    }
    Ok(render(&page_of(&viewer, SAMPLE_TOML.to_string(), sample_csv()))?.into_response())
}

/// Solves the form's problem: the page, or the workbook (`format=xlsx`).
pub async fn solve(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let l = viewer.lang;
    let toml = form.get("instance").cloned().unwrap_or_default();
    let csv = form.get("requirements").cloned().unwrap_or_default();
    let mut p = page_of(&viewer, toml.clone(), csv.clone());
    let s = match viewer
        .gate(&state)
        .solve_roster(&toml, &csv, PAGE_ITERATIONS)
        .await
    {
        Ok(s) => s,
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            p.error = e.text(l);
            return Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let (instance, a) = (&s.instance, &s.answer);
    if form.get("format").map(String::as_str) == Some("xlsx") {
        let file = format!("roster-{}.xlsx", format_date(instance.start));
        return xlsx_download(workbook(instance, a, l), &file);
    }
    p.v = RosterView::new(instance, a, l, true);
    p.solved = true;
    Ok(render(&p)?.into_response())
}
