//! The KPI capability: the overview, store and agent dashboards, the
//! sessions list and the transcript (pages), and the KPI, stores, agents,
//! sessions and conversation endpoints of the API.

pub mod answers;
pub mod api;
pub mod dashboard;
pub mod sessions;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::get;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::overview))
        .route("/stores/{store}", get(dashboard::store))
        .route("/stores/{store}/agents/{agent}", get(dashboard::agent))
        .route("/sessions", get(sessions::list))
        .route(
            "/stores/{store}/conversations/{conv}",
            get(sessions::transcript),
        )
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> crate::api::ApiRoutes {
    api::routes()
}

/// The menu entries: the overview and the sessions, for everyone.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    let l = viewer.lang;
    vec![
        NavItem::new("/", l.t("总览", "Overview"), "overview"),
        NavItem::new("/sessions", l.t("会话", "Sessions"), "sessions"),
    ]
}
