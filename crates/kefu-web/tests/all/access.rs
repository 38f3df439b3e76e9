//! Who sees what: every page and API endpoint × every role, on the real
//! server, on SQLite and PostgreSQL. Whatever a role may not see answers 404
//! (403 for a visible thing its role may not change), and no answer to a
//! client carries another client's data.

use crate::common;

use common::*;
use reqwest::StatusCode;

const ROLES: [&str; 6] = ["admin", "manager", "inspector", "lead", "agent", "client_a"];

fn enc(s: &str) -> String {
    kefu_web::auth::url_encode(s)
}

async fn matrix(backend: Backend) {
    let app = App::start(backend).await;
    let a1 = app.conv(STORE_A, "buyer_a1").await; // 小美's
    let a2 = app.conv(STORE_A, "buyer_a2").await; // 阿强's
    let b = app.conv(STORE_B, BUYER_B).await;
    let (a, bs) = (STORE_A, STORE_B);
    let (mei, qiang, jie) = (enc(AGENT_MEI), enc(AGENT_QIANG), enc(AGENT_JIE));
    // Expected status for admin, manager, inspector, lead, agent, client_a.
    let cases: Vec<(String, [u16; 6])> = vec![
        ("/".into(), [200, 200, 200, 200, 200, 200]),
        (format!("/stores/{a}"), [200, 200, 200, 200, 200, 200]),
        (format!("/stores/{bs}"), [200, 200, 200, 200, 200, 404]),
        ("/stores/nope".to_string(), [404, 404, 404, 404, 404, 404]),
        (
            format!("/stores/{a}/agents/{mei}"),
            [200, 200, 200, 200, 404, 200],
        ),
        (
            format!("/stores/{a}/agents/{qiang}"),
            [200, 200, 200, 404, 200, 200],
        ),
        (
            format!("/stores/{bs}/agents/{jie}"),
            [200, 200, 200, 404, 404, 404],
        ),
        (
            format!("/sessions?store={a}"),
            [200, 200, 200, 200, 200, 200],
        ),
        (
            format!("/sessions?store={bs}"),
            [200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/sessions?store={bs}&format=csv"),
            [200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/stores/{a}/conversations/{a1}"),
            [200, 200, 200, 200, 404, 200],
        ),
        (
            format!("/stores/{a}/conversations/{a2}"),
            [200, 200, 200, 404, 200, 200],
        ),
        (
            format!("/stores/{bs}/conversations/{b}"),
            [200, 200, 200, 404, 404, 404],
        ),
        (
            format!("/stores/{a}/conversations/{b}"),
            [404, 404, 404, 404, 404, 404],
        ),
        ("/import".into(), [200, 200, 403, 403, 403, 403]),
        (
            format!("/stores/{a}/settings"),
            [200, 200, 403, 403, 403, 403],
        ),
        (
            format!("/stores/{bs}/settings"),
            [200, 200, 403, 403, 403, 404],
        ),
        ("/admin/users".into(), [200, 403, 403, 403, 403, 403]),
        ("/?format=xlsx".into(), [200, 200, 200, 200, 200, 200]),
        (
            "/api/v1/kpi?by=store,agent".into(),
            [200, 200, 200, 200, 200, 200],
        ),
        (
            format!("/api/v1/kpi?store={bs}"),
            [200, 200, 200, 200, 200, 404],
        ),
        ("/api/v1/stores".into(), [200, 200, 200, 200, 200, 200]),
        (
            format!("/api/v1/stores/{bs}"),
            [200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/api/v1/agents?store={bs}"),
            [200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/api/v1/sessions?store={bs}"),
            [200, 200, 200, 200, 200, 404],
        ),
        (
            format!("/api/v1/stores/{bs}/conversations/{b}"),
            [200, 200, 200, 404, 404, 404],
        ),
        (
            format!("/api/v1/stores/{a}/conversations/{a2}"),
            [200, 200, 200, 404, 200, 200],
        ),
    ];
    let mut failures = Vec::new();
    for (i, role) in ROLES.iter().enumerate() {
        let s = app.login(role).await;
        for (path, want) in &cases {
            let r = app.get(path, Some(&s)).await;
            if r.status.as_u16() != want[i] {
                failures.push(format!(
                    "{role} GET {path}: {} (want {})",
                    r.status, want[i]
                ));
            }
            if *role == "client_a" {
                for secret in [SECRET_B, BUYER_B, AGENT_JIE, STORE_B, "999.00"] {
                    if r.body.contains(secret) {
                        failures.push(format!("client_a GET {path} shows {secret:?}"));
                    }
                }
            }
            if *role == "agent" && path.starts_with("/api/v1/kpi") && r.body.contains(AGENT_MEI) {
                failures.push(format!("agent GET {path} shows another agent's figures"));
            }
            if *role == "lead" && path.starts_with("/api/v1/kpi") && r.body.contains(AGENT_QIANG) {
                failures.push(format!("lead GET {path} shows an agent outside the team"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.stop().await;
}

/// Without a session, pages send to the login page and the API answers 401.
async fn anonymous(backend: Backend) {
    let app = App::start(backend).await;
    let r = app.get(&format!("/stores/{STORE_A}"), None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let to = r
        .headers
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(to.starts_with("/login?next=/stores/"), "{to}");
    let r = app.get("/api/v1/kpi", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.json()["error"].as_str().unwrap().contains("Bearer"));
    let r = app.get_token("/api/v1/kpi", "kefu_not-a-token").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/healthz", None).await.body, "ok");
    assert_eq!(
        app.get("/assets/app.css", None).await.status,
        StatusCode::OK
    );
    app.stop().await;
}

/// The figures a client gets are exactly their store's, from the same
/// engine as the CLI.
async fn client_figures_are_their_stores(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("client_a").await;
    let rows = app.get("/api/v1/kpi?by=store", Some(&s)).await.json();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["store"], STORE_A);
    assert_eq!(rows[0]["sessions"], 3);
    assert_eq!(rows[0]["sales"], "129.00");
    let stores = app.get("/api/v1/stores", Some(&s)).await.json();
    assert_eq!(stores.as_array().unwrap().len(), 1);
    let agents = app.get("/api/v1/agents", Some(&s)).await.json();
    assert!(
        agents
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["store"] == STORE_A)
    );
    app.stop().await;
}

on_both!(matrix, anonymous, client_figures_are_their_stores);
