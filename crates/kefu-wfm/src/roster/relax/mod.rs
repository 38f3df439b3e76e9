//! The aggregate relaxation of a roster instance: a lower bound on the
//! (priority-weighted) agent-intervals that any roster keeping the hard
//! rules leaves uncovered, much stronger than the per-slot counts of
//! [`crate::roster::bound`] when agents are short.
//!
//! **The relaxation.** Given any feasible roster, let y(d, k, p) be the
//! agents working template k for post p (store and skill) on day d, and
//! u(p, g) = max(0, r(p, g) − on duty) the agents missing at slot g. Then:
//!
//! 1. *coverage*: u(p, g) + Σ y(d, k, p) over the (d, k) on duty at g ≥
//!    r(p, g), and 0 ≤ u ≤ r (a break or the time after a shift does not
//!    count: duty slots are exactly the template's);
//! 2. *a day*: an agent works at most one shift a day, and only posts it
//!    may work, not on leave; so for every set Q of posts Σ_{p∈Q,k}
//!    y(d, k, p) ≤ the agents not on leave on d who may work some post of
//!    Q (in particular each y ≤ its post's agents available);
//! 3. *a week*: for every agent and week (7 days from the plan's start)
//!    the counts n(k) of its shifts of each template are whole numbers
//!    with Σ paid(k) n(k) ≤ the week's paid minutes allowed and Σ n(k) ≤
//!    the most days it can work that week (its leave kept and no run longer
//!    than `max_consecutive_days`); so for weights α ≥ 0, α·n ≤ β(α), the
//!    most α·n over such whole counts ([`patterns`]); summing over the
//!    agents who may work some post of Q: Σ_{d∈week, p∈Q, k} α(k) y ≤
//!    Σ_a β_a(α). The weights used: each set of templates counted once (all
//!    sets up to 6 templates, else each alone and all together) and each
//!    template's duty intervals;
//! 4. *a window*: in any `max_consecutive_days` + 1 days in a row an agent
//!    works at most the most days its leave and the run limit allow, summed
//!    as in 3.
//!
//! Every feasible roster gives a point of this linear programme with the
//! same uncovered total, so the programme's minimum is at most the least
//! any roster leaves: a lower bound (the rest rule and the interplay of one
//! agent's days are left out, which only lowers it). The programme is
//! solved approximately, but the bound taken is the dual bound of
//! [`pdhg::Lp::dual_bound`], valid for any duals; rounded up less 1e-6, as
//! uncovered totals are whole numbers.

use crate::roster::model::Model;
use std::collections::BTreeSet;

mod patterns;
pub(crate) mod pdhg;

use pdhg::Lp;

/// The lower bound of the relaxation on uncovered agent-intervals, each
/// weighted by its store's priority when `weighted`, after `iterations`
/// of the dual method.
pub(crate) fn relaxation_bound(m: &Model, weighted: bool, iterations: usize) -> u64 {
    let lp = build(m, weighted);
    let (bound, _) = lp.best_dual(iterations);
    let rounded = (bound - 1e-6 * (1.0 + bound.abs())).ceil();
    if rounded > 0.0 { rounded as u64 } else { 0 }
}

/// The programme of the module docs.
pub(crate) fn build(m: &Model, weighted: bool) -> Lp {
    let (days, posts) = (m.days, m.posts.len());
    let templates: Vec<usize> = (0..m.templates.len())
        .filter(|&k| !m.templates[k].duty.is_empty())
        .collect();
    let free = |a: usize, d: usize| !m.leave[a * m.days + d];
    let available: Vec<u32> = (0..days * posts)
        .map(|i| {
            let (d, p) = (i / posts, i % posts);
            m.agents_for[p].iter().filter(|&&a| free(a, d)).count() as u32
        })
        .collect();
    let (mut c, mut upper) = (Vec::new(), Vec::new());
    let t_count = m.templates.len();
    let mut column = vec![usize::MAX; days * t_count * posts];
    for d in 0..days {
        for &k in &templates {
            for p in 0..posts {
                let a = available[d * posts + p];
                if a > 0 {
                    column[(d * t_count + k) * posts + p] = c.len();
                    c.push(0.0);
                    upper.push(f64::from(a));
                }
            }
        }
    }
    let y = |d: usize, k: usize, p: usize| {
        let j = column[(d * t_count + k) * posts + p];
        (j != usize::MAX).then_some(j)
    };
    let mut cover_rows = Vec::new();
    for (i, &r) in m.required.iter().enumerate() {
        if r > 0 {
            let p = i / m.slot_count;
            let w = if weighted {
                m.posts[p].priority as f64
            } else {
                1.0
            };
            cover_rows.push((i, c.len()));
            c.push(w);
            upper.push(f64::from(r));
        }
    }
    let mut lp = Lp::new(c, upper);
    for &(i, u) in &cover_rows {
        let (p, g) = (i / m.slot_count, i % m.slot_count);
        let terms = m
            .coverers(g)
            .filter_map(|(k, d)| y(d, k, p))
            .map(|j| (j, 1.0))
            .chain([(u, 1.0)]);
        lp.add_row(terms, f64::from(m.required[i]));
    }
    let families = post_sets(m);
    let weights = weight_family(m, &templates);
    let run = m.max_consecutive_days.max(1);
    for q in &families {
        let in_q: Vec<bool> = (0..posts).map(|p| q.contains(&p)).collect();
        let agents: Vec<usize> = (0..m.agents)
            .filter(|&a| m.posts_of[a].iter().any(|&p| in_q[p]))
            .collect();
        let shifts_of = |days: std::ops::Range<usize>, alpha: &dyn Fn(usize) -> f64| {
            let mut terms = Vec::new();
            for d in days {
                for &k in &templates {
                    let w = alpha(k);
                    if w == 0.0 {
                        continue;
                    }
                    for &p in q {
                        if let Some(j) = y(d, k, p) {
                            terms.push((j, -w));
                        }
                    }
                }
            }
            terms
        };
        for d in 0..days {
            let n = agents.iter().filter(|&&a| free(a, d)).count() as f64;
            lp.add_row(shifts_of(d..d + 1, &|_| 1.0), -n);
        }
        for w in 0..m.weeks {
            let span = w * 7..(w * 7 + 7).min(days);
            // Agents by the most days they can work this week.
            let mut by_days = [0usize; 8];
            for &a in &agents {
                let free_days: Vec<bool> = span.clone().map(|d| free(a, d)).collect();
                by_days[patterns::most_days(&free_days, run).min(7)] += 1;
            }
            for alpha in &weights {
                let paid: Vec<u32> = (0..t_count).map(|k| m.templates[k].paid).collect();
                let cap: f64 = (0..8)
                    .filter(|&n| by_days[n] > 0)
                    .map(|n| {
                        by_days[n] as f64
                            * patterns::most_weight(alpha, &paid, m.max_week_minutes, n)
                    })
                    .sum();
                lp.add_row(shifts_of(span.clone(), &|k| alpha[k]), -cap);
            }
        }
        // Every window of run + 1 days; of 7-day windows only those not
        // aligned with the weeks, which the weekly rows above already bound.
        let starts: Vec<usize> = if run + 1 == 7 {
            (0..days.saturating_sub(6)).filter(|s| s % 7 != 0).collect()
        } else if run < days {
            (0..days - run).collect()
        } else {
            Vec::new()
        };
        for start in starts {
            let span = start..start + run + 1;
            let cap: usize = agents
                .iter()
                .map(|&a| {
                    let free_days: Vec<bool> = span.clone().map(|d| free(a, d)).collect();
                    patterns::most_days(&free_days, run)
                })
                .sum();
            lp.add_row(shifts_of(span, &|_| 1.0), -(cap as f64));
        }
    }
    lp
}

/// The sets of posts the day, week and window rows are written for: each
/// post, each store's, each skill's, all, and the agents' own sets.
fn post_sets(m: &Model) -> Vec<Vec<usize>> {
    let posts = m.posts.len();
    let mut sets: BTreeSet<Vec<usize>> = (0..posts).map(|p| vec![p]).collect();
    let group = |key: &dyn Fn(usize) -> String| {
        let mut by: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
        for p in 0..posts {
            by.entry(key(p)).or_default().push(p);
        }
        by.into_values().collect::<Vec<_>>()
    };
    sets.extend(group(&|p| m.posts[p].store.clone()));
    sets.extend(group(&|p| m.posts[p].skill.clone()));
    sets.insert((0..posts).collect());
    let mut own: std::collections::BTreeMap<Vec<usize>, usize> = Default::default();
    for a in 0..m.agents {
        if m.posts_of[a].len() > 1 {
            *own.entry(m.posts_of[a].clone()).or_default() += 1;
        }
    }
    let mut own: Vec<(Vec<usize>, usize)> = own.into_iter().collect();
    own.sort_by_key(|o| std::cmp::Reverse(o.1));
    sets.extend(own.into_iter().take(40).map(|(s, _)| s));
    sets.into_iter().filter(|s| !s.is_empty()).collect()
}

/// The weights α of the week rows, one entry per template (zero for
/// templates left out).
fn weight_family(m: &Model, templates: &[usize]) -> Vec<Vec<f64>> {
    let t = m.templates.len();
    let mut out = Vec::new();
    let subset = |members: &[usize]| {
        let mut a = vec![0.0; t];
        for &k in members {
            a[k] = 1.0;
        }
        a
    };
    if templates.len() <= 6 {
        for mask in 1u32..(1 << templates.len()) {
            let members: Vec<usize> = (0..templates.len())
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| templates[i])
                .collect();
            out.push(subset(&members));
        }
    } else {
        for &k in templates {
            out.push(subset(&[k]));
        }
        out.push(subset(templates));
    }
    let mut duty = vec![0.0; t];
    for &k in templates {
        duty[k] = m.templates[k].duty.len() as f64;
    }
    out.push(duty);
    out
}
