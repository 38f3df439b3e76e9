//! The answers and request bodies of the quality-inspection API as types,
//! serialised by serde and described in the OpenAPI document by their
//! `ToSchema` derives. Findings and scores are the rows of `qa.md` §5; the
//! API adds the ids needed to act on them.

use kefu_app::qa::{FindingRow, ScoreRow};
use kefu_db::qa::{Appeal, QaSessionDetail};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A finding (spec §5), with its id and conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FindingAnswer {
    /// Its id (to appeal it).
    pub id: i64,
    /// Store code.
    pub store: String,
    /// Buyer.
    pub buyer: String,
    /// The session's start, local `YYYY-MM-DD HH:MM:SS`.
    pub session_start: String,
    /// The message it is on.
    pub message_id: Option<String>,
    /// The agent it belongs to.
    pub agent: Option<String>,
    /// Rule id.
    pub rule: String,
    /// Rule kind.
    pub kind: String,
    /// `critical`, `major`, `minor` or `alert`.
    pub severity: String,
    /// Points deducted.
    pub points: i64,
    /// The text as sent.
    pub matched: Option<String>,
    /// `[start, end]` in characters of the message.
    pub span: Option<[i64; 2]>,
    /// Rule-set version.
    pub version: i64,
    /// The conversation (`/stores/{store}/conversations/{conversation}`).
    pub conversation: i64,
    /// The session's start, UTC ms (`/qa/sessions/{conversation}/{ms}`).
    pub session_start_ms: i64,
}

impl From<FindingRow> for FindingAnswer {
    fn from(f: FindingRow) -> FindingAnswer {
        FindingAnswer {
            id: f.id,
            store: f.store,
            buyer: f.buyer,
            session_start: f.session_start,
            message_id: f.message_id,
            agent: f.agent,
            rule: f.rule,
            kind: f.kind,
            severity: f.severity,
            points: f.points,
            matched: f.matched,
            span: f.span,
            version: f.version,
            conversation: f.conv_id,
            session_start_ms: f.start_ms,
        }
    }
}

/// A row of scores (spec §5): the group's keys, then the figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScoreAnswer {
    /// Store code (grouped by store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Agent (grouped by agent; null for sessions without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub agent: Option<Option<String>>,
    /// Local date (grouped by date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Inspected sessions.
    pub sessions_inspected: i64,
    /// Manual sessions.
    pub manual_sessions: i64,
    /// Findings.
    pub findings: i64,
    /// Sessions with a critical finding.
    pub critical_sessions: i64,
    /// Reviewed sessions.
    pub reviewed_sessions: i64,
    /// Mean auto score of the manual sessions.
    pub auto_score: Option<f64>,
    /// Mean final score of the manual sessions.
    pub final_score: Option<f64>,
}

impl From<ScoreRow> for ScoreAnswer {
    fn from(r: ScoreRow) -> ScoreAnswer {
        ScoreAnswer {
            store: r.store,
            agent: r.agent,
            date: r.date,
            sessions_inspected: r.sessions_inspected,
            manual_sessions: r.manual_sessions,
            findings: r.findings,
            critical_sessions: r.critical_sessions,
            reviewed_sessions: r.reviewed_sessions,
            auto_score: r.auto_score,
            final_score: r.final_score,
        }
    }
}

/// A scorecard item of a review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewItemAnswer {
    /// Item id.
    pub item: String,
    /// Its name.
    pub name: String,
    /// Points it deducts when failed.
    pub points: u32,
    /// A failed critical item fails the session.
    pub critical: bool,
    /// Failed in this review.
    pub failed: bool,
}

/// A review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewAnswer {
    /// Its id (to appeal it).
    pub id: i64,
    /// The inspector.
    pub inspector: String,
    /// The reviewed score.
    pub score: i64,
    /// The inspector's internal comment (null for clients).
    pub comment: Option<String>,
    /// When, UTC ms.
    pub at_ms: i64,
    /// The scorecard as scored.
    pub items: Vec<ReviewItemAnswer>,
    /// The findings dismissed (the others were confirmed).
    pub dismissed: Vec<i64>,
}

/// An appeal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppealAnswer {
    /// Its id.
    pub id: i64,
    /// The finding appealed (null: the review).
    pub finding: Option<i64>,
    /// The review appealed (null: a finding).
    pub review: Option<i64>,
    /// Store code.
    pub store: String,
    /// The session's conversation.
    pub conversation: i64,
    /// The session's start, UTC ms.
    pub session_start_ms: i64,
    /// The agent concerned.
    pub agent: Option<String>,
    /// Who appealed.
    pub by: String,
    /// Why.
    pub reason: String,
    /// When, UTC ms.
    pub at_ms: i64,
    /// Who decided (null while open).
    pub decided_by: Option<String>,
    /// `upheld`, `overturned` or null while open.
    pub outcome: Option<String>,
    /// The decider's reason (null for clients).
    pub decision_reason: Option<String>,
    /// When it was decided.
    pub decided_at_ms: Option<i64>,
}

impl From<Appeal> for AppealAnswer {
    fn from(a: Appeal) -> AppealAnswer {
        AppealAnswer {
            id: a.id,
            finding: a.finding_id,
            review: a.review_id,
            store: a.store,
            conversation: a.conv_id,
            session_start_ms: a.start_ms,
            agent: a.agent,
            by: a.by_user,
            reason: a.reason,
            at_ms: a.created_at_ms,
            decided_by: a.decided_by,
            outcome: a
                .upheld
                .map(|u| if u { "upheld" } else { "overturned" }.to_string()),
            decision_reason: a.decision_reason.filter(|r| !r.is_empty()),
            decided_at_ms: a.decided_at_ms,
        }
    }
}

/// An inspected session with its findings, review and appeals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QaSessionAnswer {
    /// Store code.
    pub store: String,
    /// Buyer.
    pub buyer: String,
    /// The conversation.
    pub conversation: i64,
    /// The session's start, UTC ms.
    pub session_start_ms: i64,
    /// The receiving agent.
    pub agent: Option<String>,
    /// `manual`, `bot` or `unanswered`.
    pub kind: String,
    /// Auto score (manual sessions).
    pub auto_score: Option<i64>,
    /// Final score, when a review or appeal set it.
    pub final_score: Option<i64>,
    /// Has a critical finding.
    pub critical: bool,
    /// Its findings (`session_start` left out: see the session).
    pub findings: Vec<FindingAnswer>,
    /// Its review.
    pub review: Option<ReviewAnswer>,
    /// Its appeals.
    pub appeals: Vec<AppealAnswer>,
}

/// The name of a stored session kind.
pub fn kind_name(code: i64) -> &'static str {
    match code {
        0 => "manual",
        1 => "bot",
        _ => "unanswered",
    }
}

impl QaSessionAnswer {
    /// The answer of a session seen by a viewer (`session_start` local
    /// text given; comments already cleared for clients).
    pub fn of(d: QaSessionDetail, session_start: &str) -> QaSessionAnswer {
        let s = d.session;
        let findings = d
            .findings
            .into_iter()
            .map(|f| FindingAnswer {
                id: f.id,
                store: f.store,
                buyer: f.buyer,
                session_start: session_start.to_string(),
                message_id: f.message_id,
                agent: f.agent,
                rule: f.rule,
                kind: f.kind,
                severity: f.severity,
                points: f.points,
                matched: f.matched,
                span: f.span.map(|(a, b)| [a, b]),
                version: f.version,
                conversation: f.conv_id,
                session_start_ms: f.start_ms,
            })
            .collect();
        let review = d.review.map(|r| ReviewAnswer {
            id: r.id,
            inspector: r.inspector,
            score: r.score,
            comment: Some(r.comment).filter(|c| !c.is_empty()),
            at_ms: r.created_at_ms,
            items: r
                .items
                .into_iter()
                .map(|i| ReviewItemAnswer {
                    item: i.item.id,
                    name: i.item.name,
                    points: i.item.points,
                    critical: i.item.critical,
                    failed: i.failed,
                })
                .collect(),
            dismissed: r
                .decisions
                .iter()
                .filter(|(_, c)| !c)
                .map(|(f, _)| *f)
                .collect(),
        });
        QaSessionAnswer {
            store: s.store,
            buyer: s.buyer,
            conversation: s.conv_id,
            session_start_ms: s.start_ms,
            agent: s.agent,
            kind: kind_name(s.kind).to_string(),
            auto_score: s.auto_score,
            final_score: s.final_score,
            critical: s.critical,
            findings,
            review,
            appeals: d.appeals.into_iter().map(AppealAnswer::from).collect(),
        }
    }
}

/// A review to make.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReviewBody {
    /// The session's conversation.
    pub conversation: i64,
    /// The session's start, UTC ms.
    pub session_start_ms: i64,
    /// The scorecard items that failed.
    #[serde(default)]
    pub failed_items: Vec<String>,
    /// The findings dismissed (the others are confirmed).
    #[serde(default)]
    pub dismissed: Vec<i64>,
    /// The internal comment.
    #[serde(default)]
    pub comment: String,
}

/// An appeal to make: of a finding, or (no `finding`) of the review.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AppealBody {
    /// The session's conversation.
    pub conversation: i64,
    /// The session's start, UTC ms.
    pub session_start_ms: i64,
    /// The finding appealed; left out: the session's review.
    pub finding: Option<i64>,
    /// Why.
    pub reason: String,
}

/// A decision of an appeal.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// Upheld (true) or overturned (false).
    pub upheld: bool,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// The id of something made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}
