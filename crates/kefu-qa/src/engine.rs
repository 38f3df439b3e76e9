//! The compiled form of one rule set: every phrase list of every rule in
//! one Aho-Corasick automaton, every pattern in one `RegexSet`, built once
//! per rule-set version and store and shared by all inspections, so that a
//! message costs about the same with fifty phrases or fifty thousand.
//!
//! A `keyword` rule with `skip` characters also needs its phrases found in
//! the text without those characters: each distinct skip set has a second,
//! small automaton of only the phrases of its rules, run on the stripped
//! text of the messages that hold one of its characters. Reading a message
//! is in [`crate::scan`]; the session rules are in [`crate::inspect`].

use crate::fold::fold_str;
use crate::rules::{Kind, Rule, RuleSet, Senders};
use aho_corasick::{AhoCorasick, MatchKind};
use kefu_kpi::Role;
use regex::{Regex, RegexSet};
use std::collections::HashMap;

/// How a phrase of the main automaton is used by one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    /// A phrase whose occurrence is a candidate finding, found in the text
    /// as folded unless the message holds a character of the rule's skip
    /// set `variant` (0: no skip set).
    Phrase { variant: usize },
    /// An allow phrase (found without skipping).
    Allow,
    /// A phrase that is only looked for (agent messages).
    Look,
}

/// The most distinct `skip` sets a rule set may use, plus one (the empty
/// set): a message's skip sets present are a bit mask.
pub(crate) const MAX_SKIP_SETS: usize = 16;

/// The automaton of one role's phrases.
#[derive(Debug)]
pub(crate) struct Main {
    pub(crate) automaton: AhoCorasick,
    /// For each pattern of `automaton`, its uses as (rule, use).
    pub(crate) uses: Vec<Vec<(usize, Use)>>,
}

/// The phrases of one skip set's rules, without the skip characters, for
/// the text stripped of them.
#[derive(Debug)]
pub(crate) struct Stripping {
    pub(crate) automaton: AhoCorasick,
    /// For each pattern of `automaton`, the rules it is a phrase of.
    pub(crate) rules: Vec<Vec<usize>>,
}

/// A rule set compiled for inspection.
#[derive(Debug)]
pub struct Inspector {
    pub(crate) version: i64,
    pub(crate) rules: Vec<Rule>,
    /// Per role ([`role_index`]): the phrases of the rules that read its
    /// messages (a buyer's message is not searched for agents' phrases).
    pub(crate) mains: [Option<Main>; 3],
    /// Per skip set 1.. (index 0 is the empty set and unused).
    pub(crate) strippings: Vec<Option<Stripping>>,
    /// The skip sets each character of the Basic Multilingual Plane
    /// belongs to, as a mask (empty without skip sets).
    pub(crate) skip_bmp: Vec<u16>,
    /// The same for the skip characters beyond it, sorted by character.
    pub(crate) skip_other: Vec<(char, u16)>,
    /// Per role ([`role_index`]): which rules take its messages as
    /// candidates.
    pub(crate) takes: [Vec<bool>; 3],
    /// Per rule: it has allow phrases (its candidates are all kept until
    /// the end of the message; without, only the best so far).
    pub(crate) has_allow: Vec<bool>,
    /// Per role: the skip sets of rules that take its messages, as a mask.
    pub(crate) wanted: [u16; 3],
    pub(crate) patterns: Option<RegexSet>,
    /// For each pattern of `patterns`, its rule and compiled expression.
    pub(crate) pattern_rules: Vec<(usize, Regex)>,
    /// Per rule, the acknowledgements of an `unanswered` rule, folded and
    /// reduced to letters.
    pub(crate) acks: Vec<Vec<String>>,
    /// The enabled `unanswered` rules (buyer messages are checked against
    /// their acknowledgements as they are read).
    pub(crate) unanswered: Vec<usize>,
}

/// The index in [`Inspector::takes`] of a role whose messages rules read.
pub(crate) fn role_index(role: Role) -> Option<usize> {
    match role {
        Role::Buyer => Some(0),
        Role::Agent => Some(1),
        Role::Bot => Some(2),
        _ => None,
    }
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

/// A DFA automaton of phrases (the fastest search, built once per set).
fn automaton(phrases: &[String]) -> Result<AhoCorasick, CompileError> {
    AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(phrases)
        .map_err(|e| CompileError {
            rule: String::new(),
            en: format!("the phrase lists are too large: {e}"),
            zh: format!("短语列表过大：{e}"),
        })
}

/// Distinct phrases and, per phrase, what uses it.
struct Phrases<U> {
    ids: HashMap<String, usize>,
    texts: Vec<String>,
    uses: Vec<Vec<U>>,
}

impl<U: PartialEq> Phrases<U> {
    fn new() -> Phrases<U> {
        Phrases {
            ids: HashMap::new(),
            texts: Vec::new(),
            uses: Vec::new(),
        }
    }

    fn add(&mut self, text: String, u: U) {
        if text.is_empty() {
            return;
        }
        let id = match self.ids.get(&text) {
            Some(&id) => id,
            None => {
                self.ids.insert(text.clone(), self.texts.len());
                self.texts.push(text);
                self.uses.push(Vec::new());
                self.texts.len() - 1
            }
        };
        if !self.uses[id].contains(&u) {
            self.uses[id].push(u);
        }
    }
}

/// Adds a phrase of rule `rule` to the phrases of each role that reads it
/// (look-only phrases: agents).
fn add_main(
    mains: &mut [Phrases<(usize, Use)>; 3],
    takes: &[Vec<bool>; 3],
    text: String,
    rule: usize,
    u: Use,
) {
    for (r, main) in mains.iter_mut().enumerate() {
        let reads = match u {
            Use::Look => Some(r) == role_index(Role::Agent),
            _ => takes[r][rule],
        };
        if reads {
            main.add(text.clone(), (rule, u));
        }
    }
}

impl Inspector {
    /// Compiles a rule set (overrides already applied) of a version.
    pub fn new(set: &RuleSet, version: i64) -> Result<Inspector, CompileError> {
        let rules = set.rules.clone();
        let mut mains: [Phrases<(usize, Use)>; 3] =
            [Phrases::new(), Phrases::new(), Phrases::new()];
        let mut skips: Vec<Vec<char>> = vec![Vec::new()];
        let mut stripped: Vec<Phrases<usize>> = vec![Phrases::new()];
        let mut acks = vec![Vec::new(); rules.len()];
        let mut has_allow = vec![false; rules.len()];
        let mut takes = [
            vec![false; rules.len()],
            vec![false; rules.len()],
            vec![false; rules.len()],
        ];
        let mut wanted = [0u16; 3];
        let mut unanswered = Vec::new();
        let mut sources = Vec::new();
        let mut pattern_rules = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            if rule.disabled {
                continue;
            }
            if let Some(senders) = candidate_senders(&rule.kind) {
                for role in [Role::Buyer, Role::Agent, Role::Bot] {
                    if let Some(r) = role_index(role) {
                        takes[r][i] = senders.takes(role);
                    }
                }
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
                            stripped.push(Phrases::new());
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
                        if variant > 0 {
                            stripped[variant].add(folded.clone(), i);
                            for (r, takes) in takes.iter().enumerate() {
                                if takes[i] {
                                    wanted[r] |= 1 << variant;
                                }
                            }
                        }
                        add_main(&mut mains, &takes, folded, i, Use::Phrase { variant });
                    }
                    for a in allow {
                        add_main(&mut mains, &takes, fold_str(a), i, Use::Allow);
                    }
                    has_allow[i] = !allow.is_empty();
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
                        add_main(&mut mains, &takes, fold_str(a), i, Use::Allow);
                    }
                    has_allow[i] = !allow.is_empty();
                }
                Kind::BuyerRepeat { phrases: list } | Kind::ComplaintRisk { phrases: list } => {
                    for p in list {
                        add_main(
                            &mut mains,
                            &takes,
                            fold_str(p),
                            i,
                            Use::Phrase { variant: 0 },
                        );
                    }
                }
                Kind::Unanswered { phrases: list } => {
                    unanswered.push(i);
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
                        add_main(&mut mains, &takes, fold_str(p), i, Use::Look);
                    }
                }
            }
        }
        let mut built = [None, None, None];
        for (slot, main) in built.iter_mut().zip(mains) {
            if !main.texts.is_empty() {
                *slot = Some(Main {
                    automaton: automaton(&main.texts)?,
                    uses: main.uses,
                });
            }
        }
        let mut strippings = vec![None];
        let mut skip_bmp = if skips.len() > 1 {
            vec![0u16; 0x1_0000]
        } else {
            Vec::new()
        };
        let mut skip_other: Vec<(char, u16)> = Vec::new();
        for (v, (chars, phrases)) in skips.into_iter().zip(stripped).enumerate().skip(1) {
            for &c in &chars {
                let bit = 1u16 << v;
                if let Some(mask) = skip_bmp.get_mut(c as usize) {
                    *mask |= bit;
                } else {
                    match skip_other.iter_mut().find(|(o, _)| *o == c) {
                        Some((_, mask)) => *mask |= bit,
                        None => skip_other.push((c, bit)),
                    }
                }
            }
            strippings.push(if phrases.texts.is_empty() {
                None
            } else {
                Some(Stripping {
                    automaton: automaton(&phrases.texts)?,
                    rules: phrases.uses,
                })
            });
        }
        skip_other.sort_unstable();
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
            mains: built,
            strippings,
            skip_bmp,
            skip_other,
            takes,
            has_allow,
            wanted,
            patterns,
            pattern_rules,
            acks,
            unanswered,
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

    /// The skip sets a folded character belongs to, as a mask.
    #[inline]
    pub(crate) fn skip_mask(&self, c: char) -> u16 {
        match self.skip_bmp.get(c as usize) {
            Some(mask) => *mask,
            None if self.skip_other.is_empty() => 0,
            None => match self.skip_other.binary_search_by_key(&c, |(o, _)| *o) {
                Ok(at) => self.skip_other[at].1,
                Err(_) => 0,
            },
        }
    }
}
