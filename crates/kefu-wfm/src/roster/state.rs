//! A roster being searched, with its score kept incrementally: a change
//! of one agent's day updates only the slots of the shifts it removes and
//! adds, that agent's week, and the fairness and preference sums. The
//! hard rules of a placement are checked on the agent's neighbouring days
//! only ([`State::fits`]), so a move is checked and scored in time
//! proportional to its shifts' length.

use crate::roster::model::Model;
use crate::roster::objective::{Score, spread};
use crate::roster::slots::SlotSet;

/// A shift worked: its template and its post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Work {
    /// The template.
    pub shift: usize,
    /// The post (store and skill).
    pub post: usize,
}

/// An agent's day set to a shift or to a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Change {
    /// The agent.
    pub agent: usize,
    /// The day.
    pub day: usize,
    /// The shift, `None` for a day off.
    pub work: Option<Work>,
}

/// Changes made together: one or two.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Move {
    /// The changes, in the order made.
    pub changes: [Change; 2],
    /// How many of them count.
    pub len: usize,
}

impl Move {
    /// One change.
    pub(crate) fn one(change: Change) -> Move {
        Move {
            changes: [change, Change::default()],
            len: 1,
        }
    }

    /// Two changes, made in this order.
    pub(crate) fn two(first: Change, second: Change) -> Move {
        Move {
            changes: [first, second],
            len: 2,
        }
    }

    /// The changes that count.
    pub(crate) fn changes(&self) -> &[Change] {
        &self.changes[..self.len.min(2)]
    }
}

/// The hard rule a placement would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Block {
    /// A leave day.
    Leave,
    /// Not qualified for the post (or dedicated to another store).
    NotQualified,
    /// The week's paid hours.
    WeekHours,
    /// Rest between shifts.
    Rest,
    /// Working days in a row.
    ConsecutiveDays,
}

/// A feasible roster and its score.
pub(crate) struct State<'m> {
    /// The model.
    pub model: &'m Model<'m>,
    work: Vec<Option<Work>>,
    week_minutes: Vec<u32>,
    evening: Vec<i64>,
    weekend: Vec<i64>,
    sums: [i64; 4],
    covered: Vec<i32>,
    uncovered: i64,
    over: i64,
    preferences: i64,
    contract: i64,
    gaps: SlotSet,
    surplus: SlotSet,
}

impl<'m> State<'m> {
    /// The empty roster.
    pub(crate) fn new(model: &'m Model<'m>) -> State<'m> {
        let mut gaps = SlotSet::new(model.required.len());
        let mut uncovered = 0;
        for (i, &r) in model.required.iter().enumerate() {
            if r > 0 {
                gaps.insert(i);
                uncovered += i64::from(r) * model.posts[i / model.slot_count].priority;
            }
        }
        State {
            model,
            work: vec![None; model.agents * model.days],
            week_minutes: vec![0; model.agents * model.weeks],
            evening: vec![0; model.agents],
            weekend: vec![0; model.agents],
            sums: [0; 4],
            covered: vec![0; model.required.len()],
            uncovered,
            over: 0,
            preferences: 0,
            contract: model.contract.iter().map(|c| c.abs()).sum(),
            gaps,
            surplus: SlotSet::new(model.required.len()),
        }
    }

    /// The roster `work` (by agent and day), assumed feasible.
    pub(crate) fn with_work(model: &'m Model<'m>, work: &[Option<Work>]) -> State<'m> {
        let mut state = State::new(model);
        for (i, w) in work.iter().enumerate() {
            if w.is_some() {
                state.set(i / model.days, i % model.days, *w);
            }
        }
        state
    }

    /// The score.
    pub(crate) fn score(&self) -> Score {
        let n = self.model.agents as i64;
        Score {
            uncovered: self.uncovered,
            over: self.over,
            fairness: spread(n, self.sums[0], self.sums[1]) + spread(n, self.sums[2], self.sums[3]),
            preferences: self.preferences,
            contract: self.contract,
        }
    }

    /// The whole roster by agent and day.
    pub(crate) fn roster(&self) -> &[Option<Work>] {
        &self.work
    }

    /// An agent's shift of a day.
    pub(crate) fn work(&self, agent: usize, day: usize) -> Option<Work> {
        self.work[agent * self.model.days + day]
    }

    /// Slots (post × slot_count + slot) left short.
    pub(crate) fn gap_slots(&self) -> &[usize] {
        &self.gaps.members
    }

    /// Slots (post × slot_count + slot) with more agents than required.
    pub(crate) fn surplus_slots(&self) -> &[usize] {
        &self.surplus.members
    }

    /// Agents missing at a slot.
    pub(crate) fn gap_at(&self, slot: usize) -> i32 {
        (self.model.required[slot] - self.covered[slot]).max(0)
    }

    /// Whether `agent` may work `work` on `day`, the rest of its roster as
    /// it is (its shift of `day`, if any, replaced).
    pub(crate) fn fits(&self, agent: usize, day: usize, work: Work) -> Result<(), Block> {
        let m = self.model;
        if m.leave[agent * m.days + day] {
            return Err(Block::Leave);
        }
        if !m.may_work[agent * m.posts.len() + work.post] {
            return Err(Block::NotQualified);
        }
        let t = &m.templates[work.shift];
        let replaced = self
            .work(agent, day)
            .map_or(0, |w| m.templates[w.shift].paid);
        let week = self.week_minutes[agent * m.weeks + day / 7];
        if week - replaced + t.paid > m.max_week_minutes {
            return Err(Block::WeekHours);
        }
        let day_minutes = i64::from(crate::roster::calendar::MINUTES_PER_DAY);
        let (start, end) = (
            day as i64 * day_minutes + t.start,
            day as i64 * day_minutes + t.end,
        );
        // Shifts last at most a day: days further than this cannot clash.
        let window = ((m.min_rest_minutes + 2 * day_minutes) / day_minutes + 1) as usize;
        for other in day.saturating_sub(window)..(day + window + 1).min(m.days) {
            if other == day {
                continue;
            }
            if let Some(w) = self.work(agent, other) {
                let o = &m.templates[w.shift];
                let base = other as i64 * day_minutes;
                let clash = if other < day {
                    start - (base + o.end) < m.min_rest_minutes
                } else {
                    base + o.start - end < m.min_rest_minutes
                };
                if clash {
                    return Err(Block::Rest);
                }
            }
        }
        let limit = m.max_consecutive_days;
        let mut run = 1;
        let mut d = day;
        while run <= limit && d > 0 && self.work(agent, d - 1).is_some() {
            run += 1;
            d -= 1;
        }
        let mut d = day + 1;
        while run <= limit && d < m.days && self.work(agent, d).is_some() {
            run += 1;
            d += 1;
        }
        if run > limit {
            return Err(Block::ConsecutiveDays);
        }
        Ok(())
    }

    /// Makes the move if every placement fits and `accept` takes the new
    /// score; otherwise leaves the roster as it was. Returns whether made.
    pub(crate) fn try_move(&mut self, mv: &Move, accept: impl FnOnce(Score) -> bool) -> bool {
        let mut undo = [Change::default(); 2];
        let changes = mv.changes();
        for (i, c) in changes.iter().enumerate() {
            if let Some(w) = c.work
                && self.fits(c.agent, c.day, w).is_err()
            {
                self.undo(&undo[..i]);
                return false;
            }
            undo[i] = Change {
                work: self.work(c.agent, c.day),
                ..*c
            };
            self.set(c.agent, c.day, c.work);
        }
        if accept(self.score()) {
            true
        } else {
            self.undo(&undo[..changes.len()]);
            false
        }
    }

    fn undo(&mut self, undo: &[Change]) {
        for c in undo.iter().rev() {
            self.set(c.agent, c.day, c.work);
        }
    }

    /// An agent's shifts by day.
    pub(crate) fn plan_of(&self, agent: usize) -> Vec<Option<Work>> {
        let days = self.model.days;
        self.work[agent * days..(agent + 1) * days].to_vec()
    }

    /// Replaces an agent's shifts by day, unchecked, updating the score.
    pub(crate) fn set_plan(&mut self, agent: usize, plan: &[Option<Work>]) {
        for (day, &work) in plan.iter().enumerate().take(self.model.days) {
            self.set(agent, day, work);
        }
    }

    /// Whether every shift of an agent keeps the hard rules.
    pub(crate) fn plan_fits(&self, agent: usize) -> bool {
        (0..self.model.days).all(|day| {
            self.work(agent, day)
                .is_none_or(|w| self.fits(agent, day, w).is_ok())
        })
    }

    /// Sets an agent's day, unchecked, updating the score.
    fn set(&mut self, agent: usize, day: usize, work: Option<Work>) {
        let i = agent * self.model.days + day;
        let old = self.work[i];
        if old == work {
            return;
        }
        if let Some(w) = old {
            self.account(agent, day, w, -1);
        }
        self.work[i] = work;
        if let Some(w) = work {
            self.account(agent, day, w, 1);
        }
    }

    /// Adds (`sign` 1) or removes (−1) the effects of a shift.
    fn account(&mut self, agent: usize, day: usize, work: Work, sign: i32) {
        let m = self.model;
        let t = &m.templates[work.shift];
        let base = work.post * m.slot_count + day * m.slots_per_day;
        let priority = m.posts[work.post].priority;
        for &offset in &t.duty {
            self.bump(base + offset, sign, priority);
        }
        let s = i64::from(sign);
        let wi = agent * m.weeks + day / 7;
        let target = m.contract[wi];
        let before = (i64::from(self.week_minutes[wi]) - target).abs();
        self.week_minutes[wi] = self.week_minutes[wi].wrapping_add_signed(sign * t.paid as i32);
        self.contract += (i64::from(self.week_minutes[wi]) - target).abs() - before;
        if t.evening {
            let c = self.evening[agent];
            self.sums[0] += s;
            self.sums[1] += (c + s) * (c + s) - c * c;
            self.evening[agent] = c + s;
        }
        if m.weekend[day] {
            let c = self.weekend[agent];
            self.sums[2] += s;
            self.sums[3] += (c + s) * (c + s) - c * c;
            self.weekend[agent] = c + s;
        }
        if m.prefer_off[agent * m.days + day] {
            self.preferences += s;
        }
    }

    fn bump(&mut self, slot: usize, sign: i32, priority: i64) {
        let required = self.model.required[slot];
        let before = self.covered[slot];
        let after = before + sign;
        self.covered[slot] = after;
        let (gap_before, gap_after) = ((required - before).max(0), (required - after).max(0));
        let (over_before, over_after) = ((before - required).max(0), (after - required).max(0));
        self.uncovered += priority * i64::from(gap_after - gap_before);
        self.over += i64::from(over_after - over_before);
        if over_before == 0 && over_after > 0 {
            self.surplus.insert(slot);
        } else if over_before > 0 && over_after == 0 {
            self.surplus.remove(slot);
        }
        if gap_before == 0 && gap_after > 0 {
            self.gaps.insert(slot);
        } else if gap_before > 0 && gap_after == 0 {
            self.gaps.remove(slot);
        }
    }
}
