//! Local times of the demo: store-local seconds since 2026-11-01 00:00:00
//! (Asia/Shanghai), negative before it, and their writing as `YYYY-MM-DD`,
//! `HH:MM` and `YYYY-MM-DD HH:MM:SS`. Every division rounds towards minus
//! infinity, so history before 11-01 reads as the days it is.

/// Seconds in a minute.
pub const MINUTE: i64 = 60;
/// Seconds in an hour.
pub const HOUR: i64 = 3_600;
/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Days since 1970-01-01 of 2026-11-01.
const EPOCH_DAYS: i64 = 20_758;

/// The day index (0 = 11-01, negative before) of a time.
pub fn day_of(t: i64) -> i64 {
    t.div_euclid(DAY)
}

/// The local hour (0–23) of a time.
pub fn hour_of(t: i64) -> i64 {
    t.rem_euclid(DAY) / HOUR
}

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

/// The (year, month, day) of day index `day`.
pub fn ymd(day: i64) -> (i64, i64, i64) {
    civil_from_days(EPOCH_DAYS + day)
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
    let (y, m, d) = ymd(day_of(t));
    push_padded(buf, y.unsigned_abs(), 4);
    buf.push(b'-');
    push_padded(buf, m.unsigned_abs(), 2);
    buf.push(b'-');
    push_padded(buf, d.unsigned_abs(), 2);
}

/// Appends the local time `YYYY-MM-DD HH:MM:SS`.
pub fn push_time(buf: &mut Vec<u8>, t: i64) {
    push_date(buf, t);
    let s = t.rem_euclid(DAY).unsigned_abs();
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

/// The date `YYYY-MM-DD` of day index `day`.
pub fn day_string(day: i64) -> String {
    date_string(day * DAY)
}

/// `HH:MM` of minutes since midnight (`24:00` for 1440).
pub fn clock(minutes: i64) -> String {
    format!(
        "{:02}:{:02}",
        minutes.div_euclid(60),
        minutes.rem_euclid(60)
    )
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
        assert_eq!(text(10 * DAY + 20 * HOUR + 61), "2026-11-11 20:01:01");
        assert_eq!(text(30 * DAY - 1), "2026-11-30 23:59:59");
        assert_eq!(text(30 * DAY), "2026-12-01 00:00:00");
        assert_eq!(date_string(5 * DAY), "2026-11-06");
    }

    #[test]
    fn formats_history() {
        assert_eq!(text(-1), "2026-10-31 23:59:59");
        assert_eq!(text(-DAY), "2026-10-31 00:00:00");
        assert_eq!(
            text(-91 * DAY + 8 * HOUR + 30 * MINUTE),
            "2026-08-02 08:30:00"
        );
        assert_eq!(day_string(-91), "2026-08-02");
        assert_eq!(day_string(-366), "2025-10-31");
        assert_eq!((day_of(-1), hour_of(-1)), (-1, 23));
        assert_eq!(ymd(-61), (2026, 9, 1));
        assert_eq!(clock(1440), "24:00");
        assert_eq!(clock(15 * 60 + 30), "15:30");
    }
}
