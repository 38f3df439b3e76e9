//! The workforce commands on the database, with the real binary on the
//! demo (`kefu demo --load`, which also stores the demo's workforce):
//! settings exported and a bad import refused naming the field, a roster
//! from the database (JSON of §5, kept with --save, instance written),
//! adherence of the demo agents against their plan, the promotion
//! calendar and the surge of a promotion day.

use crate::common;

use common::{kefu, ok};
use serde_json::Value;

#[test]
fn roster_adherence_calendar_and_surge_from_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let db = p("kefu.db");
    ok(&[
        "--db",
        &db,
        "demo",
        "--out",
        &p("demo"),
        "--messages",
        "20000",
        "--weeks",
        "6",
        "--load",
    ]);
    let run = |args: &[&str]| -> String {
        let mut all = vec!["--db", db.as_str(), "--lang", "en", "wfm"];
        all.extend_from_slice(args);
        ok(&all)
    };

    let settings = run(&["settings", "export"]);
    assert!(
        settings.contains("[[shift]]") && settings.contains("[[agent]]"),
        "{settings}"
    );
    std::fs::write(p("bad.toml"), "[rules]\nmax_week_hours = \"many\"\n").unwrap();
    let out = kefu(&[
        "--db",
        &db,
        "--lang",
        "en",
        "wfm",
        "settings",
        "import",
        &p("bad.toml"),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("rules.max_week_hours"),
        "{err}"
    );

    let json = run(&[
        "roster",
        "--from",
        "2026-12-07",
        "--days",
        "7",
        "--iterations",
        "100000",
        "--format",
        "json",
        "--save",
        "--instance-out",
        &p("inst"),
    ]);
    let a: Value = serde_json::from_str(&json).unwrap();
    let shifts = a["assignments"].as_array().unwrap();
    assert!(!shifts.is_empty());
    assert!(
        shifts
            .iter()
            .all(|s| s["date"].as_str().unwrap() >= "2026-12-07")
    );
    assert!(a["coverage"][0]["required"].is_number() && a["hours"][0]["hours"].is_number());
    // The instance written solves again from the file.
    let again = run(&[
        "roster",
        "--instance",
        &p("inst/instance.toml"),
        "--iterations",
        "1000",
        "--format",
        "json",
    ]);
    assert!(again.contains("\"assignments\""));
    let both = kefu(&[
        "--db",
        &db,
        "wfm",
        "roster",
        "--instance",
        "x.toml",
        "--from",
        "2026-12-07",
    ]);
    assert!(!both.status.success());

    let rows: Value = serde_json::from_str(&run(&[
        "adherence",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-29",
        "--format",
        "json",
    ]))
    .unwrap();
    let rows = rows.as_array().unwrap();
    let planned = rows.iter().filter(|r| r["shift"].is_string()).count();
    assert!(
        planned > 20,
        "the demo agents' shifts of the week: {planned}"
    );
    let late: i64 = rows
        .iter()
        .map(|r| r["late_minutes"].as_i64().unwrap())
        .sum();
    assert!(late > 0, "the demo's agents start late now and then");
    assert!(
        rows.iter()
            .all(|r| r["date"].as_str().unwrap() >= "2026-11-23")
    );
    let csv = run(&[
        "adherence",
        "--from",
        "2026-11-23",
        "--to",
        "2026-11-23",
        "--format",
        "csv",
    ]);
    assert!(csv.contains("late_minutes"), "{csv}");

    run(&[
        "promotion",
        "set",
        "--store",
        "dy-1001",
        "--date",
        "2026-12-12",
        "--multiplier",
        "40",
        "--name",
        "直播",
    ]);
    let list = run(&["promotion", "list", "--store", "dy-1001"]);
    assert!(
        list.contains("2026-12-12") && list.contains("manual"),
        "{list}"
    );
    let s: Value = serde_json::from_str(&run(&[
        "surge",
        "--store",
        "dy-1001",
        "--date",
        "2026-12-12",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(s["multiplier"], 40.0);
    assert!(s["peak_extra"].as_u64().unwrap() > 0, "{s}");
    let evening = s["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["interval"] == "21:00")
        .unwrap();
    assert!(
        evening["required"].as_u64() > evening["ordinary_required"].as_u64(),
        "{evening}"
    );
    run(&[
        "promotion",
        "remove",
        "--store",
        "dy-1001",
        "--date",
        "2026-12-12",
    ]);
    let gone = kefu(&[
        "--db",
        &db,
        "wfm",
        "promotion",
        "remove",
        "--store",
        "dy-1001",
        "--date",
        "2026-12-12",
    ]);
    assert!(!gone.status.success());
}
