//! `kefu qa report`: the quality-inspection report (spec qa.md §3) per
//! store, agent or team and per week or month, as the report page shows
//! it: a table, CSV or XLSX of its rows, or the whole report as JSON (rows,
//! findings by rule and period, the score distribution).

use crate::lang::tr;
use crate::output::Format;
use crate::records::{Column, write_rows};
use anyhow::bail;
use clap::Args;
use kefu_app::Gate;
use kefu_app::qa_report::{Period, ReportBy};
use std::path::PathBuf;

/// Options of `kefu qa report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    range: crate::qa::RangeArgs,
    /// Only the sessions and findings of this agent.
    #[arg(long)]
    agent: Option<String>,
    /// Rows per store, agent or team.
    #[arg(long, default_value = "store")]
    group: String,
    /// Periods: month, or week (from Monday).
    #[arg(long, default_value = "month")]
    period: String,
    /// Output: table, csv, json or xlsx.
    #[arg(long, default_value = "table")]
    format: Format,
    /// File to write (required for xlsx; stdout otherwise).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The columns of a report's rows.
const ROW_COLUMNS: &[Column] = &[
    ("period", "周期"),
    ("group", "分组"),
    ("sessions_inspected", "质检会话"),
    ("manual_sessions", "人工会话"),
    ("reviewed_sessions", "已复核"),
    ("critical_sessions", "严重问题会话"),
    ("auto_score", "自动得分"),
    ("final_score", "最终得分"),
    ("findings", "问题数"),
    ("critical", "严重"),
    ("major", "重要"),
    ("minor", "一般"),
    ("alert", "提示"),
    ("appeals", "申诉"),
    ("upheld", "维持"),
    ("overturned", "撤销"),
    ("open", "待裁决"),
];

/// Runs `kefu qa report`.
pub async fn run(gate: &Gate, a: &ReportArgs) -> anyhow::Result<()> {
    let Some(by) = ReportBy::parse(&a.group) else {
        bail!(
            "--group: '{}' {}",
            a.group,
            tr(
                "不是分组；可用 store、agent、team",
                "is not a grouping; use store, agent, team"
            )
        );
    };
    let Some(period) = Period::parse(&a.period) else {
        bail!(
            "--period: '{}' {}",
            a.period,
            tr(
                "不是周期；可用 week、month",
                "is not a period; use week, month"
            )
        );
    };
    let mut filter = a.range.filter()?;
    filter.agent = a.agent.clone();
    let report = gate.qa_report(&filter, by, period).await?;
    if a.format == Format::Json {
        let text = serde_json::to_string_pretty(&report)?;
        match &a.out {
            Some(path) => std::fs::write(path, text + "\n")?,
            None => println!("{text}"),
        }
        return Ok(());
    }
    write_rows(
        &report.rows,
        ROW_COLUMNS,
        ("质检报表", "report"),
        a.format,
        a.out.as_deref(),
    )
}
