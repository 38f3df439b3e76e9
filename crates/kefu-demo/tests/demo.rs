//! Checks of the generated demo month: determinism, format, scale, and the
//! realism the README and KPI tests rely on.

use kefu_demo::{DemoOptions, DemoSummary, generate, scale, write_dir};
use kefu_domain::{Fen, RecordTime};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

struct Data {
    summary: DemoSummary,
    messages: Vec<u8>,
    orders: Vec<u8>,
    ratings: Vec<u8>,
    progress: Vec<u64>,
}

fn make(messages: u64, seed: u64) -> Data {
    let (mut m, mut o, mut r) = (Vec::new(), Vec::new(), Vec::new());
    let mut progress = Vec::new();
    let opts = DemoOptions { messages, seed };
    let summary = generate(&opts, &mut m, &mut o, &mut r, &mut |n| progress.push(n)).unwrap();
    Data {
        summary,
        messages: m,
        orders: o,
        ratings: r,
        progress,
    }
}

fn data() -> &'static Data {
    static DATA: OnceLock<Data> = OnceLock::new();
    DATA.get_or_init(|| make(120_000, 1))
}

fn records(bytes: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(bytes)
        .records()
        .map(|r| r.unwrap())
        .collect()
}

/// Parses a local time and checks its exact shape and month.
fn time(text: &str) -> i64 {
    assert_eq!(text.len(), 19, "{text}");
    assert!(text.starts_with("2026-11-"), "{text}");
    let t = RecordTime::parse(text).unwrap();
    assert_eq!(t.offset_s, None);
    assert_eq!(t.to_text(), text);
    t.civil_ms / 1000
}

fn yuan(text: &str) -> i64 {
    let dot = text.find('.').unwrap();
    assert_eq!(text.len() - dot, 3, "{text}");
    Fen::parse_yuan(text).unwrap().0
}

#[test]
fn deterministic() {
    let a = make(30_000, 7);
    let b = make(30_000, 7);
    assert_eq!(a.messages, b.messages);
    assert_eq!(a.orders, b.orders);
    assert_eq!(a.ratings, b.ratings);
    assert_eq!(a.summary, b.summary);
    let c = make(30_000, 8);
    assert_ne!(a.messages, c.messages);
}

#[test]
fn headers() {
    let d = data();
    let first =
        |b: &[u8]| String::from_utf8(b.split(|&c| c == b'\n').next().unwrap().to_vec()).unwrap();
    assert_eq!(
        first(&d.messages),
        "store,message_id,buyer,sender,agent,sent_at,content,kind"
    );
    assert_eq!(
        first(&d.orders),
        "store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at"
    );
    assert_eq!(first(&d.ratings), "store,buyer,agent,rated_at,score");
    assert!(!d.messages.starts_with(&[0xEF, 0xBB, 0xBF]));
}

#[test]
fn scale_follows_the_target() {
    assert_eq!(scale(&DemoOptions::default()), (6, 20));
    let (stores, agents) = scale(&DemoOptions {
        messages: 10_000_000,
        seed: 1,
    });
    assert!((290..=310).contains(&stores), "{stores}");
    assert!((950..=1050).contains(&agents), "{agents}");
    assert_eq!(
        scale(&DemoOptions {
            messages: 1_000,
            seed: 1
        })
        .0,
        4
    );
    let s = &data().summary;
    assert_eq!(
        (s.stores, s.agents),
        scale(&DemoOptions {
            messages: 120_000,
            seed: 1
        })
    );
    assert_eq!(
        (s.first_day.as_str(), s.last_day.as_str()),
        ("2026-11-01", "2026-11-30")
    );
}

#[test]
fn message_count_near_target() {
    let d = data();
    let n = d.summary.messages;
    assert!(n.abs_diff(120_000) <= 6_000, "{n}");
    assert_eq!(records(&d.messages).len() as u64, n);
    assert_eq!(records(&d.orders).len() as u64, d.summary.orders);
    assert_eq!(records(&d.ratings).len() as u64, d.summary.ratings);
    assert_eq!(d.progress.last(), Some(&n));
    assert!(d.progress.windows(2).all(|w| w[0] < w[1]));
    assert!(d.progress.len() >= 2);
}

#[test]
fn every_message_parses() {
    let d = data();
    let mut ids = HashSet::new();
    let mut stores = HashSet::new();
    let mut kinds = HashMap::new();
    for r in records(&d.messages) {
        assert_eq!(r.len(), 8);
        let (store, id, buyer, sender, agent) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        let (content, kind) = (&r[6], &r[7]);
        stores.insert(store.to_string());
        assert!(
            ids.insert((store.to_string(), id.to_string())),
            "duplicate {id}"
        );
        assert!(id.starts_with('m') && !buyer.is_empty());
        time(&r[5]);
        assert!(
            ["buyer", "agent", "bot", "system"].contains(&sender),
            "{sender}"
        );
        assert!(["text", "image", "card", "auto", "transfer", "invite_rating"].contains(&kind));
        if sender == "agent" || kind == "transfer" {
            assert!(agent.starts_with(&format!("{store}:")), "{agent}");
        }
        if sender == "buyer" || sender == "bot" {
            assert!(agent.is_empty());
        }
        if kind == "image" || kind == "card" {
            assert!(content.is_empty());
        }
        *kinds
            .entry((sender.to_string(), kind.to_string()))
            .or_insert(0) += 1;
    }
    let prefixes: HashSet<&str> = stores
        .iter()
        .map(|s| s.split('-').next().unwrap())
        .collect();
    assert_eq!(prefixes.len(), 4, "{prefixes:?}");
    for k in [
        ("buyer", "text"),
        ("buyer", "image"),
        ("buyer", "card"),
        ("agent", "text"),
        ("agent", "auto"),
        ("agent", "card"),
        ("agent", "invite_rating"),
        ("bot", "text"),
        ("system", "text"),
        ("system", "transfer"),
    ] {
        assert!(
            kinds.get(&(k.0.into(), k.1.into())).copied().unwrap_or(0) > 20,
            "{k:?}"
        );
    }
}

#[test]
fn orders_and_ratings_parse() {
    let d = data();
    let mut ids = HashSet::new();
    let (mut unpaid, mut refunded, mut partial) = (0, 0, 0);
    for r in records(&d.orders) {
        assert_eq!(r.len(), 8);
        assert!(ids.insert((r[0].to_string(), r[1].to_string())));
        let created = time(&r[3]);
        let amount = yuan(&r[5]);
        assert!(amount > 0);
        if r[4].is_empty() {
            unpaid += 1;
            assert!(r[6].is_empty() && r[7].is_empty());
            continue;
        }
        let paid = time(&r[4]);
        assert!(paid >= created);
        if !r[6].is_empty() {
            refunded += 1;
            let refund = yuan(&r[6]);
            assert!(refund > 0 && refund <= amount);
            partial += i32::from(refund < amount);
            assert!(time(&r[7]) > paid);
        }
    }
    assert!(
        unpaid > 50 && refunded > 50 && partial > 5,
        "{unpaid} {refunded} {partial}"
    );
    let mut agents = HashSet::new();
    for r in records(&d.messages) {
        if &r[3] == "agent" {
            agents.insert(r[4].to_string());
        }
    }
    let mut per_day = HashMap::new();
    for r in records(&d.ratings) {
        assert_eq!(r.len(), 5);
        assert!(agents.contains(&r[2]), "{}", &r[2]);
        time(&r[3]);
        let score: u8 = r[4].parse().unwrap();
        assert!((1..=5).contains(&score));
        *per_day
            .entry((
                r[0].to_string(),
                r[1].to_string(),
                r[2].to_string(),
                r[3][..10].to_string(),
            ))
            .or_insert(0) += 1;
    }
    assert!(
        per_day.values().any(|&n| n > 1),
        "some buyer rates an agent twice a day"
    );
}

#[test]
fn the_month_looks_real() {
    let d = data();
    let mut per_day: HashMap<String, u64> = HashMap::new();
    let mut night = 0;
    let mut tricky = [0; 3];
    let mut by_buyer: HashMap<(String, String), Vec<i64>> = HashMap::new();
    for r in records(&d.messages) {
        *per_day.entry(r[5][..10].to_string()).or_default() += 1;
        let hour: u32 = r[5][11..13].parse().unwrap();
        night += u32::from((1..7).contains(&hour));
        let c = &r[6];
        tricky[0] += u32::from(c.contains(','));
        tricky[1] += u32::from(c.contains('"'));
        tricky[2] += u32::from(c.contains('\n'));
        by_buyer
            .entry((r[0].to_string(), r[2].to_string()))
            .or_default()
            .push(time(&r[5]));
    }
    assert_eq!(per_day.len(), 30);
    let mut days: Vec<u64> = per_day.values().copied().collect();
    days.sort_unstable();
    let median = days[15];
    let promo = per_day["2026-11-11"];
    assert!(promo >= 3 * median, "11-11 {promo} vs median {median}");
    assert!(night > 100, "{night}");
    assert!(tricky.iter().all(|&n| n > 10), "{tricky:?}");
    let (mut exact, mut short, mut long, mut ties, mut midnight) = (0, 0, 0, 0, 0);
    for times in by_buyer.values() {
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "rows of a buyer are in time order"
        );
        for w in times.windows(2) {
            let g = w[1] - w[0];
            exact += u32::from(g == 600);
            short += u32::from((300..600).contains(&g));
            long += u32::from((601..3600).contains(&g));
            ties += u32::from(g == 0);
            midnight += u32::from(g < 600 && w[0] / 86_400 != w[1] / 86_400);
        }
    }
    assert!(exact > 10 && short > 100 && long > 100 && ties > 100 && midnight > 10);
}

#[test]
fn write_dir_writes_the_same_files() {
    let dir = std::env::temp_dir().join(format!("kefu-demo-test-{}", std::process::id()));
    let opts = DemoOptions {
        messages: 30_000,
        seed: 7,
    };
    let summary = write_dir(&opts, &dir, &mut |_| {}).unwrap();
    let expected = make(30_000, 7);
    assert_eq!(summary, expected.summary);
    assert_eq!(
        std::fs::read(dir.join("messages.csv")).unwrap(),
        expected.messages
    );
    assert_eq!(
        std::fs::read(dir.join("orders.csv")).unwrap(),
        expected.orders
    );
    assert_eq!(
        std::fs::read(dir.join("ratings.csv")).unwrap(),
        expected.ratings
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zero_messages_gives_empty_files() {
    let d = make(0, 1);
    assert_eq!(d.summary.messages, 0);
    assert_eq!(d.summary.stores, 4);
    assert_eq!(
        d.messages,
        b"store,message_id,buyer,sender,agent,sent_at,content,kind\n"
    );
    assert_eq!(d.progress, [0]);
}
