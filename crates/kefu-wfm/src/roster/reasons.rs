//! Why a slot was left short (spec `wfm.md` §3: "the rules and the reason
//! wherever a gap could not be closed"). After the solver's last pass no
//! single shift can be added to close any gap, so for every slot short the
//! agents of its post are asked, for every shift covering the slot, what
//! keeps them from taking it:
//!
//! 1. nobody may work the store and skill: `no_qualified_agent`, or
//!    `dedicated_elsewhere` when the only ones qualified sit at another
//!    store's dedicated seat;
//! 2. no shift template is on duty then (within the plan): `no_shift_template`;
//! 3. every qualified agent is on leave on every day that could cover it:
//!    `on_leave`;
//! 4. otherwise the reason that blocks most agents not on leave (each
//!    agent's own reason being the one that blocks most of its shifts):
//!    `already_working` (a shift that day, for this or another post),
//!    `week_hours`, `rest`, `consecutive_days`;
//! 5. `search_limit` if some agent could still take a covering shift.

use crate::forecast::Day;
use crate::roster::calendar::{serialize_date, serialize_time};
use crate::roster::state::{Block, State, Work};
use serde::{Serialize, Serializer};

/// The rule or shortage that kept a slot short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GapReason {
    /// Nobody has the store and the skill.
    NoQualifiedAgent,
    /// Those qualified are dedicated to another store.
    DedicatedElsewhere,
    /// No shift template is on duty in the interval within the plan.
    NoShiftTemplate,
    /// All qualified agents are on leave.
    OnLeave,
    /// The qualified agents already work that day.
    AlreadyWorking,
    /// The weekly hours limit.
    WeekHours,
    /// The rest between shifts.
    Rest,
    /// The limit of consecutive working days.
    ConsecutiveDays,
    /// A shift could still be added: the search stopped before.
    SearchLimit,
}

impl GapReason {
    /// A stable code, e.g. `week_hours`.
    pub fn code(self) -> &'static str {
        match self {
            GapReason::NoQualifiedAgent => "no_qualified_agent",
            GapReason::DedicatedElsewhere => "dedicated_elsewhere",
            GapReason::NoShiftTemplate => "no_shift_template",
            GapReason::OnLeave => "on_leave",
            GapReason::AlreadyWorking => "already_working",
            GapReason::WeekHours => "week_hours",
            GapReason::Rest => "rest",
            GapReason::ConsecutiveDays => "consecutive_days",
            GapReason::SearchLimit => "search_limit",
        }
    }

    /// The reason of a code.
    pub fn from_code(code: &str) -> Option<GapReason> {
        ALL_REASONS.into_iter().find(|r| r.code() == code)
    }

    /// The reason in Chinese.
    pub fn zh(self) -> &'static str {
        match self {
            GapReason::NoQualifiedAgent => "没有具备该店铺与技能资格的客服",
            GapReason::DedicatedElsewhere => "有资格的客服都是其他店铺的专人专席",
            GapReason::NoShiftTemplate => "没有覆盖该时段的班次",
            GapReason::OnLeave => "有资格的客服全部请假",
            GapReason::AlreadyWorking => "有资格的客服当天已有班次",
            GapReason::WeekHours => "每周工时上限",
            GapReason::Rest => "两班之间的休息时间",
            GapReason::ConsecutiveDays => "连续上班天数上限",
            GapReason::SearchLimit => "搜索在补上之前停止",
        }
    }

    /// The reason in English.
    pub fn en(self) -> &'static str {
        match self {
            GapReason::NoQualifiedAgent => "no qualified agent",
            GapReason::DedicatedElsewhere => "the qualified agents are dedicated to another store",
            GapReason::NoShiftTemplate => "no shift template covers this interval",
            GapReason::OnLeave => "all qualified agents on leave",
            GapReason::AlreadyWorking => "already working that day",
            GapReason::WeekHours => "weekly hours limit",
            GapReason::Rest => "rest between shifts",
            GapReason::ConsecutiveDays => "consecutive days limit",
            GapReason::SearchLimit => "the search stopped before closing it",
        }
    }
}

/// Every reason.
pub const ALL_REASONS: [GapReason; 9] = [
    GapReason::NoQualifiedAgent,
    GapReason::DedicatedElsewhere,
    GapReason::NoShiftTemplate,
    GapReason::OnLeave,
    GapReason::AlreadyWorking,
    GapReason::WeekHours,
    GapReason::Rest,
    GapReason::ConsecutiveDays,
    GapReason::SearchLimit,
];

impl Serialize for GapReason {
    /// As its code.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// A slot left short.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The store's code.
    pub store: String,
    /// The skill.
    pub skill: String,
    /// The interval's date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Day,
    /// The interval's start, minutes of the day (`HH:MM` in JSON).
    #[serde(serialize_with = "serialize_time")]
    pub interval: u32,
    /// Agents missing.
    pub gap: u32,
    /// Why (its code in JSON).
    pub reason: GapReason,
}

/// The gaps of `state` with their reasons, by store, skill, date and
/// interval.
pub(crate) fn explain(state: &State) -> Vec<Gap> {
    let m = state.model;
    let instance = m.instance;
    let mut slots = state.gap_slots().to_vec();
    let key = |&i: &usize| {
        let post = &m.posts[i / m.slot_count];
        (post.store.as_str(), post.skill.as_str(), i % m.slot_count)
    };
    slots.sort_by(|a, b| key(a).cmp(&key(b)));
    slots
        .into_iter()
        .map(|slot| {
            let (post, at) = (slot / m.slot_count, slot % m.slot_count);
            let minutes = at * instance.interval_minutes as usize;
            Gap {
                store: m.posts[post].store.clone(),
                skill: m.posts[post].skill.clone(),
                date: instance.start + (minutes / 1440) as Day,
                interval: (minutes % 1440) as u32,
                gap: state.gap_at(slot).max(0) as u32,
                reason: reason(state, post, at),
            }
        })
        .collect()
}

/// Order of preference among equally frequent reasons.
const TIE_ORDER: [GapReason; 6] = [
    GapReason::SearchLimit,
    GapReason::WeekHours,
    GapReason::ConsecutiveDays,
    GapReason::Rest,
    GapReason::AlreadyWorking,
    GapReason::OnLeave,
];

/// The most frequent of `reasons` (by [`TIE_ORDER`] among equals).
fn most_frequent(reasons: &[GapReason]) -> Option<GapReason> {
    TIE_ORDER
        .into_iter()
        .map(|r| (reasons.iter().filter(|&&x| x == r).count(), r))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, r)| (n, std::cmp::Reverse(TIE_ORDER.iter().position(|&t| t == r))))
        .map(|(_, r)| r)
}

fn reason(state: &State, post: usize, at: usize) -> GapReason {
    let m = state.model;
    let agents = &m.agents_for[post];
    if agents.is_empty() {
        let (store, skill) = (&m.posts[post].store, &m.posts[post].skill);
        let seated_elsewhere =
            m.instance.agents.iter().any(|a| {
                a.stores.contains(store) && a.skills.contains(skill) && a.dedicated.is_some()
            });
        return if seated_elsewhere {
            GapReason::DedicatedElsewhere
        } else {
            GapReason::NoQualifiedAgent
        };
    }
    if m.coverer_count(at) == 0 {
        return GapReason::NoShiftTemplate;
    }
    let mut per_agent = Vec::with_capacity(agents.len());
    let mut per_shift = Vec::new();
    for &agent in agents {
        per_shift.clear();
        for (shift, day) in m.coverers(at) {
            let why = if m.leave[agent * m.days + day] {
                GapReason::OnLeave
            } else if state.work(agent, day).is_some() {
                GapReason::AlreadyWorking
            } else {
                match state.fits(agent, day, Work { shift, post }) {
                    Ok(()) => GapReason::SearchLimit,
                    Err(Block::Leave) => GapReason::OnLeave,
                    Err(Block::NotQualified) => GapReason::NoQualifiedAgent,
                    Err(Block::WeekHours) => GapReason::WeekHours,
                    Err(Block::Rest) => GapReason::Rest,
                    Err(Block::ConsecutiveDays) => GapReason::ConsecutiveDays,
                }
            };
            per_shift.push(why);
        }
        let own = if per_shift.contains(&GapReason::SearchLimit) {
            GapReason::SearchLimit
        } else {
            most_frequent(&per_shift).unwrap_or(GapReason::OnLeave)
        };
        per_agent.push(own);
    }
    if per_agent.contains(&GapReason::SearchLimit) {
        return GapReason::SearchLimit;
    }
    let available: Vec<GapReason> = per_agent
        .iter()
        .copied()
        .filter(|&r| r != GapReason::OnLeave)
        .collect();
    most_frequent(&available).unwrap_or(GapReason::OnLeave)
}
