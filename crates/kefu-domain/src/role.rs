//! The roles of kefu's users (spec: DEVELOPERS.md, issue 3).

use std::fmt;
use std::str::FromStr;

/// What a user (or an API token) is allowed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Runs the installation: users, tokens, everything a manager may.
    Admin,
    /// The provider's operations manager: every store, its settings, imports.
    Manager,
    /// A team lead: the figures and sessions of the agents of their team.
    TeamLead,
    /// A quality inspector (质检员): every store's figures and sessions.
    Inspector,
    /// An agent: only their own figures and sessions.
    Agent,
    /// A client's (甲方) store owner: only the stores of their company.
    Client,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Manager,
        Role::TeamLead,
        Role::Inspector,
        Role::Agent,
        Role::Client,
    ];

    /// The role's name as stored and typed: `admin`, `manager`, `team_lead`,
    /// `inspector`, `agent`, `client`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::TeamLead => "team_lead",
            Role::Inspector => "inspector",
            Role::Agent => "agent",
            Role::Client => "client",
        }
    }

    /// The role's Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "管理员",
            Role::Manager => "运营经理",
            Role::TeamLead => "组长",
            Role::Inspector => "质检员",
            Role::Agent => "客服",
            Role::Client => "甲方",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        let t = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == t || r.zh() == s.trim())
            .ok_or_else(|| {
                format!(
                    "'{s}' is not a role; use admin, manager, team_lead, inspector, agent or client"
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_chinese() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            assert_eq!(r.zh().parse::<Role>(), Ok(r));
        }
        assert_eq!("Team-Lead".parse::<Role>(), Ok(Role::TeamLead));
        assert!("boss".parse::<Role>().unwrap_err().contains("not a role"));
    }
}
