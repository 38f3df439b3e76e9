//! The application's shared state and its settings.

use crate::auth::RateLimiter;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::time::Instant;

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// How long a login lasts, in seconds.
    pub session_seconds: i64,
    /// The largest request body accepted (uploads, API batches), in bytes.
    pub upload_limit: usize,
    /// The most records one API batch may hold.
    pub batch_limit: usize,
    /// Failed logins per user name (and per address) in the window before
    /// further tries are refused.
    pub login_attempts: u32,
    /// The window of the login rate limit, in seconds.
    pub login_window_seconds: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            session_seconds: 12 * 3600,
            upload_limit: 64 * 1024 * 1024,
            batch_limit: 10_000,
            login_attempts: 5,
            login_window_seconds: 15 * 60,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The service layer: handlers reach the data only through its gates
    /// ([`crate::auth::Viewer::gate`]).
    pub app: kefu_app::App,
    /// Server settings.
    pub config: Arc<Config>,
    /// Failed-login counts.
    pub(crate) limiter: Arc<RateLimiter>,
}

impl AppState {
    /// The state over the service layer.
    pub fn new(app: kefu_app::App, config: Config) -> AppState {
        let limiter = RateLimiter::new(config.login_attempts, config.login_window_seconds);
        AppState {
            app,
            config: Arc::new(config),
            limiter: Arc::new(limiter),
        }
    }
}

/// Logs each request as one structured line: method, path, status, time.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    tracing::info!(
        target: "kefu::http",
        method = %method,
        path = %path,
        status = res.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    res
}

pub use kefu_app::now_ms;
