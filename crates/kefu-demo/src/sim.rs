//! The simulation state of one store and the primitives that write its
//! records: messages of each sender, events, orders and ratings.
//!
//! Records of a buyer are written in time order; `now` is the time of the
//! buyer's latest record and never goes back. Anything at or after the end
//! of the month is silently dropped. Agents are picked among those on duty
//! at the minute, as the store's schedule says.

use crate::calendar::{Calendar, MONTH_END, PROMO_DAY, day_of};
use crate::rng::Rng;
use crate::schedule::StoreRoster;
use crate::stores::{Greeting, Store, Team};
use crate::text::{CITIES, COUPONS, COURIERS, Vars, render};
use crate::writer::{Csv, MESSAGES_HEADER, ORDERS_HEADER, RATINGS_HEADER};
use std::io::{self, Write};

/// How often, in messages, progress is reported.
const REPORT_EVERY: u64 = 100_000;

/// Who sent a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    /// The buyer.
    Buyer,
    /// A human agent (or an automatic reply from the agent's account).
    Agent,
    /// The store's robot.
    Bot,
    /// The platform.
    System,
}

/// The `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text.
    Text,
    /// Image (empty content).
    Image,
    /// Product or order card (empty content).
    Card,
    /// Automatic reply from an agent account.
    Auto,
    /// Event: conversation assigned to the row's agent.
    Transfer,
    /// Event: the buyer was invited to rate.
    Invite,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Image => "image",
            Kind::Card => "card",
            Kind::Auto => "auto",
            Kind::Transfer => "transfer",
            Kind::Invite => "invite_rating",
        }
    }
}

/// The three output files, progress reporting and the overall time span.
pub struct Outputs<'w> {
    /// `messages.csv`.
    pub msgs: Csv<'w>,
    /// `orders.csv`.
    pub orders: Csv<'w>,
    /// `ratings.csv`.
    pub ratings: Csv<'w>,
    progress: &'w mut dyn FnMut(u64),
    next_report: u64,
    /// Earliest time written.
    pub min_t: i64,
    /// Latest time written.
    pub max_t: i64,
}

impl<'w> Outputs<'w> {
    /// Outputs with their header rows.
    pub fn new(
        msgs: &'w mut dyn Write,
        orders: &'w mut dyn Write,
        ratings: &'w mut dyn Write,
        progress: &'w mut dyn FnMut(u64),
    ) -> Outputs<'w> {
        Outputs {
            msgs: Csv::new(msgs, MESSAGES_HEADER),
            orders: Csv::new(orders, ORDERS_HEADER),
            ratings: Csv::new(ratings, RATINGS_HEADER),
            progress,
            next_report: REPORT_EVERY,
            min_t: i64::MAX,
            max_t: i64::MIN,
        }
    }

    /// Widens the time span written by `t`.
    pub fn seen(&mut self, t: i64) {
        self.min_t = self.min_t.min(t);
        self.max_t = self.max_t.max(t);
    }

    /// Calls the progress callback when another ~100k messages are written.
    pub fn report(&mut self) {
        if self.msgs.rows >= self.next_report {
            (self.progress)(self.msgs.rows);
            self.next_report = (self.msgs.rows / REPORT_EVERY + 1) * REPORT_EVERY;
        }
    }

    /// Final progress call and flush of all three files.
    pub fn finish(&mut self) -> io::Result<()> {
        (self.progress)(self.msgs.rows);
        self.msgs.finish()?;
        self.orders.finish()?;
        self.ratings.finish()
    }
}

/// Simulation of one store.
pub struct Sim<'a, 'w> {
    /// The store.
    pub store: &'a Store,
    /// Its agents' schedule and working time.
    pub roster: &'a StoreRoster,
    /// The span's traffic curve.
    pub cal: &'a Calendar,
    /// This store's random stream.
    pub rng: Rng,
    /// Where rows go.
    pub out: &'a mut Outputs<'w>,
    /// Placeholder values of the current buyer.
    pub vars: Vars<'a>,
    text: String,
    /// The current buyer's id.
    pub buyer: String,
    buyer_seq: u64,
    msg_seq: u64,
    /// Orders written for the store.
    pub order_seq: u64,
    /// Time of the current buyer's latest record.
    pub now: i64,
    /// Time of the current buyer's latest buyer message.
    pub last_buyer: i64,
    /// Time of the buyer's latest record before the current session.
    pub last_record: i64,
}

impl<'a, 'w> Sim<'a, 'w> {
    /// A simulation of `store`, staffed as `roster` says, writing to `out`.
    pub fn new(
        store: &'a Store,
        roster: &'a StoreRoster,
        cal: &'a Calendar,
        rng: Rng,
        out: &'a mut Outputs<'w>,
    ) -> Self {
        let (product, price) = store.category.products[0];
        Sim {
            store,
            roster,
            cal,
            rng,
            out,
            vars: Vars {
                store: &store.name,
                agent: "",
                product,
                price,
                size: store.category.sizes[0],
                height: 165,
                weight: 110,
                courier: COURIERS[0],
                days: 3,
                coupon: COUPONS[0],
                city: CITIES[0],
            },
            text: String::with_capacity(256),
            buyer: String::with_capacity(32),
            buyer_seq: 0,
            msg_seq: 0,
            order_seq: 0,
            now: cal.start(),
            last_buyer: cal.start(),
            last_record: cal.start(),
        }
    }

    /// Generates buyers until `budget` more messages are written.
    pub fn run(&mut self, budget: u64) -> io::Result<()> {
        let target = self.out.msgs.rows + budget;
        while self.out.msgs.rows < target {
            self.next_buyer();
            self.buyer_month()?;
            self.out.report();
        }
        Ok(())
    }

    /// Starts a new buyer: pseudonymous id and conversation values.
    fn next_buyer(&mut self) {
        use crate::stores::Platform;
        use std::fmt::Write as _;
        self.buyer_seq += 1;
        self.buyer.clear();
        let nick = *self.rng.pick(crate::catalogue::BUYER_NICKS);
        let _ = match self.store.platform {
            Platform::Tmall => write!(self.buyer, "tb_{nick}{:04}", self.buyer_seq),
            Platform::Jd => write!(self.buyer, "jd_{nick}{:04}", self.buyer_seq),
            _ => write!(self.buyer, "buyer_{:06}", self.buyer_seq),
        };
        let cat = self.store.category;
        let (product, price) = *self.rng.pick(cat.products);
        let rng = &mut self.rng;
        self.vars.product = product;
        self.vars.price = price;
        self.vars.size = *rng.pick(cat.sizes);
        self.vars.height = rng.range(150, 186);
        self.vars.weight = rng.range(85, 170);
        self.vars.courier = *rng.pick(COURIERS);
        self.vars.days = rng.range(2, 5);
        self.vars.coupon = *rng.pick(COUPONS);
        self.vars.city = *rng.pick(CITIES);
        self.now = self.cal.start();
        self.last_buyer = self.now;
    }

    /// An agent of `team` on duty at `t`; when none is, one of the store's
    /// other team on duty (covering); when no one is, an agent of `team`
    /// with a shift that day (on a break or outside it), else any agent of
    /// `team`: unrostered work.
    pub fn pick_agent(&mut self, team: Team, t: i64) -> usize {
        let (store, roster) = (self.store, self.roster);
        let of_team = |a: &usize| store.agents[*a].team == team;
        let everyone = 0..store.agents.len();
        let at_work = |a: &usize| of_team(a) && roster.planned(*a, t);
        let rng = &mut self.rng;
        choose(rng, roster.on_duty(t).filter(of_team))
            .or_else(|| choose(rng, roster.on_duty(t)))
            .or_else(|| choose(rng, everyone.clone().filter(at_work)))
            .or_else(|| choose(rng, everyone.filter(of_team)))
            .unwrap_or(0)
    }

    /// An agent of `team` on duty at `t`, if any.
    pub fn on_duty_agent(&mut self, team: Team, t: i64) -> Option<usize> {
        let store = self.store;
        let of_team = |a: &usize| store.agents[*a].team == team;
        choose(&mut self.rng, self.roster.on_duty(t).filter(of_team))
    }

    /// Writes a message at `at` (or `now` if later) with the content of
    /// `tpl`; returns nothing, the new time is in `now`.
    pub fn emit(
        &mut self,
        at: i64,
        sender: Sender,
        agent: Option<usize>,
        kind: Kind,
        tpl: &str,
    ) -> io::Result<()> {
        let t = at.max(self.now);
        self.now = t;
        if sender == Sender::Buyer {
            self.last_buyer = t;
        }
        if t >= MONTH_END {
            return Ok(());
        }
        let store = self.store;
        self.vars.agent = agent.map_or("", |a| store.agents[a].nick.as_str());
        render(tpl, &self.vars, &mut self.text);
        self.msg_seq += 1;
        let out = &mut *self.out;
        out.seen(t);
        let c = &mut out.msgs;
        c.text(&store.code);
        c.id("m", self.msg_seq, 8);
        c.text(&self.buyer);
        c.text(match sender {
            Sender::Buyer => "buyer",
            Sender::Agent => "agent",
            Sender::Bot => "bot",
            Sender::System => "system",
        });
        c.text(agent.map_or("", |a| store.agents[a].account.as_str()));
        c.time(Some(t));
        c.text(&self.text);
        c.text(kind.as_str());
        c.end()
    }

    /// A buyer text from `pool` after `delay` seconds.
    pub fn buyer_says(&mut self, delay: i64, pool: &[&str]) -> io::Result<()> {
        let tpl = *self.rng.pick(pool);
        self.emit(self.now + delay, Sender::Buyer, None, Kind::Text, tpl)
    }

    /// A buyer image or card after `delay` seconds.
    pub fn buyer_sends(&mut self, delay: i64, kind: Kind) -> io::Result<()> {
        self.emit(self.now + delay, Sender::Buyer, None, kind, "")
    }

    /// Agent `a` writes from `pool` at `at`.
    pub fn agent_says(&mut self, a: usize, at: i64, pool: &[&str]) -> io::Result<()> {
        let tpl = *self.rng.pick(pool);
        self.emit(at, Sender::Agent, Some(a), Kind::Text, tpl)
    }

    /// Agent `a` answers the open round after its response time.
    pub fn reply(&mut self, a: usize, pool: &[&str]) -> io::Result<()> {
        let at = self.last_buyer + self.response(a);
        self.agent_says(a, at, pool)
    }

    /// The store's robot writes from `pool` after `delay`: a `bot` message,
    /// or an automatic reply from agent `a`'s account in stores without one.
    pub fn bot_says(&mut self, a: usize, delay: i64, pool: &[&str]) -> io::Result<()> {
        let tpl = *self.rng.pick(pool);
        let at = self.now + delay;
        match self.store.greeting {
            Greeting::Bot => self.emit(at, Sender::Bot, None, Kind::Text, tpl),
            _ => self.emit(at, Sender::Agent, Some(a), Kind::Auto, tpl),
        }
    }

    /// A system notice at `at`.
    pub fn system(&mut self, at: i64, pool: &[&str]) -> io::Result<()> {
        let tpl = *self.rng.pick(pool);
        self.emit(at, Sender::System, None, Kind::Text, tpl)
    }

    /// Seconds agent `a` takes to answer: mostly 5–60 s, with a slow tail.
    pub fn response(&mut self, a: usize) -> i64 {
        const BUCKETS: [(i64, i64); 7] = [
            (0, 4),
            (5, 20),
            (21, 45),
            (46, 90),
            (91, 120),
            (121, 180),
            (181, 480),
        ];
        let b = BUCKETS[self.rng.weighted(&[2, 45, 30, 13, 4, 3, 3])];
        let mut s = self.rng.range(b.0, b.1) * self.store.agents[a].speed / 100;
        if day_of(self.now) == PROMO_DAY {
            s = s * 3 / 2;
        }
        s.min(590)
    }

    /// Writes a rating of agent `a` at `at`.
    pub fn rating(&mut self, a: usize, at: i64, score: u64) -> io::Result<()> {
        if at >= MONTH_END {
            return Ok(());
        }
        self.out.seen(at);
        let c = &mut self.out.ratings;
        c.text(&self.store.code);
        c.text(&self.buyer);
        c.text(&self.store.agents[a].account);
        c.time(Some(at));
        c.int(score);
        c.end()
    }
}

/// One of `pool` chosen uniformly with one draw of `rng`, or `None` (no
/// draw) when it is empty.
fn choose(rng: &mut Rng, pool: impl Iterator<Item = usize> + Clone) -> Option<usize> {
    let n = pool.clone().count();
    if n == 0 {
        return None;
    }
    pool.into_iter().nth(rng.below(n as u64) as usize)
}
