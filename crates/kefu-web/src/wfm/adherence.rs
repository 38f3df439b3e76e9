//! `/wfm/adherence?from=&to=`: the stored rosters' shifts against when each
//! agent wrote in the chat logs ([`kefu_app::Gate::adherence`]): per-agent
//! totals of late starts, early ends, unrostered work and shifts not
//! worked, a chart of late and early minutes per agent, and every agent's
//! day as a table with its CSV and Excel. By default the last 7 days with
//! data. Agents see their own days, team leads their team's; clients none.

use super::{day_of, given, latest_day, today};
use crate::auth::Viewer;
use crate::charts::{Series, bars};
use crate::error::AppError;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu_app::Gate;
use kefu_app::wfm_adherence::AdherenceRow;
use kefu_domain::Lang;
use kefu_wfm::roster::format_date;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;

/// Which days.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AdherenceQuery {
    /// First local day, `YYYY-MM-DD` (default: 6 days before `to`).
    pub from: Option<String>,
    /// Last local day (default: the latest day with data); at most 63 days.
    pub to: Option<String>,
    /// `csv` or `xlsx` (page only).
    pub format: Option<String>,
}

/// The days a query asks for: as given, else the 7 days ending on the
/// latest day with data (yesterday without data).
pub async fn days(gate: &Gate, q: &AdherenceQuery) -> Result<(i32, i32), AppError> {
    let from = given(&q.from).map(|f| day_of("from", f)).transpose()?;
    let to = match (given(&q.to), from) {
        (Some(t), _) => day_of("to", t)?,
        (None, Some(f)) => f + 6,
        (None, None) => latest_day(gate, None).await?.unwrap_or_else(|| today() - 1),
    };
    Ok((from.unwrap_or(to - 6), to))
}

/// One agent's totals over the days.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Totals {
    /// The agent.
    pub agent: String,
    /// Shifts planned.
    pub shifts: u32,
    /// Minutes started late.
    pub late: i64,
    /// Minutes ended early.
    pub early: i64,
    /// Minutes worked outside any shift.
    pub unrostered: i64,
    /// Shifts without a message.
    pub not_worked: u32,
}

/// The totals of each agent, by name, and of everyone (agent empty).
pub fn totals(rows: &[AdherenceRow]) -> (Vec<Totals>, Totals) {
    let mut by: BTreeMap<&str, Totals> = BTreeMap::new();
    let mut all = Totals::default();
    for r in rows {
        let t = by.entry(r.agent.as_str()).or_insert_with(|| Totals {
            agent: r.agent.clone(),
            ..Totals::default()
        });
        for t in [t, &mut all] {
            t.shifts += u32::from(r.shift.is_some());
            t.late += r.late_minutes;
            t.early += r.early_minutes;
            t.unrostered += r.unrostered_minutes;
            t.not_worked += u32::from(r.not_worked);
        }
    }
    (by.into_values().collect(), all)
}

fn table(rows: &[AdherenceRow], from: i32, to: i32, lang: Lang) -> Table {
    let heads = [
        ("日期", "Date", false),
        ("客服", "Agent", false),
        ("班次", "Shift", false),
        ("店铺", "Store", false),
        ("计划", "Planned", false),
        ("实际", "Worked", false),
        ("迟到（分钟）", "Late (min)", true),
        ("早退（分钟）", "Early (min)", true),
        ("排班外（分钟）", "Unrostered (min)", true),
        ("未出勤", "Not worked", false),
    ];
    let opt = |s: &Option<String>| Cell::text(s.clone().unwrap_or_else(|| "—".into()));
    let minutes = |m: i64| Cell::number(m.to_string(), Some(m as f64));
    let body = rows
        .iter()
        .map(|r| {
            let mut not_worked = Cell::text(if r.not_worked {
                lang.t("是", "yes")
            } else {
                ""
            });
            if r.not_worked {
                not_worked.class = "missed";
            }
            vec![
                Cell::text(r.date.clone()),
                Cell::text(r.agent.clone()),
                opt(&r.shift),
                opt(&r.store),
                opt(&r.planned),
                opt(&r.worked),
                minutes(r.late_minutes),
                minutes(r.early_minutes),
                minutes(r.unrostered_minutes),
                not_worked,
            ]
        })
        .collect();
    let name = format!("adherence-{}-{}", format_date(from), format_date(to));
    Table::of(name, &heads, lang, body)
}

#[derive(Template)]
#[template(path = "wfm/adherence.html")]
struct AdherencePage {
    c: Chrome,
    from: String,
    to: String,
    error: String,
    people: Vec<Totals>,
    all: Totals,
    chart: String,
    table: Table,
}

/// The page (or its rows as CSV/XLSX).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AdherenceQuery>,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let gate = viewer.gate(&state);
    let (from, to) = days(&gate, &q).await?;
    let (rows, error) = match gate.adherence(from, to).await {
        Ok(rows) => (rows, String::new()),
        Err(e @ kefu_app::Error::Invalid { .. }) => (Vec::new(), e.text(l)),
        Err(e) => return Err(e.into()),
    };
    let table = table(&rows, from, to, l).with_exports(&viewer.path);
    if error.is_empty()
        && let Some(fmt) = q.format.as_deref()
    {
        return table.export(fmt);
    }
    let (people, all) = totals(&rows);
    let labels: Vec<String> = people.iter().map(|t| t.agent.clone()).collect();
    let series = |name: &str, color: &'static str, f: fn(&Totals) -> i64| Series {
        name: name.to_string(),
        values: people.iter().map(|t| Some(f(t) as f64)).collect(),
        color,
    };
    let chart = if people.is_empty() {
        String::new()
    } else {
        bars(
            l.t(
                "各客服迟到与早退（分钟）",
                "Late and early minutes per agent",
            ),
            &labels,
            &[
                series(l.t("迟到", "late"), "#fa8c16", |t| t.late),
                series(l.t("早退", "early"), "#722ed1", |t| t.early),
            ],
            false,
        )
    };
    let p = AdherencePage {
        c: viewer.chrome(
            format!(
                "{} · {} – {}",
                l.t("排班遵守", "Adherence"),
                format_date(from),
                format_date(to)
            ),
            "wfm-adherence",
        ),
        from: format_date(from),
        to: format_date(to),
        error,
        people,
        all,
        chart,
        table,
    };
    let status = if p.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, render(&p)?).into_response())
}
