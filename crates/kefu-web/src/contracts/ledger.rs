//! `/ledger/{client}`: a client company's statement (往来账): invoices,
//! notes, payments, deposits and base fees with the balance and the
//! deposits held after each entry, as a table and as XLSX/CSV; for the
//! provider, the form that records a payment or a deposit received.
//! `/ledger` is the client's own statement, or for the provider the client
//! companies with contracts: their stores, contracts and where each
//! stands, portal accounts (for admins) and balances.

use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::contracts::{ContractView, LedgerView, parse_date, parse_yuan, today};
use kefu_contract::EntryKind;
use kefu_domain::Lang;
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

/// The query of the page.
#[derive(Debug, Default, Deserialize)]
pub struct LedgerQuery {
    /// `csv` or `xlsx`.
    format: Option<String>,
    /// What the last form did.
    done: Option<String>,
}

/// A client company as the provider's list shows it.
pub struct ClientLine {
    name: String,
    href: String,
    stores: String,
    contracts: String,
    accounts: String,
    balance: String,
    held: String,
}

#[derive(Template)]
#[template(path = "contracts/ledger.html")]
struct LedgerPage {
    c: Chrome,
    clients: Vec<ClientLine>,
    show_accounts: bool,
    ledger: Option<LedgerView>,
    table: Table,
    contracts: Vec<String>,
    bill: bool,
    today: String,
    notice: String,
    error: String,
    href: String,
}

fn money(text: &str) -> Cell {
    Cell::number(format!("¥{text}"), text.parse::<f64>().ok())
}

fn table(v: &LedgerView, lang: Lang, path: &str) -> Table {
    let rows = v
        .entries
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.date.clone()),
                Cell::text(lang.t(&e.kind_zh, &e.kind).to_string()),
                Cell::text(e.contract.clone().unwrap_or_default()),
                match &e.refers_to {
                    Some(n) => Cell::link(n.clone(), format!("/invoices/{}", url_encode(n))),
                    None => Cell::text(""),
                },
                money(&e.amount),
                money(&e.balance),
                money(&e.held),
                Cell::text(e.note.clone()),
            ]
        })
        .collect();
    let heads = [
        ("日期", "Date", false),
        ("类别", "Kind", false),
        ("合同", "Contract", false),
        ("单据", "Document", false),
        ("金额", "Amount", true),
        ("应收余额", "Balance owed", true),
        ("押金余额", "Deposits held", true),
        ("说明", "Note", false),
    ];
    Table::of(format!("ledger-{}", v.client), &heads, lang, rows).with_exports(path)
}

/// The client's own ledger, or the provider's list of clients.
pub async fn own(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    if let Some(client) = viewer.scope.client.clone() {
        return Ok(Redirect::to(&format!("/ledger/{}", url_encode(&client))).into_response());
    }
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let contracts = gate.contracts().await?;
    let names: BTreeSet<String> = contracts.iter().map(|c| c.client.clone()).collect();
    // Portal accounts are shown to those who administer users.
    let show_accounts = viewer.scope.may(Action::Administer);
    let users = if show_accounts {
        gate.users().await?
    } else {
        Vec::new()
    };
    let mut clients = Vec::new();
    for name in names {
        let own: Vec<&ContractView> = contracts.iter().filter(|c| c.client == name).collect();
        let mut stores: Vec<&str> = own
            .iter()
            .flat_map(|c| c.stores.iter().map(String::as_str))
            .collect();
        stores.sort_unstable();
        stores.dedup();
        let ledger = gate.ledger(&name).await?;
        clients.push(ClientLine {
            href: format!("/ledger/{}", url_encode(&name)),
            stores: stores.join("、"),
            contracts: own
                .iter()
                .map(|c| format!("{} {}", c.id, l.t(&c.state_zh, &c.state)))
                .collect::<Vec<_>>()
                .join("；"),
            accounts: users
                .iter()
                .filter(|u| u.client.as_deref() == Some(name.as_str()))
                .map(|u| u.username.clone())
                .collect::<Vec<_>>()
                .join("、"),
            balance: ledger.balance,
            held: ledger.held,
            name,
        });
    }
    let p = LedgerPage {
        c: viewer.chrome(
            l.t("甲方与往来账", "Clients and ledgers").to_string(),
            "ledger",
        ),
        clients,
        show_accounts,
        ledger: None,
        table: Table::default(),
        contracts: Vec::new(),
        bill: false,
        today: String::new(),
        notice: String::new(),
        error: String::new(),
        href: String::new(),
    };
    Ok(render(&p)?.into_response())
}

async fn ledger_page(
    state: &AppState,
    viewer: &Viewer,
    client: &str,
    q: LedgerQuery,
    error: String,
) -> Result<Response, AppError> {
    let gate = viewer.gate(state);
    let l = viewer.lang;
    let v = gate.ledger(client).await?;
    let t = table(&v, l, &viewer.path);
    if let Some(f) = q.format.as_deref() {
        return t.export(f);
    }
    let contracts = gate
        .contracts()
        .await?
        .into_iter()
        .filter(|c| c.client == client)
        .map(|c| c.id)
        .collect();
    let p = LedgerPage {
        c: viewer.chrome(
            format!("{} · {}", l.t("往来账", "Ledger"), v.client),
            "ledger",
        ),
        clients: Vec::new(),
        show_accounts: false,
        table: t,
        contracts,
        bill: viewer.scope.may(Action::Bill),
        today: today().to_string(),
        notice: q.done.unwrap_or_default(),
        error: error.clone(),
        href: format!("/ledger/{}", url_encode(client)),
        ledger: Some(v),
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok((status, render(&p)?).into_response())
}

/// A client's ledger.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(client): Path<String>,
    Query(q): Query<LedgerQuery>,
) -> Result<Response, AppError> {
    ledger_page(&state, &viewer, &client, q, String::new()).await
}

/// Records a payment or a deposit received (`kefu ledger record`).
pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(client): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let field = |name: &str| form.get(name).map(|s| s.trim()).unwrap_or("");
    let gate = viewer.gate(&state);
    let done = async {
        let kind = match field("kind") {
            "deposit_received" => EntryKind::DepositReceived,
            _ => EntryKind::Payment,
        };
        let amount = parse_yuan("amount", field("amount"))?;
        let on = match field("on") {
            "" => today(),
            d => parse_date("on", d)?,
        };
        let contract = Some(field("contract")).filter(|c| !c.is_empty());
        gate.ledger_record(&client, kind, amount, on, contract)
            .await
    }
    .await;
    match done {
        Ok(_) => {
            let text = viewer.lang.t("已入账", "recorded");
            let to = format!("/ledger/{}?done={}", url_encode(&client), url_encode(text));
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            let text = e.text(viewer.lang);
            ledger_page(&state, &viewer, &client, LedgerQuery::default(), text).await
        }
        Err(e) => Err(e.into()),
    }
}
