//! The KPI engine of `spec/kpi.md` (数据绩效), pure and without I/O.
//!
//! The work is split in two so that storage can keep figures current as data
//! arrives:
//! 1. [`compute::conversation_facts`] turns everything known about one
//!    (store, buyer) conversation into [`Fact`]s: additive counters and
//!    buyer flags keyed by (agent, local day, local hour). Only touched
//!    conversations are recomputed on import.
//! 2. [`aggregate::Aggregator`] sums facts into the groups a query asks for
//!    (any of store, agent, date, hour), counting distinct buyers, and
//!    [`report`] turns the totals into the figures of spec §6.
//!
//! [`sessions::conversation_sessions`] shows one conversation session by
//! session (rounds, response times, attribution) by the same rules.
//!
//! [`stored`] turns a conversation's stored rows into facts (the KPI
//! projection of an import), and [`transcript`] into the session rows and
//! transcripts of the pages.
//!
//! The readings of the spec that it takes where the spec leaves a choice are
//! written down in `docs/kpi-notes.md`.

pub mod aggregate;
pub mod compute;
pub mod dataset;
pub mod facts;
pub mod input;
pub mod report;
mod rules;
pub use rules::{handle_ms, late_half, needs_human};
pub mod sessions;
pub mod stored;
pub mod transcript;

pub use aggregate::{Aggregator, Filter, GroupKey, Grouping};
pub use compute::conversation_facts;
pub use dataset::Dataset;
pub use facts::{Counter, Fact, Flag, Totals};
pub use input::{Msg, OrderIn, Params, RatingIn, Role};
pub use report::{Figure, Row, Value};
pub use sessions::{
    Attributed, ConversationView, RoundOutcome, RoundView, SessionKind, SessionView,
    conversation_sessions,
};
