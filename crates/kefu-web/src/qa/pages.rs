//! The quality-inspection pages: the overview (scores by store and agent,
//! findings and critical sessions per day, the worst sessions), the
//! findings list, the inspectors' review queue and the appeals. Tables
//! export to CSV and XLSX with the page's filters.

use super::api::{QaQueryParams, filter_of};
use crate::auth::{Viewer, url_encode};
use crate::charts::{Series, trend};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::qa::{QaFilter, ScoreRow};
use kefu_db::qa::{QaSession, ScoreGrouping};
use kefu_domain::time::{format_day, parse_day};
use serde::Deserialize;
use std::collections::HashMap;

/// The link to a session's review page.
pub fn session_href(conv: i64, start_ms: i64) -> String {
    format!("/qa/sessions/{conv}/{start_ms}")
}

fn score_text(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "-".into())
}

fn count(n: i64) -> Cell {
    Cell::number(n.to_string(), Some(n as f64))
}

/// A table of score rows, their keys first.
fn score_table(
    name: String,
    rows: &[ScoreRow],
    g: ScoreGrouping,
    lang: Lang,
    q: &QaQueryParams,
) -> Table {
    let mut heads: Vec<(&str, &str, bool)> = Vec::new();
    if g.store {
        heads.push(("店铺", "Store", false));
    }
    if g.agent {
        heads.push(("客服", "Agent", false));
    }
    if g.date {
        heads.push(("日期", "Date", false));
    }
    heads.extend([
        ("质检会话", "Inspected", true),
        ("人工会话", "Manual", true),
        ("问题数", "Findings", true),
        ("严重问题会话", "Critical", true),
        ("已复核", "Reviewed", true),
        ("自动得分", "Auto score", true),
        ("最终得分", "Final score", true),
    ]);
    let body = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            if let Some(s) = &r.store {
                let href = format!("/qa/findings?store={}{}", url_encode(s), range(q));
                cells.push(Cell::link(s.clone(), href));
            }
            if let Some(a) = &r.agent {
                let name = a
                    .clone()
                    .unwrap_or_else(|| lang.t("（无客服）", "(no agent)").into());
                match a {
                    Some(a) => cells.push(Cell::link(
                        name,
                        format!("/qa/findings?agent={}{}", url_encode(a), range(q)),
                    )),
                    None => cells.push(Cell::text(name)),
                }
            }
            if let Some(d) = &r.date {
                cells.push(Cell::text(d.clone()));
            }
            cells.extend([
                count(r.sessions_inspected),
                count(r.manual_sessions),
                count(r.findings),
                count(r.critical_sessions),
                count(r.reviewed_sessions),
                Cell::number(score_text(r.auto_score), r.auto_score),
                Cell::number(score_text(r.final_score), r.final_score),
            ]);
            cells
        })
        .collect();
    Table::of(name, &heads, lang, body)
}

fn range(q: &QaQueryParams) -> String {
    let mut out = String::new();
    for (k, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            out.push_str(&format!("&{k}={}", url_encode(v)));
        }
    }
    out
}

/// The query of the QA pages: the API's, and an export format.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(flatten)]
    q: QaQueryParams,
    /// `csv` or `xlsx`: the page's main table as a file.
    format: Option<String>,
    /// Which table to export (`agents`; default the first).
    table: Option<String>,
}

#[derive(Template)]
#[template(path = "qa/overview.html")]
struct OverviewPage {
    c: Chrome,
    from: String,
    to: String,
    store: String,
    stores: Table,
    agents: Table,
    chart: String,
    worst: Vec<WorstRow>,
    reviewer: bool,
}

/// A session of a "worst sessions" list, linked to its review page.
pub(crate) struct WorstRow {
    pub(crate) href: String,
    pub(crate) store: String,
    pub(crate) buyer: String,
    pub(crate) start: String,
    pub(crate) agent: String,
    pub(crate) score: String,
}

/// The period of a page: as asked, else the month of the latest data.
pub(crate) async fn period_of(
    viewer: &Viewer,
    state: &AppState,
    q: &mut QaQueryParams,
) -> Result<(), AppError> {
    if q.from.as_deref().is_none_or(str::is_empty) && q.to.as_deref().is_none_or(str::is_empty) {
        let gate = viewer.gate(state);
        let p = crate::view::period(&gate, &Default::default(), q.store.as_deref()).await?;
        q.from = Some(p.from_text());
        q.to = Some(p.to_text());
    }
    Ok(())
}

async fn worst_rows(
    viewer: &Viewer,
    state: &AppState,
    f: &QaFilter,
) -> Result<Vec<WorstRow>, AppError> {
    let gate = viewer.gate(state);
    let mut out = Vec::new();
    for s in gate.qa_worst(f, 10).await? {
        out.push(worst_row(&gate, &s).await?);
    }
    Ok(out)
}

pub(crate) async fn worst_row(gate: &kefu_app::Gate, s: &QaSession) -> Result<WorstRow, AppError> {
    Ok(WorstRow {
        href: session_href(s.conv_id, s.start_ms),
        store: s.store.clone(),
        buyer: s.buyer.clone(),
        start: gate.local_time(&s.store, s.start_ms).await?,
        agent: s.agent.clone().unwrap_or_default(),
        score: s
            .final_score
            .or(s.auto_score)
            .map(|x| x.to_string())
            .unwrap_or_default(),
    })
}

/// `/qa`: the overview of inspection in the viewer's scope.
pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(mut pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    period_of(&viewer, &state, &mut pq.q).await?;
    let f = filter_of(&pq.q)?;
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let by_store = ScoreGrouping {
        store: true,
        ..Default::default()
    };
    let by_agent = ScoreGrouping {
        store: true,
        agent: true,
        ..Default::default()
    };
    let by_date = ScoreGrouping {
        date: true,
        ..Default::default()
    };
    let name = |what: &str| {
        format!(
            "qa-{what}-{}-{}",
            pq.q.from.clone().unwrap_or_default(),
            pq.q.to.clone().unwrap_or_default()
        )
    };
    let stores = score_table(
        name("stores"),
        &gate.qa_scores(by_store, &f).await?,
        by_store,
        l,
        &pq.q,
    )
    .with_exports(&viewer.path);
    let agent_path = format!(
        "{}{}table=agents",
        viewer.path,
        if viewer.path.contains('?') { "&" } else { "?" }
    );
    let agents = score_table(
        name("agents"),
        &gate.qa_scores(by_agent, &f).await?,
        by_agent,
        l,
        &pq.q,
    )
    .with_exports(&agent_path);
    if let Some(format) = &pq.format {
        let table = if pq.table.as_deref() == Some("agents") {
            &agents
        } else {
            &stores
        };
        return table.export(format);
    }
    let days = gate.qa_scores(by_date, &f).await?;
    let by_day: HashMap<String, &ScoreRow> = days
        .iter()
        .filter_map(|r| r.date.clone().map(|d| (d, r)))
        .collect();
    let (from, to) = (f.from.unwrap_or_default(), f.to.unwrap_or_default());
    let labels: Vec<String> = (from..=to).map(format_day).collect();
    let series = |zh: &str, en: &str, color: &'static str, pick: fn(&ScoreRow) -> f64| Series {
        name: l.t(zh, en).to_string(),
        values: labels
            .iter()
            .map(|d| by_day.get(d).map(|r| pick(r)))
            .collect(),
        color,
    };
    let chart = trend(
        l.t(
            "每日问题数与严重问题会话",
            "Findings and critical sessions per day",
        ),
        &labels,
        &[
            series("问题数", "Findings", "#2563eb", |r| r.findings as f64),
            series("严重问题会话", "Critical sessions", "#dc2626", |r| {
                r.critical_sessions as f64
            }),
        ],
        None,
    );
    let page = OverviewPage {
        c: viewer.chrome(l.t("质检总览", "Quality inspection").to_string(), "qa"),
        from: pq.q.from.clone().unwrap_or_default(),
        to: pq.q.to.clone().unwrap_or_default(),
        store: pq.q.store.clone().unwrap_or_default(),
        stores,
        agents,
        chart,
        worst: worst_rows(&viewer, &state, &f).await?,
        reviewer: gate.scope().may(Action::Review),
    };
    Ok(render(&page)?.into_response())
}

#[derive(Template)]
#[template(path = "qa/findings.html")]
struct FindingsPage {
    c: Chrome,
    q: QaQueryParams,
    table: Table,
    shown: usize,
    total: usize,
}

/// The most findings a page shows (exports hold all).
const FINDINGS_SHOWN: usize = 500;

/// `/qa/findings`: findings with filters, exported as CSV or XLSX.
pub async fn findings(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(mut pq): Query<PageQuery>,
) -> Result<Response, AppError> {
    period_of(&viewer, &state, &mut pq.q).await?;
    let gate = viewer.gate(&state);
    let rows = gate.qa_findings(&filter_of(&pq.q)?).await?;
    let l = viewer.lang;
    let heads = [
        ("店铺", "Store", false),
        ("买家", "Buyer", false),
        ("会话开始", "Session start", false),
        ("客服", "Agent", false),
        ("规则", "Rule", false),
        ("严重度", "Severity", false),
        ("扣分", "Points", true),
        ("命中内容", "Matched", false),
        ("版本", "Version", true),
    ];
    let total = rows.len();
    let exporting = pq.format.is_some();
    let body = rows
        .into_iter()
        .take(if exporting {
            usize::MAX
        } else {
            FINDINGS_SHOWN
        })
        .map(|f| {
            let href = session_href(f.conv_id, f.start_ms);
            vec![
                Cell::text(f.store.clone()),
                Cell::link(f.buyer.clone(), href),
                Cell::text(f.session_start.clone()),
                Cell::text(f.agent.clone().unwrap_or_default()),
                Cell::text(f.rule.clone()),
                Cell::text(severity_label(&f.severity, l)),
                count(f.points),
                Cell::text(f.matched.clone().unwrap_or_default()),
                count(f.version),
            ]
        })
        .collect::<Vec<_>>();
    let name = format!(
        "qa-findings-{}-{}",
        pq.q.from.clone().unwrap_or_default(),
        pq.q.to.clone().unwrap_or_default()
    );
    let table = Table::of(name, &heads, l, body).with_exports(&viewer.path);
    if let Some(format) = &pq.format {
        return table.export(format);
    }
    let shown = table.rows.len();
    let page = FindingsPage {
        c: viewer.chrome(l.t("质检问题", "Findings").to_string(), "qa-findings"),
        q: pq.q,
        table,
        shown,
        total,
    };
    Ok(render(&page)?.into_response())
}

/// A severity's name in a language.
pub fn severity_label(s: &str, l: Lang) -> String {
    match kefu_qa::Severity::parse(s) {
        Some(v) => l.t(v.zh(), v.as_str()).to_string(),
        None => s.to_string(),
    }
}

#[derive(Template)]
#[template(path = "qa/queue.html")]
struct QueuePage {
    c: Chrome,
    date: String,
    rows: Vec<QueueRow>,
}

struct QueueRow {
    href: String,
    store: String,
    buyer: String,
    start: String,
    agent: String,
    reason: String,
    score: String,
    reviewed: bool,
}

/// The query of the queue page.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    /// The local day, `YYYY-MM-DD` (default: the latest with data).
    date: Option<String>,
}

/// `/qa/queue`: the review queue of a day (inspectors and managers).
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    gate.require(Action::Review)?;
    let day = match q.date.as_deref().filter(|d| !d.is_empty()) {
        Some(d) => parse_day(d).map_err(|e| AppError::BadRequest(format!("date: {e}")))?,
        None => {
            crate::view::period(&gate, &Default::default(), None)
                .await?
                .to
        }
    };
    let l = viewer.lang;
    let filter = QaFilter {
        from: Some(day),
        to: Some(day),
        ..Default::default()
    };
    let sample = gate.qa_queue(&filter).await?;
    let mut rows = Vec::with_capacity(sample.len());
    for (s, reason) in sample {
        rows.push(QueueRow {
            href: session_href(s.conv_id, s.start_ms),
            start: gate.local_time(&s.store, s.start_ms).await?,
            store: s.store,
            buyer: s.buyer,
            agent: s.agent.unwrap_or_default(),
            reason: if reason == "critical" {
                l.t("严重问题", "critical")
            } else {
                l.t("随机抽取", "random")
            }
            .to_string(),
            score: s
                .final_score
                .or(s.auto_score)
                .map(|x| x.to_string())
                .unwrap_or_default(),
            reviewed: s.reviewed,
        });
    }
    let page = QueuePage {
        c: viewer.chrome(l.t("抽检队列", "Review queue").to_string(), "qa-queue"),
        date: format_day(day),
        rows,
    };
    Ok(render(&page)?.into_response())
}

/// The form that draws a day's sample.
#[derive(Debug, Deserialize)]
pub struct DrawForm {
    csrf: Option<String>,
    date: String,
}

/// Draws the sample of a day (once; a drawn day keeps its own).
pub async fn draw(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<DrawForm>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.csrf.as_deref())?;
    let day =
        parse_day(form.date.trim()).map_err(|e| AppError::BadRequest(format!("date: {e}")))?;
    viewer.gate(&state).qa_sample(day, None, None).await?;
    Ok(Redirect::to(&format!("/qa/queue?date={}", format_day(day))).into_response())
}

#[derive(Template)]
#[template(path = "qa/appeals.html")]
struct AppealsPage {
    c: Chrome,
    rows: Vec<AppealRow>,
}

struct AppealRow {
    href: String,
    store: String,
    agent: String,
    what: String,
    by: String,
    reason: String,
    outcome: String,
}

/// `/qa/appeals`: appeals in the viewer's scope, open ones first.
pub async fn appeals(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let mut all = gate.qa_appeals(false).await?;
    all.sort_by_key(|a| (a.decided_by.is_some(), a.id));
    let rows = all
        .into_iter()
        .map(|a| AppealRow {
            href: session_href(a.conv_id, a.start_ms),
            store: a.store,
            agent: a.agent.unwrap_or_default(),
            what: match a.finding_id {
                Some(f) => format!("{} #{f}", l.t("问题", "finding")),
                None => l.t("复核", "review").to_string(),
            },
            by: a.by_user,
            reason: a.reason,
            outcome: match a.upheld {
                None => l.t("待裁决", "open").to_string(),
                Some(true) => l.t("维持", "upheld").to_string(),
                Some(false) => l.t("撤销", "overturned").to_string(),
            },
        })
        .collect();
    let page = AppealsPage {
        c: viewer.chrome(l.t("申诉", "Appeals").to_string(), "qa-appeals"),
        rows,
    };
    Ok(render(&page)?.into_response())
}
