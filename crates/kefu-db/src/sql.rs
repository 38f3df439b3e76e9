//! The SQL both backends share, as a macro expanded once per backend with
//! its concrete sqlx types: one text of the queries, two compiled
//! implementations, no generic trait-bound maze.

/// Implements [`crate::Repository`] for `$repo` (a struct with a field
/// `pool: sqlx::Pool<$db>`) and defines its import transaction `$tx`, with
/// the SQL that differs between backends taken from `$dialect` (a
/// [`crate::Dialect`] whose `Db` is `$db`).
///
/// The schema the queries expect is in each backend's migrations: tables
/// `stores`, `conversations`, `messages`, `orders`, `ratings`,
/// `kpi_store_facts`.
#[macro_export]
macro_rules! sql_repository {
    ($repo:ident, $tx:ident, $db:ty, $dialect:ty) => {
        /// An import in progress: one database transaction.
        pub struct $tx {
            tx: ::sqlx::Transaction<'static, $db>,
            stores: ::std::collections::HashMap<String, i64>,
            params: ::std::collections::HashMap<i64, (::kefu_kpi::Params, Vec<String>)>,
            /// Store id → buyer → conversation id.
            convs: ConvIds,
            /// Conversations that existed before: recomputed from storage.
            touched: ::std::collections::BTreeSet<i64>,
            /// Those of them whose messages changed: inspected again.
            inspect: ::std::collections::HashSet<i64>,
            /// Conversations this import created (→ their store): computed
            /// from the records kept in `fresh`.
            fresh_convs: $crate::rustc_hash::FxHashMap<i64, i64>,
            fresh: ::kefu_kpi::stored::Fresh,
            /// Reads the texts of `fresh`'s messages for the QA rules while
            /// the import goes on (started with the first of them).
            scanner: Option<$crate::qa_scan::Scanner>,
            /// No insert of this import has met a known message id yet.
            direct: bool,
            /// Whether the empty `messages` table was looked for (on the
            /// first messages added), and whether its conversation index was
            /// dropped then, to be built again before the commit.
            conv_index: Option<bool>,
        }

        /// Store id → buyer → conversation id.
        type ConvIds = $crate::rustc_hash::FxHashMap<i64, $crate::rustc_hash::FxHashMap<String, i64>>;

        const ROWS_PER_STATEMENT: usize = 4000;
        const CONVS_PER_RECOMPUTE: usize = 500;

        impl $tx {
            async fn store_id(&mut self, code: &str) -> ::anyhow::Result<i64> {
                if let Some(id) = self.stores.get(code) {
                    return Ok(*id);
                }
                let found: Option<(i64, String)> = ::sqlx::query_as("SELECT id, settings FROM stores WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut *self.tx)
                    .await?;
                let (id, json) = match found {
                    Some(row) => row,
                    None => {
                        let json = $crate::settings_to_json(&::kefu_domain::StoreSettings::default());
                        let id = ::sqlx::query_scalar("INSERT INTO stores (code, settings) VALUES ($1, $2) RETURNING id")
                            .bind(code)
                            .bind(&json)
                            .fetch_one(&mut *self.tx)
                            .await?;
                        (id, json)
                    }
                };
                let settings = $crate::settings_from_json(&json)?;
                let params = ::kefu_kpi::Params::new(&settings).map_err(::anyhow::Error::msg)?;
                self.params.insert(id, (params, settings.auto_reply_prefixes));
                self.stores.insert(code.to_string(), id);
                Ok(id)
            }

            /// The (store id, conversation id) of each (store, buyer). A
            /// key equal to the one before it (records come grouped by
            /// conversation in most exports) is not looked up again.
            async fn resolve(&mut self, keys: &[(&str, &str)]) -> ::anyhow::Result<Vec<(i64, i64)>> {
                let mut with_store = Vec::with_capacity(keys.len());
                let mut last: Option<(&str, i64)> = None;
                for (store, buyer) in keys {
                    let id = match last {
                        Some((code, id)) if code == *store => id,
                        _ => self.store_id(store).await?,
                    };
                    last = Some((store, id));
                    with_store.push((id, *buyer));
                }
                let known = |convs: &ConvIds, s: i64, b: &str| convs.get(&s).and_then(|m| m.get(b)).copied();
                let mut missing: Vec<(i64, &str)> = Vec::new();
                let mut before: Option<(i64, &str)> = None;
                for &key in &with_store {
                    if before != Some(key) && known(&self.convs, key.0, key.1).is_none() {
                        missing.push(key);
                    }
                    before = Some(key);
                }
                missing.sort_unstable();
                missing.dedup();
                for chunk in missing.chunks(ROWS_PER_STATEMENT) {
                    let created = <$dialect as $crate::Dialect>::insert_conversations(&mut self.tx, chunk).await?;
                    let n_created = created.len();
                    for (id, s, b) in created {
                        self.fresh_convs.insert(id, s);
                        self.convs.entry(s).or_default().insert(b, id);
                    }
                    if n_created < chunk.len() {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                            "SELECT id, store_id, buyer FROM conversations WHERE (store_id, buyer) IN (VALUES ",
                        );
                        push_pairs(&mut qb, chunk.iter().map(|(s, b)| (*s, *b)));
                        let known: Vec<(i64, i64, String)> = qb.build_query_as().fetch_all(&mut *self.tx).await?;
                        for (id, s, b) in known {
                            self.convs.entry(s).or_default().entry(b).or_insert(id);
                        }
                    }
                }
                let mut out = Vec::with_capacity(with_store.len());
                let mut before: Option<((i64, &str), i64)> = None;
                for &key in &with_store {
                    let conv = match before {
                        Some((k, conv)) if k == key => conv,
                        _ => known(&self.convs, key.0, key.1).unwrap_or_default(),
                    };
                    before = Some((key, conv));
                    out.push((key.0, conv));
                }
                Ok(out)
            }
        }

        impl $tx {
            /// Marks a conversation whose facts must be recomputed.
            fn touch(&mut self, conv: i64) {
                if !self.fresh_convs.contains_key(&conv) {
                    self.touched.insert(conv);
                }
            }
        }

        /// Pushes `(a, b), (c, d)…)` closing a `… IN (VALUES ` list.
        fn push_pairs<'q>(
            qb: &mut ::sqlx::QueryBuilder<'q, $db>,
            pairs: impl Iterator<Item = (i64, &'q str)>,
        ) {
            let mut sep = qb.separated(", ");
            for (a, b) in pairs {
                sep.push("(");
                sep.push_bind_unseparated(a);
                sep.push_unseparated(", ");
                sep.push_bind_unseparated(b);
                sep.push_unseparated(")");
            }
            qb.push(")");
        }

        #[::async_trait::async_trait]
        impl $crate::ImportTx for $tx {
            async fn add_messages(&mut self, batch: &[::kefu_domain::Message]) -> ::anyhow::Result<$crate::AddOutcome> {
                use ::kefu_kpi::stored::{kind_code, sender_code};
                let mut out = $crate::AddOutcome::default();
                if self.conv_index.is_none() {
                    let mut dropped = false;
                    let drop: &[&str] = <$dialect as $crate::Dialect>::DROP_CONV_INDEX;
                    if !drop.is_empty() {
                        let any: Option<i64> =
                            ::sqlx::query_scalar("SELECT seq FROM messages LIMIT 1").fetch_optional(&mut *self.tx).await?;
                        if any.is_none() {
                            for sql in drop {
                                ::sqlx::query(sql).execute(&mut *self.tx).await?;
                            }
                            dropped = true;
                        }
                    }
                    self.conv_index = Some(dropped);
                }
                if self.scanner.is_none() {
                    let rules = __kefu_qa::rules_in_force(&mut self.tx).await?;
                    self.scanner = Some($crate::qa_scan::Scanner::start(rules));
                }
                let keys: Vec<(&str, &str)> = batch.iter().map(|m| (m.store.as_str(), m.buyer.as_str())).collect();
                let ids = self.resolve(&keys).await?;
                // The first of equal ids in the batch is the one offered.
                let mut first: $crate::rustc_hash::FxHashMap<(i64, &str), usize> = Default::default();
                first.reserve(batch.len());
                let mut offered = Vec::new();
                for (i, m) in batch.iter().enumerate() {
                    match first.get(&(ids[i].0, m.message_id.as_str())) {
                        Some(&j) => {
                            if same_message(&batch[j], m) {
                                out.unchanged += 1;
                            } else {
                                out.conflicts.push((m.store.clone(), m.message_id.clone()));
                            }
                        }
                        None => {
                            first.insert((ids[i].0, m.message_id.as_str()), i);
                            offered.push(i);
                        }
                    }
                }
                // The backend's fast way takes large batches; checking known ids
                // (`older` below) is quicker in smaller ones.
                let per_insert = if self.direct { <$dialect as $crate::Dialect>::ROWS_PER_INSERT } else { ROWS_PER_STATEMENT };
                for chunk in offered.chunks(per_insert) {
                    let max_before: Option<i64> =
                        ::sqlx::query_scalar("SELECT MAX(seq) FROM messages").fetch_one(&mut *self.tx).await?;
                    let rows: Vec<::kefu_kpi::stored::NewMessage<'_>> = chunk
                        .iter()
                        .map(|&i| {
                            let m = &batch[i];
                            ::kefu_kpi::stored::NewMessage {
                                conv_id: ids[i].1,
                                store_id: ids[i].0,
                                message_id: m.message_id.as_str(),
                                sender: sender_code(m.sender),
                                agent: m.agent.as_deref(),
                                sent_at: ::kefu_kpi::stored::time_text(m.sent_at),
                                content: m.content.as_str(),
                                kind: kind_code(m.kind),
                            }
                        })
                        .collect();
                    let inserted = <$dialect as $crate::Dialect>::insert_messages(&mut self.tx, &rows, &mut self.direct).await? as usize;
                    out.imported += inserted as u64;
                    // Known ids: which rows are older than this statement, and are they equal?
                    let mut older: ::std::collections::HashMap<(i64, String), (i64, i64, Option<String>, String, String, i64)> =
                        Default::default();
                    if inserted < chunk.len() {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                            "SELECT store_id, message_id, conv_id, sender, agent, sent_at, content, kind FROM messages \
                             WHERE seq <= ",
                        );
                        qb.push_bind(max_before.unwrap_or(0));
                        qb.push(" AND (store_id, message_id) IN (VALUES ");
                        push_pairs(&mut qb, chunk.iter().map(|&i| (ids[i].0, batch[i].message_id.as_str())));
                        let rows: Vec<(i64, String, i64, i64, Option<String>, String, String, i64)> =
                            qb.build_query_as().fetch_all(&mut *self.tx).await?;
                        for (s, id, conv, sender, agent, sent_at, content, kind) in rows {
                            older.insert((s, id), (conv, sender, agent, sent_at, content, kind));
                        }
                    }
                    for &i in chunk {
                        let m = &batch[i];
                        let known = if older.is_empty() { None } else { older.get(&(ids[i].0, m.message_id.clone())) };
                        match known {
                            None => {
                                let conv = ids[i].1;
                                if self.fresh_convs.contains_key(&conv) {
                                    let Some((p, prefixes)) = self.params.get(&ids[i].0) else {
                                        ::anyhow::bail!("store {} has no settings loaded", ids[i].0);
                                    };
                                    let (role, kept) = self.fresh.message(conv, p, prefixes, m);
                                    if let (Some(scanner), Some(kept)) = (self.scanner.as_mut(), kept) {
                                        scanner.push(kept, ids[i].0, role, &m.content)?;
                                    }
                                } else {
                                    self.touch(conv);
                                    self.inspect.insert(conv);
                                }
                            }
                            Some((conv, sender, agent, sent_at, content, kind)) => {
                                let same = *conv == ids[i].1
                                    && *sender == sender_code(m.sender)
                                    && *agent == m.agent
                                    && *sent_at == m.sent_at.to_text()
                                    && *content == m.content
                                    && *kind == kind_code(m.kind);
                                if same {
                                    out.unchanged += 1;
                                } else {
                                    out.conflicts.push((m.store.clone(), m.message_id.clone()));
                                }
                            }
                        }
                    }
                }
                if let Some(scanner) = self.scanner.as_mut() {
                    scanner.flush()?;
                }
                Ok(out)
            }

            async fn add_orders(&mut self, batch: &[::kefu_domain::Order]) -> ::anyhow::Result<$crate::AddOutcome> {
                let mut out = $crate::AddOutcome::default();
                let keys: Vec<(&str, &str)> = batch.iter().map(|o| (o.store.as_str(), o.buyer.as_str())).collect();
                let ids = self.resolve(&keys).await?;
                // The last of equal ids in the batch replaces the others.
                let mut last: ::std::collections::HashMap<(i64, &str), usize> = Default::default();
                for (i, o) in batch.iter().enumerate() {
                    if last.insert((ids[i].0, o.order_id.as_str()), i).is_some() {
                        out.unchanged += 1;
                    }
                }
                let mut offered: Vec<usize> = last.into_values().collect();
                offered.sort_unstable();
                for chunk in offered.chunks(ROWS_PER_STATEMENT) {
                    // Conversations of known orders, in case the buyer changed.
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT conv_id FROM orders WHERE (store_id, order_id) IN (VALUES ",
                    );
                    push_pairs(&mut qb, chunk.iter().map(|&i| (ids[i].0, batch[i].order_id.as_str())));
                    let before: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *self.tx).await?;
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO orders (conv_id, store_id, order_id, created_at, paid_at, amount_fen, \
                         refund_fen, refunded_at) ",
                    );
                    qb.push_values(chunk, |mut b, &i| {
                        let o = &batch[i];
                        b.push_bind(ids[i].1)
                            .push_bind(ids[i].0)
                            .push_bind(o.order_id.as_str())
                            .push_bind(o.created_at.to_text())
                            .push_bind(o.paid_at.map(|t| t.to_text()))
                            .push_bind(o.amount.0)
                            .push_bind(o.refund_amount.map(|f| f.0))
                            .push_bind(o.refunded_at.map(|t| t.to_text()));
                    });
                    qb.push(
                        " ON CONFLICT (store_id, order_id) DO UPDATE SET conv_id = excluded.conv_id, \
                         created_at = excluded.created_at, paid_at = excluded.paid_at, \
                         amount_fen = excluded.amount_fen, refund_fen = excluded.refund_fen, \
                         refunded_at = excluded.refunded_at \
                         WHERE orders.conv_id IS DISTINCT FROM excluded.conv_id \
                         OR orders.created_at IS DISTINCT FROM excluded.created_at \
                         OR orders.paid_at IS DISTINCT FROM excluded.paid_at \
                         OR orders.amount_fen IS DISTINCT FROM excluded.amount_fen \
                         OR orders.refund_fen IS DISTINCT FROM excluded.refund_fen \
                         OR orders.refunded_at IS DISTINCT FROM excluded.refunded_at \
                         RETURNING store_id, order_id",
                    );
                    let changed: Vec<(i64, String)> = qb.build_query_as().fetch_all(&mut *self.tx).await?;
                    out.imported += changed.len() as u64;
                    out.unchanged += (chunk.len() - changed.len()) as u64;
                    if !changed.is_empty() {
                        let changed: ::std::collections::HashSet<(i64, String)> = changed.into_iter().collect();
                        for &i in chunk {
                            let o = &batch[i];
                            if !changed.contains(&(ids[i].0, o.order_id.clone())) {
                                continue;
                            }
                            let conv = ids[i].1;
                            let kept = self.fresh_convs.contains_key(&conv).then_some(conv);
                            let Some((p, _)) = self.params.get(&ids[i].0) else {
                                ::anyhow::bail!("store {} has no settings loaded", ids[i].0);
                            };
                            self.fresh.order(ids[i].0, kept, p, o);
                            self.touch(conv);
                        }
                        // A changed order may have moved away from a conversation.
                        for conv in before {
                            self.touch(conv);
                        }
                    }
                }
                Ok(out)
            }

            async fn add_ratings(&mut self, batch: &[::kefu_domain::Rating]) -> ::anyhow::Result<$crate::AddOutcome> {
                let mut out = $crate::AddOutcome::default();
                let keys: Vec<(&str, &str)> = batch.iter().map(|r| (r.store.as_str(), r.buyer.as_str())).collect();
                let ids = self.resolve(&keys).await?;
                let mut last: ::std::collections::HashMap<(i64, &str, String), usize> = Default::default();
                for (i, r) in batch.iter().enumerate() {
                    if last.insert((ids[i].1, r.agent.as_str(), r.rated_at.to_text()), i).is_some() {
                        out.unchanged += 1;
                    }
                }
                let mut offered: Vec<usize> = last.into_values().collect();
                offered.sort_unstable();
                for chunk in offered.chunks(ROWS_PER_STATEMENT) {
                    let mut qb =
                        ::sqlx::QueryBuilder::<$db>::new("INSERT INTO ratings (conv_id, store_id, agent, rated_at, score) ");
                    qb.push_values(chunk, |mut b, &i| {
                        let r = &batch[i];
                        b.push_bind(ids[i].1)
                            .push_bind(ids[i].0)
                            .push_bind(r.agent.as_str())
                            .push_bind(r.rated_at.to_text())
                            .push_bind(i64::from(r.score));
                    });
                    qb.push(
                        " ON CONFLICT (conv_id, agent, rated_at) DO UPDATE SET score = excluded.score \
                         WHERE ratings.score <> excluded.score RETURNING conv_id, agent, rated_at",
                    );
                    let changed: Vec<(i64, String, String)> = qb.build_query_as().fetch_all(&mut *self.tx).await?;
                    out.imported += changed.len() as u64;
                    out.unchanged += (chunk.len() - changed.len()) as u64;
                    let changed: ::std::collections::HashSet<(i64, String, String)> = changed.into_iter().collect();
                    for &i in chunk {
                        let r = &batch[i];
                        let conv = ids[i].1;
                        if !changed.contains(&(conv, r.agent.clone(), r.rated_at.to_text())) {
                            continue;
                        }
                        if self.fresh_convs.contains_key(&conv) {
                            let Some((p, _)) = self.params.get(&ids[i].0) else {
                                ::anyhow::bail!("store {} has no settings loaded", ids[i].0);
                            };
                            self.fresh.rating(conv, p, r);
                        } else {
                            self.touch(conv);
                        }
                    }
                }
                Ok(out)
            }

            /// Runs the projections of every conversation touched (today the
            /// KPI facts, see `kefu_db::projection`) in this transaction, then
            /// commits.
            async fn commit(mut self: Box<Self>) -> ::anyhow::Result<u64> {
                // The facts of the conversations this import created need
                // nothing from the database: they are computed on other
                // threads while the database builds its index and recomputes
                // the conversations that existed before.
                let fresh = ::std::mem::take(&mut self.fresh);
                let store_of = ::std::mem::take(&mut self.fresh_convs);
                let params: ::std::collections::HashMap<i64, ::kefu_kpi::Params> =
                    self.params.iter().map(|(store, (p, _))| (*store, p.clone())).collect();
                let rules = __kefu_qa::rules_in_force(&mut self.tx).await?;
                let mut qa: ::std::collections::HashMap<i64, $crate::qa_projection::StoreQa> = Default::default();
                for store in self.params.keys() {
                    qa.insert(*store, rules.for_store(*store)?);
                }
                let scanner = self.scanner.take();
                let computing = ::tokio::task::spawn_blocking(move || {
                    let scans = match scanner {
                        Some(s) => s.finish()?,
                        None => Default::default(),
                    };
                    let inspect = |c: &::kefu_kpi::stored::FreshConversation<'_>| {
                        qa.get(&c.store).map(|q| $crate::qa_projection::inspect_fresh(q, c, &scans))
                    };
                    let out = fresh.facts_with(|s| params.get(&s).cloned(), &store_of, &inspect);
                    ::anyhow::Ok((out, store_of))
                });
                if self.conv_index == Some(true) {
                    let create: &[&str] = <$dialect as $crate::Dialect>::CREATE_CONV_INDEX;
                    for sql in create {
                        ::sqlx::query(sql).execute(&mut *self.tx).await?;
                    }
                }
                let touched: Vec<i64> = ::std::mem::take(&mut self.touched).into_iter().collect();
                let inspect = ::std::mem::take(&mut self.inspect);
                let plan = (!inspect.is_empty()).then_some((&rules, Some(&inspect)));
                let (mut rows, inspected) = recompute(&mut self.tx, &touched, true, plan).await?;
                let (computed, store_of) = computing.await??;
                let mut fresh_inspected = Vec::with_capacity(computed.len());
                for (conv, facts, qa) in computed {
                    let store = store_of.get(&conv).copied().unwrap_or_default();
                    rows.push((store, conv, facts));
                    fresh_inspected.extend(qa);
                }
                save_facts(&mut self.tx, rows).await?;
                let replaced: Vec<i64> = inspect.iter().copied().collect();
                __kefu_qa::save(&mut self.tx, &replaced, inspected).await?;
                __kefu_qa::save(&mut self.tx, &[], fresh_inspected).await?;
                self.tx.commit().await?;
                Ok((touched.len() + store_of.len()) as u64)
            }

            async fn record(&mut self, e: &$crate::AuditEntry) -> ::anyhow::Result<()> {
                ::sqlx::query($crate::audit::INSERT_ENTRY)
                    .bind(e.at_ms)
                    .bind(&e.actor_kind)
                    .bind(e.user_id)
                    .bind(&e.actor_name)
                    .bind(e.token_id)
                    .bind(&e.action)
                    .bind(&e.subject)
                    .bind(&e.detail)
                    .execute(&mut *self.tx)
                    .await?;
                Ok(())
            }

            async fn rollback(self: Box<Self>) -> ::anyhow::Result<()> {
                self.tx.rollback().await?;
                Ok(())
            }
        }

        fn same_message(a: &::kefu_domain::Message, b: &::kefu_domain::Message) -> bool {
            a.buyer == b.buyer
                && a.sender == b.sender
                && a.agent == b.agent
                && a.sent_at == b.sent_at
                && a.content == b.content
                && a.kind == b.kind
        }

        /// The projections of conversations that existed before, from their
        /// stored rows (see `kefu_db::projection`): the KPI facts (when
        /// `kpi`), as (store id, conversation id, facts), and the QA
        /// inspections under `qa`'s rules of those it names (all when its
        /// set is `None`).
        async fn recompute(
            tx: &mut ::sqlx::Transaction<'static, $db>,
            convs: &[i64],
            kpi: bool,
            qa: Option<(&$crate::qa_projection::RulesInForce, Option<&::std::collections::HashSet<i64>>)>,
        ) -> ::anyhow::Result<(Vec<(i64, i64, Vec<::kefu_kpi::stored::NamedFact>)>, Vec<$crate::qa_projection::QaRows>)> {
            use $crate::projection::{KpiFacts, Projection as _, StoreRules};
            use ::std::collections::HashMap;
            let mut out = Vec::new();
            let mut inspected = Vec::new();
            if convs.is_empty() {
                return Ok((out, inspected));
            }
            if convs.len() > CONVS_PER_RECOMPUTE {
                ::sqlx::query(<$dialect as $crate::Dialect>::REFRESH_STATS).execute(&mut **tx).await?;
            }
            let mut stores: HashMap<i64, StoreRules> = HashMap::new();
            let rows: Vec<(i64, String)> = ::sqlx::query_as("SELECT id, settings FROM stores").fetch_all(&mut **tx).await?;
            for (id, json) in rows {
                stores.insert(id, StoreRules::of($crate::settings_from_json(&json)?)?);
            }
            let kpi_content = kpi && stores.values().any(|r| KpiFacts.needs_content(r));
            let mut store_qa: HashMap<i64, $crate::qa_projection::StoreQa> = HashMap::new();
            let wants_qa = |c: i64| qa.is_some_and(|(_, only)| only.is_none_or(|set| set.contains(&c)));
            for chunk in convs.chunks(CONVS_PER_RECOMPUTE) {
                let content = kpi_content || chunk.iter().any(|c| wants_qa(*c));
                for c in <$dialect as $crate::Dialect>::load_conversations(tx, chunk, content).await? {
                    let Some(rules) = stores.get(&c.store) else { continue };
                    if kpi {
                        out.push((c.store, c.id, KpiFacts.project(rules, &c)?));
                    }
                    if let Some((force, _)) = qa.filter(|_| wants_qa(c.id)) {
                        if !store_qa.contains_key(&c.store) {
                            store_qa.insert(c.store, force.for_store(c.store)?);
                        }
                        if let Some(q) = store_qa.get(&c.store) {
                            inspected.push($crate::qa_projection::inspect_stored(q, rules, &c)?);
                        }
                    }
                }
            }
            Ok((out, inspected))
        }

        /// The QA inspections of stored conversations under the rules in
        /// force (for `qa run`), in this write transaction.
        async fn qa_recompute(
            tx: &mut ::sqlx::Transaction<'static, $db>,
            convs: &[i64],
        ) -> ::anyhow::Result<Vec<$crate::qa_projection::QaRows>> {
            let rules = __kefu_qa::rules_in_force(tx).await?;
            Ok(recompute(tx, convs, false, Some((&rules, None))).await?.1)
        }

        /// Replaces conversations' facts in their stores' stored facts.
        async fn save_facts(
            tx: &mut ::sqlx::Transaction<'static, $db>,
            rows: Vec<(i64, i64, Vec<::kefu_kpi::stored::NamedFact>)>,
        ) -> ::anyhow::Result<()> {
            let mut by_store: ::std::collections::BTreeMap<i64, Vec<(i64, Vec<::kefu_kpi::stored::NamedFact>)>> =
                Default::default();
            for (store, conv, facts) in rows {
                by_store.entry(store).or_default().push((conv, facts));
            }
            for (store, convs) in by_store {
                ::sqlx::query(&format!("SELECT id FROM stores WHERE id = $1{}", <$dialect as $crate::Dialect>::LOCK))
                    .bind(store)
                    .fetch_optional(&mut **tx)
                    .await?;
                let stored: Option<Vec<u8>> =
                    ::sqlx::query_scalar("SELECT facts FROM kpi_store_facts WHERE store_id = $1")
                        .bind(store)
                        .fetch_optional(&mut **tx)
                        .await?;
                let mut facts = match stored {
                    Some(bytes) => $crate::store_facts::StoreFacts::decode(&bytes)?,
                    None => Default::default(),
                };
                for (conv, f) in convs {
                    facts.set(conv, f);
                }
                ::sqlx::query(
                    "INSERT INTO kpi_store_facts (store_id, facts) VALUES ($1, $2) \
                     ON CONFLICT (store_id) DO UPDATE SET facts = excluded.facts",
                )
                .bind(store)
                .bind(facts.encode())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        #[::async_trait::async_trait]
        impl $crate::Repository for $repo {
            async fn stores(&self) -> ::anyhow::Result<Vec<(String, ::kefu_domain::StoreSettings)>> {
                let rows: Vec<(String, String)> =
                    ::sqlx::query_as("SELECT code, settings FROM stores ORDER BY code").fetch_all(&self.pool).await?;
                rows.into_iter().map(|(c, s)| Ok((c, $crate::settings_from_json(&s)?))).collect()
            }

            async fn store(&self, code: &str) -> ::anyhow::Result<Option<::kefu_domain::StoreSettings>> {
                let row: Option<String> = ::sqlx::query_scalar("SELECT settings FROM stores WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|s| $crate::settings_from_json(&s)).transpose()
            }

            async fn save_store(&self, code: &str, settings: &::kefu_domain::StoreSettings) -> ::anyhow::Result<()> {
                let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                let json = $crate::settings_to_json(settings);
                let id: i64 = ::sqlx::query_scalar(
                    "INSERT INTO stores (code, settings) VALUES ($1, $2) \
                     ON CONFLICT (code) DO UPDATE SET settings = excluded.settings RETURNING id",
                )
                .bind(code)
                .bind(json)
                .fetch_one(&mut *tx)
                .await?;
                let convs: Vec<i64> = ::sqlx::query_scalar("SELECT id FROM conversations WHERE store_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?;
                let rules = __kefu_qa::rules_in_force(&mut tx).await?;
                let (rows, inspected) = recompute(&mut tx, &convs, true, Some((&rules, None))).await?;
                save_facts(&mut tx, rows).await?;
                __kefu_qa::save(&mut tx, &convs, inspected).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn begin_import(&self) -> ::anyhow::Result<Box<dyn $crate::ImportTx>> {
                let tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                Ok(Box::new($tx {
                    tx,
                    stores: Default::default(),
                    params: Default::default(),
                    convs: Default::default(),
                    touched: Default::default(),
                    inspect: Default::default(),
                    fresh_convs: Default::default(),
                    scanner: None,
                    fresh: {
                        // The QA projection names the messages of new
                        // conversations; their texts go to the scanner.
                        let mut fresh = ::kefu_kpi::stored::Fresh::default();
                        fresh.keep_ids();
                        fresh
                    },
                    direct: true,
                    conv_index: None,
                }))
            }

            async fn kpi(
                &self,
                grouping: ::kefu_kpi::Grouping,
                filter: &::kefu_kpi::Filter,
            ) -> ::anyhow::Result<Vec<(::kefu_kpi::GroupKey, ::kefu_kpi::Totals)>> {
                use $crate::futures_util::TryStreamExt as _;
                let mut agg = ::kefu_kpi::Aggregator::new(grouping, filter.clone());
                let mut stores: Vec<String> = Vec::new();
                let mut agents: Vec<String> = Vec::new();
                let sql = if filter.store.is_some() {
                    "SELECT s.code, f.facts FROM kpi_store_facts f JOIN stores s ON s.id = f.store_id WHERE s.code = $1"
                } else {
                    "SELECT s.code, f.facts FROM kpi_store_facts f JOIN stores s ON s.id = f.store_id"
                };
                let mut q = ::sqlx::query_as::<_, (String, Vec<u8>)>(sql);
                if let Some(store) = &filter.store {
                    q = q.bind(store.as_str());
                }
                let mut rows = q.fetch(&self.pool);
                while let Some((code, bytes)) = rows.try_next().await? {
                    if !filter.store_allowed(&code) {
                        continue;
                    }
                    $crate::store_facts::aggregate(&bytes, stores.len() as u32, &mut agg, &mut agents)?;
                    stores.push(code);
                }
                Ok(agg.finish(|s| stores[s as usize].clone(), |a| agents[a as usize].clone()))
            }

            async fn close(&self) -> ::anyhow::Result<()> {
                ::sqlx::query(<$dialect as $crate::Dialect>::ON_CLOSE).execute(&self.pool).await?;
                self.pool.close().await;
                Ok(())
            }

            async fn counts(&self) -> ::anyhow::Result<$crate::TableCounts> {
                let mut c = $crate::TableCounts::default();
                for (table, slot) in [
                    ("stores", &mut c.stores),
                    ("messages", &mut c.messages),
                    ("orders", &mut c.orders),
                    ("ratings", &mut c.ratings),
                    ("conversations", &mut c.conversations),
                    ("kpi_store_facts", &mut c.facts),
                ] {
                    *slot = ::sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.pool).await?;
                }
                Ok(c)
            }

            async fn sessions(
                &self,
                q: &::kefu_kpi::transcript::SessionQuery,
            ) -> ::anyhow::Result<Vec<::kefu_kpi::transcript::SessionRow>> {
                use ::kefu_kpi::stored::{MessageRow, OrderRow};
                let Some((store_id, s, p)) = store_params(&self.pool, &q.store).await? else {
                    return Ok(Vec::new());
                };
                let convs: Vec<(i64, String)> = ::sqlx::query_as("SELECT id, buyer FROM conversations WHERE store_id = $1")
                    .bind(store_id)
                    .fetch_all(&self.pool)
                    .await?;
                let content = if s.auto_reply_prefixes.is_empty() { "''" } else { "content" };
                let sql = format!(
                    "SELECT conv_id, seq, sender, kind, agent, sent_at, {content} FROM messages WHERE store_id = $1"
                );
                let rows: Vec<(i64, i64, i64, i64, Option<String>, String, String)> =
                    ::sqlx::query_as(&sql).bind(store_id).fetch_all(&self.pool).await?;
                let messages = rows
                    .into_iter()
                    .map(|(c, seq, sender, kind, agent, sent_at, content)| {
                        (c, MessageRow { seq, sender, kind, agent, sent_at, content, message_id: String::new() })
                    })
                    .collect();
                let rows: Vec<(i64, String, Option<String>, i64)> =
                    ::sqlx::query_as("SELECT conv_id, created_at, paid_at, amount_fen FROM orders WHERE store_id = $1")
                        .bind(store_id)
                        .fetch_all(&self.pool)
                        .await?;
                let orders = rows
                    .into_iter()
                    .map(|(c, created_at, paid_at, amount_fen)| (c, OrderRow { created_at, paid_at, amount_fen }))
                    .collect();
                ::kefu_kpi::transcript::session_rows(q, &p, &s.auto_reply_prefixes, convs, messages, orders)
            }

            async fn conversation(
                &self,
                store: &str,
                conv_id: i64,
            ) -> ::anyhow::Result<Option<::kefu_kpi::transcript::Transcript>> {
                use ::kefu_kpi::stored::{MessageRow, OrderRow, RatingRow};
                let Some((store_id, s, p)) = store_params(&self.pool, store).await? else {
                    return Ok(None);
                };
                let buyer: Option<String> =
                    ::sqlx::query_scalar("SELECT buyer FROM conversations WHERE id = $1 AND store_id = $2")
                        .bind(conv_id)
                        .bind(store_id)
                        .fetch_optional(&self.pool)
                        .await?;
                let Some(buyer) = buyer else { return Ok(None) };
                let rows: Vec<(i64, i64, i64, Option<String>, String, String, String)> = ::sqlx::query_as(
                    "SELECT seq, sender, kind, agent, sent_at, content, message_id FROM messages WHERE conv_id = $1",
                )
                .bind(conv_id)
                .fetch_all(&self.pool)
                .await?;
                let messages = rows
                    .into_iter()
                    .map(|(seq, sender, kind, agent, sent_at, content, id)| {
                        (MessageRow { seq, sender, kind, agent, sent_at, content, message_id: id.clone() }, id)
                    })
                    .collect();
                let rows: Vec<(String, Option<String>, i64, String, Option<i64>)> = ::sqlx::query_as(
                    "SELECT created_at, paid_at, amount_fen, order_id, refund_fen FROM orders WHERE conv_id = $1",
                )
                .bind(conv_id)
                .fetch_all(&self.pool)
                .await?;
                let orders = rows
                    .into_iter()
                    .map(|(created_at, paid_at, amount_fen, order_id, refund_fen)| ::kefu_kpi::transcript::OrderDetail {
                        row: OrderRow { created_at, paid_at, amount_fen },
                        order_id,
                        refund_fen,
                    })
                    .collect();
                let rows: Vec<(i64, String, String, i64)> =
                    ::sqlx::query_as("SELECT seq, agent, rated_at, score FROM ratings WHERE conv_id = $1")
                        .bind(conv_id)
                        .fetch_all(&self.pool)
                        .await?;
                let ratings =
                    rows.into_iter().map(|(seq, agent, rated_at, score)| RatingRow { seq, agent, rated_at, score }).collect();
                let key = (store, conv_id, buyer.as_str());
                ::kefu_kpi::transcript::transcript(key, &p, &s.auto_reply_prefixes, messages, orders, ratings).map(Some)
            }

            async fn agents(&self, stores: Option<&[String]>) -> ::anyhow::Result<Vec<(String, String)>> {
                let rows: Vec<(String, Vec<u8>)> = ::sqlx::query_as(
                    "SELECT s.code, f.facts FROM kpi_store_facts f JOIN stores s ON s.id = f.store_id",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut out = Vec::new();
                for (code, bytes) in rows {
                    if stores.is_some_and(|want| !want.contains(&code)) {
                        continue;
                    }
                    for agent in $crate::store_facts::agent_header(&bytes)? {
                        out.push((code.clone(), agent));
                    }
                }
                out.sort();
                out.dedup();
                Ok(out)
            }
        }

        /// A store's id, settings and engine parameters; `None` when unknown.
        async fn store_params(
            pool: &::sqlx::Pool<$db>,
            code: &str,
        ) -> ::anyhow::Result<Option<(i64, ::kefu_domain::StoreSettings, ::kefu_kpi::Params)>> {
            let row: Option<(i64, String)> = ::sqlx::query_as("SELECT id, settings FROM stores WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?;
            let Some((id, json)) = row else { return Ok(None) };
            let s = $crate::settings_from_json(&json)?;
            let p = ::kefu_kpi::Params::new(&s).map_err(::anyhow::Error::msg)?;
            Ok(Some((id, s, p)))
        }
    };
}
