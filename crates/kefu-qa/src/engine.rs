//! The compiled form of one rule set: every phrase list of every rule in
//! one Aho-Corasick automaton, every pattern in one `RegexSet`, built once
//! per rule-set version and store and shared by all inspections, so that a
//! message costs about the same with fifty phrases or fifty thousand.
//!
//! [`Inspector::scan`] reads one message: the first finding of each
//! `keyword` and `pattern` rule (spec §1 "One finding per rule and
//! message"), and which look-only lists (apologies, greetings, closings,
//! holds) it contains. The session rules are in [`crate::inspect`].

use crate::fold::{Folded, Stripped, fold_str};
use crate::rules::{Kind, Rule, RuleSet, Senders};
use aho_corasick::{AhoCorasick, MatchKind};
use kefu_kpi::Role;
use regex::{Regex, RegexSet};
use std::collections::HashMap;

/// How a phrase of the automaton is used by one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A phrase whose occurrence is a candidate finding, found in the text
    /// with the `variant`-th skip set removed (0: nothing removed).
    Phrase { variant: usize },
    /// An allow phrase (found without skipping).
    Allow,
    /// A phrase that is only looked for (agent messages).
    Look,
}

/// One occurrence in a message: rule, use, span in original characters.
#[derive(Debug, Clone, Copy)]
struct Hit {
    rule: usize,
    allow: bool,
    span: (u32, u32),
}

/// A finding of a `keyword` or `pattern` rule in one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextFinding {
    /// Index of the rule in [`Inspector::rules`].
    pub rule: usize,
    /// Span in characters of the text as sent, `[start, end)`.
    pub span: (u32, u32),
    /// The original text of the span.
    pub matched: String,
}

/// What one message holds for the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// The first uncovered match of each `keyword`/`pattern`-like rule.
    pub findings: Vec<TextFinding>,
    /// The rules whose look-only phrase list the message contains.
    pub looks: Vec<usize>,
}

/// The most distinct `skip` sets a rule set may use, plus one (the empty
/// set).
const MAX_SKIP_SETS: usize = 16;

/// A rule set compiled for inspection.
#[derive(Debug)]
pub struct Inspector {
    version: i64,
    rules: Vec<Rule>,
    automaton: Option<AhoCorasick>,
    /// For each automaton pattern, its uses as (rule, use).
    uses: Vec<Vec<(usize, Use)>>,
    /// The distinct skip sets, folded; index 0 is the empty set.
    skips: Vec<Vec<char>>,
    /// Per rule, the skip set its phrases are found with (0 for all but
    /// `keyword` rules).
    variants: Vec<usize>,
    patterns: Option<RegexSet>,
    /// For each pattern of `patterns`, its rule and compiled expression.
    pattern_rules: Vec<(usize, Regex)>,
    /// Per rule, the acknowledgements of an `unanswered` rule, folded and
    /// reduced to letters.
    acks: Vec<Vec<String>>,
}

/// What is wrong with a rule set that cannot be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// The rule's id.
    pub rule: String,
    /// What is wrong, in English.
    pub en: String,
    /// What is wrong, in Chinese.
    pub zh: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "rule {}: {}", self.rule, self.en)
    }
}

impl std::error::Error for CompileError {}

/// Which senders a rule's phrase candidates come from, when it has them.
fn candidate_senders(kind: &Kind) -> Option<Senders> {
    match kind {
        Kind::Keyword { sender, .. } | Kind::Pattern { sender, .. } => Some(*sender),
        Kind::BuyerRepeat { .. } | Kind::ComplaintRisk { .. } => Some(Senders::Buyer),
        _ => None,
    }
}

impl Inspector {
    /// Compiles a rule set (overrides already applied) of a version.
    pub fn new(set: &RuleSet, version: i64) -> Result<Inspector, CompileError> {
        let rules = set.rules.clone();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut phrases: Vec<String> = Vec::new();
        let mut uses: Vec<Vec<(usize, Use)>> = Vec::new();
        let mut skips: Vec<Vec<char>> = vec![Vec::new()];
        let mut add = |text: String, rule: usize, u: Use| {
            if text.is_empty() {
                return;
            }
            let id = *ids.entry(text.clone()).or_insert_with(|| {
                phrases.push(text);
                uses.push(Vec::new());
                phrases.len() - 1
            });
            if !uses[id].contains(&(rule, u)) {
                uses[id].push((rule, u));
            }
        };
        let mut acks = vec![Vec::new(); rules.len()];
        let mut variants = vec![0; rules.len()];
        let mut sources = Vec::new();
        let mut pattern_rules = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.disabled {
                continue;
            }
            match &rule.kind {
                Kind::Keyword {
                    phrases: list,
                    allow,
                    skip,
                    ..
                } => {
                    let mut set: Vec<char> = fold_str(skip).chars().collect();
                    set.sort_unstable();
                    set.dedup();
                    let variant = match skips.iter().position(|s| *s == set) {
                        Some(v) => v,
                        None if skips.len() < MAX_SKIP_SETS => {
                            skips.push(set.clone());
                            skips.len() - 1
                        }
                        None => {
                            return Err(CompileError {
                                rule: rule.id.clone(),
                                en: format!(
                                    "at most {} different skip sets in one rule set",
                                    MAX_SKIP_SETS - 1
                                ),
                                zh: format!(
                                    "一个规则集最多有 {} 种不同的跳过字符",
                                    MAX_SKIP_SETS - 1
                                ),
                            });
                        }
                    };
                    variants[i] = variant;
                    for p in list {
                        let folded: String =
                            fold_str(p).chars().filter(|c| !set.contains(c)).collect();
                        if folded.is_empty() {
                            return Err(CompileError {
                                rule: rule.id.clone(),
                                en: format!("the phrase '{p}' is only skip characters"),
                                zh: format!("短语“{p}”只由跳过字符组成"),
                            });
                        }
                        add(folded, i, Use::Phrase { variant });
                    }
                    for a in allow {
                        add(fold_str(a), i, Use::Allow);
                    }
                }
                Kind::Pattern { pattern, allow, .. } => {
                    let re = Regex::new(pattern).map_err(|e| CompileError {
                        rule: rule.id.clone(),
                        en: format!("not a regular expression: {e}"),
                        zh: format!("不是有效的正则表达式：{e}"),
                    })?;
                    sources.push(pattern.clone());
                    pattern_rules.push((i, re));
                    for a in allow {
                        add(fold_str(a), i, Use::Allow);
                    }
                }
                Kind::BuyerRepeat { phrases: list } | Kind::ComplaintRisk { phrases: list } => {
                    for p in list {
                        add(fold_str(p), i, Use::Phrase { variant: 0 });
                    }
                }
                Kind::Unanswered { phrases: list } => {
                    acks[i] = list
                        .iter()
                        .map(|p| crate::fold::letters_only(&fold_str(p)))
                        .filter(|p| !p.is_empty())
                        .collect();
                }
                Kind::SlowReply { phrases: list, .. }
                | Kind::NoGreeting { phrases: list }
                | Kind::NoClosing { phrases: list }
                | Kind::FollowUpMissed { phrases: list, .. } => {
                    for p in list {
                        add(fold_str(p), i, Use::Look);
                    }
                }
            }
        }
        let automaton = if phrases.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    // A DFA: the fastest search, built once per rule set.
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(&phrases)
                    .map_err(|e| CompileError {
                        rule: String::new(),
                        en: format!("the phrase lists are too large: {e}"),
                        zh: format!("短语列表过大：{e}"),
                    })?,
            )
        };
        let patterns = if sources.is_empty() {
            None
        } else {
            Some(RegexSet::new(&sources).map_err(|e| CompileError {
                rule: String::new(),
                en: format!("the patterns cannot be combined: {e}"),
                zh: format!("正则表达式无法合并：{e}"),
            })?)
        };
        Ok(Inspector {
            version,
            rules,
            automaton,
            uses,
            skips,
            variants,
            patterns,
            pattern_rules,
            acks,
        })
    }

    /// The rule-set version its findings carry.
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Its rules, in order (a finding names one by index).
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The acknowledgements of an `unanswered` rule, folded, letters only.
    pub(crate) fn acks(&self, rule: usize) -> &[String] {
        &self.acks[rule]
    }

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
        if !matches!(role, Role::Agent | Role::Bot | Role::Buyer) || text.is_empty() {
            return;
        }
        buf.folded.fold(text);
        buf.hits.clear();
        // A skip set none of whose characters is in the text strips
        // nothing: its phrases are found in the main pass.
        let mut present = [false; MAX_SKIP_SETS];
        if self.skips.len() > 1 {
            for c in buf.folded.text().chars() {
                for (v, set) in self.skips.iter().enumerate().skip(1) {
                    if set.binary_search(&c).is_ok() {
                        present[v] = true;
                    }
                }
            }
        }
        let takes = |rule: usize| {
            let r = &self.rules[rule];
            !r.disabled && candidate_senders(&r.kind).is_some_and(|s| s.takes(role))
        };
        if let Some(ac) = &self.automaton {
            for m in ac.find_overlapping_iter(buf.folded.text()) {
                let span = buf.folded.span(m.start(), m.end());
                for &(rule, u) in &self.uses[m.pattern().as_usize()] {
                    match u {
                        Use::Phrase { variant } if !present[variant] && takes(rule) => {
                            buf.hits.push(Hit {
                                rule,
                                allow: false,
                                span,
                            })
                        }
                        Use::Allow if takes(rule) => buf.hits.push(Hit {
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
            let stripped_sets = present.iter().enumerate().take(self.skips.len()).skip(1);
            for (variant, _) in stripped_sets.filter(|(_, p)| **p) {
                let wanted = (0..self.rules.len()).any(|i| self.variants[i] == variant && takes(i));
                if !wanted {
                    continue;
                }
                buf.stripped.strip(buf.folded.text(), &self.skips[variant]);
                for m in ac.find_overlapping_iter(buf.stripped.text()) {
                    let (a, b) = buf.stripped.folded_range(m.start(), m.end());
                    let span = buf.folded.span(a, b);
                    for &(rule, u) in &self.uses[m.pattern().as_usize()] {
                        if u == (Use::Phrase { variant }) && takes(rule) {
                            buf.hits.push(Hit {
                                rule,
                                allow: false,
                                span,
                            });
                        }
                    }
                }
            }
        }
        if let Some(set) = &self.patterns {
            for p in set.matches(buf.folded.text()).iter() {
                let (rule, re) = &self.pattern_rules[p];
                if !takes(*rule) {
                    continue;
                }
                for caps in re.captures_iter(buf.folded.text()) {
                    let m = if re.captures_len() > 1 {
                        caps.get(1)
                    } else {
                        caps.get(0)
                    };
                    if let Some(m) = m.filter(|m| !m.is_empty()) {
                        buf.hits.push(Hit {
                            rule: *rule,
                            allow: false,
                            span: buf.folded.span(m.start(), m.end()),
                        });
                    }
                }
            }
        }
        // Per rule: candidates by start, longest first; the first that no
        // allow occurrence contains. Pattern candidates keep their order,
        // which is already by start.
        buf.hits
            .sort_by_key(|h| (h.rule, h.allow, h.span.0, std::cmp::Reverse(h.span.1)));
        let mut i = 0;
        while i < buf.hits.len() {
            let rule = buf.hits[i].rule;
            let end = i + buf.hits[i..].partition_point(|h| h.rule == rule);
            let group = &buf.hits[i..end];
            let split = group.partition_point(|h| !h.allow);
            let (candidates, allows) = group.split_at(split);
            if let Some(c) = candidates.iter().find(|c| {
                !allows
                    .iter()
                    .any(|a| a.span.0 <= c.span.0 && c.span.1 <= a.span.1)
            }) {
                out.findings.push(TextFinding {
                    rule,
                    span: c.span,
                    matched: buf.folded.original(text, c.span).to_string(),
                });
            }
            i = end;
        }
        out.looks.sort_unstable();
    }
}

/// Buffers reused from message to message.
#[derive(Debug, Default)]
pub struct Buffers {
    folded: Folded,
    stripped: Stripped,
    hits: Vec<Hit>,
}
