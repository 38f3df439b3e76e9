//! The quality-inspection capability (质检): the overview, findings,
//! report, review queue, session review page, appeals, rules and
//! scorecard (pages),
//! and the findings, scores, report, sessions, reviews and appeals
//! endpoints of the API.

pub mod answers;
pub mod api;
pub mod card;
pub mod pages;
pub mod report;
pub mod report_answer;
pub mod rules;
pub mod scorecard;
pub mod session;

use crate::auth::Viewer;
use crate::state::AppState;
use crate::view::NavItem;
use axum::Router;
use axum::routing::{get, post};
use kefu_access::Action;

/// The pages of the capability.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/qa", get(pages::overview))
        .route("/qa/findings", get(pages::findings))
        .route("/qa/report", get(report::page))
        .route("/qa/queue", get(pages::queue).post(pages::draw))
        .route("/qa/appeals", get(pages::appeals))
        .route("/qa/sessions/{conv}/{start}", get(session::page))
        .route("/qa/sessions/{conv}/{start}/review", post(session::review))
        .route("/qa/sessions/{conv}/{start}/appeal", post(session::appeal))
        .route(
            "/qa/sessions/{conv}/{start}/appeals/{id}/decide",
            post(session::decide),
        )
        .route("/qa/rules", get(rules::page).post(rules::save))
        .route("/qa/rules/run", post(rules::run))
        .route("/qa/rules/try", post(rules::try_draft))
        .route("/qa/scorecard", get(scorecard::page).post(scorecard::save))
}

/// The API endpoints of the capability (under `/api/v1`).
pub fn api_routes() -> crate::api::ApiRoutes {
    api::routes().get("/qa/report", report::api_report)
}

/// The menu entries: inspection, findings and the report for everyone; the queue and
/// the rules for inspectors and managers; appeals for those who appeal or
/// decide.
pub fn menu(viewer: &Viewer) -> Vec<NavItem> {
    let l = viewer.lang;
    let scope = &viewer.scope;
    let mut out = vec![
        NavItem::new("/qa", l.t("质检", "QA"), "qa"),
        NavItem::new("/qa/findings", l.t("质检问题", "Findings"), "qa-findings"),
        NavItem::new("/qa/report", l.t("质检报表", "QA report"), "qa-report"),
    ];
    if scope.may(Action::Review) {
        out.push(NavItem::new(
            "/qa/queue",
            l.t("抽检队列", "Review queue"),
            "qa-queue",
        ));
    }
    if scope.may(Action::Review) || scope.may(Action::Appeal) {
        out.push(NavItem::new(
            "/qa/appeals",
            l.t("申诉", "Appeals"),
            "qa-appeals",
        ));
    }
    if scope.may(Action::EditQaRules) {
        out.push(NavItem::new(
            "/qa/rules",
            l.t("质检规则", "QA rules"),
            "qa-rules",
        ));
    }
    out
}
