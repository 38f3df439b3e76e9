//! Helpers of the CLI tests: running the real `kefu` binary, demo data,
//! and a fresh PostgreSQL database per test.

#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `kefu` with arguments; returns its output.
pub fn kefu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kefu"))
        .args(args)
        .env("KEFU_LANG", "en")
        .output()
        .expect("run kefu")
}

/// Runs `kefu` and asserts success; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = kefu(args);
    assert!(
        out.status.success(),
        "kefu {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Writes demo data of `messages` messages into `dir`.
pub fn demo(dir: &Path, messages: u64) {
    ok(&[
        "demo",
        "--out",
        dir.to_str().unwrap(),
        "--messages",
        &messages.to_string(),
    ]);
}

/// Imports a demo directory's three files into a database.
pub fn import_dir(db: &str, dir: &Path) {
    for kind in ["messages", "orders", "ratings"] {
        let file = dir.join(format!("{kind}.csv"));
        ok(&["--db", db, "import", kind, file.to_str().unwrap()]);
    }
}

/// Opens the database of a `--db` URL as the tests read it back.
pub async fn open_db(db: &str) -> Box<dyn kefu_db::Database> {
    if db.starts_with("postgres") {
        Box::new(
            kefu_db_postgres::PostgresRepository::connect(db)
                .await
                .expect("open"),
        )
    } else {
        Box::new(
            kefu_db_sqlite::SqliteRepository::connect(db)
                .await
                .expect("open"),
        )
    }
}

/// The API token printed by `kefu token add`.
pub fn token_in(out: &str) -> String {
    out.lines()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("kefu_")))
        .expect("the token")
        .to_string()
}

/// Parses JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("json output")
}

/// The server of the tests' PostgreSQL databases.
pub fn pg_server() -> String {
    std::env::var("KEFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh PostgreSQL database, dropped when this goes away.
pub struct PgDb {
    pub url: String,
    name: String,
}

async fn admin_exec(sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&format!("{}/test", pg_server()))
        .await
        .expect("PostgreSQL for tests");
    sqlx::query(sql).execute(&mut c).await.expect(sql);
}

fn block_on(f: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

impl PgDb {
    /// Creates database `kefu_cli_<pid>_<n>_<tag>`.
    pub fn new(tag: &str) -> PgDb {
        let name = kefu_db::contract::unique_database_name("kefu_cli", tag);
        block_on(admin_exec(&format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )));
        block_on(admin_exec(&format!("CREATE DATABASE {name}")));
        PgDb {
            url: format!("{}/{name}", pg_server()),
            name,
        }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        block_on(admin_exec(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        )));
    }
}

/// A temporary directory.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A path inside a directory, as text.
pub fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().to_string()
}

/// The path of a file as PathBuf.
pub fn pb(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
