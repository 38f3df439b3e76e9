//! The staffing calculator (spec `wfm.md` §2, §4): how many chat slots,
//! agents on duty and agents to schedule one interval's load needs.
//!
//! Each agent is `concurrency` parallel chat slots; the slots are an
//! Erlang C queue (M/M/N) with offered load A = λ × AHT ÷ interval. The
//! slots needed are the least N ≥ A + 1 whose service level reaches the
//! target, raised to ⌈A ÷ max_occupancy⌉ when A ÷ N exceeds the bound.
//! With `concurrency = 1` this is the classic Erlang C calculator.
//!
//! Erlang C is computed from Erlang B's recursion, so loads in the thousands
//! neither overflow nor lose precision, and the search for N continues the
//! recursion instead of restarting it.

use crate::error::{InputError, non_negative, positive, within};
use serde::{Deserialize, Serialize};

/// Tolerance for a result that is mathematically an integer but comes out
/// of floating point a hair above or below it: `21 ÷ (1 − 0.3)` is
/// `30.000000000000004` and must need 30 agents, not 31. Relative to the
/// value (absolute below 1).
pub const EPSILON: f64 = 1e-9;

/// The most slots or agents an answer may have; a larger answer is refused
/// with [`InputError::TooLarge`], which also bounds the search.
pub const MAX_COUNT: u32 = 10_000_000;

/// The rules of a store's service, with the defaults of §2.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaffingRules {
    /// Length of the interval in minutes (default 30).
    pub interval_minutes: f64,
    /// Chats an agent holds at once, at least 1 (default 3).
    pub concurrency: u32,
    /// Share of chats to answer within `answer_within_seconds`, in (0, 1)
    /// (default 0.8).
    pub target: f64,
    /// The answer time of the target, T (default 20 s).
    pub answer_within_seconds: f64,
    /// The highest share of time a slot may be busy, in (0, 1] (default 0.85).
    pub max_occupancy: f64,
    /// Share of paid time off the queue (breaks, training, meetings), in
    /// [0, 1) (default 0.30).
    pub shrinkage: f64,
}

impl Default for StaffingRules {
    fn default() -> Self {
        StaffingRules {
            interval_minutes: 30.0,
            concurrency: 3,
            target: 0.8,
            answer_within_seconds: 20.0,
            max_occupancy: 0.85,
            shrinkage: 0.30,
        }
    }
}

/// One interval's question: its load and the store's rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StaffingInput {
    /// Chats starting in the interval, λ (0 or more).
    pub volume: f64,
    /// Mean handle time of a chat in seconds (more than 0).
    pub aht_seconds: f64,
    /// The store's rules.
    #[serde(flatten)]
    pub rules: StaffingRules,
}

impl StaffingInput {
    /// `volume` chats of `aht_seconds` under the default rules.
    pub fn new(volume: f64, aht_seconds: f64) -> Self {
        StaffingInput {
            volume,
            aht_seconds,
            rules: StaffingRules::default(),
        }
    }

    /// Checks every field, the first one wrong in declaration order.
    pub fn validate(&self) -> Result<(), InputError> {
        let r = &self.rules;
        non_negative("volume", self.volume)?;
        positive("aht_seconds", self.aht_seconds)?;
        positive("interval_minutes", r.interval_minutes)?;
        if r.concurrency == 0 {
            return Err(InputError::NotPositive {
                field: "concurrency",
            });
        }
        within("target", r.target, "(0, 1)", |x| x > 0.0 && x < 1.0)?;
        non_negative("answer_within_seconds", r.answer_within_seconds)?;
        within("max_occupancy", r.max_occupancy, "(0, 1]", |x| {
            x > 0.0 && x <= 1.0
        })?;
        within("shrinkage", r.shrinkage, "[0, 1)", |x| {
            (0.0..1.0).contains(&x)
        })?;
        Ok(())
    }
}

/// The answer for one interval (§4), as the CLI's `--format json` and the
/// API give it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StaffingAnswer {
    /// A = λ × AHT ÷ interval length, in slots (Erlangs).
    pub offered_load: f64,
    /// N, the chat slots needed.
    pub slots: u32,
    /// ⌈N ÷ concurrency⌉.
    pub agents_on_duty: u32,
    /// ⌈agents on duty ÷ (1 − shrinkage)⌉.
    pub agents_to_schedule: u32,
    /// Share of chats answered within the target time with N slots.
    pub service_level: f64,
    /// Probability that a chat waits at all (Erlang C).
    pub p_wait: f64,
    /// Mean wait in seconds: P_wait × AHT ÷ (N − A).
    pub asa_seconds: f64,
    /// A ÷ N.
    pub occupancy: f64,
}

impl StaffingAnswer {
    /// The answer for no load. A choice of ours: no chats need no slots and
    /// no agents, and with nobody waiting the service level is 1 and P_wait,
    /// ASA and occupancy are 0 (instead of the 0 ÷ 0 of the formulas).
    pub const IDLE: StaffingAnswer = StaffingAnswer {
        offered_load: 0.0,
        slots: 0,
        agents_on_duty: 0,
        agents_to_schedule: 0,
        service_level: 1.0,
        p_wait: 0.0,
        asa_seconds: 0.0,
        occupancy: 0.0,
    };
}

/// Computes the answer of §2 for `input`, or names the field that is wrong.
pub fn staff(input: &StaffingInput) -> Result<StaffingAnswer, InputError> {
    input.validate()?;
    let rules = &input.rules;
    let aht = input.aht_seconds;
    let load = input.volume * aht / (rules.interval_minutes * 60.0);
    let too_large = |field| InputError::TooLarge {
        field,
        limit: MAX_COUNT,
    };
    if !load.is_finite() || load >= f64::from(MAX_COUNT) {
        return Err(too_large("volume"));
    }
    if load == 0.0 {
        return Ok(StaffingAnswer::IDLE);
    }
    let mut queue = ErlangB::new(load);
    queue.advance_to(least_slots_above(load));
    while service_level_of(&queue, aht, rules.answer_within_seconds) < rules.target {
        if queue.slots >= MAX_COUNT {
            return Err(too_large("volume"));
        }
        queue.step();
    }
    if load / f64::from(queue.slots) > rules.max_occupancy + EPSILON {
        let bound = ceil_near(load / rules.max_occupancy);
        if bound > f64::from(MAX_COUNT) {
            return Err(too_large("max_occupancy"));
        }
        queue.advance_to(bound as u32);
    }
    let slots = queue.slots;
    let agents_on_duty = slots.div_ceil(rules.concurrency);
    let to_schedule = ceil_near(f64::from(agents_on_duty) / (1.0 - rules.shrinkage));
    if to_schedule > f64::from(MAX_COUNT) {
        return Err(too_large("shrinkage"));
    }
    let p_wait = queue.erlang_c();
    Ok(StaffingAnswer {
        offered_load: load,
        slots,
        agents_on_duty,
        agents_to_schedule: to_schedule as u32,
        service_level: service_level_of(&queue, aht, rules.answer_within_seconds),
        p_wait,
        asa_seconds: p_wait * aht / (f64::from(slots) - load),
        occupancy: load / f64::from(slots),
    })
}

/// P_wait of Erlang C: the probability that a chat offered `load` Erlangs
/// waits for one of `slots` slots. 1 when `slots` ≤ `load` (the queue grows
/// without bound). `load` must be finite and 0 or more.
pub fn erlang_c(load: f64, slots: u32) -> f64 {
    let mut queue = ErlangB::new(load);
    queue.advance_to(slots);
    queue.erlang_c()
}

/// The service level of §2 with `slots` slots: the share of chats answered
/// within `answer_within_seconds`, 1 − P_wait × e^(−(N − A) × T ÷ AHT); 0 when
/// `slots` ≤ `load`. `load` must be finite and 0 or more, `aht_seconds` more
/// than 0.
pub fn service_level(load: f64, slots: u32, aht_seconds: f64, answer_within_seconds: f64) -> f64 {
    let mut queue = ErlangB::new(load);
    queue.advance_to(slots);
    service_level_of(&queue, aht_seconds, answer_within_seconds)
}

/// The least integer N ≥ A + 1 (§2, as written: at least one slot more
/// than the load): ⌈A + 1⌉. A load that is an integer up to [`EPSILON`]
/// counts as that integer, so 13.999999999999998 starts at 15.
fn least_slots_above(load: f64) -> u32 {
    ceil_near(load + 1.0) as u32
}

/// ⌈x⌉ for x ≥ 0, taking x within [`EPSILON`] above an integer as that
/// integer.
fn ceil_near(x: f64) -> f64 {
    (x - EPSILON * x.max(1.0)).ceil().max(0.0)
}

/// The service level of `queue` at its current slots.
fn service_level_of(queue: &ErlangB, aht_seconds: f64, answer_within_seconds: f64) -> f64 {
    let spare = f64::from(queue.slots) - queue.load;
    if spare <= 0.0 {
        return 0.0;
    }
    let p_wait = queue.erlang_c();
    (1.0 - p_wait * (-spare * answer_within_seconds / aht_seconds).exp()).clamp(0.0, 1.0)
}

/// Erlang B's blocking probability for a load, advanced one slot at a time
/// by B(0) = 1, B(k) = A·B(k−1) ÷ (k + A·B(k−1)): every value in [0, 1].
struct ErlangB {
    /// The offered load A.
    load: f64,
    /// k, the slots so far.
    slots: u32,
    /// B(k).
    blocking: f64,
}

impl ErlangB {
    /// B(0) for `load`.
    fn new(load: f64) -> Self {
        ErlangB {
            load,
            slots: 0,
            blocking: 1.0,
        }
    }

    /// From B(k) to B(k + 1).
    fn step(&mut self) {
        self.slots += 1;
        let carried = self.load * self.blocking;
        self.blocking = carried / (f64::from(self.slots) + carried);
    }

    /// Steps until `slots` (never back).
    fn advance_to(&mut self, slots: u32) {
        while self.slots < slots {
            self.step();
        }
    }

    /// Erlang C at the current slots: C = N·B ÷ (N − A·(1 − B)), or 1 when
    /// N ≤ A.
    fn erlang_c(&self) -> f64 {
        let n = f64::from(self.slots);
        if n <= self.load {
            return 1.0;
        }
        let b = self.blocking;
        (n * b / (n - self.load * (1.0 - b))).clamp(0.0, 1.0)
    }
}
