//! `kefu qa` end to end with the real binary, on SQLite and PostgreSQL:
//! findings and scores as the rows of spec qa.md §5 in every format, the
//! report per week and month, rule and scorecard files exported and
//! imported again, the daily sample, and refusals that name the option or
//! the item at fault.

use crate::common;

use common::{PgDb, kefu, ok, path, tmp};
use serde_json::Value;

/// A small month: 小美 asks a buyer of dy-1 to add her on WeChat and
/// answers late; 阿杰 answers a buyer of tm-2.
const MESSAGES: &str = "store,message_id,buyer,sender,agent,sent_at,content,kind
dy-1,m1,b1,buyer,,2026-11-04 10:00:00,在吗,text
dy-1,m2,b1,agent,dy-1:小美,2026-11-04 10:00:20,您好，加我微信吧,text
dy-1,m3,b1,buyer,,2026-11-04 10:01:00,发什么快递,text
dy-1,m4,b1,agent,dy-1:小美,2026-11-04 10:06:00,顺丰，感谢您的光临,text
tm-2,n1,b2,buyer,,2026-11-05 09:00:00,在吗,text
tm-2,n2,b2,agent,tm-2:阿杰,2026-11-05 09:00:30,亲，在的,text
";

fn run(db: &str, args: &[&str]) -> String {
    let mut v = vec!["--db", db];
    v.extend_from_slice(args);
    ok(&v)
}

fn json(db: &str, args: &[&str]) -> Value {
    let text = run(db, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"))
}

fn qa_commands(db: &str, dir: &std::path::Path) {
    let csv = path(dir, "messages.csv");
    std::fs::write(&csv, MESSAGES).expect("write messages");
    run(db, &["import", "messages", &csv]);

    // Findings: the keys of §5, the off-platform one with its text and span.
    let findings = json(db, &["qa", "findings", "--format", "json"]);
    let findings = findings.as_array().expect("rows");
    let keys = [
        "store",
        "buyer",
        "session_start",
        "message_id",
        "agent",
        "rule",
        "kind",
        "severity",
        "points",
        "matched",
        "span",
        "version",
    ];
    for f in findings {
        let got: Vec<&str> = f
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut want = keys.to_vec();
        want.sort_unstable();
        let mut got = got;
        got.sort_unstable();
        assert_eq!(got, want, "{f}");
    }
    let off = findings
        .iter()
        .find(|f| f["rule"] == "offplatform")
        .expect("the off-platform finding");
    assert_eq!(off["message_id"], "m2");
    assert_eq!(off["agent"], "dy-1:小美");
    assert_eq!(off["session_start"], "2026-11-04 10:00:00");
    let matched = off["matched"].as_str().expect("matched");
    assert!(matched.contains("微信"), "{matched}");
    let span = off["span"].as_array().expect("span");
    let (a, b) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
    let text: String = "您好，加我微信吧"
        .chars()
        .skip(a as usize)
        .take((b - a) as usize)
        .collect();
    assert_eq!(text, matched);
    let csv = run(
        db,
        &["qa", "findings", "--rule", "offplatform", "--format", "csv"],
    );
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.lines().next().unwrap().contains("matched"), "{csv}");

    // Scores by store, agent and date.
    let scores = json(
        db,
        &[
            "qa",
            "scores",
            "--by",
            "store,agent,date",
            "--format",
            "json",
        ],
    );
    let scores = scores.as_array().expect("rows");
    assert!(
        scores.iter().any(|r| r["store"] == "dy-1"
            && r["agent"] == "dy-1:小美"
            && r["date"] == "2026-11-04")
    );
    let total: i64 = scores.iter().map(|r| r["findings"].as_i64().unwrap()).sum();
    assert_eq!(total, findings.len() as i64);

    // The report: one week from Monday 11-02, rows adding up to the findings.
    let report = json(
        db,
        &[
            "qa", "report", "--group", "store", "--period", "week", "--format", "json",
        ],
    );
    assert_eq!(report["periods"], serde_json::json!(["2026-11-02"]));
    let rows = report["rows"].as_array().expect("rows");
    let sum: i64 = rows.iter().map(|r| r["findings"].as_i64().unwrap()).sum();
    assert_eq!(sum, findings.len() as i64);
    assert!(
        rows.iter()
            .any(|r| r["group"] == "dy-1" && r["critical"].as_i64() >= Some(1))
    );
    let table = run(db, &["qa", "report", "--group", "agent"]);
    assert!(
        table.contains("dy-1:小美") && table.contains("2026-11"),
        "{table}"
    );
    let xlsx = path(dir, "report.xlsx");
    run(db, &["qa", "report", "--format", "xlsx", "--out", &xlsx]);
    assert!(std::fs::read(&xlsx).expect("xlsx").starts_with(b"PK"));
    let out = kefu(&["--db", db, "qa", "report", "--group", "shop"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--group: 'shop'"));
    let out = kefu(&["--db", db, "qa", "report", "--period", "day"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--period: 'day'"));

    // Rule files go out and come back in as a new version.
    let rules = path(dir, "rules.toml");
    run(db, &["qa", "rules", "export", "--out", &rules]);
    let imported = run(db, &["qa", "rules", "import", &rules, "--note", "again"]);
    assert!(imported.contains("imported as version 2"), "{imported}");

    // The scorecard goes out, is changed, and comes back; a bad one is
    // refused with the item and field.
    let card = path(dir, "card.toml");
    run(db, &["qa", "scorecard", "export", "--out", &card]);
    let text = std::fs::read_to_string(&card).expect("card");
    assert!(
        text.contains("[[item]]") && text.contains("courtesy"),
        "{text}"
    );
    std::fs::write(
        &card,
        "[[item]]\nid = \"tone\"\nname = \"语气\"\npoints = 5\n",
    )
    .expect("write");
    assert!(run(db, &["qa", "scorecard", "import", &card]).contains("1 items"));
    assert!(run(db, &["qa", "scorecard", "export"]).contains("tone"));
    std::fs::write(
        &card,
        "[[item]]\nid = \"tone\"\nname = \"语气\"\npoints = 500\n",
    )
    .expect("write");
    let out = kefu(&["--db", db, "qa", "scorecard", "import", &card]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("item 1 (tone), points"));
    assert!(run(db, &["qa", "scorecard", "export"]).contains("points = 5"));

    // The day's sample, drawn once: the critical session is in it.
    let drawn = run(db, &["qa", "sample", "--date", "2026-11-04", "--seed", "7"]);
    assert!(
        drawn.contains("drawn") && drawn.contains("1 critical"),
        "{drawn}"
    );
    let again = run(db, &["qa", "sample", "--date", "2026-11-04", "--seed", "8"]);
    assert!(
        again.contains("drawn before") && again.contains("seed 7"),
        "{again}"
    );
}

#[test]
fn qa_commands_on_sqlite() {
    let dir = tmp();
    qa_commands(&path(dir.path(), "kefu.db"), dir.path());
}

#[test]
fn qa_commands_on_postgres() {
    let dir = tmp();
    let db = PgDb::new("qa_commands");
    qa_commands(&db.url, dir.path());
}
