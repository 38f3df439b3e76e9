//! The QA card of the overview, store and agent pages: the period's
//! inspected sessions, mean auto and final scores, findings and critical
//! sessions in the viewer's scope, linked to the QA overview.

use crate::auth::url_encode;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::view::Card;
use kefu_app::Gate;
use kefu_app::qa::QaFilter;
use kefu_db::qa::ScoreGrouping;
use kefu_domain::time::format_day;

/// The cards and the link to the QA overview of the same period and store.
#[derive(Debug, Clone, Default)]
pub struct QaCard {
    /// The figures.
    pub cards: Vec<Card>,
    /// `/qa?…` with the period and store.
    pub href: String,
}

fn card(name: &'static str, label: &'static str, value: String) -> Card {
    Card {
        name,
        label,
        value,
        target: String::new(),
        status: "",
        per_store: false,
    }
}

/// The QA card of a dashboard's filter (its days, store and single agent).
pub async fn qa_card(gate: &Gate, f: &kefu_kpi::Filter, lang: Lang) -> Result<QaCard, AppError> {
    let agent = f
        .agents
        .as_ref()
        .filter(|a| a.len() == 1)
        .and_then(|a| a.first().cloned());
    let filter = QaFilter {
        from: f.from,
        to: f.to,
        store: f.store.clone(),
        agent: agent.clone(),
        ..Default::default()
    };
    let total = gate
        .qa_scores(ScoreGrouping::default(), &filter)
        .await?
        .into_iter()
        .next();
    let score = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into());
    let (inspected, findings, critical, auto, fin) = match &total {
        Some(t) => (
            t.sessions_inspected.to_string(),
            t.findings.to_string(),
            t.critical_sessions.to_string(),
            score(t.auto_score),
            score(t.final_score),
        ),
        None => ("0".into(), "0".into(), "0".into(), "—".into(), "—".into()),
    };
    let mut href = String::from("/qa?");
    if let (Some(a), Some(b)) = (f.from, f.to) {
        href.push_str(&format!("from={}&to={}", format_day(a), format_day(b)));
    }
    if let Some(s) = &f.store {
        href.push_str(&format!("&store={}", url_encode(s)));
    }
    Ok(QaCard {
        cards: vec![
            card(
                "qa_sessions_inspected",
                lang.t("质检会话", "Sessions inspected"),
                inspected,
            ),
            card(
                "qa_auto_score",
                lang.t("质检自动得分", "QA auto score"),
                auto,
            ),
            card(
                "qa_final_score",
                lang.t("质检最终得分", "QA final score"),
                fin,
            ),
            card("qa_findings", lang.t("质检问题", "QA findings"), findings),
            card(
                "qa_critical_sessions",
                lang.t("严重问题会话", "Critical sessions"),
                critical,
            ),
        ],
        href,
    })
}
