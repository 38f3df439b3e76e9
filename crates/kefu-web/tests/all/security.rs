//! Security on the real server, on SQLite and PostgreSQL: CSRF, cookie
//! flags, the login rate limit, sessions that end, escaping of chat text,
//! exports that a spreadsheet cannot run, and the security headers.

use crate::common;

use common::*;
use kefu_access::password;
use reqwest::StatusCode;

/// A form without its CSRF token, or with a wrong one, changes nothing.
async fn csrf_is_required(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let path = format!("/stores/{STORE_A}/settings");
    for fields in [
        vec![("session_idle_minutes", "15")],
        vec![("session_idle_minutes", "15"), ("csrf", "forged")],
    ] {
        let r = app.post_form(&path, &s, &fields).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("CSRF"), "{}", r.body);
    }
    let settings = app.db.store(STORE_A).await.unwrap().unwrap();
    assert_eq!(settings.session_idle_minutes, 10, "unchanged");
    // With the token it is saved (and a bad value is refused with its reason).
    let r = app
        .post_form(
            &path,
            &s,
            &[("session_idle_minutes", "abc"), ("csrf", &s.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("session_idle_minutes") || r.body.contains("会话间隔"),
        "{}",
        r.body
    );
    let r = app
        .post_form(
            &path,
            &s,
            &[("session_idle_minutes", "15"), ("csrf", &s.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.db
            .store(STORE_A)
            .await
            .unwrap()
            .unwrap()
            .session_idle_minutes,
        15
    );
    // The API with a session cookie needs the X-CSRF-Token header.
    let url = format!("{}/api/v1/messages", app.base);
    let r = app
        .http
        .post(&url)
        .header("cookie", s.cookie_header())
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .http
        .post(&url)
        .header("cookie", s.cookie_header())
        .header("x-csrf-token", &s.csrf)
        .body("[]")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Logging out needs the token too.
    let r = app.post_form("/logout", &s, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.post_form("/logout", &s, &[("csrf", &s.csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&s)).await.status,
        StatusCode::SEE_OTHER,
        "logged out"
    );
    // A login form posted without its pre-session cookie is refused.
    let (_, csrf) = app.login_form().await;
    let r = app
        .http
        .post(format!("{}/login", app.base))
        .form(&[
            ("username", "manager"),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    app.stop().await;
}

/// The session cookie is HttpOnly, SameSite and scoped to the site.
async fn cookie_flags(backend: Backend) {
    let app = App::start(backend).await;
    let r = app.try_login("manager", PASSWORD).await;
    let c = r.set_cookie("kefu_session").unwrap();
    assert!(c.contains("HttpOnly"), "{c}");
    assert!(c.contains("SameSite=Lax"), "{c}");
    assert!(c.contains("Path=/"), "{c}");
    assert!(
        !c.contains("Secure"),
        "no Secure by default on plain HTTP: {c}"
    );
    app.stop().await;
    let secure = kefu_web::Config {
        secure_cookies: true,
        ..kefu_web::Config::default()
    };
    let app = App::start_with(backend, secure).await;
    let r = app.try_login("manager", PASSWORD).await;
    assert!(r.set_cookie("kefu_session").unwrap().contains("Secure"));
    // Only a local path is followed after login.
    let (pre, csrf) = app.login_form().await;
    let r = app
        .http
        .post(format!("{}/login", app.base))
        .header("cookie", format!("kefu_pre={pre}"))
        .form(&[
            ("username", "manager"),
            ("password", PASSWORD),
            ("csrf", csrf.as_str()),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("location").unwrap(), "/");
    app.stop().await;
}

/// After five failures a user name is refused, even with the right
/// password, until the window passes.
async fn login_rate_limit(backend: Backend) {
    let app = App::start(backend).await;
    for _ in 0..5 {
        let r = app.try_login("inspector", "wrong-password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("用户名或密码错误"), "{}", r.body);
    }
    let r = app.try_login("inspector", PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.set_cookie("kefu_session").is_none());
    // Unknown users fail the same way as wrong passwords.
    let r = app.try_login("nobody", PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is limited too"
    );
    app.stop().await;
}

/// A new password or disabling a user ends their sessions at once.
async fn sessions_end(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("inspector").await;
    assert_eq!(app.get("/", Some(&s)).await.status, StatusCode::OK);
    let id = app.db.user_by_name("inspector").await.unwrap().unwrap().id;
    app.db
        .set_password(id, &password::hash("another-password").unwrap())
        .await
        .unwrap();
    assert_eq!(app.get("/", Some(&s)).await.status, StatusCode::SEE_OTHER);
    let r = app.try_login("inspector", "another-password").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // Disabled by an admin through the page.
    let s = app.login("agent").await;
    let admin = app.login("admin").await;
    let agent_id = app.db.user_by_name("agent").await.unwrap().unwrap().id;
    let r = app
        .post_form(
            &format!("/admin/users/{agent_id}/disable"),
            &admin,
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.get("/", Some(&s)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.try_login("agent", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

/// Chat text is shown as text: a `<script>` in a message never reaches a
/// page unescaped.
async fn chat_text_is_escaped(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let conv = app.conv(STORE_A, "buyer_a1").await;
    let r = app
        .get(&format!("/stores/{STORE_A}/conversations/{conv}"), Some(&s))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.body.contains(XSS), "unescaped script in the transcript");
    assert!(
        r.body.contains("&#60;script&#62;") || r.body.contains("&lt;script&gt;"),
        "shown as text"
    );
    // The only scripts of any page are kefu's own.
    for path in ["/", "/sessions", &format!("/stores/{STORE_A}")] {
        let body = app.get(path, Some(&s)).await.body;
        assert_eq!(body.matches("<script").count(), 1, "{path}");
        assert!(body.contains("<script src=\"/assets/app.js\""), "{path}");
        assert!(
            !body.contains("http://") || !body.contains("<link rel=\"stylesheet\" href=\"http"),
            "no CDN"
        );
    }
    // User-supplied names are escaped on the admin page too.
    let admin = app.login("admin").await;
    let r = app
        .post_form(
            "/admin/users",
            &admin,
            &[
                ("csrf", &admin.csrf),
                ("username", "<img src=x onerror=alert(1)>"),
                ("role", "inspector"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "refused, with the name in the reason"
    );
    assert!(!r.body.contains("<img src=x"), "escaped");
    assert!(r.body.contains("&#60;img src=x"), "{}", r.body);
    app.stop().await;
}

/// A buyer id that Excel would run as a command, and a chat message that
/// it would turn into a live link.
const CMD_BUYER: &str = "=cmd|' /C calc'!A0";
/// See [`CMD_BUYER`].
const LINK_MESSAGE: &str = "=HYPERLINK(\"http://evil.example\",\"点我\")";

/// The rows of a CSV export (after its BOM).
fn csv_rows(r: &Reply) -> Vec<Vec<String>> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&r.bytes[3..])
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// One file of an XLSX export, as text.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    std::io::read_to_string(zip.by_name(name).unwrap()).unwrap()
}

/// Buyer text imported through the API comes out of the sessions and
/// transcript CSV exports neutralised (a `'` in front), numbers as they
/// were; the XLSX transcript has it as a text cell, no formula.
async fn exports_are_not_formulas(backend: Backend) {
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let batch = serde_json::json!([
        {"store": "pdd-9", "message_id": "x1", "buyer": CMD_BUYER, "sender": "buyer",
         "sent_at": "2026-11-07 10:00:00", "content": LINK_MESSAGE},
        {"store": "pdd-9", "message_id": "x2", "buyer": CMD_BUYER, "sender": "agent",
         "agent": "pdd-9:小王", "sent_at": "2026-11-07 10:00:30", "content": "-1 元优惠"},
    ]);
    let r = app
        .http
        .post(format!("{}/api/v1/messages", app.base))
        .header("cookie", s.cookie_header())
        .header("x-csrf-token", &s.csrf)
        .json(&batch)
        .send()
        .await
        .unwrap();
    let r = Reply::of(r).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let rows = csv_rows(&app.get("/sessions?store=pdd-9&format=csv", Some(&s)).await);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0][1], "买家");
    assert_eq!(rows[1][1], format!("'{CMD_BUYER}"), "{rows:?}");
    assert_eq!(rows[1][7], "30", "a number stays a number: {rows:?}");

    let conv = app.conv("pdd-9", CMD_BUYER).await;
    let path = format!("/stores/pdd-9/conversations/{conv}");
    let rows = csv_rows(&app.get(&format!("{path}?format=csv"), Some(&s)).await);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0][5], "内容");
    assert_eq!(rows[1][5], format!("'{LINK_MESSAGE}"), "{rows:?}");
    assert_eq!(rows[2][5], "'-1 元优惠", "{rows:?}");
    assert_eq!(rows[2][6], "30", "{rows:?}");
    assert_eq!(rows[1][0], "1", "{rows:?}");

    // XLSX has typed cells: the message is a text cell (a shared string),
    // kept as it was, and the sheet has no formula.
    let r = app.get(&format!("{path}?format=xlsx"), Some(&s)).await;
    assert_eq!(r.status, StatusCode::OK);
    let sheet = xlsx_part(&r.bytes, "xl/worksheets/sheet1.xml");
    let strings = xlsx_part(&r.bytes, "xl/sharedStrings.xml");
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "{sheet}");
    assert!(sheet.contains(r#"<c r="F2" s="#) || sheet.contains(r#"<c r="F2" t="s""#));
    let f2 = sheet.split(r#"<c r="F2""#).nth(1).unwrap();
    assert!(
        f2.split('>').next().unwrap().contains(r#"t="s""#),
        "{sheet}"
    );
    assert!(
        strings.contains("=HYPERLINK(") && strings.contains("http://evil.example"),
        "{strings}"
    );
    app.stop().await;
}

/// The tags of an HTML page whose attributes run script or set style
/// inline (`on…=`, `style=`), or inline `<script>` elements: none may be,
/// the Content-Security-Policy would block them.
fn inline_code(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|t| t.split('>').next())
        .filter(|tag| {
            let lower = tag.to_ascii_lowercase();
            let inline_script = lower.starts_with("script") && !lower.contains(" src=");
            let attribute = lower.split_whitespace().skip(1).any(|a| {
                a.starts_with("style=")
                    || (a.starts_with("on") && a.contains('=') && !a.starts_with("on="))
            });
            inline_script || attribute
        })
        .map(str::to_string)
        .collect()
}

/// Asserts the headers every answer carries.
fn assert_secure(what: &str, r: &Reply) {
    let h = |name: &str| {
        r.headers
            .get(name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let csp = h("content-security-policy");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{what}: {part} not in {csp}");
    }
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("x-frame-options"), "DENY", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
}

/// Every answer carries the security headers; pages, API answers, exports
/// and errors are not kept by caches, the assets are; no page has inline
/// script or style for the policy to block.
async fn security_headers(backend: Backend) {
    // The scan finds what it looks for, and not chat text shown as text.
    let found = inline_code(
        r#"<p style="color:red">a</p><img src=x onerror=alert(1)><script>x()</script><script src="/a.js"></script><rect fill="red"/>&lt;b onclick=x&gt;"#,
    );
    assert_eq!(found.len(), 3, "{found:?}");
    let app = App::start(backend).await;
    let s = app.login("manager").await;
    let admin = app.login("admin").await;
    let conv = app.conv(STORE_A, "buyer_a1").await;
    let transcript = format!("/stores/{STORE_A}/conversations/{conv}");
    let store = format!("/stores/{STORE_A}");
    let agent = format!("{store}/agents/{}", AGENT_MEI.replace(':', "%3A"));
    let pages = [
        ("/".to_string(), Some(&s)),
        ("/?lang=en".to_string(), Some(&s)),
        (store.clone(), Some(&s)),
        (agent.clone(), Some(&s)),
        ("/sessions".to_string(), Some(&s)),
        (transcript.clone(), Some(&s)),
        ("/import".to_string(), Some(&s)),
        (format!("{store}/settings"), Some(&s)),
        ("/admin/users".to_string(), Some(&admin)),
        ("/login".to_string(), None),
    ];
    for (path, who) in &pages {
        let r = app.get(path, *who).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert_secure(path, &r);
        assert_eq!(r.headers["cache-control"], "no-store", "{path}");
        assert_eq!(inline_code(&r.body), Vec::<String>::new(), "{path}");
        if who.is_some() {
            assert!(r.body.contains("<script src=\"/assets/app.js\""), "{path}");
        }
    }
    let svg = app.get("/", Some(&s)).await.body;
    assert!(svg.contains("<svg"), "the overview draws its charts inline");
    let others = [
        (format!("{transcript}?format=csv"), Some(&s), StatusCode::OK),
        (
            format!("{transcript}?format=xlsx"),
            Some(&s),
            StatusCode::OK,
        ),
        ("/?format=csv".to_string(), Some(&s), StatusCode::OK),
        (format!("{store}?format=xlsx"), Some(&s), StatusCode::OK),
        ("/sessions?format=csv".to_string(), Some(&s), StatusCode::OK),
        (
            "/admin/users?format=csv".to_string(),
            Some(&admin),
            StatusCode::OK,
        ),
        ("/api/v1/kpi".to_string(), Some(&s), StatusCode::OK),
        ("/api/v1/stores".to_string(), Some(&s), StatusCode::OK),
        (format!("/api/v1{transcript}"), Some(&s), StatusCode::OK),
        ("/api/v1/openapi.json".to_string(), None, StatusCode::OK),
        ("/api/v1/kpi".to_string(), None, StatusCode::UNAUTHORIZED),
        ("/".to_string(), None, StatusCode::SEE_OTHER),
        ("/no-such-page".to_string(), Some(&s), StatusCode::NOT_FOUND),
        (
            format!("/stores/{STORE_B}x"),
            Some(&s),
            StatusCode::NOT_FOUND,
        ),
        ("/healthz".to_string(), None, StatusCode::OK),
    ];
    for (path, who, status) in &others {
        let r = app.get(path, *who).await;
        assert_eq!(r.status, *status, "{path}: {}", r.body);
        assert_secure(path, &r);
        assert_eq!(r.headers["cache-control"], "no-store", "{path}");
    }
    // A form's answer too (a refused one here).
    let r = app.post_form(&format!("{store}/settings"), &s, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_secure("a refused form", &r);
    assert_eq!(r.headers["cache-control"], "no-store");
    for path in ["/assets/app.css", "/assets/app.js"] {
        let r = app.get(path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_secure(path, &r);
        assert_eq!(r.headers["cache-control"], "public, max-age=3600", "{path}");
    }
    app.stop().await;
}

on_both!(
    security_headers,
    exports_are_not_formulas,
    csrf_is_required,
    cookie_flags,
    login_rate_limit,
    sessions_end,
    chat_text_is_escaped
);
