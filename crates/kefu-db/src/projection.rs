//! Projections of an import: what is derived from records (the KPI facts
//! today; QA findings and workforce interval volumes next), kept current
//! by the import itself. At its commit an import runs every projection for
//! the conversations it touched, in its own transaction, so derived data
//! is never older or newer than the records it comes from.
//!
//! A projection is pure: it turns one conversation's stored rows into its
//! output under the store's rules. The store (the `sql_repository!` of
//! each backend) loads the rows of the touched conversations once, runs
//! the projections on them and writes their outputs in the same
//! transaction: for [`KpiFacts`], the store's `kpi_store_facts` value.
//! Conversations an import creates take a faster road for the KPI facts
//! (`kefu_kpi::stored::Fresh`: computed from the records in memory while
//! the database builds its index), with the same result.
//!
//! Adding one (see `docs/architecture.md`): implement [`Projection`],
//! store its outputs in its own table from the import's commit, and test
//! that an import, a re-import and a settings change leave it equal to the
//! projection of the stored records.

use anyhow::Result;
use kefu_domain::StoreSettings;
use kefu_kpi::stored::{NamedFact, StoredConversation};

/// The rules of a store that projections apply, read once per commit.
#[derive(Debug, Clone)]
pub struct StoreRules {
    /// The KPI engine's parameters (time zone, session gap, service hours…).
    pub params: kefu_kpi::Params,
    /// Prefixes of automatic replies, which do not count as answers.
    pub auto_reply_prefixes: Vec<String>,
}

impl StoreRules {
    /// The rules of a store's settings.
    pub fn of(settings: StoreSettings) -> Result<StoreRules> {
        let params = kefu_kpi::Params::new(&settings).map_err(anyhow::Error::msg)?;
        Ok(StoreRules {
            params,
            auto_reply_prefixes: settings.auto_reply_prefixes,
        })
    }
}

/// Something derived from each conversation's records, recomputed by the
/// import's commit for the conversations it touched.
pub trait Projection: Send + Sync {
    /// What it derives from one conversation.
    type Output: Send;
    /// Its name, for logs and errors.
    fn name(&self) -> &'static str;
    /// Whether it needs the text of messages under these rules (loading
    /// every message's text costs a large recompute much of its time).
    fn needs_content(&self, rules: &StoreRules) -> bool;
    /// Its output for one stored conversation.
    fn project(&self, rules: &StoreRules, conv: &StoredConversation) -> Result<Self::Output>;
}

/// The KPI facts of a conversation (spec `kpi.md`): additive counters and
/// buyer flags per (agent, local day, local hour), by the rules of
/// `kefu-kpi`.
#[derive(Debug, Clone, Copy, Default)]
pub struct KpiFacts;

impl Projection for KpiFacts {
    type Output = Vec<NamedFact>;

    fn name(&self) -> &'static str {
        "kpi facts"
    }

    /// Only automatic-reply prefixes look at the text.
    fn needs_content(&self, rules: &StoreRules) -> bool {
        !rules.auto_reply_prefixes.is_empty()
    }

    fn project(&self, rules: &StoreRules, c: &StoredConversation) -> Result<Vec<NamedFact>> {
        kefu_kpi::stored::facts(
            &rules.params,
            &rules.auto_reply_prefixes,
            &c.messages,
            &c.orders,
            &c.ratings,
        )
    }
}
