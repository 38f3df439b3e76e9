//! Domain types shared by every kefu module: the input records of
//! `spec/kpi.md` §1 (messages, orders, ratings), their field parsers, money in
//! fen, record times, and per-store settings. Pure: no I/O.

pub mod lang;
pub mod money;
pub mod record;
pub mod role;
pub mod settings;
pub mod targets;
pub mod time;

pub use lang::Lang;
pub use money::Fen;
pub use record::{FieldError, Message, MessageKind, Order, Rating, Sender};
pub use role::Role;
pub use settings::{Attribution, ServiceHours, SettingError, StoreSettings};
pub use time::{LocalClock, RecordTime};
