//! The interface language: Chinese by default, English by the `kefu_lang`
//! cookie (set by `/lang/en`) or `?lang=en`.

use axum::http::request::Parts;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The language of a request: `?lang=` first, then the cookie.
    pub fn of(parts: &Parts) -> Lang {
        let query = parts.uri.query().unwrap_or_default();
        for pair in query.split('&') {
            match pair {
                "lang=en" => return Lang::En,
                "lang=zh" => return Lang::Zh,
                _ => {}
            }
        }
        match crate::auth::cookie(&parts.headers, "kefu_lang").as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        }
    }

    /// The text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The `lang` attribute of pages.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}
