//! Adherence and promotion surges (wfm.md, issue 12) on the real server,
//! on SQLite and PostgreSQL: a roster imported for the seeded chat days
//! gives the adherence figures of the seeded messages (late, early, not
//! worked), per agent as each may see them, with CSV and Excel; a
//! promotion set by hand makes the surge page ask for extra agents against
//! the roster planned from the database; the calendar through the forms
//! and the API, refusals named.

use crate::common;
use crate::wfm_seed;

use common::*;
use reqwest::StatusCode;
use serde_json::json;
use wfm_seed::*;

async fn workforce(backend: Backend) {
    let app = App::start(backend).await;
    let manager = app.login("manager").await;
    let lead = app.login("lead").await;
    let agent = app.login("agent").await;
    let client = app.login("client_a").await;
    seed_agents(&app).await;
    let r = form(
        &app,
        "/wfm/settings",
        &manager,
        &[("text", &settings_text())],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let roster = plan(&app, &manager, PLAN_FROM, "7").await;
    adherence(&app, &manager, &lead, &agent).await;
    surge(&app, &manager, &agent, &client, roster).await;
    app.stop().await;
}

async fn adherence(app: &App, manager: &Session, lead: &Session, agent: &Session) {
    import_chat_week(app).await;
    let week = "from=2026-11-02&to=2026-11-08";
    let rows = app
        .get(&format!("/api/v1/wfm/adherence?{week}"), Some(manager))
        .await
        .json();
    let got: Vec<(String, String, String, i64, i64, i64, bool)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["date"].as_str().unwrap().to_string(),
                r["agent"].as_str().unwrap().to_string(),
                r["worked"].as_str().unwrap_or("").to_string(),
                r["late_minutes"].as_i64().unwrap(),
                r["early_minutes"].as_i64().unwrap(),
                r["unrostered_minutes"].as_i64().unwrap(),
                r["not_worked"].as_bool().unwrap(),
            )
        })
        .collect();
    let row = |d: &str, a: &str, w: &str, late, early, not_worked| {
        (
            d.to_string(),
            a.to_string(),
            w.to_string(),
            late,
            early,
            0,
            not_worked,
        )
    };
    assert_eq!(
        got,
        vec![
            // 小美 wrote 10:00:30–10:05 in an 08:00–16:30 shift.
            row("2026-11-03", "小美", "10:00–10:06", 120, 384, false),
            row("2026-11-03", "阿杰", "11:00–11:01", 180, 329, false),
            row("2026-11-04", "阿强", "20:00–20:01", 270, 239, false),
            row("2026-11-06", "阿强", "", 0, 0, true),
        ],
        "{rows}"
    );
    assert_eq!(rows[0]["planned"], "08:00–16:30");
    let own = app
        .get(&format!("/api/v1/wfm/adherence?{week}"), Some(agent))
        .await
        .json();
    assert!(
        own.as_array().unwrap().len() == 2 && own[0]["agent"] == "阿强",
        "{own}"
    );
    let team = app
        .get(&format!("/api/v1/wfm/adherence?{week}"), Some(lead))
        .await
        .json();
    assert!(
        team.as_array().unwrap().len() == 1 && team[0]["agent"] == "小美",
        "{team}"
    );

    let page = app
        .get(&format!("/wfm/adherence?{week}"), Some(manager))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for (figure, value) in [
        ("shifts", 4),
        ("not_worked", 1),
        ("late", 570),
        ("early", 952),
    ] {
        assert!(
            page.body
                .contains(&format!("data-figure=\"{figure}\">{value}<")),
            "{figure} {value}: {}",
            page.body
        );
    }
    let totals = between(&page.body, "data-agent=\"阿强\"", "</tr>");
    assert!(
        totals.contains("data-col=\"late\">270<") && totals.contains("data-col=\"not_worked\">1<"),
        "{totals}"
    );
    assert!(
        page.body.contains("class=\"chart bars\""),
        "the late and early chart"
    );
    let csv = app
        .get(&format!("/wfm/adherence?{week}&format=csv"), Some(manager))
        .await;
    assert!(
        csv.body
            .contains("2026-11-03,小美,E,dy-a,08:00–16:30,10:00–10:06,120,384,0"),
        "{}",
        csv.body
    );
    let xlsx = app
        .get(&format!("/wfm/adherence?{week}&format=xlsx"), Some(manager))
        .await;
    assert!(xlsx.bytes.starts_with(b"PK"));
    // By default the 7 days to the latest day with data (11-05).
    let default = app.get("/wfm/adherence", Some(manager)).await;
    assert!(
        default.body.contains("value=\"2026-10-30\"")
            && default.body.contains("value=\"2026-11-05\"")
    );
    assert!(
        default.body.contains("data-figure=\"shifts\">3<"),
        "{}",
        default.body
    );
    let bad = app
        .get(
            "/wfm/adherence?from=2026-11-08&to=2026-11-02",
            Some(manager),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("id=\"adherence-error\""));
}

async fn surge(app: &App, manager: &Session, agent: &Session, client: &Session, roster: i64) {
    let day = "2026-11-10";
    let set = |m: &'static str| {
        [
            ("what", "set"),
            ("store", STORE_A),
            ("date", day),
            ("multiplier", m),
            ("name", "直播"),
        ]
    };
    let r = form(app, "/wfm/surge/promotions", manager, &set("abc")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(between(&r.body, "id=\"surge-error\"", "</ul>").contains("abc"));
    assert!(
        r.body.contains("value=\"abc\""),
        "the form keeps what was sent"
    );
    let r = form(app, "/wfm/surge/promotions", manager, &set("0")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = form(app, "/wfm/surge/promotions", manager, &set("100")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        location(&r),
        format!("/wfm/surge?store={STORE_A}&date={day}")
    );

    let v = app
        .get(
            &format!("/api/v1/wfm/surge?store={STORE_A}&date={day}"),
            Some(manager),
        )
        .await
        .json();
    assert_eq!(
        (v["multiplier"].as_f64(), v["roster"].as_i64()),
        (Some(100.0), Some(roster)),
        "{v}"
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 48);
    let peak = v["peak_extra"].as_u64().unwrap();
    assert!(peak > 0, "a hundredfold day needs extra agents: {v}");
    for r in rows {
        let (o, f) = (
            r["ordinary_forecast"].as_f64().unwrap(),
            r["forecast"].as_f64().unwrap(),
        );
        assert!((f - o * 100.0).abs() <= 0.5 + 1e-9, "{r}");
        let (need, usual) = (
            r["required"].as_u64().unwrap(),
            r["ordinary_required"].as_u64().unwrap(),
        );
        assert_eq!(
            r["extra"].as_u64().unwrap(),
            need.saturating_sub(usual),
            "{r}"
        );
        let on = r["scheduled"].as_u64().unwrap();
        assert_eq!(r["gap"].as_u64().unwrap(), need.saturating_sub(on), "{r}");
    }
    assert_eq!(
        rows.iter().map(|r| r["extra"].as_u64().unwrap()).max(),
        Some(peak)
    );
    let page = app
        .get(
            &format!("/wfm/surge?store={STORE_A}&date={day}"),
            Some(manager),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("data-figure=\"peak_extra\">{peak}<")),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-figure=\"multiplier\">×100<"));
    assert!(page.body.contains(&format!(
        "href=\"/wfm/rosters/{roster}\" id=\"surge-roster\""
    )));
    assert!(
        page.body.contains("<svg class=\"chart")
            && page.body.contains(&format!("data-date=\"{day}\""))
    );
    // Learning needs last year's volume, which the harness lacks: refused, nothing set.
    let r = form(
        app,
        "/wfm/surge/promotions",
        manager,
        &[
            ("what", "learn"),
            ("store", STORE_A),
            ("date", "2027-11-03"),
            ("name", "x"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(between(&r.body, "id=\"surge-error\"", "</ul>").contains("2026-11-03"));

    // The calendar through the API.
    let r = send_json(
        app,
        "PUT",
        "/api/v1/wfm/promotions",
        manager,
        json!({"store": STORE_B, "date": "2026-11-11", "multiplier": 2.5, "name": "双11"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        (r.json()["multiplier"].as_f64(), r.json()["source"].as_str()),
        (Some(2.5), Some("manual"))
    );
    let r = send_json(
        app,
        "PUT",
        "/api/v1/wfm/promotions",
        manager,
        json!({"store": STORE_B, "date": "2026-11-12"}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("multiplier"))
    );
    let r = send_json(
        app,
        "PUT",
        "/api/v1/wfm/promotions",
        manager,
        json!({"store": STORE_B, "date": "2027-11-12", "learn": true}),
    )
    .await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("date"))
    );
    let all = app
        .get("/api/v1/wfm/promotions", Some(manager))
        .await
        .json();
    let days: Vec<(&str, &str)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["store"].as_str().unwrap(), p["date"].as_str().unwrap()))
        .collect();
    assert_eq!(days, vec![(STORE_A, day), (STORE_B, "2026-11-11")], "{all}");
    let r = form(
        app,
        "/wfm/surge/promotions",
        manager,
        &[
            ("what", "remove"),
            ("store", STORE_B),
            ("date", "2026-11-11"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let left = app
        .get(
            &format!("/api/v1/wfm/promotions?store={STORE_B}"),
            Some(manager),
        )
        .await
        .json();
    assert_eq!(left, json!([]));

    for s in [agent, client] {
        assert_eq!(
            app.get("/wfm/surge", Some(s)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/wfm/surge", Some(s)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/wfm/promotions", Some(s)).await.status,
            StatusCode::FORBIDDEN
        );
    }
}

on_both!(workforce);
