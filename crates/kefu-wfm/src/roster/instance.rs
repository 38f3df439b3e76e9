//! A roster problem (spec `wfm.md` §5): the plan's days, the hard rules,
//! the shift templates, the agents, the stores' priorities and the agents
//! on duty required per store, skill and interval.
//!
//! Times are minutes: a shift's `start` and `end` and its breaks are
//! minutes of the day as written (`24:00` is 1440; an end at or before the
//! start runs past midnight), and the methods of [`Shift`] give them
//! measured from the midnight before the shift's day, so that a shift from
//! 19:00 to 03:00 ends at minute 1620.

use crate::forecast::Day;
use crate::roster::calendar::MINUTES_PER_DAY;
use crate::roster::error::InstanceError;
use std::collections::BTreeSet;

/// The default length of an interval in minutes.
pub const DEFAULT_INTERVAL_MINUTES: u32 = 30;

/// The most days a plan may have.
pub const MAX_DAYS: u32 = 366;

/// The hard rules of §3 with their defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    /// The most paid hours in each 7-day week counted from the plan's start
    /// (default 44).
    pub max_week_hours: f64,
    /// The least hours from the end of one shift to the start of the next
    /// (default 12).
    pub min_rest_hours: f64,
    /// The most working days in a row (default 6, so at least one whole day
    /// off in every 7).
    pub max_consecutive_days: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_week_hours: 44.0,
            min_rest_hours: 12.0,
            max_consecutive_days: 6,
        }
    }
}

impl Rules {
    /// `max_week_hours` in whole minutes (rounded down).
    pub fn max_week_minutes(&self) -> u32 {
        (self.max_week_hours * 60.0 + 1e-6).floor().max(0.0) as u32
    }

    /// `min_rest_hours` in whole minutes (rounded up).
    pub fn min_rest_minutes(&self) -> u32 {
        (self.min_rest_hours * 60.0 - 1e-6).ceil().max(0.0) as u32
    }
}

/// An unpaid break, off duty, in minutes of the day as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    /// Its start.
    pub start: u32,
    /// Its end (1440 is `24:00`).
    pub end: u32,
}

/// A shift template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// Its code in the roster grid, e.g. `E`.
    pub code: String,
    /// Its start, minutes of the day (below 1440).
    pub start: u32,
    /// Its end, minutes of the day as written: at or before `start` it is
    /// on the next day; 1440 is `24:00`.
    pub end: u32,
    /// Its unpaid breaks.
    pub breaks: Vec<Break>,
}

impl Shift {
    /// The end measured from the midnight before the shift's day: after
    /// `start`, at most a day later.
    pub fn end_minute(&self) -> u32 {
        if self.end <= self.start {
            self.end + MINUTES_PER_DAY
        } else {
            self.end
        }
    }

    /// The breaks measured from the midnight before the shift's day: a
    /// break written before the shift's start is on the next day.
    pub fn break_minutes(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.breaks.iter().map(|b| {
            let start = if b.start < self.start {
                b.start + MINUTES_PER_DAY
            } else {
                b.start
            };
            let end = if b.end <= self.start {
                b.end + MINUTES_PER_DAY
            } else {
                b.end
            };
            (start, end)
        })
    }

    /// Minutes from start to end.
    pub fn length_minutes(&self) -> u32 {
        self.end_minute().saturating_sub(self.start)
    }

    /// Paid minutes: the length less the unpaid breaks.
    pub fn paid_minutes(&self) -> u32 {
        let unpaid: u32 = self.break_minutes().map(|(s, e)| e.saturating_sub(s)).sum();
        self.length_minutes().saturating_sub(unpaid)
    }

    /// Whether the agent is on duty at `minute`, measured from the midnight
    /// before the shift's day: within the shift and in no break.
    pub fn on_duty(&self, minute: u32) -> bool {
        (self.start..self.end_minute()).contains(&minute)
            && !self.break_minutes().any(|(s, e)| (s..e).contains(&minute))
    }

    /// An evening shift, for fairness: it ends after 20:00 or past midnight.
    pub fn is_evening(&self) -> bool {
        self.end_minute() > 20 * 60
    }
}

/// An agent.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Its name, unique in the instance.
    pub name: String,
    /// Its skills, e.g. `presale`.
    pub skills: Vec<String>,
    /// The stores it passed the assessment for.
    pub stores: Vec<String>,
    /// Its contract hours a week, a target of the objective.
    pub contract_hours: f64,
    /// Days it may not work.
    pub leave: BTreeSet<Day>,
    /// Days it would rather have off (objective only).
    pub prefer_off: BTreeSet<Day>,
    /// Its dedicated seat's store (专人专席): it works only for that store.
    pub dedicated: Option<String>,
}

impl Agent {
    /// Whether it may work for `store` with `skill`: qualified for both and,
    /// with a dedicated seat, only that seat's store.
    pub fn may_work(&self, store: &str, skill: &str) -> bool {
        self.stores.iter().any(|s| s == store)
            && self.skills.iter().any(|s| s == skill)
            && self.dedicated.as_deref().is_none_or(|d| d == store)
    }
}

/// A store's weight in the objective.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// The store's code.
    pub code: String,
    /// Its weight, 1 or more (default 1).
    pub priority: u32,
}

/// The agents on duty required for a store and skill in one interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The store's code.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// The interval's date (after midnight of a store served past 24:00,
    /// the next day).
    pub date: Day,
    /// The interval's start, minutes of the day.
    pub interval: u32,
    /// Agents on duty required.
    pub agents: u32,
    /// The forecast volume, when the requirements give it (optional
    /// `forecast` column).
    pub forecast: Option<f64>,
}

/// A roster problem.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The first day planned; weeks run from it.
    pub start: Day,
    /// Days planned, 1 to [`MAX_DAYS`].
    pub days: u32,
    /// The length of an interval in minutes (default 30), dividing a day.
    pub interval_minutes: u32,
    /// The requirements file's name as the instance gives it.
    pub requirements_file: String,
    /// The hard rules.
    pub rules: Rules,
    /// The shift templates.
    pub shifts: Vec<Shift>,
    /// The agents.
    pub agents: Vec<Agent>,
    /// The stores given a priority.
    pub stores: Vec<Store>,
    /// The agents on duty required; a slot not listed requires none.
    pub requirements: Vec<Requirement>,
}

impl Instance {
    /// Reads the TOML of §5 and the text of its requirements CSV
    /// (`store,skill,date,interval,agents`, a header first, optionally a
    /// `forecast` column), then checks it as [`Instance::check`] does.
    pub fn from_toml(instance: &str, requirements: &str) -> Result<Instance, InstanceError> {
        crate::roster::parse::parse_instance(instance, requirements)
    }

    /// Checks an instance built in code as a file's is checked: names and
    /// codes unique and not empty, times on interval boundaries, breaks
    /// within their shifts, numbers in range, requirements within the plan
    /// and not repeated.
    pub fn check(&self) -> Result<(), InstanceError> {
        crate::roster::check::check_plan(self)?;
        let mut rows = crate::roster::check::RequirementCheck::new(self);
        for (i, row) in self.requirements.iter().enumerate() {
            rows.check(row, |column| {
                crate::roster::error::Place::field(format!("requirements[{}].{column}", i + 1))
            })?;
        }
        Ok(())
    }

    /// The plan's last day.
    pub fn last_day(&self) -> Day {
        self.start
            .saturating_add(self.days as Day)
            .saturating_sub(1)
    }

    /// Whether `date` is planned.
    pub fn in_plan(&self, date: Day) -> bool {
        (self.start..self.start.saturating_add(self.days as Day)).contains(&date)
    }

    /// The number of weeks: 7-day blocks from `start`, the last maybe
    /// shorter.
    pub fn weeks(&self) -> u32 {
        self.days.div_ceil(7)
    }

    /// The days of week `week` (from 0) within the plan.
    pub fn week_length(&self, week: u32) -> u32 {
        self.days.saturating_sub(week * 7).min(7)
    }

    /// The shift template of `code`.
    pub fn shift(&self, code: &str) -> Option<&Shift> {
        self.shifts.iter().find(|s| s.code == code)
    }

    /// The agent named `name`, with its index.
    pub fn agent(&self, name: &str) -> Option<(usize, &Agent)> {
        self.agents.iter().enumerate().find(|(_, a)| a.name == name)
    }

    /// A store's priority (1 for a store not given one).
    pub fn priority(&self, store: &str) -> u32 {
        self.stores
            .iter()
            .find(|s| s.code == store)
            .map_or(1, |s| s.priority)
    }

    /// An agent's contract minutes for week `week`: its contract hours
    /// prorated to the week's days, rounded to a minute.
    pub fn contract_minutes(&self, agent: &Agent, week: u32) -> i64 {
        let share = f64::from(self.week_length(week)) / 7.0;
        (agent.contract_hours * 60.0 * share).round() as i64
    }
}
