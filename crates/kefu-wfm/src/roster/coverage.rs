//! Coverage of a roster (spec `wfm.md` §5): agents on duty per store,
//! skill, date and interval against the agents required, and each agent's
//! paid hours per week. Computed from the assignments alone, like the
//! validator, so that it checks the solver as much as it reports.

use crate::forecast::Day;
use crate::roster::Assignment;
use crate::roster::calendar::{MINUTES_PER_DAY, serialize_date, serialize_time};
use crate::roster::instance::Instance;
use serde::Serialize;
use std::collections::BTreeMap;

/// A slot: store, skill, date and interval start (minutes of the day).
pub(crate) type SlotKey = (String, String, Day, u32);

/// One row of coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageRow {
    /// The store's code.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// The interval's date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Day,
    /// The interval's start, minutes of the day (`HH:MM` in JSON).
    #[serde(serialize_with = "serialize_time")]
    pub interval: u32,
    /// The forecast volume, when the requirements gave it (`null`
    /// otherwise: wfm.md §4's coverage rows always hold `forecast`).
    pub forecast: Option<f64>,
    /// Agents on duty required (0 for a slot not listed).
    pub required: u32,
    /// Agents of this store and skill on duty, breaks excluded.
    pub scheduled: u32,
    /// max(0, required − scheduled).
    pub gap: u32,
}

/// An agent's paid hours in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekHours {
    /// The agent's name.
    pub agent: String,
    /// The week's first day.
    #[serde(serialize_with = "serialize_date")]
    pub week: Day,
    /// Paid hours of the shifts starting in the week.
    pub hours: f64,
}

/// Agents on duty per slot: each assignment with a known shift counts in
/// every interval of its shift outside breaks, an interval past midnight
/// on the next day.
pub(crate) fn on_duty(instance: &Instance, assignments: &[Assignment]) -> BTreeMap<SlotKey, u32> {
    let mut out = BTreeMap::new();
    let step = instance.interval_minutes.max(1) as usize;
    for a in assignments {
        let Some(shift) = instance.shift(&a.shift) else {
            continue;
        };
        for minute in (shift.start..shift.end_minute()).step_by(step) {
            if shift.on_duty(minute) {
                let date = a.date.saturating_add((minute / MINUTES_PER_DAY) as Day);
                let key = (
                    a.store.clone(),
                    a.skill.clone(),
                    date,
                    minute % MINUTES_PER_DAY,
                );
                *out.entry(key).or_insert(0) += 1;
            }
        }
    }
    out
}

/// Coverage rows of every slot required or scheduled, ordered by store,
/// skill, date and interval.
pub fn coverage(instance: &Instance, assignments: &[Assignment]) -> Vec<CoverageRow> {
    let mut rows: BTreeMap<SlotKey, (u32, Option<f64>, u32)> = BTreeMap::new();
    for r in &instance.requirements {
        let key = (r.store.clone(), r.skill.clone(), r.date, r.interval);
        let row = rows.entry(key).or_default();
        row.0 += r.agents;
        row.1 = r.forecast.or(row.1);
    }
    for (key, count) in on_duty(instance, assignments) {
        rows.entry(key).or_default().2 += count;
    }
    rows.into_iter()
        .map(
            |((store, skill, date, interval), (required, forecast, scheduled))| CoverageRow {
                store,
                skill,
                date,
                interval,
                forecast,
                required,
                scheduled,
                gap: required.saturating_sub(scheduled),
            },
        )
        .collect()
}

/// Every agent's paid hours in every week of the plan (0 for a week off),
/// agents as the instance lists them; assignments of an unknown agent or
/// shift, or outside the plan, are left out.
pub fn hours(instance: &Instance, assignments: &[Assignment]) -> Vec<WeekHours> {
    let weeks = instance.weeks() as usize;
    let mut minutes = vec![0u64; instance.agents.len() * weeks];
    for a in assignments {
        if let (Some((agent, _)), Some(shift), true) = (
            instance.agent(&a.agent),
            instance.shift(&a.shift),
            instance.in_plan(a.date),
        ) {
            let week = (a.date - instance.start) as usize / 7;
            minutes[agent * weeks + week] += u64::from(shift.paid_minutes());
        }
    }
    let mut out = Vec::with_capacity(minutes.len());
    for (agent_index, agent) in instance.agents.iter().enumerate() {
        for week in 0..weeks {
            out.push(WeekHours {
                agent: agent.name.clone(),
                week: instance.start.saturating_add(7 * week as Day),
                hours: minutes[agent_index * weeks + week] as f64 / 60.0,
            });
        }
    }
    out
}
