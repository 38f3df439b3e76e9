//! Inspecting one (store, buyer) conversation (spec §1 "Exact reading" and
//! §2): its sessions by the rules of `kpi.md` (the same
//! [`kefu_kpi::conversation_sessions`] the KPI figures use), every message
//! read once by the [`Inspector`], then the session rules (slow replies,
//! unanswered endings, greetings, closings, missed follow-ups), whose
//! findings, and the auto scores.

use crate::engine::Inspector;
use crate::fold::{char_span, fold_str, letters_only};
use crate::rules::{Kind, Severity};
use crate::scan::{Buffers, Scan, ScanRef};
use kefu_kpi::{Msg, Params, Role, RoundOutcome, SessionKind, SessionView};

/// One message of a conversation as the inspection reads it.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// When it was sent, UTC milliseconds.
    pub at: i64,
    /// Order of arrival, breaking ties in time.
    pub seq: u64,
    /// Its effective role (`kefu_kpi::Role::of`).
    pub role: Role,
    /// The agent named by the record, as an id of the caller's choosing.
    pub agent: Option<u32>,
    /// Its content as sent.
    pub text: &'a str,
    /// What [`Inspector::scan`] found in it, when it was read before (an
    /// import reads messages as they arrive); `None`: read it now.
    pub scan: Option<ScanRef<'a>>,
}

/// One finding (spec §1): a rule that fired in a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Index of its session in [`Inspection::sessions`].
    pub session: usize,
    /// Index of the rule in [`Inspector::rules`].
    pub rule: usize,
    /// Index of the message in the sorted messages, when there is one.
    pub message: Option<usize>,
    /// Span in characters of the message as sent (rules with a matched
    /// text only).
    pub span: Option<(u32, u32)>,
    /// The original text of the span.
    pub matched: Option<String>,
    /// The agent it belongs to.
    pub agent: Option<u32>,
    /// Its severity.
    pub severity: Severity,
    /// Points it deducts.
    pub points: u32,
}

/// One inspected session (every session with a buyer message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedSession {
    /// Time of its first record, UTC ms (with store and buyer, its name).
    pub start_ms: i64,
    /// Local day of its start (days since 1970-01-01).
    pub day: i32,
    /// Manual, bot or unanswered.
    pub kind: SessionKind,
    /// The receiving agent.
    pub receiving: Option<u32>,
    /// The auto score of a manual session (§2); `None` for bot and
    /// unanswered sessions.
    pub auto_score: Option<u32>,
    /// A critical finding marks it for review.
    pub critical: bool,
    /// Number of its findings.
    pub findings: u32,
}

/// A conversation's inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspection {
    /// Its inspected sessions, in order.
    pub sessions: Vec<InspectedSession>,
    /// Their findings, by session, message and rule.
    pub findings: Vec<Finding>,
}

/// The auto score of a manual session with findings of these points.
pub fn auto_score(points: impl IntoIterator<Item = u32>) -> u32 {
    100u32.saturating_sub(points.into_iter().fold(0u32, u32::saturating_add))
}

impl Inspector {
    /// Inspects one conversation. `messages` is sorted here by (time,
    /// arrival); the indexes of the findings point into it.
    pub fn inspect(&self, p: &Params, messages: &mut [Message<'_>]) -> Inspection {
        thread_local! {
            /// Each thread's buffers, reused from conversation to conversation.
            static READING: std::cell::RefCell<(Buffers, Scan)> = Default::default();
        }
        READING.with(|reading| match reading.try_borrow_mut() {
            Ok(mut reading) => {
                let (buf, scan) = &mut *reading;
                self.inspect_with(p, messages, buf, scan)
            }
            Err(_) => self.inspect_with(p, messages, &mut Buffers::default(), &mut Scan::default()),
        })
    }

    fn inspect_with(
        &self,
        p: &Params,
        messages: &mut [Message<'_>],
        buf: &mut Buffers,
        scan: &mut Scan,
    ) -> Inspection {
        messages.sort_by_key(|m| (m.at, m.seq));
        let mut msgs: Vec<Msg> = messages
            .iter()
            .map(|m| Msg {
                at: m.at,
                seq: m.seq,
                role: m.role,
                agent: m.agent,
            })
            .collect();
        let view = kefu_kpi::conversation_sessions(&mut msgs, &[], p);
        let mut out = Inspection::default();
        // (message, rule) of every look-only list a message contains, in
        // message and then rule order.
        let mut looks: Vec<(usize, usize)> = Vec::new();
        // (message, rule) of every buyer message that is only
        // acknowledgements for an `unanswered` rule.
        let mut acks: Vec<(usize, usize)> = Vec::new();
        for s in &view.sessions {
            if s.kind == SessionKind::Outbound {
                continue;
            }
            let session = out.sessions.len();
            let first_finding = out.findings.len();
            looks.clear();
            acks.clear();
            for i in s.first..s.end {
                let read = match messages[i].scan {
                    Some(read) => read,
                    None => {
                        self.scan_into(messages[i].text, messages[i].role, buf, scan);
                        scan.borrowed()
                    }
                };
                let text = if read.text.is_empty() {
                    messages[i].text
                } else {
                    read.text
                };
                for f in read.findings {
                    let matched = char_span(text, f.span).to_string();
                    out.findings.push(self.finding(
                        session,
                        f.rule,
                        Some(i),
                        messages,
                        s,
                        Some((f.span, matched)),
                    ));
                }
                looks.extend(read.looks.iter().map(|&rule| (i, rule)));
                acks.extend(read.acks.iter().map(|&rule| (i, rule)));
            }
            let looked = |i: usize, rule: usize| looks.binary_search(&(i, rule)).is_ok();
            // A scan kept apart (the import's) says; a scan made here left
            // the check to the few buyer messages that need it.
            let acked = |i: usize, rule: usize| match messages[i].scan {
                Some(_) => acks.binary_search(&(i, rule)).is_ok(),
                None => is_acknowledgement(messages[i].text, self.acks(rule)),
            };
            for (rule, r) in self.rules().iter().enumerate() {
                if r.disabled {
                    continue;
                }
                for at in self.session_rule(rule, &r.kind, messages, s, &looked, &acked) {
                    out.findings
                        .push(self.finding(session, rule, Some(at), messages, s, None));
                }
            }
            out.findings[first_finding..].sort_by_key(|f| (f.message, f.rule));
            let mine = &out.findings[first_finding..];
            out.sessions.push(InspectedSession {
                start_ms: s.start_ms,
                day: s.day,
                kind: s.kind,
                receiving: s.receiving,
                auto_score: (s.kind == SessionKind::Manual)
                    .then(|| auto_score(mine.iter().map(|f| f.points))),
                critical: mine.iter().any(|f| f.severity == Severity::Critical),
                findings: mine.len() as u32,
            });
        }
        out
    }

    fn finding(
        &self,
        session: usize,
        rule: usize,
        message: Option<usize>,
        messages: &[Message<'_>],
        s: &SessionView,
        text: Option<((u32, u32), String)>,
    ) -> Finding {
        let r = &self.rules()[rule];
        let agent = match message.map(|i| &messages[i]) {
            Some(m) if m.role == Role::Agent => m.agent,
            _ => s.receiving,
        };
        let (span, matched) = text.map_or((None, None), |(a, b)| (Some(a), Some(b)));
        Finding {
            session,
            rule,
            message,
            span,
            matched,
            agent,
            severity: r.severity,
            points: r.points,
        }
    }

    /// The messages a session rule fires on, in one session.
    fn session_rule(
        &self,
        rule: usize,
        kind: &Kind,
        messages: &[Message<'_>],
        s: &SessionView,
        looked: &dyn Fn(usize, usize) -> bool,
        acked: &dyn Fn(usize, usize) -> bool,
    ) -> Vec<usize> {
        let agent_messages = || (s.first..s.end).filter(|&i| messages[i].role == Role::Agent);
        match kind {
            Kind::SlowReply {
                seconds, window, ..
            } => s
                .rounds
                .iter()
                .filter_map(|r| match (r.outcome, r.end) {
                    (RoundOutcome::Human { response_ms, .. }, Some(reply))
                        if r.counts && response_ms > i64::from(*seconds) * 1000 =>
                    {
                        let apologised = (reply..s.end)
                            .filter(|&i| messages[i].role == Role::Agent)
                            .take(*window as usize)
                            .any(|i| looked(i, rule));
                        (!apologised).then_some(reply)
                    }
                    _ => None,
                })
                .collect(),
            Kind::Unanswered { .. } => {
                let Some(last) = s.rounds.last() else {
                    return Vec::new();
                };
                if last.outcome != RoundOutcome::Unanswered || !last.counts {
                    return Vec::new();
                }
                let only_acks = (last.start..s.end)
                    .filter(|&i| messages[i].role == Role::Buyer)
                    .all(|i| acked(i, rule));
                if only_acks {
                    Vec::new()
                } else {
                    vec![last.start]
                }
            }
            Kind::NoGreeting { .. } if s.kind == SessionKind::Manual => agent_messages()
                .next()
                .filter(|&i| !looked(i, rule))
                .into_iter()
                .collect(),
            Kind::NoClosing { .. } if s.kind == SessionKind::Manual => agent_messages()
                .next_back()
                .filter(|&i| !looked(i, rule))
                .into_iter()
                .collect(),
            Kind::FollowUpMissed { minutes, .. } => {
                let limit = i64::from(*minutes) * 60_000;
                agent_messages()
                    .filter(|&i| looked(i, rule))
                    .filter(|&i| {
                        let hold = &messages[i];
                        !messages[i + 1..]
                            .iter()
                            .take_while(|m| m.at <= hold.at + limit)
                            .any(|m| m.role == Role::Agent && m.agent == hold.agent)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Whether a buyer message is only acknowledgements: folded, without
/// punctuation, symbols, marks and spaces, non-empty and a concatenation of
/// one or more of `acks` (already folded and reduced to letters).
pub fn is_acknowledgement(text: &str, acks: &[String]) -> bool {
    only_acknowledgements(&letters_only(&fold_str(text)), acks)
}

/// [`is_acknowledgement`] of a text already folded and reduced to letters.
pub(crate) fn only_acknowledgements(letters: &str, acks: &[String]) -> bool {
    if letters.is_empty() || acks.is_empty() {
        return false;
    }
    // reachable[i]: the first i bytes are a concatenation of acknowledgements.
    let mut reachable = vec![false; letters.len() + 1];
    reachable[0] = true;
    for i in 0..letters.len() {
        if !reachable[i] || !letters.is_char_boundary(i) {
            continue;
        }
        for a in acks {
            if letters[i..].starts_with(a.as_str()) {
                reachable[i + a.len()] = true;
            }
        }
    }
    reachable[letters.len()]
}
