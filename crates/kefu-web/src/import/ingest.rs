//! Imports through the server: uploaded files (the import page) and JSON
//! batches (the API). The rules are the CLI's (spec `kpi.md` §1): every
//! error names the file or record, the line or index, and the field; any
//! error imports nothing; re-sending the same records changes nothing.

use crate::error::AppError;
use kefu_app::Gate;
use kefu_db::AddOutcome;
use kefu_domain::{Message, Order, Rating};
use kefu_import::{Kind, ReadOptions, Record};
use serde::Serialize;
use std::path::PathBuf;

/// Errors shown at most per import.
pub const ERRORS_SHOWN: usize = 50;
const BATCH: usize = 8_000;

/// One refused record.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The file (uploads), empty for API batches.
    pub file: String,
    /// The line in the file (the header is line 1); for API batches the
    /// index of the record in the batch, from 0.
    pub at: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why the record was refused.
    pub reason: String,
}

impl Problem {
    /// The problem as one line of text (file line, field, reason).
    pub fn text(&self) -> String {
        let mut s = if self.file.is_empty() {
            format!("record {}", self.at)
        } else {
            format!("{} line {}", self.file, self.at)
        };
        if let Some(f) = &self.field {
            s.push_str(&format!(", field `{f}`"));
        }
        s.push_str(": ");
        s.push_str(&self.reason);
        s
    }
}

/// A refused record of an API batch, as the 400 answer lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecordError {
    /// The record's index in the batch, from 0.
    pub index: u64,
    /// The field at fault, when one is.
    pub field: Option<String>,
    /// Why the record was refused.
    pub reason: String,
}

/// The 400 answer to a batch with bad records: nothing was imported.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRefused {
    /// How many records were bad, and the first reason.
    pub error: String,
    /// The bad records (at most [`ERRORS_SHOWN`]).
    pub errors: Vec<RecordError>,
}

impl BatchRefused {
    /// The answer to problems found in a batch (`count` in all).
    pub fn new(problems: &[Problem], count: u64) -> BatchRefused {
        let first = problems.first().map(|p| p.text()).unwrap_or_default();
        BatchRefused {
            error: format!("{count} bad records; nothing was imported. First: {first}"),
            errors: problems
                .iter()
                .map(|p| RecordError {
                    index: p.at,
                    field: p.field.clone(),
                    reason: p.reason.clone(),
                })
                .collect(),
        }
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Outcome {
    /// Records read.
    pub read: u64,
    /// Records stored (new, or replacing an older version).
    pub imported: u64,
    /// Records already known as they are.
    pub unchanged: u64,
    /// Messages whose id was known with other content (skipped).
    pub conflicts: Vec<Conflict>,
    /// Conversations whose figures were recomputed.
    pub recomputed: u64,
}

/// A message skipped because its id is known with other content.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Conflict {
    /// Store code.
    pub store: String,
    /// Message id.
    pub message_id: String,
}

/// An uploaded file saved for reading.
pub struct Upload {
    /// The name the user gave it.
    pub name: String,
    /// Where it was saved.
    pub path: PathBuf,
}

/// Reads uploaded files of one kind. Returns the records, or every
/// problem found (up to [`ERRORS_SHOWN`]) and how many there were.
pub async fn read_files(
    kind: Kind,
    files: Vec<Upload>,
) -> Result<Result<Vec<Record>, (Vec<Problem>, u64)>, AppError> {
    tokio::task::spawn_blocking(move || {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        let mut count = 0u64;
        for f in &files {
            let mut reader = match kefu_import::open(&f.path, kind, &ReadOptions::default()) {
                Ok(r) => r,
                Err(e) => {
                    count += 1;
                    problems.push(Problem {
                        file: f.name.clone(),
                        at: e.line().unwrap_or(0),
                        field: None,
                        reason: e
                            .to_string()
                            .replace(&f.path.display().to_string(), &f.name),
                    });
                    continue;
                }
            };
            for item in reader.by_ref() {
                match item {
                    Ok(located) => records.push(located.record),
                    Err(e) => {
                        count += 1;
                        if problems.len() < ERRORS_SHOWN {
                            problems.push(Problem {
                                file: f.name.clone(),
                                at: e.line,
                                field: e.field.clone(),
                                reason: e.reason.clone(),
                            });
                        }
                    }
                }
            }
            if let Some(fatal) = reader.take_fatal() {
                count += 1;
                problems.push(Problem {
                    file: f.name.clone(),
                    at: fatal.line().unwrap_or(0),
                    field: None,
                    reason: fatal
                        .to_string()
                        .replace(&f.path.display().to_string(), &f.name),
                });
            }
        }
        if count > 0 {
            Err((problems, count))
        } else {
            Ok(records)
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// Records from a JSON batch: an array of objects keyed by the spec's
/// field names (values strings, numbers or null).
pub fn parse_batch(
    kind: Kind,
    items: &[serde_json::Value],
) -> Result<Vec<Record>, (Vec<Problem>, u64)> {
    let mut records = Vec::with_capacity(items.len());
    let mut problems = Vec::new();
    let mut count = 0u64;
    for (i, item) in items.iter().enumerate() {
        let problem = |field: Option<String>, reason: String| Problem {
            file: String::new(),
            at: i as u64,
            field,
            reason,
        };
        let Some(obj) = item.as_object() else {
            count += 1;
            if problems.len() < ERRORS_SHOWN {
                problems.push(problem(None, "is not a JSON object".into()));
            }
            continue;
        };
        let mut values: Vec<(&str, String)> = Vec::with_capacity(obj.len());
        let mut bad = None;
        for (k, v) in obj {
            match v {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => values.push((k.as_str(), s.clone())),
                serde_json::Value::Number(n) => values.push((k.as_str(), n.to_string())),
                serde_json::Value::Bool(b) => values.push((k.as_str(), b.to_string())),
                _ => bad = Some(k.clone()),
            }
        }
        if let Some(k) = bad {
            count += 1;
            if problems.len() < ERRORS_SHOWN {
                problems.push(problem(
                    Some(k),
                    "must be a string, a number or null".into(),
                ));
            }
            continue;
        }
        let get = |name: &'static str| {
            values
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.as_str())
        };
        match Record::from_fields(kind, get) {
            Ok(r) => records.push(r),
            Err(e) => {
                count += 1;
                if problems.len() < ERRORS_SHOWN {
                    problems.push(problem(Some(e.field.to_string()), e.reason));
                }
            }
        }
    }
    if count > 0 {
        Err((problems, count))
    } else {
        Ok(records)
    }
}

/// Stores records in one transaction: all or nothing.
pub async fn store(gate: &Gate, records: Vec<Record>) -> Result<Outcome, AppError> {
    let mut tx = gate.begin_import().await?;
    let read = records.len() as u64;
    let mut outcome = AddOutcome::default();
    let (mut messages, mut orders, mut ratings): (Vec<Message>, Vec<Order>, Vec<Rating>) =
        (Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match r {
            Record::Message(m) => messages.push(m),
            Record::Order(o) => orders.push(o),
            Record::Rating(r) => ratings.push(r),
        }
    }
    let added: kefu_app::Result<()> = async {
        for chunk in messages.chunks(BATCH) {
            outcome.absorb(tx.add_messages(chunk).await?);
        }
        for chunk in orders.chunks(BATCH) {
            outcome.absorb(tx.add_orders(chunk).await?);
        }
        for chunk in ratings.chunks(BATCH) {
            outcome.absorb(tx.add_ratings(chunk).await?);
        }
        Ok(())
    }
    .await;
    if let Err(e) = added {
        tx.rollback().await?;
        return Err(e.into());
    }
    let recomputed = tx.commit().await?;
    Ok(Outcome {
        read,
        imported: outcome.imported,
        unchanged: outcome.unchanged,
        conflicts: outcome
            .conflicts
            .into_iter()
            .map(|(store, message_id)| Conflict { store, message_id })
            .collect(),
        recomputed,
    })
}
