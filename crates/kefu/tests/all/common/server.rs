//! `kefu serve` run by the tests as a user would: the real binary on a free
//! port, and logging in through its form.

use super::ok;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A `kefu serve` on a free port, stopped when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `kefu serve` on the database.
pub fn serve(db: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu"))
        .args(["--db", db, "serve", "--listen", "127.0.0.1:0"])
        .env("KEFU_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kefu serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the address")
        .trim_end_matches('/')
        .to_string();
    // Keep reading, so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

/// A manager's API token, made on the command line.
pub fn token(db: &str) -> String {
    ok(&["--db", db, "user", "add", "ops", "--role", "manager"]);
    let out = ok(&[
        "--db", db, "token", "add", "--user", "ops", "--name", "feed",
    ]);
    super::token_in(&out)
}

/// The value of a cookie set by a response.
fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// The text between `start` and the next `end`.
pub fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).expect("start marker") + start.len();
    let to = text[from..].find(end).expect("end marker") + from;
    text[from..to].to_string()
}

/// A browser logged in through the form: its session cookie and the CSRF
/// token of its forms.
pub struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
    /// The CSRF token of the session's forms.
    pub csrf: String,
}

impl Browser {
    /// Logs in as a user.
    pub async fn login(base: &str, user: &str, password: &str) -> Browser {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let r = http
            .get(format!("{base}/login"))
            .send()
            .await
            .expect("login page");
        let pre = set_cookie(&r, "kefu_pre").expect("kefu_pre");
        let csrf = between(
            &r.text().await.expect("page"),
            "name=\"csrf\" value=\"",
            "\"",
        );
        let r = http
            .post(format!("{base}/login"))
            .header("cookie", format!("kefu_pre={pre}"))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status().as_u16(), 303, "login of {user}");
        let cookie = set_cookie(&r, "kefu_session").expect("session cookie");
        let mut b = Browser {
            http,
            base: base.into(),
            cookie,
            csrf: String::new(),
        };
        let (_, page) = b.get("/admin/users").await;
        b.csrf = between(&page, "name=\"csrf\" value=\"", "\"");
        b
    }

    /// GET a page: status and body.
    pub async fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("kefu_session={}", self.cookie))
            .send()
            .await
            .expect("get");
        (r.status().as_u16(), r.text().await.expect("body"))
    }

    /// POST a form (its CSRF token added): status and body.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let mut fields = fields.to_vec();
        fields.push(("csrf", &self.csrf));
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("kefu_session={}", self.cookie))
            .form(&fields)
            .send()
            .await
            .expect("post");
        (r.status().as_u16(), r.text().await.expect("body"))
    }
}
