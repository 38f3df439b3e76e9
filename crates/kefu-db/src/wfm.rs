//! The workforce store ([`WfmStore`]): planning settings by version, the
//! promotion calendar and stored rosters (spec `wfm.md`). What they mean is
//! `kefu-wfm`'s and the service layer's; here they are rows.

use anyhow::Result;
use async_trait::async_trait;

/// A version of the planning settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SettingsRow {
    /// Its version, from 1.
    pub version: i64,
    /// The TOML text.
    pub body: String,
    /// When it was saved, ms since the epoch.
    pub created_at_ms: i64,
    /// Who saved it.
    pub created_by: String,
}

/// A promotion day of a store.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PromotionRow {
    /// The store's code.
    pub store: String,
    /// The local day, days since 1970-01-01.
    pub day: i64,
    /// The volume multiplier in thousandths.
    pub multiplier_permille: i64,
    /// What the event is (双11, 618, a live stream).
    pub name: String,
    /// `manual` or `learnt`.
    pub source: String,
    /// When it was set.
    pub created_at_ms: i64,
    /// Who set it.
    pub created_by: String,
}

/// A stored roster.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RosterRow {
    /// Its number (ignored when saving).
    pub id: i64,
    /// Its first day, days since 1970-01-01.
    pub start_day: i64,
    /// Days planned.
    pub days: i64,
    /// The instance's TOML (§5).
    pub instance: String,
    /// The instance's requirements CSV.
    pub requirements: String,
    /// The answer's JSON (§5).
    pub answer: String,
    /// How it was made (solved from the database, imported, …).
    pub note: String,
    /// When it was stored.
    pub created_at_ms: i64,
    /// Who stored it.
    pub created_by: String,
}

/// A stored roster without its texts, for lists.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RosterSummary {
    /// Its number.
    pub id: i64,
    /// Its first day.
    pub start_day: i64,
    /// Days planned.
    pub days: i64,
    /// How it was made.
    pub note: String,
    /// When it was stored.
    pub created_at_ms: i64,
    /// Who stored it.
    pub created_by: String,
}

/// Planning settings, promotions and rosters.
#[async_trait]
pub trait WfmStore: Send + Sync {
    /// The settings in force (the latest version), if any was saved.
    async fn wfm_settings(&self) -> Result<Option<SettingsRow>>;
    /// Adds a version of the settings; returns its number.
    async fn save_wfm_settings(&self, body: &str, by: &str, at_ms: i64) -> Result<i64>;
    /// Promotion days, of one store or all, by store and day.
    async fn wfm_promotions(&self, store: Option<&str>) -> Result<Vec<PromotionRow>>;
    /// Sets a promotion day (replacing the store's entry for that day).
    async fn save_wfm_promotion(&self, p: &PromotionRow) -> Result<()>;
    /// Removes a store's promotion day; whether there was one.
    async fn remove_wfm_promotion(&self, store: &str, day: i64) -> Result<bool>;
    /// Stores a roster; returns its number.
    async fn save_wfm_roster(&self, r: &RosterRow) -> Result<i64>;
    /// Stored rosters, newest first.
    async fn wfm_rosters(&self) -> Result<Vec<RosterSummary>>;
    /// One stored roster.
    async fn wfm_roster(&self, id: i64) -> Result<Option<RosterRow>>;
    /// The rosters covering any day of `from..=to`, newest first.
    async fn wfm_rosters_covering(&self, from: i64, to: i64) -> Result<Vec<RosterRow>>;
    /// When agents wrote, for adherence: (store, agent account, sent_at as
    /// recorded) of the agents' own messages (automatic replies left out)
    /// of `stores` whose recorded time sorts in `from..to` (texts
    /// `YYYY-MM-DD…`; the caller widens the range for times with an offset
    /// and reads them exactly). A scan of the messages table.
    async fn wfm_agent_messages(
        &self,
        stores: &[String],
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String, String)>>;
}

/// Implements [`WfmStore`] for `$repo` (a struct with a field
/// `pool: sqlx::Pool<$db>`). The schema is each backend's migration
/// `0300_wfm.sql`.
#[macro_export]
macro_rules! sql_wfm {
    ($repo:ident, $db:ty) => {
        mod __kefu_wfm {
            use super::$repo;
            use ::anyhow::Result;
            use $crate::wfm::{PromotionRow, RosterRow, RosterSummary, SettingsRow};

            const ROSTER: &str = "SELECT id, start_day, days, instance, requirements, answer, note, \
                 created_at_ms, created_by FROM wfm_rosters";

            #[::async_trait::async_trait]
            impl $crate::wfm::WfmStore for $repo {
                async fn wfm_settings(&self) -> Result<Option<SettingsRow>> {
                    Ok(::sqlx::query_as(
                        "SELECT version, body, created_at_ms, created_by FROM wfm_settings \
                         ORDER BY version DESC LIMIT 1",
                    )
                    .fetch_optional(&self.pool)
                    .await?)
                }

                async fn save_wfm_settings(&self, body: &str, by: &str, at_ms: i64) -> Result<i64> {
                    Ok(::sqlx::query_scalar(
                        "INSERT INTO wfm_settings (body, created_at_ms, created_by) VALUES ($1, $2, $3) \
                         RETURNING version",
                    )
                    .bind(body.to_string())
                    .bind(at_ms)
                    .bind(by.to_string())
                    .fetch_one(&self.pool)
                    .await?)
                }

                async fn wfm_promotions(&self, store: Option<&str>) -> Result<Vec<PromotionRow>> {
                    let sql = "SELECT store, day, multiplier_permille, name, source, created_at_ms, created_by \
                               FROM wfm_promotions";
                    Ok(match store {
                        Some(s) => ::sqlx::query_as(&format!("{sql} WHERE store = $1 ORDER BY day"))
                            .bind(s.to_string())
                            .fetch_all(&self.pool)
                            .await?,
                        None => ::sqlx::query_as(&format!("{sql} ORDER BY store, day"))
                            .fetch_all(&self.pool)
                            .await?,
                    })
                }

                async fn save_wfm_promotion(&self, p: &PromotionRow) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO wfm_promotions (store, day, multiplier_permille, name, source, \
                         created_at_ms, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                         ON CONFLICT (store, day) DO UPDATE SET multiplier_permille = excluded.multiplier_permille, \
                         name = excluded.name, source = excluded.source, created_at_ms = excluded.created_at_ms, \
                         created_by = excluded.created_by",
                    )
                    .bind(p.store.clone())
                    .bind(p.day)
                    .bind(p.multiplier_permille)
                    .bind(p.name.clone())
                    .bind(p.source.clone())
                    .bind(p.created_at_ms)
                    .bind(p.created_by.clone())
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn remove_wfm_promotion(&self, store: &str, day: i64) -> Result<bool> {
                    let done = ::sqlx::query("DELETE FROM wfm_promotions WHERE store = $1 AND day = $2")
                        .bind(store.to_string())
                        .bind(day)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn save_wfm_roster(&self, r: &RosterRow) -> Result<i64> {
                    Ok(::sqlx::query_scalar(
                        "INSERT INTO wfm_rosters (start_day, days, instance, requirements, answer, note, \
                         created_at_ms, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(r.start_day)
                    .bind(r.days)
                    .bind(r.instance.clone())
                    .bind(r.requirements.clone())
                    .bind(r.answer.clone())
                    .bind(r.note.clone())
                    .bind(r.created_at_ms)
                    .bind(r.created_by.clone())
                    .fetch_one(&self.pool)
                    .await?)
                }

                async fn wfm_rosters(&self) -> Result<Vec<RosterSummary>> {
                    Ok(::sqlx::query_as(
                        "SELECT id, start_day, days, note, created_at_ms, created_by FROM wfm_rosters \
                         ORDER BY id DESC",
                    )
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn wfm_roster(&self, id: i64) -> Result<Option<RosterRow>> {
                    Ok(::sqlx::query_as(&format!("{ROSTER} WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn wfm_agent_messages(
                    &self,
                    stores: &[String],
                    from: &str,
                    to: &str,
                ) -> Result<Vec<(String, String, String)>> {
                    if stores.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT s.code, m.agent, m.sent_at FROM messages m JOIN stores s ON s.id = m.store_id \
                         WHERE m.sender = 1 AND m.kind <> 3 AND m.agent IS NOT NULL AND m.sent_at >= ",
                    );
                    qb.push_bind(from.to_string());
                    qb.push(" AND m.sent_at < ").push_bind(to.to_string());
                    qb.push(" AND s.code IN (");
                    let mut sep = qb.separated(", ");
                    for code in stores {
                        sep.push_bind(code.clone());
                    }
                    qb.push(")");
                    Ok(qb.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn wfm_rosters_covering(&self, from: i64, to: i64) -> Result<Vec<RosterRow>> {
                    Ok(::sqlx::query_as(&format!(
                        "{ROSTER} WHERE start_day <= $1 AND start_day + days > $2 ORDER BY id DESC"
                    ))
                    .bind(to)
                    .bind(from)
                    .fetch_all(&self.pool)
                    .await?)
                }
            }
        }
    };
}
