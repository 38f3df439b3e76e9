//! The SQL of [`crate::QaStore`] both backends share, as a macro expanded
//! once per backend with its sqlx types (like [`crate::sql_repository!`]).

/// Implements [`crate::QaStore`] for `$repo` (a struct with a field
/// `pool: sqlx::Pool<$db>`) and defines module `__kefu_qa`, whose
/// functions the import of [`crate::sql_repository!`] calls to store the
/// QA projection in its transaction. `$dialect` is a path from the crate
/// root (e.g. `crate::SqliteDialect`).
///
/// The schema is each backend's migrations `0100_qa.sql` and `0101_qa_slim.sql`.
#[macro_export]
macro_rules! sql_qa {
    ($repo:ident, $db:ty, $dialect:ty) => {
        mod __kefu_qa {
            use super::$repo;
            use ::anyhow::{Result, bail};
            use ::std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
            use $crate::qa::{
                FINDINGS_OF_SESSIONS, Appeal, AppealQuery, Decision, FindingCount, NewAppeal, NewReview, QaFinding, QaQuery, QaSession, QaSessionDetail, Reinspected, Review,
                ReviewItem, RuleVersion, Sample, ScoreGrouping, ScoreTotals, Trial, TrialFinding,
            };
            use ::kefu_qa::review::ScoreItem;
            use $crate::qa_projection::{QaRows, RulesInForce};

            type Tx = ::sqlx::Transaction<'static, $db>;

            /// Conversations per statement when rows are replaced.
            const CONVS_PER_STATEMENT: usize = 500;
            /// Rows per insert (16 values a row at most, under SQLite's
            /// 32,766 variables).
            const ROWS_PER_INSERT: usize = 2000;

            fn now_ms() -> i64 {
                ::std::time::SystemTime::now()
                    .duration_since(::std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as i64)
                    .unwrap_or_default()
            }

            async fn record(tx: &mut Tx, e: &$crate::AuditEntry) -> Result<()> {
                ::sqlx::query($crate::audit::INSERT_ENTRY)
                    .bind(e.at_ms)
                    .bind(&e.actor_kind)
                    .bind(e.user_id)
                    .bind(&e.actor_name)
                    .bind(e.token_id)
                    .bind(&e.action)
                    .bind(&e.subject)
                    .bind(&e.detail)
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }

            /// The rules in force, storing the shipped default as the first
            /// version when there is none yet (in this write transaction).
            pub(crate) async fn rules_in_force(tx: &mut Tx) -> Result<RulesInForce> {
                let mut rules = read_rules(&mut **tx).await?;
                if rules.provider.is_none() {
                    let version: i64 = ::sqlx::query_scalar(
                        "INSERT INTO qa_rule_versions (store_id, body, note, created_at_ms, created_by) \
                         VALUES (NULL, $1, $2, $3, 'kefu') RETURNING version",
                    )
                    .bind(::kefu_qa::DEFAULT_RULES)
                    .bind("出厂默认规则集 (the default rule set as shipped)")
                    .bind(now_ms())
                    .fetch_one(&mut **tx)
                    .await?;
                    rules.provider = Some((version, ::kefu_qa::DEFAULT_RULES.to_string()));
                }
                Ok(rules)
            }

            async fn read_rules<'e, E>(ex: E) -> Result<RulesInForce>
            where
                E: ::sqlx::Executor<'e, Database = $db>,
            {
                let rows: Vec<(i64, Option<i64>, String)> = ::sqlx::query_as(
                    "SELECT version, store_id, body FROM qa_rule_versions r WHERE version = \
                     (SELECT MAX(version) FROM qa_rule_versions x WHERE x.store_id IS NOT DISTINCT FROM r.store_id)",
                )
                .fetch_all(ex)
                .await?;
                let mut out = RulesInForce::default();
                for (version, store, body) in rows {
                    match store {
                        None => out.provider = Some((version, body)),
                        Some(s) => {
                            out.overrides.insert(s, (version, body));
                        }
                    }
                }
                Ok(out)
            }

            /// Stores conversations' inspections in place of what they had
            /// (`replace`: conversations that may have rows already), keeping
            /// pinned sessions and their findings.
            pub(crate) async fn save(tx: &mut Tx, replace: &[i64], rows: Vec<QaRows>) -> Result<()> {
                let mut pinned: HashSet<(i64, i64)> = HashSet::new();
                for chunk in replace.chunks(CONVS_PER_STATEMENT) {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT conv_id, start_ms FROM qa_sessions WHERE pinned AND conv_id IN (",
                    );
                    let mut sep = qb.separated(", ");
                    for c in chunk {
                        sep.push_bind(*c);
                    }
                    qb.push(")");
                    let keys: Vec<(i64, i64)> = qb.build_query_as().fetch_all(&mut **tx).await?;
                    pinned.extend(keys);
                    for table in ["qa_findings", "qa_sessions"] {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(format!(
                            "DELETE FROM {table} WHERE NOT pinned AND conv_id IN ("
                        ));
                        let mut sep = qb.separated(", ");
                        for c in chunk {
                            sep.push_bind(*c);
                        }
                        qb.push(")");
                        qb.build().execute(&mut **tx).await?;
                    }
                }
                let keep = |conv: i64, start: i64| !pinned.contains(&(conv, start));
                let sessions: Vec<_> =
                    rows.iter().flat_map(|r| &r.sessions).filter(|s| keep(s.conv_id, s.start_ms)).collect();
                let findings: Vec<_> =
                    rows.iter().flat_map(|r| &r.findings).filter(|f| keep(f.conv_id, f.start_ms)).collect();
                <$dialect as $crate::Dialect>::insert_qa(tx, &sessions, &findings).await?;
                Ok(())
            }

            /// Pushes ` AND column IN (…)` of a set (never an empty list: an
            /// empty set matches nothing).
            fn push_in(qb: &mut ::sqlx::QueryBuilder<'_, $db>, column: &str, items: &BTreeSet<String>) {
                qb.push(format!(" AND {column} IN ("));
                let mut sep = qb.separated(", ");
                sep.push_bind(String::new());
                for item in items {
                    sep.push_bind(item.clone());
                }
                qb.push(")");
            }

            /// Pushes the `WHERE` of a query on sessions `s` joined with
            /// `stores st` (findings `f` join them: `FINDINGS_OF_SESSIONS`).
            /// Days and conversations are always the session's; the agent is
            /// that of `agent_of`, `s` or `f` (a finding's agent is the one
            /// who wrote its message); `rule` filters `f.rule`.
            fn push_filter<'q>(qb: &mut ::sqlx::QueryBuilder<'q, $db>, agent_of: &str, q: &'q QaQuery, rule: bool) {
                qb.push(" WHERE 1 = 1");
                if let Some(from) = q.from {
                    qb.push(" AND s.day >= ").push_bind(i64::from(from));
                }
                if let Some(to) = q.to {
                    qb.push(" AND s.day <= ").push_bind(i64::from(to));
                }
                if let Some(c) = q.conversation {
                    qb.push(" AND s.conv_id = ").push_bind(c);
                }
                if let Some(stores) = &q.stores {
                    push_in(qb, "st.code", stores);
                }
                if let Some(agents) = &q.agents {
                    push_in(qb, &format!("{agent_of}.agent"), agents);
                }
                if rule && let Some(r) = &q.rule {
                    qb.push(" AND f.rule = ").push_bind(r.as_str());
                }
            }

            type SessionTuple = (i64, i64, String, String, i64, Option<String>, i64, Option<i64>, bool, i64, i64, bool, bool, Option<i64>);

            fn session_of(r: SessionTuple) -> QaSession {
                QaSession {
                    conv_id: r.0,
                    start_ms: r.1,
                    store: r.2,
                    buyer: r.3,
                    day: r.4 as i32,
                    agent: r.5,
                    kind: r.6,
                    auto_score: r.7,
                    critical: r.8,
                    findings: r.9,
                    version: r.10,
                    pinned: r.11,
                    reviewed: r.12,
                    final_score: r.13,
                }
            }

            /// The conversations of `stores` (all when `None`) with a message
            /// whose `sent_at` is dated in [from, to], in order.
            async fn conversations_dated(
                tx: &mut Tx,
                stores: Option<&BTreeSet<String>>,
                from: Option<i32>,
                to: Option<i32>,
            ) -> Result<Vec<i64>> {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT DISTINCT m.conv_id FROM messages m JOIN stores st ON st.id = m.store_id WHERE 1 = 1",
                    );
                    if let Some(from) = from {
                        qb.push(" AND m.sent_at >= ").push_bind(::kefu_domain::time::format_day(from));
                    }
                    if let Some(to) = to {
                        qb.push(" AND m.sent_at < ").push_bind(::kefu_domain::time::format_day(to + 1));
                    }
                    if let Some(stores) = stores {
                        push_in(&mut qb, "st.code", stores);
                    }
                    qb.push(" ORDER BY m.conv_id");
                    let convs: Vec<i64> = qb.build_query_scalar().fetch_all(&mut **tx).await?;
                Ok(convs)
            }

            /// The conversations with a session inspected on the days
            /// `from`–`to` (every import inspects what it stores; `kefu qa
            /// run` inspects a database from before quality inspection).
            async fn conversations_inspected(
                tx: &mut Tx,
                stores: Option<&BTreeSet<String>>,
                from: i32,
                to: i32,
            ) -> Result<Vec<i64>> {
                let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                    "SELECT DISTINCT q.conv_id FROM qa_sessions q JOIN stores st ON st.id = q.store_id WHERE q.day >= ",
                );
                qb.push_bind(i64::from(from)).push(" AND q.day <= ").push_bind(i64::from(to));
                if let Some(stores) = stores {
                    push_in(&mut qb, "st.code", stores);
                }
                qb.push(" ORDER BY q.conv_id");
                Ok(qb.build_query_scalar().fetch_all(&mut **tx).await?)
            }

            /// Pins a session and its findings: re-inspection keeps them.
            async fn pin(tx: &mut Tx, conv: i64, start: i64) -> Result<()> {
                for table in ["qa_sessions", "qa_findings"] {
                    ::sqlx::query(&format!("UPDATE {table} SET pinned = $1 WHERE conv_id = $2 AND start_ms = $3"))
                        .bind(true)
                        .bind(conv)
                        .bind(start)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }

            type AppealTuple = (i64, Option<i64>, Option<i64>, i64, i64, String, Option<String>, Option<i64>, String, String, i64, Option<i64>, Option<String>, Option<bool>, Option<String>, Option<i64>);

            /// Appeals of one session, or of `q`, oldest first.
            async fn appeals_where(pool: &::sqlx::Pool<$db>, session: Option<(i64, i64)>, q: &AppealQuery) -> Result<Vec<Appeal>> {
                let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                    "SELECT a.id, a.finding_id, a.review_id, a.conv_id, a.start_ms, st.code, a.agent, a.by_user_id, a.by_user, a.reason, \
                     a.created_at_ms, a.decided_by_id, a.decided_by, a.upheld, a.decision_reason, a.decided_at_ms \
                     FROM qa_appeals a JOIN stores st ON st.id = a.store_id WHERE 1 = 1",
                );
                if let Some((conv, start)) = session {
                    qb.push(" AND a.conv_id = ").push_bind(conv).push(" AND a.start_ms = ").push_bind(start);
                }
                if let Some(id) = q.id {
                    qb.push(" AND a.id = ").push_bind(id);
                }
                if q.open_only {
                    qb.push(" AND a.decided_by IS NULL");
                }
                if let Some(stores) = &q.stores {
                    push_in(&mut qb, "st.code", stores);
                }
                if let Some(agents) = &q.agents {
                    push_in(&mut qb, "a.agent", agents);
                }
                qb.push(" ORDER BY a.id");
                let rows: Vec<AppealTuple> = qb.build_query_as().fetch_all(pool).await?;
                Ok(rows
                    .into_iter()
                    .map(|r| Appeal {
                        id: r.0,
                        finding_id: r.1,
                        review_id: r.2,
                        conv_id: r.3,
                        start_ms: r.4,
                        store: r.5,
                        agent: r.6,
                        by_user_id: r.7,
                        by_user: r.8,
                        reason: r.9,
                        created_at_ms: r.10,
                        decided_by_id: r.11,
                        decided_by: r.12,
                        upheld: r.13,
                        decision_reason: r.14,
                        decided_at_ms: r.15,
                    })
                    .collect())
            }

            #[::async_trait::async_trait]
            impl $crate::qa::QaStore for $repo {
                async fn qa_rule_versions(&self) -> Result<Vec<RuleVersion>> {
                    let rows: Vec<(i64, Option<String>, String, String, i64, String)> = ::sqlx::query_as(
                        "SELECT r.version, st.code, r.body, r.note, r.created_at_ms, r.created_by \
                         FROM qa_rule_versions r LEFT JOIN stores st ON st.id = r.store_id ORDER BY r.version",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(version, store, body, note, created_at_ms, created_by)| RuleVersion {
                            version,
                            store,
                            body,
                            note,
                            created_at_ms,
                            created_by,
                        })
                        .collect())
                }

                async fn qa_add_rule_version(
                    &self,
                    store: Option<&str>,
                    body: &str,
                    note: &str,
                    entry: &$crate::AuditEntry,
                ) -> Result<i64> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    // The shipped default becomes the first version before any other.
                    rules_in_force(&mut tx).await?;
                    let store_id: Option<i64> = match store {
                        None => None,
                        Some(code) => {
                            let id: Option<i64> = ::sqlx::query_scalar("SELECT id FROM stores WHERE code = $1")
                                .bind(code)
                                .fetch_optional(&mut *tx)
                                .await?;
                            match id {
                                Some(id) => Some(id),
                                None => bail!("no store {code}"),
                            }
                        }
                    };
                    let version: i64 = ::sqlx::query_scalar(
                        "INSERT INTO qa_rule_versions (store_id, body, note, created_at_ms, created_by) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING version",
                    )
                    .bind(store_id)
                    .bind(body)
                    .bind(note)
                    .bind(entry.at_ms)
                    .bind(&entry.actor_name)
                    .fetch_one(&mut *tx)
                    .await?;
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(version)
                }

                async fn qa_reinspect(
                    &self,
                    stores: Option<&BTreeSet<String>>,
                    from: Option<i32>,
                    to: Option<i32>,
                    entry: &$crate::AuditEntry,
                ) -> Result<Reinspected> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let convs = conversations_dated(&mut tx, stores, from, to).await?;
                    let rows = super::qa_recompute(&mut tx, &convs).await?;
                    let mut done = Reinspected { conversations: convs.len() as u64, ..Default::default() };
                    save(&mut tx, &convs, rows).await?;
                    for chunk in convs.chunks(CONVS_PER_STATEMENT) {
                        for (table, slot) in [("qa_sessions", 0), ("qa_findings", 1)] {
                            let mut qb = ::sqlx::QueryBuilder::<$db>::new(format!(
                                "SELECT COUNT(*) FROM {table} WHERE conv_id IN ("
                            ));
                            let mut sep = qb.separated(", ");
                            for c in chunk {
                                sep.push_bind(*c);
                            }
                            qb.push(")");
                            let n: i64 = qb.build_query_scalar().fetch_one(&mut *tx).await?;
                            if slot == 0 { done.sessions += n as u64 } else { done.findings += n as u64 }
                        }
                    }
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(done)
                }

                async fn qa_sessions(&self, q: &QaQuery) -> Result<Vec<QaSession>> {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT s.conv_id, s.start_ms, st.code, c.buyer, s.day, s.agent, s.kind, s.auto_score, \
                         s.critical, s.findings, s.version, s.pinned, s.reviewed, s.final_score \
                         FROM qa_sessions s JOIN conversations c ON c.id = s.conv_id JOIN stores st ON st.id = s.store_id",
                    );
                    push_filter(&mut qb, "s", q, false);
                    if q.worst {
                        qb.push(" AND s.kind = 0 ORDER BY COALESCE(s.final_score, s.auto_score), s.day, st.code, c.buyer, s.start_ms");
                    } else {
                        qb.push(" ORDER BY s.day, st.code, c.buyer, s.start_ms");
                    }
                    if let Some(limit) = q.limit {
                        qb.push(" LIMIT ").push_bind(limit);
                    }
                    let rows: Vec<SessionTuple> = qb.build_query_as().fetch_all(&self.pool).await?;
                    Ok(rows.into_iter().map(session_of).collect())
                }

                async fn qa_findings(&self, q: &QaQuery) -> Result<Vec<QaFinding>> {
                    use ::sqlx::Row as _;
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT f.id, f.conv_id, f.start_ms, st.code, c.buyer, f.day, f.message_id, f.agent, f.rule, \
                         f.kind, f.severity, f.points, f.matched, f.span_start, f.span_end, f.version \
                         FROM {FINDINGS_OF_SESSIONS} JOIN conversations c ON c.id = f.conv_id JOIN stores st ON st.id = s.store_id"
                    ));
                    push_filter(&mut qb, "f", q, true);
                    qb.push(" ORDER BY f.day, st.code, c.buyer, f.start_ms, f.id");
                    if let Some(limit) = q.limit {
                        qb.push(" LIMIT ").push_bind(limit);
                    }
                    let rows = qb.build().fetch_all(&self.pool).await?;
                    let mut out = Vec::with_capacity(rows.len());
                    for r in rows {
                        let span: (Option<i64>, Option<i64>) = (r.try_get(13)?, r.try_get(14)?);
                        out.push(QaFinding {
                            id: r.try_get(0)?,
                            conv_id: r.try_get(1)?,
                            start_ms: r.try_get(2)?,
                            store: r.try_get(3)?,
                            buyer: r.try_get(4)?,
                            day: r.try_get::<i64, _>(5)? as i32,
                            message_id: r.try_get(6)?,
                            agent: r.try_get(7)?,
                            rule: r.try_get(8)?,
                            kind: r.try_get(9)?,
                            severity: r.try_get(10)?,
                            points: r.try_get(11)?,
                            matched: r.try_get(12)?,
                            span: span.0.zip(span.1),
                            version: r.try_get(15)?,
                        });
                    }
                    Ok(out)
                }

                async fn qa_scores(&self, g: ScoreGrouping, q: &QaQuery) -> Result<Vec<ScoreTotals>> {
                    use ::sqlx::Row as _;
                    type Key = (Option<String>, Option<String>, Option<i32>);
                    let keys = |t: &str| {
                        let mut k = Vec::new();
                        if g.store { k.push("st.code".to_string()) }
                        if g.agent { k.push(format!("{t}.agent")) }
                        if g.date { k.push(format!("{t}.day")) }
                        k
                    };
                    let key_of = |r: &<$db as ::sqlx::Database>::Row| -> Result<Key> {
                        let mut i = 0;
                        let mut next = || { i += 1; i - 1 };
                        let store = if g.store { Some(r.try_get::<String, _>(next())?) } else { None };
                        let agent = if g.agent { r.try_get::<Option<String>, _>(next())? } else { None };
                        let day = if g.date { Some(r.try_get::<i64, _>(next())? as i32) } else { None };
                        Ok((store, agent, day))
                    };
                    let mut groups: BTreeMap<Key, ScoreTotals> = BTreeMap::new();
                    let sk = keys("s");
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new("SELECT ");
                    for k in &sk {
                        qb.push(format!("{k}, "));
                    }
                    qb.push(
                        "COUNT(*), \
                         CAST(SUM(CASE WHEN s.kind = 0 THEN 1 ELSE 0 END) AS BIGINT), \
                         CAST(SUM(CASE WHEN s.critical THEN 1 ELSE 0 END) AS BIGINT), \
                         CAST(SUM(CASE WHEN s.reviewed THEN 1 ELSE 0 END) AS BIGINT), \
                         CAST(SUM(CASE WHEN s.kind = 0 THEN COALESCE(s.auto_score, 0) ELSE 0 END) AS BIGINT), \
                         CAST(SUM(CASE WHEN s.kind = 0 THEN COALESCE(s.final_score, s.auto_score, 0) ELSE 0 END) AS BIGINT) \
                         FROM qa_sessions s JOIN stores st ON st.id = s.store_id",
                    );
                    push_filter(&mut qb, "s", q, false);
                    if !sk.is_empty() {
                        qb.push(format!(" GROUP BY {}", sk.join(", ")));
                    }
                    for r in qb.build().fetch_all(&self.pool).await? {
                        let key = key_of(&r)?;
                        let n = sk.len();
                        let inspected: i64 = r.try_get(n)?;
                        if inspected == 0 {
                            continue;
                        }
                        let t = groups.entry(key.clone()).or_default();
                        (t.store, t.agent, t.day) = key;
                        t.sessions_inspected = inspected;
                        t.manual_sessions = r.try_get::<Option<i64>, _>(n + 1)?.unwrap_or_default();
                        t.critical_sessions = r.try_get::<Option<i64>, _>(n + 2)?.unwrap_or_default();
                        t.reviewed_sessions = r.try_get::<Option<i64>, _>(n + 3)?.unwrap_or_default();
                        t.auto_score_sum = r.try_get::<Option<i64>, _>(n + 4)?.unwrap_or_default();
                        t.final_score_sum = r.try_get::<Option<i64>, _>(n + 5)?.unwrap_or_default();
                    }
                    let fk = keys("f");
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new("SELECT ");
                    for k in &fk {
                        qb.push(format!("{k}, "));
                    }
                    qb.push(format!("COUNT(*) FROM {FINDINGS_OF_SESSIONS} JOIN stores st ON st.id = s.store_id"));
                    push_filter(&mut qb, "f", q, false);
                    if !fk.is_empty() {
                        qb.push(format!(" GROUP BY {}", fk.join(", ")));
                    }
                    for r in qb.build().fetch_all(&self.pool).await? {
                        let key = key_of(&r)?;
                        let n: i64 = r.try_get(fk.len())?;
                        if n == 0 {
                            continue;
                        }
                        let t = groups.entry(key.clone()).or_default();
                        (t.store, t.agent, t.day) = key;
                        t.findings = n;
                    }
                    Ok(groups.into_values().collect())
                }

                async fn qa_finding_counts(&self, q: &QaQuery) -> Result<Vec<FindingCount>> {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT st.code, f.agent, f.day, f.rule, f.severity, COUNT(*) \
                         FROM {FINDINGS_OF_SESSIONS} JOIN stores st ON st.id = s.store_id",
                    ));
                    push_filter(&mut qb, "f", q, true);
                    qb.push(" GROUP BY st.code, f.agent, f.day, f.rule, f.severity");
                    let rows: Vec<(String, Option<String>, i64, String, String, i64)> =
                        qb.build_query_as().fetch_all(&self.pool).await?;
                    Ok(rows
                        .into_iter()
                        .map(|(store, agent, day, rule, severity, findings)| FindingCount {
                            store,
                            agent,
                            day: day as i32,
                            rule,
                            severity,
                            findings,
                        })
                        .collect())
                }

                async fn qa_score_counts(&self, q: &QaQuery) -> Result<Vec<(Option<i64>, Option<i64>, i64)>> {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT s.auto_score, s.final_score, COUNT(*) FROM qa_sessions s JOIN stores st ON st.id = s.store_id",
                    );
                    push_filter(&mut qb, "s", q, false);
                    qb.push(" AND s.kind = 0 GROUP BY s.auto_score, s.final_score");
                    Ok(qb.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn qa_latest_day(&self) -> Result<Option<i32>> {
                    let day: Option<i64> = ::sqlx::query_scalar("SELECT MAX(day) FROM qa_sessions")
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(day.map(|d| d as i32))
                }

                async fn qa_sample(&self, day: i32) -> Result<Option<Sample>> {
                    let row: Option<(i64, i64, i64, String)> = ::sqlx::query_as(
                        "SELECT seed, share_permille, created_at_ms, created_by FROM qa_samples WHERE day = $1",
                    )
                    .bind(i64::from(day))
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some((seed, share_permille, created_at_ms, created_by)) = row else { return Ok(None) };
                    let sessions: Vec<(i64, i64, String)> = ::sqlx::query_as(
                        "SELECT conv_id, start_ms, reason FROM qa_queue WHERE day = $1 ORDER BY conv_id, start_ms",
                    )
                    .bind(i64::from(day))
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(Some(Sample { day, seed: seed as u64, share_permille, created_at_ms, created_by, sessions }))
                }

                async fn qa_save_sample(&self, s: &Sample, entry: &$crate::AuditEntry) -> Result<bool> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let inserted: Option<i64> = ::sqlx::query_scalar(
                        "INSERT INTO qa_samples (day, seed, share_permille, created_at_ms, created_by) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day) DO NOTHING RETURNING day",
                    )
                    .bind(i64::from(s.day))
                    .bind(s.seed as i64)
                    .bind(s.share_permille)
                    .bind(s.created_at_ms)
                    .bind(&s.created_by)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if inserted.is_none() {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    let known: HashMap<(i64, i64), (i64, Option<String>)> = {
                        let rows: Vec<(i64, i64, i64, Option<String>)> = ::sqlx::query_as(
                            "SELECT conv_id, start_ms, store_id, agent FROM qa_sessions WHERE day = $1",
                        )
                        .bind(i64::from(s.day))
                        .fetch_all(&mut *tx)
                        .await?;
                        rows.into_iter().map(|(c, t, st, a)| ((c, t), (st, a))).collect()
                    };
                    for chunk in s.sessions.chunks(ROWS_PER_INSERT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO qa_queue (conv_id, start_ms, day, store_id, agent, reason) ",
                        );
                        let rows: Vec<_> = chunk
                            .iter()
                            .filter_map(|(c, t, reason)| known.get(&(*c, *t)).map(|(st, a)| (*c, *t, *st, a.clone(), reason)))
                            .collect();
                        if rows.is_empty() {
                            continue;
                        }
                        qb.push_values(rows, |mut b, (c, t, st, a, reason)| {
                            b.push_bind(c)
                                .push_bind(t)
                                .push_bind(i64::from(s.day))
                                .push_bind(st)
                                .push_bind(a)
                                .push_bind(reason.clone());
                        });
                        qb.push(" ON CONFLICT (conv_id, start_ms) DO NOTHING");
                        qb.build().execute(&mut *tx).await?;
                    }
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn qa_queue(&self, q: &QaQuery) -> Result<Vec<(QaSession, String)>> {
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT s.conv_id, s.start_ms, st.code, c.buyer, s.day, s.agent, s.kind, s.auto_score, \
                         s.critical, s.findings, s.version, s.pinned, s.reviewed, s.final_score, qq.reason \
                         FROM qa_queue qq JOIN qa_sessions s ON s.conv_id = qq.conv_id AND s.start_ms = qq.start_ms \
                         JOIN conversations c ON c.id = s.conv_id JOIN stores st ON st.id = s.store_id",
                    );
                    push_filter(&mut qb, "s", q, false);
                    qb.push(" ORDER BY s.day, st.code, c.buyer, s.start_ms");
                    if let Some(limit) = q.limit {
                        qb.push(" LIMIT ").push_bind(limit);
                    }
                    let rows: Vec<(i64, i64, String, String, i64, Option<String>, i64, Option<i64>, bool, i64, i64, bool, bool, Option<i64>, String)> =
                        qb.build_query_as().fetch_all(&self.pool).await?;
                    Ok(rows
                        .into_iter()
                        .map(|r| {
                            let s = session_of((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13));
                            (s, r.14)
                        })
                        .collect())
                }

                async fn qa_scorecard(&self) -> Result<Vec<ScoreItem>> {
                    let rows: Vec<(String, String, i64, bool)> = ::sqlx::query_as(
                        "SELECT item, name, points, critical FROM qa_scorecard_items WHERE NOT retired ORDER BY position",
                    )
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map(|(id, name, points, critical)| ScoreItem { id, name, points: points.max(0) as u32, critical })
                        .collect())
                }

                async fn qa_set_scorecard(&self, items: &[ScoreItem], entry: &$crate::AuditEntry) -> Result<()> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    ::sqlx::query("UPDATE qa_scorecard_items SET retired = $1").bind(true).execute(&mut *tx).await?;
                    for (i, item) in items.iter().enumerate() {
                        ::sqlx::query(
                            "INSERT INTO qa_scorecard_items (item, name, points, critical, position, retired) \
                             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item) DO UPDATE SET name = excluded.name, \
                             points = excluded.points, critical = excluded.critical, position = excluded.position, \
                             retired = excluded.retired",
                        )
                        .bind(&item.id)
                        .bind(&item.name)
                        .bind(i64::from(item.points))
                        .bind(item.critical)
                        .bind(i as i64)
                        .bind(false)
                        .execute(&mut *tx)
                        .await?;
                    }
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn qa_session(&self, conv_id: i64, start_ms: i64) -> Result<Option<QaSessionDetail>> {
                    let q = QaQuery { conversation: Some(conv_id), ..Default::default() };
                    let Some(session) = self.qa_sessions(&q).await?.into_iter().find(|s| s.start_ms == start_ms) else {
                        return Ok(None);
                    };
                    let findings = self.qa_findings(&q).await?.into_iter().filter(|f| f.start_ms == start_ms).collect();
                    let review: Option<(i64, Option<i64>, String, i64, String, i64)> = ::sqlx::query_as(
                        "SELECT id, inspector_id, inspector, score, comment, created_at_ms FROM qa_reviews \
                         WHERE conv_id = $1 AND start_ms = $2",
                    )
                    .bind(conv_id)
                    .bind(start_ms)
                    .fetch_optional(&self.pool)
                    .await?;
                    let review = match review {
                        None => None,
                        Some((id, inspector_id, inspector, score, comment, created_at_ms)) => {
                            let items: Vec<(String, String, i64, bool, bool)> = ::sqlx::query_as(
                                "SELECT item, name, points, critical, failed FROM qa_review_items WHERE review_id = $1 ORDER BY item",
                            )
                            .bind(id)
                            .fetch_all(&self.pool)
                            .await?;
                            let decisions: Vec<(i64, bool)> = ::sqlx::query_as(
                                "SELECT finding_id, confirmed FROM qa_finding_decisions WHERE review_id = $1 ORDER BY finding_id",
                            )
                            .bind(id)
                            .fetch_all(&self.pool)
                            .await?;
                            Some(Review {
                                id,
                                conv_id,
                                start_ms,
                                inspector_id,
                                inspector,
                                score,
                                comment,
                                created_at_ms,
                                items: items
                                    .into_iter()
                                    .map(|(id, name, points, critical, failed)| ReviewItem {
                                        item: ScoreItem { id, name, points: points.max(0) as u32, critical },
                                        failed,
                                    })
                                    .collect(),
                                decisions,
                            })
                        }
                    };
                    let appeals = appeals_where(&self.pool, Some((conv_id, start_ms)), &AppealQuery::default()).await?;
                    Ok(Some(QaSessionDetail { session, findings, review, appeals }))
                }

                async fn qa_add_review(&self, r: &NewReview, entry: &$crate::AuditEntry) -> Result<Option<i64>> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let session: Option<(i64, i64, Option<String>)> = ::sqlx::query_as(
                        "SELECT store_id, day, agent FROM qa_sessions WHERE conv_id = $1 AND start_ms = $2",
                    )
                    .bind(r.conv_id)
                    .bind(r.start_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((store_id, day, agent)) = session else { bail!("no inspected session {} {}", r.conv_id, r.start_ms) };
                    let id: Option<i64> = ::sqlx::query_scalar(
                        "INSERT INTO qa_reviews (conv_id, start_ms, store_id, day, agent, inspector_id, inspector, score, comment, created_at_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (conv_id, start_ms) DO NOTHING RETURNING id",
                    )
                    .bind(r.conv_id)
                    .bind(r.start_ms)
                    .bind(store_id)
                    .bind(day)
                    .bind(agent)
                    .bind(r.inspector_id)
                    .bind(&r.inspector)
                    .bind(r.score)
                    .bind(&r.comment)
                    .bind(r.at_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else {
                        tx.rollback().await?;
                        return Ok(None);
                    };
                    for it in &r.items {
                        ::sqlx::query(
                            "INSERT INTO qa_review_items (review_id, item, name, points, critical, failed) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(id)
                        .bind(&it.item.id)
                        .bind(&it.item.name)
                        .bind(i64::from(it.item.points))
                        .bind(it.item.critical)
                        .bind(it.failed)
                        .execute(&mut *tx)
                        .await?;
                    }
                    for (finding, confirmed) in &r.decisions {
                        ::sqlx::query("INSERT INTO qa_finding_decisions (review_id, finding_id, confirmed) VALUES ($1, $2, $3)")
                            .bind(id)
                            .bind(*finding)
                            .bind(*confirmed)
                            .execute(&mut *tx)
                            .await?;
                    }
                    pin(&mut tx, r.conv_id, r.start_ms).await?;
                    ::sqlx::query("UPDATE qa_sessions SET reviewed = $1, final_score = $2 WHERE conv_id = $3 AND start_ms = $4")
                        .bind(true)
                        .bind(r.final_score)
                        .bind(r.conv_id)
                        .bind(r.start_ms)
                        .execute(&mut *tx)
                        .await?;
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(Some(id))
                }

                async fn qa_add_appeal(&self, a: &NewAppeal, entry: &$crate::AuditEntry) -> Result<Option<i64>> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let store_id: Option<i64> = ::sqlx::query_scalar(
                        "SELECT store_id FROM qa_sessions WHERE conv_id = $1 AND start_ms = $2",
                    )
                    .bind(a.conv_id)
                    .bind(a.start_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(store_id) = store_id else { bail!("no inspected session {} {}", a.conv_id, a.start_ms) };
                    let conflict = if a.finding_id.is_some() { "finding_id" } else { "review_id" };
                    let id: Option<i64> = ::sqlx::query_scalar(&format!(
                        "INSERT INTO qa_appeals (finding_id, review_id, conv_id, start_ms, store_id, agent, by_user_id, by_user, \
                         reason, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT ({conflict}) DO NOTHING RETURNING id"
                    ))
                    .bind(a.finding_id)
                    .bind(a.review_id)
                    .bind(a.conv_id)
                    .bind(a.start_ms)
                    .bind(store_id)
                    .bind(a.agent.as_deref())
                    .bind(a.by_user_id)
                    .bind(&a.by_user)
                    .bind(&a.reason)
                    .bind(a.at_ms)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(id) = id else {
                        tx.rollback().await?;
                        return Ok(None);
                    };
                    pin(&mut tx, a.conv_id, a.start_ms).await?;
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(Some(id))
                }

                async fn qa_decide_appeal(&self, d: &Decision, entry: &$crate::AuditEntry) -> Result<bool> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let key: Option<(i64, i64)> = ::sqlx::query_as(
                        "UPDATE qa_appeals SET decided_by_id = $1, decided_by = $2, upheld = $3, decision_reason = $4, \
                         decided_at_ms = $5 WHERE id = $6 AND decided_by IS NULL RETURNING conv_id, start_ms",
                    )
                    .bind(d.by_id)
                    .bind(&d.by)
                    .bind(d.upheld)
                    .bind(&d.reason)
                    .bind(d.at_ms)
                    .bind(d.appeal_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((conv, start)) = key else {
                        tx.rollback().await?;
                        return Ok(false);
                    };
                    ::sqlx::query("UPDATE qa_sessions SET final_score = $1 WHERE conv_id = $2 AND start_ms = $3")
                        .bind(d.final_score)
                        .bind(conv)
                        .bind(start)
                        .execute(&mut *tx)
                        .await?;
                    record(&mut tx, entry).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn qa_appeals(&self, q: &AppealQuery) -> Result<Vec<Appeal>> {
                    appeals_where(&self.pool, None, q).await
                }

                async fn qa_trial(
                    &self,
                    stores: Option<&BTreeSet<String>>,
                    from: i32,
                    to: i32,
                    provider: &str,
                    overrides: Option<(&str, &str)>,
                    examples: usize,
                ) -> Result<Trial> {
                    use $crate::projection::StoreRules;
                    let mut tx = self.pool.begin().await?;
                    let convs = conversations_inspected(&mut tx, stores, from, to).await?;
                    let current = read_rules(&mut *tx).await?;
                    let mut draft = current.clone();
                    draft.provider = Some((0, provider.to_string()));
                    let rows: Vec<(i64, String, String)> = ::sqlx::query_as("SELECT id, code, settings FROM stores")
                        .fetch_all(&mut *tx)
                        .await?;
                    let mut rules: HashMap<i64, StoreRules> = HashMap::new();
                    let mut context = $crate::qa_trial::TrialContext {
                        from,
                        to,
                        codes: HashMap::new(),
                        unions: HashMap::new(),
                        examples,
                    };
                    for (id, code, json) in rows {
                        if let Some((store, text)) = overrides
                            && store == code
                        {
                            draft.overrides.insert(id, (0, text.to_string()));
                        }
                        rules.insert(id, StoreRules::of($crate::settings_from_json(&json)?)?);
                        context.codes.insert(id, code);
                    }
                    let mut pairs = Vec::new();
                    for id in context.codes.keys() {
                        pairs.push((*id, current.for_store(*id)?, draft.for_store(*id)?));
                    }
                    context.unions = $crate::qa_trial::unions(pairs)?;
                    let mut trying = $crate::qa_trial::Trying::new(context, &rules, convs.len() as u64);
                    for chunk in convs.chunks(CONVS_PER_STATEMENT) {
                        let loaded = <$dialect as $crate::Dialect>::load_conversations(&mut tx, chunk, true).await?;
                        trying.push(loaded).await?;
                    }
                    let out = trying.finish().await?;
                    tx.rollback().await?;
                    Ok(out)
                }
            }

            /// The rules in force, read (the shipped default when none is
            /// stored).
            pub(crate) async fn rules_read<'e, E>(ex: E) -> Result<RulesInForce>
            where
                E: ::sqlx::Executor<'e, Database = $db>,
            {
                read_rules(ex).await
            }
        }
    };
}
