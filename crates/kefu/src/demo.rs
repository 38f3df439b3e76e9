//! `kefu demo`: writes a realistic demo month with weeks of history before
//! it, and with `--load` imports it with the demo's workforce.

use crate::import::{ImportArgs, ImportKind};
use crate::lang::tr;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of `kefu demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory to write messages.csv, orders.csv and ratings.csv into.
    #[arg(long)]
    out: PathBuf,
    /// About how many messages to write.
    #[arg(long, default_value_t = 200_000)]
    messages: u64,
    /// Seed of the generator: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Ordinary weeks of history before the month (for forecasts).
    #[arg(long, default_value_t = kefu_demo::DEFAULT_WEEKS)]
    weeks: u32,
    /// Then import the files into the database (--db) and print the KPIs by store.
    #[arg(long)]
    load: bool,
}

/// Runs `kefu demo`.
pub async fn run(db: &str, a: &DemoArgs) -> anyhow::Result<ExitCode> {
    let opts = kefu_demo::DemoOptions {
        messages: a.messages,
        seed: a.seed,
        weeks: a.weeks,
    };
    let bar = ProgressBar::new(kefu_demo::target_messages(&opts));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {bar:40} {human_pos}/{human_len} {per_sec} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(tr("条消息", "messages"));
    let started = std::time::Instant::now();
    let summary = kefu_demo::write_dir(&opts, &a.out, &mut |n| bar.set_position(n))?;
    bar.finish_and_clear();
    eprintln!(
        "{} {}: {} {} {} {}, {} {}, {} {}, {} {} ({} – {}), {:.1} s",
        tr("已写入", "wrote"),
        a.out.display(),
        summary.stores,
        tr("个店铺", "stores"),
        summary.agents,
        tr("名客服", "agents"),
        summary.messages,
        tr("条消息", "messages"),
        summary.orders,
        tr("笔订单", "orders"),
        summary.ratings,
        tr("条评价", "ratings"),
        summary.first_day,
        summary.last_day,
        started.elapsed().as_secs_f64()
    );
    if a.load {
        let args = ImportArgs::new(ImportKind::Dir, vec![a.out.clone()]);
        let code = crate::import::run(db, &args).await?;
        if code != ExitCode::SUCCESS {
            return Ok(code);
        }
        let app = crate::db::app(db).await?;
        crate::demo_wfm::seed(&crate::db::cli_gate(&app), &kefu_demo::plan(&opts)).await?;
        app.close().await?;
        return crate::kpi::run(db, &crate::kpi::KpiArgs::by_store()).await;
    }
    Ok(ExitCode::SUCCESS)
}
