//! Database mode and file mode give identical figures on the demo data, on
//! SQLite and on PostgreSQL; re-import changes nothing.

use crate::common;
use common::*;

const GROUPINGS: [&str; 4] = ["store", "store,agent,date", "date,hour", "agent,hour"];

fn same_figures(db: &str, dir: &std::path::Path) {
    let input = dir.to_str().unwrap();
    for by in GROUPINGS {
        let from_db = ok(&["--db", db, "kpi", "--by", by, "--format", "json"]);
        let from_files = ok(&["kpi", "--input", input, "--by", by, "--format", "json"]);
        assert_eq!(json(&from_db), json(&from_files), "--by {by}");
        assert!(json(&from_db).as_array().is_some_and(|a| !a.is_empty()));
    }
    let args = [
        "--from",
        "2026-11-11",
        "--to",
        "2026-11-11",
        "--store",
        "tm-2001",
        "--by",
        "agent",
        "--format",
        "json",
    ];
    let mut db_args = vec!["--db", db, "kpi"];
    db_args.extend(args);
    let mut file_args = vec!["kpi", "--input", input];
    file_args.extend(args);
    assert_eq!(json(&ok(&db_args)), json(&ok(&file_args)));
}

#[test]
fn sqlite_and_files_agree_and_reimport_changes_nothing() {
    let dir = tmp();
    demo(dir.path(), 20_000);
    let db = path(dir.path(), "kefu.db");
    import_dir(&db, dir.path());
    same_figures(&db, dir.path());
    // The three files in one transaction (`import dir`) give the same figures.
    let one_go = path(dir.path(), "one-go.db");
    let out = ok(&[
        "--db",
        &one_go,
        "import",
        "dir",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.contains("rejected 0"), "{out}");
    same_figures(&one_go, dir.path());
    let before = ok(&[
        "--db",
        &db,
        "kpi",
        "--by",
        "store,agent,date",
        "--format",
        "json",
    ]);
    let again = ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "messages.csv"),
    ]);
    assert!(again.contains("imported 0,"), "{again}");
    assert!(again.contains("recomputed 0 "), "{again}");
    assert_eq!(
        before,
        ok(&[
            "--db",
            &db,
            "kpi",
            "--by",
            "store,agent,date",
            "--format",
            "json"
        ])
    );
}

#[test]
fn postgres_and_files_agree() {
    let dir = tmp();
    demo(dir.path(), 20_000);
    let pg = PgDb::new("modes");
    import_dir(&pg.url, dir.path());
    same_figures(&pg.url, dir.path());
}

#[test]
fn settings_apply_alike_in_both_modes() {
    let dir = tmp();
    demo(dir.path(), 10_000);
    let db = path(dir.path(), "kefu.db");
    import_dir(&db, dir.path());
    ok(&[
        "--db",
        &db,
        "store",
        "set",
        "dy-1001",
        "session_idle_minutes=30",
        "attribution=payment",
        "service_hours=09:00-22:00",
    ]);
    ok(&[
        "--db",
        &db,
        "store",
        "set",
        "tm-2001",
        "auto_reply_prefixes=亲，在的,您好，欢迎",
    ]);
    let toml = "[stores.\"dy-1001\"]\nsession_idle_minutes = 30\nattribution = \"payment\"\nservice_hours = \"09:00-22:00\"\n\n[stores.\"tm-2001\"]\nauto_reply_prefixes = [\"亲，在的\", \"您好，欢迎\"]\n";
    std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
    for by in GROUPINGS {
        let a = ok(&["--db", &db, "kpi", "--by", by, "--format", "json"]);
        let b = ok(&[
            "kpi",
            "--input",
            dir.path().to_str().unwrap(),
            "--settings",
            &path(dir.path(), "settings.toml"),
            "--by",
            by,
            "--format",
            "json",
        ]);
        assert_eq!(json(&a), json(&b), "--by {by}");
    }
}
