//! Imports (managers and admins): records in, in one transaction that
//! holds the write turn; the import's commit records who imported what and
//! runs the projections of the records it touched (today the KPI facts),
//! all in the same transaction, then clears the caches.
//!
//! Reading and validating files is the caller's (`kefu-import`): the CLI
//! streams them, the server reads uploads and JSON batches; both hand the
//! records to an [`Import`].

use crate::{Gate, Result, WriteTurn};
use kefu_access::Action;
use kefu_db::{AddOutcome, ImportTx};
use kefu_domain::{Message, Order, Rating};

/// One import in progress. Nothing it adds is visible until
/// [`Import::commit`]; a rollback, a drop or a crash leaves everything as
/// before.
pub struct Import<'g> {
    gate: &'g Gate,
    tx: Box<dyn ImportTx>,
    tally: AddOutcome,
    _turn: WriteTurn,
}

impl Gate {
    /// Starts an import: waits for the write turn (in this process, then
    /// the database's write lock), or is [`crate::Error::Busy`] past the
    /// bound.
    pub async fn begin_import(&self) -> Result<Import<'_>> {
        self.require(Action::Import)?;
        let turn = self.app.write_turn().await?;
        let tx = self.app.db.begin_import().await?;
        Ok(Import {
            gate: self,
            tx,
            tally: AddOutcome::default(),
            _turn: turn,
        })
    }
}

impl Import<'_> {
    /// Adds messages: new ones are stored; known ids are skipped, as
    /// conflicts when their content differs.
    pub async fn add_messages(&mut self, batch: &[Message]) -> Result<AddOutcome> {
        let out = self.tx.add_messages(batch).await?;
        self.count(&out);
        Ok(out)
    }

    /// Adds orders: a known (store, order_id) is replaced when it changed.
    pub async fn add_orders(&mut self, batch: &[Order]) -> Result<AddOutcome> {
        let out = self.tx.add_orders(batch).await?;
        self.count(&out);
        Ok(out)
    }

    /// Adds ratings: a known (store, buyer, agent, rated_at) gets the new
    /// score.
    pub async fn add_ratings(&mut self, batch: &[Rating]) -> Result<AddOutcome> {
        let out = self.tx.add_ratings(batch).await?;
        self.count(&out);
        Ok(out)
    }

    fn count(&mut self, out: &AddOutcome) {
        self.tally.imported += out.imported;
        self.tally.unchanged += out.unchanged;
    }

    /// Records the import with its actor, runs the projections of the
    /// conversations touched (their KPI facts) and commits, all in one
    /// transaction; returns how many conversations were recomputed. The
    /// caches are cleared.
    pub async fn commit(mut self) -> Result<u64> {
        let detail = format!(
            "imported={} unchanged={}",
            self.tally.imported, self.tally.unchanged
        );
        let entry = self.gate.entry("import", "records", detail);
        self.tx.record(&entry).await?;
        let recomputed = self.tx.commit().await?;
        self.gate.app.written();
        Ok(recomputed)
    }

    /// Discards everything added.
    pub async fn rollback(self) -> Result<()> {
        Ok(self.tx.rollback().await?)
    }
}
