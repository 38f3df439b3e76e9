//! The session views of `conversation_sessions`, summed, give exactly the
//! facts of `conversation_facts` (every counter and buyer flag, cell by
//! cell): on generated conversations under many settings, on the bench
//! fixtures and on a small demo month.

use kefu_domain::{Message, Order, Rating, StoreSettings};
use kefu_kpi::facts::FactSet;
use kefu_kpi::sessions::counted_ratings;
use kefu_kpi::{
    Counter, Fact, Flag, Msg, OrderIn, Params, RatingIn, Role, RoundOutcome, SessionKind,
    conversation_facts, conversation_sessions,
};
use std::collections::HashMap;
use std::path::Path;

/// The facts a conversation's views add up to.
fn facts_of_views(
    msgs: &mut [Msg],
    orders: &[OrderIn],
    ratings: &[RatingIn],
    p: &Params,
) -> Vec<Fact> {
    let v = conversation_sessions(msgs, orders, p);
    let mut out = FactSet::default();
    for s in v
        .sessions
        .iter()
        .filter(|s| s.kind != SessionKind::Outbound)
    {
        let (day, hour) = (s.day, s.hour);
        let range = &msgs[s.first..s.end];
        let count = |r: Role| range.iter().filter(|m| m.role == r).count() as i64;
        let cell = out.cell(s.receiving, day, hour);
        let kind = match s.kind {
            SessionKind::Manual => Counter::ManualSessions,
            SessionKind::Bot => Counter::BotSessions,
            _ => Counter::UnansweredSessions,
        };
        cell.counts[Counter::Sessions as usize] += 1;
        cell.counts[kind as usize] += 1;
        cell.counts[Counter::BuyerMessages as usize] += count(Role::Buyer);
        cell.counts[Counter::AgentMessages as usize] += count(Role::Agent);
        cell.counts[Counter::InvitedSessions as usize] += i64::from(s.invited);
        if s.kind == SessionKind::Manual {
            cell.counts[Counter::HandleMs as usize] += kefu_kpi::handle_ms(range);
        }
        if kefu_kpi::needs_human(s.kind)
            && kefu_kpi::late_half(p.clock.local(s.start_ms).minute_of_day)
        {
            cell.counts[Counter::HumanSessionsLateHalf as usize] += 1;
        }
        cell.counts[Counter::AfterSalesSessions as usize] += i64::from(s.after_sales);
        cell.flags |= Flag::Consult as u8;
        if s.kind == SessionKind::Manual {
            cell.flags |= Flag::Manual as u8;
        }
        if s.inquiry() {
            cell.flags |= Flag::Inquiry as u8;
            for m in range.iter().filter(|m| m.role == Role::Agent) {
                out.flag(m.agent, day, hour, Flag::InquiryByAgent);
            }
        }
        let first_human = s
            .rounds
            .iter()
            .position(|r| matches!(r.outcome, RoundOutcome::Human { .. }));
        for (i, r) in s.rounds.iter().enumerate().filter(|(_, r)| r.counts) {
            match r.outcome {
                RoundOutcome::Human { agent, response_ms } => {
                    let c = &mut out.cell(agent, day, hour).counts;
                    if Some(i) == first_human {
                        assert_eq!(s.first_response_ms, Some(response_ms));
                        c[Counter::FirstResponseN as usize] += 1;
                        c[Counter::FirstResponseMs as usize] += response_ms;
                    }
                    c[Counter::HumanRounds as usize] += 1;
                    c[Counter::ResponseMs as usize] += response_ms;
                    c[Counter::Within3Min as usize] += i64::from(r.within_3min);
                    c[Counter::SlowRounds as usize] += i64::from(r.slow);
                }
                RoundOutcome::Unanswered => {
                    out.add(s.receiving, day, hour, Counter::UnansweredRounds, 1)
                }
                RoundOutcome::Bot => {}
            }
        }
        if first_human.is_none_or(|i| !s.rounds[i].counts) {
            assert_eq!(s.first_response_ms, None);
        }
    }
    for (o, a) in orders.iter().zip(&v.orders) {
        match a {
            Some(a) => {
                let s = &v.sessions[a.session];
                assert!(s.first <= a.message && a.message < s.end && s.inquiry());
                let cell = out.cell(msgs[a.message].agent, s.day, s.hour);
                cell.flags |= Flag::Ordered as u8;
                if o.paid.is_some() {
                    cell.flags |= Flag::Paid as u8;
                    cell.counts[Counter::SalesFen as usize] += o.amount;
                }
            }
            None => {
                if let Some(paid) = o.paid {
                    let l = p.clock.local(paid);
                    out.add(None, l.day, l.hour, Counter::SilentSalesFen, o.amount);
                }
            }
        }
    }
    for (r, counted) in ratings.iter().zip(counted_ratings(ratings, p)) {
        if counted {
            let l = p.clock.local(r.at);
            let c = &mut out.cell(Some(r.agent), l.day, l.hour).counts;
            c[Counter::Ratings as usize] += 1;
            c[Counter::Satisfied as usize] += i64::from(r.score >= 4);
            c[Counter::Dissatisfied as usize] += i64::from(r.score <= p.dissatisfied_max_score);
        }
    }
    out.into_facts()
}

fn check(msgs: &[Msg], orders: &[OrderIn], ratings: &[RatingIn], p: &Params, what: &str) {
    let (mut a, mut b) = (msgs.to_vec(), msgs.to_vec());
    let want = conversation_facts(&mut a, orders, ratings, p);
    let got = facts_of_views(&mut b, orders, ratings, p);
    assert_eq!(a, b, "{what}: same sorting");
    assert_eq!(got, want, "{what}: views sum to the facts");
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len() as u64) as usize]
    }
}

const NOV_1: i64 = 1_793_491_200_000; // 2026-11-01T00:00:00Z

fn generated(rng: &mut Rng) -> (Vec<Msg>, Vec<OrderIn>, Vec<RatingIn>) {
    let mut at = NOV_1 + rng.below(30 * 86_400) as i64 * 1000;
    let n = 1 + rng.below(40) as usize;
    let mut msgs = Vec::with_capacity(n);
    let roles = [
        Role::Buyer,
        Role::Buyer,
        Role::Buyer,
        Role::Agent,
        Role::Agent,
        Role::Agent,
        Role::Bot,
        Role::System,
        Role::Transfer,
        Role::Invite,
    ];
    for _ in 0..n {
        let gap_s: i64 = match rng.below(8) {
            0 => 0,
            1 | 2 => rng.below(30) as i64,
            3 | 4 => 30 + rng.below(300) as i64,
            5 => 540 + rng.below(120) as i64,
            6 => 3600 * (1 + rng.below(30) as i64),
            _ => 86_400 * (1 + rng.below(25) as i64),
        };
        at += gap_s * 1000;
        let role = rng.pick(&roles);
        let agent = match role {
            Role::Agent | Role::Invite => Some(rng.below(3) as u32),
            Role::Transfer => rng.pick(&[None, Some(1), Some(2)]),
            _ => None,
        };
        msgs.push(Msg {
            at,
            seq: 0,
            role,
            agent,
        });
    }
    // Arrival order differs from time order where times tie.
    let mut seqs: Vec<u64> = (0..n as u64).collect();
    for i in (1..n).rev() {
        seqs.swap(i, rng.below(i as u64 + 1) as usize);
    }
    for (m, s) in msgs.iter_mut().zip(seqs) {
        m.seq = s;
    }
    let (lo, hi) = (
        msgs[0].at - 30 * 86_400_000,
        msgs[n - 1].at + 3 * 86_400_000,
    );
    let orders = (0..rng.below(4))
        .map(|_| {
            let created = lo + (rng.next() % (hi - lo) as u64) as i64;
            let paid = rng
                .pick(&[None, Some(0), Some(60_000), Some(7_200_000)])
                .map(|d| created + d);
            OrderIn {
                created,
                paid,
                amount: 100 + rng.below(100_000) as i64,
            }
        })
        .collect();
    let ratings = (0..rng.below(3))
        .map(|i| RatingIn {
            at: msgs[rng.below(n as u64) as usize].at + rng.below(7200) as i64 * 1000,
            seq: 1000 + i,
            agent: rng.below(3) as u32,
            score: 1 + rng.below(5) as u8,
        })
        .collect();
    (msgs, orders, ratings)
}

#[test]
fn views_sum_to_facts_on_generated_conversations() {
    let variants: [&[(&str, &str)]; 6] = [
        &[],
        &[
            ("attribution", "payment"),
            ("attribution_window_hours", "24"),
        ],
        &[
            ("session_idle_minutes", "15"),
            ("slow_response_seconds", "30"),
        ],
        &[("service_hours", "22:00-06:00"), ("after_sales_days", "7")],
        &[
            ("timezone", "America/New_York"),
            ("service_hours", "00:00-24:00"),
        ],
        &[
            ("session_idle_minutes", "1"),
            ("service_hours", "09:30-18:00"),
        ],
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (v, pairs) in variants.iter().enumerate() {
        let mut s = StoreSettings::default();
        for (k, val) in *pairs {
            s.set(k, val).unwrap();
        }
        let p = Params::new(&s).unwrap();
        for i in 0..2_000 {
            let (m, o, r) = generated(&mut rng);
            check(&m, &o, &r, &p, &format!("variant {v}, conversation {i}"));
        }
    }
}

/// One conversation's records in the engine's form.
type Conv = (Vec<Msg>, Vec<OrderIn>, Vec<RatingIn>);

/// Records grouped into conversations as the engine's data set does.
fn conversations(
    settings: &HashMap<String, StoreSettings>,
    msgs: &[Message],
    orders: &[Order],
    ratings: &[Rating],
) -> Vec<(Params, Conv)> {
    let mut convs: HashMap<(String, String), Conv> = HashMap::new();
    let mut agents: HashMap<String, u32> = HashMap::new();
    let mut agent = |a: &str| {
        let n = agents.len() as u32;
        *agents.entry(a.to_string()).or_insert(n)
    };
    let settings_of = |store: &str| settings.get(store).cloned().unwrap_or_default();
    let params = |store: &str| Params::new(&settings_of(store)).unwrap();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in msgs.iter().enumerate() {
        if !seen.insert((m.store.clone(), m.message_id.clone())) {
            continue;
        }
        let s = settings_of(&m.store);
        let msg = Msg {
            at: params(&m.store).clock.to_utc_ms(m.sent_at),
            seq: i as u64,
            role: Role::of(m.sender, m.kind, &m.content, &s.auto_reply_prefixes),
            agent: m.agent.as_deref().map(&mut agent),
        };
        convs
            .entry((m.store.clone(), m.buyer.clone()))
            .or_default()
            .0
            .push(msg);
    }
    let mut latest: HashMap<(String, String), &Order> = HashMap::new();
    for o in orders {
        latest.insert((o.store.clone(), o.order_id.clone()), o);
    }
    for o in latest.values() {
        let clock = params(&o.store).clock;
        let order = OrderIn {
            created: clock.to_utc_ms(o.created_at),
            paid: o.paid_at.map(|t| clock.to_utc_ms(t)),
            amount: o.amount.0,
        };
        convs
            .entry((o.store.clone(), o.buyer.clone()))
            .or_default()
            .1
            .push(order);
    }
    for (i, r) in ratings.iter().enumerate() {
        let rating = RatingIn {
            at: params(&r.store).clock.to_utc_ms(r.rated_at),
            seq: (msgs.len() + i) as u64,
            agent: agent(&r.agent),
            score: r.score,
        };
        convs
            .entry((r.store.clone(), r.buyer.clone()))
            .or_default()
            .2
            .push(rating);
    }
    convs
        .into_iter()
        .map(|((store, _), c)| (params(&store), c))
        .collect()
}

fn rows(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut rd = csv::Reader::from_reader(bytes);
    let header = rd.headers().unwrap().clone();
    (header, rd.records().map(Result::unwrap).collect())
}

fn field<'a>(header: &csv::StringRecord, row: &'a csv::StringRecord, f: &str) -> Option<&'a str> {
    let i = header.iter().position(|h| h == f)?;
    row.get(i).filter(|v| !v.is_empty())
}

fn records(m: &[u8], o: &[u8], r: &[u8]) -> (Vec<Message>, Vec<Order>, Vec<Rating>) {
    let ((mh, m), (oh, o), (rh, r)) = (rows(m), rows(o), rows(r));
    (
        m.iter()
            .map(|x| Message::from_fields(|f| field(&mh, x, f)).unwrap())
            .collect(),
        o.iter()
            .map(|x| Order::from_fields(|f| field(&oh, x, f)).unwrap())
            .collect(),
        r.iter()
            .map(|x| Rating::from_fields(|f| field(&rh, x, f)).unwrap())
            .collect(),
    )
}

#[test]
fn views_sum_to_facts_on_the_bench_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/fixtures");
    let mut n = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let read = |f: &str| std::fs::read(dir.join(f)).unwrap_or_default();
        let (m, o, r) = records(
            &read("messages.csv"),
            &read("orders.csv"),
            &read("ratings.csv"),
        );
        let mut settings = HashMap::new();
        let text = String::from_utf8(read("settings.toml")).unwrap();
        let doc: toml::Table = toml::from_str(&text).unwrap();
        if let Some(toml::Value::Table(stores)) = doc.get("stores") {
            for (code, table) in stores {
                let mut s = StoreSettings::default();
                for (k, v) in table.as_table().unwrap() {
                    let text = match v {
                        toml::Value::String(v) => v.clone(),
                        toml::Value::Array(items) => {
                            let items: Vec<&str> =
                                items.iter().filter_map(|i| i.as_str()).collect();
                            items.join(",")
                        }
                        other => other.to_string(),
                    };
                    s.set(k, &text).unwrap();
                }
                settings.insert(code.clone(), s);
            }
        }
        for (p, (msgs, orders, ratings)) in conversations(&settings, &m, &o, &r) {
            check(&msgs, &orders, &ratings, &p, &dir.display().to_string());
            n += 1;
        }
    }
    assert!(n >= 10, "fixture conversations checked: {n}");
}

#[test]
fn views_sum_to_facts_on_a_demo_month() {
    let (mut m, mut o, mut r) = (Vec::new(), Vec::new(), Vec::new());
    let opts = kefu_demo::DemoOptions {
        messages: 30_000,
        seed: 7,
        weeks: 0,
    };
    kefu_demo::generate(&opts, &mut m, &mut o, &mut r, &mut |_| {}).unwrap();
    let (m, o, r) = records(&m, &o, &r);
    let convs = conversations(&HashMap::new(), &m, &o, &r);
    assert!(convs.len() > 1_000, "demo conversations: {}", convs.len());
    for (p, (msgs, orders, ratings)) in convs {
        check(&msgs, &orders, &ratings, &p, "demo");
    }
}
