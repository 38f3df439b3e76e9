//! The import capability's API: JSON batches of messages, orders or
//! ratings, all or nothing, with the CLI's validation (spec `kpi.md` §1).
//! A browser session also needs the `X-CSRF-Token` header.

use super::ingest::{parse_batch, store};
use crate::auth::Viewer;
use crate::error::{ApiError, AppError};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use kefu_import::Kind;
use serde_json::{Value, json};

/// The routes of these endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messages", post(ingest_messages))
        .route("/orders", post(ingest_orders))
        .route("/ratings", post(ingest_ratings))
}

type Body = Result<Bytes, BytesRejection>;
type Ingested = Result<(StatusCode, Json<Value>), ApiError>;

async fn ingest_messages(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
    ingest(s, v, h, b, Kind::Messages).await
}

async fn ingest_orders(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
    ingest(s, v, h, b, Kind::Orders).await
}

async fn ingest_ratings(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
    ingest(s, v, h, b, Kind::Ratings).await
}

async fn ingest(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Body,
    kind: Kind,
) -> Ingested {
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let gate = viewer.gate(&state);
    gate.require(kefu_access::Action::Import)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(format!(
                "the body is larger than {} bytes",
                state.config.upload_limit
            ))
        } else {
            AppError::BadRequest(format!("cannot read the body: {e}"))
        }
    })?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest(format!("the body is not JSON: {e}")))?;
    let items = match value {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("records") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(AppError::BadRequest(
                    "send a JSON array of records, or {\"records\": [...]}".into(),
                )
                .into());
            }
        },
        _ => return Err(AppError::BadRequest("send a JSON array of records".into()).into()),
    };
    let limit = state.config.batch_limit;
    if items.len() > limit {
        return Err(AppError::TooLarge(format!(
            "a batch holds at most {limit} records; this one has {}",
            items.len()
        ))
        .into());
    }
    let records = match parse_batch(kind, &items) {
        Ok(r) => r,
        Err((problems, count)) => {
            let first = problems.first().map(|p| p.text()).unwrap_or_default();
            return Err(AppError::Invalid(json!({
                "error": format!("{count} bad records; nothing was imported. First: {first}"),
                "errors": problems.iter().map(|p| json!({"index": p.at, "field": p.field, "reason": p.reason})).collect::<Vec<_>>(),
            }))
            .into());
        }
    };
    let o = store(&gate, records).await?;
    Ok((
        StatusCode::OK,
        Json(serde_json::to_value(&o).map_err(|e| AppError::Internal(e.into()))?),
    ))
}
