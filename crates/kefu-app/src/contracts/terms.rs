//! Contract files in and out, and the contract views (spec `contracts.md`
//! §1, §5). An import is checked whole before anything is written and then
//! written in one transaction: a bad file changes nothing, and importing
//! the same file again changes nothing either.

use super::{ContractView, Loaded, StepView, date_of, day_number, parse_versions, today};
use crate::accounts::cleaned;
use crate::{Error, Gate, Result, now_ms};
use kefu_access::Action;
use kefu_contract::file::{self, ContractFile};
use kefu_contract::{State, Terms, lifecycle};
use kefu_db::billing::{BillingTx, ContractRow, LedgerRow, StepRow, VersionRow};
use std::collections::BTreeSet;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    /// Client companies created or updated.
    pub clients: Vec<String>,
    /// Contracts created.
    pub created: Vec<String>,
    /// New versions of known contracts (`id@day`).
    pub versions: Vec<String>,
    /// Versions that were already stored as they are.
    pub unchanged: Vec<String>,
}

fn file_error(e: file::FileError) -> Error {
    Error::Invalid {
        field: Some("file"),
        zh: format!("{}：{}", e.at, e.zh),
        en: format!("{}: {}", e.at, e.en),
    }
}

/// The TOML of one version, as stored.
fn version_text(t: &Terms, last_served: Option<jiff::civil::Date>) -> String {
    kefu_contract::file_out::write(&[], &[(t.clone(), last_served)])
}

impl Gate {
    /// A contract the actor may see, with its versions; another client's
    /// is [`Error::NotFound`].
    pub async fn load_contract(&self, id: &str) -> Result<Loaded> {
        self.require(Action::ReadContracts)?;
        let db = &self.app.db;
        let row = db.billing_contract(id).await?.ok_or(Error::NotFound)?;
        if !self.scope().sees_client(&row.client) {
            return Err(Error::NotFound);
        }
        let versions = parse_versions(&db.billing_versions(id).await?)?;
        Ok(Loaded { row, versions })
    }

    /// Imports a contract file (`kefu contract import FILE`): its clients
    /// (created, or their stores replaced) and its contracts: a new id is
    /// a new contract (`draft`, or the `state` of one already running); a
    /// known id gets a new version from its `version_from` day.
    pub async fn contract_import(&self, text: &str) -> Result<ImportSummary> {
        self.require(Action::ManageContracts)?;
        let parsed = file::parse(text).map_err(file_error)?;
        let db = &self.app.db;
        let mut known_clients: BTreeSet<String> =
            db.clients().await?.into_iter().map(|c| c.name).collect();
        known_clients.extend(parsed.clients.iter().map(|c| c.name.clone()));
        for c in &parsed.contracts {
            if !known_clients.contains(&c.terms.client) {
                return Err(Error::invalid(
                    "client",
                    format!(
                        "合同 {} 的甲方“{}”不存在：请在文件中用 [[client]] 写出或先创建",
                        c.terms.id, c.terms.client
                    ),
                    format!(
                        "contract {}: client '{}' is unknown: give it as a [[client]] in the file or create it first",
                        c.terms.id, c.terms.client
                    ),
                ));
            }
        }
        let _turn = self.app.write_turn().await?;
        // Everything is checked before the first write.
        let mut plans = Vec::new();
        for c in &parsed.contracts {
            plans.push(self.plan_version(c, &parsed.contracts).await?);
        }
        for c in &parsed.clients {
            self.check_client_stores(&c.name, &cleaned(&c.stores))
                .await?;
        }
        let mut summary = ImportSummary::default();
        for c in &parsed.clients {
            self.app
                .db
                .save_client(&c.name, &cleaned(&c.stores))
                .await?;
            summary.clients.push(c.name.clone());
        }
        let mut w = db.begin_billing().await?;
        for (c, plan) in parsed.contracts.iter().zip(plans) {
            self.write_version(&mut *w, c, plan, &mut summary).await?;
        }
        w.record(
            &self.entry(
                "contract.import",
                &parsed
                    .contracts
                    .iter()
                    .map(|c| c.terms.id.clone())
                    .collect::<Vec<_>>()
                    .join(","),
                format!(
                    "{} new, {} versions",
                    summary.created.len(),
                    summary.versions.len()
                ),
            ),
        )
        .await?;
        w.commit().await?;
        self.app.written();
        Ok(summary)
    }

    /// What importing one contract of a file does, checked against what is
    /// stored and the rest of the file.
    async fn plan_version(&self, c: &ContractFile, all: &[ContractFile]) -> Result<Plan> {
        let t = &c.terms;
        let db = &self.app.db;
        let existing = db.billing_contract(&t.id).await?;
        // A store has at most one contract in force on a day.
        for store in &t.stores {
            for other in db.billing_store_contracts(store).await? {
                if other == t.id {
                    continue;
                }
                let o = parse_versions(&db.billing_versions(&other).await?)?;
                let latest = &o[o.len() - 1];
                // An ended contract served until its last day (or never).
                let until = match db.billing_contract(&other).await? {
                    Some(r) if r.state == "ended" => match r.last_served {
                        Some(d) => date_of(d),
                        None => continue,
                    },
                    _ => latest.end,
                };
                if latest.start <= t.end && t.start <= until {
                    return Err(Error::conflict(
                        format!(
                            "店铺 {store} 在 {}～{until} 已由合同 {other} 服务：同一天一个店铺只能有一份合同",
                            latest.start
                        ),
                        format!(
                            "store {store} is served by contract {other} from {} to {until}: a store has one contract in force on a day",
                            latest.start
                        ),
                    ));
                }
            }
            if let Some(o) = all.iter().find(|o| {
                o.terms.id != t.id
                    && o.terms.stores.contains(store)
                    && o.terms.start <= t.end
                    && t.start <= o.terms.end
            }) {
                return Err(Error::conflict(
                    format!(
                        "文件中的合同 {} 和 {} 同时覆盖店铺 {store}",
                        t.id, o.terms.id
                    ),
                    format!(
                        "contracts {} and {} of the file both cover store {store}",
                        t.id, o.terms.id
                    ),
                ));
            }
        }
        let Some(row) = existing else {
            return Ok(Plan::New);
        };
        if !self.scope().sees_client(&row.client) {
            return Err(Error::NotFound);
        }
        if row.client != t.client {
            return Err(Error::invalid(
                "client",
                format!(
                    "合同 {} 属于甲方“{}”，不能改为“{}”",
                    t.id, row.client, t.client
                ),
                format!(
                    "contract {} belongs to client '{}'; it cannot move to '{}'",
                    t.id, row.client, t.client
                ),
            ));
        }
        let stored = db.billing_versions(&t.id).await?;
        let text = version_text(t, c.last_served);
        if stored
            .iter()
            .any(|v| v.version_from == day_number(t.version_from) && v.terms == text)
        {
            return Ok(Plan::Unchanged);
        }
        let versions = parse_versions(&stored)?;
        let first = &versions[0];
        if t.version_from <= first.version_from && stored.len() > 1 {
            return Err(Error::invalid(
                "version_from",
                format!(
                    "合同 {} 的新版本须晚于首个版本（{}）",
                    t.id, first.version_from
                ),
                format!(
                    "a new version of {} must start after its first ({})",
                    t.id, first.version_from
                ),
            ));
        }
        // An issued month is never changed by a new version: corrections are notes.
        let issued = db
            .billing_invoices(&kefu_db::billing::InvoiceQuery {
                contract: Some(t.id.clone()),
                ..Default::default()
            })
            .await?
            .into_iter()
            .filter(|i| i.kind == "invoice" && i.status == "issued")
            .filter_map(|i| kefu_contract::Month::parse(&i.month).ok())
            .max();
        if let Some(m) = issued
            && t.version_from <= m.last()
        {
            return Err(Error::conflict(
                format!(
                    "{m} 的账单已开具，新版本只能从 {} 之后生效；已开具月份的更正请开红字或借项通知单",
                    m.last()
                ),
                format!(
                    "the invoice of {m} is issued: a new version can start only after {}; correct an issued month with a credit or debit note",
                    m.last()
                ),
            ));
        }
        // Added seats need the seat notice (the version's day is when the
        // change was agreed).
        let previous = versions
            .iter()
            .rev()
            .find(|v| v.version_from < t.version_from)
            .unwrap_or(first);
        for s in &t.seats {
            let before = previous.seats_on(s.role, s.from);
            if s.count > before && !previous.seats.contains(s) {
                let earliest = t
                    .version_from
                    .checked_add(jiff::Span::new().days(i64::from(t.seat_notice_days)))
                    .unwrap_or(t.version_from);
                if s.from < earliest {
                    return Err(Error::invalid(
                        "seats",
                        format!(
                            "加席须提前 {} 天通知：{} 起的 {} 席最早 {earliest} 生效",
                            t.seat_notice_days, s.from, s.count
                        ),
                        format!(
                            "added seats need {} days' notice: {} seats from {} can start on {earliest} at the earliest",
                            t.seat_notice_days, s.count, s.from
                        ),
                    ));
                }
            }
        }
        Ok(Plan::Version)
    }

    async fn write_version(
        &self,
        w: &mut dyn BillingTx,
        c: &ContractFile,
        plan: Plan,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        let t = &c.terms;
        let tag = format!("{}@{}", t.id, t.version_from);
        let v = VersionRow {
            contract_id: t.id.clone(),
            version_from: day_number(t.version_from),
            client: t.client.clone(),
            terms: version_text(t, c.last_served),
            created_ms: now_ms(),
            created_by: self.actor.name(),
        };
        match plan {
            Plan::Unchanged => summary.unchanged.push(tag),
            Plan::Version => {
                w.save_version(&v, &t.stores).await?;
                summary.versions.push(tag);
            }
            Plan::New => {
                w.save_version(&v, &t.stores).await?;
                let (state, service_start) = match t.running {
                    Some((s, first)) => (s, Some(day_number(first))),
                    None => (State::Draft, None),
                };
                w.save_contract(&ContractRow {
                    id: t.id.clone(),
                    client: t.client.clone(),
                    state: state.as_str().into(),
                    signed_on: service_start,
                    service_start,
                    last_served: c.last_served.map(day_number),
                    ending: (state == State::Ending).then(|| "notice".to_string()),
                    notice_on: None,
                    notice_by: None,
                })
                .await?;
                w.add_step(&StepRow {
                    contract_id: t.id.clone(),
                    from_state: String::new(),
                    to_state: state.as_str().into(),
                    on_day: service_start.unwrap_or(day_number(today())),
                    at_ms: now_ms(),
                    actor: self.actor.name(),
                    reason: "导入 / imported".into(),
                })
                .await?;
                // A running contract's base fee is entered on its start.
                if let Some((_, _)) = t.running
                    && t.annual_base_fee.0 > 0
                {
                    w.add_entry(&LedgerRow {
                        id: 0,
                        client: t.client.clone(),
                        entry_date: day_number(t.start),
                        contract_id: Some(t.id.clone()),
                        kind: "base_fee".into(),
                        amount: t.annual_base_fee.0,
                        refers_to: None,
                        note: "年度基础服务费 / annual base fee".into(),
                        at_ms: now_ms(),
                    })
                    .await?;
                }
                summary.created.push(t.id.clone());
            }
        }
        Ok(())
    }

    /// Exports contracts as a file (`kefu contract export [ID]`): every
    /// version of one contract, or of every contract the actor may see,
    /// with their clients.
    pub async fn contract_export(&self, id: Option<&str>) -> Result<String> {
        self.require(Action::ReadContracts)?;
        let db = &self.app.db;
        let rows = match id {
            Some(id) => vec![self.load_contract(id).await?.row],
            None => db
                .billing_contracts(None)
                .await?
                .into_iter()
                .filter(|r| self.scope().sees_client(&r.client))
                .collect(),
        };
        let names: BTreeSet<&str> = rows.iter().map(|r| r.client.as_str()).collect();
        let clients: Vec<file::ClientTerms> = db
            .clients()
            .await?
            .into_iter()
            .filter(|c| names.contains(c.name.as_str()))
            .map(|c| file::ClientTerms {
                name: c.name,
                stores: c.stores,
            })
            .collect();
        let mut versions = Vec::new();
        for r in &rows {
            for v in db.billing_versions(&r.id).await? {
                let f =
                    file::parse(&v.terms).map_err(|e| Error::Internal(anyhow::anyhow!("{e}")))?;
                versions.extend(f.contracts.into_iter().map(|c| (c.terms, c.last_served)));
            }
        }
        Ok(kefu_contract::file_out::write(&clients, &versions))
    }

    /// The file of a change to a contract (`/contracts?change=ID`): its
    /// latest terms as a new version from today (or the day after the
    /// latest version's first day, if that is later), for a manager to
    /// edit and import; history is never edited.
    pub async fn contract_change_file(&self, id: &str) -> Result<String> {
        self.require(Action::ManageContracts)?;
        let l = self.load_contract(id).await?;
        let mut t = l.latest().clone();
        let next = t.version_from.tomorrow().unwrap_or(t.version_from);
        t.version_from = super::today().max(next);
        t.running = None;
        Ok(kefu_contract::file_out::write(&[], &[(t, None)]))
    }

    /// The contracts the actor may see.
    pub async fn contracts(&self) -> Result<Vec<ContractView>> {
        self.require(Action::ReadContracts)?;
        let mut out = Vec::new();
        for r in self
            .app
            .db
            .billing_contracts(self.scope().client.as_deref())
            .await?
        {
            if self.scope().sees_client(&r.client) {
                out.push(self.contract(&r.id).await?);
            }
        }
        Ok(out)
    }

    /// One contract with where it stands and what its next step lacks
    /// (`kefu contract show ID`).
    pub async fn contract(&self, id: &str) -> Result<ContractView> {
        let loaded = self.load_contract(id).await?;
        let facts = self.contract_facts(&loaded).await?;
        let steps = self.app.db.billing_steps(id).await?;
        let t = loaded.latest();
        let state = loaded.state();
        let on = today();
        let missing = match state.next() {
            Some(_) => lifecycle::missing(&facts, on),
            None => Vec::new(),
        };
        let day = |d: Option<i64>| d.map(|d| date_of(d).to_string());
        Ok(ContractView {
            id: t.id.clone(),
            client: loaded.row.client.clone(),
            kind: t.kind.as_str().into(),
            type_zh: t.kind.zh().into(),
            state: state.as_str().into(),
            state_zh: state.zh().into(),
            stores: t.stores.clone(),
            start: t.start.to_string(),
            end: t.end.to_string(),
            version_from: t.version_from.to_string(),
            versions: loaded
                .versions
                .iter()
                .map(|v| v.version_from.to_string())
                .collect(),
            signed_on: day(loaded.row.signed_on),
            service_start: day(loaded.row.service_start),
            trial_end: facts.trial_end.map(|d| d.to_string()),
            last_served: day(loaded.row.last_served),
            ending: loaded.row.ending.clone(),
            notice_on: day(loaded.row.notice_on),
            notice_by: loaded.row.notice_by.clone(),
            next_state: state.next().map(|s| s.as_str().to_string()),
            missing_zh: missing.iter().map(|m| m.0.clone()).collect(),
            missing_en: missing.iter().map(|m| m.1.clone()).collect(),
            annual_base_fee: t.annual_base_fee.to_string(),
            deposit: t
                .deposit
                .map(|d| format!("{} {}", d.amount, d.kind.as_str())),
            charges: t.charges.iter().map(|c| c.kind().to_string()).collect(),
            declares_sales: super::declare::declares_sales(&loaded),
            steps: steps
                .into_iter()
                .map(|s| StepView {
                    from: s.from_state,
                    to: s.to_state,
                    on: date_of(s.on_day).to_string(),
                    by: s.actor,
                    reason: s.reason,
                })
                .collect(),
        })
    }
}

/// What importing one contract does.
enum Plan {
    /// A new contract.
    New,
    /// A new version of this stored contract.
    Version,
    /// The version is stored as it is.
    Unchanged,
}
