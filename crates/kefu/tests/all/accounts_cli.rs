//! `kefu user|client|team|token` end to end, with the real binary, on
//! SQLite and on PostgreSQL: what is stored, what is printed, and every
//! refusal with its reason.

use crate::common;

use common::{PgDb, kefu, ok, path, tmp};
use kefu_db::Database;
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `kefu` with `input` on standard input.
fn kefu_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kefu"))
        .args(args)
        .env("KEFU_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kefu");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("kefu output")
}

/// Runs `kefu`, asserts failure and returns stderr.
fn refused(args: &[&str]) -> String {
    let out = kefu(args);
    assert!(
        !out.status.success(),
        "kefu {args:?} should fail:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn with(db: &str, args: &[&str]) -> Vec<String> {
    let mut v = vec!["--db".to_string(), db.to_string()];
    v.extend(args.iter().map(|s| s.to_string()));
    v
}

fn run_ok(db: &str, args: &[&str]) -> String {
    let v = with(db, args);
    ok(&v.iter().map(String::as_str).collect::<Vec<_>>())
}

fn run_refused(db: &str, args: &[&str]) -> String {
    let v = with(db, args);
    refused(&v.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The value after `label: ` on a line of the output.
fn value_after(out: &str, label: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("{label}: ")))
        .unwrap_or_else(|| panic!("no '{label}' in:\n{out}"))
        .trim()
        .to_string()
}

fn open(db: &str) -> Box<dyn Database> {
    RUNTIME.block_on(common::open_db(db))
}

/// One runtime for the whole test binary: a database opened in it keeps
/// its connections' tasks alive until it is closed.
static RUNTIME: std::sync::LazyLock<tokio::runtime::Runtime> = std::sync::LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
});

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    RUNTIME.block_on(f)
}

/// The stored user of this name.
fn stored_user(db: &str, username: &str) -> kefu_db::accounts::User {
    let d = open(db);
    let u = block(d.user_by_name(username)).expect("read user");
    block(d.close()).expect("close");
    u.unwrap_or_else(|| panic!("user {username} stored"))
}

/// Clients, teams and users of every role; the passwords printed or given
/// are the ones stored; the list shows role, scope and state.
fn users_and_scopes(db: &str) {
    run_ok(db, &["client", "set", "ACME", "--stores", "tm-2,dy-1001"]);
    run_ok(
        db,
        &[
            "team",
            "set",
            "售前一组",
            "--agents",
            "dy-1001:小夏,dy-1001:小李",
        ],
    );
    let out = run_ok(db, &["user", "add", "root", "--role", "admin"]);
    assert!(out.contains("created user root (admin)"), "{out}");
    let password = value_after(&out, "password (shown only this once)");
    assert_eq!(password.len(), 16, "{out}");
    assert!(kefu_access::password::verify(
        &password,
        &stored_user(db, "root").password_hash
    ));
    run_ok(
        db,
        &[
            "user", "add", "amy", "--role", "client", "--client", "ACME", "--name", "Amy 王",
        ],
    );
    run_ok(
        db,
        &[
            "user",
            "add",
            "lead",
            "--role",
            "team_lead",
            "--team",
            "售前一组",
        ],
    );
    let out = kefu_stdin(
        &with(
            db,
            &[
                "user",
                "add",
                "xia",
                "--role",
                "agent",
                "--agent",
                "dy-1001:小夏",
                "--password-stdin",
            ],
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        "secret-of-xia\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("password"), "nothing to show: {stdout}");
    let xia = stored_user(db, "xia");
    assert!(kefu_access::password::verify(
        "secret-of-xia",
        &xia.password_hash
    ));
    assert_eq!(xia.agent_accounts, ["dy-1001:小夏"]);
    let amy = stored_user(db, "amy");
    assert_eq!(amy.client_stores, ["dy-1001", "tm-2"]);
    assert_eq!(amy.display_name, "Amy 王");

    let list = run_ok(db, &["user", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert!(
        lines[0].starts_with("username") && lines[0].contains("disabled"),
        "{list}"
    );
    assert!(
        lines[2].starts_with("amy") && lines[2].contains("client ACME: dy-1001,tm-2"),
        "{list}"
    );
    assert!(
        lines[3].contains("team_lead")
            && lines[3].contains("team 售前一组: dy-1001:小夏,dy-1001:小李"),
        "{list}"
    );
    assert!(
        lines[4].starts_with("root") && lines[4].contains("all"),
        "{list}"
    );
    assert!(
        lines[5].contains("accounts dy-1001:小夏") && lines[5].ends_with("no"),
        "{list}"
    );

    let zh = run_ok(db, &["--lang", "zh", "user", "list"]);
    assert!(
        zh.starts_with("用户名") && zh.contains("甲方 ACME") && zh.contains("组长"),
        "{zh}"
    );
    let clients = run_ok(db, &["client", "list"]);
    assert!(
        clients.contains("ACME") && clients.contains("dy-1001,tm-2"),
        "{clients}"
    );
    let teams = run_ok(db, &["--lang", "zh", "team", "list"]);
    assert!(
        teams.starts_with("组") && teams.contains("售前一组"),
        "{teams}"
    );
}

/// Each refusal names its reason, and nothing is stored.
fn refusals(db: &str) {
    run_ok(db, &["client", "set", "ACME", "--stores", "dy-1001"]);
    run_ok(db, &["team", "set", "夜班", "--agents", "dy-1001:小夏"]);
    run_ok(db, &["user", "add", "amy", "--role", "manager"]);
    for (args, reason) in [
        (
            vec!["user", "add", "c", "--role", "client"],
            "a client user needs a client company (--client)",
        ),
        (
            vec!["user", "add", "a", "--role", "agent"],
            "an agent user needs at least one agent account (--agent)",
        ),
        (
            vec!["user", "add", "t", "--role", "team_lead"],
            "a team_lead user needs a team (--team)",
        ),
        (
            vec!["user", "add", "m", "--role", "manager", "--client", "ACME"],
            "a client company (--client) is for client users, not manager",
        ),
        (
            vec!["user", "add", "amy", "--role", "admin"],
            "user 'amy' exists",
        ),
        (
            vec!["user", "add", "c", "--role", "client", "--client", "X"],
            "no client named 'X'",
        ),
        (
            vec!["user", "add", "t", "--role", "team_lead", "--team", "白班"],
            "no team named '白班'",
        ),
        (
            vec!["user", "add", "b", "--role", "boss"],
            "'boss' is not a role",
        ),
        (
            vec!["client", "set", "Beta", "--stores", "pdd-1,dy-1001"],
            "store dy-1001 belongs to client 'ACME'",
        ),
        (vec!["user", "passwd", "nobody"], "no user named 'nobody'"),
        (vec!["user", "disable", "nobody"], "no user named 'nobody'"),
        (
            vec!["token", "add", "--user", "nobody", "--name", "x"],
            "no user named 'nobody'",
        ),
        (
            vec![
                "token", "add", "--user", "amy", "--name", "x", "--role", "admin",
            ],
            "a token's role may not exceed its owner's: amy is manager, so no admin token",
        ),
        (vec!["token", "revoke", "99"], "no token with id 99"),
    ] {
        let e = run_refused(db, &args);
        assert!(e.contains(reason), "{args:?}: {e}");
    }
    let short = kefu_stdin(
        &with(
            db,
            &["user", "add", "s", "--role", "manager", "--password-stdin"],
        )
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        "short\n",
    );
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("the password is too short: at least 8")
    );
    let zh = run_refused(
        db,
        &["--lang", "zh", "user", "add", "c", "--role", "client"],
    );
    assert!(
        zh.contains("错误: 甲方账号（client）需要所属甲方公司（--client）"),
        "{zh}"
    );
    let list = run_ok(db, &["user", "list"]);
    assert_eq!(list.lines().count(), 3, "only amy: {list}");
    let clients = run_ok(db, &["client", "list"]);
    assert!(!clients.contains("Beta"), "{clients}");
}

/// passwd, disable and enable change what is stored and end sessions.
fn passwords_and_disabling(db: &str) {
    run_ok(db, &["user", "add", "amy", "--role", "inspector"]);
    let before = stored_user(db, "amy").password_hash;
    let d = open(db);
    let id = stored_user(db, "amy").id;
    block(d.create_session(&kefu_db::accounts_contract::session("s1", id, 1, i64::MAX)))
        .expect("session");
    block(d.close()).expect("close");
    let out = run_ok(db, &["user", "passwd", "amy"]);
    assert!(
        out.contains("changed the password of amy; their sessions have ended"),
        "{out}"
    );
    let password = value_after(&out, "new password (shown only this once)");
    let after = stored_user(db, "amy").password_hash;
    assert_ne!(before, after);
    assert!(kefu_access::password::verify(&password, &after));
    let d = open(db);
    assert!(
        block(d.session("s1", 2)).expect("read").is_none(),
        "session ended"
    );
    block(d.create_session(&kefu_db::accounts_contract::session("s2", id, 1, i64::MAX)))
        .expect("session");
    block(d.close()).expect("close");
    let out = run_ok(db, &["user", "disable", "amy"]);
    assert!(out.contains("disabled amy"), "{out}");
    assert!(stored_user(db, "amy").disabled);
    let d = open(db);
    assert!(
        block(d.session("s2", 2)).expect("read").is_none(),
        "session ended"
    );
    block(d.close()).expect("close");
    let list = run_ok(db, &["user", "list"]);
    assert!(
        list.lines().nth(2).is_some_and(|l| l.ends_with("yes")),
        "{list}"
    );
    let e = run_refused(db, &["token", "add", "--user", "amy", "--name", "x"]);
    assert!(e.contains("user 'amy' is disabled"), "{e}");
    run_ok(db, &["user", "enable", "amy"]);
    assert!(!stored_user(db, "amy").disabled);
    let out = kefu_stdin(
        &with(db, &["user", "passwd", "amy", "--password-stdin"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        "a new long password\n",
    );
    assert!(out.status.success());
    assert!(kefu_access::password::verify(
        "a new long password",
        &stored_user(db, "amy").password_hash
    ));
}

/// Tokens: printed once, stored as a digest, role at most the owner's,
/// listed newest first, revoked once.
fn tokens(db: &str) {
    run_ok(db, &["client", "set", "ACME", "--stores", "dy-1001,tm-2"]);
    run_ok(
        db,
        &["user", "add", "amy", "--role", "client", "--client", "ACME"],
    );
    run_ok(db, &["user", "add", "boss", "--role", "manager"]);
    let e = run_refused(
        db,
        &[
            "token", "add", "--user", "amy", "--name", "x", "--role", "manager",
        ],
    );
    assert!(
        e.contains("a token's role may not exceed its owner's: amy is client, so no manager token"),
        "{e}"
    );
    let e = run_refused(
        db,
        &[
            "token", "add", "--user", "amy", "--name", "x", "--stores", "jd-9",
        ],
    );
    assert!(
        e.contains("store jd-9 is not one of the stores of amy's client"),
        "{e}"
    );
    let out = run_ok(
        db,
        &[
            "token", "add", "--user", "amy", "--name", "erp-sync", "--stores", "tm-2",
        ],
    );
    assert!(
        out.contains("created token 1 (erp-sync, client, stores: tm-2)"),
        "{out}"
    );
    let secret = value_after(&out, "token (shown only this once)");
    assert!(secret.starts_with("kefu_") && secret.len() == 69, "{out}");
    let out = run_ok(
        db,
        &[
            "token",
            "add",
            "--user",
            "boss",
            "--name",
            "bi",
            "--role",
            "inspector",
        ],
    );
    assert!(
        out.contains("created token 2 (bi, inspector, stores: all visible)"),
        "{out}"
    );

    let d = open(db);
    let found = block(d.token_by_hash(&kefu_access::secret::digest(&secret))).expect("lookup");
    assert!(found.is_some_and(|(t, u)| t.id == 1 && u.username == "amy" && t.stores == ["tm-2"]));
    block(d.close()).expect("close");

    let list = run_ok(db, &["token", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert!(
        lines[0].starts_with("id") && lines[0].contains("revoked"),
        "{list}"
    );
    let cells = |i: usize| lines[i].split_whitespace().take(5).collect::<Vec<_>>();
    assert_eq!(cells(2), ["2", "bi", "boss", "inspector", "all"], "{list}");
    assert_eq!(
        cells(3),
        ["1", "erp-sync", "amy", "client", "tm-2"],
        "{list}"
    );
    assert!(!list.contains(&secret), "the secret is never listed");

    let out = run_ok(db, &["token", "revoke", "1"]);
    assert!(out.contains("revoked token 1 (erp-sync)"), "{out}");
    let out = run_ok(db, &["token", "revoke", "1"]);
    assert!(out.contains("token 1 was revoked at "), "{out}");
    let d = open(db);
    let found = block(d.token_by_hash(&kefu_access::secret::digest(&secret))).expect("lookup");
    assert!(found.is_none(), "revoked");
    block(d.close()).expect("close");
    let list = run_ok(db, &["token", "list"]);
    let revoked = list.lines().nth(3).unwrap_or_default();
    assert!(
        revoked.trim_end().matches(':').count() == 2,
        "two times: {list}"
    );
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let dir = tmp();
                    super::$name(&path(dir.path(), "kefu.db"));
                }
            )*
        }
        mod postgres {
            use super::*;
            $(
                #[test]
                fn $name() {
                    let db = PgDb::new(concat!("acc_", stringify!($name)));
                    super::$name(&db.url);
                }
            )*
        }
    };
}

on_both!(users_and_scopes, refusals, passwords_and_disabling, tokens);
