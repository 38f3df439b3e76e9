//! The workforce commands that work on the database (spec `wfm.md`, issue
//! 12): `kefu wfm roster --from DATE --days N` (the instance built from the
//! database, solved, optionally kept), `kefu wfm adherence`, `kefu wfm
//! surge`, `kefu wfm settings import|export` and `kefu wfm promotion
//! set|learn|list|remove`.

use crate::db::with_gate;
use crate::lang::tr;
use crate::output::{Format, text_table};
use crate::records::{Column, write_rows};
use anyhow::{Context, bail};
use clap::Subcommand;
use kefu_app::contracts::{day_number, parse_date};
use kefu_wfm::plan::{instance_toml, requirements_csv};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `kefu wfm settings …`.
#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Save a new version of the planning settings from a TOML file.
    Import {
        /// The file.
        file: PathBuf,
    },
    /// Print the settings in force (the defaults until some are saved).
    Export,
}

/// `kefu wfm promotion …`.
#[derive(Debug, Subcommand)]
pub enum PromotionCommand {
    /// Set a store's promotion day and its volume multiplier by hand.
    Set {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The multiplier of the day's volume.
        #[arg(long)]
        multiplier: f64,
        /// What the event is.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Learn the multiplier from the same day a year before.
    Learn {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// What the event is.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// List the calendar (and the days the contracts book).
    List {
        /// Only this store.
        #[arg(long)]
        store: Option<String>,
    },
    /// Remove a day from the calendar.
    Remove {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
    },
}

fn day(field: &'static str, text: &str) -> anyhow::Result<i32> {
    Ok(day_number(parse_date(field, text)?) as i32)
}

/// What `kefu wfm roster --from` was given.
#[derive(Debug, Clone, Copy)]
pub struct RosterFromDb<'a> {
    /// The first day, `YYYY-MM-DD`.
    pub from: &'a str,
    /// Days planned.
    pub days: u32,
    /// `table`, `json` or `xlsx`.
    pub format: &'a str,
    /// The file written.
    pub out: Option<&'a Path>,
    /// Moves of the search.
    pub iterations: u64,
    /// Keep the roster.
    pub save: bool,
    /// Where to write the instance.
    pub instance_out: Option<&'a Path>,
}

/// `kefu wfm roster --from DATE --days N`: builds the instance from the
/// database, solves it, prints or writes the answer like `--instance`;
/// `--save` keeps it (its number is printed), `--instance-out DIR` writes
/// the instance (`instance.toml`, `required.csv`) for a planner to edit.
pub async fn roster(db: &str, a: &RosterFromDb<'_>) -> anyhow::Result<ExitCode> {
    let RosterFromDb {
        from,
        days,
        format,
        out,
        iterations,
        save,
        instance_out,
    } = *a;
    let start = day("from", from)?;
    with_gate(db, async |gate| {
        let (id, solved) = gate.plan_roster(start, days, iterations, save).await?;
        if let Some(dir) = instance_out {
            std::fs::create_dir_all(dir)?;
            std::fs::write(dir.join("instance.toml"), instance_toml(&solved.instance))?;
            std::fs::write(dir.join("required.csv"), requirements_csv(&solved.instance))?;
        }
        crate::wfm_roster::write_answer(&solved.instance, &solved.answer, format, out)?;
        if let Some(id) = id {
            eprintln!("{} #{id}", tr("已保存排班", "roster saved as"));
        }
        Ok(())
    })
    .await
}

const ADHERENCE: &[Column] = &[
    ("agent", "客服"),
    ("date", "日期"),
    ("shift", "班次"),
    ("store", "店铺"),
    ("planned", "排班时间"),
    ("worked", "实际工作"),
    ("late_minutes", "迟到分钟"),
    ("early_minutes", "早退分钟"),
    ("unrostered_minutes", "排班外分钟"),
    ("not_worked", "缺勤"),
];

/// `kefu wfm adherence --from D --to D --format table|csv|json|xlsx`.
pub async fn adherence(
    db: &str,
    from: &str,
    to: &str,
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let (from, to) = (day("from", from)?, day("to", to)?);
    with_gate(db, async |gate| {
        let rows = gate.adherence(from, to).await?;
        write_rows(&rows, ADHERENCE, ("排班遵守", "adherence"), format, out)
    })
    .await
}

const SURGE: &[Column] = &[
    ("interval", "时段"),
    ("ordinary_forecast", "平日预测"),
    ("forecast", "大促预测"),
    ("ordinary_required", "平日需在岗"),
    ("required", "大促需在岗"),
    ("extra", "需增加"),
    ("scheduled", "已排"),
    ("gap", "缺口"),
];

/// `kefu wfm surge --store CODE --date D --format table|csv|json|xlsx`.
pub async fn surge(
    db: &str,
    store: &str,
    date: &str,
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let d = day("date", date)?;
    with_gate(db, async |gate| {
        let s = gate.surge(store, d).await?;
        match format {
            Format::Json => println!("{}", serde_json::to_string_pretty(&s)?),
            _ => {
                if format == Format::Table {
                    let m = s.multiplier.map_or("—".to_string(), |m| format!("×{m}"));
                    println!(
                        "{} {} {m} · {} {} · {} {}",
                        s.store,
                        s.date,
                        tr("最多需增加", "peak extra"),
                        s.peak_extra,
                        tr("未覆盖时段", "intervals short"),
                        s.uncovered_intervals
                    );
                }
                write_rows(&s.rows, SURGE, ("大促", "surge"), format, out)?;
            }
        }
        Ok(())
    })
    .await
}

/// `kefu wfm settings import|export`.
pub async fn settings(db: &str, c: &SettingsCommand) -> anyhow::Result<ExitCode> {
    with_gate(db, async |gate| {
        match c {
            SettingsCommand::Import { file } => {
                let text = std::fs::read_to_string(file).with_context(|| {
                    format!("{}: {}", file.display(), tr("无法读取", "cannot read"))
                })?;
                let v = gate.save_plan_settings(&text).await.map_err(|e| {
                    anyhow::anyhow!("{}: {}", file.display(), e.text(crate::lang::current()))
                })?;
                eprintln!(
                    "{} v{v}",
                    tr("已保存排班设置", "planning settings saved as")
                );
            }
            SettingsCommand::Export => print!("{}", gate.plan_settings().await?.text),
        }
        Ok(())
    })
    .await
}

/// `kefu wfm promotion …`.
pub async fn promotion(db: &str, c: &PromotionCommand) -> anyhow::Result<ExitCode> {
    with_gate(db, async |gate| {
        let shown = match c {
            PromotionCommand::Set {
                store,
                date,
                multiplier,
                name,
            } => vec![
                gate.set_promotion(store, day("date", date)?, *multiplier, name)
                    .await?,
            ],
            PromotionCommand::Learn { store, date, name } => {
                vec![
                    gate.learn_promotion(store, day("date", date)?, name)
                        .await?,
                ]
            }
            PromotionCommand::List { store } => gate.promotions(store.as_deref()).await?,
            PromotionCommand::Remove { store, date } => {
                gate.remove_promotion(store, day("date", date)?).await?;
                Vec::new()
            }
        };
        if shown.is_empty() {
            return Ok(());
        }
        let header = ["store", "date", "multiplier", "name", "source"].map(String::from);
        let rows: Vec<Vec<String>> = shown
            .into_iter()
            .map(|p| {
                vec![
                    p.store,
                    p.date,
                    format!("{}", p.multiplier),
                    p.name,
                    p.source,
                ]
            })
            .collect();
        print!("{}", text_table(&header, &rows));
        Ok(())
    })
    .await
}

/// `--instance` and `--from` exclude each other; one is needed.
pub fn roster_source(instance: Option<&Path>, from: Option<&str>) -> anyhow::Result<()> {
    match (instance, from) {
        (Some(_), Some(_)) => bail!(
            "{}",
            tr(
                "--instance 与 --from 只能给一个",
                "give --instance or --from, not both"
            )
        ),
        (None, None) => bail!(
            "{}",
            tr(
                "需要 --instance FILE 或 --from DATE --days N",
                "give --instance FILE or --from DATE --days N"
            )
        ),
        _ => Ok(()),
    }
}
