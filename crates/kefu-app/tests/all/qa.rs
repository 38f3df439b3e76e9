//! Quality inspection through the service layer on both databases: the
//! review workflow (sample, review, appeal, decision) with who may do what,
//! clients never seeing internal comments, every step recorded, reviewed
//! sessions pinned against re-inspection, and findings and scores within
//! each role's scope.

use kefu_app::accounts::UserRequest;
use kefu_app::qa::QaFilter;
use kefu_app::qa_report::{Period, QaReport, ReportBy};
use kefu_app::qa_review::ReviewRequest;
use kefu_app::{Actor, App, Error};
use kefu_db::qa::ScoreGrouping;
use kefu_domain::Role;
use kefu_qa::review::ScoreItem;

use crate::common;
use common::fresh;

on_both!(
    review_appeal_and_decision,
    findings_and_scores_within_each_scope,
    try_before_publishing,
    report_per_period_group_and_scope,
);

fn user(name: &str, role: Role) -> UserRequest {
    UserRequest {
        username: name.into(),
        role: Some(role),
        ..UserRequest::default()
    }
}

/// The records of the QA contract (two stores, findings of several rules),
/// and users: two inspectors, the agent 小美 of dy-1, a team lead of a team
/// without her, a client of dy-1 and one of tm-2.
async fn setup(app: &App) {
    let cli = app.gate(Actor::command_line());
    let mut tx = cli.begin_import().await.unwrap();
    tx.add_messages(&kefu_db::qa_contract::records())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    for name in ["qi1", "qi2"] {
        cli.create_user(&user(name, Role::Inspector)).await.unwrap();
    }
    let mut agent = user("xiaomei", Role::Agent);
    agent.agent_accounts = vec!["dy-1:小美".into()];
    cli.create_user(&agent).await.unwrap();
    cli.save_team("二组", &["tm-2:阿杰".into()]).await.unwrap();
    let mut lead = user("lead", Role::TeamLead);
    lead.team = Some("二组".into());
    cli.create_user(&lead).await.unwrap();
    cli.save_client("抖店甲方", &["dy-1".into()]).await.unwrap();
    cli.save_client("天猫甲方", &["tm-2".into()]).await.unwrap();
    for (name, client) in [("boss-dy", "抖店甲方"), ("boss-tm", "天猫甲方")] {
        let mut c = user(name, Role::Client);
        c.client = Some(client.into());
        cli.create_user(&c).await.unwrap();
    }
}

async fn as_user(app: &App, name: &str) -> kefu_app::Gate {
    let u = app
        .gate(Actor::command_line())
        .user_named(name)
        .await
        .unwrap();
    app.gate(Actor::user(&u))
}

fn day(d: &str) -> i32 {
    kefu_domain::time::parse_day(d).unwrap()
}

async fn review_appeal_and_decision(app: App) {
    setup(&app).await;
    let cli = app.gate(Actor::command_line());
    let qi1 = as_user(&app, "qi1").await;
    let qi2 = as_user(&app, "qi2").await;
    let agent = as_user(&app, "xiaomei").await;
    let boss_dy = as_user(&app, "boss-dy").await;
    let boss_tm = as_user(&app, "boss-tm").await;
    let lead = as_user(&app, "lead").await;

    // The scorecard, by an inspector; an agent may not change it.
    let card = vec![
        ScoreItem {
            id: "tone".into(),
            name: "语气礼貌".into(),
            points: 5,
            critical: false,
        },
        ScoreItem {
            id: "privacy".into(),
            name: "泄露买家信息".into(),
            points: 0,
            critical: true,
        },
    ];
    assert!(matches!(
        agent.qa_set_scorecard(&card).await,
        Err(Error::Forbidden)
    ));
    qi1.qa_set_scorecard(&card).await.unwrap();
    assert_eq!(agent.qa_scorecard().await.unwrap(), card);

    // The sample of 2026-11-11 holds the critical session of b1.
    assert!(matches!(
        agent.qa_sample(day("2026-11-11"), Some(3), None).await,
        Err(Error::Forbidden)
    ));
    let sample = qi1
        .qa_sample(day("2026-11-11"), Some(3), None)
        .await
        .unwrap();
    assert!(sample.drawn_now);
    let again = qi2
        .qa_sample(day("2026-11-11"), Some(99), None)
        .await
        .unwrap();
    assert!(
        !again.drawn_now && again.sample == sample.sample,
        "drawn once, with its seed"
    );
    let queue = qi1.qa_queue(&QaFilter::default()).await.unwrap();
    let (session, reason) = queue
        .iter()
        .find(|(s, _)| s.buyer == "b1")
        .expect("b1 queued")
        .clone();
    assert_eq!(reason, "critical");
    let (conv, start) = (session.conv_id, session.start_ms);

    // A review by qi1: tone failed, the slow-reply finding dismissed.
    let d = qi1.qa_session(conv, start).await.unwrap();
    let slow = d
        .findings
        .iter()
        .find(|f| f.rule == "slow")
        .expect("slow")
        .id;
    let off = d
        .findings
        .iter()
        .find(|f| f.rule == "offplatform")
        .expect("offplatform")
        .clone();
    let total: i64 = d.findings.iter().map(|f| f.points).sum();
    let slow_points = d.findings.iter().find(|f| f.id == slow).unwrap().points;
    let request = ReviewRequest {
        failed_items: vec!["tone".into()],
        dismissed: vec![slow],
        comment: "内部意见：语气生硬".into(),
    };
    assert!(
        matches!(
            agent.qa_review(conv, start, &request).await,
            Err(Error::Forbidden)
        ),
        "an agent cannot review"
    );
    let bad = ReviewRequest {
        failed_items: vec!["nope".into()],
        ..request.clone()
    };
    assert!(matches!(
        qi1.qa_review(conv, start, &bad).await,
        Err(Error::Invalid {
            field: Some("items"),
            ..
        })
    ));
    qi1.qa_review(conv, start, &request).await.unwrap();
    assert!(
        matches!(
            qi2.qa_review(conv, start, &request).await,
            Err(Error::Conflict { .. })
        ),
        "reviewed once"
    );
    let reviewed = 100 - (total - slow_points) - 5;
    let d = qi2.qa_session(conv, start).await.unwrap();
    assert_eq!(d.review.as_ref().unwrap().score, reviewed);
    assert_eq!(d.session.final_score, Some(reviewed));
    assert!(d.session.reviewed && d.session.pinned);

    // The agent appeals the off-platform finding and the review, once each.
    assert!(matches!(
        agent.qa_appeal(conv, start, Some(off.id), "  ").await,
        Err(Error::Invalid {
            field: Some("reason"),
            ..
        })
    ));
    assert!(
        matches!(
            agent.qa_appeal(conv, start, Some(slow), "x").await,
            Err(Error::Invalid {
                field: Some("finding"),
                ..
            })
        ),
        "a dismissed finding is not appealed"
    );
    let appeal_finding = agent
        .qa_appeal(conv, start, Some(off.id), "买家先问的微信支付")
        .await
        .unwrap();
    assert!(
        matches!(
            agent.qa_appeal(conv, start, Some(off.id), "再申诉").await,
            Err(Error::Conflict { .. })
        ),
        "a second appeal is refused"
    );
    let appeal_review = agent
        .qa_appeal(conv, start, None, "语气没有问题")
        .await
        .unwrap();
    // A team lead of another team, and inspectors, may not appeal it.
    assert!(matches!(
        lead.qa_appeal(conv, start, None, "x").await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        qi2.qa_appeal(conv, start, None, "x").await,
        Err(Error::Forbidden)
    ));

    // The reviewer cannot decide; a second inspector does.
    assert!(matches!(
        qi1.qa_decide(appeal_finding, false, "").await,
        Err(Error::Conflict { .. })
    ));
    assert!(matches!(
        agent.qa_decide(appeal_finding, false, "").await,
        Err(Error::Forbidden)
    ));
    qi2.qa_decide(appeal_finding, false, "内部：确认是买家先提")
        .await
        .unwrap();
    assert!(
        matches!(
            qi2.qa_decide(appeal_finding, true, "").await,
            Err(Error::Conflict { .. })
        ),
        "decided once"
    );
    let d = qi2.qa_session(conv, start).await.unwrap();
    assert_eq!(
        d.session.final_score,
        Some(reviewed + off.points),
        "the overturned finding falls"
    );
    qi2.qa_decide(appeal_review, false, "内部：语气可接受")
        .await
        .unwrap();
    let d = qi2.qa_session(conv, start).await.unwrap();
    assert_eq!(
        d.session.final_score,
        Some(reviewed + off.points + 5),
        "the review's deductions fall"
    );
    let scores = qi2
        .qa_scores(
            ScoreGrouping {
                store: true,
                ..Default::default()
            },
            &QaFilter::default(),
        )
        .await
        .unwrap();
    let dy = scores
        .iter()
        .find(|r| r.store.as_deref() == Some("dy-1"))
        .unwrap();
    assert_eq!(dy.reviewed_sessions, 1);
    assert_ne!(
        dy.auto_score, dy.final_score,
        "the final score follows: {dy:?}"
    );

    // Clients: their own stores only, and never an internal comment.
    assert!(matches!(
        boss_tm.qa_session(conv, start).await,
        Err(Error::NotFound)
    ));
    let seen = boss_dy.qa_session(conv, start).await.unwrap();
    assert!(seen.review.as_ref().unwrap().comment.is_empty());
    assert!(seen.appeals.iter().all(|a| a.decision_reason.is_none()));
    assert!(
        boss_dy
            .qa_appeals(false)
            .await
            .unwrap()
            .iter()
            .all(|a| a.decision_reason.is_none())
    );
    assert!(boss_tm.qa_appeals(false).await.unwrap().is_empty());
    let internal = qi2.qa_session(conv, start).await.unwrap();
    assert_eq!(internal.review.unwrap().comment, "内部意见：语气生硬");
    assert_eq!(
        agent.qa_appeals(true).await.unwrap().len(),
        0,
        "both decided"
    );

    // Re-inspection with other rules keeps the pinned session's findings
    // and their version.
    let none = "[[override]]\nrule = \"offplatform\"\ndisabled = true\n";
    let v = qi1.qa_rules_import(Some("dy-1"), none, "").await.unwrap();
    qi1.qa_run(None, None, None).await.unwrap();
    let d = qi1.qa_session(conv, start).await.unwrap();
    assert!(
        d.findings
            .iter()
            .any(|f| f.rule == "offplatform" && f.version < v),
        "pinned"
    );

    // Every step is recorded with who did it.
    let log = cli.audit_entries(100).await.unwrap();
    let did = |action: &str, who: &str| {
        log.iter()
            .filter(|e| e.action == action && e.actor_name == who)
            .count()
    };
    assert_eq!(did("qa.scorecard", "qi1"), 1);
    assert_eq!(did("qa.sample", "qi1"), 1);
    assert_eq!(did("qa.review", "qi1"), 1);
    assert_eq!(did("qa.appeal", "xiaomei"), 2);
    assert_eq!(did("qa.decide", "qi2"), 2);
    assert_eq!(did("qa.rules", "qi1"), 1);
    assert_eq!(did("qa.run", "qi1"), 1);
}

async fn findings_and_scores_within_each_scope(app: App) {
    setup(&app).await;
    let all = app
        .gate(Actor::command_line())
        .qa_findings(&QaFilter::default())
        .await
        .unwrap();
    let agent = as_user(&app, "xiaomei").await;
    let mine = agent.qa_findings(&QaFilter::default()).await.unwrap();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|f| f.agent.as_deref() == Some("dy-1:小美")));
    assert_eq!(
        mine.len(),
        all.iter()
            .filter(|f| f.agent.as_deref() == Some("dy-1:小美"))
            .count()
    );
    let other = QaFilter {
        agent: Some("tm-2:阿杰".into()),
        ..Default::default()
    };
    assert!(matches!(
        agent.qa_findings(&other).await,
        Err(Error::NotFound)
    ));
    let lead = as_user(&app, "lead").await;
    assert!(
        lead.qa_findings(&QaFilter::default())
            .await
            .unwrap()
            .iter()
            .all(|f| f.agent.as_deref() == Some("tm-2:阿杰"))
    );
    let boss = as_user(&app, "boss-tm").await;
    let theirs = boss.qa_findings(&QaFilter::default()).await.unwrap();
    assert!(!theirs.is_empty() && theirs.iter().all(|f| f.store == "tm-2"));
    let dy = QaFilter {
        store: Some("dy-1".into()),
        ..Default::default()
    };
    assert!(matches!(boss.qa_findings(&dy).await, Err(Error::NotFound)));
    assert!(matches!(
        boss.qa_scores(ScoreGrouping::default(), &dy).await,
        Err(Error::NotFound)
    ));
    let rows = boss
        .qa_scores(
            ScoreGrouping {
                store: true,
                agent: true,
                date: true,
            },
            &QaFilter::default(),
        )
        .await
        .unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.store.as_deref() == Some("tm-2")));
    assert!(matches!(
        boss.qa_rules_export(None).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        agent.qa_run(None, None, None).await,
        Err(Error::Forbidden)
    ));
    // A rule set that does not read is refused with the rule and field.
    let qi = as_user(&app, "qi1").await;
    let bad = "[[rule]]\nid = \"x\"\nkind = \"keyword\"\nseverity = \"major\"\npoints = 300\nphrases = [\"a\"]\n";
    match qi.qa_rules_import(None, bad, "").await {
        Err(Error::Invalid { en, zh, .. }) => {
            assert!(en.contains("rule 1 (x), points"), "{en}");
            assert!(zh.contains("0 到 100"), "{zh}");
        }
        other => panic!("{other:?}"),
    }
}

/// A draft is tried over the last days against the rules in force: what it
/// adds and removes, and nothing stored.
async fn try_before_publishing(app: App) {
    setup(&app).await;
    let qi = as_user(&app, "qi1").await;
    let before = qi.qa_findings(&QaFilter::default()).await.unwrap();
    let versions = qi.qa_rule_versions().await.unwrap();
    // A provider draft with one more rule: 便宜 in 小美's message of 11-11;
    // over the last day (11-12) it adds nothing, over two days one.
    let draft = format!(
        "{}\n[[rule]]\nid = \"price\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"便宜\"]\n",
        kefu_qa::DEFAULT_RULES
    );
    let (from, to, t) = qi.qa_try(None, &draft, 1).await.unwrap();
    assert_eq!((from, to), (day("2026-11-12"), day("2026-11-12")));
    assert!(t.added.is_empty() && t.removed.is_empty(), "{t:?}");
    let (_, _, t) = qi.qa_try(None, &draft, 2).await.unwrap();
    assert_eq!(t.by_rule.get("price"), Some(&(1, 0)), "{t:?}");
    assert_eq!(t.added[0].matched.as_deref(), Some("便宜"));
    assert_eq!(t.draft, t.current + 1);
    // A store's draft overrides switching off-platform off for dy-1.
    let off = "[[override]]\nrule = \"offplatform\"\ndisabled = true\n";
    let (_, _, t) = qi.qa_try(Some("dy-1"), off, 7).await.unwrap();
    assert_eq!(t.by_rule.get("offplatform"), Some(&(0, 1)), "{t:?}");
    assert!(t.removed.iter().all(|f| f.store == "dy-1"));
    // Nothing was stored; a bad draft is refused; an agent may not try.
    assert_eq!(qi.qa_findings(&QaFilter::default()).await.unwrap(), before);
    assert_eq!(qi.qa_rule_versions().await.unwrap(), versions);
    assert!(matches!(
        qi.qa_try(None, "[[rule]]\nid = 1\n", 7).await,
        Err(Error::Invalid { .. })
    ));
    let agent = as_user(&app, "xiaomei").await;
    assert!(matches!(
        agent.qa_try(None, &draft, 7).await,
        Err(Error::Forbidden)
    ));
}

/// Sums of a report's rows: (inspected, manual, findings, by severity,
/// appeals, decided and open).
fn totals(r: &QaReport) -> (i64, i64, i64, i64, i64, i64) {
    let sum = |f: fn(&kefu_app::qa_report::ReportRow) -> i64| r.rows.iter().map(f).sum::<i64>();
    (
        sum(|x| x.sessions_inspected),
        sum(|x| x.manual_sessions),
        sum(|x| x.findings),
        sum(|x| x.critical + x.major + x.minor + x.alert),
        sum(|x| x.appeals),
        sum(|x| x.upheld + x.overturned + x.open),
    )
}

/// The report adds up to the scores and findings it is made of, per store,
/// agent and team and per week and month; counts appeals and their
/// outcomes; and keeps to each viewer's scope.
async fn report_per_period_group_and_scope(app: App) {
    setup(&app).await;
    let cli = app.gate(Actor::command_line());
    let all = QaFilter::default();
    let findings = cli.qa_findings(&all).await.unwrap();
    let scores = cli.qa_scores(ScoreGrouping::default(), &all).await.unwrap();
    let (inspected, manual) = (scores[0].sessions_inspected, scores[0].manual_sessions);
    let n = findings.len() as i64;
    for by in [ReportBy::Store, ReportBy::Agent, ReportBy::Team] {
        for period in [Period::Week, Period::Month] {
            let r = cli.qa_report(&all, by, period).await.unwrap();
            let (i, m, f, sev, a, outcomes) = totals(&r);
            assert_eq!(
                (i, m, f, sev),
                (inspected, manual, n, n),
                "{by:?} {period:?}"
            );
            assert_eq!((a, outcomes), (0, 0));
            assert_eq!(r.by_rule.iter().map(|c| c.findings).sum::<i64>(), n);
            let scored: i64 = r.distribution.iter().map(|b| b.auto).sum();
            assert_eq!(scored, manual);
        }
    }
    // The contract's records are of 2026-11-11 and 11-12: one month, and
    // one week from Monday 11-09.
    let month = cli
        .qa_report(&all, ReportBy::Store, Period::Month)
        .await
        .unwrap();
    assert_eq!(month.periods, vec!["2026-11".to_string()]);
    let week = cli
        .qa_report(&all, ReportBy::Store, Period::Week)
        .await
        .unwrap();
    assert_eq!(week.periods, vec!["2026-11-09".to_string()]);
    let stores: Vec<_> = month.rows.iter().map(|r| r.group.clone()).collect();
    assert_eq!(
        stores,
        vec![Some("dy-1".to_string()), Some("tm-2".to_string())]
    );
    let per_rule = |rule: &str| findings.iter().filter(|f| f.rule == rule).count() as i64;
    for c in &month.by_rule {
        assert_eq!(c.findings, per_rule(&c.rule), "{}", c.rule);
    }
    // By team: 阿杰 is in 二组; everyone else shares the row without a team.
    let teams = cli
        .qa_report(&all, ReportBy::Team, Period::Month)
        .await
        .unwrap();
    let team = teams
        .rows
        .iter()
        .find(|r| r.group.as_deref() == Some("二组"))
        .unwrap();
    let his = findings
        .iter()
        .filter(|f| f.agent.as_deref() == Some("tm-2:阿杰"))
        .count() as i64;
    assert_eq!(team.findings, his);
    assert!(
        teams
            .rows
            .iter()
            .all(|r| r.group.is_none() || r.group.as_deref() == Some("二组"))
    );
    // An appeal, open and then overturned, counts in 小美's row.
    let agent = as_user(&app, "xiaomei").await;
    let mine = findings
        .iter()
        .find(|f| f.agent.as_deref() == Some("dy-1:小美"))
        .unwrap();
    let id = agent
        .qa_appeal(mine.conv_id, mine.start_ms, Some(mine.id), "不是站外")
        .await
        .unwrap();
    let by_agent = |r: &QaReport| {
        r.rows
            .iter()
            .find(|x| x.group.as_deref() == Some("dy-1:小美"))
            .map(|x| (x.appeals, x.upheld, x.overturned, x.open))
    };
    let r = cli
        .qa_report(&all, ReportBy::Agent, Period::Month)
        .await
        .unwrap();
    assert_eq!(by_agent(&r), Some((1, 0, 0, 1)));
    as_user(&app, "qi2")
        .await
        .qa_decide(id, false, "误报")
        .await
        .unwrap();
    let r = cli
        .qa_report(&all, ReportBy::Agent, Period::Month)
        .await
        .unwrap();
    assert_eq!(by_agent(&r), Some((1, 0, 1, 0)));
    // Each viewer's report holds only what they may see.
    let boss = as_user(&app, "boss-tm").await;
    let theirs = boss
        .qa_report(&all, ReportBy::Store, Period::Month)
        .await
        .unwrap();
    assert!(
        theirs
            .rows
            .iter()
            .all(|r| r.group.as_deref() == Some("tm-2"))
    );
    assert!(theirs.worst.iter().all(|s| s.store == "tm-2"));
    let r = agent
        .qa_report(&all, ReportBy::Agent, Period::Week)
        .await
        .unwrap();
    assert!(!r.rows.is_empty());
    assert!(
        r.rows
            .iter()
            .all(|x| x.group.as_deref() == Some("dy-1:小美"))
    );
    let dy = QaFilter {
        store: Some("dy-1".into()),
        ..Default::default()
    };
    assert!(matches!(
        boss.qa_report(&dy, ReportBy::Store, Period::Month).await,
        Err(Error::NotFound)
    ));
}
