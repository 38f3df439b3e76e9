//! The KPI capability's API: KPI rows, stores, agents, sessions and
//! conversations, read through the same [`kefu_app::Gate`] as the pages.

use crate::auth::Viewer;
use crate::error::{ApiError, AppError};
use crate::kpi::sessions::{SessionFilters, filtered};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use kefu_domain::time::parse_day;
use kefu_kpi::report::rows;
use kefu_kpi::transcript::{SessionRow, Transcript};
use kefu_kpi::{Filter, Grouping};
use serde::Deserialize;
use serde_json::{Value, json};

/// The routes of these endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kpi", get(kpi))
        .route("/stores", get(stores))
        .route("/stores/{store}", get(store_one))
        .route("/agents", get(agents))
        .route("/sessions", get(sessions))
        .route("/stores/{store}/conversations/{conv}", get(conversation))
}

/// The query of `/kpi`: the CLI's options.
#[derive(Debug, Deserialize)]
pub struct KpiQuery {
    from: Option<String>,
    to: Option<String>,
    /// Any of store, agent, date, hour, comma-separated (default store).
    by: Option<String>,
    store: Option<String>,
}

fn day(v: &Option<String>, name: &str) -> Result<Option<i32>, AppError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_day(s).map_err(|e| AppError::BadRequest(format!("{name}: {e}"))))
        .transpose()
}

async fn kpi(
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
            let out: Vec<Value> = rows(groups.to_vec())
                .iter()
                .map(|r| r.to_json(grouping))
                .collect();
            serde_json::to_vec(&out)
                .map(Bytes::from)
                .map_err(|e| AppError::Internal(e.into()))
        })
        .await?;
    Ok(([(CONTENT_TYPE, "application/json")], Bytes::clone(&body)).into_response())
}

fn settings_json(s: &kefu_domain::StoreSettings) -> Value {
    let map: serde_json::Map<String, Value> = s
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect();
    Value::Object(map)
}

async fn stores(State(state): State<AppState>, viewer: Viewer) -> Result<Json<Value>, ApiError> {
    let gate = viewer.gate(&state);
    let list = gate.stores().await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|(c, s)| json!({"code": c, "settings": settings_json(s)}))
            .collect(),
    )))
}

async fn store_one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let gate = viewer.gate(&state);
    let s = gate.store(&code).await?;
    Ok(Json(json!({"code": code, "settings": settings_json(&s)})))
}

/// The query of `/agents`.
#[derive(Debug, Deserialize)]
pub struct AgentsQuery {
    store: Option<String>,
}

async fn agents(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AgentsQuery>,
) -> Result<Json<Value>, ApiError> {
    let gate = viewer.gate(&state);
    let list = gate
        .agents(q.store.as_deref().filter(|s| !s.is_empty()))
        .await?;
    Ok(Json(Value::Array(
        list.iter()
            .map(|(s, a)| json!({"store": s, "agent": a}))
            .collect(),
    )))
}

/// A session as JSON.
pub fn session_json(r: &SessionRow) -> Value {
    json!({
        "store": r.store, "conversation": r.conv_id, "buyer": r.buyer, "index": r.index,
        "start": r.start, "kind": r.kind.as_str(), "after_sales": r.after_sales,
        "receiving_agent": r.receiving_agent, "agents": r.agents,
        "buyer_messages": r.buyer_messages, "agent_messages": r.agent_messages,
        "human_rounds": r.human_rounds, "unanswered_rounds": r.unanswered_rounds, "slow_rounds": r.slow_rounds,
        "first_response_s": r.first_response_ms.map(|v| v as f64 / 1000.0),
        "avg_response_s": r.mean_response_ms.map(|v| v / 1000.0),
        "invited": r.invited, "attributed_orders": r.attributed_orders,
        "sales": kefu_domain::Fen(r.sales_fen).to_string(),
    })
}

async fn sessions(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<SessionFilters>,
) -> Result<Json<Value>, ApiError> {
    let gate = viewer.gate(&state);
    let (_, _, list) = filtered(&gate, &f).await?;
    Ok(Json(Value::Array(list.iter().map(session_json).collect())))
}

/// A transcript as JSON.
pub fn transcript_json(t: &Transcript) -> Value {
    json!({
        "store": t.store, "conversation": t.conv_id, "buyer": t.buyer,
        "sessions": t.sessions.iter().filter(|s| !s.start.is_empty()).map(session_json).collect::<Vec<_>>(),
        "messages": t.messages.iter().map(|m| json!({
            "message_id": m.message_id, "sender": m.sender.as_str(), "kind": m.kind.as_str(),
            "counts_as": m.role.as_str(), "agent": m.agent, "sent_at": m.sent_at,
            "content": m.content, "session": m.session,
        })).collect::<Vec<_>>(),
        "rounds": t.rounds.iter().map(|r| json!({
            "session": r.session, "start_seq": r.start_seq, "end_seq": r.end_seq,
            "outcome": format!("{:?}", r.outcome).to_lowercase(),
            "response_s": r.response_ms.map(|v| v as f64 / 1000.0), "agent": r.agent,
            "counted": r.counted, "slow": r.slow,
        })).collect::<Vec<_>>(),
        "orders": t.orders.iter().map(|o| json!({
            "order_id": o.order_id, "created_at": o.created_at, "paid_at": o.paid_at,
            "amount": kefu_domain::Fen(o.amount_fen).to_string(),
            "refund_amount": o.refund_fen.map(|f| kefu_domain::Fen(f).to_string()),
            "attributed_agent": o.attributed_agent, "attributed_message_id": o.attributed_message_id,
            "session": o.session,
        })).collect::<Vec<_>>(),
        "ratings": t.ratings.iter().map(|r| json!({
            "agent": r.agent, "rated_at": r.rated_at, "score": r.score, "counted": r.counted,
        })).collect::<Vec<_>>(),
    })
}

async fn conversation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((store, conv)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let conv: i64 = conv.parse().map_err(|_| AppError::NotFound)?;
    let gate = viewer.gate(&state);
    let t = gate.conversation(&store, conv).await?;
    Ok(Json(transcript_json(&t)))
}
