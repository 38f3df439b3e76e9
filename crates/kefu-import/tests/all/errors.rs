//! File errors and record errors, named by file, line and field.

use crate::common;

use common::*;
use kefu_import::{FileError, Kind, ReadOptions, open};

fn open_err(path: &std::path::Path, kind: Kind, opts: &ReadOptions) -> FileError {
    match open(path, kind, opts) {
        Err(e) => e,
        Ok(_) => panic!("{} opened", path.display()),
    }
}

#[test]
fn missing_column_names_it_lists_the_header_and_mentions_map() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "messages.csv",
        "店铺,消息ID,买家,发送方,客服,内容,日期\ndy-1,m1,b1,buyer,,hi,2026-11-01\n",
    );
    let e = open_err(&path, Kind::Messages, &ReadOptions::default());
    assert!(matches!(&e, FileError::MissingColumns { missing, .. } if missing == &["sent_at"]));
    let text = e.to_string();
    assert!(
        text.starts_with(&format!(
            "{}: required column `sent_at` is missing",
            path.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("店铺, 消息ID, 买家, 发送方, 客服, 内容, 日期"),
        "{text}"
    );
    assert!(text.contains("--map sent_at="), "{text}");

    let opts = ReadOptions {
        map: vec![("sent_at".into(), "日期".into())],
        ..ReadOptions::default()
    };
    assert!(open(&path, Kind::Messages, &opts).is_ok());
}

#[test]
fn bad_map_is_a_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "messages.csv", MESSAGES_HEADER);
    let opts = ReadOptions {
        map: vec![("when".into(), "sent_at".into())],
        ..ReadOptions::default()
    };
    let e = open_err(&path, Kind::Messages, &opts);
    assert!(
        e.to_string().contains("`when` is not a field of messages"),
        "{e}"
    );
    let opts = ReadOptions {
        map: vec![("sent_at".into(), "发送时间".into())],
        ..ReadOptions::default()
    };
    let e = open_err(&path, Kind::Messages, &opts);
    assert!(matches!(&e, FileError::MapColumnMissing { column, .. } if column == "发送时间"));
    assert!(e.to_string().contains("has no column `发送时间`"), "{e}");
}

#[test]
fn unusable_files_are_file_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = open_err(
        &dir.path().join("nope.csv"),
        Kind::Orders,
        &ReadOptions::default(),
    );
    assert!(matches!(e, FileError::Open { .. }));
    assert!(e.to_string().contains("nope.csv"));
    let empty = write(dir.path(), "empty.csv", "");
    assert!(matches!(
        open_err(&empty, Kind::Orders, &ReadOptions::default()),
        FileError::Empty { .. }
    ));
    let xlsx = write(dir.path(), "orders.xlsx", b"PK\x03\x04rest");
    let e = open_err(&xlsx, Kind::Orders, &ReadOptions::default());
    assert!(matches!(e, FileError::UnknownFormat { .. }), "{e}");
    let array = write(dir.path(), "orders.json", "[{\"store\":\"s\"}]");
    let e = open_err(&array, Kind::Orders, &ReadOptions::default());
    assert!(e.to_string().contains("JSON Lines"), "{e}");
}

/// Each kind of bad field, with the exact `file line N, field `x`` prefix.
#[test]
fn every_bad_field_is_named_with_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let messages = format!(
        "{MESSAGES_HEADER}\
         dy-1,m1,,buyer,,2026-11-01 10:00:00,,\n\
         dy-1,m2,b1,boss,,2026-11-01 10:00:00,,\n\
         dy-1,m3,b1,buyer,,2026-13-01 10:00,,\n\
         dy-1,m4,b1,agent,,2026-11-01 10:00:00,,\n\
         dy-1,m5,b1,buyer,,2026-11-01 10:00:00,,gif\n\
         dy-1,m6,b1,buyer\n"
    );
    let path = write(dir.path(), "messages.csv", messages);
    let (ok, bad) = read_all(&path, Kind::Messages, &ReadOptions::default());
    assert!(ok.is_empty());
    let p = path.display();
    let texts: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert_eq!(texts[0], format!("{p} line 2, field `buyer`: is missing"));
    assert!(texts[1].starts_with(&format!("{p} line 3, field `sender`: 'boss' is not one of")));
    assert_eq!(
        texts[2],
        format!(
            "{p} line 4, field `sent_at`: '2026-13-01 10:00' is not a time (YYYY-MM-DD HH:MM:SS or RFC 3339)"
        )
    );
    assert!(texts[3].starts_with(&format!("{p} line 5, field `agent`: is missing")));
    assert!(texts[4].starts_with(&format!("{p} line 6, field `kind`:")));
    assert_eq!(
        texts[5],
        format!("{p} line 7: has 4 fields but the header has 8 columns")
    );
    assert_eq!(bad[5].raw, ["dy-1", "m6", "b1", "buyer"]);

    let orders = "store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at\n\
                  s,o1,b,2026-11-01 10:00:00,,abc,,\n\
                  s,o2,b,2026-11-01 10:00:00,,-5,,\n\
                  s,o3,b,2026-11-01 10:00:00,,1.005,,\n\
                  s,o4,b,2026-11-01 10:00:00,yesterday,1,,\n\
                  s,o5,b,2026-11-01 10:00:00,,,,\n\
                  s,o6,b,2026-11-01 10:00:00,,¥1.50,0.5,2026-11-02 00:00:00\n";
    let path = write(dir.path(), "orders.csv", orders);
    let (ok, bad) = read_all(&path, Kind::Orders, &ReadOptions::default());
    assert_eq!(ok.len(), 1);
    let p = path.display();
    let texts: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts[0],
        format!("{p} line 2, field `amount`: 'abc' is not a decimal amount")
    );
    assert_eq!(
        texts[1],
        format!("{p} line 3, field `amount`: '-5' is negative")
    );
    assert_eq!(
        texts[2],
        format!("{p} line 4, field `amount`: '1.005' has more than 2 decimal places")
    );
    assert!(texts[3].starts_with(&format!(
        "{p} line 5, field `paid_at`: 'yesterday' is not a time"
    )));
    assert_eq!(texts[4], format!("{p} line 6, field `amount`: is missing"));

    let ratings = "store,buyer,agent,rated_at,score\n\
                   s,b,a,2026-11-01 10:00:00,6\n\
                   s,b,a,2026-11-01 10:00:00,4.5\n\
                   s,b,,2026-11-01 10:00:00,5\n";
    let path = write(dir.path(), "ratings.csv", ratings);
    let (_, bad) = read_all(&path, Kind::Ratings, &ReadOptions::default());
    let p = path.display();
    let texts: Vec<String> = bad.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts[0],
        format!("{p} line 2, field `score`: '6' is not an integer from 1 to 5")
    );
    assert_eq!(
        texts[1],
        format!("{p} line 3, field `score`: '4.5' is not an integer from 1 to 5")
    );
    assert_eq!(texts[2], format!("{p} line 4, field `agent`: is missing"));
}

#[test]
fn invalid_json_lines_are_record_errors() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"store\":\"s\",\"buyer\":\"b\",\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":5}\n\
                {\"store\":\"s\",\"buyer\":\n\
                [1,2]\n\
                {\"store\":\"s\",\"buyer\":{\"id\":1},\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":5}\n\
                {\"store\":\"s\",\"buyer\":\"b\",\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":0}\n\
                {\"store\":\"s\",\"buyer\":\"b\",\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":\"5\"}\n";
    let path = write(dir.path(), "ratings.jsonl", text);
    let (ok, bad) = read_all(&path, Kind::Ratings, &ReadOptions::default());
    assert_eq!(ok.iter().map(|l| l.line).collect::<Vec<_>>(), [1, 6]);
    let p = path.display();
    assert!(
        bad[0]
            .to_string()
            .starts_with(&format!("{p} line 2: is not valid JSON")),
        "{}",
        bad[0]
    );
    assert_eq!(bad[0].raw, ["{\"store\":\"s\",\"buyer\":"]);
    assert!(
        bad[1]
            .to_string()
            .starts_with(&format!("{p} line 3: is not a JSON object")),
        "{}",
        bad[1]
    );
    assert_eq!(
        bad[2].to_string(),
        format!("{p} line 4, field `buyer`: is an object, not a string or number")
    );
    assert_eq!(bad[3].field.as_deref(), Some("score"));
    assert_eq!(bad[3].line, 5);
}

#[test]
fn undecodable_text_is_fatal_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = MESSAGES_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"dy-1,m1,b1,buyer,,2026-11-01 10:00:00,hi,\r\n");
    bytes.extend(gbk("dy-1,m2,b1,buyer,,2026-11-01 10:00:00,你好,\r\n"));
    bytes.extend_from_slice(b"dy-1,m3,b1,buyer,,2026-11-01 10:00:00,hi,\r\n");
    let path = write(dir.path(), "messages.csv", &bytes);
    let mut reader = open(&path, Kind::Messages, &enc("utf-8")).unwrap();
    assert!(reader.next().unwrap().is_ok());
    let e = reader.next().unwrap().unwrap_err();
    assert_eq!((e.line, e.field.as_deref()), (3, None));
    assert!(e.reason.contains("--encoding gb18030"), "{e}");
    assert!(
        e.reason.ends_with("the rest of the file was not read"),
        "{e}"
    );
    assert!(reader.next().is_none());
    let fatal = reader.take_fatal().unwrap();
    assert!(
        matches!(fatal, FileError::Decode { line: 3, .. }),
        "{fatal}"
    );
    assert!(fatal.to_string().starts_with(&format!(
        "{} line 3: the text is not valid UTF-8",
        path.display()
    )));

    // Read as GB18030, the same file is fine except where UTF-8 and GBK
    // bytes disagree; a byte that GB18030 cannot decode is fatal too.
    let mut bytes = gbk("店铺,消息ID,买家,发送方,客服,时间,内容,类型\n");
    bytes.extend(gbk("dy-1,m1,b1,买家,,2026-11-01 10:00:00,你好,\n"));
    bytes.extend_from_slice(b"dy-1,m2,b1,buyer,,2026-11-01 10:00:00,\x81\x20,\n");
    let path = write(dir.path(), "gbk.csv", &bytes);
    let mut reader = open(&path, Kind::Messages, &ReadOptions::default()).unwrap();
    assert!(reader.next().unwrap().is_ok());
    assert_eq!(reader.next().unwrap().unwrap_err().line, 3);
    assert!(matches!(
        reader.take_fatal(),
        Some(FileError::Decode {
            line: 3,
            encoding: "GB18030",
            ..
        })
    ));
}
