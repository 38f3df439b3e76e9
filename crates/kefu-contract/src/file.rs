//! Contract files (spec `contracts.md` §5): the TOML a provider writes,
//! read into validated [`Terms`] and written back in the same layout.
//! Every error names the contract and the field it is about.

use crate::lifecycle::State;
use crate::rate::Rate;
use crate::terms::{
    Booking, Charge, ContractType, Deposit, DepositKind, SalesSource, SeatCount, SeatRole,
    TargetTerm, Terms, Tier,
};
use jiff::civil::Date;
use kefu_domain::Fen;
use serde::Deserialize;

/// A client company of a file, with its stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTerms {
    /// Its name.
    pub name: String,
    /// Its stores' codes.
    pub stores: Vec<String>,
}

/// A contract as a file gives it: its terms and, for one already running,
/// the last day served under a notice (`state = "ending"`).
#[derive(Debug, Clone, PartialEq)]
pub struct ContractFile {
    /// The terms.
    pub terms: Terms,
    /// With `state = "ending"`: the notice's last day served.
    pub last_served: Option<Date>,
}

/// What a file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Client companies.
    pub clients: Vec<ClientTerms>,
    /// Contracts.
    pub contracts: Vec<ContractFile>,
}

/// A file that cannot be read: where, and why in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// Where: `contract C-2026-001, deposit.kind`.
    pub at: String,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.en)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    client: Vec<RawClient>,
    #[serde(default)]
    contract: Vec<RawContract>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClient {
    name: String,
    #[serde(default)]
    stores: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    id: String,
    client: String,
    #[serde(rename = "type")]
    kind: String,
    stores: Vec<String>,
    start: String,
    end: String,
    version_from: Option<String>,
    state: Option<String>,
    service_start: Option<String>,
    last_served: Option<String>,
    service_hours: Option<String>,
    tax_rate: Option<String>,
    tax_inclusive: Option<bool>,
    payment_day: Option<u8>,
    notice_days: Option<u32>,
    seat_notice_days: Option<u32>,
    trial_months: Option<u8>,
    annual_base_fee: Option<String>,
    deposit: Option<RawDeposit>,
    #[serde(default)]
    targets: toml::Table,
    #[serde(default)]
    seats: Vec<RawSeat>,
    #[serde(default)]
    charge: Vec<RawCharge>,
    confidentiality: Option<String>,
    force_majeure: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeposit {
    amount: String,
    kind: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeat {
    role: String,
    count: u32,
    from: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCharge {
    kind: String,
    role: Option<String>,
    monthly_price: Option<String>,
    monthly_base: Option<String>,
    rate: Option<String>,
    sales: Option<String>,
    tiers: Option<Vec<RawTier>>,
    bookings: Option<Vec<RawBooking>>,
    name: Option<String>,
    monthly: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    up_to: Option<u64>,
    price: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBooking {
    from: String,
    to: String,
    seats: u32,
    seat_day_price: String,
    booked_on: Option<String>,
}

/// The figures a target may bound, and whether the bound is a maximum.
pub const TARGET_FIGURES: [(&str, bool); 15] = [
    ("first_response_s", true),
    ("avg_response_s", true),
    ("slow_rounds", true),
    ("unanswered_rounds", true),
    ("dissatisfied_rate", true),
    ("reply_rate", false),
    ("answer_ratio", false),
    ("order_conversion", false),
    ("pay_conversion", false),
    ("satisfied_rate", false),
    ("invite_rate", false),
    ("sales", false),
    ("avg_order_value", false),
    ("manual_sessions", false),
    ("qa_score", false),
];

/// Reads a contract file. Nothing is kept of a file with an error.
pub fn parse(text: &str) -> Result<File, FileError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!("第 {line} 行 / line {line}")
            })
            .unwrap_or_else(|| "file".to_string());
        FileError {
            at,
            zh: format!("不是有效的合同文件：{}", e.message()),
            en: format!("not a valid contract file: {}", e.message()),
        }
    })?;
    let mut clients = Vec::new();
    for c in raw.client {
        if c.name.trim().is_empty() {
            return Err(err("client", "甲方名称为空", "a client's name is empty"));
        }
        clients.push(ClientTerms {
            name: c.name.trim().to_string(),
            stores: c.stores,
        });
    }
    let mut contracts: Vec<ContractFile> = Vec::new();
    for c in raw.contract {
        let file = contract(c)?;
        if contracts
            .iter()
            .any(|h| h.terms.id == file.terms.id && h.terms.version_from == file.terms.version_from)
        {
            return Err(err(
                &format!("contract {}", file.terms.id),
                "同一版本在文件中出现两次",
                "the same version appears twice in the file",
            ));
        }
        contracts.push(file);
    }
    Ok(File { clients, contracts })
}

fn err(at: &str, zh: &str, en: &str) -> FileError {
    FileError {
        at: at.to_string(),
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

struct At<'a>(&'a str);

impl At<'_> {
    fn field(&self, field: &str) -> String {
        format!("contract {}, {field}", self.0)
    }

    fn bad(&self, field: &str, zh: String, en: String) -> FileError {
        FileError {
            at: self.field(field),
            zh,
            en,
        }
    }

    fn day(&self, field: &str, text: &str) -> Result<Date, FileError> {
        text.trim().parse::<Date>().map_err(|_| {
            self.bad(
                field,
                format!("“{text}”不是日期（YYYY-MM-DD）"),
                format!("'{text}' is not a date (YYYY-MM-DD)"),
            )
        })
    }

    fn money(&self, field: &str, text: &str) -> Result<Fen, FileError> {
        Fen::parse_yuan(text).map_err(|why| {
            self.bad(
                field,
                format!("金额“{text}”无效（{why}）：应为两位小数的元，如 \"4500.00\""),
                format!(
                    "'{text}' is not an amount ({why}): yuan with two places, e.g. \"4500.00\""
                ),
            )
        })
    }

    fn rate(&self, field: &str, text: &str) -> Result<Rate, FileError> {
        Rate::parse(text).map_err(|why| {
            self.bad(
                field,
                format!("比例“{text}”无效（{why}）：应为小数，如 \"0.06\""),
                format!("'{text}' is not a rate ({why}): a decimal such as \"0.06\""),
            )
        })
    }

    fn need<'v, T>(&self, field: &str, value: &'v Option<T>) -> Result<&'v T, FileError> {
        value.as_ref().ok_or_else(|| {
            self.bad(
                field,
                format!("缺少 {field}"),
                format!("{field} is missing"),
            )
        })
    }
}

fn contract(c: RawContract) -> Result<ContractFile, FileError> {
    if c.id.trim().is_empty() {
        return Err(err(
            "contract",
            "合同编号（id）为空",
            "a contract's id is empty",
        ));
    }
    let id = c.id.trim().to_string();
    let at = At(&id);
    let kind = ContractType::parse(&c.kind).ok_or_else(|| {
        at.bad(
            "type",
            format!(
                "“{}”不是合同类型：outsourcing（劳务外包）或 dispatch（劳务派遣）",
                c.kind
            ),
            format!(
                "'{}' is not a contract type: outsourcing or dispatch",
                c.kind
            ),
        )
    })?;
    if c.client.trim().is_empty() {
        return Err(at.bad("client", "甲方为空".into(), "client is empty".into()));
    }
    if c.stores.is_empty() || c.stores.iter().any(|s| s.trim().is_empty()) {
        return Err(at.bad(
            "stores",
            "至少需要一个店铺编码，且不能为空".into(),
            "at least one store code is needed, none empty".into(),
        ));
    }
    let start = at.day("start", &c.start)?;
    let end = at.day("end", &c.end)?;
    if end < start {
        return Err(at.bad(
            "end",
            format!("结束日 {end} 早于开始日 {start}"),
            format!("the end {end} is before the start {start}"),
        ));
    }
    let version_from = match &c.version_from {
        Some(v) => at.day("version_from", v)?,
        None => start,
    };
    if version_from < start || version_from > end {
        return Err(at.bad(
            "version_from",
            format!("版本生效日 {version_from} 不在合同期 {start}～{end} 内"),
            format!("version_from {version_from} is outside the term {start}..{end}"),
        ));
    }
    let running = match (&c.state, &c.service_start) {
        (None, None) => None,
        (Some(s), Some(first)) => {
            let state = State::parse(s)
                .filter(|s| matches!(s, State::LiveTrial | State::Formal | State::Ending))
                .ok_or_else(|| {
                    at.bad(
                        "state",
                        format!("“{s}”不是运行中合同的状态：live_trial、formal 或 ending（新合同不写 state，从 draft 开始）"),
                        format!("'{s}' is not a running contract's state: live_trial, formal or ending (a new contract gives none and starts as draft)"),
                    )
                })?;
            let first = at.day("service_start", first)?;
            if first < start || first > end {
                return Err(at.bad(
                    "service_start",
                    format!("首个服务日 {first} 不在合同期内"),
                    format!("service_start {first} is outside the term"),
                ));
            }
            Some((state, first))
        }
        (Some(_), None) => {
            return Err(at.bad(
                "service_start",
                "写了 state 就要写 service_start（首个服务日）".into(),
                "a state needs its service_start (the first day served)".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(at.bad(
                "state",
                "写了 service_start 就要写 state".into(),
                "a service_start needs its state".into(),
            ));
        }
    };
    let last_served = match (&c.last_served, running.map(|r| r.0)) {
        (Some(d), Some(State::Ending)) => Some(at.day("last_served", d)?),
        (None, Some(State::Ending)) => {
            return Err(at.bad(
                "last_served",
                "state = \"ending\" 需要 last_served（解约通知的最后服务日）".into(),
                "state = \"ending\" needs last_served (the notice's last day served)".into(),
            ));
        }
        (Some(_), _) => {
            return Err(at.bad(
                "last_served",
                "last_served 只用于 state = \"ending\"".into(),
                "last_served is only for state = \"ending\"".into(),
            ));
        }
        (None, _) => None,
    };
    let tax_rate = match &c.tax_rate {
        Some(r) => at.rate("tax_rate", r)?,
        None => Rate::from_millionths(60_000),
    };
    let payment_day = c.payment_day.unwrap_or(10);
    if !(1..=28).contains(&payment_day) {
        return Err(at.bad(
            "payment_day",
            format!("付款日 {payment_day} 应在 1～28 之间"),
            format!("payment_day {payment_day} must be 1 to 28"),
        ));
    }
    let annual_base_fee = match &c.annual_base_fee {
        Some(m) => at.money("annual_base_fee", m)?,
        None => Fen(0),
    };
    let deposit = match &c.deposit {
        None => None,
        Some(d) => Some(Deposit {
            amount: at.money("deposit.amount", &d.amount)?,
            kind: DepositKind::parse(&d.kind).ok_or_else(|| {
                at.bad(
                    "deposit.kind",
                    format!("“{}”不是押金种类：advance（订金，可退）或 earnest（定金，违约不退/双倍返还）", d.kind),
                    format!("'{}' is not a deposit kind: advance (订金) or earnest (定金)", d.kind),
                )
            })?,
        }),
    };
    let mut targets = Vec::new();
    for (figure, value) in &c.targets {
        let field = format!("targets.{figure}");
        let Some((_, at_most)) = TARGET_FIGURES.iter().find(|(f, _)| f == figure) else {
            let known = TARGET_FIGURES.map(|f| f.0).join(", ");
            return Err(at.bad(
                &field,
                format!("不认识的指标 {figure}；可用：{known}"),
                format!("unknown figure {figure}; known: {known}"),
            ));
        };
        let bound = match value {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) => *f,
            _ => {
                return Err(at.bad(&field, "目标应为数字".into(), "a target is a number".into()));
            }
        };
        targets.push(TargetTerm {
            figure: figure.clone(),
            bound,
            at_most: *at_most,
        });
    }
    let mut seats = Vec::new();
    for (i, s) in c.seats.iter().enumerate() {
        let field = format!("seats[{i}]");
        let role = SeatRole::parse(&s.role).ok_or_else(|| {
            at.bad(
                &format!("{field}.role"),
                format!(
                    "“{}”不是席位角色：presale（售前）或 aftersale（售后）",
                    s.role
                ),
                format!("'{}' is not a seat role: presale or aftersale", s.role),
            )
        })?;
        seats.push(SeatCount {
            role,
            count: s.count,
            from: at.day(&format!("{field}.from"), &s.from)?,
        });
    }
    let seat_notice_days = c.seat_notice_days.unwrap_or(7);
    let mut charges = Vec::new();
    for (i, ch) in c.charge.iter().enumerate() {
        charges.push(charge(&at, i, ch, seat_notice_days)?);
    }
    for ch in &charges {
        if let Charge::Seat { role, .. } = ch
            && !seats.iter().any(|s| s.role == *role)
        {
            return Err(at.bad(
                "seats",
                format!(
                    "有 {}（{}）专席计费，但 seats 里没有该角色的席位",
                    role.as_str(),
                    role.zh()
                ),
                format!(
                    "a seat charge for {} but no {} seats",
                    role.as_str(),
                    role.as_str()
                ),
            ));
        }
    }
    let terms = Terms {
        id: id.clone(),
        client: c.client.trim().to_string(),
        kind,
        stores: c.stores.iter().map(|s| s.trim().to_string()).collect(),
        start,
        end,
        version_from,
        running,
        service_hours: c.service_hours.unwrap_or_else(|| "08:00-24:00".to_string()),
        tax_rate,
        tax_inclusive: c.tax_inclusive.unwrap_or(true),
        payment_day,
        notice_days: c.notice_days.unwrap_or(30),
        seat_notice_days,
        trial_months: c.trial_months.unwrap_or(1),
        annual_base_fee,
        deposit,
        targets,
        seats,
        charges,
        confidentiality: c.confidentiality.unwrap_or_default(),
        force_majeure: c.force_majeure.unwrap_or_default(),
    };
    Ok(ContractFile { terms, last_served })
}

fn charge(at: &At<'_>, i: usize, c: &RawCharge, seat_notice: u32) -> Result<Charge, FileError> {
    let f = |name: &str| format!("charge[{i}].{name}");
    Ok(match c.kind.as_str() {
        "seat" => {
            let role = at.need(&f("role"), &c.role)?;
            Charge::Seat {
                role: SeatRole::parse(role).ok_or_else(|| {
                    at.bad(
                        &f("role"),
                        format!("“{role}”不是席位角色：presale 或 aftersale"),
                        format!("'{role}' is not a seat role: presale or aftersale"),
                    )
                })?,
                monthly_price: at.money(
                    &f("monthly_price"),
                    at.need(&f("monthly_price"), &c.monthly_price)?,
                )?,
            }
        }
        "commission" => Charge::Commission {
            monthly_base: match &c.monthly_base {
                Some(m) => at.money(&f("monthly_base"), m)?,
                None => Fen(0),
            },
            rate: at.rate(&f("rate"), at.need(&f("rate"), &c.rate)?)?,
            sales: match c.sales.as_deref() {
                None | Some("orders") => SalesSource::Orders,
                Some("declared") => SalesSource::Declared,
                Some(other) => {
                    return Err(at.bad(
                        &f("sales"),
                        format!("“{other}”不是销售额来源：orders（订单）或 declared（甲方申报）"),
                        format!("'{other}' is not a sales source: orders or declared"),
                    ));
                }
            },
        },
        "per_inquiry" => {
            let raw = at.need(&f("tiers"), &c.tiers)?;
            let mut tiers = Vec::new();
            let mut floor = 0u64;
            for (j, t) in raw.iter().enumerate() {
                let field = f(&format!("tiers[{j}]"));
                let last = j + 1 == raw.len();
                match (t.up_to, last) {
                    (Some(_), true) => {
                        return Err(at.bad(
                            &field,
                            "最后一档不写 up_to".into(),
                            "the last tier has no up_to".into(),
                        ));
                    }
                    (None, false) => {
                        return Err(at.bad(
                            &field,
                            "只有最后一档可以不写 up_to".into(),
                            "only the last tier may omit up_to".into(),
                        ));
                    }
                    (Some(u), false) if u <= floor => {
                        return Err(at.bad(
                            &field,
                            format!("up_to {u} 应大于上一档的 {floor}"),
                            format!("up_to {u} must be above the previous tier's {floor}"),
                        ));
                    }
                    (Some(u), false) => floor = u,
                    (None, true) => {}
                }
                tiers.push(Tier {
                    up_to: t.up_to,
                    price: at.money(&format!("{field}.price"), &t.price)?,
                });
            }
            if tiers.is_empty() {
                return Err(at.bad(
                    &f("tiers"),
                    "至少需要一档价格".into(),
                    "at least one tier is needed".into(),
                ));
            }
            Charge::PerInquiry { tiers }
        }
        "promotion" => {
            let raw = at.need(&f("bookings"), &c.bookings)?;
            let mut bookings = Vec::new();
            for (j, b) in raw.iter().enumerate() {
                let field = f(&format!("bookings[{j}]"));
                let from = at.day(&format!("{field}.from"), &b.from)?;
                let to = at.day(&format!("{field}.to"), &b.to)?;
                if to < from {
                    return Err(at.bad(
                        &field,
                        format!("{to} 早于 {from}"),
                        format!("{to} is before {from}"),
                    ));
                }
                let booked_on = match &b.booked_on {
                    Some(d) => Some(at.day(&format!("{field}.booked_on"), d)?),
                    None => None,
                };
                if let Some(on) = booked_on {
                    let ahead = i64::from((from - on).get_days());
                    if ahead < i64::from(seat_notice) {
                        return Err(at.bad(
                            &format!("{field}.booked_on"),
                            format!("大促加席须至少提前 {seat_notice} 天预订：{on} 预订 {from} 只提前了 {ahead} 天"),
                            format!("a promotion must be booked at least {seat_notice} days ahead: booked on {on} for {from} is {ahead} days"),
                        ));
                    }
                }
                bookings.push(Booking {
                    from,
                    to,
                    seats: b.seats,
                    seat_day_price: at
                        .money(&format!("{field}.seat_day_price"), &b.seat_day_price)?,
                    booked_on,
                });
            }
            Charge::Promotion { bookings }
        }
        "fixed" => Charge::Fixed {
            name: at.need(&f("name"), &c.name)?.clone(),
            monthly: at.money(&f("monthly"), at.need(&f("monthly"), &c.monthly)?)?,
        },
        other => {
            return Err(at.bad(
                &f("kind"),
                format!("“{other}”不是计费方式：seat、commission、per_inquiry、promotion 或 fixed"),
                format!("'{other}' is not a charge kind: seat, commission, per_inquiry, promotion or fixed"),
            ));
        }
    })
}
