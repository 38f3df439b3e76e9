//! The import capability: the import page (uploaded files) and the API's
//! ingestion of JSON batches, with the CLI's rules ([`ingest`]).

pub mod api;
pub mod ingest;
pub mod page;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::get;
use kefu_access::Action;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new().route("/import", get(page::page).post(page::upload))
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> crate::api::ApiRoutes {
    api::routes()
}

/// The menu entry of the import page, for roles that import.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    if viewer.scope.may(Action::Import) {
        vec![NavItem::new(
            "/import",
            viewer.lang.t("导入", "Import"),
            "import",
        )]
    } else {
        Vec::new()
    }
}
