//! The KPI capability (数据绩效): figures per group, agents, sessions and
//! transcripts, all within the actor's scope. KPI results and what callers
//! make of them are cached per query and scope until the next write.

use crate::cache::{CacheKey, Groups};
use crate::{Error, Gate, Result};
use kefu_kpi::transcript::{SessionQuery, SessionRow, Transcript};
use kefu_kpi::{Filter, Grouping};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

impl Gate {
    /// KPI totals per group within the scope. A store outside the scope is
    /// not found.
    pub async fn kpi(&self, grouping: Grouping, filter: &Filter) -> Result<Groups> {
        if let Some(store) = &filter.store
            && !self.actor.scope.sees_store(store)
        {
            return Err(Error::NotFound);
        }
        let filter = self.actor.scope.kpi_filter(filter.clone());
        let key: CacheKey = format!("kpi {grouping:?}{filter:?}");
        let mut _refreshing = None;
        if let Some((at, hit, fresh)) = self.app.cache.get(&key) {
            if !fresh {
                _refreshing = self.app.cache.refresh(&key);
            }
            if fresh || _refreshing.is_none() {
                self.used(at);
                return Ok(hit);
            }
        }
        let _one_at_a_time = self.app.cache.inflight.lock().await;
        if let Some((at, hit, true)) = self.app.cache.get(&key) {
            self.used(at);
            return Ok(hit);
        }
        let generation = self.app.cache.generation.load(Ordering::SeqCst);
        let at = Instant::now();
        let groups = Arc::new(self.app.db.kpi(grouping, &filter).await?);
        self.app.cache.put(key, generation, groups.clone());
        self.used(at);
        Ok(groups)
    }

    fn used(&self, computed: Instant) {
        let mut oldest = self.oldest.lock().unwrap_or_else(|p| p.into_inner());
        *oldest = Some(oldest.map_or(computed, |o| o.min(computed)));
    }

    /// What `make` makes of KPI results read through this gate (a page's
    /// charts and table, an API answer), kept like the results themselves:
    /// until the next write through the server, and no longer than the
    /// oldest result it used. `key` must name everything the value depends
    /// on besides the data and the scope (the scope is added here), e.g.
    /// the path and query and the language. `make` may fail with the
    /// caller's own error type.
    pub async fn memo<T: Send + Sync + 'static, E>(
        &self,
        key: &str,
        make: impl Future<Output = Result<T, E>>,
    ) -> Result<Arc<T>, E> {
        let key: CacheKey = format!("made {key}\u{0}{:?}", self.actor.scope);
        let mut _refreshing = None;
        if let Some((_, hit, fresh)) = self.app.cache.get_made(&key)
            && let Ok(value) = hit.downcast::<T>()
        {
            if !fresh {
                _refreshing = self.app.cache.refresh(&key);
            }
            if fresh || _refreshing.is_none() {
                return Ok(value);
            }
        }
        let generation = self.app.cache.generation.load(Ordering::SeqCst);
        *self.oldest.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let started = Instant::now();
        let value = Arc::new(make.await?);
        let oldest = self
            .oldest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or(started);
        self.app
            .cache
            .put_made(key, generation, oldest.min(started), value.clone());
        Ok(value)
    }

    /// The (store, agent) accounts visible, optionally of one store.
    pub async fn agents(&self, store: Option<&str>) -> Result<Vec<(String, String)>> {
        if let Some(s) = store {
            self.store(s).await?;
        }
        let stores = match store {
            Some(s) => Some(vec![s.to_string()]),
            None => self
                .actor
                .scope
                .stores
                .as_ref()
                .map(|s| s.iter().cloned().collect()),
        };
        let all = self.app.db.agents(stores.as_deref()).await?;
        Ok(all
            .into_iter()
            .filter(|(s, a)| self.actor.scope.sees_store(s) && self.actor.scope.sees_agent(a))
            .collect())
    }

    /// A visible agent of a visible store, or not found.
    pub async fn agent(&self, store: &str, agent: &str) -> Result<()> {
        let known = self.agents(Some(store)).await?;
        if known.iter().any(|(_, a)| a == agent) {
            Ok(())
        } else {
            Err(Error::NotFound)
        }
    }

    /// The sessions of a visible store, limited to the agents the scope
    /// allows.
    pub async fn sessions(&self, mut q: SessionQuery) -> Result<Vec<SessionRow>> {
        self.store(&q.store).await?;
        if let Some(mine) = &self.actor.scope.agents {
            let asked = q.agents.take();
            q.agents = Some(match asked {
                Some(a) => a.into_iter().filter(|x| mine.contains(x)).collect(),
                None => mine.iter().cloned().collect(),
            });
        }
        Ok(self.app.db.sessions(&q).await?)
    }

    /// A conversation of a visible store. A viewer limited to some agents
    /// sees only the sessions those agents took part in, and the records of
    /// those sessions; none at all is not found.
    pub async fn conversation(&self, store: &str, conv_id: i64) -> Result<Transcript> {
        self.store(store).await?;
        let mut t = self
            .app
            .db
            .conversation(store, conv_id)
            .await?
            .ok_or(Error::NotFound)?;
        if self.actor.scope.sees_all_agents() {
            return Ok(t);
        }
        let visible: Vec<bool> = t
            .sessions
            .iter()
            .map(|s| {
                self.actor.scope.sees_any_agent(
                    s.agents
                        .iter()
                        .map(String::as_str)
                        .chain(s.receiving_agent.as_deref()),
                )
            })
            .collect();
        if !visible.iter().any(|v| *v) {
            return Err(Error::NotFound);
        }
        let shown = |i: u32| visible.get(i as usize).copied().unwrap_or(false);
        t.messages.retain(|m| shown(m.session));
        t.rounds.retain(|r| shown(r.session));
        t.orders.retain(|o| o.session.is_some_and(shown));
        t.ratings.retain(|r| self.actor.scope.sees_agent(&r.agent));
        for (i, s) in t.sessions.iter_mut().enumerate() {
            if !shown(i as u32) {
                *s = hidden_session(s);
            }
        }
        Ok(t)
    }
}

/// A session kept only as a numbered placeholder (its index stays stable),
/// with nothing of its content.
fn hidden_session(s: &SessionRow) -> SessionRow {
    SessionRow {
        store: s.store.clone(),
        conv_id: s.conv_id,
        buyer: s.buyer.clone(),
        index: s.index,
        start_ms: 0,
        start: String::new(),
        day: 0,
        hour: 0,
        kind: s.kind,
        after_sales: false,
        receiving_agent: None,
        agents: Vec::new(),
        buyer_messages: 0,
        agent_messages: 0,
        human_rounds: 0,
        unanswered_rounds: 0,
        slow_rounds: 0,
        first_response_ms: None,
        mean_response_ms: None,
        invited: false,
        attributed_orders: 0,
        sales_fen: 0,
    }
}
