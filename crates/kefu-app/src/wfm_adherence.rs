//! Adherence (issue 12 §4) in the service layer: the shifts of the stored
//! rosters (for each day the newest roster covering it) against when each
//! agent wrote in the chat logs (their accounts on every store, mapped to
//! the person by the contracts' store agents). Agents see their own days,
//! team leads their team's, clients nothing (404).

use crate::{Error, Gate, Result};
use kefu_domain::time::{LocalClock, RecordTime};
use kefu_wfm::adherence::{AdherenceRules, PlannedShift, Span, adherence, stretches};
use kefu_wfm::roster::{Assignment, Instance, format_date};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One agent's day (`GET /api/v1/wfm/adherence`, `kefu wfm adherence`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdherenceRow {
    /// The agent (person).
    pub agent: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The shift's code; `null` for work on a day without one.
    pub shift: Option<String>,
    /// The shift's store.
    pub store: Option<String>,
    /// The shift's start and end, `HH:MM` (an end past midnight as `+1 HH:MM`).
    pub planned: Option<String>,
    /// First to last message of the work belonging to it.
    pub worked: Option<String>,
    /// Minutes started late.
    pub late_minutes: i64,
    /// Minutes ended early.
    pub early_minutes: i64,
    /// Minutes worked outside any shift.
    pub unrostered_minutes: i64,
    /// A shift with no message.
    pub not_worked: bool,
}

#[derive(serde::Deserialize)]
struct Assignments {
    assignments: Vec<Assignment>,
}

fn clock_text(day: i32, minute: i64) -> String {
    let base = i64::from(day) * 1440;
    let m = minute - base;
    if m == 1440 {
        return "24:00".into();
    }
    let hm = format!("{:02}:{:02}", m.rem_euclid(1440) / 60, m.rem_euclid(60));
    match m.div_euclid(1440) {
        0 => hm,
        d => format!("{d:+} {hm}"),
    }
}

fn span_text(day: i32, s: Span) -> String {
    format!("{}–{}", clock_text(day, s.start), clock_text(day, s.end))
}

impl Gate {
    /// Adherence of the days `from..=to` (local days since 1970), by agent
    /// and day.
    pub async fn adherence(&self, from: i32, to: i32) -> Result<Vec<AdherenceRow>> {
        if self.scope().role == kefu_domain::Role::Client {
            return Err(Error::NotFound);
        }
        if to < from || to - from > 62 {
            return Err(Error::invalid(
                "to",
                "日期范围应为 1 至 63 天",
                "the range must be 1 to 63 days",
            ));
        }
        let db = &self.app.db;
        let stores: BTreeMap<String, kefu_domain::StoreSettings> =
            db.stores().await?.into_iter().collect();
        let codes: Vec<String> = stores.keys().cloned().collect();
        let store_agents = db.billing_store_agents(&codes).await?;
        let person_of: BTreeMap<(String, String), String> = store_agents
            .iter()
            .map(|a| ((a.store.clone(), a.account.clone()), a.agent.clone()))
            .collect();
        let visible: BTreeSet<String> = store_agents
            .iter()
            .filter(|a| self.scope().sees_agent(&a.account))
            .map(|a| a.agent.clone())
            .collect();
        let everyone = self.scope().sees_all_agents();
        let sees = |p: &str| everyone || visible.contains(p);

        // The plan: each day's newest roster.
        let mut shifts: BTreeMap<String, Vec<PlannedShift>> = BTreeMap::new();
        let mut planned_days: BTreeSet<i32> = BTreeSet::new();
        for row in db
            .wfm_rosters_covering(i64::from(from - 1), i64::from(to + 1))
            .await?
        {
            let instance = Instance::from_toml(&row.instance, &row.requirements)
                .map_err(|e| Error::Internal(anyhow::anyhow!(e.en())))?;
            let stored: Assignments =
                serde_json::from_str(&row.answer).map_err(|e| Error::Internal(e.into()))?;
            let days: Vec<i32> = (instance.start..instance.start + instance.days as i32)
                .filter(|d| (from - 1..=to + 1).contains(d) && !planned_days.contains(d))
                .collect();
            for a in stored.assignments {
                if !days.contains(&a.date) || !sees(&a.agent) {
                    continue;
                }
                let Some(t) = instance.shifts.iter().find(|s| s.code == a.shift) else {
                    continue;
                };
                let base = i64::from(a.date) * 1440;
                shifts
                    .entry(a.agent.clone())
                    .or_default()
                    .push(PlannedShift {
                        date: a.date,
                        code: a.shift.clone(),
                        store: a.store.clone(),
                        span: Span {
                            start: base + i64::from(t.start),
                            end: base + i64::from(t.end_minute()),
                        },
                    });
            }
            planned_days.extend(days);
        }

        // The work: agents' messages in local minutes.
        let text = |d: i32| format_date(d);
        let mut times: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let mut clocks: BTreeMap<String, LocalClock> = BTreeMap::new();
        for (store, account, sent_at) in db
            .wfm_agent_messages(&codes, &text(from - 2), &text(to + 3))
            .await?
        {
            let Some(person) = person_of.get(&(store.clone(), account)) else {
                continue;
            };
            if !sees(person) {
                continue;
            }
            let Ok(t) = RecordTime::parse(&sent_at) else {
                continue;
            };
            if !clocks.contains_key(&store) {
                let zone = stores
                    .get(&store)
                    .map_or("Asia/Shanghai", |s| s.timezone.as_str());
                let clock =
                    LocalClock::new(zone).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
                clocks.insert(store.clone(), clock);
            }
            let Some(clock) = clocks.get(&store) else {
                continue;
            };
            let local = clock.local(clock.to_utc_ms(t));
            times
                .entry(person.clone())
                .or_default()
                .push(i64::from(local.day) * 1440 + i64::from(local.minute_of_day));
        }

        let rules = AdherenceRules::default();
        let people: BTreeSet<&String> = shifts.keys().chain(times.keys()).collect();
        let mut out = Vec::new();
        for person in people {
            let planned = shifts.get(person).map_or(&[][..], Vec::as_slice);
            let worked = stretches(
                times.get(person).map_or(&[][..], Vec::as_slice),
                rules.gap_minutes,
            );
            for r in adherence(planned, &worked, &rules) {
                if !(from..=to).contains(&r.date) {
                    continue;
                }
                out.push(AdherenceRow {
                    agent: person.clone(),
                    date: format_date(r.date),
                    shift: r.shift,
                    store: r.store,
                    planned: r.planned.map(|s| span_text(r.date, s)),
                    worked: r.worked.map(|s| span_text(r.date, s)),
                    late_minutes: r.late_minutes,
                    early_minutes: r.early_minutes,
                    unrostered_minutes: r.unrostered_minutes,
                    not_worked: r.not_worked,
                });
            }
        }
        out.sort_by(|a, b| (&a.date, &a.agent).cmp(&(&b.date, &b.agent)));
        Ok(out)
    }
}
