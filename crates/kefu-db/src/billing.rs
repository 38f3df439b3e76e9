//! Storage of contracts, onboarding and billing (spec `contracts.md`): the
//! versions of each contract, where it stands and every step it took,
//! agents on stores with their training and assessments, invoices and
//! notes, disputes, and the client ledger. Rows are plain: the rules
//! (`kefu-contract`) and the access checks (`kefu-app`) live elsewhere.
//!
//! Reads go through [`BillingStore`]; every write goes through a
//! [`BillingTx`], one write transaction holding the write lock, so that a
//! step, the invoice it drafts, its ledger entries and its audit entry
//! commit together or not at all. Both backends implement them with the
//! SQL of [`crate::sql_billing!`] on their migration `0200_contracts.sql`.

use anyhow::Result;
use async_trait::async_trait;

/// Where a contract stands.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContractRow {
    /// The contract's id.
    pub id: String,
    /// Its client company.
    pub client: String,
    /// Its state (`kefu_contract::State` name).
    pub state: String,
    /// The day it was signed.
    pub signed_on: Option<i64>,
    /// The first day served.
    pub service_start: Option<i64>,
    /// The last day served, once an end or a notice set it.
    pub last_served: Option<i64>,
    /// How it ends or ended (`kefu_contract::Ending` name).
    pub ending: Option<String>,
    /// The day notice was given.
    pub notice_on: Option<i64>,
    /// Who gave it: `client` or `provider`.
    pub notice_by: Option<String>,
}

/// One version of a contract's terms.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VersionRow {
    /// The contract.
    pub contract_id: String,
    /// The day it takes effect.
    pub version_from: i64,
    /// The client company.
    pub client: String,
    /// The terms as the TOML of `contracts.md` §5.
    pub terms: String,
    /// When it was stored (UTC ms).
    pub created_ms: i64,
    /// Who stored it.
    pub created_by: String,
}

/// One step of a contract's life.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StepRow {
    /// The contract.
    pub contract_id: String,
    /// The state before.
    pub from_state: String,
    /// The state after.
    pub to_state: String,
    /// The day of the step.
    pub on_day: i64,
    /// When it was recorded (UTC ms).
    pub at_ms: i64,
    /// Who took it.
    pub actor: String,
    /// Why.
    pub reason: String,
}

/// An agent (a person) on a store.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoreAgent {
    /// The store's code.
    pub store: String,
    /// The agent's name.
    pub agent: String,
    /// Their platform sub-account on the store (the chat logs' `agent`).
    pub account: String,
    /// Their team.
    pub team: Option<String>,
    /// `presale` or `aftersale`.
    pub role: String,
}

/// Training done by an agent for a store.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Training {
    /// The agent.
    pub agent: String,
    /// The store.
    pub store: String,
    /// The day.
    pub on_day: i64,
    /// What was trained.
    pub topic: String,
    /// Who recorded it.
    pub recorded_by: String,
}

/// An assessment taken by an agent for a store.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Assessment {
    /// The agent.
    pub agent: String,
    /// The store.
    pub store: String,
    /// The day.
    pub on_day: i64,
    /// The score.
    pub score: f64,
    /// The pass mark.
    pub pass_mark: f64,
    /// Who recorded it.
    pub recorded_by: String,
}

/// An invoice or note as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvoiceRow {
    /// Its number (`INV-000001`, `CN-…`, `DN-…`), from [`InvoiceRow::seq`].
    pub number: String,
    /// Its place in the one sequence of numbers.
    pub seq: i64,
    /// `invoice`, `credit_note` or `debit_note`.
    pub kind: String,
    /// The client company.
    pub client: String,
    /// The contract.
    pub contract_id: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The invoice a note corrects.
    pub refers_to: Option<String>,
    /// `draft` or `issued`.
    pub status: String,
    /// Σ amount, fen.
    pub amount: i64,
    /// Σ tax, fen.
    pub tax: i64,
    /// Σ net, fen.
    pub net: i64,
    /// Σ gross, fen.
    pub gross: i64,
    /// The lines as JSON.
    pub lines: String,
    /// Why a note was made (empty for invoices).
    pub reason: String,
    /// When it was drafted or last recomputed (UTC ms).
    pub drafted_ms: i64,
    /// The day it was issued.
    pub issued_on: Option<i64>,
    /// Who confirmed the month's statement (对账单).
    pub confirmed_by: Option<String>,
    /// When (UTC ms).
    pub confirmed_ms: Option<i64>,
}

/// A client's dispute of an invoice line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Dispute {
    /// The invoice.
    pub number: String,
    /// The line (0-based).
    pub line: i64,
    /// Why.
    pub reason: String,
    /// Who raised it.
    pub raised_by: String,
    /// When (UTC ms).
    pub raised_ms: i64,
    /// When it was settled, if it was.
    pub resolved_ms: Option<i64>,
}

/// One ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerRow {
    /// Database id: the order of entries.
    pub id: i64,
    /// The client company.
    pub client: String,
    /// The day.
    pub entry_date: i64,
    /// The contract, if any.
    pub contract_id: Option<String>,
    /// The kind (`kefu_contract::EntryKind` name).
    pub kind: String,
    /// The amount, fen (never negative).
    pub amount: i64,
    /// The invoice it refers to.
    pub refers_to: Option<String>,
    /// Why, in a few words.
    pub note: String,
    /// When it was recorded (UTC ms).
    pub at_ms: i64,
}

/// The money of one order, as a commission's sales need it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderMoney {
    /// The store's code.
    pub store: String,
    /// When it was paid, as recorded (local or with an offset).
    pub paid_at: Option<String>,
    /// Its amount, fen.
    pub amount: i64,
    /// The refund, fen.
    pub refund: Option<i64>,
    /// When it was refunded, as recorded.
    pub refunded_at: Option<String>,
}

/// Which invoices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceQuery {
    /// Of this client only.
    pub client: Option<String>,
    /// Of this month only.
    pub month: Option<String>,
    /// Of this contract only.
    pub contract: Option<String>,
}

/// Reads of contracts and billing, outside any write.
#[async_trait]
pub trait BillingStore: Send + Sync {
    /// Contracts, of one client or all, by id.
    async fn billing_contracts(&self, client: Option<&str>) -> Result<Vec<ContractRow>>;
    /// One contract.
    async fn billing_contract(&self, id: &str) -> Result<Option<ContractRow>>;
    /// A contract's versions by `version_from`.
    async fn billing_versions(&self, id: &str) -> Result<Vec<VersionRow>>;
    /// A contract's steps in order.
    async fn billing_steps(&self, id: &str) -> Result<Vec<StepRow>>;
    /// The contracts whose latest version covers a store.
    async fn billing_store_contracts(&self, store: &str) -> Result<Vec<String>>;
    /// Agents on these stores.
    async fn billing_store_agents(&self, stores: &[String]) -> Result<Vec<StoreAgent>>;
    /// Training records of these stores.
    async fn billing_trainings(&self, stores: &[String]) -> Result<Vec<Training>>;
    /// Assessments of these stores, oldest first.
    async fn billing_assessments(&self, stores: &[String]) -> Result<Vec<Assessment>>;
    /// Invoices and notes by number.
    async fn billing_invoices(&self, q: &InvoiceQuery) -> Result<Vec<InvoiceRow>>;
    /// One invoice or note.
    async fn billing_invoice(&self, number: &str) -> Result<Option<InvoiceRow>>;
    /// The disputes of an invoice.
    async fn billing_disputes(&self, number: &str) -> Result<Vec<Dispute>>;
    /// A client's ledger in order.
    async fn billing_ledger(&self, client: &str) -> Result<Vec<LedgerRow>>;
    /// The sales a client declared for a contract's month, fen.
    async fn billing_declared(&self, contract: &str, month: &str) -> Result<Option<i64>>;
    /// The money of every order of these stores: payments and refunds
    /// recorded without an offset summed per store and local day (a row
    /// at that day's midnight), the others one by one.
    async fn billing_order_money(&self, stores: &[String]) -> Result<Vec<OrderMoney>>;
    /// Begins a write.
    async fn begin_billing(&self) -> Result<Box<dyn BillingTx>>;
}

/// One write of contracts and billing: its reads see the transaction.
#[async_trait]
pub trait BillingTx: Send {
    /// One contract, in this transaction.
    async fn contract(&mut self, id: &str) -> Result<Option<ContractRow>>;
    /// A contract's versions.
    async fn versions(&mut self, id: &str) -> Result<Vec<VersionRow>>;
    /// A client's ledger.
    async fn ledger(&mut self, client: &str) -> Result<Vec<LedgerRow>>;
    /// Invoices and notes.
    async fn invoices(&mut self, q: &InvoiceQuery) -> Result<Vec<InvoiceRow>>;
    /// Adds a version (replacing one of the same day, for a re-import of
    /// the same file) and makes its stores the contract's.
    async fn save_version(&mut self, v: &VersionRow, stores: &[String]) -> Result<()>;
    /// Creates or replaces where a contract stands.
    async fn save_contract(&mut self, c: &ContractRow) -> Result<()>;
    /// Adds a step.
    async fn add_step(&mut self, s: &StepRow) -> Result<()>;
    /// Creates or replaces an agent on a store.
    async fn save_agent(&mut self, a: &StoreAgent) -> Result<()>;
    /// Adds a training record.
    async fn add_training(&mut self, t: &Training) -> Result<()>;
    /// Adds an assessment.
    async fn add_assessment(&mut self, a: &Assessment) -> Result<()>;
    /// Stores a draft: a new one takes the next number (`number` is
    /// ignored and its prefix taken from `kind`); an existing draft of the
    /// same contract and month is recomputed in place, its confirmation
    /// cleared (the client confirms what they see). Returns the number. An issued invoice is never changed: saving over one fails.
    async fn save_draft(&mut self, i: &InvoiceRow) -> Result<String>;
    /// Issues a draft on a day.
    async fn issue(&mut self, number: &str, on_day: i64) -> Result<()>;
    /// Records the client's confirmation of an invoice's statement.
    async fn confirm(&mut self, number: &str, by: &str, at_ms: i64) -> Result<()>;
    /// Adds a dispute.
    async fn add_dispute(&mut self, d: &Dispute) -> Result<()>;
    /// Settles the open disputes of an invoice.
    async fn resolve_disputes(&mut self, number: &str, at_ms: i64) -> Result<()>;
    /// Adds a ledger entry (its `id` is ignored).
    async fn add_entry(&mut self, e: &LedgerRow) -> Result<()>;
    /// Sets the sales declared for a contract's month.
    async fn declare(&mut self, contract: &str, month: &str, amount: i64) -> Result<()>;
    /// Records the write's audit entry.
    async fn record(&mut self, entry: &crate::AuditEntry) -> Result<()>;
    /// Commits.
    async fn commit(self: Box<Self>) -> Result<()>;
}
