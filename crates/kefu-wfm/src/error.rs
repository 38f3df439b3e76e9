//! The input error of every calculation: which field is wrong and why, in
//! Chinese and English.

use std::fmt;

/// An input a calculation refuses, naming the field (as in the API and the
/// CLI, e.g. `aht_seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// NaN or infinite.
    NotFinite {
        /// The field's name.
        field: &'static str,
    },
    /// Below zero where only zero or more makes sense.
    Negative {
        /// The field's name.
        field: &'static str,
    },
    /// Zero or below where only more than zero makes sense.
    NotPositive {
        /// The field's name.
        field: &'static str,
    },
    /// Outside its range.
    OutOfRange {
        /// The field's name.
        field: &'static str,
        /// The range as written in mathematics, e.g. `(0, 1]`.
        range: &'static str,
    },
    /// The answer would need more than `limit` slots or agents.
    TooLarge {
        /// The field that makes it so large.
        field: &'static str,
        /// The most slots or agents an answer may have.
        limit: u32,
    },
}

impl InputError {
    /// The name of the field at fault.
    pub fn field(&self) -> &'static str {
        match *self {
            InputError::NotFinite { field }
            | InputError::Negative { field }
            | InputError::NotPositive { field }
            | InputError::OutOfRange { field, .. }
            | InputError::TooLarge { field, .. } => field,
        }
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        let field = self.field();
        match *self {
            InputError::NotFinite { .. } => format!("{field}：不是有限的数"),
            InputError::Negative { .. } => format!("{field}：不能为负数"),
            InputError::NotPositive { .. } => format!("{field}：必须大于 0"),
            InputError::OutOfRange { range, .. } => format!("{field}：必须在 {range} 之内"),
            InputError::TooLarge { limit, .. } => {
                format!("{field}：所需席位或人数将超过 {limit}")
            }
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        let field = self.field();
        match *self {
            InputError::NotFinite { .. } => format!("{field}: not a finite number"),
            InputError::Negative { .. } => format!("{field}: must not be negative"),
            InputError::NotPositive { .. } => format!("{field}: must be greater than 0"),
            InputError::OutOfRange { range, .. } => format!("{field}: must be in {range}"),
            InputError::TooLarge { limit, .. } => {
                format!("{field}: the answer would need more than {limit} slots or agents")
            }
        }
    }
}

impl fmt::Display for InputError {
    /// The English message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for InputError {}

/// `x` unless it is NaN or infinite.
pub(crate) fn finite(field: &'static str, x: f64) -> Result<f64, InputError> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(InputError::NotFinite { field })
    }
}

/// `x` if it is finite and zero or more.
pub(crate) fn non_negative(field: &'static str, x: f64) -> Result<f64, InputError> {
    if finite(field, x)? < 0.0 {
        Err(InputError::Negative { field })
    } else {
        Ok(x)
    }
}

/// `x` if it is finite and more than zero.
pub(crate) fn positive(field: &'static str, x: f64) -> Result<f64, InputError> {
    if finite(field, x)? > 0.0 {
        Ok(x)
    } else {
        Err(InputError::NotPositive { field })
    }
}

/// `x` if it is finite and `inside` says it lies in `range`.
pub(crate) fn within(
    field: &'static str,
    x: f64,
    range: &'static str,
    inside: impl Fn(f64) -> bool,
) -> Result<f64, InputError> {
    if inside(finite(field, x)?) {
        Ok(x)
    } else {
        Err(InputError::OutOfRange { field, range })
    }
}
