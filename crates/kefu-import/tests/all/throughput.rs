//! Parsing speed: `cargo test -p kefu-import --release --test all -- throughput --ignored --nocapture`.

use crate::common;

use common::*;
use kefu_import::{Kind, ReadOptions, open};
use std::io::Write;
use std::time::Instant;

fn time_it(path: &std::path::Path, kind: Kind, rows: u64) {
    let start = Instant::now();
    let reader = open(path, kind, &ReadOptions::default()).unwrap();
    let mut n = 0u64;
    for item in reader {
        item.unwrap();
        n += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = std::fs::metadata(path).unwrap().len() as f64 / 1e6;
    println!(
        "{}: {n} rows in {secs:.2} s = {:.2} M rows/s, {:.0} MB/s",
        path.display(),
        n as f64 / secs / 1e6,
        mb / secs
    );
    assert_eq!(n, rows);
}

#[test]
#[ignore = "slow; run in release"]
fn messages_per_second() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 2_000_000u64;
    let mut text = String::from(MESSAGES_HEADER);
    for i in 0..rows {
        let (sender, agent) = if i % 2 == 0 {
            ("buyer", "")
        } else {
            ("agent", "客服小王")
        };
        text.push_str(&format!(
            "dy-1001,m{i},buyer{},{sender},{agent},2026-11-{:02} {:02}:{:02}:{:02},亲，这款还有货吗？请尽快发货谢谢,text\r\n",
            i % 50_000,
            i % 28 + 1,
            i % 24,
            i % 60,
            i / 60 % 60
        ));
    }
    let csv = write(dir.path(), "messages.csv", &text);
    time_it(&csv, Kind::Messages, rows);
    let gb = write(dir.path(), "messages-gbk.csv", gbk(&text));
    time_it(&gb, Kind::Messages, rows);

    let path = dir.path().join("messages.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for (i, line) in text.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        writeln!(
            out,
            r#"{{"store":"{}","message_id":"{}","buyer":"{}","sender":"{}","agent":"{}","sent_at":"{}","content":"{}","kind":"{}","seq":{i}}}"#,
            f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]
        )
        .unwrap();
    }
    drop(out);
    time_it(&path, Kind::Messages, rows);
}
