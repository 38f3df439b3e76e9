//! What a call of the service layer can fail with: typed, so that each
//! caller answers the same way (a page, an API status, an exit code), and
//! every refusal carries its reason in Chinese and English, shown in the
//! viewer's language ([`Error::text`]).

use kefu_domain::Lang;

/// Why a call did not happen.
#[derive(Debug)]
pub enum Error {
    /// Not there, or not visible to the actor: both are the same answer
    /// (404), so that nobody learns what another tenant has.
    NotFound,
    /// Visible, but the actor's role may not do this (403).
    Forbidden,
    /// Bad input: the field at fault (when one is) and why (400).
    Invalid {
        /// The field, e.g. `role` or `client`.
        field: Option<&'static str>,
        /// The reason in Chinese.
        zh: String,
        /// The reason in English.
        en: String,
    },
    /// The input is fine but clashes with what is stored, e.g. a user name
    /// taken (409).
    Conflict {
        /// The reason in Chinese.
        zh: String,
        /// The reason in English.
        en: String,
    },
    /// Another writer held the database past the wait allowed; nothing was
    /// written and the call may be tried again (503 with `Retry-After`).
    Busy,
    /// Anything else: logged, shown without details (500).
    Internal(anyhow::Error),
}

/// The result of a service call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal of bad input in a field.
    pub fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid {
            field: Some(field),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// A clash with what is stored.
    pub fn conflict(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Conflict {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The error as a sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Error::NotFound => lang.t("不存在或无权查看", "not found").into(),
            Error::Forbidden => lang
                .t("您的角色无权执行此操作", "not allowed for your role")
                .into(),
            Error::Invalid { zh, en, .. } | Error::Conflict { zh, en } => lang.t(zh, en).into(),
            Error::Busy => lang
                .t(
                    "数据库正忙于另一项写入，请稍后重试",
                    "the database is busy with another write: try again shortly",
                )
                .into(),
            Error::Internal(_) => lang.t("服务器内部错误", "internal error").into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Internal(e) => write!(f, "{e:#}"),
            other => f.write_str(&other.text(Lang::En)),
        }
    }
}

impl std::error::Error for Error {}

impl From<anyhow::Error> for Error {
    /// Storage errors: a busy database is [`Error::Busy`], anything else
    /// internal.
    fn from(e: anyhow::Error) -> Error {
        if kefu_db::is_busy(&e) {
            Error::Busy
        } else {
            Error::Internal(e)
        }
    }
}
