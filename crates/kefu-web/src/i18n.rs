//! The interface language of a request: Chinese by default, English by the
//! `kefu_lang` cookie (set by `/lang/en`) or `?lang=en`. The type is kefu's
//! one [`Lang`].

use axum::http::request::Parts;
pub use kefu_domain::Lang;

/// The language of a request: `?lang=` first, then the cookie.
pub fn lang_of(parts: &Parts) -> Lang {
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

tokio::task_local! {
    /// The language of the request being answered (see [`with_lang`]).
    static LANG: Lang;
}

/// The language of the request being answered, for answers made without
/// the request at hand (error pages); Chinese outside a request.
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// Answers each request with its language known to [`current`].
pub async fn with_lang(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let lang = lang_of(&parts);
    let req = axum::extract::Request::from_parts(parts, body);
    LANG.scope(lang, next.run(req)).await
}
