//! Promotion surge planning (issue 12 §5): for a store's promotion day,
//! per interval the ordinary forecast and the promotion's, the agents on
//! duty each needs (§2 with the store's targets), the extra agents the
//! promotion needs, and whether the stored roster of that day covers them.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use serde::Serialize;
use std::collections::BTreeMap;

/// One interval of a promotion day.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SurgeRow {
    /// `HH:MM`.
    pub interval: String,
    /// Sessions that need a human on an ordinary such day.
    pub ordinary_forecast: f64,
    /// The same times the promotion's multiplier.
    pub forecast: f64,
    /// Agents on duty an ordinary day needs.
    pub ordinary_required: u32,
    /// Agents on duty the promotion needs.
    pub required: u32,
    /// `required − ordinary_required`.
    pub extra: u32,
    /// Agents of the store on duty in the stored roster (all skills);
    /// `null` without a roster of the day.
    pub scheduled: Option<u32>,
    /// `max(0, required − scheduled)`.
    pub gap: Option<u32>,
}

/// A store's promotion day planned (`GET /api/v1/wfm/surge`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SurgeView {
    /// The store.
    pub store: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The calendar's multiplier; `null` when the day is only booked in a
    /// contract and no multiplier is set or learnt yet.
    pub multiplier: Option<f64>,
    /// Whether the store's contracts book the day (a `promotion` charge).
    pub booked: bool,
    /// The stored roster of the day.
    pub roster: Option<i64>,
    /// The most extra agents in any interval.
    pub peak_extra: u32,
    /// Intervals the roster leaves short.
    pub uncovered_intervals: u32,
    /// 48 rows.
    pub rows: Vec<SurgeRow>,
}

impl Gate {
    /// The surge plan of a store's day, for those who plan.
    pub async fn surge(&self, store: &str, day: i32) -> Result<SurgeView> {
        self.require(Action::Plan)?;
        if !self.scope().sees_store(store) || self.app.db.store(store).await?.is_none() {
            return Err(Error::NotFound);
        }
        let context = self.forecast_context().await?;
        let settings = &context.settings;
        let multiplier = context
            .multipliers
            .get(store)
            .and_then(|m| m.get(&day))
            .copied();
        let booked = context.booked.get(store).is_some_and(|d| d.contains(&day));
        let f = self
            .forecast_in(
                &context,
                store,
                day,
                settings.forecast_weeks,
                &BTreeMap::new(),
            )
            .await?;
        let rules = settings.staffing(store);
        let need = |volume: f64| -> u32 {
            match f.aht_seconds {
                Some(aht) if volume > 0.0 => kefu_wfm::staff(&kefu_wfm::StaffingInput {
                    volume,
                    aht_seconds: aht,
                    rules,
                })
                .map_or(0, |a| a.agents_on_duty),
                _ => 0,
            }
        };
        let date = crate::contracts::date_of(i64::from(day)).to_string();
        let (roster, scheduled) = self.scheduled_on(store, day).await?;
        let m = multiplier.unwrap_or(1.0);
        let mut rows = Vec::with_capacity(48);
        for row in f.rows.iter().filter(|r| r.date == date) {
            let ordinary = ((row.forecast / m) * 100.0).round() / 100.0;
            let (ordinary_required, required) = (need(ordinary), need(row.forecast));
            let on = roster.map(|_| scheduled.get(&row.interval).copied().unwrap_or(0));
            rows.push(SurgeRow {
                interval: row.interval.clone(),
                ordinary_forecast: ordinary,
                forecast: row.forecast,
                ordinary_required,
                required,
                extra: required.saturating_sub(ordinary_required),
                scheduled: on,
                gap: on.map(|s| required.saturating_sub(s)),
            });
        }
        Ok(SurgeView {
            store: store.to_string(),
            date,
            multiplier,
            booked,
            roster,
            peak_extra: rows.iter().map(|r| r.extra).max().unwrap_or(0),
            uncovered_intervals: rows.iter().filter(|r| r.gap.is_some_and(|g| g > 0)).count()
                as u32,
            rows,
        })
    }

    /// The newest stored roster covering `day` and the store's agents on
    /// duty in it per interval (`HH:MM`), all skills together.
    async fn scheduled_on(
        &self,
        store: &str,
        day: i32,
    ) -> Result<(Option<i64>, BTreeMap<String, u32>)> {
        let rows = self
            .app
            .db
            .wfm_rosters_covering(i64::from(day), i64::from(day))
            .await?;
        let Some(row) = rows.into_iter().next() else {
            return Ok((None, BTreeMap::new()));
        };
        let id = row.id;
        let seen = self.roster_as_seen(row).await?;
        let mut on: BTreeMap<String, u32> = BTreeMap::new();
        for c in seen.solved.answer.coverage.iter() {
            if c.store == store && c.date == day {
                *on.entry(kefu_wfm::roster::format_time(c.interval))
                    .or_default() += c.scheduled;
            }
        }
        Ok((Some(id), on))
    }
}
