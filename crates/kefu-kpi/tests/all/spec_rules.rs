//! Each rule of spec/kpi.md with its edges, on hand-made conversations.

use kefu_domain::{Attribution, RecordTime, StoreSettings};
use kefu_kpi::report::rows;
use kefu_kpi::{
    Aggregator, Figure, Filter, Grouping, Msg, OrderIn, Params, RatingIn, Role, Row, Value,
};

const A: u32 = 1; // agent 小美
const B: u32 = 2; // agent 阿杰

fn at(s: &str) -> i64 {
    let text = if s.len() <= 8 {
        format!("2026-11-05 {s}")
    } else {
        s.to_string()
    };
    let p = Params::new(&StoreSettings::default()).unwrap();
    p.clock.to_utc_ms(RecordTime::parse(&text).unwrap())
}

fn m(time: &str, role: Role, agent: Option<u32>) -> Msg {
    Msg {
        at: at(time),
        seq: 0,
        role,
        agent,
    }
}
fn buyer(time: &str) -> Msg {
    m(time, Role::Buyer, None)
}
fn agent(time: &str, a: u32) -> Msg {
    m(time, Role::Agent, Some(a))
}

struct Case {
    msgs: Vec<Msg>,
    orders: Vec<OrderIn>,
    ratings: Vec<RatingIn>,
    settings: StoreSettings,
}

impl Case {
    fn new(msgs: Vec<Msg>) -> Case {
        Case {
            msgs,
            orders: vec![],
            ratings: vec![],
            settings: StoreSettings::default(),
        }
    }
    fn orders(mut self, o: Vec<OrderIn>) -> Case {
        self.orders = o;
        self
    }
    fn ratings(mut self, r: Vec<RatingIn>) -> Case {
        self.ratings = r;
        self
    }
    fn set(mut self, k: &str, v: &str) -> Case {
        self.settings.set(k, v).unwrap();
        self
    }
    fn rows(&self, by: &str) -> Vec<Row> {
        let p = Params::new(&self.settings).unwrap();
        let mut msgs = self.msgs.clone();
        for (i, m) in msgs.iter_mut().enumerate() {
            m.seq = i as u64;
        }
        let facts = kefu_kpi::conversation_facts(&mut msgs, &self.orders, &self.ratings, &p);
        let mut agg = Aggregator::new(Grouping::parse(by).unwrap(), Filter::default());
        agg.add_conversation(0, &facts);
        let name = |a: u32| match a {
            A => "小美".to_string(),
            B => "阿杰".to_string(),
            _ => format!("agent{a}"),
        };
        rows(agg.finish(|_| "dy-1".to_string(), name))
    }
    /// The store total of one figure.
    fn total(&self, f: Figure) -> Value {
        let rows = self.rows("store");
        assert!(rows.len() <= 1);
        rows.first()
            .and_then(|r| r.get(f).cloned())
            .unwrap_or(Value::Count(0))
    }
}

fn count(n: i64) -> Value {
    Value::Count(n)
}
fn num(x: f64) -> Value {
    Value::Number(Some(x))
}
const NULL: Value = Value::Number(None);

#[test]
fn idle_gap_of_exactly_the_setting_starts_a_new_session() {
    let c = Case::new(vec![
        buyer("10:00:00"),
        agent("10:00:10", A),
        buyer("10:10:10"),
        agent("10:10:20", A),
    ]);
    assert_eq!(c.total(Figure::Sessions), count(2));
    let c = Case::new(vec![
        buyer("10:00:00"),
        agent("10:00:10", A),
        buyer("10:10:09"),
        agent("10:10:20", A),
    ]);
    assert_eq!(c.total(Figure::Sessions), count(1));
    // The setting is honoured, and a buyer with two sessions counts once.
    let c = Case::new(vec![buyer("10:00:00"), buyer("10:05:00")]).set("session_idle_minutes", "5");
    assert_eq!(c.total(Figure::Sessions), count(2));
    assert_eq!(c.total(Figure::ConsultBuyers), count(1));
}

#[test]
fn system_messages_and_events_split_sessions_but_are_not_messages() {
    let c = Case::new(vec![
        buyer("10:00:00"),
        m("10:09:00", Role::System, None),
        agent("10:18:00", A), // 9 min after the system message: same session
        m("10:18:30", Role::Invite, None),
    ]);
    assert_eq!(c.total(Figure::Sessions), count(1));
    assert_eq!(c.total(Figure::BuyerMessages), count(1));
    assert_eq!(c.total(Figure::AgentMessages), count(1));
    assert_eq!(c.total(Figure::AvgResponseS), num(1080.0));
    assert_eq!(c.total(Figure::InviteRate), num(1.0));
    assert_eq!(c.total(Figure::AnswerRatio), num(1.0));
}

#[test]
fn ties_in_time_follow_arrival() {
    // Reply at the same second, arriving after the question: a 0 s round.
    let c = Case::new(vec![buyer("10:00:00"), agent("10:00:00", A)]);
    assert_eq!(c.total(Figure::AvgResponseS), num(0.0));
    assert_eq!(c.total(Figure::UnansweredRounds), count(0));
    // Arriving before the question: it answers nothing; the round stays open.
    let c = Case::new(vec![agent("10:00:00", A), buyer("10:00:00")]);
    assert_eq!(c.total(Figure::ManualSessions), count(1));
    assert_eq!(c.total(Figure::UnansweredRounds), count(1));
    assert_eq!(c.total(Figure::AvgResponseS), NULL);
    assert_eq!(c.total(Figure::FirstResponseS), NULL);
}

#[test]
fn rounds_and_response_times() {
    let c = Case::new(vec![
        buyer("10:00:00"),
        buyer("10:00:05"), // same round
        agent("10:00:30", A),
        agent("10:00:40", A), // no open round
        buyer("10:01:00"),
        agent("10:04:01", B), // 181 s: slow, not within 3 min
        buyer("10:05:00"),
        agent("10:07:00", B), // 120 s: not slower than 120
        buyer("10:08:00"),    // unanswered at the end
    ]);
    assert_eq!(c.total(Figure::FirstResponseS), num(30.0));
    assert_eq!(
        c.total(Figure::AvgResponseS),
        num((30.0 + 181.0 + 120.0) / 3.0)
    );
    assert_eq!(c.total(Figure::SlowRounds), count(1));
    assert_eq!(c.total(Figure::UnansweredRounds), count(1));
    assert_eq!(c.total(Figure::Reply3minRate), num(2.0 / 4.0));
    assert_eq!(c.total(Figure::BuyerMessages), count(5));
    assert_eq!(c.total(Figure::AgentMessages), count(4));
    // Per agent: rounds to who answered; the unanswered one to the receiver.
    let rows = c.rows("agent");
    let a = rows
        .iter()
        .find(|r| r.key.agent == kefu_kpi::aggregate::AgentKey::Named("小美".into()))
        .unwrap();
    let b = rows
        .iter()
        .find(|r| r.key.agent == kefu_kpi::aggregate::AgentKey::Named("阿杰".into()))
        .unwrap();
    assert_eq!(a.get(Figure::FirstResponseS), Some(&num(30.0)));
    assert_eq!(a.get(Figure::UnansweredRounds), Some(&count(1)));
    assert_eq!(a.get(Figure::Sessions), Some(&count(1)));
    assert_eq!(b.get(Figure::AvgResponseS), Some(&num(150.5)));
    assert_eq!(b.get(Figure::Sessions), Some(&count(0)));
    assert_eq!(b.get(Figure::FirstResponseS), Some(&NULL));
    assert!(a.get(Figure::SilentSales).is_none());
}

#[test]
fn slow_threshold_is_a_setting() {
    let c =
        Case::new(vec![buyer("10:00:00"), agent("10:00:31", A)]).set("slow_response_seconds", "30");
    assert_eq!(c.total(Figure::SlowRounds), count(1));
}

#[test]
fn service_hours_borders() {
    // Starts one second before opening: the round does not count.
    let c = Case::new(vec![buyer("07:59:59"), agent("08:00:30", A)]);
    assert_eq!(c.total(Figure::AvgResponseS), NULL);
    assert_eq!(c.total(Figure::FirstResponseS), NULL);
    assert_eq!(c.total(Figure::ManualSessions), count(1));
    assert_eq!(c.total(Figure::BuyerMessages), count(1));
    // At opening: counts.
    let c = Case::new(vec![buyer("08:00:00"), agent("08:00:30", A)]);
    assert_eq!(c.total(Figure::AvgResponseS), num(30.0));
    // Last second of the day counts; midnight does not.
    let c = Case::new(vec![buyer("2026-11-05 23:59:59")]);
    assert_eq!(c.total(Figure::UnansweredRounds), count(1));
    let c = Case::new(vec![buyer("2026-11-06 00:00:00")]);
    assert_eq!(c.total(Figure::UnansweredRounds), count(0));
    assert_eq!(c.total(Figure::UnansweredSessions), count(1));
    // The first human round out of hours: no later round replaces it.
    let c = Case::new(vec![
        buyer("07:59:00"),
        agent("08:00:10", A),
        buyer("08:01:00"),
        agent("08:01:20", A),
    ]);
    assert_eq!(c.total(Figure::FirstResponseS), NULL);
    assert_eq!(c.total(Figure::AvgResponseS), num(20.0));
    // Custom hours.
    let c = Case::new(vec![buyer("07:59:59"), agent("08:00:30", A)])
        .set("service_hours", "07:00-23:00");
    assert_eq!(c.total(Figure::AvgResponseS), num(31.0));
}

#[test]
fn bot_and_automatic_replies() {
    // kind=auto from an agent account is a bot message.
    let c = Case::new(vec![buyer("10:00:00"), m("10:00:01", Role::Bot, Some(A))]);
    assert_eq!(c.total(Figure::BotSessions), count(1));
    assert_eq!(c.total(Figure::ManualSessions), count(0));
    assert_eq!(c.total(Figure::UnansweredRounds), count(0));
    assert_eq!(c.total(Figure::Reply3minRate), NULL);
    assert_eq!(c.total(Figure::ReplyRate), num(0.0));
    // A bot round, then a human round: the first human round is the second.
    let c = Case::new(vec![
        buyer("10:00:00"),
        m("10:00:01", Role::Bot, None),
        buyer("10:01:00"),
        agent("10:01:40", A),
    ]);
    assert_eq!(c.total(Figure::FirstResponseS), num(40.0));
    assert_eq!(c.total(Figure::AvgResponseS), num(40.0));
    assert_eq!(c.total(Figure::ManualSessions), count(1));
    // The prefix rule is applied when roles are resolved.
    let prefixes = vec!["【自动回复】".to_string()];
    use kefu_domain::{MessageKind, Sender};
    assert_eq!(
        Role::of(
            Sender::Agent,
            MessageKind::Text,
            "【自动回复】亲，在的",
            &prefixes
        ),
        Role::Bot
    );
    assert_eq!(
        Role::of(Sender::Agent, MessageKind::Text, "亲，在的", &prefixes),
        Role::Agent
    );
    assert_eq!(
        Role::of(Sender::Agent, MessageKind::Auto, "亲", &[]),
        Role::Bot
    );
    assert_eq!(
        Role::of(Sender::Buyer, MessageKind::Transfer, "", &[]),
        Role::Transfer
    );
    assert_eq!(
        Role::of(Sender::System, MessageKind::InviteRating, "", &[]),
        Role::Invite
    );
}

#[test]
fn transfers_name_the_receiving_agent_only_without_an_agent_message() {
    let c = Case::new(vec![
        buyer("10:00:00"),
        m("10:00:05", Role::Transfer, Some(B)),
        buyer("10:00:30"),
    ]);
    let rows = c.rows("agent");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].key.agent,
        kefu_kpi::aggregate::AgentKey::Named("阿杰".into())
    );
    assert_eq!(rows[0].get(Figure::UnansweredSessions), Some(&count(1)));
    assert_eq!(rows[0].get(Figure::UnansweredRounds), Some(&count(1)));
    let c = Case::new(vec![
        buyer("10:00:00"),
        m("10:00:05", Role::Transfer, Some(B)),
        agent("10:01:00", A),
    ]);
    let rows = c.rows("agent");
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].key.agent,
        kefu_kpi::aggregate::AgentKey::Named("小美".into())
    );
    // No agent at all: the store's null row, with silent sales.
    let c = Case::new(vec![buyer("10:00:00")]);
    let rows = c.rows("agent");
    assert_eq!(rows[0].key.agent, kefu_kpi::aggregate::AgentKey::Null);
    assert_eq!(
        rows[0].get(Figure::SilentSales),
        Some(&Value::Money(Some(kefu_domain::Fen(0))))
    );
}

#[test]
fn outbound_sessions_count_nowhere() {
    let c = Case::new(vec![agent("10:00:00", A), agent("10:00:05", A)]);
    assert!(c.rows("store").is_empty());
    // And their agent messages attribute nothing.
    let c = Case::new(vec![agent("10:00:00", A)]).orders(vec![order(
        "10:30:00",
        Some("10:31:00"),
        100,
    )]);
    assert_eq!(
        c.total(Figure::SilentSales),
        Value::Money(Some(kefu_domain::Fen(100)))
    );
}

fn order(created: &str, paid: Option<&str>, fen: i64) -> OrderIn {
    OrderIn {
        created: at(created),
        paid: paid.map(at),
        amount: fen,
    }
}

#[test]
fn after_sales_versus_inquiry_at_the_window_borders() {
    let start = "2026-11-22 10:00:00";
    let s = vec![buyer(start), agent("2026-11-22 10:00:20", A)];
    // Paid exactly 21 days before the start: after-sales.
    let c = Case::new(s.clone()).orders(vec![order(
        "2026-11-01 09:00:00",
        Some("2026-11-01 10:00:00"),
        100,
    )]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(1));
    assert_eq!(c.total(Figure::InquiryBuyers), count(0));
    // One second earlier: inquiry.
    let c = Case::new(s.clone()).orders(vec![order(
        "2026-11-01 09:00:00",
        Some("2026-11-01 09:59:59"),
        100,
    )]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(0));
    assert_eq!(c.total(Figure::InquiryBuyers), count(1));
    // Paid at the very start: not before it, so inquiry.
    let c = Case::new(s.clone()).orders(vec![order("2026-11-22 09:00:00", Some(start), 100)]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(0));
    // A new order created at start + 48 h exactly: inquiry; one second later: after-sales.
    let old = order("2026-11-10 09:00:00", Some("2026-11-10 09:05:00"), 100);
    let c = Case::new(s.clone()).orders(vec![old, order("2026-11-24 10:00:00", None, 100)]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(0));
    let c = Case::new(s.clone()).orders(vec![old, order("2026-11-24 10:00:01", None, 100)]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(1));
    // The setting is honoured.
    let c = Case::new(s).orders(vec![old]).set("after_sales_days", "7");
    assert_eq!(c.total(Figure::AfterSalesSessions), count(0));
}

#[test]
fn attribution_by_order_time_at_the_window_borders() {
    let s = vec![
        buyer("2026-11-03 10:00:00"),
        agent("2026-11-03 10:00:20", A),
    ];
    // Created exactly 48 h after the agent message: attributed, to the session's day.
    let c = Case::new(s.clone()).orders(vec![order(
        "2026-11-05 10:00:20",
        Some("2026-11-05 11:00:00"),
        12_990,
    )]);
    let r = &c.rows("store,date");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].get(Figure::OrderedBuyers), Some(&count(1)));
    assert_eq!(r[0].get(Figure::PaidBuyers), Some(&count(1)));
    assert_eq!(
        r[0].get(Figure::Sales),
        Some(&Value::Money(Some(kefu_domain::Fen(12_990))))
    );
    assert_eq!(
        r[0].get(Figure::AvgOrderValue),
        Some(&Value::Money(Some(kefu_domain::Fen(12_990))))
    );
    assert_eq!(r[0].get(Figure::OrderConversion), Some(&num(1.0)));
    assert_eq!(
        r[0].get(Figure::SilentSales),
        Some(&Value::Money(Some(kefu_domain::Fen(0))))
    );
    // One second later: silent, in the day it was paid.
    let c = Case::new(s.clone()).orders(vec![order(
        "2026-11-05 10:00:21",
        Some("2026-11-05 11:00:00"),
        12_990,
    )]);
    let r = &c.rows("store,date");
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].get(Figure::OrderedBuyers), Some(&count(0)));
    assert_eq!(
        r[1].get(Figure::SilentSales),
        Some(&Value::Money(Some(kefu_domain::Fen(12_990))))
    );
    assert_eq!(r[1].get(Figure::Sessions), Some(&count(0)));
    // An unpaid attributed order: ordered, not paid.
    let c = Case::new(s.clone()).orders(vec![order("2026-11-03 11:00:00", None, 500)]);
    assert_eq!(c.total(Figure::OrderedBuyers), count(1));
    assert_eq!(c.total(Figure::PaidBuyers), count(0));
    assert_eq!(c.total(Figure::AvgOrderValue), Value::Money(None));
    assert_eq!(c.total(Figure::PayConversion), num(0.0));
    // The last agent message before the reference time wins; later ones do not count.
    let c = Case::new(vec![
        buyer("2026-11-03 10:00:00"),
        agent("2026-11-03 10:00:20", A),
        agent("2026-11-03 10:01:00", B),
        agent("2026-11-03 10:03:00", A),
    ])
    .orders(vec![order(
        "2026-11-03 10:02:00",
        Some("2026-11-03 10:02:30"),
        100,
    )]);
    let rows = c.rows("agent");
    let b = rows
        .iter()
        .find(|r| r.key.agent == kefu_kpi::aggregate::AgentKey::Named("阿杰".into()))
        .unwrap();
    assert_eq!(b.get(Figure::PaidBuyers), Some(&count(1)));
    assert_eq!(b.get(Figure::InquiryBuyers), Some(&count(1)));
    // Auto replies do not attribute.
    let c = Case::new(vec![
        buyer("2026-11-03 10:00:00"),
        m("2026-11-03 10:00:01", Role::Bot, Some(A)),
    ])
    .orders(vec![order(
        "2026-11-03 10:02:00",
        Some("2026-11-03 10:02:30"),
        100,
    )]);
    assert_eq!(c.total(Figure::OrderedBuyers), count(0));
    assert_eq!(
        c.total(Figure::SilentSales),
        Value::Money(Some(kefu_domain::Fen(100)))
    );
}

#[test]
fn attribution_by_payment_time() {
    let s = vec![
        buyer("2026-11-03 10:00:00"),
        agent("2026-11-03 10:00:20", A),
    ];
    // Created in the window, paid after it: attributed by order, silent by payment.
    let o = order("2026-11-03 12:00:00", Some("2026-11-05 10:00:21"), 100);
    let c = Case::new(s.clone()).orders(vec![o]);
    assert_eq!(c.total(Figure::PaidBuyers), count(1));
    let c = Case::new(s.clone())
        .orders(vec![o])
        .set("attribution", "payment");
    assert_eq!(c.total(Figure::PaidBuyers), count(0));
    assert_eq!(
        c.total(Figure::SilentSales),
        Value::Money(Some(kefu_domain::Fen(100)))
    );
    // Paid exactly at the window's end: attributed.
    let o = order("2026-11-03 12:00:00", Some("2026-11-05 10:00:20"), 100);
    let c = Case::new(s.clone())
        .orders(vec![o])
        .set("attribution", "payment");
    assert_eq!(c.total(Figure::PaidBuyers), count(1));
    // Unpaid: never attributed under the payment rule.
    let c = Case::new(s)
        .orders(vec![order("2026-11-03 12:00:00", None, 100)])
        .set("attribution", "payment");
    assert_eq!(c.total(Figure::OrderedBuyers), count(0));
    assert_eq!(c.settings.attribution, Attribution::Payment);
}

#[test]
fn attribution_skips_after_sales_sessions() {
    // An after-sales session's agent message does not attribute an order
    // created 48 h and 10 s after the start (so the session stays after-sales) but
    // within 48 h of the message.
    let c = Case::new(vec![
        buyer("2026-11-10 10:00:00"),
        agent("2026-11-10 10:00:20", A),
    ])
    .orders(vec![
        order("2026-11-01 10:00:00", Some("2026-11-01 10:10:00"), 100),
        order("2026-11-12 10:00:10", Some("2026-11-12 10:05:00"), 200),
    ]);
    assert_eq!(c.total(Figure::AfterSalesSessions), count(1));
    assert_eq!(c.total(Figure::OrderedBuyers), count(0));
    assert_eq!(
        c.total(Figure::SilentSales),
        Value::Money(Some(kefu_domain::Fen(300)))
    );
}

fn rating(time: &str, agent: u32, score: u8) -> RatingIn {
    RatingIn {
        at: at(time),
        seq: 0,
        agent,
        score,
    }
}

#[test]
fn repeated_ratings_count_once_per_agent_and_day() {
    let mut rs = vec![
        rating("2026-11-03 10:00:00", A, 1),
        rating("2026-11-03 18:00:00", A, 5), // replaces the 1
        rating("2026-11-03 12:00:00", B, 2),
        rating("2026-11-04 09:00:00", A, 3),
        rating("2026-11-04 09:00:00", A, 2), // same time, later arrival wins
    ];
    for (i, r) in rs.iter_mut().enumerate() {
        r.seq = i as u64;
    }
    let c = Case::new(vec![]).ratings(rs);
    assert_eq!(c.total(Figure::Ratings), count(3));
    assert_eq!(c.total(Figure::SatisfiedRate), num(1.0 / 3.0));
    assert_eq!(c.total(Figure::DissatisfiedRate), num(2.0 / 3.0));
    let c = c.set("dissatisfied_max_score", "1");
    assert_eq!(c.total(Figure::DissatisfiedRate), num(0.0));
}

#[test]
fn times_with_offsets_and_local_days() {
    // 2026-11-05T16:30:00Z is 00:30 on the 6th in Shanghai.
    let c = Case::new(vec![
        buyer("2026-11-05T16:30:00Z"),
        agent("2026-11-05T16:30:10+00:00", A),
    ]);
    let r = c.rows("date,hour");
    assert_eq!(
        r[0].key.day.map(kefu_domain::time::format_day).as_deref(),
        Some("2026-11-06")
    );
    assert_eq!(r[0].key.hour, Some(0));
    // 00:30 is outside 08:00-24:00.
    assert_eq!(r[0].get(Figure::AvgResponseS), Some(&NULL));
    // Another store zone moves the same instant.
    let c = Case::new(vec![Msg {
        at: at("2026-11-05T16:30:00Z"),
        seq: 0,
        role: Role::Buyer,
        agent: None,
    }])
    .set("timezone", "Europe/London");
    let r = c.rows("date,hour");
    assert_eq!(r[0].key.hour, Some(16));
}

#[test]
fn null_rates_never_zero() {
    let c = Case::new(vec![buyer("10:00:00")]);
    for f in [
        Figure::FirstResponseS,
        Figure::AvgResponseS,
        Figure::Reply3minRate, // 0 ÷ (0 + 1) is 0, not null
        Figure::AnswerRatio,
        Figure::OrderConversion,
        Figure::SatisfiedRate,
        Figure::DissatisfiedRate,
        Figure::InviteRate,
    ] {
        let v = c.total(f);
        if f == Figure::Reply3minRate || f == Figure::AnswerRatio || f == Figure::OrderConversion {
            assert_eq!(v, num(0.0), "{}", f.name());
        } else {
            assert_eq!(v, NULL, "{}", f.name());
        }
    }
    assert_eq!(c.total(Figure::AvgOrderValue), Value::Money(None));
}

#[test]
fn distinct_buyers_by_day_and_month() {
    let c = Case::new(vec![
        buyer("2026-11-03 10:00:00"),
        buyer("2026-11-04 10:00:00"),
        buyer("2026-11-04 11:00:00"),
    ]);
    assert_eq!(c.total(Figure::ConsultBuyers), count(1));
    assert_eq!(c.total(Figure::Sessions), count(3));
    let r = c.rows("date");
    assert_eq!(r.len(), 2);
    assert!(
        r.iter()
            .all(|r| r.get(Figure::ConsultBuyers) == Some(&count(1)))
    );
    let json = r[1].to_json(Grouping::parse("date").unwrap());
    assert_eq!(json["date"], "2026-11-04");
    assert_eq!(json["sessions"], 2);
    assert_eq!(
        json.as_object().unwrap().keys().next().map(String::as_str),
        Some("date")
    );
}
