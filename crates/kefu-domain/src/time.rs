//! Record times as they arrive (local wall-clock time or RFC 3339 with an
//! offset) and the per-store clock that turns them into instants and back
//! into local days and hours.

use jiff::tz::TimeZone;
use std::cell::Cell;

const MS_PER_DAY: i64 = 86_400_000;
/// Offsets change only on quarter-hour boundaries in every real zone, so an
/// offset found for one quarter hour holds for the whole of it.
const BUCKET_MS: i64 = 900_000;

/// A time as written in a record: the wall-clock reading, and the UTC offset
/// when the record gave one. Without an offset it is local to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordTime {
    /// Milliseconds of the wall-clock reading counted as if it were UTC.
    pub civil_ms: i64,
    /// The offset east of UTC in seconds, when the record gave one.
    pub offset_s: Option<i32>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a count of days since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a day count as `YYYY-MM-DD`.
pub fn format_day(day: i32) -> String {
    let (y, m, d) = civil_from_days(i64::from(day));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Parses `YYYY-MM-DD` into a day count.
pub fn parse_day(text: &str) -> Result<i32, String> {
    let b = text.trim().as_bytes();
    let bad = || format!("'{text}' is not a date (YYYY-MM-DD)");
    if b.len() != 10 || (b[4] != b'-' && b[4] != b'/') || b[7] != b[4] {
        return Err(bad());
    }
    let y = digits(&b[0..4]).ok_or_else(bad)?;
    let m = digits(&b[5..7]).ok_or_else(bad)?;
    let d = digits(&b[8..10]).ok_or_else(bad)?;
    if !valid_date(y as i64, m, d) {
        return Err(bad());
    }
    Ok(days_from_civil(y as i64, m, d) as i32)
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

fn valid_date(y: i64, m: u32, d: u32) -> bool {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let dim = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    d >= 1 && d <= dim
}

impl RecordTime {
    /// Parses `YYYY-MM-DD HH:MM:SS` (also with `T` or `/`, without seconds,
    /// or with a fraction) and RFC 3339 with `Z` or `±HH:MM`.
    pub fn parse(text: &str) -> Result<RecordTime, String> {
        let t = text.trim();
        let b = t.as_bytes();
        let bad = || format!("'{text}' is not a time (YYYY-MM-DD HH:MM:SS or RFC 3339)");
        if b.len() < 16 {
            return Err(bad());
        }
        let sep = b[4];
        if (sep != b'-' && sep != b'/')
            || b[7] != sep
            || !(b[10] == b' ' || b[10] == b'T')
            || b[13] != b':'
        {
            return Err(bad());
        }
        let y = digits(&b[0..4]).ok_or_else(bad)? as i64;
        let mo = digits(&b[5..7]).ok_or_else(bad)?;
        let d = digits(&b[8..10]).ok_or_else(bad)?;
        let h = digits(&b[11..13]).ok_or_else(bad)?;
        let mi = digits(&b[14..16]).ok_or_else(bad)?;
        let mut i = 16;
        let mut s = 0;
        let mut ms = 0;
        if i < b.len() && b[i] == b':' {
            s = digits(b.get(i + 1..i + 3).ok_or_else(bad)?).ok_or_else(bad)?;
            i += 3;
            if i < b.len() && (b[i] == b'.' || b[i] == b',') {
                i += 1;
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i == start {
                    return Err(bad());
                }
                let frac = &b[start..i.min(start + 3)];
                let mut v = digits(frac).ok_or_else(bad)?;
                for _ in frac.len()..3 {
                    v *= 10;
                }
                ms = v;
            }
        }
        if !valid_date(y, mo, d) || h > 23 || mi > 59 || s > 59 {
            return Err(bad());
        }
        let offset_s = match &b[i..] {
            [] => None,
            [b'Z'] | [b'z'] => Some(0),
            [sign @ (b'+' | b'-'), rest @ ..] => {
                let (oh, om) = match rest {
                    [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => {
                        (digits(&[*h1, *h2]), digits(&[*m1, *m2]))
                    }
                    [h1, h2] => (digits(&[*h1, *h2]), Some(0)),
                    _ => (None, None),
                };
                let (oh, om) = (oh.ok_or_else(bad)?, om.ok_or_else(bad)?);
                if oh > 23 || om > 59 {
                    return Err(bad());
                }
                let v = (oh * 3600 + om * 60) as i32;
                Some(if *sign == b'-' { -v } else { v })
            }
            _ => return Err(bad()),
        };
        let civil_ms = days_from_civil(y, mo, d) * MS_PER_DAY
            + i64::from(h * 3600 + mi * 60 + s) * 1000
            + i64::from(ms);
        Ok(RecordTime { civil_ms, offset_s })
    }

    /// Writes the time back: `YYYY-MM-DD HH:MM:SS[.mmm]`, with `±HH:MM` when
    /// it has an offset (so it round-trips through [`RecordTime::parse`]).
    pub fn to_text(&self) -> String {
        let day = self.civil_ms.div_euclid(MS_PER_DAY);
        let in_day = self.civil_ms.rem_euclid(MS_PER_DAY);
        let (y, m, d) = civil_from_days(day);
        let secs = in_day / 1000;
        let mut out = format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        if in_day % 1000 != 0 {
            out.push_str(&format!(".{:03}", in_day % 1000));
        }
        if let Some(o) = self.offset_s {
            let sign = if o < 0 { '-' } else { '+' };
            let a = o.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60));
        }
        out
    }
}

/// The local-time view of an instant in a store's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalParts {
    /// Local day, as days since 1970-01-01.
    pub day: i32,
    /// Local hour, 0–23.
    pub hour: u8,
    /// Local minute of the day, 0–1439.
    pub minute_of_day: u16,
}

/// A store's time zone with a small cache, turning record times into UTC
/// milliseconds and instants into local days and hours.
#[derive(Debug, Clone)]
pub struct LocalClock {
    tz: TimeZone,
    to_utc_cache: Cell<(i64, i64)>,
    to_local_cache: Cell<(i64, i64)>,
}

impl LocalClock {
    /// A clock for an IANA zone name such as `Asia/Shanghai`.
    pub fn new(zone: &str) -> Result<LocalClock, String> {
        let tz = TimeZone::get(zone)
            .map_err(|_| format!("'{zone}' is not a known time zone (e.g. Asia/Shanghai)"))?;
        Ok(LocalClock {
            tz,
            to_utc_cache: Cell::new((i64::MIN, 0)),
            to_local_cache: Cell::new((i64::MIN, 0)),
        })
    }

    /// The instant of a record time, in milliseconds since the Unix epoch.
    pub fn to_utc_ms(&self, t: RecordTime) -> i64 {
        if let Some(o) = t.offset_s {
            return t.civil_ms - i64::from(o) * 1000;
        }
        let bucket = t.civil_ms.div_euclid(BUCKET_MS);
        let (b, off) = self.to_utc_cache.get();
        if b == bucket {
            return t.civil_ms - off;
        }
        let off = self.civil_offset_ms(bucket * BUCKET_MS);
        self.to_utc_cache.set((bucket, off));
        t.civil_ms - off
    }

    fn civil_offset_ms(&self, civil_ms: i64) -> i64 {
        let secs = civil_ms.div_euclid(1000);
        let Ok(ts) = jiff::Timestamp::from_second(secs) else {
            return 0;
        };
        let dt = ts.to_zoned(TimeZone::UTC).datetime();
        match self.tz.to_ambiguous_timestamp(dt).compatible() {
            Ok(real) => (secs - real.as_second()) * 1000,
            Err(_) => 0,
        }
    }

    /// The local day, hour and minute of an instant.
    pub fn local(&self, utc_ms: i64) -> LocalParts {
        let bucket = utc_ms.div_euclid(BUCKET_MS);
        let (b, cached) = self.to_local_cache.get();
        let off = if b == bucket {
            cached
        } else {
            let off = jiff::Timestamp::from_millisecond(bucket * BUCKET_MS)
                .map(|ts| i64::from(self.tz.to_offset(ts).seconds()) * 1000)
                .unwrap_or(0);
            self.to_local_cache.set((bucket, off));
            off
        };
        let civil = utc_ms + off;
        let day = civil.div_euclid(MS_PER_DAY);
        let minute = civil.rem_euclid(MS_PER_DAY) / 60_000;
        LocalParts {
            day: day as i32,
            hour: (minute / 60) as u8,
            minute_of_day: minute as u16,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local_and_offset_times() {
        let t = RecordTime::parse("2026-11-11 20:00:05").unwrap();
        assert_eq!(t.offset_s, None);
        assert_eq!(t.to_text(), "2026-11-11 20:00:05");
        let z = RecordTime::parse("2026-11-11T12:00:05Z").unwrap();
        assert_eq!(z.offset_s, Some(0));
        let o = RecordTime::parse("2026-11-11T20:00:05.5+08:00").unwrap();
        assert_eq!(o.offset_s, Some(8 * 3600));
        assert_eq!(o.to_text(), "2026-11-11 20:00:05.500+08:00");
        assert!(RecordTime::parse("2026-02-30 10:00:00").is_err());
        assert!(RecordTime::parse("yesterday").is_err());
        assert!(RecordTime::parse("2026-11-11 25:00:00").is_err());
        assert_eq!(
            RecordTime::parse("2026/11/11 20:00").unwrap().to_text(),
            "2026-11-11 20:00:00"
        );
    }

    #[test]
    fn shanghai_clock_round_trips() {
        let c = LocalClock::new("Asia/Shanghai").unwrap();
        let t = RecordTime::parse("2026-11-11 00:30:00").unwrap();
        let utc = c.to_utc_ms(t);
        let z = RecordTime::parse("2026-11-10T16:30:00Z").unwrap();
        assert_eq!(utc, c.to_utc_ms(z));
        let p = c.local(utc);
        assert_eq!(format_day(p.day), "2026-11-11");
        assert_eq!(p.hour, 0);
        assert_eq!(p.minute_of_day, 30);
        assert!(LocalClock::new("Mars/Olympus").is_err());
    }

    #[test]
    fn dst_zone_offsets_follow_the_rules() {
        let c = LocalClock::new("Europe/Berlin").unwrap();
        let winter = c.to_utc_ms(RecordTime::parse("2026-01-10 12:00:00").unwrap());
        let summer = c.to_utc_ms(RecordTime::parse("2026-07-10 12:00:00").unwrap());
        assert_eq!(c.local(winter).hour, 12);
        assert_eq!(c.local(summer).hour, 12);
        assert_eq!((summer - winter) % MS_PER_DAY, -3_600_000 + MS_PER_DAY);
    }

    #[test]
    fn days_round_trip() {
        for d in [-1000, 0, 19_000, 20_768] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(
            parse_day("2026-11-11").map(format_day).unwrap(),
            "2026-11-11"
        );
        assert!(parse_day("2026-13-01").is_err());
    }
}
