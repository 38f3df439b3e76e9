//! Reading an import's message texts for the rules while the import goes
//! on: the [`Scanner`] hands the new messages of each batch to a thread of
//! its own, which folds and searches them ([`kefu_qa::Inspector::scan`]),
//! so that the commit, which inspects the new conversations, finds the
//! costly part done and the import need not keep ten million contents in
//! memory: the scans keep the text only of messages with a finding. The
//! import itself runs on one core; the scanner uses the other.
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

/// Where one message's scan is in [`Scans`]: its first finding, look and
/// acknowledgement, and its text (messages with findings only).
#[derive(Debug, Clone, Copy)]
struct Start {
    finding: u32,
    look: u32,
    ack: u32,
    text: (usize, usize),
}

/// What the scanner read, by the index [`kefu_kpi::stored::Fresh::message`]
/// gave each message: the scans that hold something, back to back in a few
/// lists (no allocation per message). Every message handed over was read;
/// one absent holds nothing.
#[derive(Debug, Default)]
pub struct Scans {
    findings: Vec<TextFinding>,
    looks: Vec<usize>,
    acks: Vec<usize>,
    /// The texts of the messages with findings, back to back.
    texts: String,
    starts: Vec<Start>,
    /// Per message read, its place in `starts` (`u32::MAX`: none): a
    /// lookup per message without a search.
    place: Vec<u32>,
}

impl Scans {
    /// Adds the scan of a message (each message once).
    fn push(&mut self, kept: u32, scan: &Scan, text: &str) {
        if scan.findings.is_empty() && scan.looks.is_empty() && scan.acks.is_empty() {
            return;
        }
        let kept_at = kept as usize;
        if self.place.len() <= kept_at {
            self.place.resize(kept_at + 1, u32::MAX);
        }
        self.place[kept_at] = self.starts.len() as u32;
        let at = self.texts.len();
        if !scan.findings.is_empty() {
            self.texts.push_str(text);
        }
        self.starts.push(Start {
            finding: self.findings.len() as u32,
            look: self.looks.len() as u32,
            ack: self.acks.len() as u32,
            text: (at, self.texts.len()),
        });
        self.findings.extend_from_slice(&scan.findings);
        self.looks.extend_from_slice(&scan.looks);
        self.acks.extend_from_slice(&scan.acks);
    }

    /// The scan of a kept message (empty when it holds nothing).
    pub fn of(&self, kept: u32) -> ScanRef<'_> {
        let at = match self.place.get(kept as usize) {
            Some(&at) if at != u32::MAX => at as usize,
            _ => return ScanRef::default(),
        };
        let s = self.starts[at];
        let next = self.starts.get(at + 1);
        let end = |of: fn(&Start) -> u32, len: usize| next.map_or(len, |n| of(n) as usize);
        ScanRef {
            findings: &self.findings[s.finding as usize..end(|n| n.finding, self.findings.len())],
            looks: &self.looks[s.look as usize..end(|n| n.look, self.looks.len())],
            acks: &self.acks[s.ack as usize..end(|n| n.ack, self.acks.len())],
            text: &self.texts[s.text.0..s.text.1],
        }
    }
}

/// Reads the texts of an import's new messages on a thread of its own (or,
/// when no thread can be started, as they are handed over).
pub struct Scanner {
    batch: Batch,
    send: Option<mpsc::Sender<Batch>>,
    /// Emptied batches coming back, so that their buffers are used again.
    returned: Option<mpsc::Receiver<Batch>>,
    worker: Option<JoinHandle<Result<Scans>>>,
    /// Without a thread: the reader and what it read so far.
    inline: Option<(Reader, Scans)>,
}

impl Scanner {
    /// Starts the thread, reading under `rules` (the rules in force of the
    /// import's transaction).
    pub fn start(rules: RulesInForce) -> Scanner {
        let (send, receive) = mpsc::channel::<Batch>();
        let (give_back, returned) = mpsc::channel::<Batch>();
        let shared = rules.clone();
        let worker = std::thread::Builder::new()
            .name("kefu-qa-scan".into())
            .spawn(move || {
                let mut reader = Reader::new(shared);
                let mut scans = Scans::default();
                while let Ok(mut batch) = receive.recv() {
                    reader.read(&batch, &mut scans)?;
                    batch.text.clear();
                    batch.items.clear();
                    // The import may have finished sending: nothing to do.
                    let _ = give_back.send(batch);
                }
                Ok(scans)
            })
            .ok();
        let threaded = worker.is_some();
        Scanner {
            batch: Batch::default(),
            send: threaded.then_some(send),
            returned: threaded.then_some(returned),
            worker,
            inline: (!threaded).then(|| (Reader::new(rules), Scans::default())),
        }
    }

    /// Hands over a kept message of a store (messages without a text the
    /// rules read are skipped here).
    pub fn push(&mut self, kept: u32, store: i64, role: Role, text: &str) -> Result<()> {
        if text.is_empty() || !matches!(role, Role::Agent | Role::Bot | Role::Buyer) {
            return Ok(());
        }
        self.batch.text.push_str(text);
        self.batch
            .items
            .push((kept, store, role, self.batch.text.len()));
        if self.batch.items.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Sends the messages gathered so far.
    pub fn flush(&mut self) -> Result<()> {
        if self.batch.items.is_empty() {
            return Ok(());
        }
        if let Some((reader, scans)) = &mut self.inline {
            reader.read(&self.batch, scans)?;
            self.batch.text.clear();
            self.batch.items.clear();
            return Ok(());
        }
        let next = self
            .returned
            .as_ref()
            .and_then(|r| r.try_recv().ok())
            .unwrap_or_default();
        let batch = std::mem::replace(&mut self.batch, next);
        let sent = self.send.as_ref().is_some_and(|s| s.send(batch).is_ok());
        if !sent {
            // The thread stopped on an error: finishing reports it.
            return Err(self.stopped());
        }
        Ok(())
    }

    /// The error the thread stopped on.
    fn stopped(&mut self) -> anyhow::Error {
        drop(self.send.take());
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(Err(e))) => e,
            Some(Err(_)) => anyhow!("the QA scanner thread panicked"),
            _ => anyhow!("the QA scanner thread stopped"),
        }
    }

    /// Waits for the thread to read everything handed over.
    pub fn finish(mut self) -> Result<Scans> {
        self.flush()?;
        if let Some((_, scans)) = self.inline.take() {
            return Ok(scans);
        }
        drop(self.send.take());
        let worker = self.worker.take().ok_or_else(|| anyhow!("no QA scanner"))?;
        worker
            .join()
            .map_err(|_| anyhow!("the QA scanner thread panicked"))?
    }
}

/// Reads batches with each store's compiled rules.
struct Reader {
    rules: RulesInForce,
    inspectors: HashMap<i64, Arc<Inspector>>,
    buf: Buffers,
    scan: Scan,
}

impl Reader {
    fn new(rules: RulesInForce) -> Reader {
        Reader {
            rules,
            inspectors: HashMap::new(),
            buf: Buffers::keeping_acks(),
            scan: Scan::default(),
        }
    }

    fn read(&mut self, batch: &Batch, scans: &mut Scans) -> Result<()> {
        let mut start = 0;
        for &(kept, store, role, end) in &batch.items {
            let inspector = match self.inspectors.get(&store) {
                Some(i) => i,
                None => {
                    let qa = self.rules.for_store(store)?;
                    self.inspectors.entry(store).or_insert(qa.inspector)
                }
            };
            let text = &batch.text[start..end];
            inspector.scan_into(text, role, &mut self.buf, &mut self.scan);
            scans.push(kept, &self.scan, text);
            start = end;
        }
        Ok(())
    }
}
