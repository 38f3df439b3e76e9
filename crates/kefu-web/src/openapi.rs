//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`.

use axum::Json;
use serde_json::{Value, json};

fn param(name: &str, place: &str, desc: &str, required: bool) -> Value {
    json!({"name": name, "in": place, "required": required, "description": desc, "schema": {"type": "string"}})
}

fn get_op(summary: &str, params: Vec<Value>) -> Value {
    json!({"get": {
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}
        }
    }})
}

fn ingest_op(kind: &str, fields: &str) -> Value {
    json!({"post": {
        "summary": format!("Ingest a batch of {kind} (idempotent by id; all or nothing)"),
        "description": format!("A JSON array of records (or {{\"records\": [...]}}) with the fields of spec kpi.md §1: {fields}. Times local `YYYY-MM-DD HH:MM:SS` or RFC 3339; amounts in yuan with at most two decimals. Any bad record imports nothing and answers 400 with each record's index, field and reason."),
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
        "responses": {
            "200": {"description": "Imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ImportOutcome"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "413": {"$ref": "#/components/responses/Error"}
        }
    }})
}

/// The document.
pub fn spec() -> Value {
    let period = || {
        vec![
            param("from", "query", "first local day, YYYY-MM-DD", false),
            param("to", "query", "last local day, YYYY-MM-DD", false),
        ]
    };
    let mut kpi = period();
    kpi.push(param(
        "by",
        "query",
        "any of store, agent, date, hour, comma-separated (default store; empty: one total row)",
        false,
    ));
    kpi.push(param("store", "query", "only this store", false));
    let mut sessions = period();
    for (n, d) in [
        ("store", "store code (default: the first visible store)"),
        ("agent", "agent account"),
        ("kind", "manual, bot or unanswered"),
        ("type", "inquiry or after_sales"),
        ("unanswered", "1: only sessions with an unanswered round"),
        ("slow", "1: only sessions with a slow round"),
    ] {
        sessions.push(param(n, "query", d, false));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "kefu API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Service KPIs (spec kpi.md), stores, agents, sessions and transcripts, and ingestion of chat logs, orders and ratings. Every answer is limited to what the caller may see; anything else is 404."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/kpi": get_op("KPI rows: keys and every figure of spec §6 (rates and means null on a zero denominator; money as \"1234.50\")", kpi),
            "/stores": get_op("Visible stores and their settings", vec![]),
            "/stores/{store}": get_op("One store", vec![param("store", "path", "store code", true)]),
            "/agents": get_op("Visible agent accounts", vec![param("store", "query", "only this store", false)]),
            "/sessions": get_op("Sessions of a store with their figures", sessions),
            "/stores/{store}/conversations/{conversation}": get_op("A conversation: messages, sessions, rounds, orders with their attribution, ratings", vec![
                param("store", "path", "store code", true), param("conversation", "path", "conversation id", true)]),
            "/messages": ingest_op("messages", "store, message_id, buyer, sender, agent, sent_at, content, kind"),
            "/orders": ingest_op("orders", "store, order_id, buyer, created_at, paid_at, amount, refund_amount, refunded_at"),
            "/ratings": ingest_op("ratings", "store, buyer, agent, rated_at, score"),
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "an API token (kefu token add)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "kefu_session", "description": "a browser session; writes also need the X-CSRF-Token header"}
            },
            "responses": {"Error": {"description": "An error", "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}, "errors": {"type": "array"}}}}}}},
            "schemas": {"ImportOutcome": {"type": "object", "properties": {
                "read": {"type": "integer"}, "imported": {"type": "integer"}, "unchanged": {"type": "integer"},
                "conflicts": {"type": "array", "items": {"type": "object"}}, "recomputed": {"type": "integer"}}}}
        }
    })
}

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Json<Value> {
    Json(spec())
}
