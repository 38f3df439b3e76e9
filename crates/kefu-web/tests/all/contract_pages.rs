//! The contract, invoice, ledger and monthly-report pages of the real
//! server, on SQLite and PostgreSQL: a manager imports contracts and walks
//! one through its steps with the pages' forms (a refused step shows its
//! reasons and changes nothing), settles a month; a client reads and
//! confirms only their own company's, every other page of another client
//! is 404; the overview's cards use each contract's targets; an agent has
//! no such pages.

use crate::common;

use common::*;
use reqwest::StatusCode;

const A: &str = "%E7%94%B2%E6%96%B9A";
const B: &str = "%E7%94%B2%E6%96%B9B";

fn file() -> String {
    let one = |id: &str, client: &str, store: &str, extra: &str| {
        format!(
            "[[contract]]\nid = \"{id}\"\nclient = \"{client}\"\ntype = \"outsourcing\"\nstores = [\"{store}\"]\n\
             start = \"2026-10-01\"\nend = \"2027-09-30\"\n{extra}\
             seats = [ {{ role = \"presale\", count = 1, from = \"2026-10-01\" }} ]\n\n\
             [[contract.charge]]\nkind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"3000.00\"\n\n"
        )
    };
    let running = "state = \"formal\"\nservice_start = \"2026-10-01\"\n";
    let strict = format!("{running}targets = {{ first_response_s = 10, reply_rate = 0.5 }}\n");
    format!(
        "{}{}{}",
        one("C-A", "甲方A", STORE_A, &strict),
        one("C-B", "甲方B", STORE_B, running),
        one("C-DRAFT", "甲方A", "dy-new", "")
    )
}

fn location(r: &Reply) -> String {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn form(app: &App, path: &str, s: &Session, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, s, &all).await
}

async fn pages(backend: Backend) {
    let app = App::start(backend).await;
    let manager = app.login("manager").await;
    let client_a = app.login("client_a").await;
    let agent = app.login("agent").await;

    // A file that does not read is shown again with where and why.
    let text = file();
    let bad = form(
        &app,
        "/contracts/import",
        &manager,
        &[("text", &text.replace("3000.00", "3千"))],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(
        bad.body.contains("C-A") && bad.body.contains("monthly_price"),
        "{}",
        bad.body
    );
    assert!(app.get("/api/v1/contracts", Some(&manager)).await.body == "[]");
    let r = form(&app, "/contracts/import", &manager, &[("text", &text)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = app.get("/contracts", Some(&manager)).await;
    assert_eq!(list.status, StatusCode::OK);
    for id in ["C-A", "C-B", "C-DRAFT"] {
        assert!(
            list.body.contains(&format!("data-contract=\"{id}\"")),
            "{id}"
        );
    }
    assert!(
        list.body.contains("id=\"import-contract\"") && list.body.contains("id=\"settle-form\"")
    );

    // A step its facts refuse: 409, its reason, the state unchanged.
    let r = form(
        &app,
        "/contracts/C-DRAFT/advance",
        &manager,
        &[("state", "live_trial"), ("on", "2026-10-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("id=\"step-error\"") && r.body.contains("signed"),
        "{}",
        r.body
    );
    assert!(r.body.contains("data-state=\"draft\""));
    let r = form(
        &app,
        "/contracts/C-DRAFT/advance",
        &manager,
        &[
            ("state", "signed"),
            ("on", "2026-10-01"),
            ("reason", "签约"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&location(&r), Some(&manager)).await;
    assert!(page.body.contains("data-state=\"signed\""), "{}", page.body);
    // What the next step lacks: the base fee.
    assert!(page.body.contains("id=\"missing\""), "{}", page.body);
    // An agent assigned through the form shows in the agents table.
    let r = form(
        &app,
        "/contracts/C-DRAFT/agents",
        &manager,
        &[
            ("what", "assign"),
            ("store", "dy-new"),
            ("agent", "小王"),
            ("account", "dy-new:小王"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = form(
        &app,
        "/contracts/C-DRAFT/agents",
        &manager,
        &[
            ("what", "assess"),
            ("store", "dy-new"),
            ("agent", "小王"),
            ("score", "九十"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("score"), "{}", r.body);
    assert!(
        app.get("/contracts/C-DRAFT", Some(&manager))
            .await
            .body
            .contains("dy-new:小王")
    );
    let print = app.get("/contracts/C-A/print", Some(&manager)).await;
    assert!(print.body.contains("id=\"contract-summary\"") && print.body.contains("劳务外包"));
    let toml = app.get("/contracts/C-A/toml", Some(&manager)).await;
    assert!(toml.body.contains("id = \"C-A\""), "{}", toml.body);

    // Settling from the page, then the invoices the client sees.
    let r = form(&app, "/contracts/settle", &manager, &[("month", "2026-11")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(location(&r).starts_with("/invoices?month=2026-11"));
    let all = app
        .get("/api/v1/invoices?month=2026-11", Some(&manager))
        .await
        .json();
    let number_of = |c: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|i| i["contract"] == c)
            .unwrap()["number"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (own, other) = (number_of("C-A"), number_of("C-B"));
    let mine = app.get("/invoices", Some(&client_a)).await;
    assert!(
        mine.body.contains(&own) && !mine.body.contains(&other),
        "{}",
        mine.body
    );
    let xlsx = app.get("/invoices?format=xlsx", Some(&client_a)).await;
    assert!(xlsx.bytes.starts_with(b"PK"));
    for path in [
        "/contracts/C-B".to_string(),
        "/contracts/C-B/print".into(),
        "/contracts/C-B/toml".into(),
        format!("/invoices/{other}"),
        format!("/ledger/{B}"),
        format!("/ledger/{B}?format=xlsx"),
        format!("/reports/monthly?store={STORE_B}&month=2026-11"),
        format!("/api/v1/reports/monthly?store={STORE_B}&month=2026-11"),
    ] {
        let r = app.get(&path, Some(&client_a)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "client A {path}: {}",
            r.body
        );
        assert!(
            !r.body.contains("C-B") && !r.body.contains("甲方B"),
            "{path}"
        );
    }
    let r = form(&app, &format!("/invoices/{other}/confirm"), &client_a, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let page = app.get(&format!("/invoices/{own}"), Some(&client_a)).await;
    assert!(page.body.contains("id=\"confirm-form\"") && !page.body.contains("id=\"issue-form\""));
    let r = form(
        &app,
        &format!("/invoices/{own}/dispute"),
        &client_a,
        &[("line", "0"), ("reason", "")],
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "an empty reason is refused: {}",
        r.body
    );
    let r = form(&app, &format!("/invoices/{own}/confirm"), &client_a, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/invoices/{own}"), Some(&manager)).await;
    assert!(between(&page.body, "id=\"confirmation\">", "</dd>").contains("client_a"));
    assert!(page.body.contains("id=\"issue-form\""));
    let r = form(
        &app,
        &format!("/invoices/{own}/issue"),
        &manager,
        &[("on", "2026-12-01")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ledger = app.get(&format!("/ledger/{A}"), Some(&client_a)).await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(
        between(&ledger.body, "id=\"balance\">", "</div>").contains("3000.00"),
        "{}",
        ledger.body
    );
    assert!(!ledger.body.contains("id=\"record-form\""));
    assert!(
        app.get(&format!("/ledger/{A}?format=xlsx"), Some(&client_a))
            .await
            .bytes
            .starts_with(b"PK")
    );
    let index = app.get("/ledger", Some(&manager)).await;
    let rows = between(&index.body, "id=\"ledger-clients\"", "</table>");
    assert!(
        rows.contains("甲方A") && rows.contains("甲方B") && rows.contains("C-DRAFT"),
        "{rows}"
    );
    let r = app.get("/ledger", Some(&client_a)).await;
    assert_eq!(location(&r), format!("/ledger/{A}"));
    let r = form(
        &app,
        &format!("/ledger/{A}"),
        &manager,
        &[("kind", "payment"), ("amount", "-5"), ("on", "2026-12-02")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let r = form(
        &app,
        &format!("/ledger/{A}"),
        &manager,
        &[
            ("kind", "payment"),
            ("amount", "3000.00"),
            ("on", "2026-12-02"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let ledger = app.get(&format!("/ledger/{A}"), Some(&manager)).await;
    assert!(between(&ledger.body, "id=\"balance\">", "</div>").contains("0.00"));

    // The monthly report: the contract's targets against the month.
    let r = app
        .get(
            &format!("/reports/monthly?store={STORE_A}&month=2026-11"),
            Some(&client_a),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let targets = between(&r.body, "id=\"report-targets\"", "</table>");
    assert!(
        targets.contains("≤ 10") && targets.contains("≥ 0.5"),
        "{targets}"
    );
    assert!(r.body.contains(&own), "the month's invoice");
    let api = app
        .get(
            &format!("/api/v1/reports/monthly?store={STORE_A}&month=2026-11"),
            Some(&client_a),
        )
        .await
        .json();
    assert_eq!(api["contract"], "C-A");
    assert_eq!(api["targets"][0]["figure"], "first_response_s");
    assert!(api["targets"][0]["measured"].is_number(), "{api}");
    let book = app
        .get(
            &format!("/reports/monthly?store={STORE_A}&month=2026-11&format=xlsx"),
            Some(&client_a),
        )
        .await;
    assert!(book.bytes.starts_with(b"PK"));
    assert!(
        book.body.contains("xl/worksheets/sheet3.xml"),
        "three sheets"
    );

    // The overview's cards: the two contracts' first-response targets
    // differ, so each store is checked against its own; the store page
    // shows its contract's target and where the contract stands.
    let overview = app
        .get("/?from=2026-11-01&to=2026-11-30", Some(&manager))
        .await;
    let card = between(
        &overview.body,
        "data-figure=\"first_response_s\"",
        "</div></div>",
    );
    assert!(card.contains("/2"), "{card}");
    let store = app
        .get(
            &format!("/stores/{STORE_A}?from=2026-11-01&to=2026-11-30"),
            Some(&manager),
        )
        .await;
    let card = between(
        &store.body,
        "data-figure=\"first_response_s\"",
        "</div></div>",
    );
    assert!(card.contains("≤ 10"), "{card}");
    assert!(store.body.contains("id=\"store-contract\""));

    // A change starts from the latest terms as a new version; history stays.
    let page = app.get("/contracts?change=C-A", Some(&manager)).await;
    let text = between(
        &page.body,
        "<textarea name=\"text\" rows=\"22\" spellcheck=\"false\">",
        "</textarea>",
    );
    let text = text
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    assert!(text.contains("id = \"C-A\""), "{text}");
    let today = kefu_app::contracts::today().to_string();
    assert!(
        text.contains(&format!("version_from = \"{today}\"")),
        "{text}"
    );
    let changed = text.replace("3000.00", "3300.00");
    let r = form(&app, "/contracts/import", &manager, &[("text", &changed)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = app
        .get("/api/v1/contracts/C-A", Some(&manager))
        .await
        .json();
    assert_eq!(c["versions"].as_array().map(Vec::len), Some(2), "{c}");

    // An agent has none of it.
    assert_eq!(
        app.get("/contracts", Some(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
    let home = app.get("/", Some(&agent)).await;
    assert!(!home.body.contains("href=\"/contracts\""));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_pages_on_sqlite() {
    pages(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_pages_on_postgres() {
    pages(Backend::Postgres).await;
}
