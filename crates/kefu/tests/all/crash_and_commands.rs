//! A kill -9 in the middle of a large import loses nothing and half-writes
//! nothing; store settings; every output format.

use crate::common;
use common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn killed_import_then_import_again_equals_a_clean_import() {
    let dir = tmp();
    demo(dir.path(), 250_000);
    let db = path(dir.path(), "kefu.db");
    let messages = path(dir.path(), "messages.csv");
    let only_messages = tmp();
    std::fs::copy(&messages, only_messages.path().join("messages.csv")).unwrap();
    let complete = json(&ok(&[
        "kpi",
        "--input",
        only_messages.path().to_str().unwrap(),
        "--format",
        "json",
        "--by",
        "store",
    ]));
    let mut killed_mid_import = false;
    for delay_ms in [300u64, 900, 2500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kefu"))
            .args(["--db", &db, "import", "messages", &messages])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(delay_ms) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed_mid_import = true;
        }
        let _ = child.wait();
        // Before or after, never half: no facts without all their messages.
        let rows = json(&ok(&[
            "--db", &db, "kpi", "--format", "json", "--by", "store",
        ]));
        if rows.as_array().is_some_and(|r| !r.is_empty()) {
            assert_eq!(rows, complete, "a killed import left part of its work");
            break;
        }
    }
    assert!(
        killed_mid_import,
        "the import finished before it could be killed"
    );
    import_dir(&db, dir.path());
    for by in ["store,agent,date", "hour"] {
        let a = ok(&["--db", &db, "kpi", "--by", by, "--format", "json"]);
        let b = ok(&[
            "kpi",
            "--input",
            dir.path().to_str().unwrap(),
            "--by",
            by,
            "--format",
            "json",
        ]);
        assert_eq!(json(&a), json(&b));
    }
}

#[test]
fn store_settings_are_listed_shown_changed_and_checked() {
    let dir = tmp();
    let db = path(dir.path(), "kefu.db");
    let out = ok(&[
        "--db",
        &db,
        "store",
        "set",
        "dy-9",
        "session_idle_minutes=15",
        "auto_reply_prefixes=【自动回复】,[auto]",
    ]);
    assert!(out.contains("session_idle_minutes = 15"), "{out}");
    let show = ok(&["--db", &db, "store", "show", "dy-9"]);
    assert!(
        show.contains("auto_reply_prefixes = 【自动回复】,[auto]"),
        "{show}"
    );
    assert!(
        show.contains("timezone = Asia/Shanghai") && show.contains("service_hours = 08:00-24:00"),
        "{show}"
    );
    let list = ok(&["--db", &db, "store", "list"]);
    assert!(
        list.contains("dy-9") && list.contains("session_idle_minutes"),
        "{list}"
    );
    for (bad, reason) in [
        ("timezone=Mars/Base", "time zone"),
        ("service_hours=8-24", "service hours"),
        ("attribution=maybe", "order, payment"),
        ("dissatisfied_max_score=9", "outside"),
        ("colour=red", "not a setting"),
        ("session_idle_minutes", "key=value"),
    ] {
        let out = kefu(&["--db", &db, "store", "set", "dy-9", bad]);
        assert!(!out.status.success(), "{bad} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{bad}: {err}");
    }
    assert!(ok(&["--db", &db, "store", "show", "dy-9"]).contains("session_idle_minutes = 15"));
    assert!(
        !kefu(&["--db", &db, "store", "show", "nope"])
            .status
            .success()
    );
}

#[test]
fn every_output_format() {
    let dir = tmp();
    demo(dir.path(), 5_000);
    let input = dir.path().to_str().unwrap();
    let table = ok(&["kpi", "--input", input, "--by", "store"]);
    assert!(table.contains("consult_buyers") || table.contains("咨询人数"));
    let zh = String::from_utf8(
        Command::new(env!("CARGO_BIN_EXE_kefu"))
            .args(["kpi", "--input", input])
            .env("KEFU_LANG", "zh")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(zh.contains("咨询人数") && zh.contains("店铺"), "{zh}");
    let csv = ok(&[
        "kpi",
        "--input",
        input,
        "--by",
        "store,date",
        "--format",
        "csv",
    ]);
    assert!(
        csv.starts_with("store,date,consult_buyers,sessions,"),
        "{csv}"
    );
    assert_eq!(
        csv.lines().count(),
        1 + json(&ok(&[
            "kpi",
            "--input",
            input,
            "--by",
            "store,date",
            "--format",
            "json"
        ]))
        .as_array()
        .unwrap()
        .len()
    );
    let xlsx = dir.path().join("kpi.xlsx");
    ok(&[
        "kpi",
        "--input",
        input,
        "--by",
        "agent",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&xlsx).unwrap();
    assert!(bytes.starts_with(b"PK") && bytes.len() > 2000);
    let err = kefu(&["kpi", "--input", input, "--format", "xlsx"]);
    assert!(!err.status.success() && String::from_utf8_lossy(&err.stderr).contains("--out"));
    let bad = kefu(&["kpi", "--input", input, "--by", "week"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("'week' is not a grouping"));
    let bad = kefu(&["kpi", "--input", input, "--from", "2026-11-31"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--from"));
}

/// An import that creates the SQLite file loads it with a rollback journal;
/// the next command returns the file to the write-ahead log, and the
/// figures are those of an import into an existing database.
#[test]
fn a_loading_import_returns_to_the_write_ahead_log() {
    let dir = tmp();
    demo(dir.path(), 3_000);
    let fresh = path(dir.path(), "fresh.db");
    let messages = dir.path().join("messages.csv");
    ok(&[
        "--db",
        &fresh,
        "import",
        "messages",
        messages.to_str().unwrap(),
    ]);
    let header = std::fs::read(&fresh).unwrap();
    assert_eq!(
        header[18], 1,
        "rollback journal while loading (file format 1)"
    );
    import_dir(&fresh, dir.path());
    let existing = path(dir.path(), "existing.db");
    ok(&["--db", &existing, "store", "list"]);
    import_dir(&existing, dir.path());
    let a = ok(&[
        "--db",
        &fresh,
        "kpi",
        "--by",
        "store,agent",
        "--format",
        "json",
    ]);
    let b = ok(&[
        "--db",
        &existing,
        "kpi",
        "--by",
        "store,agent",
        "--format",
        "json",
    ]);
    assert_eq!(json(&a), json(&b));
    let header = std::fs::read(&fresh).unwrap();
    assert_eq!(
        header[18], 2,
        "write-ahead log again after the next open (file format 2)"
    );
}
