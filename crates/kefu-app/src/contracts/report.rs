//! The monthly service report of a store (spec `contracts.md` §1 "service
//! targets", §4): the contract's targets beside the figures the KPI engine
//! measured (and the QA score), the month's figures and its invoices; and
//! the targets of the contracts in force, for the dashboards' cards.
//!
//! A store without a contract in force has the default targets
//! ([`kefu_domain::targets::DEFAULT_TARGETS`]) and no invoice.

use super::{ContractView, InvoiceView, Loaded, date_of, day_number, parse_versions};
use crate::qa::QaFilter;
use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_contract::file::TARGET_FIGURES;
use kefu_contract::{Month, State, Terms};
use kefu_db::qa::ScoreGrouping;
use kefu_domain::targets::{DEFAULT_TARGETS, Target};
use kefu_kpi::report::{Figure, Row, Value, rows};
use kefu_kpi::{Filter, Grouping};
use serde::Serialize;
use std::collections::BTreeMap;

/// The figures a monthly report lists besides its targets, in order.
pub const REPORT_FIGURES: [Figure; 12] = [
    Figure::ConsultBuyers,
    Figure::Sessions,
    Figure::ManualSessions,
    Figure::FirstResponseS,
    Figure::AvgResponseS,
    Figure::Reply3minRate,
    Figure::ReplyRate,
    Figure::InquiryBuyers,
    Figure::OrderConversion,
    Figure::Sales,
    Figure::SatisfiedRate,
    Figure::DissatisfiedRate,
];

/// One service target against the month's measure.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct TargetLine {
    /// The figure (`kpi.md` §6 name, or `qa_score`).
    pub figure: String,
    /// `≤ 20`, `≥ 0.9`.
    pub target: String,
    /// The bound.
    pub bound: f64,
    /// Whether the figure must stay at or below it.
    pub at_most: bool,
    /// The figure measured in the month; `null` without data.
    pub measured: Option<f64>,
    /// Whether it met the target; `null` without data.
    pub met: Option<bool>,
}

/// The month's QA figures of the store.
#[derive(Debug, Clone, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct QaLine {
    /// Sessions inspected.
    pub sessions_inspected: i64,
    /// Findings.
    pub findings: i64,
    /// Sessions with a critical finding.
    pub critical_sessions: i64,
    /// Mean auto score.
    pub auto_score: Option<f64>,
    /// Mean final score (reviewed where reviewed).
    pub final_score: Option<f64>,
}

/// What a store owner reads each month.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MonthlyReport {
    /// The store.
    pub store: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The contract in force, if any.
    pub contract: Option<String>,
    /// Its client company.
    pub client: Option<String>,
    /// 劳务外包 or 劳务派遣.
    pub contract_type_zh: Option<String>,
    /// Where the contract stands, in Chinese.
    pub state_zh: Option<String>,
    /// The targets against the figures measured.
    pub targets: Vec<TargetLine>,
    /// The figures of [`REPORT_FIGURES`] by name (`null`: no data).
    pub figures: BTreeMap<String, Option<f64>>,
    /// The QA figures.
    pub qa: QaLine,
    /// Sessions per day of the month (`YYYY-MM-DD`, sessions).
    pub daily_sessions: Vec<(String, u64)>,
    /// The contract's invoices and notes of the month.
    pub invoices: Vec<InvoiceView>,
    /// The month's KPI row, for pages that show the figures formatted.
    #[serde(skip)]
    pub row: Option<Row>,
}

/// A figure's value as a number.
pub fn value_number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Count(n)) => Some(*n as f64),
        Some(Value::Number(x)) => *x,
        Some(Value::Money(Some(f))) => Some(f.0 as f64 / 100.0),
        _ => None,
    }
}

/// The targets of a contract's terms, as the dashboards check them; a
/// contract that names none has the defaults of §1.
pub fn targets_of(terms: &Terms) -> Vec<Target> {
    if terms.targets.is_empty() {
        return DEFAULT_TARGETS.to_vec();
    }
    terms
        .targets
        .iter()
        .filter_map(|t| {
            let (figure, _) = TARGET_FIGURES.iter().find(|(f, _)| *f == t.figure)?;
            Some(Target {
                figure,
                bound: t.bound,
                at_most: t.at_most,
            })
        })
        .collect()
}

/// The version of a contract in force on a day (the latest that began on
/// or before it), if the day is in its term.
fn version_on(l: &Loaded, day: jiff::civil::Date) -> Option<&Terms> {
    l.versions
        .iter()
        .rev()
        .find(|t| t.version_from <= day && t.start <= day && day <= t.end)
}

impl Gate {
    /// Every contract past its draft, loaded, without an access check: the
    /// callers keep to the stores the actor sees.
    async fn running_contracts(&self) -> Result<Vec<Loaded>> {
        let db = &self.app.db;
        let mut out = Vec::new();
        for row in db.billing_contracts(None).await? {
            if row.state == State::Draft.as_str() {
                continue;
            }
            let versions = parse_versions(&db.billing_versions(&row.id).await?)?;
            out.push(Loaded { row, versions });
        }
        Ok(out)
    }

    /// The contract covering a store on the last day of a period that it
    /// covers (a later day wins), with that day's terms.
    fn covering<'a>(
        contracts: &'a [Loaded],
        store: &str,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> Option<(&'a Loaded, &'a Terms)> {
        let mut day = to;
        while day >= from {
            for l in contracts {
                if let Some(t) = version_on(l, day)
                    && t.stores.iter().any(|s| s == store)
                {
                    return Some((l, t));
                }
            }
            day = day.yesterday().ok()?;
        }
        None
    }

    /// The service targets of each store the actor sees among `stores`
    /// over local days `from..=to`: those of the contract covering it
    /// (the latest day of the period it covers), the defaults otherwise.
    pub async fn store_targets(
        &self,
        stores: &[String],
        from: i32,
        to: i32,
    ) -> Result<BTreeMap<String, Vec<Target>>> {
        let contracts = self.running_contracts().await?;
        let (a, b) = (date_of(i64::from(from)), date_of(i64::from(to)));
        Ok(stores
            .iter()
            .filter(|s| self.scope().sees_store(s))
            .map(|s| {
                let targets = match Self::covering(&contracts, s, a, b) {
                    Some((_, t)) => targets_of(t),
                    None => DEFAULT_TARGETS.to_vec(),
                };
                (s.clone(), targets)
            })
            .collect())
    }

    /// The contract of a store as the store's page shows it: the latest
    /// one naming it that has not ended (or the latest ended), with where
    /// it stands and what its next step lacks; `None` for those who do not
    /// read contracts, or without one.
    pub async fn store_contract(&self, store: &str) -> Result<Option<ContractView>> {
        if !self.scope().may(Action::ReadContracts) || !self.scope().sees_store(store) {
            return Ok(None);
        }
        let db = &self.app.db;
        let mut best: Option<(bool, i64, String)> = None;
        for row in db.billing_contracts(self.scope().client.as_deref()).await? {
            if !self.scope().sees_client(&row.client) {
                continue;
            }
            let versions = parse_versions(&db.billing_versions(&row.id).await?)?;
            let l = Loaded { row, versions };
            if !l.latest().stores.iter().any(|s| s == store) {
                continue;
            }
            let key = (
                l.state() != State::Ended,
                day_number(l.latest().start),
                l.row.id.clone(),
            );
            if best.as_ref().is_none_or(|b| key > *b) {
                best = Some(key);
            }
        }
        match best {
            Some((_, _, id)) => Ok(Some(self.contract(&id).await?)),
            None => Ok(None),
        }
    }

    /// The monthly service report of a store (`/reports/monthly`): for
    /// those who read contracts, of a store they see; otherwise
    /// [`Error::NotFound`].
    pub async fn monthly_report(&self, store: &str, month: Month) -> Result<MonthlyReport> {
        self.require(Action::ReadContracts)?;
        if !self.scope().sees_store(store) {
            return Err(Error::NotFound);
        }
        let (first, last) = (month.first(), month.last());
        let (a, b) = (day_number(first) as i32, day_number(last) as i32);
        let contracts = self.running_contracts().await?;
        let covering = Self::covering(&contracts, store, first, last);
        // A store with data, or one a contract names before its data comes.
        if covering.is_none() && self.app.db.store(store).await?.is_none() {
            return Err(Error::NotFound);
        }
        let filter = Filter {
            from: Some(a),
            to: Some(b),
            store: Some(store.to_string()),
            ..Filter::default()
        };
        let total = rows(self.kpi(Grouping::default(), &filter).await?.to_vec());
        let row = total.into_iter().next();
        let by_day = Grouping {
            date: true,
            ..Grouping::default()
        };
        let daily = self.kpi(by_day, &filter).await?;
        let mut sessions: BTreeMap<i32, u64> = (a..=b).map(|d| (d, 0)).collect();
        for (k, t) in daily.iter() {
            if let Some(d) = k.day
                && let Some(n) = sessions.get_mut(&d)
            {
                *n = t.get(kefu_kpi::Counter::Sessions).max(0) as u64;
            }
        }
        let qa = self.month_qa(store, a, b).await?;
        let figures: BTreeMap<String, Option<f64>> = REPORT_FIGURES
            .iter()
            .map(|f| {
                let v = row.as_ref().and_then(|r| r.get(*f));
                (f.name().to_string(), value_number(v))
            })
            .collect();
        let targets = match covering {
            Some((_, t)) => targets_of(t),
            None => DEFAULT_TARGETS.to_vec(),
        };
        let measure = |figure: &str| -> Option<f64> {
            if figure == "qa_score" {
                return qa.final_score.or(qa.auto_score);
            }
            let f = Figure::from_name(figure)?;
            value_number(row.as_ref().and_then(|r| r.get(f)))
        };
        let targets = targets
            .iter()
            .map(|t| {
                let measured = measure(t.figure);
                TargetLine {
                    figure: t.figure.to_string(),
                    target: t.text(),
                    bound: t.bound,
                    at_most: t.at_most,
                    measured,
                    met: measured.map(|x| t.met(x)),
                }
            })
            .collect();
        let mut invoices = Vec::new();
        if let Some((l, _)) = covering {
            let month_text = month.to_string();
            for i in self
                .invoices(Some(&l.row.client), Some(&month_text))
                .await?
            {
                if i.contract == l.row.id {
                    invoices.push(i);
                }
            }
        }
        Ok(MonthlyReport {
            store: store.to_string(),
            month: month.to_string(),
            contract: covering.map(|(l, _)| l.row.id.clone()),
            client: covering.map(|(l, _)| l.row.client.clone()),
            contract_type_zh: covering.map(|(_, t)| t.kind.zh().to_string()),
            state_zh: covering.map(|(l, _)| l.state().zh().to_string()),
            targets,
            figures,
            qa,
            daily_sessions: sessions
                .into_iter()
                .map(|(d, n)| (date_of(i64::from(d)).to_string(), n))
                .collect(),
            invoices,
            row,
        })
    }

    async fn month_qa(&self, store: &str, from: i32, to: i32) -> Result<QaLine> {
        let f = QaFilter {
            from: Some(from),
            to: Some(to),
            store: Some(store.to_string()),
            ..QaFilter::default()
        };
        let total = self
            .qa_scores(ScoreGrouping::default(), &f)
            .await?
            .into_iter()
            .next();
        Ok(match total {
            Some(t) => QaLine {
                sessions_inspected: t.sessions_inspected,
                findings: t.findings,
                critical_sessions: t.critical_sessions,
                auto_score: t.auto_score,
                final_score: t.final_score,
            },
            None => QaLine::default(),
        })
    }
}
