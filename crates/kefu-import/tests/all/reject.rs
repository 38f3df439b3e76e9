//! The reject file of `--skip-invalid`.

use crate::common;

use common::*;
use kefu_import::{Kind, ReadOptions, RejectWriter, open};

fn reject_all(path: &std::path::Path, kind: Kind) -> std::path::PathBuf {
    let mut reader = open(path, kind, &ReadOptions::default()).unwrap();
    let mut rejects = RejectWriter::create(path, reader.header()).unwrap();
    for item in reader.by_ref() {
        if let Err(e) = item {
            rejects.write(&e).unwrap();
        }
    }
    assert!(reader.take_fatal().is_none());
    rejects.finish().unwrap()
}

#[test]
fn csv_rejects_keep_the_original_columns_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let text = "店铺,订单号,买家,下单时间,金额\r\n\
                dy-1,o1,b1,2026-11-01 10:00:00,1.005\r\n\
                dy-1,o2,b2,2026-11-01 10:00:00,5\r\n\
                dy-1,\"o,3\",b3,2026-11-01 25:00:00,5\r\n";
    let path = write(dir.path(), "订单.csv", gbk(text));
    let out = reject_all(&path, Kind::Orders);
    assert_eq!(out, dir.path().join("订单.rejected.csv"));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "line,field,reason,店铺,订单号,买家,下单时间,金额");
    assert_eq!(
        lines[1],
        "2,amount,'1.005' has more than 2 decimal places,dy-1,o1,b1,2026-11-01 10:00:00,1.005"
    );
    assert!(
        lines[2].starts_with("4,created_at,'2026-11-01 25:00:00' is not a time"),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].ends_with(",dy-1,\"o,3\",b3,2026-11-01 25:00:00,5"),
        "{}",
        lines[2]
    );
    assert_eq!(lines.len(), 3);

    // A second and third run never overwrite the first reject file.
    let again = reject_all(&path, Kind::Orders);
    assert_eq!(again, dir.path().join("订单.rejected-2.csv"));
    let third = reject_all(&path, Kind::Orders);
    assert_eq!(third, dir.path().join("订单.rejected-3.csv"));
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&out).unwrap());
}

#[test]
fn jsonl_rejects_hold_the_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"store\":\"s\",\"buyer\":\"b\",\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":9}\n\
                not json\n";
    let path = write(dir.path(), "ratings.jsonl", text);
    let out = reject_all(&path, Kind::Ratings);
    assert_eq!(out.file_name().unwrap(), "ratings.rejected.csv");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["line", "field", "reason", "record"]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!((&rows[0][0], &rows[0][1]), ("1", "score"));
    assert_eq!(
        &rows[0][3],
        "{\"store\":\"s\",\"buyer\":\"b\",\"agent\":\"a\",\"rated_at\":\"2026-11-01 10:00:00\",\"score\":9}"
    );
    assert_eq!((&rows[1][0], &rows[1][1]), ("2", ""));
    assert_eq!(&rows[1][3], "not json");
}
