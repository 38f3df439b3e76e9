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
