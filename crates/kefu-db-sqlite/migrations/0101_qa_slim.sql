-- Quality inspection: fewer B-trees for an import to write (issue 10).
--
-- An import writes a row per inspected session and per finding, over a
-- million of each for a month of a large provider. Findings are read by
-- their session (qa_findings_session); queries by day or store join the
-- sessions and use qa_sessions_day, so findings need no index by day.
-- Sessions are kept in their primary key (WITHOUT ROWID): one B-tree for
-- the table and its key instead of two. Nothing refers to a session's rowid.
DROP INDEX qa_findings_day;

CREATE TABLE qa_sessions_by_key (
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
) WITHOUT ROWID;
INSERT INTO qa_sessions_by_key
    SELECT conv_id, start_ms, store_id, day, agent, kind, auto_score, critical, findings,
           version, pinned, reviewed, final_score
    FROM qa_sessions;
DROP TABLE qa_sessions;
ALTER TABLE qa_sessions_by_key RENAME TO qa_sessions;
CREATE INDEX qa_sessions_day ON qa_sessions (day, store_id);
