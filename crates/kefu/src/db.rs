//! Opening the database named by `--db`, and the service layer over it:
//! every command acts through a [`kefu_app::Gate`] of the command line's
//! actor (an administrator), like the pages and the API act through their
//! viewer's.

use anyhow::Context;
use kefu_app::{Actor, App, Gate};
use kefu_db::Database;
use std::process::ExitCode;
use std::sync::Arc;

/// The service layer over the database of `url`.
pub async fn app(url: &str) -> anyhow::Result<App> {
    Ok(App::new(Arc::from(open(url).await?)))
}

/// The command line's gate: it acts as an administrator.
pub fn cli_gate(app: &App) -> Gate {
    app.gate(Actor::command_line())
}

/// Opens the service layer, runs `f` with the command line's gate and
/// closes the database, also after an error.
pub async fn with_gate<F>(url: &str, f: F) -> anyhow::Result<ExitCode>
where
    F: AsyncFnOnce(&Gate) -> anyhow::Result<()>,
{
    let app = app(url).await?;
    let result = f(&cli_gate(&app)).await;
    app.close().await?;
    result.map(|()| ExitCode::SUCCESS)
}

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
