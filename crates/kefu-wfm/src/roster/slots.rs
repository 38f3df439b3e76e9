//! A set of slot indexes for the solver: the slots short of agents and
//! those with more than required, kept as the coverage changes.

/// A set of slot indexes with constant-time insert, remove and pick.
#[derive(Debug, Clone)]
pub(crate) struct SlotSet {
    /// The members, in no order.
    pub members: Vec<usize>,
    position: Vec<usize>,
}

const ABSENT: usize = usize::MAX;

impl SlotSet {
    /// The empty set of slots below `capacity`.
    pub(crate) fn new(capacity: usize) -> SlotSet {
        SlotSet {
            members: Vec::new(),
            position: vec![ABSENT; capacity],
        }
    }

    /// Adds `slot`.
    pub(crate) fn insert(&mut self, slot: usize) {
        if self.position[slot] == ABSENT {
            self.position[slot] = self.members.len();
            self.members.push(slot);
        }
    }

    /// Removes `slot`.
    pub(crate) fn remove(&mut self, slot: usize) {
        let at = self.position[slot];
        if at != ABSENT {
            self.members.swap_remove(at);
            if let Some(&moved) = self.members.get(at) {
                self.position[moved] = at;
            }
            self.position[slot] = ABSENT;
        }
    }
}
