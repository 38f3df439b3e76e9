-- Who wrote what (issue 9): every write through the service layer
-- (kefu-app) records its actor. Rows are only ever added.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    -- 'user', 'token' or 'cli' (the local command line as administrator).
    actor_kind TEXT NOT NULL,
    -- The user (a token's owner); NULL for the command line.
    user_id BIGINT,
    -- The login name shown, kept when the user is renamed or gone.
    actor_name TEXT NOT NULL,
    token_id BIGINT,
    -- What was done, e.g. 'user.create', 'store.settings', 'import'.
    action TEXT NOT NULL,
    -- What it was done to (a user name, a store code, a token id).
    subject TEXT NOT NULL,
    -- A few words more (counts of an import, the role of a new user).
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at_ms);
