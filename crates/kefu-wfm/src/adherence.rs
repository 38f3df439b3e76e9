//! Adherence (排班遵守度, issue 12 §4): when an agent actually worked, read
//! from the chat logs as stretches of messages (first to last message of
//! each stretch), against the shifts the roster gave them — late starts,
//! early ends, unrostered work and shifts not worked, per agent and day.
//!
//! Times are local minutes since 1970-01-01 00:00 (a [`Day`] × 1440 plus
//! the minute of the day). Reading of the rule (the spec gives none):
//!
//! - a **stretch** is a run of an agent's messages with no pause longer
//!   than `gap_minutes` (default 30); it lasts from its first message to one
//!   minute after its last;
//! - a stretch belongs to a shift when it overlaps the shift widened by
//!   `margin_minutes` (default 120) on both sides (an agent who starts early
//!   or stays late is still working that shift); the shift's **worked**
//!   span is from the first to the end of the last stretch belonging to it;
//! - **late start**: the worked span starts more than `tolerance_minutes`
//!   (default 10) after the shift; **early end**: it ends more than the
//!   tolerance before it; both in minutes;
//! - **unrostered work**: minutes of stretches outside every shift (the
//!   parts of a shift's stretches before or after it, and stretches
//!   belonging to no shift, dated by their start);
//! - a shift with no stretch is **not worked**.

use crate::forecast::Day;
use serde::Serialize;
use std::collections::BTreeMap;

/// Minutes in a day.
const DAY_MINUTES: i64 = 1440;

/// The readings' parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdherenceRules {
    /// The longest pause within a stretch.
    pub gap_minutes: i64,
    /// How far before or after a shift a stretch still belongs to it.
    pub margin_minutes: i64,
    /// Lateness or an early end up to this is not counted.
    pub tolerance_minutes: i64,
}

impl Default for AdherenceRules {
    fn default() -> Self {
        AdherenceRules {
            gap_minutes: 30,
            margin_minutes: 120,
            tolerance_minutes: 10,
        }
    }
}

/// A span of minutes, end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// First minute.
    pub start: i64,
    /// Minute after the last.
    pub end: i64,
}

impl Span {
    fn overlap(&self, start: i64, end: i64) -> i64 {
        (self.end.min(end) - self.start.max(start)).max(0)
    }
}

/// A shift the roster gave an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedShift {
    /// The shift's day.
    pub date: Day,
    /// Its code.
    pub code: String,
    /// The store.
    pub store: String,
    /// Its start and end, local minutes since 1970 (breaks are not
    /// deducted: an agent answering during a break is not off plan).
    pub span: Span,
}

/// One agent's day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayAdherence {
    /// The day.
    pub date: Day,
    /// The shift planned, when one was.
    pub shift: Option<String>,
    /// The store of the shift.
    pub store: Option<String>,
    /// The shift's span.
    pub planned: Option<Span>,
    /// First to last message of the stretches of the shift (or of the
    /// day's unrostered stretches when no shift was planned).
    pub worked: Option<Span>,
    /// Minutes started late (beyond the tolerance, else 0).
    pub late_minutes: i64,
    /// Minutes ended early (beyond the tolerance, else 0).
    pub early_minutes: i64,
    /// Minutes worked outside any shift.
    pub unrostered_minutes: i64,
    /// A shift planned with no message in it.
    pub not_worked: bool,
}

/// The stretches of an agent's message times (minutes, any order).
pub fn stretches(times: &[i64], gap_minutes: i64) -> Vec<Span> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable();
    let mut out: Vec<Span> = Vec::new();
    for t in sorted {
        match out.last_mut() {
            Some(s) if t - (s.end - 1) <= gap_minutes => s.end = s.end.max(t + 1),
            _ => out.push(Span {
                start: t,
                end: t + 1,
            }),
        }
    }
    out
}

/// An agent's adherence: one row per planned shift, and one per day with
/// unrostered stretches belonging to no shift; by day.
pub fn adherence(
    shifts: &[PlannedShift],
    worked: &[Span],
    rules: &AdherenceRules,
) -> Vec<DayAdherence> {
    let mut shifts: Vec<&PlannedShift> = shifts.iter().collect();
    shifts.sort_by_key(|s| s.span.start);
    let m = rules.margin_minutes;
    let mut owner: Vec<Option<usize>> = vec![None; worked.len()];
    for (w, stretch) in worked.iter().enumerate() {
        // The nearest shift it overlaps, widened by the margin.
        owner[w] = shifts
            .iter()
            .enumerate()
            .filter(|(_, s)| stretch.overlap(s.span.start - m, s.span.end + m) > 0)
            .min_by_key(|(_, s)| {
                let inside = stretch.overlap(s.span.start, s.span.end);
                (-inside, (stretch.start - s.span.start).abs())
            })
            .map(|(i, _)| i);
    }
    let mut rows: Vec<DayAdherence> = Vec::new();
    for (i, s) in shifts.iter().enumerate() {
        let own: Vec<&Span> = worked
            .iter()
            .zip(&owner)
            .filter(|(_, o)| **o == Some(i))
            .map(|(w, _)| w)
            .collect();
        let span = own.first().map(|f| Span {
            start: f.start,
            end: own.iter().map(|w| w.end).max().unwrap_or(f.end),
        });
        let outside: i64 = own
            .iter()
            .map(|w| (w.end - w.start) - w.overlap(s.span.start, s.span.end))
            .sum();
        let late = span.map_or(0, |w| w.start - s.span.start);
        let early = span.map_or(0, |w| s.span.end - w.end);
        let t = rules.tolerance_minutes;
        rows.push(DayAdherence {
            date: s.date,
            shift: Some(s.code.clone()),
            store: Some(s.store.clone()),
            planned: Some(s.span),
            worked: span,
            late_minutes: if late > t { late } else { 0 },
            early_minutes: if early > t { early } else { 0 },
            unrostered_minutes: outside,
            not_worked: span.is_none(),
        });
    }
    let mut loose: BTreeMap<Day, Vec<&Span>> = BTreeMap::new();
    for (w, o) in worked.iter().zip(&owner) {
        if o.is_none() {
            loose
                .entry(w.start.div_euclid(DAY_MINUTES) as Day)
                .or_default()
                .push(w);
        }
    }
    for (date, spans) in loose {
        rows.push(DayAdherence {
            date,
            shift: None,
            store: None,
            planned: None,
            worked: Some(Span {
                start: spans.iter().map(|w| w.start).min().unwrap_or(0),
                end: spans.iter().map(|w| w.end).max().unwrap_or(0),
            }),
            late_minutes: 0,
            early_minutes: 0,
            unrostered_minutes: spans.iter().map(|w| w.end - w.start).sum(),
            not_worked: false,
        });
    }
    rows.sort_by_key(|r| (r.date, r.planned.map_or(i64::MAX, |p| p.start)));
    rows
}
