//! Records from CSV and TSV files with a header row.

use crate::columns::{MAX_FIELDS, map_header};
use crate::csv_rows::{Fields, RowReader};
use crate::decode::io_fatal;
use crate::reader::Step;
use crate::source::Source;
use crate::{FileError, Kind, Located, Record, RecordError};
use std::path::Path;

/// The parsing state of a delimited file after its header.
pub(crate) struct CsvBody {
    rows: RowReader,
    cols: [Option<usize>; MAX_FIELDS],
    width: usize,
}

impl CsvBody {
    /// Reads and matches the header; returns the body and the header.
    pub fn open(
        source: Source,
        delimiter: u8,
        path: &Path,
        kind: Kind,
        map: &[(usize, String)],
    ) -> Result<(CsvBody, Vec<String>), FileError> {
        let mut rows = RowReader::new(source, delimiter);
        let header: Vec<String> = match rows.read_row() {
            Ok(true) => {
                let (bytes, ends) = rows.row();
                let fields = Fields::new(bytes, ends).ok_or_else(|| FileError::Decode {
                    path: path.to_path_buf(),
                    line: rows.start_line(),
                    encoding: "UTF-8",
                })?;
                fields.iter().map(str::to_string).collect()
            }
            Ok(false) => {
                return Err(FileError::Empty {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(io_fatal(path, rows.line(), e)),
        };
        let cols = map_header(path, kind, &header, map)?;
        let body = CsvBody {
            rows,
            cols,
            width: header.len(),
        };
        Ok((body, header))
    }

    /// Raw bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.rows.bytes_read()
    }

    /// The next record, error, or the end.
    pub fn next(&mut self, kind: Kind, path: &Path) -> Step {
        loop {
            match self.rows.read_row() {
                Ok(true) => {}
                Ok(false) => return Step::End,
                Err(e) => return Step::Fatal(io_fatal(path, self.rows.line(), e)),
            }
            let line = self.rows.start_line();
            let (bytes, ends) = self.rows.row();
            let Some(row) = Fields::new(bytes, ends) else {
                return Step::Fatal(FileError::Decode {
                    path: path.to_path_buf(),
                    line,
                    encoding: "UTF-8",
                });
            };
            if !row.is_blank() {
                return build(&row, line, &self.cols, self.width, kind, path);
            }
        }
    }
}

fn build(
    row: &Fields<'_>,
    line: u64,
    cols: &[Option<usize>; MAX_FIELDS],
    width: usize,
    kind: Kind,
    path: &Path,
) -> Step {
    let invalid = |field: Option<String>, reason: String| {
        Step::Invalid(RecordError {
            file: path.to_path_buf(),
            line,
            field,
            reason,
            raw: row.iter().map(str::to_string).collect(),
        })
    };
    if row.len() != width {
        let reason = format!(
            "has {} fields but the header has {} columns",
            row.len(),
            width
        );
        return invalid(None, reason);
    }
    let names = kind.fields();
    let get = |f: &'static str| {
        let i = names.iter().position(|n| *n == f)?;
        row.get(cols[i]?)
    };
    match Record::from_fields(kind, get) {
        Ok(record) => Step::Record(Located { line, record }),
        Err(e) => invalid(Some(e.field.to_string()), e.reason),
    }
}
