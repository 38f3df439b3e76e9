//! `kefu wfm roster --instance FILE --format table|json|xlsx`: a whole
//! roster problem in the TOML of wfm.md §5 (its `requirements` CSV beside
//! it) solved by `kefu-wfm`'s local search, with the JSON answer of §5;
//! `table` prints the roster grid and the gaps, `xlsx` writes the layout
//! providers print (agents as rows, days as columns, shift codes in cells)
//! with the coverage, hours and gaps on their own sheets.

use crate::lang::tr;
use crate::output::text_table;
use anyhow::{Context, bail};
use kefu_web::wfm::roster::{grid, workbook};
use kefu_wfm::roster::error::Source;
use kefu_wfm::roster::{
    Budget, Instance, Place, RosterAnswer, answer, format_date, format_time, solve,
};
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
    Instance::from_toml(&text, &csv).map_err(|e| {
        // A line of the requirements is named by the CSV's own path.
        let file = match e.place {
            Place::Line {
                source: Source::Requirements,
                ..
            } => csv_path.display(),
            _ => path.display(),
        };
        anyhow::anyhow!("{file}: {}", tr(&e.zh(), &e.en()))
    })
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
    write_answer(&instance, &a, format, out)
}

/// Writes a roster answer as `table`, `json` or `xlsx` (to `out`).
pub fn write_answer(
    instance: &Instance,
    a: &RosterAnswer,
    format: &str,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(a)?),
        "table" => print_table(instance, a),
        "xlsx" => {
            let Some(out) = out else {
                bail!("{}", tr("xlsx 需要 --out 文件", "xlsx needs --out FILE"))
            };
            std::fs::write(out, workbook(instance, a, crate::lang::current())?)?;
        }
        other => bail!(
            "--format: '{other}' {}",
            tr("应为 table、json 或 xlsx", "is not table, json or xlsx")
        ),
    }
    Ok(())
}

fn print_table(instance: &Instance, a: &RosterAnswer) {
    let (header, rows) = grid(instance, a, crate::lang::current());
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
