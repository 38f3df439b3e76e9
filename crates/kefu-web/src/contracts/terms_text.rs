//! A contract's terms as sentences for its page and its printed summary,
//! in the viewer's language: charges with their prices, seats, deposit,
//! targets and the other terms of `contracts.md` §1.

use crate::i18n::Lang;
use kefu_contract::terms::SalesSource;
use kefu_contract::{Charge, State, Terms};

/// A state's name in a language.
pub fn state_label(s: State, lang: Lang) -> String {
    match lang {
        Lang::Zh => s.zh().to_string(),
        Lang::En => s.as_str().replace('_', " "),
    }
}

/// One charge as a sentence.
pub fn charge(c: &Charge, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match c {
        Charge::Seat {
            role,
            monthly_price,
        } => {
            if zh {
                format!(
                    "专人专席（{}）：每席每月 ¥{monthly_price}，按在岗席位天数折算",
                    role.zh()
                )
            } else {
                format!(
                    "Dedicated seats ({}): ¥{monthly_price} a seat a month, by seat-days",
                    role.as_str()
                )
            }
        }
        Charge::Commission {
            monthly_base,
            rate,
            sales,
        } => {
            let pct = rate.percent();
            let source = match (sales, zh) {
                (SalesSource::Orders, true) => "当月付款减当月退款",
                (SalesSource::Orders, false) => "paid in the month less refunds",
                (SalesSource::Declared, true) => "甲方申报的销售额",
                (SalesSource::Declared, false) => "sales the client declares",
            };
            if zh {
                format!(
                    "低底薪+提成：每月底薪 ¥{monthly_base}，提成 {pct}% × 店铺销售额（{source}）"
                )
            } else {
                format!(
                    "Low base + commission: ¥{monthly_base} a month plus {pct}% of store sales ({source})"
                )
            }
        }
        Charge::PerInquiry { tiers } => {
            let mut parts = Vec::new();
            let mut from = 0u64;
            for t in tiers {
                parts.push(match (t.up_to, zh) {
                    (Some(u), true) => format!("第 {}–{u} 个 ¥{}", from + 1, t.price),
                    (Some(u), false) => format!("sessions {}–{u} at ¥{}", from + 1, t.price),
                    (None, true) => format!("其余 ¥{}", t.price),
                    (None, false) => format!("the rest at ¥{}", t.price),
                });
                from = t.up_to.unwrap_or(from);
            }
            if zh {
                format!("按咨询量（人工会话）：{}", parts.join("，"))
            } else {
                format!("Per inquiry (manual sessions): {}", parts.join(", "))
            }
        }
        Charge::Promotion { bookings } => {
            let list: Vec<String> = bookings
                .iter()
                .map(|b| {
                    if zh {
                        format!(
                            "{}–{} 加 {} 席，每席每天 ¥{}",
                            b.from, b.to, b.seats, b.seat_day_price
                        )
                    } else {
                        format!(
                            "{}–{}: {} extra seats at ¥{} a seat-day",
                            b.from, b.to, b.seats, b.seat_day_price
                        )
                    }
                })
                .collect();
            if zh {
                format!("大促：{}", list.join("；"))
            } else {
                format!("Promotion: {}", list.join("; "))
            }
        }
        Charge::Fixed { name, monthly } => {
            if zh {
                format!("固定费用「{name}」：每月 ¥{monthly}")
            } else {
                format!("Fixed fee '{name}': ¥{monthly} a month")
            }
        }
    }
}

/// The figure of a target with its bound, e.g. `首次响应（秒） ≤ 20`.
pub fn target(figure: &str, at_most: bool, bound: f64, lang: Lang) -> String {
    let name = figure_label(figure, lang);
    format!("{name} {} {bound}", if at_most { "≤" } else { "≥" })
}

/// A target figure's label (a KPI figure, or the QA score).
pub fn figure_label(figure: &str, lang: Lang) -> String {
    if figure == "qa_score" {
        return lang.t("质检得分", "QA score").to_string();
    }
    match kefu_kpi::report::Figure::from_name(figure) {
        Some(f) => crate::view::label(f, lang).to_string(),
        None => figure.to_string(),
    }
}

/// The terms as (label, value) rows, in the order the summary prints them.
pub fn rows(t: &Terms, lang: Lang) -> Vec<(String, String)> {
    let l = |zh: &str, en: &str| lang.t(zh, en).to_string();
    let zh = lang == Lang::Zh;
    let mut out = vec![
        (l("合同编号", "Contract"), t.id.clone()),
        (l("甲方", "Client (Party A)"), t.client.clone()),
        (
            l("合同类型", "Type"),
            if zh {
                t.kind.zh().to_string()
            } else {
                format!("{} ({})", t.kind.as_str(), t.kind.zh())
            },
        ),
        (l("服务店铺", "Stores"), t.stores.join("、")),
        (l("合同期限", "Term"), format!("{} – {}", t.start, t.end)),
        (
            l("本版本生效", "This version from"),
            t.version_from.to_string(),
        ),
        (l("服务时间", "Service hours"), t.service_hours.clone()),
        (
            l("年度基础服务费", "Annual base fee"),
            format!("¥{}", t.annual_base_fee),
        ),
    ];
    let deposit = match &t.deposit {
        Some(d) if zh => format!("¥{}（{}）", d.amount, d.kind.zh()),
        Some(d) => format!("¥{} ({}, {})", d.amount, d.kind.as_str(), d.kind.zh()),
        None => l("无", "none"),
    };
    out.push((l("保证金", "Deposit"), deposit));
    let seats: Vec<String> = t
        .seats
        .iter()
        .map(|s| match zh {
            true => format!("{}起 {} {} 席", s.from, s.role.zh(), s.count),
            false => format!("{} {} seats from {}", s.count, s.role.as_str(), s.from),
        })
        .collect();
    if !seats.is_empty() {
        out.push((l("席位", "Seats"), seats.join("；")));
    }
    for c in &t.charges {
        out.push((l("计费", "Charge"), charge(c, lang)));
    }
    let tax = if t.tax_inclusive {
        l("含税价", "prices include tax")
    } else {
        l("不含税价", "prices exclude tax")
    };
    out.push((
        l("税率", "Tax"),
        format!("{}%，{tax}", t.tax_rate.percent()),
    ));
    out.push((
        l("试用期", "Trial"),
        if zh {
            format!("服务首日起 {} 个月", t.trial_months)
        } else {
            format!("{} month(s) from the first day served", t.trial_months)
        },
    ));
    out.push((
        l("结算", "Settlement"),
        if zh {
            format!("次月 1 日结算上月，{} 日前付款", t.payment_day)
        } else {
            format!(
                "settled on the 1st for the month before, due by day {}",
                t.payment_day
            )
        },
    ));
    out.push((
        l("通知期", "Notice"),
        if zh {
            format!(
                "解约提前 {} 天书面通知；增加席位提前 {} 天",
                t.notice_days, t.seat_notice_days
            )
        } else {
            format!(
                "{} days' written notice to end; {} days to add seats",
                t.notice_days, t.seat_notice_days
            )
        },
    ));
    let targets: Vec<String> = t
        .targets
        .iter()
        .map(|x| target(&x.figure, x.at_most, x.bound, lang))
        .collect();
    if !targets.is_empty() {
        out.push((l("服务目标", "Service targets"), targets.join("；")));
    }
    out
}
