//! The quality-inspection API: findings and scores (the rows of `qa.md`
//! §5), a session's review and appeals, and the writes of the review
//! workflow, through the same [`kefu_app::Gate`] as the pages and the CLI.

use super::answers::{
    AppealAnswer, AppealBody, Created, DecisionBody, FindingAnswer, QaSessionAnswer, ReviewBody,
    ScoreAnswer,
};
use crate::api::ApiRoutes;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError, ReadErrors};
use crate::kpi::api::day;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use kefu_app::qa::QaFilter;
use kefu_app::qa_review::ReviewRequest;
use kefu_db::qa::ScoreGrouping;
use serde::Deserialize;
use utoipa::IntoParams;

/// The routes of these endpoints.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/qa/findings", findings)
        .get("/qa/scores", scores)
        .get("/qa/sessions/{conversation}/{start}", session)
        .post("/qa/reviews", review)
        .get("/qa/appeals", appeals)
        .post("/qa/appeals", appeal)
        .post("/qa/appeals/{id}/decision", decide)
}

/// The query of `/qa/findings` and `/qa/scores`: the CLI's options.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QaQueryParams {
    /// First local day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last local day, YYYY-MM-DD.
    pub to: Option<String>,
    /// Only this store.
    pub store: Option<String>,
    /// Only this agent.
    pub agent: Option<String>,
    /// Only this rule (findings).
    pub rule: Option<String>,
    /// Group by any of store, agent, date, comma-separated (scores; default store).
    pub by: Option<String>,
    /// At most this many rows (findings).
    pub limit: Option<i64>,
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.trim().is_empty())
}

/// The filter of a query.
pub fn filter_of(q: &QaQueryParams) -> Result<QaFilter, AppError> {
    let f = QaFilter {
        from: day(&q.from, "from")?,
        to: day(&q.to, "to")?,
        store: nonempty(&q.store),
        agent: nonempty(&q.agent),
        rule: nonempty(&q.rule),
        limit: q.limit,
    };
    if let (Some(a), Some(b)) = (f.from, f.to)
        && a > b
    {
        return Err(AppError::BadRequest("from: is after to".into()));
    }
    Ok(f)
}

/// The grouping of `by`.
pub fn grouping_of(by: Option<&str>) -> Result<ScoreGrouping, AppError> {
    let mut g = ScoreGrouping::default();
    for key in by
        .unwrap_or("store")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        match key {
            "store" => g.store = true,
            "agent" => g.agent = true,
            "date" => g.date = true,
            other => {
                return Err(AppError::BadRequest(format!(
                    "by: '{other}' is not store, agent or date"
                )));
            }
        }
    }
    Ok(g)
}

/// Findings within the caller's scope (spec §5 rows, with ids).
#[utoipa::path(get, path = "/qa/findings", params(QaQueryParams), responses(
    (status = 200, description = "The findings", body = Vec<FindingAnswer>),
    ReadErrors,
))]
pub async fn findings(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QaQueryParams>,
) -> Result<Json<Vec<FindingAnswer>>, ApiError> {
    let rows = viewer.gate(&state).qa_findings(&filter_of(&q)?).await?;
    Ok(Json(rows.into_iter().map(FindingAnswer::from).collect()))
}

/// Scores per group within the caller's scope (spec §5 rows).
#[utoipa::path(get, path = "/qa/scores", params(QaQueryParams), responses(
    (status = 200, description = "The rows", body = Vec<ScoreAnswer>),
    ReadErrors,
))]
pub async fn scores(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QaQueryParams>,
) -> Result<Json<Vec<ScoreAnswer>>, ApiError> {
    let g = grouping_of(q.by.as_deref())?;
    let rows = viewer.gate(&state).qa_scores(g, &filter_of(&q)?).await?;
    Ok(Json(rows.into_iter().map(ScoreAnswer::from).collect()))
}

/// An inspected session with its findings, review and appeals (clients
/// get no internal comments).
#[utoipa::path(get, path = "/qa/sessions/{conversation}/{start}",
    params(("conversation" = i64, Path, description = "The conversation"),
           ("start" = i64, Path, description = "The session's start, UTC ms")),
    responses((status = 200, description = "The session", body = QaSessionAnswer), ReadErrors))]
pub async fn session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((conversation, start)): Path<(i64, i64)>,
) -> Result<Json<QaSessionAnswer>, ApiError> {
    let gate = viewer.gate(&state);
    let d = gate.qa_session(conversation, start).await?;
    let local = gate.local_time(&d.session.store, start).await?;
    Ok(Json(QaSessionAnswer::of(d, &local)))
}

fn csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), AppError> {
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// Reviews a session (inspectors and managers; once per session).
#[utoipa::path(post, path = "/qa/reviews", request_body = ReviewBody, responses(
    (status = 200, description = "The review's id", body = Created),
    (status = 403, description = "Not an inspector or manager"),
    (status = 409, description = "Reviewed already"),
    ReadErrors,
))]
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(b): Json<ReviewBody>,
) -> Result<Json<Created>, ApiError> {
    csrf(&viewer, &headers)?;
    let request = ReviewRequest {
        failed_items: b.failed_items,
        dismissed: b.dismissed,
        comment: b.comment,
    };
    let id = viewer
        .gate(&state)
        .qa_review(b.conversation, b.session_start_ms, &request)
        .await?;
    Ok(Json(Created { id }))
}

/// The query of `/qa/appeals`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppealsQuery {
    /// Only appeals not decided yet.
    pub open: Option<bool>,
}

/// Appeals within the caller's scope, oldest first.
#[utoipa::path(get, path = "/qa/appeals", params(AppealsQuery), responses(
    (status = 200, description = "The appeals", body = Vec<AppealAnswer>),
    ReadErrors,
))]
pub async fn appeals(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AppealsQuery>,
) -> Result<Json<Vec<AppealAnswer>>, ApiError> {
    let rows = viewer
        .gate(&state)
        .qa_appeals(q.open.unwrap_or(false))
        .await?;
    Ok(Json(rows.into_iter().map(AppealAnswer::from).collect()))
}

/// Appeals a finding or a review (agents for their own, team leads for
/// their team's; once each).
#[utoipa::path(post, path = "/qa/appeals", request_body = AppealBody, responses(
    (status = 200, description = "The appeal's id", body = Created),
    (status = 403, description = "Not an agent or team lead"),
    (status = 409, description = "Appealed already"),
    ReadErrors,
))]
pub async fn appeal(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(b): Json<AppealBody>,
) -> Result<Json<Created>, ApiError> {
    csrf(&viewer, &headers)?;
    let id = viewer
        .gate(&state)
        .qa_appeal(b.conversation, b.session_start_ms, b.finding, &b.reason)
        .await?;
    Ok(Json(Created { id }))
}

/// Decides an open appeal (an inspector or manager other than the
/// session's reviewer).
#[utoipa::path(post, path = "/qa/appeals/{id}/decision",
    params(("id" = i64, Path, description = "The appeal")),
    request_body = DecisionBody, responses(
    (status = 200, description = "Decided", body = Created),
    (status = 403, description = "Not an inspector or manager"),
    (status = 409, description = "Decided already, or the caller reviewed the session"),
    ReadErrors,
))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(b): Json<DecisionBody>,
) -> Result<Json<Created>, ApiError> {
    csrf(&viewer, &headers)?;
    viewer
        .gate(&state)
        .qa_decide(id, b.upheld, &b.reason)
        .await?;
    Ok(Json(Created { id }))
}
