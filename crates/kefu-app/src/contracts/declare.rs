//! Sales the client declares (spec `contracts.md` §2, low base +
//! commission: "or the figure the client declares, when the contract says
//! so"): a contract whose commission reads `sales = "declared"` is settled
//! on the figure declared for the month. Declaring again replaces it until
//! the month's invoice is issued; a month already settled has its draft
//! recomputed at once.

use super::Loaded;
use super::settle::Drafted;
use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_contract::terms::SalesSource;
use kefu_contract::{Charge, Month};
use kefu_db::billing::{BillingTx, InvoiceQuery};
use kefu_domain::Fen;
use serde::Serialize;

/// What a declaration did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Declared {
    /// The contract.
    pub contract: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The sales declared, yuan.
    pub sales: String,
    /// The month's draft invoice recomputed with it, when the month was
    /// already settled.
    pub invoice: Option<String>,
}

/// Whether a contract's commission is on declared sales in any version.
pub fn declares_sales(l: &Loaded) -> bool {
    l.versions.iter().any(|t| {
        t.charges.iter().any(|c| {
            matches!(
                c,
                Charge::Commission {
                    sales: SalesSource::Declared,
                    ..
                }
            )
        })
    })
}

impl Gate {
    /// Declares a contract's sales for a month (`kefu contract declare`):
    /// the client of the contract, or the provider on its behalf.
    pub async fn declare_sales(&self, id: &str, month: Month, sales: Fen) -> Result<Declared> {
        if !self.scope().may(Action::Bill) && !self.scope().may(Action::ConfirmStatement) {
            return Err(Error::Forbidden);
        }
        let l = self.load_contract(id).await?;
        if !declares_sales(&l) {
            return Err(Error::invalid(
                "contract",
                format!("合同 {id} 的提成按订单计算，不用申报销售额"),
                format!("contract {id} takes its commission on the orders: nothing to declare"),
            ));
        }
        if sales.0 < 0 {
            return Err(Error::invalid(
                "sales",
                "申报的销售额不能为负",
                "declared sales cannot be negative",
            ));
        }
        let db = &self.app.db;
        let q = InvoiceQuery {
            contract: Some(id.to_string()),
            month: Some(month.to_string()),
            ..InvoiceQuery::default()
        };
        let invoices = db.billing_invoices(&q).await?;
        if let Some(i) = invoices
            .iter()
            .find(|i| i.kind == "invoice" && i.status != "draft")
        {
            return Err(Error::conflict(
                format!(
                    "{month} 的账单 {} 已开具，申报不再改变它；请开更正通知",
                    i.number
                ),
                format!(
                    "the invoice {} of {month} is issued: a declaration no longer changes it (make a note)",
                    i.number
                ),
            ));
        }
        {
            let _turn = self.app.write_turn().await?;
            let mut w = db.begin_billing().await?;
            w.declare(id, &month.to_string(), sales.0).await?;
            w.record(&self.entry("billing.declare", id, format!("{month} {sales}")))
                .await?;
            w.commit().await?;
        }
        let settled = invoices.iter().any(|i| i.kind == "invoice");
        let invoice = if settled {
            self.redraft(&l, month).await?
        } else {
            None
        };
        Ok(Declared {
            contract: id.to_string(),
            month: month.to_string(),
            sales: sales.to_string(),
            invoice,
        })
    }

    /// Recomputes one contract's draft of a month (after a declaration).
    async fn redraft(&self, l: &Loaded, month: Month) -> Result<Option<String>> {
        let mut stores: Vec<String> = l.versions.iter().flat_map(|v| v.stores.clone()).collect();
        stores.sort();
        stores.dedup();
        let figures = self.month_figures(&stores, month).await?;
        let _turn = self.app.write_turn().await?;
        let mut w: Box<dyn BillingTx> = self.app.db.begin_billing().await?;
        let out = match self.draft_month(&mut *w, l, month, &figures).await? {
            Drafted::Created(n) | Drafted::Recomputed(n) | Drafted::Issued(n) => Some(n),
            Drafted::Nothing => None,
        };
        w.record(&self.entry(
            "billing.settle",
            &l.row.id,
            format!("{month} after a declaration"),
        ))
        .await?;
        w.commit().await?;
        Ok(out)
    }
}
