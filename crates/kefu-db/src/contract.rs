//! The contract every [`Repository`] implementation passes. Each backend's
//! tests call [`run_all`] (or the single checks) on a fresh, empty
//! database. The figures are checked against the in-memory engine
//! ([`kefu_kpi::Dataset`]) on the same records.

use crate::Repository;
use anyhow::{Result, ensure};
use kefu_domain::{Fen, Message, MessageKind, Order, Rating, RecordTime, Sender, StoreSettings};
use kefu_kpi::{Dataset, Filter, GroupKey, Grouping, Totals};
use std::collections::HashMap;

mod sessions;
pub use sessions::{
    agents_are_listed, sessions_filter_by_day_and_agent, sessions_match_the_analysis,
    sessions_of_a_large_store, transcript_shows_rounds_and_attribution,
};

fn t(s: &str) -> RecordTime {
    RecordTime::parse(s).unwrap_or(RecordTime {
        civil_ms: 0,
        offset_s: None,
    })
}
/// A database name of its own for `tag` within one test process, for the
/// tests that make PostgreSQL databases: `{prefix}_{pid}_{n}_{tag}`, the
/// process and a counter first so that PostgreSQL's 63-byte limit on names
/// cuts only the tag. Tests of one binary run side by side and never share
/// a database.
pub fn unique_database_name(prefix: &str, tag: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let mut name = format!("{prefix}_{}_{n}_{tag}", std::process::id());
    name.truncate(63);
    name
}

/// A message for the checks.
pub fn msg(
    store: &str,
    id: &str,
    buyer: &str,
    sender: Sender,
    agent: Option<&str>,
    at: &str,
    content: &str,
) -> Message {
    Message {
        store: store.into(),
        message_id: id.into(),
        buyer: buyer.into(),
        sender,
        agent: agent.map(str::to_string),
        sent_at: t(at),
        content: content.into(),
        kind: MessageKind::Text,
    }
}

/// An order for the checks.
pub fn order(
    store: &str,
    id: &str,
    buyer: &str,
    created: &str,
    paid: Option<&str>,
    fen: i64,
) -> Order {
    Order {
        store: store.into(),
        order_id: id.into(),
        buyer: buyer.into(),
        created_at: t(created),
        paid_at: paid.map(t),
        amount: Fen(fen),
        refund_amount: None,
        refunded_at: None,
    }
}

/// A rating for the checks.
pub fn rating(store: &str, buyer: &str, agent: &str, at: &str, score: u8) -> Rating {
    Rating {
        store: store.into(),
        buyer: buyer.into(),
        agent: agent.into(),
        rated_at: t(at),
        score,
    }
}

/// A small month of two stores: sessions, a transfer, orders and ratings.
pub fn sample() -> (Vec<Message>, Vec<Order>, Vec<Rating>) {
    use Sender::*;
    let mut m = vec![
        msg(
            "dy-1",
            "m1",
            "b1",
            Buyer,
            None,
            "2026-11-03 10:00:00",
            "在吗？这款有M码吗",
        ),
        msg(
            "dy-1",
            "m2",
            "b1",
            Agent,
            Some("dy-1:小美"),
            "2026-11-03 10:00:20",
            "亲，在的，M码有货",
        ),
        msg(
            "dy-1",
            "m3",
            "b1",
            Buyer,
            None,
            "2026-11-03 10:01:00",
            "什么时候发货",
        ),
        msg(
            "dy-1",
            "m4",
            "b1",
            Agent,
            Some("dy-1:小美"),
            "2026-11-03 10:04:30",
            "48小时内发货哦",
        ),
        msg(
            "dy-1",
            "m5",
            "b2",
            Buyer,
            None,
            "2026-11-03 23:59:59",
            "还有人吗",
        ),
        msg(
            "dy-1",
            "m6",
            "b2",
            Bot,
            None,
            "2026-11-04 00:00:05",
            "您好，客服下班了",
        ),
        msg(
            "dy-1",
            "m7",
            "b2",
            Buyer,
            None,
            "2026-11-04 09:00:00",
            "我的快递到哪了",
        ),
        msg(
            "tm-2",
            "m1",
            "b1",
            Buyer,
            None,
            "2026-11-11T12:00:00Z",
            "双11定金怎么付",
        ),
        msg(
            "tm-2",
            "m2",
            "b1",
            Agent,
            Some("tm-2:阿杰"),
            "2026-11-11 20:00:40",
            "定金在活动页支付哦",
        ),
        msg(
            "tm-2",
            "m3",
            "b9",
            Agent,
            Some("tm-2:阿杰"),
            "2026-11-12 10:00:00",
            "您好，您的订单已发货",
        ),
    ];
    let mut transfer = msg(
        "dy-1",
        "m8",
        "b2",
        System,
        Some("dy-1:售后-阿强"),
        "2026-11-04 09:00:10",
        "",
    );
    transfer.kind = MessageKind::Transfer;
    m.push(transfer);
    let o = vec![
        order(
            "dy-1",
            "o1",
            "b1",
            "2026-11-03 10:30:00",
            Some("2026-11-03 10:31:00"),
            12_990,
        ),
        order(
            "dy-1",
            "o2",
            "b2",
            "2026-10-20 10:30:00",
            Some("2026-10-20 10:31:00"),
            5_900,
        ),
        order(
            "dy-1",
            "o3",
            "b3",
            "2026-11-05 10:30:00",
            Some("2026-11-05 10:31:00"),
            9_900,
        ),
        order("tm-2", "o1", "b1", "2026-11-11 20:05:00", None, 259_900),
    ];
    let r = vec![
        rating("dy-1", "b1", "dy-1:小美", "2026-11-03 10:10:00", 3),
        rating("dy-1", "b1", "dy-1:小美", "2026-11-03 11:10:00", 5),
        rating("tm-2", "b1", "tm-2:阿杰", "2026-11-11 21:00:00", 1),
    ];
    (m, o, r)
}

/// Imports records in one transaction.
pub async fn import(
    repo: &dyn Repository,
    m: &[Message],
    o: &[Order],
    r: &[Rating],
) -> Result<crate::AddOutcome> {
    let mut tx = repo.begin_import().await?;
    let mut out = tx.add_messages(m).await?;
    out.absorb(tx.add_orders(o).await?);
    out.absorb(tx.add_ratings(r).await?);
    tx.commit().await?;
    Ok(out)
}

/// The in-memory engine's totals for the same records.
pub fn expected(
    settings: &HashMap<String, StoreSettings>,
    m: &[Message],
    o: &[Order],
    r: &[Rating],
    g: Grouping,
    f: &Filter,
) -> Result<Vec<(GroupKey, Totals)>> {
    let mut d = Dataset::new(settings.clone());
    for x in m {
        d.add_message(x).map_err(anyhow::Error::msg)?;
    }
    for x in o {
        d.add_order(x).map_err(anyhow::Error::msg)?;
    }
    for x in r {
        d.add_rating(x).map_err(anyhow::Error::msg)?;
    }
    Ok(d.query(g, f.clone(), 1))
}

async fn sorted_kpi(
    repo: &dyn Repository,
    g: Grouping,
    f: &Filter,
) -> Result<Vec<(GroupKey, Totals)>> {
    let mut v = repo.kpi(g, f).await?;
    v.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(v)
}

/// The database's figures equal the engine's in every grouping of
/// [`GROUPINGS`], over all days.
async fn matches_engine(
    repo: &dyn Repository,
    settings: &HashMap<String, StoreSettings>,
    m: &[Message],
    o: &[Order],
    r: &[Rating],
    what: &str,
) -> Result<()> {
    for g in GROUPINGS {
        let g = Grouping::parse(g).map_err(anyhow::Error::msg)?;
        let got = sorted_kpi(repo, g, &Filter::default()).await?;
        let want = expected(settings, m, o, r, g, &Filter::default())?;
        ensure!(got == want, "{what}, {g:?}:\n got {got:?}\nwant {want:?}");
    }
    Ok(())
}

const GROUPINGS: [&str; 6] = [
    "store",
    "store,agent",
    "store,agent,date",
    "date,hour",
    "",
    "agent,hour",
];

/// Figures from the database equal the in-memory engine's in every grouping.
pub async fn figures_match_the_engine(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    import(repo, &m, &o, &r).await?;
    let settings = HashMap::new();
    for g in GROUPINGS {
        let g = Grouping::parse(g).map_err(anyhow::Error::msg)?;
        for f in [
            Filter::default(),
            Filter {
                from: Some(20_760),
                to: Some(20_760),
                ..Filter::default()
            },
            Filter {
                store: Some("tm-2".into()),
                ..Filter::default()
            },
            Filter {
                stores: Some(["tm-2".to_string()].into()),
                ..Filter::default()
            },
            Filter {
                agents: Some(["dy-1:小美".to_string(), "tm-2:阿杰".to_string()].into()),
                ..Filter::default()
            },
        ] {
            let got = sorted_kpi(repo, g, &f).await?;
            let want = expected(&settings, &m, &o, &r, g, &f)?;
            ensure!(
                got == want,
                "grouping {:?} filter {:?}:\n got {:?}\nwant {:?}",
                g,
                f,
                got,
                want
            );
        }
    }
    let by_agent = Grouping::parse("store,agent").map_err(anyhow::Error::msg)?;
    let scoped = Filter {
        agents: Some(["dy-1:小美".to_string()].into()),
        ..Filter::default()
    };
    let rows = sorted_kpi(repo, by_agent, &scoped).await?;
    ensure!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|(k, _)| k.agent == kefu_kpi::aggregate::AgentKey::Named("dy-1:小美".into())),
        "an agent scope yields only that agent's rows: {rows:?}"
    );
    let none = Filter {
        stores: Some(std::collections::BTreeSet::new()),
        ..Filter::default()
    };
    ensure!(
        sorted_kpi(repo, by_agent, &none).await?.is_empty(),
        "an empty store scope yields nothing"
    );
    let all = sorted_kpi(repo, Grouping::default(), &Filter::default()).await?;
    ensure!(
        all.len() == 1 && all[0].1.get(kefu_kpi::Counter::Sessions) == 4,
        "4 sessions in all: {all:?}"
    );
    Ok(())
}

/// Importing the same records again changes nothing.
pub async fn reimport_changes_nothing(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    let first = import(repo, &m, &o, &r).await?;
    ensure!(
        first.imported == (m.len() + o.len() + r.len()) as u64,
        "first import: {first:?}"
    );
    let counts = repo.counts().await?;
    let before = sorted_kpi(
        repo,
        Grouping::parse("store,agent,date").map_err(anyhow::Error::msg)?,
        &Filter::default(),
    )
    .await?;
    let again = import(repo, &m, &o, &r).await?;
    ensure!(
        again.imported == 0 && again.conflicts.is_empty(),
        "second import: {again:?}"
    );
    ensure!(
        again.unchanged == first.imported,
        "second import unchanged: {again:?}"
    );
    ensure!(repo.counts().await? == counts, "row counts changed");
    let after = sorted_kpi(
        repo,
        Grouping::parse("store,agent,date").map_err(anyhow::Error::msg)?,
        &Filter::default(),
    )
    .await?;
    ensure!(before == after, "figures changed");
    Ok(())
}

/// A known message id with other content is a conflict and is skipped; a
/// duplicate inside one batch is unchanged.
pub async fn messages_are_immutable(repo: &dyn Repository) -> Result<()> {
    let (m, _, _) = sample();
    import(repo, &m, &[], &[]).await?;
    let mut changed = m[1].clone();
    changed.content = "改过的内容".into();
    let out = import(repo, &[changed, m[2].clone(), m[2].clone()], &[], &[]).await?;
    ensure!(
        out.conflicts == vec![("dy-1".to_string(), "m2".to_string())],
        "conflicts: {out:?}"
    );
    ensure!(out.unchanged == 2 && out.imported == 0, "outcome: {out:?}");
    ensure!(
        repo.counts().await?.messages == m.len() as i64,
        "message count"
    );
    Ok(())
}

/// A changed order replaces the old one; figures follow, also for the
/// conversation it left.
pub async fn orders_are_replaced(repo: &dyn Repository) -> Result<()> {
    let (m, mut o, r) = sample();
    import(repo, &m, &o, &r).await?;
    // tm-2's unpaid order gets paid; dy-1's o3 moves from b3 to b1.
    o[3].paid_at = Some(t("2026-11-11 20:06:00"));
    o[2].buyer = "b1".into();
    let out = import(repo, &[], &o, &[]).await?;
    ensure!(out.imported == 2 && out.unchanged == 2, "outcome: {out:?}");
    ensure!(repo.counts().await?.orders == 4, "order count");
    matches_engine(repo, &HashMap::new(), &m, &o, &r, "after replace").await?;
    Ok(())
}

/// A rating with a known identity replaces the score.
pub async fn ratings_are_replaced(repo: &dyn Repository) -> Result<()> {
    let (m, o, mut r) = sample();
    import(repo, &m, &o, &r).await?;
    r[2].score = 5;
    let out = import(repo, &[], &[], &r[2..]).await?;
    ensure!(out.imported == 1, "outcome: {out:?}");
    ensure!(repo.counts().await?.ratings == 3, "rating count");
    let g = Grouping::parse("store,agent").map_err(anyhow::Error::msg)?;
    let got = sorted_kpi(repo, g, &Filter::default()).await?;
    ensure!(
        got == expected(&HashMap::new(), &m, &o, &r, g, &Filter::default())?,
        "figures after rating change"
    );
    Ok(())
}

/// A rolled-back import leaves nothing behind.
pub async fn rollback_leaves_nothing(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    let mut tx = repo.begin_import().await?;
    tx.add_messages(&m).await?;
    tx.add_orders(&o).await?;
    tx.add_ratings(&r).await?;
    tx.rollback().await?;
    let c = repo.counts().await?;
    ensure!(
        c == crate::TableCounts::default(),
        "counts after rollback: {c:?}"
    );
    ensure!(
        repo.kpi(Grouping::default(), &Filter::default())
            .await?
            .is_empty(),
        "figures after rollback"
    );
    Ok(())
}

/// Stores are created with the defaults; changed settings are kept and the
/// store's figures recomputed.
pub async fn store_settings_recompute(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    import(repo, &m, &o, &r).await?;
    let stores = repo.stores().await?;
    ensure!(
        stores.len() == 2 && stores[0].0 == "dy-1",
        "stores: {stores:?}"
    );
    ensure!(stores[0].1 == StoreSettings::default(), "defaults");
    let mut s = StoreSettings::default();
    s.set("session_idle_minutes", "600")
        .map_err(anyhow::Error::msg)?;
    s.set("attribution", "payment")
        .map_err(anyhow::Error::msg)?;
    s.set("auto_reply_prefixes", "您好，客服下班")
        .map_err(anyhow::Error::msg)?;
    repo.save_store("dy-1", &s).await?;
    ensure!(
        repo.store("dy-1").await? == Some(s.clone()),
        "settings kept"
    );
    ensure!(repo.store("nope").await?.is_none(), "unknown store");
    let settings = HashMap::from([("dy-1".to_string(), s)]);
    matches_engine(repo, &settings, &m, &o, &r, "after settings").await?;
    Ok(())
}

/// An import recomputes only the conversations it touched.
pub async fn only_touched_conversations_are_recomputed(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    import(repo, &m, &o, &r).await?;
    let mut tx = repo.begin_import().await?;
    let extra = msg(
        "dy-1",
        "m99",
        "b2",
        Sender::Buyer,
        None,
        "2026-11-20 10:00:00",
        "你好",
    );
    tx.add_messages(&[extra, m[0].clone()]).await?;
    let recomputed = tx.commit().await?;
    ensure!(
        recomputed == 1,
        "recomputed {recomputed} conversations, expected 1"
    );
    let mut tx = repo.begin_import().await?;
    tx.add_messages(&m).await?;
    ensure!(tx.commit().await? == 0, "nothing new, nothing recomputed");
    Ok(())
}

/// One import in several batches: repeats, changes and moves between
/// batches, over new and known conversations, end as if imported at once.
pub async fn batches_in_one_import(repo: &dyn Repository) -> Result<()> {
    let (m, mut o, mut r) = sample();
    import(repo, &m[..3], &o[..1], &[]).await?; // b1 of dy-1 exists before
    let mut tx = repo.begin_import().await?;
    tx.add_messages(&m[2..6]).await?;
    let again = tx.add_messages(&m[4..]).await?;
    ensure!(
        again.unchanged == 2 && again.imported == (m.len() - 6) as u64,
        "second batch: {again:?}"
    );
    tx.add_orders(&o).await?;
    tx.add_ratings(&r).await?;
    // Later batches: o3 moves from new buyer b3 to known b1 and back to b2; a score changes.
    o[2].buyer = "b1".into();
    tx.add_orders(&o[2..3]).await?;
    o[2].buyer = "b2".into();
    o[2].paid_at = Some(t("2026-11-05 10:40:00"));
    tx.add_orders(&o[2..3]).await?;
    r[0].score = 1;
    tx.add_ratings(&r[..1]).await?;
    tx.commit().await?;
    matches_engine(repo, &HashMap::new(), &m, &o, &r, "after batches").await?;
    Ok(())
}

/// Known ids met in a later batch of the first import into an empty
/// database (where backends take their fast paths first): repeats are
/// unchanged, changed ones conflicts, the rest stored, figures exact.
pub async fn repeats_in_a_first_import(repo: &dyn Repository) -> Result<()> {
    let (m, o, r) = sample();
    let mut tx = repo.begin_import().await?;
    let first = tx.add_messages(&m[..4]).await?;
    ensure!(first.imported == 4, "first batch: {first:?}");
    let mut changed = m[1].clone();
    changed.content = "改过的内容".into();
    let mut second: Vec<Message> = vec![changed, m[2].clone()];
    second.extend_from_slice(&m[4..]);
    let again = tx.add_messages(&second).await?;
    ensure!(
        again.conflicts == vec![("dy-1".to_string(), "m2".to_string())]
            && again.unchanged == 1
            && again.imported == (m.len() - 4) as u64,
        "second batch: {again:?}"
    );
    tx.add_orders(&o).await?;
    tx.add_ratings(&r).await?;
    tx.commit().await?;
    ensure!(
        repo.counts().await?.messages == m.len() as i64,
        "message count"
    );
    matches_engine(repo, &HashMap::new(), &m, &o, &r, "after repeats").await?;
    Ok(())
}

/// Every check, each on a fresh database from `fresh`.
pub async fn run_all<F, Fut>(fresh: F) -> Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Box<dyn Repository>>>,
{
    figures_match_the_engine(&*fresh().await?).await?;
    reimport_changes_nothing(&*fresh().await?).await?;
    messages_are_immutable(&*fresh().await?).await?;
    orders_are_replaced(&*fresh().await?).await?;
    ratings_are_replaced(&*fresh().await?).await?;
    rollback_leaves_nothing(&*fresh().await?).await?;
    store_settings_recompute(&*fresh().await?).await?;
    only_touched_conversations_are_recomputed(&*fresh().await?).await?;
    batches_in_one_import(&*fresh().await?).await?;
    sessions_match_the_analysis(&*fresh().await?).await?;
    sessions_filter_by_day_and_agent(&*fresh().await?).await?;
    transcript_shows_rounds_and_attribution(&*fresh().await?).await?;
    agents_are_listed(&*fresh().await?).await?;
    sessions_of_a_large_store(&*fresh().await?).await?;
    repeats_in_a_first_import(&*fresh().await?).await?;
    Ok(())
}
