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
    /// Solve a roster problem given whole as the TOML of wfm.md §5.
    Roster {
        /// The instance file (its `requirements` CSV beside it).
        #[arg(long)]
        instance: std::path::PathBuf,
        /// table, json or xlsx.
        #[arg(long, default_value = "table")]
        format: String,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// Moves the local search tries.
        #[arg(long, default_value_t = 2_000_000)]
        iterations: u64,
        /// The search's seed (the same seed gives the same roster).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
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
        WfmCommand::Roster {
            instance,
            format,
            out,
            iterations,
            seed,
        } => {
            crate::wfm_roster::run(instance, format, out.as_deref(), *iterations, *seed)?;
            return Ok(ExitCode::SUCCESS);
        }
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
