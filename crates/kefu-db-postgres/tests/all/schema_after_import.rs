//! The schema an import leaves behind on PostgreSQL: the import into an
//! empty `messages` table drops the index of messages by conversation and
//! builds it again before its commit; neither a commit nor a rollback may
//! lose it.

use crate::common;

use kefu_db::Repository;
use kefu_db::contract::{import, sample};
use kefu_db_postgres::PostgresRepository;
use sqlx::Connection;

/// Whether the database `db` has the index `messages_conv`.
async fn has_conv_index(db: &str) -> bool {
    let mut c = sqlx::PgConnection::connect(&format!("{}/{db}", common::server()))
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'messages' AND indexname = 'messages_conv'",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    n == 1
}

#[tokio::test]
async fn first_imports_keep_the_conversation_index() {
    let db = kefu_db::contract::unique_database_name("kefu_test", "schema_after_import");
    let url = common::fresh_database(&db).await;
    let repo = PostgresRepository::connect(&url).await.unwrap();
    let (m, o, r) = sample();

    let mut tx = repo.begin_import().await.unwrap();
    tx.add_messages(&m).await.unwrap();
    tx.rollback().await.unwrap();
    let after_rollback = has_conv_index(&db).await;

    import(&repo, &m, &o, &r).await.unwrap();
    let after_commit = has_conv_index(&db).await;
    let messages = repo.counts().await.unwrap().messages;
    repo.close().await;
    common::drop_database(&db).await;

    assert!(after_rollback, "messages_conv lost by a rolled-back import");
    assert!(after_commit, "messages_conv not built again by the import");
    assert_eq!(messages, m.len() as i64);
}
