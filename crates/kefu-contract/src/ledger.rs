//! The client ledger (spec `contracts.md` §4–§5): every invoice, payment,
//! deposit, base fee and note of a client, and after each the balance
//! (what the client owes; negative when the provider owes the client) and
//! the deposits the provider holds.
//!
//! A deposit received is held, not paid on account: it changes the
//! balance only when it is applied to what is unpaid. Refunding or
//! forfeiting a held deposit empties it without touching the balance
//! (the money leaves the provider, or becomes the provider's).

use jiff::civil::Date;
use kefu_domain::Fen;

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// An issued invoice: the client owes its gross.
    Invoice,
    /// A payment by the client.
    Payment,
    /// A deposit received and held.
    DepositReceived,
    /// Held deposit applied to what is unpaid.
    DepositApplied,
    /// Held deposit paid back (twice over, when the provider breaches an
    /// earnest).
    DepositRefunded,
    /// Held earnest kept by the provider (the client breached).
    DepositForfeited,
    /// The annual base fee, due on signing.
    BaseFee,
    /// The part of the base fee returned after a trial cancellation.
    BaseFeeRefunded,
    /// A credit note: less is owed.
    CreditNote,
    /// A debit note: more is owed.
    DebitNote,
}

/// Every kind, in the order of the spec.
pub const ENTRY_KINDS: [EntryKind; 10] = [
    EntryKind::Invoice,
    EntryKind::Payment,
    EntryKind::DepositReceived,
    EntryKind::DepositApplied,
    EntryKind::DepositRefunded,
    EntryKind::DepositForfeited,
    EntryKind::BaseFee,
    EntryKind::BaseFeeRefunded,
    EntryKind::CreditNote,
    EntryKind::DebitNote,
];

impl EntryKind {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Invoice => "invoice",
            EntryKind::Payment => "payment",
            EntryKind::DepositReceived => "deposit_received",
            EntryKind::DepositApplied => "deposit_applied",
            EntryKind::DepositRefunded => "deposit_refunded",
            EntryKind::DepositForfeited => "deposit_forfeited",
            EntryKind::BaseFee => "base_fee",
            EntryKind::BaseFeeRefunded => "base_fee_refunded",
            EntryKind::CreditNote => "credit_note",
            EntryKind::DebitNote => "debit_note",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            EntryKind::Invoice => "账单",
            EntryKind::Payment => "收款",
            EntryKind::DepositReceived => "收到押金",
            EntryKind::DepositApplied => "押金抵扣",
            EntryKind::DepositRefunded => "押金退还",
            EntryKind::DepositForfeited => "定金没收",
            EntryKind::BaseFee => "基础服务费",
            EntryKind::BaseFeeRefunded => "基础服务费退还",
            EntryKind::CreditNote => "红字（贷项）通知单",
            EntryKind::DebitNote => "借项通知单",
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<EntryKind> {
        ENTRY_KINDS.into_iter().find(|k| k.as_str() == text)
    }

    /// How an entry of `amount` changes the balance.
    pub fn balance_change(self, amount: Fen) -> i64 {
        match self {
            EntryKind::Invoice | EntryKind::BaseFee | EntryKind::DebitNote => amount.0,
            EntryKind::Payment
            | EntryKind::DepositApplied
            | EntryKind::BaseFeeRefunded
            | EntryKind::CreditNote => -amount.0,
            EntryKind::DepositReceived
            | EntryKind::DepositRefunded
            | EntryKind::DepositForfeited => 0,
        }
    }

    /// How an entry of `amount` changes the deposits held. A refund twice
    /// over pays out more than is held: the excess is the provider's
    /// penalty, and the held deposit stops at nothing.
    pub fn held_change(self, amount: Fen) -> i64 {
        match self {
            EntryKind::DepositReceived => amount.0,
            EntryKind::DepositApplied
            | EntryKind::DepositRefunded
            | EntryKind::DepositForfeited => -amount.0,
            _ => 0,
        }
    }
}

/// One entry as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The day.
    pub date: Date,
    /// The contract, when the entry belongs to one.
    pub contract: Option<String>,
    /// What it is.
    pub kind: EntryKind,
    /// How much (never negative; the kind gives the direction).
    pub amount: Fen,
    /// The invoice it refers to (invoices, notes, applied deposits), if any.
    pub refers_to: Option<String>,
}

/// An entry with the balance and held deposits after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The entry.
    pub entry: Entry,
    /// What the client owes after it.
    pub balance: Fen,
    /// The deposits held after it.
    pub held: Fen,
}

/// The running balance and held deposits of entries in their order.
pub fn statement(entries: &[Entry]) -> Vec<Statement> {
    let (mut balance, mut held) = (0i64, 0i64);
    entries
        .iter()
        .map(|e| {
            balance += e.kind.balance_change(e.amount);
            held = (held + e.kind.held_change(e.amount)).max(0);
            Statement {
                entry: e.clone(),
                balance: Fen(balance),
                held: Fen(held),
            }
        })
        .collect()
}

/// The balance and held deposits of a contract's entries, for what an end
/// settles: `(balance, held)`.
pub fn contract_position(entries: &[Entry], contract: &str) -> (Fen, Fen) {
    let mine: Vec<Entry> = entries
        .iter()
        .filter(|e| e.contract.as_deref() == Some(contract))
        .cloned()
        .collect();
    statement(&mine)
        .last()
        .map_or((Fen(0), Fen(0)), |s| (s.balance, s.held))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn e(kind: EntryKind, fen: i64) -> Entry {
        Entry {
            date: date(2026, 10, 1),
            contract: Some("C-1".into()),
            kind,
            amount: Fen(fen),
            refers_to: None,
        }
    }

    #[test]
    fn balance_and_held() {
        let rows = statement(&[
            e(EntryKind::BaseFee, 2_400_000),
            e(EntryKind::Payment, 2_400_000),
            e(EntryKind::DepositReceived, 1_000_000),
            e(EntryKind::Invoice, 450_000),
            e(EntryKind::DepositApplied, 450_000),
            e(EntryKind::DepositRefunded, 550_000),
        ]);
        let shown: Vec<(i64, i64)> = rows.iter().map(|r| (r.balance.0, r.held.0)).collect();
        assert_eq!(
            shown,
            vec![
                (2_400_000, 0),
                (0, 0),
                (0, 1_000_000),
                (450_000, 1_000_000),
                (0, 550_000),
                (0, 0)
            ]
        );
        for k in ENTRY_KINDS {
            assert_eq!(EntryKind::parse(k.as_str()), Some(k));
        }
    }
}
