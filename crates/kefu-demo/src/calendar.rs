//! The demo's span and its traffic curve: `weeks` ordinary weeks of history
//! (weekday and weekend volumes, growing by about 0.5 % a week towards
//! November) and November 2026 with its 双11 surge.

pub use crate::dates::{DAY, HOUR, day_of, hour_of};
use crate::rng::Rng;

/// Days in the month.
pub const DAYS: i64 = 30;
/// The first second after the month: nothing is written at or after it.
pub const MONTH_END: i64 = DAYS * DAY;
/// Day index of 2026-11-10, the evening of the pre-sale warm-up (尾款 opens 20:00).
pub const WARMUP_DAY: i64 = 9;
/// Day index of 2026-11-11, 双11.
pub const PROMO_DAY: i64 = 10;
/// The most weeks of history generated.
pub const MAX_WEEKS: u32 = 104;

/// Relative traffic per local hour of an ordinary day: quiet at night,
/// rising through the day, peaking in the evening.
const HOUR_WEIGHTS: [u64; 24] = [
    7, 3, 2, 1, 1, 1, 2, 5, 14, 30, 40, 42, 36, 38, 42, 42, 40, 38, 40, 48, 62, 70, 64, 42,
];

/// Growth of a day's volume over the one before, in parts per 100,000:
/// 1.00071 a day is about 0.5 % a week.
const DAILY_GROWTH: (u64, u64) = (100_071, 100_000);

/// A day's volume at November's level, in millionths.
const LEVEL: u64 = 1_000_000;

/// 2026-11-01 is a Sunday, so day indices …, −7, −1, 0, 6, 7, 13, … are weekends.
pub fn is_weekend(day: i64) -> bool {
    matches!(day.rem_euclid(7), 0 | 6)
}

/// Whether `day` is in November, the month of the promotion.
pub fn in_month(day: i64) -> bool {
    (0..DAYS).contains(&day)
}

/// Relative volume of a whole day (an ordinary weekday is 100).
fn day_factor(day: i64) -> u64 {
    match day {
        PROMO_DAY => 640,
        11 => 170,
        12 => 135,
        d if is_weekend(d) => 118,
        d if (0..PROMO_DAY).contains(&d) => 106,
        _ => 100,
    }
}

/// Extra multiplier of one hour: the 11-10 evening warm-up and the
/// midnight rush of 11-11 when final payments (尾款) open.
fn hour_boost(day: i64, hour: usize) -> u64 {
    match (day, hour) {
        (WARMUP_DAY, 20..=23) => 3,
        (PROMO_DAY, 0) => 6,
        (PROMO_DAY, 1) => 4,
        (PROMO_DAY, 2) => 2,
        _ => 1,
    }
}

/// Cumulative traffic weights of the span, for sampling start times.
pub struct Calendar {
    first_day: i64,
    day_cdf: Vec<u64>,
    hour_cdf: Vec<[u64; 24]>,
}

impl Calendar {
    /// The curve of `weeks` (at most [`MAX_WEEKS`]) weeks of history and November 2026.
    pub fn new(weeks: u32) -> Calendar {
        let first_day = -7 * i64::from(weeks.min(MAX_WEEKS));
        let days = (DAYS - first_day) as usize;
        let mut levels = vec![LEVEL; days];
        for i in (0..(-first_day) as usize).rev() {
            levels[i] = levels[i + 1] * DAILY_GROWTH.1 / DAILY_GROWTH.0;
        }
        let mut day_cdf = Vec::with_capacity(days);
        let mut hour_cdf = Vec::with_capacity(days);
        let mut total = 0;
        for (i, level) in levels.into_iter().enumerate() {
            let day = first_day + i as i64;
            let mut hours = [0u64; 24];
            let mut acc = 0;
            for (h, slot) in hours.iter_mut().enumerate() {
                acc += HOUR_WEIGHTS[h] * hour_boost(day, h);
                *slot = acc;
            }
            total += acc * day_factor(day) * level / 1_000;
            day_cdf.push(total);
            hour_cdf.push(hours);
        }
        Calendar {
            first_day,
            day_cdf,
            hour_cdf,
        }
    }

    /// Day index of the first day (0 without history).
    pub fn first_day(&self) -> i64 {
        self.first_day
    }

    /// The first second of the span.
    pub fn start(&self) -> i64 {
        self.first_day * DAY
    }

    /// Number of days of the span.
    pub fn days(&self) -> usize {
        self.day_cdf.len()
    }

    /// The weight of the whole span and of November alone.
    pub fn weights(&self) -> (u64, u64) {
        let total = self.day_cdf.last().copied().unwrap_or(0);
        let before = match (-self.first_day) as usize {
            0 => 0,
            n => self.day_cdf[n - 1],
        };
        (total, total - before)
    }

    /// A time anywhere in the span, following the traffic curve.
    pub fn sample(&self, rng: &mut Rng) -> i64 {
        let r = rng.below(self.weights().0);
        let day = self.day_cdf.partition_point(|&c| c <= r) as i64;
        self.sample_in_day(rng, self.first_day + day)
    }

    /// A time on day index `day` following that day's hourly curve;
    /// [`MONTH_END`] when the day is outside the span.
    pub fn sample_in_day(&self, rng: &mut Rng, day: i64) -> i64 {
        if !(self.first_day..DAYS).contains(&day) {
            return MONTH_END;
        }
        let cdf = &self.hour_cdf[(day - self.first_day) as usize];
        let r = rng.below(cdf[23]);
        let hour = cdf.partition_point(|&c| c <= r) as i64;
        day * DAY + hour * HOUR + rng.range(0, HOUR - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_stay_in_month() {
        let cal = Calendar::new(0);
        let mut rng = Rng::new(1);
        let mut promo = 0;
        for _ in 0..20_000 {
            let t = cal.sample(&mut rng);
            assert!((0..MONTH_END).contains(&t));
            promo += i32::from(day_of(t) == PROMO_DAY);
        }
        assert!(promo > 2_000, "{promo}");
        assert_eq!(cal.weights().0, cal.weights().1);
    }

    #[test]
    fn history_is_ordinary_and_grows() {
        let cal = Calendar::new(13);
        assert_eq!((cal.first_day(), cal.days()), (-91, 121));
        assert!(is_weekend(-91) && is_weekend(-85) && !is_weekend(-90));
        let (total, november) = cal.weights();
        let share = november as f64 / total as f64;
        assert!((0.25..0.35).contains(&share), "{share}");
        let day = |d: i64| {
            let i = (d - cal.first_day()) as usize;
            cal.day_cdf[i] - if i == 0 { 0 } else { cal.day_cdf[i - 1] }
        };
        // A Monday 13 weeks back against the last Monday of October.
        let growth = day(-6) as f64 / day(-90) as f64;
        assert!((1.05..1.08).contains(&growth), "{growth}");
        assert!(day(-2) * 100 / day(-1) < 90, "weekdays below Saturdays");
        let mut rng = Rng::new(2);
        for _ in 0..5_000 {
            let t = cal.sample(&mut rng);
            assert!((cal.start()..MONTH_END).contains(&t));
        }
        assert_eq!(Calendar::new(u32::MAX).first_day(), -7 * 104);
    }
}
