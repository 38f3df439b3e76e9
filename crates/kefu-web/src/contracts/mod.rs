//! Contracts and billing (合同与结算), spec `contracts.md`: the contract
//! list with the import and settlement forms, each contract's page with
//! its steps' forms and what the next step lacks, the printable contract
//! summary, invoices with the client's confirmation and disputes, the
//! client ledger, the monthly service report of a store; and the API of
//! all of it. Pages and API call the same [`kefu_app::Gate`] methods.

pub mod api;
pub mod contract;
pub mod forms;
pub mod invoices;
pub mod ledger;
pub mod list;
pub mod report;
pub mod terms_text;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::{get, post};
use kefu_access::Action;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/contracts", get(list::page))
        .route("/contracts/import", post(list::import))
        .route("/contracts/settle", post(list::settle))
        .route("/contracts/{id}", get(contract::page))
        .route("/contracts/{id}/print", get(contract::print))
        .route("/contracts/{id}/toml", get(contract::toml))
        .route("/contracts/{id}/advance", post(forms::advance))
        .route("/contracts/{id}/notice", post(forms::notice))
        .route("/contracts/{id}/end", post(forms::end))
        .route("/contracts/{id}/agents", post(forms::agent))
        .route("/contracts/{id}/declare", post(forms::declare))
        .route("/invoices", get(invoices::list))
        .route("/invoices/{number}", get(invoices::page))
        .route("/invoices/{number}/{action}", post(invoices::act))
        .route("/ledger", get(ledger::own))
        .route("/ledger/{client}", get(ledger::page).post(ledger::record))
        .route("/reports/monthly", get(report::page))
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> crate::api::ApiRoutes {
    api::routes().get("/reports/monthly", report::api_report)
}

/// The menu entries: contracts, invoices, the ledger and the monthly
/// report for those who read contracts (managers and clients).
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    let l = viewer.lang;
    if !viewer.scope.may(Action::ReadContracts) {
        return Vec::new();
    }
    vec![
        NavItem::new("/contracts", l.t("合同", "Contracts"), "contracts"),
        NavItem::new("/invoices", l.t("账单", "Invoices"), "invoices"),
        NavItem::new("/ledger", l.t("往来账", "Ledger"), "ledger"),
        NavItem::new(
            "/reports/monthly",
            l.t("服务月报", "Monthly report"),
            "monthly-report",
        ),
    ]
}
