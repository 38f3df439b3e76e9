//! The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`,
//! generated from the handlers' `#[utoipa::path]` attributes and their
//! request and answer types: the document cannot drift from the code, and
//! a test checks that every route of [`crate::api::routes`] is in it.

use crate::contracts::api as contracts;
use crate::error::ErrorBody;
use crate::import::api as import;
use crate::import::ingest::{Conflict, Outcome, RecordError};
use crate::kpi::answers::{
    AgentAnswer, ConversationAnswer, FigureValue, KpiRow, MessageAnswer, OrderAnswer, RatingAnswer,
    RoundAnswer, SessionAnswer, StoreAnswer,
};
use crate::kpi::api as kpi;
use crate::qa::answers::{
    AppealAnswer, AppealBody, Created, DecisionBody, FindingAnswer, QaSessionAnswer, ReviewAnswer,
    ReviewBody, ReviewItemAnswer, ScoreAnswer,
};
use crate::qa::api as qa;
use crate::qa::report as qa_report;
use crate::qa::report_answer::{
    ReportAnswer, ReportRowAnswer, RuleCountAnswer, ScoreBucketAnswer, WorstAnswer,
};
use crate::wfm::answers as wfm_answers;
use crate::wfm::api as wfm;
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "kefu API",
        description = "Service KPIs (spec kpi.md), stores, agents, sessions and transcripts, ingestion of chat logs, orders and ratings, and quality inspection (spec qa.md): findings, scores, reviews, appeals and the report; contracts and billing (spec contracts.md): contracts and their steps, settlements, invoices and notes, statements and ledgers; workforce planning (spec wfm.md): staffing, forecasts, stored rosters and rosters planned from the database, adherence, promotion surges and their calendar, the planning settings. Every answer is limited to what the caller may see; anything else is 404."
    ),
    servers((url = "/api/v1")),
    security(("bearer" = []), ("session" = [])),
    paths(
        document,
        kpi::kpi,
        kpi::stores,
        kpi::store_one,
        kpi::agents,
        kpi::sessions,
        kpi::conversation,
        import::ingest_messages,
        import::ingest_orders,
        import::ingest_ratings,
        qa::findings,
        qa::scores,
        qa::session,
        qa::review,
        qa::appeals,
        qa::appeal,
        qa::decide,
        qa_report::api_report,
        contracts::contracts,
        crate::contracts::report::api_report,
        crate::wfm::api_erlang,
        crate::wfm::forecast::api_forecast,
        wfm::rosters,
        wfm::plan,
        wfm::roster,
        wfm::adherence,
        wfm::surge,
        wfm::promotions,
        wfm::set_promotion,
        wfm::settings,
        contracts::import,
        contracts::contract,
        contracts::advance,
        contracts::notice,
        contracts::end,
        contracts::declare,
        contracts::settle,
        contracts::invoices,
        contracts::invoice,
        contracts::issue,
        contracts::note,
        contracts::confirm,
        contracts::dispute,
        contracts::ledger,
        contracts::record,
    ),
    components(schemas(
        KpiRow,
        FigureValue,
        StoreAnswer,
        AgentAnswer,
        SessionAnswer,
        ConversationAnswer,
        MessageAnswer,
        RoundAnswer,
        OrderAnswer,
        RatingAnswer,
        Outcome,
        Conflict,
        RecordError,
        ErrorBody,
        import::MessageRecord,
        import::OrderRecord,
        import::RatingRecord,
        FindingAnswer,
        ScoreAnswer,
        QaSessionAnswer,
        ReviewAnswer,
        ReviewItemAnswer,
        AppealAnswer,
        ReviewBody,
        AppealBody,
        DecisionBody,
        Created,
        ReportAnswer,
        ReportRowAnswer,
        RuleCountAnswer,
        ScoreBucketAnswer,
        WorstAnswer,
        kefu_app::contracts::ContractView,
        kefu_app::contracts::StepView,
        kefu_app::contracts::InvoiceView,
        kefu_app::contracts::LineView,
        kefu_app::contracts::DisputeView,
        kefu_app::contracts::LedgerView,
        kefu_app::contracts::LedgerEntryView,
        kefu_app::contracts::terms::ImportSummary,
        kefu_app::contracts::settle::SettleSummary,
        contracts::StepBody,
        contracts::SettleBody,
        contracts::IssueBody,
        contracts::NoteBody,
        contracts::DisputeBody,
        contracts::EntryBody,
        kefu_app::wfm::Staffing,
        kefu_app::wfm::ForecastView,
        kefu_app::wfm::ForecastRow,
        kefu_app::wfm_adherence::AdherenceRow,
        kefu_app::wfm_surge::SurgeView,
        kefu_app::wfm_surge::SurgeRow,
        kefu_app::wfm_plan::Promotion,
        wfm_answers::RosterJson,
        wfm_answers::AssignmentAnswer,
        wfm_answers::CoverageAnswer,
        wfm_answers::HoursAnswer,
        wfm_answers::GapAnswer,
        wfm_answers::RosterItem,
        wfm_answers::RosterCreated,
        wfm_answers::SettingsAnswer,
        wfm::PlanBody,
        wfm::PromotionBody,
    )),
    modifiers(&SecuritySchemes)
)]
pub struct ApiDoc;

/// Adds the two ways to authenticate: an API token or a browser session.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API token (kefu token add)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "kefu_session",
                "a browser session; writes also need the X-CSRF-Token header",
            ))),
        );
    }
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", security(()), responses(
    (status = 200, description = "The OpenAPI document of the API"),
))]
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
