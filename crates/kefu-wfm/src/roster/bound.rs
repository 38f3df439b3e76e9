//! A lower bound on the uncovered agent-intervals of any feasible roster,
//! so that a benchmark can tell how far a roster is from the best possible
//! (unweighted by store priority).
//!
//! An agent is on duty in a slot for at most one post (one shift a day,
//! and the rest rule keeps shifts from overlapping), so per slot `g`:
//!
//! - a post `p` gets at most `n(p, g)` agents: those who may work it and
//!   are not on leave on some day whose shift covers `g`; it stays short of
//!   at least Σₚ max(0, r(p, g) − n(p, g));
//! - all posts together get at most `N(g)`, the distinct agents counted in
//!   any `n(p, g)`; they stay short of at least Σₚ r(p, g) − N(g).
//!
//! The larger of the two holds for the slot; over the plan their sum holds,
//! and so does Σ r − Σₐ capₐ, where an agent's capacity capₐ is, per week,
//! the fewer of its paid minutes allowed ÷ the interval and its days not on
//! leave × the longest template's intervals on duty (0 for an agent who
//! may work no post). The bound is the larger of the two totals.
//!
//! [`strong_lower_bound`] adds the aggregate relaxation of the module
//! `roster/relax` (shift counts per day and post, limited by the
//! agents available each day and by what one agent can work in a week),
//! which stays above zero when agents are short; it is a linear programme
//! and takes seconds on 150 agents over 28 days.

use crate::roster::error::InstanceError;
use crate::roster::instance::Instance;
use crate::roster::model::Model;
use serde::Serialize;

/// Required agent-intervals and a lower bound on those any roster leaves
/// uncovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LowerBound {
    /// Σ of agents required over all slots.
    pub required: u64,
    /// No feasible roster leaves fewer agent-intervals uncovered.
    pub uncovered_at_least: u64,
    /// No feasible roster leaves fewer uncovered agent-intervals weighted
    /// by their store's priority (the objective's first term).
    pub weighted_uncovered_at_least: u64,
}

impl LowerBound {
    /// The most agent-intervals any roster can cover.
    pub fn coverable_at_most(&self) -> u64 {
        self.required - self.uncovered_at_least.min(self.required)
    }

    /// A roster's covered agent-intervals (required − `uncovered`) as a
    /// share of [`LowerBound::coverable_at_most`] (1 when nothing can be
    /// covered).
    pub fn share_of_best(&self, uncovered: u64) -> f64 {
        let best = self.coverable_at_most();
        if best == 0 {
            1.0
        } else {
            self.required.saturating_sub(uncovered) as f64 / best as f64
        }
    }
}

/// The lower bound of `instance`, as the module docs say.
pub fn lower_bound(instance: &Instance) -> Result<LowerBound, InstanceError> {
    let m = Model::new(instance)?;
    let posts = m.posts.len();
    let required: u64 = m.required.iter().map(|&r| r.max(0) as u64).sum();
    let mut by_slots = 0u64;
    let mut counted = vec![usize::MAX; m.agents];
    for slot in 0..m.slot_count {
        let days: Vec<usize> = {
            let mut d: Vec<usize> = m.coverers(slot).map(|(_, day)| day).collect();
            d.dedup();
            d
        };
        let (mut per_post, mut total_required, mut distinct) = (0u64, 0u64, 0u64);
        for p in 0..posts {
            let r = m.required[p * m.slot_count + slot].max(0) as u64;
            if r == 0 {
                continue;
            }
            total_required += r;
            let mut n = 0u64;
            for &a in &m.agents_for[p] {
                if days.iter().any(|&d| !m.leave[a * m.days + d]) {
                    n += 1;
                    if counted[a] != slot {
                        counted[a] = slot;
                        distinct += 1;
                    }
                }
            }
            per_post += r.saturating_sub(n);
        }
        by_slots += per_post.max(total_required.saturating_sub(distinct));
    }
    let longest = m
        .templates
        .iter()
        .map(|t| t.duty.len() as u64)
        .max()
        .unwrap_or(0);
    let per_week = u64::from(m.max_week_minutes / instance.interval_minutes);
    let mut capacity = 0u64;
    for a in (0..m.agents).filter(|&a| !m.posts_of[a].is_empty()) {
        for w in 0..m.weeks {
            let free = (w * 7..(w * 7 + 7).min(m.days))
                .filter(|&d| !m.leave[a * m.days + d])
                .count() as u64;
            capacity += per_week.min(free * longest);
        }
    }
    let uncovered_at_least = by_slots.max(required.saturating_sub(capacity));
    Ok(LowerBound {
        required,
        uncovered_at_least,
        // Priorities are 1 or more.
        weighted_uncovered_at_least: uncovered_at_least,
    })
}

/// The larger of [`lower_bound`] and the aggregate relaxation's bound,
/// unweighted and weighted, after `iterations` of its dual method (a few
/// thousand suffice for small instances; 20,000 for 150 agents × 28 days).
pub fn strong_lower_bound(
    instance: &Instance,
    iterations: usize,
) -> Result<LowerBound, InstanceError> {
    let simple = lower_bound(instance)?;
    let m = Model::new(instance)?;
    let plain = crate::roster::relax::relaxation_bound(&m, false, iterations);
    let uncovered_at_least = simple.uncovered_at_least.max(plain).min(simple.required);
    let weighted = if m.posts.iter().all(|p| p.priority == 1) {
        uncovered_at_least
    } else {
        crate::roster::relax::relaxation_bound(&m, true, iterations)
    };
    Ok(LowerBound {
        uncovered_at_least,
        weighted_uncovered_at_least: weighted.max(uncovered_at_least),
        ..simple
    })
}
