//! The terms of a contract (spec `contracts.md` §1 and §2) as validated
//! types: what a TOML file (§5) or a form becomes once it has been read.

use crate::rate::Rate;
use jiff::civil::Date;
use kefu_domain::Fen;

/// 劳务外包 or 劳务派遣: who directs the agents. Shown on every document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractType {
    /// 劳务外包: the provider directs the agents.
    Outsourcing,
    /// 劳务派遣: the client directs them.
    Dispatch,
}

impl ContractType {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractType::Outsourcing => "outsourcing",
            ContractType::Dispatch => "dispatch",
        }
    }

    /// The Chinese name printed on documents.
    pub fn zh(self) -> &'static str {
        match self {
            ContractType::Outsourcing => "劳务外包",
            ContractType::Dispatch => "劳务派遣",
        }
    }

    /// Reads a file name.
    pub fn parse(text: &str) -> Option<ContractType> {
        match text {
            "outsourcing" => Some(ContractType::Outsourcing),
            "dispatch" => Some(ContractType::Dispatch),
            _ => None,
        }
    }
}

/// The two deposits the law tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositKind {
    /// 定金: forfeited if the client breaches, returned twice over if the
    /// provider breaches (Civil Code art. 587).
    Earnest,
    /// 订金: a prepayment, always refunded or credited.
    Advance,
}

impl DepositKind {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            DepositKind::Earnest => "earnest",
            DepositKind::Advance => "advance",
        }
    }

    /// The Chinese word, which is what the two kinds are told apart by.
    pub fn zh(self) -> &'static str {
        match self {
            DepositKind::Earnest => "定金",
            DepositKind::Advance => "订金",
        }
    }

    /// Reads a file name.
    pub fn parse(text: &str) -> Option<DepositKind> {
        match text {
            "earnest" => Some(DepositKind::Earnest),
            "advance" => Some(DepositKind::Advance),
            _ => None,
        }
    }
}

/// A deposit agreed in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deposit {
    /// How much.
    pub amount: Fen,
    /// 定金 or 订金.
    pub kind: DepositKind,
}

/// A seat role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SeatRole {
    /// 售前.
    Presale,
    /// 售后.
    Aftersale,
}

impl SeatRole {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            SeatRole::Presale => "presale",
            SeatRole::Aftersale => "aftersale",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            SeatRole::Presale => "售前",
            SeatRole::Aftersale => "售后",
        }
    }

    /// Reads a file name.
    pub fn parse(text: &str) -> Option<SeatRole> {
        match text {
            "presale" => Some(SeatRole::Presale),
            "aftersale" => Some(SeatRole::Aftersale),
            _ => None,
        }
    }
}

/// The seats of a role in force from a day (until the role's next entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatCount {
    /// The role.
    pub role: SeatRole,
    /// Agents.
    pub count: u32,
    /// The first day of this count.
    pub from: Date,
}

/// One price tier of per-inquiry pricing: sessions up to `up_to` (counted
/// over the month, the previous tiers included) at `price`; the last tier
/// has no bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    /// The month's sessions this tier ends at; `None` for the last.
    pub up_to: Option<u64>,
    /// The price of one session in the tier.
    pub price: Fen,
}

/// A booked promotion: extra seats on a range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booking {
    /// The first day.
    pub from: Date,
    /// The last day (included).
    pub to: Date,
    /// Extra seats.
    pub seats: u32,
    /// The price of one seat for one day.
    pub seat_day_price: Fen,
    /// When the booking was made, when known: it must be at least the
    /// contract's seat notice ahead of `from`.
    pub booked_on: Option<Date>,
}

/// Where a commission's sales figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalesSource {
    /// The orders imported: paid in the month less refunds made in it.
    Orders,
    /// The figure the client declares for the month.
    Declared,
}

/// One charge of a contract (§2); a contract may combine several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charge {
    /// 专人专席: seat-days × monthly price ÷ days in the month.
    Seat {
        /// The seats' role.
        role: SeatRole,
        /// The price of one seat for a whole month.
        monthly_price: Fen,
    },
    /// 低底薪+提成: a monthly base and a rate on the month's sales.
    Commission {
        /// The base for a whole month.
        monthly_base: Fen,
        /// The commission rate.
        rate: Rate,
        /// Where the sales figure comes from.
        sales: SalesSource,
    },
    /// 按咨询量: graduated tiers over the month's manual sessions.
    PerInquiry {
        /// The tiers in order, the last without a bound.
        tiers: Vec<Tier>,
    },
    /// 大促: booked extra seats by the day.
    Promotion {
        /// The bookings.
        bookings: Vec<Booking>,
    },
    /// A fixed monthly fee (e.g. 系统使用费).
    Fixed {
        /// What it is for.
        name: String,
        /// The amount for a whole month.
        monthly: Fen,
    },
}

impl Charge {
    /// The file name of the charge's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Charge::Seat { .. } => "seat",
            Charge::Commission { .. } => "commission",
            Charge::PerInquiry { .. } => "per_inquiry",
            Charge::Promotion { .. } => "promotion",
            Charge::Fixed { .. } => "fixed",
        }
    }
}

/// A service target: a figure of `kpi.md` and its bound.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetTerm {
    /// The figure's spec name, e.g. `first_response_s`.
    pub figure: String,
    /// The bound.
    pub bound: f64,
    /// Whether the figure must stay at or below the bound (response times)
    /// or at or above it (rates).
    pub at_most: bool,
}

/// The state a running contract is imported in (§5: `state`).
pub use crate::lifecycle::State;

/// Every term of one version of a contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// The contract's id, e.g. `C-2026-001`.
    pub id: String,
    /// The client company (甲方).
    pub client: String,
    /// Outsourcing or dispatch.
    pub kind: ContractType,
    /// The stores covered (codes).
    pub stores: Vec<String>,
    /// The term's first day.
    pub start: Date,
    /// The term's last day (included).
    pub end: Date,
    /// The day this version takes effect (the first version: `start`).
    pub version_from: Date,
    /// For a contract imported already running: its state and first day
    /// served.
    pub running: Option<(State, Date)>,
    /// Service hours, e.g. `08:00-24:00`.
    pub service_hours: String,
    /// The tax rate.
    pub tax_rate: Rate,
    /// Whether prices include the tax.
    pub tax_inclusive: bool,
    /// The day of the month payment is due by.
    pub payment_day: u8,
    /// Days of written notice to end the contract.
    pub notice_days: u32,
    /// Days of notice to add seats (and to book a promotion).
    pub seat_notice_days: u32,
    /// Months of trial from the first day served (default 1; 0: none).
    pub trial_months: u8,
    /// The annual base fee (基础服务费).
    pub annual_base_fee: Fen,
    /// The deposit, if any.
    pub deposit: Option<Deposit>,
    /// Service targets.
    pub targets: Vec<TargetTerm>,
    /// Seats by role from their days.
    pub seats: Vec<SeatCount>,
    /// The charges.
    pub charges: Vec<Charge>,
    /// The confidentiality clause.
    pub confidentiality: String,
    /// The force-majeure clause.
    pub force_majeure: String,
}

impl Terms {
    /// The seats of a role in force on a day: the count of the role's
    /// latest entry from that day or before (0 before the first).
    pub fn seats_on(&self, role: SeatRole, day: Date) -> u32 {
        self.seats
            .iter()
            .filter(|s| s.role == role && s.from <= day)
            .max_by_key(|s| s.from)
            .map_or(0, |s| s.count)
    }

    /// The last day of the trial for service that began on `first_served`,
    /// or `None` without a trial: the day before the same day
    /// `trial_months` later (a service from 1 October is on trial through
    /// 31 October).
    pub fn trial_end(&self, first_served: Date) -> Option<Date> {
        if self.trial_months == 0 {
            return None;
        }
        let span = jiff::Span::new().months(i64::from(self.trial_months));
        let after = first_served.checked_add(span).ok()?;
        after.yesterday().ok()
    }
}
