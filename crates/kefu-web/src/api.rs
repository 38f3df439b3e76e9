//! The REST API under `/api/v1`: JSON in and out, authenticated by an API
//! token (`Authorization: Bearer kefu_…`) or a browser session (writes then
//! need the `X-CSRF-Token` header). Each capability contributes its
//! endpoints; answers go through the same [`kefu_app::Gate`] as the pages.
//! The document, generated from the handlers' types
//! ([`crate::openapi::ApiDoc`]), is at `/api/v1/openapi.json`.

use crate::state::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{get, post, put};

/// The API's routes and the list of their methods and paths, so that a
/// test can check that the document describes every one.
#[derive(Default)]
pub struct ApiRoutes {
    router: Router<AppState>,
    list: Vec<(&'static str, &'static str)>,
}

impl ApiRoutes {
    /// No routes.
    pub fn new() -> ApiRoutes {
        ApiRoutes::default()
    }

    /// Adds a `GET` route.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> ApiRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.list.push(("get", path));
        self
    }

    /// Adds a `POST` route.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> ApiRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.list.push(("post", path));
        self
    }

    /// Adds a `PUT` route.
    pub fn put<H, T>(mut self, path: &'static str, handler: H) -> ApiRoutes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, put(handler));
        self.list.push(("put", path));
        self
    }

    /// These routes and another capability's.
    pub fn merge(mut self, other: ApiRoutes) -> ApiRoutes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Every route as (method in lower case, path).
    pub fn list(&self) -> &[(&'static str, &'static str)] {
        &self.list
    }

    /// The axum router of these routes.
    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}

/// The routes of the API: the document and every capability's endpoints.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/openapi.json", crate::openapi::document)
        .merge(crate::kpi::api_routes())
        .merge(crate::qa::api_routes())
        .merge(crate::contracts::api_routes())
        .merge(crate::wfm::api_routes())
        .merge(crate::import::api_routes())
}
