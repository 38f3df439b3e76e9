//! The answers of the capability, as the CLI's `--format json`, the API
//! and the pages show them (spec `contracts.md` §5): money as strings with
//! two places, days as `YYYY-MM-DD`.

use kefu_contract::invoice::{Line, Quantity};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A contract: its latest terms in short, where it stands, and what the
/// next step lacks.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct ContractView {
    /// The id.
    pub id: String,
    /// The client company.
    pub client: String,
    /// `outsourcing` or `dispatch`.
    #[serde(rename = "type")]
    pub kind: String,
    /// 劳务外包 or 劳务派遣.
    pub type_zh: String,
    /// The state (`draft` … `ended`).
    pub state: String,
    /// The state in Chinese.
    pub state_zh: String,
    /// The stores of the latest version.
    pub stores: Vec<String>,
    /// The term.
    pub start: String,
    /// The term's last day.
    pub end: String,
    /// The latest version's first day.
    pub version_from: String,
    /// Every version's first day.
    pub versions: Vec<String>,
    /// The day it was signed.
    pub signed_on: Option<String>,
    /// The first day served.
    pub service_start: Option<String>,
    /// The trial's last day.
    pub trial_end: Option<String>,
    /// The last day served, once set by a notice or an end.
    pub last_served: Option<String>,
    /// How it ends or ended.
    pub ending: Option<String>,
    /// The day notice was given, and by whom.
    pub notice_on: Option<String>,
    /// `client` or `provider`.
    pub notice_by: Option<String>,
    /// The next ordinary step, if any.
    pub next_state: Option<String>,
    /// What that step still lacks today, in Chinese.
    pub missing_zh: Vec<String>,
    /// The same in English.
    pub missing_en: Vec<String>,
    /// The annual base fee.
    pub annual_base_fee: String,
    /// The deposit, `10000.00 advance`.
    pub deposit: Option<String>,
    /// The charges' kinds.
    pub charges: Vec<String>,
    /// Whether its commission is on sales the client declares.
    pub declares_sales: bool,
    /// Every step so far.
    pub steps: Vec<StepView>,
}

/// One step of a contract's life.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct StepView {
    /// The state before.
    pub from: String,
    /// The state after.
    pub to: String,
    /// The day.
    pub on: String,
    /// Who.
    pub by: String,
    /// Why.
    pub reason: String,
}

/// An invoice line (spec §5).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct LineView {
    /// `seat`, `commission_base`, `commission`, `per_inquiry`, `promotion`,
    /// `fixed`, `adjustment`.
    pub charge: String,
    /// The seats' role, on seat lines.
    pub role: Option<String>,
    /// What the line is, in Chinese.
    pub label: String,
    /// Seat-days, sessions, booked seat-days or 1 (a number); the sales
    /// base in yuan for a commission (a string).
    #[schema(value_type = Object)]
    pub quantity: serde_json::Value,
    /// The unit price, where one applies.
    pub unit_price: Option<String>,
    /// As priced (gross when tax-inclusive, net otherwise).
    pub amount: String,
    /// Tax.
    pub tax: String,
    /// Without tax.
    pub net: String,
    /// With tax.
    pub gross: String,
    /// The figures behind it.
    pub basis: BTreeMap<String, String>,
}

impl From<&Line> for LineView {
    fn from(l: &Line) -> LineView {
        LineView {
            charge: l.charge.to_string(),
            role: l.role.map(|r| r.as_str().to_string()),
            label: l.label.clone(),
            quantity: match l.quantity {
                Quantity::Count(n) => serde_json::Value::from(n),
                Quantity::Money(m) => serde_json::Value::from(m.to_string()),
            },
            unit_price: l.unit_price.map(|p| p.to_string()),
            amount: l.amount.to_string(),
            tax: l.tax.to_string(),
            net: l.net.to_string(),
            gross: l.gross.to_string(),
            basis: l
                .basis
                .iter()
                .map(|b| (b.key.to_string(), b.value.clone()))
                .collect(),
        }
    }
}

/// A client's dispute of a line.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct DisputeView {
    /// The line (0-based).
    pub line: i64,
    /// Why.
    pub reason: String,
    /// Who.
    pub by: String,
    /// Whether it is settled.
    pub resolved: bool,
}

/// An invoice or note (spec §5).
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct InvoiceView {
    /// Its number.
    pub number: String,
    /// The client company.
    pub client: String,
    /// The contract.
    pub contract: String,
    /// `YYYY-MM`.
    pub month: String,
    /// `invoice`, `credit_note`, `debit_note`.
    pub kind: String,
    /// The invoice a note corrects.
    pub refers_to: Option<String>,
    /// `draft` or `issued`.
    pub status: String,
    /// The lines.
    pub lines: Vec<LineView>,
    /// Σ amount.
    pub amount: String,
    /// Σ tax.
    pub tax: String,
    /// Σ net.
    pub net: String,
    /// Σ gross.
    pub gross: String,
    /// Why a note was made.
    pub reason: String,
    /// The day it was issued.
    pub issued_on: Option<String>,
    /// Who confirmed the statement (对账单), when.
    pub confirmed_by: Option<String>,
    /// When, RFC 3339.
    pub confirmed_at: Option<String>,
    /// The client's disputes.
    pub disputes: Vec<DisputeView>,
    /// The contract's type in Chinese (shown on every document).
    pub contract_type_zh: String,
}

/// One entry of a client's statement.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct LedgerEntryView {
    /// The day.
    pub date: String,
    /// The contract, if any.
    pub contract: Option<String>,
    /// The kind.
    pub kind: String,
    /// The kind in Chinese.
    pub kind_zh: String,
    /// The amount.
    pub amount: String,
    /// The invoice it refers to.
    pub refers_to: Option<String>,
    /// What the client owes after it (negative: the provider owes).
    pub balance: String,
    /// Deposits held after it.
    pub held: String,
    /// Why.
    pub note: String,
}

/// A client's ledger.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct LedgerView {
    /// The client company.
    pub client: String,
    /// Its entries in order.
    pub entries: Vec<LedgerEntryView>,
    /// The balance after the last.
    pub balance: String,
    /// Deposits held after the last.
    pub held: String,
}
