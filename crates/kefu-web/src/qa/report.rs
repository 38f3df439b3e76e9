//! `/qa/report`: the quality-inspection report per store, agent or team
//! and per week or month (spec qa.md §3 "Reports"), with its charts
//! (findings by rule over the periods, the distribution of scores), the
//! worst sessions linked to their review pages, and every table as CSV and
//! XLSX; `/api/v1/qa/report` answers the same as JSON.

use super::api::{QaQueryParams, filter_of};
use super::report_answer::ReportAnswer;
use crate::auth::Viewer;
use crate::charts::{Series, bars};
use crate::error::{ApiError, AppError, ReadErrors};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kefu_app::qa_report::{Period, QaReport, ReportBy};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::IntoParams;

/// The query of the report: its days, store and agent, what the rows are
/// and how long the periods (the CLI's options).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First local day, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last local day, YYYY-MM-DD.
    pub to: Option<String>,
    /// Only this store.
    pub store: Option<String>,
    /// Only this agent.
    pub agent: Option<String>,
    /// Rows per `store` (default), `agent` or `team`.
    pub group: Option<String>,
    /// Periods: `month` (default) or `week` (from Monday).
    pub period: Option<String>,
}

impl ReportParams {
    /// The QA filter of its days, store and agent.
    fn qa(&self) -> QaQueryParams {
        QaQueryParams {
            from: self.from.clone(),
            to: self.to.clone(),
            store: self.store.clone(),
            agent: self.agent.clone(),
            ..Default::default()
        }
    }

    /// What the rows are and how long the periods.
    pub fn shape(&self) -> Result<(ReportBy, Period), AppError> {
        let by = match self.group.as_deref().filter(|s| !s.is_empty()) {
            None => ReportBy::default(),
            Some(g) => ReportBy::parse(g).ok_or_else(|| {
                AppError::BadRequest(format!("group: '{g}' is not store, agent or team"))
            })?,
        };
        let period = match self.period.as_deref().filter(|s| !s.is_empty()) {
            None => Period::default(),
            Some(p) => Period::parse(p).ok_or_else(|| {
                AppError::BadRequest(format!("period: '{p}' is not week or month"))
            })?,
        };
        Ok((by, period))
    }
}

/// The page's query: the report's, and an export.
#[derive(Debug, Default, Deserialize)]
pub struct ReportPageQuery {
    #[serde(flatten)]
    p: ReportParams,
    /// `csv` or `xlsx` of the table named by `table`.
    format: Option<String>,
    /// `rows` (default), `rules` or `scores`.
    table: Option<String>,
}

fn count(n: i64) -> Cell {
    Cell::number(n.to_string(), Some(n as f64))
}

fn score(v: Option<f64>) -> Cell {
    Cell::number(
        v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into()),
        v,
    )
}

/// The main table: one row per period and group.
fn rows_table(name: String, r: &QaReport, by: ReportBy, lang: Lang) -> Table {
    let group = match by {
        ReportBy::Store => ("店铺", "Store"),
        ReportBy::Agent => ("客服", "Agent"),
        ReportBy::Team => ("小组", "Team"),
    };
    let none = match by {
        ReportBy::Team => lang.t("（无小组）", "(no team)"),
        _ => lang.t("（无客服）", "(no agent)"),
    };
    let heads = [
        ("周期", "Period", false),
        (group.0, group.1, false),
        ("质检会话", "Inspected", true),
        ("人工会话", "Manual", true),
        ("已复核", "Reviewed", true),
        ("严重问题会话", "Critical sessions", true),
        ("自动得分", "Auto score", true),
        ("最终得分", "Final score", true),
        ("问题数", "Findings", true),
        ("严重", "Critical", true),
        ("重要", "Major", true),
        ("一般", "Minor", true),
        ("提示", "Alert", true),
        ("申诉", "Appeals", true),
        ("维持", "Upheld", true),
        ("撤销", "Overturned", true),
        ("待裁决", "Open", true),
    ];
    let body = r
        .rows
        .iter()
        .map(|x| {
            vec![
                Cell::text(x.period.clone()),
                Cell::text(x.group.clone().unwrap_or_else(|| none.to_string())),
                count(x.sessions_inspected),
                count(x.manual_sessions),
                count(x.reviewed_sessions),
                count(x.critical_sessions),
                score(x.auto_score),
                score(x.final_score),
                count(x.findings),
                count(x.critical),
                count(x.major),
                count(x.minor),
                count(x.alert),
                count(x.appeals),
                count(x.upheld),
                count(x.overturned),
                count(x.open),
            ]
        })
        .collect();
    Table::of(name, &heads, lang, body)
}

/// Findings by rule (rows) and period (columns), with a total.
fn rules_table(name: String, r: &QaReport, lang: Lang) -> Table {
    let mut by_rule: BTreeMap<(String, String), BTreeMap<&str, i64>> = BTreeMap::new();
    for c in &r.by_rule {
        *by_rule
            .entry((c.rule.clone(), c.severity.clone()))
            .or_default()
            .entry(c.period.as_str())
            .or_default() += c.findings;
    }
    let mut headers = Table::of(
        name,
        &[("规则", "Rule", false), ("严重度", "Severity", false)],
        lang,
        Vec::new(),
    );
    let periods: Vec<String> = r.periods.clone();
    for p in &periods {
        headers.headers.push(crate::table::Header {
            label: p.clone(),
            sort_href: None,
            sorted: "",
            numeric: true,
        });
    }
    headers.headers.push(crate::table::Header {
        label: lang.t("合计", "Total").to_string(),
        sort_href: None,
        sorted: "",
        numeric: true,
    });
    headers.rows = by_rule
        .into_iter()
        .map(|((rule, severity), counts)| {
            let mut cells = vec![
                Cell::link(rule.clone(), format!("/qa/findings?rule={rule}")),
                Cell::text(severity),
            ];
            cells.extend(
                periods
                    .iter()
                    .map(|p| count(counts.get(p.as_str()).copied().unwrap_or(0))),
            );
            cells.push(count(counts.values().sum()));
            cells
        })
        .collect();
    headers
}

/// The distribution of scores as a table.
fn scores_table(name: String, r: &QaReport, lang: Lang) -> Table {
    let body = r
        .distribution
        .iter()
        .map(|b| {
            vec![
                Cell::text(bucket_label(b.from, b.to)),
                count(b.auto),
                count(b.final_),
            ]
        })
        .collect();
    Table::of(
        name,
        &[
            ("得分", "Score", false),
            ("自动得分会话", "Sessions by auto score", true),
            ("最终得分会话", "Sessions by final score", true),
        ],
        lang,
        body,
    )
}

fn bucket_label(from: i64, to: i64) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// Colours of the rules in the chart, in turn.
const PALETTE: [&str; 12] = [
    "#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
    "#ea580c", "#4f46e5", "#0d9488", "#a16207",
];

fn rules_chart(r: &QaReport, lang: Lang) -> String {
    let rules: BTreeSet<&str> = r.by_rule.iter().map(|c| c.rule.as_str()).collect();
    let series: Vec<Series> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| Series {
            name: rule.to_string(),
            values: r
                .periods
                .iter()
                .map(|p| {
                    let n: i64 = r
                        .by_rule
                        .iter()
                        .filter(|c| c.rule == *rule && &c.period == p)
                        .map(|c| c.findings)
                        .sum();
                    Some(n as f64)
                })
                .collect(),
            color: PALETTE[i % PALETTE.len()],
        })
        .collect();
    bars(
        lang.t("各周期问题数（按规则）", "Findings per period, by rule"),
        &r.periods,
        &series,
        true,
    )
}

fn scores_chart(r: &QaReport, lang: Lang) -> String {
    let labels: Vec<String> = r
        .distribution
        .iter()
        .map(|b| bucket_label(b.from, b.to))
        .collect();
    let series = [
        Series {
            name: lang.t("自动得分", "Auto score").to_string(),
            values: r.distribution.iter().map(|b| Some(b.auto as f64)).collect(),
            color: "#94a3b8",
        },
        Series {
            name: lang.t("最终得分", "Final score").to_string(),
            values: r
                .distribution
                .iter()
                .map(|b| Some(b.final_ as f64))
                .collect(),
            color: "#2563eb",
        },
    ];
    bars(
        lang.t("人工会话得分分布", "Scores of manual sessions"),
        &labels,
        &series,
        false,
    )
}

#[derive(Template)]
#[template(path = "qa/report.html")]
struct ReportPage {
    c: Chrome,
    p: ReportParams,
    group: &'static str,
    period: &'static str,
    rows: Table,
    rules: Table,
    scores: Table,
    rules_chart: String,
    scores_chart: String,
    worst: Vec<super::pages::WorstRow>,
}

/// `/qa/report`: the report page, or one of its tables as a file.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(mut rq): Query<ReportPageQuery>,
) -> Result<Response, AppError> {
    let mut q = rq.p.qa();
    super::pages::period_of(&viewer, &state, &mut q).await?;
    (rq.p.from, rq.p.to) = (q.from.clone(), q.to.clone());
    let f = filter_of(&q)?;
    let (by, period) = rq.p.shape()?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let report = gate.qa_report(&f, by, period).await?;
    let name = |what: &str| {
        format!(
            "qa-report-{what}-{}-{}-{}",
            by.as_str(),
            q.from.clone().unwrap_or_default(),
            q.to.clone().unwrap_or_default()
        )
    };
    let path_of = |table: &str| {
        let base = crate::table::strip_param(&viewer.path, "table");
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}table={table}")
    };
    let rows = rows_table(name("rows"), &report, by, l).with_exports(&path_of("rows"));
    let rules = rules_table(name("rules"), &report, l).with_exports(&path_of("rules"));
    let scores = scores_table(name("scores"), &report, l).with_exports(&path_of("scores"));
    if let Some(format) = &rq.format {
        return match rq.table.as_deref() {
            Some("rules") => rules.export(format),
            Some("scores") => scores.export(format),
            _ => rows.export(format),
        };
    }
    let mut worst = Vec::new();
    for s in &report.worst {
        worst.push(super::pages::worst_row(&gate, s).await?);
    }
    let page = ReportPage {
        c: viewer.chrome(l.t("质检报表", "QA report").to_string(), "qa-report"),
        p: rq.p.clone(),
        group: by.as_str(),
        period: period.as_str(),
        rules_chart: rules_chart(&report, l),
        scores_chart: scores_chart(&report, l),
        rows,
        rules,
        scores,
        worst,
    };
    Ok(render(&page)?.into_response())
}

/// The report (spec qa.md §3) within the caller's scope: rows per period
/// and store, agent or team, findings by rule and period, and the score
/// distribution.
#[utoipa::path(get, path = "/qa/report", params(ReportParams), responses(
    (status = 200, description = "The report", body = ReportAnswer),
    ReadErrors,
))]
pub async fn api_report(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(p): Query<ReportParams>,
) -> Result<Json<ReportAnswer>, ApiError> {
    let f = filter_of(&p.qa())?;
    let (by, period) = p.shape()?;
    let report = viewer.gate(&state).qa_report(&f, by, period).await?;
    Ok(Json(ReportAnswer::of(report, by, period)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_is_read_and_bad_values_are_named() {
        let q = |group: &str, period: &str| ReportParams {
            group: Some(group.into()),
            period: Some(period.into()),
            ..Default::default()
        };
        assert_eq!(
            q("team", "week").shape().ok(),
            Some((ReportBy::Team, Period::Week))
        );
        assert_eq!(
            ReportParams::default().shape().ok(),
            Some((ReportBy::Store, Period::Month))
        );
        assert!(
            matches!(q("shop", "week").shape(), Err(AppError::BadRequest(m)) if m.starts_with("group:"))
        );
        assert!(
            matches!(q("store", "day").shape(), Err(AppError::BadRequest(m)) if m.starts_with("period:"))
        );
    }
}
