//! A buyer's month at one store: inquiring buyers who come back and may
//! order, silent buyers who order without chatting, buyers contacted by the
//! store; then payment reminders, shipping notices, after-sales sessions
//! within 21 days of payment, and refunds.

use crate::calendar::{DAY, HOUR, MONTH_END, PROMO_DAY, WARMUP_DAY, day_of, hour_of, in_month};
use crate::orders::Order;
use crate::session::{Problem, Purpose};
use crate::sim::Sim;
use crate::stores::Team;
use crate::text;
use std::io;

impl Sim<'_, '_> {
    /// Everything one new buyer does from their first record on.
    pub fn buyer_month(&mut self) -> io::Result<()> {
        match self.rng.below(100) {
            0..=81 => self.inquiring_buyer(),
            82..=94 => self.silent_buyer(),
            _ => self.contacted_buyer(),
        }
    }

    /// A buyer who asks, comes back a few times and orders in about four
    /// cases out of ten.
    fn inquiring_buyer(&mut self) -> io::Result<()> {
        let start = self.cal.sample(&mut self.rng);
        let presale = (0..WARMUP_DAY).contains(&day_of(start)) && self.rng.chance(0.15);
        let sessions = 1 + self.rng.weighted(&[60, 25, 10, 5]);
        let mut agent = None;
        let mut at = start;
        for i in 0..sessions {
            if i > 0 {
                at = self.return_time();
            }
            if at >= MONTH_END {
                break;
            }
            let purpose = if i == 0 {
                Purpose::Inquiry
            } else {
                Purpose::FollowUp
            };
            let out = self.session(at, purpose)?;
            agent = out.agent.or(agent);
            if out.night && self.rng.chance(0.6) {
                agent = self.morning_follow_up()?.or(agent);
            }
        }
        if !self.rng.chance(if presale { 0.7 } else { 0.42 }) {
            return Ok(());
        }
        let created = if presale && self.now < PROMO_DAY * DAY {
            PROMO_DAY * DAY + self.rng.range(0, 2 * HOUR)
        } else {
            self.now + self.order_delay()
        };
        self.ordered(created, 0.88, agent, 0.28)
    }

    /// A buyer who orders without a word; some come back with a problem.
    fn silent_buyer(&mut self) -> io::Result<()> {
        let created = self.cal.sample(&mut self.rng);
        self.ordered(created, 0.93, None, 0.15)?;
        if self.rng.chance(0.1) {
            let again = created + self.rng.range(DAY, 10 * DAY);
            self.ordered(again, 0.93, None, 0.15)?;
        }
        Ok(())
    }

    /// A buyer the store writes to first (promotion to earlier customers).
    fn contacted_buyer(&mut self) -> io::Result<()> {
        let day = day_of(self.cal.sample(&mut self.rng));
        let at = day * DAY + self.rng.range(10 * HOUR, 21 * HOUR);
        let a = self.pick_agent(Team::PreSales, at);
        let pool = if in_month(day) && day <= PROMO_DAY {
            text::OUT_PROMO
        } else {
            &text::OUT_PROMO[1..]
        };
        let answered = self.outbound(a, at, pool, 0.2)?;
        if self.rng.chance(0.1) {
            let later = self.now + self.rng.range(HOUR, 2 * DAY);
            self.session(later, Purpose::FollowUp)?;
        }
        if answered && self.rng.chance(0.3) {
            let created = self.now + self.order_delay();
            self.ordered(created, 0.9, Some(a), 0.2)?;
        }
        Ok(())
    }

    /// When a buyer comes back: minutes (sometimes exactly 10), hours or
    /// days after their last record.
    fn return_time(&mut self) -> i64 {
        let now = self.now;
        match self.rng.weighted(&[17, 3, 30, 50]) {
            0 => now + self.rng.range(601, 1800),
            1 => now + 600,
            2 => now + self.rng.range(HOUR, 6 * HOUR),
            _ => {
                let day = day_of(now) + self.rng.range(1, 6);
                self.cal.sample_in_day(&mut self.rng, day).max(now + 600)
            }
        }
    }

    /// Seconds from the last chat to an order: mostly minutes, some within
    /// two days, some later than the 48 h attribution window.
    fn order_delay(&mut self) -> i64 {
        match self.rng.weighted(&[60, 20, 12, 8]) {
            0 => self.rng.range(30, 1800),
            1 => self.rng.range(1801, 6 * HOUR),
            2 => self.rng.range(6 * HOUR, 47 * HOUR),
            _ => self.rng.range(49 * HOUR, 96 * HOUR),
        }
    }

    /// Agent `a` writes first at `at`; the buyer answers within minutes with
    /// probability `reply`, which makes it a served session. Returns whether
    /// the buyer answered.
    fn outbound(&mut self, a: usize, at: i64, pool: &[&str], reply: f64) -> io::Result<bool> {
        self.agent_says(a, at, pool)?;
        if !self.rng.chance(reply) {
            return Ok(false);
        }
        let topic = self.pick_topic(Purpose::FollowUp);
        let d = self.rng.range(20, 500);
        self.buyer_says(d, topic.q)?;
        self.manual(a, Purpose::FollowUp, Some(topic))?;
        Ok(true)
    }

    /// An agent answers last night's messages in the morning.
    fn morning_follow_up(&mut self) -> io::Result<Option<usize>> {
        let day = day_of(self.now) + i64::from(hour_of(self.now) >= 8);
        let at = (day * DAY + 8 * HOUR + self.rng.range(0, 90 * 60)).max(self.now + 600);
        if at >= MONTH_END {
            return Ok(None);
        }
        let a = self.pick_agent(Team::PreSales, at);
        self.outbound(a, at, text::AGENT_MORNING, 0.45)?;
        Ok(Some(a))
    }

    /// An order created at `created`: notices in the chat, a payment
    /// reminder when unpaid, and after a payment maybe a shipping notice, an
    /// after-sales session (probability `after`) and a refund.
    fn ordered(
        &mut self,
        created: i64,
        pay: f64,
        agent: Option<usize>,
        after: f64,
    ) -> io::Result<()> {
        let Some(mut order) = self.new_order(created, pay) else {
            return Ok(());
        };
        if agent.is_some() && created - self.now < 600 && self.rng.chance(0.5) {
            self.system(created, text::SYS_ORDERED)?;
            if let Some(p) = order.paid.filter(|&p| p - created < 300) {
                self.system(p, text::SYS_PAID)?;
            }
        }
        match order.paid {
            None => {
                let at = (created + self.rng.range(15 * 60, 2 * HOUR)).max(self.now + 600);
                if (9..23).contains(&hour_of(at)) && self.rng.chance(0.5) {
                    let a = match agent {
                        Some(a) if self.roster.on_duty(at).any(|x| x == a) => a,
                        _ => self.pick_agent(Team::PreSales, at),
                    };
                    self.outbound(a, at, text::OUT_UNPAID, 0.2)?;
                }
            }
            Some(paid) => {
                if self.rng.chance(0.08) {
                    let day = day_of(paid) + self.rng.range(1, 3);
                    let at = (day * DAY + self.rng.range(10 * HOUR, 20 * HOUR)).max(self.now + 600);
                    let a = self.pick_agent(Team::AfterSales, at);
                    self.outbound(a, at, text::OUT_SHIPPED, 0.25)?;
                }
                if self.rng.chance(after) {
                    self.after_sales(paid, &mut order)?;
                } else if self.rng.chance(0.02) {
                    let at = paid + self.rng.range(HOUR, 5 * DAY);
                    if at < MONTH_END {
                        order.refund = Some((order.amount, at));
                    }
                }
            }
        }
        self.write_order(&order)
    }

    /// The buyer comes back 1–14 days after paying with a problem; some
    /// problems end in a full or partial refund.
    fn after_sales(&mut self, paid: i64, order: &mut Order) -> io::Result<()> {
        const DELAYS: [i64; 8] = [1, 2, 3, 4, 5, 7, 10, 14];
        let day = day_of(paid) + DELAYS[self.rng.weighted(&[10, 20, 25, 20, 10, 8, 5, 2])];
        let at = self.cal.sample_in_day(&mut self.rng, day);
        if at >= MONTH_END {
            return Ok(());
        }
        let at = at.max(self.now + self.rng.range(600, HOUR));
        const PROBLEMS: [Problem; 5] = [
            Problem::Logistics,
            Problem::Damage,
            Problem::Return,
            Problem::Refund,
            Problem::Quality,
        ];
        let problem = PROBLEMS[self.rng.weighted(&[35, 12, 28, 12, 13])];
        self.session(at, Purpose::AfterSales(problem))?;
        let p_refund = match problem {
            Problem::Return | Problem::Refund => 0.7,
            Problem::Damage | Problem::Quality => 0.6,
            Problem::Logistics => 0.08,
        };
        if self.rng.chance(p_refund) {
            let partial =
                matches!(problem, Problem::Damage | Problem::Quality) && self.rng.chance(0.5);
            let amount = if partial {
                let part = order.amount * self.rng.range(10, 50) / 100 / 100 * 100;
                part.clamp(100.min(order.amount), order.amount)
            } else {
                order.amount
            };
            if matches!(problem, Problem::Return | Problem::Refund) && self.rng.chance(0.4) {
                let at = self.now + self.rng.range(10, 300);
                self.system(at, text::SYS_REFUND)?;
            }
            let at = self.now + self.rng.range(HOUR, 72 * HOUR);
            if at < MONTH_END {
                order.refund = Some((amount, at));
            }
        }
        if self.rng.chance(0.15) {
            let day = day_of(self.now) + self.rng.range(1, 3);
            let at = self
                .cal
                .sample_in_day(&mut self.rng, day)
                .max(self.now + 600);
            if at < MONTH_END {
                let p = if order.refund.is_some() {
                    Problem::Refund
                } else {
                    Problem::Logistics
                };
                self.session(at, Purpose::AfterSales(p))?;
            }
        }
        Ok(())
    }
}
