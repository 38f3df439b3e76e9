//! The harness of the service-layer tests: a fresh database of each
//! backend per check.

#![allow(dead_code)]

use kefu_db::Database;
use std::sync::Arc;

/// A fresh database of a backend, dropped (PostgreSQL) afterwards.
pub struct Fresh {
    pub db: Arc<dyn Database>,
    pg: Option<String>,
    _dir: tempfile::TempDir,
}

fn pg_server() -> String {
    std::env::var("KEFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn pg_admin(sql: &str) {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&format!("{}/test", pg_server()))
        .await
        .expect("PostgreSQL for tests");
    sqlx::query(sql).execute(&mut c).await.expect(sql);
}

pub async fn fresh(postgres: bool, tag: &str) -> Fresh {
    let dir = tempfile::tempdir().unwrap();
    if !postgres {
        let repo = kefu_db_sqlite::SqliteRepository::open(&dir.path().join("kefu.db"))
            .await
            .unwrap();
        return Fresh {
            db: Arc::new(repo),
            pg: None,
            _dir: dir,
        };
    }
    let name = kefu_db::contract::unique_database_name("kefu_app", tag);
    pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
    pg_admin(&format!("CREATE DATABASE {name}")).await;
    let repo = kefu_db_postgres::PostgresRepository::connect(&format!("{}/{name}", pg_server()))
        .await
        .unwrap();
    Fresh {
        db: Arc::new(repo),
        pg: Some(name),
        _dir: dir,
    }
}

impl Fresh {
    pub async fn drop_db(self) {
        self.db.close().await.unwrap();
        if let Some(name) = self.pg {
            pg_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// One `#[tokio::test]` per backend for each check.
#[macro_export]
macro_rules! on_both {
    ($($check:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let f = super::fresh(false, stringify!($check)).await;
                super::$check(kefu_app::App::new(f.db.clone())).await;
                f.drop_db().await;
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let f = super::fresh(true, stringify!($check)).await;
                super::$check(kefu_app::App::new(f.db.clone())).await;
                f.drop_db().await;
            })*
        }
    };
}
