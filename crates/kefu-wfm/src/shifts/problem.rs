//! The aggregate shift-scheduling problem as planners (and `pyworkforce`)
//! state it, and its JSON form:
//!
//! ```json
//! {
//!   "days": 7,
//!   "periods": 48,
//!   "required": [[0, 0, 3, 5, …], …],
//!   "shifts": { "early": [0, 0, 1, 1, …], "late": [ … ] },
//!   "max_period_concurrency": 60,
//!   "max_shift_concurrency": 25,
//!   "objective": "min_abs_difference",
//!   "costs": { "early": 1, "late": 2 }
//! }
//! ```
//!
//! - `required[d][p]`: agents required on day `d` (from 0) in period `p`,
//!   integers ≥ 0, `days` rows of `periods` each;
//! - `shifts`: each template's name and its coverage, `periods` zeros and
//!   ones (1: the template covers the period), in the order given; a
//!   template covers periods of its own day only;
//! - `max_period_concurrency` (> 0): the most agents on duty in any period;
//! - `max_shift_concurrency` (> 0): the most agents starting one template on
//!   one day;
//! - `objective`: `min_abs_difference` (default) or
//!   `min_required_resources`, see [`ShiftObjective`];
//! - `costs` (`min_required_resources` only, optional): an integer cost of
//!   each template, every template named (default 1 each).

use crate::shifts::error::ShiftError;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What the problem minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShiftObjective {
    /// Σ over days and periods of |agents on duty − agents required|; a
    /// period's difference may be at most `max_period_concurrency` (the
    /// bound `pyworkforce`'s model puts on it).
    #[default]
    MinAbsDifference,
    /// Σ over days and templates of cost × agents starting it, with at least
    /// the agents required on duty in every period.
    MinRequiredResources,
}

/// A shift template: its name and the periods it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftTemplate {
    /// Its name, unique in the problem.
    pub name: String,
    /// One entry a period: 1 when on duty, else 0.
    pub coverage: Vec<i64>,
}

impl ShiftTemplate {
    /// The periods covered, as one run `start..end` when they are
    /// consecutive (`Some(0..0)` when none), `None` otherwise.
    pub fn run(&self) -> Option<std::ops::Range<usize>> {
        let on: Vec<usize> = (0..self.coverage.len())
            .filter(|&p| self.coverage[p] == 1)
            .collect();
        match (on.first(), on.last()) {
            (Some(&a), Some(&b)) if b - a + 1 == on.len() => Some(a..b + 1),
            (Some(_), Some(_)) => None,
            _ => Some(0..0),
        }
    }
}

/// The problem; read from JSON with serde, checked by [`ShiftProblem::check`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftProblem {
    /// Days planned; they do not interact.
    pub days: usize,
    /// Periods in a day.
    pub periods: usize,
    /// Agents required, by day and period.
    pub required: Vec<Vec<i64>>,
    /// The templates, in the order given.
    #[serde(deserialize_with = "ordered_templates")]
    pub shifts: Vec<ShiftTemplate>,
    /// The most agents on duty in a period.
    pub max_period_concurrency: i64,
    /// The most agents starting one template on one day.
    pub max_shift_concurrency: i64,
    /// What is minimised.
    #[serde(default)]
    pub objective: ShiftObjective,
    /// Each template's cost (`min_required_resources`), by name.
    #[serde(default)]
    pub costs: Option<BTreeMap<String, i64>>,
}

/// The most of each dimension a problem may have, so that no sum
/// overflows.
const MOST: i64 = 1_000_000;

impl ShiftProblem {
    /// Refuses a problem whose sizes do not agree or whose numbers are out
    /// of range, naming the field.
    pub fn check(&self) -> Result<(), ShiftError> {
        let positive = |field: &str, v: i64| {
            if v <= 0 || v > MOST {
                Err(ShiftError::new(
                    field,
                    format!("应为 1 到 {MOST} 的整数，而不是 {v}"),
                    format!("must be an integer from 1 to {MOST}, not {v}"),
                ))
            } else {
                Ok(())
            }
        };
        positive("days", self.days as i64)?;
        positive("periods", self.periods as i64)?;
        positive("max_period_concurrency", self.max_period_concurrency)?;
        positive("max_shift_concurrency", self.max_shift_concurrency)?;
        if self.days.saturating_mul(self.periods) > 10_000_000 {
            return Err(ShiftError::new(
                "days",
                "天数 × 时段数超过 10,000,000",
                "days × periods is over 10,000,000",
            ));
        }
        if self.required.len() != self.days {
            return Err(ShiftError::new(
                "required",
                format!(
                    "有 {} 行，应为 days = {} 行",
                    self.required.len(),
                    self.days
                ),
                format!("has {} rows, days is {}", self.required.len(), self.days),
            ));
        }
        for (d, row) in self.required.iter().enumerate() {
            if row.len() != self.periods {
                return Err(ShiftError::new(
                    format!("required[{d}]"),
                    format!("有 {} 个时段，应为 periods = {}", row.len(), self.periods),
                    format!("has {} periods, periods is {}", row.len(), self.periods),
                ));
            }
            if let Some((p, v)) = row
                .iter()
                .enumerate()
                .find(|(_, v)| !(0..=MOST).contains(*v))
            {
                return Err(ShiftError::new(
                    format!("required[{d}][{p}]"),
                    format!("应为 0 到 {MOST} 的整数，而不是 {v}"),
                    format!("must be an integer from 0 to {MOST}, not {v}"),
                ));
            }
        }
        if self.shifts.is_empty() {
            return Err(ShiftError::new(
                "shifts",
                "至少需要一个班次模板",
                "needs at least one template",
            ));
        }
        for (i, s) in self.shifts.iter().enumerate() {
            if self.shifts[..i].iter().any(|o| o.name == s.name) {
                return Err(ShiftError::new(
                    format!("shifts.{}", s.name),
                    "班次名重复",
                    "is named twice",
                ));
            }
            if s.coverage.len() != self.periods {
                return Err(ShiftError::new(
                    format!("shifts.{}", s.name),
                    format!(
                        "有 {} 个时段，应为 periods = {}",
                        s.coverage.len(),
                        self.periods
                    ),
                    format!(
                        "has {} periods, periods is {}",
                        s.coverage.len(),
                        self.periods
                    ),
                ));
            }
            if let Some((p, v)) = s
                .coverage
                .iter()
                .enumerate()
                .find(|(_, v)| !matches!(v, 0 | 1))
            {
                return Err(ShiftError::new(
                    format!("shifts.{}[{p}]", s.name),
                    format!("应为 0 或 1，而不是 {v}"),
                    format!("must be 0 or 1, not {v}"),
                ));
            }
        }
        if let Some(costs) = &self.costs {
            if self.objective == ShiftObjective::MinAbsDifference {
                return Err(ShiftError::new(
                    "costs",
                    "只用于 objective = \"min_required_resources\"",
                    "applies only to objective = \"min_required_resources\"",
                ));
            }
            for s in &self.shifts {
                match costs.get(&s.name) {
                    None => {
                        return Err(ShiftError::new(
                            format!("costs.{}", s.name),
                            "缺少（每个班次都要有成本）",
                            "is missing (every template needs a cost)",
                        ));
                    }
                    Some(c) if c.abs() > MOST => {
                        return Err(ShiftError::new(
                            format!("costs.{}", s.name),
                            format!("应在 −{MOST} 到 {MOST} 之间"),
                            format!("must be from −{MOST} to {MOST}"),
                        ));
                    }
                    Some(_) => {}
                }
            }
            if let Some(name) = costs
                .keys()
                .find(|n| !self.shifts.iter().any(|s| &s.name == *n))
            {
                return Err(ShiftError::new(
                    format!("costs.{name}"),
                    "没有这个班次模板",
                    "is not a template",
                ));
            }
        }
        Ok(())
    }

    /// The cost of template `s` (1 without `costs`; 0 under
    /// `min_abs_difference`).
    pub fn cost(&self, s: usize) -> i64 {
        match self.objective {
            ShiftObjective::MinAbsDifference => 0,
            ShiftObjective::MinRequiredResources => self
                .costs
                .as_ref()
                .and_then(|c| c.get(&self.shifts[s].name).copied())
                .unwrap_or(1),
        }
    }
}

/// The templates of a JSON object, in the order written.
fn ordered_templates<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ShiftTemplate>, D::Error> {
    struct Templates;
    impl<'de> Visitor<'de> for Templates {
        type Value = Vec<ShiftTemplate>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of template names and lists of 0 and 1")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((name, coverage)) = map.next_entry::<String, Vec<i64>>()? {
                out.push(ShiftTemplate { name, coverage });
            }
            Ok(out)
        }
    }
    d.deserialize_map(Templates)
}
