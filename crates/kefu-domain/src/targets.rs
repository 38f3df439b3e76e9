//! The service targets of a contract: bounds on KPI figures that the
//! dashboards show against the figures measured (spec `contracts.md` §1,
//! "service targets": first response ≤ 20 s, mean response ≤ 25 s, and any
//! other `kpi.md` figure with a bound). The one place the defaults live.

/// A service target: a bound on a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// The figure bounded, by its spec name (`kpi.md` §6, e.g.
    /// `first_response_s`).
    pub figure: &'static str,
    /// The bound, in the figure's unit (seconds, a share, a count).
    pub bound: f64,
    /// `true`: the figure must stay at or below the bound; `false`: at or
    /// above it.
    pub at_most: bool,
}

impl Target {
    /// Whether a measured value meets the target (the bound itself meets
    /// it, either way).
    pub fn met(&self, value: f64) -> bool {
        if self.at_most {
            value <= self.bound
        } else {
            value >= self.bound
        }
    }

    /// The target as shown next to a figure: `≤ 20`, `≥ 0.9`.
    pub fn text(&self) -> String {
        format!("{} {}", if self.at_most { "≤" } else { "≥" }, self.bound)
    }
}

/// The default service targets of a contract (spec `contracts.md` §1):
/// first response at most 20 s, mean response at most 25 s.
pub const DEFAULT_TARGETS: [Target; 2] = [
    Target {
        figure: "first_response_s",
        bound: 20.0,
        at_most: true,
    },
    Target {
        figure: "avg_response_s",
        bound: 25.0,
        at_most: true,
    },
];

/// The default target of a figure (by its spec name), when it has one.
pub fn default_target(figure: &str) -> Option<&'static Target> {
    DEFAULT_TARGETS.iter().find(|t| t.figure == figure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_defaults() {
        let first = default_target("first_response_s").map(|t| (t.bound, t.at_most));
        assert_eq!(first, Some((20.0, true)));
        let mean = default_target("avg_response_s").map(|t| (t.bound, t.at_most));
        assert_eq!(mean, Some((25.0, true)));
        assert_eq!(default_target("sessions"), None);
    }

    #[test]
    fn met_at_the_bound() {
        let t = DEFAULT_TARGETS[0];
        assert!(t.met(20.0) && t.met(3.5) && !t.met(20.1));
        assert_eq!(t.text(), "≤ 20");
        let at_least = Target {
            figure: "reply_rate",
            bound: 0.9,
            at_most: false,
        };
        assert!(at_least.met(0.9) && !at_least.met(0.8));
        assert_eq!(at_least.text(), "≥ 0.9");
    }
}
