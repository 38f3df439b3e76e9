//! Contracts and billing (合同与结算): the API of contracts, steps,
//! settlements, invoices, statements and ledgers. (Pages come next.)

pub mod api;

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> crate::api::ApiRoutes {
    api::routes()
}
