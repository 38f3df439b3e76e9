//! One rule, whoever asks (issue 9): the command line and the server go
//! through the same service layer, so a rule refuses alike from both, with
//! the same reason, and a scope limits an API token as it limits a user.

use crate::common;

use common::server::{Browser, serve};
use common::{demo, kefu, ok, path, tmp};

/// The generated password printed after `label`.
fn password_in(out: &str) -> String {
    out.lines()
        .find(|l| l.contains("shown only this once"))
        .and_then(|l| l.rsplit(' ').next())
        .expect("a password")
        .to_string()
}

/// stderr of a refused command in a language.
fn refused(db: &str, lang: &str, args: &[&str]) -> String {
    let mut all = vec!["--db", db, "--lang", lang];
    all.extend_from_slice(args);
    let out = kefu(&all);
    assert!(!out.status.success(), "kefu {args:?} should be refused");
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// A team `一组` of one agent, led by the user `lead`.
fn team_with_lead(db: &str, agent: &str) {
    ok(&["--db", db, "team", "set", "一组", "--agents", agent]);
    let lead = [
        "user",
        "add",
        "lead",
        "--role",
        "team_lead",
        "--team",
        "一组",
    ];
    ok(&[&["--db", db][..], &lead].concat());
}

/// Text as the pages' templates escape it.
fn html(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[test]
fn the_cli_and_the_pages_refuse_alike() {
    let dir = tmp();
    let db = path(dir.path(), "kefu.db");
    let admin = password_in(&ok(&[
        "--db", &db, "user", "add", "root", "--role", "admin",
    ]));
    team_with_lead(&db, "dy-1:a");
    // A client user without a client company; a token above its owner.
    let no_company = ["user", "add", "amy", "--role", "client"];
    let above = [
        "token", "add", "--user", "lead", "--name", "t", "--role", "manager",
    ];
    let cli_zh = refused(&db, "zh", &no_company);
    let cli_en = refused(&db, "en", &no_company);
    let cli_above = refused(&db, "en", &above);
    let server = serve(&db);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let b = Browser::login(&server.base, "root", &admin).await;
        let form = [("username", "amy"), ("role", "client")];
        let (status, zh_page) = b.post("/admin/users", &form).await;
        assert_eq!(status, 400);
        let (_, en_page) = b.post("/admin/users?lang=en", &form).await;
        let token_form = [("user", "lead"), ("name", "t"), ("role", "manager")];
        let (_, above_page) = b.post("/admin/tokens?lang=en", &token_form).await;
        for (cli, page) in [
            (&cli_zh, &zh_page),
            (&cli_en, &en_page),
            (&cli_above, &above_page),
        ] {
            let reason = cli.split_once(": ").map_or(cli.as_str(), |(_, r)| r);
            assert!(!reason.is_empty());
            let shown = html(reason);
            assert!(
                page.contains(&shown),
                "the page should say '{shown}':\n{page}"
            );
        }
        let (_, users) = b.get("/admin/users").await;
        assert!(!users.contains(">amy<"), "nothing was created");
    });
}

#[test]
fn a_team_leads_token_sees_only_their_team() {
    let dir = tmp();
    let db = path(dir.path(), "kefu.db");
    let data = tmp();
    demo(data.path(), 4_000);
    ok(&[
        "--db",
        &db,
        "import",
        "dir",
        data.path().to_str().expect("path"),
    ]);
    let kpi = ok(&["--db", &db, "kpi", "--by", "agent", "--format", "json"]);
    let rows = common::json(&kpi);
    let agents: Vec<String> = rows
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["agent"].as_str().map(str::to_string))
        .collect();
    assert!(agents.len() >= 2, "the demo has several agents");
    let (mine, other) = (&agents[0], &agents[1]);
    team_with_lead(&db, mine);
    let out = ok(&[
        "--db",
        &db,
        "token",
        "add",
        "--user",
        "lead",
        "--name",
        "lead-feed",
    ]);
    let token = common::token_in(&out);
    let server = serve(&db);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let get = |p: String| {
            let (http, token) = (http.clone(), token.clone());
            async move {
                let r = http.get(p).bearer_auth(token).send().await.expect("get");
                (r.status().as_u16(), r.text().await.expect("body"))
            }
        };
        let (status, body) = get(format!("{}/api/v1/kpi?by=agent", server.base)).await;
        assert_eq!(status, 200, "{body}");
        let rows: serde_json::Value = serde_json::from_str(&body).expect("json");
        let seen: Vec<&str> = rows
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["agent"].as_str())
            .collect();
        assert_eq!(seen, vec![mine.as_str()], "only the team's agent");
        let (_, body) = get(format!("{}/api/v1/agents", server.base)).await;
        assert!(
            body.contains(mine.as_str()) && !body.contains(other.as_str()),
            "{body}"
        );
    });
}
