//! What the workforce tests share: the harness's agents put on their
//! stores with a passed assessment, the planning settings saved through
//! their page, a roster of the seeded chat week imported, and requests.

#![allow(dead_code)]

use crate::common::*;
use kefu_db::billing::StoreAgent;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Read;

/// The first day of the roster the tests plan.
pub const PLAN_FROM: &str = "2026-11-09";

/// Where a redirect leads.
pub fn location(r: &Reply) -> String {
    r.headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Posts a form with the session's CSRF token.
pub async fn form(app: &App, path: &str, s: &Session, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(path, s, &all).await
}

/// Sends JSON (`POST`, or `PUT`) with the session and its CSRF header.
pub async fn send_json(app: &App, method: &str, path: &str, s: &Session, body: Value) -> Reply {
    let url = format!("{}{path}", app.base);
    let rq = match method {
        "PUT" => app.http.put(url),
        _ => app.http.post(url),
    };
    let rq = rq
        .header("cookie", s.cookie_header())
        .header("x-csrf-token", &s.csrf)
        .json(&body);
    Reply::of(rq.send().await.unwrap()).await
}

/// The shared strings of a workbook: every text in it.
pub fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

/// The harness's three agents on their stores, each passed.
pub async fn seed_agents(app: &App) {
    let gate = kefu_app::App::new(app.db.clone()).gate(kefu_app::Actor::command_line());
    let on = kefu_app::contracts::parse_date("on", "2026-10-20").unwrap();
    for (store, agent, account) in [
        (STORE_A, "小美", AGENT_MEI),
        (STORE_A, "阿强", AGENT_QIANG),
        (STORE_B, "阿杰", AGENT_JIE),
    ] {
        gate.save_store_agent(&StoreAgent {
            store: store.into(),
            agent: agent.into(),
            account: account.into(),
            team: None,
            role: "presale".into(),
        })
        .await
        .unwrap();
        gate.record_assessment(agent, store, on, 90.0, 80.0)
            .await
            .unwrap();
    }
}

/// A roster of the seeded chat week, imported: 小美 and 阿杰 early on
/// 11-03, 阿强 late on 11-04 and early on 11-06 (a shift not worked).
pub async fn import_chat_week(app: &App) -> i64 {
    let gate = kefu_app::App::new(app.db.clone()).gate(kefu_app::Actor::command_line());
    let toml = r#"start = "2026-11-02"
days = 7
interval_minutes = 30
requirements = "required.csv"

[rules]
max_week_hours = 44
min_rest_hours = 12
max_consecutive_days = 6

[[shift]]
code = "E"
start = "08:00"
end = "16:30"
breaks = [ { start = "12:00", end = "12:30" } ]

[[shift]]
code = "L"
start = "15:30"
end = "24:00"
breaks = [ { start = "19:00", end = "19:30" } ]

[[agent]]
name = "小美"
skills = ["presale"]
stores = ["dy-a"]
contract_hours = 40

[[agent]]
name = "阿强"
skills = ["presale"]
stores = ["dy-a"]
contract_hours = 40

[[agent]]
name = "阿杰"
skills = ["presale"]
stores = ["tm-b"]
contract_hours = 40
"#;
    let requirements = "store,skill,date,interval,agents\ndy-a,presale,2026-11-03,10:00,1\n";
    let shifts = "agent,date,shift,store,skill\n\
                  小美,2026-11-03,E,dy-a,presale\n\
                  阿杰,2026-11-03,E,tm-b,presale\n\
                  阿强,2026-11-04,L,dy-a,presale\n\
                  阿强,2026-11-06,E,dy-a,presale\n";
    gate.import_roster(toml, requirements, shifts, "chat week")
        .await
        .unwrap()
}

/// The planning settings the tests save: the defaults, and 小美 on leave
/// on 2026-11-11.
pub fn settings_text() -> String {
    format!(
        "{}\n[[agent]]\nname = \"小美\"\nleave = [\"2026-11-11\"]\n",
        kefu_wfm::plan::DEFAULT_SETTINGS
    )
}

/// Plans a roster of `days` from `from` through the page's form; its number.
pub async fn plan(app: &App, s: &Session, from: &str, days: &str) -> i64 {
    let r = form(app, "/wfm/rosters", s, &[("from", from), ("days", days)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    location(&r)
        .strip_prefix("/wfm/rosters/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a roster: {}", location(&r)))
}
