//! Storage of kefu behind one repository trait, with a SQLite and a
//! PostgreSQL implementation (crates `kefu-db-sqlite`, `kefu-db-postgres`)
//! that share their SQL through [`sql_repository!`] and one contract test
//! suite ([`contract`]).
//!
//! Storage keeps the records as imported and, per (store, buyer)
//! conversation, what [`projection`]s derive from them (the KPI facts of
//! `kefu-kpi`), recomputed for the conversations an import touches, in the
//! same transaction.

pub mod accounts;
pub mod accounts_contract;
mod accounts_sql;
pub mod audit;
pub mod audit_contract;
pub mod billing;
pub mod billing_contract;
mod billing_sql;
pub mod contract;
pub mod dialect;
pub mod projection;
pub mod qa;
pub mod qa_contract;
pub mod qa_projection;
pub mod qa_scan;
mod qa_sql;
pub mod qa_trial;
mod sql;
pub mod store_facts;
pub mod wfm;
pub mod wfm_contract;

use async_trait::async_trait;
use kefu_domain::{Message, Order, Rating, StoreSettings};
use kefu_kpi::{Filter, GroupKey, Grouping, Totals};

#[doc(hidden)]
pub use futures_util;
#[doc(hidden)]
pub use rustc_hash;

pub use accounts::Accounts;
pub use anyhow::Result;
pub use audit::{AuditEntry, AuditLog};
pub use billing::{BillingStore, BillingTx};
pub use dialect::{Dialect, is_busy};
pub use kefu_kpi::transcript::{SessionQuery, SessionRow, Transcript};
pub use qa::QaStore;
pub use wfm::WfmStore;

/// What adding one batch of records did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddOutcome {
    /// New records stored, or known orders and ratings replaced.
    pub imported: u64,
    /// Records already known with the same content.
    pub unchanged: u64,
    /// Messages whose id was known with other content (skipped), as
    /// (store, message_id).
    pub conflicts: Vec<(String, String)>,
}

impl AddOutcome {
    /// Adds another batch's outcome to this one.
    pub fn absorb(&mut self, o: AddOutcome) {
        self.imported += o.imported;
        self.unchanged += o.unchanged;
        self.conflicts.extend(o.conflicts);
    }
}

/// How many rows each table holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// Stores.
    pub stores: i64,
    /// Messages.
    pub messages: i64,
    /// Orders.
    pub orders: i64,
    /// Ratings.
    pub ratings: i64,
    /// (store, buyer) conversations.
    pub conversations: i64,
    /// Stores with stored KPI facts.
    pub facts: i64,
}

/// The storage of kefu. Every implementation passes [`contract`].
#[async_trait]
pub trait Repository: Send + Sync {
    /// Every store with its settings, by code.
    async fn stores(&self) -> Result<Vec<(String, StoreSettings)>>;
    /// One store's settings, `None` when the store is unknown.
    async fn store(&self, code: &str) -> Result<Option<StoreSettings>>;
    /// Creates or changes a store's settings and recomputes its figures.
    async fn save_store(&self, code: &str, settings: &StoreSettings) -> Result<()>;
    /// Starts an import: nothing it adds is visible until
    /// [`ImportTx::commit`], and everything is as before after
    /// [`ImportTx::rollback`], a drop or a crash.
    async fn begin_import(&self) -> Result<Box<dyn ImportTx>>;
    /// Totals of the KPI facts per group, sorted by group.
    async fn kpi(&self, grouping: Grouping, filter: &Filter) -> Result<Vec<(GroupKey, Totals)>>;
    /// Row counts, for summaries and tests.
    async fn counts(&self) -> Result<TableCounts>;
    /// Finishes pending work and closes the connections (SQLite folds its
    /// write-ahead log back into the database file, so the next reader does
    /// not have to go through it).
    async fn close(&self) -> Result<()>;
    /// A store's sessions (outbound ones left out) that the query asks
    /// for, sorted by start descending, then conversation; none for an
    /// unknown store.
    async fn sessions(&self, q: &SessionQuery) -> Result<Vec<SessionRow>>;
    /// One conversation's transcript; `None` when it does not exist or is
    /// not of `store`.
    async fn conversation(&self, store: &str, conv_id: i64) -> Result<Option<Transcript>>;
    /// The (store, agent account) pairs named in the stored facts, sorted;
    /// only those of `stores` when given.
    async fn agents(&self, stores: Option<&[String]>) -> Result<Vec<(String, String)>>;
}

/// Everything kefu stores, as the sum of one small store trait per
/// capability: records and figures ([`Repository`], the KPI store),
/// accounts ([`Accounts`]), the audit log ([`AuditLog`]), quality
/// inspection ([`QaStore`]), contracts and billing ([`BillingStore`]) and
/// workforce planning ([`WfmStore`]). Both backends implement every one of
/// them.
pub trait Database: Repository + Accounts + AuditLog + QaStore + BillingStore + WfmStore {}

impl<T: Repository + Accounts + AuditLog + QaStore + BillingStore + WfmStore> Database for T {}

/// One import in progress: a database transaction.
#[async_trait]
pub trait ImportTx: Send {
    /// Adds messages: new ones are stored; known ids are skipped, as
    /// conflicts when their content differs.
    async fn add_messages(&mut self, batch: &[Message]) -> Result<AddOutcome>;
    /// Adds orders: a known (store, order_id) is replaced when it changed.
    async fn add_orders(&mut self, batch: &[Order]) -> Result<AddOutcome>;
    /// Adds ratings: a known (store, buyer, agent, rated_at) gets the new
    /// score.
    async fn add_ratings(&mut self, batch: &[Rating]) -> Result<AddOutcome>;
    /// Runs the [`projection`]s of every conversation touched (the KPI
    /// facts) in this transaction, then commits. Returns how many
    /// conversations were recomputed.
    async fn commit(self: Box<Self>) -> Result<u64>;
    /// Adds an entry to the audit log in this transaction, so the import
    /// and the record of who made it commit (or vanish) together.
    async fn record(&mut self, entry: &AuditEntry) -> Result<()>;
    /// Discards everything added.
    async fn rollback(self: Box<Self>) -> Result<()>;
}

/// Settings as stored: a JSON object of the settings' text values.
pub fn settings_to_json(s: &StoreSettings) -> String {
    let map: serde_json::Map<String, serde_json::Value> = s
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// Settings from their stored JSON; unknown or bad keys are an error.
pub fn settings_from_json(text: &str) -> Result<StoreSettings> {
    let mut s = StoreSettings::default();
    let v: serde_json::Value = serde_json::from_str(text)?;
    if let Some(map) = v.as_object() {
        for (k, v) in map {
            s.set(k, v.as_str().unwrap_or_default())?;
        }
    }
    Ok(s)
}
