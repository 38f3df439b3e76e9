//! The accounts capability: the administration of users and API tokens
//! (logging in and out is the shared [`crate::auth`]).

pub mod users;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::{get, post};
use kefu_access::Action;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users::users).post(users::add_user))
        .route("/admin/users/{id}/disable", post(users::disable_user))
        .route("/admin/users/{id}/enable", post(users::enable_user))
        .route("/admin/users/{id}/password", post(users::reset_password))
        .route("/admin/tokens", post(users::add_token))
        .route("/admin/tokens/{id}/revoke", post(users::revoke_token))
}

/// The menu entry of the users page, for administrators.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    if viewer.scope.may(Action::Administer) {
        vec![NavItem::new(
            "/admin/users",
            viewer.lang.t("用户", "Users"),
            "users",
        )]
    } else {
        Vec::new()
    }
}
