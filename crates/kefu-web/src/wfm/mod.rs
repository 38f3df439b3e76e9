//! Workforce planning (排班), spec `wfm.md`: the staffing calculator of §4
//! as a page where a planner types the figures (`/wfm/erlang`) and as
//! `GET /api/v1/wfm/erlang`, both through [`kefu_app::Gate::staffing`];
//! a roster problem solved on the page ([`roster`]); the forecast
//! ([`forecast`]); stored rosters and rosters planned from the database
//! ([`rosters`]), adherence ([`adherence`]), promotion surges and their
//! calendar ([`surge`]), the planning settings ([`settings`]) and their
//! API ([`api`]).

pub mod adherence;
pub mod answers;
pub mod api;
pub mod forecast;
pub mod roster;
pub mod roster_view;
pub mod rosters;
pub mod settings;
pub mod surge;

use crate::api::ApiRoutes;
use crate::auth::Viewer;
use crate::charts::{Series, bars};
use crate::error::{ApiError, AppError, ReadErrors};
use crate::state::AppState;
use crate::view::{Chrome, NavItem, render};
use askama::Template;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kefu_access::Action;
use kefu_app::Gate;
use kefu_app::contracts::{day_number, parse_date};
use kefu_app::wfm::Staffing;
use kefu_domain::Role;
use kefu_kpi::{Filter, Grouping};
use kefu_wfm::{StaffingInput, StaffingRules};
use serde::Deserialize;
use utoipa::IntoParams;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wfm/erlang", get(page))
        .route("/wfm/roster", get(roster::page).post(roster::solve))
        .route("/wfm/forecast", get(forecast::page))
        .route("/wfm/rosters", get(rosters::list).post(rosters::plan))
        .route("/wfm/rosters/{id}", get(rosters::one))
        .route("/wfm/adherence", get(adherence::page))
        .route("/wfm/surge", get(surge::page))
        .route("/wfm/surge/promotions", post(surge::change))
        .route("/wfm/settings", get(settings::page).post(settings::save))
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/wfm/erlang", api_erlang)
        .get("/wfm/forecast", forecast::api_forecast)
        .get("/wfm/rosters", api::rosters)
        .post("/wfm/rosters", api::plan)
        .get("/wfm/rosters/{id}", api::roster)
        .get("/wfm/adherence", api::adherence)
        .get("/wfm/surge", api::surge)
        .get("/wfm/promotions", api::promotions)
        .put("/wfm/promotions", api::set_promotion)
        .get("/wfm/settings", api::settings)
}

/// The menu entries: stored rosters and adherence for everyone but
/// clients (an agent sees their own shifts); the forecast, the roster
/// problem, surges, the calculator and the settings for those who plan.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    let l = viewer.lang;
    let plans = viewer.scope.may(Action::Plan);
    let mut out = Vec::new();
    if plans {
        out.push(NavItem::new(
            "/wfm/forecast",
            l.t("进线预测", "Forecast"),
            "wfm-forecast",
        ));
        out.push(NavItem::new(
            "/wfm/roster",
            l.t("排班", "Roster"),
            "wfm-roster",
        ));
    }
    if viewer.scope.role != Role::Client {
        out.push(NavItem::new(
            "/wfm/rosters",
            l.t("排班表", "Rosters"),
            "wfm-rosters",
        ));
        out.push(NavItem::new(
            "/wfm/adherence",
            l.t("排班遵守", "Adherence"),
            "wfm-adherence",
        ));
    }
    if plans {
        out.extend([
            NavItem::new("/wfm/surge", l.t("大促排班", "Surge"), "wfm-surge"),
            NavItem::new("/wfm/erlang", l.t("排班测算", "Staffing"), "wfm-erlang"),
            NavItem::new(
                "/wfm/settings",
                l.t("排班设置", "Planning settings"),
                "wfm-settings",
            ),
        ]);
    }
    out
}

/// A day of a query or form, `YYYY-MM-DD`, as a local day number; a text
/// that is no date is [`kefu_app::Error::Invalid`] naming the field.
pub(crate) fn day_of(field: &'static str, text: &str) -> Result<i32, kefu_app::Error> {
    Ok(day_number(parse_date(field, text)?) as i32)
}

/// A query's optional text: `None` when absent or blank.
pub(crate) fn given(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// Today in the provider's zone, as a day number.
pub(crate) fn today() -> i32 {
    day_number(kefu_app::contracts::today()) as i32
}

/// The latest local day with data the viewer sees (of one store).
pub(crate) async fn latest_day(gate: &Gate, store: Option<&str>) -> Result<Option<i32>, AppError> {
    let by_date = Grouping {
        date: true,
        ..Grouping::default()
    };
    let filter = Filter {
        store: store.map(str::to_string),
        ..Filter::default()
    };
    let days = gate.kpi(by_date, &filter).await?;
    Ok(days.iter().filter_map(|(k, _)| k.day).max())
}

/// A moment (ms since the epoch) as China Standard Time, to the minute.
pub(crate) fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| ms.to_string())
}

/// The figures of one interval (wfm.md §4); absent ones take the spec's
/// defaults.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct ErlangQuery {
    /// Chats starting in the interval.
    pub volume: Option<f64>,
    /// Mean handle time, seconds.
    pub aht: Option<f64>,
    /// Interval length, minutes (default 30).
    pub interval: Option<f64>,
    /// Chats an agent holds at once (default 3).
    pub concurrency: Option<u32>,
    /// Service level to reach (default 0.8).
    pub target: Option<f64>,
    /// Seconds of the service target (default 20).
    pub within: Option<f64>,
    /// The highest occupancy (default 0.85).
    pub max_occupancy: Option<f64>,
    /// Shrinkage (default 0.3).
    pub shrinkage: Option<f64>,
}

impl ErlangQuery {
    /// The calculator's input, or which figure is missing.
    fn input(&self) -> Result<StaffingInput, &'static str> {
        let d = StaffingRules::default();
        Ok(StaffingInput {
            volume: self.volume.ok_or("volume")?,
            aht_seconds: self.aht.ok_or("aht")?,
            rules: StaffingRules {
                interval_minutes: self.interval.unwrap_or(d.interval_minutes),
                concurrency: self.concurrency.unwrap_or(d.concurrency),
                target: self.target.unwrap_or(d.target),
                answer_within_seconds: self.within.unwrap_or(d.answer_within_seconds),
                max_occupancy: self.max_occupancy.unwrap_or(d.max_occupancy),
                shrinkage: self.shrinkage.unwrap_or(d.shrinkage),
            },
        })
    }
}

#[derive(Template)]
#[template(path = "wfm/erlang.html")]
struct ErlangPage {
    c: Chrome,
    form: Vec<(&'static str, &'static str, String)>,
    answer: Option<Staffing>,
    chart: String,
    error: String,
}

/// The service level around the answer: one bar per slot count.
fn curve(input: &StaffingInput, a: &Staffing, title: &str, name: &str) -> String {
    let first = a
        .slots
        .saturating_sub(4)
        .max(a.offered_load.floor() as u32 + 1);
    let counts: Vec<u32> = (first..=a.slots + 4).collect();
    let labels: Vec<String> = counts.iter().map(u32::to_string).collect();
    let values = counts
        .iter()
        .map(|n| {
            Some(
                100.0
                    * kefu_wfm::service_level(
                        a.offered_load,
                        *n,
                        input.aht_seconds,
                        input.rules.answer_within_seconds,
                    ),
            )
        })
        .collect();
    let series = [Series {
        name: name.to_string(),
        values,
        color: "#1677ff",
    }];
    bars(title, &labels, &series, false)
}

/// The page: the form, and the answer when the figures are given.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ErlangQuery>,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let gate = viewer.gate(&state);
    let d = StaffingRules::default();
    let show = |v: Option<f64>, default: Option<f64>| {
        v.or(default).map(|x| x.to_string()).unwrap_or_default()
    };
    let form = vec![
        (
            "volume",
            l.t("本时段进线量（会话）", "Chats in the interval"),
            show(q.volume, None),
        ),
        (
            "aht",
            l.t("平均处理时长（秒）", "Mean handle time (s)"),
            show(q.aht, None),
        ),
        (
            "interval",
            l.t("时段长度（分钟）", "Interval (minutes)"),
            show(q.interval, Some(d.interval_minutes)),
        ),
        (
            "concurrency",
            l.t("每人同时接待", "Chats per agent at once"),
            q.concurrency.unwrap_or(d.concurrency).to_string(),
        ),
        (
            "target",
            l.t("服务水平目标", "Service level target"),
            show(q.target, Some(d.target)),
        ),
        (
            "within",
            l.t("目标响应（秒）", "Answered within (s)"),
            show(q.within, Some(d.answer_within_seconds)),
        ),
        (
            "max_occupancy",
            l.t("最高占用率", "Max occupancy"),
            show(q.max_occupancy, Some(d.max_occupancy)),
        ),
        (
            "shrinkage",
            l.t(
                "损耗率（休息、培训、会议）",
                "Shrinkage (breaks, training, meetings)",
            ),
            show(q.shrinkage, Some(d.shrinkage)),
        ),
    ];
    let (mut answer, mut chart, mut error) = (None, String::new(), String::new());
    let mut status = StatusCode::OK;
    if q.volume.is_some() || q.aht.is_some() {
        match q.input() {
            Err(field) => {
                error = format!("{field}: {}", l.t("请填写", "required"));
                status = StatusCode::BAD_REQUEST;
            }
            Ok(input) => match gate.staffing(&input) {
                Ok(a) => {
                    let title = l.t("席位数与服务水平（%）", "Service level (%) by chat slots");
                    chart = curve(&input, &a, title, l.t("服务水平", "service level"));
                    answer = Some(a);
                }
                Err(e @ kefu_app::Error::Invalid { .. }) => {
                    error = e.text(l);
                    status = StatusCode::BAD_REQUEST;
                }
                Err(e) => return Err(e.into()),
            },
        }
    } else {
        gate.require(Action::Plan)?;
    }
    let p = ErlangPage {
        c: viewer.chrome(
            l.t("排班测算", "Staffing calculator").to_string(),
            "wfm-erlang",
        ),
        form,
        answer,
        chart,
        error,
    };
    Ok((status, render(&p)?).into_response())
}

/// How many agents one interval's load needs (wfm.md §4): Erlang C with
/// chat concurrency, the occupancy bound and shrinkage.
#[utoipa::path(get, path = "/wfm/erlang", params(ErlangQuery),
    responses((status = 200, description = "The staffing", body = Staffing),
    (status = 400, description = "A figure missing or out of range, named"), ReadErrors))]
pub async fn api_erlang(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ErlangQuery>,
) -> Result<Json<Staffing>, ApiError> {
    let input = q
        .input()
        .map_err(|field| AppError::BadRequest(format!("{field}: required")))?;
    Ok(Json(viewer.gate(&state).staffing(&input)?))
}
