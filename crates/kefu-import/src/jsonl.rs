//! Records from JSON Lines files: one object per line, keys named like CSV
//! columns, values strings, numbers or null.

use crate::columns::{KeyResolver, MAX_FIELDS};
use crate::decode::io_fatal;
use crate::reader::Step;
use crate::source::Source;
use crate::{FileError, Kind, Located, Record, RecordError};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The reading state of a JSON Lines file.
pub(crate) struct JsonlBody {
    input: BufReader<Source>,
    buf: Vec<u8>,
    line: u64,
    keys: KeyResolver,
}

impl JsonlBody {
    /// Starts reading with the checked `--map` pairs.
    pub fn new(source: Source, kind: Kind, map: Vec<(usize, String)>) -> JsonlBody {
        JsonlBody {
            input: BufReader::with_capacity(64 * 1024, source),
            buf: Vec::new(),
            line: 0,
            keys: KeyResolver::new(kind, map),
        }
    }

    /// Raw bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.input.get_ref().bytes_read()
    }

    /// The next record, error, or the end.
    pub fn next(&mut self, kind: Kind, path: &Path) -> Step {
        loop {
            self.buf.clear();
            match self.input.read_until(b'\n', &mut self.buf) {
                Ok(0) => return Step::End,
                Ok(_) => self.line += 1,
                Err(e) => return Step::Fatal(io_fatal(path, self.line + 1, e)),
            }
            let Ok(text) = std::str::from_utf8(&self.buf) else {
                return Step::Fatal(FileError::Decode {
                    path: path.to_path_buf(),
                    line: self.line,
                    encoding: "UTF-8",
                });
            };
            let text = text.trim_end_matches(['\n', '\r']);
            if !text.trim().is_empty() {
                return parse_line(text, self.line, kind, path, &mut self.keys);
            }
        }
    }
}

fn parse_line(text: &str, line: u64, kind: Kind, path: &Path, keys: &mut KeyResolver) -> Step {
    let invalid = |field: Option<String>, reason: String| {
        Step::Invalid(RecordError {
            file: path.to_path_buf(),
            line,
            field,
            reason,
            raw: vec![text.to_string()],
        })
    };
    let mut slots: [(u8, Val<'_>); MAX_FIELDS] = std::array::from_fn(|_| (u8::MAX, Val::Null));
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = RowSeed {
        keys,
        slots: &mut slots,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    if let Err(e) = parsed {
        let what = if e.is_data() {
            "is not a JSON object of fields"
        } else {
            "is not valid JSON"
        };
        return invalid(None, format!("{what} ({e})"));
    }
    let names = kind.fields();
    for (i, (_, v)) in slots.iter().enumerate().take(names.len()) {
        if let Val::Bad(what) = v {
            return invalid(
                Some(names[i].to_string()),
                format!("is {what}, not a string or number"),
            );
        }
    }
    let get = |f: &'static str| match &slots[names.iter().position(|n| *n == f)?].1 {
        Val::Text(t) => Some(t.as_ref()),
        _ => None,
    };
    match Record::from_fields(kind, get) {
        Ok(record) => Step::Record(Located { line, record }),
        Err(e) => invalid(Some(e.field.to_string()), e.reason),
    }
}

/// A JSON value as a field: text (numbers written out), null, or a value of
/// the wrong type.
enum Val<'de> {
    Null,
    Text(Cow<'de, str>),
    Bad(&'static str),
}

/// Deserializes one object into the field slots (best-ranked key wins).
struct RowSeed<'r, 'de> {
    keys: &'r mut KeyResolver,
    slots: &'r mut [(u8, Val<'de>); MAX_FIELDS],
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match self.keys.resolve(&key) {
                Some((f, rank)) if rank < self.slots[f].0 => {
                    self.slots[f] = (rank, map.next_value::<Val<'de>>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A key, borrowed from the line when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_string())))
    }
}

impl<'de> de::Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Val<'de>, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, number or null")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Owned(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Owned(v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Owned(v.to_string())))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Val<'de>, E> {
        Ok(Val::Text(Cow::Borrowed(if v { "true" } else { "false" })))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Val<'de>, E> {
        Ok(Val::Null)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Bad("an object"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Val<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Bad("an array"))
    }
}
