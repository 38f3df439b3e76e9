//! What ending a contract settles (spec `contracts.md` §4): the annual base
//! fee returned pro rata after a trial cancellation, and the held deposit
//! applied to what is unpaid, then refunded, forfeited or returned twice
//! over: each a ledger entry of the day the contract ends.

use crate::charges::days_between;
use crate::ledger::EntryKind;
use crate::lifecycle::{Ending, Party};
use crate::rate::round_div;
use crate::terms::DepositKind;
use jiff::civil::Date;
use kefu_domain::Fen;

/// What an end is settled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndPosition {
    /// How it ends.
    pub ending: Ending,
    /// The first day served (none: never served).
    pub first_served: Option<Date>,
    /// The last day served.
    pub last_served: Date,
    /// The annual base fee.
    pub base_fee: Fen,
    /// The contract's ledger balance (what the client owes on it).
    pub balance: Fen,
    /// The gross of its drafts not yet issued (the last month's included):
    /// unpaid too.
    pub drafts: Fen,
    /// The deposit held for it.
    pub held: Fen,
    /// The kind of its deposit.
    pub deposit_kind: Option<DepositKind>,
}

/// One ledger entry an end makes, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndEntry {
    /// The kind.
    pub kind: EntryKind,
    /// The amount.
    pub amount: Fen,
    /// Why, in Chinese.
    pub zh: String,
    /// Why, in English.
    pub en: String,
}

/// Days of the contract year that began on `first`: 365, or 366 when it
/// holds a 29 February.
pub fn contract_year_days(first: Date) -> i64 {
    let next = first
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(first);
    days_between(first, next) - 1
}

/// The entries an end makes, in order: the base fee's pro-rata return (a
/// trial cancellation, or an end before service: all of it), then the
/// deposit applied to what is unpaid, then what is left of it refunded,
/// forfeited (an earnest, the client breaching) or returned twice over (an
/// earnest, the provider breaching).
pub fn settle_end(p: &EndPosition) -> Vec<EndEntry> {
    let mut out = Vec::new();
    let mut owed = p.balance.0 + p.drafts.0;
    let refund_base = match (p.ending, p.first_served) {
        (Ending::TrialCancellation, Some(first)) => {
            let year = contract_year_days(first);
            let served = days_between(first, p.last_served).min(year);
            let unserved = year - served;
            let amount = round_div(
                i128::from(p.base_fee.0) * i128::from(unserved),
                i128::from(year),
            );
            Some((
                amount,
                format!(
                    "试运营期内解约：合同年 {year} 天中未服务 {unserved} 天，按比例退还基础服务费"
                ),
                format!(
                    "trial cancellation: {unserved} of the contract year's {year} days not served, base fee returned pro rata"
                ),
            ))
        }
        (Ending::BeforeService, _) => Some((
            p.base_fee.0,
            "服务开始前结束：基础服务费全额退还".to_string(),
            "ended before service began: the base fee returned in full".to_string(),
        )),
        _ => None,
    };
    if let Some((amount, zh, en)) = refund_base
        && amount > 0
    {
        owed -= amount;
        out.push(EndEntry {
            kind: EntryKind::BaseFeeRefunded,
            amount: Fen(amount),
            zh,
            en,
        });
    }
    let held = p.held.0;
    if held <= 0 {
        return out;
    }
    let applied = owed.clamp(0, held);
    if applied > 0 {
        out.push(EndEntry {
            kind: EntryKind::DepositApplied,
            amount: Fen(applied),
            zh: "押金抵扣未付款项".to_string(),
            en: "deposit applied to what is unpaid".to_string(),
        });
    }
    let rest = held - applied;
    let earnest = p.deposit_kind == Some(DepositKind::Earnest);
    match p.ending {
        Ending::Breach(Party::Client) if earnest => {
            if rest > 0 {
                out.push(EndEntry {
                    kind: EntryKind::DepositForfeited,
                    amount: Fen(rest),
                    zh: "甲方违约，定金不予退还（民法典第五百八十七条）".to_string(),
                    en: "the client breached: the earnest is forfeited (Civil Code art. 587)"
                        .to_string(),
                });
            }
        }
        Ending::Breach(Party::Provider) if earnest => out.push(EndEntry {
            kind: EntryKind::DepositRefunded,
            amount: Fen(rest + held),
            zh: "乙方违约，双倍返还定金（民法典第五百八十七条）".to_string(),
            en: "the provider breached: the earnest is returned twice over (Civil Code art. 587)"
                .to_string(),
        }),
        _ => {
            if rest > 0 {
                out.push(EndEntry {
                    kind: EntryKind::DepositRefunded,
                    amount: Fen(rest),
                    zh: "押金余额退还".to_string(),
                    en: "the rest of the deposit refunded".to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn contract_years() {
        assert_eq!(contract_year_days(date(2026, 10, 1)), 365);
        assert_eq!(contract_year_days(date(2027, 10, 1)), 366);
        assert_eq!(contract_year_days(date(2028, 3, 1)), 365);
    }
}
