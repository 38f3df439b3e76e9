//! `kefu contract`, `agent`, `settle`, `invoice`, `ledger` and `report` end to end
//! with the real binary, on SQLite and PostgreSQL: the command names and
//! flags of issue 11 (scripts call them), a store walked from draft to
//! formal, a month settled into an invoice that is issued and corrected,
//! the ledger in JSON and XLSX, and refusals that say why.

use crate::common;

use common::{PgDb, kefu, ok, path, tmp};
use serde_json::Value;

const FILE: &str = r#"
[[client]]
name = "ACME"
stores = ["dy-1"]

[[contract]]
id = "C-1"
client = "ACME"
type = "dispatch"
stores = ["dy-1"]
start = "2026-10-01"
end = "2027-09-30"
annual_base_fee = "24000.00"
deposit = { amount = "10000.00", kind = "earnest" }
seats = [ { role = "presale", count = 2, from = "2026-10-01" } ]

[[contract.charge]]
kind = "seat"
role = "presale"
monthly_price = "4650.00"
"#;

fn run(db: &str, args: &[&str]) -> String {
    let mut v = vec!["--db", db, "--lang", "en"];
    v.extend_from_slice(args);
    ok(&v)
}

fn json(db: &str, args: &[&str]) -> Value {
    let text = run(db, args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"))
}

fn refused(db: &str, args: &[&str], says: &str) {
    let mut v = vec!["--db", db, "--lang", "en"];
    v.extend_from_slice(args);
    let out = kefu(&v);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(err.contains(says), "{args:?}: {err}");
}

fn contract_commands(db: &str, dir: &std::path::Path) {
    let file = path(dir, "contracts.toml");
    std::fs::write(&file, FILE).unwrap();
    run(db, &["contract", "import", &file]);
    let c = json(db, &["contract", "show", "C-1", "--format", "json"]);
    assert_eq!(c["state"], "draft");
    assert_eq!(c["type"], "dispatch");
    // The export imports again to the same terms: nothing changes.
    let exported = run(db, &["contract", "export", "C-1"]);
    let again = path(dir, "again.toml");
    std::fs::write(&again, &exported).unwrap();
    assert!(run(db, &["contract", "import", &again]).contains("1 unchanged"));

    run(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "signed",
            "--on",
            "2026-09-01",
            "--reason",
            "签约",
        ],
    );
    refused(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "base_fee_paid",
            "--on",
            "2026-09-02",
        ],
        "the annual base fee is not paid",
    );
    assert_eq!(
        json(db, &["contract", "show", "C-1", "--format", "json"])["state"],
        "signed"
    );
    run(
        db,
        &[
            "ledger",
            "record",
            "ACME",
            "--kind",
            "payment",
            "--amount",
            "24000.00",
            "--on",
            "2026-09-02",
            "--contract",
            "C-1",
        ],
    );
    run(
        db,
        &[
            "ledger",
            "record",
            "ACME",
            "--kind",
            "deposit_received",
            "--amount",
            "10000.00",
            "--on",
            "2026-09-02",
            "--contract",
            "C-1",
        ],
    );
    run(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "base_fee_paid",
            "--on",
            "2026-09-02",
        ],
    );
    run(
        db,
        &[
            "agent",
            "assign",
            "--store",
            "dy-1",
            "--agent",
            "张三",
            "--account",
            "dy-1:小张",
        ],
    );
    run(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "training",
            "--on",
            "2026-09-03",
        ],
    );
    run(
        db,
        &[
            "agent",
            "training",
            "--store",
            "dy-1",
            "--agent",
            "张三",
            "--on",
            "2026-09-04",
        ],
    );
    run(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "assessment",
            "--on",
            "2026-09-05",
        ],
    );
    run(
        db,
        &[
            "agent",
            "assess",
            "--store",
            "dy-1",
            "--agent",
            "张三",
            "--on",
            "2026-09-06",
            "--score",
            "91",
        ],
    );
    run(
        db,
        &[
            "contract",
            "advance",
            "C-1",
            "live_trial",
            "--on",
            "2026-10-01",
        ],
    );
    run(
        db,
        &["contract", "advance", "C-1", "formal", "--on", "2026-11-01"],
    );
    assert_eq!(
        json(db, &["contract", "show", "C-1", "--format", "json"])["state"],
        "formal"
    );

    run(db, &["settle", "--month", "2026-10"]);
    run(db, &["settle", "--month", "2026-10"]);
    let invoices = json(
        db,
        &["invoice", "list", "--month", "2026-10", "--format", "json"],
    );
    let invoices = invoices.as_array().unwrap();
    assert_eq!(invoices.len(), 1, "settling twice makes one invoice");
    let inv = &invoices[0];
    // 2 seats × 31 days = 62 seat-days × 4650.00 ÷ 31 = 9300.00; tax
    // inside at 6 %: 9300.00 × 0.06 ÷ 1.06 = 526.415… → 526.42.
    assert_eq!(
        (
            inv["gross"].as_str(),
            inv["tax"].as_str(),
            inv["status"].as_str()
        ),
        (Some("9300.00"), Some("526.42"), Some("draft"))
    );
    assert_eq!(inv["lines"][0]["quantity"], 62);
    assert_eq!(inv["contract_type_zh"], "劳务派遣");
    let number = inv["number"].as_str().unwrap().to_string();
    run(db, &["invoice", "issue", &number, "--on", "2026-11-01"]);
    refused(db, &["invoice", "issue", &number], "already issued");
    run(
        db,
        &[
            "invoice", "note", &number, "--credit", "100.00", "--reason", "少计",
        ],
    );
    refused(
        db,
        &["invoice", "note", &number, "--reason", "x"],
        "--credit or --debit",
    );
    let ledger = json(db, &["ledger", "show", "ACME", "--format", "json"]);
    // Base fee 24000 − payment 24000 + invoice 9300 − credit 100 = 9200.00;
    // the earnest held.
    assert_eq!(
        (ledger["balance"].as_str(), ledger["held"].as_str()),
        (Some("9200.00"), Some("10000.00"))
    );
    let xlsx = path(dir, "ledger.xlsx");
    run(
        db,
        &["ledger", "show", "ACME", "--format", "xlsx", "--out", &xlsx],
    );
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);

    // The monthly service report: the default targets (the file names
    // none), no data for dy-1 yet, the month's invoice.
    let r = json(
        db,
        &[
            "report", "monthly", "--store", "dy-1", "--month", "2026-10", "--format", "json",
        ],
    );
    assert_eq!(r["contract"], "C-1");
    assert_eq!(r["targets"][0]["target"], "≤ 20");
    assert_eq!(r["targets"][0]["measured"], Value::Null);
    assert_eq!(r["invoices"][0]["number"], number.as_str());
    let book = path(dir, "report.xlsx");
    run(
        db,
        &[
            "report", "monthly", "--store", "dy-1", "--month", "2026-10", "--format", "xlsx",
            "--out", &book,
        ],
    );
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
    refused(
        db,
        &["report", "monthly", "--store", "nope", "--month", "2026-10"],
        "not found",
    );
    refused(
        db,
        &[
            "contract", "declare", "C-1", "--month", "2026-10", "--sales", "1.00",
        ],
        "nothing to declare",
    );

    run(
        db,
        &[
            "contract",
            "notice",
            "C-1",
            "--on",
            "2027-01-10",
            "--by",
            "client",
            "--reason",
            "不再续约",
        ],
    );
    let c = json(db, &["contract", "show", "C-1", "--format", "json"]);
    assert_eq!(
        (c["state"].as_str(), c["last_served"].as_str()),
        (Some("ending"), Some("2027-02-09"))
    );
    refused(
        db,
        &[
            "contract",
            "end",
            "C-9",
            "--on",
            "2027-01-10",
            "--reason",
            "x",
        ],
        "not found",
    );
    refused(db, &["settle", "--month", "2099-01"], "has not ended");
    refused(
        db,
        &[
            "ledger",
            "record",
            "ACME",
            "--kind",
            "invoice",
            "--amount",
            "1",
            "--on",
            "2026-09-02",
        ],
        "payment or deposit_received",
    );
}

#[test]
fn contract_commands_on_sqlite() {
    let dir = tmp();
    contract_commands(&path(dir.path(), "kefu.db"), dir.path());
}

#[test]
fn contract_commands_on_postgres() {
    let dir = tmp();
    let db = PgDb::new("contract_commands");
    contract_commands(&db.url, dir.path());
}
