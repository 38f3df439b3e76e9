//! The life of a contract (spec `contracts.md` §3) as a state machine:
//! `draft` → `signed` → `base_fee_paid` → `training` → `assessment` →
//! `live_trial` → `formal` → `ending` → `ended`, with a trial cancellation
//! from `live_trial` straight to `ended`.
//!
//! Each step is checked against [`Facts`] gathered by the caller (payments,
//! agents' training and assessments, the notice): a step the facts do not
//! allow is refused with every reason, in Chinese and English, and the
//! caller changes nothing.

use jiff::civil::Date;
use kefu_domain::Fen;

/// Where a contract stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// Being negotiated.
    Draft,
    /// Signed; the annual base fee is due.
    Signed,
    /// The base fee is paid; training can begin.
    BaseFeePaid,
    /// Store product training (2–3 days).
    Training,
    /// Each agent takes the store's assessment.
    Assessment,
    /// Serving, in the trial month.
    LiveTrial,
    /// Serving after the trial.
    Formal,
    /// Notice given; serving until its last day.
    Ending,
    /// Over.
    Ended,
}

/// Every state in order.
pub const STATES: [State; 9] = [
    State::Draft,
    State::Signed,
    State::BaseFeePaid,
    State::Training,
    State::Assessment,
    State::LiveTrial,
    State::Formal,
    State::Ending,
    State::Ended,
];

impl State {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Signed => "signed",
            State::BaseFeePaid => "base_fee_paid",
            State::Training => "training",
            State::Assessment => "assessment",
            State::LiveTrial => "live_trial",
            State::Formal => "formal",
            State::Ending => "ending",
            State::Ended => "ended",
        }
    }

    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            State::Draft => "草拟",
            State::Signed => "已签约",
            State::BaseFeePaid => "基础服务费已付",
            State::Training => "培训中",
            State::Assessment => "考核中",
            State::LiveTrial => "试运营",
            State::Formal => "正式服务",
            State::Ending => "解约通知期",
            State::Ended => "已结束",
        }
    }

    /// Reads a file name.
    pub fn parse(text: &str) -> Option<State> {
        STATES.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the store is served in this state.
    pub fn serving(self) -> bool {
        matches!(self, State::LiveTrial | State::Formal | State::Ending)
    }

    /// The next state on the ordinary path (`advance`), if any.
    pub fn next(self) -> Option<State> {
        match self {
            State::Draft => Some(State::Signed),
            State::Signed => Some(State::BaseFeePaid),
            State::BaseFeePaid => Some(State::Training),
            State::Training => Some(State::Assessment),
            State::Assessment => Some(State::LiveTrial),
            State::LiveTrial => Some(State::Formal),
            State::Formal => None,
            State::Ending => Some(State::Ended),
            State::Ended => None,
        }
    }
}

/// A party to the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// 甲方.
    Client,
    /// 乙方.
    Provider,
}

impl Party {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Client => "client",
            Party::Provider => "provider",
        }
    }

    /// Reads a name.
    pub fn parse(text: &str) -> Option<Party> {
        match text {
            "client" => Some(Party::Client),
            "provider" => Some(Party::Provider),
            _ => None,
        }
    }
}

/// An agent assigned to one of the contract's stores, as training and
/// assessment left them.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentReadiness {
    /// The agent's name.
    pub agent: String,
    /// The store.
    pub store: String,
    /// Whether the store's product training is recorded as done.
    pub trained: bool,
    /// The latest assessment for the store: score and pass mark.
    pub assessment: Option<(f64, f64)>,
}

impl AgentReadiness {
    /// Whether the latest assessment reached its pass mark.
    pub fn passed(&self) -> bool {
        self.assessment.is_some_and(|(score, mark)| score >= mark)
    }
}

/// What a step is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// The contract's state.
    pub state: State,
    /// The day of the latest step (a step cannot be dated before it).
    pub last_step: Option<Date>,
    /// The annual base fee.
    pub base_fee: Fen,
    /// What payments against the contract have paid so far.
    pub paid: Fen,
    /// The agents assigned to the contract's stores.
    pub agents: Vec<AgentReadiness>,
    /// The first day served, once live.
    pub service_start: Option<Date>,
    /// The trial's last day, once live (none without a trial).
    pub trial_end: Option<Date>,
    /// The last day served under a notice given, if any.
    pub notice_end: Option<Date>,
    /// The term's last day.
    pub term_end: Date,
}

/// Why a step is refused: each reason in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// `(zh, en)` per reason.
    pub reasons: Vec<(String, String)>,
}

impl Refusal {
    fn one(zh: impl Into<String>, en: impl Into<String>) -> Refusal {
        Refusal {
            reasons: vec![(zh.into(), en.into())],
        }
    }

    /// The reasons joined in Chinese.
    pub fn zh(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.0.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }

    /// The reasons joined in English.
    pub fn en(&self) -> String {
        self.reasons
            .iter()
            .map(|r| r.1.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// How a contract ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Ended in the trial: no breach (the day of cancellation is served).
    TrialCancellation,
    /// Ended before service began: nothing served, no breach.
    BeforeService,
    /// The last day of a notice was reached.
    Notice,
    /// Ended outside the trial without the notice: the party breaches.
    Breach(Party),
}

impl Ending {
    /// The file and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ending::TrialCancellation => "trial_cancellation",
            Ending::BeforeService => "before_service",
            Ending::Notice => "notice",
            Ending::Breach(Party::Client) => "breach_by_client",
            Ending::Breach(Party::Provider) => "breach_by_provider",
        }
    }
}

fn not_before(facts: &Facts, on: Date) -> Result<(), Refusal> {
    match facts.last_step {
        Some(last) if on < last => Err(Refusal::one(
            format!("日期 {on} 早于上一步的日期 {last}"),
            format!("{on} is before the previous step's day {last}"),
        )),
        _ => Ok(()),
    }
}

/// Whether the contract may go to `to` on `on` by `advance`: the next state
/// of the ordinary path, with its conditions. (Ending the contract goes by
/// [`notice`] and [`end`].)
pub fn advance(facts: &Facts, to: State, on: Date) -> Result<(), Refusal> {
    not_before(facts, on)?;
    if facts.state.next() != Some(to) {
        let next = facts.state.next().map_or_else(
            || {
                (
                    "无（只能通知解约或终止）".to_string(),
                    "none (only notice or end)".to_string(),
                )
            },
            |n| (n.as_str().to_string(), n.as_str().to_string()),
        );
        return Err(Refusal::one(
            format!(
                "合同处于 {}（{}），不能直接进入 {}；下一步是 {}",
                facts.state.as_str(),
                facts.state.zh(),
                to.as_str(),
                next.0
            ),
            format!(
                "the contract is {}; it cannot go to {}; the next step is {}",
                facts.state.as_str(),
                to.as_str(),
                next.1
            ),
        ));
    }
    let reasons = missing(facts, on);
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(Refusal { reasons })
    }
}

/// What the next ordinary step still lacks on `on` (empty: nothing): what
/// the store and contract pages show.
pub fn missing(facts: &Facts, on: Date) -> Vec<(String, String)> {
    let mut reasons = Vec::new();
    match facts.state {
        State::Signed if facts.paid < facts.base_fee => reasons.push((
            format!(
                "基础服务费未付清：应付 {}，已付 {}",
                facts.base_fee, facts.paid
            ),
            format!(
                "the annual base fee is not paid: {} due, {} paid",
                facts.base_fee, facts.paid
            ),
        )),
        State::BaseFeePaid if facts.agents.is_empty() => reasons.push((
            "店铺还没有分配客服，无法开始培训".to_string(),
            "no agent is assigned to the store yet: training cannot begin".to_string(),
        )),
        State::Training => {
            for a in facts.agents.iter().filter(|a| !a.trained) {
                reasons.push((
                    format!("客服 {} 未完成店铺 {} 的产品培训", a.agent, a.store),
                    format!(
                        "{} has not finished the training of store {}",
                        a.agent, a.store
                    ),
                ));
            }
        }
        State::Assessment => {
            if facts.agents.is_empty() {
                reasons.push((
                    "店铺没有分配客服，不能上线".to_string(),
                    "no agent is assigned to the store: it cannot go live".to_string(),
                ));
            }
            for a in facts.agents.iter().filter(|a| !a.passed()) {
                let (zh, en) = match a.assessment {
                    Some((score, mark)) => (
                        format!("考核 {score} 分，未达合格线 {mark}"),
                        format!("scored {score} against a pass mark of {mark}"),
                    ),
                    None => ("尚未参加考核".to_string(), "has not taken it".to_string()),
                };
                reasons.push((
                    format!("客服 {} 未通过店铺 {} 的考核：{zh}", a.agent, a.store),
                    format!(
                        "{} has not passed the assessment of store {}: {en}",
                        a.agent, a.store
                    ),
                ));
            }
        }
        State::LiveTrial => {
            if let Some(trial_end) = facts.trial_end
                && on <= trial_end
            {
                reasons.push((
                    format!("试运营到 {trial_end} 为止，{on} 还在试运营期内"),
                    format!("the trial runs through {trial_end}: {on} is still in it"),
                ));
            }
        }
        State::Ending => {
            if let Some(last) = facts.notice_end
                && on < last
            {
                reasons.push((
                    format!("解约通知期到 {last} 为止（最后服务日），{on} 尚未到期"),
                    format!(
                        "the notice runs until {last} (the last day served): {on} is before it"
                    ),
                ));
            }
        }
        _ => {}
    }
    reasons
}

/// Notice given by a party on `on`: allowed in service (trial or formal)
/// once; returns the last day served, `on + notice_days`, or the term's
/// end when that comes first.
pub fn notice(facts: &Facts, on: Date, notice_days: u32) -> Result<Date, Refusal> {
    not_before(facts, on)?;
    if !matches!(facts.state, State::LiveTrial | State::Formal) {
        return Err(Refusal::one(
            format!(
                "合同处于 {}（{}），只有服务中的合同才能通知解约",
                facts.state.as_str(),
                facts.state.zh()
            ),
            format!(
                "the contract is {}: notice can be given only in service (live_trial or formal)",
                facts.state.as_str()
            ),
        ));
    }
    let last = on
        .checked_add(jiff::Span::new().days(i64::from(notice_days)))
        .map_err(|e| {
            Refusal::one(
                format!("日期超出范围：{e}"),
                format!("date out of range: {e}"),
            )
        })?;
    Ok(last.min(facts.term_end))
}

/// Ending the contract on `on` (the last day served) without waiting for
/// a notice: a trial cancellation in the trial, an end before service
/// before it, otherwise a breach by `by`. An `ending` contract whose notice
/// has run out ends by [`advance`] instead.
pub fn end(facts: &Facts, on: Date, by: Party) -> Result<Ending, Refusal> {
    not_before(facts, on)?;
    match facts.state {
        State::Ended => Err(Refusal::one(
            "合同已经结束",
            "the contract has already ended",
        )),
        State::Draft | State::Signed | State::BaseFeePaid | State::Training | State::Assessment => {
            Ok(Ending::BeforeService)
        }
        State::LiveTrial if facts.trial_end.is_none_or(|t| on <= t) => {
            Ok(Ending::TrialCancellation)
        }
        State::Ending if facts.notice_end.is_some_and(|n| on >= n) => Ok(Ending::Notice),
        State::LiveTrial | State::Formal | State::Ending => Ok(Ending::Breach(by)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn facts(state: State) -> Facts {
        Facts {
            state,
            last_step: Some(date(2026, 9, 1)),
            base_fee: Fen(2_400_000),
            paid: Fen(0),
            agents: vec![],
            service_start: None,
            trial_end: None,
            notice_end: None,
            term_end: date(2027, 9, 30),
        }
    }

    fn agent(name: &str, trained: bool, assessment: Option<(f64, f64)>) -> AgentReadiness {
        AgentReadiness {
            agent: name.into(),
            store: "dy-1001".into(),
            trained,
            assessment,
        }
    }

    #[test]
    fn names_round_trip() {
        for s in STATES {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("live"), None);
    }

    #[test]
    fn only_the_next_state() {
        let f = facts(State::Draft);
        assert!(advance(&f, State::Signed, date(2026, 9, 2)).is_ok());
        let r = advance(&f, State::LiveTrial, date(2026, 9, 2)).unwrap_err();
        assert!(r.en().contains("the next step is signed"), "{}", r.en());
        let r = advance(&f, State::Signed, date(2026, 8, 31)).unwrap_err();
        assert!(r.en().contains("before the previous step"));
    }

    #[test]
    fn the_base_fee_must_be_paid() {
        let mut f = facts(State::Signed);
        f.paid = Fen(2_000_000);
        let r = advance(&f, State::BaseFeePaid, date(2026, 9, 3)).unwrap_err();
        assert!(
            r.zh().contains("应付 24000.00，已付 20000.00"),
            "{}",
            r.zh()
        );
        f.paid = Fen(2_400_000);
        assert!(advance(&f, State::BaseFeePaid, date(2026, 9, 3)).is_ok());
    }

    #[test]
    fn going_live_needs_every_agent_passed() {
        let mut f = facts(State::Assessment);
        let r = advance(&f, State::LiveTrial, date(2026, 9, 20)).unwrap_err();
        assert!(r.en().contains("no agent is assigned"));
        f.agents = vec![
            agent("张三", true, Some((92.0, 80.0))),
            agent("李四", true, Some((75.0, 80.0))),
            agent("王五", true, None),
        ];
        let r = advance(&f, State::LiveTrial, date(2026, 9, 20)).unwrap_err();
        assert_eq!(r.reasons.len(), 2);
        assert!(r.en().contains("李四 has not passed the assessment of store dy-1001: scored 75 against a pass mark of 80"));
        assert!(
            r.zh()
                .contains("王五 未通过店铺 dy-1001 的考核：尚未参加考核")
        );
        f.agents.truncate(1);
        assert!(advance(&f, State::LiveTrial, date(2026, 9, 20)).is_ok());
    }

    #[test]
    fn training_needs_records() {
        let mut f = facts(State::Training);
        f.agents = vec![agent("张三", false, None)];
        assert!(advance(&f, State::Assessment, date(2026, 9, 5)).is_err());
        f.agents[0].trained = true;
        assert!(advance(&f, State::Assessment, date(2026, 9, 5)).is_ok());
    }

    #[test]
    fn formal_after_the_trial() {
        let mut f = facts(State::LiveTrial);
        f.trial_end = Some(date(2026, 10, 31));
        assert!(advance(&f, State::Formal, date(2026, 10, 31)).is_err());
        assert!(advance(&f, State::Formal, date(2026, 11, 1)).is_ok());
    }

    #[test]
    fn notice_and_end() {
        let mut f = facts(State::Formal);
        f.trial_end = Some(date(2026, 10, 31));
        assert_eq!(notice(&f, date(2027, 1, 10), 30), Ok(date(2027, 2, 9)));
        // Near the end of the term the notice cannot outlast it.
        assert_eq!(notice(&f, date(2027, 9, 20), 30), Ok(date(2027, 9, 30)));
        assert!(notice(&facts(State::Training), date(2026, 9, 5), 30).is_err());
        assert_eq!(
            end(&f, date(2027, 1, 10), Party::Client),
            Ok(Ending::Breach(Party::Client))
        );
        let mut trial = facts(State::LiveTrial);
        trial.trial_end = Some(date(2026, 10, 31));
        assert_eq!(
            end(&trial, date(2026, 10, 12), Party::Client),
            Ok(Ending::TrialCancellation)
        );
        assert_eq!(
            end(&trial, date(2026, 11, 2), Party::Provider),
            Ok(Ending::Breach(Party::Provider))
        );
        let mut ending = facts(State::Ending);
        ending.notice_end = Some(date(2027, 2, 9));
        assert!(advance(&ending, State::Ended, date(2027, 2, 8)).is_err());
        assert!(advance(&ending, State::Ended, date(2027, 2, 9)).is_ok());
        assert_eq!(
            end(&ending, date(2027, 2, 9), Party::Client),
            Ok(Ending::Notice)
        );
        assert_eq!(
            end(&ending, date(2027, 2, 1), Party::Client),
            Ok(Ending::Breach(Party::Client))
        );
        assert!(end(&facts(State::Ended), date(2027, 2, 1), Party::Client).is_err());
    }
}
