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

kefu_db::sql_repository!(
    PostgresRepository,
    PostgresImport,
    sqlx::Postgres,
    " FOR UPDATE"
);
