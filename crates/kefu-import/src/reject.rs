//! The reject file of `--skip-invalid`: the refused records with their
//! reasons, beside the input, readable by Chinese Excel.

use crate::RecordError;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes rejected records to a new `<stem>.rejected.csv` beside the input
/// (`<stem>.rejected-2.csv`, `-3`, … when that exists): UTF-8 with a BOM,
/// columns `line`, `field`, `reason`, then the input's header columns.
pub struct RejectWriter {
    path: PathBuf,
    out: csv::Writer<BufWriter<File>>,
    count: u64,
}

impl RejectWriter {
    /// Creates the reject file for `input`, whose header (from
    /// [`crate::RecordReader::header`]) is `header`. Never overwrites a file.
    pub fn create(input: &Path, header: &[String]) -> io::Result<RejectWriter> {
        let dir = input
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let stem = input
            .file_stem()
            .map_or_else(|| "input".into(), |s| s.to_string_lossy().into_owned());
        let (path, file) = create_new(dir, &stem)?;
        let mut buf = BufWriter::new(file);
        buf.write_all(b"\xEF\xBB\xBF")?;
        let mut out = csv::WriterBuilder::new().flexible(true).from_writer(buf);
        let columns = ["line", "field", "reason"].into_iter();
        out.write_record(columns.chain(header.iter().map(String::as_str)))?;
        Ok(RejectWriter {
            path,
            out,
            count: 0,
        })
    }

    /// Appends one rejected record.
    pub fn write(&mut self, e: &RecordError) -> io::Result<()> {
        let line = e.line.to_string();
        let front = [
            line.as_str(),
            e.field.as_deref().unwrap_or(""),
            e.reason.as_str(),
        ];
        let raw = e.raw.iter().map(String::as_str);
        self.out.write_record(front.into_iter().chain(raw))?;
        self.count += 1;
        Ok(())
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many records were written.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Flushes and closes the file; returns its path.
    pub fn finish(mut self) -> io::Result<PathBuf> {
        self.out.flush()?;
        let buf = self
            .out
            .into_inner()
            .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))?;
        buf.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(self.path)
    }
}

fn create_new(dir: &Path, stem: &str) -> io::Result<(PathBuf, File)> {
    for n in 1..=10_000u32 {
        let name = if n == 1 {
            format!("{stem}.rejected.csv")
        } else {
            format!("{stem}.rejected-{n}.csv")
        };
        let path = dir.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{}: too many {stem}.rejected-N.csv files already",
            dir.display()
        ),
    ))
}
