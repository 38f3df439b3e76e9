//! The client ledger (spec `contracts.md` §4, §5): payments and deposits
//! received are recorded here; invoices, notes, base fees and the deposit
//! movements of an end are entered by the steps that make them. The
//! statement shows each entry with the balance and held deposits after it.

use super::steps::entries;
use super::views::LedgerEntryView;
use super::{LedgerView, day_number};
use crate::{Error, Gate, Result, now_ms};
use jiff::civil::Date;
use kefu_access::Action;
use kefu_contract::EntryKind;
use kefu_contract::ledger::statement;
use kefu_db::billing::LedgerRow;
use kefu_domain::Fen;

impl Gate {
    /// Whether a client company is known: created, or named by a contract.
    async fn client_known(&self, client: &str) -> Result<bool> {
        let db = &self.app.db;
        // A client with a contract is known without reading every client.
        if !db.billing_contracts(Some(client)).await?.is_empty() {
            return Ok(true);
        }
        Ok(db.clients().await?.iter().any(|c| c.name == client))
    }

    /// Records a payment or a deposit received from a client (`kefu ledger
    /// record`), against one of its contracts or none. A payment against a
    /// contract pays its base fee first.
    pub async fn ledger_record(
        &self,
        client: &str,
        kind: EntryKind,
        amount: Fen,
        on: Date,
        contract: Option<&str>,
    ) -> Result<LedgerView> {
        self.require(Action::Bill)?;
        if !matches!(kind, EntryKind::Payment | EntryKind::DepositReceived) {
            return Err(Error::invalid(
                "kind",
                "只能记录收款（payment）或收到押金（deposit_received）；其余条目由账单、通知单和合同步骤生成",
                "only payment or deposit_received can be recorded: the other entries come from invoices, notes and contract steps",
            ));
        }
        if amount.0 <= 0 {
            return Err(Error::invalid(
                "amount",
                "金额须大于 0",
                "the amount must be above 0",
            ));
        }
        if !self.scope().sees_client(client) || !self.client_known(client).await? {
            return Err(Error::NotFound);
        }
        if let Some(id) = contract {
            let c = self.load_contract(id).await?;
            if c.row.client != client {
                return Err(Error::invalid(
                    "contract",
                    format!("合同 {id} 不属于甲方“{client}”"),
                    format!("contract {id} does not belong to client '{client}'"),
                ));
            }
        }
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.add_entry(&LedgerRow {
            id: 0,
            client: client.into(),
            entry_date: day_number(on),
            contract_id: contract.map(str::to_string),
            kind: kind.as_str().into(),
            amount: amount.0,
            refers_to: None,
            note: kind.zh().into(),
            at_ms: now_ms(),
        })
        .await?;
        w.record(&self.entry(
            "ledger.record",
            client,
            format!("{} {amount} on {on}", kind.as_str()),
        ))
        .await?;
        w.commit().await?;
        self.ledger(client).await
    }

    /// A client's statement (`kefu ledger show`): every entry by day (in the order made within a day) with
    /// the balance and held deposits after it. Another client's is
    /// [`Error::NotFound`].
    pub async fn ledger(&self, client: &str) -> Result<LedgerView> {
        self.require(Action::ReadContracts)?;
        if !self.scope().sees_client(client) {
            return Err(Error::NotFound);
        }
        let mut rows = self.app.db.billing_ledger(client).await?;
        if rows.is_empty() && !self.client_known(client).await? {
            return Err(Error::NotFound);
        }
        // By day, as a statement reads; entries of one day in the order
        // they were made (a stable sort of the stored order).
        rows.sort_by_key(|r| r.entry_date);
        let lines = statement(&entries(&rows));
        let out: Vec<LedgerEntryView> = rows
            .iter()
            .zip(&lines)
            .map(|(r, s)| LedgerEntryView {
                date: s.entry.date.to_string(),
                contract: r.contract_id.clone(),
                kind: r.kind.clone(),
                kind_zh: s.entry.kind.zh().into(),
                amount: Fen(r.amount).to_string(),
                refers_to: r.refers_to.clone(),
                balance: s.balance.to_string(),
                held: s.held.to_string(),
                note: r.note.clone(),
            })
            .collect();
        let last = lines.last();
        Ok(LedgerView {
            client: client.into(),
            balance: last.map_or(Fen(0), |s| s.balance).to_string(),
            held: last.map_or(Fen(0), |s| s.held).to_string(),
            entries: out,
        })
    }
}
