//! The planning settings (排班设置) and the promotion calendar (大促日历) in
//! the service layer: who may read and change them, what a change checks,
//! and the multiplier learnt from the same day a year before.

use crate::{Error, Gate, Result, now_ms};
use kefu_access::Action;
use kefu_db::wfm::PromotionRow;
use kefu_wfm::plan::{DEFAULT_SETTINGS, PlanSettings};
use serde::Serialize;

/// The settings in force: their text, version and the settings read.
#[derive(Debug, Clone)]
pub struct SettingsView {
    /// The version in force; `None`: the defaults, never saved.
    pub version: Option<i64>,
    /// Who saved it and when (ms).
    pub saved: Option<(String, i64)>,
    /// The TOML text.
    pub text: String,
    /// The text read.
    pub settings: PlanSettings,
}

/// One promotion day, as the API and pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Promotion {
    /// The store.
    pub store: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The volume multiplier.
    pub multiplier: f64,
    /// The event (双11, 618, a live stream).
    pub name: String,
    /// `manual`, `learnt`, or `contract` (a `promotion` booking of the
    /// store's contract, multiplier unknown until set).
    pub source: String,
}

/// An instance, settings or roster text that does not read, as the
/// refusal naming its field or line.
pub(crate) fn instance_error(e: kefu_wfm::roster::InstanceError) -> Error {
    Error::Invalid {
        field: None,
        zh: e.zh(),
        en: e.en(),
    }
}

impl Gate {
    /// The planning settings in force (the defaults until some are saved),
    /// for those who plan.
    pub async fn plan_settings(&self) -> Result<SettingsView> {
        self.require(Action::Plan)?;
        self.settings_in_force().await
    }

    /// The settings in force, without an access check (the roster and the
    /// forecast read them for whoever may see those).
    pub(crate) async fn settings_in_force(&self) -> Result<SettingsView> {
        Ok(match self.app.db.wfm_settings().await? {
            Some(row) => SettingsView {
                settings: PlanSettings::from_toml(&row.body).map_err(instance_error)?,
                version: Some(row.version),
                saved: Some((row.created_by, row.created_at_ms)),
                text: row.body,
            },
            None => SettingsView {
                version: None,
                saved: None,
                text: DEFAULT_SETTINGS.to_string(),
                settings: PlanSettings::defaults(),
            },
        })
    }

    /// Saves a new version of the settings (managers and admins); a text
    /// that does not read is [`Error::Invalid`] naming the field or line,
    /// and nothing is saved. Returns the version.
    pub async fn save_plan_settings(&self, text: &str) -> Result<i64> {
        self.require(Action::EditSettings)?;
        PlanSettings::from_toml(text).map_err(instance_error)?;
        let by = self.actor().name();
        let version = self.app.db.save_wfm_settings(text, &by, now_ms()).await?;
        self.record(
            "wfm.settings",
            &format!("v{version}"),
            format!("{} bytes", text.len()),
        )
        .await;
        Ok(version)
    }

    /// The promotion days of a store (or of all stores the actor sees):
    /// the calendar's, and the days booked in the stores' contracts that
    /// the calendar does not give (`source = contract`, multiplier 1 until
    /// set), by store and day.
    pub async fn promotions(&self, store: Option<&str>) -> Result<Vec<Promotion>> {
        self.require(Action::Plan)?;
        if store.is_some_and(|s| !self.scope().sees_store(s)) {
            return Err(Error::NotFound);
        }
        let day_text = |d: i64| crate::contracts::date_of(d).to_string();
        let mut out: Vec<Promotion> = Vec::new();
        let rows = self.app.db.wfm_promotions(store).await?;
        let stores: Vec<String> = match store {
            Some(s) => vec![s.to_string()],
            None => self
                .app
                .db
                .stores()
                .await?
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
        };
        let mut booked = self.booked_promotion_days().await?;
        for s in &stores {
            let set: std::collections::BTreeSet<i64> = rows
                .iter()
                .filter(|r| &r.store == s)
                .map(|r| r.day)
                .collect();
            for day in booked.remove(s).unwrap_or_default() {
                if !set.contains(&i64::from(day)) {
                    out.push(Promotion {
                        store: s.clone(),
                        date: day_text(i64::from(day)),
                        multiplier: 1.0,
                        name: "合同大促预订 contract booking".into(),
                        source: "contract".into(),
                    });
                }
            }
        }
        out.extend(
            rows.into_iter()
                .filter(|r| self.scope().sees_store(&r.store))
                .map(|r| Promotion {
                    store: r.store,
                    date: day_text(r.day),
                    multiplier: r.multiplier_permille as f64 / 1000.0,
                    name: r.name,
                    source: r.source,
                }),
        );
        out.sort_by(|a, b| (&a.store, &a.date).cmp(&(&b.store, &b.date)));
        Ok(out)
    }

    /// The calendar's multipliers of a store by day, for the forecast.
    pub(crate) async fn promotion_multipliers(
        &self,
        store: &str,
    ) -> Result<std::collections::BTreeMap<i32, f64>> {
        Ok(self
            .app
            .db
            .wfm_promotions(Some(store))
            .await?
            .into_iter()
            .map(|r| (r.day as i32, r.multiplier_permille as f64 / 1000.0))
            .collect())
    }

    /// Sets a store's promotion day by hand (those who plan); a multiplier
    /// outside (0, 100] is [`Error::Invalid`].
    pub async fn set_promotion(
        &self,
        store: &str,
        day: i32,
        multiplier: f64,
        name: &str,
    ) -> Result<Promotion> {
        self.require(Action::Plan)?;
        self.known_store(store).await?;
        if !(multiplier > 0.0 && multiplier <= 100.0) {
            return Err(Error::invalid(
                "multiplier",
                format!("倍数 {multiplier} 应大于 0、不超过 100"),
                format!("the multiplier {multiplier} must be above 0 and at most 100"),
            ));
        }
        self.save_promotion(store, day, multiplier, name, "manual")
            .await
    }

    /// Learns a store's promotion day from the same date a year before:
    /// that day's volume over the mean of the same weekday in the four
    /// weeks before it (days of the calendar left out). No volume then is
    /// [`Error::Invalid`], and nothing is set.
    pub async fn learn_promotion(&self, store: &str, day: i32, name: &str) -> Result<Promotion> {
        self.require(Action::Plan)?;
        self.known_store(store).await?;
        let date = crate::contracts::date_of(i64::from(day));
        let then = jiff::civil::Date::new(date.year() - 1, date.month(), date.day())
            .or_else(|_| jiff::civil::Date::new(date.year() - 1, date.month(), date.day() - 1))
            .map_err(|e| Error::Internal(e.into()))?;
        let then = crate::contracts::day_number(then) as i32;
        let volumes = self.interval_volumes(store, then - 28, then).await?;
        let day_total = |d: i32| -> f64 {
            volumes
                .iter()
                .filter(|((x, _), _)| *x == d)
                .map(|(_, v)| *v)
                .sum()
        };
        let known = self.promotion_multipliers(store).await?;
        let ordinary: Vec<f64> = (1..=4)
            .map(|w| then - 7 * w)
            .filter(|d| !known.contains_key(d))
            .map(day_total)
            .filter(|v| *v > 0.0)
            .collect();
        let event = day_total(then);
        let then_text = crate::contracts::date_of(i64::from(then)).to_string();
        if event <= 0.0 || ordinary.is_empty() {
            return Err(Error::invalid(
                "date",
                format!(
                    "{store} 去年同日（{then_text}）或其前四周同一星期几没有会话量，无法学习倍数"
                ),
                format!(
                    "{store} has no volume on the same day last year ({then_text}) or on the same weekday in the four weeks before it: no multiplier to learn"
                ),
            ));
        }
        let mean = ordinary.iter().sum::<f64>() / ordinary.len() as f64;
        let multiplier = ((event / mean) * 1000.0).round() / 1000.0;
        self.save_promotion(store, day, multiplier.clamp(0.001, 100.0), name, "learnt")
            .await
    }

    /// Removes a store's promotion day from the calendar; an unknown one
    /// is [`Error::NotFound`].
    pub async fn remove_promotion(&self, store: &str, day: i32) -> Result<()> {
        self.require(Action::Plan)?;
        if !self.scope().sees_store(store) {
            return Err(Error::NotFound);
        }
        if !self
            .app
            .db
            .remove_wfm_promotion(store, i64::from(day))
            .await?
        {
            return Err(Error::NotFound);
        }
        let date = crate::contracts::date_of(i64::from(day));
        self.record("wfm.promotion.remove", store, date.to_string())
            .await;
        Ok(())
    }

    async fn known_store(&self, store: &str) -> Result<()> {
        if !self.scope().sees_store(store) || self.app.db.store(store).await?.is_none() {
            return Err(Error::NotFound);
        }
        Ok(())
    }

    async fn save_promotion(
        &self,
        store: &str,
        day: i32,
        multiplier: f64,
        name: &str,
        source: &str,
    ) -> Result<Promotion> {
        let row = PromotionRow {
            store: store.to_string(),
            day: i64::from(day),
            multiplier_permille: (multiplier * 1000.0).round() as i64,
            name: name.trim().to_string(),
            source: source.to_string(),
            created_at_ms: now_ms(),
            created_by: self.actor().name(),
        };
        self.app.db.save_wfm_promotion(&row).await?;
        let date = crate::contracts::date_of(row.day).to_string();
        self.record(
            "wfm.promotion",
            store,
            format!("{date} ×{multiplier} {source} {}", row.name),
        )
        .await;
        Ok(Promotion {
            store: row.store,
            date,
            multiplier: row.multiplier_permille as f64 / 1000.0,
            name: row.name,
            source: row.source,
        })
    }
}
