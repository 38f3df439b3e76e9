//! Opening the database named by `--db`.

use anyhow::Context;
use kefu_db::Database;

/// Opens a `postgres://` URL with the PostgreSQL backend, anything else (a
/// file path or a `sqlite:` URL) with SQLite. Migrations run on open.
/// The result stores records and figures as well as accounts.
pub async fn open(url: &str) -> anyhow::Result<Box<dyn Database>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let repo = kefu_db_postgres::PostgresRepository::connect(url)
            .await
            .with_context(|| format!("cannot open PostgreSQL database {}", redact(url)))?;
        Ok(Box::new(repo))
    } else {
        let repo = kefu_db_sqlite::SqliteRepository::connect(url)
            .await
            .with_context(|| format!("cannot open SQLite database {url}"))?;
        Ok(Box::new(repo))
    }
}

/// Opens the database for an import. A SQLite file that does not exist
/// yet is created for loading (a rollback journal, so the data is written
/// once; see `SqliteRepository::connect_for_loading`); anything else is
/// opened as [`open`] does.
pub async fn open_for_import(url: &str) -> anyhow::Result<Box<dyn Database>> {
    let plain_file = !url.contains("://") && !url.starts_with("sqlite:");
    if !plain_file || std::path::Path::new(url).exists() {
        return open(url).await;
    }
    let repo = kefu_db_sqlite::SqliteRepository::connect_for_loading(url)
        .await
        .with_context(|| format!("cannot open SQLite database {url}"))?;
    Ok(Box::new(repo))
}

/// A URL with its password hidden.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
