//! Helpers shared by the integration tests.
#![allow(dead_code)]

use kefu_import::{Kind, Located, ReadOptions, Record, RecordError, open};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `dir/name`.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `text` in GBK, as Chinese Excel saves it.
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Every record and record error of a file.
pub fn read_all(path: &Path, kind: Kind, opts: &ReadOptions) -> (Vec<Located>, Vec<RecordError>) {
    let reader = open(path, kind, opts).unwrap();
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for item in reader {
        match item {
            Ok(r) => ok.push(r),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

/// The messages of located records.
pub fn messages(located: &[Located]) -> Vec<&kefu_domain::Message> {
    located
        .iter()
        .map(|l| match &l.record {
            Record::Message(m) => m,
            other => panic!("not a message: {other:?}"),
        })
        .collect()
}

/// Options with an encoding.
pub fn enc(e: &str) -> ReadOptions {
    ReadOptions {
        encoding: e.parse().unwrap(),
        map: Vec::new(),
    }
}

pub const MESSAGES_HEADER: &str = "store,message_id,buyer,sender,agent,sent_at,content,kind\n";
