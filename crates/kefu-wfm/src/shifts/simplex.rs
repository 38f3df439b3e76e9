//! A small dense two-phase simplex method for `min c·x` subject to rows
//! `a·x ≤ b`, `= b` or `≥ b` and `x ≥ 0`, for the branch and bound of
//! templates whose periods are not consecutive (days of tens of templates
//! and periods). Dantzig's rule, falling back to Bland's after a run of
//! degenerate pivots so that it cannot cycle; tolerances of 1e-9.

/// The sense of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sense {
    /// `a·x ≤ b`.
    Le,
    /// `a·x = b`.
    Eq,
    /// `a·x ≥ b`.
    Ge,
}

/// A row: coefficients (dense, one per variable), sense, right-hand side.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// Coefficients by variable.
    pub a: Vec<f64>,
    /// The sense.
    pub sense: Sense,
    /// The right-hand side.
    pub b: f64,
}

/// What the simplex method found.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LpResult {
    /// An optimal point and its objective value.
    Optimal(Vec<f64>, f64),
    /// No point keeps every row.
    Infeasible,
    /// The objective decreases without end.
    Unbounded,
}

const EPS: f64 = 1e-9;

/// Minimises `c·x` over `rows` and `x ≥ 0`.
pub(crate) fn minimize(c: &[f64], rows: &[Row]) -> LpResult {
    let n = c.len();
    let m = rows.len();
    // Columns: n originals, one slack or surplus per inequality, one
    // artificial per = or ≥ row (after making b ≥ 0), then the right side.
    let slacks = rows.iter().filter(|r| r.sense != Sense::Eq).count();
    let mut senses: Vec<(Sense, f64)> = Vec::with_capacity(m);
    for r in rows {
        let flip = r.b < 0.0;
        let sense = match (r.sense, flip) {
            (Sense::Le, true) => Sense::Ge,
            (Sense::Ge, true) => Sense::Le,
            (s, _) => s,
        };
        senses.push((sense, if flip { -1.0 } else { 1.0 }));
    }
    let artificials = senses.iter().filter(|(s, _)| *s != Sense::Le).count();
    let width = n + slacks + artificials + 1;
    let mut t = vec![0.0; (m + 1) * width];
    let mut basis = vec![0usize; m];
    let (mut next_slack, mut next_art) = (n, n + slacks);
    for (i, (r, &(sense, sign))) in rows.iter().zip(&senses).enumerate() {
        let row = &mut t[i * width..(i + 1) * width];
        for (j, &a) in r.a.iter().enumerate().take(n) {
            row[j] = sign * a;
        }
        row[width - 1] = sign * r.b;
        if r.sense != Sense::Eq {
            row[next_slack] = if sense == Sense::Le { 1.0 } else { -1.0 };
            if sense == Sense::Le {
                basis[i] = next_slack;
            }
            next_slack += 1;
        }
        if sense != Sense::Le {
            row[next_art] = 1.0;
            basis[i] = next_art;
            next_art += 1;
        }
    }
    let first_art = n + slacks;
    // Phase 1: minimise the sum of the artificials.
    if artificials > 0 {
        set_objective(&mut t, m, width, &basis, |j| {
            if j >= first_art && j < width - 1 {
                1.0
            } else {
                0.0
            }
        });
        if !run(&mut t, m, width, &mut basis, width - 1) {
            return LpResult::Infeasible;
        }
        if -t[m * width + width - 1] > 1e-7 {
            return LpResult::Infeasible;
        }
        // Drive artificials still basic (at zero) out of the basis.
        for i in 0..m {
            if basis[i] >= first_art
                && let Some(j) = (0..first_art).find(|&j| t[i * width + j].abs() > 1e-7)
            {
                pivot(&mut t, m, width, i, j);
                basis[i] = j;
            }
        }
    }
    // Phase 2: the objective, artificials never entering.
    set_objective(&mut t, m, width, &basis, |j| if j < n { c[j] } else { 0.0 });
    if !run(&mut t, m, width, &mut basis, first_art) {
        return LpResult::Unbounded;
    }
    let mut x = vec![0.0; n];
    for (i, &b) in basis.iter().enumerate() {
        if b < n {
            x[b] = t[i * width + width - 1];
        }
    }
    let value = c.iter().zip(&x).map(|(a, b)| a * b).sum();
    LpResult::Optimal(x, value)
}

/// Writes the reduced costs of `cost` for `basis` into the last row.
fn set_objective(
    t: &mut [f64],
    m: usize,
    width: usize,
    basis: &[usize],
    cost: impl Fn(usize) -> f64,
) {
    for j in 0..width {
        t[m * width + j] = if j < width - 1 { cost(j) } else { 0.0 };
    }
    for (i, &b) in basis.iter().enumerate() {
        let cb = cost(b);
        if cb != 0.0 {
            for j in 0..width {
                t[m * width + j] -= cb * t[i * width + j];
            }
        }
    }
}

/// Pivots until optimal (true) or unbounded (false); only columns below
/// `enter_below` may enter.
fn run(t: &mut [f64], m: usize, width: usize, basis: &mut [usize], enter_below: usize) -> bool {
    let mut degenerate = 0usize;
    loop {
        let obj = &t[m * width..(m + 1) * width];
        let bland = degenerate > 50;
        let mut enter = None;
        let mut best = -EPS;
        for (j, &d) in obj.iter().enumerate().take(enter_below) {
            if d < -EPS {
                if bland {
                    enter = Some(j);
                    break;
                }
                if d < best {
                    best = d;
                    enter = Some(j);
                }
            }
        }
        let Some(j) = enter else { return true };
        let mut leave: Option<(usize, f64)> = None;
        for i in 0..m {
            let a = t[i * width + j];
            if a > EPS {
                let ratio = t[i * width + width - 1] / a;
                let better = match leave {
                    None => true,
                    Some((l, r)) => ratio < r - EPS || (ratio <= r + EPS && basis[i] < basis[l]),
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        let Some((i, ratio)) = leave else {
            return false;
        };
        degenerate = if ratio.abs() <= EPS {
            degenerate + 1
        } else {
            0
        };
        pivot(t, m, width, i, j);
        basis[i] = j;
    }
}

/// Pivots on row `r`, column `col`.
fn pivot(t: &mut [f64], m: usize, width: usize, r: usize, col: usize) {
    let p = t[r * width + col];
    for j in 0..width {
        t[r * width + j] /= p;
    }
    let pivot_row: Vec<f64> = t[r * width..(r + 1) * width].to_vec();
    for i in 0..=m {
        if i == r {
            continue;
        }
        let f = t[i * width + col];
        if f.abs() > 0.0 {
            let row = &mut t[i * width..(i + 1) * width];
            for (x, &pr) in row.iter_mut().zip(&pivot_row) {
                *x -= f * pr;
            }
            row[col] = 0.0;
        }
    }
}
