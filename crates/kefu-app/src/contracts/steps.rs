//! The onboarding steps, notice and ends of a contract (spec
//! `contracts.md` §3, §4). Each step is checked by
//! [`kefu_contract::lifecycle`] against the facts gathered here and
//! refused with its reasons, changing nothing; a step records who, when
//! and why. An end settles the last month at once and applies, refunds or
//! forfeits the deposit in the same transaction.

use super::settle::MonthFigures;
use super::{ContractView, Loaded, date_of, day_number, parse_versions, refused};
use crate::{Error, Gate, Result, now_ms};
use jiff::civil::Date;
use kefu_access::Action;
use kefu_contract::ending::{EndPosition, settle_end};
use kefu_contract::ledger::{Entry, EntryKind, contract_position};
use kefu_contract::lifecycle::{self, AgentReadiness, Ending, Facts, Party};
use kefu_contract::{Month, State};
use kefu_db::billing::{BillingTx, ContractRow, LedgerRow, StepRow};
use kefu_domain::Fen;

/// Ledger rows as the rules read them.
pub(crate) fn entries(rows: &[LedgerRow]) -> Vec<Entry> {
    rows.iter()
        .filter_map(|r| {
            Some(Entry {
                date: date_of(r.entry_date),
                contract: r.contract_id.clone(),
                kind: EntryKind::parse(&r.kind)?,
                amount: Fen(r.amount),
                refers_to: r.refers_to.clone(),
            })
        })
        .collect()
}

impl Gate {
    /// The facts a step of this contract is checked against.
    pub(crate) async fn contract_facts(&self, l: &Loaded) -> Result<Facts> {
        let db = &self.app.db;
        let t = l.latest();
        let ledger = db.billing_ledger(&l.row.client).await?;
        let paid: i64 = ledger
            .iter()
            .filter(|e| e.kind == "payment" && e.contract_id.as_deref() == Some(l.row.id.as_str()))
            .map(|e| e.amount)
            .sum();
        let agents = db.billing_store_agents(&t.stores).await?;
        let trainings = db.billing_trainings(&t.stores).await?;
        let assessments = db.billing_assessments(&t.stores).await?;
        let readiness = agents
            .iter()
            .map(|a| AgentReadiness {
                agent: a.agent.clone(),
                store: a.store.clone(),
                trained: trainings
                    .iter()
                    .any(|r| r.agent == a.agent && r.store == a.store),
                assessment: assessments
                    .iter()
                    .rfind(|r| r.agent == a.agent && r.store == a.store)
                    .map(|r| (r.score, r.pass_mark)),
            })
            .collect();
        let steps = db.billing_steps(&l.row.id).await?;
        let service_start = l.row.service_start.map(date_of);
        Ok(Facts {
            state: l.state(),
            // The import is recorded on the day it ran; the steps after it
            // keep their own order.
            last_step: steps
                .iter()
                .rev()
                .find(|s| !s.from_state.is_empty())
                .map(|s| date_of(s.on_day)),
            base_fee: t.annual_base_fee,
            paid: Fen(paid),
            agents: readiness,
            service_start,
            trial_end: service_start.and_then(|s| t.trial_end(s)),
            notice_end: if l.state() == State::Ending {
                l.row.last_served.map(date_of)
            } else {
                None
            },
            term_end: t.end,
        })
    }

    /// The contract again, read in the write so that the step is checked
    /// against what the lock holds: a state other than the one the step
    /// was checked against (someone else moved it meanwhile) is a conflict.
    async fn load_in(&self, w: &mut dyn BillingTx, id: &str, checked: &Loaded) -> Result<Loaded> {
        let row = w.contract(id).await?.ok_or(Error::NotFound)?;
        if !self.scope().sees_client(&row.client) {
            return Err(Error::NotFound);
        }
        if row.state != checked.row.state {
            return Err(Error::conflict(
                "合同状态刚被他人改变，请重试",
                "the contract's state just changed: try again",
            ));
        }
        let versions = parse_versions(&w.versions(id).await?)?;
        Ok(Loaded { row, versions })
    }

    fn step(&self, id: &str, from: State, to: State, on: Date, reason: &str) -> StepRow {
        StepRow {
            contract_id: id.into(),
            from_state: from.as_str().into(),
            to_state: to.as_str().into(),
            on_day: day_number(on),
            at_ms: now_ms(),
            actor: self.actor.name(),
            reason: reason.into(),
        }
    }

    /// Moves a contract to the next state of its ordinary path
    /// (`kefu contract advance ID STATE --on DATE`), if the facts allow;
    /// `ended` from `ending` once the notice has run out (settling the last
    /// month).
    pub async fn contract_advance(
        &self,
        id: &str,
        to: State,
        on: Date,
        reason: &str,
    ) -> Result<ContractView> {
        self.require(Action::ManageContracts)?;
        let loaded = self.load_contract(id).await?;
        let facts = self.contract_facts(&loaded).await?;
        lifecycle::advance(&facts, to, on).map_err(refused)?;
        if to == State::Ended {
            self.finish(id, on, Ending::Notice, reason).await?;
            return self.contract(id).await;
        }
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        let l = self.load_in(&mut *w, id, &loaded).await?;
        let mut row = l.row.clone();
        row.state = to.as_str().into();
        match to {
            State::Signed => {
                row.signed_on = Some(day_number(on));
                let fee = l.latest().annual_base_fee;
                if fee.0 > 0 {
                    w.add_entry(&ledger_row(
                        &l.row,
                        on,
                        EntryKind::BaseFee,
                        fee,
                        None,
                        "年度基础服务费（签约日） / annual base fee, due on signing",
                    ))
                    .await?;
                }
            }
            State::LiveTrial => row.service_start = Some(day_number(on)),
            _ => {}
        }
        w.save_contract(&row).await?;
        w.add_step(&self.step(id, loaded.state(), to, on, reason))
            .await?;
        w.record(&self.entry(
            "contract.advance",
            id,
            format!("{} → {} on {on}", loaded.state().as_str(), to.as_str()),
        ))
        .await?;
        w.commit().await?;
        self.contract(id).await
    }

    /// Written notice to end a contract (`kefu contract notice`): the
    /// contract is `ending`, its last day served `on + notice days`.
    pub async fn contract_notice(
        &self,
        id: &str,
        on: Date,
        by: Party,
        reason: &str,
    ) -> Result<ContractView> {
        self.require(Action::ManageContracts)?;
        let loaded = self.load_contract(id).await?;
        let facts = self.contract_facts(&loaded).await?;
        let last = lifecycle::notice(&facts, on, loaded.latest().notice_days).map_err(refused)?;
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        let l = self.load_in(&mut *w, id, &loaded).await?;
        let mut row = l.row.clone();
        row.state = State::Ending.as_str().into();
        row.last_served = Some(day_number(last));
        row.ending = Some("notice".into());
        row.notice_on = Some(day_number(on));
        row.notice_by = Some(by.as_str().into());
        w.save_contract(&row).await?;
        let why = format!("{}（{} 提出，最后服务日 {last}）", reason, by.as_str());
        w.add_step(&self.step(id, loaded.state(), State::Ending, on, &why))
            .await?;
        w.record(&self.entry(
            "contract.notice",
            id,
            format!("by {} on {on}, last day {last}", by.as_str()),
        ))
        .await?;
        w.commit().await?;
        self.contract(id).await
    }

    /// Ends a contract on `on`, its last day served (`kefu contract end`):
    /// a trial cancellation in the trial (no breach), otherwise an end
    /// without notice, a breach by `by`.
    pub async fn contract_end(
        &self,
        id: &str,
        on: Date,
        by: Party,
        reason: &str,
    ) -> Result<ContractView> {
        self.require(Action::ManageContracts)?;
        if reason.trim().is_empty() {
            return Err(Error::invalid(
                "reason",
                "终止合同须写明原因（--reason）",
                "ending a contract needs a reason (--reason)",
            ));
        }
        let loaded = self.load_contract(id).await?;
        let facts = self.contract_facts(&loaded).await?;
        let ending = lifecycle::end(&facts, on, by).map_err(refused)?;
        self.finish(id, on, ending, reason).await?;
        self.contract(id).await
    }

    /// Ends the contract: the last month drafted at once, then the base
    /// fee's return and the deposit's application and refund (or
    /// forfeiture), each a ledger entry of the day; all in one write.
    async fn finish(&self, id: &str, on: Date, ending: Ending, reason: &str) -> Result<()> {
        let loaded = self.load_contract(id).await?;
        let last_served = match ending {
            Ending::Notice => loaded.row.last_served.map(date_of).unwrap_or(on),
            _ => on,
        };
        let month = Month::of(last_served);
        let figures: MonthFigures = self.month_figures(&loaded.latest().stores, month).await?;
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        let l = self.load_in(&mut *w, id, &loaded).await?;
        let mut row: ContractRow = l.row.clone();
        row.state = State::Ended.as_str().into();
        row.ending = Some(ending.as_str().into());
        if ending != Ending::BeforeService {
            row.last_served = Some(day_number(last_served));
        }
        let ended = Loaded {
            row: row.clone(),
            versions: l.versions.clone(),
        };
        if ending != Ending::BeforeService {
            self.draft_month(&mut *w, &ended, month, &figures).await?;
        }
        let drafts: i64 = w
            .invoices(&kefu_db::billing::InvoiceQuery {
                contract: Some(id.into()),
                ..Default::default()
            })
            .await?
            .iter()
            .filter(|i| i.status == "draft" && i.kind == "invoice")
            .map(|i| i.gross)
            .sum();
        let ledger = entries(&w.ledger(&l.row.client).await?);
        let (balance, held) = contract_position(&ledger, id);
        let position = EndPosition {
            ending,
            first_served: l.row.service_start.map(date_of),
            last_served,
            base_fee: l.latest().annual_base_fee,
            balance,
            drafts: Fen(drafts),
            held,
            deposit_kind: l.latest().deposit.map(|d| d.kind),
        };
        for e in settle_end(&position) {
            let note = format!("{} / {}", e.zh, e.en);
            w.add_entry(&ledger_row(&l.row, on, e.kind, e.amount, None, &note))
                .await?;
        }
        w.save_contract(&row).await?;
        let why = format!("{reason}（{}）", ending.as_str());
        w.add_step(&self.step(id, l.state(), State::Ended, on, &why))
            .await?;
        w.record(&self.entry("contract.end", id, format!("{} on {on}", ending.as_str())))
            .await?;
        w.commit().await?;
        Ok(())
    }
}

/// A ledger entry of a contract.
pub(crate) fn ledger_row(
    c: &ContractRow,
    on: Date,
    kind: EntryKind,
    amount: Fen,
    refers_to: Option<String>,
    note: &str,
) -> LedgerRow {
    LedgerRow {
        id: 0,
        client: c.client.clone(),
        entry_date: day_number(on),
        contract_id: Some(c.id.clone()),
        kind: kind.as_str().into(),
        amount: amount.0,
        refers_to,
        note: note.into(),
        at_ms: now_ms(),
    }
}
