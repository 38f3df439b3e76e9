//! Opening a file: format and encoding detection, and byte counting for
//! progress.

use crate::decode::{Decoding, display_name};
use crate::{Encoding, FileError};
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use std::fs::File;
use std::io::{self, Chain, Cursor, Read};
use std::path::Path;

/// How much of the file is looked at to detect the encoding.
const HEAD_LEN: usize = 64 * 1024;

/// The layout of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Delimited text with a header row.
    Csv {
        /// `,` or tab.
        delimiter: u8,
    },
    /// One JSON object per line.
    Jsonl,
}

/// An opened file ready to be parsed.
pub(crate) struct Opened {
    pub source: Source,
    pub format: Format,
    pub total: u64,
    pub encoding: &'static str,
}

type Raw = Chain<Cursor<Vec<u8>>, File>;

/// The file's text as UTF-8 bytes, counting the raw bytes read.
pub(crate) enum Source {
    /// UTF-8 files are passed through (validation happens when parsing).
    Plain(Counting<Raw>),
    /// Other encodings are decoded.
    Decoded(Box<Decoding<Counting<Raw>>>),
}

impl Source {
    /// Raw bytes of the file read so far (including read-ahead buffers).
    pub fn bytes_read(&self) -> u64 {
        match self {
            Source::Plain(c) => c.count,
            Source::Decoded(d) => d.inner().count,
        }
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(c) => c.read(buf),
            Source::Decoded(d) => d.read(buf),
        }
    }
}

/// Counts the bytes read through it.
pub(crate) struct Counting<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// Opens `path`, detects its format and encoding, and positions it after
/// any byte order mark.
pub(crate) fn open_source(path: &Path, requested: Encoding) -> Result<Opened, FileError> {
    let open_err = |source| FileError::Open {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(open_err)?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let (head, at_eof) = read_head(&mut file).map_err(open_err)?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let encoding = detect(&head, at_eof, requested);
    let skip = encoding.bom_len;
    let first_line = first_line(&head[skip..], encoding.decoder);
    let format = detect_format(path, &ext, &head, &first_line)?;
    let mut cursor = Cursor::new(head);
    cursor.set_position(skip as u64);
    let counting = Counting {
        inner: cursor.chain(file),
        count: skip as u64,
    };
    let (source, name) = match encoding.decoder {
        None => (Source::Plain(counting), "UTF-8"),
        Some(enc) => (
            Source::Decoded(Box::new(Decoding::new(counting, enc))),
            display_name(enc),
        ),
    };
    Ok(Opened {
        source,
        format,
        total,
        encoding: name,
    })
}

fn read_head(file: &mut File) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::with_capacity(HEAD_LEN);
    file.by_ref().take(HEAD_LEN as u64).read_to_end(&mut head)?;
    let at_eof = head.len() < HEAD_LEN;
    Ok((head, at_eof))
}

/// The detected encoding: `None` is UTF-8 passed through.
struct Detected {
    decoder: Option<&'static encoding_rs::Encoding>,
    bom_len: usize,
}

fn detect(head: &[u8], at_eof: bool, requested: Encoding) -> Detected {
    let found = |decoder, bom_len| Detected { decoder, bom_len };
    if head.starts_with(b"\xEF\xBB\xBF") {
        return found(None, 3);
    }
    if head.starts_with(b"\xFF\xFE") {
        return found(Some(UTF_16LE), 2);
    }
    if head.starts_with(b"\xFE\xFF") {
        return found(Some(UTF_16BE), 2);
    }
    match requested {
        Encoding::Utf8 => found(None, 0),
        Encoding::Gb18030 => found(Some(GB18030), 0),
        Encoding::Auto if looks_utf8(head, at_eof) => found(None, 0),
        Encoding::Auto => found(Some(GB18030), 0),
    }
}

/// Whether `head` is valid UTF-8, allowing a character cut off at its end
/// when the file goes on.
pub(crate) fn looks_utf8(head: &[u8], at_eof: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !at_eof && e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    }
}

fn first_line(text: &[u8], decoder: Option<&'static encoding_rs::Encoding>) -> String {
    let decoded = match decoder {
        None => String::from_utf8_lossy(text),
        Some(enc) => enc.decode_without_bom_handling(text).0,
    };
    decoded.lines().next().unwrap_or("").to_string()
}

fn detect_format(path: &Path, ext: &str, head: &[u8], first: &str) -> Result<Format, FileError> {
    let unknown = |reason: &str| FileError::UnknownFormat {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if matches!(ext, "jsonl" | "ndjson" | "json") {
        let first = first.trim();
        if first.starts_with('[') || first == "{" {
            return Err(unknown(
                "is a JSON array or pretty-printed JSON; kefu reads JSON Lines (one object per line)",
            ));
        }
        return Ok(Format::Jsonl);
    }
    let zip = head.starts_with(b"PK\x03\x04");
    let ole = head.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    if zip || ole || matches!(ext, "xlsx" | "xls" | "xlsm" | "et") {
        return Err(unknown(
            "is a spreadsheet workbook, not CSV; save it as CSV (UTF-8) first",
        ));
    }
    let tab = ext == "tsv" || (first.contains('\t') && !first.contains(','));
    Ok(Format::Csv {
        delimiter: if tab { b'\t' } else { b',' },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_cut_at_the_end_of_the_head_still_counts() {
        let text = "店铺,买家".as_bytes();
        let cut = &text[..4];
        assert!(looks_utf8(cut, false));
        assert!(!looks_utf8(cut, true));
        assert!(!looks_utf8(b"\xB5\xEA\xC6\xCC,x", false));
    }
}
