//! The interface language of the command line, set once per run from
//! `--lang` (the one language type of kefu, [`kefu_domain::Lang`]).

pub use kefu_domain::Lang;
use std::sync::atomic::{AtomicBool, Ordering};

static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Sets the language for the rest of the run.
pub fn set(lang: Lang) {
    ENGLISH.store(lang == Lang::En, Ordering::Relaxed);
}

/// The language of this run.
pub fn current() -> Lang {
    if english() { Lang::En } else { Lang::Zh }
}

/// Whether the interface is in English.
pub fn english() -> bool {
    ENGLISH.load(Ordering::Relaxed)
}

/// The text in the interface language.
pub fn tr<'a>(zh: &'a str, en: &'a str) -> &'a str {
    current().t(zh, en)
}
