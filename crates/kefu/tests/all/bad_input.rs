//! Bad input of every kind in spec §1: the error names file, line and field,
//! and nothing is imported; --skip-invalid imports the rest and writes the
//! rejected records beside the input.

use crate::common;
use common::*;

const HEAD: &str = "store,message_id,buyer,sender,agent,sent_at,content,kind\n";
const GOOD: &str = "dy-1,m1,b1,buyer,,2026-11-03 10:00:00,在吗,text\ndy-1,m2,b1,agent,dy-1:小美,2026-11-03 10:00:20,亲，在的,text\n";

fn nothing_imported(db: &str) {
    let stores = ok(&["--db", db, "store", "list"]);
    assert!(!stores.contains("dy-1"), "a store was created: {stores}");
    assert_eq!(
        json(&ok(&["--db", db, "kpi", "--format", "json"])),
        serde_json::json!([])
    );
}

fn refused(file: &str, kind: &str, body: &str, expect: &[&str]) {
    let dir = tmp();
    let input = dir.path().join(file);
    std::fs::write(&input, body).unwrap();
    let db = path(dir.path(), "kefu.db");
    let out = kefu(&["--db", &db, "import", kind, input.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "accepted {body}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in:\n{err}");
    }
    assert!(err.contains("nothing was imported"), "{err}");
    nothing_imported(&db);
}

#[test]
fn messages_with_each_kind_of_error_are_refused() {
    let cases: [(&str, &[&str]); 6] = [
        (
            "dy-1,m3,,buyer,,2026-11-03 10:01:00,x,text\n",
            &["line 4, field `buyer`: is missing"],
        ),
        (
            "dy-1,m3,b1,robot2,,2026-11-03 10:01:00,x,text\n",
            &["line 4, field `sender`", "robot2"],
        ),
        (
            "dy-1,m3,b1,buyer,,2026-11-31 10:01:00,x,text\n",
            &["line 4, field `sent_at`", "2026-11-31 10:01:00"],
        ),
        (
            "dy-1,m3,b1,agent,,2026-11-03 10:01:00,x,text\n",
            &["line 4, field `agent`"],
        ),
        (
            ",m3,b1,buyer,,2026-11-03 10:01:00,x,text\n",
            &["line 4, field `store`"],
        ),
        (
            "dy-1,m3,b1,buyer,,2026-11-03 10:01:00,x,video\n",
            &["line 4, field `kind`"],
        ),
    ];
    for (bad, expect) in cases {
        let body = format!("{HEAD}{GOOD}{bad}");
        let mut e = vec!["messages.csv"];
        e.extend_from_slice(expect);
        refused("messages.csv", "messages", &body, &e);
    }
}

#[test]
fn orders_and_ratings_with_bad_fields_are_refused() {
    let head = "store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at\n";
    let good = "dy-1,o1,b1,2026-11-03 10:30:00,2026-11-03 10:31:00,129.90,,\n";
    for (bad, expect) in [
        ("dy-1,o2,b1,2026-11-03 10:30:00,,-5,,\n", "field `amount`"),
        (
            "dy-1,o2,b1,2026-11-03 10:30:00,,12.345,,\n",
            "more than 2 decimal places",
        ),
        ("dy-1,o2,b1,2026-11-03 10:30:00,,abc,,\n", "field `amount`"),
        ("dy-1,o2,b1,yesterday,,1,,\n", "field `created_at`"),
        (
            "dy-1,o2,b1,2026-11-03 10:30:00,soon,1,,\n",
            "field `paid_at`",
        ),
    ] {
        refused(
            "orders.csv",
            "orders",
            &format!("{head}{good}{bad}"),
            &["orders.csv line 3", expect],
        );
    }
    let head = "store,buyer,agent,rated_at,score\n";
    let good = "dy-1,b1,dy-1:小美,2026-11-03 11:00:00,5\n";
    refused(
        "ratings.csv",
        "ratings",
        &format!("{head}{good}dy-1,b1,dy-1:小美,2026-11-03 12:00:00,6\n"),
        &["line 3, field `score`"],
    );
    refused(
        "ratings.csv",
        "ratings",
        &format!("{head}{good}dy-1,b1,,2026-11-03 12:00:00,4\n"),
        &["line 3, field `agent`"],
    );
}

#[test]
fn a_missing_column_is_named() {
    refused(
        "m.csv",
        "messages",
        "store,message_id,buyer,agent,sent_at\ndy-1,m1,b1,,2026-11-03 10:00:00\n",
        &["sender", "--map"],
    );
}

#[test]
fn several_files_import_all_or_nothing() {
    let dir = tmp();
    std::fs::write(dir.path().join("a.csv"), format!("{HEAD}{GOOD}")).unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        format!("{HEAD}dy-1,m9,b2,buyer,,not a time,x,text\n"),
    )
    .unwrap();
    let db = path(dir.path(), "kefu.db");
    let out = kefu(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "a.csv"),
        &path(dir.path(), "b.csv"),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("b.csv line 2, field `sent_at`"));
    nothing_imported(&db);
}

#[test]
fn skip_invalid_imports_the_rest_and_writes_the_rejects() {
    let dir = tmp();
    let body = format!(
        "{HEAD}{GOOD}dy-1,m3,b1,agent,,2026-11-03 10:01:00,x,text\ndy-1,m4,b1,buyer,,2026-11-03 10:02:00,\"好的，谢谢\",text\n"
    );
    std::fs::write(dir.path().join("messages.csv"), body).unwrap();
    let db = path(dir.path(), "kefu.db");
    let out = ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "messages.csv"),
        "--skip-invalid",
    ]);
    assert!(
        out.contains("read 4 records, imported 3,") && out.contains("rejected 1"),
        "{out}"
    );
    let rejects = std::fs::read_to_string(dir.path().join("messages.rejected.csv")).unwrap();
    assert!(
        rejects.contains("agent") && rejects.contains("m3"),
        "{rejects}"
    );
    assert!(!rejects.contains("m4"));
    let rows = json(&ok(&["--db", &db, "kpi", "--format", "json"]));
    assert_eq!(rows[0]["buyer_messages"], 2);
    // Running it again is safe: nothing new, and a second reject file.
    let again = ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "messages.csv"),
        "--skip-invalid",
    ]);
    assert!(again.contains("imported 0,"), "{again}");
    assert!(dir.path().join("messages.rejected-2.csv").exists());
}

#[test]
fn a_changed_message_is_a_conflict_and_skipped() {
    let dir = tmp();
    std::fs::write(dir.path().join("a.csv"), format!("{HEAD}{GOOD}")).unwrap();
    std::fs::write(
        dir.path().join("b.csv"),
        format!("{HEAD}dy-1,m2,b1,agent,dy-1:小美,2026-11-03 10:00:20,改了,text\n"),
    )
    .unwrap();
    let db = path(dir.path(), "kefu.db");
    ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "a.csv"),
    ]);
    let out = kefu(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "b.csv"),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("conflicts 1"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("conflict: dy-1 m2"));
}

#[test]
fn gbk_files_with_chinese_headers_and_mapped_columns_import() {
    let dir = tmp();
    let text = "店铺,消息ID,买家昵称,发送方,客服,发送时间,消息内容\ndy-1,m1,tb_小王,买家,,2026-11-03 10:00:00,在吗\ndy-1,m2,tb_小王,客服,dy-1:小美,2026-11-03 10:00:30,亲，在的\n";
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(dir.path().join("聊天记录.csv"), &bytes).unwrap();
    let db = path(dir.path(), "kefu.db");
    ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "聊天记录.csv"),
    ]);
    let rows = json(&ok(&[
        "--db", &db, "kpi", "--by", "agent", "--format", "json",
    ]));
    assert_eq!(rows[0]["agent"], "dy-1:小美");
    assert_eq!(rows[0]["first_response_s"], 30.0);
    // --map for a column named otherwise; JSON Lines.
    std::fs::write(
        dir.path().join("o.jsonl"),
        "{\"store\":\"dy-1\",\"order_id\":\"o1\",\"buyer\":\"tb_小王\",\"created_at\":\"2026-11-03 10:05:00\",\"paid_at\":\"2026-11-03 10:06:00\",\"实收\":129.9}\n",
    )
    .unwrap();
    ok(&[
        "--db",
        &db,
        "import",
        "orders",
        &path(dir.path(), "o.jsonl"),
        "--map",
        "amount=实收",
    ]);
    let rows = json(&ok(&["--db", &db, "kpi", "--format", "json"]));
    assert_eq!(rows[0]["sales"], "129.90");
}

#[test]
fn file_mode_refuses_bad_input_with_its_place() {
    let dir = tmp();
    std::fs::write(
        dir.path().join("messages.csv"),
        format!("{HEAD}{GOOD}dy-1,m3,b1,buyer,,2026-11-03 25:00:00,x,text\n"),
    )
    .unwrap();
    let out = kefu(&["kpi", "--input", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("messages.csv line 4, field `sent_at`") && err.contains("nothing computed"),
        "{err}"
    );
    let none = kefu(&["kpi", "--input", &path(dir.path(), "nowhere")]);
    assert!(String::from_utf8_lossy(&none.stderr).contains("does not exist"));
}
