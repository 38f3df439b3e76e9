//! Deterministic demo data for kefu: a customer-service outsourcing
//! provider serving stores on 抖店, 天猫, 京东 and 拼多多, over `weeks`
//! ordinary weeks of history (default 13, from 2026-08-02, a Sunday) and
//! the promotion month, November 2026, with 双11 on 11-11.
//!
//! [`generate`] writes three CSV files in the canonical columns of
//! `docs/kpi-notes.md`: chat messages (grouped by buyer, each buyer's records
//! in time order), orders and ratings. About one store per 33,000 November
//! messages (at least four, one per platform) and 3.3 agents per store, in
//! pre-sales (售前) and after-sales (售后) teams. The history adds ordinary
//! days (weekday and weekend volumes, no promotion, growing by about 0.5 % a
//! week towards November), so the files hold more than
//! [`DemoOptions::messages`]; [`target_messages`] says how many. The data
//! exercises every KPI rule of `spec/kpi.md`: returning buyers and 10-minute
//! gaps, night messages outside service hours, bot and automatic replies,
//! transfers, rating invitations, unanswered and outbound sessions, orders
//! within and beyond the 48 h attribution window, silent and unpaid orders,
//! refunds, after-sales sessions within 21 days of payment, and repeated
//! ratings.
//!
//! The agents work to a plan ([`plan`]) that keeps the hard rules of
//! `spec/wfm.md` §3: shifts 早班 E 08:00–16:30, 中班 M 11:00–20:00 and 晚班
//! L 15:30–24:00 (on 11-10 also 大促夜班 N 18:00–02:30, through the
//! midnight rush of 双11), each with an unpaid break, five days a week (40
//! paid hours), at least 12 hours' rest, at most six days in a row, no
//! shift on leave. Chats
//! go to agents on duty at that minute: of the team, else of the store's
//! other team, else (a thin store, past midnight) any agent of the team,
//! as unrostered work. About 5 % of agent-days start 10–40 minutes late and
//! about 5 % end 15–60 minutes early, for an adherence report to find.
//! [`write_dir`] also writes the plan as two files:
//!
//! - `roster.csv`, [`ROSTER_HEADER`] `agent,date,shift,store,skill`: one row
//!   per planned shift (the assignment columns of `spec/wfm.md` §5): the
//!   person, the day it starts (`YYYY-MM-DD`), the shift's code, the store
//!   and the skill (`presale` or `aftersale`).
//! - `agents.csv`, [`AGENTS_HEADER`]
//!   `agent,store,account,role,team,contract_hours,leave`: one row per
//!   person (one person per sub-account, named by its nick, with a number
//!   suffix where another store's agent has it: 小美, 小美2): the store it
//!   is qualified for, the sub-account of the chat logs, the skill, the team
//!   (`dy-1001 售前组`), contract hours a week (40) and leave days
//!   (`YYYY-MM-DD` separated by `;`, empty when none).
//!
//! All times are store-local and written `YYYY-MM-DD HH:MM:SS`. The same
//! [`DemoOptions`] always give byte-identical output: the random generator
//! is part of this crate.

mod buyer;
mod calendar;
mod catalogue;
mod dates;
mod days_off;
mod orders;
mod plan;
mod rng;
mod schedule;
mod session;
mod sim;
mod stores;
mod text;
mod writer;

pub use calendar::MAX_WEEKS;
pub use plan::{
    AGENTS_HEADER, DemoAgent, DemoAssignment, DemoBreak, DemoPlan, DemoShift, ROSTER_HEADER,
};
pub use writer::{MESSAGES_HEADER, ORDERS_HEADER, RATINGS_HEADER};

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Weeks of history by default: 13, from 2026-08-02.
pub const DEFAULT_WEEKS: u32 = 13;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Target number of November's message rows (the result is within a few
    /// percent); stores and agents are scaled from it.
    pub messages: u64,
    /// Random seed; the same seed gives the same files.
    pub seed: u64,
    /// Ordinary weeks of history before 2026-11-01 (at most [`MAX_WEEKS`]).
    pub weeks: u32,
}

impl Default for DemoOptions {
    /// 200,000 November messages (six stores), seed 1, 13 weeks of history.
    fn default() -> Self {
        DemoOptions {
            messages: 200_000,
            seed: 1,
            weeks: DEFAULT_WEEKS,
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
    /// Message rows written, history included.
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

/// The stores, the span and the schedules of one set of options.
struct Demo {
    stores: Vec<stores::Store>,
    cal: calendar::Calendar,
    rosters: Vec<schedule::StoreRoster>,
}

impl Demo {
    fn new(opts: &DemoOptions) -> Demo {
        let stores = stores::build(opts.messages, opts.seed);
        let cal = calendar::Calendar::new(opts.weeks);
        let rosters = stores
            .iter()
            .enumerate()
            .map(|(i, s)| schedule::build(s, i, cal.first_day(), opts.seed))
            .collect();
        Demo {
            stores,
            cal,
            rosters,
        }
    }

    /// Messages to write for a store over the whole span: its November
    /// budget, scaled by the span's traffic against November's.
    fn budget(&self, store: &stores::Store) -> u64 {
        let (total, november) = self.cal.weights();
        let scaled = u128::from(store.budget) * u128::from(total) / u128::from(november.max(1));
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }
}

/// The number of stores and of agents that `opts` will generate.
pub fn scale(opts: &DemoOptions) -> (usize, usize) {
    let stores = stores::build(opts.messages, opts.seed);
    (stores.len(), stores.iter().map(|s| s.agents.len()).sum())
}

/// The number of message rows `opts` aims at over the whole span, history
/// included (the result is within a few percent): a progress bar's length.
pub fn target_messages(opts: &DemoOptions) -> u64 {
    let demo = Demo::new(opts);
    demo.stores.iter().map(|s| demo.budget(s)).sum()
}

/// The shift templates, agents and planned shifts of `opts`, which the
/// generated chats follow.
pub fn plan(opts: &DemoOptions) -> DemoPlan {
    plan::of(&Demo::new(opts))
}

/// Writes the span's messages, orders and ratings as CSV (with header rows)
/// to the three writers, calling `progress` with the number of messages
/// written about every 100,000 messages and once at the end.
pub fn generate(
    opts: &DemoOptions,
    messages: &mut impl Write,
    orders: &mut impl Write,
    ratings: &mut impl Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<DemoSummary> {
    generate_demo(
        &Demo::new(opts),
        opts.seed,
        messages,
        orders,
        ratings,
        progress,
    )
}

fn generate_demo(
    demo: &Demo,
    seed: u64,
    messages: &mut impl Write,
    orders: &mut impl Write,
    ratings: &mut impl Write,
    progress: &mut dyn FnMut(u64),
) -> io::Result<DemoSummary> {
    let mut out = sim::Outputs::new(messages, orders, ratings, progress);
    for (i, (store, roster)) in demo.stores.iter().zip(&demo.rosters).enumerate() {
        let rng = rng::Rng::derive(seed, i as u64 + 1);
        sim::Sim::new(store, roster, &demo.cal, rng, &mut out).run(demo.budget(store))?;
    }
    out.finish()?;
    let (first, last) = if out.min_t <= out.max_t {
        (out.min_t, out.max_t)
    } else {
        (demo.cal.start(), calendar::MONTH_END - 1)
    };
    Ok(DemoSummary {
        stores: demo.stores.len(),
        agents: demo.stores.iter().map(|s| s.agents.len()).sum(),
        messages: out.msgs.rows,
        orders: out.orders.rows,
        ratings: out.ratings.rows,
        first_day: dates::date_string(first),
        last_day: dates::date_string(last),
    })
}

/// Creates `dir` (and its parents) and writes `messages.csv`, `orders.csv`,
/// `ratings.csv`, `roster.csv` and `agents.csv` into it.
pub fn write_dir(
    opts: &DemoOptions,
    dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> io::Result<DemoSummary> {
    fs::create_dir_all(dir)?;
    let open =
        |name: &str| File::create(dir.join(name)).map(|f| BufWriter::with_capacity(1 << 20, f));
    let demo = Demo::new(opts);
    let plan = plan::of(&demo);
    let mut roster = open("roster.csv")?;
    plan.write_roster(&mut roster)?;
    let mut agents = open("agents.csv")?;
    plan.write_agents(&mut agents)?;
    let mut messages = open("messages.csv")?;
    let mut orders = open("orders.csv")?;
    let mut ratings = open("ratings.csv")?;
    let summary = generate_demo(
        &demo,
        opts.seed,
        &mut messages,
        &mut orders,
        &mut ratings,
        progress,
    )?;
    for w in [
        &mut messages,
        &mut orders,
        &mut ratings,
        &mut roster,
        &mut agents,
    ] {
        w.flush()?;
    }
    Ok(summary)
}
