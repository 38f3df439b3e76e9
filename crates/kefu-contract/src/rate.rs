//! Decimal rates (tax, commission) and the one rounding rule of billing:
//! half up (四舍五入) to the fen, away from zero for negative amounts.

use kefu_domain::Fen;
use std::fmt;

/// Parts per million in one: a rate keeps six decimal places.
const MILLION: i64 = 1_000_000;

/// A non-negative decimal rate such as `0.06` or `0.035`, kept exactly in
/// millionths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(i64);

impl Rate {
    /// The rate of so many millionths.
    pub const fn from_millionths(millionths: i64) -> Rate {
        Rate(millionths)
    }

    /// The rate in millionths.
    pub const fn millionths(self) -> i64 {
        self.0
    }

    /// Parses `0.06`, `.03`, `1` (at most six decimal places, not negative,
    /// at most 1). Returns the reason on failure.
    pub fn parse(text: &str) -> Result<Rate, String> {
        let t = text.trim();
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
            return Err(format!("'{text}' is not a decimal rate such as 0.06"));
        }
        if frac.len() > 6 {
            return Err(format!("'{text}' has more than 6 decimal places"));
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| format!("'{text}' is not a decimal rate such as 0.06"))?
        };
        let mut part = 0i64;
        for (i, b) in frac.bytes().enumerate() {
            part += i64::from(b - b'0') * 10i64.pow(5 - i as u32);
        }
        let rate = whole.saturating_mul(MILLION).saturating_add(part);
        if rate > MILLION {
            return Err(format!("'{text}' is more than 1 (100 %)"));
        }
        Ok(Rate(rate))
    }

    /// `amount × rate`, rounded half up to the fen.
    pub fn of(self, amount: Fen) -> Fen {
        Fen(round_div(
            i128::from(amount.0) * i128::from(self.0),
            i128::from(MILLION),
        ))
    }

    /// The rate in percent, for display: `0.03` is `3.0`.
    pub fn percent(self) -> f64 {
        self.0 as f64 / 10_000.0
    }

    /// The tax inside a tax-inclusive amount: `amount × rate ÷ (1 + rate)`,
    /// rounded half up to the fen.
    pub fn inside(self, amount: Fen) -> Fen {
        Fen(round_div(
            i128::from(amount.0) * i128::from(self.0),
            i128::from(MILLION + self.0),
        ))
    }
}

impl fmt::Display for Rate {
    /// The shortest decimal: `0.06`, `0.035`, `1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / MILLION;
        let frac = format!("{:06}", self.0 % MILLION);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{whole}")
        } else {
            write!(f, "{whole}.{frac}")
        }
    }
}

/// `numerator ÷ denominator` rounded half up to an integer (away from zero
/// for a negative quotient: −2.5 gives −3); the denominator is positive.
pub fn round_div(numerator: i128, denominator: i128) -> i64 {
    debug_assert!(denominator > 0);
    let magnitude = (2 * numerator.abs() + denominator) / (2 * denominator);
    let signed = if numerator < 0 { -magnitude } else { magnitude };
    signed as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_shows() {
        for (text, millionths, shown) in [
            ("0.06", 60_000, "0.06"),
            (".03", 30_000, "0.03"),
            ("0.035", 35_000, "0.035"),
            ("1", MILLION, "1"),
            ("0", 0, "0"),
            ("0.000001", 1, "0.000001"),
        ] {
            let r = Rate::parse(text).expect(text);
            assert_eq!(r.millionths(), millionths, "{text}");
            assert_eq!(r.to_string(), shown);
        }
        for bad in ["", ".", "-0.1", "0.1234567", "1.5", "6%", "abc"] {
            assert!(Rate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn rounds_half_up_away_from_zero() {
        assert_eq!(round_div(5, 2), 3);
        assert_eq!(round_div(-5, 2), -3);
        assert_eq!(round_div(4, 3), 1);
        assert_eq!(round_div(-4, 3), -1);
        assert_eq!(round_div(0, 7), 0);
    }

    #[test]
    fn tax_inside_and_on_top() {
        let six = Rate::parse("0.06").unwrap();
        // 1000.00 tax-inclusive: 1000 × 0.06 / 1.06 = 56.603… → 56.60.
        assert_eq!(six.inside(Fen(100_000)), Fen(5_660));
        // 1000.00 tax-exclusive: 60.00 on top.
        assert_eq!(six.of(Fen(100_000)), Fen(6_000));
        // 0.25 yuan × 0.06 = 1.5 fen → half up to 2 fen.
        assert_eq!(six.of(Fen(25)), Fen(2));
        assert_eq!(six.of(Fen(-25)), Fen(-2));
    }
}
