//! `kefu report monthly --store CODE --month YYYY-MM`: the monthly service
//! report of a store (the page `/reports/monthly`): the contract's targets
//! against the figures measured, the month's figures and QA, its invoices.
//! `table` prints the targets and figures, `json` the whole report as the
//! API answers it, `xlsx` the page's workbook.

use crate::db::with_gate;
use crate::lang::tr;
use crate::output::Format;
use crate::records::{Column, write_rows};
use anyhow::bail;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `kefu report`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The monthly service report of a store (服务月报).
    Monthly {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The month (YYYY-MM).
        #[arg(long)]
        month: String,
        /// table, json or xlsx.
        #[arg(long, default_value = "table")]
        format: Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

const TARGET_COLUMNS: &[Column] = &[
    ("figure", "指标"),
    ("target", "目标"),
    ("measured", "实际"),
    ("met", "达标"),
];

/// One figure of the month, for the table.
#[derive(serde::Serialize)]
struct FigureRow {
    figure: String,
    value: Option<String>,
}

/// A target, for the table.
#[derive(serde::Serialize)]
struct TargetRow {
    figure: String,
    target: String,
    measured: Option<String>,
    met: Option<bool>,
}

/// A figure to four places at most: `36.3489`, `2307`.
fn short(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

const FIGURE_COLUMNS: &[Column] = &[("figure", "指标"), ("value", "数值")];

/// Runs `kefu report …`.
pub async fn run(url: &str, c: &ReportCommand) -> anyhow::Result<ExitCode> {
    let ReportCommand::Monthly {
        store,
        month,
        format,
        out,
    } = c;
    let month = kefu_app::contracts::parse_month("--month", month)?;
    with_gate(url, async |gate| {
        let r = gate.monthly_report(store, month).await?;
        match format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&r)?),
            Format::Xlsx => {
                let Some(path) = out else {
                    bail!("{}", tr("xlsx 需要 --out 文件", "xlsx needs --out FILE"))
                };
                let bytes = kefu_web::contracts::report::workbook(&r, crate::lang::current())?;
                std::fs::write(path, bytes)?;
            }
            Format::Table | Format::Csv => {
                let contract = r.contract.as_deref().unwrap_or("—");
                println!("{store} {month} · {} {contract}", tr("合同", "contract"));
                let targets: Vec<TargetRow> = r
                    .targets
                    .iter()
                    .map(|t| TargetRow {
                        figure: t.figure.clone(),
                        target: t.target.clone(),
                        measured: t.measured.map(short),
                        met: t.met,
                    })
                    .collect();
                write_rows(
                    &targets,
                    TARGET_COLUMNS,
                    ("服务目标", "targets"),
                    *format,
                    None,
                )?;
                let figures: Vec<FigureRow> = r
                    .figures
                    .iter()
                    .map(|(k, v)| FigureRow {
                        figure: k.clone(),
                        value: v.map(short),
                    })
                    .collect();
                write_rows(&figures, FIGURE_COLUMNS, ("数据", "figures"), *format, None)?;
                for i in &r.invoices {
                    println!("{} {} {} {}", i.number, i.kind, i.status, i.gross);
                }
            }
        }
        Ok(())
    })
    .await
}
