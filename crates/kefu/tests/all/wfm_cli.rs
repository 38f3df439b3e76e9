//! `kefu wfm erlang` and `kefu wfm roster --instance` with the real binary:
//! the flags of wfm.md §4 exactly as scripts call them, the textbook values
//! with `concurrency = 1`, agents with concurrency and shrinkage, bad input
//! named by its flag; a roster instance of §5 solved into the JSON of §5
//! keeping leave and dedicated seats, as a grid and as XLSX.

use crate::common;

use common::{kefu, ok, path, tmp};
use serde_json::Value;

fn erlang(extra: &[&str]) -> Value {
    let mut args = vec![
        "wfm",
        "erlang",
        "--volume",
        "100",
        "--aht",
        "180",
        "--interval",
        "30",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    let text = ok(&args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn textbook_erlang_c_with_one_chat_at_a_time() {
    let a = erlang(&[
        "--concurrency",
        "1",
        "--target",
        "0.8",
        "--within",
        "20",
        "--max-occupancy",
        "0.85",
        "--shrinkage",
        "0",
    ]);
    assert_eq!(a["offered_load"], 10.0);
    assert_eq!(a["slots"], 14);
    assert_eq!(a["agents_on_duty"], 14);
    let near = |k: &str, v: f64| {
        let x = a[k].as_f64().unwrap();
        assert!((x - v).abs() < 1e-4, "{k}: {x} vs {v}");
    };
    near("service_level", 0.8884);
    near("p_wait", 0.1741);
    // ASA = P_wait × AHT ÷ (N − A) = 0.17413 × 180 ÷ 4.
    near("asa_seconds", 0.174132 * 180.0 / 4.0);
    near("occupancy", 10.0 / 14.0);
}

#[test]
fn concurrency_and_shrinkage() {
    // 14 slots ÷ 3 chats an agent = 5 on duty; 5 ÷ (1 − 0.3) = 7.14 → 8.
    let a = erlang(&["--concurrency", "3", "--shrinkage", "0.3"]);
    assert_eq!(
        (
            a["slots"].as_u64(),
            a["agents_on_duty"].as_u64(),
            a["agents_to_schedule"].as_u64()
        ),
        (Some(14), Some(5), Some(8))
    );
    let table = ok(&[
        "--lang", "en", "wfm", "erlang", "--volume", "100", "--aht", "180",
    ]);
    assert!(
        table.contains("agents to schedule") && table.contains("14"),
        "{table}"
    );
}

#[test]
fn bad_input_names_its_flag() {
    for (args, says) in [
        (vec!["--volume", "-5", "--aht", "180"], "--volume"),
        (vec!["--volume", "5", "--aht", "0"], "--aht"),
        (
            vec!["--volume", "5", "--aht", "180", "--max-occupancy", "1.5"],
            "--max-occupancy",
        ),
        (
            vec!["--volume", "5", "--aht", "180", "--concurrency", "0"],
            "--concurrency",
        ),
    ] {
        let mut v = vec!["--lang", "en", "wfm", "erlang"];
        v.extend(args);
        let out = kefu(&v);
        assert!(!out.status.success(), "{v:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{v:?}: {err}");
    }
}

const INSTANCE: &str = r#"
start = "2026-12-07"
days = 7
requirements = "required.csv"

[[shift]]
code = "E"
start = "08:00"
end = "16:30"
breaks = [ { start = "12:00", end = "12:30" } ]

[[shift]]
code = "L"
start = "15:30"
end = "24:00"

[[agent]]
name = "小夏"
skills = ["presale"]
stores = ["dy-1001", "dy-1002"]
contract_hours = 40
leave = ["2026-12-10"]

[[agent]]
name = "小秋"
skills = ["presale"]
stores = ["dy-1001", "dy-1002"]
contract_hours = 40
dedicated = "dy-1001"

[[agent]]
name = "小冬"
skills = ["presale"]
stores = ["dy-1002"]
contract_hours = 40
"#;

fn required() -> String {
    let mut out = String::from("store,skill,date,interval,agents\n");
    for day in 7..14 {
        for half in 16..48 {
            let (h, m) = (half / 2, if half % 2 == 0 { "00" } else { "30" });
            out.push_str(&format!("dy-1001,presale,2026-12-{day:02},{h:02}:{m},1\n"));
            if h >= 18 {
                out.push_str(&format!("dy-1002,presale,2026-12-{day:02},{h:02}:{m},1\n"));
            }
        }
    }
    out
}

#[test]
fn a_roster_instance_is_solved_into_the_answer_of_section_5() {
    let dir = tmp();
    std::fs::write(dir.path().join("required.csv"), required()).unwrap();
    let file = path(dir.path(), "instance.toml");
    std::fs::write(&file, INSTANCE).unwrap();
    let text = ok(&[
        "wfm",
        "roster",
        "--instance",
        &file,
        "--iterations",
        "20000",
        "--format",
        "json",
    ]);
    let a: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = a.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["assignments", "coverage", "hours", "gaps"]);
    let shifts = a["assignments"].as_array().unwrap();
    assert!(!shifts.is_empty());
    for s in shifts {
        assert!(
            !(s["agent"] == "小夏" && s["date"] == "2026-12-10"),
            "a shift on leave: {s}"
        );
        if s["agent"] == "小秋" {
            assert_eq!(
                s["store"], "dy-1001",
                "a dedicated agent works only its seat"
            );
        }
    }
    // Three agents cannot cover 16 h a day at one store and 6 h at the
    // other, seven days: gaps remain, each with its reason.
    let gaps = a["gaps"].as_array().unwrap();
    assert!(!gaps.is_empty());
    assert!(
        gaps.iter()
            .all(|g| g["reason"].as_str().is_some_and(|r| !r.is_empty()))
    );
    let table = ok(&[
        "--lang",
        "en",
        "wfm",
        "roster",
        "--instance",
        &file,
        "--iterations",
        "2000",
    ]);
    assert!(table.contains("小夏") && table.contains("12-07"), "{table}");
    let xlsx = path(dir.path(), "roster.xlsx");
    ok(&[
        "wfm",
        "roster",
        "--instance",
        &file,
        "--iterations",
        "2000",
        "--format",
        "xlsx",
        "--out",
        &xlsx,
    ]);
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    // The same seed, the same roster.
    let again = ok(&[
        "wfm",
        "roster",
        "--instance",
        &file,
        "--iterations",
        "20000",
        "--format",
        "json",
    ]);
    assert_eq!(text, again);
}

#[test]
fn a_bad_instance_names_the_file_and_field() {
    let dir = tmp();
    std::fs::write(dir.path().join("required.csv"), required()).unwrap();
    let file = path(dir.path(), "instance.toml");
    std::fs::write(
        &file,
        INSTANCE.replace("end = \"16:30\"", "end = \"16:31\""),
    )
    .unwrap();
    let out = kefu(&["--lang", "en", "wfm", "roster", "--instance", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("instance.toml") && err.contains("shift[1].end"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("required.csv")).unwrap();
    let out = kefu(&["--lang", "en", "wfm", "roster", "--instance", &file]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("required.csv"), "{err}");
    // A bad line of the requirements is named by the CSV's path and line.
    std::fs::write(&file, INSTANCE).unwrap();
    let bad = required().replacen("2026-12-07,08:00", "2026-12-07,08:10", 1);
    std::fs::write(dir.path().join("required.csv"), bad).unwrap();
    let out = kefu(&["--lang", "en", "wfm", "roster", "--instance", &file]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("required.csv: requirements line 2, interval"),
        "{err}"
    );
}

#[test]
fn a_forecast_from_the_imported_demo_month() {
    let dir = tmp();
    let db = path(dir.path(), "kefu.db");
    let out = path(dir.path(), "demo");
    ok(&[
        "--db",
        &db,
        "demo",
        "--out",
        &out,
        "--messages",
        "20000",
        "--load",
    ]);
    let text = ok(&[
        "--db",
        &db,
        "wfm",
        "forecast",
        "--store",
        "dy-1001",
        "--week",
        "2026-11-23",
        "--format",
        "json",
    ]);
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(f["rows"].as_array().map(Vec::len), Some(7 * 48));
    assert_eq!(f["rows"][0]["date"], "2026-11-23");
    assert_eq!(f["rows"][21]["interval"], "10:30");
    assert!(
        f["rows"][0]["actual"].is_number(),
        "the week is in the data"
    );
    assert!(f["trend"].as_f64().unwrap() > 0.0);
    let total: f64 = f["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["forecast"].as_f64().unwrap())
        .sum();
    assert!(total > 0.0);
    let csv = ok(&[
        "--db",
        &db,
        "--lang",
        "en",
        "wfm",
        "forecast",
        "--store",
        "dy-1001",
        "--week",
        "2026-11-23",
        "--format",
        "csv",
    ]);
    assert!(csv.lines().next().unwrap().contains("forecast"), "{csv}");
    let table = ok(&[
        "--db",
        &db,
        "wfm",
        "forecast",
        "--store",
        "dy-1001",
        "--week",
        "2026-11-23",
    ]);
    assert!(table.contains("WAPE") && table.contains("10:30"), "{table}");
    let err = kefu(&[
        "--db",
        &db,
        "--lang",
        "en",
        "wfm",
        "forecast",
        "--store",
        "nope",
        "--week",
        "2026-11-23",
    ]);
    assert!(!err.status.success());
}
