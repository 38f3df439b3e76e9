//! kefu's contracts and billing (合同与结算), as spec `contracts.md` says:
//! pure types and functions, no database, no clock.
//!
//! - [`terms`]: every term of a contract version (§1, §2);
//! - [`file`] and [`file_out`]: the TOML of §5, read with errors that name
//!   the contract and field, and written back in the same layout;
//! - [`lifecycle`]: the onboarding state machine of §3, each step checked
//!   against [`lifecycle::Facts`] and refused with its reasons;
//! - [`charges`]: which days of a month each version serves and the
//!   invoice lines of those days (§2), exact and rounded once per line;
//! - [`invoice`]: lines, tax per line, totals (§4);
//! - [`ending`]: base fee and deposit at an end (§4);
//! - [`ledger`]: the client ledger's entries, balance and held deposits;
//! - [`rate`]: decimal rates and the one rounding rule (half up).

pub mod charges;
pub mod ending;
pub mod file;
pub mod file_out;
pub mod invoice;
pub mod ledger;
pub mod lifecycle;
pub mod rate;
pub mod terms;

pub use charges::{Figures, Month, Served, Span, SpanFigures, charge_lines, plan};
pub use invoice::{Line, Quantity, Totals, totals};
pub use ledger::{Entry, EntryKind, Statement, statement};
pub use lifecycle::{Ending, Facts, Party, Refusal, State};
pub use rate::Rate;
pub use terms::{Charge, ContractType, DepositKind, SeatRole, Terms};
