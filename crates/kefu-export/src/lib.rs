//! The one CSV and XLSX writer of kefu's exports: the web's page exports
//! (tables, sessions, transcripts, users) and `kefu kpi --format csv|xlsx`
//! all write through [`CsvWriter`] and [`xlsx::workbook`].
//!
//! Exports carry text that buyers, agents and stores wrote: chat messages,
//! buyer ids, agent names. A spreadsheet program reads a CSV cell that
//! begins with `=`, `+`, `-` or `@` as a formula, so a chat message
//! `=HYPERLINK("http://…","点我")` would become a live link, or worse a
//! command (`=cmd|' /C calc'!A0`), when a store owner opens the export in
//! Excel (CSV injection, also called formula injection). Following OWASP,
//! every *text* cell that begins with one of those characters, a tab or a
//! carriage return gets a single quote `'` in front ([`neutralise`]); the
//! spreadsheet then shows it as text. Numbers written as numbers
//! ([`Cell::number`]) are left as they are, so `-12.5` stays a number.
//!
//! Nothing else changes: quoting and line ends are those of the `csv`
//! crate, and a [`CsvWriter::with_bom`] file starts with a UTF-8 BOM so
//! that Excel reads Chinese.
//!
//! The import's reject files are not written here: they hold rejected
//! input lines as they came, to be corrected and imported again, so they
//! must not be altered.

pub mod xlsx;

use std::borrow::Cow;
use std::io::{self, Write};

/// The characters that make a spreadsheet read a cell as a formula (or
/// that it strips before doing so), after OWASP's CSV injection advice:
/// `=`, `+`, `-`, `@`, tab (0x09) and carriage return (0x0D).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text of a cell made safe for a spreadsheet: text that begins with
/// one of [`FORMULA_TRIGGERS`] gets a single quote `'` in front and is
/// otherwise unchanged; any other text is returned as it is (borrowed, at
/// no cost).
///
/// Only the first character counts: `a=b` and ` =1` (a leading space) are
/// not formulas and are left alone. Apply this to text only; a number
/// such as `-3` would be changed too (see [`Cell::number`]).
///
/// ```
/// use kefu_export::neutralise;
/// assert_eq!(neutralise("=1+2"), "'=1+2");
/// assert_eq!(neutralise("在吗？"), "在吗？");
/// ```
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_TRIGGERS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether text is a number in plain decimal notation: an optional `-`,
/// digits, and optionally a `.` and more digits (`-12.5`, `3`, `0.25`).
/// Only such text is written as a number; anything else (`1e5`, `NaN`,
/// `-inf`, `¥12`) is text.
pub fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

/// One cell of a CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text from anywhere: written [`neutralise`]d.
    Text(Cow<'a, str>),
    /// A number as the export formats it (`-12.5`, `129.00`): written as it
    /// is when it [`is_plain_number`], as text otherwise.
    Number(Cow<'a, str>),
    /// An empty cell (a missing value).
    Empty,
}

impl<'a> Cell<'a> {
    /// A text cell.
    pub fn text(text: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(text.into())
    }

    /// A number cell, from the number's text in plain decimal notation.
    pub fn number(text: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Number(text.into())
    }

    /// The field as it goes into the file.
    fn field(self) -> Field<'a> {
        Field(match self {
            Cell::Number(n) if is_plain_number(&n) => n,
            Cell::Text(t) | Cell::Number(t) => match neutralise(&t) {
                Cow::Borrowed(_) => t,
                Cow::Owned(safe) => Cow::Owned(safe),
            },
            Cell::Empty => Cow::Borrowed(""),
        })
    }
}

/// A field's bytes, for the `csv` writer.
struct Field<'a>(Cow<'a, str>);

impl AsRef<[u8]> for Field<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A CSV file written row by row into `W` (a file, stdout, a `Vec<u8>`),
/// so that an export of millions of rows needs little memory. Text cells
/// are neutralised against formula injection; see the crate's doc.
pub struct CsvWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    /// A writer without a BOM (for a terminal or a pipe).
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter {
            csv: csv::Writer::from_writer(out),
        }
    }

    /// A writer whose file starts with a UTF-8 BOM, so that Excel reads
    /// the file as UTF-8 (Chinese text) instead of the local code page.
    pub fn with_bom(mut out: W) -> io::Result<CsvWriter<W>> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(CsvWriter::new(out))
    }

    /// Writes the header row: every name is a text cell.
    pub fn header<S: AsRef<str>>(&mut self, names: impl IntoIterator<Item = S>) -> io::Result<()> {
        let fields = names
            .into_iter()
            .map(|n| Field(Cow::Owned(neutralise(n.as_ref()).into_owned())));
        Ok(self.csv.write_record(fields)?)
    }

    /// Writes one row of cells.
    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = Cell<'a>>) -> io::Result<()> {
        Ok(self.csv.write_record(cells.into_iter().map(Cell::field))?)
    }

    /// Flushes what is buffered and gives back the output.
    pub fn finish(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv_of(rows: Vec<Vec<Cell<'_>>>) -> String {
        let mut w = CsvWriter::new(Vec::new());
        for r in rows {
            w.row(r).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn every_trigger_gets_a_quote_in_front() {
        for (text, safe) in [
            ("=1+2", "'=1+2"),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            (
                "=HYPERLINK(\"http://evil.example\",\"点我\")",
                "'=HYPERLINK(\"http://evil.example\",\"点我\")",
            ),
            ("=", "'="),
            ("-", "'-"),
        ] {
            assert_eq!(neutralise(text), safe, "{text:?}");
            assert!(matches!(neutralise(text), Cow::Owned(_)));
        }
        assert_eq!(FORMULA_TRIGGERS.len(), 6);
        for c in FORMULA_TRIGGERS {
            let text = format!("{c}rest");
            assert_eq!(neutralise(&text), format!("'{text}"));
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "",
            "在吗？",
            "亲，在的",
            "dy-a:小美",
            "a=b",
            " =1",
            "'=already quoted",
            "2026-11-03 10:00:00",
            "x\t-y",
            "\n=1",
            "＝1",
        ] {
            assert!(
                matches!(neutralise(text), Cow::Borrowed(t) if t == text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn plain_numbers() {
        for n in [
            "0",
            "3",
            "-3",
            "-12.5",
            "0.25",
            "129.00",
            "100000000000000000000",
        ] {
            assert!(is_plain_number(n), "{n}");
        }
        for n in [
            "", "-", ".", "1.", ".5", "-.5", "1e5", "NaN", "inf", "-inf", "+1", "¥12", "1,000",
            "12%", "1.2.3", "--1", "=1", "1 ",
        ] {
            assert!(!is_plain_number(n), "{n}");
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_is_neutralised() {
        let out = csv_of(vec![
            vec![
                Cell::number("-12.5"),
                Cell::number("-3"),
                Cell::text("-3"),
                Cell::number("=1+2"),
                Cell::number("-inf"),
                Cell::Empty,
            ],
            vec![
                Cell::text("=HYPERLINK(\"http://evil.example\",\"点我\")"),
                Cell::text("=cmd|' /C calc'!A0"),
                Cell::text("在吗？"),
                Cell::text("+86 138"),
                Cell::text("@all"),
                Cell::text("a-b"),
            ],
        ]);
        assert_eq!(
            out,
            "-12.5,-3,'-3,'=1+2,'-inf,\n\
             \"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",'=cmd|' /C calc'!A0,在吗？,'+86 138,'@all,a-b\n"
        );
    }

    #[test]
    fn quoting_bom_and_header_are_the_csv_crate_s() {
        let mut w = CsvWriter::with_bom(Vec::new()).unwrap();
        w.header(["店铺", "a,b", "@x"]).unwrap();
        w.row([
            Cell::text("line\nbreak"),
            Cell::text("say \"hi\""),
            Cell::Empty,
        ])
        .unwrap();
        let bytes = w.finish().unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
        assert_eq!(
            std::str::from_utf8(&bytes[3..]).unwrap(),
            "店铺,\"a,b\",'@x\n\"line\nbreak\",\"say \"\"hi\"\"\",\n"
        );
        let mut plain = CsvWriter::new(Vec::new());
        plain.header(["store"]).unwrap();
        plain.row([Cell::Empty]).unwrap();
        assert_eq!(
            plain.finish().unwrap(),
            b"store\n\"\"\n",
            "a lone empty field is quoted"
        );
    }
}
