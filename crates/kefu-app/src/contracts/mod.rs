//! Contracts, onboarding and billing (spec `contracts.md`): every rule and
//! access check of the capability, for the CLI, the pages and the API.
//!
//! - [`terms`]: importing and exporting contract files, the contract views;
//! - [`steps`]: the onboarding steps, notice and ends (with the end's
//!   settlement);
//! - [`agents`]: agents on stores, their training and assessments;
//! - [`declare`]: sales the client declares for a commission on them;
//! - [`settle`]: a month's invoices drafted from the terms and the figures;
//! - [`invoices`]: issuing, notes, the client's confirmation and disputes;
//! - [`ledger`]: payments, deposits and the client's statement;
//! - [`report`]: the monthly service report of a store, and the targets
//!   of the contracts in force for the dashboards.
//!
//! Contracts, invoices and ledgers belong to a client company: a client
//! sees their own company's only ([`kefu_access::Scope::sees_client`]),
//! anything else is [`crate::Error::NotFound`].

pub mod agents;
pub mod declare;
pub mod invoices;
pub mod ledger;
pub mod report;
pub mod settle;
pub mod steps;
pub mod terms;
mod views;

pub use views::{
    ContractView, DisputeView, InvoiceView, LedgerEntryView, LedgerView, LineView, StepView,
};

use crate::{Error, Result};
use jiff::civil::Date;
use kefu_contract::Terms;
use kefu_db::billing::{ContractRow, VersionRow};

/// The local day number (days since 1970-01-01) of a date, as stored.
pub fn day_number(d: Date) -> i64 {
    kefu_domain::time::days_from_civil(i64::from(d.year()), d.month() as u32, d.day() as u32)
}

/// The date of a stored day number.
pub fn date_of(n: i64) -> Date {
    let (y, m, d) = kefu_domain::time::civil_from_days(n);
    Date::new(y as i16, m as i8, d as i8).unwrap_or(Date::MIN)
}

/// Today in the provider's zone (China Standard Time).
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC))
        .date()
}

/// A contract as stored: where it stands and its versions' terms, in order.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Where it stands.
    pub row: ContractRow,
    /// Its versions, by `version_from`.
    pub versions: Vec<Terms>,
}

impl Loaded {
    /// The latest version's terms.
    pub fn latest(&self) -> &Terms {
        // A stored contract always has a version.
        &self.versions[self.versions.len() - 1]
    }

    /// Its state.
    pub fn state(&self) -> kefu_contract::State {
        kefu_contract::State::parse(&self.row.state).unwrap_or(kefu_contract::State::Draft)
    }
}

/// Reads stored versions back into terms.
pub fn parse_versions(rows: &[VersionRow]) -> Result<Vec<Terms>> {
    let mut out = Vec::new();
    for v in rows {
        let file = kefu_contract::file::parse(&v.terms).map_err(|e| {
            Error::Internal(anyhow::anyhow!(
                "stored contract {} unreadable: {e}",
                v.contract_id
            ))
        })?;
        let Some(c) = file.contracts.into_iter().next() else {
            return Err(Error::Internal(anyhow::anyhow!(
                "stored contract {} is empty",
                v.contract_id
            )));
        };
        out.push(c.terms);
    }
    if out.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(out)
}

/// An `--on` day or a form's date: `YYYY-MM-DD`.
pub fn parse_date(field: &'static str, text: &str) -> Result<Date> {
    text.trim().parse::<Date>().map_err(|_| {
        Error::invalid(
            field,
            format!("“{text}”不是日期（YYYY-MM-DD）"),
            format!("'{text}' is not a date (YYYY-MM-DD)"),
        )
    })
}

/// A `--month` or a form's month: `YYYY-MM`.
pub fn parse_month(field: &'static str, text: &str) -> Result<kefu_contract::Month> {
    kefu_contract::Month::parse(text.trim()).map_err(|en| {
        Error::invalid(
            field,
            format!("{field}：“{text}”不是月份（YYYY-MM，如 2026-10）"),
            format!("{field}: {en}"),
        )
    })
}

/// An amount in yuan with at most two places (`--amount`, a form's field).
pub fn parse_yuan(field: &'static str, text: &str) -> Result<kefu_domain::Fen> {
    kefu_domain::Fen::parse_yuan(text).map_err(|en| {
        Error::invalid(
            field,
            format!("{field}：“{text}”不是金额（元，最多两位小数）"),
            format!("{field}: {en}"),
        )
    })
}

/// Who gives notice or ends a contract: `client` (also when empty) or
/// `provider`.
pub fn parse_party(text: &str) -> Result<kefu_contract::Party> {
    let text = text.trim();
    kefu_contract::Party::parse(if text.is_empty() { "client" } else { text }).ok_or_else(|| {
        Error::invalid(
            "by",
            format!("by：“{text}”不是 client（甲方）或 provider（乙方）"),
            format!("by: '{text}' is not client or provider"),
        )
    })
}

/// A refused step as an error: its reasons in both languages.
pub fn refused(r: kefu_contract::Refusal) -> Error {
    Error::conflict(r.zh(), r.en())
}
