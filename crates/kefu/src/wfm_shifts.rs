//! `kefu wfm shifts --input FILE --format json|table`: the aggregate
//! shift-scheduling problem (how many agents start each template on each
//! day, as `pyworkforce` states it; the JSON format is documented in
//! [`kefu_wfm::shifts::problem`]) solved exactly by `kefu-wfm`, with the
//! status, the objective, the agents per day and template and the solve
//! time (measured here: the crate has no clock).
//!
//! `kefu wfm shifts --roster INSTANCE.toml` instead prints the lower bound
//! of a roster instance of wfm.md §5 (its aggregate relaxation) on the
//! agent-intervals any roster leaves uncovered, for benchmarks.

use crate::lang::tr;
use crate::output::text_table;
use anyhow::{Context, bail};
use clap::Args;
use kefu_wfm::shifts::{ShiftLimits, ShiftProblem, ShiftSolution, solve};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The flags of `kefu wfm shifts`.
#[derive(Debug, Args)]
pub struct ShiftsArgs {
    /// The problem as JSON: days, periods, required[day][period], shifts
    /// {name: [0/1 …]}, max_period_concurrency, max_shift_concurrency,
    /// objective (min_abs_difference | min_required_resources), costs.
    #[arg(long, required_unless_present = "roster", conflicts_with = "roster")]
    input: Option<PathBuf>,
    /// A roster instance (TOML of wfm.md §5): print its lower bound on
    /// uncovered agent-intervals instead.
    #[arg(long)]
    roster: Option<PathBuf>,
    /// table or json.
    #[arg(long, default_value = "table")]
    format: String,
    /// The most relaxations the branch and bound solves for one day
    /// (templates whose periods are not consecutive).
    #[arg(long, default_value_t = 20_000)]
    nodes: u64,
    /// With --roster: iterations of the relaxation's dual method.
    #[arg(long, default_value_t = 10_000)]
    bound_iterations: usize,
}

/// The JSON answer.
#[derive(Serialize)]
struct Answer<'a> {
    #[serde(flatten)]
    solution: &'a ShiftSolution,
    /// The templates' names, in the order of `resources`' rows.
    shifts: Vec<&'a str>,
    /// As `pyworkforce` prints it: one entry per day and template.
    resources_shifts: Vec<DayShift<'a>>,
    /// Seconds spent solving (reading and printing left out).
    solve_seconds: f64,
}

#[derive(Serialize)]
struct DayShift<'a> {
    day: usize,
    shift: &'a str,
    resources: i64,
}

/// Runs `kefu wfm shifts`.
pub fn run(a: &ShiftsArgs) -> anyhow::Result<()> {
    if !matches!(a.format.as_str(), "json" | "table") {
        bail!(
            "--format: '{}' {}",
            a.format,
            tr("应为 table 或 json", "is not table or json")
        );
    }
    if let Some(path) = &a.roster {
        return roster_bound(path, &a.format, a.bound_iterations);
    }
    let Some(path) = &a.input else {
        bail!("--input {}", tr("缺少", "is missing"));
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: {}", path.display(), tr("无法读取", "cannot read")))?;
    let problem: ShiftProblem = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {} ({e})",
            path.display(),
            tr("不是排班问题的 JSON", "is not the JSON of a shift problem")
        )
    })?;
    let started = Instant::now();
    let solution = solve(
        &problem,
        &ShiftLimits {
            nodes_per_day: a.nodes,
        },
    )
    .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), tr(&e.zh(), &e.en())))?;
    let solve_seconds = started.elapsed().as_secs_f64();
    let names: Vec<&str> = problem.shifts.iter().map(|s| s.name.as_str()).collect();
    if a.format == "json" {
        let mut resources_shifts = Vec::new();
        for (day, row) in solution.resources.iter().enumerate() {
            for (s, &resources) in row.iter().enumerate() {
                resources_shifts.push(DayShift {
                    day,
                    shift: names[s],
                    resources,
                });
            }
        }
        let answer = Answer {
            solution: &solution,
            shifts: names,
            resources_shifts,
            solve_seconds,
        };
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    print_table(&problem, &solution, solve_seconds);
    Ok(())
}

fn print_table(problem: &ShiftProblem, s: &ShiftSolution, seconds: f64) {
    let status = serde_json::to_value(s.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    println!(
        "{} {status}，{} {}，{} {:.4} s",
        tr("状态", "status"),
        tr("目标值", "objective"),
        s.objective.map_or("-".to_string(), |o| o.to_string()),
        tr("求解用时", "solve time"),
        seconds
    );
    if s.resources.is_empty() {
        return;
    }
    let mut header = vec![tr("班次", "shift").to_string()];
    header.extend((0..problem.days).map(|d| format!("{}{d}{}", tr("第", "day "), tr("天", ""))));
    header.push(tr("合计", "total").to_string());
    let rows: Vec<Vec<String>> = problem
        .shifts
        .iter()
        .enumerate()
        .filter(|(i, _)| s.resources.iter().any(|r| r[*i] != 0))
        .map(|(i, t)| {
            let mut row = vec![t.name.clone()];
            row.extend(s.resources.iter().map(|r| r[i].to_string()));
            row.push(s.resources.iter().map(|r| r[i]).sum::<i64>().to_string());
            row
        })
        .collect();
    print!("{}", text_table(&header, &rows));
}

/// The lower bound of a roster instance: the larger of the simple bound
/// and the aggregate relaxation's (`kefu_wfm::roster::strong_lower_bound`).
fn roster_bound(path: &Path, format: &str, iterations: usize) -> anyhow::Result<()> {
    let instance = crate::wfm_roster::read_instance(path)?;
    let started = Instant::now();
    let bound = kefu_wfm::roster::strong_lower_bound(&instance, iterations)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), tr(&e.zh(), &e.en())))?;
    let seconds = started.elapsed().as_secs_f64();
    if format == "json" {
        let mut v = serde_json::to_value(bound)?;
        v["coverable_at_most"] = bound.coverable_at_most().into();
        v["solve_seconds"] = seconds.into();
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!(
            "{} {}，{} {}，{} {}（{:.2} s）",
            tr("需求（人·时段）", "required agent-intervals"),
            bound.required,
            tr("至少缺口", "uncovered at least"),
            bound.uncovered_at_least,
            tr("至多覆盖", "coverable at most"),
            bound.coverable_at_most(),
            seconds
        );
    }
    Ok(())
}
