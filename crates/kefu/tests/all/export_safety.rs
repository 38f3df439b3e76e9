//! `kefu kpi --format csv` writes agent names that a spreadsheet would
//! read as formulas neutralised (a `'` in front), and its figures, negative
//! ones too, as plain numbers; to stdout and to a file with a BOM.

use crate::common;
use common::*;

/// Two agents whose names begin with `=` and `-`, each answering in 20 s.
const MESSAGES: &str = "store,message_id,buyer,sender,agent,sent_at,content,kind\n\
dy-1,m1,b1,buyer,,2026-11-03 10:00:00,在吗,text\n\
dy-1,m2,b1,agent,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",2026-11-03 10:00:20,亲，在的,text\n\
dy-1,m3,b2,buyer,,2026-11-03 11:00:00,在吗,text\n\
dy-1,m4,b2,agent,-2+3,2026-11-03 11:00:20,在的,text\n";

/// The records of CSV text.
fn records(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn agent_names_are_not_formulas() {
    let dir = tmp();
    std::fs::write(dir.path().join("messages.csv"), MESSAGES).unwrap();
    let input = path(dir.path(), "");
    let file = dir.path().join("kpi.csv");
    let stdout = ok(&["kpi", "--input", &input, "--by", "agent", "--format", "csv"]);
    ok(&[
        "kpi",
        "--input",
        &input,
        "--by",
        "agent",
        "--format",
        "csv",
        "--out",
        file.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM in a file");
    assert_eq!(&bytes[3..], stdout.as_bytes(), "the same CSV");
    let rows = records(&stdout);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (agent, first) = (column("agent"), column("first_response_s"));
    let mut agents: Vec<(&str, &str)> = rows[1..].iter().map(|r| (&r[agent], &r[first])).collect();
    agents.sort();
    assert_eq!(
        agents,
        [
            ("'-2+3", "20"),
            ("'=HYPERLINK(\"http://evil.example\",\"点我\")", "20"),
        ],
        "{stdout}"
    );
    // The JSON and the table are data, not spreadsheets: names as they are.
    let json = ok(&[
        "kpi", "--input", &input, "--by", "agent", "--format", "json",
    ]);
    assert!(
        json.contains("\"agent\": \"-2+3\"") || json.contains("\"agent\":\"-2+3\""),
        "{json}"
    );
}
