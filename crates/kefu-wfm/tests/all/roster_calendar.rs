//! Dates and times of roster files, and instances built in code checked
//! like files.

use kefu_wfm::roster::{Instance, Place, format_date, format_time, parse_date, parse_time};

/// Monday 2026-12-07.
const START: i32 = 20794;

const INSTANCE: &str = r#"
start = "2026-12-07"
days = 28
requirements = "required.csv"

[[shift]]
code = "E"
start = "08:00"
end = "16:30"

[[agent]]
name = "小夏"
skills = ["presale"]
stores = ["dy-1001"]
contract_hours = 40
"#;

const REQUIRED: &str = "store,skill,date,interval,agents
dy-1001,presale,2026-12-07,08:00,2
dy-1001,presale,2026-12-07,08:30,3
";

fn read(toml: &str, csv: &str) -> Instance {
    match Instance::from_toml(toml, csv) {
        Ok(instance) => instance,
        Err(e) => panic!("{}", e.en()),
    }
}

#[test]
fn an_instance_built_in_code_is_checked_like_a_file() {
    let mut i = read(INSTANCE, REQUIRED);
    assert_eq!(i.check(), Ok(()));
    i.requirements[1].interval = 515;
    let e = i.check().err().map(|e| e.place);
    assert_eq!(e, Some(Place::field("requirements[2].interval")));
    i.requirements[1].interval = 510;
    i.agents.push(i.agents[0].clone());
    let e = i.check().err().map(|e| e.place);
    assert_eq!(e, Some(Place::field("agent[2].name")));
}

#[test]
fn dates_and_times_convert_both_ways() {
    assert_eq!(parse_date("1970-01-01"), Some(0));
    assert_eq!(parse_date("2026-12-07"), Some(START));
    assert_eq!(parse_date("2000-02-29"), Some(11016));
    assert_eq!(parse_date("1900-02-29"), None);
    assert_eq!(parse_date("2026-13-01"), None);
    assert_eq!(parse_date("2026-1-01"), None);
    for day in (-719_000..2_900_000).step_by(997) {
        assert_eq!(parse_date(&format_date(day)), Some(day), "{day}");
    }
    assert_eq!(format_date(START + 25), "2027-01-01");
    assert_eq!(parse_time("24:00"), Some(1440));
    assert_eq!(parse_time("8:30"), Some(510));
    assert_eq!(parse_time("24:30"), None);
    assert_eq!(parse_time("12:60"), None);
    assert_eq!(format_time(1410), "23:30");
}
