//! The harness of the contract tests: each check on a fresh PostgreSQL
//! database on the server at `KEFU_TEST_POSTGRES` (default
//! postgres://postgres@127.0.0.1:5432), dropped afterwards.

use sqlx::Connection;

/// The server of the tests' databases.
pub fn server() -> String {
    std::env::var("KEFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A connection to the server's `test` database, to create and drop others.
pub async fn admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&format!("{}/test", server()))
        .await
        .expect("PostgreSQL at KEFU_TEST_POSTGRES")
}

/// Creates the database `db` anew (dropping one an earlier run left);
/// returns its URL.
pub async fn fresh_database(db: &str) -> String {
    drop_database(db).await;
    sqlx::query(&format!("CREATE DATABASE {db}"))
        .execute(&mut admin().await)
        .await
        .unwrap();
    format!("{}/{db}", server())
}

/// Drops the database `db`, if it exists.
pub async fn drop_database(db: &str) {
    sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .execute(&mut admin().await)
        .await
        .unwrap();
}

/// One `#[tokio::test]` per check of `$suite` (a module of `kefu_db`), each
/// on a new database that it drops afterwards.
#[macro_export]
macro_rules! checks {
    ($suite:ident: $($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let db = kefu_db::contract::unique_database_name("kefu_test", stringify!($name));
            let url = common::fresh_database(&db).await;
            let repo = kefu_db_postgres::PostgresRepository::connect(&url).await.unwrap();
            let result = kefu_db::$suite::$name(&repo).await;
            repo.close().await;
            common::drop_database(&db).await;
            result.unwrap();
        }
    )*};
}
