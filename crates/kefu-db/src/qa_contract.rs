//! The contract every [`QaStore`] implementation passes, on a fresh, empty
//! database: imports inspect what they touch exactly as `kefu-qa` inspects
//! the same records in memory; rule versions, store overrides and
//! re-inspection; scores per group; samples kept once.

use crate::contract::{import, msg};
use crate::qa::{QaQuery, ScoreGrouping};
use crate::{AuditEntry, Database};
use anyhow::{Result, anyhow, ensure};
use kefu_domain::{Message, Sender, StoreSettings};
use kefu_kpi::{Params, Role};
use kefu_qa::{Inspector, read_overrides, read_rule_set};
use std::collections::{BTreeMap, HashMap};

/// One finding as the contract compares them: (store, buyer, session
/// start, message id, agent, rule, matched, span).
type Key = (
    String,
    String,
    i64,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<(i64, i64)>,
);

fn entry(action: &str) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms: 1_800_000_000_000,
        actor_kind: "cli".into(),
        user_id: None,
        actor_name: "cli".into(),
        token_id: None,
        action: action.into(),
        subject: String::new(),
        detail: String::new(),
    }
}

/// Records with findings of several rules in two stores.
pub fn records() -> Vec<Message> {
    let a = |store: &str, id: &str, buyer: &str, agent: &str, at: &str, text: &str| {
        msg(store, id, buyer, Sender::Agent, Some(agent), at, text)
    };
    let b = |store: &str, id: &str, buyer: &str, at: &str, text: &str| {
        msg(store, id, buyer, Sender::Buyer, None, at, text)
    };
    vec![
        b(
            "dy-1",
            "m1",
            "b1",
            "2026-11-11 10:00:00",
            "在吗，这个有货吗",
        ),
        a(
            "dy-1",
            "m2",
            "b1",
            "dy-1:小美",
            "2026-11-11 10:00:30",
            "亲，在的，有货哦",
        ),
        b("dy-1", "m3", "b1", "2026-11-11 10:01:00", "能便宜点吗"),
        a(
            "dy-1",
            "m4",
            "b1",
            "dy-1:小美",
            "2026-11-11 10:05:00",
            "加我微信私聊，便宜",
        ),
        b(
            "dy-1",
            "m5",
            "b2",
            "2026-11-11 11:00:00",
            "怎么还不发货，我要投诉",
        ),
        b("tm-2", "m6", "b3", "2026-11-12 09:00:00", "你好"),
        a(
            "tm-2",
            "m7",
            "b3",
            "tm-2:阿杰",
            "2026-11-12 09:00:10",
            "您好，请稍等",
        ),
        b("tm-2", "m8", "b3", "2026-11-12 09:30:00", "在吗"),
    ]
}

/// What `kefu-qa` finds in records held in memory, under each store's
/// settings and a rule set with its overrides per store.
pub fn expected(
    settings: &HashMap<String, StoreSettings>,
    rules: &str,
    overrides: &HashMap<String, String>,
    messages: &[Message],
) -> Result<Vec<Key>> {
    let set = read_rule_set(rules).map_err(|e| anyhow!("{e}"))?;
    let mut convs: BTreeMap<(String, String), Vec<&Message>> = BTreeMap::new();
    for m in messages {
        convs
            .entry((m.store.clone(), m.buyer.clone()))
            .or_default()
            .push(m);
    }
    let mut out = Vec::new();
    for ((store, buyer), msgs) in convs {
        let s = settings.get(&store).cloned().unwrap_or_default();
        let p = Params::new(&s).map_err(anyhow::Error::msg)?;
        let store_set = match overrides.get(&store) {
            Some(text) => {
                set.with_overrides(&read_overrides(text, &set).map_err(|e| anyhow!("{e}"))?)
            }
            None => set.clone(),
        };
        let ins = Inspector::new(&store_set, 0).map_err(|e| anyhow!("{e}"))?;
        let mut agents: Vec<String> = Vec::new();
        let mut list: Vec<(kefu_qa::Message<'_>, &str)> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let agent = m.agent.as_ref().map(|a| {
                    agents.iter().position(|x| x == a).unwrap_or_else(|| {
                        agents.push(a.clone());
                        agents.len() - 1
                    }) as u32
                });
                let role = Role::of(m.sender, m.kind, &m.content, &s.auto_reply_prefixes);
                let qm = kefu_qa::Message {
                    at: p.clock.to_utc_ms(m.sent_at),
                    seq: i as u64,
                    role,
                    agent,
                    text: &m.content,
                    scan: None,
                };
                (qm, m.message_id.as_str())
            })
            .collect();
        list.sort_by_key(|(m, _)| (m.at, m.seq));
        let mut sorted: Vec<kefu_qa::Message<'_>> = list.iter().map(|(m, _)| *m).collect();
        let r = ins.inspect(&p, &mut sorted);
        for f in r.findings {
            out.push((
                store.clone(),
                buyer.clone(),
                r.sessions[f.session].start_ms,
                f.message.map(|i| list[i].1.to_string()),
                f.agent.map(|a| agents[a as usize].clone()),
                ins.rules()[f.rule].id.clone(),
                f.matched,
                f.span.map(|(a, b)| (i64::from(a), i64::from(b))),
            ));
        }
    }
    out.sort();
    Ok(out)
}

async fn stored(db: &dyn Database, q: &QaQuery) -> Result<Vec<Key>> {
    let mut out: Vec<Key> = db
        .qa_findings(q)
        .await?
        .into_iter()
        .map(|f| {
            (
                f.store,
                f.buyer,
                f.start_ms,
                f.message_id,
                f.agent,
                f.rule,
                f.matched,
                f.span,
            )
        })
        .collect();
    out.sort();
    Ok(out)
}

fn rules_of(keys: &[Key]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = keys.iter().map(|k| (k.0.clone(), k.5.clone())).collect();
    v.sort();
    v
}

/// An import inspects the sessions it creates and those it changes, with
/// the shipped default rules as version 1, exactly as in memory.
pub async fn import_inspects(db: &dyn Database) -> Result<()> {
    let m = records();
    import(db, &m[..6], &[], &[]).await?;
    let none = HashMap::new();
    let want = expected(&none, kefu_qa::DEFAULT_RULES, &HashMap::new(), &m[..6])?;
    let got = stored(db, &QaQuery::default()).await?;
    ensure!(got == want, "first import:\n{got:#?}\nagainst\n{want:#?}");
    let rules = rules_of(&got);
    for r in [
        ("dy-1", "offplatform"),
        ("dy-1", "slow"),
        ("dy-1", "complaint"),
        ("dy-1", "unanswered"),
    ] {
        ensure!(
            rules.contains(&(r.0.to_string(), r.1.to_string())),
            "{r:?} found: {rules:?}"
        );
    }
    let versions = db.qa_rule_versions().await?;
    ensure!(
        versions.len() == 1
            && versions[0].store.is_none()
            && versions[0].body == kefu_qa::DEFAULT_RULES,
        "the shipped default is version 1: {versions:?}"
    );
    ensure!(
        db.qa_findings(&QaQuery::default())
            .await?
            .iter()
            .all(|f| f.version == versions[0].version),
        "findings carry it"
    );
    // Re-importing changes nothing; new messages of a stored conversation
    // inspect it again.
    import(db, &m[..6], &[], &[]).await?;
    ensure!(stored(db, &QaQuery::default()).await? == want, "re-import");
    import(db, &m, &[], &[]).await?;
    let want = expected(&none, kefu_qa::DEFAULT_RULES, &HashMap::new(), &m)?;
    let got = stored(db, &QaQuery::default()).await?;
    ensure!(
        got == want,
        "after more messages:\n{got:#?}\nagainst\n{want:#?}"
    );
    ensure!(
        rules_of(&got).contains(&("tm-2".into(), "hold".into())),
        "the hold without a follow-up"
    );
    let sessions = db.qa_sessions(&QaQuery::default()).await?;
    ensure!(
        sessions.len() == 4,
        "four sessions with a buyer message: {sessions:#?}"
    );
    let b1 = sessions
        .iter()
        .find(|s| s.buyer == "b1")
        .ok_or_else(|| anyhow!("b1"))?;
    ensure!(
        b1.kind == 0 && b1.critical && b1.agent.as_deref() == Some("dy-1:小美"),
        "{b1:?}"
    );
    let points: i64 = got.iter().filter(|k| k.1 == "b1").count() as i64;
    ensure!(points > 0 && b1.findings == points, "{b1:?}");
    let b2 = sessions
        .iter()
        .find(|s| s.buyer == "b2")
        .ok_or_else(|| anyhow!("b2"))?;
    ensure!(
        b2.kind == 2 && b2.auto_score.is_none(),
        "unanswered, unscored: {b2:?}"
    );
    Ok(())
}

const EXTRA_RULE: &str = "\n[[rule]]\nid = \"price\"\nkind = \"keyword\"\nname = \"价格\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"便宜\"]\n";

/// A new rule-set version applies to later imports and to re-inspection;
/// a store's overrides to that store only; settings changes inspect again.
pub async fn versions_overrides_and_reinspection(db: &dyn Database) -> Result<()> {
    let m = records();
    import(db, &m[..4], &[], &[]).await?;
    let none = HashMap::new();
    let provider = format!("{}{EXTRA_RULE}", kefu_qa::DEFAULT_RULES);
    let v2 = db
        .qa_add_rule_version(None, &provider, "价格提醒", &entry("qa.rules"))
        .await?;
    ensure!(v2 == 2, "version 2 after the shipped default: {v2}");
    ensure!(
        stored(db, &QaQuery::default()).await?
            == expected(&none, kefu_qa::DEFAULT_RULES, &HashMap::new(), &m[..4])?,
        "stored findings keep their version until inspected again"
    );
    import(db, &m[4..], &[], &[]).await?;
    let tm = QaQuery {
        stores: Some(["tm-2".to_string()].into()),
        ..Default::default()
    };
    ensure!(
        db.qa_findings(&tm).await?.iter().all(|f| f.version == v2),
        "a later import inspects with version 2"
    );
    let overrides = "[[override]]\nrule = \"offplatform\"\ndisabled = true\n\n[[override]]\nrule = \"price\"\nadd_phrases = [\"有货\"]\npoints = 4\n";
    let v3 = db
        .qa_add_rule_version(Some("dy-1"), overrides, "", &entry("qa.rules"))
        .await?;
    ensure!(
        db.qa_add_rule_version(Some("nope"), overrides, "", &entry("qa.rules"))
            .await
            .is_err(),
        "unknown store"
    );
    let done = db.qa_reinspect(None, None, None, &entry("qa.run")).await?;
    ensure!(done.conversations == 3, "three conversations: {done:?}");
    let own = HashMap::from([("dy-1".to_string(), overrides.to_string())]);
    let want = expected(&none, &provider, &own, &m)?;
    let got = stored(db, &QaQuery::default()).await?;
    ensure!(
        got == want,
        "after re-inspection:\n{got:#?}\nagainst\n{want:#?}"
    );
    ensure!(done.findings == got.len() as u64, "{done:?}");
    let dy_only = QaQuery {
        stores: Some(["dy-1".to_string()].into()),
        ..Default::default()
    };
    let dy = db.qa_findings(&dy_only).await?;
    ensure!(
        !dy.iter().any(|f| f.rule == "offplatform"),
        "disabled for dy-1"
    );
    ensure!(
        dy.iter()
            .filter(|f| f.rule == "price")
            .all(|f| f.points == 4 && f.version == v3),
        "dy-1's points and version"
    );
    ensure!(
        dy.iter().filter(|f| f.rule == "price").count() == 2,
        "有货 and 便宜: {dy:#?}"
    );
    // Re-inspection of one store and days only.
    let day = kefu_domain::time::parse_day("2026-11-12").map_err(anyhow::Error::msg)?;
    let done = db
        .qa_reinspect(
            Some(&["tm-2".to_string()].into()),
            Some(day),
            Some(day),
            &entry("qa.run"),
        )
        .await?;
    ensure!(done.conversations == 1, "tm-2's conversation: {done:?}");
    // A settings change inspects the store again: with service hours from
    // 12:00 the unanswered round of 11:00 is left alone.
    let mut s = StoreSettings::default();
    s.set("service_hours", "12:00-24:00")
        .map_err(anyhow::Error::msg)?;
    db.save_store("dy-1", &s).await?;
    let settings = HashMap::from([("dy-1".to_string(), s)]);
    let want = expected(&settings, &provider, &own, &m)?;
    let got = stored(db, &QaQuery::default()).await?;
    ensure!(
        got == want,
        "after the settings change:\n{got:#?}\nagainst\n{want:#?}"
    );
    ensure!(
        !rules_of(&got).contains(&("dy-1".into(), "unanswered".into())),
        "outside hours"
    );
    Ok(())
}

/// Scores per group: sessions by receiving agent and day, findings by the
/// agent they belong to; filters by store, agent and rule.
pub async fn scores_and_filters(db: &dyn Database) -> Result<()> {
    let m = records();
    import(db, &m, &[], &[]).await?;
    let all = db.qa_findings(&QaQuery::default()).await?;
    let sessions = db.qa_sessions(&QaQuery::default()).await?;
    let by = ScoreGrouping {
        store: true,
        agent: true,
        date: true,
    };
    let rows = db.qa_scores(by, &QaQuery::default()).await?;
    let total: i64 = rows.iter().map(|r| r.findings).sum();
    ensure!(
        total == all.len() as i64,
        "every finding in a row: {rows:#?}"
    );
    let inspected: i64 = rows.iter().map(|r| r.sessions_inspected).sum();
    ensure!(inspected == sessions.len() as i64, "every session in a row");
    for r in &rows {
        let mine: Vec<_> = sessions
            .iter()
            .filter(|s| {
                Some(&s.store) == r.store.as_ref() && s.agent == r.agent && Some(s.day) == r.day
            })
            .collect();
        ensure!(r.sessions_inspected == mine.len() as i64, "{r:?}");
        let manual: Vec<_> = mine.iter().filter(|s| s.kind == 0).collect();
        ensure!(r.manual_sessions == manual.len() as i64, "{r:?}");
        let sum: i64 = manual.iter().filter_map(|s| s.auto_score).sum();
        ensure!(r.auto_score_sum == sum && r.final_score_sum == sum, "{r:?}");
        let found = all
            .iter()
            .filter(|f| {
                Some(&f.store) == r.store.as_ref() && f.agent == r.agent && Some(f.day) == r.day
            })
            .count();
        ensure!(r.findings == found as i64, "{r:?}");
    }
    let one = db
        .qa_scores(ScoreGrouping::default(), &QaQuery::default())
        .await?;
    ensure!(
        one.len() == 1 && one[0].findings == total,
        "one total row: {one:?}"
    );
    let agent = QaQuery {
        agents: Some(["dy-1:小美".to_string()].into()),
        ..Default::default()
    };
    let mine = db.qa_findings(&agent).await?;
    ensure!(
        !mine.is_empty() && mine.iter().all(|f| f.agent.as_deref() == Some("dy-1:小美")),
        "an agent's own findings: {mine:?}"
    );
    let rule = QaQuery {
        rule: Some("offplatform".into()),
        ..Default::default()
    };
    let off = db.qa_findings(&rule).await?;
    ensure!(
        off.len() == 1 && off[0].matched.as_deref() == Some("微信") && off[0].span == Some((2, 4)),
        "the off-platform finding: {off:?}"
    );
    let nobody = QaQuery {
        stores: Some(Default::default()),
        ..Default::default()
    };
    ensure!(
        db.qa_findings(&nobody).await?.is_empty(),
        "an empty scope sees nothing"
    );
    ensure!(
        db.qa_scores(by, &nobody).await?.is_empty(),
        "and no score rows"
    );
    Ok(())
}

/// A day's sample is stored once, with its seed and queue.
pub async fn samples_are_kept(db: &dyn Database) -> Result<()> {
    let m = records();
    import(db, &m, &[], &[]).await?;
    let day = kefu_domain::time::parse_day("2026-11-11").map_err(anyhow::Error::msg)?;
    ensure!(db.qa_sample(day).await?.is_none(), "none yet");
    let sessions = db
        .qa_sessions(&QaQuery {
            from: Some(day),
            to: Some(day),
            ..Default::default()
        })
        .await?;
    let sample = crate::qa::Sample {
        day,
        seed: u64::MAX - 7,
        share_permille: 50,
        created_at_ms: 1_800_000_000_000,
        created_by: "质检员".into(),
        sessions: sessions
            .iter()
            .map(|s| (s.conv_id, s.start_ms, "random".to_string()))
            .collect(),
    };
    ensure!(
        db.qa_save_sample(&sample, &entry("qa.sample")).await?,
        "stored"
    );
    let mut other = sample.clone();
    other.seed = 1;
    ensure!(
        !db.qa_save_sample(&other, &entry("qa.sample")).await?,
        "kept once"
    );
    let read = db.qa_sample(day).await?.ok_or_else(|| anyhow!("sample"))?;
    let mut want = sample.clone();
    want.sessions.sort();
    ensure!(read == want, "{read:?} against {want:?}");
    Ok(())
}
