//! The PostgreSQL implementation of kefu's [`kefu_db::Repository`], for
//! deployments that run a database server (`--db postgres://…`).

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::str::FromStr;

/// kefu's storage in a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresRepository {
    pool: sqlx::PgPool,
}

impl PostgresRepository {
    /// Connects to a `postgres://` URL and applies the schema migrations.
    pub async fn connect(url: &str) -> anyhow::Result<PostgresRepository> {
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(PostgresRepository { pool })
    }

    /// Closes the pool's connections (so the database can be dropped).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Appends a value to a `COPY … FROM STDIN` text-format line.
fn copy_field(out: &mut String, value: Option<&str>) {
    let Some(v) = value else {
        out.push_str("\\N");
        return;
    };
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

/// Inserts new messages through `COPY` into a temporary table, then one
/// `INSERT … SELECT` in arrival order, skipping known ids: several times
/// faster than multi-row `INSERT`s on PostgreSQL.
async fn insert_messages(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    rows: &[kefu_db::conversation::NewMessage<'_>],
) -> anyhow::Result<u64> {
    use std::fmt::Write as _;
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS import_messages (ord BIGINT, conv_id BIGINT, \
         store_id BIGINT, message_id TEXT, sender BIGINT, agent TEXT, sent_at TEXT, \
         content TEXT, kind BIGINT) ON COMMIT DROP",
    )
    .execute(&mut **tx)
    .await?;
    let mut text = String::with_capacity(rows.len() * 128);
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(text, "{i}\t{}\t{}\t", r.conv_id, r.store_id);
        copy_field(&mut text, Some(r.message_id));
        let _ = write!(text, "\t{}\t", r.sender);
        copy_field(&mut text, r.agent);
        text.push('\t');
        copy_field(&mut text, Some(&r.sent_at));
        text.push('\t');
        copy_field(&mut text, Some(r.content));
        let _ = writeln!(text, "\t{}", r.kind);
    }
    let mut copy = tx.copy_in_raw("COPY import_messages FROM STDIN").await?;
    copy.send(text.into_bytes()).await?;
    copy.finish().await?;
    let inserted = sqlx::query(
        "INSERT INTO messages (conv_id, store_id, message_id, sender, agent, sent_at, content, kind) \
         SELECT conv_id, store_id, message_id, sender, agent, sent_at, content, kind \
         FROM import_messages ORDER BY ord ON CONFLICT (store_id, message_id) DO NOTHING",
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query("TRUNCATE import_messages")
        .execute(&mut **tx)
        .await?;
    Ok(inserted)
}

kefu_db::sql_repository!(
    PostgresRepository,
    PostgresImport,
    sqlx::Postgres,
    " FOR UPDATE",
    insert_messages,
    "ANALYZE conversations, messages, orders, ratings",
    "SELECT 1"
);

kefu_db::sql_accounts!(PostgresRepository, sqlx::Postgres);
