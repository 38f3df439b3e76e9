//! Workforce planning from the database through the service layer on both
//! databases: planning settings (versions, refusals naming the field), the
//! promotion calendar (by hand, learnt from last year, removed), the
//! roster instance built from the store agents and their assessments, a
//! roster solved and kept, an imported roster checked against the hard
//! rules, who sees which shifts, adherence from the chat logs computed by
//! hand, and the surge plan of a promotion day.

use kefu_app::accounts::UserRequest;
use kefu_app::contracts::{day_number, parse_date};
use kefu_app::{Actor, App, Error, Gate};
use kefu_db::billing::StoreAgent;
use kefu_db::contract::msg;
use kefu_domain::{Role, Sender};

use crate::common;
use common::fresh;

on_both!(settings_calendar_rosters_adherence);

fn day(text: &str) -> i32 {
    day_number(text.parse().unwrap()) as i32
}

/// Two agents on dy-1 (小美 passed the assessment, 小林 failed it), a
/// buyer every Monday to Sunday at 10:40 for five weeks from 2026-10-26,
/// answered by 小美; on 2025-11-11 (last year's 双11) six sessions against
/// two on each of the four Tuesdays before.
async fn seed(g: &Gate) {
    let mut m = Vec::new();
    let mut n = 0;
    let mut session = |m: &mut Vec<_>, date: &str, time: &str, reply: &str| {
        n += 1;
        let b = format!("b{n}");
        m.push(msg(
            "dy-1",
            &format!("q{n}"),
            &b,
            Sender::Buyer,
            None,
            &format!("{date} {time}"),
            "在吗",
        ));
        m.push(msg(
            "dy-1",
            &format!("a{n}"),
            &b,
            Sender::Agent,
            Some("dy-1:小美"),
            &format!("{date} {reply}"),
            "在的",
        ));
    };
    for d in 0..35 {
        let date = kefu_app::contracts::date_of(i64::from(day("2026-10-26") + d)).to_string();
        session(&mut m, &date, "10:40:00", "10:41:00");
    }
    // 2026-11-30: 小美 writes 08:20–16:00 (a shift 08:00–16:30 planned
    // below: 20 minutes late, 30 early).
    session(&mut m, "2026-11-30", "08:19:00", "08:20:00");
    session(&mut m, "2026-11-30", "11:59:00", "12:00:00");
    session(&mut m, "2026-11-30", "15:58:00", "15:59:00");
    for (date, count) in [
        ("2025-10-14", 2),
        ("2025-10-21", 2),
        ("2025-10-28", 2),
        ("2025-11-04", 2),
        ("2025-11-11", 6),
    ] {
        for k in 0..count {
            session(&mut m, date, &format!("1{k}:00:00"), &format!("1{k}:01:00"));
        }
    }
    let mut tx = g.begin_import().await.unwrap();
    tx.add_messages(&m).await.unwrap();
    tx.commit().await.unwrap();
    for (agent, account, role) in [
        ("小美", "dy-1:小美", "presale"),
        ("小林", "dy-1:小林", "presale"),
    ] {
        g.save_store_agent(&StoreAgent {
            store: "dy-1".into(),
            agent: agent.into(),
            account: account.into(),
            team: Some("一组".into()),
            role: role.into(),
        })
        .await
        .unwrap();
    }
    let on = parse_date("on", "2026-10-01").unwrap();
    g.record_assessment("小美", "dy-1", on, 90.0, 80.0)
        .await
        .unwrap();
    g.record_assessment("小林", "dy-1", on, 60.0, 80.0)
        .await
        .unwrap();
}

async fn user(app: &App, g: &Gate, name: &str, role: Role, accounts: &[&str]) -> Gate {
    if role == Role::Client {
        g.save_client("ACME", &["dy-1".to_string()]).await.unwrap();
    }
    g.create_user(&UserRequest {
        username: name.into(),
        role: Some(role),
        client: (role == Role::Client).then(|| "ACME".to_string()),
        agent_accounts: accounts.iter().map(|a| a.to_string()).collect(),
        ..UserRequest::default()
    })
    .await
    .unwrap();
    app.gate(Actor::user(&g.user_named(name).await.unwrap()))
}

async fn settings_calendar_rosters_adherence(app: App) {
    let g = app.gate(Actor::command_line());
    seed(&g).await;

    // Settings: the defaults until saved; a bad text names its field and
    // saves nothing.
    assert_eq!(g.plan_settings().await.unwrap().version, None);
    let bad = "[[store]]\ncode = \"dy-1\"\ntarget = 2";
    match g.save_plan_settings(bad).await {
        Err(Error::Invalid { zh, .. }) => assert!(zh.contains("store[1].target"), "{zh}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(g.plan_settings().await.unwrap().version, None);
    let text = format!(
        "{}\n[[agent]]\nname = \"小美\"\ncontract_hours = 40\nleave = [\"2026-12-02\"]\n",
        kefu_wfm::plan::DEFAULT_SETTINGS
    );
    let v = g.save_plan_settings(&text).await.unwrap();
    assert_eq!(g.plan_settings().await.unwrap().version, Some(v));

    // The calendar: learnt from 2025-11-11 (6 against a mean of 2 → 3.0),
    // set by hand, removed.
    let double11 = day("2026-11-11");
    let p = g.learn_promotion("dy-1", double11, "双11").await.unwrap();
    assert_eq!((p.multiplier, p.source.as_str()), (3.0, "learnt"));
    assert!(matches!(
        g.learn_promotion("dy-1", day("2026-06-18"), "618").await,
        Err(Error::Invalid { .. })
    ));
    g.set_promotion("dy-1", day("2026-12-05"), 5.0, "双12")
        .await
        .unwrap();
    assert!(matches!(
        g.set_promotion("dy-1", day("2026-12-05"), 0.0, "x").await,
        Err(Error::Invalid { .. })
    ));
    let days: Vec<String> = g
        .promotions(Some("dy-1"))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.date)
        .collect();
    assert_eq!(days, ["2026-11-11", "2026-12-05"]);
    g.remove_promotion("dy-1", day("2026-11-11")).await.unwrap();
    assert!(matches!(
        g.remove_promotion("dy-1", day("2026-11-11")).await,
        Err(Error::NotFound)
    ));

    // The instance from the database: 小美 qualified for dy-1, 小林 (failed
    // the assessment) for none; presale needs one agent on duty in every
    // interval of the service hours (08:00–24:00), days from 2026-12-01.
    let from = day("2026-12-01");
    let i = g.roster_instance(from, 7).await.unwrap();
    let names: Vec<(&str, usize)> = i
        .agents
        .iter()
        .map(|a| (a.name.as_str(), a.stores.len()))
        .collect();
    assert_eq!(names, [("小林", 0), ("小美", 1)]);
    assert!(i.agents[1].leave.contains(&day("2026-12-02")));
    assert_eq!(
        i.requirements.len(),
        7 * 32,
        "16 hours × 2 intervals × 7 days"
    );
    assert!(
        i.requirements
            .iter()
            .all(|r| r.store == "dy-1" && r.skill == "presale" && r.agents == 1)
    );

    // Solved and kept: 小美 works at most 6 days and never on leave.
    let (id, solved) = g.plan_roster(from, 7, 50_000, true).await.unwrap();
    let id = id.unwrap();
    let mine: Vec<i32> = solved
        .answer
        .assignments
        .iter()
        .filter(|a| a.agent == "小美")
        .map(|a| a.date)
        .collect();
    assert!(
        !mine.is_empty() && mine.len() <= 6 && !mine.contains(&day("2026-12-02")),
        "{mine:?}"
    );
    assert!(solved.answer.assignments.iter().all(|a| a.agent == "小美"));
    assert!(
        !solved.answer.gaps.is_empty(),
        "one agent cannot cover 16 h × 7"
    );
    let stored = g.roster(id).await.unwrap();
    assert!(stored.whole);
    assert_eq!(stored.solved.answer.assignments, solved.answer.assignments);
    assert_eq!(stored.solved.answer.gaps.len(), solved.answer.gaps.len());

    // An imported roster for 2026-11-30: 小美 early shift 08:00–16:30.
    let nov = g.roster_instance(day("2026-11-30"), 1).await.unwrap();
    let toml = kefu_wfm::plan::instance_toml(&nov);
    let csv = kefu_wfm::plan::requirements_csv(&nov);
    let broken = "agent,date,shift,store,skill\n小林,2026-11-30,E,dy-1,presale\n";
    match g.import_roster(&toml, &csv, broken, "").await {
        Err(Error::Invalid { en, .. }) => assert!(en.contains("小林"), "{en}"),
        other => panic!("an unqualified agent is refused: {other:?}"),
    }
    let plan = "agent,date,shift,store,skill\n小美,2026-11-30,E,dy-1,presale\n";
    let nov_id = g
        .import_roster(&toml, &csv, plan, "from Excel")
        .await
        .unwrap();
    assert_eq!(g.rosters().await.unwrap()[0].id, nov_id);

    // Adherence of 2026-11-30: 08:20–16:00 against 08:00–16:30; and the
    // 10:41 reply of that day is inside. The Sunday before has work and
    // no roster: unrostered.
    let rows = g
        .adherence(day("2026-11-29"), day("2026-11-30"))
        .await
        .unwrap();
    let r = rows.iter().find(|r| r.date == "2026-11-30").unwrap();
    assert_eq!(
        (r.shift.as_deref(), r.late_minutes, r.early_minutes),
        (Some("E"), 20, 30)
    );
    assert_eq!(r.worked.as_deref(), Some("08:20–16:00"));
    let sunday = rows.iter().find(|r| r.date == "2026-11-29").unwrap();
    assert_eq!(
        (sunday.shift.as_deref(), sunday.unrostered_minutes),
        (None, 1)
    );

    // The surge of 2026-12-05 (×5): one session a day at 10:40 in the
    // history, five times that forecast; the roster of the week covers
    // the day.
    let s = g.surge("dy-1", day("2026-12-05")).await.unwrap();
    assert_eq!(s.multiplier, Some(5.0));
    assert_eq!(s.roster, Some(id));
    let at = s.rows.iter().find(|r| r.interval == "10:30").unwrap();
    assert!(
        (at.forecast - at.ordinary_forecast * 5.0).abs() < 0.05,
        "{at:?}"
    );
    assert!(at.required >= at.ordinary_required && at.scheduled.is_some());

    // Who sees what: the agent 小美 her own shifts, no coverage; another
    // agent none; a client nothing at all.
    let own = user(&app, &g, "mei", Role::Agent, &["dy-1:小美"]).await;
    let seen = own.roster(id).await.unwrap();
    assert!(
        !seen.whole && seen.solved.answer.coverage.is_empty() && seen.solved.answer.gaps.is_empty()
    );
    assert_eq!(seen.solved.answer.assignments.len(), mine.len());
    assert!(
        own.roster_instance(from, 7).await.is_err(),
        "agents do not plan"
    );
    assert!(matches!(
        own.save_plan_settings(&text).await,
        Err(Error::Forbidden)
    ));
    let other = user(&app, &g, "lin", Role::Agent, &["dy-1:小林"]).await;
    assert!(
        other
            .roster(id)
            .await
            .unwrap()
            .solved
            .answer
            .assignments
            .is_empty()
    );
    assert!(
        other
            .adherence(day("2026-11-30"), day("2026-11-30"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        own.adherence(day("2026-11-30"), day("2026-11-30"))
            .await
            .unwrap()
            .len(),
        1
    );
    let client = user(&app, &g, "acme", Role::Client, &[]).await;
    assert!(matches!(client.rosters().await, Err(Error::NotFound)));
    assert!(matches!(client.roster(id).await, Err(Error::NotFound)));
    assert!(matches!(
        client.adherence(from, from).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(g.roster(id + 100).await, Err(Error::NotFound)));
}
