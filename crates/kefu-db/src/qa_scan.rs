//! Reading an import's message texts for the rules while the import goes
//! on: the [`Scanner`] hands the new messages of each batch to a thread of
//! its own, which folds and searches them ([`kefu_qa::Inspector::scan`]),
//! so that the commit, which inspects the new conversations, finds the
//! costly part done. The import itself runs on one core; the scanner uses
//! the other.
//!
//! What a message holds is the same whenever it is read: its store's rules
//! cannot change during the import, whose transaction holds the write lock.

use crate::qa_projection::RulesInForce;
use anyhow::{Result, anyhow};
use kefu_kpi::Role;
use kefu_qa::{Buffers, Inspector, Scan, ScanRef, TextFinding};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Messages handed over at once.
const BATCH: usize = 4096;

/// Messages to read: their texts back to back, and per message (index,
/// store, role, end of its text).
#[derive(Default)]
struct Batch {
    text: String,
    items: Vec<(u32, i64, Role, usize)>,
}

/// What the scanner read, by the index [`kefu_kpi::stored::Fresh::message`]
/// gave each message: the scans of the messages with a finding or a
/// look-only phrase, back to back in two lists (no allocation per message).
/// A message read and absent holds nothing.
#[derive(Debug, Default)]
pub struct Scans {
    findings: Vec<TextFinding>,
    looks: Vec<usize>,
    /// (first finding, first look) of each message with a scan, in order.
    starts: Vec<(u32, u32)>,
    /// Per message read, its place in `starts` (`u32::MAX`: none): a
    /// lookup per message without a search.
    place: Vec<u32>,
    /// Every kept message was read (`false`: the commit reads them).
    complete: bool,
}

impl Scans {
    /// Adds the scan of a message read after every one added before.
    fn push(&mut self, kept: u32, scan: &Scan) {
        if scan.findings.is_empty() && scan.looks.is_empty() {
            return;
        }
        let kept_at = kept as usize;
        if self.place.len() <= kept_at {
            self.place.resize(kept_at + 1, u32::MAX);
        }
        self.place[kept_at] = self.starts.len() as u32;
        self.starts
            .push((self.findings.len() as u32, self.looks.len() as u32));
        self.findings.extend_from_slice(&scan.findings);
        self.looks.extend_from_slice(&scan.looks);
    }

    /// The scan of a kept message, `None` when it must be read now.
    pub fn of(&self, kept: u32) -> Option<ScanRef<'_>> {
        if !self.complete {
            return None;
        }
        let at = match self.place.get(kept as usize) {
            Some(&at) if at != u32::MAX => at as usize,
            _ => return Some(ScanRef::default()),
        };
        let (f, l) = self.starts[at];
        let (f_end, l_end) = match self.starts.get(at + 1) {
            Some(&(f, l)) => (f as usize, l as usize),
            None => (self.findings.len(), self.looks.len()),
        };
        Some(ScanRef {
            findings: &self.findings[f as usize..f_end],
            looks: &self.looks[l as usize..l_end],
        })
    }
}

/// Reads the texts of an import's new messages on a thread of its own.
pub struct Scanner {
    batch: Batch,
    send: Option<mpsc::Sender<Batch>>,
    worker: Option<JoinHandle<Result<Scans>>>,
}

impl Scanner {
    /// Starts the thread, reading under `rules` (the rules in force of the
    /// import's transaction).
    pub fn start(rules: RulesInForce) -> Scanner {
        let (send, receive) = mpsc::channel::<Batch>();
        let worker = std::thread::Builder::new()
            .name("kefu-qa-scan".into())
            .spawn(move || read_all(&rules, &receive))
            .ok();
        Scanner {
            batch: Batch::default(),
            send: worker.is_some().then_some(send),
            worker,
        }
    }

    /// Hands over a kept message of a store (messages without a text the
    /// rules read are skipped here).
    pub fn push(&mut self, kept: u32, store: i64, role: Role, text: &str) {
        if text.is_empty() || !matches!(role, Role::Agent | Role::Bot | Role::Buyer) {
            return;
        }
        self.batch.text.push_str(text);
        self.batch
            .items
            .push((kept, store, role, self.batch.text.len()));
        if self.batch.items.len() >= BATCH {
            self.flush();
        }
    }

    /// Sends the messages gathered so far.
    pub fn flush(&mut self) {
        if self.batch.items.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.batch);
        if let Some(send) = &self.send
            && send.send(batch).is_err()
        {
            // The thread ended early (an error it will report at finish).
            self.send = None;
        }
    }

    /// Waits for the thread to read everything handed over. When it could
    /// not start, the scans are incomplete and the commit reads the texts.
    pub fn finish(mut self) -> Result<Scans> {
        self.flush();
        drop(self.send.take());
        let Some(worker) = self.worker.take() else {
            return Ok(Scans::default());
        };
        let mut scans = worker
            .join()
            .map_err(|_| anyhow!("the QA scanner thread panicked"))??;
        scans.complete = true;
        Ok(scans)
    }
}

/// The thread's work: every batch until the sender is dropped.
fn read_all(rules: &RulesInForce, receive: &mpsc::Receiver<Batch>) -> Result<Scans> {
    let mut inspectors: HashMap<i64, Arc<Inspector>> = HashMap::new();
    let mut scans = Scans::default();
    let mut buf = Buffers::default();
    let mut scan = Scan::default();
    while let Ok(batch) = receive.recv() {
        let mut start = 0;
        for &(kept, store, role, end) in &batch.items {
            let inspector = match inspectors.get(&store) {
                Some(i) => i,
                None => {
                    let qa = rules.for_store(store)?;
                    inspectors.entry(store).or_insert(qa.inspector)
                }
            };
            inspector.scan_into(&batch.text[start..end], role, &mut buf, &mut scan);
            scans.push(kept, &scan);
            start = end;
        }
    }
    Ok(scans)
}
