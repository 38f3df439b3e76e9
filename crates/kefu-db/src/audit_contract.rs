//! The contract every [`AuditLog`] implementation passes, on a fresh, empty
//! database: entries come back as recorded, newest first, within the limit.

use crate::audit::{AuditEntry, AuditLog};
use anyhow::{Result, ensure};

fn entry(n: i64, kind: &str, user: Option<i64>, token: Option<i64>) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms: 1_700_000_000_000 + n,
        actor_kind: kind.into(),
        user_id: user,
        actor_name: format!("actor {n} 张三"),
        token_id: token,
        action: format!("action.{n}"),
        subject: format!("subject {n}"),
        detail: if n % 2 == 0 {
            String::new()
        } else {
            format!("detail={n}")
        },
    }
}

/// Entries come back as recorded (every field, Chinese text, `None`s), the
/// newest first, at most `limit`.
pub async fn entries_newest_first(db: &dyn AuditLog) -> Result<()> {
    ensure!(db.audit_entries(10).await?.is_empty(), "a new log is empty");
    let written = [
        entry(1, "cli", None, None),
        entry(2, "user", Some(7), None),
        entry(3, "token", Some(7), Some(3)),
    ];
    let mut ids = Vec::new();
    for e in &written {
        ids.push(db.record(e).await?);
    }
    ensure!(ids.windows(2).all(|w| w[0] < w[1]), "ids grow: {ids:?}");
    let read = db.audit_entries(10).await?;
    ensure!(read.len() == 3, "three entries: {read:?}");
    for (got, (want, id)) in read.iter().zip(written.iter().zip(&ids).rev()) {
        let want = AuditEntry {
            id: *id,
            ..want.clone()
        };
        ensure!(*got == want, "as recorded: {got:?} against {want:?}");
    }
    let two = db.audit_entries(2).await?;
    ensure!(
        two.iter().map(|e| e.id).collect::<Vec<_>>() == vec![ids[2], ids[1]],
        "the newest two: {two:?}"
    );
    Ok(())
}
