//! Contracts and billing through the API of the real server, on SQLite and
//! PostgreSQL: a manager imports contracts and settles a month; a step the
//! facts refuse is a 409 with its reason; a client sees and confirms only
//! their own company's contracts, invoices and ledger (anything else 404);
//! an agent sees none (403).

use crate::common;

use common::*;
use reqwest::StatusCode;

fn file() -> String {
    let one = |id: &str, client: &str, store: &str, running: &str| {
        format!(
            "[[contract]]\nid = \"{id}\"\nclient = \"{client}\"\ntype = \"outsourcing\"\nstores = [\"{store}\"]\n\
             start = \"2026-10-01\"\nend = \"2027-09-30\"\n{running}\
             seats = [ {{ role = \"presale\", count = 1, from = \"2026-10-01\" }} ]\n\n\
             [[contract.charge]]\nkind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"3100.00\"\n\n"
        )
    };
    let running = "state = \"formal\"\nservice_start = \"2026-10-01\"\n";
    format!(
        "{}{}{}",
        one("C-A", "甲方A", STORE_A, running),
        one("C-B", "甲方B", STORE_B, running),
        one("C-DRAFT", "甲方A", "dy-new", "")
    )
}

async fn post(app: &App, path: &str, s: &Session, body: reqwest::Body, kind: &str) -> Reply {
    let rq = app
        .http
        .post(format!("{}{path}", app.base))
        .header("cookie", s.cookie_header())
        .header("x-csrf-token", &s.csrf)
        .header("content-type", kind)
        .body(body);
    Reply::of(rq.send().await.unwrap()).await
}

async fn post_json(app: &App, path: &str, s: &Session, v: serde_json::Value) -> Reply {
    post(app, path, s, v.to_string().into(), "application/json").await
}

async fn contracts_api(backend: Backend) {
    let app = App::start(backend).await;
    let manager = app.login("manager").await;
    let client_a = app.login("client_a").await;
    let agent = app.login("agent").await;

    let r = post(
        &app,
        "/api/v1/contracts",
        &manager,
        file().into(),
        "application/toml",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["created"].as_array().map(Vec::len), Some(3));
    let bad = post(
        &app,
        "/api/v1/contracts",
        &manager,
        file().replace("outsourcing", "outsource").into(),
        "application/toml",
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert!(bad.body.contains("contract C-A, type"), "{}", bad.body);

    // The draft cannot skip to live: 409 with the reason.
    let r = post_json(
        &app,
        "/api/v1/contracts/C-DRAFT/advance",
        &manager,
        serde_json::json!({"state": "live_trial", "on": "2026-10-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("the next step is signed") || r.body.contains("下一步是 signed"),
        "{}",
        r.body
    );

    let r = post_json(
        &app,
        "/api/v1/settlements",
        &manager,
        serde_json::json!({"month": "2026-10"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["drafted"].as_array().map(Vec::len), Some(2));
    let all = app
        .get("/api/v1/invoices?month=2026-10", Some(&manager))
        .await
        .json();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 2);
    // 31 seat-days × 3100.00 ÷ 31 = 3100.00.
    assert!(all.iter().all(|i| i["gross"] == "3100.00"));
    let number_of = |c: &str| {
        all.iter().find(|i| i["contract"] == c).unwrap()["number"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (own, other) = (number_of("C-A"), number_of("C-B"));

    let mine = app.get("/api/v1/contracts", Some(&client_a)).await.json();
    let ids: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["C-A", "C-DRAFT"]);
    for path in [
        "/api/v1/contracts/C-B".to_string(),
        format!("/api/v1/invoices/{other}"),
        "/api/v1/ledgers/%E7%94%B2%E6%96%B9B".into(),
        "/api/v1/invoices?client=%E7%94%B2%E6%96%B9B".into(),
    ] {
        let r = app.get(&path, Some(&client_a)).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "client A {path}: {}",
            r.body
        );
    }
    let seen = app.get("/api/v1/invoices", Some(&client_a)).await.json();
    assert_eq!(seen.as_array().map(Vec::len), Some(1));
    let r = post_json(
        &app,
        &format!("/api/v1/invoices/{other}/confirmation"),
        &client_a,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = post_json(
        &app,
        &format!("/api/v1/invoices/{own}/confirmation"),
        &client_a,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["confirmed_by"], "client_a");
    let r = post_json(
        &app,
        &format!("/api/v1/invoices/{own}/issue"),
        &client_a,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_json(
        &app,
        &format!("/api/v1/invoices/{own}/issue"),
        &manager,
        serde_json::json!({"on": "2026-11-01"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["status"].as_str()),
        (StatusCode::OK, Some("issued"))
    );
    let ledger = app
        .get("/api/v1/ledgers/%E7%94%B2%E6%96%B9A", Some(&client_a))
        .await;
    assert_eq!(ledger.status, StatusCode::OK, "{}", ledger.body);
    assert_eq!(ledger.json()["balance"], "3100.00");
    assert_eq!(
        app.get("/api/v1/contracts", Some(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_api_on_sqlite() {
    contracts_api(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_api_on_postgres() {
    contracts_api(Backend::Postgres).await;
}
