//! Workforce planning through the service layer on both databases: the
//! interval volumes the import keeps (sessions that need a human per local
//! 30-minute interval, from the KPI facts), a store's forecast for a week
//! by the default method of wfm.md §1 checked by hand, a promotion
//! multiplier, the WAPE of the last complete week, the handle time and
//! the agents each interval needs; and who may plan.

use kefu_app::accounts::UserRequest;
use kefu_app::contracts::day_number;
use kefu_app::{Actor, App, Error, Gate};
use kefu_db::contract::msg;
use kefu_domain::{Role, Sender};
use std::collections::BTreeMap;

use crate::common;
use common::fresh;

on_both!(volumes_and_forecast);

fn cli(app: &App) -> Gate {
    app.gate(Actor::command_line())
}

fn day(text: &str) -> i32 {
    day_number(text.parse().unwrap()) as i32
}

async fn volumes_and_forecast(app: App) {
    let g = cli(&app);
    // Four Mondays: at 10:40, 1, 2, 3 and 4 answered sessions (interval
    // 21, 10:30–11:00); at 10:05 one unanswered session (interval 20);
    // a bot-only session would need no human (none here).
    let mut messages = Vec::new();
    for (w, monday) in ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
        .iter()
        .enumerate()
    {
        for k in 0..=w {
            let b = format!("b{w}{k}");
            messages.push(msg(
                "dy-1",
                &format!("q{w}{k}"),
                &b,
                Sender::Buyer,
                None,
                &format!("{monday} 10:40:00"),
                "在吗",
            ));
            messages.push(msg(
                "dy-1",
                &format!("a{w}{k}"),
                &b,
                Sender::Agent,
                Some("dy-1:小美"),
                &format!("{monday} 10:40:20"),
                "在的",
            ));
        }
        if w == 3 {
            // A second reply a minute later: the handle time of that
            // session is 60 s (first to last agent message).
            messages.push(msg(
                "dy-1",
                "a30b",
                "b30",
                Sender::Agent,
                Some("dy-1:小美"),
                &format!("{monday} 10:41:20"),
                "好的",
            ));
        }
        let b = format!("u{w}");
        messages.push(msg(
            "dy-1",
            &format!("u{w}"),
            &b,
            Sender::Buyer,
            None,
            &format!("{monday} 10:05:00"),
            "有人吗",
        ));
    }
    let mut tx = g.begin_import().await.unwrap();
    tx.add_messages(&messages).await.unwrap();
    tx.commit().await.unwrap();

    let v = g
        .interval_volumes("dy-1", day("2026-11-23"), day("2026-11-23"))
        .await
        .unwrap();
    let monday = day("2026-11-23");
    assert_eq!(v.get(&(monday, 21)), Some(&4.0));
    assert_eq!(v.get(&(monday, 20)), Some(&1.0));
    assert_eq!(v.values().sum::<f64>(), 5.0);

    let week = day("2026-11-30");
    let f = g.forecast("dy-1", week, 4, &BTreeMap::new()).await.unwrap();
    assert_eq!(f.rows.len(), 7 * 48);
    // Means of the last four Mondays: interval 21 (1+2+3+4)/4 = 2.5,
    // interval 20 1; the trend is the last week's total (5) over the
    // means' total (3.5): 1.428571…; so 2.5 × 1.428571 = 3.57 and 1.43.
    assert!((f.trend - 5.0 / 3.5).abs() < 1e-9, "{}", f.trend);
    let at = |f: &kefu_app::wfm::ForecastView, date: &str, interval: &str| {
        f.rows
            .iter()
            .find(|r| r.date == date && r.interval == interval)
            .unwrap()
            .forecast
    };
    assert_eq!(at(&f, "2026-11-30", "10:30"), 3.57);
    assert_eq!(at(&f, "2026-11-30", "10:00"), 1.43);
    assert_eq!(at(&f, "2026-12-01", "10:30"), 0.0);
    // The last complete week in the history, 11-16, forecast from the four
    // Mondays before it (10-19 and 10-26 empty): 21: (0+0+1+2)/4 = 0.75,
    // 20: 0.5, trend 3 ÷ 1.25 = 2.4, so 1.8 and 1.2 against 3 and 1:
    // WAPE = (1.2 + 0.2) ÷ 4 = 0.35.
    assert_eq!(f.accuracy_week.as_deref(), Some("2026-11-16"));
    assert!((f.wape.unwrap() - 0.35).abs() < 1e-9, "{:?}", f.wape);
    // AHT: 60 s over the 10 manual sessions, 6 s, plus the 30 s wrap.
    assert_eq!(f.aht_seconds, Some(36.0));
    // Agents on duty for 3.57 chats at 36 s in 30 minutes: A = 0.0714,
    // N ≥ A + 1 gives 2 slots (SL met), ⌈2 ÷ 3⌉ = 1 agent; none for none.
    let row = |date: &str, interval: &str| {
        f.rows
            .iter()
            .find(|r| r.date == date && r.interval == interval)
            .unwrap()
            .clone()
    };
    assert_eq!(row("2026-11-30", "10:30").required, Some(1));
    assert_eq!(row("2026-12-01", "10:30").required, Some(0));
    // A promotion day in the week is multiplied.
    let promo = BTreeMap::from([(week, 2.0)]);
    let p = g.forecast("dy-1", week, 4, &promo).await.unwrap();
    assert_eq!(at(&p, "2026-11-30", "10:30"), 7.14);
    assert_eq!(p.promotion_days, ["2026-11-30"]);

    // Planners only; an unknown store is not found.
    assert!(matches!(
        g.forecast("nope", week, 4, &BTreeMap::new()).await,
        Err(Error::NotFound)
    ));
    for (name, role, client) in [
        ("ag", Role::Agent, None),
        ("cl", Role::Client, Some("ACME")),
    ] {
        if let Some(c) = client {
            g.save_client(c, &["dy-1".to_string()]).await.unwrap();
        }
        g.create_user(&UserRequest {
            username: name.into(),
            role: Some(role),
            client: client.map(str::to_string),
            agent_accounts: if role == Role::Agent {
                vec!["dy-1:小美".into()]
            } else {
                Vec::new()
            },
            ..UserRequest::default()
        })
        .await
        .unwrap();
        let who = app.gate(Actor::user(&g.user_named(name).await.unwrap()));
        assert!(matches!(
            who.forecast("dy-1", week, 4, &BTreeMap::new()).await,
            Err(Error::Forbidden)
        ));
    }
}
