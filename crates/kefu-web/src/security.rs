//! The security headers of every answer: pages, the API, exports, the
//! login page, errors and assets.
//!
//! - `Content-Security-Policy`: everything from this server only, and no
//!   inline script: the pages' one script is `/assets/app.js` and no
//!   template has an inline `<script>`, `on…=` handler or `style=`
//!   attribute, so neither `script-src` nor `style-src` allows
//!   `'unsafe-inline'`. The charts are inline SVG, which is markup, not
//!   script; their colours are presentation attributes (`fill=`,
//!   `stroke=`), which `style-src` does not govern. `img-src` allows
//!   `data:` for the pages' empty icon (`<link rel="icon" href="data:,">`,
//!   which keeps browsers from asking for `/favicon.ico`).
//!   `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for older
//!   browsers): no page may be framed, so no click-jacking.
//! - `X-Content-Type-Options: nosniff`: a CSV or JSON answer is never read
//!   as HTML or script.
//! - `Referrer-Policy: same-origin`: links out of kefu do not carry the
//!   page's address (store codes, filters).
//! - `Cache-Control: no-store` on every answer that does not set its own:
//!   pages, API answers and exports hold data a shared computer or a proxy
//!   must not keep. The assets set `public, max-age=3600` and keep it.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

/// The `Content-Security-Policy` of every answer.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
frame-ancestors 'none'";

/// Adds the security headers to an answer (see the module's doc); a
/// `Cache-Control` that the handler set is kept.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
