//! The hard rules of §3 checked on any roster, independently of the solver:
//! a roster from elsewhere (or from the solver, in tests) is checked
//! against the instance, and every broken rule is named with its agent and
//! date.
//!
//! A shift counts, for the week and the working-day rules, on the day it
//! starts; weeks are the 7-day blocks from the plan's start, the last maybe
//! shorter; runs of working days count from the plan's first day. The
//! rules other than the date's own are checked on the assignments within
//! the plan whose agent and shift exist.

use crate::forecast::Day;
use crate::roster::Assignment;
use crate::roster::calendar::{MINUTES_PER_DAY, format_date};
use crate::roster::instance::{Instance, Shift};
use std::collections::BTreeMap;

/// A hard rule broken.
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// The agent is not in the instance.
    UnknownAgent,
    /// The shift code is not a template of the instance.
    UnknownShift {
        /// The code given.
        shift: String,
    },
    /// The date is not planned.
    OutsidePlan,
    /// A second shift on the same day.
    SecondShift,
    /// More paid hours in the week (dated by its first day) than allowed.
    WeekHours {
        /// The week's paid hours.
        hours: f64,
        /// The most allowed.
        limit: f64,
    },
    /// Too little rest before this day's shift.
    Rest {
        /// Hours from the end of the previous shift to this one's start.
        hours: f64,
        /// The least allowed.
        limit: f64,
    },
    /// This day makes a run of working days longer than allowed.
    ConsecutiveDays {
        /// Working days in a row up to this one.
        days: u32,
        /// The most allowed.
        limit: u32,
    },
    /// A shift on a leave day.
    Leave,
    /// A store the agent has not passed the assessment for.
    StoreNotQualified {
        /// The store.
        store: String,
    },
    /// A skill the agent does not have.
    SkillNotQualified {
        /// The skill.
        skill: String,
    },
    /// A dedicated agent working for another store than its seat's.
    DedicatedSeat {
        /// The store worked for.
        store: String,
        /// The seat's store.
        seat: String,
    },
}

impl Rule {
    /// A stable code, e.g. `week_hours`.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::UnknownAgent => "unknown_agent",
            Rule::UnknownShift { .. } => "unknown_shift",
            Rule::OutsidePlan => "outside_plan",
            Rule::SecondShift => "one_shift_a_day",
            Rule::WeekHours { .. } => "week_hours",
            Rule::Rest { .. } => "rest",
            Rule::ConsecutiveDays { .. } => "consecutive_days",
            Rule::Leave => "leave",
            Rule::StoreNotQualified { .. } => "store",
            Rule::SkillNotQualified { .. } => "skill",
            Rule::DedicatedSeat { .. } => "dedicated",
        }
    }

    /// The rule in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Rule::UnknownAgent => "实例中没有该客服".to_string(),
            Rule::UnknownShift { shift } => format!("没有班次“{shift}”"),
            Rule::OutsidePlan => "日期不在排班期内".to_string(),
            Rule::SecondShift => "一天只能上一个班".to_string(),
            Rule::WeekHours { hours, limit } => {
                format!("自该日起的一周计薪 {hours} 小时，超过上限 {limit} 小时")
            }
            Rule::Rest { hours, limit } => {
                format!("距上一班结束仅 {hours} 小时，少于 {limit} 小时")
            }
            Rule::ConsecutiveDays { days, limit } => {
                format!("连续上班 {days} 天，超过上限 {limit} 天")
            }
            Rule::Leave => "请假日不能排班".to_string(),
            Rule::StoreNotQualified { store } => format!("未通过店铺“{store}”的考核"),
            Rule::SkillNotQualified { skill } => format!("不具备技能“{skill}”"),
            Rule::DedicatedSeat { store, seat } => {
                format!("专人专席只能为“{seat}”工作，不能为“{store}”")
            }
        }
    }

    /// The rule in English.
    pub fn en(&self) -> String {
        match self {
            Rule::UnknownAgent => "no such agent in the instance".to_string(),
            Rule::UnknownShift { shift } => format!("no shift “{shift}”"),
            Rule::OutsidePlan => "the date is not planned".to_string(),
            Rule::SecondShift => "at most one shift a day".to_string(),
            Rule::WeekHours { hours, limit } => {
                format!("{hours} paid hours in the week from this day, more than {limit}")
            }
            Rule::Rest { hours, limit } => {
                format!("{hours} hours since the previous shift ended, less than {limit}")
            }
            Rule::ConsecutiveDays { days, limit } => {
                format!("{days} working days in a row, more than {limit}")
            }
            Rule::Leave => "no shift on leave".to_string(),
            Rule::StoreNotQualified { store } => {
                format!("has not passed the assessment for store “{store}”")
            }
            Rule::SkillNotQualified { skill } => format!("does not have the skill “{skill}”"),
            Rule::DedicatedSeat { store, seat } => {
                format!("a dedicated seat of “{seat}” may not work for “{store}”")
            }
        }
    }
}

/// A broken rule, with the agent and the date (for the week's hours, the
/// week's first day).
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The agent's name.
    pub agent: String,
    /// The date.
    pub date: Day,
    /// The rule.
    pub rule: Rule,
}

impl Violation {
    /// The message in Chinese: `小夏 2026-12-10：请假日不能排班`.
    pub fn zh(&self) -> String {
        format!(
            "{} {}：{}",
            self.agent,
            format_date(self.date),
            self.rule.zh()
        )
    }

    /// The message in English: `小夏 2026-12-10: no shift on leave`.
    pub fn en(&self) -> String {
        format!(
            "{} {}: {}",
            self.agent,
            format_date(self.date),
            self.rule.en()
        )
    }
}

/// Every hard rule `assignments` break, ordered by agent (as the instance
/// lists them, unknown agents last) and date.
pub fn validate(instance: &Instance, assignments: &[Assignment]) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut by_agent: BTreeMap<usize, Vec<(&Assignment, &Shift)>> = BTreeMap::new();
    for a in assignments {
        let violation = |rule| Violation {
            agent: a.agent.clone(),
            date: a.date,
            rule,
        };
        let Some((index, agent)) = instance.agent(&a.agent) else {
            out.push(violation(Rule::UnknownAgent));
            continue;
        };
        let shift = instance.shift(&a.shift);
        if shift.is_none() {
            out.push(violation(Rule::UnknownShift {
                shift: a.shift.clone(),
            }));
        }
        if !instance.in_plan(a.date) {
            out.push(violation(Rule::OutsidePlan));
        }
        if agent.leave.contains(&a.date) {
            out.push(violation(Rule::Leave));
        }
        if !agent.stores.contains(&a.store) {
            out.push(violation(Rule::StoreNotQualified {
                store: a.store.clone(),
            }));
        }
        if !agent.skills.contains(&a.skill) {
            out.push(violation(Rule::SkillNotQualified {
                skill: a.skill.clone(),
            }));
        }
        if let Some(seat) = &agent.dedicated
            && *seat != a.store
        {
            out.push(violation(Rule::DedicatedSeat {
                store: a.store.clone(),
                seat: seat.clone(),
            }));
        }
        if let Some(shift) = shift
            && instance.in_plan(a.date)
        {
            by_agent.entry(index).or_default().push((a, shift));
        }
    }
    for (index, mut shifts) in by_agent {
        let name = &instance.agents[index].name;
        shifts.sort_by_key(|(a, s)| (a.date, s.start));
        check_agent(instance, name, &shifts, &mut out);
    }
    let order = |name: &str| instance.agent(name).map_or(usize::MAX, |(i, _)| i);
    out.sort_by_cached_key(|x| (order(&x.agent), x.date));
    out
}

/// The rules across one agent's days: one shift a day, the week's hours,
/// rest and runs of working days. `shifts` are in order of start.
fn check_agent(
    instance: &Instance,
    name: &str,
    shifts: &[(&Assignment, &Shift)],
    out: &mut Vec<Violation>,
) {
    let violation = |date, rule| Violation {
        agent: name.to_string(),
        date,
        rule,
    };
    let mut week_minutes = vec![0u64; instance.weeks() as usize];
    let mut working = vec![false; instance.days as usize];
    for (k, (a, shift)) in shifts.iter().enumerate() {
        let day = (a.date - instance.start) as usize;
        if working[day] {
            out.push(violation(a.date, Rule::SecondShift));
        }
        working[day] = true;
        week_minutes[day / 7] += u64::from(shift.paid_minutes());
        let start = minute_of(a.date, shift.start);
        let min_rest = i64::from(instance.rules.min_rest_minutes());
        for (earlier, earlier_shift) in shifts[..k].iter().rev() {
            // A shift lasts at most a day: once an earlier one started a day
            // plus the rest before this start, none before it can clash.
            if start - minute_of(earlier.date, earlier_shift.start)
                >= i64::from(MINUTES_PER_DAY) + min_rest
            {
                break;
            }
            let end = minute_of(earlier.date, earlier_shift.end_minute());
            let rest = start - end;
            if rest < min_rest {
                out.push(violation(
                    a.date,
                    Rule::Rest {
                        hours: rest as f64 / 60.0,
                        limit: instance.rules.min_rest_hours,
                    },
                ));
            }
        }
    }
    let limit = instance.rules.max_week_minutes();
    for (week, &minutes) in week_minutes.iter().enumerate() {
        if minutes > u64::from(limit) {
            out.push(violation(
                instance.start.saturating_add(7 * week as Day),
                Rule::WeekHours {
                    hours: minutes as f64 / 60.0,
                    limit: instance.rules.max_week_hours,
                },
            ));
        }
    }
    let mut run = 0;
    for (day, &works) in working.iter().enumerate() {
        run = if works { run + 1 } else { 0 };
        if run > instance.rules.max_consecutive_days {
            out.push(violation(
                instance.start.saturating_add(day as Day),
                Rule::ConsecutiveDays {
                    days: run,
                    limit: instance.rules.max_consecutive_days,
                },
            ));
        }
    }
}

/// Minutes since 1970-01-01 00:00 of `minute` measured from `date`'s
/// midnight.
fn minute_of(date: Day, minute: u32) -> i64 {
    i64::from(date) * i64::from(MINUTES_PER_DAY) + i64::from(minute)
}
