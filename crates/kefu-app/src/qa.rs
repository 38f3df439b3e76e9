//! Quality inspection (质检, `spec/qa.md`): rule sets and their versions,
//! re-inspection, findings and scores within the actor's scope, and the
//! daily review sample. Rule sets and samples are for managers and
//! inspectors; findings and scores are read like KPI figures: a client sees
//! its stores', an agent their own, a team lead their team's.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_db::qa::{QaFinding, QaQuery, Reinspected, RuleVersion, ScoreGrouping, ScoreTotals};
use kefu_kpi::Params;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Which findings or scores: a date range and optional store, agent, rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QaFilter {
    /// First local day included (days since 1970-01-01).
    pub from: Option<i32>,
    /// Last local day included.
    pub to: Option<i32>,
    /// Only this store.
    pub store: Option<String>,
    /// Only this agent.
    pub agent: Option<String>,
    /// Only this rule (findings).
    pub rule: Option<String>,
    /// At most this many rows.
    pub limit: Option<i64>,
}

/// A finding as spec §5 writes it (CLI `--format json`, API).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRow {
    /// Its id (to appeal it).
    #[serde(skip)]
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
    /// `[start, end]` in characters.
    pub span: Option<[i64; 2]>,
    /// Rule-set version.
    pub version: i64,
    /// Its conversation (for links to the transcript).
    #[serde(skip)]
    pub conv_id: i64,
    /// Its session's start, UTC ms (names the session with the conversation).
    #[serde(skip)]
    pub start_ms: i64,
}

/// A row of scores as spec §5 writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    /// Store code (grouped by store).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<String>,
    /// Agent (grouped by agent; `null` for sessions without one).
    #[serde(skip_serializing_if = "skip_agent")]
    pub agent: Option<Option<String>>,
    /// Local date `YYYY-MM-DD` (grouped by date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Inspected sessions.
    pub sessions_inspected: i64,
    /// Manual sessions among them.
    pub manual_sessions: i64,
    /// Findings.
    pub findings: i64,
    /// Sessions with a critical finding.
    pub critical_sessions: i64,
    /// Reviewed sessions.
    pub reviewed_sessions: i64,
    /// Mean auto score of the manual sessions (two decimals).
    pub auto_score: Option<f64>,
    /// Mean final score of the manual sessions (two decimals).
    pub final_score: Option<f64>,
}

fn skip_agent(a: &Option<Option<String>>) -> bool {
    a.is_none()
}

fn mean(sum: i64, n: i64) -> Option<f64> {
    (n > 0).then(|| (sum as f64 / n as f64 * 100.0).round() / 100.0)
}

impl ScoreRow {
    fn of(t: ScoreTotals, g: ScoreGrouping) -> ScoreRow {
        ScoreRow {
            store: t.store,
            agent: g.agent.then_some(t.agent),
            date: t.day.map(kefu_domain::time::format_day),
            sessions_inspected: t.sessions_inspected,
            manual_sessions: t.manual_sessions,
            findings: t.findings,
            critical_sessions: t.critical_sessions,
            reviewed_sessions: t.reviewed_sessions,
            auto_score: mean(t.auto_score_sum, t.manual_sessions),
            final_score: mean(t.final_score_sum, t.manual_sessions),
        }
    }
}

/// A day's review sample as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleView {
    /// The sample as stored.
    pub sample: kefu_db::qa::Sample,
    /// Whether this call drew it (false: it was drawn before).
    pub drawn_now: bool,
}

/// The share a sample draws, per mille, by default: 5 %.
pub const DEFAULT_SHARE_PERMILLE: i64 = 50;

impl Gate {
    /// The query of a filter within the actor's scope; a store or agent
    /// outside it is not found.
    pub(crate) fn qa_query(&self, f: &QaFilter) -> Result<QaQuery> {
        let scope = &self.actor.scope;
        if let Some(store) = &f.store
            && !scope.sees_store(store)
        {
            return Err(Error::NotFound);
        }
        if let Some(agent) = &f.agent
            && !scope.sees_agent(agent)
        {
            return Err(Error::NotFound);
        }
        let narrow = |own: Option<BTreeSet<String>>, one: &Option<String>| match (own, one) {
            (Some(set), Some(x)) => Some(set.into_iter().filter(|s| s == x).collect()),
            (Some(set), None) => Some(set),
            (None, Some(x)) => Some(BTreeSet::from([x.clone()])),
            (None, None) => None,
        };
        Ok(QaQuery {
            from: f.from,
            to: f.to,
            stores: narrow(scope.stores.clone(), &f.store),
            agents: narrow(scope.agents.clone(), &f.agent),
            rule: f.rule.clone(),
            conversation: None,
            limit: f.limit,
            worst: false,
        })
    }

    /// The stores' engine parameters (their clocks), by code.
    pub(crate) async fn store_params(&self) -> Result<HashMap<String, Params>> {
        let mut out = HashMap::new();
        for (code, s) in self.app.db.stores().await? {
            let p = Params::new(&s).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
            out.insert(code, p);
        }
        Ok(out)
    }

    /// An instant as local `YYYY-MM-DD HH:MM:SS` in a visible store's time
    /// zone (how sessions are named on pages and in answers).
    pub async fn local_time(&self, store: &str, utc_ms: i64) -> Result<String> {
        let s = self.store(store).await?;
        let p = Params::new(&s).map_err(|e| Error::Internal(anyhow::anyhow!(e)))?;
        Ok(kefu_kpi::sessions::local_text(&p, utc_ms))
    }

    /// Findings within the scope (spec §5 rows), by day, store, buyer and
    /// session.
    pub async fn qa_findings(&self, f: &QaFilter) -> Result<Vec<FindingRow>> {
        let q = self.qa_query(f)?;
        let rows = self.app.db.qa_findings(&q).await?;
        let params = self.store_params().await?;
        Ok(rows.into_iter().map(|r| finding_row(r, &params)).collect())
    }

    /// The findings of one conversation of a visible store within the
    /// scope (the transcript marks them).
    pub async fn qa_conversation_findings(
        &self,
        store: &str,
        conv_id: i64,
    ) -> Result<Vec<FindingRow>> {
        let mut q = self.qa_query(&QaFilter {
            store: Some(store.to_string()),
            ..Default::default()
        })?;
        q.conversation = Some(conv_id);
        let rows = self.app.db.qa_findings(&q).await?;
        let params = self.store_params().await?;
        Ok(rows.into_iter().map(|r| finding_row(r, &params)).collect())
    }

    /// Scores per group within the scope (spec §5 rows).
    pub async fn qa_scores(&self, g: ScoreGrouping, f: &QaFilter) -> Result<Vec<ScoreRow>> {
        let q = self.qa_query(f)?;
        let rows = self.app.db.qa_scores(g, &q).await?;
        Ok(rows.into_iter().map(|t| ScoreRow::of(t, g)).collect())
    }

    /// The sessions the samples of the filter's days queued for review
    /// (inspectors and managers), with the reason each was drawn.
    pub async fn qa_queue(&self, f: &QaFilter) -> Result<Vec<(kefu_db::qa::QaSession, String)>> {
        self.require(Action::Review)?;
        let q = self.qa_query(f)?;
        Ok(self.app.db.qa_queue(&q).await?)
    }

    /// The manual sessions of the filter with the lowest scores (final,
    /// else auto), at most `n`.
    pub async fn qa_worst(&self, f: &QaFilter, n: i64) -> Result<Vec<kefu_db::qa::QaSession>> {
        let mut q = self.qa_query(f)?;
        q.worst = true;
        q.limit = Some(n);
        Ok(self.app.db.qa_sessions(&q).await?)
    }

    /// Every rule-set version (managers and inspectors).
    pub async fn qa_rule_versions(&self) -> Result<Vec<RuleVersion>> {
        self.require(Action::EditQaRules)?;
        Ok(self.app.db.qa_rule_versions().await?)
    }

    /// The TOML in force: the provider's rule set, or a store's overrides
    /// (empty when it has none). Before any version is stored, the shipped
    /// default.
    pub async fn qa_rules_export(&self, store: Option<&str>) -> Result<String> {
        let versions = self.qa_rule_versions().await?;
        if let Some(code) = store {
            self.store(code).await?;
        }
        let latest = versions.iter().rev().find(|v| v.store.as_deref() == store);
        Ok(match (latest, store) {
            (Some(v), _) => v.body.clone(),
            (None, None) => kefu_qa::DEFAULT_RULES.to_string(),
            (None, Some(_)) => String::new(),
        })
    }

    /// The provider's rule set in force, read.
    async fn provider_set(&self) -> Result<kefu_qa::RuleSet> {
        let text = self.qa_rules_export(None).await?;
        kefu_qa::read_rule_set(&text).map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))
    }

    /// The rule set a provider set or a store's overrides make, checked to
    /// read and compile (overrides against the provider's set in force).
    async fn checked_rules(&self, store: Option<&str>, text: &str) -> Result<kefu_qa::RuleSet> {
        let provider = self.provider_set().await?;
        let set = match store {
            None => kefu_qa::read_rule_set(text).map_err(file_error)?,
            Some(code) => {
                self.store(code).await?;
                let o = kefu_qa::read_overrides(text, &provider).map_err(file_error)?;
                provider.with_overrides(&o)
            }
        };
        if set.rules.is_empty() {
            return Err(Error::invalid(
                "rules",
                "规则集没有任何规则",
                "the rule set has no rule",
            ));
        }
        kefu_qa::Inspector::new(&set, 0).map_err(|e| {
            Error::invalid(
                "rules",
                format!("规则 {}：{}", e.rule, e.zh),
                format!("rule {}: {}", e.rule, e.en),
            )
        })?;
        Ok(set)
    }

    /// Tries a draft before publishing it (managers and inspectors): the
    /// provider's set (`store` None) or a store's overrides, over the
    /// `days` local days that end with the latest inspected day, against
    /// the rules in force. Stores nothing.
    pub async fn qa_try(
        &self,
        store: Option<&str>,
        text: &str,
        days: i32,
    ) -> Result<(i32, i32, kefu_db::qa::Trial)> {
        self.require(Action::EditQaRules)?;
        self.checked_rules(store, text).await?;
        if !(1..=92).contains(&days) {
            return Err(Error::invalid(
                "days",
                "天数应在 1 到 92 之间",
                "days must be from 1 to 92",
            ));
        }
        let Some(to) = self.app.db.qa_latest_day().await? else {
            return Ok((0, 0, kefu_db::qa::Trial::default()));
        };
        let from = to - days + 1;
        let stores = store.map(|s| BTreeSet::from([s.to_string()]));
        let (provider, overrides) = match store {
            None => (text.to_string(), None),
            Some(code) => (self.qa_rules_export(None).await?, Some((code, text))),
        };
        let trial = self
            .app
            .db
            .qa_trial(stores.as_ref(), from, to, &provider, overrides, 100)
            .await?;
        Ok((from, to, trial))
    }

    /// Stores a new version of the provider's rule set (`store` None) or of
    /// a store's overrides, after checking it reads and compiles (against
    /// the provider's set in force, for overrides). Returns its number.
    /// Findings keep their version until inspected again ([`Gate::qa_run`]).
    pub async fn qa_rules_import(
        &self,
        store: Option<&str>,
        text: &str,
        note: &str,
    ) -> Result<i64> {
        self.require(Action::EditQaRules)?;
        let set = self.checked_rules(store, text).await?;
        let _turn = self.app.write_turn().await?;
        let subject = store.unwrap_or("provider");
        let entry = self.entry("qa.rules", subject, format!("{} rules", set.rules.len()));
        let version = self
            .app
            .db
            .qa_add_rule_version(store, text, note, &entry)
            .await?;
        self.app.written();
        Ok(version)
    }

    /// Inspects again, with the rules in force, the conversations of a
    /// store (all when `None`) with messages on the days given; pinned
    /// (reviewed or appealed) sessions keep their findings.
    pub async fn qa_run(
        &self,
        store: Option<&str>,
        from: Option<i32>,
        to: Option<i32>,
    ) -> Result<Reinspected> {
        self.require(Action::EditQaRules)?;
        let stores = match store {
            Some(code) => {
                self.store(code).await?;
                Some(BTreeSet::from([code.to_string()]))
            }
            None => None,
        };
        let _turn = self.app.write_turn().await?;
        let range = match (from, to) {
            (None, None) => "all days".to_string(),
            _ => format!(
                "{}..{}",
                from.map(kefu_domain::time::format_day).unwrap_or_default(),
                to.map(kefu_domain::time::format_day).unwrap_or_default()
            ),
        };
        let entry = self.entry("qa.run", store.unwrap_or("all stores"), range);
        let done = self
            .app
            .db
            .qa_reinspect(stores.as_ref(), from, to, &entry)
            .await?;
        self.app.written();
        Ok(done)
    }

    /// The review sample of a day (inspectors and managers): the stored one,
    /// or one drawn now with `seed` (random when `None`) and `share_permille`
    /// from that day's inspected sessions (spec §3).
    pub async fn qa_sample(
        &self,
        day: i32,
        seed: Option<u64>,
        share_permille: Option<i64>,
    ) -> Result<SampleView> {
        self.require(Action::Review)?;
        if let Some(sample) = self.app.db.qa_sample(day).await? {
            return Ok(SampleView {
                sample,
                drawn_now: false,
            });
        }
        let share_permille = share_permille.unwrap_or(DEFAULT_SHARE_PERMILLE);
        if !(0..=1000).contains(&share_permille) {
            return Err(Error::invalid(
                "share",
                "抽检比例应在 0 到 100% 之间",
                "the share must be from 0 to 100 %",
            ));
        }
        let seed = match seed {
            Some(s) => s,
            None => random_seed()?,
        };
        let sessions = self
            .app
            .db
            .qa_sessions(&QaQuery {
                from: Some(day),
                to: Some(day),
                ..Default::default()
            })
            .await?;
        let candidates: Vec<kefu_qa::sample::Candidate> = sessions
            .iter()
            .map(|s| kefu_qa::sample::Candidate {
                name: format!("{}\u{0}{}\u{0}{}", s.store, s.buyer, s.start_ms),
                agent: s.agent.clone(),
                critical: s.critical,
                manual: s.kind == 0,
            })
            .collect();
        let drawn = kefu_qa::sample::draw(seed, share_permille as f64 / 1000.0, &candidates);
        let sample = kefu_db::qa::Sample {
            day,
            seed,
            share_permille,
            created_at_ms: crate::now_ms(),
            created_by: self.actor.name(),
            sessions: drawn
                .into_iter()
                .map(|i| {
                    let reason = if sessions[i].critical {
                        "critical"
                    } else {
                        "random"
                    };
                    (
                        sessions[i].conv_id,
                        sessions[i].start_ms,
                        reason.to_string(),
                    )
                })
                .collect(),
        };
        let _turn = self.app.write_turn().await?;
        let entry = self.entry(
            "qa.sample",
            &kefu_domain::time::format_day(day),
            format!("seed {seed}, {} sessions", sample.sessions.len()),
        );
        let drawn_now = self.app.db.qa_save_sample(&sample, &entry).await?;
        self.app.written();
        let sample = self.app.db.qa_sample(day).await?.unwrap_or(sample);
        Ok(SampleView { sample, drawn_now })
    }
}

/// A rule or scorecard file's error as the service's: the place and what
/// is wrong, in both languages.
pub(crate) fn file_error(e: kefu_qa::FileError) -> Error {
    Error::invalid(
        "rules",
        format!("{}：{}", e.place, e.zh),
        format!("{}: {}", e.place, e.en),
    )
}

fn random_seed() -> Result<u64> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Internal(anyhow::anyhow!("no random seed: {e}")))?;
    Ok(u64::from_le_bytes(bytes))
}

fn finding_row(f: QaFinding, params: &HashMap<String, Params>) -> FindingRow {
    let session_start = match params.get(&f.store) {
        Some(p) => kefu_kpi::sessions::local_text(p, f.start_ms),
        None => f.start_ms.to_string(),
    };
    FindingRow {
        id: f.id,
        store: f.store,
        buyer: f.buyer,
        session_start,
        message_id: f.message_id,
        agent: f.agent,
        rule: f.rule,
        kind: f.kind,
        severity: f.severity,
        points: f.points,
        matched: f.matched,
        span: f.span.map(|(a, b)| [a, b]),
        version: f.version,
        conv_id: f.conv_id,
        start_ms: f.start_ms,
    }
}
