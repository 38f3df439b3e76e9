//! The checks of an instance beyond its syntax, shared by the file reader
//! and [`Instance::check`]: every error names its field.

use crate::forecast::Day;
use crate::roster::calendar::MINUTES_PER_DAY;
use crate::roster::error::{InstanceError, Place, Problem};
use crate::roster::instance::{Instance, MAX_DAYS, Requirement, Rules, Shift};
use std::collections::BTreeSet;

/// The plan, rules, shifts, agents and stores (all but the requirements).
pub(crate) fn check_plan(instance: &Instance) -> Result<(), InstanceError> {
    if !(1..=MAX_DAYS).contains(&instance.days) {
        return Err(InstanceError::at_field(
            "days",
            Problem::OutOfRange { range: "[1, 366]" },
        ));
    }
    if instance.start.checked_add(MAX_DAYS as Day + 1).is_none() {
        return Err(InstanceError::at_field(
            "start",
            Problem::OutOfRange {
                range: "0001-01-01 ..= 9999-12-31",
            },
        ));
    }
    let minutes = instance.interval_minutes;
    if minutes == 0 || !MINUTES_PER_DAY.is_multiple_of(minutes) {
        return Err(InstanceError::at_field(
            "interval_minutes",
            Problem::NotDivisorOfDay,
        ));
    }
    check_rules(&instance.rules)?;
    let mut codes = BTreeSet::new();
    for (i, shift) in instance.shifts.iter().enumerate() {
        let at = |field: &str| format!("shift[{}].{field}", i + 1);
        if shift.code.trim().is_empty() {
            return Err(InstanceError::at_field(at("code"), Problem::Empty));
        }
        if !codes.insert(shift.code.as_str()) {
            return Err(InstanceError::at_field(
                at("code"),
                Problem::Duplicate {
                    value: shift.code.clone(),
                },
            ));
        }
        check_shift(shift, minutes, &at)?;
    }
    let mut names = BTreeSet::new();
    for (i, agent) in instance.agents.iter().enumerate() {
        let at = |field: &str| format!("agent[{}].{field}", i + 1);
        if agent.name.trim().is_empty() {
            return Err(InstanceError::at_field(at("name"), Problem::Empty));
        }
        if !names.insert(agent.name.as_str()) {
            return Err(InstanceError::at_field(
                at("name"),
                Problem::Duplicate {
                    value: agent.name.clone(),
                },
            ));
        }
        for (field, list) in [("skills", &agent.skills), ("stores", &agent.stores)] {
            if let Some(k) = list.iter().position(|s| s.trim().is_empty()) {
                return Err(InstanceError::at_field(
                    format!("{}[{}]", at(field), k + 1),
                    Problem::Empty,
                ));
            }
        }
        if !(agent.contract_hours.is_finite() && (0.0..=168.0).contains(&agent.contract_hours)) {
            return Err(InstanceError::at_field(
                at("contract_hours"),
                Problem::OutOfRange { range: "[0, 168]" },
            ));
        }
        if let Some(store) = &agent.dedicated
            && !agent.stores.contains(store)
        {
            return Err(InstanceError::at_field(
                at("dedicated"),
                Problem::DedicatedNotQualified {
                    store: store.clone(),
                },
            ));
        }
    }
    let mut stores = BTreeSet::new();
    for (i, store) in instance.stores.iter().enumerate() {
        let at = |field: &str| format!("store[{}].{field}", i + 1);
        if store.code.trim().is_empty() {
            return Err(InstanceError::at_field(at("code"), Problem::Empty));
        }
        if !stores.insert(store.code.as_str()) {
            return Err(InstanceError::at_field(
                at("code"),
                Problem::Duplicate {
                    value: store.code.clone(),
                },
            ));
        }
        if !(1..=MAX_PRIORITY).contains(&store.priority) {
            return Err(InstanceError::at_field(
                at("priority"),
                Problem::OutOfRange { range: "[1, 1000]" },
            ));
        }
    }
    Ok(())
}

/// The highest store priority.
pub(crate) const MAX_PRIORITY: u32 = 1000;

fn check_rules(rules: &Rules) -> Result<(), InstanceError> {
    let hours = rules.max_week_hours;
    if !(hours.is_finite() && hours > 0.0 && hours <= 168.0) {
        return Err(InstanceError::at_field(
            "rules.max_week_hours",
            Problem::OutOfRange { range: "(0, 168]" },
        ));
    }
    let rest = rules.min_rest_hours;
    if !(rest.is_finite() && (0.0..=168.0).contains(&rest)) {
        return Err(InstanceError::at_field(
            "rules.min_rest_hours",
            Problem::OutOfRange { range: "[0, 168]" },
        ));
    }
    if !(1..=MAX_DAYS).contains(&rules.max_consecutive_days) {
        return Err(InstanceError::at_field(
            "rules.max_consecutive_days",
            Problem::OutOfRange { range: "[1, 366]" },
        ));
    }
    Ok(())
}

fn check_shift(
    shift: &Shift,
    interval_minutes: u32,
    at: &dyn Fn(&str) -> String,
) -> Result<(), InstanceError> {
    let aligned = |field: String, minute: u32| {
        if minute.is_multiple_of(interval_minutes) {
            Ok(())
        } else {
            Err(InstanceError::at_field(
                field,
                Problem::OffInterval { interval_minutes },
            ))
        }
    };
    if shift.start >= MINUTES_PER_DAY {
        return Err(InstanceError::at_field(at("start"), Problem::MidnightStart));
    }
    if shift.end > MINUTES_PER_DAY {
        return Err(InstanceError::at_field(
            at("end"),
            Problem::OutOfRange {
                range: "[00:00, 24:00]",
            },
        ));
    }
    aligned(at("start"), shift.start)?;
    aligned(at("end"), shift.end)?;
    let mut previous_end = shift.start;
    let mut spans: Vec<(usize, (u32, u32))> = shift.break_minutes().enumerate().collect();
    spans.sort_by_key(|&(_, span)| span);
    for (k, (start, end)) in spans {
        let written = &shift.breaks[k];
        let field = |name: &str| format!("{}[{}].{name}", at("breaks"), k + 1);
        if written.start > MINUTES_PER_DAY || written.end > MINUTES_PER_DAY {
            return Err(InstanceError::at_field(
                field("end"),
                Problem::OutOfRange {
                    range: "[00:00, 24:00]",
                },
            ));
        }
        aligned(field("start"), written.start)?;
        aligned(field("end"), written.end)?;
        if start < previous_end || end <= start || end > shift.end_minute() {
            return Err(InstanceError::at_field(
                field("start"),
                Problem::BreakOutsideShift,
            ));
        }
        previous_end = end;
    }
    if shift.paid_minutes() == 0 {
        return Err(InstanceError::at_field(at("breaks"), Problem::NoPaidTime));
    }
    Ok(())
}

/// Checks requirement rows one by one: store and skill not empty, the
/// interval on a boundary, the date within the plan (or, on the day after
/// it, before the latest end past midnight of any shift), no slot twice.
pub(crate) struct RequirementCheck {
    first: Day,
    last: Day,
    interval_minutes: u32,
    /// Minutes after the midnight ending the plan that a shift of the last
    /// day reaches.
    spill_minutes: u32,
    seen: BTreeSet<(String, String, Day, u32)>,
}

impl RequirementCheck {
    /// A check of `instance`'s requirements (its plan already checked).
    pub(crate) fn new(instance: &Instance) -> RequirementCheck {
        let spill_minutes = instance
            .shifts
            .iter()
            .map(|s| s.end_minute().saturating_sub(MINUTES_PER_DAY))
            .max()
            .unwrap_or(0);
        RequirementCheck {
            first: instance.start,
            last: instance.last_day(),
            interval_minutes: instance.interval_minutes,
            spill_minutes,
            seen: BTreeSet::new(),
        }
    }

    /// Checks one row; `place` names a column of it.
    pub(crate) fn check(
        &mut self,
        row: &Requirement,
        place: impl Fn(&str) -> Place,
    ) -> Result<(), InstanceError> {
        let error = |column: &str, problem| InstanceError {
            place: place(column),
            problem,
        };
        for (column, text) in [("store", &row.store), ("skill", &row.skill)] {
            if text.trim().is_empty() {
                return Err(error(column, Problem::Empty));
            }
        }
        if row.interval >= MINUTES_PER_DAY {
            return Err(error("interval", Problem::MidnightStart));
        }
        if !row.interval.is_multiple_of(self.interval_minutes) {
            return Err(error(
                "interval",
                Problem::OffInterval {
                    interval_minutes: self.interval_minutes,
                },
            ));
        }
        let spill = row.date == self.last + 1 && row.interval < self.spill_minutes;
        if !(self.first..=self.last).contains(&row.date) && !spill {
            return Err(error(
                "date",
                Problem::OutsidePlan {
                    date: row.date,
                    first: self.first,
                    last: self.last,
                },
            ));
        }
        if let Some(f) = row.forecast
            && !(f.is_finite() && f >= 0.0)
        {
            return Err(error("forecast", Problem::OutOfRange { range: "[0, ∞)" }));
        }
        let key = (row.store.clone(), row.skill.clone(), row.date, row.interval);
        if self.seen.contains(&key) {
            let value = format!(
                "{},{},{},{}",
                row.store,
                row.skill,
                crate::roster::calendar::format_date(row.date),
                crate::roster::calendar::format_time(row.interval)
            );
            return Err(error("interval", Problem::Duplicate { value }));
        }
        self.seen.insert(key);
        Ok(())
    }
}
