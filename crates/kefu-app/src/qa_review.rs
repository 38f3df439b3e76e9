//! Review (人工抽检) and appeal (申诉) of inspected sessions (spec §3), with
//! every rule of who may do what:
//!
//! - inspectors and managers review (one review per session) and decide
//!   appeals, but never an appeal of a session they reviewed themselves;
//! - an agent appeals findings and reviews of their own sessions, a team
//!   lead those of their team, once each, with a reason;
//! - everyone who sees the session sees its review and appeals, except
//!   that clients never see the inspectors' internal comments.
//!
//! Every step is recorded with who and when; nothing is deleted. The final
//! score follows `kefu_qa::review::final_score`.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_db::qa::{
    Appeal, AppealQuery, Decision, NewAppeal, NewReview, QaSessionDetail, ReviewItem,
};
use kefu_qa::review::{ReviewOutcome, ScoreInputs, ScoreItem, final_score};
use std::collections::BTreeSet;

/// What an inspector decides in a review.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewRequest {
    /// The ids of the scorecard items that failed (the others passed).
    pub failed_items: Vec<String>,
    /// The ids of the findings dismissed (the others are confirmed).
    pub dismissed: Vec<i64>,
    /// The inspector's internal comment.
    pub comment: String,
}

/// The score inputs of a session as stored, with a review in place of the
/// stored one when given.
fn inputs(d: &QaSessionDetail, review: Option<ReviewOutcome>) -> ScoreInputs {
    let review = review.or_else(|| {
        d.review.as_ref().map(|r| ReviewOutcome {
            items: r.items.iter().map(|i| (i.item.clone(), i.failed)).collect(),
            dismissed: r
                .decisions
                .iter()
                .filter(|(_, c)| !c)
                .map(|(f, _)| *f)
                .collect(),
        })
    });
    let overturned = |a: &Appeal| a.upheld == Some(false);
    ScoreInputs {
        findings: d
            .findings
            .iter()
            .map(|f| (f.id, f.points.max(0) as u32))
            .collect(),
        review,
        review_overturned: d
            .appeals
            .iter()
            .any(|a| a.review_id.is_some() && overturned(a)),
        overturned: d
            .appeals
            .iter()
            .filter(|a| overturned(a))
            .filter_map(|a| a.finding_id)
            .collect(),
    }
}

impl Gate {
    /// An inspected session with its findings, review and appeals, when
    /// visible: its store, and (for a scope of some agents) its receiving
    /// agent or the agent of one of its findings. Clients get it without
    /// the inspectors' comments.
    pub async fn qa_session(&self, conv_id: i64, start_ms: i64) -> Result<QaSessionDetail> {
        let scope = &self.actor.scope;
        let mut d = self
            .app
            .db
            .qa_session(conv_id, start_ms)
            .await?
            .ok_or(Error::NotFound)?;
        let agents = d
            .session
            .agent
            .iter()
            .chain(d.findings.iter().filter_map(|f| f.agent.as_ref()));
        if !scope.sees_store(&d.session.store) || !scope.sees_any_agent(agents.map(String::as_str))
        {
            return Err(Error::NotFound);
        }
        if !scope.may(Action::ReadQaComments) {
            if let Some(r) = &mut d.review {
                r.comment.clear();
            }
            for a in &mut d.appeals {
                a.decision_reason = None;
            }
        }
        Ok(d)
    }

    /// The provider's scorecard in force: the one it set, else
    /// [`kefu_qa::review::default_scorecard`].
    pub async fn qa_scorecard(&self) -> Result<Vec<ScoreItem>> {
        let stored = self.app.db.qa_scorecard().await?;
        Ok(if stored.is_empty() {
            kefu_qa::review::default_scorecard()
        } else {
            stored
        })
    }

    /// Replaces the scorecard (managers and inspectors): ids unique and not
    /// empty, names given, points from 0 to 100.
    pub async fn qa_set_scorecard(&self, items: &[ScoreItem]) -> Result<()> {
        self.require(Action::EditQaRules)?;
        let mut seen = BTreeSet::new();
        for (i, item) in items.iter().enumerate() {
            let n = i + 1;
            if item.id.trim().is_empty() || !seen.insert(item.id.trim()) {
                return Err(Error::invalid(
                    "item",
                    format!("第 {n} 项：编号为空或重复"),
                    format!("item {n}: the id is empty or repeated"),
                ));
            }
            if item.name.trim().is_empty() {
                return Err(Error::invalid(
                    "name",
                    format!("第 {n} 项：名称为空"),
                    format!("item {n}: the name is empty"),
                ));
            }
            if item.points > 100 {
                return Err(Error::invalid(
                    "points",
                    format!("第 {n} 项：扣分应在 0 到 100 之间"),
                    format!("item {n}: points must be from 0 to 100"),
                ));
            }
        }
        let _turn = self.app.write_turn().await?;
        let entry = self.entry(
            "qa.scorecard",
            "scorecard",
            format!("{} items", items.len()),
        );
        self.app.db.qa_set_scorecard(items, &entry).await?;
        self.app.written();
        Ok(())
    }

    /// The scorecard in force as TOML ([`kefu_qa::scorecard`]; managers
    /// and inspectors).
    pub async fn qa_scorecard_export(&self) -> Result<String> {
        self.require(Action::EditQaRules)?;
        Ok(kefu_qa::scorecard::write_scorecard(
            &self.qa_scorecard().await?,
        ))
    }

    /// Replaces the scorecard with the items of a TOML text; refused with
    /// the item and field when it does not read, and nothing changes.
    pub async fn qa_scorecard_import(&self, text: &str) -> Result<usize> {
        self.require(Action::EditQaRules)?;
        let items = kefu_qa::scorecard::read_scorecard(text).map_err(crate::qa::file_error)?;
        self.qa_set_scorecard(&items).await?;
        Ok(items.len())
    }

    /// Reviews a session (inspectors and managers): the whole scorecard in
    /// force is scored, the findings named are dismissed and the others
    /// confirmed. A session is reviewed once. Returns the review's id.
    pub async fn qa_review(&self, conv_id: i64, start_ms: i64, r: &ReviewRequest) -> Result<i64> {
        self.require(Action::Review)?;
        let d = self.qa_session(conv_id, start_ms).await?;
        if d.review.is_some() {
            return Err(Error::conflict(
                "这个会话已经复核过了",
                "this session has been reviewed already",
            ));
        }
        let card = self.qa_scorecard().await?;
        if let Some(unknown) = r
            .failed_items
            .iter()
            .find(|id| !card.iter().any(|i| &i.id == *id))
        {
            return Err(Error::invalid(
                "items",
                format!("评分表中没有“{unknown}”"),
                format!("the scorecard has no item '{unknown}'"),
            ));
        }
        if let Some(unknown) = r
            .dismissed
            .iter()
            .find(|id| !d.findings.iter().any(|f| f.id == **id))
        {
            return Err(Error::invalid(
                "dismissed",
                format!("这个会话没有问题 {unknown}"),
                format!("this session has no finding {unknown}"),
            ));
        }
        let failed: BTreeSet<&String> = r.failed_items.iter().collect();
        let items: Vec<(ScoreItem, bool)> = card
            .into_iter()
            .map(|i| {
                let f = failed.contains(&i.id);
                (i, f)
            })
            .collect();
        let dismissed: BTreeSet<i64> = r.dismissed.iter().copied().collect();
        let outcome = ReviewOutcome {
            items: items.clone(),
            dismissed: dismissed.clone(),
        };
        // The reviewed score is the review's own judgement; the final score
        // also takes appeals decided before it.
        let score = final_score(&ScoreInputs {
            findings: d
                .findings
                .iter()
                .map(|f| (f.id, f.points.max(0) as u32))
                .collect(),
            review: Some(outcome.clone()),
            ..Default::default()
        });
        let final_now = final_score(&inputs(&d, Some(outcome)));
        let review = NewReview {
            conv_id,
            start_ms,
            inspector_id: self.actor.user_id(),
            inspector: self.actor.name(),
            score: i64::from(score),
            final_score: d.session.auto_score.map(|_| i64::from(final_now)),
            comment: r.comment.trim().to_string(),
            at_ms: crate::now_ms(),
            items: items
                .into_iter()
                .map(|(item, failed)| ReviewItem { item, failed })
                .collect(),
            decisions: d
                .findings
                .iter()
                .map(|f| (f.id, !dismissed.contains(&f.id)))
                .collect(),
        };
        let _turn = self.app.write_turn().await?;
        let entry = self.entry(
            "qa.review",
            &format!("{}/{}/{}", d.session.store, d.session.buyer, start_ms),
            format!("score {score}, {} dismissed", dismissed.len()),
        );
        let id = self.app.db.qa_add_review(&review, &entry).await?;
        self.app.written();
        id.ok_or_else(|| {
            Error::conflict(
                "这个会话已经复核过了",
                "this session has been reviewed already",
            )
        })
    }

    /// Appeals a finding (`finding` given) or the session's review (agents
    /// for their own sessions, team leads for their team's), once, with a
    /// reason. Returns the appeal's id.
    pub async fn qa_appeal(
        &self,
        conv_id: i64,
        start_ms: i64,
        finding: Option<i64>,
        reason: &str,
    ) -> Result<i64> {
        self.require(Action::Appeal)?;
        let d = self.qa_session(conv_id, start_ms).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "reason",
                "请写明申诉理由",
                "give the reason for the appeal",
            ));
        }
        let (agent, review_id) = match finding {
            Some(id) => {
                let f = d
                    .findings
                    .iter()
                    .find(|f| f.id == id)
                    .ok_or(Error::NotFound)?;
                let dismissed = d
                    .review
                    .as_ref()
                    .is_some_and(|r| r.decisions.contains(&(id, false)));
                if dismissed {
                    return Err(Error::invalid(
                        "finding",
                        "这个问题已被复核撤销，无需申诉",
                        "this finding was dismissed in review",
                    ));
                }
                (f.agent.clone(), None)
            }
            None => {
                let r = d.review.as_ref().ok_or_else(|| {
                    Error::invalid(
                        "review",
                        "这个会话还没有复核，无法申诉复核",
                        "this session has no review to appeal",
                    )
                })?;
                (d.session.agent.clone(), Some(r.id))
            }
        };
        // Only one's own (or one's team's) findings and reviews.
        if !agent
            .as_deref()
            .is_some_and(|a| self.actor.scope.sees_agent(a))
        {
            return Err(Error::NotFound);
        }
        let appeal = NewAppeal {
            finding_id: finding,
            review_id,
            conv_id,
            start_ms,
            agent,
            by_user_id: self.actor.user_id(),
            by_user: self.actor.name(),
            reason: reason.to_string(),
            at_ms: crate::now_ms(),
        };
        let _turn = self.app.write_turn().await?;
        let what = finding.map_or("review".to_string(), |f| format!("finding {f}"));
        let entry = self.entry(
            "qa.appeal",
            &format!("{}/{}/{}", d.session.store, d.session.buyer, start_ms),
            what,
        );
        let id = self.app.db.qa_add_appeal(&appeal, &entry).await?;
        self.app.written();
        id.ok_or_else(|| {
            Error::conflict(
                "已经申诉过了：每个问题或复核只能申诉一次",
                "appealed already: each finding or review may be appealed once",
            )
        })
    }

    /// Decides an open appeal (inspectors and managers other than the
    /// session's reviewer): upheld or overturned, with a reason; the final
    /// score follows.
    pub async fn qa_decide(&self, appeal_id: i64, upheld: bool, reason: &str) -> Result<()> {
        self.require(Action::Review)?;
        let appeal = self
            .app
            .db
            .qa_appeals(&AppealQuery {
                id: Some(appeal_id),
                ..Default::default()
            })
            .await?
            .into_iter()
            .next()
            .ok_or(Error::NotFound)?;
        let mut d = self.qa_session(appeal.conv_id, appeal.start_ms).await?;
        if appeal.decided_by.is_some() {
            return Err(Error::conflict(
                "这个申诉已经裁决过了",
                "this appeal has been decided already",
            ));
        }
        if let Some(r) = &d.review {
            let same = match (r.inspector_id, self.actor.user_id()) {
                (Some(a), Some(b)) => a == b,
                _ => r.inspector == self.actor.name(),
            };
            if same {
                return Err(Error::conflict(
                    "复核人不能裁决针对自己复核会话的申诉，请由另一位质检员裁决",
                    "the reviewer of this session cannot decide its appeals: a second inspector must",
                ));
            }
        }
        for a in &mut d.appeals {
            if a.id == appeal_id {
                a.upheld = Some(upheld);
            }
        }
        let final_now = final_score(&inputs(&d, None));
        let decision = Decision {
            appeal_id,
            by_id: self.actor.user_id(),
            by: self.actor.name(),
            upheld,
            reason: reason.trim().to_string(),
            at_ms: crate::now_ms(),
            final_score: d.session.auto_score.map(|_| i64::from(final_now)),
        };
        let _turn = self.app.write_turn().await?;
        let entry = self.entry(
            "qa.decide",
            &format!("appeal {appeal_id}"),
            if upheld {
                "upheld".into()
            } else {
                "overturned".into()
            },
        );
        let done = self.app.db.qa_decide_appeal(&decision, &entry).await?;
        self.app.written();
        if done {
            Ok(())
        } else {
            Err(Error::conflict(
                "这个申诉已经裁决过了",
                "this appeal has been decided already",
            ))
        }
    }

    /// Appeals within the scope, oldest first (open ones only when asked).
    pub async fn qa_appeals(&self, open_only: bool) -> Result<Vec<Appeal>> {
        let scope = &self.actor.scope;
        let mut out = self
            .app
            .db
            .qa_appeals(&AppealQuery {
                open_only,
                stores: scope.stores.clone(),
                agents: scope.agents.clone(),
                ..Default::default()
            })
            .await?;
        if !scope.may(Action::ReadQaComments) {
            for a in &mut out {
                a.decision_reason = None;
            }
        }
        Ok(out)
    }
}
