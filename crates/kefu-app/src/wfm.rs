//! Workforce planning (排班, spec `wfm.md`) in the service layer: who may
//! plan, and the answers as the pages, the API and the CLI show them. The
//! rules are `kefu-wfm`'s; for now the staffing calculator of §4.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_wfm::{StaffingAnswer, StaffingInput};
use serde::Serialize;

/// The calculator's answer (spec §4), as the API and the page give it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Staffing {
    /// A = volume × AHT ÷ interval, in Erlangs.
    pub offered_load: f64,
    /// N: chat slots needed.
    pub slots: u32,
    /// ⌈N ÷ concurrency⌉.
    pub agents_on_duty: u32,
    /// ⌈agents on duty ÷ (1 − shrinkage)⌉.
    pub agents_to_schedule: u32,
    /// The share of chats answered within the target time with N slots.
    pub service_level: f64,
    /// The probability that a chat waits (Erlang C).
    pub p_wait: f64,
    /// The mean wait, seconds.
    pub asa_seconds: f64,
    /// A ÷ N.
    pub occupancy: f64,
}

impl From<StaffingAnswer> for Staffing {
    fn from(a: StaffingAnswer) -> Staffing {
        Staffing {
            offered_load: a.offered_load,
            slots: a.slots,
            agents_on_duty: a.agents_on_duty,
            agents_to_schedule: a.agents_to_schedule,
            service_level: a.service_level,
            p_wait: a.p_wait,
            asa_seconds: a.asa_seconds,
            occupancy: a.occupancy,
        }
    }
}

impl Gate {
    /// How many agents one interval's load needs (wfm.md §2, §4), for
    /// those who plan; a figure out of range is [`Error::Invalid`] naming it.
    pub fn staffing(&self, input: &StaffingInput) -> Result<Staffing> {
        self.require(Action::Plan)?;
        kefu_wfm::staff(input)
            .map(Staffing::from)
            .map_err(|e| Error::invalid(e.field(), e.zh(), e.en()))
    }
}

/// A roster problem solved (`/wfm/roster`): the instance as read and the
/// answer of wfm.md §5.
#[derive(Debug, Clone)]
pub struct Solved {
    /// The instance.
    pub instance: kefu_wfm::roster::Instance,
    /// The answer.
    pub answer: kefu_wfm::roster::RosterAnswer,
}

impl Gate {
    /// Solves a roster problem given whole (the TOML of §5 and its
    /// requirements CSV), for those who plan; an instance that does not
    /// read is [`Error::Invalid`] naming the field or line. The search runs
    /// on a blocking thread: it takes up to a few seconds.
    pub async fn solve_roster(&self, toml: &str, csv: &str, iterations: u64) -> Result<Solved> {
        use kefu_wfm::roster::{Budget, Instance, answer, solve};
        self.require(Action::Plan)?;
        let bad = |e: kefu_wfm::roster::InstanceError| Error::Invalid {
            field: None,
            zh: e.zh(),
            en: e.en(),
        };
        let instance = Instance::from_toml(toml, csv).map_err(bad)?;
        let budget = Budget::new(iterations, 1);
        let solved = tokio::task::spawn_blocking(move || {
            solve(&instance, &budget, None).map(|s| {
                let answer = answer(&instance, &s);
                Solved { instance, answer }
            })
        })
        .await
        .map_err(|e| Error::Internal(e.into()))?;
        solved.map_err(bad)
    }
}
