//! The rule model of spec §1: a rule set is an ordered list of rules, each
//! of one kind with its parameters; a store's overrides add phrases and
//! allow phrases, change points or switch rules off.

use serde::Serialize;

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Marks the session for review (platform penalties).
    Critical,
    /// A serious lapse.
    Major,
    /// A small lapse.
    Minor,
    /// Worth knowing, no points (e.g. a complaint risk).
    Alert,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Alert,
    ];

    /// Its name in files and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Major => "major",
            Severity::Minor => "minor",
            Severity::Alert => "alert",
        }
    }

    /// The severity of a name.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Its Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Critical => "严重",
            Severity::Major => "重要",
            Severity::Minor => "轻微",
            Severity::Alert => "提醒",
        }
    }
}

/// Whose messages a `keyword` or `pattern` rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Senders {
    /// Effective agent messages (not automatic replies).
    Agent,
    /// Bot messages, automatic replies included.
    Bot,
    /// Buyer messages.
    Buyer,
    /// All three.
    Any,
}

impl Senders {
    /// Its name in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Senders::Agent => "agent",
            Senders::Bot => "bot",
            Senders::Buyer => "buyer",
            Senders::Any => "any",
        }
    }

    /// The value of a name.
    pub fn parse(s: &str) -> Option<Senders> {
        [Senders::Agent, Senders::Bot, Senders::Buyer, Senders::Any]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// Whether a message of this effective role is read.
    pub fn takes(self, role: kefu_kpi::Role) -> bool {
        use kefu_kpi::Role;
        match self {
            Senders::Agent => role == Role::Agent,
            Senders::Bot => role == Role::Bot,
            Senders::Buyer => role == Role::Buyer,
            Senders::Any => matches!(role, Role::Agent | Role::Bot | Role::Buyer),
        }
    }
}

/// A rule's kind and the parameters of that kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A phrase of the list in a message of `sender`, not covered by an
    /// allow phrase; `skip` characters are passed over inside a phrase.
    Keyword {
        /// Whose messages.
        sender: Senders,
        /// The phrases.
        phrases: Vec<String>,
        /// Allow phrases.
        allow: Vec<String>,
        /// Characters passed over between two characters of a phrase.
        skip: String,
    },
    /// A regular expression (Rust `regex`, on folded text) in a message of
    /// `sender`; group 1, when there is one, is the match.
    Pattern {
        /// Whose messages.
        sender: Senders,
        /// The expression.
        pattern: String,
        /// Allow phrases.
        allow: Vec<String>,
    },
    /// A human round slower than `seconds` without an apology in the
    /// `window` agent messages starting with its reply.
    SlowReply {
        /// The limit, seconds (strictly over it fires).
        seconds: u32,
        /// How many agent messages, the reply first, may apologise.
        window: u32,
        /// Apology phrases.
        phrases: Vec<String>,
    },
    /// The session ends with an unanswered round inside service hours that
    /// is not only acknowledgements.
    Unanswered {
        /// Acknowledgements (好的, 谢谢…).
        phrases: Vec<String>,
    },
    /// The first agent message of a manual session greets with none of
    /// these.
    NoGreeting {
        /// Greeting phrases.
        phrases: Vec<String>,
    },
    /// The last agent message of a manual session closes with none of
    /// these.
    NoClosing {
        /// Closing phrases.
        phrases: Vec<String>,
    },
    /// A hold phrase and no later message by the same agent to that buyer
    /// within `minutes`.
    FollowUpMissed {
        /// The limit, minutes.
        minutes: u32,
        /// Hold phrases (稍等, 马上…).
        phrases: Vec<String>,
    },
    /// A buyer message repeats itself (我说过了…).
    BuyerRepeat {
        /// Repeat phrases.
        phrases: Vec<String>,
    },
    /// A buyer message threatens a complaint (投诉, 差评…).
    ComplaintRisk {
        /// Complaint phrases.
        phrases: Vec<String>,
    },
}

/// The names of the kinds, as files write them.
pub const KIND_NAMES: [&str; 9] = [
    "keyword",
    "pattern",
    "slow_reply",
    "unanswered",
    "no_greeting",
    "no_closing",
    "follow_up_missed",
    "buyer_repeat",
    "complaint_risk",
];

impl Kind {
    /// The kind's name in files and answers.
    pub fn name(&self) -> &'static str {
        let i = match self {
            Kind::Keyword { .. } => 0,
            Kind::Pattern { .. } => 1,
            Kind::SlowReply { .. } => 2,
            Kind::Unanswered { .. } => 3,
            Kind::NoGreeting { .. } => 4,
            Kind::NoClosing { .. } => 5,
            Kind::FollowUpMissed { .. } => 6,
            Kind::BuyerRepeat { .. } => 7,
            Kind::ComplaintRisk { .. } => 8,
        };
        KIND_NAMES[i]
    }

    /// The table's severity and points for a kind, where a file may leave
    /// them out (every kind but `keyword` and `pattern`).
    pub fn default_weight(name: &str) -> Option<(Severity, u32)> {
        Some(match name {
            "slow_reply" | "unanswered" | "follow_up_missed" => (Severity::Major, 10),
            "no_greeting" | "no_closing" => (Severity::Minor, 3),
            "buyer_repeat" => (Severity::Minor, 5),
            "complaint_risk" => (Severity::Alert, 0),
            _ => return None,
        })
    }

    /// Its phrase list, when it has one (every kind but `pattern`).
    pub fn phrases(&self) -> Option<&[String]> {
        match self {
            Kind::Pattern { .. } => None,
            Kind::Keyword { phrases, .. }
            | Kind::SlowReply { phrases, .. }
            | Kind::Unanswered { phrases }
            | Kind::NoGreeting { phrases }
            | Kind::NoClosing { phrases }
            | Kind::FollowUpMissed { phrases, .. }
            | Kind::BuyerRepeat { phrases }
            | Kind::ComplaintRisk { phrases } => Some(phrases),
        }
    }

    fn phrases_mut(&mut self) -> Option<&mut Vec<String>> {
        match self {
            Kind::Pattern { .. } => None,
            Kind::Keyword { phrases, .. }
            | Kind::SlowReply { phrases, .. }
            | Kind::Unanswered { phrases }
            | Kind::NoGreeting { phrases }
            | Kind::NoClosing { phrases }
            | Kind::FollowUpMissed { phrases, .. }
            | Kind::BuyerRepeat { phrases }
            | Kind::ComplaintRisk { phrases } => Some(phrases),
        }
    }

    /// Its allow phrases, when the kind has them (`keyword`, `pattern`).
    pub fn allow(&self) -> Option<&[String]> {
        match self {
            Kind::Keyword { allow, .. } | Kind::Pattern { allow, .. } => Some(allow),
            _ => None,
        }
    }

    fn allow_mut(&mut self) -> Option<&mut Vec<String>> {
        match self {
            Kind::Keyword { allow, .. } | Kind::Pattern { allow, .. } => Some(allow),
            _ => None,
        }
    }
}

/// One rule of a rule set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// Unique in its set; findings name it.
    pub id: String,
    /// What it is called on pages.
    pub name: String,
    /// Its kind and parameters.
    pub kind: Kind,
    /// How much a finding weighs.
    pub severity: Severity,
    /// Points a finding deducts from the session's score.
    pub points: u32,
    /// Switched off (by a store's override).
    pub disabled: bool,
}

/// A rule set: its rules, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleSet {
    /// The rules.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The rule of an id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// This set with a store's overrides applied, in order. An override of
    /// a rule the set no longer has is passed over.
    pub fn with_overrides(&self, overrides: &[Override]) -> RuleSet {
        let mut out = self.clone();
        for o in overrides {
            let Some(rule) = out.rules.iter_mut().find(|r| r.id == o.rule) else {
                continue;
            };
            if let Some(list) = rule.kind.phrases_mut() {
                list.extend(o.add_phrases.iter().cloned());
            }
            if let Some(list) = rule.kind.allow_mut() {
                list.extend(o.allow.iter().cloned());
            }
            if let Some(points) = o.points {
                rule.points = points;
            }
            if let Some(disabled) = o.disabled {
                rule.disabled = disabled;
            }
        }
        out
    }
}

/// A store's change to one rule of the provider's set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Override {
    /// The rule's id.
    pub rule: String,
    /// Phrases added to its list.
    pub add_phrases: Vec<String>,
    /// Allow phrases added (`keyword` and `pattern` only).
    pub allow: Vec<String>,
    /// Points instead of the rule's.
    pub points: Option<u32>,
    /// `true` switches the rule off for the store, `false` on again.
    pub disabled: Option<bool>,
}
