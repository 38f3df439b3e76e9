//! The interface language: Chinese by default, English on request.

use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文.
    Zh,
    /// English.
    En,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "中文" => Ok(Lang::Zh),
            "en" | "en-us" | "english" => Ok(Lang::En),
            other => Err(format!("'{other}' is not a language; use zh or en")),
        }
    }
}

static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Sets the language for the rest of the run.
pub fn set(lang: Lang) {
    ENGLISH.store(lang == Lang::En, Ordering::Relaxed);
}

/// Whether the interface is in English.
pub fn english() -> bool {
    ENGLISH.load(Ordering::Relaxed)
}

/// The text in the interface language.
pub fn tr<'a>(zh: &'a str, en: &'a str) -> &'a str {
    if english() { en } else { zh }
}
