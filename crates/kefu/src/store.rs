//! `kefu store`: stores and their settings.

use crate::lang::tr;
use clap::Subcommand;
use kefu_domain::StoreSettings;
use std::process::ExitCode;

/// Subcommands of `kefu store`.
#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Every store with its settings.
    List,
    /// One store's settings.
    Show {
        /// Store code, e.g. dy-1001.
        code: String,
    },
    /// Change settings: kefu store set CODE key=value… (figures are recomputed).
    Set {
        /// Store code; a store not seen yet is created.
        code: String,
        /// Settings as key=value, e.g. session_idle_minutes=15.
        #[arg(required = true)]
        pairs: Vec<String>,
    },
}

/// Runs `kefu store …`.
pub async fn run(db: &str, c: &StoreCommand) -> anyhow::Result<ExitCode> {
    let app = crate::db::app(db).await?;
    let gate = crate::db::cli_gate(&app);
    let code = run_on(&gate, c).await;
    app.close().await?;
    code
}

async fn run_on(gate: &kefu_app::Gate, c: &StoreCommand) -> anyhow::Result<ExitCode> {
    match c {
        StoreCommand::List => {
            let stores = gate.stores().await?;
            if stores.is_empty() {
                eprintln!(
                    "{}",
                    tr(
                        "还没有店铺：先导入数据（kefu import …）",
                        "no stores yet: import data first (kefu import …)"
                    )
                );
            }
            let mut header = vec!["store".to_string()];
            header.extend(
                kefu_domain::settings::SETTING_KEYS
                    .iter()
                    .map(|k| k.to_string()),
            );
            let rows: Vec<Vec<String>> = stores
                .iter()
                .map(|(code, s)| {
                    std::iter::once(code.clone())
                        .chain(s.pairs().into_iter().map(|(_, v)| v))
                        .collect()
                })
                .collect();
            print!("{}", crate::output::text_table(&header, &rows));
        }
        StoreCommand::Show { code } => match gate.store(code).await {
            Ok(s) => print_settings(code, &s),
            Err(kefu_app::Error::NotFound) => {
                eprintln!(
                    "{}: {} '{code}'",
                    tr("错误", "error"),
                    tr("没有这个店铺", "no such store")
                );
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return Err(e.into()),
        },
        StoreCommand::Set { code, pairs } => {
            let mut s = match gate.store(code).await {
                Ok(s) => s,
                Err(kefu_app::Error::NotFound) => StoreSettings::default(),
                Err(e) => return Err(e.into()),
            };
            for pair in pairs {
                let Some((k, v)) = pair.split_once('=') else {
                    eprintln!(
                        "{}: '{pair}' {}",
                        tr("错误", "error"),
                        tr(
                            "应为 key=value，例如 session_idle_minutes=15",
                            "is not key=value, e.g. session_idle_minutes=15"
                        )
                    );
                    return Ok(ExitCode::FAILURE);
                };
                if let Err(e) = s.set(k.trim(), v) {
                    eprintln!("{}: {e}", tr("错误", "error"));
                    return Ok(ExitCode::FAILURE);
                }
            }
            gate.put_store(code, &s).await?;
            print_settings(code, &s);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_settings(code: &str, s: &StoreSettings) {
    println!("store = {code}");
    for (k, v) in s.pairs() {
        println!("{k} = {v}");
    }
}
