-- Accounts (issue 3): users and their roles, client companies and their
-- stores, teams of agents, browser sessions and API tokens. Times are UTC
-- milliseconds; secrets are stored only as hashes.
CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
-- A store belongs to at most one client.
CREATE TABLE client_stores (
    store TEXT PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id)
);
CREATE INDEX client_stores_client ON client_stores (client_id);
CREATE TABLE teams (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE team_agents (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    agent TEXT NOT NULL,
    PRIMARY KEY (team_id, agent)
);
-- role: admin, manager, team_lead, inspector, agent or client.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    client_id BIGINT REFERENCES clients (id),
    team_id BIGINT REFERENCES teams (id),
    created_ms BIGINT NOT NULL
);
-- The platform sub-accounts that are a user's own (an agent's figures).
CREATE TABLE user_agents (
    user_id BIGINT NOT NULL REFERENCES users (id),
    account TEXT NOT NULL,
    PRIMARY KEY (user_id, account)
);
CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    revoked_ms BIGINT
);
-- The stores a token is limited to (none: what its role and owner allow).
CREATE TABLE api_token_stores (
    token_id BIGINT NOT NULL REFERENCES api_tokens (id),
    store TEXT NOT NULL,
    PRIMARY KEY (token_id, store)
);
