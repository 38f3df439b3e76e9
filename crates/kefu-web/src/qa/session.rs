//! `/qa/sessions/{conv}/{start}`: one inspected session beside its
//! transcript, the findings highlighted in the text, and the forms of the
//! review workflow the viewer may use: the review (scorecard, confirm or
//! dismiss each finding, a comment), appeals, and their decisions.

use super::pages::severity_label;
use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::state::AppState;
use crate::view::{Chrome, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kefu_access::Action;
use kefu_app::qa_review::ReviewRequest;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "qa/session.html")]
struct SessionPage {
    c: Chrome,
    base: String,
    transcript_href: String,
    store: String,
    buyer: String,
    start: String,
    agent: String,
    kind: String,
    auto_score: String,
    final_score: String,
    messages: Vec<Line>,
    findings: Vec<FindingLine>,
    review: Option<ReviewView>,
    appeals: Vec<AppealView>,
    scorecard: Vec<(String, String, u32, bool)>,
    may_review: bool,
    may_appeal_review: bool,
}

struct Line {
    at: String,
    who: String,
    role: &'static str,
    segments: Vec<(String, String)>,
}

struct FindingLine {
    id: i64,
    rule: String,
    severity: String,
    points: i64,
    matched: String,
    agent: String,
    dismissed: bool,
    appealable: bool,
}

struct ReviewView {
    inspector: String,
    score: i64,
    comment: String,
    failed: Vec<String>,
}

struct AppealView {
    id: i64,
    what: String,
    by: String,
    reason: String,
    outcome: String,
    decision_reason: String,
    decidable: bool,
}

/// A span of characters `[start, end)` and the rule that marked it.
pub(crate) type Marked = ((i64, i64), String);

/// Splits a message into (text, title) segments, the title non-empty where
/// a finding's span covers it.
pub(crate) fn segments(content: &str, spans: &[Marked]) -> Vec<(String, String)> {
    let chars: Vec<char> = content.chars().collect();
    let mut marks: Vec<Option<&str>> = vec![None; chars.len()];
    for ((a, b), title) in spans {
        for m in marks
            .iter_mut()
            .take((*b).max(0) as usize)
            .skip((*a).max(0) as usize)
        {
            m.get_or_insert(title.as_str());
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (c, m) in chars.iter().zip(&marks) {
        let title = m.unwrap_or("");
        match out.last_mut() {
            Some((text, t)) if t == title => text.push(*c),
            _ => out.push((c.to_string(), title.to_string())),
        }
    }
    out
}

/// The review page.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((conv, start)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let d = gate.qa_session(conv, start).await?;
    let s = &d.session;
    let transcript = gate.conversation(&s.store, conv).await?;
    let index = transcript
        .sessions
        .iter()
        .find(|x| x.start_ms == start)
        .map(|x| x.index);
    let dismissed: Vec<i64> = d
        .review
        .as_ref()
        .map(|r| {
            r.decisions
                .iter()
                .filter(|(_, c)| !c)
                .map(|(f, _)| *f)
                .collect()
        })
        .unwrap_or_default();
    let mut spans: HashMap<&str, Vec<Marked>> = HashMap::new();
    for f in &d.findings {
        if let (Some(m), Some(span)) = (&f.message_id, f.span) {
            spans
                .entry(m.as_str())
                .or_default()
                .push((span, f.rule.clone()));
        }
    }
    let messages = transcript
        .messages
        .iter()
        .filter(|m| Some(m.session) == index)
        .map(|m| Line {
            at: m.sent_at.clone(),
            who: m
                .agent
                .clone()
                .unwrap_or_else(|| m.role.as_str().to_string()),
            role: m.role.as_str(),
            segments: segments(
                &m.content,
                spans.get(m.message_id.as_str()).map_or(&[][..], |v| v),
            ),
        })
        .collect();
    let may_appeal = gate.scope().may(Action::Appeal);
    let appealed: Vec<i64> = d.appeals.iter().filter_map(|a| a.finding_id).collect();
    let findings = d
        .findings
        .iter()
        .map(|f| FindingLine {
            id: f.id,
            rule: f.rule.clone(),
            severity: severity_label(&f.severity, l),
            points: f.points,
            matched: f.matched.clone().unwrap_or_default(),
            agent: f.agent.clone().unwrap_or_default(),
            dismissed: dismissed.contains(&f.id),
            appealable: may_appeal
                && !dismissed.contains(&f.id)
                && !appealed.contains(&f.id)
                && f.agent
                    .as_deref()
                    .is_some_and(|a| gate.scope().sees_agent(a)),
        })
        .collect();
    let may_review = gate.scope().may(Action::Review);
    let reviewer = d
        .review
        .as_ref()
        .map(|r| (r.inspector_id, r.inspector.clone()));
    let is_reviewer = reviewer.as_ref().is_some_and(|(id, name)| {
        match (id, viewer.gate(&state).actor().user_id()) {
            (Some(a), Some(b)) => *a == b,
            _ => *name == viewer.user.username,
        }
    });
    let appeals = d
        .appeals
        .iter()
        .map(|a| AppealView {
            id: a.id,
            what: match a.finding_id {
                Some(f) => format!("{} #{f}", l.t("问题", "finding")),
                None => l.t("复核", "review").to_string(),
            },
            by: a.by_user.clone(),
            reason: a.reason.clone(),
            outcome: match a.upheld {
                None => l.t("待裁决", "open").to_string(),
                Some(true) => l.t("维持", "upheld").to_string(),
                Some(false) => l.t("撤销", "overturned").to_string(),
            },
            decision_reason: a.decision_reason.clone().unwrap_or_default(),
            decidable: may_review && a.upheld.is_none() && !is_reviewer,
        })
        .collect();
    let review = d.review.as_ref().map(|r| ReviewView {
        inspector: r.inspector.clone(),
        score: r.score,
        comment: r.comment.clone(),
        failed: r
            .items
            .iter()
            .filter(|i| i.failed)
            .map(|i| i.item.name.clone())
            .collect(),
    });
    let may_appeal_review = may_appeal
        && d.review.is_some()
        && !d.appeals.iter().any(|a| a.review_id.is_some())
        && s.agent
            .as_deref()
            .is_some_and(|a| gate.scope().sees_agent(a));
    let scorecard = gate
        .qa_scorecard()
        .await?
        .into_iter()
        .map(|i| (i.id, i.name, i.points, i.critical))
        .collect();
    let start_text = gate.local_time(&s.store, start).await?;
    let page = SessionPage {
        c: viewer.chrome(
            format!(
                "{} {} {}",
                l.t("质检会话", "Inspected session"),
                s.buyer,
                start_text
            ),
            "qa",
        ),
        base: format!("/qa/sessions/{conv}/{start}"),
        transcript_href: format!("/stores/{}/conversations/{conv}", url_encode(&s.store)),
        store: s.store.clone(),
        buyer: s.buyer.clone(),
        start: start_text,
        agent: s.agent.clone().unwrap_or_default(),
        kind: super::answers::kind_name(s.kind).to_string(),
        auto_score: s
            .auto_score
            .map(|x| x.to_string())
            .unwrap_or_else(|| "-".into()),
        final_score: s
            .final_score
            .or(s.auto_score)
            .map(|x| x.to_string())
            .unwrap_or_else(|| "-".into()),
        messages,
        findings,
        review,
        appeals,
        scorecard,
        may_review: may_review && d.review.is_none(),
        may_appeal_review,
    };
    Ok(render(&page)?.into_response())
}

/// The review form: `failed_<item>` and `dismiss_<finding>` checkboxes and
/// a comment.
pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((conv, start)): Path<(i64, i64)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let mut r = ReviewRequest {
        comment: form.get("comment").cloned().unwrap_or_default(),
        ..Default::default()
    };
    for key in form.keys() {
        if let Some(item) = key.strip_prefix("failed_") {
            r.failed_items.push(item.to_string());
        }
        if let Some(id) = key.strip_prefix("dismiss_").and_then(|x| x.parse().ok()) {
            r.dismissed.push(id);
        }
    }
    r.failed_items.sort();
    r.dismissed.sort_unstable();
    viewer.gate(&state).qa_review(conv, start, &r).await?;
    Ok(Redirect::to(&format!("/qa/sessions/{conv}/{start}")).into_response())
}

/// The appeal form: a reason, and the finding (none: the review).
pub async fn appeal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((conv, start)): Path<(i64, i64)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let finding = match form.get("finding").filter(|f| !f.is_empty()) {
        Some(f) => Some(
            f.parse()
                .map_err(|_| AppError::BadRequest("finding: not a number".into()))?,
        ),
        None => None,
    };
    let reason = form.get("reason").cloned().unwrap_or_default();
    viewer
        .gate(&state)
        .qa_appeal(conv, start, finding, &reason)
        .await?;
    Ok(Redirect::to(&format!("/qa/sessions/{conv}/{start}")).into_response())
}

/// The decision form of an appeal: `upheld` 1 or 0, and a reason.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((conv, start, id)): Path<(i64, i64, i64)>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    viewer.check_csrf(form.get("csrf").map(String::as_str))?;
    let upheld = form.get("upheld").map(String::as_str) == Some("1");
    let reason = form.get("reason").cloned().unwrap_or_default();
    viewer.gate(&state).qa_decide(id, upheld, &reason).await?;
    Ok(Redirect::to(&format!("/qa/sessions/{conv}/{start}")).into_response())
}

#[cfg(test)]
mod tests {
    use super::segments;

    #[test]
    fn spans_mark_characters() {
        let s = segments("加我微信吧", &[((2, 4), "offplatform".into())]);
        assert_eq!(
            s,
            vec![
                ("加我".to_string(), String::new()),
                ("微信".to_string(), "offplatform".to_string()),
                ("吧".to_string(), String::new()),
            ]
        );
    }
}
