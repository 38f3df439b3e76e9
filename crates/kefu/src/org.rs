//! `kefu client` and `kefu team`: client companies (甲方) with their stores,
//! and teams of agents.

use crate::db::with_gate;
use crate::lang::tr;
use clap::Subcommand;
use kefu_app::accounts::cleaned;
use std::process::ExitCode;

/// Subcommands of `kefu client`.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Create a client company or replace its stores.
    Set {
        /// Company name.
        name: String,
        /// Its store codes, comma-separated (replaces the stores it had).
        #[arg(long, value_delimiter = ',', required = true)]
        stores: Vec<String>,
    },
    /// Every client company with its stores.
    List,
}

/// Subcommands of `kefu team`.
#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Create a team or replace its agents.
    Set {
        /// Team name.
        name: String,
        /// Its agent accounts, comma-separated (replaces the agents it had).
        #[arg(long, value_delimiter = ',', required = true)]
        agents: Vec<String>,
    },
    /// Every team with its agents.
    List,
}

fn list_table(first: &str, count: &str, items: &str, rows: Vec<(String, Vec<String>)>) {
    let header = vec![first.to_string(), count.to_string(), items.to_string()];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(name, v)| vec![name, v.len().to_string(), v.join(",")])
        .collect();
    print!("{}", crate::output::text_table(&header, &rows));
}

/// Runs `kefu client …`.
pub async fn run_client(url: &str, c: &ClientCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| {
        match c {
            ClientCommand::Set { name, stores } => {
                let name = name.trim();
                let stores = cleaned(stores);
                let unseen = gate.save_client(name, &stores).await?;
                println!(
                    "{} {name}: {} {}",
                    tr("甲方", "client"),
                    stores.len(),
                    tr("个店铺", "stores")
                );
                if !unseen.is_empty() {
                    eprintln!(
                        "{}: {}",
                        tr("注意，这些店铺还没有数据", "note: no data yet for"),
                        unseen.join(",")
                    );
                }
            }
            ClientCommand::List => {
                let rows = gate
                    .clients()
                    .await?
                    .into_iter()
                    .map(|c| (c.name, c.stores));
                list_table(
                    tr("甲方", "client"),
                    tr("店铺数", "stores"),
                    tr("店铺", "store codes"),
                    rows.collect(),
                );
            }
        }
        Ok(())
    })
    .await
}

/// Runs `kefu team …`.
pub async fn run_team(url: &str, c: &TeamCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| {
        match c {
            TeamCommand::Set { name, agents } => {
                let agents = cleaned(agents);
                gate.save_team(name, &agents).await?;
                println!(
                    "{} {}: {} {}",
                    tr("组", "team"),
                    name.trim(),
                    agents.len(),
                    tr("名客服", "agents")
                );
            }
            TeamCommand::List => {
                let rows = gate.teams().await?.into_iter().map(|t| (t.name, t.agents));
                list_table(
                    tr("组", "team"),
                    tr("客服数", "agents"),
                    tr("客服账号", "agent accounts"),
                    rows.collect(),
                );
            }
        }
        Ok(())
    })
    .await
}
