//! The default forecast of one store (spec `wfm.md` §1), its accuracy
//! (WAPE) and the store's handle time (AHT), on plain numbers.
//!
//! Days are [`Day`] numbers counted from 1970-01-01 (day 0, a Thursday);
//! [`weekday`] gives 0 for Monday … 6 for Sunday. Intervals are the 48
//! half hours of a day, 0 (00:00–00:30) to 47 (23:30–24:00); volumes of
//! other interval numbers are ignored.
//!
//! **The ordinary weeks.** A target day's forecast uses, for its weekday,
//! that weekday's last `forecast_weeks` occurrences before the target week
//! that the history knows and that are not promotion days: a promotion day
//! is skipped and the same weekday one more week back is taken instead.
//! Fewer known occurrences give the mean of those there are; none give 0.
//! **The last week** of the trend is, for each weekday, the newest of those
//! occurrences; with no promotion among the 7 days before the target week
//! it is exactly those 7 days.

use crate::error::{InputError, non_negative};
use std::collections::{BTreeMap, BTreeSet};

/// A local day: days since 1970-01-01 (day 0), negative before it.
pub type Day = i32;

/// A half hour of a day: 0 is 00:00–00:30, 47 is 23:30–24:00.
pub type Interval = u16;

/// Volumes (sessions needing a human that start in the interval) by day and
/// interval; an absent entry is 0.
pub type Volumes = BTreeMap<(Day, Interval), f64>;

/// The intervals of a day.
pub const INTERVALS_PER_DAY: Interval = 48;

/// The ordinary weeks a forecast averages by default.
pub const DEFAULT_FORECAST_WEEKS: u32 = 4;

/// The wrap-up added to every chat's handle time by default, in seconds.
pub const DEFAULT_WRAP_SECONDS: f64 = 30.0;

/// The weekday of `day`: 0 for Monday … 6 for Sunday (day 0, 1970-01-01,
/// was a Thursday, 3).
pub fn weekday(day: Day) -> u8 {
    (i64::from(day) + 3).rem_euclid(7) as u8
}

/// The known volumes of one store: every day from `first_day` to
/// `last_day` (inclusive) is known, its absent intervals being 0; days
/// outside are unknown, whatever the map holds for them.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    first_day: Day,
    last_day: Day,
    volumes: Volumes,
}

impl History {
    /// The history of `volumes` known from `first_day` to `last_day`
    /// (empty when `last_day` < `first_day`); a volume must be finite and 0
    /// or more.
    pub fn new(first_day: Day, last_day: Day, volumes: Volumes) -> Result<History, InputError> {
        for &volume in volumes.values() {
            non_negative("volume", volume)?;
        }
        Ok(History {
            first_day,
            last_day,
            volumes,
        })
    }

    /// The history of `volumes` known from their earliest day to their
    /// latest; use [`History::new`] when days at either end had no chats.
    pub fn from_volumes(volumes: Volumes) -> Result<History, InputError> {
        let first = volumes.keys().next().map_or(0, |k| k.0);
        let last = volumes.keys().next_back().map_or(-1, |k| k.0);
        History::new(first, last, volumes)
    }

    /// The first known day.
    pub fn first_day(&self) -> Day {
        self.first_day
    }

    /// The last known day.
    pub fn last_day(&self) -> Day {
        self.last_day
    }

    /// The volumes as given.
    pub fn volumes(&self) -> &Volumes {
        &self.volumes
    }

    /// Whether `day` is known.
    pub fn knows(&self, day: Day) -> bool {
        (self.first_day..=self.last_day).contains(&day)
    }

    /// The 48 volumes of `day` (zeros for an unknown day).
    fn day(&self, day: Day) -> [f64; INTERVALS_PER_DAY as usize] {
        let mut out = [0.0; INTERVALS_PER_DAY as usize];
        if self.knows(day) {
            for (&(_, i), &v) in self.volumes.range((day, 0)..(day, INTERVALS_PER_DAY)) {
                out[usize::from(i)] = v;
            }
        }
        out
    }
}

/// The promotion calendar of a store: days left out of ordinary history,
/// and the multipliers of planned promotion days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Promotions {
    /// Promotion days (双11, 618, a live-stream).
    pub days: BTreeSet<Day>,
    /// A day's forecast multiplier (set by hand or learnt from last year);
    /// a day here is a promotion day even if `days` lacks it.
    pub multipliers: BTreeMap<Day, f64>,
}

impl Promotions {
    /// Whether `day` is a promotion day.
    pub fn is_promotion(&self, day: Day) -> bool {
        self.days.contains(&day) || self.multipliers.contains_key(&day)
    }
}

/// The forecast of the 7 days from `week_start`.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// The first day forecast.
    pub week_start: Day,
    /// The trend ratio applied: last week's total ÷ the means' total (1 when
    /// the means' total is 0).
    pub trend: f64,
    /// All 7 × 48 volumes.
    pub volumes: Volumes,
}

impl Forecast {
    /// The forecast of `day` and `interval` (0 outside the week).
    pub fn volume(&self, day: Day, interval: Interval) -> f64 {
        self.volumes.get(&(day, interval)).copied().unwrap_or(0.0)
    }

    /// The week's total.
    pub fn total(&self) -> f64 {
        self.volumes.values().sum()
    }
}

/// Forecasts the 7 days from `week_start` from the history before it, as
/// the module docs say: mean of the ordinary weeks × trend, and a target day
/// with a multiplier multiplied by it (a promotion day without one gets the
/// plain forecast).
pub fn forecast_week(
    history: &History,
    promotions: &Promotions,
    forecast_weeks: u32,
    week_start: Day,
) -> Result<Forecast, InputError> {
    if forecast_weeks == 0 {
        return Err(InputError::NotPositive {
            field: "forecast_weeks",
        });
    }
    let days = week_days(week_start)?;
    for day in days {
        if let Some(&m) = promotions.multipliers.get(&day) {
            non_negative("multiplier", m)?;
        }
    }
    let mut means = Vec::with_capacity(days.len());
    let (mut last_total, mut means_total) = (0.0, 0.0);
    for day in days {
        let samples = ordinary_days_before(history, promotions, forecast_weeks, day);
        let mut mean = [0.0; INTERVALS_PER_DAY as usize];
        for (k, &sample) in samples.iter().enumerate() {
            let volumes = history.day(sample);
            if k == 0 {
                last_total += volumes.iter().sum::<f64>();
            }
            mean.iter_mut().zip(volumes).for_each(|(m, v)| *m += v);
        }
        if !samples.is_empty() {
            let n = samples.len() as f64;
            mean.iter_mut().for_each(|m| *m /= n);
        }
        means_total += mean.iter().sum::<f64>();
        means.push((day, mean));
    }
    let trend = if means_total > 0.0 {
        last_total / means_total
    } else {
        1.0
    };
    let mut volumes = Volumes::new();
    for (day, mean) in means {
        let multiplier = promotions.multipliers.get(&day).copied().unwrap_or(1.0);
        for (i, m) in (0..INTERVALS_PER_DAY).zip(mean) {
            volumes.insert((day, i), m * trend * multiplier);
        }
    }
    Ok(Forecast {
        week_start,
        trend,
        volumes,
    })
}

/// The 7 days from `week_start`, refused at the end of the day numbers.
fn week_days(week_start: Day) -> Result<[Day; 7], InputError> {
    if week_start.checked_add(6).is_none() {
        return Err(InputError::OutOfRange {
            field: "week_start",
            range: "..= i32::MAX − 6",
        });
    }
    Ok(std::array::from_fn(|k| week_start + k as Day))
}

/// `day`'s weekday's last `weeks` known, non-promotion occurrences before
/// `day`'s week, newest first.
fn ordinary_days_before(
    history: &History,
    promotions: &Promotions,
    weeks: u32,
    day: Day,
) -> Vec<Day> {
    let (first, last) = (i64::from(history.first_day), i64::from(history.last_day));
    let mut d = i64::from(day) - 7;
    if d > last {
        d -= (d - last + 6) / 7 * 7;
    }
    let mut out = Vec::new();
    while d >= first && out.len() < weeks as usize {
        // `first` ≤ d ≤ `last`, both `Day`s: the conversion cannot fail.
        if let Ok(known) = Day::try_from(d)
            && !promotions.is_promotion(known)
        {
            out.push(known);
        }
        d -= 7;
    }
    out
}

/// WAPE, Σ|actual − forecast| ÷ Σ actual, over `(actual, forecast)` pairs;
/// `None` when Σ actual is 0.
pub fn wape(pairs: impl IntoIterator<Item = (f64, f64)>) -> Option<f64> {
    let (mut error, mut actual_total) = (0.0, 0.0);
    for (actual, forecast) in pairs {
        error += (actual - forecast).abs();
        actual_total += actual;
    }
    (actual_total > 0.0).then(|| error / actual_total)
}

/// How well a week was forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// The week's first day.
    pub week_start: Day,
    /// Its WAPE (`None` when it had no volume).
    pub wape: Option<f64>,
}

/// Forecasts the week from `week_start` from the history before it, as if
/// the week were unknown, and compares it with the week's known days.
pub fn week_accuracy(
    history: &History,
    promotions: &Promotions,
    forecast_weeks: u32,
    week_start: Day,
) -> Result<Accuracy, InputError> {
    let forecast = &forecast_week(history, promotions, forecast_weeks, week_start)?;
    let pairs = week_days(week_start)?
        .into_iter()
        .filter(|&day| history.knows(day))
        .flat_map(|day| {
            let actual = history.day(day);
            (0..INTERVALS_PER_DAY).map(move |i| (actual[usize::from(i)], forecast.volume(day, i)))
        });
    Ok(Accuracy {
        week_start,
        wape: wape(pairs),
    })
}

/// The Monday of the last complete Monday–Sunday week the history knows.
pub fn last_complete_week(history: &History) -> Option<Day> {
    let last = history.last_day;
    let sunday = last.checked_sub(Day::from((weekday(last) + 1) % 7))?;
    let monday = sunday.checked_sub(6)?;
    (monday >= history.first_day).then_some(monday)
}

/// The accuracy of the last complete week (§1), `None` without one.
pub fn last_week_accuracy(
    history: &History,
    promotions: &Promotions,
    forecast_weeks: u32,
) -> Result<Option<Accuracy>, InputError> {
    last_complete_week(history)
        .map(|monday| week_accuracy(history, promotions, forecast_weeks, monday))
        .transpose()
}

/// A store's AHT in seconds: the mean over manual sessions of the time from
/// the first agent message to the last, plus `wrap_seconds`. Sessions are
/// `(first_agent_ms, last_agent_ms)`; a last before the first counts 0.
/// `None` without sessions.
pub fn handle_time(sessions: &[(i64, i64)], wrap_seconds: f64) -> Option<f64> {
    if sessions.is_empty() {
        return None;
    }
    let total_ms: f64 = sessions
        .iter()
        .map(|&(first, last)| last.saturating_sub(first).max(0) as f64)
        .sum();
    Some(total_ms / 1000.0 / sessions.len() as f64 + wrap_seconds)
}
