//! The daily review sample (spec §3 "Sampling"): for each agent and day,
//! every session marked for review and a random share of the rest, drawn
//! reproducibly from a seed stored with the day's sample.
//!
//! The draw does not depend on the order sessions are given in: each
//! session gets a key hashed with the seed (SHA-256 of the seed and the
//! session's name), and the sessions with the smallest keys are taken.

use sha2::{Digest, Sha256};

/// One session that may be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The session's name (store, buyer and start), unique on its day.
    pub name: String,
    /// Its receiving agent (sessions without one form their own group).
    pub agent: Option<String>,
    /// Marked for review (a critical finding): always drawn.
    pub critical: bool,
    /// A manual session: only those are drawn at random (bot and
    /// unanswered sessions have no score to review).
    pub manual: bool,
}

/// The default share of the rest drawn per agent and day: 5 %.
pub const DEFAULT_SHARE: f64 = 0.05;

/// How many of `n` sessions a share draws: `ceil(share × n)`, at least one
/// when there is any.
pub fn draw_count(n: usize, share: f64) -> usize {
    if n == 0 {
        return 0;
    }
    let k = (share.clamp(0.0, 1.0) * n as f64 - 1e-9).ceil() as usize;
    k.clamp(1, n)
}

fn key(seed: u64, name: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_be_bytes());
    h.update(name.as_bytes());
    h.finalize().into()
}

/// The indexes (into `candidates`, ascending) of the day's sample: per
/// agent every critical session and `draw_count` of its other manual
/// sessions, those with the smallest keys under `seed`.
pub fn draw(seed: u64, share: f64, candidates: &[Candidate]) -> Vec<usize> {
    let mut taken: Vec<usize> = Vec::new();
    let mut agents: Vec<Option<&str>> = candidates.iter().map(|c| c.agent.as_deref()).collect();
    agents.sort_unstable();
    agents.dedup();
    for agent in agents {
        let mut rest: Vec<([u8; 32], usize)> = Vec::new();
        for (i, c) in candidates.iter().enumerate() {
            if c.agent.as_deref() != agent {
                continue;
            }
            if c.critical {
                taken.push(i);
            } else if c.manual {
                rest.push((key(seed, &c.name), i));
            }
        }
        rest.sort_unstable();
        let k = draw_count(rest.len(), share);
        taken.extend(rest.into_iter().take(k).map(|(_, i)| i));
    }
    taken.sort_unstable();
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: usize, critical_every: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| Candidate {
                name: format!("s1/buyer{i}/2026-11-01 10:{:02}:00", i % 60),
                agent: Some(format!("agent{}", i % 3)),
                critical: critical_every > 0 && i % critical_every == 0,
                manual: i % 7 != 6,
            })
            .collect()
    }

    #[test]
    fn counts_are_a_share_and_at_least_one() {
        assert_eq!(draw_count(0, 0.05), 0);
        assert_eq!(draw_count(1, 0.05), 1);
        assert_eq!(draw_count(20, 0.05), 1);
        assert_eq!(draw_count(21, 0.05), 2);
        assert_eq!(draw_count(100, 0.05), 5);
        assert_eq!(draw_count(10, 1.0), 10);
    }

    #[test]
    fn the_same_seed_draws_the_same_sample_in_any_order() {
        let c = day(300, 0);
        let a = draw(42, 0.05, &c);
        assert_eq!(a, draw(42, 0.05, &c));
        let mut reversed = c.clone();
        reversed.reverse();
        let names = |idx: &[usize], from: &[Candidate]| {
            let mut v: Vec<String> = idx.iter().map(|&i| from[i].name.clone()).collect();
            v.sort();
            v
        };
        assert_eq!(names(&a, &c), names(&draw(42, 0.05, &reversed), &reversed));
        assert_ne!(names(&a, &c), names(&draw(43, 0.05, &c), &c));
        // Three agents, about 86 manual sessions each: 5 of each.
        assert_eq!(a.len(), 15);
        assert!(a.iter().all(|&i| c[i].manual));
    }

    #[test]
    fn critical_sessions_are_always_drawn() {
        let c = day(200, 10);
        for seed in 0..20 {
            let s = draw(seed, 0.05, &c);
            for (i, cand) in c.iter().enumerate() {
                if cand.critical {
                    assert!(s.contains(&i), "seed {seed}: critical {i} missing");
                }
            }
        }
    }
}
