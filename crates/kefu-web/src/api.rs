//! The REST API under `/api/v1`: JSON in and out, authenticated by an API
//! token (`Authorization: Bearer kefu_…`) or a browser session (writes then
//! need the `X-CSRF-Token` header). Each capability contributes its
//! endpoints; answers go through the same [`kefu_app::Gate`] as the pages.
//! The document is at `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::Router;
use axum::routing::get;

/// The routes of the API: the document and every capability's endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .merge(crate::kpi::api_routes())
        .merge(crate::import::api_routes())
}
