//! The repository contract on a fresh SQLite file per check.

use kefu_db::contract;
use kefu_db_sqlite::SqliteRepository;

macro_rules! checks {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let dir = tempfile::tempdir().unwrap();
            let repo = SqliteRepository::open(&dir.path().join("kefu.db")).await.unwrap();
            contract::$name(&repo).await.unwrap();
        }
    )*};
}

checks!(
    figures_match_the_engine,
    reimport_changes_nothing,
    messages_are_immutable,
    orders_are_replaced,
    ratings_are_replaced,
    rollback_leaves_nothing,
    store_settings_recompute,
    only_touched_conversations_are_recomputed,
    batches_in_one_import,
    repeats_in_a_first_import,
);
