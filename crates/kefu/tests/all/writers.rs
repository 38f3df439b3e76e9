//! One write path, whoever writes (issue 9): a `kefu import dir` on the
//! command line and API batches posted to `kefu serve` on the same
//! database at the same time, on SQLite and on PostgreSQL. Every batch is
//! either stored or answered 503 with `Retry-After` (and stored when sent
//! again), never 500; afterwards every record of both is there.

use crate::common;

use common::server::{serve, token};
use common::{PgDb, demo, path, tmp};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Messages of the demo month the CLI imports.
const DEMO_MESSAGES: u64 = 60_000;
/// API batches, and messages in each.
const BATCHES: usize = 30;
const PER_BATCH: usize = 200;

fn batch(n: usize) -> serde_json::Value {
    let items: Vec<serde_json::Value> = (0..PER_BATCH)
        .map(|i| {
            serde_json::json!({
                "store": "api-feed",
                "message_id": format!("b{n}-{i}"),
                "buyer": format!("buyer-{n}"),
                "sender": if i % 2 == 0 { "buyer" } else { "agent" },
                "agent": if i % 2 == 0 { None } else { Some("api-feed:小周") },
                "sent_at": format!("2026-11-07 10:{:02}:{:02}", i / 60 % 60, i % 60),
                "content": format!("第 {i} 条"),
            })
        })
        .collect();
    serde_json::Value::Array(items)
}

/// Posts every batch while the import runs; returns how many answers were
/// 503 (each sent again until stored).
async fn post_batches(base: &str, token: &str) -> usize {
    let http = reqwest::Client::new();
    let mut busy = 0;
    for n in 0..BATCHES {
        let body = batch(n);
        let started = Instant::now();
        loop {
            let r = http
                .post(format!("{base}/api/v1/messages"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("the server answers");
            let status = r.status().as_u16();
            if status == 503 {
                assert!(
                    r.headers().contains_key("retry-after"),
                    "503 without Retry-After"
                );
                busy += 1;
                assert!(started.elapsed() < Duration::from_secs(300), "never stored");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
            let text = r.text().await.unwrap_or_default();
            assert_eq!(status, 200, "batch {n}: {text}");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    busy
}

fn writers_take_turns(db: &str) {
    let data = tmp();
    demo(data.path(), DEMO_MESSAGES);
    let demo_messages = csv::Reader::from_path(data.path().join("messages.csv"))
        .expect("messages.csv")
        .records()
        .count() as i64;
    let token = token(db);
    let server = serve(db);
    let import = Command::new(env!("CARGO_BIN_EXE_kefu"))
        .args([
            "--db",
            db,
            "import",
            "dir",
            data.path().to_str().expect("path"),
        ])
        .env("KEFU_LANG", "en")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kefu import");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let busy = runtime.block_on(post_batches(&server.base, &token));
    let out = import.wait_with_output().expect("import ends");
    assert!(
        out.status.success(),
        "the CLI import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(server);
    let counts = runtime.block_on(async {
        let repo = common::open_db(db).await;
        let c = repo.counts().await.expect("counts");
        repo.close().await.expect("close");
        c
    });
    let api_messages = (BATCHES * PER_BATCH) as i64;
    assert_eq!(
        counts.messages,
        demo_messages + api_messages,
        "every record landed ({busy} answers were 503)"
    );
}

#[test]
fn cli_import_and_api_batches_sqlite() {
    let dir = tmp();
    writers_take_turns(&path(dir.path(), "kefu.db"));
}

#[test]
fn cli_import_and_api_batches_postgres() {
    let db = PgDb::new("writers");
    writers_take_turns(&db.url);
}
