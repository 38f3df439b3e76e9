//! The typed answers of the workforce API: a roster's answer as the JSON of
//! wfm.md §5 (the same text `kefu_wfm::roster::RosterAnswer` serialises
//! to, which a test checks), stored rosters and the planning settings.

use kefu_app::wfm_plan::SettingsView;
use kefu_db::wfm::RosterSummary;
use kefu_wfm::roster::{RosterAnswer, format_date, format_time};
use serde::Serialize;
use utoipa::ToSchema;

/// One shift of a roster.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignmentAnswer {
    /// The agent (person).
    pub agent: String,
    /// `YYYY-MM-DD`, the day the shift starts.
    pub date: String,
    /// The shift's code.
    pub shift: String,
    /// The store.
    pub store: String,
    /// The skill (`presale`, `aftersale`).
    pub skill: String,
}

/// Coverage of one store, skill and interval.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CoverageAnswer {
    /// The store.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The interval's start, `HH:MM`.
    pub interval: String,
    /// The forecast volume; `null` when the requirements gave none.
    pub forecast: Option<f64>,
    /// Agents on duty required.
    pub required: u32,
    /// Agents on duty scheduled (breaks excluded).
    pub scheduled: u32,
    /// `max(0, required − scheduled)`.
    pub gap: u32,
}

/// An agent's paid hours in one week.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HoursAnswer {
    /// The agent.
    pub agent: String,
    /// The week's first day, `YYYY-MM-DD`.
    pub week: String,
    /// Paid hours of the shifts starting in the week.
    pub hours: f64,
}

/// A slot left short and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GapAnswer {
    /// The store.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `HH:MM`.
    pub interval: String,
    /// Agents missing.
    pub gap: u32,
    /// The reason's code (`no_qualified_agent`, `week_hours`, …).
    pub reason: String,
}

/// A roster's answer (wfm.md §5); for a reader who sees only some agents,
/// their shifts and hours, with no coverage or gaps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterJson {
    /// The shifts.
    pub assignments: Vec<AssignmentAnswer>,
    /// Coverage per store, skill, date and interval.
    pub coverage: Vec<CoverageAnswer>,
    /// Each agent's paid hours per week.
    pub hours: Vec<HoursAnswer>,
    /// The slots left short, with the reason.
    pub gaps: Vec<GapAnswer>,
}

impl From<&RosterAnswer> for RosterJson {
    fn from(a: &RosterAnswer) -> RosterJson {
        RosterJson {
            assignments: a
                .assignments
                .iter()
                .map(|s| AssignmentAnswer {
                    agent: s.agent.clone(),
                    date: format_date(s.date),
                    shift: s.shift.clone(),
                    store: s.store.clone(),
                    skill: s.skill.clone(),
                })
                .collect(),
            coverage: a
                .coverage
                .iter()
                .map(|c| CoverageAnswer {
                    store: c.store.clone(),
                    skill: c.skill.clone(),
                    date: format_date(c.date),
                    interval: format_time(c.interval),
                    forecast: c.forecast,
                    required: c.required,
                    scheduled: c.scheduled,
                    gap: c.gap,
                })
                .collect(),
            hours: a
                .hours
                .iter()
                .map(|h| HoursAnswer {
                    agent: h.agent.clone(),
                    week: format_date(h.week),
                    hours: h.hours,
                })
                .collect(),
            gaps: a
                .gaps
                .iter()
                .map(|g| GapAnswer {
                    store: g.store.clone(),
                    skill: g.skill.clone(),
                    date: format_date(g.date),
                    interval: format_time(g.interval),
                    gap: g.gap,
                    reason: g.reason.code().to_string(),
                })
                .collect(),
        }
    }
}

/// A stored roster in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterItem {
    /// Its number.
    pub id: i64,
    /// Its first day, `YYYY-MM-DD`.
    pub start: String,
    /// Its last day.
    pub end: String,
    /// Days planned.
    pub days: i64,
    /// How it was made (solved from the database, imported, …).
    pub note: String,
    /// Who stored it.
    pub created_by: String,
    /// When, ms since the epoch.
    pub created_at_ms: i64,
}

impl From<&RosterSummary> for RosterItem {
    fn from(r: &RosterSummary) -> RosterItem {
        let day = |d: i64| format_date(i32::try_from(d).unwrap_or(i32::MAX));
        RosterItem {
            id: r.id,
            start: day(r.start_day),
            end: day(r.start_day + r.days - 1),
            days: r.days,
            note: r.note.clone(),
            created_by: r.created_by.clone(),
            created_at_ms: r.created_at_ms,
        }
    }
}

/// A roster planned and stored (`POST /api/v1/wfm/rosters`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterCreated {
    /// The stored roster's number.
    pub id: i64,
    /// Its answer (wfm.md §5).
    pub answer: RosterJson,
}

/// The planning settings in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsAnswer {
    /// The version; `null`: the defaults, never saved.
    pub version: Option<i64>,
    /// Who saved it.
    pub saved_by: Option<String>,
    /// When, ms since the epoch.
    pub saved_at_ms: Option<i64>,
    /// The TOML text.
    pub text: String,
}

impl From<SettingsView> for SettingsAnswer {
    fn from(s: SettingsView) -> SettingsAnswer {
        let (saved_by, saved_at_ms) = s
            .saved
            .map_or((None, None), |(by, at)| (Some(by), Some(at)));
        SettingsAnswer {
            version: s.version,
            saved_by,
            saved_at_ms,
            text: s.text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kefu_wfm::roster::{Budget, Instance, answer, solve};

    #[test]
    fn the_answer_serialises_as_the_domain_answer() {
        let toml = include_str!("roster_sample.toml");
        let mut csv = String::from("store,skill,date,interval,agents,forecast\n");
        for half in 16..40 {
            let (h, m) = (half / 2, if half % 2 == 0 { "00" } else { "30" });
            csv.push_str(&format!("dy-1001,presale,2026-12-07,{h:02}:{m},9,3.5\n"));
        }
        let instance = Instance::from_toml(toml, &csv).unwrap();
        let s = solve(&instance, &Budget::new(20_000, 1), None).unwrap();
        let a = answer(&instance, &s);
        assert!(!a.assignments.is_empty() && !a.coverage.is_empty() && !a.hours.is_empty());
        assert!(!a.gaps.is_empty(), "nine agents asked of three: gaps");
        assert_eq!(
            serde_json::to_value(RosterJson::from(&a)).unwrap(),
            serde_json::to_value(&a).unwrap()
        );
    }
}
