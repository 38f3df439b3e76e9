//! Invoices and notes (spec `contracts.md` §4, §5): listing within the
//! actor's scope, issuing a draft (which enters the ledger), credit and
//! debit notes that name an issued invoice, and the client's confirmation
//! of the month's statement (对账单) or dispute of a line.

use super::steps::ledger_row;
use super::views::DisputeView;
use super::{InvoiceView, LineView, date_of, day_number, today};
use crate::{Error, Gate, Result, now_ms};
use jiff::civil::Date;
use kefu_access::Action;
use kefu_contract::EntryKind;
use kefu_contract::invoice::{Line, Quantity};
use kefu_db::billing::{ContractRow, Dispute, InvoiceQuery, InvoiceRow};
use kefu_domain::Fen;

impl Gate {
    fn invoice_view(
        &self,
        i: InvoiceRow,
        disputes: Vec<Dispute>,
        type_zh: String,
    ) -> Result<InvoiceView> {
        let lines: Vec<LineView> =
            serde_json::from_str(&i.lines).map_err(|e| Error::Internal(e.into()))?;
        Ok(InvoiceView {
            number: i.number,
            client: i.client,
            contract: i.contract_id,
            month: i.month,
            kind: i.kind,
            refers_to: i.refers_to,
            status: i.status,
            lines,
            amount: Fen(i.amount).to_string(),
            tax: Fen(i.tax).to_string(),
            net: Fen(i.net).to_string(),
            gross: Fen(i.gross).to_string(),
            reason: i.reason,
            issued_on: i.issued_on.map(|d| date_of(d).to_string()),
            confirmed_by: i.confirmed_by,
            confirmed_at: i
                .confirmed_ms
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                .map(|t| t.to_string()),
            disputes: disputes
                .into_iter()
                .map(|d| DisputeView {
                    line: d.line,
                    reason: d.reason,
                    by: d.raised_by,
                    resolved: d.resolved_ms.is_some(),
                })
                .collect(),
            contract_type_zh: type_zh,
        })
    }

    async fn type_zh(&self, contract: &str) -> String {
        match self.load_contract(contract).await {
            Ok(l) => l.latest().kind.zh().to_string(),
            Err(_) => String::new(),
        }
    }

    /// Invoices and notes the actor may see (`kefu invoice list`): a
    /// client's own only.
    pub async fn invoices(
        &self,
        client: Option<&str>,
        month: Option<&str>,
    ) -> Result<Vec<InvoiceView>> {
        self.require(Action::ReadContracts)?;
        let client = match (client, self.scope().client.as_deref()) {
            (Some(c), _) if !self.scope().sees_client(c) => return Err(Error::NotFound),
            (Some(c), _) => Some(c.to_string()),
            (None, own) => own.map(str::to_string),
        };
        let q = InvoiceQuery {
            client,
            month: month.map(str::to_string),
            contract: None,
        };
        let mut out = Vec::new();
        // A contract's type, read once for all its invoices.
        let mut types: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for i in self.app.db.billing_invoices(&q).await? {
            if !self.scope().sees_client(&i.client) {
                continue;
            }
            let disputes = self.app.db.billing_disputes(&i.number).await?;
            let zh = match types.get(&i.contract_id) {
                Some(zh) => zh.clone(),
                None => {
                    let zh = self.type_zh(&i.contract_id).await;
                    types.insert(i.contract_id.clone(), zh.clone());
                    zh
                }
            };
            out.push(self.invoice_view(i, disputes, zh)?);
        }
        Ok(out)
    }

    /// One invoice or note; another client's is [`Error::NotFound`].
    pub async fn invoice(&self, number: &str) -> Result<InvoiceView> {
        self.require(Action::ReadContracts)?;
        let i = self
            .app
            .db
            .billing_invoice(number)
            .await?
            .ok_or(Error::NotFound)?;
        if !self.scope().sees_client(&i.client) {
            return Err(Error::NotFound);
        }
        let disputes = self.app.db.billing_disputes(number).await?;
        let zh = self.type_zh(&i.contract_id).await;
        self.invoice_view(i, disputes, zh)
    }

    /// Issues a draft on `on` (`kefu invoice issue`): it never changes
    /// again, and its gross enters the client's ledger. Refused while the
    /// client disputes a line.
    pub async fn invoice_issue(&self, number: &str, on: Date) -> Result<InvoiceView> {
        self.require(Action::Bill)?;
        let i = self.invoice(number).await?;
        if i.status != "draft" {
            return Err(Error::conflict(
                format!("{number} 已开具，不能再开具"),
                format!("{number} is already issued"),
            ));
        }
        if let Some(d) = i.disputes.iter().find(|d| !d.resolved) {
            return Err(Error::conflict(
                format!(
                    "甲方对第 {} 行有异议（{}）：请先处理异议，必要时重新结算",
                    d.line + 1,
                    d.reason
                ),
                format!(
                    "the client disputes line {} ({}): settle the dispute first, settling again if needed",
                    d.line + 1,
                    d.reason
                ),
            ));
        }
        let row = self
            .app
            .db
            .billing_contract(&i.contract)
            .await?
            .ok_or(Error::NotFound)?;
        let stored = self
            .app
            .db
            .billing_invoice(number)
            .await?
            .ok_or(Error::NotFound)?;
        let gross = Fen(stored.gross);
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.issue(number, day_number(on)).await?;
        let (kind, amount) = if gross.0 >= 0 {
            (EntryKind::Invoice, gross)
        } else {
            (EntryKind::CreditNote, Fen(-gross.0))
        };
        w.add_entry(&ledger_row(
            &row,
            on,
            kind,
            amount,
            Some(number.into()),
            &format!("{} 账单 / invoice of {}", i.month, i.month),
        ))
        .await?;
        w.record(&self.entry("invoice.issue", number, format!("{} on {on}", i.gross)))
            .await?;
        w.commit().await?;
        self.invoice(number).await
    }

    /// A credit or debit note correcting an issued invoice (`kefu invoice
    /// note`): one line of `amount` as priced under the contract's tax,
    /// issued at once and entered in the ledger.
    pub async fn invoice_note(
        &self,
        number: &str,
        credit: bool,
        amount: Fen,
        reason: &str,
    ) -> Result<InvoiceView> {
        self.require(Action::Bill)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "通知单须写明原因（--reason）",
                "a note needs a reason (--reason)",
            ));
        }
        if amount.0 <= 0 {
            return Err(Error::invalid(
                "amount",
                "金额须大于 0",
                "the amount must be above 0",
            ));
        }
        let i = self.invoice(number).await?;
        if i.kind != "invoice" || i.status != "issued" {
            return Err(Error::conflict(
                format!("{number} 不是已开具的账单：草稿直接重新结算即可"),
                format!(
                    "{number} is not an issued invoice: a draft is corrected by settling again"
                ),
            ));
        }
        let loaded = self.load_contract(&i.contract).await?;
        let t = loaded.latest();
        let (kind, label, entry) = if credit {
            (
                "credit_note",
                format!("更正 {number}（红字）"),
                EntryKind::CreditNote,
            )
        } else {
            (
                "debit_note",
                format!("更正 {number}（补收）"),
                EntryKind::DebitNote,
            )
        };
        let line = Line::priced(
            "adjustment",
            None,
            label,
            Quantity::Count(1),
            Some(amount),
            amount,
            (t.tax_rate, t.tax_inclusive),
            vec![],
        );
        let view = LineView::from(&line);
        let row = note_row(&loaded.row, &i.month, kind, number, &line, &view, reason)?;
        let on = today();
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        let n = w.save_draft(&row).await?;
        w.issue(&n, day_number(on)).await?;
        w.add_entry(&ledger_row(
            &loaded.row,
            on,
            entry,
            line.gross,
            Some(number.into()),
            reason,
        ))
        .await?;
        w.record(&self.entry(
            "invoice.note",
            &n,
            format!("{kind} {amount} on {number}: {reason}"),
        ))
        .await?;
        w.commit().await?;
        self.invoice(&n).await
    }

    /// The client confirms the month's statement of a draft (对账单).
    pub async fn statement_confirm(&self, number: &str) -> Result<InvoiceView> {
        self.require(Action::ConfirmStatement)?;
        let i = self.invoice(number).await?;
        if i.status != "draft" {
            return Err(Error::conflict(
                format!("{number} 已开具"),
                format!("{number} is already issued"),
            ));
        }
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.confirm(number, &self.actor.name(), now_ms()).await?;
        w.record(&self.entry("statement.confirm", number, String::new()))
            .await?;
        w.commit().await?;
        self.invoice(number).await
    }

    /// The client disputes a line of a draft (0-based), with a reason.
    pub async fn statement_dispute(
        &self,
        number: &str,
        line: usize,
        reason: &str,
    ) -> Result<InvoiceView> {
        self.require(Action::ConfirmStatement)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "请写明异议原因",
                "a dispute needs a reason",
            ));
        }
        let i = self.invoice(number).await?;
        if i.status != "draft" {
            return Err(Error::conflict(
                format!("{number} 已开具"),
                format!("{number} is already issued"),
            ));
        }
        if line >= i.lines.len() {
            return Err(Error::invalid(
                "line",
                format!("没有第 {} 行", line + 1),
                format!("there is no line {}", line + 1),
            ));
        }
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.add_dispute(&Dispute {
            number: number.into(),
            line: line as i64,
            reason: reason.trim().into(),
            raised_by: self.actor.name(),
            raised_ms: now_ms(),
            resolved_ms: None,
        })
        .await?;
        w.record(&self.entry(
            "statement.dispute",
            number,
            format!("line {}: {reason}", line + 1),
        ))
        .await?;
        w.commit().await?;
        self.invoice(number).await
    }

    /// The provider settles a draft's disputes (after settling again or
    /// talking to the client), so that it can be issued.
    pub async fn statement_resolve(&self, number: &str) -> Result<InvoiceView> {
        self.require(Action::Bill)?;
        self.invoice(number).await?;
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.resolve_disputes(number, now_ms()).await?;
        w.record(&self.entry("statement.resolve", number, String::new()))
            .await?;
        w.commit().await?;
        self.invoice(number).await
    }
}

fn note_row(
    c: &ContractRow,
    month: &str,
    kind: &str,
    refers_to: &str,
    line: &Line,
    view: &LineView,
    reason: &str,
) -> Result<InvoiceRow> {
    Ok(InvoiceRow {
        number: String::new(),
        seq: 0,
        kind: kind.into(),
        client: c.client.clone(),
        contract_id: c.id.clone(),
        month: month.into(),
        refers_to: Some(refers_to.into()),
        status: "draft".into(),
        amount: line.amount.0,
        tax: line.tax.0,
        net: line.net.0,
        gross: line.gross.0,
        lines: serde_json::to_string(&[view]).map_err(|e| Error::Internal(e.into()))?,
        reason: reason.trim().into(),
        drafted_ms: now_ms(),
        issued_on: None,
        confirmed_by: None,
        confirmed_ms: None,
    })
}
