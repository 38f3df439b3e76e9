//! `/wfm/rosters`: the stored rosters, newest first, and for those who plan
//! the form that plans one from the database ([`kefu_app::Gate::plan_roster`]:
//! the contracts' agents and assessments, the planning settings, each
//! store's forecast) and stores it; `/wfm/rosters/{id}`: one stored roster
//! as its reader may see it ([`kefu_app::Gate::roster`]), shown as
//! [`RosterView`] or downloaded (`?format=xlsx`). Clients have neither (404).

use super::roster_view::{RosterView, visible_workbook, xlsx_download};
use super::{day_of, given, latest_day, today, when};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::Gate;
use kefu_wfm::roster::format_date;
use serde::Deserialize;
use std::collections::HashMap;

/// The search's budget of a roster planned on the page.
pub const PLAN_ITERATIONS: u64 = 300_000;

/// Days planned by default: four weeks.
pub const DEFAULT_DAYS: u32 = 28;

/// One stored roster in the list.
pub struct Line {
    /// Its number.
    pub id: i64,
    /// Its page.
    pub href: String,
    /// First and last day.
    pub span: String,
    /// Days planned.
    pub days: i64,
    /// How it was made.
    pub note: String,
    /// Who stored it, and when.
    pub created: String,
}

#[derive(Template)]
#[template(path = "wfm/rosters.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    may_plan: bool,
    from: String,
    days: String,
    error: String,
}

/// The number of days a form asks for.
fn days_of(text: &str) -> Result<u32, kefu_app::Error> {
    let max = kefu_wfm::roster::instance::MAX_DAYS;
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(kefu_app::Error::invalid(
            "days",
            format!("天数“{text}”应为 1 至 {max} 的整数"),
            format!("days '{text}' must be a whole number from 1 to {max}"),
        )),
    }
}

async fn list_page(
    gate: &Gate,
    viewer: &Viewer,
    from: Option<String>,
    days: String,
    error: String,
) -> Result<ListPage, AppError> {
    let rosters = gate.rosters().await?;
    let from = match from {
        Some(f) => f,
        None => format_date(latest_day(gate, None).await?.map_or_else(today, |d| d + 1)),
    };
    let lines = rosters
        .iter()
        .map(|r| {
            let day = |d: i64| format_date(i32::try_from(d).unwrap_or(i32::MAX));
            Line {
                id: r.id,
                href: format!("/wfm/rosters/{}", r.id),
                span: format!("{} – {}", day(r.start_day), day(r.start_day + r.days - 1)),
                days: r.days,
                note: r.note.clone(),
                created: format!("{} · {}", r.created_by, when(r.created_at_ms)),
            }
        })
        .collect();
    Ok(ListPage {
        c: viewer.chrome(
            viewer.lang.t("排班表", "Rosters").to_string(),
            "wfm-rosters",
        ),
        lines,
        may_plan: viewer.scope.may(Action::Plan),
        from,
        days,
        error,
    })
}

/// The list, with the planning form for planners.
pub async fn list(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let p = list_page(
        &gate,
        &viewer,
        None,
        DEFAULT_DAYS.to_string(),
        String::new(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

/// Plans a roster from the database for the form's days, stores it and
/// goes to it (303); a bad day or count, or settings that do not make an
/// instance, are shown in the form (400).
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    gate.rosters().await?;
    let from = form.get("from").cloned().unwrap_or_default();
    let days = form.get("days").cloned().unwrap_or_default();
    let planned = async {
        let (start, n) = (day_of("from", &from)?, days_of(&days)?);
        gate.plan_roster(start, n, PLAN_ITERATIONS, true).await
    }
    .await;
    match planned {
        Ok((Some(id), _)) => Ok(Redirect::to(&format!("/wfm/rosters/{id}")).into_response()),
        Ok((None, _)) => Err(AppError::Internal(anyhow::anyhow!(
            "the roster planned was not stored"
        ))),
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            let p = list_page(&gate, &viewer, Some(from), days, e.text(viewer.lang)).await?;
            Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `?format=xlsx` downloads the roster.
#[derive(Debug, Default, Deserialize)]
pub struct FormatQuery {
    /// `xlsx`, or nothing for the page.
    pub format: Option<String>,
}

#[derive(Template)]
#[template(path = "wfm/stored.html")]
struct StoredPage {
    c: Chrome,
    v: RosterView,
    note: String,
    created: String,
    xlsx_href: String,
    adherence_href: String,
}

/// The number of a roster in a path; anything else is not found.
pub fn roster_id(text: &str) -> Result<i64, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// One stored roster as the viewer may see it, or its workbook.
pub async fn one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let r = viewer.gate(&state).roster(roster_id(&id)?).await?;
    let (instance, a) = (&r.solved.instance, &r.solved.answer);
    let (start, end) = (instance.start, instance.start + instance.days as i32 - 1);
    match given(&q.format) {
        None => {}
        Some("xlsx") => {
            let file = format!("roster-{}-{}.xlsx", r.summary.id, format_date(start));
            return xlsx_download(visible_workbook(instance, a, l), &file);
        }
        Some(other) => {
            return Err(AppError::BadRequest(format!(
                "format '{other}' is not xlsx"
            )));
        }
    }
    let title = format!(
        "{} #{} · {} – {}",
        l.t("排班表", "Roster"),
        r.summary.id,
        format_date(start),
        format_date(end)
    );
    let p = StoredPage {
        c: viewer.chrome(title, "wfm-rosters"),
        v: RosterView::new(instance, a, l, r.whole),
        note: r.summary.note.clone(),
        created: format!(
            "{} · {}",
            r.summary.created_by,
            when(r.summary.created_at_ms)
        ),
        xlsx_href: format!("/wfm/rosters/{}?format=xlsx", r.summary.id),
        adherence_href: format!(
            "/wfm/adherence?from={}&to={}",
            format_date(start),
            format_date(end.min(start + 62))
        ),
    };
    Ok(render(&p)?.into_response())
}
