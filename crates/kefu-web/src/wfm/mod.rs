//! Workforce planning (排班), spec `wfm.md`: the staffing calculator of §4
//! as a page where a planner types the figures (`/wfm/erlang`) and as
//! `GET /api/v1/wfm/erlang`, both through [`kefu_app::Gate::staffing`];
//! a roster problem solved on the page ([`roster`]).

pub mod forecast;
pub mod roster;

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
use axum::routing::get;
use kefu_access::Action;
use kefu_app::wfm::Staffing;
use kefu_wfm::{StaffingInput, StaffingRules};
use serde::Deserialize;
use utoipa::IntoParams;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wfm/erlang", get(page))
        .route("/wfm/roster", get(roster::page).post(roster::solve))
        .route("/wfm/forecast", get(forecast::page))
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/wfm/erlang", api_erlang)
        .get("/wfm/forecast", forecast::api_forecast)
}

/// The menu entry: the calculator, for those who plan.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    if !viewer.scope.may(Action::Plan) {
        return Vec::new();
    }
    vec![
        NavItem::new(
            "/wfm/forecast",
            viewer.lang.t("进线预测", "Forecast"),
            "wfm-forecast",
        ),
        NavItem::new("/wfm/roster", viewer.lang.t("排班", "Roster"), "wfm-roster"),
        NavItem::new(
            "/wfm/erlang",
            viewer.lang.t("排班测算", "Staffing"),
            "wfm-erlang",
        ),
    ]
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
