//! `kefu user`: accounts and their roles.

use crate::lang::{english, tr};
use anyhow::{Context, anyhow};
use clap::Subcommand;
use kefu_db::Database;
use kefu_db::accounts::{NewUser, User};
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

/// Opens the database, runs `f` on it and closes it, also after an error.
pub async fn with_db<F>(url: &str, f: F) -> anyhow::Result<ExitCode>
where
    F: AsyncFnOnce(&dyn Database) -> anyhow::Result<()>,
{
    let db = crate::db::open(url).await?;
    let result = f(&*db).await;
    db.close().await?;
    result.map(|()| ExitCode::SUCCESS)
}

/// The user of this login name, or an error naming it.
pub async fn find_user(db: &dyn Database, username: &str) -> anyhow::Result<User> {
    db.user_by_name(username).await?.ok_or_else(|| {
        refusal(
            format!("没有用户 '{username}'"),
            format!("no user named '{username}'"),
        )
    })
}

/// A role's name in the interface language.
pub fn role_name(r: Role) -> &'static str {
    if english() { r.as_str() } else { r.zh() }
}

/// The password from standard input, or a generated one (also returned
/// for printing), with its argon2 hash.
fn password(from_stdin: bool) -> anyhow::Result<(String, Option<String>)> {
    let (plain, generated) = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context(tr("无法读取标准输入", "cannot read standard input"))?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (
            kefu_access::password::generate().map_err(anyhow::Error::msg)?,
            true,
        )
    };
    let min = kefu_access::password::MIN_LENGTH;
    if plain.chars().count() < min {
        return Err(refusal(
            format!("密码太短：至少 {min} 个字符"),
            format!("the password is too short: at least {min} characters"),
        ));
    }
    let hash = kefu_access::password::hash(&plain).map_err(anyhow::Error::msg)?;
    Ok((hash, generated.then_some(plain)))
}

fn print_generated(plain: Option<String>, zh: &str, en: &str) {
    if let Some(p) = plain {
        println!("{}: {p}", tr(zh, en));
    }
}

/// Why a role's user cannot be created with these options, if it cannot
/// (the rule of `kefu_access::scope::standing_problem`, shared with the web
/// pages).
fn role_problem(role: Role, client: bool, team: bool, agents: bool) -> Option<(String, String)> {
    kefu_access::scope::standing_problem(role, client, team, agents)
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
    with_db(url, async |db| run_on(db, c).await).await
}

async fn run_on(db: &dyn Database, c: &UserCommand) -> anyhow::Result<()> {
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
            if let Some((zh, en)) =
                role_problem(*role, client.is_some(), team.is_some(), !agents.is_empty())
            {
                return Err(refusal(zh, en));
            }
            if db.user_by_name(username).await?.is_some() {
                return Err(refusal(
                    format!("用户 '{username}' 已存在"),
                    format!("user '{username}' exists"),
                ));
            }
            if let Some(c) = client
                && !db.clients().await?.iter().any(|x| x.name == c.trim())
            {
                return Err(refusal(
                    format!("没有名为 '{c}' 的甲方：先用 kefu client set 创建"),
                    format!("no client named '{c}': create it with kefu client set"),
                ));
            }
            if let Some(t) = team
                && !db.teams().await?.iter().any(|x| x.name == t.trim())
            {
                return Err(refusal(
                    format!("没有名为 '{t}' 的组：先用 kefu team set 创建"),
                    format!("no team named '{t}': create it with kefu team set"),
                ));
            }
            let (hash, generated) = password(*password_stdin)?;
            db.create_user(&NewUser {
                username: username.clone(),
                display_name: name.clone().unwrap_or_default(),
                role: *role,
                password_hash: hash,
                client: client.clone(),
                team: team.clone(),
                agent_accounts: agents.clone(),
            })
            .await?;
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
            let users = db.users().await?;
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
            let user = find_user(db, username).await?;
            let (hash, generated) = password(*password_stdin)?;
            db.set_password(user.id, &hash).await?;
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
            let user = find_user(db, username).await?;
            db.set_disabled(user.id, disable).await?;
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
