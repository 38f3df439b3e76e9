//! The SQL of [`crate::Accounts`] both backends share, as a macro expanded
//! once per backend with its sqlx types (like [`crate::sql_repository!`]).

/// Implements [`crate::Accounts`] for `$repo` (a struct with a field
/// `pool: sqlx::Pool<$db>`); writes begin with `$dialect`'s
/// [`crate::Dialect::begin_write`] (give it as a path from the crate root,
/// e.g. `crate::SqliteDialect`).
///
/// The schema the queries expect is in each backend's migration
/// `0002_accounts.sql`: tables `users`, `user_agents`, `clients`,
/// `client_stores`, `teams`, `team_agents`, `web_sessions`, `api_tokens`,
/// `api_token_stores`. Writes of several statements run in one transaction.
#[macro_export]
macro_rules! sql_accounts {
    ($repo:ident, $db:ty, $dialect:ty) => {
        mod __kefu_accounts {
            use super::$repo;
            use ::anyhow::{Context as _, Result, bail};
            use ::kefu_domain::Role;
            use $crate::accounts::{ApiToken, Client, NewUser, Team, User, WebSession};

            type Pool = ::sqlx::Pool<$db>;
            type Tx = ::sqlx::Transaction<'static, $db>;
            type UserRow = (i64, String, String, String, String, bool, Option<i64>, Option<i64>, i64);
            type TokenRow = (i64, String, String, i64, String, i64, Option<i64>);

            const USER_COLUMNS: &str = "SELECT id, username, display_name, role, password_hash, disabled, \
                 client_id, team_id, created_ms FROM users";
            const TOKEN_COLUMNS: &str =
                "SELECT id, name, token_hash, user_id, role, created_ms, revoked_ms FROM api_tokens";

            fn role(text: &str) -> Result<Role> {
                text.parse().map_err(::anyhow::Error::msg)
            }

            fn now_ms() -> i64 {
                ::std::time::SystemTime::now()
                    .duration_since(::std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as i64)
                    .unwrap_or_default()
            }

            /// Trimmed, non-empty, sorted and without repeats.
            fn clean(items: &[String]) -> Vec<String> {
                let mut out: Vec<String> =
                    items.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                out.sort();
                out.dedup();
                out
            }

            /// `(key, value)` rows of a two-column table, grouped by key, for
            /// the given keys (all rows when `keys` is `None`); the values
            /// sorted by their bytes, as on every backend.
            async fn grouped(
                pool: &Pool,
                sql: &str,
                key: &str,
                keys: Option<&[i64]>,
            ) -> Result<::std::collections::HashMap<i64, Vec<String>>> {
                let mut qb = ::sqlx::QueryBuilder::<$db>::new(sql);
                if let Some(keys) = keys {
                    if keys.is_empty() {
                        return Ok(Default::default());
                    }
                    qb.push(format!(" WHERE {key} IN ("));
                    let mut sep = qb.separated(", ");
                    for k in keys {
                        sep.push_bind(*k);
                    }
                    qb.push(")");
                }
                let rows: Vec<(i64, String)> = qb.build_query_as().fetch_all(pool).await?;
                let mut out: ::std::collections::HashMap<i64, Vec<String>> = Default::default();
                for (k, v) in rows {
                    out.entry(k).or_default().push(v);
                }
                for v in out.values_mut() {
                    v.sort();
                }
                Ok(out)
            }

            /// Users from their rows, with client, team and agent accounts.
            /// `all`: the rows are every user (read every related row at once).
            async fn users_of(pool: &Pool, rows: Vec<UserRow>, all: bool) -> Result<Vec<User>> {
                let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
                let clients: Vec<i64> = rows.iter().filter_map(|r| r.6).collect();
                let teams: Vec<i64> = rows.iter().filter_map(|r| r.7).collect();
                let (ids_f, clients_f, teams_f) =
                    ((!all).then_some(ids), (!all).then_some(clients), (!all).then_some(teams));
                let agents =
                    grouped(pool, "SELECT user_id, account FROM user_agents", "user_id", ids_f.as_deref()).await?;
                let stores =
                    grouped(pool, "SELECT client_id, store FROM client_stores", "client_id", clients_f.as_deref())
                        .await?;
                let members =
                    grouped(pool, "SELECT team_id, agent FROM team_agents", "team_id", teams_f.as_deref()).await?;
                let client_names = grouped(pool, "SELECT id, name FROM clients", "id", clients_f.as_deref()).await?;
                let team_names = grouped(pool, "SELECT id, name FROM teams", "id", teams_f.as_deref()).await?;
                let name = |m: &::std::collections::HashMap<i64, Vec<String>>, id: Option<i64>| {
                    id.and_then(|id| m.get(&id)).and_then(|v| v.first().cloned())
                };
                let list = |m: &::std::collections::HashMap<i64, Vec<String>>, id: Option<i64>| {
                    id.and_then(|id| m.get(&id)).cloned().unwrap_or_default()
                };
                rows.into_iter()
                    .map(|(id, username, display_name, r, password_hash, disabled, client_id, team_id, created_ms)| {
                        Ok(User {
                            id,
                            username,
                            display_name,
                            role: role(&r)?,
                            password_hash,
                            disabled,
                            client: name(&client_names, client_id),
                            client_stores: list(&stores, client_id),
                            team: name(&team_names, team_id),
                            team_agents: list(&members, team_id),
                            agent_accounts: list(&agents, Some(id)),
                            created_ms,
                        })
                    })
                    .collect()
            }

            async fn user_by_id(pool: &Pool, id: i64) -> Result<Option<User>> {
                let row: Option<UserRow> = ::sqlx::query_as(&format!("{USER_COLUMNS} WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
                Ok(users_of(pool, row.into_iter().collect(), false).await?.pop())
            }

            async fn tokens_of(pool: &Pool, rows: Vec<TokenRow>) -> Result<Vec<ApiToken>> {
                let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
                let stores =
                    grouped(pool, "SELECT token_id, store FROM api_token_stores", "token_id", Some(&ids)).await?;
                rows.into_iter()
                    .map(|(id, name, token_hash, user_id, r, created_ms, revoked_ms)| {
                        Ok(ApiToken {
                            id,
                            name,
                            token_hash,
                            user_id,
                            role: role(&r)?,
                            stores: stores.get(&id).cloned().unwrap_or_default(),
                            created_ms,
                            revoked_ms,
                        })
                    })
                    .collect()
            }

            /// The id of the row of `table` named `name`, if any.
            async fn id_named(tx: &mut Tx, table: &str, name: &str) -> Result<Option<i64>> {
                Ok(::sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE name = $1"))
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?)
            }

            /// The id of the row of `table` named `name`, created when missing.
            async fn upsert_named(tx: &mut Tx, table: &str, what: &str, name: &str) -> Result<i64> {
                let name = name.trim();
                if name.is_empty() {
                    bail!("a {what} needs a name");
                }
                if let Some(id) = id_named(tx, table, name).await? {
                    return Ok(id);
                }
                Ok(::sqlx::query_scalar(&format!("INSERT INTO {table} (name) VALUES ($1) RETURNING id"))
                    .bind(name)
                    .fetch_one(&mut **tx)
                    .await?)
            }

            /// Replaces the values of `owner` in a two-column table.
            async fn replace_values(tx: &mut Tx, table: &str, key: &str, col: &str, owner: i64, values: &[String]) -> Result<()> {
                ::sqlx::query(&format!("DELETE FROM {table} WHERE {key} = $1"))
                    .bind(owner)
                    .execute(&mut **tx)
                    .await?;
                if values.is_empty() {
                    return Ok(());
                }
                let mut qb = ::sqlx::QueryBuilder::<$db>::new(format!("INSERT INTO {table} ({key}, {col}) "));
                qb.push_values(values, |mut b, v| {
                    b.push_bind(owner).push_bind(v.as_str());
                });
                qb.build().execute(&mut **tx).await?;
                Ok(())
            }

            /// Every `(id, name, values)` of a named table (clients, teams)
            /// with its values from `values_sql`, by name.
            async fn named_lists(pool: &Pool, table: &str, values_sql: &str) -> Result<Vec<(i64, String, Vec<String>)>> {
                let mut rows: Vec<(i64, String)> =
                    ::sqlx::query_as(&format!("SELECT id, name FROM {table}")).fetch_all(pool).await?;
                rows.sort_by(|a, b| a.1.cmp(&b.1));
                let mut values = grouped(pool, values_sql, "", None).await?;
                Ok(rows.into_iter().map(|(id, name)| (id, name, values.remove(&id).unwrap_or_default())).collect())
            }

            /// After an update of `updated` rows of user `user_id`: an error
            /// when there is no such user, else ends their sessions if asked.
            async fn updated_user(tx: &mut Tx, user_id: i64, updated: u64, end_sessions: bool) -> Result<()> {
                if updated == 0 {
                    bail!("no user with id {user_id}");
                }
                if end_sessions {
                    ::sqlx::query("DELETE FROM web_sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn ensure_user(tx: &mut Tx, user_id: i64) -> Result<()> {
                let found: Option<i64> = ::sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut **tx)
                    .await?;
                match found {
                    Some(_) => Ok(()),
                    None => bail!("no user with id {user_id}"),
                }
            }

            #[::async_trait::async_trait]
            impl $crate::Accounts for $repo {
                async fn create_user(&self, user: &NewUser) -> Result<i64> {
                    let username = user.username.trim();
                    if username.is_empty() || username.chars().any(char::is_whitespace) {
                        bail!("'{}' is not a username: it must be non-empty, without spaces", user.username);
                    }
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let known: Option<i64> = ::sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                        .bind(username)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if known.is_some() {
                        bail!("user '{username}' exists");
                    }
                    let client = match &user.client {
                        Some(c) => Some(id_named(&mut tx, "clients", c.trim()).await?.with_context(|| format!("no client named '{c}'"))?),
                        None => None,
                    };
                    let team = match &user.team {
                        Some(t) => Some(id_named(&mut tx, "teams", t.trim()).await?.with_context(|| format!("no team named '{t}'"))?),
                        None => None,
                    };
                    let display = match user.display_name.trim() {
                        "" => username,
                        d => d,
                    };
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO users (username, display_name, role, password_hash, disabled, client_id, team_id, \
                         created_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(username)
                    .bind(display)
                    .bind(user.role.as_str())
                    .bind(&user.password_hash)
                    .bind(false)
                    .bind(client)
                    .bind(team)
                    .bind(now_ms())
                    .fetch_one(&mut *tx)
                    .await?;
                    replace_values(&mut tx, "user_agents", "user_id", "account", id, &clean(&user.agent_accounts)).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn users(&self) -> Result<Vec<User>> {
                    let mut rows: Vec<UserRow> = ::sqlx::query_as(USER_COLUMNS).fetch_all(&self.pool).await?;
                    // Sorted here, not by the database's collation: the same order on both.
                    rows.sort_by(|a, b| a.1.cmp(&b.1));
                    users_of(&self.pool, rows, true).await
                }

                async fn user(&self, id: i64) -> Result<Option<User>> {
                    user_by_id(&self.pool, id).await
                }

                async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
                    let row: Option<UserRow> = ::sqlx::query_as(&format!("{USER_COLUMNS} WHERE username = $1"))
                        .bind(username.trim())
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(users_of(&self.pool, row.into_iter().collect(), false).await?.pop())
                }

                async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let n = ::sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(password_hash)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    updated_user(&mut tx, user_id, n, true).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_disabled(&self, user_id: i64, disabled: bool) -> Result<()> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let n = ::sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                        .bind(disabled)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    updated_user(&mut tx, user_id, n, disabled).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn save_client(&self, name: &str, stores: &[String]) -> Result<i64> {
                    let stores = clean(stores);
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let id = upsert_named(&mut tx, "clients", "client", name).await?;
                    if !stores.is_empty() {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(
                            "SELECT s.store, c.name FROM client_stores s JOIN clients c ON c.id = s.client_id \
                             WHERE s.client_id <> ",
                        );
                        qb.push_bind(id);
                        qb.push(" AND s.store IN (");
                        let mut sep = qb.separated(", ");
                        for s in &stores {
                            sep.push_bind(s.as_str());
                        }
                        qb.push(") ORDER BY s.store");
                        let taken: Vec<(String, String)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                        if !taken.is_empty() {
                            let named: Vec<String> =
                                taken.iter().map(|(s, c)| format!("store {s} belongs to client '{c}'")).collect();
                            bail!("{}", named.join("; "));
                        }
                    }
                    replace_values(&mut tx, "client_stores", "client_id", "store", id, &stores).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn clients(&self) -> Result<Vec<Client>> {
                    let rows = named_lists(&self.pool, "clients", "SELECT client_id, store FROM client_stores").await?;
                    Ok(rows.into_iter().map(|(id, name, stores)| Client { id, name, stores }).collect())
                }

                async fn save_team(&self, name: &str, agents: &[String]) -> Result<i64> {
                    let agents = clean(agents);
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    let id = upsert_named(&mut tx, "teams", "team", name).await?;
                    replace_values(&mut tx, "team_agents", "team_id", "agent", id, &agents).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn teams(&self) -> Result<Vec<Team>> {
                    let rows = named_lists(&self.pool, "teams", "SELECT team_id, agent FROM team_agents").await?;
                    Ok(rows.into_iter().map(|(id, name, agents)| Team { id, name, agents }).collect())
                }

                async fn create_session(&self, session: &WebSession) -> Result<()> {
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    ensure_user(&mut tx, session.user_id).await?;
                    // Housekeeping: sessions past their expiry are of no use.
                    ::sqlx::query("DELETE FROM web_sessions WHERE expires_ms <= $1")
                        .bind(session.created_ms)
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query(
                        "INSERT INTO web_sessions (id_hash, user_id, csrf, created_ms, expires_ms) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&session.id_hash)
                    .bind(session.user_id)
                    .bind(&session.csrf)
                    .bind(session.created_ms)
                    .bind(session.expires_ms)
                    .execute(&mut *tx)
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session(&self, id_hash: &str, now_ms: i64) -> Result<Option<(WebSession, User)>> {
                    let row: Option<(String, i64, String, i64, i64)> = ::sqlx::query_as(
                        "SELECT id_hash, user_id, csrf, created_ms, expires_ms FROM web_sessions \
                         WHERE id_hash = $1 AND expires_ms > $2",
                    )
                    .bind(id_hash)
                    .bind(now_ms)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some((id_hash, user_id, csrf, created_ms, expires_ms)) = row else {
                        return Ok(None);
                    };
                    let Some(user) = user_by_id(&self.pool, user_id).await? else {
                        return Ok(None);
                    };
                    Ok(Some((WebSession { id_hash, user_id, csrf, created_ms, expires_ms }, user)))
                }

                async fn delete_session(&self, id_hash: &str) -> Result<()> {
                    ::sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1").bind(id_hash).execute(&self.pool).await?;
                    Ok(())
                }

                async fn create_token(&self, token: &ApiToken) -> Result<i64> {
                    let name = token.name.trim();
                    if name.is_empty() {
                        bail!("a token needs a name");
                    }
                    let mut tx = <$dialect as $crate::Dialect>::begin_write(&self.pool).await?;
                    ensure_user(&mut tx, token.user_id).await?;
                    let id: i64 = ::sqlx::query_scalar(
                        "INSERT INTO api_tokens (name, token_hash, user_id, role, created_ms, revoked_ms) \
                         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    )
                    .bind(name)
                    .bind(&token.token_hash)
                    .bind(token.user_id)
                    .bind(token.role.as_str())
                    .bind(token.created_ms)
                    .bind(token.revoked_ms)
                    .fetch_one(&mut *tx)
                    .await?;
                    replace_values(&mut tx, "api_token_stores", "token_id", "store", id, &clean(&token.stores)).await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn tokens(&self) -> Result<Vec<ApiToken>> {
                    let rows: Vec<TokenRow> = ::sqlx::query_as(&format!("{TOKEN_COLUMNS} ORDER BY id DESC"))
                        .fetch_all(&self.pool)
                        .await?;
                    tokens_of(&self.pool, rows).await
                }

                async fn token_by_hash(&self, token_hash: &str) -> Result<Option<(ApiToken, User)>> {
                    let row: Option<TokenRow> =
                        ::sqlx::query_as(&format!("{TOKEN_COLUMNS} WHERE token_hash = $1 AND revoked_ms IS NULL"))
                            .bind(token_hash)
                            .fetch_optional(&self.pool)
                            .await?;
                    let Some(token) = tokens_of(&self.pool, row.into_iter().collect()).await?.pop() else {
                        return Ok(None);
                    };
                    Ok(user_by_id(&self.pool, token.user_id).await?.map(|u| (token, u)))
                }

                async fn revoke_token(&self, id: i64, now_ms: i64) -> Result<()> {
                    let found: Option<Option<i64>> = ::sqlx::query_scalar("SELECT revoked_ms FROM api_tokens WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                    match found {
                        None => bail!("no token with id {id}"),
                        Some(Some(_)) => Ok(()),
                        Some(None) => {
                            ::sqlx::query("UPDATE api_tokens SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL")
                                .bind(now_ms)
                                .bind(id)
                                .execute(&self.pool)
                                .await?;
                            Ok(())
                        }
                    }
                }
            }
        }
    };
}
