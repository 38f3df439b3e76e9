//! The quality-inspection projection of an import: the inspected sessions
//! and findings of each touched conversation, under the rules in force for
//! its store, written beside the KPI facts in the import's transaction.
//!
//! Compiling a rule set (its automaton and patterns) is done once per set:
//! [`compiled`] keeps the inspectors of the sets in use, keyed by their
//! text, for every database of the process.

use crate::projection::StoreRules;
use anyhow::{Result, anyhow};
use kefu_domain::RecordTime;
use kefu_kpi::stored::{FreshConversation, StoredConversation, kind_of, sender_of};
use kefu_kpi::{Role, SessionKind};
use kefu_qa::{Inspection, Inspector, Message};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The rules in force for one store: the compiled set and its version.
#[derive(Debug, Clone)]
pub struct StoreQa {
    /// The provider's set with the store's overrides, compiled.
    pub inspector: Arc<Inspector>,
    /// The version findings record: the later of the provider's set and
    /// the store's overrides.
    pub version: i64,
}

/// The text of the rules in force: the provider's latest set and each
/// store's latest overrides, as (version, TOML).
#[derive(Debug, Clone, Default)]
pub struct RulesInForce {
    /// The provider's set; `None` before the first version is stored (the
    /// shipped default applies, as version 0).
    pub provider: Option<(i64, String)>,
    /// Store id → its overrides.
    pub overrides: HashMap<i64, (i64, String)>,
}

type CacheKey = (String, Option<String>);

fn cache() -> &'static Mutex<HashMap<CacheKey, Arc<Inspector>>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<CacheKey, Arc<Inspector>>>> =
        std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The most compiled sets kept; past it the cache starts again.
const CACHED_SETS: usize = 32;

/// The compiled inspector of a provider set with a store's overrides.
pub fn compiled(provider: &str, overrides: Option<&str>) -> Result<Arc<Inspector>> {
    let key = (provider.to_string(), overrides.map(str::to_string));
    if let Some(hit) = cache().lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    let set = kefu_qa::read_rule_set(provider).map_err(|e| anyhow!("stored rule set: {e}"))?;
    let set = match overrides {
        Some(text) => {
            let o = kefu_qa::read_overrides(text, &set)
                .map_err(|e| anyhow!("stored overrides: {e}"))?;
            set.with_overrides(&o)
        }
        None => set,
    };
    // The version is carried by StoreQa, not by the shared inspector.
    let inspector = Arc::new(Inspector::new(&set, 0).map_err(|e| anyhow!("{e}"))?);
    let mut cache = cache().lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= CACHED_SETS {
        cache.clear();
    }
    cache.insert(key, inspector.clone());
    Ok(inspector)
}

impl RulesInForce {
    /// The rules of a store.
    pub fn for_store(&self, store: i64) -> Result<StoreQa> {
        let (pv, provider) = match &self.provider {
            Some((v, text)) => (*v, text.as_str()),
            None => (0, kefu_qa::DEFAULT_RULES),
        };
        let own = self.overrides.get(&store);
        let inspector = compiled(provider, own.map(|(_, t)| t.as_str()))?;
        Ok(StoreQa {
            inspector,
            version: own.map_or(pv, |(v, _)| (*v).max(pv)),
        })
    }
}

/// An inspected session row to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOut {
    /// Its conversation.
    pub conv_id: i64,
    /// Start, UTC ms.
    pub start_ms: i64,
    /// Store id.
    pub store_id: i64,
    /// Local day.
    pub day: i32,
    /// Receiving agent.
    pub agent: Option<String>,
    /// 0 manual, 1 bot, 2 unanswered.
    pub kind: i64,
    /// Auto score.
    pub auto_score: Option<i64>,
    /// Has a critical finding.
    pub critical: bool,
    /// Findings.
    pub findings: i64,
    /// Rule-set version.
    pub version: i64,
}

/// A finding row to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingOut {
    /// Its session's conversation.
    pub conv_id: i64,
    /// Its session's start, UTC ms.
    pub start_ms: i64,
    /// Store id.
    pub store_id: i64,
    /// Local day.
    pub day: i32,
    /// Message id.
    pub message_id: Option<String>,
    /// The agent it belongs to.
    pub agent: Option<String>,
    /// Rule id.
    pub rule: String,
    /// Rule kind.
    pub kind: &'static str,
    /// Severity.
    pub severity: &'static str,
    /// Points.
    pub points: i64,
    /// Matched text.
    pub matched: Option<String>,
    /// Span in characters.
    pub span: Option<(i64, i64)>,
    /// Rule-set version.
    pub version: i64,
}

/// The rows of one conversation's inspection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QaRows {
    /// Its inspected sessions.
    pub sessions: Vec<SessionOut>,
    /// Their findings.
    pub findings: Vec<FindingOut>,
}

/// The code of a session kind as stored.
pub fn kind_code(kind: SessionKind) -> i64 {
    match kind {
        SessionKind::Manual => 0,
        SessionKind::Bot => 1,
        SessionKind::Unanswered | SessionKind::Outbound => 2,
    }
}

/// Turns an inspection into rows: `ids[i]` is the message id of sorted
/// message `i`, `agent(id)` the name of an agent id.
fn rows<'a>(
    qa: &StoreQa,
    conv: i64,
    store: i64,
    out: Inspection,
    ids: &[&str],
    agent: impl Fn(u32) -> &'a str,
) -> QaRows {
    let rules = qa.inspector.rules();
    let sessions = out
        .sessions
        .iter()
        .map(|s| SessionOut {
            conv_id: conv,
            start_ms: s.start_ms,
            store_id: store,
            day: s.day,
            agent: s.receiving.map(|a| agent(a).to_string()),
            kind: kind_code(s.kind),
            auto_score: s.auto_score.map(i64::from),
            critical: s.critical,
            findings: i64::from(s.findings),
            version: qa.version,
        })
        .collect();
    let findings = out
        .findings
        .into_iter()
        .map(|f| {
            let s = &out.sessions[f.session];
            FindingOut {
                conv_id: conv,
                start_ms: s.start_ms,
                store_id: store,
                day: s.day,
                message_id: f.message.map(|i| ids[i].to_string()),
                agent: f.agent.map(|a| agent(a).to_string()),
                rule: rules[f.rule].id.clone(),
                kind: rules[f.rule].kind.name(),
                severity: f.severity.as_str(),
                points: i64::from(f.points),
                matched: f.matched,
                span: f.span.map(|(a, b)| (i64::from(a), i64::from(b))),
                version: qa.version,
            }
        })
        .collect();
    QaRows { sessions, findings }
}

/// A stored conversation's messages as the inspection reads them, sorted
/// by (time, arrival), with their message ids and the names of the agent
/// ids they use.
pub struct Prepared<'a> {
    /// The messages, sorted.
    pub messages: Vec<Message<'a>>,
    /// `ids[i]`: the message id of message `i`.
    pub ids: Vec<&'a str>,
    /// `agents[a]`: the name of agent id `a`.
    pub agents: Vec<&'a str>,
}

/// Reads a conversation's stored rows (loaded with content and message
/// ids) for an inspection.
pub fn prepare_stored<'a>(rules: &StoreRules, c: &'a StoredConversation) -> Result<Prepared<'a>> {
    let p = &rules.params;
    let mut agents: Vec<&str> = Vec::new();
    let mut messages = Vec::with_capacity(c.messages.len());
    for (i, m) in c.messages.iter().enumerate() {
        let role = Role::of(
            sender_of(m.sender),
            kind_of(m.kind),
            &m.content,
            &rules.auto_reply_prefixes,
        );
        let at = RecordTime::parse(&m.sent_at).map_err(|e| anyhow!("stored time {e}"))?;
        let agent = m.agent.as_deref().map(|a| {
            let id = agents.iter().position(|x| *x == a).unwrap_or_else(|| {
                agents.push(a);
                agents.len() - 1
            });
            id as u32
        });
        messages.push((
            Message {
                at: p.clock.to_utc_ms(at),
                seq: m.seq as u64,
                role,
                agent,
                text: &m.content,
                scan: None,
            },
            i,
        ));
    }
    messages.sort_by_key(|(m, _)| (m.at, m.seq));
    Ok(Prepared {
        ids: messages
            .iter()
            .map(|(_, i)| c.messages[*i].message_id.as_str())
            .collect(),
        messages: messages.into_iter().map(|(m, _)| m).collect(),
        agents,
    })
}

/// Inspects a conversation from its stored rows (loaded with content and
/// message ids).
pub fn inspect_stored(qa: &StoreQa, rules: &StoreRules, c: &StoredConversation) -> Result<QaRows> {
    let mut read = prepare_stored(rules, c)?;
    let out = qa.inspector.inspect(&rules.params, &mut read.messages);
    let agents = &read.agents;
    Ok(rows(qa, c.id, c.store, out, &read.ids, |a| {
        agents[a as usize]
    }))
}

/// Inspects a conversation an import created, from the records it kept
/// (ids, not contents) and what the import's
/// [`Scanner`](crate::qa_scan::Scanner) read in their texts meanwhile.
pub fn inspect_fresh(
    qa: &StoreQa,
    c: &FreshConversation<'_>,
    scans: &crate::qa_scan::Scans,
) -> QaRows {
    let mut kept: Vec<_> = c.messages().collect();
    kept.sort_by_key(|m| (m.msg.at, m.msg.seq));
    let ids: Vec<&str> = kept.iter().map(|m| m.message_id).collect();
    let mut messages: Vec<Message<'_>> = kept
        .iter()
        .map(|m| Message {
            at: m.msg.at,
            seq: m.msg.seq,
            role: m.msg.role,
            agent: m.msg.agent,
            text: m.content,
            scan: m.kept.map(|k| scans.of(k)),
        })
        .collect();
    let out = qa.inspector.inspect(c.params, &mut messages);
    rows(qa, c.id, c.store, out, &ids, |a| c.agent_name(a))
}
