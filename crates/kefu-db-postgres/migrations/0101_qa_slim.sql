-- Quality inspection: fewer indexes for an import to write (issue 10).
--
-- Findings are read by their session (qa_findings_session); queries by day
-- or store join the sessions and use qa_sessions_day, so findings need no
-- index by day. (SQLite's migration also keeps sessions in their primary
-- key; PostgreSQL tables are heaps either way.)
DROP INDEX qa_findings_day;
