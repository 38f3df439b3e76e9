//! Recent KPI results by query and scope, and what pages made of them
//! ([`crate::Gate::memo`]): cleared by every write through the service
//! layer, and expiring after a while for writes by other processes.

use kefu_kpi::{GroupKey, Totals};
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

pub(crate) type CacheKey = String;
pub(crate) type Groups = Arc<Vec<(GroupKey, Totals)>>;
pub(crate) type Made = Arc<dyn std::any::Any + Send + Sync>;

/// Recent KPI results by query and scope, and what pages made of them
/// (see [`crate::Gate::memo`]). Cleared by every write through the server;
/// entries also expire after a while.
#[derive(Default)]
pub(crate) struct KpiCache {
    pub(crate) generation: AtomicU64,
    entries: Entries<Groups>,
    made: Entries<Made>,
    /// Keys whose expired entry is being computed again; until it is, the
    /// expired entry is still answered (see [`KpiCache::refresh`]).
    refreshing: Mutex<HashSet<CacheKey>>,
    /// One computation per query at a time: others wait for its result.
    pub(crate) inflight: tokio::sync::Mutex<()>,
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
pub(crate) struct Refreshing<'a> {
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
    pub(crate) fn get(&self, key: &CacheKey) -> Option<(Instant, Groups, bool)> {
        self.entries
            .get(key, self.generation.load(Ordering::SeqCst))
    }

    /// The turn to compute an expired entry again, unless another request
    /// has it: that one computes while the others answer the expired entry
    /// instead of all waiting (an expired entry only misses writes made by
    /// other processes; writes through the server start a new generation,
    /// whose entries are always computed before they are answered).
    pub(crate) fn refresh(&self, key: &str) -> Option<Refreshing<'_>> {
        let mut set = self.refreshing.lock().unwrap_or_else(|p| p.into_inner());
        set.insert(key.to_string()).then(|| Refreshing {
            set: &self.refreshing,
            key: key.to_string(),
        })
    }

    pub(crate) fn put(&self, key: CacheKey, generation: u64, value: Groups) {
        self.entries.put(key, generation, Instant::now(), value);
    }

    pub(crate) fn get_made(&self, key: &CacheKey) -> Option<(Instant, Made, bool)> {
        self.made.get(key, self.generation.load(Ordering::SeqCst))
    }

    pub(crate) fn put_made(&self, key: CacheKey, generation: u64, at: Instant, value: Made) {
        self.made.put(key, generation, at, value);
    }
}
