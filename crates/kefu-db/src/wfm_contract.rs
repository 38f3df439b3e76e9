//! The contract every [`WfmStore`] implementation passes, on a fresh,
//! empty database: settings versions, the latest in force; promotions set,
//! replaced and removed; rosters stored and found by the days they cover.

use crate::wfm::{PromotionRow, RosterRow, WfmStore};
use anyhow::{Result, ensure};

/// Settings versions count from 1 and the latest is in force.
pub async fn settings_versions(db: &dyn WfmStore) -> Result<()> {
    ensure!(db.wfm_settings().await?.is_none(), "no settings at first");
    let one = db.save_wfm_settings("a = 1", "经理", 10).await?;
    let two = db.save_wfm_settings("a = 2", "经理", 20).await?;
    ensure!(two > one, "versions grow: {one}, {two}");
    let now = db
        .wfm_settings()
        .await?
        .ok_or_else(|| anyhow::anyhow!("settings"))?;
    ensure!(now.version == two && now.body == "a = 2" && now.created_by == "经理");
    Ok(())
}

fn promotion(store: &str, day: i64, permille: i64) -> PromotionRow {
    PromotionRow {
        store: store.into(),
        day,
        multiplier_permille: permille,
        name: "双11".into(),
        source: "manual".into(),
        created_at_ms: 1,
        created_by: "经理".into(),
    }
}

/// A store's day has one promotion: setting it again replaces it.
pub async fn promotions_set_replaced_removed(db: &dyn WfmStore) -> Result<()> {
    db.save_wfm_promotion(&promotion("s1", 100, 6000)).await?;
    db.save_wfm_promotion(&promotion("s1", 99, 2000)).await?;
    db.save_wfm_promotion(&promotion("s2", 100, 3000)).await?;
    db.save_wfm_promotion(&promotion("s1", 100, 6400)).await?;
    let s1 = db.wfm_promotions(Some("s1")).await?;
    ensure!(
        s1.len() == 2 && s1[0].day == 99 && s1[1].multiplier_permille == 6400,
        "{s1:?}"
    );
    ensure!(db.wfm_promotions(None).await?.len() == 3);
    ensure!(db.remove_wfm_promotion("s1", 99).await?);
    ensure!(!db.remove_wfm_promotion("s1", 99).await?, "removed once");
    ensure!(db.wfm_promotions(Some("s1")).await?.len() == 1);
    Ok(())
}

fn roster(start: i64, days: i64, note: &str) -> RosterRow {
    RosterRow {
        id: 0,
        start_day: start,
        days,
        instance: format!("start = {start}"),
        requirements: "store,skill,date,interval,agents\n".into(),
        answer: "{}".into(),
        note: note.into(),
        created_at_ms: 5,
        created_by: "经理".into(),
    }
}

/// Rosters come back whole, newest first, found by the days they cover.
pub async fn rosters_by_days(db: &dyn WfmStore) -> Result<()> {
    let a = db.save_wfm_roster(&roster(100, 7, "first")).await?;
    let b = db.save_wfm_roster(&roster(104, 7, "second")).await?;
    let list = db.wfm_rosters().await?;
    ensure!(
        list.len() == 2 && list[0].id == b && list[1].id == a,
        "{list:?}"
    );
    let one = db
        .wfm_roster(a)
        .await?
        .ok_or_else(|| anyhow::anyhow!("roster {a}"))?;
    ensure!(one.instance == "start = 100" && one.days == 7 && one.note == "first");
    ensure!(db.wfm_roster(b + 100).await?.is_none());
    let ids = |v: Vec<RosterRow>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
    ensure!(ids(db.wfm_rosters_covering(100, 100).await?) == [a]);
    ensure!(ids(db.wfm_rosters_covering(105, 105).await?) == [b, a]);
    ensure!(ids(db.wfm_rosters_covering(110, 120).await?) == [b]);
    ensure!(ids(db.wfm_rosters_covering(111, 120).await?).is_empty());
    ensure!(ids(db.wfm_rosters_covering(90, 99).await?).is_empty());
    Ok(())
}

/// Agents' own messages are read by store and recorded time; buyers',
/// bots' and automatic replies are not.
pub async fn agent_messages_by_time(db: &dyn crate::Database) -> Result<()> {
    use crate::contract::{import, msg};
    use kefu_domain::{MessageKind, Sender};
    let mut auto = msg(
        "s1",
        "m4",
        "b1",
        Sender::Agent,
        Some("s1:a"),
        "2026-11-03 09:02:00",
        "您好",
    );
    auto.kind = MessageKind::Auto;
    import(
        db,
        &[
            msg(
                "s1",
                "m1",
                "b1",
                Sender::Buyer,
                None,
                "2026-11-03 09:00:00",
                "在吗",
            ),
            msg(
                "s1",
                "m2",
                "b1",
                Sender::Agent,
                Some("s1:a"),
                "2026-11-03 09:01:00",
                "在的",
            ),
            msg(
                "s1",
                "m3",
                "b1",
                Sender::Agent,
                Some("s1:a"),
                "2026-11-04 10:00:00",
                "好的",
            ),
            auto,
            msg(
                "s2",
                "m1",
                "b2",
                Sender::Agent,
                Some("s2:b"),
                "2026-11-03 11:00:00",
                "您好",
            ),
        ],
        &[],
        &[],
    )
    .await?;
    let got = db
        .wfm_agent_messages(&["s1".into()], "2026-11-03", "2026-11-04")
        .await?;
    ensure!(
        got == [(
            "s1".to_string(),
            "s1:a".to_string(),
            "2026-11-03 09:01:00".to_string()
        )],
        "{got:?}"
    );
    ensure!(
        db.wfm_agent_messages(&["s1".into(), "s2".into()], "2026-11-03", "2026-11-05")
            .await?
            .len()
            == 3
    );
    ensure!(
        db.wfm_agent_messages(&[], "2026-11-03", "2026-11-05")
            .await?
            .is_empty()
    );
    Ok(())
}
