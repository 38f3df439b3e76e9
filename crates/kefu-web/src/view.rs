//! What every page shares: the chrome (title, navigation, language, the
//! user), the period of a query, and how figures are shown.

use crate::auth::{Viewer, url_encode};
use crate::error::AppError;
use crate::i18n::Lang;
use kefu_app::Gate;
use kefu_domain::targets::{Target, default_target};
use kefu_domain::time::{format_day, parse_day};
use kefu_domain::{Fen, Role};
use kefu_kpi::report::{Figure, Value};
use kefu_kpi::{Filter, Grouping};
use serde::Deserialize;

/// Escapes text for HTML (body and attribute values).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One entry of the navigation, contributed by a capability's `menu`.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Where it leads.
    pub href: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The name pages give to highlight it (`overview`, `sessions`, …).
    pub key: &'static str,
    /// Whether it is the current page.
    pub active: bool,
}

impl NavItem {
    /// An entry, not highlighted.
    pub fn new(href: &'static str, label: &'static str, key: &'static str) -> NavItem {
        NavItem {
            href,
            label,
            key,
            active: false,
        }
    }
}

/// Renders a template into a page response.
pub fn render(t: &impl askama::Template) -> Result<axum::response::Html<String>, AppError> {
    t.render()
        .map(axum::response::Html)
        .map_err(|e| AppError::Internal(e.into()))
}

/// The frame of every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The language.
    pub lang: Lang,
    /// The page's title.
    pub title: String,
    /// The navigation for the viewer's role.
    pub nav: Vec<NavItem>,
    /// The viewer's name and role.
    pub user: String,
    /// The CSRF token for forms (empty for token clients).
    pub csrf: String,
    /// The link that switches the language and comes back here.
    pub switch_href: String,
    /// The label of that link.
    pub switch_label: &'static str,
}

impl Chrome {
    /// The chrome of a page for a viewer; `active` names the navigation
    /// entry to highlight.
    pub fn new(viewer: &Viewer, title: String, active: &'static str) -> Chrome {
        let l = viewer.lang;
        let mut nav = crate::menu(viewer);
        for item in &mut nav {
            item.active = item.key == active;
        }
        let role = match l {
            Lang::Zh => viewer.user.role.zh(),
            Lang::En => viewer.user.role.as_str(),
        };
        let (code, label) = match l {
            Lang::Zh => ("en", "English"),
            Lang::En => ("zh", "中文"),
        };
        Chrome {
            lang: l,
            title,
            nav,
            user: format!("{} · {}", viewer.user.display_name, role),
            csrf: viewer.csrf.clone().unwrap_or_default(),
            switch_href: format!("/lang/{code}?next={}", url_encode(&viewer.path)),
            switch_label: label,
        }
    }

    /// The text in the page's language.
    pub fn t<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.t(zh, en)
    }
}

/// The period and filter fields of a query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodQuery {
    /// First local day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local day.
    pub to: Option<String>,
    /// Sort the main table by this figure (spec name).
    pub sort: Option<String>,
    /// `asc` or `desc` (default).
    pub dir: Option<String>,
    /// Export the main table: `csv` or `xlsx`.
    pub format: Option<String>,
}

/// A resolved period of local days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: i32,
    /// Last day.
    pub to: i32,
}

impl Period {
    /// The first day as text.
    pub fn from_text(&self) -> String {
        format_day(self.from)
    }

    /// The last day as text.
    pub fn to_text(&self) -> String {
        format_day(self.to)
    }

    /// A filter of this period.
    pub fn filter(&self) -> Filter {
        Filter {
            from: Some(self.from),
            to: Some(self.to),
            ..Filter::default()
        }
    }
}

/// The period a query asks for; by default the calendar month of the
/// latest day with data the viewer may see (this month when there is none).
pub async fn period(gate: &Gate, q: &PeriodQuery, store: Option<&str>) -> Result<Period, AppError> {
    let parse = |s: &Option<String>, what: &str| -> Result<Option<i32>, AppError> {
        s.as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_day(s.trim()).map_err(|e| AppError::BadRequest(format!("{what}: {e}"))))
            .transpose()
    };
    let (from, to) = (parse(&q.from, "from")?, parse(&q.to, "to")?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(AppError::BadRequest("from is after to".into()));
        }
        return Ok(Period { from: f, to: t });
    }
    let latest = match to.or(from) {
        Some(d) => d,
        None => {
            let by_date = Grouping {
                date: true,
                ..Grouping::default()
            };
            let filter = Filter {
                store: store.map(str::to_string),
                ..Filter::default()
            };
            let days = gate.kpi(by_date, &filter).await?;
            match days.iter().filter_map(|(k, _)| k.day).max() {
                Some(d) => d,
                None => today(),
            }
        }
    };
    let month_start = month_start(latest);
    Ok(Period {
        from: from.unwrap_or(month_start),
        to: to.unwrap_or_else(|| month_end(month_start)),
    })
}

fn today() -> i32 {
    let now = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    let d = now.date();
    kefu_domain::time::days_from_civil(i64::from(d.year()), d.month() as u32, d.day() as u32) as i32
}

fn month_start(day: i32) -> i32 {
    let (y, m, _) = kefu_domain::time::civil_from_days(i64::from(day));
    kefu_domain::time::days_from_civil(y, m, 1) as i32
}

fn month_end(start: i32) -> i32 {
    let (y, m, _) = kefu_domain::time::civil_from_days(i64::from(start));
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    kefu_domain::time::days_from_civil(ny, nm, 1) as i32 - 1
}

/// A figure's label in a language.
pub fn label(f: Figure, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => f.label_zh(),
        Lang::En => f.label_en(),
    }
}

/// A figure's value as shown on pages: shares in percent, seconds with one
/// decimal, money in yuan with thousands separators, `—` for null.
pub fn show(f: Figure, v: Option<&Value>) -> String {
    match v {
        Some(Value::Count(n)) => thousands(*n),
        Some(Value::Number(Some(x))) if f.is_rate() => format!("{:.1}%", x * 100.0),
        Some(Value::Number(Some(x))) => format!("{x:.1}"),
        Some(Value::Money(Some(fen))) => money(*fen),
        _ => "—".into(),
    }
}

/// Money as `¥1,234.50`.
pub fn money(fen: Fen) -> String {
    let text = fen.to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let n: i64 = digits.parse().unwrap_or(0);
    format!("{sign}¥{}.{frac}", thousands(n))
}

/// An integer with thousands separators.
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A figure's numeric value, for sorting and charts.
pub fn number(v: Option<&Value>) -> Option<f64> {
    match v {
        Some(Value::Count(n)) => Some(*n as f64),
        Some(Value::Number(x)) => *x,
        Some(Value::Money(Some(f))) => Some(f.0 as f64 / 100.0),
        _ => None,
    }
}

/// A KPI card: a figure, its value and its target.
#[derive(Debug, Clone)]
pub struct Card {
    /// The spec name.
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// The value shown.
    pub value: String,
    /// The target shown (`≤ 20`), empty without one.
    pub target: String,
    /// `met`, `missed` or empty (no target, or no value).
    pub status: &'static str,
    /// The target says how many stores met their own contracts' (the
    /// card shows it as it is).
    pub per_store: bool,
}

/// The figures shown as cards, in order.
pub const CARD_FIGURES: [Figure; 10] = [
    Figure::ConsultBuyers,
    Figure::Sessions,
    Figure::FirstResponseS,
    Figure::AvgResponseS,
    Figure::Reply3minRate,
    Figure::ReplyRate,
    Figure::OrderConversion,
    Figure::Sales,
    Figure::SatisfiedRate,
    Figure::UnansweredSessions,
];

/// The figures of one store in view with the service targets of its
/// contract ([`kefu_app::Gate::store_targets`]).
#[derive(Debug, Clone, Copy)]
pub struct StoreFigures<'a> {
    /// The targets of the contract covering the store (the defaults
    /// without one).
    pub targets: &'a [Target],
    /// The store's figures over the period.
    pub row: &'a kefu_kpi::Row,
}

/// How a figure's card is checked against the stores' targets.
enum CardTarget<'a> {
    /// No store has a target on the figure.
    None,
    /// Every store has this one: checked on the total.
    Same(&'a Target),
    /// The stores' contracts differ: each store against its own.
    PerStore,
}

fn card_target<'a>(figure: &str, stores: &[StoreFigures<'a>]) -> CardTarget<'a> {
    let of = |s: &StoreFigures<'a>| s.targets.iter().find(|t| t.figure == figure);
    let mut found = stores.iter().map(of);
    let Some(first) = found.next() else {
        return match default_target(figure) {
            Some(t) => CardTarget::Same(t),
            None => CardTarget::None,
        };
    };
    let all_same = found.all(|t| t == first);
    match (first, all_same) {
        (None, true) => CardTarget::None,
        (Some(t), true) => CardTarget::Same(t),
        _ => CardTarget::PerStore,
    }
}

/// The cards of a dashboard: the total's figures, each against the
/// service targets of the contracts of the stores in view. Where those
/// agree the total is checked against them (`≤ 20`); where they differ
/// each store is checked against its own and the card says how many met
/// them (`3/5 店达标`). Without stores (no data) the default targets apply.
pub fn cards(row: Option<&kefu_kpi::Row>, stores: &[StoreFigures<'_>], lang: Lang) -> Vec<Card> {
    CARD_FIGURES
        .iter()
        .map(|&f| {
            let v = row.and_then(|r| r.get(f));
            let per_store = matches!(card_target(f.name(), stores), CardTarget::PerStore);
            let (target, status) = match card_target(f.name(), stores) {
                CardTarget::None => (String::new(), ""),
                CardTarget::Same(t) => {
                    let status = match number(v) {
                        Some(x) if t.met(x) => "met",
                        Some(_) => "missed",
                        None => "",
                    };
                    (t.text(), status)
                }
                CardTarget::PerStore => {
                    let checked: Vec<bool> = stores
                        .iter()
                        .filter_map(|s| {
                            let t = s.targets.iter().find(|t| t.figure == f.name())?;
                            Some(t.met(number(s.row.get(f))?))
                        })
                        .collect();
                    let met = checked.iter().filter(|m| **m).count();
                    let text = match lang {
                        Lang::Zh => format!("各店按合同目标：{met}/{} 店达标", checked.len()),
                        Lang::En => format!("each store's contract: {met}/{} met", checked.len()),
                    };
                    let status = match checked.len() {
                        0 => "",
                        n if met == n => "met",
                        _ => "missed",
                    };
                    (text, status)
                }
            };
            Card {
                name: f.name(),
                label: label(f, lang),
                value: show(f, v),
                target,
                status,
                per_store,
            }
        })
        .collect()
}

/// The role's label in a language.
pub fn role_label(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => role.zh(),
        Lang::En => role.as_str(),
    }
}

/// The bound of a figure's service target shared by every store in view
/// (the default without stores), for a chart's target line; `None` when
/// the stores' contracts differ or none has one.
pub fn target_bound(f: Figure, stores: &[StoreFigures<'_>]) -> Option<f64> {
    match card_target(f.name(), stores) {
        CardTarget::Same(t) => Some(t.bound),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_target_names_a_figure() {
        for t in kefu_domain::targets::DEFAULT_TARGETS {
            assert!(Figure::from_name(t.figure).is_some(), "{}", t.figure);
        }
        assert_eq!(target_bound(Figure::FirstResponseS, &[]), Some(20.0));
    }
}
