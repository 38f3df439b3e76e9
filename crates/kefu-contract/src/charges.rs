//! A month's charges (spec `contracts.md` §2): which days of the month each
//! version of a contract serves ([`plan`]), and the invoice lines those
//! days and their figures give ([`charge_lines`]). Each line's amount is
//! computed exactly and rounded half up to the fen once.

use crate::invoice::{Basis, Line, Quantity};
use crate::rate::{Rate, round_div};
use crate::terms::{Charge, SalesSource, SeatRole, Terms, Tier};
use jiff::civil::Date;
use kefu_domain::Fen;
use std::fmt;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i16,
    /// 1–12.
    pub month: i8,
}

impl Month {
    /// Reads `YYYY-MM`.
    pub fn parse(text: &str) -> Result<Month, String> {
        let bad = || format!("'{text}' is not a month such as 2026-10");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1900..=2999).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month of a day.
    pub fn of(day: Date) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// Its first day.
    pub fn first(self) -> Date {
        Date::constant(self.year, self.month, 1)
    }

    /// Its last day.
    pub fn last(self) -> Date {
        self.first().last_of_month()
    }

    /// How many days it has.
    pub fn days(self) -> i64 {
        i64::from(self.first().days_in_month())
    }

    /// The month before.
    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Days from `a` to `b`, both included (0 when `b` is before `a`).
pub fn days_between(a: Date, b: Date) -> i64 {
    if b < a {
        0
    } else {
        i64::from((b - a).get_days()) + 1
    }
}

fn next_day(d: Date) -> Date {
    d.tomorrow().unwrap_or(d)
}

/// The days a contract was in service: from its first day served to its
/// last (none yet: still serving), within its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Served {
    /// The first day served.
    pub first: Date,
    /// The last day served, once known (an end or a notice).
    pub last: Option<Date>,
}

/// The days of a month served under one version of a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The version (index into the versions given to [`plan`]).
    pub version: usize,
    /// The first day.
    pub first: Date,
    /// The last day (included).
    pub last: Date,
}

impl Span {
    /// How many days.
    pub fn days(&self) -> i64 {
        days_between(self.first, self.last)
    }
}

/// The days of `month` served, split by the version in force: `versions`
/// in order of their `version_from` (the first in force from the start),
/// each until the next one's `version_from`. Empty when nothing of the
/// month was served.
pub fn plan(versions: &[Terms], served: Served, month: Month) -> Vec<Span> {
    let Some(latest) = versions.last() else {
        return Vec::new();
    };
    // The term: from the first version's start to the latest's end.
    let first = month.first().max(served.first).max(versions[0].start);
    let mut last = month.last().min(latest.end);
    if let Some(end) = served.last {
        last = last.min(end);
    }
    let mut spans = Vec::new();
    for (i, v) in versions.iter().enumerate() {
        let from = if i == 0 {
            first
        } else {
            v.version_from.max(first)
        };
        let until = match versions.get(i + 1) {
            Some(next) => next.version_from.yesterday().unwrap_or(next.version_from),
            None => last,
        }
        .min(last);
        if from <= until {
            spans.push(Span {
                version: i,
                first: from,
                last: until,
            });
        }
    }
    spans
}

/// The figures of a span's days, from the KPI engine or the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Paid amount of the stores' orders paid on these days.
    pub paid: Fen,
    /// Refunds of the stores made on these days.
    pub refunded: Fen,
    /// Manual sessions of the stores whose day is one of these days.
    pub manual_sessions: u64,
}

/// What [`charge_lines`] cannot do without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFigure {
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
}

/// One span of the month with its version and figures.
#[derive(Debug, Clone, Copy)]
pub struct SpanFigures<'a> {
    /// The version in force.
    pub terms: &'a Terms,
    /// The days.
    pub span: Span,
    /// Their figures.
    pub figures: Figures,
}

/// A line being gathered over the spans before it is priced: what it sums
/// (its quantity) and the key lines are merged by.
struct Gathered {
    key: String,
    charge: &'static str,
    role: Option<SeatRole>,
    label: String,
    unit_price: Option<Fen>,
    tax: (Rate, bool),
    /// Seat-days, days served, sessions, booked seat-days, or the sales
    /// base in fen.
    quantity: i64,
    /// The exact amount, `numerator ÷ denominator` fen.
    numerator: i128,
    denominator: i128,
    days: i64,
    extra: Vec<Basis>,
    money_quantity: bool,
    /// A commission's paid and refunded sums, shown in its basis.
    sales: Option<(i64, i64)>,
}

fn b(key: &'static str, value: impl ToString) -> Basis {
    Basis {
        key,
        value: value.to_string(),
    }
}

/// The price of `sessions` sessions counted from `offset` (the month's
/// sessions before them) on graduated tiers, and how many fell in each
/// tier `(sessions, price)`.
pub fn tiered(tiers: &[Tier], offset: u64, sessions: u64) -> (Fen, Vec<(u64, Fen)>) {
    let mut total = 0i64;
    let mut used = Vec::new();
    let mut floor = 0u64;
    let (start, end) = (offset, offset + sessions);
    for t in tiers {
        let ceiling = t.up_to.unwrap_or(u64::MAX);
        let lo = start.max(floor);
        let hi = end.min(ceiling);
        if hi > lo {
            let n = hi - lo;
            total += t.price.0 * n as i64;
            used.push((n, t.price));
        }
        floor = ceiling;
    }
    (Fen(total), used)
}

/// The lines of a month from its served spans. `declared` is the month's
/// declared sales for a commission on declared figures. Lines of the same
/// charge and price are one line over the whole month.
pub fn charge_lines(
    month: Month,
    spans: &[SpanFigures<'_>],
    declared: Option<Fen>,
) -> Result<Vec<Line>, MissingFigure> {
    let days_in_month = month.days();
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut add = |g: Gathered| {
        if let Some(have) = gathered.iter_mut().find(|h| h.key == g.key) {
            have.quantity += g.quantity;
            have.days += g.days;
            // Same key: same price and denominator.
            have.numerator += g.numerator;
            if let (Some(h), Some(n)) = (&mut have.sales, g.sales) {
                h.0 += n.0;
                h.1 += n.1;
            }
        } else {
            gathered.push(g);
        }
    };
    let mut month_sessions = 0u64;
    let mut declared_used = false;
    for s in spans {
        let t = s.terms;
        let tax = (t.tax_rate, t.tax_inclusive);
        let days = s.span.days();
        for charge in &t.charges {
            match charge {
                Charge::Seat {
                    role,
                    monthly_price,
                } => {
                    let mut seat_days = 0i64;
                    let mut d = s.span.first;
                    loop {
                        seat_days += i64::from(t.seats_on(*role, d));
                        if d >= s.span.last {
                            break;
                        }
                        d = next_day(d);
                    }
                    add(Gathered {
                        key: format!("seat/{}/{}/{:?}", role.as_str(), monthly_price.0, tax),
                        charge: "seat",
                        role: Some(*role),
                        label: format!("专人专席（{}）", role.zh()),
                        unit_price: Some(*monthly_price),
                        tax,
                        quantity: seat_days,
                        numerator: i128::from(seat_days) * i128::from(monthly_price.0),
                        denominator: i128::from(days_in_month),
                        days,
                        extra: vec![b("monthly_seat_price", monthly_price)],
                        money_quantity: false,
                        sales: None,
                    });
                }
                Charge::Commission {
                    monthly_base,
                    rate,
                    sales,
                } => {
                    add(Gathered {
                        key: format!("commission_base/{}/{:?}", monthly_base.0, tax),
                        charge: "commission_base",
                        role: None,
                        label: "底薪".to_string(),
                        unit_price: Some(*monthly_base),
                        tax,
                        quantity: 1,
                        numerator: i128::from(days) * i128::from(monthly_base.0),
                        denominator: i128::from(days_in_month),
                        days,
                        extra: vec![b("monthly_base", monthly_base)],
                        money_quantity: false,
                        sales: None,
                    });
                    let (base, extra, sums) = match sales {
                        SalesSource::Orders => {
                            let f = s.figures;
                            let sums = Some((f.paid.0, f.refunded.0));
                            (
                                f.paid.0 - f.refunded.0,
                                vec![b("sales_source", "orders")],
                                sums,
                            )
                        }
                        SalesSource::Declared if declared_used => (0, Vec::new(), None),
                        SalesSource::Declared => {
                            let Some(d) = declared else {
                                return Err(MissingFigure {
                                    zh: format!(
                                        "合同 {} 按甲方申报的销售额提成，{month} 还没有申报",
                                        t.id
                                    ),
                                    en: format!(
                                        "contract {} takes commission on declared sales and none is declared for {month}",
                                        t.id
                                    ),
                                });
                            };
                            declared_used = true;
                            (d.0, vec![b("sales_source", "declared")], None)
                        }
                    };
                    add(Gathered {
                        key: format!("commission/{}/{:?}", rate.millionths(), tax),
                        charge: "commission",
                        role: None,
                        label: format!("提成（{}）", rate),
                        unit_price: None,
                        tax,
                        quantity: base,
                        numerator: i128::from(base) * i128::from(rate.millionths()),
                        denominator: 1_000_000,
                        days,
                        extra: [vec![b("rate", rate)], extra].concat(),
                        money_quantity: true,
                        sales: sums,
                    });
                }
                Charge::PerInquiry { tiers } => {
                    let n = s.figures.manual_sessions;
                    let (price, used) = tiered(tiers, month_sessions, n);
                    month_sessions += n;
                    let shown = used
                        .iter()
                        .map(|(n, p)| format!("{n}×{p}"))
                        .collect::<Vec<_>>()
                        .join(" + ");
                    let key_tiers = tiers
                        .iter()
                        .map(|t| format!("{:?}:{}", t.up_to, t.price.0))
                        .collect::<Vec<_>>()
                        .join(",");
                    add(Gathered {
                        key: format!("per_inquiry/{key_tiers}/{:?}", tax),
                        charge: "per_inquiry",
                        role: None,
                        label: "按咨询量".to_string(),
                        unit_price: (tiers.len() == 1).then(|| tiers[0].price),
                        tax,
                        quantity: n as i64,
                        numerator: i128::from(price.0),
                        denominator: 1,
                        days,
                        extra: vec![b("tiers", shown)],
                        money_quantity: false,
                        sales: None,
                    });
                }
                Charge::Promotion { bookings } => {
                    for bk in bookings {
                        let lo = bk.from.max(s.span.first);
                        let hi = bk.to.min(s.span.last);
                        let booked_days = days_between(lo, hi);
                        if booked_days == 0 {
                            continue;
                        }
                        let seat_days = booked_days * i64::from(bk.seats);
                        add(Gathered {
                            key: format!(
                                "promotion/{}/{}/{}/{}/{:?}",
                                bk.from, bk.to, bk.seats, bk.seat_day_price.0, tax
                            ),
                            charge: "promotion",
                            role: None,
                            label: format!("大促加席 {}～{}", bk.from, bk.to),
                            unit_price: Some(bk.seat_day_price),
                            tax,
                            quantity: seat_days,
                            numerator: i128::from(seat_days) * i128::from(bk.seat_day_price.0),
                            denominator: 1,
                            days: booked_days,
                            extra: vec![
                                b("seats", bk.seats),
                                b("booking", format!("{}..{}", bk.from, bk.to)),
                            ],
                            money_quantity: false,
                            sales: None,
                        });
                    }
                }
                Charge::Fixed { name, monthly } => add(Gathered {
                    key: format!("fixed/{name}/{}/{:?}", monthly.0, tax),
                    charge: "fixed",
                    role: None,
                    label: name.clone(),
                    unit_price: Some(*monthly),
                    tax,
                    quantity: 1,
                    numerator: i128::from(days) * i128::from(monthly.0),
                    denominator: i128::from(days_in_month),
                    days,
                    extra: vec![b("monthly", monthly)],
                    money_quantity: false,
                    sales: None,
                }),
            }
        }
    }
    Ok(gathered
        .into_iter()
        .map(|g| {
            let amount = Fen(round_div(g.numerator, g.denominator));
            let quantity = if g.money_quantity {
                Quantity::Money(Fen(g.quantity))
            } else {
                Quantity::Count(g.quantity)
            };
            let mut basis = vec![b("days_in_month", days_in_month), b("days_served", g.days)];
            basis.extend(g.extra);
            if let Some((paid, refunded)) = g.sales {
                basis.push(b("paid", Fen(paid)));
                basis.push(b("refunded", Fen(refunded)));
            }
            Line::priced(
                g.charge,
                g.role,
                g.label,
                quantity,
                g.unit_price,
                amount,
                g.tax,
                basis,
            )
        })
        .collect())
}
