//! The validator: each hard rule of §3 broken on purpose is caught, with
//! its agent and date, and a roster keeping them all passes.

use kefu_wfm::roster::{Assignment, Instance, Rule, Violation, validate};

/// Monday 2026-12-07.
const START: i32 = 20794;

const INSTANCE: &str = r#"
start = "2026-12-07"
days = 14
requirements = "r.csv"

[[shift]]
code = "E"
start = "08:00"
end = "16:30"
breaks = [{ start = "12:00", end = "12:30" }]

[[shift]]
code = "L"
start = "15:30"
end = "24:00"

[[shift]]
code = "P"
start = "19:00"
end = "24:00"

[[shift]]
code = "N"
start = "22:00"
end = "06:00"

[[agent]]
name = "小夏"
skills = ["presale"]
stores = ["s1", "s2"]
contract_hours = 40
leave = ["2026-12-10"]

[[agent]]
name = "阿明"
skills = ["presale", "aftersale"]
stores = ["s1", "s2"]
contract_hours = 40
dedicated = "s1"
"#;

fn instance() -> Instance {
    match Instance::from_toml(INSTANCE, "store,skill,date,interval,agents\n") {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    }
}

fn shift(agent: &str, day: i32, code: &str) -> Assignment {
    Assignment {
        agent: agent.to_string(),
        date: START + day,
        shift: code.to_string(),
        store: "s1".to_string(),
        skill: "presale".to_string(),
    }
}

/// The violations' (agent, day, code).
fn broken(roster: &[Assignment]) -> Vec<(String, i32, &'static str)> {
    validate(&instance(), roster)
        .iter()
        .map(|v| (v.agent.clone(), v.date - START, v.rule.code()))
        .collect()
}

fn one(agent: &str, day: i32, code: &'static str) -> Vec<(String, i32, &'static str)> {
    vec![(agent.to_string(), day, code)]
}

#[test]
fn a_roster_keeping_every_rule_passes() {
    // 小夏: E Monday to Wednesday, leave on Thursday, L on Friday (ending
    // at 24:00), E again on Sunday: 32 paid hours. 阿明: N on Monday (to
    // 06:00), P on Tuesday at 19:00, 13 hours later.
    let roster = [
        shift("小夏", 0, "E"),
        shift("小夏", 1, "E"),
        shift("小夏", 2, "E"),
        shift("小夏", 4, "L"),
        shift("小夏", 6, "E"),
        shift("阿明", 0, "N"),
        shift("阿明", 1, "P"),
    ];
    assert_eq!(broken(&roster), []);
}

#[test]
fn two_shifts_on_one_day() {
    let roster = [shift("小夏", 0, "E"), shift("小夏", 0, "P")];
    let found = broken(&roster);
    assert!(
        found.contains(&("小夏".to_string(), 0, "one_shift_a_day")),
        "{found:?}"
    );
}

#[test]
fn more_paid_hours_in_a_week_than_allowed() {
    // Six E of 8 paid hours in the first week: 48 > 44, dated by the week.
    let roster: Vec<Assignment> = (0..6).map(|d| shift("阿明", d, "E")).collect();
    assert_eq!(broken(&roster), one("阿明", 0, "week_hours"));
    let v = &validate(&instance(), &roster)[0];
    assert_eq!(
        v.rule,
        Rule::WeekHours {
            hours: 48.0,
            limit: 44.0
        }
    );
    // The same six spread over two weeks pass.
    let roster: Vec<Assignment> = (4..10).map(|d| shift("阿明", d, "E")).collect();
    assert_eq!(broken(&roster), []);
}

#[test]
fn too_little_rest_between_shifts() {
    // L ends at 24:00, E starts at 08:00: 8 hours.
    let roster = [shift("小夏", 0, "L"), shift("小夏", 1, "E")];
    assert_eq!(broken(&roster), one("小夏", 1, "rest"));
    let v = &validate(&instance(), &roster)[0];
    assert_eq!(
        v.rule,
        Rule::Rest {
            hours: 8.0,
            limit: 12.0
        }
    );
}

#[test]
fn rest_counts_from_the_end_of_a_shift_past_midnight() {
    // N from 22:00 runs to 06:00; P at 19:00 that day leaves 13 hours, E
    // at 08:00 only 2.
    assert_eq!(broken(&[shift("阿明", 0, "N"), shift("阿明", 1, "P")]), []);
    assert_eq!(
        broken(&[shift("阿明", 0, "N"), shift("阿明", 1, "E")]),
        one("阿明", 1, "rest")
    );
}

#[test]
fn more_working_days_in_a_row_than_allowed() {
    // Seven P of 5 hours: 35 hours, but a seventh day in a row.
    let roster: Vec<Assignment> = (0..7).map(|d| shift("阿明", d, "P")).collect();
    assert_eq!(broken(&roster), one("阿明", 6, "consecutive_days"));
    // Runs count from the plan's first day, across weeks.
    let roster: Vec<Assignment> = (4..12).map(|d| shift("阿明", d, "P")).collect();
    let found = broken(&roster);
    assert_eq!(
        found,
        [
            one("阿明", 10, "consecutive_days"),
            one("阿明", 11, "consecutive_days")
        ]
        .concat()
    );
}

#[test]
fn no_shift_on_leave() {
    assert_eq!(broken(&[shift("小夏", 3, "E")]), one("小夏", 3, "leave"));
}

#[test]
fn only_stores_the_agent_is_qualified_for() {
    let mut a = shift("小夏", 0, "E");
    a.store = "s3".to_string();
    assert_eq!(broken(&[a]), one("小夏", 0, "store"));
}

#[test]
fn only_skills_the_agent_has() {
    let mut a = shift("小夏", 0, "E");
    a.skill = "aftersale".to_string();
    assert_eq!(broken(&[a]), one("小夏", 0, "skill"));
}

#[test]
fn a_dedicated_agent_works_only_for_its_seat() {
    let mut a = shift("阿明", 0, "E");
    a.store = "s2".to_string();
    assert_eq!(broken(&[a.clone()]), one("阿明", 0, "dedicated"));
    a.store = "s1".to_string();
    assert_eq!(broken(&[a]), []);
}

#[test]
fn the_date_must_be_planned() {
    assert_eq!(
        broken(&[shift("小夏", 14, "E")]),
        one("小夏", 14, "outside_plan")
    );
    assert_eq!(
        broken(&[shift("小夏", -1, "E")]),
        one("小夏", -1, "outside_plan")
    );
}

#[test]
fn the_shift_code_must_exist() {
    assert_eq!(
        broken(&[shift("小夏", 0, "X")]),
        one("小夏", 0, "unknown_shift")
    );
}

#[test]
fn the_agent_must_exist() {
    assert_eq!(
        broken(&[shift("nobody", 0, "E")]),
        one("nobody", 0, "unknown_agent")
    );
}

#[test]
fn violations_read_in_both_languages() {
    let v = Violation {
        agent: "小夏".to_string(),
        date: START + 3,
        rule: Rule::Leave,
    };
    assert_eq!(v.en(), "小夏 2026-12-10: no shift on leave");
    assert_eq!(v.zh(), "小夏 2026-12-10：请假日不能排班");
}
