//! Charts as inline SVG, drawn here (no scripts, no external assets): a
//! daily trend line, an hour-of-day heatmap and bars (side by side or
//! stacked). Every text in them is
//! escaped.

use crate::view::escape;
use std::fmt::{self, Write as _};

/// A number with a fixed count of decimals, as `format!("{v:.d$}")`
/// writes it (the last digit may differ where `v` is within a rounding
/// error of a half), without the exact float formatting, which took most
/// of the time of drawing a month's heatmap.
struct Fixed(f64, u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Fixed(v, d) = *self;
        if !v.is_finite() || v.abs() >= 1e15 {
            return write!(f, "{v:.*}", d as usize);
        }
        let scale = 10u64.pow(d);
        let n = (v.abs() * scale as f64).round_ties_even() as u64;
        let sign = if v.is_sign_negative() { "-" } else { "" };
        if d == 0 {
            write!(f, "{sign}{n}")
        } else {
            write!(f, "{sign}{}.{:0w$}", n / scale, n % scale, w = d as usize)
        }
    }
}

/// One series of a trend chart.
#[derive(Debug, Clone)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// One value per x label (`None`: no value that day).
    pub values: Vec<Option<f64>>,
    /// A CSS colour.
    pub color: &'static str,
}

/// A line chart over days: x labels, series, and an optional horizontal
/// target line.
pub fn trend(
    title: &str,
    labels: &[String],
    series: &[Series],
    target: Option<(f64, &str)>,
) -> String {
    const W: f64 = 720.0;
    const H: f64 = 220.0;
    const L: f64 = 48.0;
    const R: f64 = 12.0;
    const T: f64 = 28.0;
    const B: f64 = 34.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .chain(target.map(|t| t.0))
        .fold(0.0_f64, f64::max);
    let top = nice_ceiling(max);
    let n = labels.len().max(1);
    let x = |i: usize| {
        L + (W - L - R)
            * if n == 1 {
                0.5
            } else {
                i as f64 / (n - 1) as f64
            }
    };
    let y = |v: f64| T + (H - T - B) * (1.0 - v / top);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart trend" viewBox="0 0 {W} {H}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    grid(&mut s, top, L, W - R, y);
    let step = n.div_ceil(10).max(1);
    for (i, label) in labels.iter().enumerate().step_by(step) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>"#,
            Fixed(x(i), 1),
            H - B + 16.0,
            escape(label.get(5..).unwrap_or(label))
        );
    }
    if let Some((v, name)) = target {
        let _ = write!(
            s,
            r#"<line class="target" x1="{L}" x2="{x2}" y1="{yy}" y2="{yy}"/><text class="target-label" x="{x2}" y="{ty}" text-anchor="end">{name} {v}</text>"#,
            x2 = W - R,
            yy = Fixed(y(v), 1),
            ty = Fixed(y(v) - 4.0, 1),
            name = escape(name),
            v = short(v)
        );
    }
    for (k, se) in series.iter().enumerate() {
        let mut d = String::new();
        let mut pen_up = true;
        for (i, v) in se.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{},{} ",
                        if pen_up { "M" } else { "L" },
                        Fixed(x(i), 1),
                        Fixed(y(*v), 1)
                    );
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        let _ = write!(
            s,
            r#"<path class="series" d="{}" stroke="{c}" fill="none"/><rect x="{lx}" y="8" width="10" height="10" fill="{c}"/><text class="legend" x="{tx}" y="17">{name}</text>"#,
            d.trim_end(),
            c = se.color,
            lx = L + k as f64 * 160.0,
            tx = L + k as f64 * 160.0 + 14.0,
            name = escape(&se.name)
        );
        for (i, v) in se.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{}" cy="{}" r="2.5" fill="{}"><title>{} {}: {}</title></circle>"#,
                    Fixed(x(i), 1),
                    Fixed(y(*v), 1),
                    se.color,
                    escape(&labels[i.min(labels.len().saturating_sub(1))]),
                    escape(&se.name),
                    short(*v)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// A heatmap of rows (days) by the 24 hours of the day; darker is more.
pub fn heatmap(title: &str, rows: &[(String, [f64; 24])]) -> String {
    const CELL_W: f64 = 26.0;
    const CELL_H: f64 = 16.0;
    const L: f64 = 84.0;
    const T: f64 = 22.0;
    let max = rows
        .iter()
        .flat_map(|(_, hours)| hours.iter().copied())
        .fold(0.0_f64, f64::max);
    let w = L + CELL_W * 24.0 + 8.0;
    let h = T + CELL_H * rows.len().max(1) as f64 + 8.0;
    let mut s = String::with_capacity(512 + rows.len() * 24 * 140);
    let _ = write!(
        s,
        r#"<svg class="chart heatmap" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for hour in (0..24).step_by(2) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="14" text-anchor="middle">{hour:02}</text>"#,
            Fixed(L + CELL_W * (f64::from(hour) + 0.5), 1)
        );
    }
    for (r, (label, hours)) in rows.iter().enumerate() {
        let yy = T + CELL_H * r as f64;
        let label = escape(label);
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="{}" text-anchor="end">{label}</text>"#,
            L - 6.0,
            Fixed(yy + CELL_H - 4.0, 1),
        );
        for (hour, v) in hours.iter().enumerate() {
            let share = if max > 0.0 { v / max } else { 0.0 };
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="rgba(22,119,255,{})"><title>{label} {hour:02}:00 — {}</title></rect>"#,
                Fixed(L + CELL_W * hour as f64, 1),
                Fixed(yy, 1),
                Fixed(CELL_W - 2.0, 0),
                Fixed(CELL_H - 2.0, 0),
                Fixed(0.06 + 0.94 * share, 3),
                short(*v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// A bar chart over labels: one bar per series side by side, or stacked
/// (`stacked`: one column per label, the series on top of each other).
/// The legend wraps below the title when the series are many.
pub fn bars(title: &str, labels: &[String], series: &[Series], stacked: bool) -> String {
    const W: f64 = 720.0;
    const L: f64 = 48.0;
    const R: f64 = 12.0;
    const B: f64 = 34.0;
    const PLOT_H: f64 = 170.0;
    const PER_ROW: usize = 6;
    let legend_rows = series.len().div_ceil(PER_ROW).max(1);
    let t = 10.0 + 16.0 * legend_rows as f64;
    let h = t + PLOT_H + B;
    let value = |s: &Series, i: usize| s.values.get(i).copied().flatten().unwrap_or(0.0);
    let max = (0..labels.len())
        .map(|i| {
            if stacked {
                series.iter().map(|s| value(s, i)).sum::<f64>()
            } else {
                series.iter().map(|s| value(s, i)).fold(0.0, f64::max)
            }
        })
        .fold(0.0_f64, f64::max);
    let top = nice_ceiling(max);
    let y = |v: f64| t + PLOT_H * (1.0 - v / top);
    let n = labels.len().max(1);
    let slot = (W - L - R) / n as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart bars" viewBox="0 0 {W} {h}" role="img" aria-label="{tt}" xmlns="http://www.w3.org/2000/svg"><title>{tt}</title>"#,
        tt = escape(title)
    );
    grid(&mut s, top, L, W - R, y);
    for (k, se) in series.iter().enumerate() {
        let (col, row) = (k % PER_ROW, k / PER_ROW);
        let _ = write!(
            s,
            r#"<rect x="{lx}" y="{ly}" width="10" height="10" fill="{c}"/><text class="legend" x="{tx}" y="{ty}">{name}</text>"#,
            lx = Fixed(L + col as f64 * 110.0, 1),
            ly = Fixed(4.0 + 16.0 * row as f64, 1),
            tx = Fixed(L + col as f64 * 110.0 + 14.0, 1),
            ty = Fixed(13.0 + 16.0 * row as f64, 1),
            c = se.color,
            name = escape(&se.name)
        );
    }
    let step = n.div_ceil(12).max(1);
    for (i, label) in labels.iter().enumerate() {
        let x0 = L + slot * i as f64;
        if i % step == 0 {
            let _ = write!(
                s,
                r#"<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                Fixed(x0 + slot / 2.0, 1),
                Fixed(t + PLOT_H + 16.0, 1),
                escape(label)
            );
        }
        let mut base = 0.0;
        let width = if stacked {
            slot * 0.7
        } else {
            slot * 0.8 / series.len().max(1) as f64
        };
        for (k, se) in series.iter().enumerate() {
            let v = value(se, i);
            if v <= 0.0 {
                continue;
            }
            let (bx, from, to) = if stacked {
                (x0 + slot * 0.15, base, base + v)
            } else {
                (x0 + slot * 0.1 + width * k as f64, 0.0, v)
            };
            base += v;
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {}: {}</title></rect>"#,
                Fixed(bx, 1),
                Fixed(y(to), 1),
                Fixed(width, 1),
                Fixed(y(from) - y(to), 1),
                se.color,
                escape(label),
                escape(&se.name),
                short(v)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The value grid of a chart: five lines from 0 to `top` between x `left`
/// and `right`, labelled on the left; `y` places a value.
fn grid(s: &mut String, top: f64, left: f64, right: f64, y: impl Fn(f64) -> f64) {
    for k in 0..=4 {
        let v = top * f64::from(k) / 4.0;
        let _ = write!(
            s,
            r#"<line class="grid" x1="{left}" x2="{right}" y1="{yy}" y2="{yy}"/><text class="axis" x="{lx}" y="{ty}" text-anchor="end">{v}</text>"#,
            yy = Fixed(y(v), 1),
            lx = left - 6.0,
            ty = Fixed(y(v) + 4.0, 1),
            v = short(v)
        );
    }
}

/// The smallest "round" number at or above `v` (1, 2, 2.5, 5 × 10^k).
fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v {
            return m * mag;
        }
    }
    10.0 * mag
}

/// A number short enough for an axis.
fn short(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{}万", Fixed(v / 10_000.0, 1))
    } else if v.fract() == 0.0 {
        Fixed(v, 0).to_string()
    } else {
        Fixed(v, 1).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_stack_or_stand_side_by_side() {
        let labels = vec!["2026-11".to_string(), "2026-12".to_string()];
        let series = |name: &str, a: f64, b: f64| Series {
            name: name.into(),
            values: vec![Some(a), Some(b)],
            color: "#000",
        };
        let two = [series("<a>", 2.0, 1.0), series("b", 1.0, 0.0)];
        let stacked = bars("t", &labels, &two, true);
        assert!(stacked.starts_with("<svg") && stacked.ends_with("</svg>"));
        assert!(stacked.contains("&lt;a&gt;") && !stacked.contains("<a>"));
        // Zero values draw nothing: three bars.
        assert_eq!(stacked.matches("<rect x=").count() - 2, 3);
        // Stacked, the scale reaches the largest sum (3, rounded up to 5);
        // side by side, the largest bar (2).
        assert!(stacked.contains(">5</text>"));
        let side = bars("t", &labels, &two, false);
        assert!(side.contains(">2</text>") && !side.contains(">5</text>"));
    }

    #[test]
    fn charts_escape_their_texts_and_scale() {
        let labels = vec!["2026-11-01".to_string(), "2026-11-02".to_string()];
        let svg = trend(
            "<b>",
            &labels,
            &[Series {
                name: "<script>".into(),
                values: vec![Some(3.0), None],
                color: "#1677ff",
            }],
            Some((20.0, "目标")),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>") && svg.contains("&lt;script&gt;"));
        let hm = heatmap("h", &[("<x>".into(), [1.0; 24])]);
        assert_eq!(hm.matches("<rect").count(), 24);
        assert!(hm.contains("&lt;x&gt;"));
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(120.0), 200.0);
    }

    #[test]
    fn fixed_decimals_as_format_writes_them() {
        for v in [
            0.0,
            0.06,
            1.0,
            2.5,
            26.04,
            84.0,
            99.95,
            123.456,
            0.9994,
            1e6 + 0.3,
            -3.26,
            -0.01,
        ] {
            for d in 0..4 {
                assert_eq!(
                    Fixed(v, d).to_string(),
                    format!("{v:.*}", d as usize),
                    "{v} with {d} decimals"
                );
            }
        }
        assert_eq!(short(12_345.0), "1.2万");
        assert_eq!(short(37.0), "37");
    }
}

/// One cell of a coverage heatmap: agents required and scheduled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cover {
    /// Agents required.
    pub required: u32,
    /// Agents on duty.
    pub scheduled: u32,
}

/// A coverage heatmap: rows (days) by the columns given (e.g. the 48 half
/// hours); red where agents are short (darker: more short), green where
/// the need is met, pale where none is needed.
pub fn coverage_heatmap(title: &str, columns: &[String], rows: &[(String, Vec<Cover>)]) -> String {
    const CELL_W: f64 = 14.0;
    const CELL_H: f64 = 16.0;
    const L: f64 = 84.0;
    const T: f64 = 22.0;
    let worst = rows
        .iter()
        .flat_map(|(_, c)| c.iter().map(|c| c.required.saturating_sub(c.scheduled)))
        .max()
        .unwrap_or(0)
        .max(1);
    let w = L + CELL_W * columns.len() as f64 + 8.0;
    let h = T + CELL_H * rows.len().max(1) as f64 + 8.0;
    let mut s = String::with_capacity(512 + rows.len() * columns.len() * 150);
    let _ = write!(
        s,
        r#"<svg class="chart heatmap coverage" viewBox="0 0 {w} {h}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title)
    );
    for (i, label) in columns.iter().enumerate().step_by(4) {
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="14" text-anchor="middle">{}</text>"#,
            Fixed(L + CELL_W * (i as f64 + 0.5), 1),
            escape(label)
        );
    }
    for (r, (label, cells)) in rows.iter().enumerate() {
        let yy = T + CELL_H * r as f64;
        let label = escape(label);
        let _ = write!(
            s,
            r#"<text class="axis" x="{}" y="{}" text-anchor="end">{label}</text>"#,
            L - 6.0,
            Fixed(yy + CELL_H - 4.0, 1),
        );
        for (i, c) in cells.iter().enumerate() {
            let gap = c.required.saturating_sub(c.scheduled);
            let fill = if gap > 0 {
                format!(
                    "rgba(207,19,34,{})",
                    Fixed(0.25 + 0.75 * f64::from(gap) / f64::from(worst), 3)
                )
            } else if c.required > 0 {
                "rgba(56,158,13,0.55)".to_string()
            } else if c.scheduled > 0 {
                "rgba(56,158,13,0.2)".to_string()
            } else {
                "#f2f3f5".to_string()
            };
            let column = columns.get(i).map(String::as_str).unwrap_or("");
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{fill}"><title>{label} {} — {}/{}</title></rect>"#,
                Fixed(L + CELL_W * i as f64, 1),
                Fixed(yy, 1),
                Fixed(CELL_W - 1.0, 0),
                Fixed(CELL_H - 2.0, 0),
                escape(column),
                c.scheduled,
                c.required
            );
        }
    }
    s.push_str("</svg>");
    s
}
