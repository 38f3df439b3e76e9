//! The planning settings: the defaults read, errors name their field, the
//! instance built from settings and the database's agents, and the
//! instance written as TOML and CSV reads back to itself.

use kefu_wfm::plan::{DEFAULT_SETTINGS, Person, PlanSettings, instance_toml, requirements_csv};
use kefu_wfm::roster::{Instance, Requirement, parse_date, parse_time};

fn day(text: &str) -> i32 {
    parse_date(text).expect("date")
}

#[test]
fn the_defaults_read_with_four_shifts_and_the_rules_of_section_3() {
    let s = PlanSettings::from_toml(DEFAULT_SETTINGS).expect("defaults");
    assert_eq!(s, PlanSettings::defaults());
    let codes: Vec<&str> = s.shifts.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["E", "L", "M", "P"]);
    assert_eq!(s.rules.max_week_hours, 44.0);
    assert_eq!(s.forecast_weeks, 4);
    assert_eq!(s.staffing("any").concurrency, 3);
}

#[test]
fn errors_name_the_field_or_line() {
    let err = |text: &str| PlanSettings::from_toml(text).expect_err(text).to_string();
    assert!(err("forecast_weeks = 0").contains("forecast_weeks"));
    assert!(err("[[store]]\ncode = \"a\"\ntarget = 1.5").contains("store[1].target"));
    assert!(err("[[store]]\ncode = \"a\"\nconcurrency = 0").contains("store[1].concurrency"));
    assert!(err("[[agent]]\nname = \"x\"\n[[agent]]\nname = \"x\"").contains("agent[2].name"));
    assert!(err("[[agent]]\nname = \"x\"\nholiday = 1").contains("agent[1].holiday"));
    assert!(
        err("[[agent]]\nname = \"x\"\ncontract_hours = -4").contains("agent[1].contract_hours")
    );
    assert!(
        err("[[shift]]\ncode = \"E\"\nstart = \"08:00\"\nend = \"8:61\"").contains("shift[1].end")
    );
    let syntax = err("a = \n= b");
    assert!(
        syntax.contains("排班设置") || syntax.contains("planning settings"),
        "{syntax}"
    );
}

#[test]
fn the_instance_merges_database_agents_with_the_settings() {
    let text = format!(
        "{DEFAULT_SETTINGS}\n[[agent]]\nname = \"小夏\"\ncontract_hours = 36\nleave = [\"2026-12-08\"]\nstores = [\"s2\"]\n\
         [[agent]]\nname = \"外援\"\nskills = [\"aftersale\"]\nstores = [\"s1\"]\n\
         [[agent]]\nname = \"无技能\"\n\
         [[store]]\ncode = \"s1\"\npriority = 3\nconcurrency = 4\n"
    );
    let s = PlanSettings::from_toml(&text).expect("settings");
    assert_eq!(s.staffing("s1").concurrency, 4);
    assert_eq!(s.staffing("s2").concurrency, 3);
    let people = [
        Person {
            name: "小夏".into(),
            skills: vec!["presale".into()],
            stores: vec!["s1".into()],
        },
        Person {
            name: "小春".into(),
            skills: vec!["presale".into(), "aftersale".into()],
            stores: vec![],
        },
    ];
    let req = vec![Requirement {
        store: "s1".into(),
        skill: "presale".into(),
        date: day("2026-12-07"),
        interval: parse_time("09:00").expect("time"),
        agents: 2,
        forecast: Some(12.5),
    }];
    let i = s
        .instance(day("2026-12-07"), 7, &people, req)
        .expect("instance");
    let names: Vec<&str> = i.agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["小夏", "小春", "外援"],
        "settings-only agents need skills and stores"
    );
    let xia = &i.agents[0];
    assert_eq!(xia.stores, ["s1", "s2"]);
    assert_eq!(xia.contract_hours, 36.0);
    assert!(xia.leave.contains(&day("2026-12-08")));
    assert_eq!(i.agents[1].contract_hours, 40.0);
    assert_eq!(i.stores[0].priority, 3);

    let back = Instance::from_toml(&instance_toml(&i), &requirements_csv(&i)).expect("reads back");
    assert_eq!(back, i);
}
