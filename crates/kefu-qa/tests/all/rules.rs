//! Every rule kind of spec §1 at its edges and parameters, on hand-made
//! conversations of one store in Asia/Shanghai (service hours 08:00–24:00,
//! sessions split after 10 idle minutes).

use kefu_domain::{RecordTime, StoreSettings};
use kefu_kpi::{Params, Role, SessionKind};
use kefu_qa::{Inspection, Inspector, Message, Override, RuleSet, Severity, read_rule_set};

fn params() -> Params {
    Params::new(&StoreSettings::default()).expect("default settings")
}

/// A message at a local time of 2026-11-02 (or `D HH:MM:SS` of another day).
fn at(p: &Params, time: &str) -> i64 {
    let text = if time.len() > 8 {
        time.to_string()
    } else {
        format!("2026-11-02 {time}")
    };
    p.clock.to_utc_ms(RecordTime::parse(&text).expect("time"))
}

/// Script lines: (time, who, text); who is `b` buyer, `a1`/`a2` agents,
/// `auto` an automatic reply from agent 1, `bot`, `sys`.
fn conversation<'a>(p: &Params, script: &[(&str, &str, &'a str)]) -> Vec<Message<'a>> {
    script
        .iter()
        .enumerate()
        .map(|(i, &(time, who, text))| {
            let (role, agent) = match who {
                "b" => (Role::Buyer, None),
                "a1" => (Role::Agent, Some(1)),
                "a2" => (Role::Agent, Some(2)),
                "auto" => (Role::Bot, Some(1)),
                "bot" => (Role::Bot, None),
                "sys" => (Role::System, None),
                other => panic!("who {other}"),
            };
            Message {
                at: at(p, time),
                seq: i as u64,
                role,
                agent,
                text,
                scan: None,
            }
        })
        .collect()
}

fn inspector(toml: &str) -> Inspector {
    Inspector::new(&read_rule_set(toml).expect("rules"), 1).expect("compiles")
}

fn run(ins: &Inspector, script: &[(&str, &str, &str)]) -> Inspection {
    let p = params();
    let mut msgs = conversation(&p, script);
    ins.inspect(&p, &mut msgs)
}

/// The findings as (rule id, message index, matched).
fn found(ins: &Inspector, r: &Inspection) -> Vec<(String, Option<usize>, Option<String>)> {
    r.findings
        .iter()
        .map(|f| (ins.rules()[f.rule].id.clone(), f.message, f.matched.clone()))
        .collect()
}

/// A finding as (rule id, span, matched).
type Spanned = (String, Option<(u32, u32)>, Option<String>);

fn one_line(ins: &Inspector, who: &str, text: &str) -> Vec<Spanned> {
    let r = run(ins, &[("10:00:00", "b", "在吗"), ("10:00:10", who, text)]);
    r.findings
        .iter()
        .filter(|f| f.message == Some(1))
        .map(|f| (ins.rules()[f.rule].id.clone(), f.span, f.matched.clone()))
        .collect()
}

const OFFPLATFORM: &str = r#"
[[rule]]
id = "off"
kind = "keyword"
severity = "critical"
points = 20
phrases = ["微信", "加v", "vx", "qq", "微信号"]
allow = ["微信支付"]
skip = " -_.*·"
"#;

#[test]
fn keywords_fold_full_width_and_case_and_span_the_text_as_sent() {
    let ins = inspector(OFFPLATFORM);
    let f = one_line(&ins, "a1", "我ＶＸ吧");
    assert_eq!(f, vec![("off".into(), Some((1, 3)), Some("ＶＸ".into()))]);
    let f = one_line(&ins, "a1", "有Qq吗");
    assert_eq!(f, vec![("off".into(), Some((1, 3)), Some("Qq".into()))]);
}

#[test]
fn skip_characters_are_passed_over_inside_a_phrase_only() {
    let ins = inspector(OFFPLATFORM);
    let f = one_line(&ins, "a1", "可以 加 - V 聊");
    assert_eq!(f, vec![("off".into(), Some((3, 8)), Some("加 - V".into()))]);
    // Not before the first or after the last character.
    let f = one_line(&ins, "a1", "· 微·信 ·");
    assert_eq!(f, vec![("off".into(), Some((2, 5)), Some("微·信".into()))]);
    // Without `skip`, nothing is passed over.
    let plain = inspector(&OFFPLATFORM.replace("skip = \" -_.*·\"", ""));
    assert!(one_line(&plain, "a1", "加 v").is_empty());
    assert_eq!(one_line(&plain, "a1", "加v").len(), 1);
}

#[test]
fn allow_phrases_cover_only_what_they_contain() {
    let ins = inspector(OFFPLATFORM);
    assert!(one_line(&ins, "a1", "可以微信支付").is_empty());
    let f = one_line(&ins, "a1", "加微信，微信支付也行");
    assert_eq!(f, vec![("off".into(), Some((1, 3)), Some("微信".into()))]);
    // Allow phrases are matched without skipping.
    let f = one_line(&ins, "a1", "微 信支付");
    assert_eq!(f.len(), 1);
}

#[test]
fn overlapping_phrases_take_the_first_start_then_the_longest() {
    let ins = inspector(OFFPLATFORM);
    let f = one_line(&ins, "a1", "我的微信号是");
    assert_eq!(f, vec![("off".into(), Some((2, 5)), Some("微信号".into()))]);
    // One finding per rule and message, however many occurrences.
    let f = one_line(&ins, "a1", "qq 微信 vx 加v");
    assert_eq!(f, vec![("off".into(), Some((0, 2)), Some("qq".into()))]);
    // Overlapping candidates: the covered longest one is passed, the next
    // candidate at the same start is taken.
    let ins = inspector(
        "[[rule]]\nid = \"k\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"ab\", \"abc\", \"bc\"]\nallow = [\"abc\"]\n",
    );
    assert!(one_line(&ins, "a1", "abc").is_empty());
    let ins = inspector(
        "[[rule]]\nid = \"k\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"ab\", \"abc\", \"bcd\"]\nallow = [\"abc\"]\n",
    );
    assert_eq!(
        one_line(&ins, "a1", "abcd"),
        vec![("k".into(), Some((1, 4)), Some("bcd".into()))]
    );
}

#[test]
fn senders_are_effective_roles() {
    let agent = inspector(OFFPLATFORM);
    assert!(one_line(&agent, "b", "加我微信").is_empty());
    assert!(
        one_line(&agent, "auto", "加我微信").is_empty(),
        "auto replies are bot messages"
    );
    let any = inspector(&OFFPLATFORM.replace("points = 20", "points = 20\nsender = \"any\""));
    assert_eq!(one_line(&any, "b", "加我微信").len(), 1);
    assert_eq!(one_line(&any, "auto", "加我微信").len(), 1);
    assert_eq!(one_line(&any, "sys", "加我微信").len(), 0);
    let bot = inspector(&OFFPLATFORM.replace("points = 20", "points = 20\nsender = \"bot\""));
    assert_eq!(one_line(&bot, "bot", "加我微信").len(), 1);
    assert_eq!(one_line(&bot, "a1", "加我微信").len(), 0);
}

const PATTERNS: &str = r#"
[[rule]]
id = "mobile"
kind = "pattern"
severity = "critical"
points = 20
pattern = '(?:^|[^0-9])(1[3-9][0-9]{9})(?:[^0-9]|$)'

[[rule]]
id = "url"
kind = "pattern"
severity = "critical"
points = 20
pattern = 'https?://[a-z0-9./_-]+'
allow = ["https://item.jd.com/"]
"#;

#[test]
fn patterns_take_group_one_on_folded_text() {
    let ins = inspector(PATTERNS);
    let f = one_line(&ins, "a1", "电话13812345678吧");
    assert_eq!(
        f,
        vec![("mobile".into(), Some((2, 13)), Some("13812345678".into()))]
    );
    assert!(
        one_line(&ins, "a1", "单号138123456789").is_empty(),
        "twelve digits"
    );
    let f = one_line(&ins, "a1", "打１３８１２３４５６７８");
    assert_eq!(
        f,
        vec![(
            "mobile".into(),
            Some((1, 12)),
            Some("１３８１２３４５６７８".into())
        )]
    );
    // Without a group the whole match; the allow phrase covers its span.
    let f = one_line(&ins, "a1", "看 HTTPS://shop.example.com/x 吧");
    assert_eq!(
        f,
        vec![(
            "url".into(),
            Some((2, 28)),
            Some("HTTPS://shop.example.com/x".into())
        )]
    );
    assert!(one_line(&ins, "a1", "链接 https://item.jd.com/ 在这").is_empty());
    // Covered only when the allow occurrence contains the whole match.
    assert_eq!(one_line(&ins, "a1", "https://item.jd.com/123").len(), 1);
}

const SESSION_RULES: &str = r#"
[[rule]]
id = "slow"
kind = "slow_reply"
seconds = 180
window = 3
phrases = ["抱歉", "久等"]

[[rule]]
id = "unanswered"
kind = "unanswered"
phrases = ["好的", "好", "谢谢", "嗯", "ok"]

[[rule]]
id = "greet"
kind = "no_greeting"
phrases = ["您好", "亲"]

[[rule]]
id = "close"
kind = "no_closing"
phrases = ["还有什么", "再见"]

[[rule]]
id = "hold"
kind = "follow_up_missed"
minutes = 15
phrases = ["稍等", "查一下"]

[[rule]]
id = "repeat"
kind = "buyer_repeat"
phrases = ["我说过了"]

[[rule]]
id = "complaint"
kind = "complaint_risk"
phrases = ["投诉", "12315"]
"#;

fn ids(ins: &Inspector, r: &Inspection, rule: &str) -> Vec<usize> {
    found(ins, r)
        .into_iter()
        .filter(|(id, _, _)| id == rule)
        .filter_map(|(_, m, _)| m)
        .collect()
}

#[test]
fn slow_reply_is_strictly_over_and_an_apology_in_the_window_excuses_it() {
    let ins = inspector(SESSION_RULES);
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:03:01", "a1", "您好 再见")],
    );
    assert_eq!(ids(&ins, &r, "slow"), vec![1]);
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:03:00", "a1", "您好 再见")],
    );
    assert!(
        ids(&ins, &r, "slow").is_empty(),
        "exactly 180 s is not over"
    );
    // The apology in the third agent message of the window excuses it;
    // auto replies take no place in the window.
    let script = [
        ("10:00:00", "b", "在吗"),
        ("10:04:00", "a1", "您好"),
        ("10:04:01", "auto", "自动回复"),
        ("10:04:02", "a2", "我看看"),
        ("10:04:03", "a1", "抱歉久等了 再见"),
    ];
    assert!(ids(&ins, &run(&ins, &script), "slow").is_empty());
    let mut late = script.to_vec();
    late.insert(4, ("10:04:02", "a2", "好"));
    assert_eq!(
        ids(&ins, &run(&ins, &late), "slow"),
        vec![1],
        "apology in the fourth"
    );
    // A round starting outside service hours does not count.
    let r = run(
        &ins,
        &[("07:59:00", "b", "在吗"), ("08:05:00", "a1", "您好")],
    );
    assert!(ids(&ins, &r, "slow").is_empty());
}

#[test]
fn unanswered_leaves_acknowledgements_alone() {
    let ins = inspector(SESSION_RULES);
    let ending = |text: &'static str| {
        let r = run(
            &ins,
            &[
                ("10:00:00", "b", "在吗"),
                ("10:00:10", "a1", "您好 还有什么"),
                ("10:00:20", "b", text),
            ],
        );
        ids(&ins, &r, "unanswered")
    };
    assert!(ending("好的，谢谢！").is_empty());
    assert!(ending("好的👍").is_empty());
    assert!(ending("OK").is_empty());
    assert_eq!(ending("好的？那什么时候发"), vec![2]);
    assert_eq!(ending("👍"), vec![2]);
    // The finding is on the round's first buyer message; every buyer
    // message of the round must be an acknowledgement.
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:00:05", "b", "好的")],
    );
    assert_eq!(ids(&ins, &r, "unanswered"), vec![0]);
    assert_eq!(r.sessions[0].kind, SessionKind::Unanswered);
    assert_eq!(r.sessions[0].auto_score, None);
    // Outside service hours it is left alone.
    let r = run(&ins, &[("07:00:00", "b", "在吗")]);
    assert!(ids(&ins, &r, "unanswered").is_empty());
    // A rules file without acknowledgements leaves nothing alone.
    let bare = inspector("[[rule]]\nid = \"u\"\nkind = \"unanswered\"\n");
    let r = run(&bare, &[("10:00:00", "b", "好的")]);
    assert_eq!(r.findings.len(), 1);
}

#[test]
fn greeting_on_the_first_agent_message_and_closing_on_the_last() {
    let ins = inspector(SESSION_RULES);
    let r = run(
        &ins,
        &[
            ("10:00:00", "b", "在吗"),
            ("10:00:10", "a1", "在"),
            ("10:00:20", "b", "发货没"),
            ("10:00:30", "a1", "发了"),
        ],
    );
    assert_eq!(ids(&ins, &r, "greet"), vec![1]);
    assert_eq!(ids(&ins, &r, "close"), vec![3]);
    // One message may carry both.
    let r = run(&ins, &[("10:00:00", "b", "在吗"), ("10:00:10", "a1", "在")]);
    assert_eq!(ids(&ins, &r, "greet"), vec![1]);
    assert_eq!(ids(&ins, &r, "close"), vec![1]);
    // A bot session has neither.
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:00:10", "bot", "在")],
    );
    assert!(r.findings.is_empty());
    assert_eq!(r.sessions[0].kind, SessionKind::Bot);
}

#[test]
fn follow_up_is_a_later_message_of_the_same_agent_within_the_minutes() {
    let ins = inspector(SESSION_RULES);
    let base = |answer: (&'static str, &'static str, &'static str)| {
        let r = run(
            &ins,
            &[
                ("10:00:00", "b", "发货没"),
                ("10:00:10", "a1", "您好，稍等 我查一下"),
                answer,
            ],
        );
        ids(&ins, &r, "hold")
    };
    assert!(
        base(("10:15:10", "a1", "发了 再见")).is_empty(),
        "exactly 15 minutes"
    );
    assert_eq!(base(("10:15:11", "a1", "发了 再见")), vec![1]);
    assert_eq!(base(("10:05:00", "a2", "发了")), vec![1], "another agent");
    assert_eq!(base(("10:05:00", "auto", "发了")), vec![1], "an auto reply");
    // A later session counts (10:12 starts a new one after 10 idle minutes).
    let r = run(
        &ins,
        &[
            ("10:00:00", "b", "发货没"),
            ("10:01:00", "a1", "稍等"),
            ("10:12:00", "a1", "您好，发了"),
        ],
    );
    assert_eq!(
        r.sessions.len(),
        1,
        "the second session has no buyer message"
    );
    assert!(ids(&ins, &r, "hold").is_empty());
}

#[test]
fn buyer_phrases_belong_to_the_receiving_agent() {
    let ins = inspector(SESSION_RULES);
    let r = run(
        &ins,
        &[
            ("10:00:00", "b", "我说过了，再不处理就投诉"),
            ("10:00:10", "a2", "您好 还有什么"),
        ],
    );
    let f = found(&ins, &r);
    assert_eq!(f[0], ("repeat".into(), Some(0), Some("我说过了".into())));
    assert_eq!(f[1], ("complaint".into(), Some(0), Some("投诉".into())));
    assert!(r.findings.iter().all(|f| f.agent == Some(2)));
    assert_eq!(r.findings[1].severity, Severity::Alert);
    assert_eq!(r.findings[1].points, 0);
}

#[test]
fn findings_on_agent_messages_belong_to_their_sender() {
    let ins = inspector(SESSION_RULES);
    let r = run(
        &ins,
        &[
            ("10:00:00", "b", "在吗"),
            ("10:00:10", "a1", "您好"),
            ("10:00:20", "a2", "发了"),
        ],
    );
    let close = r
        .findings
        .iter()
        .find(|f| ins.rules()[f.rule].id == "close")
        .expect("close");
    assert_eq!(close.agent, Some(2));
    assert_eq!(r.sessions[0].receiving, Some(1));
}

#[test]
fn scores_sessions_and_marks_critical_ones() {
    let set = format!("{OFFPLATFORM}{SESSION_RULES}");
    let ins = inspector(&set);
    // greet 3 + close 3 + off 20 = 26.
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:00:10", "a1", "加我微信")],
    );
    assert_eq!(r.sessions[0].auto_score, Some(74));
    assert!(r.sessions[0].critical);
    assert_eq!(r.sessions[0].findings, 3);
    assert_eq!(kefu_qa::auto_score([60, 50]), 0, "never below 0");
    // Outbound sessions are not inspected.
    let r = run(&ins, &[("10:00:00", "a1", "亲，活动开始了，加我微信")]);
    assert!(r.sessions.is_empty() && r.findings.is_empty());
}

#[test]
fn overrides_add_phrases_and_allow_set_points_and_disable_in_order() {
    let set: RuleSet = read_rule_set(OFFPLATFORM).expect("rules");
    let store = set.with_overrides(&[
        Override {
            rule: "off".into(),
            add_phrases: vec!["抖音号".into()],
            allow: vec!["qq音乐".into()],
            points: Some(30),
            disabled: None,
        },
        Override {
            rule: "off".into(),
            points: Some(25),
            ..Default::default()
        },
    ]);
    let ins = Inspector::new(&store, 2).expect("compiles");
    assert_eq!(one_line(&ins, "a1", "我的抖音号").len(), 1);
    assert!(one_line(&ins, "a1", "QQ音乐会员").is_empty());
    let r = run(
        &ins,
        &[("10:00:00", "b", "在吗"), ("10:00:10", "a1", "我的抖音号")],
    );
    assert_eq!(r.findings[0].points, 25, "the later override wins");
    let off = set.with_overrides(&[Override {
        rule: "off".into(),
        disabled: Some(true),
        ..Default::default()
    }]);
    let ins = Inspector::new(&off, 3).expect("compiles");
    assert!(one_line(&ins, "a1", "加我微信").is_empty(), "disabled");
    // The provider's set is left as it was.
    assert_eq!(Inspector::new(&set, 1).expect("c").rules()[0].points, 20);
}
