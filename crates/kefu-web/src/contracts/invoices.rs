//! `/invoices`: the invoices and notes the viewer may see, by client and
//! month, as a table and as CSV/XLSX; `/invoices/{number}`: one invoice
//! with its lines and the figures behind them. The client confirms the
//! month's statement (对账单) there or disputes a line with a reason;
//! the provider issues it, settles disputes, and corrects an issued one
//! with a credit or debit note.

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
use kefu_app::contracts::{InvoiceView, parse_date, parse_yuan, today};
use kefu_domain::Lang;
use serde::Deserialize;
use std::collections::HashMap;

/// The filters of the list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Only this client company.
    client: Option<String>,
    /// Only this month, `YYYY-MM`.
    month: Option<String>,
    /// `csv` or `xlsx`.
    format: Option<String>,
    /// What the last form did.
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "contracts/invoices.html")]
struct ListPage {
    c: Chrome,
    client: String,
    month: String,
    table: Table,
    notice: String,
}

/// An invoice's kind in a language.
pub fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "credit_note" => lang.t("红字（贷项）通知", "credit note"),
        "debit_note" => lang.t("补差（借项）通知", "debit note"),
        _ => lang.t("账单", "invoice"),
    }
}

/// An invoice's status in a language.
pub fn status_label(status: &str, lang: Lang) -> &'static str {
    match status {
        "issued" => lang.t("已开具", "issued"),
        _ => lang.t("草稿", "draft"),
    }
}

/// The name of a figure behind a line (`LineView::basis` keys).
fn basis_label(key: &str, lang: Lang) -> &str {
    let (zh, en) = match key {
        "days_in_month" => ("当月天数", "days in month"),
        "days_served" => ("服务天数", "days served"),
        "monthly" => ("月费", "monthly"),
        "monthly_base" => ("月底薪", "monthly base"),
        "monthly_seat_price" => ("每席月价", "seat price a month"),
        "paid" => ("当月付款", "paid"),
        "refunded" => ("当月退款", "refunded"),
        "rate" => ("提成比例", "rate"),
        "sales_source" => ("销售额来源", "sales from"),
        "seats" => ("席位", "seats"),
        "tiers" => ("阶梯", "tiers"),
        "booking" => ("预订", "booking"),
        "sessions" => ("人工会话", "manual sessions"),
        "seat_days" => ("席位天数", "seat-days"),
        _ => return key,
    };
    lang.t(zh, en)
}

/// A line's quantity as shown: a count, or a sales base in yuan.
pub fn quantity_text(q: &serde_json::Value) -> String {
    match q {
        serde_json::Value::String(s) => format!("¥{s}"),
        other => other.to_string(),
    }
}

/// An RFC 3339 instant in China Standard Time, to the minute.
fn local_time(text: &str) -> String {
    let zone = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC);
    match text.parse::<jiff::Timestamp>() {
        Ok(t) => t.to_zoned(zone).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => text.to_string(),
    }
}

fn money(text: &str) -> Cell {
    Cell::number(format!("¥{text}"), text.parse::<f64>().ok())
}

/// The list.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let client = q.client.clone().filter(|c| !c.trim().is_empty());
    let month = q.month.clone().filter(|m| !m.trim().is_empty());
    let invoices = viewer
        .gate(&state)
        .invoices(client.as_deref(), month.as_deref())
        .await?;
    let rows = invoices
        .iter()
        .map(|i| {
            vec![
                Cell::link(
                    i.number.clone(),
                    format!("/invoices/{}", url_encode(&i.number)),
                ),
                Cell::text(i.client.clone()),
                Cell::link(
                    i.contract.clone(),
                    format!("/contracts/{}", url_encode(&i.contract)),
                ),
                Cell::text(i.month.clone()),
                Cell::text(kind_label(&i.kind, l)),
                Cell::text(status_label(&i.status, l)),
                money(&i.net),
                money(&i.tax),
                money(&i.gross),
                Cell::text(i.confirmed_by.clone().unwrap_or_default()),
                Cell::number(
                    i.disputes
                        .iter()
                        .filter(|d| !d.resolved)
                        .count()
                        .to_string(),
                    Some(i.disputes.iter().filter(|d| !d.resolved).count() as f64),
                ),
            ]
        })
        .collect();
    let heads = [
        ("编号", "Number", false),
        ("甲方", "Client", false),
        ("合同", "Contract", false),
        ("月份", "Month", false),
        ("类别", "Kind", false),
        ("状态", "Status", false),
        ("不含税", "Net", true),
        ("税额", "Tax", true),
        ("含税合计", "Gross", true),
        ("甲方确认", "Confirmed by", false),
        ("未决异议", "Open disputes", true),
    ];
    let name = format!("invoices-{}", month.clone().unwrap_or_else(|| "all".into()));
    let table = Table::of(name, &heads, l, rows).with_exports(&viewer.path);
    if let Some(f) = q.format.as_deref() {
        return table.export(f);
    }
    let p = ListPage {
        c: viewer.chrome(l.t("账单", "Invoices").to_string(), "invoices"),
        client: client.unwrap_or_default(),
        month: month.unwrap_or_default(),
        table,
        notice: q.done.unwrap_or_default(),
    };
    Ok(render(&p)?.into_response())
}

#[derive(Template)]
#[template(path = "contracts/invoice.html")]
struct InvoicePage {
    c: Chrome,
    i: InvoiceView,
    status: String,
    basis: Vec<String>,
    quantities: Vec<String>,
    confirmed_at: String,
    bill: bool,
    confirm: bool,
    open_disputes: bool,
    notice: String,
    error: String,
    href: String,
}

/// The query of an invoice's page.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    /// What the last form did.
    done: Option<String>,
}

async fn invoice_page(
    state: &AppState,
    viewer: &Viewer,
    number: &str,
    notice: String,
    error: String,
) -> Result<Response, AppError> {
    let l = viewer.lang;
    let i = viewer.gate(state).invoice(number).await?;
    let p = InvoicePage {
        c: viewer.chrome(
            format!("{} {}", kind_label(&i.kind, l), i.number),
            "invoices",
        ),
        status: status_label(&i.status, l).into(),
        basis: i
            .lines
            .iter()
            .map(|x| {
                x.basis
                    .iter()
                    .map(|(k, v)| format!("{} {v}", basis_label(k, l)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            })
            .collect(),
        quantities: i.lines.iter().map(|x| quantity_text(&x.quantity)).collect(),
        confirmed_at: i
            .confirmed_at
            .as_deref()
            .map(local_time)
            .unwrap_or_default(),
        bill: viewer.scope.may(Action::Bill),
        confirm: viewer.scope.may(Action::ConfirmStatement),
        open_disputes: i.disputes.iter().any(|d| !d.resolved),
        notice,
        error: error.clone(),
        href: format!("/invoices/{}", url_encode(&i.number)),
        i,
    };
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    Ok((status, render(&p)?).into_response())
}

/// One invoice.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(number): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    invoice_page(
        &state,
        &viewer,
        &number,
        q.done.unwrap_or_default(),
        String::new(),
    )
    .await
}

/// The forms of an invoice: `issue`, `note`, `resolve` (the provider),
/// `confirm`, `dispute` (the client).
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((number, action)): Path<(String, String)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let field = |name: &str| form.get(name).map(|s| s.trim()).unwrap_or("");
    let done: kefu_app::Result<(String, String)> = async {
        match action.as_str() {
            "issue" => {
                let on = match field("on") {
                    "" => today(),
                    d => parse_date("on", d)?,
                };
                let i = gate.invoice_issue(&number, on).await?;
                Ok((i.number, l.t("已开具", "issued").to_string()))
            }
            "note" => {
                let credit = field("kind") != "debit";
                let amount = parse_yuan("amount", field("amount"))?;
                let n = gate
                    .invoice_note(&number, credit, amount, field("reason"))
                    .await?;
                Ok((n.number, l.t("已开具更正通知", "note issued").to_string()))
            }
            "resolve" => {
                let i = gate.statement_resolve(&number).await?;
                Ok((i.number, l.t("异议已处理", "disputes settled").to_string()))
            }
            "confirm" => {
                let i = gate.statement_confirm(&number).await?;
                Ok((
                    i.number,
                    l.t("对账单已确认", "statement confirmed").to_string(),
                ))
            }
            "dispute" => {
                let line = field("line").parse::<usize>().map_err(|_| {
                    kefu_app::Error::invalid("line", "请选择有异议的行", "choose the line disputed")
                })?;
                let i = gate
                    .statement_dispute(&number, line, field("reason"))
                    .await?;
                Ok((i.number, l.t("异议已提交", "dispute sent").to_string()))
            }
            _ => Err(kefu_app::Error::NotFound),
        }
    }
    .await;
    match done {
        Ok((to, text)) => {
            let href = format!("/invoices/{}?done={}", url_encode(&to), url_encode(&text));
            Ok(Redirect::to(&href).into_response())
        }
        Err(e @ (kefu_app::Error::Invalid { .. } | kefu_app::Error::Conflict { .. })) => {
            invoice_page(&state, &viewer, &number, String::new(), e.text(l)).await
        }
        Err(e) => Err(e.into()),
    }
}
