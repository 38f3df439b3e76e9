//! The SQLite implementation of kefu's [`kefu_db::Repository`]: the embedded
//! default, a single file (`kefu.db`) with no server to install.

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
        let opts = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        SqliteRepository::connect_with(opts).await
    }

    async fn connect_with(opts: SqliteConnectOptions) -> anyhow::Result<SqliteRepository> {
        let opts = opts
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-262144")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(SqliteRepository { pool })
    }
}

kefu_db::sql_repository!(SqliteRepository, SqliteImport, sqlx::Sqlite, "");
