//! `kefu qa check --input DIR`: inspects the messages of a directory's
//! `messages.csv` with a rule set, no database, and prints what it found by
//! rule with the time the inspection took (the benchmark's kefu side; also
//! a quick way to try a rule file on an export).

use crate::lang::tr;
use crate::output::Format;
use anyhow::{Context, bail};
use clap::Args;
use kefu_import::{Kind, ReadOptions, Record};
use kefu_kpi::{Params, Role};
use kefu_qa::{Inspector, Message};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Options of `kefu qa check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Read DIR/messages.csv.
    #[arg(long, value_name = "DIR")]
    input: PathBuf,
    /// The provider's rule set (TOML); the shipped default when left out.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// TOML of per-store settings ([stores."CODE"] tables), as for `kefu kpi`.
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Output: table or json.
    #[arg(long, default_value = "table")]
    format: Format,
}

/// What a check found.
#[derive(Debug, Serialize)]
struct Checked {
    messages: u64,
    text_bytes: u64,
    conversations: u64,
    sessions_inspected: u64,
    findings: u64,
    by_rule: BTreeMap<String, u64>,
    read_seconds: f64,
    inspect_seconds: f64,
}

/// One message as kept for the inspection.
struct Kept {
    at: i64,
    seq: u64,
    role: Role,
    agent: Option<u32>,
    text: String,
}

/// Runs `kefu qa check`.
pub fn run(a: &CheckArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let text = match &a.rules {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?,
        None => kefu_qa::DEFAULT_RULES.to_string(),
    };
    let set = kefu_qa::read_rule_set(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let inspector = Inspector::new(&set, 0).map_err(|e| anyhow::anyhow!("{e}"))?;
    let settings = a
        .settings
        .as_deref()
        .map(crate::kpi::read_settings)
        .transpose()?
        .unwrap_or_default();
    let path = a.input.join("messages.csv");
    if !path.exists() {
        bail!("{} {}", path.display(), tr("不存在", "does not exist"));
    }
    let mut reader = kefu_import::open(&path, Kind::Messages, &ReadOptions::default())?;
    let bar = crate::import::progress(reader.total_bytes(), &path);
    let mut params: HashMap<String, (Params, Vec<String>)> = HashMap::new();
    let mut convs: HashMap<(String, String), usize> = HashMap::new();
    let mut kept: Vec<Vec<Kept>> = Vec::new();
    let mut store_of: Vec<String> = Vec::new();
    let mut agents: HashMap<String, u32> = HashMap::new();
    let (mut messages, mut text_bytes) = (0u64, 0u64);
    while let Some(item) = reader.next() {
        let Record::Message(m) = item?.record else {
            continue;
        };
        messages += 1;
        text_bytes += m.content.len() as u64;
        if !params.contains_key(&m.store) {
            let s = settings.get(&m.store).cloned().unwrap_or_default();
            let p = Params::new(&s).map_err(anyhow::Error::msg)?;
            params.insert(m.store.clone(), (p, s.auto_reply_prefixes));
        }
        let (p, prefixes) = &params[&m.store];
        let next = kept.len();
        let conv = *convs
            .entry((m.store.clone(), m.buyer.clone()))
            .or_insert(next);
        if conv == next {
            kept.push(Vec::new());
            store_of.push(m.store.clone());
        }
        let n = agents.len() as u32;
        let agent = m
            .agent
            .as_ref()
            .map(|a| *agents.entry(a.clone()).or_insert(n));
        kept[conv].push(Kept {
            at: p.clock.to_utc_ms(m.sent_at),
            seq: messages,
            role: Role::of(m.sender, m.kind, &m.content, prefixes),
            agent,
            text: m.content,
        });
        if messages % 65_536 == 0 {
            bar.set_position(reader.bytes_read());
        }
    }
    bar.finish_and_clear();
    if let Some(fatal) = reader.take_fatal() {
        return Err(fatal.into());
    }
    let read_seconds = started.elapsed().as_secs_f64();
    let inspecting = Instant::now();
    let rules = inspector.rules();
    // Params keep a cache of their own, so each thread has its copy.
    let work = |params: &HashMap<String, (Params, Vec<String>)>, range: std::ops::Range<usize>| {
        let mut by_rule = vec![0u64; rules.len()];
        let mut sessions = 0u64;
        for c in range {
            let p = &params[&store_of[c]].0;
            let mut msgs: Vec<Message<'_>> = kept[c]
                .iter()
                .map(|k| Message {
                    at: k.at,
                    seq: k.seq,
                    role: k.role,
                    agent: k.agent,
                    text: &k.text,
                    scan: None,
                })
                .collect();
            let out = inspector.inspect(p, &mut msgs);
            sessions += out.sessions.len() as u64;
            for f in out.findings {
                by_rule[f.rule] += 1;
            }
        }
        (by_rule, sessions)
    };
    let half = kept.len() / 2;
    let theirs = params.clone();
    let ((a1, s1), (a2, s2)) = std::thread::scope(|scope| {
        let work = &work;
        let n = kept.len();
        let second = scope.spawn(move || work(&theirs, half..n));
        let first = work(&params, 0..half);
        (first, second.join().unwrap_or_default())
    });
    let inspect_seconds = inspecting.elapsed().as_secs_f64();
    let mut by_rule = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        let n = a1.get(i).copied().unwrap_or_default() + a2.get(i).copied().unwrap_or_default();
        by_rule.insert(r.id.clone(), n);
    }
    let checked = Checked {
        messages,
        text_bytes,
        conversations: kept.len() as u64,
        sessions_inspected: s1 + s2,
        findings: by_rule.values().sum(),
        by_rule,
        read_seconds,
        inspect_seconds,
    };
    if a.format == Format::Json {
        println!("{}", serde_json::to_string_pretty(&checked)?);
    } else {
        let rows: Vec<Vec<String>> = checked
            .by_rule
            .iter()
            .map(|(r, n)| vec![r.clone(), n.to_string()])
            .collect();
        let header = vec![
            tr("规则", "rule").to_string(),
            tr("问题数", "findings").to_string(),
        ];
        print!("{}", crate::output::text_table(&header, &rows));
        println!(
            "{} {} {}，{} {}，{:.2} MB/s",
            checked.messages,
            tr("条消息", "messages"),
            checked.sessions_inspected,
            tr("个会话", "sessions"),
            tr("质检速度", "inspected at"),
            checked.text_bytes as f64 / 1e6 / checked.inspect_seconds.max(1e-9),
        );
    }
    Ok(ExitCode::SUCCESS)
}
