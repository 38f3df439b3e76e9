//! `kefu token`: API tokens for machine clients.

use crate::db::with_gate;
use crate::lang::tr;
use crate::user::{refusal, role_name};
use clap::Subcommand;
use kefu_app::accounts::TokenRequest;
use kefu_domain::Role;
use std::process::ExitCode;

/// Subcommands of `kefu token`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; it is printed once and stored only as a digest.
    Add {
        /// The owner: the token never sees more than they do.
        #[arg(long)]
        user: String,
        /// A label, e.g. erp-sync.
        #[arg(long)]
        name: String,
        /// The role it acts with, at most the owner's (default: the owner's).
        #[arg(long)]
        role: Option<Role>,
        /// Limit it to these stores, comma-separated (default: what the role allows).
        #[arg(long, value_delimiter = ',')]
        stores: Vec<String>,
    },
    /// Every token, newest first (revoked ones too).
    List,
    /// Revoke a token by id: it authenticates nothing from now on.
    Revoke {
        /// The token's id (see kefu token list).
        id: i64,
    },
}

/// A time as local `YYYY-MM-DD HH:MM`.
pub fn when(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| ms.to_string())
}

/// Runs `kefu token …`.
pub async fn run(url: &str, c: &TokenCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| {
        match c {
            TokenCommand::Add {
                user,
                name,
                role,
                stores,
            } => {
                let request = TokenRequest {
                    owner: user.clone(),
                    name: name.clone(),
                    role: *role,
                    stores: stores.clone(),
                };
                let (token, secret) = gate.create_token(&request).await?;
                let (id, role, stores) = (token.id, token.role, token.stores);
                println!(
                    "{} {id} ({name}, {}, {}: {})",
                    tr("已创建令牌", "created token"),
                    role_name(role),
                    tr("店铺", "stores"),
                    if stores.is_empty() {
                        tr("全部可见", "all visible").to_string()
                    } else {
                        stores.join(",")
                    }
                );
                println!(
                    "{}: {secret}",
                    tr("令牌（只显示这一次）", "token (shown only this once)")
                );
            }
            TokenCommand::List => {
                let users = gate.users().await?;
                let owner = |id: i64| {
                    users
                        .iter()
                        .find(|u| u.id == id)
                        .map_or_else(|| id.to_string(), |u| u.username.clone())
                };
                let header: Vec<String> = [
                    tr("编号", "id"),
                    tr("名称", "name"),
                    tr("用户", "user"),
                    tr("角色", "role"),
                    tr("店铺", "stores"),
                    tr("创建", "created"),
                    tr("撤销", "revoked"),
                ]
                .map(str::to_string)
                .to_vec();
                let rows: Vec<Vec<String>> = gate
                    .tokens()
                    .await?
                    .into_iter()
                    .map(|t| {
                        vec![
                            t.id.to_string(),
                            t.name,
                            owner(t.user_id),
                            role_name(t.role).to_string(),
                            if t.stores.is_empty() {
                                tr("全部可见", "all visible").to_string()
                            } else {
                                t.stores.join(",")
                            },
                            when(t.created_ms),
                            t.revoked_ms.map(when).unwrap_or_default(),
                        ]
                    })
                    .collect();
                print!("{}", crate::output::text_table(&header, &rows));
            }
            TokenCommand::Revoke { id } => {
                let t = gate.revoke_token(*id).await.map_err(|e| match e {
                    kefu_app::Error::NotFound => refusal(
                        format!("没有编号为 {id} 的令牌"),
                        format!("no token with id {id}"),
                    ),
                    e => e.into(),
                })?;
                match t.revoked_ms {
                    Some(ms) => println!(
                        "{}",
                        tr(
                            &format!("令牌 {id} 已于 {} 撤销", when(ms)),
                            &format!("token {id} was revoked at {}", when(ms)),
                        )
                    ),
                    None => println!("{} {id} ({})", tr("已撤销令牌", "revoked token"), t.name),
                }
            }
        }
        Ok(())
    })
    .await
}
