//! The quality-inspection report (spec qa.md §3 "Reports"): per store,
//! agent or team and per week or month, the sessions inspected and
//! reviewed, mean auto and final scores, findings by severity and by rule,
//! appeals and their outcomes, the distribution of scores and the worst
//! sessions. Read within the actor's scope like every QA figure: a client
//! sees its stores', an agent their own, a team lead their team's.
//!
//! A session falls in the period of its local day and in the row of its
//! receiving agent; a finding in its session's period and the row of the
//! agent it belongs to; an appeal in its session's period and the row of
//! the agent it concerns (spec §5).

use crate::qa::QaFilter;
use crate::{Gate, Result};
use kefu_db::qa::{AppealQuery, QaSession, ScoreGrouping};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What the rows of a report are.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportBy {
    /// One row per store and period.
    #[default]
    Store,
    /// Per agent.
    Agent,
    /// Per team of agents (agents in no team share a row).
    Team,
}

impl ReportBy {
    /// Reads `store`, `agent` or `team`.
    pub fn parse(text: &str) -> Option<ReportBy> {
        match text {
            "store" => Some(ReportBy::Store),
            "agent" => Some(ReportBy::Agent),
            "team" => Some(ReportBy::Team),
            _ => None,
        }
    }

    /// Its name as parsed.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportBy::Store => "store",
            ReportBy::Agent => "agent",
            ReportBy::Team => "team",
        }
    }
}

/// The length of a report's periods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Period {
    /// Weeks from Monday, named by their Monday (`YYYY-MM-DD`).
    Week,
    /// Calendar months (`YYYY-MM`).
    #[default]
    Month,
}

impl Period {
    /// Reads `week` or `month`.
    pub fn parse(text: &str) -> Option<Period> {
        match text {
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            _ => None,
        }
    }

    /// Its name as parsed.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The name of the period a local day (days since 1970-01-01) is in.
    pub fn of_day(self, day: i32) -> String {
        match self {
            // 1970-01-01 was a Thursday: Monday is three days before.
            Period::Week => kefu_domain::time::format_day(day - (day + 3).rem_euclid(7)),
            Period::Month => kefu_domain::time::format_day(day)[..7].to_string(),
        }
    }
}

/// One row of a report: a group in a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportRow {
    /// The period (`YYYY-MM`, or a week's Monday `YYYY-MM-DD`).
    pub period: String,
    /// Store code, agent or team; `null` for sessions without an agent or
    /// agents in no team.
    pub group: Option<String>,
    /// Inspected sessions.
    pub sessions_inspected: i64,
    /// Manual sessions among them.
    pub manual_sessions: i64,
    /// Reviewed sessions.
    pub reviewed_sessions: i64,
    /// Sessions with a critical finding.
    pub critical_sessions: i64,
    /// Mean auto score of the manual sessions.
    pub auto_score: Option<f64>,
    /// Mean final score of the manual sessions.
    pub final_score: Option<f64>,
    /// Findings.
    pub findings: i64,
    /// Of them, by severity.
    pub critical: i64,
    /// Severity major.
    pub major: i64,
    /// Severity minor.
    pub minor: i64,
    /// Severity alert.
    pub alert: i64,
    /// Appeals of its sessions' findings and reviews.
    pub appeals: i64,
    /// Decided: upheld.
    pub upheld: i64,
    /// Decided: overturned.
    pub overturned: i64,
    /// Not decided yet.
    pub open: i64,
    #[serde(skip)]
    auto_sum: i64,
    #[serde(skip)]
    final_sum: i64,
}

/// Findings of one rule in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The period.
    pub period: String,
    /// Rule id.
    pub rule: String,
    /// Its severity.
    pub severity: String,
    /// Findings.
    pub findings: i64,
}

/// Manual sessions by score: `[from, to]` inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreBucket {
    /// Lowest score of the bucket.
    pub from: i64,
    /// Highest.
    pub to: i64,
    /// Sessions whose auto score is in it.
    pub auto: i64,
    /// Sessions whose final score is in it.
    #[serde(rename = "final")]
    pub final_: i64,
}

/// A whole report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QaReport {
    /// Its periods, in order.
    pub periods: Vec<String>,
    /// Rows by period, then group.
    pub rows: Vec<ReportRow>,
    /// Findings by period and rule.
    pub by_rule: Vec<RuleCount>,
    /// Manual sessions by score, in buckets 0–9 … 90–99 and 100.
    pub distribution: Vec<ScoreBucket>,
    /// The manual sessions with the lowest scores.
    #[serde(skip)]
    pub worst: Vec<QaSession>,
}

/// How many worst sessions a report lists.
pub const WORST: i64 = 20;

fn mean(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 * 100.0).round() / 100.0)
}

/// The buckets of the score distribution, counted from (auto, final, n).
fn distribution(counts: &[(Option<i64>, Option<i64>, i64)]) -> Vec<ScoreBucket> {
    let mut buckets: Vec<ScoreBucket> = (0..10)
        .map(|b| ScoreBucket {
            from: b * 10,
            to: b * 10 + 9,
            auto: 0,
            final_: 0,
        })
        .chain([ScoreBucket {
            from: 100,
            to: 100,
            auto: 0,
            final_: 0,
        }])
        .collect();
    let at = |score: i64| (score.clamp(0, 100) / 10) as usize;
    for &(auto, fin, n) in counts {
        if let Some(a) = auto {
            buckets[at(a)].auto += n;
        }
        if let Some(f) = fin.or(auto) {
            buckets[at(f)].final_ += n;
        }
    }
    buckets
}

impl Gate {
    /// The report of a filter's days within the actor's scope.
    pub async fn qa_report(&self, f: &QaFilter, by: ReportBy, period: Period) -> Result<QaReport> {
        let q = self.qa_query(f)?;
        let db = &self.app.db;
        let teams: HashMap<String, String> = match by {
            ReportBy::Team => db
                .teams()
                .await?
                .into_iter()
                .flat_map(|t| t.agents.into_iter().map(move |a| (a, t.name.clone())))
                .collect(),
            _ => HashMap::new(),
        };
        let group = |store: &str, agent: Option<&str>| -> Option<String> {
            match by {
                ReportBy::Store => Some(store.to_string()),
                ReportBy::Agent => agent.map(str::to_string),
                ReportBy::Team => agent.and_then(|a| teams.get(a).cloned()),
            }
        };
        let mut rows: BTreeMap<(String, Option<String>), ReportRow> = BTreeMap::new();
        let all = ScoreGrouping {
            store: true,
            agent: true,
            date: true,
        };
        for t in db.qa_scores(all, &q).await? {
            let (Some(store), Some(day)) = (&t.store, t.day) else {
                continue;
            };
            let key = (period.of_day(day), group(store, t.agent.as_deref()));
            let r = rows.entry(key).or_default();
            r.sessions_inspected += t.sessions_inspected;
            r.manual_sessions += t.manual_sessions;
            r.reviewed_sessions += t.reviewed_sessions;
            r.critical_sessions += t.critical_sessions;
            r.auto_sum += t.auto_score_sum;
            r.final_sum += t.final_score_sum;
        }
        let mut by_rule: BTreeMap<(String, String, String), i64> = BTreeMap::new();
        for c in db.qa_finding_counts(&q).await? {
            let p = period.of_day(c.day);
            let r = rows
                .entry((p.clone(), group(&c.store, c.agent.as_deref())))
                .or_default();
            r.findings += c.findings;
            match c.severity.as_str() {
                "critical" => r.critical += c.findings,
                "major" => r.major += c.findings,
                "minor" => r.minor += c.findings,
                _ => r.alert += c.findings,
            }
            *by_rule.entry((p, c.rule, c.severity)).or_default() += c.findings;
        }
        let params = self.store_params().await?;
        let appeals = db
            .qa_appeals(&AppealQuery {
                stores: q.stores.clone(),
                agents: q.agents.clone(),
                ..Default::default()
            })
            .await?;
        for a in appeals {
            let Some(p) = params.get(&a.store) else {
                continue;
            };
            let day = p.clock.local(a.start_ms).day;
            if q.from.is_some_and(|d| day < d) || q.to.is_some_and(|d| day > d) {
                continue;
            }
            let r = rows
                .entry((period.of_day(day), group(&a.store, a.agent.as_deref())))
                .or_default();
            r.appeals += 1;
            match a.upheld {
                Some(true) => r.upheld += 1,
                Some(false) => r.overturned += 1,
                None => r.open += 1,
            }
        }
        let mut periods: Vec<String> = rows.keys().map(|(p, _)| p.clone()).collect();
        periods.dedup();
        let rows = rows
            .into_iter()
            .map(|((p, g), mut r)| {
                r.period = p;
                r.group = g;
                r.auto_score = mean(r.auto_sum, r.manual_sessions);
                r.final_score = mean(r.final_sum, r.manual_sessions);
                r
            })
            .collect();
        let counts = db.qa_score_counts(&q).await?;
        let mut worst_q = q.clone();
        worst_q.worst = true;
        worst_q.limit = Some(WORST);
        Ok(QaReport {
            periods,
            rows,
            by_rule: by_rule
                .into_iter()
                .map(|((period, rule, severity), findings)| RuleCount {
                    period,
                    rule,
                    severity,
                    findings,
                })
                .collect(),
            distribution: distribution(&counts),
            worst: db.qa_sessions(&worst_q).await?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_and_months_are_calendar_months() {
        let day = |t: &str| kefu_domain::time::parse_day(t).expect("day");
        // 2026-11-23 is a Monday, 2026-11-29 a Sunday.
        assert_eq!(Period::Week.of_day(day("2026-11-23")), "2026-11-23");
        assert_eq!(Period::Week.of_day(day("2026-11-29")), "2026-11-23");
        assert_eq!(Period::Week.of_day(day("2026-11-30")), "2026-11-30");
        assert_eq!(Period::Week.of_day(day("2026-12-01")), "2026-11-30");
        assert_eq!(Period::Month.of_day(day("2026-11-30")), "2026-11");
        assert_eq!(Period::Week.of_day(day("1970-01-01")), "1969-12-29");
    }

    #[test]
    fn the_distribution_puts_each_score_in_its_bucket() {
        let b = distribution(&[
            (Some(100), None, 3),
            (Some(95), Some(80), 2),
            (Some(0), None, 1),
        ]);
        assert_eq!(b.len(), 11);
        assert_eq!((b[10].auto, b[10].final_), (3, 3));
        assert_eq!((b[9].auto, b[9].final_), (2, 0));
        assert_eq!((b[8].auto, b[8].final_), (0, 2));
        assert_eq!((b[0].auto, b[0].final_), (1, 1));
    }
}
