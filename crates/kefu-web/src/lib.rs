//! `kefu serve`: the web application of kefu: pages for the provider's
//! staff and the client portal, server-rendered in Chinese (English on a
//! switch) with SVG charts drawn here, and the REST API under `/api/v1`.
//!
//! Every read and write goes through the service layer's
//! [`kefu_app::Gate`] of the viewer's actor, which asks their
//! [`kefu_access::Scope`]: the one place that decides who sees what.

// Shared by every capability.
pub mod api;
pub mod assets;
pub mod auth;
pub mod charts;
pub mod contracts;
pub mod error;
pub mod i18n;
pub mod openapi;
pub mod security;
pub mod state;
pub mod table;
pub mod view;

// One module per capability: its pages, API handlers, routes and menu
// entries (templates in `templates/<capability>/`).
pub mod accounts;
pub mod import;
pub mod kpi;
pub mod qa;
pub mod stores;
pub mod wfm;

use axum::Router;
use axum::routing::get;
pub use state::{AppState, Config};
use std::net::SocketAddr;

/// The whole application: pages, assets, the API and `/healthz`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(assets::routes())
        .merge(auth::routes())
        .merge(kpi::routes())
        .merge(qa::routes())
        .merge(stores::routes())
        .merge(import::routes())
        .merge(accounts::routes())
        .merge(contracts::routes())
        .merge(wfm::routes())
        .nest("/api/v1", api::routes().into_router())
        .layer(axum::extract::DefaultBodyLimit::max(
            state.config.upload_limit,
        ))
        .layer(axum::middleware::from_fn(i18n::with_lang))
        .layer(axum::middleware::from_fn(state::log_requests))
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// The navigation of a viewer: every capability's entries, in the order
/// the menu shows them.
pub fn menu(viewer: &auth::Viewer) -> Vec<view::NavItem> {
    [
        kpi::menu(viewer),
        qa::menu(viewer),
        contracts::menu(viewer),
        wfm::menu(viewer),
        stores::menu(viewer),
        import::menu(viewer),
        accounts::menu(viewer),
    ]
    .concat()
}

async fn healthz() -> &'static str {
    "ok"
}

/// Serves the application on `listener` until `shutdown` completes, then
/// finishes the requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: kefu_app::App,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let state = AppState::new(app, config);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    // Without TCP_NODELAY the last segment of a large answer (a page, a
    // KPI table as JSON) can wait for the client's delayed ACK.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(target: "kefu::http", "cannot set TCP_NODELAY: {e}");
        }
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
