//! The stylesheet and script, compiled into the binary: nothing is fetched
//! from elsewhere at run time.

use crate::state::AppState;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");

/// `/assets/app.css` and `/assets/app.js`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", CSS) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", JS) }),
        )
}

fn asset(mime: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, mime),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
