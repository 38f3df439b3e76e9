//! `/reports/monthly?store=…&month=YYYY-MM`: the monthly service report of
//! a store, what a store owner reads each month: the contract's service
//! targets beside the figures measured (met or missed), the month's KPI and
//! QA figures, sessions per day, and the month's invoice with its lines.
//! Printable (print CSS), and as XLSX (one sheet each: targets, figures,
//! invoice lines); the same answer as JSON under `/api/v1/reports/monthly`.

use super::terms_text::figure_label;
use crate::auth::{Viewer, url_encode};
use crate::charts::{Series, bars};
use crate::error::{ApiError, AppError, ReadErrors};
use crate::state::AppState;
use crate::view::{Chrome, PeriodQuery, label, period, render, show};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kefu_app::Gate;
use kefu_app::contracts::date_of;
use kefu_app::contracts::report::{MonthlyReport, REPORT_FIGURES};
use kefu_contract::Month;
use kefu_domain::Lang;
use kefu_export::xlsx::{ColumnWidths, NumberFormat, Sheet, SheetLayout, XlsxCell, workbook_of};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which report.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The store's code (default: the first the caller sees).
    store: Option<String>,
    /// The month, `YYYY-MM` (default: the month of the store's latest data).
    month: Option<String>,
    /// `xlsx` for the workbook (pages only).
    format: Option<String>,
}

/// One target as the page shows it.
pub struct TargetRow {
    figure: String,
    target: String,
    measured: String,
    status: &'static str,
    status_text: &'static str,
}

#[derive(Template)]
#[template(path = "contracts/report.html")]
struct ReportPage {
    c: Chrome,
    r: MonthlyReport,
    stores: Vec<String>,
    targets: Vec<TargetRow>,
    figures: Vec<(String, String)>,
    qa: Vec<(String, String)>,
    chart: String,
    xlsx_href: String,
    invoices: Vec<super::contract::InvoiceLine>,
    quantities: Vec<Vec<String>>,
}

async fn resolve(gate: &Gate, q: &ReportQuery) -> Result<(Vec<String>, String, Month), AppError> {
    let stores: Vec<String> = gate.stores().await?.into_iter().map(|(c, _)| c).collect();
    let store = match q.store.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => s.trim().to_string(),
        None => stores.first().cloned().ok_or(AppError::NotFound)?,
    };
    let month = match q.month.as_deref().filter(|m| !m.trim().is_empty()) {
        Some(m) => kefu_app::contracts::parse_month("month", m)?,
        None => {
            let p = period(gate, &PeriodQuery::default(), Some(&store)).await?;
            Month::of(date_of(i64::from(p.to)))
        }
    };
    Ok((stores, store, month))
}

fn measured_text(figure: &str, r: &MonthlyReport, x: Option<f64>) -> String {
    if figure == "qa_score" {
        return x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
    }
    match kefu_kpi::report::Figure::from_name(figure) {
        Some(f) => show(f, r.row.as_ref().and_then(|row| row.get(f))),
        None => x.map(|v| v.to_string()).unwrap_or_else(|| "—".into()),
    }
}

fn targets(r: &MonthlyReport, lang: Lang) -> Vec<TargetRow> {
    r.targets
        .iter()
        .map(|t| {
            let (status, status_text) = match t.met {
                Some(true) => ("met-yes", lang.t("达标", "met")),
                Some(false) => ("met-no", lang.t("未达标", "missed")),
                None => ("", "—"),
            };
            TargetRow {
                figure: figure_label(&t.figure, lang),
                target: t.target.clone(),
                measured: measured_text(&t.figure, r, t.measured),
                status,
                status_text,
            }
        })
        .collect()
}

fn qa_rows(r: &MonthlyReport, lang: Lang) -> Vec<(String, String)> {
    let score = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into());
    vec![
        (
            lang.t("质检会话", "Sessions inspected").into(),
            r.qa.sessions_inspected.to_string(),
        ),
        (
            lang.t("质检问题", "Findings").into(),
            r.qa.findings.to_string(),
        ),
        (
            lang.t("致命问题会话", "Critical sessions").into(),
            r.qa.critical_sessions.to_string(),
        ),
        (
            lang.t("自动得分", "Auto score").into(),
            score(r.qa.auto_score),
        ),
        (
            lang.t("最终得分", "Final score").into(),
            score(r.qa.final_score),
        ),
    ]
}

/// The report as a workbook: one sheet each for the targets, the figures
/// (with QA) and the invoice lines (`kefu report monthly --format xlsx`
/// writes the same).
pub fn workbook(r: &MonthlyReport, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let layout = |name: &str| SheetLayout {
        name: Some(name.into()),
        frozen_columns: 0,
        widths: ColumnWidths::Fit,
    };
    let num = |x: Option<f64>| match x {
        Some(v) => XlsxCell::Number(v, NumberFormat::General),
        None => XlsxCell::Empty,
    };
    let text = |s: String| XlsxCell::Text(s.into());
    let target_rows = r
        .targets
        .iter()
        .map(|t| {
            vec![
                text(figure_label(&t.figure, lang)),
                text(t.target.clone()),
                num(t.measured),
                text(match t.met {
                    Some(true) => lang.t("达标", "met").into(),
                    Some(false) => lang.t("未达标", "missed").into(),
                    None => "—".into(),
                }),
            ]
        })
        .collect();
    let mut figure_rows: Vec<Vec<XlsxCell>> = REPORT_FIGURES
        .iter()
        .map(|f| {
            let v = r.figures.get(f.name()).copied().flatten();
            vec![text(label(*f, lang).into()), num(v)]
        })
        .collect();
    for (k, v) in qa_rows(r, lang) {
        figure_rows.push(vec![text(k), text(v)]);
    }
    let mut line_rows = Vec::new();
    for i in &r.invoices {
        for l in &i.lines {
            let money = |s: &str| match s.parse::<f64>() {
                Ok(v) => XlsxCell::Number(v, NumberFormat::Money),
                Err(_) => XlsxCell::Empty,
            };
            line_rows.push(vec![
                text(i.number.clone()),
                text(i.status.clone()),
                text(l.label.clone()),
                text(super::invoices::quantity_text(&l.quantity)),
                l.unit_price
                    .as_deref()
                    .map(money)
                    .unwrap_or(XlsxCell::Empty),
                money(&l.net),
                money(&l.tax),
                money(&l.gross),
            ]);
        }
    }
    let t = |zh: &'static str, en: &'static str| lang.t(zh, en);
    let sheets = [
        Sheet {
            headers: vec![
                t("指标", "Figure"),
                t("目标", "Target"),
                t("实际", "Measured"),
                t("结果", "Result"),
            ],
            rows: target_rows,
            layout: layout(t("服务目标", "Targets")),
        },
        Sheet {
            headers: vec![t("指标", "Figure"), t("数值", "Value")],
            rows: figure_rows,
            layout: layout(t("数据", "Figures")),
        },
        Sheet {
            headers: vec![
                t("账单", "Invoice"),
                t("状态", "Status"),
                t("项目", "Item"),
                t("数量", "Quantity"),
                t("单价", "Unit price"),
                t("不含税", "Net"),
                t("税额", "Tax"),
                t("含税", "Gross"),
            ],
            rows: line_rows,
            layout: layout(t("账单明细", "Invoice lines")),
        },
    ];
    workbook_of(&sheets)
}

fn xlsx(r: &MonthlyReport, lang: Lang) -> Result<Response, AppError> {
    let bytes = workbook(r, lang).map_err(|e| AppError::Internal(e.into()))?;
    let file = format!("monthly-{}-{}.xlsx", r.store, r.month);
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (CONTENT_DISPOSITION, crate::table::attachment(&file)),
        ],
        bytes,
    )
        .into_response())
}

/// The page (or its workbook).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let (stores, store, month) = resolve(&gate, &q).await?;
    let r = gate.monthly_report(&store, month).await?;
    if q.format.as_deref() == Some("xlsx") {
        return xlsx(&r, l);
    }
    let labels: Vec<String> = r.daily_sessions.iter().map(|(d, _)| d.clone()).collect();
    let chart = bars(
        l.t("每日接待会话", "Sessions per day"),
        &labels,
        &[Series {
            name: l.t("会话", "Sessions").into(),
            values: r
                .daily_sessions
                .iter()
                .map(|(_, n)| Some(*n as f64))
                .collect(),
            color: "#1677ff",
        }],
        false,
    );
    let p = ReportPage {
        c: viewer.chrome(
            format!(
                "{} · {} · {}",
                l.t("服务月报", "Monthly service report"),
                r.store,
                r.month
            ),
            "monthly-report",
        ),
        targets: targets(&r, l),
        figures: REPORT_FIGURES
            .iter()
            .map(|f| {
                (
                    label(*f, l).to_string(),
                    show(*f, r.row.as_ref().and_then(|row| row.get(*f))),
                )
            })
            .collect(),
        qa: qa_rows(&r, l),
        invoices: r
            .invoices
            .iter()
            .map(|i| super::contract::InvoiceLine::of(i, l))
            .collect(),
        quantities: r
            .invoices
            .iter()
            .map(|i| {
                i.lines
                    .iter()
                    .map(|x| super::invoices::quantity_text(&x.quantity))
                    .collect()
            })
            .collect(),
        chart,
        xlsx_href: format!(
            "/reports/monthly?store={}&month={}&format=xlsx",
            url_encode(&r.store),
            r.month
        ),
        stores,
        r,
    };
    Ok(render(&p)?.into_response())
}

/// The monthly service report of a store: targets against the figures
/// measured, the month's figures, QA and invoices.
#[utoipa::path(get, path = "/reports/monthly", params(ReportQuery),
    responses((status = 200, description = "The report", body = MonthlyReport), ReadErrors))]
pub async fn api_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ReportQuery>,
) -> Result<Json<MonthlyReport>, ApiError> {
    let gate = viewer.gate(&state);
    let (_, store, month) = resolve(&gate, &q).await?;
    Ok(Json(gate.monthly_report(&store, month).await?))
}
