//! The pages of the web application.

pub mod admin;
pub mod dashboard;
pub mod import;
pub mod sessions;
pub mod settings;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::overview))
        .route("/stores/{store}", get(dashboard::store))
        .route("/stores/{store}/agents/{agent}", get(dashboard::agent))
        .route(
            "/stores/{store}/settings",
            get(settings::page).post(settings::save),
        )
        .route("/sessions", get(sessions::list))
        .route(
            "/stores/{store}/conversations/{conv}",
            get(sessions::transcript),
        )
        .route("/import", get(import::page).post(import::upload))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .route("/admin/users/{id}/enable", post(admin::enable_user))
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route("/admin/tokens", post(admin::add_token))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
}

/// Renders a template into a page response.
pub fn render(
    t: &impl askama::Template,
) -> Result<axum::response::Html<String>, crate::error::AppError> {
    t.render()
        .map(axum::response::Html)
        .map_err(|e| crate::error::AppError::Internal(e.into()))
}
