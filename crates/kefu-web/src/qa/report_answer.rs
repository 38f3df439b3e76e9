//! The answer of `/api/v1/qa/report` as types, described in the OpenAPI
//! document by their `ToSchema` derives (the figures of
//! [`kefu_app::qa_report`]).

use kefu_app::qa_report::{Period, QaReport, ReportBy, ReportRow, RuleCount, ScoreBucket};
use serde::Serialize;
use utoipa::ToSchema;

/// A row of the report: a group in a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRowAnswer {
    /// `YYYY-MM`, or a week's Monday `YYYY-MM-DD`.
    pub period: String,
    /// Store code, agent or team; null for no agent or no team.
    pub group: Option<String>,
    /// Inspected sessions.
    pub sessions_inspected: i64,
    /// Manual sessions.
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
    /// Findings of severity critical.
    pub critical: i64,
    /// Of severity major.
    pub major: i64,
    /// Of severity minor.
    pub minor: i64,
    /// Of severity alert.
    pub alert: i64,
    /// Appeals.
    pub appeals: i64,
    /// Appeals upheld.
    pub upheld: i64,
    /// Appeals overturned.
    pub overturned: i64,
    /// Appeals not decided yet.
    pub open: i64,
}

impl From<ReportRow> for ReportRowAnswer {
    fn from(r: ReportRow) -> ReportRowAnswer {
        ReportRowAnswer {
            period: r.period,
            group: r.group,
            sessions_inspected: r.sessions_inspected,
            manual_sessions: r.manual_sessions,
            reviewed_sessions: r.reviewed_sessions,
            critical_sessions: r.critical_sessions,
            auto_score: r.auto_score,
            final_score: r.final_score,
            findings: r.findings,
            critical: r.critical,
            major: r.major,
            minor: r.minor,
            alert: r.alert,
            appeals: r.appeals,
            upheld: r.upheld,
            overturned: r.overturned,
            open: r.open,
        }
    }
}

/// Findings of one rule in one period.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RuleCountAnswer {
    /// The period.
    pub period: String,
    /// Rule id.
    pub rule: String,
    /// Its severity.
    pub severity: String,
    /// Findings.
    pub findings: i64,
}

impl From<RuleCount> for RuleCountAnswer {
    fn from(c: RuleCount) -> RuleCountAnswer {
        RuleCountAnswer {
            period: c.period,
            rule: c.rule,
            severity: c.severity,
            findings: c.findings,
        }
    }
}

/// Manual sessions with a score in `[from, to]`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreBucketAnswer {
    /// Lowest score.
    pub from: i64,
    /// Highest score.
    pub to: i64,
    /// Sessions by auto score.
    pub auto: i64,
    /// Sessions by final score.
    #[serde(rename = "final")]
    pub final_: i64,
}

impl From<ScoreBucket> for ScoreBucketAnswer {
    fn from(b: ScoreBucket) -> ScoreBucketAnswer {
        ScoreBucketAnswer {
            from: b.from,
            to: b.to,
            auto: b.auto,
            final_: b.final_,
        }
    }
}

/// One of the worst sessions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorstAnswer {
    /// Store code.
    pub store: String,
    /// Buyer.
    pub buyer: String,
    /// Its conversation.
    pub conversation: i64,
    /// Its start, UTC ms (with the conversation, its name in
    /// `/qa/sessions/{conversation}/{start}`).
    pub session_start_ms: i64,
    /// The receiving agent.
    pub agent: Option<String>,
    /// Final score, else auto score.
    pub score: Option<i64>,
}

/// The report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportAnswer {
    /// `store`, `agent` or `team`.
    pub group: String,
    /// `week` or `month`.
    pub period: String,
    /// The periods, in order.
    pub periods: Vec<String>,
    /// Rows by period, then group.
    pub rows: Vec<ReportRowAnswer>,
    /// Findings by period and rule.
    pub by_rule: Vec<RuleCountAnswer>,
    /// Manual sessions by score: 0–9 … 90–99, 100.
    pub distribution: Vec<ScoreBucketAnswer>,
    /// The manual sessions with the lowest scores.
    pub worst: Vec<WorstAnswer>,
}

impl ReportAnswer {
    /// The answer of a report.
    pub fn of(r: QaReport, by: ReportBy, period: Period) -> ReportAnswer {
        ReportAnswer {
            group: by.as_str().to_string(),
            period: period.as_str().to_string(),
            periods: r.periods,
            rows: r.rows.into_iter().map(Into::into).collect(),
            by_rule: r.by_rule.into_iter().map(Into::into).collect(),
            distribution: r.distribution.into_iter().map(Into::into).collect(),
            worst: r
                .worst
                .into_iter()
                .map(|s| WorstAnswer {
                    score: s.final_score.or(s.auto_score),
                    store: s.store,
                    buyer: s.buyer,
                    conversation: s.conv_id,
                    session_start_ms: s.start_ms,
                    agent: s.agent,
                })
                .collect(),
        }
    }
}
