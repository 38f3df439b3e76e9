//! Reading roster instances (spec `wfm.md` §5): the spec's example, the
//! defaults, shifts past midnight, and errors that name their field or
//! line in both languages.

use kefu_wfm::roster::error::Source;
use kefu_wfm::roster::{Instance, Place, Problem};

/// Monday 2026-12-07.
const START: i32 = 20794;

/// The example of §5, as the spec writes it.
const SPEC_EXAMPLE: &str = r#"
start = "2026-12-07"            # first day planned (local); weeks run from it
days = 28
interval_minutes = 30
requirements = "required.csv"   # store,skill,date,interval,agents (agents on duty), beside this file

[rules]                         # the hard rules of §3
max_week_hours = 44             # paid hours in each 7-day week from `start`
min_rest_hours = 12             # from the end of one shift to the start of the next
max_consecutive_days = 6        # so at least one whole day off in every 7

[[shift]]
code = "E"                      # shift code, as printed in the roster grid
start = "08:00"
end = "16:30"                   # an end at or before the start runs past midnight; "24:00" is midnight
breaks = [ { start = "12:00", end = "12:30" } ]   # unpaid, not on duty

[[agent]]
name = "小夏"
skills = ["presale"]
stores = ["dy-1001", "dy-1002"] # the stores it passed the assessment for
contract_hours = 40             # per week, a target
leave = ["2026-12-10"]          # days it may not work
prefer_off = ["2026-12-25"]     # preferences (objective only)
dedicated = "dy-1001"           # optional: a named seat (专人专席): works only for that store

[[store]]                       # optional: a store's weight in the objective (default 1)
code = "dy-1001"
priority = 2
"#;

const REQUIRED: &str = "store,skill,date,interval,agents
dy-1001,presale,2026-12-07,08:00,2
dy-1001,presale,2026-12-07,08:30,3
dy-1002,presale,2026-12-08,23:30,1
";

fn read(toml: &str, csv: &str) -> Instance {
    match Instance::from_toml(toml, csv) {
        Ok(instance) => instance,
        Err(e) => panic!("{}", e.en()),
    }
}

fn error(toml: &str, csv: &str) -> kefu_wfm::roster::InstanceError {
    match Instance::from_toml(toml, csv) {
        Ok(_) => panic!("accepted:\n{toml}"),
        Err(e) => e,
    }
}

fn field(toml: &str) -> String {
    match error(toml, REQUIRED).place {
        Place::Field(path) => path,
        other => panic!("not a field: {other:?}"),
    }
}

#[test]
fn the_spec_example_is_read_field_by_field() {
    let i = read(SPEC_EXAMPLE, REQUIRED);
    assert_eq!(i.start, START);
    assert_eq!((i.days, i.interval_minutes), (28, 30));
    assert_eq!(i.requirements_file, "required.csv");
    assert_eq!(i.rules.max_week_hours, 44.0);
    assert_eq!(i.rules.min_rest_hours, 12.0);
    assert_eq!(i.rules.max_consecutive_days, 6);
    let e = &i.shifts[0];
    assert_eq!((e.code.as_str(), e.start, e.end), ("E", 480, 990));
    assert_eq!((e.breaks[0].start, e.breaks[0].end), (720, 750));
    assert_eq!(e.paid_minutes(), 480);
    assert!(e.on_duty(480) && !e.on_duty(720) && e.on_duty(750) && !e.on_duty(990));
    assert!(!e.is_evening());
    let a = &i.agents[0];
    assert_eq!(a.name, "小夏");
    assert_eq!(a.skills, ["presale"]);
    assert_eq!(a.stores, ["dy-1001", "dy-1002"]);
    assert_eq!(a.contract_hours, 40.0);
    assert_eq!(a.leave.iter().copied().collect::<Vec<_>>(), [START + 3]);
    assert_eq!(
        a.prefer_off.iter().copied().collect::<Vec<_>>(),
        [START + 18]
    );
    assert_eq!(a.dedicated.as_deref(), Some("dy-1001"));
    assert!(a.may_work("dy-1001", "presale"));
    assert!(!a.may_work("dy-1002", "presale"), "dedicated to dy-1001");
    assert_eq!(i.priority("dy-1001"), 2);
    assert_eq!(i.priority("dy-1002"), 1);
    assert_eq!(i.requirements.len(), 3);
    let r = &i.requirements[1];
    assert_eq!(
        (
            r.store.as_str(),
            r.skill.as_str(),
            r.date,
            r.interval,
            r.agents
        ),
        ("dy-1001", "presale", START, 510, 3)
    );
    assert_eq!(r.forecast, None);
    assert_eq!(i.weeks(), 4);
}

#[test]
fn defaults_apply_to_fields_left_out() {
    let toml = r#"
        start = 2026-12-07
        days = 10
        requirements = "r.csv"
        [[shift]]
        code = "L"
        start = "15:30"
        end = "24:00"
        [[store]]
        code = "dy-1001"
    "#;
    let i = read(toml, "store,skill,date,interval,agents\n");
    assert_eq!(i.start, START, "a TOML local date is a date too");
    assert_eq!(i.interval_minutes, 30);
    assert_eq!(i.rules, kefu_wfm::roster::Rules::default());
    assert_eq!(i.stores[0].priority, 1);
    assert!(i.agents.is_empty() && i.requirements.is_empty());
    assert_eq!(
        (i.shifts[0].end_minute(), i.shifts[0].paid_minutes()),
        (1440, 510)
    );
    assert!(i.shifts[0].is_evening());
    assert_eq!((i.weeks(), i.week_length(1)), (2, 3));
}

#[test]
fn a_shift_ending_at_or_before_its_start_runs_past_midnight() {
    let toml = r#"
        start = "2026-12-07"
        days = 2
        requirements = "r.csv"
        [[shift]]
        code = "N"
        start = "22:00"
        end = "06:00"
        breaks = [{ start = "02:00", end = "02:30" }]
    "#;
    // 00:00 of the day after the plan is reachable by the last night.
    let csv = "store,skill,date,interval,agents,forecast\ns,k,2026-12-09,05:30,1,12.5\n";
    let i = read(toml, csv);
    let n = &i.shifts[0];
    assert_eq!(n.end_minute(), 1800);
    assert_eq!(n.break_minutes().collect::<Vec<_>>(), [(1560, 1590)]);
    assert_eq!(n.paid_minutes(), 450);
    assert!(n.on_duty(1439) && n.on_duty(1440) && !n.on_duty(1560) && !n.on_duty(1800));
    assert!(n.is_evening());
    assert_eq!(i.requirements[0].forecast, Some(12.5));
    // But not beyond the last night's end.
    let late = "store,skill,date,interval,agents\ns,k,2026-12-09,06:00,1\n";
    let e = error(toml, late);
    assert!(matches!(e.problem, Problem::OutsidePlan { .. }), "{e}");
}

/// The spec example with `from` replaced by `to`.
fn edited(from: &str, to: &str) -> String {
    assert!(SPEC_EXAMPLE.contains(from), "{from}");
    SPEC_EXAMPLE.replacen(from, to, 1)
}

/// The spec example with a second shift.
fn with_shift(lines: &str) -> String {
    format!("{SPEC_EXAMPLE}\n[[shift]]\n{lines}\n")
}

#[test]
fn errors_name_the_field() {
    assert_eq!(
        field(&with_shift("code = \"L\"\nstart = \"15:30\"")),
        "shift[2].end"
    );
    assert_eq!(
        field(&with_shift(
            "code = \"L\"\nstart = \"15:30\"\nend = \"25:00\""
        )),
        "shift[2].end"
    );
    assert_eq!(
        field(&with_shift(
            "code = \"E\"\nstart = \"15:30\"\nend = \"24:00\""
        )),
        "shift[2].code"
    );
    assert_eq!(
        field(&with_shift(
            "code = \"X\"\nstart = \"15:45\"\nend = \"24:00\""
        )),
        "shift[2].start"
    );
    assert_eq!(
        field(&with_shift(
            "code = \"X\"\nstart = \"15:30\"\nend = \"24:00\"\nbreaks = [{start = \"12:00\", end = \"12:30\"}]"
        )),
        "shift[2].breaks[1].start"
    );
    assert_eq!(field(&edited("days = 28", "days = \"28\"")), "days");
    assert_eq!(field(&edited("days = 28", "days = 0")), "days");
    assert_eq!(
        field(&edited("interval_minutes = 30", "interval_minutes = 7")),
        "interval_minutes"
    );
    assert_eq!(
        field(&edited("start = \"2026-12-07\"", "start = \"2026-02-30\"")),
        "start"
    );
    assert_eq!(
        field(&edited("max_week_hours = 44", "max_week_hour = 44")),
        "rules.max_week_hour"
    );
    assert_eq!(
        field(&edited("min_rest_hours = 12", "min_rest_hours = -1")),
        "rules.min_rest_hours"
    );
    assert_eq!(
        field(&edited(
            "leave = [\"2026-12-10\"]",
            "leave = [\"2026-12-10\", \"12/11\"]"
        )),
        "agent[1].leave[2]"
    );
    assert_eq!(
        field(&edited("dedicated = \"dy-1001\"", "dedicated = \"dy-9\"")),
        "agent[1].dedicated"
    );
    assert_eq!(
        field(&edited("skills = [\"presale\"]\n", "")),
        "agent[1].skills"
    );
    assert_eq!(
        field(&edited("priority = 2", "priority = 0")),
        "store[1].priority"
    );
    assert_eq!(
        field(&edited("requirements = \"required.csv\"", "")),
        "requirements"
    );
}

#[test]
fn error_messages_are_in_chinese_and_english() {
    let e = error(&with_shift("code = \"L\"\nstart = \"15:30\""), REQUIRED);
    assert_eq!(e.en(), "shift[2].end: missing");
    assert_eq!(e.zh(), "shift[2].end：缺少此项");
    let e = error(
        &edited("start = \"2026-12-07\"", "start = \"7.12.2026\""),
        REQUIRED,
    );
    assert_eq!(e.en(), "start: “7.12.2026” is not a date YYYY-MM-DD");
    assert_eq!(e.zh(), "start：“7.12.2026”不是 YYYY-MM-DD 格式的日期");
    assert_eq!(e.to_string(), e.en());
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let e = error(&edited("days = 28", "days = = 28"), REQUIRED);
    match e.place {
        Place::Line {
            source: Source::Instance,
            line,
            column: None,
        } => assert_eq!(line, 3),
        other => panic!("{other:?}"),
    }
    assert!(
        e.en().starts_with("instance line 3: syntax error"),
        "{}",
        e.en()
    );
    assert!(e.zh().starts_with("排班实例 第 3 行"), "{}", e.zh());
}

/// The line and column of a requirements error.
fn csv_error(csv: &str) -> (u64, Option<String>, Problem) {
    match error(SPEC_EXAMPLE, csv) {
        kefu_wfm::roster::InstanceError {
            place:
                Place::Line {
                    source: Source::Requirements,
                    line,
                    column,
                },
            problem,
        } => (line, column, problem),
        other => panic!("{other:?}"),
    }
}

#[test]
fn requirement_errors_name_the_line_and_column() {
    let head = "store,skill,date,interval,agents\n";
    let ok = "dy-1001,presale,2026-12-07,08:00,2\n";
    let (line, column, problem) = csv_error(&format!("{head}{ok}{ok}"));
    assert_eq!((line, column.as_deref()), (3, Some("interval")));
    assert!(matches!(problem, Problem::Duplicate { .. }));
    let (line, column, _) = csv_error(&format!("{head}{ok}dy-1001,presale,2026-12-07,8:15,2\n"));
    assert_eq!((line, column.as_deref()), (3, Some("interval")));
    let (line, column, _) = csv_error(&format!("{head}dy-1001,presale,2026-12-07,08:00,2.5\n"));
    assert_eq!((line, column.as_deref()), (2, Some("agents")));
    let (line, column, problem) = csv_error(&format!("{head}dy-1001,presale,2027-01-04,08:00,1\n"));
    assert_eq!((line, column.as_deref()), (2, Some("date")));
    assert!(matches!(problem, Problem::OutsidePlan { .. }));
    let (line, column, problem) = csv_error("store,skill,date,agents\n");
    assert_eq!(
        (line, column.as_deref(), problem),
        (1, Some("interval"), Problem::Missing)
    );
    let (line, column, problem) = csv_error("store,skill,date,interval,agents,note\n");
    assert_eq!(
        (line, column.as_deref(), problem),
        (1, Some("note"), Problem::UnknownField)
    );
    let e = error(
        SPEC_EXAMPLE,
        &format!("{head}{ok}dy-1001,presale,2026-12-07,25:00,1\n"),
    );
    assert_eq!(
        e.en(),
        "requirements line 3, interval: “25:00” is not a time HH:MM from 00:00 to 24:00"
    );
    assert_eq!(
        e.zh(),
        "requirements 第 3 行，interval：“25:00”不是 00:00 到 24:00 之间的 HH:MM 时间"
    );
}

#[test]
fn columns_may_come_in_any_order() {
    let i = read(
        SPEC_EXAMPLE,
        "\u{feff}agents,interval,date,skill,store\n4,09:00,2026-12-07,presale,dy-1001\n",
    );
    let r = &i.requirements[0];
    assert_eq!((r.agents, r.interval, r.date), (4, 540, START));
}
