//! Who may see what in kefu, in one place: roles and their scopes
//! ([`scope`]), passwords ([`password`]) and random secrets ([`secret`]).
//! Every page, API endpoint and export asks the scope before it reads.

pub mod password;
pub mod scope;
pub mod secret;

pub use scope::{Action, Scope, Standing};
