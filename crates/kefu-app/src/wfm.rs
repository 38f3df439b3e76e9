//! Workforce planning (排班, spec `wfm.md`) in the service layer: who may
//! plan, and the answers as the pages, the API and the CLI show them. The
//! rules are `kefu-wfm`'s; for now the staffing calculator of §4.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_wfm::{StaffingAnswer, StaffingInput};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What every store's forecast reads besides its own volumes, read once
/// ([`Gate::forecast_context`]).
pub(crate) struct ForecastContext {
    /// The planning settings in force.
    pub settings: kefu_wfm::plan::PlanSettings,
    /// The promotion days booked in the contracts, by store.
    pub booked: BTreeMap<String, BTreeSet<i32>>,
    /// The calendar's multipliers by store and day.
    pub multipliers: BTreeMap<String, BTreeMap<i32, f64>>,
}

/// The calculator's answer (spec §4), as the API and the page give it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Staffing {
    /// A = volume × AHT ÷ interval, in Erlangs.
    pub offered_load: f64,
    /// N: chat slots needed.
    pub slots: u32,
    /// ⌈N ÷ concurrency⌉.
    pub agents_on_duty: u32,
    /// ⌈agents on duty ÷ (1 − shrinkage)⌉.
    pub agents_to_schedule: u32,
    /// The share of chats answered within the target time with N slots.
    pub service_level: f64,
    /// The probability that a chat waits (Erlang C).
    pub p_wait: f64,
    /// The mean wait, seconds.
    pub asa_seconds: f64,
    /// A ÷ N.
    pub occupancy: f64,
}

impl From<StaffingAnswer> for Staffing {
    fn from(a: StaffingAnswer) -> Staffing {
        Staffing {
            offered_load: a.offered_load,
            slots: a.slots,
            agents_on_duty: a.agents_on_duty,
            agents_to_schedule: a.agents_to_schedule,
            service_level: a.service_level,
            p_wait: a.p_wait,
            asa_seconds: a.asa_seconds,
            occupancy: a.occupancy,
        }
    }
}

impl Gate {
    /// How many agents one interval's load needs (wfm.md §2, §4), for
    /// those who plan; a figure out of range is [`Error::Invalid`] naming it.
    pub fn staffing(&self, input: &StaffingInput) -> Result<Staffing> {
        self.require(Action::Plan)?;
        kefu_wfm::staff(input)
            .map(Staffing::from)
            .map_err(|e| Error::invalid(e.field(), e.zh(), e.en()))
    }
}

/// A roster problem solved (`/wfm/roster`): the instance as read and the
/// answer of wfm.md §5.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The instance.
    pub instance: kefu_wfm::roster::Instance,
    /// The answer.
    pub answer: kefu_wfm::roster::RosterAnswer,
}

impl Gate {
    /// Solves a roster problem given whole (the TOML of §5 and its
    /// requirements CSV), for those who plan; an instance that does not
    /// read is [`Error::Invalid`] naming the field or line. The search runs
    /// on a blocking thread: it takes up to a few seconds.
    pub async fn solve_roster(&self, toml: &str, csv: &str, iterations: u64) -> Result<Solved> {
        use kefu_wfm::roster::Instance;
        self.require(Action::Plan)?;
        let instance = Instance::from_toml(toml, csv).map_err(crate::wfm_plan::instance_error)?;
        solve_blocking(instance, iterations).await
    }
}

/// One interval of a forecast week (wfm.md §4's coverage rows' `forecast`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ForecastRow {
    /// The store.
    pub store: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The interval's start, `HH:MM`.
    pub interval: String,
    /// Sessions that need a human, forecast.
    pub forecast: f64,
    /// The sessions that came, once the week is known.
    pub actual: Option<f64>,
    /// Agents on duty needed (wfm.md §2 with the store's AHT and the
    /// default targets: concurrency 3, 80 % in 20 s, occupancy ≤ 0.85);
    /// `null` without a handle time.
    pub required: Option<u32>,
}

/// A store's forecast for a week (`kefu wfm forecast`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ForecastView {
    /// The store.
    pub store: String,
    /// The week's first day.
    pub week: String,
    /// The trend ratio applied.
    pub trend: f64,
    /// The last complete week before this one, forecast as if unknown.
    pub accuracy_week: Option<String>,
    /// Its WAPE.
    pub wape: Option<f64>,
    /// The promotion days left out of history (and multiplied in the week).
    pub promotion_days: Vec<String>,
    /// The store's handle time over the history, seconds (wrap included).
    pub aht_seconds: Option<f64>,
    /// 7 × 48 rows.
    pub rows: Vec<ForecastRow>,
}

impl Gate {
    /// A store's sessions that need a human (manual and unanswered, wfm.md
    /// §1) per local day and 30-minute interval, from the KPI facts the
    /// import keeps current; the store's whole volume, whatever agents the
    /// actor's scope names (planning needs the store's load).
    pub async fn interval_volumes(
        &self,
        store: &str,
        from: i32,
        to: i32,
    ) -> Result<kefu_wfm::Volumes> {
        use kefu_kpi::{Counter, Filter, Grouping};
        self.require(Action::Plan)?;
        if !self.scope().sees_store(store) || self.app.db.store(store).await?.is_none() {
            return Err(Error::NotFound);
        }
        let grouping = Grouping {
            date: true,
            hour: true,
            ..Grouping::default()
        };
        let filter = Filter {
            from: Some(from),
            to: Some(to),
            store: Some(store.to_string()),
            ..Filter::default()
        };
        let mut out = kefu_wfm::Volumes::new();
        for (k, t) in self.app.db.kpi(grouping, &filter).await?.iter() {
            let (Some(day), Some(hour)) = (k.day, k.hour) else {
                continue;
            };
            let human = t.get(Counter::ManualSessions) + t.get(Counter::UnansweredSessions);
            let late = t.get(Counter::HumanSessionsLateHalf);
            let half = u16::from(hour) * 2;
            out.insert((day, half), (human - late).max(0) as f64);
            out.insert((day, half + 1), late.max(0) as f64);
        }
        Ok(out)
    }

    /// A store's handle time (AHT, wfm.md §1) over local days
    /// `from..=to`: the mean of its manual sessions' first to last agent
    /// message, plus the default wrap time; `None` without one.
    pub async fn handle_time(&self, store: &str, from: i32, to: i32) -> Result<Option<f64>> {
        use kefu_kpi::{Counter, Filter, Grouping};
        self.require(Action::Plan)?;
        if !self.scope().sees_store(store) {
            return Err(Error::NotFound);
        }
        let filter = Filter {
            from: Some(from),
            to: Some(to),
            store: Some(store.to_string()),
            ..Filter::default()
        };
        let groups = self.app.db.kpi(Grouping::default(), &filter).await?;
        let Some((_, t)) = groups.first() else {
            return Ok(None);
        };
        let sessions = t.get(Counter::ManualSessions);
        Ok((sessions > 0).then(|| {
            t.get(Counter::HandleMs) as f64 / sessions as f64 / 1000.0
                + kefu_wfm::forecast::DEFAULT_WRAP_SECONDS
        }))
    }

    /// The promotion days booked in the contracts, by store: every
    /// contract version read once.
    pub(crate) async fn booked_promotion_days(&self) -> Result<BTreeMap<String, BTreeSet<i32>>> {
        use kefu_contract::Charge;
        let db = &self.app.db;
        let mut days: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
        for row in db.billing_contracts(None).await? {
            for t in crate::contracts::parse_versions(&db.billing_versions(&row.id).await?)? {
                for c in &t.charges {
                    let Charge::Promotion { bookings } = c else {
                        continue;
                    };
                    for b in bookings {
                        let (a, z) = (
                            crate::contracts::day_number(b.from),
                            crate::contracts::day_number(b.to),
                        );
                        for store in &t.stores {
                            days.entry(store.clone())
                                .or_default()
                                .extend((a..=z).map(|d| d as i32));
                        }
                    }
                }
            }
        }
        Ok(days)
    }

    /// What every store's forecast reads besides its own volumes: the
    /// planning settings in force, the promotion days booked in the
    /// contracts and the calendar's multipliers, each read once, so that a
    /// roster or surge plan over many stores and weeks does not read them
    /// again for every store and week.
    pub(crate) async fn forecast_context(&self) -> Result<ForecastContext> {
        let mut multipliers: BTreeMap<String, BTreeMap<i32, f64>> = BTreeMap::new();
        for r in self.app.db.wfm_promotions(None).await? {
            multipliers
                .entry(r.store)
                .or_default()
                .insert(r.day as i32, r.multiplier_permille as f64 / 1000.0);
        }
        Ok(ForecastContext {
            settings: self.settings_in_force().await?.settings,
            booked: self.booked_promotion_days().await?,
            multipliers,
        })
    }

    /// A store's forecast for the 7 days from `week` (wfm.md §1): the
    /// default method over the stored history before it, the booked
    /// promotion days and `extra` (day → multiplier) left out of history
    /// and multiplied in the week, and the WAPE of the last complete week.
    pub async fn forecast(
        &self,
        store: &str,
        week: i32,
        forecast_weeks: u32,
        extra: &BTreeMap<i32, f64>,
    ) -> Result<ForecastView> {
        let context = self.forecast_context().await?;
        self.forecast_in(&context, store, week, forecast_weeks, extra)
            .await
    }

    /// [`Gate::forecast`] with the settings and calendars of `context`.
    pub(crate) async fn forecast_in(
        &self,
        context: &ForecastContext,
        store: &str,
        week: i32,
        forecast_weeks: u32,
        extra: &BTreeMap<i32, f64>,
    ) -> Result<ForecastView> {
        use kefu_wfm::{History, Promotions};
        let span = (forecast_weeks.max(1) as i32 + 2) * 7;
        let volumes = self.interval_volumes(store, week - span, week + 6).await?;
        let invalid = |e: kefu_wfm::InputError| Error::invalid(e.field(), e.zh(), e.en());
        let mut promotions = Promotions {
            days: context.booked.get(store).cloned().unwrap_or_default(),
            ..Promotions::default()
        };
        let settings = &context.settings;
        let stored = context.multipliers.get(store);
        for (day, m) in stored.into_iter().flatten().chain(extra) {
            promotions.days.insert(*day);
            promotions.multipliers.insert(*day, *m);
        }
        let before: kefu_wfm::Volumes = volumes
            .iter()
            .filter(|((d, _), _)| *d < week)
            .map(|(k, v)| (*k, *v))
            .collect();
        let last_known = before.keys().next_back().map_or(week - 1, |k| k.0);
        let history = History::new(week - span, last_known, before).map_err(invalid)?;
        let f = kefu_wfm::forecast_week(&history, &promotions, forecast_weeks, week)
            .map_err(invalid)?;
        let accuracy =
            kefu_wfm::last_week_accuracy(&history, &promotions, forecast_weeks).map_err(invalid)?;
        let aht = self.handle_time(store, week - span, week - 1).await?;
        let required = |volume: f64| -> Option<u32> {
            let input = kefu_wfm::StaffingInput {
                volume,
                aht_seconds: aht?,
                rules: settings.staffing(store),
            };
            kefu_wfm::staff(&input).ok().map(|a| a.agents_on_duty)
        };
        let day_text = |d: i32| crate::contracts::date_of(i64::from(d)).to_string();
        let has_actual = volumes.keys().any(|(d, _)| *d >= week);
        let mut rows = Vec::with_capacity(7 * 48);
        for day in week..week + 7 {
            for i in 0..48u16 {
                let forecast = (f.volume(day, i) * 100.0).round() / 100.0;
                rows.push(ForecastRow {
                    store: store.to_string(),
                    date: day_text(day),
                    interval: format!("{:02}:{:02}", i / 2, (i % 2) * 30),
                    forecast,
                    required: required(forecast),
                    actual: has_actual.then(|| volumes.get(&(day, i)).copied().unwrap_or(0.0)),
                });
            }
        }
        Ok(ForecastView {
            store: store.to_string(),
            week: day_text(week),
            trend: f.trend,
            accuracy_week: accuracy.as_ref().map(|a| day_text(a.week_start)),
            wape: accuracy.and_then(|a| a.wape),
            promotion_days: promotions.days.iter().map(|d| day_text(*d)).collect(),
            aht_seconds: aht,
            rows,
        })
    }
}

/// Solves `instance` (seed 1) on a blocking thread, as the search takes up
/// to a few seconds, with its answer of §5.
pub(crate) async fn solve_blocking(
    instance: kefu_wfm::roster::Instance,
    iterations: u64,
) -> Result<Solved> {
    use kefu_wfm::roster::{Budget, answer, solve};
    let budget = Budget::new(iterations, 1);
    tokio::task::spawn_blocking(move || {
        solve(&instance, &budget, None).map(|s| {
            let answer = answer(&instance, &s);
            Solved { instance, answer }
        })
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
    .map_err(crate::wfm_plan::instance_error)
}
