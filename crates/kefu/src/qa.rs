//! `kefu qa`: quality inspection (质检) from the command line: rule sets
//! (TOML of `spec/qa.md` §4), re-inspection, findings and scores (§5
//! rows), and the daily review sample. Every command acts through the
//! service layer's gate, like the pages and the API.

use crate::lang::tr;
use crate::output::Format;
use crate::records::{Column, write_rows};
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use kefu_app::qa::QaFilter;
use kefu_db::qa::ScoreGrouping;
use kefu_domain::time::{format_day, parse_day};
use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `kefu qa`.
#[derive(Debug, Subcommand)]
pub enum QaCommand {
    /// Rule sets: import, export, versions.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Inspect stored sessions again with the rules in force (e.g. after a rule change).
    Run(RangeArgs),
    /// Findings (§5 rows).
    Findings(FindingsArgs),
    /// Scores per store, agent and date (§5 rows).
    Scores(ScoresArgs),
    /// The report per store, agent or team and per week or month (§3 "Reports").
    Report(crate::qa_report::ReportArgs),
    /// The scorecard inspectors score reviews on: export or import as TOML.
    #[command(subcommand)]
    Scorecard(ScorecardCommand),
    /// The review sample of a day: drawn once, reproducible from its stored seed.
    Sample(SampleArgs),
    /// Inspect DIR/messages.csv with a rule set, no database: findings by rule and speed.
    Check(crate::qa_check::CheckArgs),
}

/// Subcommands of `kefu qa rules`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Import the provider's rule set, or with --store a store's overrides: a new version.
    Import {
        /// The TOML file.
        file: PathBuf,
        /// Import a store's overrides instead.
        #[arg(long)]
        store: Option<String>,
        /// Why (kept with the version).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write the rule set in force (or with --store the store's overrides) as TOML.
    Export {
        /// A store's overrides instead.
        #[arg(long)]
        store: Option<String>,
        /// File to write (stdout otherwise).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Every version, oldest first.
    Versions,
    /// Try a draft over the last days against the rules in force: findings added and removed; nothing stored.
    Try {
        /// The draft (TOML).
        file: PathBuf,
        /// A store's overrides instead.
        #[arg(long)]
        store: Option<String>,
        /// How many days, ending with the latest inspected day.
        #[arg(long, default_value_t = 7)]
        days: i32,
    },
}

/// Subcommands of `kefu qa scorecard`.
#[derive(Debug, Subcommand)]
pub enum ScorecardCommand {
    /// Write the scorecard in force as TOML ([[item]] with id, name, points, critical).
    Export {
        /// File to write (stdout otherwise).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Replace the scorecard with a TOML file's items.
    Import {
        /// The TOML file.
        file: PathBuf,
    },
}

/// A store and a range of local days.
#[derive(Debug, Args)]
pub struct RangeArgs {
    /// First local day (YYYY-MM-DD), included.
    #[arg(long)]
    from: Option<String>,
    /// Last local day (YYYY-MM-DD), included.
    #[arg(long)]
    to: Option<String>,
    /// Only this store.
    #[arg(long)]
    store: Option<String>,
}

/// Options of `kefu qa findings`.
#[derive(Debug, Args)]
pub struct FindingsArgs {
    #[command(flatten)]
    range: RangeArgs,
    /// Only the findings of this agent.
    #[arg(long)]
    agent: Option<String>,
    /// Only this rule.
    #[arg(long)]
    rule: Option<String>,
    /// Output: table, csv, json or xlsx.
    #[arg(long, default_value = "table")]
    format: Format,
    /// File to write (required for xlsx; stdout otherwise).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Options of `kefu qa scores`.
#[derive(Debug, Args)]
pub struct ScoresArgs {
    #[command(flatten)]
    range: RangeArgs,
    /// Only the sessions and findings of this agent.
    #[arg(long)]
    agent: Option<String>,
    /// Group by any of store, agent, date (comma-separated).
    #[arg(long, default_value = "store")]
    by: String,
    /// Output: table, csv, json or xlsx.
    #[arg(long, default_value = "table")]
    format: Format,
    /// File to write (required for xlsx; stdout otherwise).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Options of `kefu qa sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The local day (YYYY-MM-DD).
    #[arg(long)]
    date: String,
    /// The seed of a new draw (random when left out; a drawn day keeps its own).
    #[arg(long)]
    seed: Option<u64>,
    /// Percent of each agent's other manual sessions drawn (default 5).
    #[arg(long)]
    share: Option<f64>,
}

fn day(s: &Option<String>, flag: &str) -> anyhow::Result<Option<i32>> {
    s.as_deref()
        .map(|d| {
            parse_day(d)
                .map_err(anyhow::Error::msg)
                .with_context(|| flag.to_string())
        })
        .transpose()
}

impl RangeArgs {
    /// The filter of its days and store.
    pub fn filter(&self) -> anyhow::Result<QaFilter> {
        let (from, to) = self.days()?;
        Ok(QaFilter {
            from,
            to,
            store: self.store.clone(),
            ..Default::default()
        })
    }

    fn days(&self) -> anyhow::Result<(Option<i32>, Option<i32>)> {
        let (from, to) = (day(&self.from, "--from")?, day(&self.to, "--to")?);
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            bail!(
                "--from {} {} --to {}",
                format_day(f),
                tr("晚于", "is after"),
                format_day(t)
            );
        }
        Ok((from, to))
    }
}

const FINDING_COLUMNS: &[Column] = &[
    ("store", "店铺"),
    ("buyer", "买家"),
    ("session_start", "会话开始"),
    ("message_id", "消息"),
    ("agent", "客服"),
    ("rule", "规则"),
    ("kind", "类型"),
    ("severity", "严重度"),
    ("points", "扣分"),
    ("matched", "命中内容"),
    ("span", "位置"),
    ("version", "版本"),
];

const SCORE_COLUMNS: &[Column] = &[
    ("store", "店铺"),
    ("agent", "客服"),
    ("date", "日期"),
    ("sessions_inspected", "质检会话"),
    ("manual_sessions", "人工会话"),
    ("findings", "问题数"),
    ("critical_sessions", "严重问题会话"),
    ("reviewed_sessions", "已复核"),
    ("auto_score", "自动得分"),
    ("final_score", "最终得分"),
];

fn grouping(by: &str) -> anyhow::Result<ScoreGrouping> {
    let mut g = ScoreGrouping::default();
    for key in by.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match key {
            "store" => g.store = true,
            "agent" => g.agent = true,
            "date" => g.date = true,
            other => bail!(
                "--by: '{other}' {}",
                tr(
                    "不是分组键；可用 store、agent、date",
                    "is not a key; use store, agent, date"
                )
            ),
        }
    }
    Ok(g)
}

/// Runs `kefu qa …`.
pub async fn run(db: &str, c: &QaCommand) -> anyhow::Result<ExitCode> {
    if let QaCommand::Check(a) = c {
        return crate::qa_check::run(a);
    }
    crate::db::with_gate(db, async |gate| match c {
        QaCommand::Check(_) => Ok(()),
        QaCommand::Rules(RulesCommand::Import { file, store, note }) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let version = gate.qa_rules_import(store.as_deref(), &text, note).await?;
            println!("{} {version}", tr("已导入，版本", "imported as version"));
            Ok(())
        }
        QaCommand::Rules(RulesCommand::Export { store, out }) => {
            let text = gate.qa_rules_export(store.as_deref()).await?;
            match out {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        QaCommand::Rules(RulesCommand::Try { file, store, days }) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let started = std::time::Instant::now();
            let (from, to, t) = gate.qa_try(store.as_deref(), &text, *days).await?;
            let rows: Vec<Vec<String>> = t
                .by_rule
                .iter()
                .map(|(r, (a, d))| vec![r.clone(), a.to_string(), d.to_string()])
                .collect();
            let header = [
                tr("规则", "rule"),
                tr("新增", "added"),
                tr("消失", "removed"),
            ]
            .map(str::to_string)
            .to_vec();
            print!("{}", crate::output::text_table(&header, &rows));
            println!(
                "{} – {}: {} {}, {} → {} {} ({:.2} s)",
                format_day(from),
                format_day(to),
                t.conversations,
                tr("个对话", "conversations"),
                t.current,
                t.draft,
                tr("个问题", "findings"),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        QaCommand::Rules(RulesCommand::Versions) => {
            let rows: Vec<Vec<String>> = gate
                .qa_rule_versions()
                .await?
                .into_iter()
                .map(|v| {
                    vec![
                        v.version.to_string(),
                        v.store
                            .unwrap_or_else(|| tr("服务商", "provider").to_string()),
                        crate::token::when(v.created_at_ms),
                        v.created_by,
                        v.note,
                    ]
                })
                .collect();
            let header: Vec<String> = [
                tr("版本", "version"),
                tr("范围", "scope"),
                tr("时间", "at"),
                tr("操作人", "by"),
                tr("说明", "note"),
            ]
            .map(str::to_string)
            .to_vec();
            print!("{}", crate::output::text_table(&header, &rows));
            Ok(())
        }
        QaCommand::Run(r) => {
            let (from, to) = r.days()?;
            let done = gate.qa_run(r.store.as_deref(), from, to).await?;
            println!(
                "{} {} {}，{} {}，{} {}",
                tr("已重新质检", "inspected again:"),
                done.conversations,
                tr("个对话", "conversations"),
                done.sessions,
                tr("个会话", "sessions"),
                done.findings,
                tr("个问题", "findings"),
            );
            Ok(())
        }
        QaCommand::Findings(a) => {
            let (from, to) = a.range.days()?;
            let filter = QaFilter {
                from,
                to,
                store: a.range.store.clone(),
                agent: a.agent.clone(),
                rule: a.rule.clone(),
                limit: None,
            };
            let rows = gate.qa_findings(&filter).await?;
            write_rows(
                &rows,
                FINDING_COLUMNS,
                ("质检问题", "findings"),
                a.format,
                a.out.as_deref(),
            )
        }
        QaCommand::Report(a) => crate::qa_report::run(gate, a).await,
        QaCommand::Scorecard(ScorecardCommand::Export { out }) => {
            let text = gate.qa_scorecard_export().await?;
            match out {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        QaCommand::Scorecard(ScorecardCommand::Import { file }) => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = gate.qa_scorecard_import(&text).await?;
            println!(
                "{} {n} {}",
                tr("评分表已导入：", "scorecard imported:"),
                tr("项", "items")
            );
            Ok(())
        }
        QaCommand::Scores(a) => {
            let g = grouping(&a.by)?;
            let (from, to) = a.range.days()?;
            let filter = QaFilter {
                from,
                to,
                store: a.range.store.clone(),
                agent: a.agent.clone(),
                ..Default::default()
            };
            let rows = gate.qa_scores(g, &filter).await?;
            let columns: Vec<Column> = SCORE_COLUMNS
                .iter()
                .copied()
                .filter(|(k, _)| match *k {
                    "store" => g.store,
                    "agent" => g.agent,
                    "date" => g.date,
                    _ => true,
                })
                .collect();
            write_rows(
                &rows,
                &columns,
                ("质检得分", "scores"),
                a.format,
                a.out.as_deref(),
            )
        }
        QaCommand::Sample(a) => {
            let d = parse_day(&a.date)
                .map_err(anyhow::Error::msg)
                .context("--date")?;
            let share = a.share.map(|p| (p * 10.0).round() as i64);
            let view = gate.qa_sample(d, a.seed, share).await?;
            let s = &view.sample;
            let critical = s.sessions.iter().filter(|x| x.2 == "critical").count();
            println!(
                "{} {}: {} {} ({} {}), seed {}, {}% {}",
                format_day(d),
                if view.drawn_now {
                    tr("已抽样", "drawn")
                } else {
                    tr("已有抽样", "drawn before")
                },
                s.sessions.len(),
                tr("个会话", "sessions"),
                critical,
                tr("个严重", "critical"),
                s.seed,
                s.share_permille as f64 / 10.0,
                tr("随机抽取", "of the rest at random"),
            );
            Ok(())
        }
    })
    .await
}
