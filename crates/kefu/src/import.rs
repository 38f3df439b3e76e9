//! `kefu import`: files in, validated, stored in one transaction.

use crate::lang::tr;
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use kefu_app::Import;
use kefu_db::AddOutcome;
use kefu_domain::{Message, Order, Rating};
use kefu_import::{Encoding, Kind, ReadOptions, Record, RecordError, RejectWriter};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const BATCH: usize = 16_000;
const ERRORS_SHOWN: usize = 20;

/// Options of `kefu import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the files hold: messages, orders or ratings; or `dir`: each
    /// FILE is a directory whose messages.csv, orders.csv and ratings.csv
    /// (those present) are imported together.
    kind: ImportKind,
    /// CSV (header row) or JSON Lines files (directories with `dir`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Text encoding: auto (default), utf-8 or gb18030 (gbk).
    #[arg(long, default_value = "auto")]
    encoding: Encoding,
    /// Take a field from another column: FIELD=COLUMN (repeatable).
    #[arg(long = "map", value_parser = ReadOptions::parse_map_arg)]
    map: Vec<(String, String)>,
    /// Import the valid records and write the rejected ones, with their
    /// reasons, to a file beside each input.
    #[arg(long)]
    skip_invalid: bool,
}

/// What `kefu import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// Files of one kind of record.
    Records(Kind),
    /// Directories of messages.csv, orders.csv and ratings.csv.
    Dir,
}

impl std::str::FromStr for ImportKind {
    type Err = String;
    fn from_str(s: &str) -> Result<ImportKind, String> {
        if s.trim().eq_ignore_ascii_case("dir") {
            return Ok(ImportKind::Dir);
        }
        s.parse::<Kind>()
            .map(ImportKind::Records)
            .map_err(|e| format!("{e}, or dir"))
    }
}

impl ImportArgs {
    /// Arguments importing files (or, with [`ImportKind::Dir`], directories)
    /// with the defaults.
    pub fn new(kind: ImportKind, files: Vec<PathBuf>) -> ImportArgs {
        ImportArgs {
            kind,
            files,
            encoding: Encoding::Auto,
            map: Vec::new(),
            skip_invalid: false,
        }
    }
}

/// Counts of one import.
#[derive(Debug, Default)]
struct Tally {
    read: u64,
    outcome: AddOutcome,
    rejected: u64,
}

/// Records and errors read by the parsing thread.
#[derive(Default)]
struct Chunk {
    records: Vec<Record>,
    errors: Vec<RecordError>,
    /// Bytes of the file read so far.
    bytes: u64,
}

/// Records waiting to be added.
struct Pending {
    messages: Vec<Message>,
    orders: Vec<Order>,
    ratings: Vec<Rating>,
    /// Where added records go to be freed: the parsing thread, which made
    /// them (freeing is then cheap, and off this thread).
    spent: std::sync::mpsc::Sender<Spent>,
}

/// Records added, to be dropped by the thread that allocated them.
type Spent = Box<dyn Send>;

impl Pending {
    fn len(&self) -> usize {
        self.messages.len() + self.orders.len() + self.ratings.len()
    }

    async fn flush(&mut self, tx: &mut Import<'_>, out: &mut AddOutcome) -> anyhow::Result<()> {
        // A closed channel (the parser is done) just frees them here.
        if !self.messages.is_empty() {
            out.absorb(tx.add_messages(&self.messages).await?);
            let _ = self
                .spent
                .send(Box::new(std::mem::take(&mut self.messages)));
        }
        if !self.orders.is_empty() {
            out.absorb(tx.add_orders(&self.orders).await?);
            let _ = self.spent.send(Box::new(std::mem::take(&mut self.orders)));
        }
        if !self.ratings.is_empty() {
            out.absorb(tx.add_ratings(&self.ratings).await?);
            let _ = self.spent.send(Box::new(std::mem::take(&mut self.ratings)));
        }
        Ok(())
    }
}

/// Runs `kefu import`: every file of the command in one transaction, so a
/// failure or a kill leaves the database as it was.
pub async fn run(db: &str, a: &ImportArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let app = kefu_app::App::new(std::sync::Arc::from(crate::db::open_for_import(db).await?));
    let gate = crate::db::cli_gate(&app);
    let opts = ReadOptions {
        encoding: a.encoding,
        map: a.map.clone(),
    };
    let mut tx = gate.begin_import().await?;
    let mut tally = Tally::default();
    let mut errors: Vec<RecordError> = Vec::new();
    let mut error_count = 0u64;
    let mut reject_files = Vec::new();
    let mut inputs: Vec<(Kind, PathBuf)> = Vec::new();
    for f in &a.files {
        match a.kind {
            ImportKind::Records(kind) => inputs.push((kind, f.clone())),
            ImportKind::Dir => {
                let before = inputs.len();
                for kind in [Kind::Messages, Kind::Orders, Kind::Ratings] {
                    let path = f.join(format!("{kind}.csv"));
                    if path.exists() {
                        inputs.push((kind, path));
                    }
                }
                if inputs.len() == before {
                    tx.rollback().await?;
                    anyhow::bail!(
                        "{}: {}",
                        f.display(),
                        tr(
                            "没有 messages.csv、orders.csv 或 ratings.csv",
                            "has no messages.csv, orders.csv or ratings.csv"
                        )
                    );
                }
            }
        }
    }
    for (kind, path) in &inputs {
        let reader = match kefu_import::open(path, *kind, &opts) {
            Ok(r) => r,
            Err(e) => {
                tx.rollback().await?;
                return Err(
                    anyhow::Error::new(e).context(tr("未导入任何记录", "nothing was imported"))
                );
            }
        };
        let bar = progress(reader.total_bytes(), path);
        let mut rejects = if a.skip_invalid {
            Some(RejectWriter::create(path, reader.header())?)
        } else {
            None
        };
        // One thread parses while this one stores: the two overlap.
        let (send, mut receive) = tokio::sync::mpsc::channel::<Chunk>(4);
        let (spent, freed) = std::sync::mpsc::channel::<Spent>();
        let parser = std::thread::spawn(move || {
            let mut reader = reader;
            let mut chunk = Chunk::default();
            while let Some(item) = reader.next() {
                if chunk.records.is_empty() {
                    freed.try_iter().for_each(drop);
                }
                match item {
                    Ok(located) => chunk.records.push(located.record),
                    Err(e) => chunk.errors.push(e),
                }
                if chunk.records.len() + chunk.errors.len() >= BATCH {
                    chunk.bytes = reader.bytes_read();
                    if send.blocking_send(std::mem::take(&mut chunk)).is_err() {
                        return reader;
                    }
                }
            }
            chunk.bytes = reader.bytes_read();
            let _ = send.blocking_send(chunk);
            reader
        });
        let mut pending = Pending {
            messages: Vec::new(),
            orders: Vec::new(),
            ratings: Vec::new(),
            spent,
        };
        while let Some(chunk) = receive.recv().await {
            tally.read += (chunk.records.len() + chunk.errors.len()) as u64;
            for e in chunk.errors {
                error_count += 1;
                match rejects.as_mut() {
                    Some(w) => {
                        w.write(&e).with_context(|| {
                            format!("cannot write the reject file for {}", path.display())
                        })?;
                        tally.rejected += 1;
                    }
                    None => {
                        if errors.len() < ERRORS_SHOWN {
                            errors.push(e);
                        }
                    }
                }
            }
            if error_count > 0 && rejects.is_none() {
                continue; // nothing will be imported; keep finding errors
            }
            for record in chunk.records {
                match record {
                    Record::Message(m) => pending.messages.push(m),
                    Record::Order(o) => pending.orders.push(o),
                    Record::Rating(r) => pending.ratings.push(r),
                }
            }
            if pending.len() >= BATCH {
                pending.flush(&mut tx, &mut tally.outcome).await?;
            }
            bar.set_position(chunk.bytes);
        }
        let mut reader = parser
            .join()
            .map_err(|_| anyhow::anyhow!("the reader of {} failed", path.display()))?;
        bar.finish_and_clear();
        if let Some(fatal) = reader.take_fatal() {
            tx.rollback().await?;
            return Err(
                anyhow::Error::new(fatal).context(tr("未导入任何记录", "nothing was imported"))
            );
        }
        if error_count == 0 || rejects.is_some() {
            pending.flush(&mut tx, &mut tally.outcome).await?;
        }
        if let Some(w) = rejects {
            if w.count() > 0 {
                reject_files.push(w.finish()?);
            } else {
                let p = w.path().to_path_buf();
                drop(w.finish());
                let _ = std::fs::remove_file(p);
            }
        }
    }
    if error_count > 0 && !a.skip_invalid {
        tx.rollback().await?;
        for e in &errors {
            eprintln!("{e}");
        }
        if error_count > errors.len() as u64 {
            eprintln!(
                "… {} {}",
                error_count - errors.len() as u64,
                tr("处更多错误", "more errors")
            );
        }
        eprintln!(
            "{}: {} {}",
            tr("错误", "error"),
            error_count,
            tr(
                "条记录有误，未导入任何记录（可用 --skip-invalid 导入其余记录）",
                "bad records; nothing was imported (--skip-invalid imports the rest)"
            )
        );
        return Ok(ExitCode::FAILURE);
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(tr("正在重新计算 KPI…", "recomputing KPIs…"));
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let t_commit = Instant::now();
    let recomputed = tx.commit().await?;
    app.close().await?;
    if std::env::var_os("KEFU_TIMING").is_some() {
        eprintln!(
            "timing: add {:.2} s, recompute+commit {:.2} s",
            t_commit.duration_since(started).as_secs_f64(),
            t_commit.elapsed().as_secs_f64()
        );
    }
    spinner.finish_and_clear();
    for (store, id) in tally.outcome.conflicts.iter().take(ERRORS_SHOWN) {
        eprintln!(
            "{}: {store} {id}: {}",
            tr("冲突", "conflict"),
            tr(
                "消息编号已存在但内容不同，已跳过",
                "message id known with other content; skipped"
            )
        );
    }
    for f in &reject_files {
        eprintln!(
            "{}: {}",
            tr("被拒记录已写入", "rejected records written to"),
            f.display()
        );
    }
    let secs = started.elapsed().as_secs_f64();
    let o = &tally.outcome;
    println!(
        "{} {} {}, {} {}, {} {}, {} {}, {} {}, {} {} {}, {:.2} s ({:.0} {})",
        tr("读取", "read"),
        tally.read,
        tr("条", "records"),
        tr("导入", "imported"),
        o.imported,
        tr("未变", "unchanged"),
        o.unchanged,
        tr("冲突", "conflicts"),
        o.conflicts.len(),
        tr("拒绝", "rejected"),
        tally.rejected,
        tr("重算", "recomputed"),
        recomputed,
        tr("位买家", "conversations"),
        secs,
        tally.read as f64 / secs.max(1e-9),
        tr("条/秒", "records/s"),
    );
    Ok(ExitCode::SUCCESS)
}

/// A progress bar over a file's bytes (drawn only on a terminal).
pub fn progress(total: u64, path: &std::path::Path) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message(
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default(),
    );
    bar
}
