//! The demo month, November 2026, as store-local seconds since
//! 2026-11-01 00:00:00 (Asia/Shanghai), its traffic curve, and the writing of
//! local times as `YYYY-MM-DD HH:MM:SS`.

use crate::rng::Rng;

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// Seconds in an hour.
pub const HOUR: i64 = 3_600;
/// Days in the month.
pub const DAYS: i64 = 30;
/// The first second after the month: nothing is written at or after it.
pub const MONTH_END: i64 = DAYS * DAY;
/// Day index of 2026-11-10, the evening of the pre-sale warm-up (尾款 opens 20:00).
pub const WARMUP_DAY: i64 = 9;
/// Day index of 2026-11-11, 双11.
pub const PROMO_DAY: i64 = 10;

/// Relative traffic per local hour of an ordinary day: quiet at night,
/// rising through the day, peaking in the evening.
const HOUR_WEIGHTS: [u64; 24] = [
    7, 3, 2, 1, 1, 1, 2, 5, 14, 30, 40, 42, 36, 38, 42, 42, 40, 38, 40, 48, 62, 70, 64, 42,
];

/// The day index (0 = 11-01) of a time.
pub fn day_of(t: i64) -> i64 {
    t.div_euclid(DAY)
}

/// The local hour (0–23) of a time.
pub fn hour_of(t: i64) -> i64 {
    t.rem_euclid(DAY) / HOUR
}

/// 2026-11-01 is a Sunday, so day indices 0, 6, 7, 13, … are weekends.
pub fn is_weekend(day: i64) -> bool {
    matches!(day.rem_euclid(7), 0 | 6)
}

/// Relative volume of a whole day (an ordinary weekday is 100).
fn day_factor(day: i64) -> u64 {
    match day {
        PROMO_DAY => 640,
        11 => 170,
        12 => 135,
        d if is_weekend(d) => 118,
        d if d < PROMO_DAY => 106,
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

/// Cumulative traffic weights of the month, for sampling start times.
pub struct Calendar {
    day_cdf: [u64; DAYS as usize],
    hour_cdf: [[u64; 24]; DAYS as usize],
}

impl Calendar {
    /// The November 2026 curve.
    pub fn new() -> Calendar {
        let mut day_cdf = [0u64; DAYS as usize];
        let mut hour_cdf = [[0u64; 24]; DAYS as usize];
        let mut total = 0;
        for d in 0..DAYS as usize {
            let mut acc = 0;
            for h in 0..24 {
                acc += HOUR_WEIGHTS[h] * hour_boost(d as i64, h);
                hour_cdf[d][h] = acc;
            }
            total += acc * day_factor(d as i64);
            day_cdf[d] = total;
        }
        Calendar { day_cdf, hour_cdf }
    }

    /// A time anywhere in the month, following the traffic curve.
    pub fn sample(&self, rng: &mut Rng) -> i64 {
        let r = rng.below(self.day_cdf[DAYS as usize - 1]);
        let day = self.day_cdf.partition_point(|&c| c <= r) as i64;
        self.sample_in_day(rng, day)
    }

    /// A time on day index `day` following that day's hourly curve;
    /// [`MONTH_END`] when the day is past the month.
    pub fn sample_in_day(&self, rng: &mut Rng, day: i64) -> i64 {
        if !(0..DAYS).contains(&day) {
            return MONTH_END;
        }
        let cdf = &self.hour_cdf[day as usize];
        let r = rng.below(cdf[23]);
        let hour = cdf.partition_point(|&c| c <= r) as i64;
        day * DAY + hour * HOUR + rng.range(0, HOUR - 1)
    }
}

/// Days since 1970-01-01 of 2026-11-01.
const EPOCH_DAYS: i64 = 20_758;

/// The (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Appends `v` in decimal, zero-padded to `width` digits.
pub fn push_padded(buf: &mut Vec<u8>, v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut v = v;
    while v > 0 {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = i.min(tmp.len() - width.clamp(1, 20));
    buf.extend_from_slice(&tmp[start..]);
}

/// Appends the local date `YYYY-MM-DD` of a time.
pub fn push_date(buf: &mut Vec<u8>, t: i64) {
    let (y, m, d) = civil_from_days(EPOCH_DAYS + day_of(t));
    push_padded(buf, y as u64, 4);
    buf.push(b'-');
    push_padded(buf, m as u64, 2);
    buf.push(b'-');
    push_padded(buf, d as u64, 2);
}

/// Appends the local time `YYYY-MM-DD HH:MM:SS`.
pub fn push_time(buf: &mut Vec<u8>, t: i64) {
    push_date(buf, t);
    let s = t.rem_euclid(DAY) as u64;
    buf.push(b' ');
    push_padded(buf, s / 3600, 2);
    buf.push(b':');
    push_padded(buf, s / 60 % 60, 2);
    buf.push(b':');
    push_padded(buf, s % 60, 2);
}

/// The local date `YYYY-MM-DD` of a time.
pub fn date_string(t: i64) -> String {
    let mut buf = Vec::with_capacity(10);
    push_date(&mut buf, t);
    String::from_utf8_lossy(&buf).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: i64) -> String {
        let mut b = Vec::new();
        push_time(&mut b, t);
        String::from_utf8(b).unwrap_or_default()
    }

    #[test]
    fn formats_times() {
        assert_eq!(text(0), "2026-11-01 00:00:00");
        assert_eq!(
            text(PROMO_DAY * DAY + 20 * HOUR + 61),
            "2026-11-11 20:01:01"
        );
        assert_eq!(text(MONTH_END - 1), "2026-11-30 23:59:59");
        assert_eq!(text(MONTH_END), "2026-12-01 00:00:00");
        assert_eq!(date_string(5 * DAY), "2026-11-06");
    }

    #[test]
    fn samples_stay_in_month() {
        let cal = Calendar::new();
        let mut rng = Rng::new(1);
        let mut promo = 0;
        for _ in 0..20_000 {
            let t = cal.sample(&mut rng);
            assert!((0..MONTH_END).contains(&t));
            promo += i32::from(day_of(t) == PROMO_DAY);
        }
        assert!(promo > 2_000, "{promo}");
    }
}
