//! The harness of the contract tests: each check on a new SQLite file.

/// One `#[tokio::test]` per check of `$suite` (a module of `kefu_db`), each
/// on a new database file in a temporary directory.
#[macro_export]
macro_rules! checks {
    ($suite:ident: $($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            let repo = kefu_db_sqlite::SqliteRepository::open(&dir.path().join("kefu.db")).await.unwrap();
            kefu_db::$suite::$name(&repo).await.unwrap();
        }
    )*};
}
