//! `/contracts`: every contract the viewer may see with where it stands and
//! what its next step lacks; for managers the import of a contract file
//! (the TOML of `contracts.md` §5: a new contract, or a new version of one)
//! and the settlement of a month.

use super::terms_text::state_label;
use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::contracts::{ContractView, parse_month};
use kefu_contract::{Month, State as ContractState};
use serde::Deserialize;
use std::collections::HashMap;

/// A new contract to start from: the spec's example, shortened.
const TEMPLATE: &str = r#"[[client]]
name = "某某旗舰店有限公司"
stores = ["dy-1001"]

[[contract]]
id = "HT-2026-001"
client = "某某旗舰店有限公司"
type = "outsourcing"
stores = ["dy-1001"]
start = "2026-12-01"
end = "2027-11-30"
service_hours = "08:00-24:00"
annual_base_fee = "24000.00"
deposit = { amount = "10000.00", kind = "advance" }
targets = { first_response_s = 20, avg_response_s = 25 }
seats = [ { role = "presale", count = 3, from = "2026-12-01" } ]

[[contract.charge]]
kind = "seat"
role = "presale"
monthly_price = "4500.00"
"#;

/// One row of the list.
struct Line {
    v: ContractView,
    href: String,
    state: String,
    missing: Vec<String>,
}

#[derive(Template)]
#[template(path = "contracts/list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<Line>,
    manage: bool,
    bill: bool,
    text: String,
    month: String,
    notice: String,
    error: String,
}

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// What the last form did.
    done: Option<String>,
    /// A contract to change: the form starts from its terms as a new
    /// version.
    change: Option<String>,
}

async fn page_of(
    state: &AppState,
    viewer: &Viewer,
    text: Option<String>,
    notice: String,
    error: String,
) -> Result<ListPage, AppError> {
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let lines = gate
        .contracts()
        .await?
        .into_iter()
        .map(|v| Line {
            href: format!("/contracts/{}", url_encode(&v.id)),
            state: ContractState::parse(&v.state)
                .map(|s| state_label(s, l))
                .unwrap_or_else(|| v.state.clone()),
            missing: match l {
                kefu_domain::Lang::Zh => v.missing_zh.clone(),
                kefu_domain::Lang::En => v.missing_en.clone(),
            },
            v,
        })
        .collect();
    let today = kefu_app::contracts::today();
    Ok(ListPage {
        c: viewer.chrome(l.t("合同", "Contracts").to_string(), "contracts"),
        lines,
        manage: viewer.scope.may(Action::ManageContracts),
        bill: viewer.scope.may(Action::Bill),
        text: text.unwrap_or_else(|| TEMPLATE.to_string()),
        month: Month::of(today).previous().to_string(),
        notice,
        error,
    })
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let notice = q.done.unwrap_or_default();
    let text = match q.change.as_deref() {
        Some(id) => Some(viewer.gate(&state).contract_change_file(id).await?),
        None => None,
    };
    let p = page_of(&state, &viewer, text, notice, String::new()).await?;
    Ok(render(&p)?.into_response())
}

/// A refusal shown on the page again with what was typed (400/409), or
/// the error itself.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    text: Option<String>,
    e: kefu_app::Error,
) -> Result<Response, AppError> {
    let status = match &e {
        kefu_app::Error::Invalid { .. } => StatusCode::BAD_REQUEST,
        kefu_app::Error::Conflict { .. } => StatusCode::CONFLICT,
        _ => return Err(e.into()),
    };
    let p = page_of(state, viewer, text, String::new(), e.text(viewer.lang)).await?;
    Ok((status, render(&p)?).into_response())
}

/// Imports the form's contract file.
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let text = form.get("text").cloned().unwrap_or_default();
    match viewer.gate(&state).contract_import(&text).await {
        Ok(s) => {
            let l = viewer.lang;
            let done = format!(
                "{} {}；{} {}；{} {}",
                l.t("新合同", "created"),
                s.created.join(", "),
                l.t("新版本", "new versions"),
                s.versions.join(", "),
                l.t("未变", "unchanged"),
                s.unchanged.join(", "),
            );
            let to = match s.created.first().or(s.versions.first()) {
                Some(id) if s.created.len() + s.versions.len() == 1 => {
                    let id = id.split('@').next().unwrap_or(id);
                    format!("/contracts/{}?done={}", url_encode(id), url_encode(&done))
                }
                _ => format!("/contracts?done={}", url_encode(&done)),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => refused(&state, &viewer, Some(text), e).await,
    }
}

/// Settles the form's month (`kefu settle --month`).
pub async fn settle(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let text = form.get("month").cloned().unwrap_or_default();
    let month = match parse_month("month", &text) {
        Ok(m) => m,
        Err(e) => return refused(&state, &viewer, None, e).await,
    };
    match viewer.gate(&state).settle(month).await {
        Ok(s) => {
            let l = viewer.lang;
            let mut done = format!(
                "{} {}：{} {}，{} {}，{} {}",
                month,
                l.t("已结算", "settled"),
                l.t("新草稿", "drafted"),
                s.drafted.len(),
                l.t("重算", "recomputed"),
                s.recomputed.len(),
                l.t("已开具未改", "issued, unchanged"),
                s.issued.len()
            );
            if !s.refused.is_empty() {
                done.push_str(&format!(
                    "；{} {}",
                    l.t("未能结算", "refused"),
                    s.refused.join("; ")
                ));
            }
            let to = format!("/invoices?month={month}&done={}", url_encode(&done));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) => refused(&state, &viewer, None, e).await,
    }
}
