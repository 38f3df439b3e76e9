//! The harness of the HTTP tests: the real server on a free port over a
//! fresh SQLite file or PostgreSQL database, seeded with two clients'
//! stores and one user per role, and a client that keeps no cookies of its
//! own (the tests read and send them, to check their flags).

#![allow(dead_code)]

use kefu_access::password;
use kefu_db::Database;
use kefu_db::accounts::NewUser;
use kefu_db::contract::{msg, order};
use kefu_domain::{MessageKind, Rating, RecordTime, Role, Sender};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sqlx::Connection;
use std::sync::Arc;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A new database on the PostgreSQL server of `KEFU_TEST_POSTGRES`.
    Postgres,
}

/// The password of every seeded user.
pub const PASSWORD: &str = "password-123";

/// A running server and what it runs on.
pub struct App {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The HTTP client (no redirects followed, no cookie store).
    pub http: reqwest::Client,
    /// The database, for checks behind the server's back.
    pub db: Arc<dyn Database>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
    pg: Option<String>,
}

fn pg_server() -> String {
    std::env::var("KEFU_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

async fn pg_admin() -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&format!("{}/test", pg_server()))
        .await
        .expect("PostgreSQL at KEFU_TEST_POSTGRES")
}

impl App {
    /// Starts a seeded server with the default settings.
    pub async fn start(backend: Backend) -> App {
        App::start_with(backend, kefu_web::Config::default()).await
    }

    /// Starts a seeded server with these settings.
    pub async fn start_with(backend: Backend, config: kefu_web::Config) -> App {
        let dir = tempfile::tempdir().unwrap();
        let (db, pg): (Arc<dyn Database>, Option<String>) = match backend {
            Backend::Sqlite => {
                let repo = kefu_db_sqlite::SqliteRepository::open(&dir.path().join("kefu.db"))
                    .await
                    .unwrap();
                (Arc::new(repo), None)
            }
            Backend::Postgres => {
                let name = kefu_db::contract::unique_database_name("kefu_web_test", "app");
                let mut admin = pg_admin().await;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let repo = kefu_db_postgres::PostgresRepository::connect(&format!(
                    "{}/{name}",
                    pg_server()
                ))
                .await
                .unwrap();
                (Arc::new(repo), Some(name))
            }
        };
        seed(&*db).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let service = kefu_app::App::new(db.clone());
        let task = tokio::spawn(kefu_web::serve(listener, service, config, async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        App {
            base,
            http,
            db,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
            pg,
        }
    }

    /// Stops the server (gracefully) and drops a PostgreSQL database.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
        let _ = self.db.close().await;
        if let Some(name) = self.pg.take() {
            let mut admin = pg_admin().await;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin)
                .await
                .unwrap();
        }
    }

    /// GET with an optional session.
    pub async fn get(&self, path: &str, s: Option<&Session>) -> Reply {
        let mut rq = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = s {
            rq = rq.header("cookie", s.cookie_header());
        }
        Reply::of(rq.send().await.unwrap()).await
    }

    /// GET with a bearer token.
    pub async fn get_token(&self, path: &str, token: &str) -> Reply {
        let rq = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token);
        Reply::of(rq.send().await.unwrap()).await
    }

    /// POST a form with a session.
    pub async fn post_form(&self, path: &str, s: &Session, fields: &[(&str, &str)]) -> Reply {
        let rq = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", s.cookie_header())
            .form(fields);
        Reply::of(rq.send().await.unwrap()).await
    }

    /// The login form's CSRF token and cookie.
    pub async fn login_form(&self) -> (String, String) {
        let r = self.get("/login", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let pre = r.cookie("kefu_pre").expect("kefu_pre cookie");
        (pre, between(&r.body, "name=\"csrf\" value=\"", "\""))
    }

    /// Logs in through the form; panics unless it succeeds.
    pub async fn login(&self, user: &str) -> Session {
        let r = self.try_login(user, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {user}: {}",
            r.body
        );
        let cookie = r.cookie("kefu_session").expect("session cookie");
        let mut s = Session {
            cookie,
            csrf: String::new(),
        };
        let page = self.get("/import", Some(&s)).await;
        let page = if page.status == StatusCode::OK {
            page
        } else {
            self.get("/sessions", Some(&s)).await
        };
        s.csrf = between(&page.body, "name=\"csrf\" value=\"", "\"");
        s
    }

    /// The conversation id of a buyer of a store.
    pub async fn conv(&self, store: &str, buyer: &str) -> i64 {
        let q = kefu_kpi::transcript::SessionQuery {
            store: store.into(),
            ..Default::default()
        };
        self.db
            .sessions(&q)
            .await
            .unwrap()
            .into_iter()
            .find(|s| s.buyer == buyer)
            .map(|s| s.conv_id)
            .unwrap()
    }

    /// One login attempt; the reply as it comes.
    pub async fn try_login(&self, user: &str, password: &str) -> Reply {
        let (pre, csrf) = self.login_form().await;
        let rq = self
            .http
            .post(format!("{}/login", self.base))
            .header("cookie", format!("kefu_pre={pre}"))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf", csrf.as_str()),
                ("next", "/"),
            ]);
        Reply::of(rq.send().await.unwrap()).await
    }
}

/// A logged-in browser.
#[derive(Debug, Clone)]
pub struct Session {
    /// The `kefu_session` value.
    pub cookie: String,
    /// Its CSRF token.
    pub csrf: String,
}

impl Session {
    /// The `Cookie` header.
    pub fn cookie_header(&self) -> String {
        format!("kefu_session={}", self.cookie)
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as text (lossy).
    pub body: String,
    /// The body's bytes.
    pub bytes: Vec<u8>,
}

impl Reply {
    /// Reads a response whole.
    pub async fn of(r: reqwest::Response) -> Reply {
        let status = r.status();
        let headers = r.headers().clone();
        let bytes = r.bytes().await.unwrap().to_vec();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).to_string(),
            bytes,
        }
    }

    /// The value of a cookie set by the response.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookie(name)
            .and_then(|v| v.split(';').next().map(str::to_string))
            .and_then(|kv| kv.split_once('=').map(|(_, v)| v.to_string()))
    }

    /// The whole `Set-Cookie` header of a cookie.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The text between two markers.
pub fn between(text: &str, start: &str, end: &str) -> String {
    let i = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {text}"))
        + start.len();
    let j = text[i..].find(end).unwrap() + i;
    text[i..j].to_string()
}

/// Store A belongs to client A, store B to client B.
pub const STORE_A: &str = "dy-a";
/// See [`STORE_A`].
pub const STORE_B: &str = "tm-b";
/// Text only store B's data contains: must never reach client A.
pub const SECRET_B: &str = "B店机密内容";
/// Store B's buyer.
pub const BUYER_B: &str = "secret_buyer_b";
/// Agents.
pub const AGENT_MEI: &str = "dy-a:小美";
/// See [`AGENT_MEI`].
pub const AGENT_QIANG: &str = "dy-a:阿强";
/// See [`AGENT_MEI`].
pub const AGENT_JIE: &str = "tm-b:阿杰";
/// A chat message that tries to run a script.
pub const XSS: &str = "<script>alert('x')</script>";

fn rating(store: &str, buyer: &str, agent: &str, at: &str, score: u8) -> Rating {
    Rating {
        store: store.into(),
        buyer: buyer.into(),
        agent: agent.into(),
        rated_at: RecordTime::parse(at).unwrap(),
        score,
    }
}

/// Two stores of two clients, three agents, one user per role.
async fn seed(db: &dyn Database) {
    let mut m = vec![
        msg(
            STORE_A,
            "a1",
            "buyer_a1",
            Sender::Buyer,
            None,
            "2026-11-03 10:00:00",
            "在吗？",
        ),
        msg(
            STORE_A,
            "a2",
            "buyer_a1",
            Sender::Agent,
            Some(AGENT_MEI),
            "2026-11-03 10:00:30",
            "亲，在的",
        ),
        msg(
            STORE_A,
            "a3",
            "buyer_a1",
            Sender::Buyer,
            None,
            "2026-11-03 10:01:00",
            XSS,
        ),
        msg(
            STORE_A,
            "a4",
            "buyer_a1",
            Sender::Agent,
            Some(AGENT_MEI),
            "2026-11-03 10:05:00",
            "好的",
        ),
        msg(
            STORE_A,
            "a5",
            "buyer_a2",
            Sender::Buyer,
            None,
            "2026-11-04 20:00:00",
            "发货了吗",
        ),
        msg(
            STORE_A,
            "a6",
            "buyer_a2",
            Sender::Agent,
            Some(AGENT_QIANG),
            "2026-11-04 20:00:10",
            "今天发",
        ),
        msg(
            STORE_A,
            "a7",
            "buyer_a3",
            Sender::Buyer,
            None,
            "2026-11-05 09:00:00",
            "有人吗",
        ),
        msg(
            STORE_B,
            "b1",
            BUYER_B,
            Sender::Buyer,
            None,
            "2026-11-03 11:00:00",
            SECRET_B,
        ),
        msg(
            STORE_B,
            "b2",
            BUYER_B,
            Sender::Agent,
            Some(AGENT_JIE),
            "2026-11-03 11:00:20",
            "您好",
        ),
    ];
    m.push({
        let mut t = msg(
            STORE_A,
            "a8",
            "buyer_a3",
            Sender::System,
            Some(AGENT_MEI),
            "2026-11-05 09:00:05",
            "",
        );
        t.kind = MessageKind::Transfer;
        t
    });
    let o = vec![
        order(
            STORE_A,
            "o1",
            "buyer_a1",
            "2026-11-03 10:20:00",
            Some("2026-11-03 10:21:00"),
            12_900,
        ),
        order(
            STORE_B,
            "o2",
            BUYER_B,
            "2026-11-03 11:30:00",
            Some("2026-11-03 11:31:00"),
            99_900,
        ),
    ];
    let r = vec![
        rating(STORE_A, "buyer_a1", AGENT_MEI, "2026-11-03 10:30:00", 5),
        rating(STORE_B, BUYER_B, AGENT_JIE, "2026-11-03 11:40:00", 1),
    ];
    let mut tx = db.begin_import().await.unwrap();
    tx.add_messages(&m).await.unwrap();
    tx.add_orders(&o).await.unwrap();
    tx.add_ratings(&r).await.unwrap();
    tx.commit().await.unwrap();
    db.save_client("甲方A", &[STORE_A.to_string()])
        .await
        .unwrap();
    db.save_client("甲方B", &[STORE_B.to_string()])
        .await
        .unwrap();
    db.save_team("售前一组", &[AGENT_MEI.to_string()])
        .await
        .unwrap();
    let hash = password::hash(PASSWORD).unwrap();
    for (name, role, client, team, agents) in [
        ("admin", Role::Admin, None, None, vec![]),
        ("manager", Role::Manager, None, None, vec![]),
        ("inspector", Role::Inspector, None, None, vec![]),
        ("lead", Role::TeamLead, None, Some("售前一组"), vec![]),
        (
            "agent",
            Role::Agent,
            None,
            None,
            vec![AGENT_QIANG.to_string()],
        ),
        ("client_a", Role::Client, Some("甲方A"), None, vec![]),
        ("client_b", Role::Client, Some("甲方B"), None, vec![]),
    ] {
        db.create_user(&NewUser {
            username: name.into(),
            display_name: name.into(),
            role,
            password_hash: hash.clone(),
            client: client.map(str::to_string),
            team: team.map(str::to_string),
            agent_accounts: agents,
        })
        .await
        .unwrap();
    }
}

/// One test per backend for each named async fn taking a [`Backend`].
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::common::Backend::Sqlite).await
            }
        )*}
        mod postgres {$(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::common::Backend::Postgres).await
            }
        )*}
    };
}
