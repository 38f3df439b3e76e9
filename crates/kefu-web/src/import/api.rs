//! The import capability's API: JSON batches of messages, orders or
//! ratings, all or nothing, with the CLI's validation (spec `kpi.md` §1).
//! A browser session also needs the `X-CSRF-Token` header.

use super::ingest::{BatchRefused, Outcome, parse_batch, store};
use crate::api::ApiRoutes;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use kefu_import::Kind;
use serde_json::Value;
use utoipa::ToSchema;

/// The routes of these endpoints.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .post("/messages", ingest_messages)
        .post("/orders", ingest_orders)
        .post("/ratings", ingest_ratings)
}

/// A message record (spec `kpi.md` §1). Times are local
/// `YYYY-MM-DD HH:MM:SS` or RFC 3339; values are strings, numbers or null.
#[derive(ToSchema)]
#[allow(dead_code)] // read by kefu-import's validation, field by field
pub struct MessageRecord {
    store: String,
    message_id: String,
    buyer: String,
    /// `buyer`, `agent` or `system`.
    sender: String,
    agent: Option<String>,
    sent_at: String,
    content: String,
    kind: Option<String>,
}

/// An order record (spec `kpi.md` §1); amounts in yuan with at most two
/// decimals.
#[derive(ToSchema)]
#[allow(dead_code)] // read by kefu-import's validation, field by field
pub struct OrderRecord {
    store: String,
    order_id: String,
    buyer: String,
    created_at: String,
    paid_at: Option<String>,
    amount: String,
    refund_amount: Option<String>,
    refunded_at: Option<String>,
}

/// A rating record (spec `kpi.md` §1).
#[derive(ToSchema)]
#[allow(dead_code)] // read by kefu-import's validation, field by field
pub struct RatingRecord {
    store: String,
    buyer: String,
    agent: String,
    rated_at: String,
    score: i64,
}

/// A batch: a JSON array of records, or `{"records": [...]}`; each record
/// an object keyed by the spec's field names.
pub struct Batch(Vec<Value>);

impl Batch {
    /// Reads a body, with the reason when it is no batch.
    pub fn parse(body: &[u8]) -> Result<Batch, AppError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| AppError::BadRequest(format!("the body is not JSON: {e}")))?;
        match value {
            Value::Array(a) => Ok(Batch(a)),
            Value::Object(mut o) => match o.remove("records") {
                Some(Value::Array(a)) => Ok(Batch(a)),
                _ => Err(AppError::BadRequest(
                    "send a JSON array of records, or {\"records\": [...]}".into(),
                )),
            },
            _ => Err(AppError::BadRequest("send a JSON array of records".into())),
        }
    }
}

/// The answers of an ingestion call (for the document).
#[derive(utoipa::IntoResponses)]
pub enum IngestAnswers {
    /// Imported.
    #[response(status = 200)]
    Imported(Outcome),
    /// Bad records (each with its index, field and reason): nothing was
    /// imported.
    #[response(status = 400)]
    Refused(ErrorBody),
    /// Not logged in: no valid token or session.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The role may not import.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The body or the batch is too large.
    #[response(status = 413)]
    TooLarge(ErrorBody),
}

type Body = Result<Bytes, BytesRejection>;
type Ingested = Result<(StatusCode, Json<Outcome>), ApiError>;

/// Ingest a batch of messages (idempotent by id; all or nothing). Any bad
/// record imports nothing and answers 400 with each record's index, field
/// and reason.
#[utoipa::path(post, path = "/messages",
    request_body(content = Vec<MessageRecord>, description = "An array of records, or {\"records\": [...]}"),
    responses(IngestAnswers))]
pub async fn ingest_messages(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
    ingest(s, v, h, b, Kind::Messages).await
}

/// Ingest a batch of orders (idempotent by id; all or nothing).
#[utoipa::path(post, path = "/orders",
    request_body(content = Vec<OrderRecord>, description = "An array of records, or {\"records\": [...]}"),
    responses(IngestAnswers))]
pub async fn ingest_orders(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
    ingest(s, v, h, b, Kind::Orders).await
}

/// Ingest a batch of ratings (all or nothing).
#[utoipa::path(post, path = "/ratings",
    request_body(content = Vec<RatingRecord>, description = "An array of records, or {\"records\": [...]}"),
    responses(IngestAnswers))]
pub async fn ingest_ratings(s: State<AppState>, v: Viewer, h: HeaderMap, b: Body) -> Ingested {
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
    let Batch(items) = Batch::parse(&body)?;
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
            let refused = BatchRefused::new(&problems, count);
            let body = serde_json::to_value(&refused).map_err(|e| AppError::Internal(e.into()))?;
            return Err(AppError::Invalid(body).into());
        }
    };
    let o = store(&gate, records).await?;
    Ok((StatusCode::OK, Json(o)))
}
