//! Two rule sets compared in one reading ("try before publishing"): the
//! rules they share unchanged are inspected once, the others once per set
//! they belong to, all in one [`Inspector`], so that comparing a draft with
//! the rules in force reads each conversation once. Rules are independent
//! (a rule's findings depend on no other rule), so the findings of either
//! set are those of its rules in the union.

use crate::engine::{CompileError, Inspector};
use crate::rules::{Rule, RuleSet};

/// Which of the two sets a rule of the union is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Both, unchanged.
    Both,
    /// Only the first (the rules in force): removed or changed by the
    /// second.
    Before,
    /// Only the second (the draft): added or changed.
    After,
}

impl Side {
    /// Whether a finding of a rule on this side is one of the first set's.
    pub fn before(self) -> bool {
        matches!(self, Side::Both | Side::Before)
    }

    /// Whether it is one of the second set's.
    pub fn after(self) -> bool {
        matches!(self, Side::Both | Side::After)
    }
}

/// The union of two rule sets, compiled, with the side of each rule.
#[derive(Debug)]
pub struct Union {
    /// Inspects with every rule of both (rule ids may repeat: a changed
    /// rule is there twice).
    pub inspector: Inspector,
    /// Per rule of `inspector`, its side.
    pub sides: Vec<Side>,
}

impl Union {
    /// The union of `before` and `after` (disabled rules find nothing and
    /// are left out).
    pub fn new(before: &[Rule], after: &[Rule]) -> Result<Union, CompileError> {
        let mut rules = Vec::new();
        let mut sides = Vec::new();
        let same = |a: &Rule, others: &[Rule]| others.iter().any(|b| b == a);
        for r in before.iter().filter(|r| !r.disabled) {
            rules.push(r.clone());
            sides.push(if same(r, after) {
                Side::Both
            } else {
                Side::Before
            });
        }
        for r in after.iter().filter(|r| !r.disabled) {
            if !same(r, before) {
                rules.push(r.clone());
                sides.push(Side::After);
            }
        }
        let inspector = Inspector::new(&RuleSet { rules }, 0)?;
        Ok(Union { inspector, sides })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::Message;
    use kefu_kpi::{Params, Role};

    fn set(extra: &str) -> Vec<Rule> {
        let text = format!(
            "[[rule]]\nid = \"a\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"便宜\"]\n{extra}"
        );
        crate::read_rule_set(&text).expect("rules").rules
    }

    #[test]
    fn shared_rules_are_read_once_changed_ones_on_each_side() {
        let before = set(
            "[[rule]]\nid = \"b\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"快递\"]\n",
        );
        let after = set(
            "[[rule]]\nid = \"b\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"顺丰\"]\n[[rule]]\nid = \"c\"\nkind = \"keyword\"\nseverity = \"minor\"\npoints = 1\nphrases = [\"包邮\"]\n",
        );
        let u = Union::new(&before, &after).expect("union");
        let ids: Vec<(&str, Side)> = u
            .inspector
            .rules()
            .iter()
            .map(|r| r.id.as_str())
            .zip(u.sides.iter().copied())
            .collect();
        assert_eq!(
            ids,
            [
                ("a", Side::Both),
                ("b", Side::Before),
                ("b", Side::After),
                ("c", Side::After)
            ]
        );
        // Each side's findings are those its own set finds.
        let p = Params::new(&Default::default()).expect("params");
        let chat = |ins: &Inspector| {
            let mut msgs: Vec<Message<'_>> = [
                (Role::Buyer, None, "在吗"),
                (Role::Agent, Some(0), "便宜的顺丰快递包邮吗"),
            ]
            .into_iter()
            .enumerate()
            .map(|(i, (role, agent, text))| Message {
                at: i as i64 * 1000,
                seq: i as u64,
                role,
                agent,
                text,
                scan: None,
            })
            .collect();
            ins.inspect(&p, &mut msgs)
        };
        let found = |rules: &[Rule]| {
            let ins = Inspector::new(
                &RuleSet {
                    rules: rules.to_vec(),
                },
                0,
            )
            .expect("compile");
            let mut ids: Vec<String> = chat(&ins)
                .findings
                .iter()
                .map(|f| ins.rules()[f.rule].id.clone())
                .collect();
            ids.sort();
            ids
        };
        let out = chat(&u.inspector);
        let side = |keep: fn(Side) -> bool| {
            let mut ids: Vec<String> = out
                .findings
                .iter()
                .filter(|f| keep(u.sides[f.rule]))
                .map(|f| u.inspector.rules()[f.rule].id.clone())
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(side(Side::before), found(&before));
        assert_eq!(side(Side::after), found(&after));
        // A rule disabled in the draft is only before.
        let mut off = before.clone();
        off[1].disabled = true;
        let u = Union::new(&before, &off).expect("union");
        assert_eq!(u.sides, [Side::Both, Side::Before]);
    }
}
