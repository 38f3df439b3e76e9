//! Contract checks of the session and transcript reads: the repository's
//! answers equal the pure analysis ([`kefu_kpi::transcript::session_rows`] over
//! [`kefu_kpi::conversation_sessions`]) of the same records, add up to the
//! stored KPI facts, and show the hand-checked figures of the sample.

use super::{import, msg, order, sample};
use crate::Repository;
use anyhow::{Result, ensure};
use kefu_domain::time::parse_day;
use kefu_domain::{Message, MessageKind, Order, Rating, Sender, StoreSettings};
use kefu_kpi::stored::{MessageRow, OrderRow, kind_code, sender_code};
use kefu_kpi::transcript::{SessionQuery, SessionRow, session_rows};
use kefu_kpi::{Counter, Filter, Grouping, Params, RoundOutcome, SessionKind};

/// The sample with a rating invitation in dy-1 b1's session and an
/// after-sales inquiry of b3 (who paid o3 on 11-05) on 11-06.
fn records() -> (Vec<Message>, Vec<Order>, Vec<Rating>) {
    let (mut m, o, r) = sample();
    let mut invite = msg(
        "dy-1",
        "m9",
        "b1",
        Sender::Agent,
        Some("dy-1:小美"),
        "2026-11-03 10:05:00",
        "",
    );
    invite.kind = MessageKind::InviteRating;
    m.push(invite);
    m.push(msg(
        "dy-1",
        "m10",
        "b3",
        Sender::Buyer,
        None,
        "2026-11-06 09:00:00",
        "退货",
    ));
    m.push(msg(
        "dy-1",
        "m11",
        "b3",
        Sender::Agent,
        Some("dy-1:小美"),
        "2026-11-06 09:03:01",
        "好的",
    ));
    (m, o, r)
}

fn day(text: &str) -> Result<i32> {
    parse_day(text).map_err(anyhow::Error::msg)
}

/// The pure analysis of the in-memory records of one store (default
/// settings), conversation ids left 0.
fn analysed(q: &SessionQuery, m: &[Message], o: &[Order]) -> Result<Vec<SessionRow>> {
    let mut buyers: Vec<String> = m.iter().map(|x| x.buyer.clone()).collect();
    buyers.extend(o.iter().map(|x| x.buyer.clone()));
    buyers.sort();
    buyers.dedup();
    let conv = |b: &str| buyers.iter().position(|x| x == b).unwrap_or_default() as i64;
    let messages = m
        .iter()
        .enumerate()
        .filter(|(_, x)| x.store == q.store)
        .map(|(i, x)| {
            let row = MessageRow {
                seq: i as i64 + 1,
                sender: sender_code(x.sender),
                kind: kind_code(x.kind),
                agent: x.agent.clone(),
                sent_at: x.sent_at.to_text(),
                content: x.content.clone(),
                message_id: x.message_id.clone(),
            };
            (conv(&x.buyer), row)
        })
        .collect();
    let orders = o
        .iter()
        .filter(|x| x.store == q.store)
        .map(|x| {
            let row = OrderRow {
                created_at: x.created_at.to_text(),
                paid_at: x.paid_at.map(|t| t.to_text()),
                amount_fen: x.amount.0,
            };
            (conv(&x.buyer), row)
        })
        .collect();
    let convs = buyers
        .iter()
        .enumerate()
        .map(|(i, b)| (i as i64, b.clone()))
        .collect();
    let p = Params::new(&StoreSettings::default()).map_err(anyhow::Error::msg)?;
    let mut rows = session_rows(q, &p, &[], convs, messages, orders)?;
    rows.iter_mut().for_each(|r| r.conv_id = 0);
    Ok(rows)
}

async fn listed(repo: &dyn Repository, q: &SessionQuery) -> Result<Vec<SessionRow>> {
    let mut rows = repo.sessions(q).await?;
    rows.iter_mut().for_each(|r| r.conv_id = 0);
    Ok(rows)
}

/// A store's sessions equal the pure analysis of the same records, add up
/// to its KPI counters, and hold the sample's hand-checked figures.
pub async fn sessions_match_the_analysis(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = records();
    import(repo, &m, &o, &r).await?;
    for store in ["dy-1", "tm-2"] {
        let q = SessionQuery {
            store: store.into(),
            ..SessionQuery::default()
        };
        let got = repo.sessions(&q).await?;
        let mut bare = got.clone();
        bare.iter_mut().for_each(|r| r.conv_id = 0);
        ensure!(
            bare == analysed(&q, &m, &o)?,
            "{store}: sessions differ from the analysis:\n{got:#?}"
        );
        let f = Filter {
            store: Some(store.into()),
            ..Filter::default()
        };
        let kpi = repo
            .kpi(Grouping::parse("store").map_err(anyhow::Error::msg)?, &f)
            .await?;
        let t = &kpi[0].1;
        let sum = |f: &dyn Fn(&SessionRow) -> i64| got.iter().map(f).sum::<i64>();
        let kind = |k: SessionKind| sum(&|r| i64::from(r.kind == k));
        let pairs = [
            (Counter::Sessions, got.len() as i64),
            (Counter::ManualSessions, kind(SessionKind::Manual)),
            (Counter::BotSessions, kind(SessionKind::Bot)),
            (Counter::UnansweredSessions, kind(SessionKind::Unanswered)),
            (
                Counter::FirstResponseN,
                sum(&|r| i64::from(r.first_response_ms.is_some())),
            ),
            (
                Counter::FirstResponseMs,
                sum(&|r| r.first_response_ms.unwrap_or(0)),
            ),
            (Counter::HumanRounds, sum(&|r| i64::from(r.human_rounds))),
            (
                Counter::UnansweredRounds,
                sum(&|r| i64::from(r.unanswered_rounds)),
            ),
            (Counter::SlowRounds, sum(&|r| i64::from(r.slow_rounds))),
            (
                Counter::BuyerMessages,
                sum(&|r| i64::from(r.buyer_messages)),
            ),
            (
                Counter::AgentMessages,
                sum(&|r| i64::from(r.agent_messages)),
            ),
            (
                Counter::AfterSalesSessions,
                sum(&|r| i64::from(r.after_sales)),
            ),
            (Counter::InvitedSessions, sum(&|r| i64::from(r.invited))),
            (Counter::SalesFen, sum(&|r| r.sales_fen)),
        ];
        for (c, v) in pairs {
            ensure!(
                t.get(c) == v,
                "{store}: {c:?} is {} in the KPI, {v} in the sessions",
                t.get(c)
            );
        }
    }
    let rows = repo
        .sessions(&SessionQuery {
            store: "dy-1".into(),
            ..SessionQuery::default()
        })
        .await?;
    let starts: Vec<&str> = rows.iter().map(|r| r.start.as_str()).collect();
    ensure!(
        starts
            == [
                "2026-11-06 09:00:00",
                "2026-11-04 09:00:00",
                "2026-11-03 23:59:59",
                "2026-11-03 10:00:00"
            ],
        "dy-1 sessions, newest first: {starts:?}"
    );
    let (b3, b2_late, b2_bot, b1) = (&rows[0], &rows[1], &rows[2], &rows[3]);
    ensure!(
        b1.kind == SessionKind::Manual && b1.invited && !b1.after_sales,
        "b1: {b1:?}"
    );
    ensure!(
        b1.first_response_ms == Some(20_000) && b1.human_rounds == 2 && b1.slow_rounds == 1,
        "b1 rounds: {b1:?}"
    );
    ensure!(
        b1.mean_response_ms == Some(115_000.0)
            && b1.attributed_orders == 1
            && b1.sales_fen == 12_990,
        "b1: {b1:?}"
    );
    ensure!(
        b1.hour == 10 && b1.day == day("2026-11-03")? && b1.agents == ["dy-1:小美"],
        "b1: {b1:?}"
    );
    ensure!(
        b2_bot.kind == SessionKind::Bot && b2_bot.index == 0 && b2_bot.human_rounds == 0,
        "b2: {b2_bot:?}"
    );
    ensure!(
        b2_late.kind == SessionKind::Unanswered
            && b2_late.index == 1
            && b2_late.after_sales
            && b2_late.unanswered_rounds == 1
            && b2_late.receiving_agent.as_deref() == Some("dy-1:售后-阿强"),
        "b2 later: {b2_late:?}"
    );
    ensure!(
        b3.after_sales && b3.slow_rounds == 1 && b3.first_response_ms == Some(181_000),
        "b3: {b3:?}"
    );
    Ok(())
}

/// Day and agent filters keep the sessions asked for; an unknown store has
/// none.
pub async fn sessions_filter_by_day_and_agent(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = records();
    import(repo, &m, &o, &r).await?;
    let q = |from: &str, to: &str, agents: Option<&[&str]>| -> Result<SessionQuery> {
        Ok(SessionQuery {
            store: "dy-1".into(),
            from: Some(day(from)?),
            to: Some(day(to)?),
            agents: agents.map(|a| a.iter().map(|x| x.to_string()).collect()),
        })
    };
    for (query, n) in [
        (q("2026-11-03", "2026-11-03", None)?, 2),
        (q("2026-11-04", "2026-11-30", None)?, 2),
        (q("2026-11-01", "2026-11-30", Some(&["dy-1:小美"]))?, 2),
        (q("2026-11-01", "2026-11-30", Some(&["dy-1:售后-阿强"]))?, 1),
        (q("2026-11-01", "2026-11-30", Some(&["nobody"]))?, 0),
    ] {
        let got = listed(repo, &query).await?;
        ensure!(
            got.len() == n,
            "{query:?}: {} sessions, expected {n}",
            got.len()
        );
        ensure!(
            got == analysed(&query, &m, &o)?,
            "{query:?}: differs from the analysis"
        );
    }
    let unknown = SessionQuery {
        store: "nope".into(),
        ..SessionQuery::default()
    };
    ensure!(repo.sessions(&unknown).await?.is_empty(), "unknown store");
    let tm = SessionQuery {
        store: "tm-2".into(),
        ..SessionQuery::default()
    };
    ensure!(
        repo.sessions(&tm).await?.len() == 1,
        "tm-2: b9's outbound session is not listed"
    );
    Ok(())
}

/// A transcript shows the messages in order with their sessions, the rounds
/// with response times, the attributed order and the counted rating; a
/// conversation of another store or an unknown one is `None`.
pub async fn transcript_shows_rounds_and_attribution(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = records();
    import(repo, &m, &o, &r).await?;
    let rows = repo
        .sessions(&SessionQuery {
            store: "dy-1".into(),
            ..SessionQuery::default()
        })
        .await?;
    let Some(b1) = rows.iter().find(|r| r.buyer == "b1") else {
        anyhow::bail!("b1 listed")
    };
    let Some(t) = repo.conversation("dy-1", b1.conv_id).await? else {
        anyhow::bail!("b1's transcript")
    };
    let ids: Vec<&str> = t.messages.iter().map(|x| x.message_id.as_str()).collect();
    ensure!(
        ids == ["m1", "m2", "m3", "m4", "m9"] && t.buyer == "b1",
        "messages: {ids:?}"
    );
    ensure!(
        t.messages[4].role == kefu_kpi::Role::Invite
            && t.messages[1].sent_at == "2026-11-03 10:00:20",
        "{t:?}"
    );
    ensure!(
        t.messages[3].content == "48小时内发货哦" && t.messages.iter().all(|x| x.session == 0),
        "{t:?}"
    );
    ensure!(
        t.sessions.len() == 1 && t.sessions[0] == *b1,
        "sessions: {:?}",
        t.sessions
    );
    let rounds: Vec<(Option<i64>, bool, bool)> = t
        .rounds
        .iter()
        .map(|x| (x.response_ms, x.counted, x.slow))
        .collect();
    ensure!(
        rounds == [(Some(20_000), true, false), (Some(210_000), true, true)],
        "rounds: {rounds:?}"
    );
    ensure!(
        matches!(t.rounds[0].outcome, RoundOutcome::Human { .. }),
        "round outcome"
    );
    ensure!(
        t.rounds[1].end_seq == Some(t.messages[3].seq)
            && t.rounds[1].start_seq == t.messages[2].seq,
        "seqs"
    );
    ensure!(t.orders.len() == 1, "orders: {:?}", t.orders);
    let o1 = &t.orders[0];
    ensure!(
        o1.order_id == "o1"
            && o1.attributed_agent.as_deref() == Some("dy-1:小美")
            && o1.attributed_message_id.as_deref() == Some("m4")
            && o1.session == Some(0)
            && o1.paid_at.as_deref() == Some("2026-11-03 10:31:00"),
        "o1: {o1:?}"
    );
    let ratings: Vec<(u8, bool)> = t.ratings.iter().map(|x| (x.score, x.counted)).collect();
    ensure!(ratings == [(3, false), (5, true)], "ratings: {ratings:?}");
    ensure!(
        repo.conversation("tm-2", b1.conv_id).await?.is_none(),
        "another store's conversation"
    );
    ensure!(
        repo.conversation("dy-1", 987_654_321).await?.is_none(),
        "unknown conversation"
    );
    let Some(b2) = rows.iter().find(|r| r.buyer == "b2") else {
        anyhow::bail!("b2 listed")
    };
    let Some(t) = repo.conversation("dy-1", b2.conv_id).await? else {
        anyhow::bail!("b2's transcript")
    };
    ensure!(
        t.sessions.len() == 2 && t.orders[0].attributed_agent.is_none(),
        "b2: {t:?}"
    );
    ensure!(
        t.rounds.iter().any(|x| x.outcome == RoundOutcome::Bot),
        "b2's bot round: {:?}",
        t.rounds
    );
    Ok(())
}

/// The (store, agent) pairs of the stored facts, sorted, optionally of
/// some stores only.
pub async fn agents_are_listed(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = records();
    import(repo, &m, &o, &r).await?;
    let pair = |s: &str, a: &str| (s.to_string(), a.to_string());
    let all = repo.agents(None).await?;
    let want = vec![
        pair("dy-1", "dy-1:售后-阿强"),
        pair("dy-1", "dy-1:小美"),
        pair("tm-2", "tm-2:阿杰"),
    ];
    ensure!(all == want, "agents: {all:?}");
    let tm = repo.agents(Some(&["tm-2".to_string()])).await?;
    ensure!(tm == want[2..], "tm-2's agents: {tm:?}");
    Ok(())
}

/// A store of 33,000 messages lists every session with its messages (its
/// speed is measured by the benchmark, not here).
pub async fn sessions_of_a_large_store(repo: &dyn Repository) -> Result<()> {
    let mut m = Vec::new();
    for b in 0..3_000 {
        for i in 0..11 {
            let (sender, agent) = if i % 2 == 0 {
                (Sender::Buyer, None)
            } else {
                (Sender::Agent, Some("dy-9:a"))
            };
            let at = format!(
                "2026-11-{:02} {:02}:{:02}:{:02}",
                1 + b % 28,
                8 + b % 12,
                i * 2,
                b % 60
            );
            m.push(msg(
                "dy-9",
                &format!("m{b}-{i}"),
                &format!("b{b}"),
                sender,
                agent,
                &at,
                "你好",
            ));
        }
    }
    let o: Vec<Order> = (0..3_000)
        .step_by(3)
        .map(|b| {
            order(
                "dy-9",
                &format!("o{b}"),
                &format!("b{b}"),
                "2026-11-15 12:00:00",
                None,
                100,
            )
        })
        .collect();
    import(repo, &m, &o, &[]).await?;
    let q = SessionQuery {
        store: "dy-9".into(),
        ..SessionQuery::default()
    };
    let rows = repo.sessions(&q).await?;
    ensure!(
        rows.len() == 3_000,
        "one session per buyer: {} sessions",
        rows.len()
    );
    let buyer: u32 = rows.iter().map(|r| r.buyer_messages).sum();
    let agent: u32 = rows.iter().map(|r| r.agent_messages).sum();
    ensure!(
        buyer == 18_000 && agent == 15_000,
        "messages {buyer} + {agent}"
    );
    Ok(())
}
