//! The SQL of [`crate::billing::BillingStore`] and
//! [`crate::billing::BillingTx`] both backends share, as a macro expanded
//! once per backend. Each read is one function over any executor, called
//! with the pool by the store and with the transaction by the write.

/// Implements [`crate::billing::BillingStore`] for `$repo` (a struct with a
/// field `pool: sqlx::Pool<$db>`), with its writes in a transaction begun
/// by `$dialect`'s `begin_write`. The schema is each backend's migration
/// `0200_contracts.sql`.
#[macro_export]
macro_rules! sql_billing {
    ($repo:ident, $db:ty, $dialect:ty) => {
        mod __kefu_billing {
            use super::$repo;
            use ::anyhow::{Result, bail};
            use $crate::billing::{
                Assessment, BillingTx, ContractRow, Dispute, InvoiceQuery, InvoiceRow, LedgerRow, OrderMoney, StepRow,
                StoreAgent, Training, VersionRow,
            };

            type Tx = ::sqlx::Transaction<'static, $db>;

            const CONTRACT: &str = "SELECT id, client, state, signed_on, service_start, last_served, ending, \
                 notice_on, notice_by FROM contracts";
            const VERSION: &str = "SELECT contract_id, version_from, client, terms, created_ms, created_by \
                 FROM contract_versions WHERE contract_id = $1 ORDER BY version_from";
            const INVOICE: &str = "SELECT number, seq, kind, client, contract_id, month, refers_to, status, \
                 amount, tax, net, gross, lines, reason, drafted_ms, issued_on, confirmed_by, confirmed_ms \
                 FROM invoices";
            const LEDGER: &str = "SELECT id, client, entry_date, contract_id, kind, amount, refers_to, note, at_ms \
                 FROM ledger_entries WHERE client = $1 ORDER BY id";

            async fn contracts<'e, E: ::sqlx::Executor<'e, Database = $db>>(
                ex: E,
                client: Option<&str>,
            ) -> Result<Vec<ContractRow>> {
                Ok(match client {
                    Some(c) => ::sqlx::query_as(&format!("{CONTRACT} WHERE client = $1 ORDER BY id"))
                        .bind(c.to_string())
                        .fetch_all(ex)
                        .await?,
                    None => ::sqlx::query_as(&format!("{CONTRACT} ORDER BY id")).fetch_all(ex).await?,
                })
            }

            async fn contract<'e, E: ::sqlx::Executor<'e, Database = $db>>(ex: E, id: &str) -> Result<Option<ContractRow>> {
                Ok(::sqlx::query_as(&format!("{CONTRACT} WHERE id = $1"))
                    .bind(id.to_string())
                    .fetch_optional(ex)
                    .await?)
            }

            async fn versions<'e, E: ::sqlx::Executor<'e, Database = $db>>(ex: E, id: &str) -> Result<Vec<VersionRow>> {
                Ok(::sqlx::query_as(VERSION).bind(id.to_string()).fetch_all(ex).await?)
            }

            async fn ledger<'e, E: ::sqlx::Executor<'e, Database = $db>>(ex: E, client: &str) -> Result<Vec<LedgerRow>> {
                Ok(::sqlx::query_as(LEDGER).bind(client.to_string()).fetch_all(ex).await?)
            }

            async fn invoices<'e, E: ::sqlx::Executor<'e, Database = $db>>(ex: E, q: &InvoiceQuery) -> Result<Vec<InvoiceRow>> {
                let mut qb = ::sqlx::QueryBuilder::<$db>::new(INVOICE);
                qb.push(" WHERE 1 = 1");
                if let Some(c) = &q.client {
                    qb.push(" AND client = ").push_bind(c.clone());
                }
                if let Some(m) = &q.month {
                    qb.push(" AND month = ").push_bind(m.clone());
                }
                if let Some(c) = &q.contract {
                    qb.push(" AND contract_id = ").push_bind(c.clone());
                }
                qb.push(" ORDER BY seq");
                Ok(qb.build_query_as().fetch_all(ex).await?)
            }

            fn in_stores(qb: &mut ::sqlx::QueryBuilder<'_, $db>, stores: &[String]) {
                qb.push(" WHERE store IN (");
                let mut sep = qb.separated(", ");
                for s in stores {
                    sep.push_bind(s.clone());
                }
                qb.push(")");
            }

            #[::async_trait::async_trait]
            impl $crate::billing::BillingStore for $repo {
                async fn billing_contracts(&self, client: Option<&str>) -> Result<Vec<ContractRow>> {
                    contracts(&self.pool, client).await
                }

                async fn billing_contract(&self, id: &str) -> Result<Option<ContractRow>> {
                    contract(&self.pool, id).await
                }

                async fn billing_versions(&self, id: &str) -> Result<Vec<VersionRow>> {
                    versions(&self.pool, id).await
                }

                async fn billing_steps(&self, id: &str) -> Result<Vec<StepRow>> {
                    Ok(::sqlx::query_as(
                        "SELECT contract_id, from_state, to_state, on_day, at_ms, actor, reason \
                         FROM contract_steps WHERE contract_id = $1 ORDER BY id",
                    )
                    .bind(id.to_string())
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn billing_store_contracts(&self, store: &str) -> Result<Vec<String>> {
                    Ok(::sqlx::query_scalar("SELECT contract_id FROM contract_stores WHERE store = $1 ORDER BY contract_id")
                        .bind(store.to_string())
                        .fetch_all(&self.pool)
                        .await?)
                }

                async fn billing_store_agents(&self, stores: &[String]) -> Result<Vec<StoreAgent>> {
                    if stores.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new("SELECT store, agent, account, team, role FROM store_agents");
                    in_stores(&mut qb, stores);
                    qb.push(" ORDER BY store, agent");
                    Ok(qb.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn billing_trainings(&self, stores: &[String]) -> Result<Vec<Training>> {
                    if stores.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT agent, store, on_day, topic, recorded_by FROM agent_trainings",
                    );
                    in_stores(&mut qb, stores);
                    qb.push(" ORDER BY id");
                    Ok(qb.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn billing_assessments(&self, stores: &[String]) -> Result<Vec<Assessment>> {
                    if stores.is_empty() {
                        return Ok(Vec::new());
                    }
                    let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                        "SELECT agent, store, on_day, score, pass_mark, recorded_by FROM agent_assessments",
                    );
                    in_stores(&mut qb, stores);
                    qb.push(" ORDER BY on_day, id");
                    Ok(qb.build_query_as().fetch_all(&self.pool).await?)
                }

                async fn billing_invoices(&self, q: &InvoiceQuery) -> Result<Vec<InvoiceRow>> {
                    invoices(&self.pool, q).await
                }

                async fn billing_invoice(&self, number: &str) -> Result<Option<InvoiceRow>> {
                    Ok(::sqlx::query_as(&format!("{INVOICE} WHERE number = $1"))
                        .bind(number.to_string())
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn billing_disputes(&self, number: &str) -> Result<Vec<Dispute>> {
                    Ok(::sqlx::query_as(
                        "SELECT number, line, reason, raised_by, raised_ms, resolved_ms FROM invoice_disputes \
                         WHERE number = $1 ORDER BY id",
                    )
                    .bind(number.to_string())
                    .fetch_all(&self.pool)
                    .await?)
                }

                async fn billing_ledger(&self, client: &str) -> Result<Vec<LedgerRow>> {
                    ledger(&self.pool, client).await
                }

                async fn billing_declared(&self, contract: &str, month: &str) -> Result<Option<i64>> {
                    Ok(::sqlx::query_scalar("SELECT amount FROM declared_sales WHERE contract_id = $1 AND month = $2")
                        .bind(contract.to_string())
                        .bind(month.to_string())
                        .fetch_optional(&self.pool)
                        .await?)
                }

                async fn billing_order_money(&self, stores: &[String]) -> Result<Vec<OrderMoney>> {
                    if stores.is_empty() {
                        return Ok(Vec::new());
                    }
                    // A time without an offset (at most 19 characters, no
                    // `T`) is the store's wall clock: its first ten
                    // characters are its local day, so such payments and
                    // refunds are summed per store and day here; times with
                    // an offset come one by one, for the caller to place.
                    let plain = |c: &str| format!("({c} IS NOT NULL AND length({c}) <= 19 AND {c} NOT LIKE '%T%')");
                    let (pp, rp) = (plain("o.paid_at"), plain("o.refunded_at"));
                    let parts = [
                        format!(
                            "SELECT s.code AS store, substr(o.paid_at, 1, 10) || ' 00:00:00' AS paid_at, \
                             CAST(SUM(o.amount_fen) AS BIGINT) AS amount, CAST(NULL AS BIGINT) AS refund, \
                             CAST(NULL AS TEXT) AS refunded_at FROM orders o JOIN stores s ON s.id = o.store_id \
                             WHERE {pp} AND s.code IN (LIST) GROUP BY 1, 2"
                        ),
                        format!(
                            "SELECT s.code AS store, CAST(NULL AS TEXT) AS paid_at, CAST(0 AS BIGINT) AS amount, \
                             CAST(SUM(o.refund_fen) AS BIGINT) AS refund, substr(o.refunded_at, 1, 10) || ' 00:00:00' AS refunded_at \
                             FROM orders o JOIN stores s ON s.id = o.store_id \
                             WHERE {rp} AND o.refund_fen IS NOT NULL AND s.code IN (LIST) GROUP BY 1, 5"
                        ),
                        format!(
                            "SELECT s.code AS store, CASE WHEN {pp} THEN NULL ELSE o.paid_at END AS paid_at, \
                             CASE WHEN {pp} THEN 0 ELSE o.amount_fen END AS amount, \
                             CASE WHEN {rp} THEN NULL ELSE o.refund_fen END AS refund, \
                             CASE WHEN {rp} THEN NULL ELSE o.refunded_at END AS refunded_at \
                             FROM orders o JOIN stores s ON s.id = o.store_id \
                             WHERE (NOT {pp} AND o.paid_at IS NOT NULL OR NOT {rp} AND o.refunded_at IS NOT NULL) \
                             AND s.code IN (LIST)"
                        ),
                    ];
                    let mut out = Vec::new();
                    for sql in parts {
                        let (head, tail) = sql.split_once("LIST").unwrap_or((sql.as_str(), ""));
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(head);
                        let mut sep = qb.separated(", ");
                        for s in stores {
                            sep.push_bind(s.clone());
                        }
                        qb.push(tail);
                        out.extend(qb.build_query_as::<OrderMoney>().fetch_all(&self.pool).await?);
                    }
                    Ok(out)
                }

                async fn begin_billing(&self) -> Result<Box<dyn BillingTx>> {
                    let tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    Ok(Box::new(Write { tx }))
                }
            }

            struct Write {
                tx: Tx,
            }

            #[::async_trait::async_trait]
            impl BillingTx for Write {
                async fn contract(&mut self, id: &str) -> Result<Option<ContractRow>> {
                    contract(&mut *self.tx, id).await
                }

                async fn versions(&mut self, id: &str) -> Result<Vec<VersionRow>> {
                    versions(&mut *self.tx, id).await
                }

                async fn ledger(&mut self, client: &str) -> Result<Vec<LedgerRow>> {
                    ledger(&mut *self.tx, client).await
                }

                async fn invoices(&mut self, q: &InvoiceQuery) -> Result<Vec<InvoiceRow>> {
                    invoices(&mut *self.tx, q).await
                }

                async fn save_version(&mut self, v: &VersionRow, stores: &[String]) -> Result<()> {
                    ::sqlx::query("DELETE FROM contract_versions WHERE contract_id = $1 AND version_from = $2")
                        .bind(&v.contract_id)
                        .bind(v.version_from)
                        .execute(&mut *self.tx)
                        .await?;
                    ::sqlx::query(
                        "INSERT INTO contract_versions (contract_id, version_from, client, terms, created_ms, created_by) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&v.contract_id)
                    .bind(v.version_from)
                    .bind(&v.client)
                    .bind(&v.terms)
                    .bind(v.created_ms)
                    .bind(&v.created_by)
                    .execute(&mut *self.tx)
                    .await?;
                    ::sqlx::query("DELETE FROM contract_stores WHERE contract_id = $1")
                        .bind(&v.contract_id)
                        .execute(&mut *self.tx)
                        .await?;
                    for s in stores {
                        ::sqlx::query("INSERT INTO contract_stores (contract_id, store) VALUES ($1, $2)")
                            .bind(&v.contract_id)
                            .bind(s)
                            .execute(&mut *self.tx)
                            .await?;
                    }
                    Ok(())
                }

                async fn save_contract(&mut self, c: &ContractRow) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO contracts (id, client, state, signed_on, service_start, last_served, ending, notice_on, notice_by) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (id) DO UPDATE SET client = excluded.client, state = excluded.state, \
                         signed_on = excluded.signed_on, service_start = excluded.service_start, \
                         last_served = excluded.last_served, ending = excluded.ending, \
                         notice_on = excluded.notice_on, notice_by = excluded.notice_by",
                    )
                    .bind(&c.id)
                    .bind(&c.client)
                    .bind(&c.state)
                    .bind(c.signed_on)
                    .bind(c.service_start)
                    .bind(c.last_served)
                    .bind(&c.ending)
                    .bind(c.notice_on)
                    .bind(&c.notice_by)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn add_step(&mut self, s: &StepRow) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO contract_steps (contract_id, from_state, to_state, on_day, at_ms, actor, reason) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&s.contract_id)
                    .bind(&s.from_state)
                    .bind(&s.to_state)
                    .bind(s.on_day)
                    .bind(s.at_ms)
                    .bind(&s.actor)
                    .bind(&s.reason)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn save_agent(&mut self, a: &StoreAgent) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO store_agents (store, agent, account, team, role) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (store, agent) DO UPDATE SET account = excluded.account, team = excluded.team, role = excluded.role",
                    )
                    .bind(&a.store)
                    .bind(&a.agent)
                    .bind(&a.account)
                    .bind(&a.team)
                    .bind(&a.role)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn add_training(&mut self, t: &Training) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO agent_trainings (agent, store, on_day, topic, recorded_by) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&t.agent)
                    .bind(&t.store)
                    .bind(t.on_day)
                    .bind(&t.topic)
                    .bind(&t.recorded_by)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn add_assessment(&mut self, a: &Assessment) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO agent_assessments (agent, store, on_day, score, pass_mark, recorded_by) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&a.agent)
                    .bind(&a.store)
                    .bind(a.on_day)
                    .bind(a.score)
                    .bind(a.pass_mark)
                    .bind(&a.recorded_by)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn save_draft(&mut self, i: &InvoiceRow) -> Result<String> {
                    if i.kind == "invoice" {
                        let have: Option<(String, String)> = ::sqlx::query_as(
                            "SELECT number, status FROM invoices WHERE contract_id = $1 AND month = $2 AND kind = 'invoice'",
                        )
                        .bind(&i.contract_id)
                        .bind(&i.month)
                        .fetch_optional(&mut *self.tx)
                        .await?;
                        if let Some((number, status)) = have {
                            if status != "draft" {
                                bail!("invoice {number} is issued and never changes");
                            }
                            ::sqlx::query(
                                "UPDATE invoices SET amount = $1, tax = $2, net = $3, gross = $4, lines = $5, \
                                 drafted_ms = $6, confirmed_by = NULL, confirmed_ms = NULL \
                                 WHERE number = $7 AND status = 'draft'",
                            )
                            .bind(i.amount)
                            .bind(i.tax)
                            .bind(i.net)
                            .bind(i.gross)
                            .bind(&i.lines)
                            .bind(i.drafted_ms)
                            .bind(&number)
                            .execute(&mut *self.tx)
                            .await?;
                            return Ok(number);
                        }
                    }
                    let seq: i64 = ::sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(seq) FROM invoices")
                        .fetch_one(&mut *self.tx)
                        .await?
                        .unwrap_or(0)
                        + 1;
                    let prefix = match i.kind.as_str() {
                        "credit_note" => "CN",
                        "debit_note" => "DN",
                        _ => "INV",
                    };
                    let number = format!("{prefix}-{seq:06}");
                    ::sqlx::query(
                        "INSERT INTO invoices (number, seq, kind, client, contract_id, month, refers_to, status, \
                         amount, tax, net, gross, lines, reason, drafted_ms, issued_on, confirmed_by, confirmed_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12, $13, $14, NULL, NULL, NULL)",
                    )
                    .bind(&number)
                    .bind(seq)
                    .bind(&i.kind)
                    .bind(&i.client)
                    .bind(&i.contract_id)
                    .bind(&i.month)
                    .bind(&i.refers_to)
                    .bind(i.amount)
                    .bind(i.tax)
                    .bind(i.net)
                    .bind(i.gross)
                    .bind(&i.lines)
                    .bind(&i.reason)
                    .bind(i.drafted_ms)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(number)
                }

                async fn issue(&mut self, number: &str, on_day: i64) -> Result<()> {
                    let done = ::sqlx::query("UPDATE invoices SET status = 'issued', issued_on = $1 WHERE number = $2 AND status = 'draft'")
                        .bind(on_day)
                        .bind(number.to_string())
                        .execute(&mut *self.tx)
                        .await?;
                    if done.rows_affected() != 1 {
                        bail!("{number} is not a draft");
                    }
                    Ok(())
                }

                async fn confirm(&mut self, number: &str, by: &str, at_ms: i64) -> Result<()> {
                    ::sqlx::query("UPDATE invoices SET confirmed_by = $1, confirmed_ms = $2 WHERE number = $3")
                        .bind(by.to_string())
                        .bind(at_ms)
                        .bind(number.to_string())
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn add_dispute(&mut self, d: &Dispute) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO invoice_disputes (number, line, reason, raised_by, raised_ms, resolved_ms) \
                         VALUES ($1, $2, $3, $4, $5, NULL)",
                    )
                    .bind(&d.number)
                    .bind(d.line)
                    .bind(&d.reason)
                    .bind(&d.raised_by)
                    .bind(d.raised_ms)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn resolve_disputes(&mut self, number: &str, at_ms: i64) -> Result<()> {
                    ::sqlx::query("UPDATE invoice_disputes SET resolved_ms = $1 WHERE number = $2 AND resolved_ms IS NULL")
                        .bind(at_ms)
                        .bind(number.to_string())
                        .execute(&mut *self.tx)
                        .await?;
                    Ok(())
                }

                async fn add_entry(&mut self, e: &LedgerRow) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO ledger_entries (client, entry_date, contract_id, kind, amount, refers_to, note, at_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(&e.client)
                    .bind(e.entry_date)
                    .bind(&e.contract_id)
                    .bind(&e.kind)
                    .bind(e.amount)
                    .bind(&e.refers_to)
                    .bind(&e.note)
                    .bind(e.at_ms)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn declare(&mut self, contract: &str, month: &str, amount: i64) -> Result<()> {
                    ::sqlx::query(
                        "INSERT INTO declared_sales (contract_id, month, amount) VALUES ($1, $2, $3) \
                         ON CONFLICT (contract_id, month) DO UPDATE SET amount = excluded.amount",
                    )
                    .bind(contract.to_string())
                    .bind(month.to_string())
                    .bind(amount)
                    .execute(&mut *self.tx)
                    .await?;
                    Ok(())
                }

                async fn record(&mut self, e: &$crate::AuditEntry) -> Result<()> {
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

                async fn commit(self: Box<Self>) -> Result<()> {
                    self.tx.commit().await?;
                    Ok(())
                }
            }
        }
    };
}
