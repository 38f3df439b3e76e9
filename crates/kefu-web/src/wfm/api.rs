//! The workforce API under `/api/v1/wfm/`: stored rosters and rosters
//! planned from the database, adherence, promotion surges and the
//! promotion calendar, and the planning settings, through the same
//! [`kefu_app::Gate`] methods as the pages. Rosters and adherence are
//! filtered as the gate filters them; a client gets 404.

use super::adherence::{AdherenceQuery, days};
use super::answers::{RosterCreated, RosterItem, RosterJson, SettingsAnswer};
use super::rosters::{DEFAULT_DAYS, PLAN_ITERATIONS, roster_id};
use super::surge::{SurgeQuery, resolve};
use super::{day_of, given};
use crate::auth::Viewer;
use crate::error::{ApiError, AppError, ReadErrors};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use kefu_app::wfm_adherence::AdherenceRow;
use kefu_app::wfm_plan::Promotion;
use kefu_app::wfm_surge::SurgeView;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The most iterations a caller may ask of one search.
pub const MAX_ITERATIONS: u64 = 5_000_000;

fn csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), AppError> {
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// The stored rosters, newest first.
#[utoipa::path(get, path = "/wfm/rosters", responses(
    (status = 200, description = "The stored rosters", body = Vec<RosterItem>), ReadErrors))]
pub async fn rosters(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<RosterItem>>, ApiError> {
    let list = viewer.gate(&state).rosters().await?;
    Ok(Json(list.iter().map(RosterItem::from).collect()))
}

/// A roster to plan from the database.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanBody {
    /// Its first day, `YYYY-MM-DD`.
    pub from: String,
    /// Days to plan (default 28).
    pub days: Option<u32>,
    /// The search's budget (default 300000, at most 5000000).
    pub iterations: Option<u64>,
}

/// Plans a roster from the database (the contracts' store agents and
/// assessments, the planning settings, each store's forecast), stores it
/// and answers its number and answer (wfm.md §5); for those who plan.
#[utoipa::path(post, path = "/wfm/rosters", request_body = PlanBody, responses(
    (status = 201, description = "The roster stored", body = RosterCreated),
    (status = 403, description = "The caller does not plan"), ReadErrors))]
pub async fn plan(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(b): Json<PlanBody>,
) -> Result<(StatusCode, Json<RosterCreated>), ApiError> {
    csrf(&viewer, &headers)?;
    let gate = viewer.gate(&state);
    gate.rosters().await?;
    let from = day_of("from", &b.from)?;
    let iterations = b.iterations.unwrap_or(PLAN_ITERATIONS);
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return Err(kefu_app::Error::invalid(
            "iterations",
            format!("迭代次数 {iterations} 应为 1 至 {MAX_ITERATIONS}"),
            format!("iterations {iterations} must be 1 to {MAX_ITERATIONS}"),
        )
        .into());
    }
    let days = b.days.unwrap_or(DEFAULT_DAYS);
    let (id, solved) = gate.plan_roster(from, days, iterations, true).await?;
    let id = id.ok_or_else(|| AppError::Internal(anyhow::anyhow!("the roster was not stored")))?;
    Ok((
        StatusCode::CREATED,
        Json(RosterCreated {
            id,
            answer: RosterJson::from(&solved.answer),
        }),
    ))
}

/// A stored roster's answer (wfm.md §5) as the caller may see it: an
/// agent or team lead who sees only some agents gets their shifts and
/// hours, with no coverage or gaps.
#[utoipa::path(get, path = "/wfm/rosters/{id}", params(("id" = i64, Path, description = "The roster's number")),
    responses((status = 200, description = "The roster's answer", body = RosterJson), ReadErrors))]
pub async fn roster(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<RosterJson>, ApiError> {
    let r = viewer.gate(&state).roster(roster_id(&id)?).await?;
    Ok(Json(RosterJson::from(&r.solved.answer)))
}

/// Adherence of the days asked (default: the 7 days ending on the latest
/// day with data): each agent's shifts against their messages.
#[utoipa::path(get, path = "/wfm/adherence", params(AdherenceQuery),
    responses((status = 200, description = "One row per agent and shift, or day of unrostered work", body = Vec<AdherenceRow>), ReadErrors))]
pub async fn adherence(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AdherenceQuery>,
) -> Result<Json<Vec<AdherenceRow>>, ApiError> {
    let gate = viewer.gate(&state);
    let (from, to) = days(&gate, &q).await?;
    Ok(Json(gate.adherence(from, to).await?))
}

/// A store's promotion day planned: per interval the ordinary and the
/// promotion's forecast, the agents each needs, the extra and the stored
/// roster's agents on duty; for those who plan.
#[utoipa::path(get, path = "/wfm/surge", params(SurgeQuery),
    responses((status = 200, description = "The surge plan", body = SurgeView),
    (status = 403, description = "The caller does not plan"), ReadErrors))]
pub async fn surge(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<SurgeQuery>,
) -> Result<Json<SurgeView>, ApiError> {
    let gate = viewer.gate(&state);
    let (_, store, day, _) = resolve(&gate, given(&q.store), given(&q.date)).await?;
    Ok(Json(gate.surge(&store, day).await?))
}

/// Whose calendar.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct PromotionsQuery {
    /// One store (default: every store the caller sees).
    pub store: Option<String>,
}

/// The promotion calendar: the days set by hand or learnt, and the days
/// the stores' contracts book (`source = contract`), by store and day.
#[utoipa::path(get, path = "/wfm/promotions", params(PromotionsQuery),
    responses((status = 200, description = "The promotion days", body = Vec<Promotion>),
    (status = 403, description = "The caller does not plan"), ReadErrors))]
pub async fn promotions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PromotionsQuery>,
) -> Result<Json<Vec<Promotion>>, ApiError> {
    Ok(Json(viewer.gate(&state).promotions(given(&q.store)).await?))
}

/// A promotion day to set: a multiplier by hand, or `learn: true` to
/// learn it from the same day last year.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PromotionBody {
    /// The store.
    pub store: String,
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// The volume multiplier, above 0 and at most 100 (unless `learn`).
    pub multiplier: Option<f64>,
    /// Learn the multiplier from the same day last year.
    #[serde(default)]
    pub learn: bool,
    /// The event (双11, 618, a live stream).
    #[serde(default)]
    pub name: String,
}

/// Sets a store's promotion day (replacing the calendar's entry for it).
#[utoipa::path(put, path = "/wfm/promotions", request_body = PromotionBody, responses(
    (status = 200, description = "The day as set", body = Promotion),
    (status = 403, description = "The caller does not plan"), ReadErrors))]
pub async fn set_promotion(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(b): Json<PromotionBody>,
) -> Result<Json<Promotion>, ApiError> {
    csrf(&viewer, &headers)?;
    let gate = viewer.gate(&state);
    let day = day_of("date", &b.date)?;
    let set = match (b.learn, b.multiplier) {
        (true, _) => gate.learn_promotion(&b.store, day, &b.name).await?,
        (false, Some(m)) => gate.set_promotion(&b.store, day, m, &b.name).await?,
        (false, None) => {
            return Err(kefu_app::Error::invalid(
                "multiplier",
                "请给出倍数，或 learn: true 按去年同日学习",
                "give a multiplier, or learn: true to learn it from last year",
            )
            .into());
        }
    };
    Ok(Json(set))
}

/// The planning settings in force (their TOML text and version); for
/// those who plan.
#[utoipa::path(get, path = "/wfm/settings", responses(
    (status = 200, description = "The settings", body = SettingsAnswer),
    (status = 403, description = "The caller does not plan"), ReadErrors))]
pub async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<SettingsAnswer>, ApiError> {
    Ok(Json(viewer.gate(&state).plan_settings().await?.into()))
}
