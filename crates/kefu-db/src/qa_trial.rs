//! "Try before publishing": a draft rule set inspected beside the rules in
//! force over some days' conversations, and the findings it would add and
//! remove. The conversations are read from the database in chunks while
//! earlier chunks are inspected on two threads of their own ([`Trying`]),
//! so that reading and both inspections share the cores.

use crate::projection::StoreRules;
use crate::qa::{Trial, TrialFinding};
use crate::qa_projection::{StoreQa, prepare_stored};
use anyhow::{Result, anyhow};
use kefu_kpi::stored::StoredConversation;
use kefu_qa::trial::Union;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::mpsc;

/// What every chunk of a trial is inspected with.
pub struct TrialContext {
    /// First day of sessions compared.
    pub from: i32,
    /// Last day.
    pub to: i32,
    /// Store id → its code.
    pub codes: HashMap<i64, String>,
    /// Store id → the union of its rules in force and the draft.
    pub unions: HashMap<i64, Arc<Union>>,
    /// How many added and removed findings to keep as examples.
    pub examples: usize,
}

/// The unions of each store's rules in force and draft: one per distinct
/// pair of compiled sets (stores without overrides share theirs).
pub fn unions(
    pairs: impl IntoIterator<Item = (i64, StoreQa, StoreQa)>,
) -> Result<HashMap<i64, Arc<Union>>> {
    let mut by_pair: HashMap<(usize, usize), Arc<Union>> = HashMap::new();
    let mut out = HashMap::new();
    for (store, now, new) in pairs {
        let key = (
            Arc::as_ptr(&now.inspector) as usize,
            Arc::as_ptr(&new.inspector) as usize,
        );
        let union = match by_pair.get(&key) {
            Some(u) => u.clone(),
            None => {
                let u = Arc::new(
                    Union::new(now.inspector.rules(), new.inspector.rules())
                        .map_err(|e| anyhow!("{e}"))?,
                );
                by_pair.insert(key, u.clone());
                u
            }
        };
        out.insert(store, union);
    }
    Ok(out)
}

/// A finding's identity when the two sets are compared: session, message,
/// rule and span.
type Key = (i64, i64, Option<String>, String, Option<(u32, u32)>);

impl TrialContext {
    /// Compares the two sets on some conversations, under the session
    /// rules `rules` (store id → rules; each thread has its copy, since the
    /// KPI parameters keep a cache of their own).
    fn compare(
        &self,
        rules: &HashMap<i64, StoreRules>,
        convs: &[StoredConversation],
    ) -> Result<Trial> {
        let mut out = Trial::default();
        for c in convs {
            let (Some(r), Some(union)) = (rules.get(&c.store), self.unions.get(&c.store)) else {
                continue;
            };
            let mut read = prepare_stored(r, c)?;
            let found = union.inspector.inspect(&r.params, &mut read.messages);
            let (mut before, mut after): (
                BTreeMap<Key, TrialFinding>,
                BTreeMap<Key, TrialFinding>,
            ) = Default::default();
            for f in found.findings {
                let s = &found.sessions[f.session];
                if s.day < self.from || s.day > self.to {
                    continue;
                }
                let side = union.sides[f.rule];
                let rule = union.inspector.rules()[f.rule].id.clone();
                let message_id = f.message.map(|i| read.ids[i].to_string());
                let key = (c.id, s.start_ms, message_id.clone(), rule.clone(), f.span);
                let t = TrialFinding {
                    store: self.codes.get(&c.store).cloned().unwrap_or_default(),
                    conv_id: c.id,
                    start_ms: s.start_ms,
                    message_id,
                    rule,
                    matched: f.matched,
                    agent: f.agent.map(|a| read.agents[a as usize].to_string()),
                };
                match (side.before(), side.after()) {
                    (true, true) => {
                        out.current += 1;
                        out.draft += 1;
                    }
                    (true, false) => {
                        before.insert(key, t);
                    }
                    _ => {
                        after.insert(key, t);
                    }
                }
            }
            // A changed rule may find the same thing before and after.
            out.current += before.len() as u64;
            out.draft += after.len() as u64;
            for (k, f) in &after {
                if !before.contains_key(k) {
                    out.by_rule.entry(f.rule.clone()).or_default().0 += 1;
                    if out.added.len() < self.examples {
                        out.added.push(f.clone());
                    }
                }
            }
            for (k, f) in &before {
                if !after.contains_key(k) {
                    out.by_rule.entry(f.rule.clone()).or_default().1 += 1;
                    if out.removed.len() < self.examples {
                        out.removed.push(f.clone());
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Trial {
    /// Adds the comparison of later conversations.
    pub fn merge(&mut self, part: Trial, examples: usize) {
        self.current += part.current;
        self.draft += part.draft;
        for (rule, (added, removed)) in part.by_rule {
            let e = self.by_rule.entry(rule).or_default();
            e.0 += added;
            e.1 += removed;
        }
        let room = examples.saturating_sub(self.added.len());
        self.added.extend(part.added.into_iter().take(room));
        let room = examples.saturating_sub(self.removed.len());
        self.removed.extend(part.removed.into_iter().take(room));
    }
}

/// Chunks handed to the comparing threads in turn.
type Chunk = (usize, Vec<StoredConversation>);

/// A comparing thread: what it compared, by chunk.
type Worker = JoinHandle<Result<Vec<(usize, Trial)>>>;

/// Threads comparing the chunks read, merged in the order read.
pub struct Trying {
    sends: Vec<mpsc::Sender<Chunk>>,
    workers: Vec<Worker>,
    next: usize,
    conversations: u64,
    examples: usize,
}

/// Comparing threads (the reader shares the machine with them).
const WORKERS: usize = 2;

impl Trying {
    /// Starts the threads of a trial of `conversations` conversations
    /// under the stores' session rules `rules` (store id → rules).
    pub fn new(
        context: TrialContext,
        rules: &HashMap<i64, StoreRules>,
        conversations: u64,
    ) -> Trying {
        let examples = context.examples;
        let context = Arc::new(context);
        let mut sends = Vec::new();
        let mut workers = Vec::new();
        for _ in 0..WORKERS {
            // One chunk waiting per thread: the reader stays just ahead.
            let (send, mut receive) = mpsc::channel::<Chunk>(1);
            let context = context.clone();
            let rules = rules.clone();
            let worker = std::thread::spawn(move || {
                let mut parts = Vec::new();
                while let Some((at, chunk)) = receive.blocking_recv() {
                    parts.push((at, context.compare(&rules, &chunk)?));
                }
                Ok(parts)
            });
            sends.push(send);
            workers.push(worker);
        }
        Trying {
            sends,
            workers,
            next: 0,
            conversations,
            examples,
        }
    }

    /// Hands a chunk read to the next thread, waiting while it is busy.
    pub async fn push(&mut self, chunk: Vec<StoredConversation>) -> Result<()> {
        let send = &self.sends[self.next % self.sends.len()];
        let handed = send.send((self.next, chunk)).await.is_ok();
        self.next += 1;
        if !handed {
            // The thread stopped on an error: finishing reports it.
            let sends = std::mem::take(&mut self.sends);
            drop(sends);
            self.join().await?;
            return Err(anyhow!("the trial stopped"));
        }
        Ok(())
    }

    /// Waits for the threads; their comparisons in the order read.
    async fn join(&mut self) -> Result<Vec<(usize, Trial)>> {
        let workers = std::mem::take(&mut self.workers);
        let joined = tokio::task::spawn_blocking(move || {
            let mut parts = Vec::new();
            for w in workers {
                parts.extend(w.join().map_err(|_| anyhow!("a trial thread panicked"))??);
            }
            Ok::<_, anyhow::Error>(parts)
        })
        .await
        .map_err(|e| anyhow!("trial: {e}"))??;
        let mut parts = joined;
        parts.sort_by_key(|(at, _)| *at);
        Ok(parts)
    }

    /// Waits for every chunk and returns the whole comparison.
    pub async fn finish(mut self) -> Result<Trial> {
        drop(std::mem::take(&mut self.sends));
        let mut out = Trial {
            conversations: self.conversations,
            ..Default::default()
        };
        for (_, part) in self.join().await? {
            out.merge(part, self.examples);
        }
        Ok(out)
    }
}
