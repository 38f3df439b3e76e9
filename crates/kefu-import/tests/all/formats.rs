//! Formats, encodings and header matching.

use crate::common;

use common::*;
use kefu_domain::{Fen, MessageKind, RecordTime, Sender};
use kefu_import::{Encoding, Kind, ReadOptions, Record, open};

fn t(s: &str) -> RecordTime {
    RecordTime::parse(s).unwrap()
}

#[test]
fn plain_utf8_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{MESSAGES_HEADER}dy-1,m1,b1,buyer,,2026-11-01 10:00:00,在吗？,\n\
         dy-1,m2,b1,agent,小王,2026-11-01 10:00:30,您好,text\r\n"
    );
    let path = write(dir.path(), "messages.csv", text);
    let reader = open(&path, Kind::Messages, &ReadOptions::default()).unwrap();
    assert_eq!(reader.encoding(), "UTF-8");
    assert_eq!(reader.header()[5], "sent_at");
    let (ok, bad) = read_all(&path, Kind::Messages, &ReadOptions::default());
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(ok.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 3]);
    let m = messages(&ok);
    assert_eq!(m[0].content, "在吗？");
    assert_eq!(m[0].agent, None);
    assert_eq!(m[1].sender, Sender::Agent);
    assert_eq!(m[1].agent.as_deref(), Some("小王"));
    assert_eq!(m[1].sent_at, t("2026-11-01 10:00:30"));
}

#[test]
fn bom_is_skipped_and_progress_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{MESSAGES_HEADER}dy-1,m1,b1,buyer,,2026-11-01 10:00:00,hi,\n");
    let path = write(dir.path(), "messages.csv", &text);
    let mut reader = open(&path, Kind::Messages, &enc("gb18030")).unwrap();
    assert_eq!(reader.encoding(), "UTF-8", "a BOM wins over the option");
    assert_eq!(reader.header()[0], "store");
    assert_eq!(reader.total_bytes(), text.len() as u64);
    assert!(reader.by_ref().all(|r| r.is_ok()));
    assert_eq!(reader.bytes_read(), text.len() as u64);
}

#[test]
fn gbk_with_chinese_headers_is_detected_and_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "店铺,消息ID,买家昵称,发送方,客服账号,发送时间,消息内容,消息类型\r\n\
                dy-1,m1,张三,买家,,2026/11/01 10:00,请问有货吗,\r\n\
                dy-1,m2,张三,客服,客服小李,2026-11-01 10:01:00,有的亲,auto\r\n";
    let path = write(dir.path(), "聊天记录.csv", gbk(text));
    for opts in [ReadOptions::default(), enc("gbk")] {
        let reader = open(&path, Kind::Messages, &opts).unwrap();
        assert_eq!(reader.encoding(), "GB18030");
        assert_eq!(reader.header()[0], "店铺");
        let (ok, bad) = read_all(&path, Kind::Messages, &opts);
        assert!(bad.is_empty(), "{bad:?}");
        let m = messages(&ok);
        assert_eq!(m[0].buyer, "张三");
        assert_eq!(m[0].sender, Sender::Buyer);
        assert_eq!(m[0].content, "请问有货吗");
        assert_eq!(m[1].agent.as_deref(), Some("客服小李"));
        assert_eq!(m[1].kind, MessageKind::Auto);
        assert_eq!(ok[1].line, 3);
    }
}

#[test]
fn utf8_character_cut_at_64k_is_still_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let row =
        |n: usize, content: &str| format!("dy-1,m{n},b1,buyer,,2026-11-01 10:00:00,{content},\n");
    let mut text = String::from(MESSAGES_HEADER);
    let mut n = 0;
    while text.len() < 65_000 {
        n += 1;
        text.push_str(&row(n, "abc"));
    }
    // Put the 3 bytes of 中 at 65535..65538, across the end of the head.
    n += 1;
    let pad = 65_535 - text.len() - row(n, "").len() + 2;
    text.push_str(&row(n, &format!("{}中", "a".repeat(pad))));
    assert!(!text.is_char_boundary(65_536));
    while text.len() < 70_000 {
        n += 1;
        text.push_str(&row(n, "中文"));
    }
    let path = write(dir.path(), "messages.csv", &text);
    let (ok, bad) = read_all(&path, Kind::Messages, &ReadOptions::default());
    assert!(bad.is_empty());
    assert_eq!(ok.len(), n);
}

#[test]
fn tsv_by_extension_and_by_sniffing() {
    let dir = tempfile::tempdir().unwrap();
    let text = "store\tbuyer\tagent\trated_at\tscore\n\
                dy-1\tb1\ta1\t2026-11-01 10:00:00\t5\n\
                dy-1\tb2\ta1\t2026-11-01T02:00:00Z\t1\n";
    for name in ["ratings.tsv", "ratings.txt", "ratings.csv"] {
        let path = write(dir.path(), name, text);
        let (ok, bad) = read_all(&path, Kind::Ratings, &ReadOptions::default());
        assert!(bad.is_empty(), "{name}: {bad:?}");
        let Record::Rating(r) = &ok[1].record else {
            panic!()
        };
        assert_eq!((r.score, r.rated_at.offset_s), (1, Some(0)));
    }
}

#[test]
fn utf16_excel_unicode_text_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = "店铺\t买家\t客服\t评价时间\t评分\r\ndy-1\t买家甲\t小王\t2026-11-01 10:00:00\t4\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let path = write(dir.path(), "评价.txt", bytes);
    let (ok, bad) = read_all(&path, Kind::Ratings, &ReadOptions::default());
    assert!(bad.is_empty(), "{bad:?}");
    let Record::Rating(r) = &ok[0].record else {
        panic!()
    };
    assert_eq!((r.buyer.as_str(), r.score), ("买家甲", 4));
}

#[test]
fn orders_with_chinese_headers_and_map() {
    let dir = tempfile::tempdir().unwrap();
    let text = "订单编号,店铺编码,店铺名称,买家账号,下单时间,付款时间,实付金额,订单金额,退款金额,退款时间,备注\n\
                o1,dy-1,旗舰店,b1,2026-11-01 10:00:00,2026-11-01 10:05:00,99.5,120,,,\n\
                o2,dy-1,旗舰店,b2,2026-11-01 11:00:00,,0,0,\"1,000\",,未付款\n";
    let path = write(dir.path(), "订单.csv", text);
    let (ok, bad) = read_all(&path, Kind::Orders, &ReadOptions::default());
    let Record::Order(o) = &ok[0].record else {
        panic!()
    };
    assert_eq!(o.store, "dy-1", "店铺编码 wins over 店铺名称");
    assert_eq!(o.amount, Fen(9950), "实付金额 wins over 订单金额");
    assert_eq!(o.paid_at, Some(t("2026-11-01 10:05:00")));
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].field.as_deref(), Some("refund_amount"));

    let opts = ReadOptions {
        encoding: Encoding::Auto,
        map: vec![
            ("amount".into(), "订单金额".into()),
            ("Store".into(), " 店铺名称 ".into()),
        ],
    };
    let (ok, _) = read_all(&path, Kind::Orders, &opts);
    let Record::Order(o) = &ok[0].record else {
        panic!()
    };
    assert_eq!((o.store.as_str(), o.amount), ("旗舰店", Fen(12000)));
}

#[test]
fn quoted_multiline_field_keeps_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    for eol in ["\n", "\r\n"] {
        let text = format!(
            "{MESSAGES_HEADER}dy-1,m1,b1,buyer,,2026-11-01 10:00:00,\"第一行\n第二行, 有逗号\n\"\"引号\"\"\",\n\
             dy-1,m2,b1,buyer,,2026-11-01 10:00:01,ok,\n\
             \n\
             dy-1,m3,b1,robot2,,2026-11-01 10:00:02,ok,\n"
        )
        .replace('\n', eol);
        let path = write(dir.path(), "messages.csv", text);
        let (ok, bad) = read_all(&path, Kind::Messages, &ReadOptions::default());
        assert_eq!(ok.iter().map(|l| l.line).collect::<Vec<_>>(), [2, 5]);
        let content = format!("第一行{eol}第二行, 有逗号{eol}\"引号\"");
        assert_eq!(messages(&ok)[0].content, content);
        assert_eq!(bad[0].line, 7, "{eol:?}");
    }
}

#[test]
fn blank_rows_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MESSAGES_HEADER}\ndy-1,m1,b1,buyer,,2026-11-01 10:00:00,,\n,,,,,,,\n\n");
    let path = write(dir.path(), "messages.csv", text);
    let (ok, bad) = read_all(&path, Kind::Messages, &ReadOptions::default());
    assert_eq!((ok.len(), bad.len()), (1, 0));
    assert_eq!(ok[0].line, 3);
}

#[test]
fn jsonl_with_numbers_nulls_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"store\":\"dy-1\",\"order_id\":10086,\"buyer\":\"b\\u0031\",\"created_at\":\"2026-11-01 10:00:00\",\"paid_at\":null,\"amount\":12.5,\"extra\":[1,2]}\n\
                \n\
                {\"店铺\":\"dy-1\",\"订单号\":\"o2\",\"买家\":\"b2\",\"下单时间\":\"2026-11-01T10:00:00+08:00\",\"金额\":3,\"退款金额\":\"1.00\"}\r\n\
                {\"store\":\"dy-1\",\"order_id\":\"o3\",\"buyer\":\"b3\",\"created_at\":\"2026-11-01 10:00:00\",\"amount\":1.005}\n";
    for name in ["orders.jsonl", "orders.ndjson", "orders.json"] {
        let path = write(dir.path(), name, text);
        let reader = open(&path, Kind::Orders, &ReadOptions::default()).unwrap();
        assert_eq!(reader.header(), ["record"]);
        let (ok, bad) = read_all(&path, Kind::Orders, &ReadOptions::default());
        assert_eq!(ok.iter().map(|l| l.line).collect::<Vec<_>>(), [1, 3]);
        let Record::Order(o) = &ok[0].record else {
            panic!()
        };
        assert_eq!(o.order_id, "10086");
        assert_eq!(o.buyer, "b1");
        assert_eq!((o.amount, o.paid_at), (Fen(1250), None));
        let Record::Order(o) = &ok[1].record else {
            panic!()
        };
        assert_eq!((o.amount, o.refund_amount), (Fen(300), Some(Fen(100))));
        assert_eq!(bad.len(), 1);
        assert_eq!(
            bad[0].to_string().split(':').next(),
            Some(&*format!("{} line 4, field `amount`", path.display()))
        );
    }
}

#[test]
fn jsonl_in_gbk_with_map() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\"店铺\":\"dy-1\",\"昵称\":\"张三\",\"buyer\":\"x\",\"客服\":\"小王\",\"评价时间\":\"2026-11-01 10:00:00\",\"评分\":\"5\"}\n";
    let path = write(dir.path(), "ratings.jsonl", gbk(text));
    let opts = ReadOptions {
        encoding: Encoding::Auto,
        map: vec![("buyer".into(), "昵称".into())],
    };
    let (ok, bad) = read_all(&path, Kind::Ratings, &opts);
    assert!(bad.is_empty(), "{bad:?}");
    let Record::Rating(r) = &ok[0].record else {
        panic!()
    };
    assert_eq!((r.buyer.as_str(), r.agent.as_str()), ("张三", "小王"));
}

#[test]
fn parses_kind_and_encoding_names() {
    assert_eq!("Orders".parse::<Kind>(), Ok(Kind::Orders));
    assert!("sales".parse::<Kind>().is_err());
    for (s, e) in [
        ("auto", Encoding::Auto),
        ("UTF-8", Encoding::Utf8),
        ("utf8", Encoding::Utf8),
        ("gb18030", Encoding::Gb18030),
        ("GBK", Encoding::Gb18030),
        ("gb2312", Encoding::Gb18030),
    ] {
        assert_eq!(s.parse::<Encoding>(), Ok(e));
    }
    assert!("latin1".parse::<Encoding>().is_err());
    assert_eq!(
        ReadOptions::parse_map_arg("buyer=买家昵称"),
        Ok(("buyer".into(), "买家昵称".into()))
    );
    assert!(ReadOptions::parse_map_arg("buyer").is_err());
}

#[test]
fn reader_is_send() {
    fn send<T: Send>() {}
    send::<kefu_import::RecordReader>();
    send::<kefu_import::RejectWriter>();
}
