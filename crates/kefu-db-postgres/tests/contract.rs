//! The repository contract on a fresh PostgreSQL database per check, on the
//! server at `KEFU_TEST_POSTGRES` (default postgres://postgres@127.0.0.1:5432).

use kefu_db::contract;
use kefu_db_postgres::PostgresRepository;
use sqlx::Connection;

fn server() -> String {
    std::env::var("KEFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&format!("{}/test", server()))
        .await
        .expect("PostgreSQL at KEFU_TEST_POSTGRES")
}

macro_rules! checks {
    ($($name:ident),* $(,)?) => {$(
        #[tokio::test]
        async fn $name() {
            let db = format!("kefu_test_{}_{}", stringify!($name), std::process::id());
            let mut admin = admin().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {db}")).execute(&mut admin).await.unwrap();
            let repo = PostgresRepository::connect(&format!("{}/{db}", server())).await.unwrap();
            let result = contract::$name(&repo).await;
            repo.close().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).execute(&mut admin).await.unwrap();
            result.unwrap();
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
