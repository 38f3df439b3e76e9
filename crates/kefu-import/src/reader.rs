//! [`open`] and the streaming [`RecordReader`].

use crate::columns::check_map;
use crate::csv_body::CsvBody;
use crate::jsonl::JsonlBody;
use crate::source::{Format, open_source};
use crate::{FileError, Kind, Located, ReadOptions, RecordError};
use std::iter::FusedIterator;
use std::path::{Path, PathBuf};

/// What one parsing step found.
// Moved once per row: boxing the record would cost an allocation per row.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    Record(Located),
    Invalid(RecordError),
    Fatal(FileError),
    End,
}

enum Body {
    Csv(Box<CsvBody>),
    Jsonl(JsonlBody),
}

/// Streams the validated records of one file, in file order.
///
/// Yields `Ok` for each valid record and `Err` for each invalid one (which
/// `--skip-invalid` may skip). **Fatal errors** (an I/O error mid-file,
/// bytes that are not text in the file's encoding) end the iteration: the
/// reader yields one last `Err` whose `field` is `None`, `raw` is empty and
/// reason ends with "the rest of the file was not read", then `None`; the
/// [`FileError`] itself is then available from [`RecordReader::take_fatal`].
/// A caller that skips invalid records must check `take_fatal` after the
/// loop.
pub struct RecordReader {
    path: PathBuf,
    kind: Kind,
    header: Vec<String>,
    encoding: &'static str,
    total: u64,
    body: Body,
    fatal: Option<FileError>,
    done: bool,
}

/// Opens `path` as records of `kind`: detects format and encoding, reads and
/// matches the header (CSV/TSV), and checks `opts.map`. Errors in the file
/// as a whole (unreadable, unknown format, missing columns, bad `--map`)
/// come before any record.
///
/// Format: `.jsonl`, `.ndjson`, `.json` are JSON Lines; anything else is
/// delimited text with a header row, tab-separated for `.tsv` or when the
/// header has tabs and no commas. In JSON Lines, `--map` columns name keys,
/// and a field whose key is absent from a line is missing in that record.
pub fn open(path: &Path, kind: Kind, opts: &ReadOptions) -> Result<RecordReader, FileError> {
    let map = check_map(kind, &opts.map)?;
    let opened = open_source(path, opts.encoding)?;
    let (body, header) = match opened.format {
        Format::Csv { delimiter } => {
            let (body, header) = CsvBody::open(opened.source, delimiter, path, kind, &map)?;
            (Body::Csv(Box::new(body)), header)
        }
        Format::Jsonl => (
            Body::Jsonl(JsonlBody::new(opened.source, kind, map)),
            vec!["record".to_string()],
        ),
    };
    Ok(RecordReader {
        path: path.to_path_buf(),
        kind,
        header,
        encoding: opened.encoding,
        total: opened.total,
        body,
        fatal: None,
        done: false,
    })
}

impl RecordReader {
    /// Raw bytes of the file read so far (runs a little ahead of the records
    /// yielded, by the read buffers).
    pub fn bytes_read(&self) -> u64 {
        match &self.body {
            Body::Csv(b) => b.bytes_read(),
            Body::Jsonl(b) => b.bytes_read(),
        }
    }

    /// The file's size in bytes (0 when unknown).
    pub fn total_bytes(&self) -> u64 {
        self.total
    }

    /// The header's columns as in the file; for JSON Lines `["record"]`
    /// (each record's raw form is its whole line). Pass it to
    /// [`crate::RejectWriter::create`].
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The encoding the file is read in: `UTF-8`, `GB18030`, `UTF-16LE` or
    /// `UTF-16BE`.
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// What the file is read as.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The fatal error that ended the iteration early, if one did.
    pub fn fatal(&self) -> Option<&FileError> {
        self.fatal.as_ref()
    }

    /// Takes the fatal error that ended the iteration early, if one did.
    pub fn take_fatal(&mut self) -> Option<FileError> {
        self.fatal.take()
    }
}

impl Iterator for RecordReader {
    type Item = Result<Located, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let step = match &mut self.body {
            Body::Csv(b) => b.next(self.kind, &self.path),
            Body::Jsonl(b) => b.next(self.kind, &self.path),
        };
        match step {
            Step::Record(r) => Some(Ok(r)),
            Step::Invalid(e) => Some(Err(e)),
            Step::End => {
                self.done = true;
                None
            }
            Step::Fatal(fatal) => {
                self.done = true;
                let e = RecordError {
                    file: self.path.clone(),
                    line: fatal.line().unwrap_or(0),
                    field: None,
                    reason: fatal.detail(),
                    raw: Vec::new(),
                };
                self.fatal = Some(fatal);
                Some(Err(e))
            }
        }
    }
}

impl FusedIterator for RecordReader {}
