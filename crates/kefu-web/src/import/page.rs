//! `/import`: upload CSV or JSON Lines files of messages, orders or
//! ratings, with a progress bar; errors are listed in the page and nothing
//! is imported when there is any.

use super::ingest::{Outcome, Problem, Upload, read_files, store};
use crate::auth::Viewer;
use crate::error::AppError;
use crate::state::AppState;
use crate::view::Chrome;
use crate::view::render;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kefu_access::Action;
use kefu_import::Kind;
use tokio::io::AsyncWriteExt;

#[derive(Template)]
#[template(path = "import/import.html")]
struct ImportPage {
    c: Chrome,
    kind: String,
    problems: Vec<String>,
    more: u64,
    outcome: Option<Outcome>,
    notice: String,
}

fn blank(viewer: &Viewer, kind: &str) -> ImportPage {
    ImportPage {
        c: viewer.chrome(viewer.lang.t("导入数据", "Import").to_string(), "import"),
        kind: kind.to_string(),
        problems: Vec::new(),
        more: 0,
        outcome: None,
        notice: String::new(),
    }
}

/// The upload form.
pub async fn page(State(state): State<AppState>, viewer: Viewer) -> Result<Response, AppError> {
    viewer.gate(&state).require(Action::Import)?;
    Ok(render(&blank(&viewer, "messages"))?.into_response())
}

/// Receives the files, checks every record, and imports all or nothing.
pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    gate.require(Action::Import)?;
    let dir = tempfile::tempdir().map_err(|e| AppError::Internal(e.into()))?;
    let (mut csrf, mut kind, mut files) = (None, String::from("messages"), Vec::new());
    while let Some(mut field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("the upload is not a valid form: {e}")))?
    {
        match field.name().unwrap_or_default() {
            "csrf" => csrf = field.text().await.ok(),
            "kind" => kind = field.text().await.unwrap_or_default(),
            "file" => {
                let name = field.file_name().unwrap_or("upload.csv").to_string();
                if name.is_empty() {
                    continue;
                }
                let safe: String = name
                    .chars()
                    .map(|c| if c == '/' || c == '\\' { '_' } else { c })
                    .collect();
                let path = dir.path().join(format!("{}-{safe}", files.len()));
                let mut out = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| AppError::TooLarge(format!("the upload was cut off: {e}")))?
                {
                    out.write_all(&chunk)
                        .await
                        .map_err(|e| AppError::Internal(e.into()))?;
                }
                out.flush()
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?;
                files.push(Upload { name, path });
            }
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let l = viewer.lang;
    let kind_parsed: Kind = kind
        .parse()
        .map_err(|e: String| AppError::BadRequest(format!("kind: {e}")))?;
    let mut p = blank(&viewer, &kind);
    if files.is_empty() {
        p.notice = l.t("请选择文件", "Choose a file").to_string();
        return Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response());
    }
    match read_files(kind_parsed, files).await? {
        Err((problems, count)) => {
            p.more = count.saturating_sub(problems.len() as u64);
            p.problems = problems.iter().map(Problem::text).collect();
            tracing::info!(target: "kefu::import", user = %viewer.user.username, errors = count, "upload refused");
            Ok((StatusCode::BAD_REQUEST, render(&p)?).into_response())
        }
        Ok(records) => {
            let outcome = store(&gate, records).await?;
            tracing::info!(target: "kefu::import", user = %viewer.user.username, read = outcome.read, imported = outcome.imported, "upload imported");
            p.outcome = Some(outcome);
            Ok(render(&p)?.into_response())
        }
    }
}
