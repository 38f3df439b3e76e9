//! Reading one message with a compiled rule set ([`Inspector::scan`]): the
//! first finding of each `keyword` and `pattern` rule (spec §1 "One finding
//! per rule and message"), and which look-only lists (apologies, greetings,
//! closings, holds) it contains.
//!
//! A rule's finding is its first candidate by start, the longest of those,
//! that no allow occurrence of the rule contains. A rule without allow
//! phrases keeps only its best candidate so far; the candidates and allow
//! occurrences of the others are kept until the end of the message.

use crate::engine::{Inspector, MAX_SKIP_SETS, Use, role_index};
use crate::fold::{Folded, Stripped};
use kefu_kpi::Role;

/// One occurrence in a message: rule, use, span in original characters.
#[derive(Debug, Clone, Copy)]
struct Hit {
    rule: usize,
    allow: bool,
    span: (u32, u32),
}

/// A finding of a `keyword` or `pattern` rule in one message (its text is
/// [`crate::fold::char_span`] of the message and the span).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextFinding {
    /// Index of the rule in [`Inspector::rules`].
    pub rule: usize,
    /// Span in characters of the text as sent, `[start, end)`.
    pub span: (u32, u32),
}

/// What one message holds for the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The first uncovered match of each `keyword`/`pattern`-like rule, in
    /// rule order.
    pub findings: Vec<TextFinding>,
    /// The rules whose look-only phrase list the message contains, sorted.
    pub looks: Vec<usize>,
    /// The `unanswered` rules whose acknowledgements are all a buyer
    /// message says ([`crate::inspect::is_acknowledgement`]), sorted.
    pub acks: Vec<usize>,
}

/// A [`Scan`] borrowed from wherever it is kept (an import keeps the scans
/// of millions of messages in two shared lists).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanRef<'a> {
    /// As [`Scan::findings`].
    pub findings: &'a [TextFinding],
    /// As [`Scan::looks`].
    pub looks: &'a [usize],
    /// As [`Scan::acks`].
    pub acks: &'a [usize],
    /// The message's text as sent, when the scan is kept apart from a
    /// message that does not carry it (its findings' texts are cut from
    /// it); empty: the message's own text.
    pub text: &'a str,
}

impl Scan {
    /// Borrowed.
    pub fn borrowed(&self) -> ScanRef<'_> {
        ScanRef {
            findings: &self.findings,
            looks: &self.looks,
            acks: &self.acks,
            text: "",
        }
    }
}

/// Buffers reused from message to message.
#[derive(Debug, Default)]
pub struct Buffers {
    folded: Folded,
    stripped: Stripped,
    found: Found,
    /// A buyer message's folded text reduced to letters.
    letters: String,
    /// Whether scans check buyer messages against the acknowledgements of
    /// `unanswered` rules ([`Scan::acks`]): for a reader that will not
    /// keep the texts (the import); others check the few messages that
    /// matter when a session ends unanswered.
    keep_acks: bool,
}

impl Buffers {
    /// Buffers whose scans fill [`Scan::acks`].
    pub fn keeping_acks() -> Buffers {
        Buffers {
            keep_acks: true,
            ..Buffers::default()
        }
    }
}

/// The candidates of one message so far.
#[derive(Debug, Default)]
struct Found {
    /// Candidates and allow occurrences of rules with allow phrases.
    hits: Vec<Hit>,
    /// Per rule, the best candidate so far of a rule without allow phrases.
    best: Vec<Option<(u32, u32)>>,
    /// The rules with an entry in `best`.
    touched: Vec<usize>,
}

/// Whether candidate span `a` comes before `b`: earlier start, then longer.
#[inline]
fn before(a: (u32, u32), b: (u32, u32)) -> bool {
    a.0 < b.0 || (a.0 == b.0 && a.1 > b.1)
}

impl Found {
    /// A candidate of a rule.
    #[inline]
    fn candidate(&mut self, has_allow: bool, rule: usize, span: (u32, u32)) {
        if has_allow {
            self.hits.push(Hit {
                rule,
                allow: false,
                span,
            });
            return;
        }
        match self.best[rule] {
            None => {
                self.best[rule] = Some(span);
                self.touched.push(rule);
            }
            Some(b) if before(span, b) => self.best[rule] = Some(span),
            Some(_) => {}
        }
    }
}

impl Inspector {
    /// Reads one message of an effective role.
    pub fn scan(&self, text: &str, role: Role, buf: &mut Buffers) -> Scan {
        let mut out = Scan::default();
        self.scan_into(text, role, buf, &mut out);
        out
    }

    /// [`Inspector::scan`] into `out` (cleared first), so that a caller
    /// reading many messages reuses one allocation.
    pub fn scan_into(&self, text: &str, role: Role, buf: &mut Buffers, out: &mut Scan) {
        out.findings.clear();
        out.looks.clear();
        out.acks.clear();
        let Some(r) = role_index(role) else {
            return;
        };
        if text.is_empty() {
            return;
        }
        let takes = &self.takes[r];
        buf.folded.fold(text);
        buf.found.hits.clear();
        if buf.found.best.len() < self.rules.len() {
            buf.found.best.resize(self.rules.len(), None);
        }
        // The skip sets with a character in the text: their phrases are
        // found in the text without those characters, the others' in the
        // main pass.
        let mut present = 0u16;
        if self.strippings.len() > 1 {
            for c in buf.folded.text().chars() {
                present |= self.skip_mask(c);
            }
            present &= self.wanted[r];
        }
        if let Some(main) = &self.mains[r] {
            for m in main.automaton.find_overlapping_iter(buf.folded.text()) {
                let uses = &main.uses[m.pattern().as_usize()];
                let span = buf.folded.span(m.start(), m.end());
                for &(rule, u) in uses {
                    match u {
                        Use::Phrase { variant } if present & (1 << variant) == 0 && takes[rule] => {
                            buf.found.candidate(self.has_allow[rule], rule, span)
                        }
                        Use::Allow if takes[rule] => buf.found.hits.push(Hit {
                            rule,
                            allow: true,
                            span,
                        }),
                        Use::Look if role == Role::Agent && !out.looks.contains(&rule) => {
                            out.looks.push(rule)
                        }
                        _ => {}
                    }
                }
            }
        }
        for variant in 1..self.strippings.len().min(MAX_SKIP_SETS) {
            if present & (1 << variant) == 0 {
                continue;
            }
            let Some(stripping) = &self.strippings[variant] else {
                continue;
            };
            let bit = 1 << variant;
            buf.stripped
                .strip(buf.folded.text(), |c| self.skip_mask(c) & bit != 0);
            for m in stripping
                .automaton
                .find_overlapping_iter(buf.stripped.text())
            {
                let rules = &stripping.rules[m.pattern().as_usize()];
                if !rules.iter().any(|&rule| takes[rule]) {
                    continue;
                }
                let (a, b) = buf.stripped.folded_range(m.start(), m.end());
                let span = buf.folded.span(a, b);
                for &rule in rules {
                    if takes[rule] {
                        buf.found.candidate(self.has_allow[rule], rule, span);
                    }
                }
            }
        }
        if let Some(set) = &self.patterns
            && set.is_match(buf.folded.text())
        {
            for p in set.matches(buf.folded.text()).iter() {
                let (rule, re) = &self.pattern_rules[p];
                if !takes[*rule] {
                    continue;
                }
                for caps in re.captures_iter(buf.folded.text()) {
                    let m = if re.captures_len() > 1 {
                        caps.get(1)
                    } else {
                        caps.get(0)
                    };
                    if let Some(m) = m.filter(|m| !m.is_empty()) {
                        let span = buf.folded.span(m.start(), m.end());
                        buf.found.candidate(self.has_allow[*rule], *rule, span);
                    }
                }
            }
        }
        for rule in buf.found.touched.drain(..) {
            if let Some(span) = buf.found.best[rule].take() {
                out.findings.push(TextFinding { rule, span });
            }
        }
        first_uncovered(&mut buf.found.hits, out);
        if buf.keep_acks && role == Role::Buyer && !self.unanswered.is_empty() {
            crate::fold::letters_only_into(buf.folded.text(), &mut buf.letters);
            for &rule in &self.unanswered {
                if crate::inspect::only_acknowledgements(&buf.letters, self.acks(rule)) {
                    out.acks.push(rule);
                }
            }
        }
        out.findings.sort_unstable_by_key(|f| f.rule);
        out.looks.sort_unstable();
    }
}

/// Per rule with allow phrases: candidates by start, longest first; the
/// first that no allow occurrence contains.
fn first_uncovered(hits: &mut [Hit], out: &mut Scan) {
    hits.sort_unstable_by_key(|h| (h.rule, h.allow, h.span.0, std::cmp::Reverse(h.span.1)));
    let mut i = 0;
    while i < hits.len() {
        let rule = hits[i].rule;
        let end = i + hits[i..].partition_point(|h| h.rule == rule);
        let group = &hits[i..end];
        let split = group.partition_point(|h| !h.allow);
        let (candidates, allows) = group.split_at(split);
        if let Some(c) = candidates.iter().find(|c| {
            !allows
                .iter()
                .any(|a| a.span.0 <= c.span.0 && c.span.1 <= a.span.1)
        }) {
            out.findings.push(TextFinding { rule, span: c.span });
        }
        i = end;
    }
}
