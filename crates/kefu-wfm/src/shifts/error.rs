//! The error of a shift-scheduling problem that cannot be read or checked:
//! the field at fault (as the JSON names it, e.g. `required[2][47]`) and
//! why, in Chinese and English.

use std::fmt;

/// A problem refused, naming its field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftError {
    /// The field, e.g. `shifts.early[3]` or `max_shift_concurrency`.
    pub field: String,
    zh: String,
    en: String,
}

impl ShiftError {
    /// An error of `field`, the reason in both languages.
    pub fn new(field: impl Into<String>, zh: impl Into<String>, en: impl Into<String>) -> Self {
        ShiftError {
            field: field.into(),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message in Chinese, the field first.
    pub fn zh(&self) -> String {
        format!("{}：{}", self.field, self.zh)
    }

    /// The message in English, the field first.
    pub fn en(&self) -> String {
        format!("{}: {}", self.field, self.en)
    }
}

impl fmt::Display for ShiftError {
    /// The English message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for ShiftError {}
