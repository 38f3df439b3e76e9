//! Quality inspection on the real server, on SQLite and PostgreSQL: the QA
//! pages by role, each role's findings through the API, the review, appeal
//! and decision forms, and a client who sees a reviewed session of their
//! store in no page, API answer or export with the inspector's internal
//! comment.

use crate::common;

use common::*;
use reqwest::StatusCode;

const COMMENT: &str = "内部复核意见：回复太慢";
const DECISION: &str = "裁决理由：内部";

async fn qa_workflow_and_access(backend: Backend) {
    let app = App::start(backend).await;
    let inspector = app.login("inspector").await;
    let manager = app.login("manager").await;
    let agent = app.login("agent").await;
    let lead = app.login("lead").await;
    let client_a = app.login("client_a").await;
    let client_b = app.login("client_b").await;

    for (who, s, path, want) in [
        ("inspector", &inspector, "/qa", StatusCode::OK),
        ("inspector", &inspector, "/qa/queue", StatusCode::OK),
        ("inspector", &inspector, "/qa/rules", StatusCode::OK),
        ("agent", &agent, "/qa", StatusCode::OK),
        ("agent", &agent, "/qa/findings", StatusCode::OK),
        ("agent", &agent, "/qa/queue", StatusCode::FORBIDDEN),
        ("agent", &agent, "/qa/rules", StatusCode::FORBIDDEN),
        ("client", &client_a, "/qa", StatusCode::OK),
        ("client", &client_a, "/qa/appeals", StatusCode::OK),
        ("client", &client_a, "/qa/rules", StatusCode::FORBIDDEN),
        (
            "client",
            &client_a,
            "/qa/findings?store=tm-b",
            StatusCode::NOT_FOUND,
        ),
        (
            "client",
            &client_a,
            "/api/v1/qa/findings?store=tm-b",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = app.get(path, Some(s)).await;
        assert_eq!(r.status, want, "{who} {path}: {}", r.body);
    }
    let page = app.get("/qa/findings", Some(&client_a)).await;
    assert!(
        !page.body.contains(BUYER_B),
        "client A sees no store B finding"
    );

    // Each role's findings through the API.
    let all = app
        .get("/api/v1/qa/findings", Some(&inspector))
        .await
        .json();
    let all = all.as_array().expect("findings");
    assert!(all.iter().any(|f| f["store"] == STORE_B));
    let mine = app.get("/api/v1/qa/findings", Some(&agent)).await.json();
    let mine = mine.as_array().expect("findings");
    assert!(
        !mine.is_empty() && mine.iter().all(|f| f["agent"] == AGENT_QIANG),
        "{mine:?}"
    );
    let scores = app
        .get("/api/v1/qa/scores?by=store", Some(&client_a))
        .await
        .json();
    assert!(
        scores
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["store"] == STORE_A)
    );

    // The inspector reviews buyer_a1's session (小美's slow reply).
    let slow = all
        .iter()
        .find(|f| f["buyer"] == "buyer_a1" && f["rule"] == "slow")
        .expect("the slow reply of buyer_a1");
    let session = format!(
        "/qa/sessions/{}/{}",
        slow["conversation"], slow["session_start_ms"]
    );
    let r = app
        .post_form(
            &format!("{session}/review"),
            &agent,
            &[("csrf", agent.csrf.as_str()), ("comment", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an agent cannot review");
    let r = app
        .post_form(
            &format!("{session}/review"),
            &inspector,
            &[
                ("csrf", inspector.csrf.as_str()),
                ("failed_courtesy", "on"),
                ("comment", COMMENT),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        app.get(&session, Some(&inspector))
            .await
            .body
            .contains(COMMENT)
    );

    // The agent 阿强 is not 小美: the session is not theirs; 小美's team
    // lead appeals the review, once.
    assert_eq!(
        app.get(&session, Some(&agent)).await.status,
        StatusCode::NOT_FOUND
    );
    let path = format!("{session}/appeal");
    let fields = [("csrf", lead.csrf.as_str()), ("reason", "开场问候了")];
    assert_eq!(
        app.post_form(&path, &lead, &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post_form(&path, &lead, &fields).await.status,
        StatusCode::CONFLICT,
        "a second appeal is refused"
    );
    let appeals = app
        .get("/api/v1/qa/appeals?open=true", Some(&inspector))
        .await
        .json();
    let id = appeals[0]["id"].as_i64().expect("the appeal");
    let decide = format!("{session}/appeals/{id}/decide");
    let by = |s: &Session| {
        [
            ("csrf", s.csrf.clone()),
            ("upheld", "1".to_string()),
            ("reason", DECISION.to_string()),
        ]
    };
    let form = by(&inspector);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&decide, &inspector, &form).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "the reviewer cannot decide");
    let form = by(&manager);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.post_form(&decide, &manager, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Client A: the session, its API answer and every export, without the
    // internal comment or the decision's reason; client B: not found.
    let page = app.get(&session, Some(&client_a)).await;
    assert_eq!(page.status, StatusCode::OK);
    let api = format!("/api/v1{session}");
    let answer = app.get(&api, Some(&client_a)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["review"]["comment"], serde_json::Value::Null);
    let appeals_api = app.get("/api/v1/qa/appeals", Some(&client_a)).await;
    for (what, body) in [
        ("page", page.body),
        ("api", answer.body),
        ("appeals api", appeals_api.body),
        (
            "appeals page",
            app.get("/qa/appeals", Some(&client_a)).await.body,
        ),
        (
            "findings csv",
            app.get("/qa/findings?format=csv", Some(&client_a))
                .await
                .body,
        ),
        (
            "overview csv",
            app.get("/qa?format=csv", Some(&client_a)).await.body,
        ),
    ] {
        assert!(
            !body.contains(COMMENT) && !body.contains(DECISION),
            "{what} shows an internal comment"
        );
    }
    let inside = app.get(&api, Some(&inspector)).await.json();
    assert_eq!(inside["review"]["comment"], COMMENT);
    assert_eq!(
        app.get(&session, Some(&client_b)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&api, Some(&client_b)).await.status,
        StatusCode::NOT_FOUND
    );
    // Try before publishing on the rules page: shown, nothing stored.
    let draft = "[[override]]\nrule = \"slow\"\ndisabled = true\n";
    let fields = [
        ("csrf", inspector.csrf.as_str()),
        ("store", STORE_A),
        ("text", draft),
        ("days", "31"),
    ];
    let r = app.post_form("/qa/rules/try", &inspector, &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("id=\"trial\"") && r.body.contains("slow"),
        "{}",
        r.body
    );
    let r = app
        .post_form(
            "/qa/rules/try",
            &agent,
            &[("csrf", agent.csrf.as_str()), ("text", draft)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let xlsx = app.get("/qa/findings?format=xlsx", Some(&client_a)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    app.stop().await;
}

/// The report page, its exports and API answer by role; the QA card of
/// the overview and store pages; the findings marked in the ordinary
/// transcript.
async fn qa_report_card_and_marks(backend: Backend) {
    let app = App::start(backend).await;
    // 阿强 asks a buyer of store A to add him on WeChat: an off-platform
    // finding with its span.
    let mut tx = app.db.begin_import().await.unwrap();
    let at = |t: &str| format!("2026-11-04 {t}");
    let records = vec![
        kefu_db::contract::msg(
            STORE_A,
            "w1",
            "buyer_wx",
            kefu_domain::Sender::Buyer,
            None,
            &at("09:00:00"),
            "能便宜点吗",
        ),
        kefu_db::contract::msg(
            STORE_A,
            "w2",
            "buyer_wx",
            kefu_domain::Sender::Agent,
            Some(AGENT_QIANG),
            &at("09:00:20"),
            "您好，加我微信吧",
        ),
    ];
    tx.add_messages(&records).await.unwrap();
    tx.commit().await.unwrap();
    let inspector = app.login("inspector").await;
    let client_a = app.login("client_a").await;
    let agent = app.login("agent").await;

    let page = app
        .get("/qa/report?from=2026-11-01&to=2026-11-30", Some(&inspector))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<svg class=\"chart bars\""),
        "the charts"
    );
    assert!(page.body.contains("offplatform") && page.body.contains(STORE_B));
    for q in ["group=team&period=week", "group=agent&period=month"] {
        let r = app.get(&format!("/qa/report?{q}"), Some(&inspector)).await;
        assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    }
    let bad = app.get("/qa/report?group=shop", Some(&inspector)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let csv = app
        .get(
            "/qa/report?from=2026-11-01&to=2026-11-30&format=csv&table=rules",
            Some(&inspector),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("offplatform"), "{}", csv.body);
    let xlsx = app.get("/qa/report?format=xlsx", Some(&client_a)).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    // A client's report, page, file and answer, holds only their store.
    let theirs = app.get("/qa/report?format=csv", Some(&client_a)).await;
    assert!(theirs.body.contains(STORE_A) && !theirs.body.contains(STORE_B));
    let answer = app
        .get("/api/v1/qa/report?group=store&period=week", Some(&client_a))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let answer = answer.json();
    let rows = answer["rows"].as_array().expect("rows");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r["group"] == STORE_A),
        "{answer}"
    );
    assert_eq!(answer["period"], "week");
    assert_eq!(answer["distribution"].as_array().map(Vec::len), Some(11));
    let other = app
        .get("/api/v1/qa/report?store=tm-b", Some(&client_a))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let mine = app
        .get("/api/v1/qa/report?group=agent", Some(&agent))
        .await
        .json();
    let mine = mine["rows"].as_array().expect("rows").clone();
    assert!(
        !mine.is_empty() && mine.iter().all(|r| r["group"] == AGENT_QIANG),
        "{mine:?}"
    );

    // The QA card on the overview and on the store page.
    for path in [
        "/?from=2026-11-01&to=2026-11-30",
        "/stores/dy-a?from=2026-11-01&to=2026-11-30",
    ] {
        let r = app.get(path, Some(&inspector)).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(
            r.body.contains("data-figure=\"qa_findings\""),
            "{path}: the QA card"
        );
    }
    // The transcript marks the finding and links the session's review.
    let conv = app.conv(STORE_A, "buyer_wx").await;
    let t = app
        .get(
            &format!("/stores/{STORE_A}/conversations/{conv}"),
            Some(&inspector),
        )
        .await;
    assert_eq!(t.status, StatusCode::OK);
    assert!(
        t.body.contains("<mark title=\"offplatform · critical\">"),
        "{}",
        t.body
    );
    assert!(t.body.contains(&format!("href=\"/qa/sessions/{conv}/")));
    app.stop().await;
}

/// The scorecard page: inspectors replace the card from TOML, a bad card
/// is refused with the item and field, agents may not see it.
async fn qa_scorecard_page(backend: Backend) {
    let app = App::start(backend).await;
    let inspector = app.login("inspector").await;
    let agent = app.login("agent").await;
    let page = app.get("/qa/scorecard", Some(&inspector)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("courtesy"), "the default card");
    assert_eq!(
        app.get("/qa/scorecard", Some(&agent)).await.status,
        StatusCode::FORBIDDEN
    );
    let card = "[[item]]\nid = \"tone\"\nname = \"语气亲切\"\npoints = 7\ncritical = false\n";
    let r = app
        .post_form(
            "/qa/scorecard",
            &inspector,
            &[("csrf", inspector.csrf.as_str()), ("text", card)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get("/qa/scorecard?saved=1", Some(&inspector)).await;
    assert!(page.body.contains("语气亲切") && !page.body.contains("courtesy"));
    let bad = "[[item]]\nid = \"tone\"\nname = \"语气\"\npoints = 700\n";
    let r = app
        .post_form(
            "/qa/scorecard",
            &inspector,
            &[("csrf", inspector.csrf.as_str()), ("text", bad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("item 1 (tone), points") && r.body.contains("points = 700"),
        "{}",
        r.body
    );
    let r = app
        .post_form(
            "/qa/scorecard",
            &agent,
            &[("csrf", agent.csrf.as_str()), ("text", card)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        app.get("/qa/scorecard", Some(&inspector))
            .await
            .body
            .contains("语气亲切")
    );
    app.stop().await;
}

on_both!(
    qa_workflow_and_access,
    qa_report_card_and_marks,
    qa_scorecard_page
);
