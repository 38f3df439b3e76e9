//! Generated demo data shared by the integration tests, and parsers that
//! check the exact shape of each field.

#![allow(dead_code)]

use kefu_demo::{DemoOptions, DemoSummary, generate, plan};
use kefu_domain::{Fen, RecordTime};
use std::sync::OnceLock;

/// 2026-11-01 00:00:00 in seconds since 1970-01-01 (civil, no offset).
pub const NOV_1: i64 = 20_758 * 86_400;

/// Everything one set of options writes.
pub struct Data {
    pub opts: DemoOptions,
    pub summary: DemoSummary,
    pub messages: Vec<u8>,
    pub orders: Vec<u8>,
    pub ratings: Vec<u8>,
    pub roster: Vec<u8>,
    pub agents: Vec<u8>,
    pub progress: Vec<u64>,
}

pub fn opts(messages: u64, seed: u64, weeks: u32) -> DemoOptions {
    DemoOptions {
        messages,
        seed,
        weeks,
    }
}

pub fn make(opts: DemoOptions) -> Data {
    let (mut m, mut o, mut r) = (Vec::new(), Vec::new(), Vec::new());
    let mut progress = Vec::new();
    let summary = generate(&opts, &mut m, &mut o, &mut r, &mut |n| progress.push(n)).unwrap();
    let (mut roster, mut agents) = (Vec::new(), Vec::new());
    let p = plan(&opts);
    p.write_roster(&mut roster).unwrap();
    p.write_agents(&mut agents).unwrap();
    Data {
        opts,
        summary,
        messages: m,
        orders: o,
        ratings: r,
        roster,
        agents,
        progress,
    }
}

/// November alone: 120,000 messages, no history.
pub fn november() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| make(opts(120_000, 1, 0)))
}

/// 30,000 November messages after the default 13 weeks of history.
pub fn with_history() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| make(opts(30_000, 1, 13)))
}

pub fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// Parses a local time, checks its exact shape and that it lies in the
/// span of `weeks` weeks of history and November; seconds since 1970.
pub fn time(text: &str, weeks: u32) -> i64 {
    assert_eq!(text.len(), 19, "{text}");
    let t = RecordTime::parse(text).unwrap();
    assert_eq!(t.offset_s, None);
    assert_eq!(t.to_text(), text);
    let s = t.civil_ms / 1000;
    let first = NOV_1 - i64::from(weeks) * 7 * 86_400;
    assert!((first..NOV_1 + 30 * 86_400).contains(&s), "{text}");
    if weeks == 0 {
        assert!(text.starts_with("2026-11-"), "{text}");
    }
    s
}

/// Day number since 1970 of a time in seconds.
pub fn day_of(t: i64) -> i64 {
    t.div_euclid(86_400)
}

/// Parses a `YYYY-MM-DD` date: its day number since 1970.
pub fn date(text: &str) -> i64 {
    assert_eq!(text.len(), 10, "{text}");
    day_of(time(&format!("{text} 00:00:00"), 104))
}

/// Minutes since midnight of `HH:MM` (`24:00` allowed).
pub fn clock(text: &str) -> i64 {
    assert_eq!(text.len(), 5, "{text}");
    let (h, m) = text.split_once(':').unwrap();
    let (h, m): (i64, i64) = (h.parse().unwrap(), m.parse().unwrap());
    assert!(h <= 24 && m < 60 && (h < 24 || m == 0), "{text}");
    h * 60 + m
}

pub fn yuan(text: &str) -> i64 {
    let dot = text.find('.').unwrap();
    assert_eq!(text.len() - dot, 3, "{text}");
    Fen::parse_yuan(text).unwrap().0
}
