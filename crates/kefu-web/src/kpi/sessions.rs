//! `/sessions`: a store's sessions with filters (agent, days, kind,
//! inquiry/after-sales, unanswered, slow), exportable; and
//! `/stores/{store}/conversations/{conv}`: the transcript with its
//! sessions, rounds, response times and the orders attributed.

use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::table::{Cell, Table};
use crate::view::render;
use crate::view::{Chrome, PeriodQuery, money, period};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kefu_app::Gate;
use kefu_domain::Fen;
use kefu_kpi::transcript::{SessionQuery, SessionRow, Transcript};
use kefu_kpi::{RoundOutcome, SessionKind};
use serde::Deserialize;
use std::collections::HashMap;

/// Rows shown per page of the sessions list.
pub const PAGE_SIZE: usize = 100;

/// The filters of the sessions list (the page's and the API's).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionFilters {
    /// Store code; the first visible store when empty.
    pub store: Option<String>,
    /// An agent account.
    pub agent: Option<String>,
    /// First local day.
    pub from: Option<String>,
    /// Last local day.
    pub to: Option<String>,
    /// `manual`, `bot` or `unanswered`.
    pub kind: Option<String>,
    /// `inquiry` or `after_sales`.
    #[serde(rename = "type")]
    pub kind_of_service: Option<String>,
    /// `1`: only sessions with an unanswered round.
    pub unanswered: Option<String>,
    /// `1`: only sessions with a slow round.
    pub slow: Option<String>,
    /// Page number, from 1 (the page only).
    #[param(ignore)]
    pub page: Option<usize>,
    /// Export: `csv` or `xlsx` (the page only).
    #[param(ignore)]
    pub format: Option<String>,
}

impl SessionFilters {
    /// Whether a session passes the filters beyond store, agent and days.
    pub fn takes(&self, r: &SessionRow) -> bool {
        let on = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|v| v == "1" || v == "on" || v == "true")
        };
        self.kind
            .as_deref()
            .filter(|k| !k.is_empty())
            .is_none_or(|k| r.kind.as_str() == k)
            && match self.kind_of_service.as_deref() {
                Some("inquiry") => !r.after_sales,
                Some("after_sales") => r.after_sales,
                _ => true,
            }
            && (!on(&self.unanswered) || r.unanswered_rounds > 0)
            && (!on(&self.slow) || r.slow_rounds > 0)
    }
}

fn kind_label(k: SessionKind, l: Lang) -> &'static str {
    match k {
        SessionKind::Manual => l.t("人工", "manual"),
        SessionKind::Bot => l.t("机器人", "bot"),
        SessionKind::Unanswered => l.t("未回复", "unanswered"),
        SessionKind::Outbound => l.t("外呼", "outbound"),
    }
}

fn seconds(ms: Option<f64>) -> (String, Option<f64>) {
    match ms {
        Some(v) => (format!("{:.0}", v / 1000.0), Some(v / 1000.0)),
        None => ("—".into(), None),
    }
}

/// The sessions as a table.
pub fn session_table(name: String, rows: &[SessionRow], l: Lang) -> Table {
    let heads: [(&str, &str, bool); 13] = [
        ("开始时间", "Start", false),
        ("买家", "Buyer", false),
        ("接待客服", "Receiving agent", false),
        ("类型", "Kind", false),
        ("询单/售后", "Inquiry/after-sales", false),
        ("买家消息", "Buyer msgs", true),
        ("客服消息", "Agent msgs", true),
        ("首响(秒)", "First resp. (s)", true),
        ("平均响应(秒)", "Mean resp. (s)", true),
        ("慢响应", "Slow", true),
        ("未回复轮次", "Unanswered", true),
        ("落实订单", "Orders", true),
        ("销售额", "Sales", true),
    ];
    let body = rows
        .iter()
        .map(|r| {
            let href = format!(
                "/stores/{}/conversations/{}?session={}#s{}",
                url_encode(&r.store),
                r.conv_id,
                r.index,
                r.index
            );
            let (first, first_n) = seconds(r.first_response_ms.map(|v| v as f64));
            let (mean, mean_n) = seconds(r.mean_response_ms);
            let count = |n: u32| Cell::number(n.to_string(), Some(f64::from(n)));
            let mut slow = count(r.slow_rounds);
            if r.slow_rounds > 0 {
                slow.class = "missed";
            }
            let mut unanswered = count(r.unanswered_rounds);
            if r.unanswered_rounds > 0 {
                unanswered.class = "missed";
            }
            vec![
                Cell::link(r.start.clone(), href),
                Cell::text(r.buyer.clone()),
                Cell::text(r.receiving_agent.clone().unwrap_or_else(|| "—".into())),
                Cell::text(kind_label(r.kind, l)),
                Cell::text(if r.after_sales {
                    l.t("售后", "after-sales")
                } else {
                    l.t("询单", "inquiry")
                }),
                count(r.buyer_messages),
                count(r.agent_messages),
                Cell::number(first, first_n),
                Cell::number(mean, mean_n),
                slow,
                unanswered,
                count(r.attributed_orders),
                Cell::number(money(Fen(r.sales_fen)), Some(r.sales_fen as f64 / 100.0)),
            ]
        })
        .collect();
    Table::of(name, &heads, l, body)
}

#[derive(Template)]
#[template(path = "kpi/sessions.html")]
struct SessionsPage {
    c: Chrome,
    stores: Vec<String>,
    agents: Vec<String>,
    f: SessionFilters,
    store: String,
    from: String,
    to: String,
    total: usize,
    page: usize,
    pages: usize,
    prev_href: String,
    next_href: String,
    table: Table,
}

impl SessionsPage {
    fn is(&self, v: &Option<String>, want: &str) -> bool {
        v.as_deref() == Some(want)
    }
}

/// The visible sessions of a store, filtered, for pages and the API.
pub async fn filtered(
    gate: &Gate,
    f: &SessionFilters,
) -> Result<(String, crate::view::Period, Vec<SessionRow>), AppError> {
    let store = match f.store.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => s.to_string(),
        None => gate
            .stores()
            .await?
            .into_iter()
            .next()
            .map(|(c, _)| c)
            .ok_or(AppError::NotFound)?,
    };
    let pq = PeriodQuery {
        from: f.from.clone(),
        to: f.to.clone(),
        ..PeriodQuery::default()
    };
    gate.store(&store).await?;
    let p = period(gate, &pq, Some(&store)).await?;
    let q = SessionQuery {
        store: store.clone(),
        from: Some(p.from),
        to: Some(p.to),
        agents: f.agent.clone().filter(|a| !a.is_empty()).map(|a| vec![a]),
    };
    let rows: Vec<SessionRow> = gate
        .sessions(q)
        .await?
        .into_iter()
        .filter(|r| f.takes(r))
        .collect();
    Ok((store, p, rows))
}

/// `/sessions`.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(f): Query<SessionFilters>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let l = viewer.lang;
    let (store, p, rows) = filtered(&gate, &f).await?;
    let name = format!("sessions-{store}-{}-{}", p.from_text(), p.to_text());
    if let Some(fmt) = f.format.as_deref() {
        return session_table(name, &rows, l).export(fmt);
    }
    let total = rows.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = f.page.unwrap_or(1).clamp(1, pages);
    let shown = &rows[(page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(total)];
    let here = crate::table::strip_param(&viewer.path, "page");
    let sep = if here.contains('?') { '&' } else { '?' };
    let table = session_table(name, shown, l).with_exports(&here);
    let stores = gate.stores().await?.into_iter().map(|(c, _)| c).collect();
    let agents = gate
        .agents(Some(&store))
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let page_href = |n: usize| format!("{here}{sep}page={n}");
    let s = SessionsPage {
        c: viewer.chrome(l.t("会话", "Sessions").to_string(), "sessions"),
        stores,
        agents,
        f: f.clone(),
        from: p.from_text(),
        to: p.to_text(),
        store,
        total,
        page,
        pages,
        prev_href: if page > 1 {
            page_href(page - 1)
        } else {
            String::new()
        },
        next_href: if page < pages {
            page_href(page + 1)
        } else {
            String::new()
        },
        table,
    };
    Ok(render(&s)?.into_response())
}

/// One message as the transcript shows it.
struct Line {
    class: &'static str,
    who: String,
    at: String,
    /// Its content in (text, title) pieces: a title marks a QA finding.
    segments: Vec<(String, String)>,
    /// The QA rules that found something in it, comma-separated.
    flags: String,
    note: String,
    note_class: &'static str,
}

/// One session block of the transcript.
struct Block {
    index: u32,
    current: bool,
    head: String,
    /// Its QA review page, when it has findings.
    qa_href: String,
    lines: Vec<Line>,
}

/// The QA findings of a conversation as the transcript marks them: spans
/// by message id, rules by message id, and review pages by session start.
#[derive(Default)]
struct Marks {
    spans: HashMap<String, Vec<crate::qa::session::Marked>>,
    rules: HashMap<String, Vec<String>>,
    sessions: HashMap<String, String>,
}

impl Marks {
    fn of(findings: &[kefu_app::qa::FindingRow]) -> Marks {
        let mut m = Marks::default();
        for f in findings {
            m.sessions
                .entry(f.session_start.clone())
                .or_insert_with(|| crate::qa::pages::session_href(f.conv_id, f.start_ms));
            let Some(id) = &f.message_id else { continue };
            if let (Some([a, b]), Some(_)) = (f.span, &f.matched) {
                let title = format!("{} · {}", f.rule, f.severity);
                m.spans.entry(id.clone()).or_default().push(((a, b), title));
            }
            let rules = m.rules.entry(id.clone()).or_default();
            if !rules.contains(&f.rule) {
                rules.push(f.rule.clone());
            }
        }
        m
    }
}

#[derive(Template)]
#[template(path = "kpi/transcript.html")]
struct TranscriptPage {
    c: Chrome,
    csv_href: String,
    xlsx_href: String,
    store: String,
    store_href: String,
    blocks: Vec<Block>,
    orders: Vec<Vec<String>>,
    ratings: Vec<Vec<String>>,
}

/// The query of a transcript.
#[derive(Debug, Deserialize)]
pub struct TranscriptQuery {
    /// The session to highlight.
    pub session: Option<u32>,
    /// Export the transcript: `csv` or `xlsx`.
    pub format: Option<String>,
}

/// The transcript as a table: one row per message, with its session and
/// the response time of the round it ends.
fn transcript_table(t: &Transcript, l: Lang) -> Table {
    let heads = [
        ("会话", "Session", false),
        ("时间", "Time", false),
        ("发送方", "Sender", false),
        ("计为", "Counts as", false),
        ("客服", "Agent", false),
        ("内容", "Content", false),
        ("响应(秒)", "Response (s)", false),
        ("计入", "Counted", false),
    ];
    let rows = t
        .messages
        .iter()
        .map(|m| {
            let round = t.rounds.iter().find(|r| r.end_seq == Some(m.seq));
            let secs = round
                .and_then(|r| r.response_ms)
                .map(|ms| ms as f64 / 1000.0);
            vec![
                Cell::number(format!("{}", m.session + 1), Some(f64::from(m.session + 1))),
                Cell::text(m.sent_at.clone()),
                Cell::text(m.sender.as_str()),
                Cell::text(m.role.as_str()),
                Cell::text(m.agent.clone().unwrap_or_default()),
                Cell::text(m.content.clone()),
                Cell::number(
                    secs.map(|v| format!("{v:.0}"))
                        .unwrap_or_else(|| "—".into()),
                    secs,
                ),
                Cell::text(match round {
                    Some(r) if r.counted => l.t("是", "yes"),
                    Some(_) => l.t("否（服务时间外）", "no (outside service hours)"),
                    None => "",
                }),
            ]
        })
        .collect();
    Table::of(
        format!("transcript-{}-{}", t.store, t.buyer),
        &heads,
        l,
        rows,
    )
}

fn blocks(t: &Transcript, current: Option<u32>, l: Lang, marks: &Marks) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for s in &t.sessions {
        if s.start.is_empty() {
            continue; // a session outside the viewer's scope
        }
        let first = s
            .first_response_ms
            .map(|ms| {
                format!(
                    "{} {:.0}s",
                    l.t("首响", "first response"),
                    ms as f64 / 1000.0
                )
            })
            .unwrap_or_default();
        let head = format!(
            "#{} · {} · {} · {} · {} {}{}",
            s.index + 1,
            s.start,
            kind_label(s.kind, l),
            if s.after_sales {
                l.t("售后", "after-sales")
            } else {
                l.t("询单", "inquiry")
            },
            l.t("接待", "received by"),
            s.receiving_agent.as_deref().unwrap_or("—"),
            if first.is_empty() {
                String::new()
            } else {
                format!(" · {first}")
            }
        );
        out.push(Block {
            index: s.index,
            current: current == Some(s.index),
            head,
            qa_href: marks.sessions.get(&s.start).cloned().unwrap_or_default(),
            lines: Vec::new(),
        });
    }
    for m in &t.messages {
        let Some(b) = out.iter_mut().find(|b| b.index == m.session) else {
            continue;
        };
        let round = t.rounds.iter().find(|r| r.end_seq == Some(m.seq));
        let opened = t
            .rounds
            .iter()
            .find(|r| r.start_seq == m.seq && r.end_seq.is_none());
        let (note, note_class) = match (round, opened) {
            (Some(r), _) if matches!(r.outcome, RoundOutcome::Human { .. }) => {
                let secs = r.response_ms.unwrap_or(0) as f64 / 1000.0;
                let mut n = format!("{} {secs:.0}s", l.t("响应", "response"));
                if !r.counted {
                    n.push_str(l.t(
                        "（服务时间外，不计）",
                        " (outside service hours, not counted)",
                    ));
                }
                (n, if r.slow { "slow" } else { "" })
            }
            (Some(_), _) => (l.t("机器人回复", "bot reply").to_string(), ""),
            (None, Some(r)) => (
                if r.counted {
                    l.t("未回复", "unanswered").to_string()
                } else {
                    l.t("未回复（服务时间外）", "unanswered (outside service hours)")
                        .to_string()
                },
                "slow",
            ),
            _ => (String::new(), ""),
        };
        let who = match m.role.as_str() {
            "buyer" => format!("{} {}", l.t("买家", "buyer"), t.buyer),
            "agent" => m.agent.clone().unwrap_or_default(),
            "bot" => l.t("机器人/自动回复", "bot / auto reply").to_string(),
            "transfer" => format!(
                "{} → {}",
                l.t("转接", "transfer"),
                m.agent.clone().unwrap_or_default()
            ),
            "invite" => l.t("邀请评价", "rating invitation").to_string(),
            _ => l.t("系统", "system").to_string(),
        };
        b.lines.push(Line {
            class: m.role.as_str(),
            who,
            at: m.sent_at.clone(),
            segments: crate::qa::session::segments(
                &m.content,
                marks.spans.get(&m.message_id).map_or(&[][..], |v| v),
            ),
            flags: marks
                .rules
                .get(&m.message_id)
                .map(|r| r.join(", "))
                .unwrap_or_default(),
            note,
            note_class,
        });
    }
    out
}

/// `/stores/{store}/conversations/{conv}`.
pub async fn transcript(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((store, conv)): Path<(String, String)>,
    Query(q): Query<TranscriptQuery>,
) -> Result<Response, AppError> {
    let conv: i64 = conv.parse().map_err(|_| AppError::NotFound)?;
    let gate = viewer.gate(&state);
    let t = gate.conversation(&store, conv).await?;
    let l = viewer.lang;
    if let Some(f) = q.format.as_deref() {
        return transcript_table(&t, l).export(f);
    }
    let exports = Table::default().with_exports(&viewer.path);
    let marks = Marks::of(&gate.qa_conversation_findings(&t.store, conv).await?);
    let orders = t
        .orders
        .iter()
        .map(|o| {
            vec![
                o.order_id.clone(),
                o.created_at.clone(),
                o.paid_at
                    .clone()
                    .unwrap_or_else(|| l.t("未付款", "unpaid").to_string()),
                money(Fen(o.amount_fen)),
                o.refund_fen.map(|f| money(Fen(f))).unwrap_or_default(),
                o.attributed_agent
                    .clone()
                    .unwrap_or_else(|| l.t("静默下单", "silent").to_string()),
                o.session.map(|s| format!("#{}", s + 1)).unwrap_or_default(),
            ]
        })
        .collect();
    let ratings = t
        .ratings
        .iter()
        .map(|r| {
            vec![
                r.rated_at.clone(),
                r.agent.clone(),
                r.score.to_string(),
                if r.counted {
                    l.t("计入", "counted")
                } else {
                    l.t("被当日后一条覆盖", "replaced later that day")
                }
                .to_string(),
            ]
        })
        .collect();
    let page = TranscriptPage {
        csv_href: exports.csv_href,
        xlsx_href: exports.xlsx_href,
        c: viewer.chrome(
            format!("{} {}", l.t("会话记录", "Transcript"), t.buyer),
            "sessions",
        ),
        store_href: format!("/stores/{}", url_encode(&t.store)),
        store: t.store.clone(),
        blocks: blocks(&t, q.session, l, &marks),
        orders,
        ratings,
    };
    Ok(render(&page)?.into_response())
}
