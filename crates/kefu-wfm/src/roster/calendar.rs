//! Dates and clock times of roster files: `YYYY-MM-DD` dates as [`Day`]
//! numbers (days since 1970-01-01) by the proleptic Gregorian calendar,
//! and `HH:MM` times as minutes of the day, `24:00` being 1440.

use crate::forecast::{Day, weekday};
use serde::{Deserialize, Deserializer, Serializer};

/// Minutes in a day.
pub const MINUTES_PER_DAY: u32 = 1440;

/// The day number of a civil date, `None` for a month or day that does not
/// exist (years 1 to 9999).
pub fn day_of(year: i32, month: u32, day: u32) -> Option<Day> {
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    if day > days_in_month(year, month) {
        return None;
    }
    // Howard Hinnant's days_from_civil, on a year starting in March.
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = i64::from((month + 9) % 12);
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Day::try_from(era * 146_097 + day_of_era - 719_468).ok()
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil_of(day: Day) -> (i64, u32, u32) {
    let z = i64::from(day) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day_of_month = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day_of_month)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether `day` is a Saturday or a Sunday.
pub fn is_weekend(day: Day) -> bool {
    weekday(day) >= 5
}

/// Reads a `YYYY-MM-DD` date (four, two and two digits).
pub fn parse_date(text: &str) -> Option<Day> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    day_of(year, digits(5..7)?, digits(8..10)?)
}

/// Writes a day number as `YYYY-MM-DD`.
pub fn format_date(day: Day) -> String {
    let (year, month, day_of_month) = civil_of(day);
    format!("{year:04}-{month:02}-{day_of_month:02}")
}

/// Reads an `HH:MM` time (the hour may have one digit) from `00:00` to
/// `24:00` as minutes of the day, 0 to 1440.
pub fn parse_time(text: &str) -> Option<u32> {
    let (hours, minutes) = text.split_once(':')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(hours) || hours.len() > 2 || !all_digits(minutes) || minutes.len() != 2 {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= MINUTES_PER_DAY).then_some(total)
}

/// Writes minutes of the day as `HH:MM` (1440 as `24:00`).
pub fn format_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Serialises a [`Day`] as `YYYY-MM-DD`.
pub(crate) fn serialize_date<S: Serializer>(day: &Day, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_date(*day))
}

/// Serialises minutes of the day as `HH:MM`.
pub(crate) fn serialize_time<S: Serializer>(
    minutes: &u32,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_time(*minutes))
}

/// Deserialises a `YYYY-MM-DD` text into a [`Day`].
pub(crate) fn deserialize_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Day, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_date(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("“{text}” is not a date YYYY-MM-DD")))
}
