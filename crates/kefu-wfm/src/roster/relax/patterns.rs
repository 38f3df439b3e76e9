//! What one agent can work in one week, for the weekly rows of the
//! relaxation: the most working days (leave and the run limit kept) and
//! the most of any weighted count of shifts (the week's paid hours and
//! those days kept).

/// The most days of `available` (a day each) an agent can work with no
/// run of more than `max_run` working days in a row.
pub(crate) fn most_days(available: &[bool], max_run: usize) -> usize {
    // best[r]: the most days so far ending in a run of exactly r.
    let mut best: Vec<Option<usize>> = vec![None; max_run + 1];
    best[0] = Some(0);
    for &free in available {
        let mut next = vec![None; max_run + 1];
        let rest = best.iter().flatten().copied().max();
        next[0] = rest;
        if free {
            for r in 0..max_run {
                next[r + 1] = best[r].map(|v| v + 1);
            }
        }
        best = next;
    }
    best.iter().flatten().copied().max().unwrap_or(0)
}

/// The most of Σ `weight[k]` × n[k] over whole counts n of each template
/// with Σ `paid[k]` × n[k] ≤ `max_minutes` and Σ n ≤ `days`; enumerated
/// for up to ten templates, else the linear relaxation's optimum (larger
/// or equal, so still an upper bound).
pub(crate) fn most_weight(weight: &[f64], paid: &[u32], max_minutes: u32, days: usize) -> f64 {
    if weight.len() > 10 {
        return relaxed(weight, paid, max_minutes, days);
    }
    fn go(k: usize, w: &[f64], paid: &[u32], minutes: u32, days: usize) -> f64 {
        if k == w.len() || days == 0 {
            return 0.0;
        }
        let mut best = go(k + 1, w, paid, minutes, days);
        if w[k] > 0.0 {
            let mut n = 1;
            while n <= days && paid[k] as u64 * n as u64 <= minutes as u64 {
                let used = paid[k] * n as u32;
                best = best.max(w[k] * n as f64 + go(k + 1, w, paid, minutes - used, days - n));
                n += 1;
            }
        }
        best
    }
    go(0, weight, paid, max_minutes, days)
}

/// The linear relaxation of [`most_weight`]: two constraints, so an optimum
/// uses at most two templates.
fn relaxed(weight: &[f64], paid: &[u32], max_minutes: u32, days: usize) -> f64 {
    let (h, d) = (f64::from(max_minutes), days as f64);
    let alone = |k: usize| {
        let n = if paid[k] == 0 {
            d
        } else {
            d.min(h / f64::from(paid[k]))
        };
        weight[k].max(0.0) * n
    };
    let mut best = (0..weight.len()).map(alone).fold(0.0, f64::max);
    for i in 0..weight.len() {
        for j in 0..weight.len() {
            // Both constraints tight: ni + nj = d, pi ni + pj nj = h.
            let (pi, pj) = (f64::from(paid[i]), f64::from(paid[j]));
            if (pi - pj).abs() < 1e-9 {
                continue;
            }
            let ni = (h - pj * d) / (pi - pj);
            let nj = d - ni;
            if ni >= 0.0 && nj >= 0.0 {
                best = best.max(weight[i] * ni + weight[j] * nj);
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_with_leave_and_runs() {
        assert_eq!(most_days(&[true; 7], 6), 6);
        assert_eq!(most_days(&[true; 7], 3), 6);
        assert_eq!(most_days(&[true; 14], 6), 12);
        assert_eq!(
            most_days(&[true, false, true, true, true, true, true], 6),
            6
        );
        assert_eq!(most_days(&[true, true, false, true], 1), 2);
        assert_eq!(most_days(&[], 6), 0);
    }

    #[test]
    fn weights_within_hours_and_days() {
        // 8 h, 8.5 h, 9 h and 5 h shifts, 44 h and 6 days.
        let paid = [480, 510, 540, 300];
        assert_eq!(most_weight(&[1.0; 4], &paid, 2640, 6), 6.0);
        assert_eq!(most_weight(&[1.0, 1.0, 1.0, 0.0], &paid, 2640, 6), 5.0);
        assert_eq!(most_weight(&[0.0, 0.0, 1.0, 0.0], &paid, 2640, 6), 4.0);
        let duty = [16.0, 17.0, 18.0, 10.0];
        assert_eq!(most_weight(&duty, &paid, 2640, 6), 88.0);
        assert!(relaxed(&[1.0, 1.0, 1.0, 0.0], &paid, 2640, 6) >= 5.0);
    }
}
