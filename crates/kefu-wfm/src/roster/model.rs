//! The instance as the solver sees it: everything numbered (agents, days,
//! shift templates, posts = store and skill pairs that are required
//! somewhere, slots = intervals from the plan's first midnight), with the
//! tables a move needs looked up in constant time.
//!
//! Slots run over the plan's days and the day after it, which shifts of
//! the last day reach past midnight: slot `g` of post `p` is at index
//! `p × slot_count + g`.

use crate::roster::calendar::MINUTES_PER_DAY;
use crate::roster::error::InstanceError;
use crate::roster::instance::Instance;
use std::collections::BTreeMap;

/// A shift template in numbers.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// Start, minutes from the midnight before its day.
    pub start: i64,
    /// End, minutes from the same midnight.
    pub end: i64,
    /// Paid minutes.
    pub paid: u32,
    /// Slots on duty, counted from the same midnight (below 2 days).
    pub duty: Vec<usize>,
    /// An evening shift (fairness).
    pub evening: bool,
}

/// A store and skill that is required somewhere.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    /// The store's code.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// The store's priority.
    pub priority: i64,
}

/// The numbered instance.
pub(crate) struct Model<'i> {
    /// The instance.
    pub instance: &'i Instance,
    /// Days planned.
    pub days: usize,
    /// Slots in a day.
    pub slots_per_day: usize,
    /// Slots of a post: the plan's days and the day after.
    pub slot_count: usize,
    /// Weeks of the plan.
    pub weeks: usize,
    /// Shift templates, in the instance's order.
    pub templates: Vec<Template>,
    /// Posts.
    pub posts: Vec<Post>,
    /// Agents on duty required, by post and slot.
    pub required: Vec<i32>,
    /// Agents.
    pub agents: usize,
    /// Whether an agent may work a post, by agent and post.
    pub may_work: Vec<bool>,
    /// The posts of each agent.
    pub posts_of: Vec<Vec<usize>>,
    /// The agents of each post.
    pub agents_for: Vec<Vec<usize>>,
    /// Leave, by agent and day.
    pub leave: Vec<bool>,
    /// Days agents would rather have off, by agent and day.
    pub prefer_off: Vec<bool>,
    /// Contract minutes by agent and week.
    pub contract: Vec<i64>,
    /// Whether a day is a Saturday or Sunday.
    pub weekend: Vec<bool>,
    /// The week's paid minutes allowed.
    pub max_week_minutes: u32,
    /// The rest between shifts, in minutes.
    pub min_rest_minutes: i64,
    /// The most working days in a row.
    pub max_consecutive_days: usize,
    /// The templates on duty at each slot of two days from a midnight.
    pub covering: Vec<Vec<usize>>,
}

impl<'i> Model<'i> {
    /// Checks `instance` and numbers it.
    pub(crate) fn new(instance: &'i Instance) -> Result<Model<'i>, InstanceError> {
        instance.check()?;
        let days = instance.days as usize;
        let step = instance.interval_minutes;
        let slots_per_day = (MINUTES_PER_DAY / step) as usize;
        let slot_count = (days + 1) * slots_per_day;
        let templates: Vec<Template> = instance
            .shifts
            .iter()
            .map(|s| Template {
                start: i64::from(s.start),
                end: i64::from(s.end_minute()),
                paid: s.paid_minutes(),
                duty: (s.start..s.end_minute())
                    .step_by(step as usize)
                    .filter(|&m| s.on_duty(m))
                    .map(|m| (m / step) as usize)
                    .collect(),
                evening: s.is_evening(),
            })
            .collect();
        let mut covering = vec![Vec::new(); 2 * slots_per_day];
        for (k, t) in templates.iter().enumerate() {
            for &slot in &t.duty {
                if let Some(list) = covering.get_mut(slot) {
                    list.push(k);
                }
            }
        }
        let mut post_index: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for r in instance.requirements.iter().filter(|r| r.agents > 0) {
            let next = post_index.len();
            post_index
                .entry((r.store.as_str(), r.skill.as_str()))
                .or_insert(next);
        }
        let mut posts = vec![None; post_index.len()];
        for (&(store, skill), &p) in &post_index {
            posts[p] = Some(Post {
                store: store.to_string(),
                skill: skill.to_string(),
                priority: i64::from(instance.priority(store)),
            });
        }
        let posts: Vec<Post> = posts.into_iter().flatten().collect();
        let mut required = vec![0i32; posts.len() * slot_count];
        for r in &instance.requirements {
            let Some(&p) = post_index.get(&(r.store.as_str(), r.skill.as_str())) else {
                continue;
            };
            let day = (r.date - instance.start) as usize;
            let slot = day * slots_per_day + (r.interval / step) as usize;
            if let Some(cell) = required.get_mut(p * slot_count + slot) {
                *cell = cell.saturating_add(i32::try_from(r.agents).unwrap_or(i32::MAX));
            }
        }
        let agents = instance.agents.len();
        let mut may_work = vec![false; agents * posts.len()];
        let mut posts_of = vec![Vec::new(); agents];
        let mut agents_for = vec![Vec::new(); posts.len()];
        let mut leave = vec![false; agents * days];
        let mut prefer_off = vec![false; agents * days];
        let weeks = instance.weeks() as usize;
        let mut contract = vec![0i64; agents * weeks];
        for (a, agent) in instance.agents.iter().enumerate() {
            for (p, post) in posts.iter().enumerate() {
                if agent.may_work(&post.store, &post.skill) {
                    may_work[a * posts.len() + p] = true;
                    posts_of[a].push(p);
                    agents_for[p].push(a);
                }
            }
            for (marks, dates) in [
                (&mut leave, &agent.leave),
                (&mut prefer_off, &agent.prefer_off),
            ] {
                for &date in dates.iter().filter(|&&d| instance.in_plan(d)) {
                    marks[a * days + (date - instance.start) as usize] = true;
                }
            }
            for w in 0..weeks {
                contract[a * weeks + w] = instance.contract_minutes(agent, w as u32);
            }
        }
        let weekend = (0..days)
            .map(|d| crate::roster::calendar::is_weekend(instance.start + d as i32))
            .collect();
        Ok(Model {
            instance,
            days,
            slots_per_day,
            slot_count,
            weeks,
            templates,
            posts,
            required,
            agents,
            may_work,
            posts_of,
            agents_for,
            leave,
            prefer_off,
            contract,
            weekend,
            max_week_minutes: instance.rules.max_week_minutes(),
            min_rest_minutes: i64::from(instance.rules.min_rest_minutes()),
            max_consecutive_days: instance.rules.max_consecutive_days as usize,
            covering,
        })
    }

    /// The shifts `(template, day)` on duty at slot `slot` of a post, their
    /// day within the plan.
    pub(crate) fn coverers(&self, slot: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let day = slot / self.slots_per_day;
        let offset = slot % self.slots_per_day;
        let same_day = (day < self.days)
            .then(|| self.covering[offset].iter().map(move |&k| (k, day)))
            .into_iter()
            .flatten();
        let day_before = (day >= 1 && day - 1 < self.days)
            .then(|| {
                self.covering[offset + self.slots_per_day]
                    .iter()
                    .map(move |&k| (k, day - 1))
            })
            .into_iter()
            .flatten();
        same_day.chain(day_before)
    }

    /// The number of shifts [`Model::coverers`] gives.
    pub(crate) fn coverer_count(&self, slot: usize) -> usize {
        let day = slot / self.slots_per_day;
        let offset = slot % self.slots_per_day;
        let mut n = 0;
        if day < self.days {
            n += self.covering[offset].len();
        }
        if day >= 1 && day - 1 < self.days {
            n += self.covering[offset + self.slots_per_day].len();
        }
        n
    }
}
