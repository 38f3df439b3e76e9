//! The overview, store and agent pages: KPI cards against the targets of
//! each store's contract, the
//! QA card, the daily trend, the hour-of-day heatmap and a table (stores, agents or
//! days) that sorts by any figure and exports to CSV and XLSX.

use crate::auth::{Viewer, url_encode};
use crate::charts::{Series, heatmap, trend};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::table::{KpiTableSpec, Table, kpi_table};
use crate::view::render;
use crate::view::{Card, Chrome, Period, PeriodQuery, StoreFigures, cards, label, period};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use kefu_app::Gate;
use kefu_domain::time::format_day;
use kefu_kpi::aggregate::AgentKey;
use kefu_kpi::report::{Figure, Row, rows};
use kefu_kpi::{Filter, Grouping};
use std::collections::BTreeMap;

/// The figures of the tables of these pages.
pub const TABLE_FIGURES: [Figure; 14] = [
    Figure::ConsultBuyers,
    Figure::Sessions,
    Figure::ManualSessions,
    Figure::FirstResponseS,
    Figure::AvgResponseS,
    Figure::Reply3minRate,
    Figure::SlowRounds,
    Figure::UnansweredRounds,
    Figure::ReplyRate,
    Figure::InquiryBuyers,
    Figure::OrderConversion,
    Figure::Sales,
    Figure::AfterSalesSessions,
    Figure::SatisfiedRate,
];

#[derive(Template)]
#[template(path = "kpi/dashboard.html")]
struct Dashboard<'a> {
    c: Chrome,
    heading: String,
    crumbs: Vec<(String, String)>,
    from: String,
    to: String,
    cards: &'a [Card],
    qa: &'a crate::qa::card::QaCard,
    trend: &'a str,
    response_trend: &'a str,
    heatmap: &'a str,
    table_title: String,
    table: &'a Table,
    links: Vec<(String, String)>,
    contract: Option<ContractLine>,
}

/// The figures of a dashboard: cards, the charts (daily volume, daily
/// response times, heatmap) and the table.
struct Built {
    cards: Vec<Card>,
    qa: crate::qa::card::QaCard,
    charts: [String; 3],
    table: Table,
}

/// What one dashboard shows.
struct Board<'a> {
    filter: Filter,
    table_grouping: Grouping,
    link: &'a (dyn Fn(&Row) -> Option<String> + Sync),
    table_name: String,
}

/// The figures of a dashboard, made once for a page (path and query), scope
/// and language, and kept as long as the KPI results they come from.
async fn build(
    gate: &Gate,
    viewer: &Viewer,
    p: Period,
    q: &PeriodQuery,
    s: Board<'_>,
) -> Result<std::sync::Arc<Built>, AppError> {
    let key = format!("board {} {:?}", viewer.path, viewer.lang);
    gate.memo(&key, make(gate, viewer, p, q, s)).await
}

async fn make(
    gate: &Gate,
    viewer: &Viewer,
    p: Period,
    q: &PeriodQuery,
    s: Board<'_>,
) -> Result<Built, AppError> {
    let lang = viewer.lang;
    let filter = Filter {
        from: Some(p.from),
        to: Some(p.to),
        ..s.filter
    };
    let total = rows(gate.kpi(Grouping::default(), &filter).await?.to_vec());
    let daily = rows(
        gate.kpi(
            Grouping {
                date: true,
                ..Grouping::default()
            },
            &filter,
        )
        .await?
        .to_vec(),
    );
    let hourly = gate
        .kpi(
            Grouping {
                date: true,
                hour: true,
                ..Grouping::default()
            },
            &filter,
        )
        .await?;
    let table_rows = rows(gate.kpi(s.table_grouping, &filter).await?.to_vec());
    let by_store = Grouping {
        store: true,
        ..Grouping::default()
    };
    let store_rows = rows(gate.kpi(by_store, &filter).await?.to_vec());
    let codes: Vec<String> = store_rows
        .iter()
        .filter_map(|r| r.key.store.clone())
        .collect();
    let targets = gate.store_targets(&codes, p.from, p.to).await?;
    let stores: Vec<StoreFigures> = store_rows
        .iter()
        .filter_map(|r| {
            let targets = targets.get(r.key.store.as_ref()?)?;
            Some(StoreFigures { targets, row: r })
        })
        .collect();
    let days: Vec<i32> = (p.from..=p.to).collect();
    let labels: Vec<String> = days.iter().map(|d| format_day(*d)).collect();
    let by_day: BTreeMap<i32, &Row> = daily
        .iter()
        .filter_map(|r| r.key.day.map(|d| (d, r)))
        .collect();
    let series = |f: Figure, color: &'static str| Series {
        name: label(f, lang).to_string(),
        values: days
            .iter()
            .map(|d| by_day.get(d).and_then(|r| crate::view::number(r.get(f))))
            .collect(),
        color,
    };
    let volume = trend(
        lang.t("每日咨询量", "Daily volume"),
        &labels,
        &[
            series(Figure::Sessions, "#1677ff"),
            series(Figure::ConsultBuyers, "#13a8a8"),
        ],
        None,
    );
    let response = trend(
        lang.t("每日响应时间（秒）", "Daily response times (s)"),
        &labels,
        &[
            series(Figure::FirstResponseS, "#fa8c16"),
            series(Figure::AvgResponseS, "#722ed1"),
        ],
        crate::view::target_bound(Figure::FirstResponseS, &stores)
            .map(|b| (b, lang.t("首响目标", "first-response target"))),
    );
    let mut grid: BTreeMap<i32, [f64; 24]> = days.iter().map(|d| (*d, [0.0; 24])).collect();
    for (k, t) in hourly.iter() {
        if let (Some(d), Some(h)) = (k.day, k.hour)
            && let Some(row) = grid.get_mut(&d)
        {
            row[h as usize % 24] = t.get(kefu_kpi::Counter::Sessions) as f64;
        }
    }
    let grid: Vec<(String, [f64; 24])> =
        grid.into_iter().map(|(d, h)| (format_day(d), h)).collect();
    let heat = heatmap(lang.t("各时段接待会话", "Sessions by hour of day"), &grid);
    let spec = KpiTableSpec {
        grouping: s.table_grouping,
        figures: &TABLE_FIGURES,
        link: s.link,
        here: &viewer.path,
        sort: q.sort.as_deref(),
        ascending: q.dir.as_deref() == Some("asc"),
    };
    let name = format!("{}-{}-{}", s.table_name, p.from_text(), p.to_text());
    let table = kpi_table(name, table_rows, &spec, lang).with_exports(&viewer.path);
    Ok(Built {
        cards: cards(total.first(), &stores, lang),
        qa: crate::qa::card::qa_card(gate, &filter, lang).await?,
        charts: [volume, response, heat],
        table,
    })
}

/// The contract of a store as its page shows it.
struct ContractLine {
    href: String,
    id: String,
    state: String,
    missing: Vec<String>,
}

/// The texts around a dashboard's figures.
struct Texts {
    contract: Option<ContractLine>,
    heading: String,
    crumbs: Vec<(String, String)>,
    table_title: String,
    links: Vec<(String, String)>,
}

fn page(
    viewer: &Viewer,
    texts: Texts,
    p: Period,
    built: std::sync::Arc<Built>,
    q: &PeriodQuery,
) -> Result<Response, AppError> {
    let Texts {
        contract,
        heading,
        crumbs,
        table_title,
        links,
    } = texts;
    let [trend, response_trend, heatmap] = &built.charts;
    if let Some(f) = q.format.as_deref() {
        return built.table.export(f);
    }
    let d = Dashboard {
        c: viewer.chrome(heading.clone(), "overview"),
        heading,
        crumbs,
        from: p.from_text(),
        to: p.to_text(),
        cards: &built.cards,
        qa: &built.qa,
        trend,
        response_trend,
        heatmap,
        table_title,
        table: &built.table,
        links,
        contract,
    };
    Ok(render(&d)?.into_response())
}

/// `/`: every visible store.
pub async fn overview(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    let p = period(&gate, &q, None).await?;
    let link = |r: &Row| {
        r.key
            .store
            .as_ref()
            .map(|s| format!("/stores/{}", url_encode(s)))
    };
    let built = build(
        &gate,
        &viewer,
        p,
        &q,
        Board {
            filter: Filter::default(),
            table_grouping: Grouping {
                store: true,
                ..Grouping::default()
            },
            link: &link,
            table_name: "stores".into(),
        },
    )
    .await?;
    let l = viewer.lang;
    let texts = Texts {
        contract: None,
        heading: l.t("总览", "Overview").to_string(),
        crumbs: Vec::new(),
        table_title: l.t("店铺", "Stores").to_string(),
        links: vec![(
            l.t("查看会话", "Sessions").to_string(),
            "/sessions".to_string(),
        )],
    };
    page(&viewer, texts, p, built, &q)
}

/// `/stores/{store}`: one store, with its agents' leaderboard.
pub async fn store(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    gate.store(&code).await?;
    let p = period(&gate, &q, Some(&code)).await?;
    let enc = url_encode(&code);
    let link = |r: &Row| match &r.key.agent {
        AgentKey::Named(a) => Some(format!("/stores/{enc}/agents/{}", url_encode(a))),
        _ => None,
    };
    let built = build(
        &gate,
        &viewer,
        p,
        &q,
        Board {
            filter: Filter {
                store: Some(code.clone()),
                ..Filter::default()
            },
            table_grouping: Grouping {
                store: true,
                agent: true,
                ..Grouping::default()
            },
            link: &link,
            table_name: format!("{code}-agents"),
        },
    )
    .await?;
    let l = viewer.lang;
    let mut links = vec![(
        l.t("本店会话", "Sessions of this store").to_string(),
        format!(
            "/sessions?store={enc}&from={}&to={}",
            p.from_text(),
            p.to_text()
        ),
    )];
    if viewer.scope.may(kefu_access::Action::EditSettings) {
        links.push((
            l.t("店铺设置", "Store settings").to_string(),
            format!("/stores/{enc}/settings"),
        ));
    }
    let contract = gate.store_contract(&code).await?.map(|v| ContractLine {
        href: format!("/contracts/{}", url_encode(&v.id)),
        state: l.t(&v.state_zh, &v.state).to_string(),
        missing: match l {
            Lang::Zh => v.missing_zh,
            Lang::En => v.missing_en,
        },
        id: v.id,
    });
    if contract.is_some() {
        links.push((
            l.t("服务月报", "Monthly report").to_string(),
            format!("/reports/monthly?store={enc}"),
        ));
    }
    let texts = Texts {
        contract,
        heading: format!("{} {code}", l.t("店铺", "Store")),
        crumbs: crumbs(l, &[]),
        table_title: l
            .t(
                "客服排行（点击表头排序）",
                "Agents (click a heading to sort)",
            )
            .to_string(),
        links,
    };
    page(&viewer, texts, p, built, &q)
}

/// `/stores/{store}/agents/{agent}`: one agent, day by day.
pub async fn agent(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, agent)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, AppError> {
    let gate = viewer.gate(&state);
    gate.agent(&code, &agent).await?;
    let p = period(&gate, &q, Some(&code)).await?;
    let link = |_: &Row| None;
    let built = build(
        &gate,
        &viewer,
        p,
        &q,
        Board {
            filter: Filter {
                store: Some(code.clone()),
                agents: Some([agent.clone()].into()),
                ..Filter::default()
            },
            table_grouping: Grouping {
                date: true,
                ..Grouping::default()
            },
            link: &link,
            table_name: format!("{agent}-days"),
        },
    )
    .await?;
    let l = viewer.lang;
    let enc = url_encode(&code);
    let texts = Texts {
        contract: None,
        heading: format!("{} {agent}", l.t("客服", "Agent")),
        crumbs: crumbs(l, &[(code.clone(), format!("/stores/{enc}"))]),
        table_title: l.t("每日数据", "Day by day").to_string(),
        links: vec![(
            l.t("该客服的会话", "Sessions of this agent").to_string(),
            format!(
                "/sessions?store={enc}&agent={}&from={}&to={}",
                url_encode(&agent),
                p.from_text(),
                p.to_text()
            ),
        )],
    };
    page(&viewer, texts, p, built, &q)
}

fn crumbs(l: Lang, more: &[(String, String)]) -> Vec<(String, String)> {
    let mut v = vec![(l.t("总览", "Overview").to_string(), "/".to_string())];
    v.extend(more.iter().cloned());
    v
}
