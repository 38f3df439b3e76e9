//! `kefu wfm roster --instance FILE --format table|json|xlsx`: a whole
//! roster problem in the TOML of wfm.md §5 (its `requirements` CSV beside
//! it) solved by `kefu-wfm`'s local search, with the JSON answer of §5;
//! `table` prints the roster grid and the gaps, `xlsx` writes the layout
//! providers print (agents as rows, days as columns, shift codes in cells)
//! with the coverage, hours and gaps on their own sheets.

use crate::lang::tr;
use crate::output::text_table;
use anyhow::{Context, bail};
use kefu_export::xlsx::{ColumnWidths, NumberFormat, Sheet, SheetLayout, XlsxCell, workbook_of};
use kefu_wfm::roster::{Budget, Instance, RosterAnswer, answer, format_date, format_time, solve};
use std::collections::HashMap;
use std::path::Path;

/// Reads an instance file and the requirements it names (beside it).
pub fn read_instance(path: &Path) -> anyhow::Result<Instance> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: {}", path.display(), tr("无法读取", "cannot read")))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let Some(name) = table.get("requirements").and_then(|v| v.as_str()) else {
        bail!(
            "{}: requirements {}",
            path.display(),
            tr(
                "缺少（需求 CSV 的文件名）",
                "is missing (the name of the requirements CSV)"
            )
        );
    };
    let csv_path = path.parent().unwrap_or(Path::new(".")).join(name);
    let csv = std::fs::read_to_string(&csv_path)
        .with_context(|| format!("{}: {}", csv_path.display(), tr("无法读取", "cannot read")))?;
    Instance::from_toml(&text, &csv)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), tr(&e.zh(), &e.en())))
}

/// Solves an instance and writes the answer.
pub fn run(
    path: &Path,
    format: &str,
    out: Option<&Path>,
    iterations: u64,
    seed: u64,
) -> anyhow::Result<()> {
    let instance = read_instance(path)?;
    let budget = Budget::new(iterations, seed);
    let solution = solve(&instance, &budget, None)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), tr(&e.zh(), &e.en())))?;
    let a = answer(&instance, &solution);
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(&a)?),
        "table" => print_table(&instance, &a),
        "xlsx" => {
            let Some(out) = out else {
                bail!("{}", tr("xlsx 需要 --out 文件", "xlsx needs --out FILE"))
            };
            std::fs::write(out, workbook(&instance, &a)?)?;
        }
        other => bail!(
            "--format: '{other}' {}",
            tr("应为 table、json 或 xlsx", "is not table, json or xlsx")
        ),
    }
    Ok(())
}

/// The grid: one row per agent, one column per day, shift codes (and the
/// store, when the agent works for several) in the cells.
fn grid(instance: &Instance, a: &RosterAnswer) -> (Vec<String>, Vec<Vec<String>>) {
    let days: Vec<i32> = (0..instance.days as i32)
        .map(|d| instance.start + d)
        .collect();
    let mut header = vec![tr("客服", "agent").to_string()];
    header.extend(days.iter().map(|d| format_date(*d)[5..].to_string()));
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

fn print_table(instance: &Instance, a: &RosterAnswer) {
    let (header, rows) = grid(instance, a);
    print!("{}", text_table(&header, &rows));
    let required: u64 = a.coverage.iter().map(|c| u64::from(c.required)).sum();
    let short: u64 = a.gaps.iter().map(|g| u64::from(g.gap)).sum();
    println!(
        "{} {required}，{} {short}",
        tr("需求（人·时段）", "required agent-intervals"),
        tr("缺口", "short")
    );
    for g in a.gaps.iter().take(20) {
        println!(
            "  {} {} {} {} −{} {}",
            g.store,
            g.skill,
            format_date(g.date),
            format_time(g.interval),
            g.gap,
            tr(g.reason.zh(), g.reason.en())
        );
    }
    if a.gaps.len() > 20 {
        println!(
            "  … {} {}",
            a.gaps.len() - 20,
            tr(
                "处更多缺口（--format json 查看全部）",
                "more gaps (--format json lists all)"
            )
        );
    }
}

fn workbook(instance: &Instance, a: &RosterAnswer) -> anyhow::Result<Vec<u8>> {
    let layout = |name: &str, frozen: u16| SheetLayout {
        name: Some(name.into()),
        frozen_columns: frozen,
        widths: ColumnWidths::Fit,
    };
    let text = |s: String| XlsxCell::Text(s.into());
    let num = |x: f64| XlsxCell::Number(x, NumberFormat::General);
    let (header, rows) = grid(instance, a);
    let grid_rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| if c == "-" { XlsxCell::Empty } else { text(c) })
                .collect()
        })
        .collect();
    let coverage = a
        .coverage
        .iter()
        .map(|c| {
            vec![
                text(c.store.clone()),
                text(c.skill.clone()),
                text(format_date(c.date)),
                text(format_time(c.interval)),
                num(f64::from(c.required)),
                num(f64::from(c.scheduled)),
                num(f64::from(c.gap)),
            ]
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
            vec![
                text(g.store.clone()),
                text(g.skill.clone()),
                text(format_date(g.date)),
                text(format_time(g.interval)),
                num(f64::from(g.gap)),
                text(tr(g.reason.zh(), g.reason.en()).to_string()),
            ]
        })
        .collect();
    let t = |zh: &'static str, en: &'static str| tr(zh, en);
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let sheets = [
        Sheet {
            headers: header,
            rows: grid_rows,
            layout: layout(t("排班表", "Roster"), 1),
        },
        Sheet {
            headers: vec![
                t("店铺", "store"),
                t("技能", "skill"),
                t("日期", "date"),
                t("时段", "interval"),
                t("需求", "required"),
                t("在岗", "scheduled"),
                t("缺口", "gap"),
            ],
            rows: coverage,
            layout: layout(t("覆盖", "Coverage"), 0),
        },
        Sheet {
            headers: vec![t("客服", "agent"), t("周", "week"), t("工时", "hours")],
            rows: hours,
            layout: layout(t("工时", "Hours"), 0),
        },
        Sheet {
            headers: vec![
                t("店铺", "store"),
                t("技能", "skill"),
                t("日期", "date"),
                t("时段", "interval"),
                t("缺口", "gap"),
                t("原因", "reason"),
            ],
            rows: gaps,
            layout: layout(t("缺口", "Gaps"), 0),
        },
    ];
    Ok(workbook_of(&sheets)?)
}
