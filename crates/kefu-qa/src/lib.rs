//! Quality inspection (质检) of `spec/qa.md`, pure and without I/O.
//!
//! - [`rules`]: the rule model (kinds, severities, a store's overrides) and
//!   [`file`] its TOML files (§4).
//! - [`engine::Inspector`]: a rule set compiled once per version and store,
//!   all phrase lists in one Aho-Corasick automaton and all patterns in one
//!   `RegexSet`, over text folded as §1 says ([`fold`]).
//! - [`scan`]: one message read for the text rules and look-only lists.
//! - [`Inspector::inspect`](engine::Inspector): one conversation's
//!   sessions (by `kefu-kpi`'s rules), findings and auto scores (§1–§2).
//! - [`trial`]: two rule sets compared in one reading.
//! - [`scorecard`]: the provider's scorecard as TOML.
//! - [`sample`]: the daily review sample, reproducible from its seed (§3).
//! - [`default_rules`]: the provider's first rule set, embedded.

pub mod engine;
pub mod file;
pub mod fold;
pub mod inspect;
pub mod review;
pub mod rules;
pub mod sample;
pub mod scan;
pub mod scorecard;
pub mod trial;

pub use engine::{CompileError, Inspector};
pub use file::{FileError, read_overrides, read_rule_set, write_overrides, write_rule_set};
pub use inspect::{Finding, InspectedSession, Inspection, Message, auto_score};
pub use rules::{Kind, Override, Rule, RuleSet, Senders, Severity};
pub use scan::{Buffers, Scan, ScanRef, TextFinding};

/// The provider's default rule set as shipped (TOML, spec §4): the first
/// version of a new database.
pub const DEFAULT_RULES: &str = include_str!("../rules/default.toml");

/// The default rule set, read.
pub fn default_rules() -> Result<RuleSet, FileError> {
    read_rule_set(DEFAULT_RULES)
}
