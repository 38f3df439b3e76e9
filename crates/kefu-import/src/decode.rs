//! The streaming decoder that turns GB18030 (or UTF-16) into UTF-8, refusing
//! malformed input with the line where it is.

use crate::FileError;
use encoding_rs::DecoderResult;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

/// The decoder's input and output buffer size.
const BUF_LEN: usize = 64 * 1024;

/// The name shown to users: `GB18030`, `UTF-16LE`, …
pub(crate) fn display_name(encoding: &'static encoding_rs::Encoding) -> &'static str {
    if encoding == encoding_rs::GB18030 {
        "GB18030"
    } else {
        encoding.name()
    }
}

/// Bytes that do not decode, on a given line; carried inside an
/// [`io::Error`] of kind `InvalidData` through the parsers.
#[derive(Debug)]
pub(crate) struct DecodeError {
    pub line: u64,
    pub encoding: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: not valid {}", self.line, self.encoding)
    }
}

impl std::error::Error for DecodeError {}

/// Turns an I/O error from a [`Source`] into a [`FileError`]: a decoding
/// error keeps its own line, anything else is a read error at `line`.
pub(crate) fn io_fatal(path: &Path, line: u64, err: io::Error) -> FileError {
    if let Some(d) = err.get_ref().and_then(|e| e.downcast_ref::<DecodeError>()) {
        return FileError::Decode {
            path: path.to_path_buf(),
            line: d.line,
            encoding: d.encoding,
        };
    }
    FileError::Read {
        path: path.to_path_buf(),
        line,
        source: err,
    }
}

/// A streaming decoder to UTF-8 that refuses malformed input (instead of
/// replacing it) and reports the line of the first bad byte.
pub(crate) struct Decoding<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    name: &'static str,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    newlines: u64,
    bad_line: Option<u64>,
    finished: bool,
}

impl<R: Read> Decoding<R> {
    /// Decodes `inner` from `encoding`; the BOM must already be skipped.
    pub fn new(inner: R, encoding: &'static encoding_rs::Encoding) -> Decoding<R> {
        Decoding {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            name: display_name(encoding),
            input: vec![0; BUF_LEN].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            eof: false,
            output: vec![0; BUF_LEN].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            newlines: 0,
            bad_line: None,
            finished: false,
        }
    }

    /// The reader decoded from.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    fn decode_more(&mut self) -> io::Result<()> {
        if self.in_pos == self.in_len && !self.eof {
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.in_pos = 0;
            self.in_len = n;
            self.eof = n == 0;
        }
        let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
            &self.input[self.in_pos..self.in_len],
            &mut self.output,
            self.eof,
        );
        self.in_pos += read;
        self.out_pos = 0;
        self.out_len = written;
        self.newlines += count_newlines(&self.output[..written]);
        match result {
            DecoderResult::InputEmpty => self.finished = self.eof,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => self.bad_line = Some(self.newlines + 1),
        }
        Ok(())
    }
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> BufRead for Decoding<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.out_pos == self.out_len {
            if let Some(line) = self.bad_line {
                let e = DecodeError {
                    line,
                    encoding: self.name,
                };
                return Err(io::Error::new(io::ErrorKind::InvalidData, e));
            }
            if self.finished {
                return Ok(&[]);
            }
            self.decode_more()?;
        }
        Ok(&self.output[self.out_pos..self.out_len])
    }

    fn consume(&mut self, amount: usize) {
        self.out_pos = (self.out_pos + amount).min(self.out_len);
    }
}

impl<R: Read> Read for Decoding<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn decoder_reports_the_line_of_bad_bytes() {
        let bytes = b"a\nb\n\xFF\xFF\xFFc\n".to_vec();
        let mut d = Decoding::new(Cursor::new(bytes), encoding_rs::UTF_8);
        let mut out = String::new();
        let err = d.read_to_string(&mut out).unwrap_err();
        let inner = err
            .get_ref()
            .unwrap()
            .downcast_ref::<DecodeError>()
            .unwrap();
        assert_eq!(inner.line, 3);
    }
}
