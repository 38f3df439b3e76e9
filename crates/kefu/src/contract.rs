//! `kefu contract` and `kefu agent`: contract files in and out, where a
//! contract stands, its onboarding steps, notice and end (spec
//! `contracts.md` §3, §5); agents on stores with their training and
//! assessments. The command names and flags are interfaces scripts call.

use crate::db::with_gate;
use crate::lang::tr;
use crate::output::text_table;
use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use kefu_app::contracts::{ContractView, parse_date};
use kefu_contract::State;
use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `kefu contract`.
#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Import a contract file (TOML, contracts.md §5): clients, new contracts, new versions.
    Import {
        /// The file.
        file: PathBuf,
    },
    /// Write contracts as TOML: one (every version) or all.
    Export {
        /// Only this contract.
        id: Option<String>,
    },
    /// Every contract with its state.
    List {
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// One contract: terms in short, state, what its next step lacks, its steps.
    Show {
        /// The contract's id.
        id: String,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Move to the next state (signed, base_fee_paid, training, assessment, live_trial, formal; ended after notice).
    Advance {
        /// The contract's id.
        id: String,
        /// The state to go to.
        state: String,
        /// The day of the step (YYYY-MM-DD).
        #[arg(long)]
        on: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Give written notice: the contract ends notice_days later.
    Notice {
        /// The contract's id.
        id: String,
        /// The day notice is given.
        #[arg(long)]
        on: String,
        /// Who gives it: client or provider.
        #[arg(long)]
        by: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// End now: a trial cancellation in the trial, otherwise an end without notice (a breach).
    End {
        /// The contract's id.
        id: String,
        /// The last day served.
        #[arg(long)]
        on: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Who ends it (decides who breaches outside the trial): client or provider.
        #[arg(long, default_value = "client")]
        by: String,
    },
    /// Declare a month's sales, for a commission on declared sales.
    Declare {
        /// The contract's id.
        id: String,
        /// The month (YYYY-MM).
        #[arg(long)]
        month: String,
        /// The sales in yuan, e.g. 120000.00.
        #[arg(long)]
        sales: String,
    },
}

/// Subcommands of `kefu agent`.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Assign an agent to a store (or change their account, team, role).
    Assign(AssignArgs),
    /// Record a store's product training done by an agent.
    Training {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The agent's name.
        #[arg(long)]
        agent: String,
        /// The day.
        #[arg(long)]
        on: String,
        /// What was trained.
        #[arg(long, default_value = "产品知识")]
        topic: String,
    },
    /// Record an agent's assessment for a store.
    Assess {
        /// The store's code.
        #[arg(long)]
        store: String,
        /// The agent's name.
        #[arg(long)]
        agent: String,
        /// The day.
        #[arg(long)]
        on: String,
        /// The score.
        #[arg(long)]
        score: f64,
        /// The pass mark.
        #[arg(long, default_value_t = 80.0)]
        pass_mark: f64,
    },
    /// The agents of a store.
    List {
        /// The store's code.
        #[arg(long)]
        store: String,
    },
}

/// Options of `kefu agent assign`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The store's code.
    #[arg(long)]
    store: String,
    /// The agent's name.
    #[arg(long)]
    agent: String,
    /// Their platform sub-account on the store (the chat logs' agent).
    #[arg(long)]
    account: String,
    /// Their team.
    #[arg(long)]
    team: Option<String>,
    /// presale or aftersale.
    #[arg(long, default_value = "presale")]
    role: String,
}

fn print_contract(c: &ContractView, format: &str) -> anyhow::Result<()> {
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(c)?);
        return Ok(());
    }
    if format != "table" {
        bail!(
            "--format: '{format}' {}",
            tr(
                "不是格式；可用 table、json",
                "is not a format; use table or json"
            )
        );
    }
    let none = || "-".to_string();
    let rows = vec![
        vec![tr("合同", "contract").into(), c.id.clone()],
        vec![tr("甲方", "client").into(), c.client.clone()],
        vec![
            tr("类型", "type").into(),
            format!("{} {}", c.kind, c.type_zh),
        ],
        vec![
            tr("状态", "state").into(),
            format!("{} {}", c.state, c.state_zh),
        ],
        vec![tr("店铺", "stores").into(), c.stores.join(", ")],
        vec![
            tr("合同期", "term").into(),
            format!("{} – {}", c.start, c.end),
        ],
        vec![tr("版本", "versions").into(), c.versions.join(", ")],
        vec![
            tr("首个服务日", "service start").into(),
            c.service_start.clone().unwrap_or_else(none),
        ],
        vec![
            tr("试运营至", "trial until").into(),
            c.trial_end.clone().unwrap_or_else(none),
        ],
        vec![
            tr("最后服务日", "last day served").into(),
            c.last_served.clone().unwrap_or_else(none),
        ],
        vec![
            tr("基础服务费", "annual base fee").into(),
            c.annual_base_fee.clone(),
        ],
        vec![
            tr("押金", "deposit").into(),
            c.deposit.clone().unwrap_or_else(none),
        ],
        vec![tr("计费", "charges").into(), c.charges.join(", ")],
        vec![
            tr("下一步", "next step").into(),
            c.next_state.clone().unwrap_or_else(none),
        ],
    ];
    print!(
        "{}",
        text_table(
            &[tr("项目", "item").into(), tr("内容", "value").into()],
            &rows
        )
    );
    let missing = if crate::lang::english() {
        &c.missing_en
    } else {
        &c.missing_zh
    };
    for m in missing {
        println!("  ✗ {m}");
    }
    if !c.steps.is_empty() {
        let steps: Vec<Vec<String>> = c
            .steps
            .iter()
            .map(|s| {
                vec![
                    s.on.clone(),
                    format!("{} → {}", s.from, s.to),
                    s.by.clone(),
                    s.reason.clone(),
                ]
            })
            .collect();
        let head = [
            tr("日期", "day"),
            tr("步骤", "step"),
            tr("操作人", "by"),
            tr("原因", "reason"),
        ]
        .map(String::from);
        print!("{}", text_table(&head, &steps));
    }
    Ok(())
}

/// Runs `kefu contract …`.
pub async fn run(url: &str, c: &ContractCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| match c {
        ContractCommand::Import { file } => {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("{}", file.display()))?;
            let s = gate.contract_import(&text).await?;
            println!(
                "{}: {} {}, {} {}, {} {}",
                file.display(),
                s.created.len(),
                tr("份新合同", "new contracts"),
                s.versions.len(),
                tr("个新版本", "new versions"),
                s.unchanged.len(),
                tr("个未变", "unchanged")
            );
            Ok(())
        }
        ContractCommand::Export { id } => {
            print!("{}", gate.contract_export(id.as_deref()).await?);
            Ok(())
        }
        ContractCommand::List { format } => {
            let all = gate.contracts().await?;
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&all)?);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.client.clone(),
                        c.state.clone(),
                        c.stores.join(","),
                        format!("{} – {}", c.start, c.end),
                    ]
                })
                .collect();
            let head = [
                tr("合同", "contract"),
                tr("甲方", "client"),
                tr("状态", "state"),
                tr("店铺", "stores"),
                tr("合同期", "term"),
            ]
            .map(String::from);
            print!("{}", text_table(&head, &rows));
            Ok(())
        }
        ContractCommand::Show { id, format } => print_contract(&gate.contract(id).await?, format),
        ContractCommand::Advance {
            id,
            state,
            on,
            reason,
        } => {
            let to = State::parse(state).with_context(|| {
                format!(
                    "'{state}' {}",
                    tr("不是合同状态", "is not a contract state")
                )
            })?;
            let c = gate
                .contract_advance(id, to, parse_date("on", on)?, reason)
                .await?;
            print_contract(&c, "table")
        }
        ContractCommand::Notice { id, on, by, reason } => {
            let c = gate
                .contract_notice(
                    id,
                    parse_date("on", on)?,
                    kefu_app::contracts::parse_party(by)?,
                    reason,
                )
                .await?;
            print_contract(&c, "table")
        }
        ContractCommand::End { id, on, reason, by } => {
            let c = gate
                .contract_end(
                    id,
                    parse_date("on", on)?,
                    kefu_app::contracts::parse_party(by)?,
                    reason,
                )
                .await?;
            print_contract(&c, "table")
        }
        ContractCommand::Declare { id, month, sales } => {
            let month = kefu_app::contracts::parse_month("--month", month)?;
            let sales = kefu_app::contracts::parse_yuan("--sales", sales)?;
            let d = gate.declare_sales(id, month, sales).await?;
            match &d.invoice {
                Some(n) => println!("{id} {month}: {} → {n}", d.sales),
                None => println!("{id} {month}: {}", d.sales),
            }
            Ok(())
        }
    })
    .await
}

/// Runs `kefu agent …`.
pub async fn run_agent(url: &str, c: &AgentCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| match c {
        AgentCommand::Assign(a) => {
            gate.save_store_agent(&kefu_db::billing::StoreAgent {
                store: a.store.clone(),
                agent: a.agent.clone(),
                account: a.account.clone(),
                team: a.team.clone(),
                role: a.role.clone(),
            })
            .await?;
            Ok(())
        }
        AgentCommand::Training {
            store,
            agent,
            on,
            topic,
        } => {
            gate.record_training(agent, store, parse_date("on", on)?, topic)
                .await?;
            Ok(())
        }
        AgentCommand::Assess {
            store,
            agent,
            on,
            score,
            pass_mark,
        } => {
            gate.record_assessment(agent, store, parse_date("on", on)?, *score, *pass_mark)
                .await?;
            Ok(())
        }
        AgentCommand::List { store } => {
            let rows: Vec<Vec<String>> = gate
                .store_agents(std::slice::from_ref(store))
                .await?
                .into_iter()
                .map(|a| vec![a.agent, a.account, a.team.unwrap_or_default(), a.role])
                .collect();
            let head = [
                tr("客服", "agent"),
                tr("子账号", "account"),
                tr("小组", "team"),
                tr("角色", "role"),
            ]
            .map(String::from);
            print!("{}", text_table(&head, &rows));
            Ok(())
        }
    })
    .await
}
