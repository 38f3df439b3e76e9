//! The service layer on both databases: every write records its actor,
//! refusals are typed with their reasons, a team lead's token sees only
//! their team's agents, and a write that cannot get its turn is busy.

use kefu_app::accounts::{TokenRequest, UserRequest};
use kefu_app::{Actor, App, Error};
use kefu_db::contract::msg;
use kefu_domain::{Role, Sender, StoreSettings};
use std::time::Duration;

use crate::common;
use common::fresh;

on_both!(
    every_write_records_its_actor,
    refusals_are_typed_with_reasons,
    team_lead_token_sees_only_their_team,
    a_write_past_its_turn_is_busy,
);

fn user(name: &str, role: Role) -> UserRequest {
    UserRequest {
        username: name.into(),
        role: Some(role),
        ..UserRequest::default()
    }
}

/// Two agents of one store, each answering one buyer.
async fn import_two_agents(app: &App) {
    let cli = app.gate(Actor::command_line());
    let mut tx = cli.begin_import().await.unwrap();
    tx.add_messages(&[
        msg(
            "dy-1",
            "m1",
            "b1",
            Sender::Buyer,
            None,
            "2026-11-06 10:00:00",
            "在吗",
        ),
        msg(
            "dy-1",
            "m2",
            "b1",
            Sender::Agent,
            Some("dy-1:a"),
            "2026-11-06 10:00:10",
            "在的",
        ),
        msg(
            "dy-1",
            "m3",
            "b2",
            Sender::Buyer,
            None,
            "2026-11-06 11:00:00",
            "发货了吗",
        ),
        msg(
            "dy-1",
            "m4",
            "b2",
            Sender::Agent,
            Some("dy-1:b"),
            "2026-11-06 11:00:30",
            "已发",
        ),
    ])
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn every_write_records_its_actor(app: App) {
    let cli = app.gate(Actor::command_line());
    import_two_agents(&app).await;
    cli.save_client("甲方一", &["dy-1".into()]).await.unwrap();
    cli.save_team("一组", &["dy-1:a".into()]).await.unwrap();
    let (manager_id, _) = cli.create_user(&user("mgr", Role::Manager)).await.unwrap();
    cli.set_password(manager_id, Some("a long enough password".into()))
        .await
        .unwrap();
    let (other, _) = cli
        .create_user(&user("insp", Role::Inspector))
        .await
        .unwrap();
    cli.set_disabled(other, true).await.unwrap();
    cli.set_disabled(other, false).await.unwrap();
    let (token, _) = cli
        .create_token(&TokenRequest {
            owner: "mgr".into(),
            name: "feed".into(),
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    // The manager, logged in, changes a store's settings.
    let mgr = cli.user(manager_id).await.unwrap();
    let as_manager = app.gate(Actor::user(&mgr));
    let mut s = StoreSettings::default();
    s.set("session_idle_minutes", "20").unwrap();
    as_manager.save_store("dy-1", &s).await.unwrap();
    // The manager's token imports.
    let as_token = app.gate(Actor::token(&token, &mgr));
    let mut tx = as_token.begin_import().await.unwrap();
    tx.add_messages(&[msg(
        "dy-1",
        "t1",
        "b9",
        Sender::Buyer,
        None,
        "2026-11-07 09:00:00",
        "hi",
    )])
    .await
    .unwrap();
    tx.commit().await.unwrap();
    cli.revoke_token(token.id).await.unwrap();

    let log = cli.audit_entries(100).await.unwrap();
    let find = |action: &str| {
        log.iter()
            .filter(|e| e.action == action)
            .cloned()
            .collect::<Vec<_>>()
    };
    for action in [
        "client.save",
        "team.save",
        "user.create",
        "user.password",
        "user.disable",
        "user.enable",
        "token.create",
        "token.revoke",
    ] {
        let e = find(action);
        assert!(!e.is_empty(), "{action} recorded: {log:?}");
        assert!(
            e.iter()
                .all(|e| e.actor_kind == "cli" && e.user_id.is_none()),
            "{e:?}"
        );
    }
    let settings = find("store.settings");
    assert_eq!(settings.len(), 1, "{log:?}");
    assert_eq!(settings[0].actor_kind, "user");
    assert_eq!(settings[0].user_id, Some(manager_id));
    assert_eq!(settings[0].actor_name, "mgr");
    assert_eq!(settings[0].subject, "dy-1");
    let imports = find("import");
    assert_eq!(imports.len(), 2, "{log:?}");
    // Newest first: the token's import, then the command line's.
    assert_eq!(imports[0].actor_kind, "token");
    assert_eq!(imports[0].token_id, Some(token.id));
    assert_eq!(imports[0].user_id, Some(manager_id));
    assert!(imports[0].detail.contains("imported=1"), "{:?}", imports[0]);
    assert_eq!(imports[1].actor_kind, "cli");
    assert!(imports[1].detail.contains("imported=4"), "{:?}", imports[1]);
    assert!(log.iter().all(|e| e.at_ms > 0));
    // Only administrators read the log.
    assert!(matches!(
        as_manager.audit_entries(10).await,
        Err(Error::Forbidden)
    ));
}

async fn refusals_are_typed_with_reasons(app: App) {
    let cli = app.gate(Actor::command_line());
    match cli.create_user(&user("amy", Role::Client)).await {
        Err(Error::Invalid { field, zh, en }) => {
            assert_eq!(field, Some("client"));
            assert!(
                zh.contains("甲方") && en.contains("client company"),
                "{zh} / {en}"
            );
        }
        other => panic!("a client without a company: {other:?}"),
    }
    let mut with_client = user("amy", Role::Client);
    with_client.client = Some("nobody".into());
    assert!(matches!(
        cli.create_user(&with_client).await,
        Err(Error::Invalid {
            field: Some("client"),
            ..
        })
    ));
    cli.create_user(&user("bob", Role::Manager)).await.unwrap();
    match cli.create_user(&user("bob", Role::Inspector)).await {
        Err(e @ Error::Conflict { .. }) => {
            assert_eq!(e.text(kefu_domain::Lang::En), "user 'bob' exists");
            assert_eq!(e.text(kefu_domain::Lang::Zh), "用户 'bob' 已存在");
        }
        other => panic!("a taken name: {other:?}"),
    }
    let mut short = user("cat", Role::Manager);
    short.password = Some("short".into());
    assert!(matches!(
        cli.create_user(&short).await,
        Err(Error::Invalid {
            field: Some("password"),
            ..
        })
    ));
    let bob = cli.user_named("bob").await.unwrap();
    let as_bob = app.gate(Actor::user(&bob));
    assert!(matches!(
        as_bob.create_user(&user("dan", Role::Agent)).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        as_bob.set_disabled(bob.id, true).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        cli.create_token(&TokenRequest {
            owner: "bob".into(),
            name: "x".into(),
            role: Some(Role::Admin),
            ..TokenRequest::default()
        })
        .await,
        Err(Error::Invalid {
            field: Some("role"),
            ..
        })
    ));
    assert!(
        cli.audit_entries(100)
            .await
            .unwrap()
            .iter()
            .all(|e| e.subject == "bob")
    );
}

async fn team_lead_token_sees_only_their_team(app: App) {
    import_two_agents(&app).await;
    let cli = app.gate(Actor::command_line());
    cli.save_team("一组", &["dy-1:a".into()]).await.unwrap();
    let mut lead = user("lead", Role::TeamLead);
    lead.team = Some("一组".into());
    cli.create_user(&lead).await.unwrap();
    let (token, _) = cli
        .create_token(&TokenRequest {
            owner: "lead".into(),
            name: "lead-feed".into(),
            ..TokenRequest::default()
        })
        .await
        .unwrap();
    let owner = cli.user_named("lead").await.unwrap();
    let gate = app.gate(Actor::token(&token, &owner));
    gate.agent("dy-1", "dy-1:a").await.unwrap();
    assert!(matches!(
        gate.agent("dy-1", "dy-1:b").await,
        Err(Error::NotFound)
    ));
    let agents = gate.agents(None).await.unwrap();
    assert_eq!(agents, vec![("dy-1".to_string(), "dy-1:a".to_string())]);
    let filter = kefu_kpi::Filter::default();
    let rows = gate
        .kpi(kefu_kpi::Grouping::parse("agent").unwrap(), &filter)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(matches!(gate.begin_import().await, Err(Error::Forbidden)));
}

async fn a_write_past_its_turn_is_busy(app: App) {
    let app = app.with_write_wait(Duration::from_millis(100));
    let cli = app.gate(Actor::command_line());
    let held = cli.begin_import().await.unwrap();
    assert!(matches!(cli.begin_import().await, Err(Error::Busy)));
    let mut s = StoreSettings::default();
    s.set("session_idle_minutes", "15").unwrap();
    assert!(matches!(cli.put_store("dy-9", &s).await, Err(Error::Busy)));
    held.rollback().await.unwrap();
    let log = cli.audit_entries(10).await.unwrap();
    assert!(
        log.iter().all(|e| e.action != "import"),
        "a rolled-back import leaves no record: {log:?}"
    );
    cli.put_store("dy-9", &s).await.unwrap();
}
