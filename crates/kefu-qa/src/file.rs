//! Rule set files (spec §4): the provider's rule set and a store's
//! overrides as TOML, read with an error naming the rule and field, and
//! written back in the same layout.

use crate::rules::{KIND_NAMES, Kind, Override, Rule, RuleSet, Senders, Severity};
use serde::Deserialize;
use std::fmt::{self, Write as _};

/// What is wrong with a rule file, and where, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// Where: `rule 3 (offplatform), points`, or the TOML line.
    pub place: String,
    /// What is wrong, in English.
    pub en: String,
    /// What is wrong, in Chinese.
    pub zh: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.en)
    }
}

impl std::error::Error for FileError {}

fn error(place: impl Into<String>, en: impl Into<String>, zh: impl Into<String>) -> FileError {
    FileError {
        place: place.into(),
        en: en.into(),
        zh: zh.into(),
    }
}

/// The largest `points` a rule may deduct: a whole score.
pub const MAX_POINTS: u32 = 100;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    sender: Option<String>,
    severity: Option<String>,
    points: Option<i64>,
    phrases: Option<Vec<String>>,
    allow: Option<Vec<String>>,
    skip: Option<String>,
    pattern: Option<String>,
    seconds: Option<i64>,
    window: Option<i64>,
    minutes: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OverridesFile {
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    rule: Option<String>,
    add_phrases: Option<Vec<String>>,
    allow: Option<Vec<String>>,
    points: Option<i64>,
    disabled: Option<bool>,
}

fn toml_error(e: toml::de::Error) -> FileError {
    let message = e.message().to_string();
    error(
        "TOML",
        format!("not a rule file: {message}"),
        format!("不是有效的规则文件：{message}"),
    )
}

/// Reads the provider's rule set from TOML.
pub fn read_rule_set(text: &str) -> Result<RuleSet, FileError> {
    let file: RulesFile = toml::from_str(text).map_err(toml_error)?;
    let mut rules: Vec<Rule> = Vec::with_capacity(file.rule.len());
    for (i, raw) in file.rule.into_iter().enumerate() {
        let rule = read_rule(i + 1, raw)?;
        if rules.iter().any(|r| r.id == rule.id) {
            return Err(error(
                format!("rule {} ({}), id", i + 1, rule.id),
                "another rule has this id",
                "规则编号重复",
            ));
        }
        rules.push(rule);
    }
    Ok(RuleSet { rules })
}

fn whole(place: &str, field: &str, v: Option<i64>, max: i64) -> Result<Option<u32>, FileError> {
    match v {
        None => Ok(None),
        Some(n) if (1..=max).contains(&n) => Ok(Some(n as u32)),
        Some(n) => Err(error(
            format!("{place}, {field}"),
            format!("{n} is not a whole number from 1 to {max}"),
            format!("{n} 不是 1 到 {max} 之间的整数"),
        )),
    }
}

fn points_of(place: &str, v: Option<i64>) -> Result<Option<u32>, FileError> {
    match v {
        None => Ok(None),
        Some(p) if (0..=i64::from(MAX_POINTS)).contains(&p) => Ok(Some(p as u32)),
        Some(p) => Err(error(
            format!("{place}, points"),
            format!("{p} is not a whole number from 0 to {MAX_POINTS}"),
            format!("{p} 不是 0 到 {MAX_POINTS} 之间的整数"),
        )),
    }
}

fn phrase_list(place: &str, field: &str, v: Vec<String>) -> Result<Vec<String>, FileError> {
    if let Some(i) = v.iter().position(|p| p.trim().is_empty()) {
        return Err(error(
            format!("{place}, {field}[{}]", i + 1),
            "a phrase may not be empty",
            "短语不能为空",
        ));
    }
    Ok(v)
}

fn read_rule(n: usize, raw: RawRule) -> Result<Rule, FileError> {
    let id = raw.id.filter(|s| !s.trim().is_empty()).ok_or_else(|| {
        error(
            format!("rule {n}, id"),
            "every rule needs an id",
            "每条规则都需要编号 id",
        )
    })?;
    let place = format!("rule {n} ({id})");
    let kind_name = raw.kind.ok_or_else(|| {
        error(
            format!("{place}, kind"),
            format!("missing; one of {}", KIND_NAMES.join(", ")),
            format!("缺少规则类型，应为 {} 之一", KIND_NAMES.join("、")),
        )
    })?;
    if !KIND_NAMES.contains(&kind_name.as_str()) {
        return Err(error(
            format!("{place}, kind"),
            format!("'{kind_name}' is not one of {}", KIND_NAMES.join(", ")),
            format!(
                "“{kind_name}”不是有效类型，应为 {} 之一",
                KIND_NAMES.join("、")
            ),
        ));
    }
    let k = kind_name.as_str();
    let allowed: &[&str] = match k {
        "keyword" => &["sender", "phrases", "allow", "skip"],
        "pattern" => &["sender", "pattern", "allow"],
        "slow_reply" => &["seconds", "window", "phrases"],
        "follow_up_missed" => &["minutes", "phrases"],
        _ => &["phrases"],
    };
    let given = [
        ("sender", raw.sender.is_some()),
        ("phrases", raw.phrases.is_some()),
        ("allow", raw.allow.is_some()),
        ("skip", raw.skip.is_some()),
        ("pattern", raw.pattern.is_some()),
        ("seconds", raw.seconds.is_some()),
        ("window", raw.window.is_some()),
        ("minutes", raw.minutes.is_some()),
    ];
    if let Some((field, _)) = given.iter().find(|(f, g)| *g && !allowed.contains(f)) {
        return Err(error(
            format!("{place}, {field}"),
            format!("a {k} rule has no '{field}'"),
            format!("{k} 类规则没有“{field}”这一项"),
        ));
    }
    let severity = match raw.severity.as_deref() {
        Some(s) => Some(Severity::parse(s).ok_or_else(|| {
            error(
                format!("{place}, severity"),
                format!("'{s}' is not critical, major, minor or alert"),
                format!("“{s}”不是 critical、major、minor 或 alert"),
            )
        })?),
        None => None,
    };
    let points = points_of(&place, raw.points)?;
    let (severity, points) = match (severity, points, Kind::default_weight(k)) {
        (Some(s), Some(p), _) => (s, p),
        (s, p, Some((ds, dp))) => (s.unwrap_or(ds), p.unwrap_or(dp)),
        (s, _, None) => {
            let field = if s.is_none() { "severity" } else { "points" };
            return Err(error(
                format!("{place}, {field}"),
                format!("a {k} rule needs its {field}"),
                format!("{k} 类规则必须写明 {field}"),
            ));
        }
    };
    let sender = match raw.sender.as_deref() {
        None => Senders::Agent,
        Some(s) => Senders::parse(s).ok_or_else(|| {
            error(
                format!("{place}, sender"),
                format!("'{s}' is not agent, bot, buyer or any"),
                format!("“{s}”不是 agent、bot、buyer 或 any"),
            )
        })?,
    };
    let phrases = phrase_list(&place, "phrases", raw.phrases.unwrap_or_default())?;
    let allow = phrase_list(&place, "allow", raw.allow.unwrap_or_default())?;
    let kind = match k {
        "keyword" => {
            if phrases.is_empty() {
                return Err(error(
                    format!("{place}, phrases"),
                    "a keyword rule needs at least one phrase",
                    "关键词规则至少需要一个短语",
                ));
            }
            Kind::Keyword {
                sender,
                phrases,
                allow,
                skip: raw.skip.unwrap_or_default(),
            }
        }
        "pattern" => {
            let pattern = raw.pattern.unwrap_or_default();
            if let Err(e) = regex::Regex::new(&pattern) {
                return Err(error(
                    format!("{place}, pattern"),
                    format!("not a regular expression: {e}"),
                    format!("不是有效的正则表达式：{e}"),
                ));
            }
            Kind::Pattern {
                sender,
                pattern,
                allow,
            }
        }
        "slow_reply" => Kind::SlowReply {
            seconds: whole(&place, "seconds", raw.seconds, 86_400)?.unwrap_or(180),
            window: whole(&place, "window", raw.window, 1000)?.unwrap_or(5),
            phrases,
        },
        "follow_up_missed" => Kind::FollowUpMissed {
            minutes: whole(&place, "minutes", raw.minutes, 10_080)?.unwrap_or(15),
            phrases,
        },
        "unanswered" => Kind::Unanswered { phrases },
        "no_greeting" => Kind::NoGreeting { phrases },
        "no_closing" => Kind::NoClosing { phrases },
        "buyer_repeat" => Kind::BuyerRepeat { phrases },
        _ => Kind::ComplaintRisk { phrases },
    };
    Ok(Rule {
        name: raw.name.unwrap_or_else(|| id.clone()),
        id,
        kind,
        severity,
        points,
        disabled: false,
    })
}

/// Reads a store's overrides, checked against the rule set they change.
pub fn read_overrides(text: &str, set: &RuleSet) -> Result<Vec<Override>, FileError> {
    let file: OverridesFile = toml::from_str(text).map_err(toml_error)?;
    let mut out = Vec::with_capacity(file.overrides.len());
    for (i, raw) in file.overrides.into_iter().enumerate() {
        let n = i + 1;
        let id = raw.rule.ok_or_else(|| {
            error(
                format!("override {n}, rule"),
                "every override names its rule",
                "每条覆盖都要写明规则编号 rule",
            )
        })?;
        let place = format!("override {n} ({id})");
        let rule = set.rule(&id).ok_or_else(|| {
            error(
                format!("{place}, rule"),
                format!("the rule set in force has no rule '{id}'"),
                format!("当前规则集中没有规则“{id}”"),
            )
        })?;
        let add_phrases = phrase_list(&place, "add_phrases", raw.add_phrases.unwrap_or_default())?;
        let allow = phrase_list(&place, "allow", raw.allow.unwrap_or_default())?;
        let kind = rule.kind.name();
        if !add_phrases.is_empty() && rule.kind.phrases().is_none() {
            return Err(error(
                format!("{place}, add_phrases"),
                format!("a {kind} rule has no phrase list"),
                format!("{kind} 类规则没有短语列表"),
            ));
        }
        if !allow.is_empty() && rule.kind.allow().is_none() {
            return Err(error(
                format!("{place}, allow"),
                format!("a {kind} rule has no allow phrases"),
                format!("{kind} 类规则没有放行短语"),
            ));
        }
        let points = points_of(&place, raw.points)?;
        out.push(Override {
            rule: id,
            add_phrases,
            allow,
            points,
            disabled: raw.disabled,
        });
    }
    Ok(out)
}

/// A text as a TOML string (quoted, escaped).
pub(crate) fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn list(out: &mut String, key: &str, items: &[String]) {
    let items: Vec<String> = items.iter().map(|s| quoted(s)).collect();
    let _ = writeln!(out, "{key} = [{}]", items.join(", "));
}

/// Writes a rule set as TOML, in the layout of spec §4.
pub fn write_rule_set(set: &RuleSet) -> String {
    let mut out = String::new();
    for r in &set.rules {
        let _ = writeln!(out, "[[rule]]");
        let _ = writeln!(out, "id = {}", quoted(&r.id));
        let _ = writeln!(out, "kind = {}", quoted(r.kind.name()));
        let _ = writeln!(out, "name = {}", quoted(&r.name));
        match &r.kind {
            Kind::Keyword { sender, .. } | Kind::Pattern { sender, .. } => {
                let _ = writeln!(out, "sender = {}", quoted(sender.as_str()));
            }
            _ => {}
        }
        let _ = writeln!(out, "severity = {}", quoted(r.severity.as_str()));
        let _ = writeln!(out, "points = {}", r.points);
        match &r.kind {
            Kind::Pattern { pattern, .. } => {
                let _ = writeln!(out, "pattern = {}", quoted(pattern));
            }
            Kind::SlowReply {
                seconds, window, ..
            } => {
                let _ = writeln!(out, "seconds = {seconds}\nwindow = {window}");
            }
            Kind::FollowUpMissed { minutes, .. } => {
                let _ = writeln!(out, "minutes = {minutes}");
            }
            _ => {}
        }
        if let Some(phrases) = r.kind.phrases() {
            list(&mut out, "phrases", phrases);
        }
        if let Some(allow) = r.kind.allow().filter(|a| !a.is_empty()) {
            list(&mut out, "allow", allow);
        }
        if let Kind::Keyword { skip, .. } = &r.kind
            && !skip.is_empty()
        {
            let _ = writeln!(out, "skip = {}", quoted(skip));
        }
        out.push('\n');
    }
    out
}

/// Writes a store's overrides as TOML, in the layout of spec §4.
pub fn write_overrides(overrides: &[Override]) -> String {
    let mut out = String::new();
    for o in overrides {
        let _ = writeln!(out, "[[override]]\nrule = {}", quoted(&o.rule));
        if !o.add_phrases.is_empty() {
            list(&mut out, "add_phrases", &o.add_phrases);
        }
        if !o.allow.is_empty() {
            list(&mut out, "allow", &o.allow);
        }
        if let Some(p) = o.points {
            let _ = writeln!(out, "points = {p}");
        }
        if let Some(d) = o.disabled {
            let _ = writeln!(out, "disabled = {d}");
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = r#"
[[rule]]
id = "offplatform"
kind = "keyword"
name = "站外联系"
sender = "agent"
severity = "critical"
points = 20
phrases = ["微信", "加v", "vx", "qq", "私下交易"]
allow = ["微信支付"]
skip = " -_.*·"

[[rule]]
id = "mobile"
kind = "pattern"
severity = "critical"
points = 20
pattern = '(?:^|[^0-9])(1[3-9]\d{9})(?:[^0-9]|$)'

[[rule]]
id = "slow"
kind = "slow_reply"
severity = "major"
points = 10
seconds = 180
window = 5
phrases = ["抱歉", "不好意思", "久等"]

[[rule]]
id = "hold"
kind = "follow_up_missed"
severity = "major"
points = 10
minutes = 15
phrases = ["稍等", "马上", "查一下"]

[[rule]]
id = "greet"
kind = "no_greeting"
phrases = ["您好"]
"#;

    #[test]
    fn the_spec_example_reads_and_round_trips() {
        let set = read_rule_set(SPEC_EXAMPLE).expect("reads");
        assert_eq!(set.rules.len(), 5);
        assert_eq!(set.rules[4].severity, Severity::Minor);
        assert_eq!(set.rules[4].points, 3);
        let again = read_rule_set(&write_rule_set(&set)).expect("reads back");
        assert_eq!(again, set);
    }

    #[test]
    fn errors_name_the_rule_and_field() {
        let bad = |text: &str| read_rule_set(text).expect_err("refused");
        let e = bad("[[rule]]\nid = \"a\"\nkind = \"keyword\"\nphrases = [\"x\"]\npoints = 3\n");
        assert_eq!(e.place, "rule 1 (a), severity");
        let e = bad("[[rule]]\nid = \"a\"\nkind = \"unanswered\"\nseconds = 3\n");
        assert_eq!(e.place, "rule 1 (a), seconds");
        let e = bad(
            "[[rule]]\nid = \"a\"\nkind = \"pattern\"\nseverity = \"major\"\npoints = 1\npattern = \"(\"\n",
        );
        assert_eq!(e.place, "rule 1 (a), pattern");
        let e = bad("[[rule]]\nid = \"a\"\nkind = \"frown\"\n");
        assert!(e.en.contains("frown"), "{e}");
        let e = bad("[[rule]]\nid = \"a\"\nkind = \"no_closing\"\npoints = 101\n");
        assert_eq!(e.place, "rule 1 (a), points");
        let e = bad(
            "[[rule]]\nid = \"a\"\nkind = \"no_closing\"\n[[rule]]\nid = \"a\"\nkind = \"no_greeting\"\n",
        );
        assert_eq!(e.place, "rule 2 (a), id");
        let e = bad("[[rule]]\nid = \"a\"\nkind = \"no_closing\"\ncolour = 1\n");
        assert_eq!(e.place, "TOML");
        let e = bad(
            "[[rule]]\nid = \"a\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\" \"]\n",
        );
        assert_eq!(e.place, "rule 1 (a), phrases[1]");
    }

    #[test]
    fn overrides_read_against_the_set_and_round_trip() {
        let set = read_rule_set(SPEC_EXAMPLE).expect("reads");
        let text = "[[override]]\nrule = \"offplatform\"\nadd_phrases = [\"抖音号\"]\nallow = [\"微信支付\"]\npoints = 30\ndisabled = false\n";
        let o = read_overrides(text, &set).expect("reads");
        assert_eq!(o[0].points, Some(30));
        assert_eq!(
            read_overrides(&write_overrides(&o), &set).expect("again"),
            o
        );
        let e = read_overrides("[[override]]\nrule = \"nope\"\n", &set).expect_err("unknown");
        assert_eq!(e.place, "override 1 (nope), rule");
        let e = read_overrides("[[override]]\nrule = \"slow\"\nallow = [\"x\"]\n", &set)
            .expect_err("no allow");
        assert_eq!(e.place, "override 1 (slow), allow");
        let e = read_overrides(
            "[[override]]\nrule = \"mobile\"\nadd_phrases = [\"x\"]\n",
            &set,
        )
        .expect_err("no phrases");
        assert_eq!(e.place, "override 1 (mobile), add_phrases");
    }
}
