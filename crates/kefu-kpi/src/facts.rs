//! Facts: a conversation's contribution to one (agent, day, hour) cell, and
//! the totals that facts sum to.

/// The additive counters a fact carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// Sessions with a buyer message.
    Sessions,
    /// Of those, manual sessions.
    ManualSessions,
    /// Of those, bot sessions.
    BotSessions,
    /// Of those, unanswered sessions.
    UnansweredSessions,
    /// Manual sessions whose first human round counts.
    FirstResponseN,
    /// Sum of those first response times, ms.
    FirstResponseMs,
    /// Human rounds.
    HumanRounds,
    /// Sum of human round response times, ms.
    ResponseMs,
    /// Human rounds answered within 180 s.
    Within3Min,
    /// Human rounds slower than `slow_response_seconds`.
    SlowRounds,
    /// Unanswered rounds.
    UnansweredRounds,
    /// Buyer messages.
    BuyerMessages,
    /// Agent messages.
    AgentMessages,
    /// Paid attributed orders' amounts, fen.
    SalesFen,
    /// Paid silent orders' amounts, fen.
    SilentSalesFen,
    /// After-sales sessions.
    AfterSalesSessions,
    /// Counted ratings.
    Ratings,
    /// Satisfied ratings.
    Satisfied,
    /// Dissatisfied ratings.
    Dissatisfied,
    /// Manual sessions with an `invite_rating` event.
    InvitedSessions,
    /// Manual and unanswered sessions (those that need a human, wfm.md §1)
    /// starting in the second half of the hour (local minute ≥ 30): with
    /// the hour's manual and unanswered sessions, the volumes of the two
    /// 30-minute intervals of the workforce forecast.
    HumanSessionsLateHalf,
    /// Sum over manual sessions of the time from their first to their last
    /// agent message, ms: with the manual sessions, the handle time (AHT)
    /// of the workforce forecast (wfm.md §1, before the wrap time).
    HandleMs,
}

/// Number of counters.
pub const COUNTERS: usize = 22;

impl Counter {
    /// Every counter, in index order.
    pub const ALL: [Counter; COUNTERS] = [
        Counter::Sessions,
        Counter::ManualSessions,
        Counter::BotSessions,
        Counter::UnansweredSessions,
        Counter::FirstResponseN,
        Counter::FirstResponseMs,
        Counter::HumanRounds,
        Counter::ResponseMs,
        Counter::Within3Min,
        Counter::SlowRounds,
        Counter::UnansweredRounds,
        Counter::BuyerMessages,
        Counter::AgentMessages,
        Counter::SalesFen,
        Counter::SilentSalesFen,
        Counter::AfterSalesSessions,
        Counter::Ratings,
        Counter::Satisfied,
        Counter::Dissatisfied,
        Counter::InvitedSessions,
        Counter::HumanSessionsLateHalf,
        Counter::HandleMs,
    ];

    /// A column name for storage (`c_sessions`, …).
    pub fn column(self) -> &'static str {
        const NAMES: [&str; COUNTERS] = [
            "c_sessions",
            "c_manual_sessions",
            "c_bot_sessions",
            "c_unanswered_sessions",
            "c_first_response_n",
            "c_first_response_ms",
            "c_human_rounds",
            "c_response_ms",
            "c_within_3min",
            "c_slow_rounds",
            "c_unanswered_rounds",
            "c_buyer_messages",
            "c_agent_messages",
            "c_sales_fen",
            "c_silent_sales_fen",
            "c_after_sales_sessions",
            "c_ratings",
            "c_satisfied",
            "c_dissatisfied",
            "c_invited_sessions",
            "c_human_sessions_late_half",
            "c_handle_ms",
        ];
        NAMES[self as usize]
    }
}

/// Buyer flags: what a fact says about its buyer, counted as distinct
/// buyers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// The buyer had a session with a buyer message here.
    Consult = 1,
    /// The buyer had a manual session here.
    Manual = 2,
    /// The buyer had an inquiry session here (for rows without agent).
    Inquiry = 4,
    /// The agent of this fact sent a message in the buyer's inquiry session
    /// (for rows by agent).
    InquiryByAgent = 8,
    /// An order of the buyer was attributed here.
    Ordered = 16,
    /// A paid order of the buyer was attributed here.
    Paid = 32,
}

/// The distinct-buyer counts a group needs.
pub const BUYER_COUNTS: usize = 6;

impl Flag {
    /// Every flag, in bit order.
    pub const ALL: [Flag; BUYER_COUNTS] = [
        Flag::Consult,
        Flag::Manual,
        Flag::Inquiry,
        Flag::InquiryByAgent,
        Flag::Ordered,
        Flag::Paid,
    ];

    /// Index of the flag in [`Totals::buyers`].
    pub fn index(self) -> usize {
        (self as u8).trailing_zeros() as usize
    }
}

/// A conversation's contribution to one (agent, local day, local hour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The agent (an id of the caller's), `None` for figures of no agent.
    pub agent: Option<u32>,
    /// Local day, days since 1970-01-01.
    pub day: i32,
    /// Local hour 0–23.
    pub hour: u8,
    /// [`Flag`] bits.
    pub flags: u8,
    /// Counter values, indexed by [`Counter`].
    pub counts: [i64; COUNTERS],
}

impl Fact {
    /// An empty fact for a cell.
    pub fn new(agent: Option<u32>, day: i32, hour: u8) -> Fact {
        Fact {
            agent,
            day,
            hour,
            flags: 0,
            counts: [0; COUNTERS],
        }
    }

    /// Value of a counter.
    pub fn get(&self, c: Counter) -> i64 {
        self.counts[c as usize]
    }

    /// Whether a flag is set.
    pub fn has(&self, f: Flag) -> bool {
        self.flags & f as u8 != 0
    }
}

/// The facts of one conversation, one per cell.
#[derive(Debug, Default, Clone)]
pub struct FactSet {
    facts: Vec<Fact>,
}

impl FactSet {
    /// The fact of a cell, created empty on first use.
    pub fn cell(&mut self, agent: Option<u32>, day: i32, hour: u8) -> &mut Fact {
        let pos = self
            .facts
            .iter()
            .position(|f| f.agent == agent && f.day == day && f.hour == hour);
        let i = match pos {
            Some(i) => i,
            None => {
                self.facts.push(Fact::new(agent, day, hour));
                self.facts.len() - 1
            }
        };
        &mut self.facts[i]
    }

    /// Adds to a counter of a cell.
    pub fn add(&mut self, agent: Option<u32>, day: i32, hour: u8, c: Counter, v: i64) {
        self.cell(agent, day, hour).counts[c as usize] += v;
    }

    /// Sets a flag of a cell.
    pub fn flag(&mut self, agent: Option<u32>, day: i32, hour: u8, f: Flag) {
        self.cell(agent, day, hour).flags |= f as u8;
    }

    /// The facts, sorted by (agent, day, hour).
    pub fn into_facts(mut self) -> Vec<Fact> {
        self.facts.sort_by_key(|f| (f.agent, f.day, f.hour));
        self.facts
    }
}

/// Summed counters and distinct-buyer counts of one group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Summed counters, indexed by [`Counter`].
    pub counts: [i64; COUNTERS],
    /// Distinct buyers per [`Flag`], indexed by [`Flag::index`].
    pub buyers: [i64; BUYER_COUNTS],
}

impl Totals {
    /// Value of a counter.
    pub fn get(&self, c: Counter) -> i64 {
        self.counts[c as usize]
    }

    /// Distinct buyers with a flag.
    pub fn buyers(&self, f: Flag) -> i64 {
        self.buyers[f.index()]
    }
}
