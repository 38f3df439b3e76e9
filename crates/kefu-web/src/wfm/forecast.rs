//! `/wfm/forecast?store=&week=`: a store's forecast per 30-minute interval
//! for a week (wfm.md §1) as a heatmap (days by intervals) and a chart of
//! each day's forecast against what came, with the trend and the WAPE of
//! the last complete week; CSV and Excel of the rows. The same answer is
//! `GET /api/v1/wfm/forecast`. Both call [`kefu_app::Gate::forecast`].

use crate::auth::Viewer;
use crate::charts::{Series, heatmap, trend};
use crate::error::{ApiError, AppError, ReadErrors};
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kefu_app::contracts::{day_number, parse_date};
use kefu_app::wfm::ForecastView;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;

/// Which forecast.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ForecastQuery {
    /// The store (default: the first the caller sees).
    store: Option<String>,
    /// The week's first day, `YYYY-MM-DD` (default: the Monday after the
    /// store's latest data).
    week: Option<String>,
    /// Ordinary weeks of history to average (default 4).
    weeks: Option<u32>,
    /// `csv` or `xlsx` (page only).
    format: Option<String>,
}

#[derive(Template)]
#[template(path = "wfm/forecast.html")]
struct ForecastPage {
    c: Chrome,
    f: ForecastView,
    stores: Vec<String>,
    heat: String,
    chart: String,
    wape: String,
    total: String,
    table: Table,
}

async fn resolve(
    state: &AppState,
    viewer: &Viewer,
    q: &ForecastQuery,
) -> Result<(Vec<String>, ForecastView), AppError> {
    let gate = viewer.gate(state);
    gate.require(kefu_access::Action::Plan)?;
    let stores: Vec<String> = gate.stores().await?.into_iter().map(|(c, _)| c).collect();
    let store = match q.store.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => s.trim().to_string(),
        None => stores.first().cloned().ok_or(AppError::NotFound)?,
    };
    let week = match q.week.as_deref().filter(|w| !w.trim().is_empty()) {
        Some(w) => day_number(parse_date("week", w)?) as i32,
        None => {
            let p = crate::view::period(&gate, &crate::view::PeriodQuery::default(), Some(&store))
                .await?;
            // The Monday after the latest day (1970-01-01 was a Thursday).
            let after = p.to + 1;
            after + (7 - (after + 3).rem_euclid(7)) % 7
        }
    };
    let f = gate
        .forecast(&store, week, q.weeks.unwrap_or(4), &BTreeMap::new())
        .await?;
    Ok((stores, f))
}

/// The page (or its rows as CSV/XLSX).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ForecastQuery>,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let (stores, f) = resolve(&state, &viewer, &q).await?;
    let rows = f
        .rows
        .iter()
        .map(|r| {
            vec![
                Cell::text(r.date.clone()),
                Cell::text(r.interval.clone()),
                Cell::number(format!("{:.2}", r.forecast), Some(r.forecast)),
                match r.actual {
                    Some(a) => Cell::number(format!("{a}"), Some(a)),
                    None => Cell::text("—"),
                },
                match r.required {
                    Some(n) => Cell::number(n.to_string(), Some(f64::from(n))),
                    None => Cell::text("—"),
                },
            ]
        })
        .collect();
    let heads = [
        ("日期", "Date", false),
        ("时段", "Interval", false),
        ("预测", "Forecast", true),
        ("实际", "Actual", true),
        ("需在岗客服", "Agents on duty", true),
    ];
    let table = Table::of(format!("forecast-{}-{}", f.store, f.week), &heads, l, rows)
        .with_exports(&viewer.path);
    if let Some(fmt) = q.format.as_deref() {
        return table.export(fmt);
    }
    // The heatmap draws hours: each hour's two intervals summed.
    let mut days: BTreeMap<&str, [f64; 24]> = BTreeMap::new();
    for r in &f.rows {
        let hour: usize = r
            .interval
            .get(..2)
            .and_then(|h| h.parse().ok())
            .unwrap_or(0);
        days.entry(r.date.as_str()).or_insert([0.0; 24])[hour % 24] += r.forecast;
    }
    let grid: Vec<(String, [f64; 24])> =
        days.into_iter().map(|(d, h)| (d.to_string(), h)).collect();
    let heat = heatmap(l.t("预测进线（每小时）", "Forecast chats by hour"), &grid);
    let labels: Vec<String> = grid.iter().map(|(d, _)| d.clone()).collect();
    let per_day = |actual: bool| -> Vec<Option<f64>> {
        labels
            .iter()
            .map(|d| {
                let mine = f.rows.iter().filter(|r| &r.date == d);
                if actual {
                    mine.map(|r| r.actual).sum::<Option<f64>>()
                } else {
                    Some(mine.map(|r| r.forecast).sum())
                }
            })
            .collect()
    };
    let chart = trend(
        l.t("每日预测与实际", "Forecast and actual per day"),
        &labels,
        &[
            Series {
                name: l.t("预测", "forecast").into(),
                values: per_day(false),
                color: "#1677ff",
            },
            Series {
                name: l.t("实际", "actual").into(),
                values: per_day(true),
                color: "#fa8c16",
            },
        ],
        None,
    );
    let total: f64 = f.rows.iter().map(|r| r.forecast).sum();
    let p = ForecastPage {
        c: viewer.chrome(
            format!("{} · {} · {}", l.t("进线预测", "Forecast"), f.store, f.week),
            "wfm-forecast",
        ),
        wape: f
            .wape
            .map(|w| format!("{:.1}%", w * 100.0))
            .unwrap_or_else(|| "—".into()),
        total: format!("{total:.0}"),
        heat,
        chart,
        table,
        stores,
        f,
    };
    Ok(render(&p)?.into_response())
}

/// A store's forecast for a week per 30-minute interval (wfm.md §1), with
/// the trend, the promotion days and the WAPE of the last complete week.
#[utoipa::path(get, path = "/wfm/forecast", params(ForecastQuery),
    responses((status = 200, description = "The forecast", body = ForecastView), ReadErrors))]
pub async fn api_forecast(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ForecastQuery>,
) -> Result<Json<ForecastView>, ApiError> {
    Ok(Json(resolve(&state, &viewer, &q).await?.1))
}
