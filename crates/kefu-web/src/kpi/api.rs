//! The KPI capability's API: KPI rows, stores, agents, sessions and
//! conversations, read through the same [`kefu_app::Gate`] as the pages.
//! Each handler's request and answer types are in its `#[utoipa::path]`.

use super::answers::{AgentAnswer, ConversationAnswer, KpiRow, SessionAnswer, StoreAnswer};
use crate::api::ApiRoutes;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError, ReadErrors};
use crate::kpi::sessions::{SessionFilters, filtered};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use kefu_domain::time::parse_day;
use kefu_kpi::report::rows;
use kefu_kpi::{Filter, Grouping};
use serde::Deserialize;
use utoipa::IntoParams;

/// The routes of these endpoints.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/kpi", kpi)
        .get("/stores", stores)
        .get("/stores/{store}", store_one)
        .get("/agents", agents)
        .get("/sessions", sessions)
        .get("/stores/{store}/conversations/{conversation}", conversation)
}

/// The query of `/kpi`: the CLI's options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    /// First local day, YYYY-MM-DD.
    from: Option<String>,
    /// Last local day, YYYY-MM-DD.
    to: Option<String>,
    /// Any of store, agent, date, hour, comma-separated (default store;
    /// empty: one total row).
    by: Option<String>,
    /// Only this store.
    store: Option<String>,
}

/// An optional `YYYY-MM-DD` query parameter (empty counts as absent);
/// shared by the capabilities' endpoints.
pub(crate) fn day(v: &Option<String>, name: &str) -> Result<Option<i32>, AppError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_day(s).map_err(|e| AppError::BadRequest(format!("{name}: {e}"))))
        .transpose()
}

/// KPI rows: keys and every figure of spec §6 (rates and means null on a
/// zero denominator; money as "1234.50").
#[utoipa::path(get, path = "/kpi", params(KpiQuery), responses(
    (status = 200, description = "The rows", body = Vec<KpiRow>),
    ReadErrors,
))]
pub async fn kpi(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<KpiQuery>,
) -> Result<Response, ApiError> {
    let gate = viewer.gate(&state);
    let grouping = Grouping::parse(q.by.as_deref().unwrap_or("store"))
        .map_err(|e| AppError::BadRequest(format!("by: {e}")))?;
    let filter = Filter {
        from: day(&q.from, "from")?,
        to: day(&q.to, "to")?,
        store: q.store.clone().filter(|s| !s.is_empty()),
        ..Filter::default()
    };
    if let (Some(f), Some(t)) = (filter.from, filter.to)
        && f > t
    {
        return Err(AppError::BadRequest("from: is after to".into()).into());
    }
    // The JSON text is kept with the figures: writing it is most of the
    // work of an answer.
    let key = format!("api/kpi {grouping:?} {filter:?}");
    let body = gate
        .memo(&key, async {
            let groups = gate.kpi(grouping, &filter).await?;
            let out: Vec<KpiRow> = rows(groups.to_vec())
                .iter()
                .map(|r| KpiRow::new(r, grouping))
                .collect();
            serde_json::to_vec(&out)
                .map(Bytes::from)
                .map_err(|e| AppError::Internal(e.into()))
        })
        .await?;
    Ok(([(CONTENT_TYPE, "application/json")], Bytes::clone(&body)).into_response())
}

/// Visible stores and their settings.
#[utoipa::path(get, path = "/stores", responses(
    (status = 200, description = "The stores", body = Vec<StoreAnswer>),
    ReadErrors,
))]
pub async fn stores(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<StoreAnswer>>, ApiError> {
    let gate = viewer.gate(&state);
    let list = gate.stores().await?;
    Ok(Json(
        list.into_iter()
            .map(|(c, s)| StoreAnswer::new(c, &s))
            .collect(),
    ))
}

/// The path of a store.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StorePath {
    /// Store code.
    store: String,
}

/// One store.
#[utoipa::path(get, path = "/stores/{store}", params(StorePath), responses(
    (status = 200, description = "The store", body = StoreAnswer),
    ReadErrors,
))]
pub async fn store_one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(p): Path<StorePath>,
) -> Result<Json<StoreAnswer>, ApiError> {
    let gate = viewer.gate(&state);
    let s = gate.store(&p.store).await?;
    Ok(Json(StoreAnswer::new(p.store, &s)))
}

/// The query of `/agents`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentsQuery {
    /// Only this store.
    store: Option<String>,
}

/// Visible agent accounts.
#[utoipa::path(get, path = "/agents", params(AgentsQuery), responses(
    (status = 200, description = "The agents", body = Vec<AgentAnswer>),
    ReadErrors,
))]
pub async fn agents(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AgentsQuery>,
) -> Result<Json<Vec<AgentAnswer>>, ApiError> {
    let gate = viewer.gate(&state);
    let list = gate
        .agents(q.store.as_deref().filter(|s| !s.is_empty()))
        .await?;
    Ok(Json(
        list.into_iter()
            .map(|(store, agent)| AgentAnswer { store, agent })
            .collect(),
    ))
}

/// Sessions of a store with their figures.
#[utoipa::path(get, path = "/sessions", params(SessionFilters), responses(
    (status = 200, description = "The sessions", body = Vec<SessionAnswer>),
    ReadErrors,
))]
pub async fn sessions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<SessionFilters>,
) -> Result<Json<Vec<SessionAnswer>>, ApiError> {
    let gate = viewer.gate(&state);
    let (_, _, list) = filtered(&gate, &f).await?;
    Ok(Json(list.iter().map(SessionAnswer::from).collect()))
}

/// The path of a conversation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ConversationPath {
    /// Store code.
    store: String,
    /// Conversation id.
    conversation: String,
}

/// A conversation: messages, sessions, rounds, orders with their
/// attribution, ratings.
#[utoipa::path(get, path = "/stores/{store}/conversations/{conversation}",
    params(ConversationPath), responses(
    (status = 200, description = "The conversation", body = ConversationAnswer),
    ReadErrors,
))]
pub async fn conversation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(p): Path<ConversationPath>,
) -> Result<Json<ConversationAnswer>, ApiError> {
    let conv: i64 = p.conversation.parse().map_err(|_| AppError::NotFound)?;
    let gate = viewer.gate(&state);
    let t = gate.conversation(&p.store, conv).await?;
    Ok(Json(ConversationAnswer::from(&t)))
}
