//! The default rules on real chat text: the 994 JD sessions of
//! `../shared/data/jddc-sample/chat.tsv` (JDDC 2019, 0.1 % sample).
//!
//! The corpus has no timestamps, so the test gives them: session `k` (in
//! file order) starts on day `k / 10` after 2026-11-02 at `09:00 + (k % 10)`
//! hours, Asia/Shanghai, inside the default service hours; its messages
//! follow each other 20 seconds apart. So no reply is slow, sessions never
//! run into each other, and a hold phrase is followed up whenever the same
//! agent writes again in the session. The corpus does not name agents:
//! every agent message is by one agent, `jd:客服`.

use kefu_domain::StoreSettings;
use kefu_kpi::{Params, Role};
use kefu_qa::{Inspection, Inspector, Message, Override, default_rules};
use std::collections::BTreeMap;

const CHAT: &str = "../../../shared/data/jddc-sample/chat.tsv";

/// One JDDC session: id and (agent?, text) lines.
struct Session {
    id: String,
    lines: Vec<(bool, String)>,
}

fn sessions() -> Vec<Session> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CHAT);
    let text = std::fs::read_to_string(&path).expect("../shared/data/jddc-sample/chat.tsv");
    let mut out: Vec<Session> = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 7, "7 columns: {line}");
        let agent = cols[2] == "1";
        let body = cols[6..].join("\t");
        match out.last_mut() {
            Some(s) if s.id == cols[0] => s.lines.push((agent, body)),
            _ => out.push(Session {
                id: cols[0].to_string(),
                lines: vec![(agent, body)],
            }),
        }
    }
    out
}

/// Inspects every session as its own conversation; returns (session index,
/// inspection) pairs.
fn inspect(ins: &Inspector, all: &[Session]) -> Vec<Inspection> {
    let p = Params::new(&StoreSettings::default()).expect("settings");
    let start = p
        .clock
        .to_utc_ms(kefu_domain::RecordTime::parse("2026-11-02 09:00:00").expect("time"));
    all.iter()
        .enumerate()
        .map(|(k, s)| {
            let begin = start + (k as i64 / 10) * 86_400_000 + (k as i64 % 10) * 3_600_000;
            let mut msgs: Vec<Message<'_>> = s
                .lines
                .iter()
                .enumerate()
                .map(|(i, (agent, text))| Message {
                    at: begin + i as i64 * 20_000,
                    seq: i as u64,
                    role: if *agent { Role::Agent } else { Role::Buyer },
                    agent: agent.then_some(0),
                    text,
                    scan: None,
                })
                .collect();
            ins.inspect(&p, &mut msgs)
        })
        .collect()
}

fn counts(ins: &Inspector, results: &[Inspection]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in results {
        for f in &r.findings {
            *out.entry(ins.rules()[f.rule].id.clone()).or_default() += 1;
        }
    }
    out
}

/// The findings of one rule as (session id, matched or message text).
fn of_rule(
    ins: &Inspector,
    all: &[Session],
    results: &[Inspection],
    rule: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (s, r) in all.iter().zip(results) {
        for f in r.findings.iter().filter(|f| ins.rules()[f.rule].id == rule) {
            let text = f.message.map(|i| s.lines[i].1.clone()).unwrap_or_default();
            out.push((s.id.clone(), f.matched.clone().unwrap_or(text)));
        }
    }
    out
}

/// The rule ids found in the session of a JDDC id, in order.
fn rules_in(ins: &Inspector, all: &[Session], results: &[Inspection], id: &str) -> Vec<String> {
    let k = all.iter().position(|s| s.id == id).expect("session id");
    results[k]
        .findings
        .iter()
        .map(|f| ins.rules()[f.rule].id.clone())
        .collect()
}

/// What the default rules find in the 994 sessions, by rule, read by hand:
/// - `greeting` 283 and `closing` 120: JDDC sessions often start or end
///   mid-conversation (稍等, 请问是这个商品吗 first; 是的哦, 好的 last).
/// - `offplatform` 13: one agent gives a salesperson's QQ number (a real
///   off-platform contact); the other twelve send buyers to WeChat
///   official accounts (公众号) and WeChat's JD shop. Those are JD's own
///   channels, ordinary for JD's own service, but exactly the diversion a
///   third-party store on Tmall, Douyin or Pinduoduo is punished for; so
///   the default finds them and a JD store allows them by an override
///   (checked below).
/// - `absolute_terms` 1: 目前是…电池最耐用的, a product claim.
/// - `hold` 9: a hold phrase in the last agent line. JDDC joins an agent's
///   consecutive messages into one line, so in five of them the follow-up
///   is in the same line (正在为您查询，请稍等哦! 您好!此单终止取件…); the
///   others are real (稍等，站点正在核实 ends the session).
/// - `unanswered` 10: the buyer's last words go unanswered and are more
///   than acknowledgements (好的尽快; 没有了，我等解决了再来).
/// - `buyer_repeat` 11 and `complaint` 27 (纠纷, 差评, 假货, 很不满…).
/// - No `abuse`, `paid_review` or pattern finding: the corpus masks
///   digits and links as `[数字x]`, so the patterns are tested in
///   `rules.rs` instead.
#[test]
fn the_default_rules_on_real_jd_sessions() {
    let all = sessions();
    assert_eq!(all.len(), 994);
    assert_eq!(all.iter().map(|s| s.lines.len()).sum::<usize>(), 12_136);
    let ins = Inspector::new(&default_rules().expect("default rules"), 1).expect("compiles");
    let results = inspect(&ins, &all);
    let found = counts(&ins, &results);
    let want: BTreeMap<String, usize> = [
        ("absolute_terms", 1),
        ("buyer_repeat", 11),
        ("closing", 120),
        ("complaint", 27),
        ("greeting", 283),
        ("hold", 9),
        ("offplatform", 13),
        ("unanswered", 10),
    ]
    .into_iter()
    .map(|(r, n)| (r.to_string(), n))
    .collect();
    assert_eq!(found, want);
    // Every session has a buyer and an agent message: all are manual.
    assert!(
        results
            .iter()
            .all(|r| r.sessions.len() == 1 && r.sessions[0].auto_score.is_some())
    );

    // Hand-read sessions. JD's opener 有什么问题我可以帮您处理或解决呢? greets;
    // 是的， 用新地址重新下单的 closes nothing.
    let first = "0000b82c62117aa4497508bb1bdfb53a";
    assert_eq!(rules_in(&ins, &all, &results, first), vec!["closing"]);
    // 感谢您对京东的支持，祝您生活愉快，再见! closes.
    assert!(rules_in(&ins, &all, &results, "0032cff78a24ccc6de0d596725a3b11c").is_empty());
    // Opens with the product (…这个吗?), closes with 请问还有其他还可以帮到您的吗?
    assert_eq!(
        rules_in(&ins, &all, &results, "0064fdb15c185b2910cdf3bf72849ee3"),
        vec!["greeting"]
    );
    // Opens with 配送人员会在…, closes with 祝您生活愉快，再见.
    assert_eq!(
        rules_in(&ins, &all, &results, "00db2eeeb16e3a594565f6f17dc56201"),
        vec!["greeting"]
    );
    // 您好，请问有什么可以帮您 greets.
    assert!(
        !rules_in(&ins, &all, &results, "016d7a3e93c1365a37935fd3385f7471")
            .contains(&"greeting".to_string())
    );
    // QQ:[数字x], a salesperson's QQ number.
    let qq = of_rule(&ins, &all, &results, "offplatform");
    assert!(qq.contains(&(
        "45f781dd31676f0b49cf05be1d387be3".to_string(),
        "QQ".to_string()
    )));
    // 稍等，站点正在核实 and nothing more.
    assert!(
        rules_in(&ins, &all, &results, "83d415b29b1059d26588e872fbbaa827")
            .contains(&"hold".to_string())
    );
    // 否则我就差评了: a complaint risk, no points.
    let complaint = &results[all
        .iter()
        .position(|s| s.id == "03c46b1a5399dbe62b6ef20c73f61eb4")
        .expect("id")];
    let f = complaint
        .findings
        .iter()
        .find(|f| ins.rules()[f.rule].id == "complaint")
        .expect("complaint");
    assert_eq!((f.matched.as_deref(), f.points), (Some("差评"), 0));

    // A JD store allows JD's own WeChat channels: only the QQ number is left.
    let jd = default_rules().expect("rules").with_overrides(&[Override {
        rule: "offplatform".into(),
        allow: vec![
            "微信公众号".into(),
            "公众号".into(),
            "进入 微信".into(),
            "微信上问".into(),
        ],
        ..Default::default()
    }]);
    let ins = Inspector::new(&jd, 2).expect("compiles");
    let results = inspect(&ins, &all);
    let left = of_rule(&ins, &all, &results, "offplatform");
    assert_eq!(
        left,
        vec![(
            "45f781dd31676f0b49cf05be1d387be3".to_string(),
            "QQ".to_string()
        )]
    );
}
