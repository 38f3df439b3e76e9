//! One chat session: the buyer's opening, bot or automatic greetings, night
//! handling, the rounds of questions and answers, transfers from pre-sales
//! to after-sales, the closing, the rating invitation and the rating.

use crate::calendar::{HOUR, PROMO_DAY, day_of, hour_of, in_month};
use crate::sim::{Kind, Sender, Sim};
use crate::stores::{Greeting, Team};
use crate::text::{self, Topic};
use std::io;

/// What an after-sales buyer comes back about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// 物流: where is my parcel.
    Logistics,
    /// 破损: broken or missing goods.
    Damage,
    /// 退换货: return or exchange.
    Return,
    /// 退款: where is my refund.
    Refund,
    /// Quality complaint.
    Quality,
}

impl Problem {
    /// The buyer's questions and the agent's answers for the problem.
    pub fn topic(self) -> &'static Topic {
        match self {
            Problem::Logistics => &text::LOGISTICS,
            Problem::Damage => &text::DAMAGE,
            Problem::Return => &text::RETURN,
            Problem::Refund => &text::REFUND,
            Problem::Quality => &text::QUALITY,
        }
    }
}

/// Why the buyer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// First questions before buying (询单).
    Inquiry,
    /// A returning buyer's further questions.
    FollowUp,
    /// A problem with a paid order (售后).
    AfterSales(Problem),
}

/// What a session left behind for the buyer's later records.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    /// The agent who served the buyer last, if any.
    pub agent: Option<usize>,
    /// The buyer wrote while no agent worked.
    pub night: bool,
}

impl Sim<'_, '_> {
    /// A session opened by the buyer at `start` (or later, after `now`).
    pub fn session(&mut self, start: i64, purpose: Purpose) -> io::Result<Outcome> {
        self.last_record = self.now;
        self.now = self.now.max(start);
        let (day, hour) = (day_of(self.now), hour_of(self.now));
        let offline = match hour {
            1..=7 => !(day == PROMO_DAY && hour <= 2),
            0 => day != PROMO_DAY && self.rng.chance(0.5),
            _ => false,
        };
        let team = match purpose {
            Purpose::AfterSales(_) if self.rng.chance(0.6) => Team::AfterSales,
            _ => Team::PreSales,
        };
        let agent = self.pick_agent(team, self.now);
        let asked = self.open(purpose)?;
        let fate = self.rng.below(1000);
        // Buyers who get no answer at all mostly left before any greeting.
        let silent = !offline && (60..90).contains(&fate);
        if !silent || self.rng.chance(0.2) {
            self.greet(agent)?;
        }
        if offline {
            if self.store.greeting == Greeting::Bot || self.rng.chance(0.35) {
                let d = self.rng.range(1, 5);
                self.bot_says(agent, d, text::BOT_NIGHT)?;
            }
            if self.rng.chance(0.3) {
                let d = self.rng.range(20, 400);
                self.buyer_says(d, text::BUYER_NIGHT_MORE)?;
            }
            return Ok(Outcome {
                agent: None,
                night: true,
            });
        }
        match fate {
            0..=59 => {
                let d = self.rng.range(1, 4);
                self.bot_says(agent, d, text::BOT_ANSWER)?;
                if self.rng.chance(0.4) {
                    let d = self.rng.range(5, 60);
                    self.buyer_says(d, text::BUYER_ACK)?;
                }
            }
            60..=89 => {
                if self.rng.chance(0.5) {
                    let d = self.rng.range(5, 90);
                    self.buyer_says(d, text::BUYER_EXTRA)?;
                }
            }
            90..=99 => {
                let d = self.rng.range(1, 3);
                self.bot_says(agent, d, text::BOT_TRANSFER)?;
                let d = self.rng.range(1, 5);
                self.transfer_event(d, agent)?;
                if self.rng.chance(0.5) {
                    let d = self.rng.range(30, 300);
                    self.buyer_says(d, text::BUYER_NIGHT_MORE)?;
                }
            }
            _ => return self.manual(agent, purpose, asked),
        }
        Ok(Outcome::default())
    }

    /// The buyer's first messages; returns the topic asked, if any.
    fn open(&mut self, purpose: Purpose) -> io::Result<Option<&'static Topic>> {
        match purpose {
            Purpose::AfterSales(p) => {
                let card = self.rng.chance(0.5);
                if card {
                    self.buyer_sends(0, Kind::Card)?;
                }
                let d = if card { self.rng.range(1, 8) } else { 0 };
                self.buyer_says(d, p.topic().q)?;
                if matches!(p, Problem::Damage | Problem::Quality) && self.rng.chance(0.7) {
                    let d = self.rng.range(3, 30);
                    self.buyer_sends(d, Kind::Image)?;
                }
                Ok(Some(p.topic()))
            }
            Purpose::FollowUp => {
                let soon = self.now - self.last_record < 6 * HOUR;
                let pool = if soon {
                    text::FOLLOWUP_SOON
                } else {
                    text::FOLLOWUP_LATER
                };
                self.buyer_says(0, pool)?;
                Ok(None)
            }
            Purpose::Inquiry => match self.rng.below(100) {
                0..=44 => {
                    self.buyer_says(0, text::BUYER_HELLO)?;
                    Ok(None)
                }
                r => {
                    let topic = self.pick_topic(purpose);
                    let mut d = 0;
                    if r < 60 {
                        self.buyer_sends(0, Kind::Card)?;
                        d = self.rng.range(0, 10);
                    }
                    self.buyer_says(d, topic.q)?;
                    Ok(Some(topic))
                }
            },
        }
    }

    /// The store's greeting right after the buyer's first message.
    fn greet(&mut self, agent: usize) -> io::Result<()> {
        let d = if self.rng.chance(0.3) {
            0
        } else {
            self.rng.range(1, 3)
        };
        match self.store.greeting {
            _ if self.rng.chance(0.1) => Ok(()),
            Greeting::Bot => self.bot_says(agent, d, text::BOT_HELLO),
            Greeting::Auto => {
                let tpl = *self.rng.pick(text::AUTO_HELLO);
                self.emit(self.now + d, Sender::Agent, Some(agent), Kind::Auto, tpl)
            }
            _ => Ok(()),
        }
    }

    /// A question topic for the purpose and the day.
    pub fn pick_topic(&mut self, purpose: Purpose) -> &'static Topic {
        if let Purpose::AfterSales(_) = purpose {
            let more: &&'static Topic = self.rng.pick(&text::AFTER_SALES_MORE);
            return more;
        }
        let day = day_of(self.now);
        let promo = if in_month(day) && day <= PROMO_DAY {
            18
        } else {
            0
        };
        match self.rng.weighted(&[45, 20, 12, promo, 8, 1]) {
            0 => self.rng.pick(self.store.category.topics),
            1 => &text::SHIPPING,
            2 => &text::COUPON,
            3 => &text::PROMO,
            4 => &text::STOCK,
            _ => &text::ADDRESS,
        }
    }

    /// Seconds a buyer takes before the next question: mostly under a
    /// minute, now and then 9:59, exactly 10:00 or longer (a new session).
    fn buyer_pause(&mut self) -> i64 {
        match self.rng.weighted(&[850, 100, 29, 10, 5, 6]) {
            0 => self.rng.range(5, 60),
            1 => self.rng.range(61, 300),
            2 => self.rng.range(301, 598),
            3 => 599,
            4 => 600,
            _ => self.rng.range(601, 1500),
        }
    }

    /// A transfer event assigning the conversation to `target`.
    fn transfer_event(&mut self, delay: i64, target: usize) -> io::Result<()> {
        let tpl = *self.rng.pick(text::TRANSFER_EVENT);
        self.emit(
            self.now + delay,
            Sender::System,
            Some(target),
            Kind::Transfer,
            tpl,
        )
    }

    /// Pre-sales agent `cur` hands the buyer to an after-sales agent on
    /// duty, who introduces themselves; returns the new agent, or `None`
    /// (nothing written) when no after-sales agent is on duty and `cur`
    /// answers themselves.
    fn transfer(&mut self, cur: usize) -> io::Result<Option<usize>> {
        let Some(target) = self.on_duty_agent(Team::AfterSales, self.now) else {
            return Ok(None);
        };
        self.reply(cur, text::TRANSFER_NOTE)?;
        let d = self.rng.range(1, 5);
        self.transfer_event(d, target)?;
        let at = self.now + self.response(target);
        self.agent_says(target, at, text::AFTER_HELLO)?;
        Ok(Some(target))
    }

    /// A session served by agent `agent` (the buyer has already written;
    /// `asked` is the question already asked, if any).
    pub fn manual(
        &mut self,
        agent: usize,
        purpose: Purpose,
        mut asked: Option<&'static Topic>,
    ) -> io::Result<Outcome> {
        let mut cur = agent;
        if asked.is_none() {
            self.reply(cur, text::AGENT_HELLO)?;
        }
        let topics = 1 + self.rng.weighted(&[50, 32, 18]);
        let after_sales = matches!(purpose, Purpose::AfterSales(_));
        for i in 0..topics {
            let presales = self.store.agents[cur].team == Team::PreSales;
            let stray = !after_sales && presales && self.rng.chance(0.02);
            let topic = match asked.take() {
                Some(t) => t,
                None => {
                    let t = if stray {
                        &text::RETURN
                    } else {
                        self.pick_topic(purpose)
                    };
                    let d = self.buyer_pause();
                    self.buyer_says(d, t.q)?;
                    t
                }
            };
            if self.rng.chance(0.15) {
                let d = if self.rng.chance(0.25) {
                    0
                } else {
                    self.rng.range(2, 15)
                };
                if self.rng.chance(0.4) {
                    self.buyer_sends(d, Kind::Image)?;
                } else {
                    self.buyer_says(d, text::BUYER_EXTRA)?;
                }
            }
            let handed = match presales && (stray || (after_sales && i == 0)) {
                true => self.transfer(cur)?,
                false => None,
            };
            if let Some(target) = handed {
                cur = target;
                let at = self.now + self.rng.range(5, 40);
                self.agent_says(cur, at, topic.a)?;
            } else {
                self.reply(cur, topic.a)?;
            }
            if self.rng.chance(0.08) {
                let at = self.now + self.rng.range(1, 8);
                self.emit(at, Sender::Agent, Some(cur), Kind::Card, "")?;
            }
            if i + 1 < topics && self.rng.chance(0.25) {
                let d = self.rng.range(3, 40);
                self.buyer_says(d, text::BUYER_ACK)?;
            }
        }
        self.closing(cur, after_sales)?;
        Ok(Outcome {
            agent: Some(cur),
            night: false,
        })
    }

    /// Goodbyes (sometimes the buyer's last word stays unanswered), the
    /// rating invitation and the buyer's rating.
    fn closing(&mut self, cur: usize, after_sales: bool) -> io::Result<()> {
        let r = self.rng.below(100);
        if r < 50 {
            let at = self.now + self.rng.range(3, 30);
            self.agent_says(cur, at, text::AGENT_CLOSING)?;
        }
        if r < 80 && (r >= 50 || self.rng.chance(0.65)) {
            let d = self.rng.range(5, 60);
            self.buyer_says(d, text::BUYER_THANKS)?;
            if self.rng.chance(0.82) {
                self.reply(cur, text::AGENT_BYE)?;
            }
        }
        let invited = self.rng.chance(0.6);
        if invited {
            let d = if self.rng.chance(0.3) {
                0
            } else {
                self.rng.range(1, 10)
            };
            let sender = if self.rng.chance(0.8) {
                Sender::Agent
            } else {
                Sender::System
            };
            let tpl = *self.rng.pick(text::INVITE);
            self.emit(self.now + d, sender, Some(cur), Kind::Invite, tpl)?;
        }
        if self.rng.chance(if invited { 0.35 } else { 0.03 }) {
            let weights: &[u32] = if after_sales {
                &[7, 5, 8, 12, 68]
            } else {
                &[2, 2, 4, 10, 82]
            };
            let at = self.now + self.rng.range(10, 900);
            let score = 1 + self.rng.weighted(weights) as u64;
            self.rating(cur, at, score)?;
            if self.rng.chance(0.05) {
                let again = at + self.rng.range(60, 3000);
                let score = 1 + self.rng.weighted(weights) as u64;
                self.rating(cur, again, score)?;
            }
        }
        Ok(())
    }
}
