//! A month's settlement (spec `contracts.md` §2, §4): one draft invoice
//! per contract and month, one line per charge, from the versions in force
//! and the figures of the days served (sales from the stores' orders,
//! manual sessions from the KPI engine). Settling again recomputes the
//! drafts in place; an issued invoice is never touched.

use super::{LineView, Loaded, day_number, parse_versions, today};
use crate::{Error, Gate, Result, now_ms};
use kefu_access::Action;
use kefu_contract::charges::{Figures, Month, Served, SpanFigures, charge_lines, plan};
use kefu_contract::{State, totals};
use kefu_db::billing::{BillingTx, InvoiceRow};
use kefu_domain::{Fen, RecordTime};
use kefu_kpi::{Filter, Grouping};
use std::collections::HashMap;

/// What settling a month did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SettleSummary {
    /// `YYYY-MM`.
    pub month: String,
    /// Drafts created (numbers).
    pub drafted: Vec<String>,
    /// Drafts recomputed (numbers).
    pub recomputed: Vec<String>,
    /// Issued invoices left as they are (numbers).
    pub issued: Vec<String>,
    /// Contracts that could not be settled, with why (`id: reason`).
    pub refused: Vec<String>,
}

/// The figures of a month's stores by local day, read once for every
/// contract settled.
#[derive(Default)]
pub struct MonthFigures {
    sessions: HashMap<(String, i32), u64>,
    paid: HashMap<(String, i32), i64>,
    refunded: HashMap<(String, i32), i64>,
}

impl MonthFigures {
    /// The figures of these stores from `first` to `last`.
    pub fn of(
        &self,
        stores: &[String],
        first: jiff::civil::Date,
        last: jiff::civil::Date,
    ) -> Figures {
        let (a, b) = (day_number(first) as i32, day_number(last) as i32);
        let mut f = Figures::default();
        for s in stores {
            for d in a..=b {
                let key = (s.clone(), d);
                f.manual_sessions += self.sessions.get(&key).copied().unwrap_or(0);
                f.paid.0 += self.paid.get(&key).copied().unwrap_or(0);
                f.refunded.0 += self.refunded.get(&key).copied().unwrap_or(0);
            }
        }
        f
    }
}

impl Gate {
    /// Reads the figures of these stores for a month: manual sessions per
    /// store and day (KPI engine), and per store and local day the amount
    /// of orders paid and of refunds made (an order's times in its store's
    /// zone, or at their own offset).
    pub async fn month_figures(&self, stores: &[String], month: Month) -> Result<MonthFigures> {
        let mut out = MonthFigures::default();
        if stores.is_empty() {
            return Ok(out);
        }
        let (first, last) = (
            day_number(month.first()) as i32,
            day_number(month.last()) as i32,
        );
        let filter = Filter {
            from: Some(first),
            to: Some(last),
            stores: Some(stores.iter().cloned().collect()),
            ..Filter::default()
        };
        let grouping = Grouping {
            store: true,
            date: true,
            ..Grouping::default()
        };
        for (key, totals) in self.kpi(grouping, &filter).await?.iter() {
            if let (Some(s), Some(d)) = (&key.store, key.day) {
                let n = totals.get(kefu_kpi::Counter::ManualSessions).max(0) as u64;
                out.sessions.insert((s.clone(), d), n);
            }
        }
        // Read before the clocks: a clock is not shared across an await.
        let orders = self.app.db.billing_order_money(stores).await?;
        let settings = self.app.db.stores().await?;
        let clocks: HashMap<String, kefu_domain::LocalClock> = settings
            .into_iter()
            .filter(|(c, _)| stores.contains(c))
            .filter_map(|(c, s)| s.clock().ok().map(|k| (c, k)))
            .collect();
        let day_of = |store: &str, at: &Option<String>| -> Option<i32> {
            let clock = clocks.get(store)?;
            let t = RecordTime::parse(at.as_deref()?).ok()?;
            let d = clock.local(clock.to_utc_ms(t)).day;
            (first..=last).contains(&d).then_some(d)
        };
        for o in orders {
            if let Some(d) = day_of(&o.store, &o.paid_at) {
                *out.paid.entry((o.store.clone(), d)).or_default() += o.amount;
            }
            if let (Some(r), Some(d)) = (o.refund, day_of(&o.store, &o.refunded_at)) {
                *out.refunded.entry((o.store.clone(), d)).or_default() += r;
            }
        }
        Ok(out)
    }

    /// Settles a month (`kefu settle --month`, and `kefu serve`'s daily
    /// job): a draft per contract with days served in it, recomputed when
    /// it exists, issued invoices left alone. Only a month that has ended.
    pub async fn settle(&self, month: Month) -> Result<SettleSummary> {
        self.require(Action::Bill)?;
        if month.last() >= today() {
            return Err(Error::invalid(
                "month",
                format!("{month} 还没有结束：上个月在下月 1 日结算"),
                format!("{month} has not ended: a month is settled from the 1st of the next"),
            ));
        }
        let db = &self.app.db;
        let rows = db.billing_contracts(None).await?;
        let mut loaded = Vec::new();
        for row in rows {
            if row.state == State::Draft.as_str() || row.service_start.is_none() {
                continue;
            }
            let versions = parse_versions(&db.billing_versions(&row.id).await?)?;
            loaded.push(Loaded { row, versions });
        }
        let mut stores: Vec<String> = loaded
            .iter()
            .flat_map(|l| l.versions.iter().flat_map(|v| v.stores.clone()))
            .collect();
        stores.sort();
        stores.dedup();
        let figures = self.month_figures(&stores, month).await?;
        let _turn = self.app.write_turn().await?;
        let mut w = db.begin_billing().await?;
        let mut summary = SettleSummary {
            month: month.to_string(),
            ..SettleSummary::default()
        };
        for l in &loaded {
            match self.draft_month(&mut *w, l, month, &figures).await {
                Ok(Drafted::Created(n)) => summary.drafted.push(n),
                Ok(Drafted::Recomputed(n)) => summary.recomputed.push(n),
                Ok(Drafted::Issued(n)) => summary.issued.push(n),
                Ok(Drafted::Nothing) => {}
                Err(Error::Invalid { en, .. } | Error::Conflict { en, .. }) => {
                    summary.refused.push(format!("{}: {en}", l.row.id));
                }
                Err(e) => return Err(e),
            }
        }
        w.record(&self.entry(
            "billing.settle",
            &month.to_string(),
            format!(
                "{} drafted, {} recomputed",
                summary.drafted.len(),
                summary.recomputed.len()
            ),
        ))
        .await?;
        w.commit().await?;
        Ok(summary)
    }

    /// The daily job of `kefu serve`: on the 1st it settles the month just
    /// ended; on a later day only if that month has no invoice yet (the
    /// server was down on the 1st). `None` when nothing was due.
    pub async fn settle_due(&self, today: jiff::civil::Date) -> Result<Option<SettleSummary>> {
        let month = Month::of(today).previous();
        let db = &self.app.db;
        if db.billing_contracts(None).await?.is_empty() {
            return Ok(None);
        }
        let q = kefu_db::billing::InvoiceQuery {
            month: Some(month.to_string()),
            ..Default::default()
        };
        if today.day() != 1 && !db.billing_invoices(&q).await?.is_empty() {
            return Ok(None);
        }
        self.settle(month).await.map(Some)
    }

    /// Drafts (or recomputes) one contract's invoice for a month in the
    /// write `w`.
    pub(crate) async fn draft_month(
        &self,
        w: &mut dyn BillingTx,
        l: &Loaded,
        month: Month,
        figures: &MonthFigures,
    ) -> Result<Drafted> {
        let Some(first) = l.row.service_start.map(super::date_of) else {
            return Ok(Drafted::Nothing);
        };
        let served = Served {
            first,
            last: l.row.last_served.map(super::date_of),
        };
        let spans = plan(&l.versions, served, month);
        if spans.is_empty() {
            return Ok(Drafted::Nothing);
        }
        let priced: Vec<SpanFigures> = spans
            .iter()
            .map(|s| SpanFigures {
                terms: &l.versions[s.version],
                span: *s,
                figures: figures.of(&l.versions[s.version].stores, s.first, s.last),
            })
            .collect();
        let declared = self
            .app
            .db
            .billing_declared(&l.row.id, &month.to_string())
            .await?
            .map(Fen);
        let lines = charge_lines(month, &priced, declared)
            .map_err(|m| Error::invalid("declared", m.zh, m.en))?;
        let existing = w
            .invoices(&kefu_db::billing::InvoiceQuery {
                contract: Some(l.row.id.clone()),
                month: Some(month.to_string()),
                ..Default::default()
            })
            .await?
            .into_iter()
            .find(|i| i.kind == "invoice");
        if let Some(i) = &existing
            && i.status != "draft"
        {
            return Ok(Drafted::Issued(i.number.clone()));
        }
        let t = totals(&lines);
        let views: Vec<LineView> = lines.iter().map(LineView::from).collect();
        let lines_json = serde_json::to_string(&views).map_err(|e| Error::Internal(e.into()))?;
        let row = InvoiceRow {
            number: String::new(),
            seq: 0,
            kind: "invoice".into(),
            client: l.row.client.clone(),
            contract_id: l.row.id.clone(),
            month: month.to_string(),
            refers_to: None,
            status: "draft".into(),
            amount: t.amount.0,
            tax: t.tax.0,
            net: t.net.0,
            gross: t.gross.0,
            lines: lines_json,
            reason: String::new(),
            drafted_ms: now_ms(),
            issued_on: None,
            confirmed_by: None,
            confirmed_ms: None,
        };
        let unchanged = existing
            .as_ref()
            .is_some_and(|i| i.lines == row.lines && i.gross == row.gross);
        if unchanged {
            return Ok(Drafted::Recomputed(
                existing.map(|i| i.number).unwrap_or_default(),
            ));
        }
        let number = w.save_draft(&row).await?;
        Ok(match existing {
            // Changed figures need a new confirmation: `save_draft` clears it.
            Some(_) => Drafted::Recomputed(number),
            None => Drafted::Created(number),
        })
    }
}

/// What drafting one contract's month did.
pub(crate) enum Drafted {
    /// A new draft.
    Created(String),
    /// An existing draft recomputed (or found as it is).
    Recomputed(String),
    /// The month's invoice is issued: left alone.
    Issued(String),
    /// No day of the month was served.
    Nothing,
}
