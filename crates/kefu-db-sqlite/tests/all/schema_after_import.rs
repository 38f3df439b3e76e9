//! The schema an import leaves behind on SQLite: the import into an empty
//! `messages` table drops the index of messages by conversation and builds it
//! again before its commit; neither a commit nor a rollback may lose it.

use kefu_db::Repository;
use kefu_db::contract::{import, sample};
use kefu_db::qa::FINDINGS_OF_SESSIONS;
use kefu_db_sqlite::SqliteRepository;
use sqlx::Connection;

/// The names of the database's indexes on `messages`, and whether a lookup
/// of a conversation's messages uses `messages_conv`.
async fn conv_index(path: &std::path::Path) -> (bool, bool, i64) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let plan: Vec<(i64, i64, i64, String)> =
        sqlx::query_as("EXPLAIN QUERY PLAN SELECT seq FROM messages WHERE conv_id = 1")
            .fetch_all(&mut c)
            .await
            .unwrap();
    let page_size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();
    let exists = names.iter().any(|n| n == "messages_conv");
    let used = plan.iter().any(|(_, _, _, d)| d.contains("messages_conv"));
    (exists, used, page_size)
}

#[tokio::test]
async fn a_first_import_builds_the_conversation_index_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kefu.db");
    let url = path.to_str().unwrap();
    let repo = SqliteRepository::connect_for_loading(url).await.unwrap();
    let (m, o, r) = sample();
    import(&repo, &m, &o, &r).await.unwrap();
    repo.close().await.unwrap();
    assert_eq!(conv_index(&path).await, (true, true, 16_384));

    // An import that is not the first keeps the index as it is.
    let repo = SqliteRepository::connect(url).await.unwrap();
    let (mut more, _, _) = sample();
    for msg in &mut more {
        msg.message_id.push_str("-again");
    }
    import(&repo, &more, &[], &[]).await.unwrap();
    repo.close().await.unwrap();
    assert_eq!(conv_index(&path).await, (true, true, 16_384));
}

#[tokio::test]
async fn a_rolled_back_first_import_keeps_the_conversation_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kefu.db");
    let repo = SqliteRepository::open(&path).await.unwrap();
    let (m, _, _) = sample();
    let mut tx = repo.begin_import().await.unwrap();
    tx.add_messages(&m).await.unwrap();
    tx.rollback().await.unwrap();
    // Dropped without a commit or rollback (as a failing import does).
    let mut tx = repo.begin_import().await.unwrap();
    tx.add_messages(&m).await.unwrap();
    drop(tx);
    assert_eq!(repo.counts().await.unwrap().messages, 0);
    repo.close().await.unwrap();
    assert_eq!(conv_index(&path).await, (true, true, 16_384));
}

/// The query plan of findings by day and store as the QA store reads them
/// (from [`FINDINGS_OF_SESSIONS`]), one line per step.
async fn findings_by_day_plan(path: &std::path::Path) -> Vec<String> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    let sql = format!(
        "EXPLAIN QUERY PLAN SELECT st.code, f.rule, COUNT(*) FROM {FINDINGS_OF_SESSIONS} \
         JOIN stores st ON st.id = s.store_id \
         WHERE s.day >= 20000 AND s.day <= 20006 GROUP BY st.code, f.rule"
    );
    let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(&sql).fetch_all(&mut c).await.unwrap();
    c.close().await.unwrap();
    plan.into_iter().map(|(_, _, _, d)| d).collect()
}

#[tokio::test]
async fn findings_by_day_go_through_the_sessions_day_index() {
    // An import writes no index of findings by day (migration 0101): a
    // query by day finds the sessions by theirs and the findings by session,
    // scanning neither table.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kefu.db");
    let repo = SqliteRepository::open(&path).await.unwrap();
    let (m, o, r) = sample();
    import(&repo, &m, &o, &r).await.unwrap();
    repo.close().await.unwrap();
    let plan = findings_by_day_plan(&path).await;
    let uses = |table: &str, index: &str| {
        plan.iter()
            .any(|d| d.starts_with(&format!("SEARCH {table} ")) && d.contains(index))
    };
    assert!(uses("s", "qa_sessions_day"), "{plan:?}");
    assert!(uses("f", "qa_findings_session"), "{plan:?}");
    assert!(!plan.iter().any(|d| d.starts_with("SCAN")), "{plan:?}");
}
