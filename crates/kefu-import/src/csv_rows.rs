//! Rows of delimited text with the exact line each starts on.
//!
//! `csv::Reader`'s positions are taken before the terminator's `\n` of a
//! CRLF line and before skipped blank lines, so they can point one or more
//! lines too early; this reader drives `csv_core` itself and skips those
//! bytes before each row, counting them.

use crate::source::Source;
use csv_core::ReadRecordResult;
use std::io::{self, Read};

const BUF_LEN: usize = 64 * 1024;

/// A streaming row reader over a [`Source`].
pub(crate) struct RowReader {
    src: Source,
    core: csv_core::Reader,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    eof: bool,
    done: bool,
    /// Newlines consumed outside `core` (skipped between rows).
    skipped: u64,
    out: Vec<u8>,
    out_len: usize,
    ends: Vec<usize>,
    n_fields: usize,
    start_line: u64,
}

impl RowReader {
    /// A reader splitting fields at `delimiter`, with `"` quoting.
    pub fn new(src: Source, delimiter: u8) -> RowReader {
        RowReader {
            src,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            buf: vec![0; BUF_LEN].into_boxed_slice(),
            pos: 0,
            len: 0,
            eof: false,
            done: false,
            skipped: 0,
            out: vec![0; 4096],
            out_len: 0,
            ends: vec![0; 32],
            n_fields: 0,
            start_line: 0,
        }
    }

    /// Raw bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.src.bytes_read()
    }

    /// The line being read (1 for the first).
    pub fn line(&self) -> u64 {
        self.core.line() + self.skipped
    }

    /// The line where the current row starts.
    pub fn start_line(&self) -> u64 {
        self.start_line
    }

    /// The current row's bytes (all fields, unseparated) and field ends.
    pub fn row(&self) -> (&[u8], &[usize]) {
        (&self.out[..self.out_len], &self.ends[..self.n_fields])
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.pos < self.len || self.eof {
            return Ok(());
        }
        let n = loop {
            match self.src.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        self.pos = 0;
        self.len = n;
        self.eof = n == 0;
        Ok(())
    }

    /// Reads the next row; `false` at the end of the file.
    pub fn read_row(&mut self) -> io::Result<bool> {
        if self.done {
            return Ok(false);
        }
        // Skip the `\n` of a CRLF ending and blank lines (csv_core would
        // skip them too, but without them the row's start line is known).
        loop {
            self.fill()?;
            match self.buf[self.pos..self.len].first() {
                Some(b'\n') => self.skipped += 1,
                Some(b'\r') => {}
                _ => break,
            }
            self.pos += 1;
        }
        self.start_line = self.line();
        let (mut out_len, mut n_ends) = (0, 0);
        loop {
            self.fill()?;
            let (res, nin, nout, nend) = self.core.read_record(
                &self.buf[self.pos..self.len],
                &mut self.out[out_len..],
                &mut self.ends[n_ends..],
            );
            self.pos += nin;
            out_len += nout;
            n_ends += nend;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    let n = self.out.len() * 2;
                    self.out.resize(n, 0);
                }
                ReadRecordResult::OutputEndsFull => {
                    let n = self.ends.len() * 2;
                    self.ends.resize(n, 0);
                }
                ReadRecordResult::Record => {
                    self.out_len = out_len;
                    self.n_fields = n_ends;
                    return Ok(true);
                }
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }
}

/// One row's fields as text, borrowed from the reader.
pub(crate) struct Fields<'a> {
    text: &'a str,
    ends: &'a [usize],
}

impl<'a> Fields<'a> {
    /// The fields of a row, or `None` when they are not UTF-8.
    pub fn new(bytes: &'a [u8], ends: &'a [usize]) -> Option<Fields<'a>> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut start = 0;
        for &end in ends {
            if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                return None;
            }
            start = end;
        }
        Some(Fields { text, ends })
    }

    /// How many fields there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Field `i`.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    /// Every field.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Whether every field is empty or blank (spreadsheets leave such rows).
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}
