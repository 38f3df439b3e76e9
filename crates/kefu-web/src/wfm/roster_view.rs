//! A solved roster as the pages show it, shared by `/wfm/roster` (a
//! problem pasted and solved) and `/wfm/rosters/{id}` (a stored roster):
//! the grid (agents × days with shift codes), the coverage heatmap per
//! store and skill (short in red), every gap with the rule that kept it
//! open, each agent's hours; and the workbook providers print (agents as
//! rows, days as columns, shift codes in cells), which
//! `kefu wfm roster --format xlsx` writes too.

use crate::charts::{Cover, coverage_heatmap};
use crate::error::AppError;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kefu_domain::Lang;
use kefu_export::xlsx::{ColumnWidths, NumberFormat, Sheet, SheetLayout, XlsxCell, workbook_of};
use kefu_wfm::roster::{Instance, RosterAnswer, format_date, format_time};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Gaps listed on a page; the rest are in the workbook.
const SHOWN_GAPS: usize = 200;

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

/// The grid's rows of the agents the answer gives hours for: every agent
/// of a whole answer, only those the reader may see of a filtered one
/// ([`kefu_app::wfm_roster::StoredRoster`]).
pub fn visible_grid(
    instance: &Instance,
    a: &RosterAnswer,
    lang: Lang,
) -> (Vec<String>, Vec<Vec<String>>) {
    let shown: BTreeSet<&str> = a.hours.iter().map(|h| h.agent.as_str()).collect();
    let (header, mut rows) = grid(instance, a, lang);
    rows.retain(|r| r.first().is_some_and(|name| shown.contains(name.as_str())));
    (header, rows)
}

/// The workbook: the grid, then coverage, hours and gaps on their sheets.
pub fn workbook(
    instance: &Instance,
    a: &RosterAnswer,
    lang: Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    book(grid(instance, a, lang), a, lang)
}

/// The workbook of a stored roster as its reader sees it: the grid of the
/// agents they may see (coverage and gaps are empty when they see only
/// some).
pub fn visible_workbook(
    instance: &Instance,
    a: &RosterAnswer,
    lang: Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    book(visible_grid(instance, a, lang), a, lang)
}

fn book(
    (header, rows): (Vec<String>, Vec<Vec<String>>),
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

/// A workbook as a download named `file`.
pub fn xlsx_download(
    bytes: Result<Vec<u8>, rust_xlsxwriter::XlsxError>,
    file: &str,
) -> Result<Response, AppError> {
    let bytes = bytes.map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (CONTENT_DISPOSITION, crate::table::attachment(file)),
        ],
        bytes,
    )
        .into_response())
}

/// One heatmap: a store and skill, days by intervals.
pub struct Heat {
    /// Its caption.
    pub title: String,
    /// The SVG.
    pub svg: String,
}

/// A gap as the page lists it.
pub struct GapLine {
    /// Store, skill, date and interval.
    pub slot: String,
    /// Agents missing.
    pub gap: u32,
    /// Why, in the page's language.
    pub reason: &'static str,
}

/// What `templates/wfm/roster_view.html` shows of a solved roster.
#[derive(Default)]
pub struct RosterView {
    /// Coverage and gaps are shown (the reader sees every agent).
    pub whole: bool,
    /// The cards: label and value.
    pub summary: Vec<(String, String)>,
    /// The grid's header: agent, then the days.
    pub header: Vec<String>,
    /// The grid's rows.
    pub rows: Vec<Vec<String>>,
    /// One heatmap per store and skill.
    pub heats: Vec<Heat>,
    /// Agent, week, hours.
    pub hours: Vec<(String, String, String)>,
    /// The gaps listed.
    pub gaps: Vec<GapLine>,
    /// Gaps not listed.
    pub more_gaps: usize,
}

fn heats(instance: &Instance, a: &RosterAnswer, lang: Lang) -> Vec<Heat> {
    let step = instance.interval_minutes.max(1);
    let columns: Vec<String> = (0..(24 * 60 / step))
        .map(|i| format_time(i * step))
        .collect();
    let mut by: BTreeMap<(&str, &str), BTreeMap<i32, Vec<Cover>>> = BTreeMap::new();
    for c in &a.coverage {
        let days = by.entry((c.store.as_str(), c.skill.as_str())).or_default();
        let row = days
            .entry(c.date)
            .or_insert_with(|| vec![Cover::default(); columns.len()]);
        if let Some(cell) = row.get_mut((c.interval / step) as usize) {
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

impl RosterView {
    /// The view of an answer; `whole`: with the coverage, the gaps and
    /// their figures (else the reader's shifts and hours only).
    pub fn new(instance: &Instance, a: &RosterAnswer, lang: Lang, whole: bool) -> RosterView {
        let l = lang;
        let mut summary = vec![(
            l.t("排班数", "Shifts").to_string(),
            a.assignments.len().to_string(),
        )];
        if whole {
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
            summary.extend([
                (
                    l.t("需求（人·时段）", "Required agent-intervals").into(),
                    required.to_string(),
                ),
                (
                    l.t("缺口（人·时段）", "Short agent-intervals").into(),
                    short.to_string(),
                ),
                (l.t("覆盖率", "Covered").into(), covered),
            ]);
        }
        let (header, rows) = visible_grid(instance, a, l);
        let hours = a
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
        let gaps = a
            .gaps
            .iter()
            .take(SHOWN_GAPS)
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
        RosterView {
            whole,
            summary,
            header,
            rows,
            heats: if whole {
                heats(instance, a, l)
            } else {
                Vec::new()
            },
            hours,
            gaps,
            more_gaps: a.gaps.len().saturating_sub(SHOWN_GAPS),
        }
    }
}
