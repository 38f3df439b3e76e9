//! Storage of quality inspection (质检, `spec/qa.md`): rule-set versions,
//! the inspected sessions and findings that imports derive
//! ([`crate::qa_projection`]), the daily samples and their queue. Both
//! backends implement [`QaStore`] with the SQL of [`crate::sql_qa!`]; the
//! contract suite is [`crate::qa_contract`].

use crate::AuditEntry;
use anyhow::Result;
use async_trait::async_trait;
use std::collections::BTreeSet;

/// The `FROM` of every query of findings: findings `f` with their sessions
/// `s`, joined by the findings' index `qa_findings_session`. A query by day
/// or store filters `s` and goes through the sessions' `qa_sessions_day`:
/// findings have no index by day of their own, so that an import writes one
/// B-tree fewer per finding (migration `0101_qa_slim.sql`).
pub const FINDINGS_OF_SESSIONS: &str =
    "qa_findings f JOIN qa_sessions s ON s.conv_id = f.conv_id AND s.start_ms = f.start_ms";

/// One rule-set version: the provider's set or a store's overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleVersion {
    /// Its number (one sequence for the provider and every store).
    pub version: i64,
    /// The store whose overrides it holds; `None` for the provider's set.
    pub store: Option<String>,
    /// The TOML of spec §4.
    pub body: String,
    /// Why it was made.
    pub note: String,
    /// When, UTC ms.
    pub created_at_ms: i64,
    /// By whom (the actor's name).
    pub created_by: String,
}

/// Which inspected sessions or findings a query reads. Every filter left
/// `None` takes all; `stores` and `agents` are the caller's scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QaQuery {
    /// First local day included (days since 1970-01-01).
    pub from: Option<i32>,
    /// Last local day included.
    pub to: Option<i32>,
    /// Only these stores.
    pub stores: Option<BTreeSet<String>>,
    /// Only what belongs to these agents (findings: the agent a finding
    /// belongs to; sessions: the receiving agent).
    pub agents: Option<BTreeSet<String>>,
    /// Only this rule (findings).
    pub rule: Option<String>,
    /// Only this conversation.
    pub conversation: Option<i64>,
    /// At most this many rows, in order.
    pub limit: Option<i64>,
    /// Sessions: only manual ones, lowest final (else auto) score first.
    pub worst: bool,
}

/// An inspected session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaSession {
    /// Its conversation.
    pub conv_id: i64,
    /// Its start, UTC ms.
    pub start_ms: i64,
    /// Store code.
    pub store: String,
    /// Buyer.
    pub buyer: String,
    /// Local day of its start.
    pub day: i32,
    /// The receiving agent.
    pub agent: Option<String>,
    /// 0 manual, 1 bot, 2 unanswered.
    pub kind: i64,
    /// Auto score (manual sessions).
    pub auto_score: Option<i64>,
    /// Has a critical finding.
    pub critical: bool,
    /// Number of findings.
    pub findings: i64,
    /// The rule-set version it was inspected with.
    pub version: i64,
    /// Reviewed or appealed: re-inspection keeps it.
    pub pinned: bool,
    /// Reviewed by an inspector.
    pub reviewed: bool,
    /// The final score, when a review or an appeal set it.
    pub final_score: Option<i64>,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaFinding {
    /// Its id.
    pub id: i64,
    /// Its session's conversation.
    pub conv_id: i64,
    /// Its session's start, UTC ms.
    pub start_ms: i64,
    /// Store code.
    pub store: String,
    /// Buyer.
    pub buyer: String,
    /// Local day of its session.
    pub day: i32,
    /// The message it is on.
    pub message_id: Option<String>,
    /// The agent it belongs to.
    pub agent: Option<String>,
    /// Rule id.
    pub rule: String,
    /// Rule kind.
    pub kind: String,
    /// Severity name.
    pub severity: String,
    /// Points deducted.
    pub points: i64,
    /// The text as sent.
    pub matched: Option<String>,
    /// Its span in characters, `[start, end)`.
    pub span: Option<(i64, i64)>,
    /// Rule-set version.
    pub version: i64,
}

/// What a re-inspection did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reinspected {
    /// Conversations inspected again.
    pub conversations: u64,
    /// Sessions now stored for them (pinned ones included).
    pub sessions: u64,
    /// Findings now stored for them.
    pub findings: u64,
}

/// One group's inspection figures (spec §5 `scores` before the means).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScoreTotals {
    /// Store code, when grouped by store.
    pub store: Option<String>,
    /// Agent, when grouped by agent (`None` also for no agent).
    pub agent: Option<String>,
    /// Local day, when grouped by date.
    pub day: Option<i32>,
    /// Inspected sessions.
    pub sessions_inspected: i64,
    /// Manual ones among them.
    pub manual_sessions: i64,
    /// Findings.
    pub findings: i64,
    /// Sessions with a critical finding.
    pub critical_sessions: i64,
    /// Reviewed sessions.
    pub reviewed_sessions: i64,
    /// Sum of the manual sessions' auto scores.
    pub auto_score_sum: i64,
    /// Sum of their final scores.
    pub final_score_sum: i64,
}

/// Findings counted per store, agent, day, rule and severity (the
/// report's findings by rule and severity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingCount {
    /// Store code.
    pub store: String,
    /// The agent the findings belong to.
    pub agent: Option<String>,
    /// Their sessions' local day.
    pub day: i32,
    /// Rule id.
    pub rule: String,
    /// Severity.
    pub severity: String,
    /// How many.
    pub findings: i64,
}

/// How scores are grouped: any of store, agent and date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ScoreGrouping {
    /// By store.
    pub store: bool,
    /// By agent.
    pub agent: bool,
    /// By local day.
    pub date: bool,
}

/// A day's review sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The local day.
    pub day: i32,
    /// The seed it was drawn with.
    pub seed: u64,
    /// The share of the rest drawn, per mille.
    pub share_permille: i64,
    /// When, UTC ms.
    pub created_at_ms: i64,
    /// By whom.
    pub created_by: String,
    /// The sessions drawn, as (conversation, start, reason).
    pub sessions: Vec<(i64, i64, String)>,
}

/// A scorecard item as reviewed, and whether it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewItem {
    /// The item as it was when scored.
    pub item: kefu_qa::review::ScoreItem,
    /// Whether it failed.
    pub failed: bool,
}

/// A review as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Its id.
    pub id: i64,
    /// The session's conversation.
    pub conv_id: i64,
    /// The session's start, UTC ms.
    pub start_ms: i64,
    /// The inspector (user id; `None` for the command line).
    pub inspector_id: Option<i64>,
    /// The inspector's name.
    pub inspector: String,
    /// The reviewed score.
    pub score: i64,
    /// The inspector's internal comment (never shown to clients).
    pub comment: String,
    /// When, UTC ms.
    pub created_at_ms: i64,
    /// The scorecard as scored.
    pub items: Vec<ReviewItem>,
    /// The automatic findings confirmed (true) or dismissed (false).
    pub decisions: Vec<(i64, bool)>,
}

/// A review to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    /// The session's conversation.
    pub conv_id: i64,
    /// The session's start, UTC ms.
    pub start_ms: i64,
    /// The inspector's user id.
    pub inspector_id: Option<i64>,
    /// The inspector's name.
    pub inspector: String,
    /// The reviewed score.
    pub score: i64,
    /// The session's final score now (manual sessions).
    pub final_score: Option<i64>,
    /// The internal comment.
    pub comment: String,
    /// When, UTC ms.
    pub at_ms: i64,
    /// The scorecard as scored.
    pub items: Vec<ReviewItem>,
    /// Findings confirmed or dismissed.
    pub decisions: Vec<(i64, bool)>,
}

/// An appeal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appeal {
    /// Its id.
    pub id: i64,
    /// The finding appealed, or
    pub finding_id: Option<i64>,
    /// the review appealed.
    pub review_id: Option<i64>,
    /// The session's conversation.
    pub conv_id: i64,
    /// The session's start, UTC ms.
    pub start_ms: i64,
    /// Store code.
    pub store: String,
    /// The agent concerned.
    pub agent: Option<String>,
    /// Who appealed (user id).
    pub by_user_id: Option<i64>,
    /// Who appealed (name).
    pub by_user: String,
    /// Why.
    pub reason: String,
    /// When, UTC ms.
    pub created_at_ms: i64,
    /// Who decided (user id).
    pub decided_by_id: Option<i64>,
    /// Who decided (name); `None` while open.
    pub decided_by: Option<String>,
    /// Upheld (true) or overturned (false); `None` while open.
    pub upheld: Option<bool>,
    /// The decider's reason (internal).
    pub decision_reason: Option<String>,
    /// When it was decided.
    pub decided_at_ms: Option<i64>,
}

/// An appeal to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppeal {
    /// The finding appealed, or
    pub finding_id: Option<i64>,
    /// the review appealed.
    pub review_id: Option<i64>,
    /// The session's conversation.
    pub conv_id: i64,
    /// The session's start, UTC ms.
    pub start_ms: i64,
    /// The agent concerned.
    pub agent: Option<String>,
    /// Who appeals (user id).
    pub by_user_id: Option<i64>,
    /// Who appeals (name).
    pub by_user: String,
    /// Why.
    pub reason: String,
    /// When, UTC ms.
    pub at_ms: i64,
}

/// An appeal's decision to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The appeal.
    pub appeal_id: i64,
    /// Who decides (user id).
    pub by_id: Option<i64>,
    /// Who decides (name).
    pub by: String,
    /// Upheld (true) or overturned (false).
    pub upheld: bool,
    /// Why.
    pub reason: String,
    /// When, UTC ms.
    pub at_ms: i64,
    /// The session's final score now (manual sessions).
    pub final_score: Option<i64>,
}

/// An inspected session with everything people did to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaSessionDetail {
    /// The session.
    pub session: QaSession,
    /// Its findings.
    pub findings: Vec<QaFinding>,
    /// Its review.
    pub review: Option<Review>,
    /// Its appeals, oldest first.
    pub appeals: Vec<Appeal>,
}

/// Which appeals to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppealQuery {
    /// Only this appeal.
    pub id: Option<i64>,
    /// Only those not decided yet.
    pub open_only: bool,
    /// Only these stores.
    pub stores: Option<BTreeSet<String>>,
    /// Only those concerning these agents.
    pub agents: Option<BTreeSet<String>>,
}

/// A finding a draft rule set would add or remove.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TrialFinding {
    /// Store code.
    pub store: String,
    /// Its session's conversation.
    pub conv_id: i64,
    /// Its session's start, UTC ms.
    pub start_ms: i64,
    /// The message it is on.
    pub message_id: Option<String>,
    /// Rule id.
    pub rule: String,
    /// The text as sent.
    pub matched: Option<String>,
    /// The agent it belongs to.
    pub agent: Option<String>,
}

/// What a draft rule set would change over some days, against the rules
/// in force: nothing is stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trial {
    /// Conversations inspected twice.
    pub conversations: u64,
    /// Findings of the rules in force in those days.
    pub current: u64,
    /// Findings of the draft.
    pub draft: u64,
    /// Per rule: (added, removed).
    pub by_rule: std::collections::BTreeMap<String, (u64, u64)>,
    /// The first findings the draft adds.
    pub added: Vec<TrialFinding>,
    /// The first findings the draft removes.
    pub removed: Vec<TrialFinding>,
}

/// Storage of quality inspection.
#[async_trait]
pub trait QaStore: Send + Sync {
    /// Every rule-set version, oldest first.
    async fn qa_rule_versions(&self) -> Result<Vec<RuleVersion>>;
    /// Adds a version of the provider's set (`store` None) or of a store's
    /// overrides, recording `entry` in the same transaction; returns its
    /// number. An unknown store is an error.
    async fn qa_add_rule_version(
        &self,
        store: Option<&str>,
        body: &str,
        note: &str,
        entry: &AuditEntry,
    ) -> Result<i64>;
    /// Inspects again every conversation of `stores` (all when `None`)
    /// with a message whose local date lies in [from, to] (all when
    /// `None`), with the rules in force; pinned sessions keep their
    /// findings. Records `entry` in the same transaction.
    async fn qa_reinspect(
        &self,
        stores: Option<&BTreeSet<String>>,
        from: Option<i32>,
        to: Option<i32>,
        entry: &AuditEntry,
    ) -> Result<Reinspected>;
    /// Inspected sessions, by day, store, buyer and start.
    async fn qa_sessions(&self, q: &QaQuery) -> Result<Vec<QaSession>>;
    /// Findings, by day, store, buyer, session start and id.
    async fn qa_findings(&self, q: &QaQuery) -> Result<Vec<QaFinding>>;
    /// Totals per group (spec §5): sessions by their receiving agent,
    /// findings by the agent they belong to; a row for every group with an
    /// inspected session or a finding.
    async fn qa_scores(&self, grouping: ScoreGrouping, q: &QaQuery) -> Result<Vec<ScoreTotals>>;
    /// Findings counted per store, agent, day, rule and severity.
    async fn qa_finding_counts(&self, q: &QaQuery) -> Result<Vec<FindingCount>>;
    /// Manual sessions counted per (auto score, final score as stored:
    /// `None` while the auto score is final).
    async fn qa_score_counts(&self, q: &QaQuery) -> Result<Vec<(Option<i64>, Option<i64>, i64)>>;
    /// The latest day with an inspected session.
    async fn qa_latest_day(&self) -> Result<Option<i32>>;
    /// The sample of a day, when it was drawn.
    async fn qa_sample(&self, day: i32) -> Result<Option<Sample>>;
    /// Stores a day's sample and its queue, recording `entry`; a day that
    /// has one already keeps it (returns false).
    async fn qa_save_sample(&self, sample: &Sample, entry: &AuditEntry) -> Result<bool>;
    /// The sessions queued for review by the samples of the days of `q`,
    /// with the reason each was drawn, in the order of [`QaStore::qa_sessions`].
    async fn qa_queue(&self, q: &QaQuery) -> Result<Vec<(QaSession, String)>>;
    /// The scorecard's items in force, in order.
    async fn qa_scorecard(&self) -> Result<Vec<kefu_qa::review::ScoreItem>>;
    /// Replaces the scorecard: these items in this order; items left out
    /// are retired (reviews keep their copies).
    async fn qa_set_scorecard(
        &self,
        items: &[kefu_qa::review::ScoreItem],
        entry: &AuditEntry,
    ) -> Result<()>;
    /// A session with its findings, review and appeals.
    async fn qa_session(&self, conv_id: i64, start_ms: i64) -> Result<Option<QaSessionDetail>>;
    /// Stores a review, pins the session and its findings and sets its
    /// final score; `None` when the session has a review already.
    async fn qa_add_review(&self, review: &NewReview, entry: &AuditEntry) -> Result<Option<i64>>;
    /// Stores an appeal and pins its session; `None` when that finding or
    /// review was appealed already.
    async fn qa_add_appeal(&self, appeal: &NewAppeal, entry: &AuditEntry) -> Result<Option<i64>>;
    /// Decides an open appeal and sets the session's final score; false
    /// when it was decided already.
    async fn qa_decide_appeal(&self, decision: &Decision, entry: &AuditEntry) -> Result<bool>;
    /// Appeals, oldest first.
    async fn qa_appeals(&self, q: &AppealQuery) -> Result<Vec<Appeal>>;
    /// Inspects the conversations of `stores` (all when `None`) with
    /// messages dated in [from, to] with the rules in force and with a
    /// draft (the provider's set `provider`, and the overrides of one store
    /// when given), and returns what the draft changes in the sessions of
    /// those days, at most `examples` findings each way. Writes nothing.
    async fn qa_trial(
        &self,
        stores: Option<&BTreeSet<String>>,
        from: i32,
        to: i32,
        provider: &str,
        overrides: Option<(&str, &str)>,
        examples: usize,
    ) -> Result<Trial>;
}
