//! The contracts and billing API (spec `contracts.md`): contracts, their
//! steps, invoices, notes, statements and ledgers, through the same
//! [`kefu_app::Gate`] as the pages and the CLI. A client sees only their
//! own company's; anything else is 404.

use crate::api::ApiRoutes;
use crate::auth::Viewer;
use crate::error::{ApiError, AppError, ReadErrors};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use kefu_app::contracts::declare::Declared;
use kefu_app::contracts::settle::SettleSummary;
use kefu_app::contracts::terms::ImportSummary;
use kefu_app::contracts::{
    ContractView, InvoiceView, LedgerView, parse_date, parse_month, parse_party, parse_yuan, today,
};
use kefu_contract::{EntryKind, State as ContractState};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The routes of these endpoints.
pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
        .get("/contracts", contracts)
        .post("/contracts", import)
        .get("/contracts/{id}", contract)
        .post("/contracts/{id}/advance", advance)
        .post("/contracts/{id}/notice", notice)
        .post("/contracts/{id}/end", end)
        .post("/contracts/{id}/declarations", declare)
        .post("/settlements", settle)
        .get("/invoices", invoices)
        .get("/invoices/{number}", invoice)
        .post("/invoices/{number}/issue", issue)
        .post("/invoices/{number}/notes", note)
        .post("/invoices/{number}/confirmation", confirm)
        .post("/invoices/{number}/disputes", dispute)
        .get("/ledgers/{client}", ledger)
        .post("/ledgers/{client}/entries", record)
}

fn csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), AppError> {
    viewer.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

fn on(text: &Option<String>) -> Result<jiff::civil::Date, AppError> {
    match text.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(d) => Ok(parse_date("on", d)?),
        None => Ok(today()),
    }
}

/// The contracts the caller may see.
#[utoipa::path(get, path = "/contracts", responses(
    (status = 200, description = "The contracts", body = Vec<ContractView>), ReadErrors))]
pub async fn contracts(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<Vec<ContractView>>, ApiError> {
    Ok(Json(viewer.gate(&state).contracts().await?))
}

/// Imports a contract file: the request body is the TOML of contracts.md §5.
#[utoipa::path(post, path = "/contracts", request_body(content = String, content_type = "application/toml"),
    responses((status = 200, description = "What the import did", body = ImportSummary),
    (status = 400, description = "The file does not read: where and why"), ReadErrors))]
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: String,
) -> Result<Json<ImportSummary>, ApiError> {
    csrf(&viewer, &headers)?;
    Ok(Json(viewer.gate(&state).contract_import(&body).await?))
}

/// One contract with its state, what its next step lacks, and its steps.
#[utoipa::path(get, path = "/contracts/{id}", params(("id" = String, Path, description = "The contract")),
    responses((status = 200, description = "The contract", body = ContractView), ReadErrors))]
pub async fn contract(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ContractView>, ApiError> {
    Ok(Json(viewer.gate(&state).contract(&id).await?))
}

/// Sales declared for a month.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeclareBody {
    /// `YYYY-MM`.
    pub month: String,
    /// Yuan, e.g. `120000.00`.
    pub sales: String,
}

/// Declares a month's sales for a commission on declared sales (the
/// client of the contract, or the provider); a settled month's draft is
/// recomputed; 409 once its invoice is issued.
#[utoipa::path(post, path = "/contracts/{id}/declarations", params(("id" = String, Path, description = "The contract")),
    request_body = DeclareBody, responses((status = 200, description = "The declaration", body = Declared),
    (status = 409, description = "The month's invoice is issued"), ReadErrors))]
pub async fn declare(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<DeclareBody>,
) -> Result<Json<Declared>, ApiError> {
    csrf(&viewer, &headers)?;
    let month = parse_month("month", &b.month)?;
    let sales = parse_yuan("sales", &b.sales)?;
    Ok(Json(
        viewer.gate(&state).declare_sales(&id, month, sales).await?,
    ))
}

/// A step of a contract's life.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StepBody {
    /// The state to go to (`advance`).
    pub state: Option<String>,
    /// The day of the step, YYYY-MM-DD (default today).
    pub on: Option<String>,
    /// Who gives notice or ends: `client` or `provider` (default client).
    pub by: Option<String>,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// Moves a contract to its next state; refused (409) with the reasons.
#[utoipa::path(post, path = "/contracts/{id}/advance", params(("id" = String, Path, description = "The contract")),
    request_body = StepBody, responses((status = 200, description = "The contract after the step", body = ContractView),
    (status = 409, description = "Refused, with every reason"), ReadErrors))]
pub async fn advance(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<StepBody>,
) -> Result<Json<ContractView>, ApiError> {
    csrf(&viewer, &headers)?;
    let text = b.state.clone().unwrap_or_default();
    let to = ContractState::parse(&text)
        .ok_or_else(|| AppError::BadRequest(format!("state: '{text}' is not a contract state")))?;
    Ok(Json(
        viewer
            .gate(&state)
            .contract_advance(&id, to, on(&b.on)?, &b.reason)
            .await?,
    ))
}

/// Written notice: the contract ends notice_days later.
#[utoipa::path(post, path = "/contracts/{id}/notice", params(("id" = String, Path, description = "The contract")),
    request_body = StepBody, responses((status = 200, description = "The contract, ending", body = ContractView),
    (status = 409, description = "Refused"), ReadErrors))]
pub async fn notice(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<StepBody>,
) -> Result<Json<ContractView>, ApiError> {
    csrf(&viewer, &headers)?;
    let by = parse_party(b.by.as_deref().unwrap_or(""))?;
    Ok(Json(
        viewer
            .gate(&state)
            .contract_notice(&id, on(&b.on)?, by, &b.reason)
            .await?,
    ))
}

/// Ends a contract now (a trial cancellation in the trial, else a breach).
#[utoipa::path(post, path = "/contracts/{id}/end", params(("id" = String, Path, description = "The contract")),
    request_body = StepBody, responses((status = 200, description = "The contract, ended", body = ContractView),
    (status = 409, description = "Refused"), ReadErrors))]
pub async fn end(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<StepBody>,
) -> Result<Json<ContractView>, ApiError> {
    csrf(&viewer, &headers)?;
    let by = parse_party(b.by.as_deref().unwrap_or(""))?;
    Ok(Json(
        viewer
            .gate(&state)
            .contract_end(&id, on(&b.on)?, by, &b.reason)
            .await?,
    ))
}

/// The month to settle.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SettleBody {
    /// YYYY-MM.
    pub month: String,
}

/// Settles a month (`kefu settle --month`).
#[utoipa::path(post, path = "/settlements", request_body = SettleBody,
    responses((status = 200, description = "What settling did", body = SettleSummary), ReadErrors))]
pub async fn settle(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(b): Json<SettleBody>,
) -> Result<Json<SettleSummary>, ApiError> {
    csrf(&viewer, &headers)?;
    let month = parse_month("month", &b.month)?;
    Ok(Json(viewer.gate(&state).settle(month).await?))
}

/// The query of `/invoices`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceParams {
    /// Only this client's.
    pub client: Option<String>,
    /// Only this month's, YYYY-MM.
    pub month: Option<String>,
}

/// Invoices and notes the caller may see.
#[utoipa::path(get, path = "/invoices", params(InvoiceParams),
    responses((status = 200, description = "The invoices", body = Vec<InvoiceView>), ReadErrors))]
pub async fn invoices(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<InvoiceParams>,
) -> Result<Json<Vec<InvoiceView>>, ApiError> {
    let client = q.client.filter(|c| !c.is_empty());
    let month = q.month.filter(|m| !m.is_empty());
    Ok(Json(
        viewer
            .gate(&state)
            .invoices(client.as_deref(), month.as_deref())
            .await?,
    ))
}

/// One invoice or note.
#[utoipa::path(get, path = "/invoices/{number}", params(("number" = String, Path, description = "Its number")),
    responses((status = 200, description = "The invoice", body = InvoiceView), ReadErrors))]
pub async fn invoice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(number): Path<String>,
) -> Result<Json<InvoiceView>, ApiError> {
    Ok(Json(viewer.gate(&state).invoice(&number).await?))
}

/// The day of issue.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct IssueBody {
    /// YYYY-MM-DD (default today).
    pub on: Option<String>,
}

/// Issues a draft: it never changes again and enters the ledger.
#[utoipa::path(post, path = "/invoices/{number}/issue", params(("number" = String, Path, description = "Its number")),
    request_body = IssueBody, responses((status = 200, description = "The issued invoice", body = InvoiceView),
    (status = 409, description = "Issued already, or a line is disputed"), ReadErrors))]
pub async fn issue(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(b): Json<IssueBody>,
) -> Result<Json<InvoiceView>, ApiError> {
    csrf(&viewer, &headers)?;
    Ok(Json(
        viewer
            .gate(&state)
            .invoice_issue(&number, on(&b.on)?)
            .await?,
    ))
}

/// A credit or debit note.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NoteBody {
    /// `credit` or `debit`.
    pub kind: String,
    /// Yuan, e.g. "100.00".
    pub amount: String,
    /// Why.
    pub reason: String,
}

/// A credit or debit note correcting an issued invoice.
#[utoipa::path(post, path = "/invoices/{number}/notes", params(("number" = String, Path, description = "The invoice corrected")),
    request_body = NoteBody, responses((status = 200, description = "The note", body = InvoiceView), ReadErrors))]
pub async fn note(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(b): Json<NoteBody>,
) -> Result<Json<InvoiceView>, ApiError> {
    csrf(&viewer, &headers)?;
    let credit = match b.kind.as_str() {
        "credit" => true,
        "debit" => false,
        other => {
            return Err(
                AppError::BadRequest(format!("kind: '{other}' is not credit or debit")).into(),
            );
        }
    };
    let amount = parse_yuan("amount", &b.amount)?;
    Ok(Json(
        viewer
            .gate(&state)
            .invoice_note(&number, credit, amount, &b.reason)
            .await?,
    ))
}

/// The client confirms the month's statement (对账单) of a draft.
#[utoipa::path(post, path = "/invoices/{number}/confirmation", params(("number" = String, Path, description = "The draft")),
    responses((status = 200, description = "Confirmed", body = InvoiceView), (status = 403, description = "Not a client"), ReadErrors))]
pub async fn confirm(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Json<InvoiceView>, ApiError> {
    csrf(&viewer, &headers)?;
    Ok(Json(viewer.gate(&state).statement_confirm(&number).await?))
}

/// A dispute of a line.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisputeBody {
    /// The line, from 0.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// The client disputes a line of a draft.
#[utoipa::path(post, path = "/invoices/{number}/disputes", params(("number" = String, Path, description = "The draft")),
    request_body = DisputeBody, responses((status = 200, description = "Disputed", body = InvoiceView), ReadErrors))]
pub async fn dispute(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(number): Path<String>,
    Json(b): Json<DisputeBody>,
) -> Result<Json<InvoiceView>, ApiError> {
    csrf(&viewer, &headers)?;
    Ok(Json(
        viewer
            .gate(&state)
            .statement_dispute(&number, b.line, &b.reason)
            .await?,
    ))
}

/// A client's ledger with the balance after each entry.
#[utoipa::path(get, path = "/ledgers/{client}", params(("client" = String, Path, description = "The client company")),
    responses((status = 200, description = "The ledger", body = LedgerView), ReadErrors))]
pub async fn ledger(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(client): Path<String>,
) -> Result<Json<LedgerView>, ApiError> {
    Ok(Json(viewer.gate(&state).ledger(&client).await?))
}

/// A payment or deposit received.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EntryBody {
    /// `payment` or `deposit_received`.
    pub kind: String,
    /// Yuan.
    pub amount: String,
    /// YYYY-MM-DD (default today).
    pub on: Option<String>,
    /// The contract it is for.
    pub contract: Option<String>,
}

/// Records a payment or a deposit received.
#[utoipa::path(post, path = "/ledgers/{client}/entries", params(("client" = String, Path, description = "The client company")),
    request_body = EntryBody, responses((status = 200, description = "The ledger after it", body = LedgerView), ReadErrors))]
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(client): Path<String>,
    Json(b): Json<EntryBody>,
) -> Result<Json<LedgerView>, ApiError> {
    csrf(&viewer, &headers)?;
    let kind = EntryKind::parse(&b.kind).ok_or_else(|| {
        AppError::BadRequest(format!(
            "kind: '{}' is not payment or deposit_received",
            b.kind
        ))
    })?;
    let amount = parse_yuan("amount", &b.amount)?;
    let contract = b.contract.filter(|c| !c.is_empty());
    Ok(Json(
        viewer
            .gate(&state)
            .ledger_record(&client, kind, amount, on(&b.on)?, contract.as_deref())
            .await?,
    ))
}
