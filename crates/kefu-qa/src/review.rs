//! Review (人工抽检), appeal (申诉) and the final score (spec §3).
//!
//! An inspector scores a session on the provider's scorecard and confirms
//! or dismisses each automatic finding; an agent or their team lead may
//! appeal a finding or the review once; a second inspector upholds or
//! overturns the appeal. The final score follows from what stands:
//!
//! - the findings in force are the session's findings less those the
//!   review dismissed and those whose appeal was overturned;
//! - with a review that stands, the score is 0 when a critical scorecard
//!   item failed, else 100 minus the points of the findings in force and
//!   of the failed items (never below 0);
//! - without a review, or when the review's appeal was overturned (its
//!   scorecard deductions fall; its dismissals stand), 100 minus the
//!   points of the findings in force.

use std::collections::BTreeSet;

/// An item of the provider's scorecard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreItem {
    /// Its id (stable; reviews name it).
    pub id: String,
    /// What it checks, as shown.
    pub name: String,
    /// Points deducted when it fails.
    pub points: u32,
    /// A failed critical item fails the whole session (score 0).
    pub critical: bool,
}

/// The scorecard a provider starts with, until it sets its own: what
/// inspectors of e-commerce chat commonly score by hand.
pub fn default_scorecard() -> Vec<ScoreItem> {
    let item = |id: &str, name: &str, points: u32, critical: bool| ScoreItem {
        id: id.into(),
        name: name.into(),
        points,
        critical,
    };
    vec![
        item("courtesy", "礼貌用语与服务态度", 5, false),
        item("accuracy", "业务解答准确", 10, false),
        item("ownership", "主动跟进、解决问题", 5, false),
        item("upsell", "推荐关联商品、促成下单", 5, false),
        item("privacy", "泄露买家信息或引导站外交易（致命）", 0, true),
    ]
}

/// What a review decided.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewOutcome {
    /// The scorecard items as scored, with whether each failed.
    pub items: Vec<(ScoreItem, bool)>,
    /// The findings it dismissed (by id).
    pub dismissed: BTreeSet<i64>,
}

/// Everything the final score of a session follows from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreInputs {
    /// The session's findings as (id, points).
    pub findings: Vec<(i64, u32)>,
    /// Its review, when there is one.
    pub review: Option<ReviewOutcome>,
    /// Whether an appeal against the review was overturned.
    pub review_overturned: bool,
    /// Findings whose appeal was overturned.
    pub overturned: BTreeSet<i64>,
}

/// The final score of a session (see the module's rules).
pub fn final_score(s: &ScoreInputs) -> u32 {
    let dismissed = s.review.as_ref().map(|r| &r.dismissed);
    let in_force: u32 = s
        .findings
        .iter()
        .filter(|(id, _)| !s.overturned.contains(id) && !dismissed.is_some_and(|d| d.contains(id)))
        .map(|(_, p)| *p)
        .fold(0, u32::saturating_add);
    let (items, fails_session) = match (&s.review, s.review_overturned) {
        (Some(r), false) => {
            let failed = r.items.iter().filter(|(_, failed)| *failed);
            let points = failed
                .clone()
                .map(|(i, _)| i.points)
                .fold(0, u32::saturating_add);
            (points, failed.into_iter().any(|(i, _)| i.critical))
        }
        _ => (0, false),
    };
    if fails_session {
        0
    } else {
        100u32.saturating_sub(in_force.saturating_add(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, points: u32, critical: bool) -> ScoreItem {
        ScoreItem {
            id: id.into(),
            name: id.into(),
            points,
            critical,
        }
    }

    #[test]
    fn the_final_score_follows_what_stands() {
        let mut s = ScoreInputs {
            findings: vec![(1, 20), (2, 3), (3, 10)],
            ..Default::default()
        };
        assert_eq!(final_score(&s), 67, "the auto score without a review");
        s.overturned.insert(3);
        assert_eq!(final_score(&s), 77, "an overturned finding falls");
        s.review = Some(ReviewOutcome {
            items: vec![
                (item("tone", 5, false), true),
                (item("accuracy", 10, false), false),
            ],
            dismissed: BTreeSet::from([2]),
        });
        assert_eq!(final_score(&s), 75, "100 - 20 - 5");
        s.review_overturned = true;
        assert_eq!(
            final_score(&s),
            80,
            "the review's deductions fall, its dismissals stand"
        );
        s.review_overturned = false;
        s.review
            .as_mut()
            .expect("review")
            .items
            .push((item("privacy", 0, true), true));
        assert_eq!(
            final_score(&s),
            0,
            "a failed critical item fails the session"
        );
        s.findings = vec![(1, 90), (2, 90)];
        s.review = None;
        s.overturned.clear();
        assert_eq!(final_score(&s), 0, "never below 0");
    }
}
