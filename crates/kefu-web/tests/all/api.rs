//! The REST API and the import page on the real server, on SQLite and
//! PostgreSQL: ingestion with the CLI's validation, tokens, the OpenAPI
//! document, exports.

use crate::common;

use common::*;
use kefu_access::secret;
use kefu_db::accounts::ApiToken;
use kefu_domain::Role;
use reqwest::StatusCode;
use serde_json::json;

async fn token(app: &App, owner: &str, role: Role, stores: &[&str]) -> (i64, String) {
    let user = app.db.user_by_name(owner).await.unwrap().unwrap();
    let value = secret::generate("kefu_").unwrap();
    let id = app
        .db
        .create_token(&ApiToken {
            id: 0,
            name: format!("{owner}-test"),
            token_hash: secret::digest(&value),
            user_id: user.id,
            role,
            stores: stores.iter().map(|s| s.to_string()).collect(),
            created_ms: 0,
            revoked_ms: None,
        })
        .await
        .unwrap();
    (id, value)
}

async fn post_json(app: &App, path: &str, token: &str, body: &serde_json::Value) -> Reply {
    let r = app
        .http
        .post(format!("{}{path}", app.base))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    Reply::of(r).await
}

fn message(id: &str, sent_at: &str) -> serde_json::Value {
    json!({"store": "jd-new", "message_id": id, "buyer": "jd_buyer", "sender": "buyer", "sent_at": sent_at, "content": "你好"})
}

/// JSON batches: all or nothing, the field and reason of each bad record,
/// idempotent by id, 413 past the limits, only for roles that import.
async fn ingestion(backend: Backend) {
    let config = kefu_web::Config {
        batch_limit: 3,
        upload_limit: 4096,
        ..kefu_web::Config::default()
    };
    let app = App::start_with(backend, config).await;
    let (_, t) = token(&app, "manager", Role::Manager, &[]).await;
    let bad = json!([
        message("n1", "2026-11-06 10:00:00"),
        message("n2", "yesterday")
    ]);
    let r = post_json(&app, "/api/v1/messages", &t, &bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let j = r.json();
    assert_eq!(j["errors"][0]["index"], 1);
    assert_eq!(j["errors"][0]["field"], "sent_at");
    assert!(
        j["error"]
            .as_str()
            .unwrap()
            .contains("nothing was imported")
    );
    assert!(
        app.db.store("jd-new").await.unwrap().is_none(),
        "nothing imported"
    );
    let r = post_json(&app, "/api/v1/orders", &t, &json!([{"store": "jd-new", "order_id": "x", "buyer": "b", "created_at": "2026-11-06 10:00:00", "amount": -1}])).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["errors"][0]["field"], "amount");
    let good = json!([
        message("n1", "2026-11-06 10:00:00"),
        {"store": "jd-new", "message_id": "n2", "buyer": "jd_buyer", "sender": "agent", "agent": "jd-new:小李", "sent_at": "2026-11-06 10:00:40", "content": "在的"}
    ]);
    let r = post_json(&app, "/api/v1/messages", &t, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["imported"], 2);
    let r = post_json(&app, "/api/v1/messages", &t, &good).await;
    assert_eq!(r.json()["imported"], 0);
    assert_eq!(r.json()["unchanged"], 2, "re-sending changes nothing");
    let kpi = app.get_token("/api/v1/kpi?store=jd-new", &t).await.json();
    assert_eq!(kpi[0]["sessions"], 1);
    assert_eq!(kpi[0]["first_response_s"], 40.0);
    let four = json!([
        message("m1", "2026-11-06 11:00:00"),
        message("m2", "2026-11-06 11:00:01"),
        message("m3", "2026-11-06 11:00:02"),
        message("m4", "2026-11-06 11:00:03")
    ]);
    let r = post_json(&app, "/api/v1/messages", &t, &four).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("at most 3"));
    let big: Vec<_> = (0..3).map(|i| json!({"store": "jd-new", "message_id": format!("big{i}"), "buyer": "b", "sender": "buyer", "sent_at": "2026-11-06 12:00:00", "content": "长".repeat(800)})).collect();
    let r = post_json(&app, "/api/v1/messages", &t, &json!(big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    let r = app
        .http
        .post(format!("{}/api/v1/ratings", app.base))
        .bearer_auth(&t)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    // Roles that do not import are refused.
    let (_, ti) = token(&app, "inspector", Role::Inspector, &[]).await;
    let r = post_json(&app, "/api/v1/messages", &ti, &good).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

/// A token acts with its role and stores, never above its owner, and stops
/// working when revoked.
async fn tokens(backend: Backend) {
    let app = App::start(backend).await;
    let (id, t) = token(&app, "admin", Role::Manager, &[STORE_B]).await;
    let stores = app.get_token("/api/v1/stores", &t).await.json();
    assert_eq!(stores.as_array().unwrap().len(), 1);
    assert_eq!(stores[0]["code"], STORE_B);
    assert_eq!(
        app.get_token(&format!("/api/v1/stores/{STORE_A}"), &t)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let (_, tc) = token(&app, "client_a", Role::Admin, &[]).await;
    let rows = app.get_token("/api/v1/kpi", &tc).await.json();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(
        rows[0]["store"], STORE_A,
        "a client's token sees the client's stores only"
    );
    assert_eq!(
        app.get_token("/admin/users", &tc).await.status,
        StatusCode::FORBIDDEN
    );
    app.db.revoke_token(id, 1).await.unwrap();
    assert_eq!(
        app.get_token("/api/v1/stores", &t).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

/// The OpenAPI document describes the endpoints.
async fn openapi(backend: Backend) {
    let app = App::start(backend).await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    for p in [
        "/kpi",
        "/stores",
        "/sessions",
        "/messages",
        "/orders",
        "/ratings",
        "/stores/{store}/conversations/{conversation}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p}");
    }
    app.stop().await;
}

/// Every route of the API router is in the generated document with its
/// method, and answers on the real server (401 without a token: it is
/// routed, not the router's 404).
async fn every_route_documented(backend: Backend) {
    let app = App::start(backend).await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let routes = kefu_web::api::routes();
    assert!(routes.list().len() >= 10, "{:?}", routes.list());
    for (method, path) in routes.list() {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not in the document"
        );
        let url = format!(
            "{}/api/v1{}",
            app.base,
            path.replace('{', "x").replace('}', "")
        );
        let r = match *method {
            "get" => app.http.get(url),
            "post" => app.http.post(url),
            "put" => app.http.put(url),
            other => panic!("a method the test does not know: {other}"),
        };
        let status = r.send().await.unwrap().status();
        let want = if *path == "/openapi.json" {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(status, want, "{method} {path}");
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        routes.list().len(),
        "nothing documented that is not routed"
    );
    app.stop().await;
}

/// Tables export to CSV (with a BOM for Excel) and XLSX with the page's
/// filters.
async fn exports(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let r = app
        .get("/?from=2026-11-01&to=2026-11-30&format=csv", Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(r.body.contains("店铺") && r.body.contains(STORE_A) && r.body.contains(STORE_B));
    assert!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("stores-2026-11-01-2026-11-30.csv")
    );
    let r = app
        .get("/?from=2026-11-04&to=2026-11-04&format=csv", Some(&s))
        .await;
    assert!(
        r.body.contains(STORE_A) && !r.body.contains(STORE_B),
        "the period applies: {}",
        r.body
    );
    let r = app
        .get(&format!("/stores/{STORE_A}?format=xlsx"), Some(&s))
        .await;
    assert!(r.bytes.starts_with(b"PK"), "an XLSX file");
    let r = app
        .get(
            &format!("/sessions?store={STORE_A}&kind=unanswered&format=csv"),
            Some(&s),
        )
        .await;
    assert_eq!(
        r.body.lines().count(),
        2,
        "header and the one unanswered session: {}",
        r.body
    );
    let conv = app.conv(STORE_A, "buyer_a1").await;
    let r = app
        .get(
            &format!("/stores/{STORE_A}/conversations/{conv}?format=csv"),
            Some(&s),
        )
        .await;
    assert_eq!(
        r.body.lines().count(),
        5,
        "header and four messages: {}",
        r.body
    );
    assert!(
        r.body.contains("亲，在的") && r.body.contains(",30,"),
        "the reply after 30 s: {}",
        r.body
    );
    let r = app
        .get(
            &format!("/stores/{STORE_A}/conversations/{conv}?format=xlsx"),
            Some(&s),
        )
        .await;
    assert!(r.bytes.starts_with(b"PK"));
    let admin = app.login("admin").await;
    let r = app.get("/admin/users?format=csv", Some(&admin)).await;
    assert_eq!(
        r.body.lines().count(),
        8,
        "header and seven users: {}",
        r.body
    );
    assert!(
        r.body.contains("client_a,client_a,甲方,甲方A"),
        "{}",
        r.body
    );
    assert_eq!(
        app.get("/admin/users?format=csv", Some(&s)).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.get("/?format=pdf", Some(&s)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.get("/?from=2026-13-01", Some(&s)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    app.stop().await;
}

async fn upload(app: &App, s: &Session, name: &str, kind: &str, body: &str) -> Reply {
    let form = reqwest::multipart::Form::new()
        .text("csrf", s.csrf.clone())
        .text("kind", kind.to_string())
        .part(
            "file",
            reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_string()),
        );
    let r = app
        .http
        .post(format!("{}/import", app.base))
        .header("cookie", s.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    Reply::of(r).await
}

/// The import page: a file with a bad line imports nothing and says where;
/// a good one is imported and counted.
async fn import_page(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let bad = "store,message_id,buyer,sender,agent,sent_at,content\npdd-9,p1,x,buyer,,2026-11-07 10:00:00,在吗\npdd-9,p2,x,agent,pdd-9:小王,2026-11-07 25:00:00,在\n";
    let r = upload(&app, &s, "聊天记录.csv", "messages", bad).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(
        r.body.contains("聊天记录.csv line 3, field `sent_at`"),
        "{}",
        r.body
    );
    assert!(r.body.contains("未导入任何记录"));
    assert!(
        app.db.store("pdd-9").await.unwrap().is_none(),
        "nothing imported"
    );
    let good = bad.replace("25:00:00", "10:00:30");
    let r = upload(&app, &s, "聊天记录.csv", "messages", &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("id=\"import-done\""), "{}", r.body);
    assert!(app.db.store("pdd-9").await.unwrap().is_some());
    let page = app.get("/", Some(&s)).await.body;
    assert!(
        page.contains("pdd-9"),
        "the overview shows the new store at once"
    );
    let r = upload(&app, &s, "x.csv", "invoices", &good).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let client = app.login("client_a").await;
    assert_eq!(
        upload(&app, &client, "x.csv", "messages", &good)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    app.stop().await;
}

/// Batches sent at the same time are all stored: the server takes them one
/// at a time instead of letting SQLite refuse the second writer.
async fn concurrent_ingestion(backend: Backend) {
    let app = App::start(backend).await;
    let (_, t) = token(&app, "manager", Role::Manager, &[]).await;
    let batch = |client: usize, batch: usize| -> serde_json::Value {
        (0..300)
            .map(|i| {
                let buyer = format!("c{client}b{batch}-{}", i / 3);
                let sent_at = format!("2026-11-07 10:{:02}:{:02}", i / 60, i % 60);
                json!({"store": format!("jd-c{client}"), "message_id": format!("b{batch}-{i}"),
                       "buyer": buyer, "sender": "buyer", "sent_at": sent_at, "content": "在吗"})
            })
            .collect()
    };
    let mut sends = tokio::task::JoinSet::new();
    for c in 0..6 {
        let (http, base, t) = (app.http.clone(), app.base.clone(), t.clone());
        let batches: Vec<_> = (0..3).map(|b| batch(c, b)).collect();
        sends.spawn(async move {
            let mut replies = Vec::new();
            for b in &batches {
                let r = http
                    .post(format!("{base}/api/v1/messages"))
                    .bearer_auth(&t)
                    .json(b)
                    .send()
                    .await
                    .unwrap();
                replies.push((r.status(), r.text().await.unwrap()));
            }
            replies
        });
    }
    for (status, body) in sends.join_all().await.into_iter().flatten() {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for c in 0..6 {
        let kpi = app
            .get_token(&format!("/api/v1/kpi?store=jd-c{c}"), &t)
            .await
            .json();
        assert_eq!(kpi[0]["consult_buyers"], 300, "store jd-c{c}: {kpi}");
    }
    app.stop().await;
}

on_both!(
    ingestion,
    tokens,
    openapi,
    every_route_documented,
    exports,
    import_page,
    concurrent_ingestion
);
