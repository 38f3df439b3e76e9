//! Checks of the generated demo: determinism, format, scale, the realism
//! the README and KPI tests rely on, and the history weeks before November.
//! The agents' plan and the chats' agents are checked in `tests/plan.rs`.

use crate::common;

use common::{Data, NOV_1, day_of, make, november, opts, records, time, with_history, yuan};
use kefu_demo::{DEFAULT_WEEKS, DemoOptions, plan, scale, target_messages, write_dir};
use std::collections::{BTreeMap, HashMap, HashSet};

#[test]
fn deterministic() {
    let a = make(opts(30_000, 7, 2));
    let b = make(opts(30_000, 7, 2));
    assert_eq!(a.messages, b.messages);
    assert_eq!(a.orders, b.orders);
    assert_eq!(a.ratings, b.ratings);
    assert_eq!(a.summary, b.summary);
    assert_eq!(plan(&opts(30_000, 7, 2)), plan(&opts(30_000, 7, 2)));
    let c = make(opts(30_000, 8, 2));
    assert_ne!(a.messages, c.messages);
    assert_ne!(plan(&opts(30_000, 7, 2)), plan(&opts(30_000, 8, 2)));
}

#[test]
fn headers() {
    for d in [november(), with_history()] {
        let first = |b: &[u8]| {
            String::from_utf8(b.split(|&c| c == b'\n').next().unwrap().to_vec()).unwrap()
        };
        assert_eq!(
            first(&d.messages),
            "store,message_id,buyer,sender,agent,sent_at,content,kind"
        );
        assert_eq!(
            first(&d.orders),
            "store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at"
        );
        assert_eq!(first(&d.ratings), "store,buyer,agent,rated_at,score");
        assert_eq!(first(&d.roster), "agent,date,shift,store,skill");
        assert_eq!(
            first(&d.agents),
            "agent,store,account,role,team,contract_hours,leave"
        );
        assert!(!d.messages.starts_with(&[0xEF, 0xBB, 0xBF]));
    }
}

#[test]
fn scale_follows_the_target() {
    assert_eq!(DemoOptions::default().weeks, DEFAULT_WEEKS);
    assert_eq!(DEFAULT_WEEKS, 13);
    assert_eq!(scale(&DemoOptions::default()), (6, 20));
    assert_eq!(scale(&opts(200_000, 1, 0)), (6, 20));
    let (stores, agents) = scale(&opts(10_000_000, 1, 13));
    assert!((290..=310).contains(&stores), "{stores}");
    assert!((950..=1050).contains(&agents), "{agents}");
    assert_eq!(scale(&opts(1_000, 1, 13)).0, 4);
    let s = &november().summary;
    assert_eq!((s.stores, s.agents), scale(&november().opts));
    assert_eq!(
        (s.first_day.as_str(), s.last_day.as_str()),
        ("2026-11-01", "2026-11-30")
    );
    let h = &with_history().summary;
    assert_eq!((h.stores, h.agents), scale(&with_history().opts));
    assert_eq!(
        (h.first_day.as_str(), h.last_day.as_str()),
        ("2026-08-02", "2026-11-30")
    );
    let short = make(opts(3_000, 2, 1)).summary;
    assert_eq!(short.first_day, "2026-10-25");
}

#[test]
fn message_count_near_target() {
    for d in [november(), with_history()] {
        let n = d.summary.messages;
        let target = target_messages(&d.opts);
        assert!(n.abs_diff(target) * 20 <= target, "{n} of {target}");
        assert_eq!(records(&d.messages).len() as u64, n);
        assert_eq!(records(&d.orders).len() as u64, d.summary.orders);
        assert_eq!(records(&d.ratings).len() as u64, d.summary.ratings);
        assert_eq!(d.progress.last(), Some(&n));
        assert!(d.progress.windows(2).all(|w| w[0] < w[1]));
        assert!(d.progress.len() >= 2);
    }
    let n = november().summary.messages;
    assert!(n.abs_diff(120_000) <= 6_000, "{n}");
    assert_eq!(target_messages(&november().opts), 120_000);
    let h = with_history();
    assert!(
        h.summary.messages > 3 * h.opts.messages,
        "history adds weeks"
    );
}

#[test]
fn november_about_the_same_with_history() {
    let without = make(opts(with_history().opts.messages, 1, 0));
    let count = |d: &Data| {
        records(&d.messages)
            .iter()
            .filter(|r| r[5].starts_with("2026-11-"))
            .count() as f64
    };
    let ratio = count(with_history()) / count(&without);
    assert!((0.93..1.07).contains(&ratio), "{ratio}");
}

fn check_messages(d: &Data) {
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
        time(&r[5], d.opts.weeks);
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
fn every_message_parses() {
    check_messages(november());
    check_messages(with_history());
}

fn check_orders_and_ratings(d: &Data) {
    let weeks = d.opts.weeks;
    let mut ids = HashSet::new();
    let (mut unpaid, mut refunded, mut partial) = (0, 0, 0);
    for r in records(&d.orders) {
        assert_eq!(r.len(), 8);
        assert!(ids.insert((r[0].to_string(), r[1].to_string())));
        let created = time(&r[3], weeks);
        if r[0].starts_with("pdd-") {
            let yymmdd = format!("{}{}{}", &r[3][2..4], &r[3][5..7], &r[3][8..10]);
            assert!(r[1].starts_with(&yymmdd), "{} {}", &r[1], &r[3]);
        }
        let amount = yuan(&r[5]);
        assert!(amount > 0);
        if r[4].is_empty() {
            unpaid += 1;
            assert!(r[6].is_empty() && r[7].is_empty());
            continue;
        }
        let paid = time(&r[4], weeks);
        assert!(paid >= created);
        if !r[6].is_empty() {
            refunded += 1;
            let refund = yuan(&r[6]);
            assert!(refund > 0 && refund <= amount);
            partial += i32::from(refund < amount);
            assert!(time(&r[7], weeks) > paid);
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
        time(&r[3], weeks);
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
fn orders_and_ratings_parse() {
    check_orders_and_ratings(november());
    check_orders_and_ratings(with_history());
}

#[test]
fn the_month_looks_real() {
    let d = november();
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
            .push(time(&r[5], 0));
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
            midnight += u32::from(g < 600 && day_of(w[0]) != day_of(w[1]));
        }
    }
    assert!(exact > 10 && short > 100 && long > 100 && ties > 100 && midnight > 10);
}

#[test]
fn history_weeks_are_ordinary() {
    let d = with_history();
    let mut per_day: BTreeMap<i64, u64> = BTreeMap::new();
    let mut by_buyer: HashMap<(String, String), i64> = HashMap::new();
    for r in records(&d.messages) {
        let t = time(&r[5], d.opts.weeks);
        *per_day.entry(day_of(t)).or_default() += 1;
        let last = by_buyer
            .entry((r[0].to_string(), r[2].to_string()))
            .or_insert(t);
        assert!(*last <= t, "rows of a buyer are in time order");
        *last = t;
    }
    assert_eq!(per_day.len(), 13 * 7 + 30);
    let first = day_of(NOV_1) - 91;
    assert_eq!(per_day.keys().next(), Some(&first));
    // Whole weeks from the third (buyers coming back fill the first two).
    let weeks: Vec<(u64, u64)> = (2..13)
        .map(|w| {
            let day = |i: i64| per_day[&(first + 7 * w + i)];
            (day(0) + day(6), (1..6).map(day).sum::<u64>())
        })
        .collect();
    let weekend: u64 = weeks.iter().map(|w| w.0).sum();
    let weekdays: u64 = weeks.iter().map(|w| w.1).sum();
    let ratio = (weekend as f64 / 2.0) / (weekdays as f64 / 5.0);
    assert!(
        (1.04..1.3).contains(&ratio),
        "weekend days against weekdays: {ratio}"
    );
    let mean = (weekend + weekdays) / weeks.len() as u64;
    for &(a, b) in &weeks {
        assert!(
            (a + b).abs_diff(mean) * 5 < mean,
            "no surge: {} of {mean}",
            a + b
        );
    }
    let total = |w: &[(u64, u64)]| w.iter().map(|&(a, b)| a + b).sum::<u64>();
    assert!(total(&weeks[7..]) * 100 > total(&weeks[..4]) * 99, "grows");
    let ordinary = per_day[&(first + 7 * 12 + 3)];
    let promo = per_day[&(day_of(NOV_1) + 10)];
    assert!(promo > 3 * ordinary, "{promo} {ordinary}");
}

#[test]
fn write_dir_writes_the_same_files() {
    let dir = std::env::temp_dir().join(format!("kefu-demo-test-{}", std::process::id()));
    let o = opts(20_000, 7, 2);
    let summary = write_dir(&o, &dir, &mut |_| {}).unwrap();
    let expected = make(o);
    assert_eq!(summary, expected.summary);
    for (name, bytes) in [
        ("messages.csv", &expected.messages),
        ("orders.csv", &expected.orders),
        ("ratings.csv", &expected.ratings),
        ("roster.csv", &expected.roster),
        ("agents.csv", &expected.agents),
    ] {
        assert_eq!(&std::fs::read(dir.join(name)).unwrap(), bytes, "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn zero_messages_gives_empty_files() {
    for weeks in [0, 13] {
        let d = make(opts(0, 1, weeks));
        assert_eq!(d.summary.messages, 0);
        assert_eq!(d.summary.stores, 4);
        assert_eq!(
            d.messages,
            b"store,message_id,buyer,sender,agent,sent_at,content,kind\n"
        );
        assert_eq!(d.progress, [0]);
        assert!(records(&d.roster).len() > 8 * 5 * weeks as usize);
    }
}
