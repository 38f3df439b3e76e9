-- Quality inspection (质检, issue 10, spec qa.md).

-- Rule-set versions: the provider's set (store_id NULL) and each store's
-- overrides, as the TOML of qa.md §4. Versions are one sequence; a store's
-- rules at version v are the provider's latest set up to v with the
-- store's latest overrides up to v. Rows are only ever added.
CREATE TABLE qa_rule_versions (
    version BIGSERIAL PRIMARY KEY,
    store_id BIGINT REFERENCES stores (id),
    body TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL
);

-- Every inspected session (one with a buyer message), named by its
-- conversation (store, buyer) and start. Derived by the import; a session
-- a person has reviewed or appealed is pinned: re-inspection keeps it and
-- its findings with their version.
CREATE TABLE qa_sessions (
    conv_id BIGINT NOT NULL REFERENCES conversations (id),
    start_ms BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    agent TEXT,
    -- 0 manual, 1 bot, 2 unanswered.
    kind BIGINT NOT NULL,
    auto_score BIGINT,
    critical BOOLEAN NOT NULL,
    findings BIGINT NOT NULL,
    version BIGINT NOT NULL,
    -- Reviewed or appealed: kept by re-inspection.
    pinned BOOLEAN NOT NULL,
    reviewed BOOLEAN NOT NULL,
    -- The reviewed score after appeals, or the auto score after appeals
    -- on findings; NULL while neither happened (the auto score is final).
    final_score BIGINT,
    PRIMARY KEY (conv_id, start_ms)
);
CREATE INDEX qa_sessions_day ON qa_sessions (day, store_id);

CREATE TABLE qa_findings (
    id BIGSERIAL PRIMARY KEY,
    conv_id BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    message_id TEXT,
    agent TEXT,
    rule TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    points BIGINT NOT NULL,
    matched TEXT,
    span_start BIGINT,
    span_end BIGINT,
    version BIGINT NOT NULL,
    pinned BOOLEAN NOT NULL
);
CREATE INDEX qa_findings_session ON qa_findings (conv_id, start_ms);
CREATE INDEX qa_findings_day ON qa_findings (day, store_id);

-- The daily review sample: its seed and share, and the sessions drawn.
CREATE TABLE qa_samples (
    day BIGINT PRIMARY KEY,
    seed BIGINT NOT NULL,
    share_permille BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE qa_queue (
    conv_id BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    day BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    agent TEXT,
    -- 'critical' or 'random'.
    reason TEXT NOT NULL,
    PRIMARY KEY (conv_id, start_ms)
);
CREATE INDEX qa_queue_day ON qa_queue (day);

-- The provider's scorecard. Items are retired, never deleted; a review
-- keeps a copy of the items it scored.
CREATE TABLE qa_scorecard_items (
    item TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    points BIGINT NOT NULL,
    critical BOOLEAN NOT NULL,
    position BIGINT NOT NULL,
    retired BOOLEAN NOT NULL
);

-- One review per session, by an inspector.
CREATE TABLE qa_reviews (
    id BIGSERIAL PRIMARY KEY,
    conv_id BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    agent TEXT,
    inspector_id BIGINT,
    inspector TEXT NOT NULL,
    score BIGINT NOT NULL,
    -- The inspector's internal comment: never shown to clients.
    comment TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    UNIQUE (conv_id, start_ms)
);
CREATE TABLE qa_review_items (
    review_id BIGINT NOT NULL REFERENCES qa_reviews (id),
    item TEXT NOT NULL,
    name TEXT NOT NULL,
    points BIGINT NOT NULL,
    critical BOOLEAN NOT NULL,
    failed BOOLEAN NOT NULL,
    PRIMARY KEY (review_id, item)
);
CREATE TABLE qa_finding_decisions (
    review_id BIGINT NOT NULL REFERENCES qa_reviews (id),
    finding_id BIGINT NOT NULL,
    confirmed BOOLEAN NOT NULL,
    PRIMARY KEY (review_id, finding_id)
);

-- One appeal per finding or review, decided by a second inspector.
CREATE TABLE qa_appeals (
    id BIGSERIAL PRIMARY KEY,
    finding_id BIGINT UNIQUE,
    review_id BIGINT UNIQUE,
    conv_id BIGINT NOT NULL,
    start_ms BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    agent TEXT,
    by_user_id BIGINT,
    by_user TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    decided_by_id BIGINT,
    decided_by TEXT,
    upheld BOOLEAN,
    decision_reason TEXT,
    decided_at_ms BIGINT
);
CREATE INDEX qa_appeals_session ON qa_appeals (conv_id, start_ms);
