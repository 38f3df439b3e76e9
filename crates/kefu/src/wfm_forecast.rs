//! `kefu wfm forecast --store CODE --week YYYY-MM-DD --format
//! table|csv|json|xlsx`: a store's forecast per 30-minute interval for a
//! week (wfm.md §1) from the volumes the import keeps, with the trend, the
//! promotion days left out of history and the WAPE of the last complete
//! week. `table` prints the intervals as rows and the days as columns.

use crate::db::with_gate;
use crate::lang::tr;
use crate::output::{Format, text_table};
use crate::records::{Column, write_rows};
use anyhow::Context;
use kefu_app::contracts::{day_number, parse_date};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

const COLUMNS: &[Column] = &[
    ("store", "店铺"),
    ("date", "日期"),
    ("interval", "时段"),
    ("forecast", "预测"),
    ("actual", "实际"),
    ("required", "需在岗"),
];

/// Reads `DATE=MULT` promotion flags.
fn promotions(flags: &[String]) -> anyhow::Result<BTreeMap<i32, f64>> {
    let mut out = BTreeMap::new();
    for f in flags {
        let (date, mult) = f.split_once('=').unwrap_or((f.as_str(), "1"));
        let day = day_number(parse_date("promotion", date)?) as i32;
        let m: f64 = mult.trim().parse().with_context(|| {
            format!(
                "--promotion {f}: {}",
                tr("倍数不是数字", "the multiplier is not a number")
            )
        })?;
        out.insert(day, m);
    }
    Ok(out)
}

/// Runs the command.
pub async fn run(
    db: &str,
    store: &str,
    week: &str,
    weeks: u32,
    promotion: &[String],
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let start = day_number(parse_date("week", week)?) as i32;
    let extra = promotions(promotion)?;
    with_gate(db, async |gate| {
        let f = gate.forecast(store, start, weeks, &extra).await?;
        match format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&f)?),
            Format::Table => {
                let wape = f
                    .wape
                    .map(|w| format!("{:.1}%", w * 100.0))
                    .unwrap_or_else(|| "—".into());
                println!(
                    "{store} {} {} · {} {:.3} · WAPE {wape} ({})",
                    tr("周", "week"),
                    f.week,
                    tr("趋势", "trend"),
                    f.trend,
                    f.accuracy_week.as_deref().unwrap_or("—")
                );
                let dates: Vec<String> =
                    f.rows.iter().step_by(48).map(|r| r.date.clone()).collect();
                let mut header = vec![tr("时段", "interval").to_string()];
                header.extend(dates.iter().map(|d| d.get(5..).unwrap_or(d).to_string()));
                let rows: Vec<Vec<String>> = (0..48)
                    .map(|i| {
                        let mut row = vec![f.rows[i].interval.clone()];
                        row.extend(
                            (0..dates.len()).map(|d| format!("{:.1}", f.rows[d * 48 + i].forecast)),
                        );
                        row
                    })
                    .collect();
                print!("{}", text_table(&header, &rows));
            }
            Format::Csv | Format::Xlsx => {
                write_rows(&f.rows, COLUMNS, ("预测", "forecast"), format, out)?;
            }
        }
        Ok(())
    })
    .await
}
