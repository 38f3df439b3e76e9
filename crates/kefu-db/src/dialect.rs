//! What differs between the backends' SQL: one [`Dialect`] per backend,
//! given to [`crate::sql_repository!`] and [`crate::sql_accounts!`], which
//! hold everything the two share. A dialect names its statements and its
//! fastest ways to do the import's bulk work; it holds no state.
//!
//! Writers take turns ([`Dialect::begin_write`]): every write transaction
//! takes the database's write lock when it begins, so that a writer waits
//! for the one in progress, in this process or another, instead of failing
//! half-way; past the backend's bound it fails with an error that
//! [`is_busy`] recognises.

use crate::Result;
use crate::qa_projection::{FindingOut, SessionOut};
use async_trait::async_trait;
use kefu_kpi::stored::{NewMessage, StoredConversation};

/// A backend's SQL where it differs from the shared text.
#[async_trait]
pub trait Dialect: Send + Sync + 'static {
    /// The sqlx database.
    type Db: sqlx::Database;

    /// Ends a `SELECT` that must lock the rows it reads (`" FOR UPDATE"`
    /// where the database has it; SQLite locks the whole database anyway).
    const LOCK: &'static str;
    /// The most message rows [`Dialect::insert_messages`] is given at once
    /// while its `direct` hint holds (4,000 after).
    const ROWS_PER_INSERT: usize;
    /// Run before a large recompute, so the planner knows the tables' sizes
    /// (PostgreSQL otherwise scans all messages for every batch of
    /// conversations after a big import).
    const REFRESH_STATS: &'static str;
    /// Run before the pool closes (SQLite: a WAL checkpoint).
    const ON_CLOSE: &'static str;
    /// Drop the index of messages by conversation when an import starts on
    /// an empty `messages` table (empty to keep the index), so that
    /// [`Dialect::CREATE_CONV_INDEX`] builds it with one sort before the
    /// commit instead of maintaining it row by row.
    const DROP_CONV_INDEX: &'static [&'static str];
    /// Build that index again (see [`Dialect::DROP_CONV_INDEX`]).
    const CREATE_CONV_INDEX: &'static [&'static str];

    /// Begins a write transaction holding the write lock, waiting for the
    /// writer in progress (of any process) up to the backend's bound.
    async fn begin_write(
        pool: &sqlx::Pool<Self::Db>,
    ) -> Result<sqlx::Transaction<'static, Self::Db>>;

    /// Inserts (store id, buyer) conversations, skipping known ones;
    /// returns (id, store id, buyer) of those it created.
    async fn insert_conversations(
        tx: &mut sqlx::Transaction<'static, Self::Db>,
        rows: &[(i64, &str)],
    ) -> Result<Vec<(i64, i64, String)>>;

    /// Stores new message rows the backend's fastest way, returning how
    /// many were inserted and skipping known `(store_id, message_id)`.
    /// `direct` starts true for each import and stays true while no insert
    /// of the import has met a known id: the backend may then try a faster
    /// insert without conflict handling first, and sets it false when that
    /// meets a known id.
    async fn insert_messages(
        tx: &mut sqlx::Transaction<'static, Self::Db>,
        rows: &[NewMessage<'_>],
        direct: &mut bool,
    ) -> Result<u64>;

    /// The stored rows of conversations for a recompute: those that exist,
    /// in the order asked; message `content` empty unless `content`.
    async fn load_conversations(
        tx: &mut sqlx::Transaction<'static, Self::Db>,
        convs: &[i64],
        content: bool,
    ) -> Result<Vec<StoredConversation>>;

    /// Stores inspected sessions and their findings (none pinned, none
    /// stored yet) the backend's fastest way: an import may write millions.
    async fn insert_qa(
        tx: &mut sqlx::Transaction<'static, Self::Db>,
        sessions: &[&SessionOut],
        findings: &[&FindingOut],
    ) -> Result<()>;
}

/// Whether an error means that the database was busy with another writer
/// past the wait allowed (SQLite `SQLITE_BUSY`/`SQLITE_LOCKED`,
/// PostgreSQL lock timeout, deadlock or serialization failure, or no pooled
/// connection free in time): the write did nothing and may be tried again.
pub fn is_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let Some(e) = cause.downcast_ref::<sqlx::Error>() else {
            return false;
        };
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return true;
        }
        let Some(code) = e.as_database_error().and_then(|d| d.code()) else {
            return false;
        };
        match code.as_ref() {
            // PostgreSQL's SQLSTATEs (always five characters).
            "55P03" | "40P01" | "40001" => true,
            // SQLite's extended result codes (at most four digits): the
            // primary code is the low byte.
            c if c.len() < 5 => c.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
            _ => false,
        }
    })
}
