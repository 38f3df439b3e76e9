//! `/wfm/surge?store=&date=`: a store's promotion day planned
//! ([`kefu_app::Gate::surge`]): the multiplier, the extra agents the
//! promotion needs per interval over an ordinary day and whether the
//! stored roster covers them, as cards, a chart and a table; and the
//! store's promotion calendar with the forms that set a day's multiplier
//! by hand, learn it from the same day last year, or remove it
//! (`POST /wfm/surge/promotions`). For those who plan.

use super::{day_of, given, latest_day, today};
use crate::auth::{Viewer, url_encode};
use crate::charts::{Series, trend};
use crate::error::AppError;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::Gate;
use kefu_app::wfm_plan::Promotion;
use kefu_app::wfm_surge::SurgeView;
use kefu_domain::Lang;
use kefu_wfm::roster::format_date;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// Which store and day.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct SurgeQuery {
    /// The store (default: the first the caller sees).
    pub store: Option<String>,
    /// The day, `YYYY-MM-DD` (default: the store's first calendar day
    /// after its data, else the day after its data).
    pub date: Option<String>,
    /// `csv` or `xlsx` (page only).
    pub format: Option<String>,
}

/// The store and day a query asks for, the stores the caller sees and
/// the store's calendar.
pub async fn resolve(
    gate: &Gate,
    store: Option<&str>,
    date: Option<&str>,
) -> Result<(Vec<String>, String, i32, Vec<Promotion>), AppError> {
    gate.require(Action::Plan)?;
    let stores: Vec<String> = gate.stores().await?.into_iter().map(|(c, _)| c).collect();
    let store = match store {
        Some(s) => s.to_string(),
        None => stores.first().cloned().ok_or(AppError::NotFound)?,
    };
    let calendar = gate.promotions(Some(&store)).await?;
    let day = match date {
        Some(d) => day_of("date", d)?,
        None => {
            let after = latest_day(gate, Some(&store))
                .await?
                .map_or_else(today, |d| d + 1);
            calendar
                .iter()
                .filter_map(|p| kefu_wfm::roster::parse_date(&p.date))
                .find(|d| *d >= after)
                .unwrap_or(after)
        }
    };
    Ok((stores, store, day, calendar))
}

fn table(v: &SurgeView, lang: Lang) -> Table {
    let heads = [
        ("时段", "Interval", false),
        ("平日预测", "Ordinary forecast", true),
        ("大促预测", "Promotion forecast", true),
        ("平日需在岗", "Ordinary agents", true),
        ("大促需在岗", "Agents needed", true),
        ("需增加", "Extra", true),
        ("已排班", "Scheduled", true),
        ("缺口", "Gap", true),
    ];
    let n = |x: u32| Cell::number(x.to_string(), Some(f64::from(x)));
    let opt = |x: Option<u32>| x.map_or_else(|| Cell::text("—"), n);
    let rows = v
        .rows
        .iter()
        .map(|r| {
            let mut gap = opt(r.gap);
            if r.gap.is_some_and(|g| g > 0) {
                gap.class = "missed";
            }
            vec![
                Cell::text(r.interval.clone()),
                Cell::number(
                    format!("{:.2}", r.ordinary_forecast),
                    Some(r.ordinary_forecast),
                ),
                Cell::number(format!("{:.2}", r.forecast), Some(r.forecast)),
                n(r.ordinary_required),
                n(r.required),
                n(r.extra),
                opt(r.scheduled),
                gap,
            ]
        })
        .collect();
    Table::of(format!("surge-{}-{}", v.store, v.date), &heads, lang, rows)
}

fn chart(v: &SurgeView, lang: Lang) -> String {
    let labels: Vec<String> = v.rows.iter().map(|r| r.interval.clone()).collect();
    let of = |f: fn(&kefu_app::wfm_surge::SurgeRow) -> Option<f64>| {
        v.rows.iter().map(f).collect::<Vec<_>>()
    };
    let mut series = vec![
        Series {
            name: lang.t("大促需在岗", "needed").into(),
            values: of(|r| Some(f64::from(r.required))),
            color: "#cf1322",
        },
        Series {
            name: lang.t("平日需在岗", "ordinary").into(),
            values: of(|r| Some(f64::from(r.ordinary_required))),
            color: "#8c8c8c",
        },
    ];
    if v.roster.is_some() {
        series.push(Series {
            name: lang.t("已排班", "scheduled").into(),
            values: of(|r| r.scheduled.map(f64::from)),
            color: "#1677ff",
        });
    }
    trend(
        lang.t(
            "每 30 分钟需在岗与已排班客服",
            "Agents needed and scheduled per 30 minutes",
        ),
        &labels,
        &series,
        None,
    )
}

#[derive(Template)]
#[template(path = "wfm/surge.html")]
struct SurgePage {
    c: Chrome,
    stores: Vec<String>,
    v: SurgeView,
    calendar: Vec<Promotion>,
    multiplier: String,
    chart: String,
    table: Table,
    error: String,
    form: HashMap<String, String>,
}

impl SurgePage {
    /// A field of the form as sent back (empty on a first view).
    fn sent(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }
}

async fn show(
    gate: &Gate,
    viewer: &Viewer,
    store: Option<&str>,
    date: Option<&str>,
    error: String,
    form: HashMap<String, String>,
) -> Result<SurgePage, AppError> {
    let l = viewer.lang;
    let (stores, store, day, calendar) = resolve(gate, store, date).await?;
    let v = gate.surge(&store, day).await?;
    let here = format!(
        "/wfm/surge?store={}&date={}",
        url_encode(&store),
        format_date(day)
    );
    Ok(SurgePage {
        c: viewer.chrome(
            format!("{} · {} · {}", l.t("大促排班", "Surge"), v.store, v.date),
            "wfm-surge",
        ),
        multiplier: v.multiplier.map_or_else(|| "—".into(), |m| format!("×{m}")),
        chart: chart(&v, l),
        table: table(&v, l).with_exports(&here),
        stores,
        calendar,
        error,
        form,
        v,
    })
}

/// The page (or its rows as CSV/XLSX).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<SurgeQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let p = show(
        &gate,
        &viewer,
        given(&q.store),
        given(&q.date),
        String::new(),
        HashMap::new(),
    )
    .await?;
    if let Some(fmt) = given(&q.format) {
        return p.table.export(fmt);
    }
    Ok(render(&p)?.into_response())
}

/// A multiplier as a form gives it.
fn multiplier_of(text: &str) -> Result<f64, kefu_app::Error> {
    text.trim().parse::<f64>().map_err(|_| {
        kefu_app::Error::invalid(
            "multiplier",
            format!("倍数“{text}”不是数字"),
            format!("the multiplier '{text}' is not a number"),
        )
    })
}

/// Sets (`what=set`, by hand), learns (`what=learn`) or removes
/// (`what=remove`) a promotion day of the form's store, then shows that
/// day (303); a refusal is shown above the forms (400).
pub async fn change(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    gate.require(Action::Plan)?;
    let field = |k: &str| form.get(k).map_or("", |v| v.trim());
    let (store, date, name) = (field("store"), field("date"), field("name"));
    let done = async {
        let day = day_of("date", date)?;
        match field("what") {
            "set" => {
                let m = multiplier_of(field("multiplier"))?;
                gate.set_promotion(store, day, m, name).await.map(|_| ())
            }
            "learn" => gate.learn_promotion(store, day, name).await.map(|_| ()),
            "remove" => gate.remove_promotion(store, day).await,
            other => Err(kefu_app::Error::invalid(
                "what",
                format!("“{other}”不是操作：set、learn 或 remove"),
                format!("'{other}' is not set, learn or remove"),
            )),
        }
    }
    .await;
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/wfm/surge?store={}&date={date}",
            url_encode(store)
        ))
        .into_response()),
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            let shown_date = day_of("date", date).ok().map(|_| date);
            let p = show(
                &gate,
                &viewer,
                Some(store).filter(|s| !s.is_empty()),
                shown_date,
                e.text(viewer.lang),
                form.clone(),
            )
            .await?;
            Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
