//! `/wfm/roster`: a roster problem given whole (the TOML of wfm.md §5 and
//! its requirements CSV, pasted or uploaded into the form) solved on the
//! page: the roster per agent and day, coverage per store, skill and
//! interval as a heatmap (short in red), each agent's hours, and every gap
//! with the rule that kept it open; and the workbook providers print
//! (agents as rows, days as columns, shift codes in cells), which
//! `kefu wfm roster --format xlsx` writes too.

use crate::auth::Viewer;
use crate::charts::{Cover, coverage_heatmap};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kefu_access::Action;
use kefu_domain::Lang;
use kefu_export::xlsx::{ColumnWidths, NumberFormat, Sheet, SheetLayout, XlsxCell, workbook_of};
use kefu_wfm::roster::{Instance, RosterAnswer, format_date, format_time};
use std::collections::{BTreeMap, HashMap};

/// A small problem to start from: two stores, three agents, one week.
const SAMPLE_TOML: &str = include_str!("roster_sample.toml");

/// The search's budget on the page (the CLI's default is larger).
const PAGE_ITERATIONS: u64 = 500_000;

/// The grid: a header (agent, then each day `MM-DD`) and one row per agent
/// with its shift codes (and the store, for agents of several stores).
pub fn grid(instance: &Instance, a: &RosterAnswer, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let days: Vec<i32> = (0..instance.days as i32)
        .map(|d| instance.start + d)
        .collect();
    let mut header = vec![lang.t("客服", "agent").to_string()];
    header.extend(
        days.iter()
            .map(|d| format_date(*d).get(5..).unwrap_or("").to_string()),
    );
    let mut cells: HashMap<(&str, i32), String> = HashMap::new();
    for s in &a.assignments {
        let several = instance
            .agent(&s.agent)
            .is_some_and(|(_, g)| g.stores.len() > 1);
        let text = if several {
            format!("{} {}", s.shift, s.store)
        } else {
            s.shift.clone()
        };
        cells.insert((s.agent.as_str(), s.date), text);
    }
    let rows = instance
        .agents
        .iter()
        .map(|g| {
            let mut row = vec![g.name.clone()];
            row.extend(days.iter().map(|d| {
                cells
                    .get(&(g.name.as_str(), *d))
                    .cloned()
                    .unwrap_or_else(|| "-".into())
            }));
            row
        })
        .collect();
    (header, rows)
}

/// The workbook: the grid, then coverage, hours and gaps on their sheets.
pub fn workbook(
    instance: &Instance,
    a: &RosterAnswer,
    lang: Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let layout = |name: &str, frozen: u16| SheetLayout {
        name: Some(name.into()),
        frozen_columns: frozen,
        widths: ColumnWidths::Fit,
    };
    let text = |s: String| XlsxCell::Text(s.into());
    let num = |x: f64| XlsxCell::Number(x, NumberFormat::General);
    let (header, rows) = grid(instance, a, lang);
    let grid_rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| if c == "-" { XlsxCell::Empty } else { text(c) })
                .collect()
        })
        .collect();
    let slot = |store: &str, skill: &str, date: i32, interval: u32| {
        vec![
            text(store.to_string()),
            text(skill.to_string()),
            text(format_date(date)),
            text(format_time(interval)),
        ]
    };
    let coverage = a
        .coverage
        .iter()
        .map(|c| {
            let mut row = slot(&c.store, &c.skill, c.date, c.interval);
            row.extend([
                num(f64::from(c.required)),
                num(f64::from(c.scheduled)),
                num(f64::from(c.gap)),
            ]);
            row
        })
        .collect();
    let hours = a
        .hours
        .iter()
        .map(|h| {
            vec![
                text(h.agent.clone()),
                text(format_date(h.week)),
                num(h.hours),
            ]
        })
        .collect();
    let gaps = a
        .gaps
        .iter()
        .map(|g| {
            let mut row = slot(&g.store, &g.skill, g.date, g.interval);
            row.extend([
                num(f64::from(g.gap)),
                text(lang.t(g.reason.zh(), g.reason.en()).to_string()),
            ]);
            row
        })
        .collect();
    let t = |zh: &'static str, en: &'static str| lang.t(zh, en);
    let slot_heads = [
        t("店铺", "store"),
        t("技能", "skill"),
        t("日期", "date"),
        t("时段", "interval"),
    ];
    let sheets = [
        Sheet {
            headers: header.iter().map(String::as_str).collect(),
            rows: grid_rows,
            layout: layout(t("排班表", "Roster"), 1),
        },
        Sheet {
            headers: [
                &slot_heads[..],
                &[
                    t("需求", "required"),
                    t("在岗", "scheduled"),
                    t("缺口", "gap"),
                ],
            ]
            .concat(),
            rows: coverage,
            layout: layout(t("覆盖", "Coverage"), 0),
        },
        Sheet {
            headers: vec![t("客服", "agent"), t("周", "week"), t("工时", "hours")],
            rows: hours,
            layout: layout(t("工时", "Hours"), 0),
        },
        Sheet {
            headers: [&slot_heads[..], &[t("缺口", "gap"), t("原因", "reason")]].concat(),
            rows: gaps,
            layout: layout(t("缺口", "Gaps"), 0),
        },
    ];
    workbook_of(&sheets)
}

/// One heatmap: a store and skill, days by intervals.
pub struct Heat {
    title: String,
    svg: String,
}

/// A gap as the page lists it.
pub struct GapLine {
    slot: String,
    gap: u32,
    reason: &'static str,
}

#[derive(Template)]
#[template(path = "wfm/roster.html")]
struct RosterPage {
    c: Chrome,
    toml: String,
    csv: String,
    error: String,
    solved: bool,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    heats: Vec<Heat>,
    hours: Vec<(String, String, String)>,
    gaps: Vec<GapLine>,
    more_gaps: usize,
    summary: Vec<(String, String)>,
}

fn heats(instance: &Instance, a: &RosterAnswer, lang: Lang) -> Vec<Heat> {
    let step = instance.interval_minutes;
    let columns: Vec<String> = (0..(24 * 60 / step.max(1)))
        .map(|i| format_time(i * step))
        .collect();
    let mut by: BTreeMap<(&str, &str), BTreeMap<i32, Vec<Cover>>> = BTreeMap::new();
    for c in &a.coverage {
        let days = by.entry((c.store.as_str(), c.skill.as_str())).or_default();
        let row = days
            .entry(c.date)
            .or_insert_with(|| vec![Cover::default(); columns.len()]);
        if let Some(cell) = row.get_mut((c.interval / step.max(1)) as usize) {
            *cell = Cover {
                required: c.required,
                scheduled: c.scheduled,
            };
        }
    }
    by.into_iter()
        .map(|((store, skill), days)| {
            let title = format!(
                "{store} · {skill} {}",
                lang.t("覆盖（在岗/需求）", "coverage (on duty / required)")
            );
            let rows: Vec<(String, Vec<Cover>)> = days
                .into_iter()
                .map(|(d, cells)| (format_date(d), cells))
                .collect();
            Heat {
                svg: coverage_heatmap(&title, &columns, &rows),
                title,
            }
        })
        .collect()
}

fn page_of(viewer: &Viewer, toml: String, csv: String) -> RosterPage {
    RosterPage {
        c: viewer.chrome(viewer.lang.t("排班", "Roster").to_string(), "wfm-roster"),
        toml,
        csv,
        error: String::new(),
        solved: false,
        header: Vec::new(),
        rows: Vec::new(),
        heats: Vec::new(),
        hours: Vec::new(),
        gaps: Vec::new(),
        more_gaps: 0,
        summary: Vec::new(),
    }
}

/// The sample's requirements: 08:00–24:00 at one store, the evening at the
/// other, a week.
fn sample_csv() -> String {
    let mut out = String::from("store,skill,date,interval,agents\n");
    for day in 7..14 {
        for half in 16..48 {
            let (h, m) = (half / 2, if half % 2 == 0 { "00" } else { "30" });
            let busy = if (40..44).contains(&half) { 2 } else { 1 };
            out.push_str(&format!(
                "dy-1001,presale,2026-12-{day:02},{h:02}:{m},{busy}\n"
            ));
            if h >= 18 {
                out.push_str(&format!("dy-1002,presale,2026-12-{day:02},{h:02}:{m},1\n"));
            }
        }
    }
    out
}

/// The form, with the sample problem.
pub async fn page(State(_state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    if !viewer.scope.may(Action::Plan) {
        return Err(kefu_app::Error::Forbidden.into());
    }
    Ok(render(&page_of(&viewer, SAMPLE_TOML.to_string(), sample_csv()))?.into_response())
}

/// Solves the form's problem: the page, or the workbook (`format=xlsx`).
pub async fn solve(
    State(state): State<AppState>,
    viewer: Viewer,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let l = viewer.lang;
    let toml = form.get("instance").cloned().unwrap_or_default();
    let csv = form.get("requirements").cloned().unwrap_or_default();
    let mut p = page_of(&viewer, toml.clone(), csv.clone());
    let s = match viewer
        .gate(&state)
        .solve_roster(&toml, &csv, PAGE_ITERATIONS)
        .await
    {
        Ok(s) => s,
        Err(e @ kefu_app::Error::Invalid { .. }) => {
            p.error = e.text(l);
            return Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let (instance, a) = (&s.instance, &s.answer);
    if form.get("format").map(String::as_str) == Some("xlsx") {
        let bytes = workbook(instance, a, l).map_err(|e| AppError::Internal(e.into()))?;
        return Ok((
            [
                (
                    CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    CONTENT_DISPOSITION,
                    crate::table::attachment(&format!(
                        "roster-{}.xlsx",
                        format_date(instance.start)
                    )),
                ),
            ],
            bytes,
        )
            .into_response());
    }
    let required: u64 = a.coverage.iter().map(|c| u64::from(c.required)).sum();
    let short: u64 = a.gaps.iter().map(|g| u64::from(g.gap)).sum();
    let covered = if required > 0 {
        format!(
            "{:.1}%",
            100.0 * (required - short.min(required)) as f64 / required as f64
        )
    } else {
        "—".into()
    };
    p.summary = vec![
        (
            l.t("排班数", "Shifts").into(),
            a.assignments.len().to_string(),
        ),
        (
            l.t("需求（人·时段）", "Required agent-intervals").into(),
            required.to_string(),
        ),
        (
            l.t("缺口（人·时段）", "Short agent-intervals").into(),
            short.to_string(),
        ),
        (l.t("覆盖率", "Covered").into(), covered),
    ];
    let (header, rows) = grid(instance, a, l);
    p.header = header;
    p.rows = rows;
    p.heats = heats(instance, a, l);
    p.hours = a
        .hours
        .iter()
        .map(|h| {
            (
                h.agent.clone(),
                format_date(h.week),
                format!("{:.1}", h.hours),
            )
        })
        .collect();
    const SHOWN: usize = 200;
    p.gaps = a
        .gaps
        .iter()
        .take(SHOWN)
        .map(|g| GapLine {
            slot: format!(
                "{} · {} · {} {}",
                g.store,
                g.skill,
                format_date(g.date),
                format_time(g.interval)
            ),
            gap: g.gap,
            reason: l.t(g.reason.zh(), g.reason.en()),
        })
        .collect();
    p.more_gaps = a.gaps.len().saturating_sub(SHOWN);
    p.solved = true;
    Ok(render(&p)?.into_response())
}
