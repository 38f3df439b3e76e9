//! The demo's workforce plan as plain data: the shift templates, the agents
//! (one person per account) with their leave, and every planned shift of
//! the span; written as `roster.csv` and `agents.csv`.

use crate::Demo;
use crate::dates::{clock, day_string};
use crate::schedule::{CONTRACT_HOURS, TEMPLATES};
use crate::writer::Csv;
use std::io::{self, Write};

/// Header of `roster.csv`: the assignment columns of `spec/wfm.md` §5.
pub const ROSTER_HEADER: &str = "agent,date,shift,store,skill";
/// Header of `agents.csv`.
pub const AGENTS_HEADER: &str = "agent,store,account,role,team,contract_hours,leave";

/// An unpaid break of a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoBreak {
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM`.
    pub end: String,
}

/// A shift template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoShift {
    /// Code printed in the roster grid: `E`, `M`, `L` or `N`.
    pub code: String,
    /// Chinese name: 早班, 中班, 晚班, 大促夜班.
    pub name: String,
    /// Start, `HH:MM`.
    pub start: String,
    /// End, `HH:MM` (`24:00` is midnight; an end before the start is the next day's).
    pub end: String,
    /// Unpaid breaks, not on duty.
    pub breaks: Vec<DemoBreak>,
}

/// An agent: the person behind one store sub-account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAgent {
    /// The person's name, unique over the demo (小美, 小美2, …).
    pub person: String,
    /// The store's code, the only store the agent is qualified for.
    pub store: String,
    /// The sub-account in the chat logs.
    pub account: String,
    /// Skill: `presale` or `aftersale`.
    pub role: String,
    /// The team: the store's code and 售前组 or 售后组.
    pub team: String,
    /// Contract hours a week (40).
    pub contract_hours: u32,
    /// Leave days, `YYYY-MM-DD`, ascending.
    pub leave: Vec<String>,
}

/// One planned shift of one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAssignment {
    /// The person.
    pub person: String,
    /// The day the shift starts, `YYYY-MM-DD`.
    pub date: String,
    /// The shift's code.
    pub shift: String,
    /// The store worked for.
    pub store: String,
    /// The skill worked: `presale` or `aftersale`.
    pub skill: String,
}

/// The plan the demo's agents work to, over the whole span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPlan {
    /// First day of the span, `YYYY-MM-DD`.
    pub first_day: String,
    /// Last day of the span, `YYYY-MM-DD` (2026-11-30).
    pub last_day: String,
    /// The shift templates.
    pub shifts: Vec<DemoShift>,
    /// The agents, store by store.
    pub agents: Vec<DemoAgent>,
    /// The planned shifts, by date, then store, then agent.
    pub assignments: Vec<DemoAssignment>,
}

impl DemoPlan {
    /// Writes the assignments as CSV with the [`ROSTER_HEADER`] row.
    pub fn write_roster(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut c = Csv::new(out, ROSTER_HEADER);
        for a in &self.assignments {
            for field in [&a.person, &a.date, &a.shift, &a.store, &a.skill] {
                c.text(field);
            }
            c.end()?;
        }
        c.finish()
    }

    /// Writes the agents as CSV with the [`AGENTS_HEADER`] row (leave days
    /// separated by `;`).
    pub fn write_agents(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut c = Csv::new(out, AGENTS_HEADER);
        for a in &self.agents {
            for field in [&a.person, &a.store, &a.account, &a.role, &a.team] {
                c.text(field);
            }
            c.int(u64::from(a.contract_hours));
            c.text(&a.leave.join(";"));
            c.end()?;
        }
        c.finish()
    }
}

/// The plan of a built demo.
pub(crate) fn of(demo: &Demo) -> DemoPlan {
    let first = demo.cal.first_day();
    let shifts = TEMPLATES
        .iter()
        .map(|t| DemoShift {
            code: t.code.into(),
            name: t.name.into(),
            start: clock(t.start),
            end: clock(if t.end > 24 * 60 {
                t.end - 24 * 60
            } else {
                t.end
            }),
            breaks: t
                .breaks
                .iter()
                .map(|&(s, e)| DemoBreak {
                    start: clock(s),
                    end: clock(e),
                })
                .collect(),
        })
        .collect();
    let mut agents = Vec::new();
    for (store, roster) in demo.stores.iter().zip(&demo.rosters) {
        for (a, leave) in store.agents.iter().zip(&roster.leave) {
            agents.push(DemoAgent {
                person: a.person.clone(),
                store: store.code.clone(),
                account: a.account.clone(),
                role: a.team.skill().into(),
                team: format!("{} {}组", store.code, a.team.zh()),
                contract_hours: CONTRACT_HOURS,
                leave: leave.iter().map(|&d| day_string(d)).collect(),
            });
        }
    }
    let mut assignments = Vec::new();
    for i in 0..demo.cal.days() {
        let date = day_string(first + i as i64);
        for (store, roster) in demo.stores.iter().zip(&demo.rosters) {
            for (a, plan) in store.agents.iter().zip(&roster.shifts) {
                if let Some(s) = plan[i] {
                    assignments.push(DemoAssignment {
                        person: a.person.clone(),
                        date: date.clone(),
                        shift: TEMPLATES[s].code.into(),
                        store: store.code.clone(),
                        skill: a.team.skill().into(),
                    });
                }
            }
        }
    }
    DemoPlan {
        first_day: day_string(first),
        last_day: day_string(first + demo.cal.days() as i64 - 1),
        shifts,
        agents,
        assignments,
    }
}
