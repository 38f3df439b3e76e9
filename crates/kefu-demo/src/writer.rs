//! A minimal buffered CSV row writer (RFC 4180 quoting, `\n` line ends).

use crate::dates::{push_padded, push_time};
use std::io::{self, Write};

/// Bytes buffered before they go to the underlying writer.
const CHUNK: usize = 1 << 16;

/// Header of `messages.csv`.
pub const MESSAGES_HEADER: &str = "store,message_id,buyer,sender,agent,sent_at,content,kind";
/// Header of `orders.csv`.
pub const ORDERS_HEADER: &str =
    "store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at";
/// Header of `ratings.csv`.
pub const RATINGS_HEADER: &str = "store,buyer,agent,rated_at,score";

/// Builds rows field by field into a buffer and hands full chunks on.
pub struct Csv<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
    fresh: bool,
    /// Data rows written (the header not counted).
    pub rows: u64,
}

impl<'w> Csv<'w> {
    /// A writer whose first line is `header`.
    pub fn new(out: &'w mut dyn Write, header: &str) -> Csv<'w> {
        let mut buf = Vec::with_capacity(CHUNK + 4096);
        buf.extend_from_slice(header.as_bytes());
        buf.push(b'\n');
        Csv {
            out,
            buf,
            fresh: true,
            rows: 0,
        }
    }

    fn sep(&mut self) {
        if !self.fresh {
            self.buf.push(b',');
        }
        self.fresh = false;
    }

    /// A text field, quoted when it holds a comma, quote or line break.
    pub fn text(&mut self, s: &str) {
        self.sep();
        let bytes = s.as_bytes();
        if bytes
            .iter()
            .any(|&b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        {
            self.buf.push(b'"');
            for &b in bytes {
                if b == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(b);
            }
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(bytes);
        }
    }

    /// A field made of a prefix and a zero-padded number (`m00000042`).
    pub fn id(&mut self, prefix: &str, n: u64, width: usize) {
        self.sep();
        self.buf.extend_from_slice(prefix.as_bytes());
        push_padded(&mut self.buf, n, width);
    }

    /// A local time `YYYY-MM-DD HH:MM:SS`, or an empty field.
    pub fn time(&mut self, t: Option<i64>) {
        self.sep();
        if let Some(t) = t {
            push_time(&mut self.buf, t);
        }
    }

    /// An amount in yuan with two places, or an empty field.
    pub fn yuan(&mut self, fen: Option<i64>) {
        self.sep();
        if let Some(f) = fen {
            push_padded(&mut self.buf, (f / 100) as u64, 1);
            self.buf.push(b'.');
            push_padded(&mut self.buf, (f % 100) as u64, 2);
        }
    }

    /// An unsigned integer.
    pub fn int(&mut self, v: u64) {
        self.sep();
        push_padded(&mut self.buf, v, 1);
    }

    /// Ends the row, passing the buffer on when it is full.
    pub fn end(&mut self) -> io::Result<()> {
        self.buf.push(b'\n');
        self.fresh = true;
        self.rows += 1;
        if self.buf.len() >= CHUNK {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    /// Writes what is buffered and flushes the underlying writer.
    pub fn finish(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_when_needed() {
        let mut out = Vec::new();
        {
            let mut c = Csv::new(&mut out, "a,b,c,d,e");
            c.text("plain");
            c.text("a,b \"q\"\nx");
            c.id("m", 42, 8);
            c.yuan(Some(3990));
            c.time(None);
            c.end().unwrap();
            c.finish().unwrap();
        }
        let s = String::from_utf8(out).unwrap();
        assert_eq!(
            s,
            "a,b,c,d,e\nplain,\"a,b \"\"q\"\"\nx\",m00000042,39.90,\n"
        );
    }
}
