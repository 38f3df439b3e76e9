//! Money as integer fen (分), parsed from and shown as yuan with two places.

use std::fmt;

/// An amount of money in fen (1 yuan = 100 fen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

impl Fen {
    /// Parses a yuan amount such as `12`, `12.5` or `12.50`: at most two
    /// decimal places, never negative. Returns the reason on failure.
    pub fn parse_yuan(text: &str) -> Result<Fen, String> {
        let t = text.trim();
        let t = t
            .strip_prefix('¥')
            .or_else(|| t.strip_prefix('￥'))
            .unwrap_or(t)
            .trim();
        if t.is_empty() {
            return Err("is empty".into());
        }
        if t.starts_with('-') {
            return Err(format!("'{text}' is negative"));
        }
        let t = t.strip_prefix('+').unwrap_or(t);
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if !digits_ok(whole) || !digits_ok(frac) || (whole.is_empty() && frac.is_empty()) {
            return Err(format!("'{text}' is not a decimal amount"));
        }
        if frac.len() > 2 {
            return Err(format!("'{text}' has more than 2 decimal places"));
        }
        if whole.len() > 15 {
            return Err(format!("'{text}' is too large"));
        }
        let whole_fen: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse::<i64>()
                .map_err(|_| format!("'{text}' is not a decimal amount"))?
                * 100
        };
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => i64::from(frac.as_bytes()[0] - b'0') * 10,
            _ => i64::from(frac.as_bytes()[0] - b'0') * 10 + i64::from(frac.as_bytes()[1] - b'0'),
        };
        Ok(Fen(whole_fen + frac_fen))
    }

    /// `numerator ÷ denominator` fen rounded half up to the fen; `None` when
    /// the denominator is zero.
    pub fn div_round(self, denominator: i64) -> Option<Fen> {
        if denominator == 0 {
            return None;
        }
        let n = i128::from(self.0);
        let d = i128::from(denominator);
        let q = (2 * n + d).div_euclid(2 * d);
        Some(Fen(q as i64))
    }
}

impl fmt::Display for Fen {
    /// Yuan with two places, e.g. `1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yuan() {
        assert_eq!(Fen::parse_yuan("12").unwrap(), Fen(1200));
        assert_eq!(Fen::parse_yuan("12.5").unwrap(), Fen(1250));
        assert_eq!(Fen::parse_yuan("0.05").unwrap(), Fen(5));
        assert_eq!(Fen::parse_yuan("¥3.10").unwrap(), Fen(310));
        assert!(Fen::parse_yuan("-1").unwrap_err().contains("negative"));
        assert!(Fen::parse_yuan("1.005").unwrap_err().contains("2 decimal"));
        assert!(Fen::parse_yuan("abc").is_err());
        assert!(Fen::parse_yuan("").is_err());
        assert!(Fen::parse_yuan(".").is_err());
    }

    #[test]
    fn rounds_half_up_and_formats() {
        assert_eq!(Fen(1000).div_round(3), Some(Fen(333)));
        assert_eq!(Fen(5).div_round(2), Some(Fen(3)));
        assert_eq!(Fen(1).div_round(0), None);
        assert_eq!(Fen(123450).to_string(), "1234.50");
        assert_eq!(Fen(7).to_string(), "0.07");
    }
}
