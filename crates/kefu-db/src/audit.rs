//! The audit log: who wrote what, and when. The service layer (`kefu-app`)
//! records every write it makes with its actor; rows are only ever added.
//! Both backends implement [`AuditLog`] with the SQL of
//! [`crate::sql_audit!`].

use anyhow::Result;
use async_trait::async_trait;

/// One write, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Database id (0 for an entry to record).
    pub id: i64,
    /// When, UTC milliseconds.
    pub at_ms: i64,
    /// `user`, `token` or `cli`.
    pub actor_kind: String,
    /// The user (a token's owner); `None` for the command line.
    pub user_id: Option<i64>,
    /// The actor's name as shown (login name, `token <name>`, `cli`).
    pub actor_name: String,
    /// The token, when one was used.
    pub token_id: Option<i64>,
    /// What was done, e.g. `user.create`.
    pub action: String,
    /// What it was done to.
    pub subject: String,
    /// A few words more.
    pub detail: String,
}

/// The statement that adds an entry, its values bound in the order of
/// [`AuditEntry`]'s fields after `id`; shared by [`AuditLog::record`] and
/// the import transaction's [`crate::ImportTx::record`].
pub const INSERT_ENTRY: &str = "INSERT INTO audit_log \
     (at_ms, actor_kind, user_id, actor_name, token_id, action, subject, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Storage of the audit log.
#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Adds an entry; returns its id.
    async fn record(&self, entry: &AuditEntry) -> Result<i64>;
    /// The newest entries first, at most `limit`.
    async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>>;
}

/// Implements [`AuditLog`] for `$repo` (a struct with a field
/// `pool: sqlx::Pool<$db>`), on the table `audit_log` of each backend's
/// migration `0003_audit.sql`.
#[macro_export]
macro_rules! sql_audit {
    ($repo:ident, $db:ty) => {
        #[::async_trait::async_trait]
        impl $crate::audit::AuditLog for $repo {
            async fn record(&self, e: &$crate::audit::AuditEntry) -> ::anyhow::Result<i64> {
                let sql = format!("{} RETURNING id", $crate::audit::INSERT_ENTRY);
                Ok(::sqlx::query_scalar(&sql)
                .bind(e.at_ms)
                .bind(&e.actor_kind)
                .bind(e.user_id)
                .bind(&e.actor_name)
                .bind(e.token_id)
                .bind(&e.action)
                .bind(&e.subject)
                .bind(&e.detail)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn audit_entries(&self, limit: i64) -> ::anyhow::Result<Vec<$crate::audit::AuditEntry>> {
                type Row = (i64, i64, String, Option<i64>, String, Option<i64>, String, String, String);
                let rows: Vec<Row> = ::sqlx::query_as(
                    "SELECT id, at_ms, actor_kind, user_id, actor_name, token_id, action, subject, detail \
                     FROM audit_log ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, at_ms, actor_kind, user_id, actor_name, token_id, action, subject, detail)| {
                        $crate::audit::AuditEntry {
                            id,
                            at_ms,
                            actor_kind,
                            user_id,
                            actor_name,
                            token_id,
                            action,
                            subject,
                            detail,
                        }
                    })
                    .collect())
            }
        }
    };
}
