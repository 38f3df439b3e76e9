//! Stored rosters and the planning settings (wfm.md, issue 12) on the
//! real server, on SQLite and PostgreSQL. The harness's stores get their
//! agents and assessments through the service layer; the settings are
//! saved through their page (a bad text is refused naming the field); a
//! roster is planned from the database through `POST /wfm/rosters` and
//! shown whole to the manager (grid, heatmap, gaps, hours, workbook) and
//! as their own shifts only to an agent; the API plans and lists them. A
//! client gets 404 on rosters and adherence, pages and API.

use crate::common;
use crate::wfm_seed;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use wfm_seed::*;

/// The cells of a grid row of an agent.
fn grid_row(body: &str, agent: &str) -> Vec<String> {
    let grid = between(body, "id=\"roster-grid\"", "</table>");
    let row = between(&grid, &format!("<td>{agent}</td>"), "</tr>");
    row.split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>").to_string())
        .collect()
}

async fn settings(app: &App, manager: &Session, lead: &Session, agent: &Session) {
    let page = app.get("/wfm/settings", Some(manager)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("max_week_hours = 44"), "{}", page.body);
    let good = settings_text();
    let bad = good.replace("max_week_hours = 44", "max_week_hours = \"many\"");
    let r = form(app, "/wfm/settings", manager, &[("text", &bad)]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let error = between(&r.body, "id=\"settings-error\"", "</ul>");
    assert!(error.contains("max_week_hours"), "{error}");
    let api = app.get("/api/v1/wfm/settings", Some(manager)).await.json();
    assert!(api["version"].is_null(), "nothing saved: {api}");
    let r = form(app, "/wfm/settings", lead, &[("text", &good)]).await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a team lead plans but may not change them"
    );
    let r = form(app, "/wfm/settings", manager, &[("text", &good)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(location(&r), "/wfm/settings?saved=1");
    let api = app.get("/api/v1/wfm/settings", Some(lead)).await.json();
    assert_eq!(api["version"], 1, "{api}");
    assert_eq!(api["saved_by"], "manager", "{api}");
    assert!(api["text"].as_str().unwrap().contains("2026-11-11"));
    assert_eq!(
        app.get("/wfm/settings", Some(agent)).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn rosters(backend: Backend) {
    let app = App::start(backend).await;
    let manager = app.login("manager").await;
    let lead = app.login("lead").await;
    let agent = app.login("agent").await;
    let inspector = app.login("inspector").await;
    let client = app.login("client_a").await;
    seed_agents(&app).await;
    settings(&app, &manager, &lead, &agent).await;

    // The list and its form; refusals in the user's language.
    let list = app.get("/wfm/rosters", Some(&manager)).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains("id=\"plan-form\"") && list.body.contains("value=\"2026-11-06\""));
    let r = form(
        &app,
        "/wfm/rosters",
        &manager,
        &[("from", "2026-11-31"), ("days", "7")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let error = between(&r.body, "id=\"plan-error\"", "</ul>");
    assert!(
        error.contains("2026-11-31") && error.contains("不是日期"),
        "{error}"
    );
    let r = form(
        &app,
        "/wfm/rosters?lang=en",
        &manager,
        &[("from", PLAN_FROM), ("days", "0")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let error = between(&r.body, "id=\"plan-error\"", "</ul>");
    assert!(
        error.contains("days &#39;0&#39; must be a whole number"),
        "{error}"
    );
    assert!(app.get("/api/v1/wfm/rosters", Some(&manager)).await.body == "[]");

    // Planned from the database, then shown whole.
    let r = form(
        &app,
        "/wfm/rosters",
        &manager,
        &[("from", PLAN_FROM), ("days", "7")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let href = location(&r);
    let id: i64 = href.strip_prefix("/wfm/rosters/").unwrap().parse().unwrap();
    let page = app.get(&href, Some(&manager)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let answer = app
        .get(&format!("/api/v1/wfm/rosters/{id}"), Some(&manager))
        .await
        .json();
    let shifts = answer["assignments"].as_array().unwrap();
    assert!(!shifts.is_empty(), "{answer}");
    for s in shifts {
        let d = s["date"].as_str().unwrap();
        assert!(("2026-11-09"..="2026-11-15").contains(&d), "{s}");
    }
    let mut cells = 0;
    for name in ["小美", "阿强", "阿杰"] {
        let row = grid_row(&page.body, name);
        assert_eq!(row.len(), 7, "{row:?}");
        cells += row.iter().filter(|c| *c != "-").count();
        let theirs = shifts.iter().filter(|s| s["agent"] == name).count();
        assert_eq!(row.iter().filter(|c| *c != "-").count(), theirs, "{name}");
    }
    assert_eq!(cells, shifts.len(), "every shift in the grid");
    assert_eq!(
        grid_row(&page.body, "小美")[2],
        "-",
        "小美 is on leave on 11-11"
    );
    assert!(
        !shifts
            .iter()
            .any(|s| s["agent"] == "小美" && s["date"] == "2026-11-11")
    );
    assert_eq!(
        page.body
            .matches("class=\"chart heatmap coverage\"")
            .count(),
        2,
        "dy-a and tm-b"
    );
    assert!(page.body.contains("id=\"roster-gaps\"") && page.body.contains("id=\"roster-hours\""));
    let required: u64 = answer["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["required"].as_u64().unwrap())
        .sum();
    let summary = between(&page.body, "id=\"roster-summary\"", "</section>");
    assert!(
        summary.contains(&format!("<div class=\"value\">{required}</div>")),
        "{summary}"
    );
    for h in answer["hours"].as_array().unwrap() {
        assert!(h["hours"].as_f64().unwrap() <= 44.0, "{h}");
    }
    let book = app
        .get(&format!("{href}?format=xlsx"), Some(&manager))
        .await;
    assert!(book.bytes.starts_with(b"PK"), "{}", book.body);
    let text = xlsx_text(&book.bytes);
    assert!(
        text.contains("小美") && text.contains("阿杰") && text.contains("11-09"),
        "{text}"
    );
    let list = app.get("/wfm/rosters", Some(&manager)).await;
    assert!(list.body.contains(&format!("data-roster=\"{id}\"")));
    let inspected = app.get(&href, Some(&inspector)).await;
    assert!(inspected.body.contains("class=\"chart heatmap coverage\""));

    // An agent sees their own shifts only, and no coverage.
    let mine = app.get(&href, Some(&agent)).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let grid = between(&mine.body, "id=\"roster-grid\"", "</table>");
    assert!(
        grid.contains("<td>阿强</td>") && !grid.contains("小美") && !grid.contains("阿杰"),
        "{grid}"
    );
    assert!(!mine.body.contains("chart heatmap coverage") && !mine.body.contains("roster-gaps"));
    assert!(mine.body.contains("id=\"roster-partial\""));
    let own = app
        .get(&format!("/api/v1/wfm/rosters/{id}"), Some(&agent))
        .await
        .json();
    let theirs = shifts.iter().filter(|s| s["agent"] == "阿强").count();
    assert_eq!(
        own["assignments"].as_array().unwrap().len(),
        theirs,
        "{own}"
    );
    assert!(
        own["coverage"].as_array().unwrap().is_empty()
            && own["gaps"].as_array().unwrap().is_empty()
    );
    assert!(
        own["hours"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["agent"] == "阿强")
    );
    let book = app.get(&format!("{href}?format=xlsx"), Some(&agent)).await;
    let text = xlsx_text(&book.bytes);
    assert!(text.contains("阿强") && !text.contains("小美"), "{text}");
    let home = app.get("/", Some(&agent)).await.body;
    assert!(home.contains("href=\"/wfm/rosters\"") && home.contains("href=\"/wfm/adherence\""));
    assert!(!home.contains("href=\"/wfm/surge\"") && !home.contains("href=\"/wfm/settings\""));
    let r = form(
        &app,
        "/wfm/rosters",
        &agent,
        &[("from", PLAN_FROM), ("days", "7")],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The API plans too: 201, newest first.
    let r = send_json(
        &app,
        "POST",
        "/api/v1/wfm/rosters",
        &manager,
        json!({"from": "2026-11-16", "days": 7, "iterations": 20000}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let created = r.json();
    let second = created["id"].as_i64().unwrap();
    assert!(
        !created["answer"]["assignments"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{created}"
    );
    let listed = app.get("/api/v1/wfm/rosters", Some(&agent)).await.json();
    assert_eq!(listed[0]["id"], second, "{listed}");
    assert_eq!(
        (listed[1]["id"].as_i64(), listed[1]["start"].as_str()),
        (Some(id), Some(PLAN_FROM))
    );
    let r = send_json(
        &app,
        "POST",
        "/api/v1/wfm/rosters",
        &manager,
        json!({"from": "soon"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("from"))
    );
    let r = send_json(
        &app,
        "POST",
        "/api/v1/wfm/rosters",
        &agent,
        json!({"from": PLAN_FROM}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A client sees none of it; an unknown roster is 404 for anyone.
    for path in [
        "/wfm/rosters".to_string(),
        href.clone(),
        format!("{href}?format=xlsx"),
        "/wfm/adherence".into(),
        "/wfm/adherence?from=2026-11-02&to=2026-11-08".into(),
        "/api/v1/wfm/rosters".into(),
        format!("/api/v1/wfm/rosters/{id}"),
        "/api/v1/wfm/adherence?from=2026-11-02&to=2026-11-08".into(),
    ] {
        assert_eq!(
            app.get(&path, Some(&client)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert!(
        !app.get("/", Some(&client))
            .await
            .body
            .contains("/wfm/rosters")
    );
    for path in [
        "/wfm/rosters/999999",
        "/wfm/rosters/abc",
        "/api/v1/wfm/rosters/999999",
    ] {
        assert_eq!(
            app.get(path, Some(&manager)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }

    app.stop().await;
}

on_both!(rosters);
