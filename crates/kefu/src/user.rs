//! `kefu user`: accounts and their roles.

use crate::lang::{english, tr};
use anyhow::{Context, anyhow};
use clap::Subcommand;
use kefu_app::Gate;
use kefu_app::accounts::UserRequest;
use kefu_db::accounts::User;
use kefu_domain::Role;
use std::process::ExitCode;

/// Subcommands of `kefu user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin.
    Add {
        /// Login name (no spaces).
        username: String,
        /// admin, manager, team_lead, inspector, agent or client.
        #[arg(long)]
        role: Role,
        /// Name shown in the interface (default: the login name).
        #[arg(long)]
        name: Option<String>,
        /// The client company of a client user (see `kefu client set`).
        #[arg(long)]
        client: Option<String>,
        /// The team of a team lead or agent (see `kefu team set`).
        #[arg(long)]
        team: Option<String>,
        /// An agent account of an agent user, e.g. dy-1001:售前-小夏 (repeatable).
        #[arg(long = "agent")]
        agents: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every user with role, scope and state.
    List,
    /// Set a new password (generated unless --password-stdin); ends the user's sessions.
    Passwd {
        /// Login name.
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: no login, sessions ended.
    Disable {
        /// Login name.
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        /// Login name.
        username: String,
    },
}

/// An error in the interface language.
pub fn refusal(zh: String, en: String) -> anyhow::Error {
    anyhow!("{}", if english() { en } else { zh })
}

/// A role's name in the interface language.
pub fn role_name(r: Role) -> &'static str {
    if english() { r.as_str() } else { r.zh() }
}

/// The password from the first line of standard input, or `None` to have
/// one generated.
fn password(from_stdin: bool) -> anyhow::Result<Option<String>> {
    if !from_stdin {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context(tr("无法读取标准输入", "cannot read standard input"))?;
    Ok(Some(line.trim_end_matches(['\r', '\n']).to_string()))
}

fn print_generated(plain: Option<String>, zh: &str, en: &str) {
    if let Some(p) = plain {
        println!("{}: {p}", tr(zh, en));
    }
}

/// What a user sees, in a few words.
fn scope_text(u: &User) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &u.client {
        parts.push(format!(
            "{} {c}: {}",
            tr("甲方", "client"),
            u.client_stores.join(",")
        ));
    }
    if let Some(t) = &u.team {
        parts.push(format!(
            "{} {t}: {}",
            tr("组", "team"),
            u.team_agents.join(",")
        ));
    }
    if !u.agent_accounts.is_empty() {
        parts.push(format!(
            "{} {}",
            tr("客服账号", "accounts"),
            u.agent_accounts.join(",")
        ));
    }
    if parts.is_empty() {
        tr("全部", "all").to_string()
    } else {
        parts.join("; ")
    }
}

/// Runs `kefu user …`.
pub async fn run(url: &str, c: &UserCommand) -> anyhow::Result<ExitCode> {
    crate::db::with_gate(url, async |gate| run_on(gate, c).await).await
}

async fn run_on(gate: &Gate, c: &UserCommand) -> anyhow::Result<()> {
    match c {
        UserCommand::Add {
            username,
            role,
            name,
            client,
            team,
            agents,
            password_stdin,
        } => {
            let request = UserRequest {
                username: username.clone(),
                display_name: name.clone().unwrap_or_default(),
                role: Some(*role),
                password: password(*password_stdin)?,
                client: client.clone(),
                team: team.clone(),
                agent_accounts: agents.clone(),
            };
            let (_, generated) = gate.create_user(&request).await?;
            println!(
                "{} {username} ({})",
                tr("已创建用户", "created user"),
                role_name(*role)
            );
            print_generated(
                generated,
                "初始密码（只显示这一次）",
                "password (shown only this once)",
            );
        }
        UserCommand::List => {
            let users = gate.users().await?;
            let header: Vec<String> = [
                tr("用户名", "username"),
                tr("名称", "name"),
                tr("角色", "role"),
                tr("范围", "scope"),
                tr("停用", "disabled"),
            ]
            .map(str::to_string)
            .to_vec();
            let rows: Vec<Vec<String>> = users
                .iter()
                .map(|u| {
                    vec![
                        u.username.clone(),
                        u.display_name.clone(),
                        role_name(u.role).to_string(),
                        scope_text(u),
                        if u.disabled {
                            tr("是", "yes")
                        } else {
                            tr("否", "no")
                        }
                        .to_string(),
                    ]
                })
                .collect();
            print!("{}", crate::output::text_table(&header, &rows));
        }
        UserCommand::Passwd {
            username,
            password_stdin,
        } => {
            let user = gate.user_named(username).await?;
            let generated = gate
                .set_password(user.id, password(*password_stdin)?)
                .await?;
            println!(
                "{}",
                tr(
                    &format!("已更改 {username} 的密码，其登录会话已全部结束"),
                    &format!("changed the password of {username}; their sessions have ended"),
                )
            );
            print_generated(
                generated,
                "新密码（只显示这一次）",
                "new password (shown only this once)",
            );
        }
        UserCommand::Disable { username } | UserCommand::Enable { username } => {
            let disable = matches!(c, UserCommand::Disable { .. });
            let user = gate.user_named(username).await?;
            gate.set_disabled(user.id, disable).await?;
            let (zh, en) = if disable {
                (
                    format!("已停用 {username}，其登录会话已全部结束"),
                    format!("disabled {username}; their sessions have ended"),
                )
            } else {
                (format!("已启用 {username}"), format!("enabled {username}"))
            };
            println!("{}", tr(&zh, &en));
        }
    }
    Ok(())
}
