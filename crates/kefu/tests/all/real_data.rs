//! Real chat text: the JDDC sample in `../shared/data/jddc-sample` (994 JD
//! sessions, 12,136 messages in Chinese), imported through a CSV the test
//! writes and checked against figures counted here from the source file.
//!
//! The sample has no times, so the test assigns them: sessions in file order,
//! messages 20 seconds apart, 11 minutes of silence after each session (so no
//! two merge under the 10-minute idle rule), all between 09:00 and 23:00 from
//! 2026-11-02 on (so every round starts inside the service hours). Agent
//! messages are sent by `jd-9001:客服`; the store is `jd-9001`.

use crate::common;
use common::*;
use std::path::Path;

#[test]
fn jddc_sample_imports_and_counts_as_counted_by_hand() {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/jddc-sample/chat.tsv");
    let text = std::fs::read_to_string(&src)
        .expect("the JDDC sample beside the repository (../shared/data)");
    let mut sessions: Vec<Vec<Vec<&str>>> = Vec::new();
    let mut last = "";
    for (n, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.splitn(7, '\t').collect();
        assert_eq!(cols.len(), 7, "line {}", n + 1);
        if cols[0] != last || sessions.is_empty() {
            sessions.push(Vec::new());
            last = cols[0];
        }
        sessions.last_mut().unwrap().push(cols);
    }
    assert_eq!(sessions.len(), 994);

    let dir = tmp();
    let mut w = csv::Writer::from_path(dir.path().join("messages.csv")).unwrap();
    w.write_record([
        "store",
        "message_id",
        "buyer",
        "sender",
        "agent",
        "sent_at",
        "content",
        "kind",
    ])
    .unwrap();
    let (mut buyer_msgs, mut agent_msgs, mut rounds, mut steps, mut unanswered, mut fast) =
        (0, 0, 0, 0, 0, 0);
    let day_start = |d: i64| d * 86_400 + 9 * 3600;
    let (mut day, mut t, mut id) = (1i64, day_start(1), 0);
    for s in &sessions {
        if t + 20 * s.len() as i64 > day * 86_400 + 23 * 3600 {
            day += 1;
            t = day_start(day);
        }
        let mut open: Option<usize> = None;
        for (pos, cols) in s.iter().enumerate() {
            let agent = cols[2] == "1";
            if agent {
                agent_msgs += 1;
                if let Some(start) = open.take() {
                    rounds += 1;
                    steps += pos - start;
                    fast += usize::from((pos - start) * 20 <= 180);
                }
            } else {
                buyer_msgs += 1;
                open.get_or_insert(pos);
            }
            let at = t + 20 * pos as i64;
            let time = format!(
                "2026-11-{:02} {:02}:{:02}:{:02}",
                1 + at / 86_400,
                at / 3600 % 24,
                at / 60 % 60,
                at % 60
            );
            id += 1;
            let (sender, who) = if agent {
                ("agent", "jd-9001:客服")
            } else {
                ("buyer", "")
            };
            w.write_record([
                "jd-9001",
                &format!("m{id}"),
                cols[1],
                sender,
                who,
                &time,
                cols[6],
                "text",
            ])
            .unwrap();
        }
        unanswered += usize::from(open.is_some());
        t += 20 * (s.len() as i64 - 1) + 11 * 60;
    }
    w.flush().unwrap();
    drop(w);
    assert!(day <= 29, "the sessions fit in November");

    let db = path(dir.path(), "kefu.db");
    ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "messages.csv"),
    ]);
    let rows = json(&ok(&[
        "--db", &db, "kpi", "--format", "json", "--by", "store",
    ]));
    let r = &rows[0];
    assert_eq!(r["sessions"], 994);
    assert_eq!(r["buyer_messages"], buyer_msgs);
    assert_eq!(r["agent_messages"], agent_msgs);
    assert_eq!(r["unanswered_rounds"], unanswered);
    let avg = r["avg_response_s"].as_f64().unwrap();
    assert!(
        (avg - steps as f64 * 20.0 / rounds as f64).abs() < 1e-9,
        "{avg}"
    );
    let rate = r["reply_3min_rate"].as_f64().unwrap();
    assert!(
        (rate - fast as f64 / (rounds + unanswered) as f64).abs() < 1e-9,
        "{rate}"
    );
    // The same figures straight from the file, and no text was mangled.
    let from_file = json(&ok(&[
        "kpi",
        "--input",
        dir.path().to_str().unwrap(),
        "--format",
        "json",
        "--by",
        "store",
    ]));
    assert_eq!(rows, from_file);
    let again = ok(&[
        "--db",
        &db,
        "import",
        "messages",
        &path(dir.path(), "messages.csv"),
    ]);
    assert!(
        again.contains("imported 0,") && again.contains("conflicts 0"),
        "{again}"
    );
}
