//! The SQLite implementation of kefu's [`kefu_db::Repository`]: the embedded
//! default, a single file (`kefu.db`) with no server to install.

use kefu_db::qa_projection::{FindingOut, SessionOut};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// kefu's storage in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteRepository {
    pool: sqlx::SqlitePool,
}

impl SqliteRepository {
    /// Opens (creating when missing) the database file at `path` and applies
    /// the schema migrations.
    pub async fn open(path: &Path) -> anyhow::Result<SqliteRepository> {
        let opts = SqliteConnectOptions::new().filename(path);
        SqliteRepository::connect_with(opts).await
    }

    /// Opens a `sqlite:` URL (or a plain file path).
    pub async fn connect(url: &str) -> anyhow::Result<SqliteRepository> {
        SqliteRepository::connect_with(options(url)?).await
    }

    /// Opens (creates) a database for loading a large import into it while
    /// nobody else uses it: with a rollback journal instead of the write-ahead
    /// log, new pages are written once (into the file) rather than twice
    /// (into the log, then into the file). A crash still leaves the
    /// database as it was: the journal rolls the import back on the next
    /// open. When another process has the database open, SQLite keeps its
    /// write-ahead log, and this is an ordinary open. Every later open
    /// returns the file to the write-ahead log.
    pub async fn connect_for_loading(url: &str) -> anyhow::Result<SqliteRepository> {
        SqliteRepository::connect_in(options(url)?, SqliteJournalMode::Delete).await
    }

    async fn connect_with(opts: SqliteConnectOptions) -> anyhow::Result<SqliteRepository> {
        SqliteRepository::connect_in(opts, SqliteJournalMode::Wal).await
    }

    async fn connect_in(
        opts: SqliteConnectOptions,
        journal: SqliteJournalMode,
    ) -> anyhow::Result<SqliteRepository> {
        let opts = opts
            .page_size(PAGE_SIZE)
            .create_if_missing(true)
            .journal_mode(journal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", CACHE_KIB)
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqliteRepository { pool })
    }
}

/// The page size of a new database file (an existing file keeps its own):
/// 16 KiB pages against SQLite's default 4 KiB make a large import about a
/// sixth faster (fewer page splits and page loads per row), and the stored
/// KPI facts (one large value per store) are read in fewer pages.
const PAGE_SIZE: u32 = 16_384;

/// The connect options of a `sqlite:` URL or a plain file path.
fn options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    Ok(if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url)?
    } else {
        SqliteConnectOptions::new().filename(url)
    })
}

/// Runs `work` on the transaction's connection through SQLite's own API
/// (rusqlite over the same libsqlite3-sys as sqlx), with the connection
/// locked away from sqlx's worker meanwhile. For the bulk paths of an
/// import, where sqlx's statement building and its row-by-row hand-over
/// between threads cost more than SQLite's own work.
async fn with_sqlite<T>(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    work: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
) -> anyhow::Result<T> {
    let mut handle = tx.lock_handle().await?;
    // SAFETY: `handle` keeps the connection locked away from sqlx's worker
    // until it drops, after `conn` (declared later, dropped first); a
    // connection made by `from_handle` never closes the handle, and `work`
    // cannot keep `conn` or its statements beyond this call.
    let conn = unsafe { rusqlite::Connection::from_handle(handle.as_raw_handle().as_ptr())? };
    Ok(work(&conn)?)
}

/// Inserts new messages, skipping known ids: one prepared single-row
/// `INSERT` stepped per row ([`with_sqlite`]). Against one multi-row
/// statement through sqlx this saves building a statement of 32,000
/// parameters, copying every bound value to the worker thread, and the
/// statement journal a multi-row statement keeps. (`ON CONFLICT DO NOTHING`
/// costs SQLite nothing measurable, so the `direct` hint is not needed.)
async fn insert_messages(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    rows: &[kefu_kpi::stored::NewMessage<'_>],
    _direct: &mut bool,
) -> anyhow::Result<u64> {
    with_sqlite(tx, |conn| {
        let mut insert = conn.prepare(
            "INSERT INTO messages (conv_id, store_id, message_id, sender, agent, sent_at, content, kind) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (store_id, message_id) DO NOTHING",
        )?;
        let mut inserted = 0u64;
        for r in rows {
            inserted += insert.execute((
                r.conv_id,
                r.store_id,
                r.message_id,
                r.sender,
                r.agent,
                r.sent_at.as_str(),
                r.content,
                r.kind,
            ))? as u64;
        }
        Ok(inserted)
    })
    .await
}

/// The page cache of every connection: 1 GiB (negative: KiB).
const CACHE_KIB: &str = "-1048576";

/// [`CACHE_KIB`] as a statement, to go back to it.
const CACHE: &str = "PRAGMA cache_size = -1048576";

/// The page cache while an import writes its QA rows: 3 GiB.
const QA_INSERT_CACHE: &str = "PRAGMA cache_size = -3145728";

/// Inserts inspected sessions and findings: one prepared single-row
/// `INSERT` per table stepped per row ([`with_sqlite`]), as for messages.
async fn insert_qa(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    sessions: &[&SessionOut],
    findings: &[&FindingOut],
) -> anyhow::Result<()> {
    with_sqlite(tx, |conn| {
        // A month's import has more dirty pages than the usual cache holds:
        // SQLite would spill them to the log while these rows go in, and
        // write many of them twice. The cache may grow for this step only,
        // and goes back whether or not the rows went in.
        conn.execute_batch(QA_INSERT_CACHE)?;
        let written = write_qa_rows(conn, sessions, findings);
        let restored = conn.execute_batch(CACHE);
        written.and(restored)
    })
    .await
}

/// The statements of [`insert_qa`].
fn write_qa_rows(
    conn: &rusqlite::Connection,
    sessions: &[&SessionOut],
    findings: &[&FindingOut],
) -> rusqlite::Result<()> {
    let mut insert = conn.prepare(
        "INSERT INTO qa_sessions (conv_id, start_ms, store_id, day, agent, kind, auto_score, \
         critical, findings, version, pinned, reviewed, final_score) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, 0, NULL)",
    )?;
    for s in sessions {
        insert.execute((
            s.conv_id,
            s.start_ms,
            s.store_id,
            s.day,
            s.agent.as_deref(),
            s.kind,
            s.auto_score,
            s.critical,
            s.findings,
            s.version,
        ))?;
    }
    let mut insert = conn.prepare(
        "INSERT INTO qa_findings (conv_id, start_ms, store_id, day, message_id, agent, rule, kind, \
         severity, points, matched, span_start, span_end, version, pinned) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0)",
    )?;
    for f in findings {
        insert.execute(rusqlite::params![
            f.conv_id,
            f.start_ms,
            f.store_id,
            f.day,
            f.message_id.as_deref(),
            f.agent.as_deref(),
            f.rule.as_str(),
            f.kind,
            f.severity,
            f.points,
            f.matched.as_deref(),
            f.span.map(|s| s.0),
            f.span.map(|s| s.1),
            f.version,
        ])?;
    }
    Ok(())
}

/// The stored rows of conversations, for a recompute (message `content`
/// empty unless asked for): prepared lookups by conversation, stepped per
/// conversation ([`with_sqlite`]); unknown ids are left out.
async fn load_conversations(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    convs: &[i64],
    content: bool,
) -> anyhow::Result<Vec<kefu_kpi::stored::StoredConversation>> {
    use kefu_kpi::stored::{MessageRow, OrderRow, RatingRow, StoredConversation};
    let messages_sql = format!(
        "SELECT seq, sender, kind, agent, sent_at, {} FROM messages WHERE conv_id = ?1",
        if content {
            "content, message_id"
        } else {
            "'', ''"
        }
    );
    with_sqlite(tx, |conn| {
        let mut store = conn.prepare("SELECT store_id FROM conversations WHERE id = ?1")?;
        let mut messages = conn.prepare(&messages_sql)?;
        let mut orders =
            conn.prepare("SELECT created_at, paid_at, amount_fen FROM orders WHERE conv_id = ?1")?;
        let mut ratings =
            conn.prepare("SELECT seq, agent, rated_at, score FROM ratings WHERE conv_id = ?1")?;
        let mut out = Vec::with_capacity(convs.len());
        for &id in convs {
            let Some(store) = store.query([id])?.next()?.map(|r| r.get(0)).transpose()? else {
                continue;
            };
            let mut c = StoredConversation {
                id,
                store,
                ..Default::default()
            };
            c.messages = messages
                .query_map([id], |r| {
                    Ok(MessageRow {
                        seq: r.get(0)?,
                        sender: r.get(1)?,
                        kind: r.get(2)?,
                        agent: r.get(3)?,
                        sent_at: r.get(4)?,
                        content: r.get(5)?,
                        message_id: r.get(6)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            c.orders = orders
                .query_map([id], |r| {
                    Ok(OrderRow {
                        created_at: r.get(0)?,
                        paid_at: r.get(1)?,
                        amount_fen: r.get(2)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            c.ratings = ratings
                .query_map([id], |r| {
                    Ok(RatingRow {
                        seq: r.get(0)?,
                        agent: r.get(1)?,
                        rated_at: r.get(2)?,
                        score: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            out.push(c);
        }
        Ok(out)
    })
    .await
}

/// Inserts conversations with one multi-row `INSERT`, skipping known ones;
/// returns (id, store id, buyer) of those created.
async fn insert_conversations(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    rows: &[(i64, &str)],
) -> anyhow::Result<Vec<(i64, i64, String)>> {
    let mut qb =
        sqlx::QueryBuilder::<sqlx::Sqlite>::new("INSERT INTO conversations (store_id, buyer) ");
    qb.push_values(rows, |mut b, (s, buyer)| {
        b.push_bind(*s).push_bind(*buyer);
    });
    qb.push(" ON CONFLICT (store_id, buyer) DO NOTHING RETURNING id, store_id, buyer");
    Ok(qb.build_query_as().fetch_all(&mut **tx).await?)
}

/// SQLite's part of the shared SQL.
pub struct SqliteDialect;

#[async_trait::async_trait]
impl kefu_db::Dialect for SqliteDialect {
    type Db = sqlx::Sqlite;
    const LOCK: &'static str = "";
    const ROWS_PER_INSERT: usize = 4_000;
    const REFRESH_STATS: &'static str = "PRAGMA optimize";
    const ON_CLOSE: &'static str = "PRAGMA wal_checkpoint(TRUNCATE)";
    const DROP_CONV_INDEX: &'static [&'static str] = &["DROP INDEX messages_conv"];
    const CREATE_CONV_INDEX: &'static [&'static str] =
        &["CREATE INDEX messages_conv ON messages (conv_id)"];

    /// `BEGIN IMMEDIATE`: the write lock is taken when the transaction
    /// begins, waiting for another writer up to the busy timeout. A deferred
    /// transaction that read first would fail at once with "database is
    /// locked" when another process committed a write meanwhile.
    async fn begin_write(
        pool: &sqlx::SqlitePool,
    ) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn insert_conversations(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        rows: &[(i64, &str)],
    ) -> anyhow::Result<Vec<(i64, i64, String)>> {
        insert_conversations(tx, rows).await
    }

    async fn insert_messages(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        rows: &[kefu_kpi::stored::NewMessage<'_>],
        direct: &mut bool,
    ) -> anyhow::Result<u64> {
        insert_messages(tx, rows, direct).await
    }

    async fn load_conversations(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        convs: &[i64],
        content: bool,
    ) -> anyhow::Result<Vec<kefu_kpi::stored::StoredConversation>> {
        load_conversations(tx, convs, content).await
    }

    async fn insert_qa(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        sessions: &[&SessionOut],
        findings: &[&FindingOut],
    ) -> anyhow::Result<()> {
        insert_qa(tx, sessions, findings).await
    }
}

kefu_db::sql_repository!(SqliteRepository, SqliteImport, sqlx::Sqlite, SqliteDialect);

kefu_db::sql_accounts!(SqliteRepository, sqlx::Sqlite, crate::SqliteDialect);

kefu_db::sql_audit!(SqliteRepository, sqlx::Sqlite);

kefu_db::sql_qa!(SqliteRepository, sqlx::Sqlite, crate::SqliteDialect);

kefu_db::sql_billing!(SqliteRepository, sqlx::Sqlite, crate::SqliteDialect);
kefu_db::sql_wfm!(SqliteRepository, sqlx::Sqlite);
