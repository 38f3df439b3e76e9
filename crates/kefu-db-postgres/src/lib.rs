//! The PostgreSQL implementation of kefu's [`kefu_db::Repository`], for
//! deployments that run a database server (`--db postgres://…`).

mod qa_copy;

use kefu_db::qa_projection::{FindingOut, SessionOut};
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

/// The `COPY` text-format lines of message rows: the columns of
/// [`COPY_COLUMNS`], preceded by the row's position when `ord` is set.
fn copy_text(rows: &[kefu_kpi::stored::NewMessage<'_>], ord: bool) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(rows.len() * 160);
    for (i, r) in rows.iter().enumerate() {
        if ord {
            let _ = write!(text, "{i}\t");
        }
        let _ = write!(text, "{}\t{}\t", r.conv_id, r.store_id);
        copy_field(&mut text, Some(r.message_id));
        let _ = write!(text, "\t{}\t", r.sender);
        copy_field(&mut text, r.agent);
        text.push('\t');
        copy_field(&mut text, Some(&r.sent_at));
        text.push('\t');
        copy_field(&mut text, Some(r.content));
        let _ = writeln!(text, "\t{}", r.kind);
    }
    text
}

/// The message columns an import writes, in the order of [`copy_text`].
const COPY_COLUMNS: &str = "conv_id, store_id, message_id, sender, agent, sent_at, content, kind";

/// Inserts new messages, skipping known ids. While `direct` holds (no known
/// id met yet in this import), the rows are copied straight into `messages`
/// inside a savepoint: about half the server's work of the staged way. A
/// known id makes that `COPY` fail on the unique index; the savepoint is
/// rolled back, `direct` turns false and the rows go the staged way.
async fn insert_messages(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    rows: &[kefu_kpi::stored::NewMessage<'_>],
    direct: &mut bool,
) -> anyhow::Result<u64> {
    if *direct {
        sqlx::query("SAVEPOINT kefu_direct_copy")
            .execute(&mut **tx)
            .await?;
        match copy_direct(tx, rows).await {
            Ok(n) => {
                sqlx::query("RELEASE SAVEPOINT kefu_direct_copy")
                    .execute(&mut **tx)
                    .await?;
                return Ok(n);
            }
            Err(e) if is_unique_violation(&e) => {
                sqlx::query("ROLLBACK TO SAVEPOINT kefu_direct_copy")
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("RELEASE SAVEPOINT kefu_direct_copy")
                    .execute(&mut **tx)
                    .await?;
                *direct = false;
            }
            Err(e) => return Err(e.into()),
        }
    }
    insert_staged(tx, rows).await
}

/// Whether an error is PostgreSQL's unique violation (23505).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|c| c == "23505")
}

/// `COPY` of the rows straight into `messages`; fails when one is known.
async fn copy_direct(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    rows: &[kefu_kpi::stored::NewMessage<'_>],
) -> Result<u64, sqlx::Error> {
    let mut copy = tx
        .copy_in_raw(&format!("COPY messages ({COPY_COLUMNS}) FROM STDIN"))
        .await?;
    // In pieces, so that the server works on one while the next is written.
    for piece in rows.chunks(2000) {
        copy.send(copy_text(piece, false).into_bytes()).await?;
    }
    copy.finish().await
}

/// Inserts new messages through `COPY` into a temporary table, then one
/// `INSERT … SELECT` in arrival order, skipping known ids: several times
/// faster than multi-row `INSERT`s on PostgreSQL.
async fn insert_staged(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    rows: &[kefu_kpi::stored::NewMessage<'_>],
) -> anyhow::Result<u64> {
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS import_messages (ord BIGINT, conv_id BIGINT, \
         store_id BIGINT, message_id TEXT, sender BIGINT, agent TEXT, sent_at TEXT, \
         content TEXT, kind BIGINT) ON COMMIT DROP",
    )
    .execute(&mut **tx)
    .await?;
    let mut copy = tx.copy_in_raw("COPY import_messages FROM STDIN").await?;
    copy.send(copy_text(rows, true).into_bytes()).await?;
    copy.finish().await?;
    let inserted = sqlx::query(&format!(
        "INSERT INTO messages ({COPY_COLUMNS}) SELECT {COPY_COLUMNS} \
         FROM import_messages ORDER BY ord ON CONFLICT (store_id, message_id) DO NOTHING"
    ))
    .execute(&mut **tx)
    .await?
    .rows_affected();
    sqlx::query("TRUNCATE import_messages")
        .execute(&mut **tx)
        .await?;
    Ok(inserted)
}

/// Inserts conversations in arrival order, skipping known ones; returns (id,
/// store id, buyer) of those created. The rows go as two arrays, so that every
/// batch is the same prepared statement (a `VALUES` list of each length was
/// parsed and planned anew, a fifth of the server's time in a large import).
async fn insert_conversations(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    rows: &[(i64, &str)],
) -> anyhow::Result<Vec<(i64, i64, String)>> {
    let stores: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let buyers: Vec<&str> = rows.iter().map(|r| r.1).collect();
    Ok(sqlx::query_as(
        "INSERT INTO conversations (store_id, buyer) \
         SELECT s, b FROM UNNEST($1::BIGINT[], $2::TEXT[]) WITH ORDINALITY AS t (s, b, n) ORDER BY n \
         ON CONFLICT (store_id, buyer) DO NOTHING RETURNING id, store_id, buyer",
    )
    .bind(stores)
    .bind(buyers)
    .fetch_all(&mut **tx)
    .await?)
}

/// A stored message as `load_conversations` selects it: conversation, seq,
/// sender, kind, agent, sent_at, content.
type StoredMessage = (i64, i64, i64, i64, Option<String>, String, String, String);

/// The stored rows of conversations, for a recompute (message `content`
/// empty unless asked for): one query per table for the whole set; unknown
/// ids are left out.
async fn load_conversations(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    convs: &[i64],
    content: bool,
) -> anyhow::Result<Vec<kefu_kpi::stored::StoredConversation>> {
    use kefu_kpi::stored::{MessageRow, OrderRow, RatingRow, group_rows};
    let known: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, store_id FROM conversations WHERE id = ANY($1)")
            .bind(convs)
            .fetch_all(&mut **tx)
            .await?;
    let by_id: std::collections::HashMap<i64, i64> = known.into_iter().collect();
    let ordered: Vec<(i64, i64)> = convs
        .iter()
        .filter_map(|c| by_id.get(c).map(|s| (*c, *s)))
        .collect();
    let sql = format!(
        "SELECT conv_id, seq, sender, kind, agent, sent_at, {} FROM messages WHERE conv_id = ANY($1)",
        if content {
            "content, message_id"
        } else {
            "'', ''"
        }
    );
    let rows: Vec<StoredMessage> = sqlx::query_as(&sql)
        .bind(convs)
        .fetch_all(&mut **tx)
        .await?;
    let messages = rows
        .into_iter()
        .map(
            |(conv, seq, sender, kind, agent, sent_at, content, message_id)| {
                let row = MessageRow {
                    seq,
                    sender,
                    kind,
                    agent,
                    sent_at,
                    content,
                    message_id,
                };
                (conv, row)
            },
        )
        .collect();
    let rows: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT conv_id, created_at, paid_at, amount_fen FROM orders WHERE conv_id = ANY($1)",
    )
    .bind(convs)
    .fetch_all(&mut **tx)
    .await?;
    let orders = rows
        .into_iter()
        .map(|(conv, created_at, paid_at, amount_fen)| {
            let row = OrderRow {
                created_at,
                paid_at,
                amount_fen,
            };
            (conv, row)
        })
        .collect();
    let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT conv_id, seq, agent, rated_at, score FROM ratings WHERE conv_id = ANY($1)",
    )
    .bind(convs)
    .fetch_all(&mut **tx)
    .await?;
    let ratings = rows
        .into_iter()
        .map(|(conv, seq, agent, rated_at, score)| {
            let row = RatingRow {
                seq,
                agent,
                rated_at,
                score,
            };
            (conv, row)
        })
        .collect();
    Ok(group_rows(&ordered, messages, orders, ratings))
}

/// PostgreSQL's part of the shared SQL.
pub struct PostgresDialect;

/// The advisory lock that kefu's writers take in turn (any number, the same
/// in every process: `'kefu'` in ASCII).
const WRITE_LOCK: i64 = 0x6b65_6675;

#[async_trait::async_trait]
impl kefu_db::Dialect for PostgresDialect {
    type Db = sqlx::Postgres;
    const LOCK: &'static str = " FOR UPDATE";
    const ROWS_PER_INSERT: usize = 16_000;
    const REFRESH_STATS: &'static str = "ANALYZE conversations, messages, orders, ratings";
    const ON_CLOSE: &'static str = "SELECT 1";
    const DROP_CONV_INDEX: &'static [&'static str] = &["DROP INDEX messages_conv"];
    const CREATE_CONV_INDEX: &'static [&'static str] = &[
        "SET LOCAL maintenance_work_mem = '512MB'",
        "CREATE INDEX messages_conv ON messages (conv_id)",
    ];

    /// Takes kefu's write lock (a transaction-scoped advisory lock) first,
    /// so writers of every process and server take turns and never
    /// deadlock; a writer waits up to [`WRITE_WAIT`] for it.
    async fn begin_write(
        pool: &sqlx::PgPool,
    ) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = pool.begin().await?;
        sqlx::query(&format!("SET LOCAL lock_timeout = '{WRITE_WAIT}'"))
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SET LOCAL lock_timeout = 0")
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    async fn insert_conversations(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        rows: &[(i64, &str)],
    ) -> anyhow::Result<Vec<(i64, i64, String)>> {
        insert_conversations(tx, rows).await
    }

    async fn insert_messages(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        rows: &[kefu_kpi::stored::NewMessage<'_>],
        direct: &mut bool,
    ) -> anyhow::Result<u64> {
        insert_messages(tx, rows, direct).await
    }

    async fn load_conversations(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        convs: &[i64],
        content: bool,
    ) -> anyhow::Result<Vec<kefu_kpi::stored::StoredConversation>> {
        load_conversations(tx, convs, content).await
    }

    async fn insert_qa(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        sessions: &[&SessionOut],
        findings: &[&FindingOut],
    ) -> anyhow::Result<()> {
        qa_copy::insert_qa(tx, sessions, findings).await
    }
}

/// How long a writer waits for the one in progress before it gives up
/// (busy: the server answers 503 with `Retry-After`).
pub const WRITE_WAIT: &str = "30s";

kefu_db::sql_repository!(
    PostgresRepository,
    PostgresImport,
    sqlx::Postgres,
    PostgresDialect
);

kefu_db::sql_accounts!(PostgresRepository, sqlx::Postgres, crate::PostgresDialect);

kefu_db::sql_audit!(PostgresRepository, sqlx::Postgres);

kefu_db::sql_qa!(PostgresRepository, sqlx::Postgres, crate::PostgresDialect);

kefu_db::sql_billing!(PostgresRepository, sqlx::Postgres, crate::PostgresDialect);
kefu_db::sql_wfm!(PostgresRepository, sqlx::Postgres);
