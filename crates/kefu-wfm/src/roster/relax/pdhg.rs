//! A linear programme `min c·x` subject to `K x ≥ q` and `0 ≤ x ≤ upper`
//! (every variable bounded), its dual bound, and a primal–dual hybrid
//! gradient method (Chambolle and Pock, with their diagonal
//! preconditioning and restarts to the average, as in PDLP) to find good
//! duals.
//!
//! **The bound is valid whatever the duals.** For any `y ≥ 0` and any `x`
//! within its bounds with `K x ≥ q`: `c·x ≥ c·x − y·(K x − q) = y·q +
//! (c − Kᵀy)·x ≥ y·q + Σⱼ min(0, (c − Kᵀy)ⱼ × upperⱼ)`. So
//! [`Lp::dual_bound`] is at most the programme's minimum whether or not the
//! iterations have converged; they only make it tight.

/// The programme, rows stored by row and by column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lp {
    /// Costs by variable.
    pub c: Vec<f64>,
    /// Upper bounds by variable (lower bounds are 0).
    pub upper: Vec<f64>,
    /// Right-hand sides by row.
    pub q: Vec<f64>,
    row_start: Vec<usize>,
    row_col: Vec<usize>,
    row_val: Vec<f64>,
}

impl Lp {
    /// A programme with these variables and no rows yet.
    pub(crate) fn new(c: Vec<f64>, upper: Vec<f64>) -> Lp {
        Lp {
            c,
            upper,
            row_start: vec![0],
            ..Lp::default()
        }
    }

    /// Adds the row `Σ coef × x[col] ≥ rhs`.
    pub(crate) fn add_row(&mut self, terms: impl IntoIterator<Item = (usize, f64)>, rhs: f64) {
        for (col, v) in terms {
            self.row_col.push(col);
            self.row_val.push(v);
        }
        self.row_start.push(self.row_col.len());
        self.q.push(rhs);
    }

    /// Rows.
    pub(crate) fn rows(&self) -> usize {
        self.q.len()
    }

    /// `c − Kᵀy` into `out`.
    fn reduced(&self, y: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.c);
        for (i, &yi) in y.iter().enumerate() {
            if yi != 0.0 {
                for k in self.row_start[i]..self.row_start[i + 1] {
                    out[self.row_col[k]] -= self.row_val[k] * yi;
                }
            }
        }
    }

    /// The dual bound of `y` (its negative entries taken as 0), as the
    /// module docs prove.
    pub(crate) fn dual_bound(&self, y: &[f64]) -> f64 {
        let y: Vec<f64> = y.iter().map(|v| v.max(0.0)).collect();
        let mut g = vec![0.0; self.c.len()];
        self.reduced(&y, &mut g);
        let mut bound: f64 = y.iter().zip(&self.q).map(|(a, b)| a * b).sum();
        for (gj, uj) in g.iter().zip(&self.upper) {
            bound += (gj * uj).min(0.0);
        }
        bound
    }

    /// Runs `iterations` of the method from zero; the best dual bound seen
    /// (checked every 64 iterations) and its duals.
    pub(crate) fn best_dual(&self, iterations: usize) -> (f64, Vec<f64>) {
        let (n, m) = (self.c.len(), self.rows());
        let mut col_sum = vec![0.0f64; n];
        let mut row_sum = vec![0.0f64; m];
        for (i, sum) in row_sum.iter_mut().enumerate() {
            for k in self.row_start[i]..self.row_start[i + 1] {
                col_sum[self.row_col[k]] += self.row_val[k].abs();
                *sum += self.row_val[k].abs();
            }
        }
        let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
        let weight = {
            let (c, q) = (norm(&self.c), norm(&self.q));
            if c > 0.0 && q > 0.0 { c / q } else { 1.0 }
        };
        let tau: Vec<f64> = col_sum
            .iter()
            .map(|&s| if s > 0.0 { 1.0 / (weight * s) } else { 1.0 })
            .collect();
        let sigma: Vec<f64> = row_sum
            .iter()
            .map(|&s| if s > 0.0 { weight / s } else { 0.0 })
            .collect();
        let (mut x, mut y) = (vec![0.0; n], vec![0.0; m]);
        let (mut x_sum, mut y_sum) = (vec![0.0; n], vec![0.0; m]);
        let mut g = vec![0.0; n];
        let mut bar = vec![0.0; n];
        let mut best = (self.dual_bound(&y), y.clone());
        let mut since_restart = 0usize;
        let mut restart_every = 64usize;
        for it in 1..=iterations {
            self.reduced(&y, &mut g);
            for j in 0..n {
                let next = (x[j] - tau[j] * g[j]).clamp(0.0, self.upper[j]);
                bar[j] = 2.0 * next - x[j];
                x[j] = next;
            }
            for i in 0..m {
                let mut kx = 0.0;
                for k in self.row_start[i]..self.row_start[i + 1] {
                    kx += self.row_val[k] * bar[self.row_col[k]];
                }
                y[i] = (y[i] + sigma[i] * (self.q[i] - kx)).max(0.0);
            }
            for (s, v) in x_sum.iter_mut().zip(&x) {
                *s += v;
            }
            for (s, v) in y_sum.iter_mut().zip(&y) {
                *s += v;
            }
            since_restart += 1;
            if it % 64 == 0 {
                let here = self.dual_bound(&y);
                if here > best.0 {
                    best = (here, y.clone());
                }
            }
            if since_restart == restart_every {
                let k = since_restart as f64;
                let y_avg: Vec<f64> = y_sum.iter().map(|s| s / k).collect();
                let avg = self.dual_bound(&y_avg);
                if avg > best.0 {
                    best = (avg, y_avg.clone());
                }
                if avg >= self.dual_bound(&y) {
                    for (xj, s) in x.iter_mut().zip(&x_sum) {
                        *xj = s / k;
                    }
                    y = y_avg;
                }
                x_sum.iter_mut().for_each(|s| *s = 0.0);
                y_sum.iter_mut().for_each(|s| *s = 0.0);
                since_restart = 0;
                restart_every = (restart_every * 2).min(1024);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// min x + y with x + y ≥ 3, x ≥ 1, both within 0..=5: the minimum is 3.
    #[test]
    fn a_small_programme() {
        let mut lp = Lp::new(vec![1.0, 1.0], vec![5.0, 5.0]);
        lp.add_row([(0, 1.0), (1, 1.0)], 3.0);
        lp.add_row([(0, 1.0)], 1.0);
        let (bound, y) = lp.best_dual(5000);
        assert!(bound <= 3.0 + 1e-9 && bound > 2.99, "{bound}");
        assert!((lp.dual_bound(&y) - bound).abs() < 1e-12);
        // Any duals give a bound no higher than the minimum.
        for y in [[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [0.5, 2.0]] {
            assert!(lp.dual_bound(&y) <= 3.0 + 1e-9);
        }
    }
}
