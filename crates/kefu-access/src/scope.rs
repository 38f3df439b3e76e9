//! What one person (or API token) may see and do. Every read of the web
//! application and the API asks a [`Scope`]; nothing else decides.
//!
//! | role | stores | agents' figures | may also |
//! |---|---|---|---|
//! | admin | all | all | users, tokens, settings, imports, QA rules, reviews |
//! | manager | all | all | settings, imports, QA rules, reviews |
//! | inspector | all | all | QA rules, reviews, samples, appeal decisions |
//! | team_lead | all | their team's agents only | appeals for their team |
//! | agent | all | their own accounts only | appeals of their own |
//! | client | their company's only | all, in those stores | confirm or dispute their statements (no internal QA comments) |
//!
//! Contracts, invoices and ledgers belong to a client company: a client
//! sees only their own company's ([`Scope::sees_client`]); contracts and
//! agents on stores are managed by admins and managers, who also bill.
//!
//! A scope limited to agents never sees figures that belong to no agent
//! (silent sales, unanswered sessions without a receiving agent).

use kefu_domain::Role;
use kefu_kpi::Filter;
use std::collections::BTreeSet;

/// What may be done beyond reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Change a store's settings.
    EditSettings,
    /// Import messages, orders and ratings.
    Import,
    /// Manage users, clients, teams and API tokens.
    Administer,
    /// Change quality-inspection rule sets and inspect again (managers and
    /// inspectors).
    EditQaRules,
    /// Review sessions, draw samples and decide appeals (inspectors and
    /// managers).
    Review,
    /// Appeal a finding or a review (agents for their own, team leads for
    /// their team's).
    Appeal,
    /// Read inspectors' internal comments (everyone but clients).
    ReadQaComments,
    /// Create and change contracts, walk them through onboarding, and
    /// manage agents on stores with their training and assessments
    /// (admins and managers).
    ManageContracts,
    /// Settle months, issue invoices, make notes and record payments and
    /// deposits (admins and managers).
    Bill,
    /// See contracts, invoices and ledgers (admins and managers: all;
    /// clients: their own company's).
    ReadContracts,
    /// Confirm or dispute the month's statement (对账单) of one's own
    /// company (clients).
    ConfirmStatement,
    /// Plan the workforce: staffing, forecasts and rosters (admins,
    /// managers and team leads).
    Plan,
}

/// The visible part of kefu for one principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The role acted with.
    pub role: Role,
    /// Visible stores; `None`: every store.
    pub stores: Option<BTreeSet<String>>,
    /// Agent accounts whose figures and sessions are visible; `None`: all.
    pub agents: Option<BTreeSet<String>>,
    /// The one client company whose contracts, invoices and ledger are
    /// visible; `None`: every company's.
    pub client: Option<String>,
}

/// The facts about a person that decide their scope.
#[derive(Debug, Clone, Default)]
pub struct Standing<'a> {
    /// The client company's stores (for `client`).
    pub client_stores: &'a [String],
    /// The team's agents (for `team_lead`).
    pub team_agents: &'a [String],
    /// Their own agent accounts (for `agent`).
    pub agent_accounts: &'a [String],
    /// Their client company (for `client`).
    pub client: Option<&'a str>,
}

impl Scope {
    /// The scope of a role for a person of this standing. A client without
    /// stores, a team lead without a team or an agent without accounts
    /// sees nothing.
    pub fn of(role: Role, standing: &Standing<'_>) -> Scope {
        let set = |v: &[String]| Some(v.iter().cloned().collect::<BTreeSet<_>>());
        let (stores, agents) = match role {
            Role::Admin | Role::Manager | Role::Inspector => (None, None),
            Role::TeamLead => (None, set(standing.team_agents)),
            Role::Agent => (None, set(standing.agent_accounts)),
            Role::Client => (set(standing.client_stores), None),
        };
        let client =
            (role == Role::Client).then(|| standing.client.unwrap_or_default().to_string());
        Scope {
            role,
            stores,
            agents,
            client,
        }
    }

    /// This scope narrowed to a token's role and stores. A token acts with
    /// at most its owner's role: asking for more gives the owner's.
    pub fn for_token(
        owner_role: Role,
        standing: &Standing<'_>,
        role: Role,
        stores: &[String],
    ) -> Scope {
        let role = if rank(role) >= rank(owner_role) {
            role
        } else {
            owner_role
        };
        // A narrower role of the same person keeps their standing.
        let mut scope = Scope::of(role, standing);
        let owner = Scope::of(owner_role, standing);
        scope.stores = intersect(scope.stores, owner.stores);
        scope.agents = intersect(scope.agents, owner.agents);
        if !stores.is_empty() {
            scope.stores = intersect(scope.stores, Some(stores.iter().cloned().collect()));
        }
        scope
    }

    /// Whether a store is visible.
    pub fn sees_store(&self, code: &str) -> bool {
        self.stores.as_ref().is_none_or(|s| s.contains(code))
    }

    /// Whether a client company's contracts, invoices and ledger are
    /// visible.
    pub fn sees_client(&self, name: &str) -> bool {
        self.client
            .as_deref()
            .is_none_or(|c| !c.is_empty() && c == name)
    }

    /// Whether every agent's figures are visible (not limited to some).
    pub fn sees_all_agents(&self) -> bool {
        self.agents.is_none()
    }

    /// Whether an agent account's figures are visible.
    pub fn sees_agent(&self, account: &str) -> bool {
        self.agents.as_ref().is_none_or(|s| s.contains(account))
    }

    /// Whether something involving these agents (a session, say) is
    /// visible: always with every agent visible, else when one of them is.
    pub fn sees_any_agent<'a>(&self, mut accounts: impl Iterator<Item = &'a str>) -> bool {
        self.agents.is_none() || accounts.any(|a| self.sees_agent(a))
    }

    /// Whether the action is allowed.
    pub fn may(&self, action: Action) -> bool {
        match action {
            Action::Administer => self.role == Role::Admin,
            Action::EditSettings | Action::Import => {
                matches!(self.role, Role::Admin | Role::Manager)
            }
            Action::EditQaRules | Action::Review => {
                matches!(self.role, Role::Admin | Role::Manager | Role::Inspector)
            }
            Action::Appeal => matches!(self.role, Role::Agent | Role::TeamLead),
            Action::ReadQaComments => self.role != Role::Client,
            Action::ManageContracts | Action::Bill => {
                matches!(self.role, Role::Admin | Role::Manager)
            }
            Action::ConfirmStatement => self.role == Role::Client,
            Action::ReadContracts => {
                matches!(self.role, Role::Admin | Role::Manager | Role::Client)
            }
            Action::Plan => matches!(self.role, Role::Admin | Role::Manager | Role::TeamLead),
        }
    }

    /// A KPI query narrowed to this scope.
    pub fn kpi_filter(&self, mut filter: Filter) -> Filter {
        filter.stores = intersect(filter.stores, self.stores.clone());
        filter.agents = intersect(filter.agents, self.agents.clone());
        filter
    }

    /// Keeps the stores of `codes` that are visible.
    pub fn visible_stores<'a>(&self, codes: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        codes
            .into_iter()
            .filter(|c| self.sees_store(c))
            .map(str::to_string)
            .collect()
    }
}

/// Why a user of `role` cannot be made with this standing, in Chinese and
/// English, if they cannot: a client needs a client company, an agent at
/// least one agent account, a team lead a team; and each of these belongs
/// only to the roles it serves (a team also to agents).
pub fn standing_problem(
    role: Role,
    client: bool,
    team: bool,
    agents: bool,
) -> Option<(String, String)> {
    let r = role.as_str();
    let p = |zh: &str, en: &str| Some((zh.to_string(), en.to_string()));
    match role {
        Role::Client if !client => p(
            "甲方账号（client）需要所属甲方公司（--client）：它只能看到该甲方的店铺",
            "a client user needs a client company (--client): they see only its stores",
        ),
        Role::Agent if !agents => p(
            "客服账号（agent）至少需要一个客服子账号（--agent）：它只能看到自己的数据",
            "an agent user needs at least one agent account (--agent): they see only their own figures",
        ),
        Role::TeamLead if !team => p(
            "组长账号（team_lead）需要所属小组（--team）：它看到的是本组客服的数据",
            "a team_lead user needs a team (--team): they see the figures of their team's agents",
        ),
        _ if client && role != Role::Client => Some((
            format!("甲方公司（--client）只用于甲方账号（client），不用于 {r}"),
            format!("a client company (--client) is for client users, not {r}"),
        )),
        _ if team && !matches!(role, Role::TeamLead | Role::Agent) => Some((
            format!("小组（--team）只用于组长（team_lead）和客服（agent），不用于 {r}"),
            format!("a team (--team) is for team_lead and agent users, not {r}"),
        )),
        _ if agents && role != Role::Agent => Some((
            format!("客服子账号（--agent）只用于客服账号（agent），不用于 {r}"),
            format!("agent accounts (--agent) are for agent users, not {r}"),
        )),
        _ => None,
    }
}

/// A role's rank: 0 is the most powerful.
pub fn rank(role: Role) -> usize {
    Role::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(usize::MAX)
}

fn intersect(a: Option<BTreeSet<String>>, b: Option<BTreeSet<String>>) -> Option<BTreeSet<String>> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_role_sees_its_part() {
        let stores = v(&["dy-1"]);
        let team = v(&["dy-1:a", "dy-1:b"]);
        let own = v(&["dy-1:a"]);
        let st = Standing {
            client_stores: &stores,
            team_agents: &team,
            agent_accounts: &own,
            client: Some("ACME"),
        };
        let manager = Scope::of(Role::Manager, &st);
        assert!(manager.sees_store("tm-9") && manager.sees_all_agents());
        assert!(manager.may(Action::Import) && !manager.may(Action::Administer));
        let client = Scope::of(Role::Client, &st);
        assert!(client.sees_store("dy-1") && !client.sees_store("tm-9"));
        assert!(client.sees_all_agents() && !client.may(Action::EditSettings));
        let lead = Scope::of(Role::TeamLead, &st);
        assert!(lead.sees_agent("dy-1:b") && !lead.sees_agent("dy-1:c"));
        let agent = Scope::of(Role::Agent, &st);
        assert!(agent.sees_agent("dy-1:a") && !agent.sees_agent("dy-1:b"));
        assert!(agent.sees_any_agent(["dy-1:x", "dy-1:a"].into_iter()));
        assert!(!agent.sees_any_agent(std::iter::empty()));
        assert!(client.sees_client("ACME") && !client.sees_client("Other"));
        assert!(client.may(Action::ConfirmStatement) && !client.may(Action::Bill));
        assert!(manager.sees_client("Other") && manager.may(Action::Bill));
        assert!(manager.may(Action::ManageContracts) && !lead.may(Action::ManageContracts));
        assert!(client.may(Action::ReadContracts) && !agent.may(Action::ReadContracts));
        let nobody = Scope::of(Role::Client, &Standing::default());
        assert!(!nobody.sees_store("dy-1") && !nobody.sees_client(""));
    }

    #[test]
    fn tokens_never_exceed_their_owner() {
        let stores = v(&["dy-1", "dy-2"]);
        let st = Standing {
            client_stores: &stores,
            ..Standing::default()
        };
        let t = Scope::for_token(Role::Client, &st, Role::Admin, &[]);
        assert_eq!(t.role, Role::Client);
        assert!(t.sees_store("dy-2") && !t.sees_store("tm-1"));
        let t = Scope::for_token(Role::Client, &st, Role::Client, &v(&["dy-2", "tm-1"]));
        assert!(t.sees_store("dy-2") && !t.sees_store("dy-1") && !t.sees_store("tm-1"));
        let t = Scope::for_token(Role::Admin, &st, Role::Manager, &v(&["tm-1"]));
        assert!(t.sees_store("tm-1") && !t.sees_store("dy-1") && t.may(Action::Import));
    }
}
