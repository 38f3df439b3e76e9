//! The QA projection's rows written with `COPY`: an import of a month
//! stores millions of inspected sessions and findings, which multi-row
//! `INSERT`s would make the larger part of its commit.

use crate::copy_field;
use kefu_db::qa_projection::{FindingOut, SessionOut};
use std::fmt::Write as _;

/// Rows per `COPY` message, so that the server works on one piece while
/// the next is written.
const ROWS_PER_PIECE: usize = 2000;

/// An optional number in `COPY` text format.
fn copy_number(out: &mut String, value: Option<i64>) {
    match value {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push_str("\\N"),
    }
}

/// The `COPY` lines of inspected sessions (not pinned, not reviewed).
fn session_lines(rows: &[&SessionOut]) -> String {
    let mut text = String::with_capacity(rows.len() * 64);
    for s in rows {
        let _ = write!(
            text,
            "{}\t{}\t{}\t{}\t",
            s.conv_id, s.start_ms, s.store_id, s.day
        );
        copy_field(&mut text, s.agent.as_deref());
        let _ = write!(text, "\t{}\t", s.kind);
        copy_number(&mut text, s.auto_score);
        let _ = writeln!(
            text,
            "\t{}\t{}\t{}\tf\tf\t\\N",
            if s.critical { 't' } else { 'f' },
            s.findings,
            s.version
        );
    }
    text
}

/// The `COPY` lines of findings (not pinned).
fn finding_lines(rows: &[&FindingOut]) -> String {
    let mut text = String::with_capacity(rows.len() * 96);
    for f in rows {
        let _ = write!(
            text,
            "{}\t{}\t{}\t{}\t",
            f.conv_id, f.start_ms, f.store_id, f.day
        );
        copy_field(&mut text, f.message_id.as_deref());
        text.push('\t');
        copy_field(&mut text, f.agent.as_deref());
        text.push('\t');
        copy_field(&mut text, Some(&f.rule));
        let _ = write!(text, "\t{}\t{}\t{}\t", f.kind, f.severity, f.points);
        copy_field(&mut text, f.matched.as_deref());
        text.push('\t');
        copy_number(&mut text, f.span.map(|s| s.0));
        text.push('\t');
        copy_number(&mut text, f.span.map(|s| s.1));
        let _ = writeln!(text, "\t{}\tf", f.version);
    }
    text
}

/// Stores inspected sessions and findings with one `COPY` per table.
pub(crate) async fn insert_qa(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    sessions: &[&SessionOut],
    findings: &[&FindingOut],
) -> anyhow::Result<()> {
    if !sessions.is_empty() {
        let mut copy = tx
            .copy_in_raw(
                "COPY qa_sessions (conv_id, start_ms, store_id, day, agent, kind, auto_score, \
                 critical, findings, version, pinned, reviewed, final_score) FROM STDIN",
            )
            .await?;
        for piece in sessions.chunks(ROWS_PER_PIECE) {
            copy.send(session_lines(piece).into_bytes()).await?;
        }
        copy.finish().await?;
    }
    if !findings.is_empty() {
        let mut copy = tx
            .copy_in_raw(
                "COPY qa_findings (conv_id, start_ms, store_id, day, message_id, agent, rule, kind, \
                 severity, points, matched, span_start, span_end, version, pinned) FROM STDIN",
            )
            .await?;
        for piece in findings.chunks(ROWS_PER_PIECE) {
            copy.send(finding_lines(piece).into_bytes()).await?;
        }
        copy.finish().await?;
    }
    Ok(())
}
