//! The staffing calculator (wfm.md §4) on the real server, on SQLite and
//! PostgreSQL: the page where a planner types the figures and
//! `GET /api/v1/wfm/erlang` give the textbook answer; a figure out of range
//! is a 400 naming it; planners (managers, team leads) have it, agents and
//! clients do not. The roster page solves a problem pasted into it: the
//! grid, the coverage heatmap, gaps and hours, the workbook, errors naming
//! the field. The forecast page, its CSV and `GET /api/v1/wfm/forecast`.

use crate::common;

use common::*;
use reqwest::StatusCode;

const CLASSIC: &str = "volume=100&aht=180&interval=30&concurrency=1&target=0.8&within=20&max_occupancy=0.85&shrinkage=0";

async fn calculator(backend: Backend) {
    let app = App::start(backend).await;
    let manager = app.login("manager").await;
    let lead = app.login("lead").await;
    let agent = app.login("agent").await;
    let client = app.login("client_a").await;

    let r = app
        .get(&format!("/api/v1/wfm/erlang?{CLASSIC}"), Some(&manager))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = r.json();
    assert_eq!(
        (a["slots"].as_u64(), a["agents_on_duty"].as_u64()),
        (Some(14), Some(14))
    );
    assert!(
        (a["service_level"].as_f64().unwrap() - 0.8884).abs() < 1e-4,
        "{a}"
    );
    assert!((a["p_wait"].as_f64().unwrap() - 0.1741).abs() < 1e-4, "{a}");

    let page = app
        .get(&format!("/wfm/erlang?{CLASSIC}"), Some(&lead))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-figure=\"slots\">14<"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<svg"), "the service level chart");
    let empty = app.get("/wfm/erlang", Some(&manager)).await;
    assert!(empty.body.contains("id=\"erlang-form\"") && !empty.body.contains("erlang-answer"));
    assert!(
        app.get("/", Some(&manager))
            .await
            .body
            .contains("href=\"/wfm/erlang\"")
    );

    let bad = app
        .get(
            "/api/v1/wfm/erlang?volume=100&aht=180&max_occupancy=2",
            Some(&manager),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
    assert_eq!(bad.json()["field"], "max_occupancy", "{}", bad.body);
    let page = app
        .get("/wfm/erlang?volume=100&aht=0", Some(&manager))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("id=\"erlang-error\"") && page.body.contains("aht"),
        "{}",
        page.body
    );
    let missing = app
        .get("/api/v1/wfm/erlang?volume=100", Some(&manager))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.body.contains("aht"), "{}", missing.body);

    // The roster page: the sample problem solved on the page.
    let form_page = app.get("/wfm/roster", Some(&lead)).await;
    assert_eq!(form_page.status, StatusCode::OK);
    let unescape = |t: String| {
        t.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
    };
    let toml = unescape(between(
        &form_page.body,
        "<textarea name=\"instance\" rows=\"14\" spellcheck=\"false\">",
        "</textarea>",
    ));
    let csv = unescape(between(
        &form_page.body,
        "<textarea name=\"requirements\" rows=\"8\" spellcheck=\"false\">",
        "</textarea>",
    ));
    assert!(toml.contains("[[agent]]") && csv.starts_with("store,skill,date,interval,agents"));
    let solved = app
        .post_form(
            "/wfm/roster",
            &manager,
            &[
                ("csrf", &manager.csrf),
                ("instance", &toml),
                ("requirements", &csv),
            ],
        )
        .await;
    assert_eq!(solved.status, StatusCode::OK, "{}", solved.body);
    let grid = between(&solved.body, "id=\"roster-grid\"", "</table>");
    assert!(grid.contains("小夏") && grid.contains("12-07"), "{grid}");
    assert!(
        solved.body.contains("class=\"chart heatmap coverage\""),
        "the coverage heatmap"
    );
    assert!(
        solved.body.contains("id=\"roster-gaps\"") && solved.body.contains("id=\"roster-hours\"")
    );
    // 小夏 is on leave on 12-10: her cell that day is empty.
    let row = between(grid.as_str(), "<td>小夏</td>", "</tr>");
    let cells: Vec<&str> = row
        .split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>"))
        .collect();
    assert_eq!(cells[3], "-", "{row}");
    let book = app
        .post_form(
            "/wfm/roster",
            &manager,
            &[
                ("csrf", &manager.csrf),
                ("instance", &toml),
                ("requirements", &csv),
                ("format", "xlsx"),
            ],
        )
        .await;
    assert!(book.bytes.starts_with(b"PK"), "{}", book.body);
    let bad = app
        .post_form(
            "/wfm/roster",
            &manager,
            &[
                ("csrf", &manager.csrf),
                (
                    "instance",
                    &toml.replace("end = \"16:30\"", "end = \"16:31\""),
                ),
                ("requirements", &csv),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("shift[1].end"), "{}", bad.body);

    for s in [&agent, &client] {
        assert_eq!(
            app.get("/wfm/roster", Some(s)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/wfm/erlang", Some(s)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get(&format!("/api/v1/wfm/erlang?{CLASSIC}"), Some(s))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert!(
            !app.get("/", Some(s))
                .await
                .body
                .contains("href=\"/wfm/erlang\"")
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calculator_on_sqlite() {
    calculator(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calculator_on_postgres() {
    calculator(Backend::Postgres).await;
}
