//! `kefu serve`: the web application and the REST API (crate `kefu-web`).

use crate::lang::tr;
use clap::Args;
use kefu_app::Gate;
use kefu_app::accounts::UserRequest;
use kefu_domain::Role;
use std::net::SocketAddr;
use std::process::ExitCode;

/// Options of `kefu serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// On a database without data, load the demo month (and demo accounts)
    /// first.
    #[arg(long)]
    demo: bool,
    /// Ordinary weeks of history the demo holds before its month.
    #[arg(long, default_value_t = kefu_demo::DEFAULT_WEEKS)]
    demo_weeks: u32,
    /// Mark cookies Secure (when kefu is reached through HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// Log format: text or json.
    #[arg(long, default_value = "text")]
    log_format: String,
}

/// Runs `kefu serve` until Ctrl-C or SIGTERM, then finishes the requests
/// under way.
pub async fn run(db_url: &str, a: &ServeArgs) -> anyhow::Result<ExitCode> {
    init_logs(&a.log_format);
    let mut accounts: Vec<(String, Role, String)> = Vec::new();
    {
        let app = crate::db::app(db_url).await?;
        let empty = app.counts().await?.messages == 0;
        app.close().await?;
        if a.demo && empty {
            load_demo(db_url, &demo_options(a)).await?;
        }
    }
    let app = crate::db::app(db_url).await?;
    if app.has_no_users().await? {
        let gate = crate::db::cli_gate(&app);
        accounts.push(add(&gate, "admin", Role::Admin, None, None, Vec::new()).await?);
        if a.demo {
            accounts.extend(demo_accounts(&gate, &demo_options(a)).await?);
        }
    }
    let listener = tokio::net::TcpListener::bind(a.listen)
        .await
        .map_err(|e| anyhow::anyhow!("{} {}: {e}", tr("无法监听", "cannot listen on"), a.listen))?;
    let addr = listener.local_addr()?;
    println!("kefu {} http://{addr}/", tr("已启动:", "is serving"));
    for (name, role, pw) in &accounts {
        println!(
            "  {} {name} ({}) {} {pw}",
            tr("用户", "user"),
            role.as_str(),
            tr("密码", "password")
        );
    }
    if !accounts.is_empty() {
        println!(
            "  {}",
            tr(
                "（密码只显示这一次；可用 kefu user passwd 修改）",
                "(passwords are shown only this once; change them with kefu user passwd)"
            )
        );
    }
    let config = kefu_web::Config {
        secure_cookies: a.secure_cookies,
        ..kefu_web::Config::default()
    };
    let settlement = tokio::spawn(settlement_job(app.clone()));
    kefu_web::serve(listener, app.clone(), config, shutdown_signal()).await?;
    settlement.abort();
    tracing::info!(target: "kefu", "stopped");
    app.close().await?;
    Ok(ExitCode::SUCCESS)
}

/// Settlement day (contracts.md §4): once an hour, the month just ended is
/// settled on the 1st (or later, if the server was down on the 1st).
async fn settlement_job(app: kefu_app::App) {
    loop {
        let gate = crate::db::cli_gate(&app);
        match gate.settle_due(kefu_app::contracts::today()).await {
            Ok(Some(s)) => tracing::info!(
                target: "kefu::billing",
                month = %s.month,
                drafted = s.drafted.len(),
                recomputed = s.recomputed.len(),
                refused = s.refused.len(),
                "settled"
            ),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(target: "kefu::billing", error = %e, "settlement failed; trying again in an hour")
            }
        }
        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
    }
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEFU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!(target: "kefu", "shutting down: finishing the requests under way");
}

/// The demo's options: 200,000 messages in its month, seed 1.
fn demo_options(a: &ServeArgs) -> kefu_demo::DemoOptions {
    kefu_demo::DemoOptions {
        messages: 200_000,
        seed: 1,
        weeks: a.demo_weeks,
    }
}

/// Writes the demo month to a temporary folder and imports it.
async fn load_demo(db_url: &str, opts: &kefu_demo::DemoOptions) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    eprintln!(
        "{}",
        tr(
            "正在生成并导入演示数据…",
            "writing and importing the demo month…"
        )
    );
    kefu_demo::write_dir(opts, dir.path(), &mut |_| {})?;
    let args = crate::import::ImportArgs::new(
        crate::import::ImportKind::Dir,
        vec![dir.path().to_path_buf()],
    );
    let code = crate::import::run(db_url, &args).await?;
    if code != ExitCode::SUCCESS {
        anyhow::bail!("{}", tr("演示数据导入失败", "the demo import failed"));
    }
    Ok(())
}

/// Adds a user with a generated password; returns (name, role, password).
async fn add(
    gate: &Gate,
    name: &str,
    role: Role,
    client: Option<&str>,
    team: Option<&str>,
    agents: Vec<String>,
) -> anyhow::Result<(String, Role, String)> {
    let request = UserRequest {
        username: name.into(),
        display_name: name.into(),
        role: Some(role),
        password: None,
        client: client.map(str::to_string),
        team: team.map(str::to_string),
        agent_accounts: agents,
    };
    let (_, pw) = gate.create_user(&request).await?;
    Ok((name.into(), role, pw.unwrap_or_default()))
}

/// The demo's accounts: a manager, two inspectors (one reviews, the other
/// decides the appeals), a client owning the first two stores, a team lead
/// of the first store's agents, and one agent; then the workforce of the
/// demo ([`crate::demo_wfm`]).
async fn demo_accounts(
    gate: &Gate,
    opts: &kefu_demo::DemoOptions,
) -> anyhow::Result<Vec<(String, Role, String)>> {
    let stores: Vec<String> = gate.stores().await?.into_iter().map(|(c, _)| c).collect();
    let first: Vec<String> = stores.iter().take(2).cloned().collect();
    let agents: Vec<String> = match first.first() {
        Some(store) => gate.agents(Some(store)).await?,
        None => Vec::new(),
    }
    .into_iter()
    .map(|(_, a)| a)
    .collect();
    let client = "示例甲方";
    gate.save_client(client, &first).await?;
    let team = "售前一组";
    gate.save_team(team, &agents).await?;
    let mut out = vec![
        add(gate, "manager", Role::Manager, None, None, Vec::new()).await?,
        add(gate, "inspector", Role::Inspector, None, None, Vec::new()).await?,
        add(gate, "inspector2", Role::Inspector, None, None, Vec::new()).await?,
        add(gate, "client", Role::Client, Some(client), None, Vec::new()).await?,
        add(gate, "lead", Role::TeamLead, None, Some(team), Vec::new()).await?,
    ];
    if let Some(a) = agents.first() {
        out.push(add(gate, "agent", Role::Agent, None, None, vec![a.clone()]).await?);
    }
    if let [one, two] = first.as_slice() {
        demo_contracts(gate, client, one, two).await?;
    }
    crate::demo_wfm::seed(gate, &kefu_demo::plan(opts)).await?;
    Ok(out)
}

/// The demo client's two contracts (contracts.md §5): the first store in
/// formal service on dedicated seats with a 双11 booking, the second in
/// its trial month on a low base plus commission with an advance deposit;
/// the base fee and deposit received, and the demo month settled, so that
/// the contract, invoice, ledger and monthly report pages show figures.
async fn demo_contracts(gate: &Gate, client: &str, one: &str, two: &str) -> anyhow::Result<()> {
    let file = format!(
        r#"[[client]]
name = "{client}"
stores = ["{one}", "{two}"]

[[contract]]
id = "HT-DEMO-001"
client = "{client}"
type = "outsourcing"
stores = ["{one}"]
start = "2026-09-01"
end = "2027-08-31"
state = "formal"
service_start = "2026-09-01"
annual_base_fee = "24000.00"
targets = {{ first_response_s = 20, avg_response_s = 25 }}
seats = [ {{ role = "presale", count = 3, from = "2026-09-01" }}, {{ role = "presale", count = 4, from = "2026-11-16" }} ]

[[contract.charge]]
kind = "seat"
role = "presale"
monthly_price = "4500.00"

[[contract.charge]]
kind = "promotion"
bookings = [ {{ from = "2026-11-10", to = "2026-11-12", seats = 5, seat_day_price = "300.00", booked_on = "2026-10-20" }} ]

[[contract]]
id = "HT-DEMO-002"
client = "{client}"
type = "outsourcing"
stores = ["{two}"]
start = "2026-11-01"
end = "2027-10-31"
state = "live_trial"
service_start = "2026-11-01"
annual_base_fee = "12000.00"
deposit = {{ amount = "10000.00", kind = "advance" }}
targets = {{ first_response_s = 15, avg_response_s = 25, reply_rate = 0.95 }}

[[contract.charge]]
kind = "commission"
monthly_base = "3000.00"
rate = "0.03"
"#
    );
    gate.contract_import(&file).await?;
    let day = |s: &str| kefu_app::contracts::parse_date("on", s);
    use kefu_contract::EntryKind::{DepositReceived, Payment};
    for (kind, yuan, on, contract) in [
        (Payment, 2_400_000, "2026-08-28", "HT-DEMO-001"),
        (Payment, 1_200_000, "2026-10-28", "HT-DEMO-002"),
        (DepositReceived, 1_000_000, "2026-10-28", "HT-DEMO-002"),
    ] {
        let amount = kefu_domain::Fen(yuan);
        gate.ledger_record(client, kind, amount, day(on)?, Some(contract))
            .await?;
    }
    // On a clock before December 2026 the month has not ended: the demo
    // starts without its invoices rather than not at all.
    let month = kefu_contract::Month::parse("2026-11").map_err(anyhow::Error::msg)?;
    if let Err(e) = gate.settle(month).await {
        tracing::warn!(target: "kefu", "the demo month is not settled: {e}");
    }
    Ok(())
}
