//! The errors of reading a file: per record ([`RecordError`]) and for the
//! whole file ([`FileError`]).

use crate::Kind;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// A record that breaks the rules of `spec/kpi.md` §1, or a line that is not
/// a record (wrong number of CSV fields, invalid JSON). Skippable with
/// `--skip-invalid`.
///
/// Displays as ``messages.csv line 14, field `sent_at`: '…' is not a time (…)``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The input file, as given to [`crate::open`].
    pub file: PathBuf,
    /// The line where the record starts (the first line of the file is 1).
    pub line: u64,
    /// The spec field at fault, when one is.
    pub field: Option<String>,
    /// Why the record was refused.
    pub reason: String,
    /// The record's original fields, for the reject file (for JSON Lines:
    /// the original line as one field; empty for a fatal error).
    pub raw: Vec<String>,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.file.display(), self.line)?;
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for RecordError {}

/// A problem with a whole file: it cannot be opened or read to its end, its
/// format or header is unusable, or `--map` names something that is not
/// there.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file cannot be opened.
    #[error("cannot open {}: {source}", .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
    /// Reading failed part way (near `line`).
    #[error("cannot read {} (near line {line}): {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The line being read.
        line: u64,
        /// The cause.
        source: io::Error,
    },
    /// The file is not in a format kefu reads.
    #[error("{}: {reason}", .path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What it looks like instead.
        reason: String,
    },
    /// A CSV file without even a header row.
    #[error("{}: the file is empty; a CSV file needs a header row naming its columns", .path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// Required columns are not in the header.
    #[error("{}", missing_text(.path, *.kind, .missing, .header))]
    MissingColumns {
        /// The file.
        path: PathBuf,
        /// What the file was read as.
        kind: Kind,
        /// The spec names of the missing fields.
        missing: Vec<String>,
        /// The header as found.
        header: Vec<String>,
    },
    /// `--map` names a field that the kind does not have.
    #[error("--map {field}=…: `{field}` is not a field of {kind}; the fields are: {}", .kind.fields().join(", "))]
    UnknownField {
        /// The name given.
        field: String,
        /// What the file was read as.
        kind: Kind,
    },
    /// `--map` names a column that is not in the header.
    #[error("{}: --map {field}={column}: the header has no column `{column}`; it has: {}", .path.display(), list(.header))]
    MapColumnMissing {
        /// The file.
        path: PathBuf,
        /// The field being mapped.
        field: String,
        /// The column named.
        column: String,
        /// The header as found.
        header: Vec<String>,
    },
    /// Bytes that are not valid text in the encoding the file is read in.
    #[error("{} line {line}: {}", .path.display(), decode_text(.encoding))]
    Decode {
        /// The file.
        path: PathBuf,
        /// The line holding the bad bytes (for CSV: the start of the record).
        line: u64,
        /// The encoding used: `UTF-8`, `GB18030`, …
        encoding: &'static str,
    },
}

impl FileError {
    /// The line where reading stopped, for the errors that happen mid-file.
    pub fn line(&self) -> Option<u64> {
        match self {
            FileError::Read { line, .. } | FileError::Decode { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The reason without the file name and line, for a [`RecordError`].
    pub(crate) fn detail(&self) -> String {
        let what = match self {
            FileError::Read { source, .. } => format!("cannot read the file: {source}"),
            FileError::Decode { encoding, .. } => decode_text(encoding),
            other => other.to_string(),
        };
        format!("{what}; the rest of the file was not read")
    }
}

fn list(header: &[String]) -> String {
    if header.is_empty() {
        "(no columns)".into()
    } else {
        header.join(", ")
    }
}

fn missing_text(
    path: &std::path::Path,
    kind: Kind,
    missing: &[String],
    header: &[String],
) -> String {
    let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
    let (noun, verb) = if missing.len() == 1 {
        ("column", "is")
    } else {
        ("columns", "are")
    };
    let first = missing.first().map_or("FIELD", String::as_str);
    format!(
        "{}: required {noun} {} {verb} missing for {kind}; the header has: {}. \
         Rename the column in the file or name it with --map {first}=COLUMN",
        path.display(),
        names.join(", "),
        list(header),
    )
}

fn decode_text(encoding: &str) -> String {
    let hint = if encoding == "UTF-8" {
        "if the file was saved by Chinese Excel (GBK/GB18030), use --encoding gb18030"
    } else {
        "if the file is UTF-8, use --encoding utf-8"
    };
    format!("the text is not valid {encoding} ({hint})")
}
