//! Invoice lines and their tax (spec `contracts.md` §4): tax per line,
//! rounded half up to the fen; the invoice's sums are the sums of its
//! lines.

use crate::rate::Rate;
use crate::terms::SeatRole;
use kefu_domain::Fen;

/// One figure behind a line, e.g. `days_served = 12`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    /// The figure's name.
    pub key: &'static str,
    /// Its value as shown.
    pub value: String,
}

/// The quantity a line is priced on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantity {
    /// Seat-days, sessions, booked seat-days, or 1 for a fixed amount.
    Count(i64),
    /// The sales base of a commission, in fen (shown in yuan).
    Money(Fen),
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Quantity::Count(n) => write!(f, "{n}"),
            Quantity::Money(m) => write!(f, "{m}"),
        }
    }
}

/// One line of an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// `seat`, `commission_base`, `commission`, `per_inquiry`, `promotion`,
    /// `fixed`, or `adjustment` (a note's line).
    pub charge: &'static str,
    /// The seats' role, on seat lines.
    pub role: Option<SeatRole>,
    /// What the line is, in Chinese (shown on the invoice).
    pub label: String,
    /// What is priced.
    pub quantity: Quantity,
    /// The unit price, where one price applies.
    pub unit_price: Option<Fen>,
    /// The amount as priced: gross when prices include tax, net otherwise.
    pub amount: Fen,
    /// The line's tax.
    pub tax: Fen,
    /// Without tax.
    pub net: Fen,
    /// With tax.
    pub gross: Fen,
    /// The figures behind it.
    pub basis: Vec<Basis>,
}

/// Tax, net and gross of an amount (`contracts.md` §4): inclusive, tax =
/// amount × rate ÷ (1 + rate) and net = amount − tax; exclusive, tax =
/// amount × rate and gross = amount + tax. Returns `(tax, net, gross)`.
pub fn taxed(amount: Fen, rate: Rate, inclusive: bool) -> (Fen, Fen, Fen) {
    if inclusive {
        let tax = rate.inside(amount);
        (tax, Fen(amount.0 - tax.0), amount)
    } else {
        let tax = rate.of(amount);
        (tax, amount, Fen(amount.0 + tax.0))
    }
}

impl Line {
    /// A line of `amount` (already rounded) with its tax.
    #[allow(clippy::too_many_arguments)]
    pub fn priced(
        charge: &'static str,
        role: Option<SeatRole>,
        label: String,
        quantity: Quantity,
        unit_price: Option<Fen>,
        amount: Fen,
        tax: (Rate, bool),
        basis: Vec<Basis>,
    ) -> Line {
        let (t, net, gross) = taxed(amount, tax.0, tax.1);
        Line {
            charge,
            role,
            label,
            quantity,
            unit_price,
            amount,
            tax: t,
            net,
            gross,
            basis,
        }
    }
}

/// The sums of an invoice's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Σ amount.
    pub amount: Fen,
    /// Σ tax.
    pub tax: Fen,
    /// Σ net.
    pub net: Fen,
    /// Σ gross.
    pub gross: Fen,
}

/// The sums of these lines.
pub fn totals(lines: &[Line]) -> Totals {
    lines.iter().fold(Totals::default(), |t, l| Totals {
        amount: Fen(t.amount.0 + l.amount.0),
        tax: Fen(t.tax.0 + l.tax.0),
        net: Fen(t.net.0 + l.net.0),
        gross: Fen(t.gross.0 + l.gross.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tax_plus_net_is_gross_either_way() {
        let six = Rate::parse("0.06").unwrap();
        for fen in [0, 1, 49, 50, 99_999, 1_234_567, -1_234_567] {
            for inclusive in [true, false] {
                let (tax, net, gross) = taxed(Fen(fen), six, inclusive);
                assert_eq!(tax.0 + net.0, gross.0, "{fen} {inclusive}");
            }
        }
        assert_eq!(
            taxed(Fen(450_000), six, true),
            (Fen(25_472), Fen(424_528), Fen(450_000))
        );
        assert_eq!(
            taxed(Fen(450_000), six, false),
            (Fen(27_000), Fen(450_000), Fen(477_000))
        );
    }
}
