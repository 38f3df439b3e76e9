//! Turns input files (CSV, TSV or JSON Lines; UTF-8 or GB18030) into validated
//! domain records, streaming, with line-accurate errors (`spec/kpi.md` §1,
//! "Bad input") and a reject file for `--skip-invalid`.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use kefu_import::{open, Kind, ReadOptions, RejectWriter};
//! let path = std::path::Path::new("messages.csv");
//! let mut reader = open(path, Kind::Messages, &ReadOptions::default())?;
//! let mut rejects = RejectWriter::create(path, reader.header())?;
//! for item in reader.by_ref() {
//!     match item {
//!         Ok(located) => { /* store located.record */ }
//!         Err(e) => rejects.write(&e)?,
//!     }
//! }
//! if let Some(fatal) = reader.take_fatal() {
//!     return Err(fatal.into()); // the file could not be read to its end
//! }
//! rejects.finish()?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod columns;
mod csv_body;
mod csv_rows;
mod decode;
mod error;
mod jsonl;
mod reader;
mod reject;
mod source;

pub use error::{FileError, RecordError};
pub use reader::{RecordReader, open};
pub use reject::RejectWriter;

use kefu_domain::{FieldError, Message, Order, Rating};
use std::fmt;
use std::str::FromStr;

/// Which records a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Chat messages (聊天记录).
    Messages,
    /// Orders (订单).
    Orders,
    /// Ratings (评价).
    Ratings,
}

impl Kind {
    /// The name used on the command line: `messages`, `orders`, `ratings`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Messages => "messages",
            Kind::Orders => "orders",
            Kind::Ratings => "ratings",
        }
    }

    /// The spec field names of this kind, in canonical column order.
    pub fn fields(self) -> &'static [&'static str] {
        columns::fields(self)
    }

    /// The fields whose column must be present in a CSV header.
    pub fn required_fields(self) -> &'static [&'static str] {
        columns::required(self)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    /// Parses `messages`, `orders` or `ratings` (case-insensitive).
    fn from_str(s: &str) -> Result<Kind, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "messages" | "message" => Ok(Kind::Messages),
            "orders" | "order" => Ok(Kind::Orders),
            "ratings" | "rating" => Ok(Kind::Ratings),
            _ => Err(format!(
                "'{s}' is not a record kind; use messages, orders or ratings"
            )),
        }
    }
}

/// The text encoding of an input file. A byte order mark always wins: a
/// UTF-8 BOM means UTF-8 and a UTF-16 BOM (Excel's "Unicode text") UTF-16,
/// whatever was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encoding {
    /// Detect: a BOM decides; else UTF-8 if the first 64 KiB is valid
    /// UTF-8; else GB18030.
    #[default]
    Auto,
    /// UTF-8, with or without a BOM.
    Utf8,
    /// GB18030 (a superset of GBK and GB2312), as Chinese Excel saves CSV.
    Gb18030,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Auto => "auto",
            Encoding::Utf8 => "utf-8",
            Encoding::Gb18030 => "gb18030",
        })
    }
}

impl FromStr for Encoding {
    type Err = String;

    /// Parses `auto`, `utf-8`/`utf8`, `gb18030`/`gbk`/`gb2312`
    /// (case-insensitive).
    fn from_str(s: &str) -> Result<Encoding, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Encoding::Auto),
            "utf-8" | "utf8" => Ok(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" => Ok(Encoding::Gb18030),
            _ => Err(format!(
                "'{s}' is not a supported encoding; use auto, utf-8 or gb18030 (also gbk, gb2312)"
            )),
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The text encoding.
    pub encoding: Encoding,
    /// `(spec field, column name in the file)` pairs from `--map field=column`;
    /// they override the automatic header matching.
    pub map: Vec<(String, String)>,
}

impl ReadOptions {
    /// Parses one `--map` argument of the form `field=column`.
    pub fn parse_map_arg(arg: &str) -> Result<(String, String), String> {
        match arg.split_once('=') {
            Some((f, c)) if !f.trim().is_empty() && !c.trim().is_empty() => {
                Ok((f.trim().to_string(), c.trim().to_string()))
            }
            _ => Err(format!(
                "--map '{arg}': expected FIELD=COLUMN, e.g. --map buyer=买家昵称"
            )),
        }
    }
}

/// One validated input record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A chat message.
    Message(Message),
    /// An order.
    Order(Order),
    /// A rating.
    Rating(Rating),
}

impl Record {
    /// Builds a record of `kind` from its text fields (by spec name).
    pub fn from_fields<'a>(
        kind: Kind,
        get: impl Fn(&'static str) -> Option<&'a str>,
    ) -> Result<Record, FieldError> {
        match kind {
            Kind::Messages => Message::from_fields(get).map(Record::Message),
            Kind::Orders => Order::from_fields(get).map(Record::Order),
            Kind::Ratings => Rating::from_fields(get).map(Record::Rating),
        }
    }
}

/// A record and the line of the file where it starts (the first line is 1;
/// in CSV that is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The line where the record starts.
    pub line: u64,
    /// The record.
    pub record: Record,
}
