//! kefu's service layer: the one place that holds the database, the caches
//! and the turn of writers, and every rule and access check, called alike
//! by the command line (`kefu`), the pages and the API (`kefu-web`).
//!
//! A caller opens an [`App`] over a [`kefu_db::Database`] once, then for
//! each request (or command) a [`Gate`] for its [`Actor`]: who acts, with
//! the [`kefu_access::Scope`] that decides what they see. The gate offers
//! one module per capability (`impl Gate` blocks in [`kpi`], [`stores`],
//! [`accounts`], [`import`]; later `qa`, `contracts`, `billing`, `wfm`,
//! `knowledge`). Something outside the scope is [`Error::NotFound`],
//! exactly like something that does not exist; every write records its
//! actor in the audit log; errors are typed ([`Error`]) with their reasons
//! in Chinese and English.
//!
//! Writers take turns: one write at a time per process ([`App::write_turn`],
//! bounded by [`App::WRITE_WAIT`]), and across processes the database's
//! write lock ([`kefu_db::Dialect::begin_write`]). A write that cannot get
//! its turn in time is [`Error::Busy`], never a half-done write.

pub mod accounts;
pub mod actor;
mod cache;
pub mod contracts;
pub mod error;
pub mod import;
pub mod kpi;
pub mod qa;
pub mod qa_report;
pub mod qa_review;
pub mod stores;
pub mod wfm;
pub mod wfm_adherence;
pub mod wfm_plan;
pub mod wfm_roster;
pub mod wfm_surge;

pub use actor::{Actor, Who};
pub use error::{Error, Result};
pub use import::Import;

use cache::KpiCache;
use kefu_access::Action;
use kefu_db::{AuditEntry, Database};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The service layer over one database: shared by every request of a
/// server, or made once by a command.
#[derive(Clone)]
pub struct App {
    db: Arc<dyn Database>,
    cache: Arc<KpiCache>,
    writer: Arc<tokio::sync::Mutex<()>>,
    write_wait: Duration,
}

/// The turn of one write in this process (see [`App::write_turn`]).
pub type WriteTurn = tokio::sync::OwnedMutexGuard<()>;

impl App {
    /// How long a write waits for the one in progress by default, before
    /// it is [`Error::Busy`] (the SQLite busy timeout and the PostgreSQL
    /// lock timeout are the same).
    pub const WRITE_WAIT: Duration = Duration::from_secs(30);

    /// The service layer over a database.
    pub fn new(db: Arc<dyn Database>) -> App {
        App {
            db,
            cache: Arc::new(KpiCache::default()),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            write_wait: App::WRITE_WAIT,
        }
    }

    /// The same, with another bound on the wait for the write turn.
    pub fn with_write_wait(mut self, wait: Duration) -> App {
        self.write_wait = wait;
        self
    }

    /// The gate of one actor.
    pub fn gate(&self, actor: Actor) -> Gate {
        Gate {
            app: self.clone(),
            actor,
            oldest: Mutex::new(None),
        }
    }

    /// The turn of a write in this process: waits for the write in
    /// progress, or is [`Error::Busy`] past the bound.
    pub async fn write_turn(&self) -> Result<WriteTurn> {
        tokio::time::timeout(self.write_wait, self.writer.clone().lock_owned())
            .await
            .map_err(|_| Error::Busy)
    }

    /// Row counts of the records and figures (summaries, tests). Counts
    /// reveal nothing of any store, so they need no actor.
    pub async fn counts(&self) -> Result<kefu_db::TableCounts> {
        Ok(self.db.counts().await?)
    }

    /// Finishes pending work and closes the database's connections.
    pub async fn close(&self) -> Result<()> {
        Ok(self.db.close().await?)
    }

    /// Forgets cached results (after a write).
    fn written(&self) {
        self.cache.invalidate();
    }
}

/// Scoped access to kefu for one actor: every read and write of a page,
/// API endpoint, export or command goes through one.
pub struct Gate {
    app: App,
    actor: Actor,
    /// When the oldest KPI result this gate returned was computed (for
    /// [`Gate::memo`]).
    oldest: Mutex<Option<Instant>>,
}

impl Gate {
    /// Who acts.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The scope this gate applies.
    pub fn scope(&self) -> &kefu_access::Scope {
        &self.actor.scope
    }

    /// Refuses an action the role may not take.
    pub fn require(&self, action: Action) -> Result<()> {
        if self.actor.scope.may(action) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// The audit entry of a write of this actor, logged as it is made.
    fn entry(&self, action: &str, subject: &str, detail: String) -> AuditEntry {
        let token_id = match &self.actor.who {
            Who::Token { id, .. } => Some(*id),
            _ => None,
        };
        tracing::info!(target: "kefu::audit", by = %self.actor.name(), action, subject, detail = %detail, "write");
        AuditEntry {
            id: 0,
            at_ms: now_ms(),
            actor_kind: self.actor.kind().into(),
            user_id: self.actor.user_id(),
            actor_name: self.actor.name(),
            token_id,
            action: action.into(),
            subject: subject.into(),
            detail,
        }
    }

    /// Records a write of this actor in the audit log, after the write (an
    /// import records itself in its own transaction instead). The write
    /// has been made: a failure to record it is logged, not returned.
    async fn record(&self, action: &str, subject: &str, detail: String) {
        let entry = self.entry(action, subject, detail);
        if let Err(e) = self.app.db.record(&entry).await {
            tracing::error!(target: "kefu::audit", error = %format!("{e:#}"), action, subject, "cannot record a write");
        }
    }

    /// The newest entries of the audit log (administrators only).
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        self.require(Action::Administer)?;
        Ok(self.app.db.audit_entries(limit).await?)
    }
}

/// The current time in UTC milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
