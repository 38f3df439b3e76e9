//! The gate: every read and write of a page, API endpoint or export goes
//! through a [`Gate`], which holds the viewer's [`Scope`] and refuses what
//! it does not allow. Something outside the scope is [`AppError::NotFound`],
//! exactly like something that does not exist.

use crate::error::AppError;
use crate::state::AppState;
use kefu_access::{Action, Scope};
use kefu_db::Database;
use kefu_db::sessions::{SessionQuery, SessionRow, Transcript};
use kefu_domain::StoreSettings;
use kefu_kpi::{Filter, GroupKey, Grouping, Totals};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a cached KPI result is used before it is computed again (for
/// data written by other processes, e.g. `kefu import` on the command line;
/// writes through this server clear the cache at once). While one request
/// computes it again, the others are answered the expired result.
const CACHE_TTL: Duration = Duration::from_secs(30);
const CACHE_ENTRIES: usize = 512;

type CacheKey = String;
/// The turn of one write (see [`Gate::begin_import`]).
pub type WriteTurn = tokio::sync::OwnedMutexGuard<()>;
type Groups = Arc<Vec<(GroupKey, Totals)>>;
type Made = Arc<dyn std::any::Any + Send + Sync>;

/// Recent KPI results by query and scope, and what pages made of them
/// (see [`Gate::memo`]). Cleared by every write through the server;
/// entries also expire after a while.
#[derive(Default)]
pub struct KpiCache {
    generation: AtomicU64,
    entries: Entries<Groups>,
    made: Entries<Made>,
    /// Keys whose expired entry is being computed again; until it is, the
    /// expired entry is still answered (see [`KpiCache::refresh`]).
    refreshing: Mutex<HashSet<CacheKey>>,
    /// One computation per query at a time: others wait for its result.
    inflight: tokio::sync::Mutex<()>,
}

/// Values by key, each with the generation and the time it was computed.
struct Entries<V>(Mutex<HashMap<CacheKey, (u64, Instant, V)>>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Mutex::default())
    }
}

impl<V: Clone> Entries<V> {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<CacheKey, (u64, Instant, V)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry of `generation` with the time it was computed and whether
    /// it is still fresh (younger than [`CACHE_TTL`]).
    fn get(&self, key: &CacheKey, generation: u64) -> Option<(Instant, V, bool)> {
        self.map()
            .get(key)
            .filter(|(g, _, _)| *g == generation)
            .map(|(_, at, v)| (*at, v.clone(), at.elapsed() < CACHE_TTL))
    }

    /// Keeps a value computed at `at` (all are forgotten past
    /// [`CACHE_ENTRIES`]).
    fn put(&self, key: CacheKey, generation: u64, at: Instant, value: V) {
        let mut map = self.map();
        if map.len() >= CACHE_ENTRIES {
            map.clear();
        }
        map.insert(key, (generation, at, value));
    }
}

/// The turn of the one request that computes an expired entry again.
struct Refreshing<'a> {
    set: &'a Mutex<HashSet<CacheKey>>,
    key: CacheKey,
}

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

impl KpiCache {
    /// Forgets every result (after a write).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.map().clear();
        self.made.map().clear();
    }

    /// The entry of the current generation with the time it was computed
    /// and whether it is still fresh (younger than [`CACHE_TTL`]).
    fn get(&self, key: &CacheKey) -> Option<(Instant, Groups, bool)> {
        self.entries
            .get(key, self.generation.load(Ordering::SeqCst))
    }

    /// The turn to compute an expired entry again, unless another request
    /// has it: that one computes while the others answer the expired entry
    /// instead of all waiting (an expired entry only misses writes made by
    /// other processes; writes through the server start a new generation,
    /// whose entries are always computed before they are answered).
    fn refresh(&self, key: &str) -> Option<Refreshing<'_>> {
        let mut set = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.to_string()).then(|| Refreshing {
            set: &self.refreshing,
            key: key.to_string(),
        })
    }

    fn put(&self, key: CacheKey, generation: u64, value: Groups) {
        self.entries.put(key, generation, Instant::now(), value);
    }

    fn get_made(&self, key: &CacheKey) -> Option<(Instant, Made, bool)> {
        self.made.get(key, self.generation.load(Ordering::SeqCst))
    }

    fn put_made(&self, key: CacheKey, generation: u64, at: Instant, value: Made) {
        self.made.put(key, generation, at, value);
    }
}

/// Scoped access to kefu's data for one viewer.
pub struct Gate {
    db: Arc<dyn Database>,
    cache: Arc<KpiCache>,
    writer: Arc<tokio::sync::Mutex<()>>,
    scope: Scope,
    /// When the oldest KPI result this gate returned was computed (for
    /// [`Gate::memo`]).
    oldest: Mutex<Option<Instant>>,
}

impl Gate {
    /// The gate of a viewer's scope.
    pub fn new(state: &AppState, scope: Scope) -> Gate {
        Gate {
            db: state.db.clone(),
            cache: state.cache.clone(),
            writer: state.writer.clone(),
            scope,
            oldest: Mutex::new(None),
        }
    }

    /// The scope this gate applies.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Refuses an action the role may not take.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.scope.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The visible stores with their settings, by code.
    pub async fn stores(&self) -> Result<Vec<(String, StoreSettings)>, AppError> {
        let all = self.db.stores().await?;
        Ok(all
            .into_iter()
            .filter(|(c, _)| self.scope.sees_store(c))
            .collect())
    }

    /// One visible store's settings.
    pub async fn store(&self, code: &str) -> Result<StoreSettings, AppError> {
        if !self.scope.sees_store(code) {
            return Err(AppError::NotFound);
        }
        self.db.store(code).await?.ok_or(AppError::NotFound)
    }

    /// Changes a store's settings (managers and admins) and recomputes its
    /// figures.
    pub async fn save_store(&self, code: &str, settings: &StoreSettings) -> Result<(), AppError> {
        self.store(code).await?;
        self.require(Action::EditSettings)?;
        let _turn = self.writer.lock().await;
        self.db.save_store(code, settings).await?;
        self.cache.invalidate();
        Ok(())
    }

    /// KPI totals per group within the scope. A store outside the scope is
    /// not found.
    pub async fn kpi(&self, grouping: Grouping, filter: &Filter) -> Result<Groups, AppError> {
        if let Some(store) = &filter.store
            && !self.scope.sees_store(store)
        {
            return Err(AppError::NotFound);
        }
        let filter = self.scope.kpi_filter(filter.clone());
        let key: CacheKey = format!("kpi {grouping:?}{filter:?}");
        let mut _refreshing = None;
        if let Some((at, hit, fresh)) = self.cache.get(&key) {
            if !fresh {
                _refreshing = self.cache.refresh(&key);
            }
            if fresh || _refreshing.is_none() {
                self.used(at);
                return Ok(hit);
            }
        }
        let _one_at_a_time = self.cache.inflight.lock().await;
        if let Some((at, hit, true)) = self.cache.get(&key) {
            self.used(at);
            return Ok(hit);
        }
        let generation = self.cache.generation.load(Ordering::SeqCst);
        let at = Instant::now();
        let groups = Arc::new(self.db.kpi(grouping, &filter).await?);
        self.cache.put(key, generation, groups.clone());
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
    /// the path and query and the language.
    pub async fn memo<T: Send + Sync + 'static>(
        &self,
        key: &str,
        make: impl Future<Output = Result<T, AppError>>,
    ) -> Result<Arc<T>, AppError> {
        let key: CacheKey = format!("made {key}\u{0}{:?}", self.scope);
        let mut _refreshing = None;
        if let Some((_, hit, fresh)) = self.cache.get_made(&key)
            && let Ok(value) = hit.downcast::<T>()
        {
            if !fresh {
                _refreshing = self.cache.refresh(&key);
            }
            if fresh || _refreshing.is_none() {
                return Ok(value);
            }
        }
        let generation = self.cache.generation.load(Ordering::SeqCst);
        *self.oldest.lock().unwrap_or_else(|p| p.into_inner()) = None;
        let started = Instant::now();
        let value = Arc::new(make.await?);
        let oldest = self
            .oldest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or(started);
        self.cache
            .put_made(key, generation, oldest.min(started), value.clone());
        Ok(value)
    }

    /// The (store, agent) accounts visible, optionally of one store.
    pub async fn agents(&self, store: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
        if let Some(s) = store {
            self.store(s).await?;
        }
        let stores = match store {
            Some(s) => Some(vec![s.to_string()]),
            None => self
                .scope
                .stores
                .as_ref()
                .map(|s| s.iter().cloned().collect()),
        };
        let all = self.db.agents(stores.as_deref()).await?;
        Ok(all
            .into_iter()
            .filter(|(s, a)| self.scope.sees_store(s) && self.scope.sees_agent(a))
            .collect())
    }

    /// A visible agent of a visible store, or not found.
    pub async fn agent(&self, store: &str, agent: &str) -> Result<(), AppError> {
        let known = self.agents(Some(store)).await?;
        if known.iter().any(|(_, a)| a == agent) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The sessions of a visible store, limited to the agents the scope
    /// allows.
    pub async fn sessions(&self, mut q: SessionQuery) -> Result<Vec<SessionRow>, AppError> {
        self.store(&q.store).await?;
        if let Some(mine) = &self.scope.agents {
            let asked = q.agents.take();
            q.agents = Some(match asked {
                Some(a) => a.into_iter().filter(|x| mine.contains(x)).collect(),
                None => mine.iter().cloned().collect(),
            });
        }
        Ok(self.db.sessions(&q).await?)
    }

    /// A conversation of a visible store. A viewer limited to some agents
    /// sees only the sessions those agents took part in, and the records of
    /// those sessions; none at all is not found.
    pub async fn conversation(&self, store: &str, conv_id: i64) -> Result<Transcript, AppError> {
        self.store(store).await?;
        let mut t = self
            .db
            .conversation(store, conv_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if self.scope.sees_all_agents() {
            return Ok(t);
        }
        let visible: Vec<bool> = t
            .sessions
            .iter()
            .map(|s| {
                self.scope.sees_any_agent(
                    s.agents
                        .iter()
                        .map(String::as_str)
                        .chain(s.receiving_agent.as_deref()),
                )
            })
            .collect();
        if !visible.iter().any(|v| *v) {
            return Err(AppError::NotFound);
        }
        let shown = |i: u32| visible.get(i as usize).copied().unwrap_or(false);
        t.messages.retain(|m| shown(m.session));
        t.rounds.retain(|r| shown(r.session));
        t.orders.retain(|o| o.session.is_some_and(shown));
        t.ratings.retain(|r| self.scope.sees_agent(&r.agent));
        for (i, s) in t.sessions.iter_mut().enumerate() {
            if !shown(i as u32) {
                *s = hidden_session(s);
            }
        }
        Ok(t)
    }

    /// Starts an import (managers and admins); the cache is cleared when it
    /// commits through [`Gate::imported`]. Imports run one at a time: the
    /// returned guard is the turn of this one, to be held until it commits
    /// or rolls back.
    pub async fn begin_import(&self) -> Result<(WriteTurn, Box<dyn kefu_db::ImportTx>), AppError> {
        self.require(Action::Import)?;
        let turn = self.writer.clone().lock_owned().await;
        Ok((turn, self.db.begin_import().await?))
    }

    /// Tells the gate that an import committed.
    pub fn imported(&self) {
        self.cache.invalidate();
    }

    /// The accounts store, for administrators only.
    pub fn accounts(&self) -> Result<&dyn kefu_db::Accounts, AppError> {
        self.require(Action::Administer)?;
        Ok(self.db.as_ref())
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
