//! `kefu wfm`: workforce planning (排班), spec `wfm.md`: rosters of a
//! problem given whole (`kefu wfm roster --instance`, see
//! [`crate::wfm_roster`]) and the staffing calculator of §4: `kefu wfm erlang --volume N --aht SECONDS
//! --interval MINUTES --concurrency C --target 0.8 --within SECONDS
//! --max-occupancy 0.85 --shrinkage 0.3 --format table|json` (scripts call
//! it with exactly these flags).

use crate::lang::tr;
use crate::output::text_table;
use anyhow::bail;
use clap::{Args, Subcommand};
use kefu_wfm::{StaffingInput, StaffingRules, staff};
use std::process::ExitCode;

#[path = "wfm_shifts.rs"]
mod wfm_shifts;

/// Subcommands of `kefu wfm`.
#[derive(Debug, Subcommand)]
pub enum WfmCommand {
    /// How many agents one interval's load needs (Erlang C with chat
    /// concurrency, wfm.md §2, §4).
    Erlang(ErlangArgs),
    /// A store's forecast for a week, per 30-minute interval (wfm.md §1).
    Forecast {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The week's first day (YYYY-MM-DD).
        #[arg(long)]
        week: String,
        /// Ordinary weeks of history to average.
        #[arg(long, default_value_t = 4)]
        weeks: u32,
        /// A promotion day and its multiplier, DATE=MULT (repeatable);
        /// promotions booked in the store's contracts are known already.
        #[arg(long)]
        promotion: Vec<String>,
        /// table, csv, json or xlsx.
        #[arg(long, default_value = "table")]
        format: crate::output::Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// How many agents start each shift template on each day: the
    /// aggregate problem, solved exactly (JSON in, see wfm_shifts.rs).
    Shifts(wfm_shifts::ShiftsArgs),
    /// Solve a roster: a problem given whole as the TOML of wfm.md §5
    /// (`--instance`), or built from the database (`--from --days`).
    Roster {
        /// The instance file (its `requirements` CSV beside it).
        #[arg(long)]
        instance: Option<std::path::PathBuf>,
        /// From the database: the first day planned (YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// From the database: days planned.
        #[arg(long, default_value_t = 28)]
        days: u32,
        /// From the database: keep the roster (pages, adherence).
        #[arg(long)]
        save: bool,
        /// From the database: also write the instance built
        /// (instance.toml, required.csv) into this directory.
        #[arg(long)]
        instance_out: Option<std::path::PathBuf>,
        /// table, json or xlsx.
        #[arg(long, default_value = "table")]
        format: String,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Moves the local search tries.
        #[arg(long, default_value_t = 4_000_000)]
        iterations: u64,
        /// The search's seed (the same seed gives the same roster).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Late starts, early ends and unrostered work by agent and day: the
    /// chat logs against the stored rosters.
    Adherence {
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// table, csv, json or xlsx.
        #[arg(long, default_value = "table")]
        format: crate::output::Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// A promotion day planned: the extra agents per interval and whether
    /// the stored roster covers them.
    Surge {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The day (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// table, csv, json or xlsx.
        #[arg(long, default_value = "table")]
        format: crate::output::Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// The planning settings (rules, shifts, agents' hours and leave,
    /// stores' weights and staffing targets).
    #[command(subcommand)]
    Settings(crate::wfm_db::SettingsCommand),
    /// The promotion calendar.
    #[command(subcommand)]
    Promotion(crate::wfm_db::PromotionCommand),
}

/// The flags of `kefu wfm erlang`.
#[derive(Debug, Args)]
pub struct ErlangArgs {
    /// Chats starting in the interval.
    #[arg(long, allow_hyphen_values = true)]
    volume: f64,
    /// Mean handle time of a chat, seconds.
    #[arg(long, allow_hyphen_values = true)]
    aht: f64,
    /// Length of the interval, minutes.
    #[arg(long, default_value_t = 30.0)]
    interval: f64,
    /// Chats an agent holds at once.
    #[arg(long, default_value_t = 3)]
    concurrency: u32,
    /// Service level to reach: the share answered within --within.
    #[arg(long, default_value_t = 0.8)]
    target: f64,
    /// Seconds of the service target.
    #[arg(long, default_value_t = 20.0)]
    within: f64,
    /// The highest share of time a slot may be busy.
    #[arg(long, default_value_t = 0.85)]
    max_occupancy: f64,
    /// Share of paid time not on chats (breaks, training, meetings).
    #[arg(long, default_value_t = 0.3)]
    shrinkage: f64,
    /// table or json.
    #[arg(long, default_value = "table")]
    format: String,
}

/// Runs `kefu wfm …` (`db`: the database, for the forecast).
pub async fn run(db: &str, c: &WfmCommand) -> anyhow::Result<ExitCode> {
    let a = match c {
        WfmCommand::Erlang(a) => a,
        WfmCommand::Forecast {
            store,
            week,
            weeks,
            promotion,
            format,
            out,
        } => {
            return crate::wfm_forecast::run(
                db,
                store,
                week,
                *weeks,
                promotion,
                *format,
                out.as_deref(),
            )
            .await;
        }
        WfmCommand::Shifts(a) => {
            wfm_shifts::run(a)?;
            return Ok(ExitCode::SUCCESS);
        }
        WfmCommand::Roster {
            instance,
            from,
            days,
            save,
            instance_out,
            format,
            out,
            iterations,
            seed,
        } => {
            crate::wfm_db::roster_source(instance.as_deref(), from.as_deref())?;
            if let Some(from) = from {
                let a = crate::wfm_db::RosterFromDb {
                    from,
                    days: *days,
                    format,
                    out: out.as_deref(),
                    iterations: *iterations,
                    save: *save,
                    instance_out: instance_out.as_deref(),
                };
                return crate::wfm_db::roster(db, &a).await;
            }
            if let Some(instance) = instance {
                crate::wfm_roster::run(instance, format, out.as_deref(), *iterations, *seed)?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        WfmCommand::Adherence {
            from,
            to,
            format,
            out,
        } => return crate::wfm_db::adherence(db, from, to, *format, out.as_deref()).await,
        WfmCommand::Surge {
            store,
            date,
            format,
            out,
        } => return crate::wfm_db::surge(db, store, date, *format, out.as_deref()).await,
        WfmCommand::Settings(c) => return crate::wfm_db::settings(db, c).await,
        WfmCommand::Promotion(c) => return crate::wfm_db::promotion(db, c).await,
    };
    let input = StaffingInput {
        volume: a.volume,
        aht_seconds: a.aht,
        rules: StaffingRules {
            interval_minutes: a.interval,
            concurrency: a.concurrency,
            target: a.target,
            answer_within_seconds: a.within,
            max_occupancy: a.max_occupancy,
            shrinkage: a.shrinkage,
        },
    };
    let answer = match staff(&input) {
        Ok(x) => x,
        Err(e) => bail!("--{}: {}", flag(e.field()), tr(&e.zh(), &e.en())),
    };
    match a.format.as_str() {
        "json" => println!("{}", serde_json::to_string_pretty(&answer)?),
        "table" => {
            let rows = [
                (
                    tr("负载（爱尔兰）", "offered load (Erlang)"),
                    format!("{:.2}", answer.offered_load),
                ),
                (tr("所需并发席位", "chat slots"), answer.slots.to_string()),
                (
                    tr("在岗客服", "agents on duty"),
                    answer.agents_on_duty.to_string(),
                ),
                (
                    tr("需排班客服", "agents to schedule"),
                    answer.agents_to_schedule.to_string(),
                ),
                (
                    tr("服务水平", "service level"),
                    format!("{:.4}", answer.service_level),
                ),
                (tr("等待概率", "P(wait)"), format!("{:.4}", answer.p_wait)),
                (
                    tr("平均等待（秒）", "mean wait ASA (s)"),
                    format!("{:.1}", answer.asa_seconds),
                ),
                (
                    tr("占用率", "occupancy"),
                    format!("{:.4}", answer.occupancy),
                ),
            ];
            let header = [
                tr("项目", "figure").to_string(),
                tr("数值", "value").to_string(),
            ];
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), v])
                .collect();
            print!("{}", text_table(&header, &rows));
        }
        other => bail!(
            "--format: '{other}' {}",
            tr("应为 table 或 json", "is not table or json")
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// The flag of an input field.
fn flag(field: &str) -> &str {
    match field {
        "aht_seconds" => "aht",
        "interval_minutes" => "interval",
        "answer_within_seconds" => "within",
        "max_occupancy" => "max-occupancy",
        other => other,
    }
}
