//! Gaps the solver cannot close, each with the rule or shortage that kept
//! it open, and the JSON answer of §5.

use crate::roster_support;

use kefu_wfm::roster::{Budget, GapReason, Instance, Solution, answer, lower_bound, solve};
use roster_support::{SHIFTS, START, Shape, check, generate};
use serde_json::Value;

fn instance(rules: &str, agents: &str, rows: &[&str]) -> Instance {
    let toml = format!(
        "start = \"2026-12-07\"\ndays = 7\nrequirements = \"r.csv\"\n[rules]\n{rules}\n{SHIFTS}\n{agents}"
    );
    let csv = format!("store,skill,date,interval,agents\n{}\n", rows.join("\n"));
    match Instance::from_toml(&toml, &csv) {
        Ok(i) => i,
        Err(e) => panic!("{}", e.en()),
    }
}

const ONE_AGENT: &str = r#"
[[agent]]
name = "小夏"
skills = ["presale", "aftersale"]
stores = ["s1", "s2"]
contract_hours = 40
leave = ["2026-12-08"]
"#;

fn solved(instance: &Instance) -> Solution {
    let solution = solve(instance, &Budget::new(5_000, 3), None);
    let solution = solution.unwrap_or_else(|e| panic!("{}", e.en()));
    check(instance, &solution);
    solution
}

/// The reason of the gap at `day` and `interval` of `store` and `skill`.
fn reason(s: &Solution, store: &str, skill: &str, day: i32, interval: &str) -> Option<GapReason> {
    let minutes = kefu_wfm::roster::parse_time(interval)?;
    s.gaps
        .iter()
        .find(|g| {
            g.store == store && g.skill == skill && g.date == START + day && g.interval == minutes
        })
        .map(|g| g.reason)
}

#[test]
fn nobody_qualified_and_dedicated_seats_elsewhere() {
    let agents = format!(
        "{ONE_AGENT}dedicated = \"s1\"\n[[agent]]\nname = \"阿明\"\nskills = [\"presale\"]\nstores = [\"s1\"]\ncontract_hours = 40\n"
    );
    let i = instance(
        "",
        &agents,
        &[
            "s3,presale,2026-12-07,10:00,1",
            "s2,presale,2026-12-07,10:00,1",
        ],
    );
    let s = solved(&i);
    assert_eq!(
        reason(&s, "s3", "presale", 0, "10:00"),
        Some(GapReason::NoQualifiedAgent)
    );
    assert_eq!(
        reason(&s, "s2", "presale", 0, "10:00"),
        Some(GapReason::DedicatedElsewhere)
    );
}

#[test]
fn no_shift_template_covers_the_interval() {
    // The shifts run from 08:00 to 24:00; nothing is on duty at 03:00.
    let i = instance("", ONE_AGENT, &["s1,presale,2026-12-09,03:00,1"]);
    let s = solved(&i);
    assert_eq!(
        reason(&s, "s1", "presale", 2, "03:00"),
        Some(GapReason::NoShiftTemplate)
    );
}

#[test]
fn all_qualified_agents_on_leave() {
    let i = instance("", ONE_AGENT, &["s1,presale,2026-12-08,10:00,1"]);
    let s = solved(&i);
    assert_eq!(
        reason(&s, "s1", "presale", 1, "10:00"),
        Some(GapReason::OnLeave)
    );
}

#[test]
fn already_working_that_day() {
    // One agent, two posts at the same time: one stays open.
    let i = instance(
        "",
        ONE_AGENT,
        &[
            "s1,presale,2026-12-07,10:00,1",
            "s1,aftersale,2026-12-07,10:00,1",
        ],
    );
    let s = solved(&i);
    assert_eq!(s.gaps.len(), 1);
    assert_eq!(s.gaps[0].reason, GapReason::AlreadyWorking);
}

#[test]
fn weekly_hours_limit() {
    // 16 paid hours a week: two shifts of 8; Monday, Wednesday to Sunday ask.
    let days =
        ["07", "09", "10", "11", "12", "13"].map(|d| format!("s1,presale,2026-12-{d},10:00,1"));
    let i = instance(
        "max_week_hours = 16",
        ONE_AGENT,
        &days.each_ref().map(String::as_str),
    );
    let s = solved(&i);
    assert_eq!(s.assignments.len(), 2);
    assert_eq!(s.gaps.len(), 4);
    assert!(
        s.gaps.iter().all(|g| g.reason == GapReason::WeekHours),
        "{:?}",
        s.gaps
    );
}

#[test]
fn rest_between_shifts() {
    // 22:00 Monday needs L (to 24:00), 08:00 Tuesday needs E: 8 hours
    // apart, so one of them stays open; Wednesday's E is 32 hours later.
    let agent = ONE_AGENT.replace("leave = [\"2026-12-08\"]", "");
    let rows = [
        "s1,presale,2026-12-07,22:00,1",
        "s1,presale,2026-12-08,08:00,1",
        "s1,presale,2026-12-09,08:00,1",
    ];
    let s = solved(&instance("", &agent, &rows));
    assert_eq!(s.assignments.len(), 2);
    assert_eq!(s.gaps.len(), 1, "{:?}", s.gaps);
    assert_eq!(s.gaps[0].reason, GapReason::Rest);
}

#[test]
fn consecutive_days_limit() {
    // At most 2 days in a row: of 7 days asking, 5 can be worked.
    let days: Vec<String> = (7..=13)
        .map(|d| format!("s1,presale,2026-12-{d:02},10:00,1"))
        .collect();
    let rows: Vec<&str> = days.iter().map(String::as_str).collect();
    let agent = ONE_AGENT.replace("leave = [\"2026-12-08\"]", "");
    let i = instance(
        "max_week_hours = 60\nmax_consecutive_days = 2",
        &agent,
        &rows,
    );
    let s = solved(&i);
    assert_eq!(s.assignments.len(), 5);
    assert_eq!(s.gaps.len(), 2);
    assert!(
        s.gaps
            .iter()
            .all(|g| g.reason == GapReason::ConsecutiveDays),
        "{:?}",
        s.gaps
    );
}

#[test]
fn too_few_agents_give_gaps_with_reasons_not_an_error() {
    let shape = Shape {
        stores: 3,
        agents: 6,
        days: 14,
        load: 4.0,
        seed: 5,
    };
    let i = generate(shape);
    let s = solved(&i);
    assert!(s.gaps.len() > 100);
    assert!(s.uncovered_intervals > 0);
    let bound = lower_bound(&i).unwrap_or_else(|e| panic!("{}", e.en()));
    assert!(bound.uncovered_at_least > 0 && bound.uncovered_at_least <= s.uncovered_intervals);
    for g in &s.gaps {
        assert_eq!(GapReason::from_code(g.reason.code()), Some(g.reason));
        assert!(!g.reason.zh().is_empty() && !g.reason.en().is_empty());
    }
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn the_answer_is_the_json_of_section_5() {
    let toml = format!(
        "start = \"2026-12-07\"\ndays = 1\nrequirements = \"r.csv\"\n{SHIFTS}\n[[shift]]\ncode = \"N\"\nstart = \"20:00\"\nend = \"02:00\"\n{ONE_AGENT}"
    );
    // The night from Monday covers 01:00 on Tuesday, the day after the plan.
    let csv = "store,skill,date,interval,agents,forecast\ns1,presale,2026-12-08,01:00,1,3.5\ns1,presale,2026-12-07,10:00,2,\n";
    let i = Instance::from_toml(&toml, csv).unwrap_or_else(|e| panic!("{}", e.en()));
    let s = solved(&i);
    let json = serde_json::to_value(answer(&i, &s)).unwrap_or_default();
    assert_eq!(keys(&json), ["assignments", "coverage", "hours", "gaps"]);
    let a = &json["assignments"][0];
    assert_eq!(keys(a), ["agent", "date", "shift", "store", "skill"]);
    assert_eq!(
        (a["date"].as_str(), a["shift"].as_str()),
        (Some("2026-12-07"), Some("N"))
    );
    let coverage = json["coverage"].as_array().cloned().unwrap_or_default();
    let at = |date: &str, interval: &str| {
        coverage
            .iter()
            .find(|r| r["date"] == date && r["interval"] == interval)
            .cloned()
    };
    let night = at("2026-12-08", "01:00").unwrap_or_default();
    assert_eq!(
        keys(&night),
        [
            "store",
            "skill",
            "date",
            "interval",
            "forecast",
            "required",
            "scheduled",
            "gap"
        ]
    );
    assert_eq!(
        (
            night["forecast"].as_f64(),
            night["scheduled"].as_u64(),
            night["gap"].as_u64()
        ),
        (Some(3.5), Some(1), Some(0))
    );
    let day = at("2026-12-07", "10:00").unwrap_or_default();
    assert_eq!(
        keys(&day),
        [
            "store",
            "skill",
            "date",
            "interval",
            "forecast",
            "required",
            "scheduled",
            "gap"
        ]
    );
    assert!(day["forecast"].is_null(), "no forecast given: null");
    assert_eq!(
        (
            day["required"].as_u64(),
            day["scheduled"].as_u64(),
            day["gap"].as_u64()
        ),
        (Some(2), Some(0), Some(2))
    );
    // Not required but on duty: over-coverage, required 0.
    let spare = at("2026-12-07", "20:00").unwrap_or_default();
    assert_eq!(
        (spare["required"].as_u64(), spare["scheduled"].as_u64()),
        (Some(0), Some(1))
    );
    let hours = &json["hours"][0];
    assert_eq!(keys(hours), ["agent", "week", "hours"]);
    assert_eq!(
        (hours["week"].as_str(), hours["hours"].as_f64()),
        (Some("2026-12-07"), Some(6.0))
    );
    let gap = &json["gaps"][0];
    assert_eq!(
        keys(gap),
        ["store", "skill", "date", "interval", "gap", "reason"]
    );
    assert_eq!(
        (gap["interval"].as_str(), gap["gap"].as_u64()),
        (Some("10:00"), Some(2))
    );
    assert_eq!(gap["reason"].as_str(), Some("already_working"));
}
