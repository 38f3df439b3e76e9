//! Per-store settings of `spec/kpi.md`, with the spec's defaults, parsing of
//! `key=value` changes and a readable listing.

use crate::time::LocalClock;
use std::fmt;

/// A refused setting change: which key and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingError {
    /// The setting's name.
    pub key: String,
    /// Why the value was refused.
    pub reason: String,
}

impl fmt::Display for SettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "setting `{}`: {}", self.key, self.reason)
    }
}

impl std::error::Error for SettingError {}

/// Daily service hours, `HH:MM-HH:MM`; the end may be `24:00`, and an end
/// before the start means the hours run past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceHours {
    /// Start, minutes after local midnight (included).
    pub start_min: u16,
    /// End, minutes after local midnight (excluded); 1440 for `24:00`.
    pub end_min: u16,
}

impl ServiceHours {
    /// Parses `08:00-24:00`.
    pub fn parse(text: &str) -> Result<ServiceHours, String> {
        let bad = || format!("'{text}' is not service hours like 08:00-24:00");
        let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
        let hm = |s: &str| -> Option<u16> {
            let (h, m) = s.trim().split_once(':')?;
            let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
            (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
        };
        let (start_min, end_min) = (hm(a).ok_or_else(bad)?, hm(b).ok_or_else(bad)?);
        if start_min == end_min || start_min == 1440 {
            return Err(bad());
        }
        Ok(ServiceHours { start_min, end_min })
    }

    /// Whether a local minute of the day lies inside the hours.
    pub fn contains(&self, minute_of_day: u16) -> bool {
        if self.start_min < self.end_min {
            minute_of_day >= self.start_min && minute_of_day < self.end_min
        } else {
            minute_of_day >= self.start_min || minute_of_day < self.end_min
        }
    }
}

impl fmt::Display for ServiceHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (a, b) = (self.start_min, self.end_min);
        write!(f, "{:02}:{:02}-{:02}:{:02}", a / 60, a % 60, b / 60, b % 60)
    }
}

/// How orders are attributed to agents (`attribution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Attribution {
    /// 下单判定: by the order's `created_at`.
    #[default]
    Order,
    /// 付款判定: by the order's `paid_at`; unpaid orders are never attributed.
    Payment,
}

impl Attribution {
    /// The setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Order => "order",
            Attribution::Payment => "payment",
        }
    }
}

/// Every per-store setting of the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// IANA time zone of the store's local times.
    pub timezone: String,
    /// Silence, in minutes, that starts a new session.
    pub session_idle_minutes: u32,
    /// Hours in which rounds count.
    pub service_hours: ServiceHours,
    /// A human round slower than this is slow.
    pub slow_response_seconds: u32,
    /// How far back a paid order makes a session after-sales.
    pub after_sales_days: u32,
    /// Window of attribution and of the after-sales order check.
    pub attribution_window_hours: u32,
    /// Which order time attribution uses.
    pub attribution: Attribution,
    /// Scores at or below this are dissatisfied.
    pub dissatisfied_max_score: u8,
    /// Agent messages starting with one of these count as bot messages.
    pub auto_reply_prefixes: Vec<String>,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            timezone: "Asia/Shanghai".into(),
            session_idle_minutes: 10,
            service_hours: ServiceHours {
                start_min: 8 * 60,
                end_min: 1440,
            },
            slow_response_seconds: 120,
            after_sales_days: 21,
            attribution_window_hours: 48,
            attribution: Attribution::Order,
            dissatisfied_max_score: 2,
            auto_reply_prefixes: Vec::new(),
        }
    }
}

/// The names of every setting, in display order.
pub const SETTING_KEYS: [&str; 9] = [
    "timezone",
    "session_idle_minutes",
    "service_hours",
    "slow_response_seconds",
    "after_sales_days",
    "attribution_window_hours",
    "attribution",
    "dissatisfied_max_score",
    "auto_reply_prefixes",
];

fn number(key: &str, value: &str, min: u32, max: u32) -> Result<u32, SettingError> {
    let err = |reason: String| SettingError {
        key: key.into(),
        reason,
    };
    let n: u32 = value
        .trim()
        .parse()
        .map_err(|_| err(format!("'{value}' is not a whole number")))?;
    if n < min || n > max {
        return Err(err(format!("{n} is outside {min}–{max}")));
    }
    Ok(n)
}

impl StoreSettings {
    /// Changes one setting from its text form, refusing bad values with the
    /// reason. `auto_reply_prefixes` takes a list separated by ASCII commas
    /// (a Chinese comma `，` belongs to the prefix).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let err = |reason: String| SettingError {
            key: key.into(),
            reason,
        };
        match key {
            "timezone" => {
                LocalClock::new(value.trim()).map_err(err)?;
                self.timezone = value.trim().to_string();
            }
            "session_idle_minutes" => self.session_idle_minutes = number(key, value, 1, 1440)?,
            "service_hours" => self.service_hours = ServiceHours::parse(value).map_err(err)?,
            "slow_response_seconds" => self.slow_response_seconds = number(key, value, 1, 86_400)?,
            "after_sales_days" => self.after_sales_days = number(key, value, 0, 3650)?,
            "attribution_window_hours" => {
                self.attribution_window_hours = number(key, value, 0, 24 * 365)?
            }
            "attribution" => {
                self.attribution = match value.trim() {
                    "order" | "下单" => Attribution::Order,
                    "payment" | "付款" => Attribution::Payment,
                    other => return Err(err(format!("'{other}' is not one of order, payment"))),
                }
            }
            "dissatisfied_max_score" => {
                self.dissatisfied_max_score = number(key, value, 1, 3)? as u8
            }
            "auto_reply_prefixes" => {
                self.auto_reply_prefixes = value
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect();
            }
            other => {
                return Err(SettingError {
                    key: other.into(),
                    reason: format!("is not a setting; known: {}", SETTING_KEYS.join(", ")),
                });
            }
        }
        Ok(())
    }

    /// Every setting as (name, value text), in [`SETTING_KEYS`] order; the
    /// values parse back with [`StoreSettings::set`].
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("timezone", self.timezone.clone()),
            (
                "session_idle_minutes",
                self.session_idle_minutes.to_string(),
            ),
            ("service_hours", self.service_hours.to_string()),
            (
                "slow_response_seconds",
                self.slow_response_seconds.to_string(),
            ),
            ("after_sales_days", self.after_sales_days.to_string()),
            (
                "attribution_window_hours",
                self.attribution_window_hours.to_string(),
            ),
            ("attribution", self.attribution.as_str().to_string()),
            (
                "dissatisfied_max_score",
                self.dissatisfied_max_score.to_string(),
            ),
            ("auto_reply_prefixes", self.auto_reply_prefixes.join(",")),
        ]
    }

    /// The store's clock.
    pub fn clock(&self) -> Result<LocalClock, String> {
        LocalClock::new(&self.timezone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_and_bad_values_are_refused() {
        let d = StoreSettings::default();
        let mut s = StoreSettings::default();
        for (k, v) in d.pairs() {
            s.set(k, &v).unwrap();
        }
        assert_eq!(s, d);
        assert!(
            s.set("timezone", "Nowhere/City")
                .unwrap_err()
                .reason
                .contains("time zone")
        );
        assert!(s.set("service_hours", "8-24").is_err());
        assert!(s.set("session_idle_minutes", "0").is_err());
        assert!(
            s.set("colour", "red")
                .unwrap_err()
                .reason
                .contains("not a setting")
        );
        s.set("auto_reply_prefixes", "【自动回复】, [auto]")
            .unwrap();
        assert_eq!(s.auto_reply_prefixes, vec!["【自动回复】", "[auto]"]);
    }

    #[test]
    fn service_hours_edges() {
        let h = ServiceHours::parse("08:00-24:00").unwrap();
        assert!(!h.contains(7 * 60 + 59));
        assert!(h.contains(8 * 60));
        assert!(h.contains(1439));
        assert!(!h.contains(0));
        let night = ServiceHours::parse("22:00-06:00").unwrap();
        assert!(night.contains(23 * 60) && night.contains(60) && !night.contains(6 * 60));
    }
}
