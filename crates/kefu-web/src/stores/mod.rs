//! The stores capability: a store's settings page (the store dashboards
//! are the KPI capability's).

pub mod settings;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::get;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/stores/{store}/settings",
        get(settings::page).post(settings::save),
    )
}

/// The menu entries: none (the settings are reached from a store's page).
pub fn menu(_viewer: &Viewer) -> Vec<NavItem> {
    Vec::new()
}
