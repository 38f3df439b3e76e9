//! Deterministic demo data for kefu: one month (November 2026, with 双11 on
//! 11-11) of a customer-service outsourcing provider serving stores on 抖店,
//! 天猫, 京东 and 拼多多.
//!
//! [`generate`] writes three CSV files in the canonical columns of
//! `docs/kpi-notes.md`: chat messages (grouped by buyer, each buyer's records
//! in time order), orders and ratings. About one store per 33,000 messages
//! (at least four, one per platform) and 3.3 agents per store, in pre-sales
//! (售前) and after-sales (售后) teams. The data exercises every KPI rule of
//! `spec/kpi.md`: returning buyers and 10-minute gaps, night messages outside
//! service hours, bot and automatic replies, transfers, rating invitations,
//! unanswered and outbound sessions, orders within and beyond the 48 h
//! attribution window, silent and unpaid orders, refunds, after-sales
//! sessions within 21 days of payment, and repeated ratings.
//!
//! The same [`DemoOptions`] always give byte-identical output: the random
//! generator is part of this crate.

mod buyer;
mod calendar;
mod catalogue;
mod orders;
mod rng;
mod session;
mod sim;
mod stores;
mod text;
mod writer;

pub use writer::{MESSAGES_HEADER, ORDERS_HEADER, RATINGS_HEADER};

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Target number of message rows (the result is within a few percent).
    pub messages: u64,
    /// Random seed; the same seed gives the same files.
    pub seed: u64,
}

impl Default for DemoOptions {
    /// 200,000 messages (six stores), seed 1.
    fn default() -> Self {
        DemoOptions {
            messages: 200_000,
            seed: 1,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Number of stores.
    pub stores: usize,
    /// Number of agent sub-accounts over all stores.
    pub agents: usize,
    /// Message rows written.
    pub messages: u64,
    /// Order rows written.
    pub orders: u64,
    /// Rating rows written.
    pub ratings: u64,
    /// Local day (`YYYY-MM-DD`) of the earliest record.
    pub first_day: String,
    /// Local day (`YYYY-MM-DD`) of the latest record.
    pub last_day: String,
}

/// The number of stores and of agents that `opts` will generate.
pub fn scale(opts: &DemoOptions) -> (usize, usize) {
    let stores = stores::build(opts.messages, opts.seed);
    (stores.len(), stores.iter().map(|s| s.agents.len()).sum())
}

/// Writes the month's messages, orders and ratings as CSV (with header rows)
/// to the three writers, calling `progress` with the number of messages
/// written about every 100,000 messages and once at the end.
pub fn generate(
    opts: &DemoOptions,
    messages: &mut impl Write,
    orders: &mut impl Write,
    ratings: &mut impl Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<DemoSummary> {
    let stores = stores::build(opts.messages, opts.seed);
    let cal = calendar::Calendar::new();
    let mut out = sim::Outputs::new(messages, orders, ratings, progress);
    for (i, store) in stores.iter().enumerate() {
        let rng = rng::Rng::derive(opts.seed, i as u64 + 1);
        sim::Sim::new(store, &cal, rng, &mut out).run()?;
    }
    out.finish()?;
    let (first, last) = if out.min_t <= out.max_t {
        (out.min_t, out.max_t)
    } else {
        (0, calendar::MONTH_END - 1)
    };
    Ok(DemoSummary {
        stores: stores.len(),
        agents: stores.iter().map(|s| s.agents.len()).sum(),
        messages: out.msgs.rows,
        orders: out.orders.rows,
        ratings: out.ratings.rows,
        first_day: calendar::date_string(first),
        last_day: calendar::date_string(last),
    })
}

/// Creates `dir` (and its parents) and writes `messages.csv`, `orders.csv`
/// and `ratings.csv` into it.
pub fn write_dir(
    opts: &DemoOptions,
    dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> io::Result<DemoSummary> {
    fs::create_dir_all(dir)?;
    let open =
        |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(1 << 20, f));
    let mut messages = open("messages.csv")?;
    let mut orders = open("orders.csv")?;
    let mut ratings = open("ratings.csv")?;
    let summary = generate(opts, &mut messages, &mut orders, &mut ratings, progress)?;
    for w in [&mut messages, &mut orders, &mut ratings] {
        w.flush()?;
    }
    Ok(summary)
}
