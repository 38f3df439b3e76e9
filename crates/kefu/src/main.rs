//! `kefu`: the command line of the kefu operations platform.

mod billing;
mod contract;
mod db;
mod demo;
mod demo_wfm;
mod import;
mod kpi;
mod lang;
mod org;
mod output;
mod qa;
mod qa_check;
mod qa_report;
mod records;
mod report;
mod serve;
mod store;
mod token;
mod user;
mod wfm;
mod wfm_db;
mod wfm_forecast;
mod wfm_roster;

use clap::{Parser, Subcommand};
use lang::Lang;
use std::process::ExitCode;

/// mimalloc: records are parsed on one thread and freed on another, which
/// the system allocator handles poorly.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// kefu (客服): operations platform for e-commerce customer-service outsourcing.
#[derive(Debug, Parser)]
#[command(name = "kefu", version, about, long_about = None)]
struct Cli {
    /// Database: a SQLite file (default kefu.db) or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "KEFU_DATABASE_URL",
        default_value = "kefu.db"
    )]
    db: String,
    /// Language of tables and messages: zh (中文, default) or en.
    #[arg(long, global = true, env = "KEFU_LANG", default_value = "zh")]
    lang: Lang,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application and the REST API (default http://127.0.0.1:8080/).
    Serve(serve::ServeArgs),
    /// Import chat messages, orders or ratings from CSV or JSON Lines files.
    Import(import::ImportArgs),
    /// List, show and change stores' settings.
    #[command(subcommand)]
    Store(store::StoreCommand),
    /// Service KPIs (数据绩效) per store, agent, date and hour.
    Kpi(kpi::KpiArgs),
    /// Write a realistic demo month (messages.csv, orders.csv, ratings.csv).
    Demo(demo::DemoArgs),
    /// Users (账号) and their roles.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Client companies (甲方) and their stores.
    #[command(subcommand)]
    Client(org::ClientCommand),
    /// Teams of agents, led by team leads.
    #[command(subcommand)]
    Team(org::TeamCommand),
    /// API tokens for machine clients.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Quality inspection (质检): rules, findings, scores, samples.
    #[command(subcommand)]
    Qa(qa::QaCommand),
    /// Contracts (合同): files, state, onboarding steps, notice and end.
    #[command(subcommand)]
    Contract(contract::ContractCommand),
    /// Agents on stores: assignment, training and assessments.
    #[command(subcommand)]
    Agent(contract::AgentCommand),
    /// Settle a month: one draft invoice per contract (结算).
    Settle {
        /// The month (YYYY-MM).
        #[arg(long)]
        month: String,
    },
    /// Invoices and notes (账单).
    #[command(subcommand)]
    Invoice(billing::InvoiceCommand),
    /// The client ledger (对账单): payments, deposits, the statement.
    #[command(subcommand)]
    Ledger(billing::LedgerCommand),
    /// Reports: the monthly service report of a store (服务月报).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Workforce planning (排班): the staffing calculator and rosters.
    #[command(subcommand)]
    Wfm(wfm::WfmCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    lang::set(cli.lang);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kefu: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match &cli.command {
            Command::Import(a) => import::run(&cli.db, a).await,
            Command::Store(c) => store::run(&cli.db, c).await,
            Command::Kpi(a) => kpi::run(&cli.db, a).await,
            Command::Demo(a) => demo::run(&cli.db, a).await,
            Command::Serve(a) => serve::run(&cli.db, a).await,
            Command::User(c) => user::run(&cli.db, c).await,
            Command::Client(c) => org::run_client(&cli.db, c).await,
            Command::Team(c) => org::run_team(&cli.db, c).await,
            Command::Token(c) => token::run(&cli.db, c).await,
            Command::Qa(c) => qa::run(&cli.db, c).await,
            Command::Contract(c) => contract::run(&cli.db, c).await,
            Command::Agent(c) => contract::run_agent(&cli.db, c).await,
            Command::Settle { month } => billing::run_settle(&cli.db, month).await,
            Command::Invoice(c) => billing::run_invoice(&cli.db, c).await,
            Command::Ledger(c) => billing::run_ledger(&cli.db, c).await,
            Command::Report(c) => report::run(&cli.db, c).await,
            Command::Wfm(c) => wfm::run(&cli.db, c).await,
        }
    });
    match result {
        Ok(code) => code,
        // The reader of the output went away (`kefu … | head`): nothing
        // more to say, as for any filter in a pipeline.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // A refusal of the service layer in the interface language.
            let text = match e.downcast_ref::<kefu_app::Error>() {
                Some(
                    refused @ (kefu_app::Error::Invalid { .. }
                    | kefu_app::Error::Conflict { .. }
                    | kefu_app::Error::NotFound
                    | kefu_app::Error::Forbidden
                    | kefu_app::Error::Busy),
                ) => refused.text(lang::current()),
                _ => format!("{e:#}"),
            };
            eprintln!("{}: {text}", lang::tr("错误", "error"));
            ExitCode::FAILURE
        }
    }
}
