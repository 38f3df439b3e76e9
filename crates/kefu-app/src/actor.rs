//! Who is acting: a logged-in user, an API token, or the local command
//! line acting as an administrator; with the [`Scope`] that decides what
//! they see. Every call of the service layer takes one, and every write
//! records it ([`kefu_db::AuditEntry`]).

use kefu_access::{Scope, Standing};
use kefu_db::accounts::{ApiToken, User};
use kefu_domain::Role;

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    /// A user logged in through the browser.
    User {
        /// The user's id.
        id: i64,
        /// Their login name.
        username: String,
    },
    /// A machine client with an API token.
    Token {
        /// The token's id.
        id: i64,
        /// The token's label.
        name: String,
        /// The owner's id.
        owner_id: i64,
        /// The owner's login name.
        owner: String,
    },
    /// The local command line: whoever may open the database file or URL
    /// administers it.
    CommandLine,
}

/// An actor and their scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who.
    pub who: Who,
    /// What they may see and do.
    pub scope: Scope,
}

/// The facts of a user that decide their scope.
pub fn standing(user: &User) -> Standing<'_> {
    Standing {
        client_stores: &user.client_stores,
        team_agents: &user.team_agents,
        agent_accounts: &user.agent_accounts,
        client: user.client.as_deref(),
    }
}

impl Actor {
    /// The command line, as an administrator who sees everything.
    pub fn command_line() -> Actor {
        Actor {
            who: Who::CommandLine,
            scope: Scope::of(Role::Admin, &Standing::default()),
        }
    }

    /// A logged-in user, with the scope of their role and standing.
    pub fn user(user: &User) -> Actor {
        Actor {
            who: Who::User {
                id: user.id,
                username: user.username.clone(),
            },
            scope: Scope::of(user.role, &standing(user)),
        }
    }

    /// An API token of `owner`, never seeing more than the owner does.
    pub fn token(token: &ApiToken, owner: &User) -> Actor {
        Actor {
            who: Who::Token {
                id: token.id,
                name: token.name.clone(),
                owner_id: owner.id,
                owner: owner.username.clone(),
            },
            scope: Scope::for_token(owner.role, &standing(owner), token.role, &token.stores),
        }
    }

    /// The user acting (a token's owner); `None` for the command line.
    pub fn user_id(&self) -> Option<i64> {
        match &self.who {
            Who::User { id, .. } => Some(*id),
            Who::Token { owner_id, .. } => Some(*owner_id),
            Who::CommandLine => None,
        }
    }

    /// The kind as recorded: `user`, `token` or `cli`.
    pub fn kind(&self) -> &'static str {
        match self.who {
            Who::User { .. } => "user",
            Who::Token { .. } => "token",
            Who::CommandLine => "cli",
        }
    }

    /// The name as recorded and logged.
    pub fn name(&self) -> String {
        match &self.who {
            Who::User { username, .. } => username.clone(),
            Who::Token { name, owner, .. } => format!("{owner} (token {name})"),
            Who::CommandLine => "cli".into(),
        }
    }
}
