//! `/contracts/{id}`: one contract: where it stands and what its next step
//! lacks, its terms, versions and steps, the agents on its stores with
//! their training and assessments, its invoices, and for managers the
//! forms of the next steps (see [`super::forms`]). `/contracts/{id}/print`
//! is the printable summary (the browser prints it to PDF);
//! `/contracts/{id}/toml` the contract file of §5.

use super::terms_text::{rows, state_label};
use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::state::AppState;
use crate::table::attachment;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kefu_access::Action;
use kefu_app::contracts::agents::Readiness;
use kefu_app::contracts::{ContractView, InvoiceView, date_of, today};
use kefu_contract::State as ContractState;
use kefu_contract::lifecycle::STATES;
use kefu_domain::Lang;
use serde::Deserialize;

/// A step as the page shows it.
pub struct StepLine {
    from: String,
    to: String,
    on: String,
    by: String,
    reason: String,
}

/// An invoice of the contract as the page lists it.
pub struct InvoiceLine {
    /// Its number.
    pub number: String,
    /// `YYYY-MM`.
    pub month: String,
    /// Invoice, credit or debit note.
    pub kind: &'static str,
    /// Draft or issued.
    pub status: &'static str,
    /// With tax.
    pub gross: String,
    /// Who confirmed the statement, `—` before.
    pub confirmed_by: String,
}

impl InvoiceLine {
    /// The line of an invoice in a language.
    pub fn of(i: &InvoiceView, lang: Lang) -> InvoiceLine {
        InvoiceLine {
            number: i.number.clone(),
            month: i.month.clone(),
            kind: super::invoices::kind_label(&i.kind, lang),
            status: super::invoices::status_label(&i.status, lang),
            gross: i.gross.clone(),
            confirmed_by: i.confirmed_by.clone().unwrap_or_else(|| "—".into()),
        }
    }
}

/// An agent on a store as the page shows them.
pub struct AgentLine {
    store: String,
    agent: String,
    account: String,
    team: String,
    role: String,
    trainings: String,
    assessment: String,
    passed: bool,
}

#[derive(Template)]
#[template(path = "contracts/contract.html")]
struct ContractPage {
    c: Chrome,
    v: ContractView,
    state: String,
    missing: Vec<String>,
    terms: Vec<(String, String)>,
    steps: Vec<StepLine>,
    agents: Vec<AgentLine>,
    invoices: Vec<InvoiceLine>,
    manage: bool,
    declare: bool,
    last_month: String,
    states: Vec<(String, String)>,
    next: String,
    today: String,
    notice: String,
    error: String,
    id_href: String,
    ledger_href: String,
    reports: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "contracts/print.html")]
struct PrintPage {
    c: Chrome,
    v: ContractView,
    terms: Vec<(String, String)>,
    confidentiality: String,
    force_majeure: String,
    state: String,
    id_href: String,
}

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What the last form did.
    done: Option<String>,
}

fn label(state: &str, lang: Lang) -> String {
    ContractState::parse(state)
        .map(|s| state_label(s, lang))
        .unwrap_or_else(|| state.to_string())
}

fn agent_line(r: &Readiness, lang: Lang) -> AgentLine {
    let a = &r.agent;
    AgentLine {
        store: a.store.clone(),
        agent: a.agent.clone(),
        account: a.account.clone(),
        team: a.team.clone().unwrap_or_default(),
        role: kefu_contract::SeatRole::parse(&a.role)
            .map(|s| lang.t(s.zh(), s.as_str()).to_string())
            .unwrap_or_else(|| a.role.clone()),
        trainings: r
            .trainings
            .iter()
            .map(|t| format!("{} {}", date_of(t.on_day), t.topic))
            .collect::<Vec<_>>()
            .join("；"),
        assessment: r
            .assessment
            .as_ref()
            .map(|x| format!("{} / {} ({})", x.score, x.pass_mark, date_of(x.on_day)))
            .unwrap_or_else(|| "—".into()),
        passed: r.passed(),
    }
}

/// The page of contract `id`, with a form's notice or error.
pub async fn contract_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    notice: String,
    error: String,
) -> Result<Response, AppError> {
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let v = gate.contract(id).await?;
    let loaded = gate.load_contract(id).await?;
    let agents = gate.agent_readiness(&v.stores).await?;
    let invoices = gate
        .invoices(Some(&v.client), None)
        .await?
        .into_iter()
        .filter(|i| i.contract == v.id)
        .map(|i| InvoiceLine::of(&i, l))
        .collect();
    let p = ContractPage {
        c: viewer.chrome(format!("{} {}", l.t("合同", "Contract"), v.id), "contracts"),
        state: label(&v.state, l),
        missing: match l {
            Lang::Zh => v.missing_zh.clone(),
            Lang::En => v.missing_en.clone(),
        },
        terms: rows(loaded.latest(), l),
        steps: v
            .steps
            .iter()
            .map(|s| StepLine {
                from: if s.from.is_empty() {
                    l.t("导入", "import").to_string()
                } else {
                    label(&s.from, l)
                },
                to: label(&s.to, l),
                on: s.on.clone(),
                by: s.by.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        agents: agents.iter().map(|r| agent_line(r, l)).collect(),
        invoices,
        manage: viewer.scope.may(Action::ManageContracts),
        declare: v.declares_sales
            && (viewer.scope.may(Action::Bill) || viewer.scope.may(Action::ConfirmStatement)),
        last_month: kefu_contract::Month::of(today()).previous().to_string(),
        states: STATES
            .iter()
            .map(|s| (s.as_str().to_string(), state_label(*s, l)))
            .collect(),
        next: v.next_state.clone().unwrap_or_default(),
        today: today().to_string(),
        notice,
        error: error.clone(),
        id_href: url_encode(&v.id),
        ledger_href: format!("/ledger/{}", url_encode(&v.client)),
        reports: v
            .stores
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    format!("/reports/monthly?store={}", url_encode(s)),
                )
            })
            .collect(),
        v,
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, render(&p)?).into_response())
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    contract_page(
        &state,
        &viewer,
        &id,
        q.done.unwrap_or_default(),
        String::new(),
    )
    .await
}

/// The printable summary.
pub async fn print(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let v = gate.contract(&id).await?;
    let loaded = gate.load_contract(&id).await?;
    let t = loaded.latest();
    let p = PrintPage {
        c: viewer.chrome(
            format!("{} {}", l.t("合同摘要", "Contract summary"), v.id),
            "contracts",
        ),
        terms: rows(t, l),
        confidentiality: t.confidentiality.clone(),
        force_majeure: t.force_majeure.clone(),
        state: label(&v.state, l),
        id_href: url_encode(&v.id),
        v,
    };
    Ok(render(&p)?.into_response())
}

/// The contract file (TOML of §5), every version.
pub async fn toml(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let text = viewer.gate(&state).contract_export(Some(&id)).await?;
    Ok((
        [
            (CONTENT_TYPE, "application/toml; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, attachment(&format!("{id}.toml"))),
        ],
        text,
    )
        .into_response())
}
