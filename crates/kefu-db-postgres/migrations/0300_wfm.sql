-- Workforce planning (排班, issue 12, spec wfm.md).

-- The planning settings (rules, shifts, agents' hours and leave, stores'
-- weights and staffing targets) as their TOML text; versions are only
-- added, the latest is in force.
CREATE TABLE wfm_settings (
    version BIGSERIAL PRIMARY KEY,
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL
);

-- The promotion calendar: a store's day with its volume multiplier, in
-- thousandths (6400 = 6.4 times), set by hand or learnt from the same
-- event a year before ('manual' or 'learnt').
CREATE TABLE wfm_promotions (
    store TEXT NOT NULL,
    day BIGINT NOT NULL,
    multiplier_permille BIGINT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (store, day)
);

-- Stored rosters: the instance they solved (TOML and requirements CSV of
-- §5) and the answer (JSON of §5). A later roster covering a day is the
-- plan of that day.
CREATE TABLE wfm_rosters (
    id BIGSERIAL PRIMARY KEY,
    start_day BIGINT NOT NULL,
    days BIGINT NOT NULL,
    instance TEXT NOT NULL,
    requirements TEXT NOT NULL,
    answer TEXT NOT NULL,
    note TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX wfm_rosters_start ON wfm_rosters (start_day);
