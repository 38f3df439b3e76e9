//! Writing contracts back as the TOML of spec `contracts.md` §5, in the
//! layout of the spec's example, so that an exported file imports again
//! to the same terms.

use crate::file::ClientTerms;
use crate::terms::{Charge, SalesSource, Terms};
use std::fmt::Write;

fn q(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// The TOML of these clients and contract versions (each version a
/// `[[contract]]` with its `version_from`). `running` gives, per version,
/// the state and first day served of a contract already running, and the
/// last day served under a notice.
pub fn write(clients: &[ClientTerms], versions: &[(Terms, Option<jiff::civil::Date>)]) -> String {
    let mut out = String::new();
    for c in clients {
        let stores: Vec<String> = c.stores.iter().map(|s| q(s)).collect();
        let _ = writeln!(
            out,
            "[[client]]\nname = {}\nstores = [{}]\n",
            q(&c.name),
            stores.join(", ")
        );
    }
    for (t, last_served) in versions {
        write_contract(&mut out, t, *last_served);
    }
    out
}

fn write_contract(out: &mut String, t: &Terms, last_served: Option<jiff::civil::Date>) {
    let stores: Vec<String> = t.stores.iter().map(|s| q(s)).collect();
    let _ = writeln!(out, "[[contract]]");
    let _ = writeln!(out, "id = {}", q(&t.id));
    let _ = writeln!(out, "client = {}", q(&t.client));
    let _ = writeln!(out, "type = {}", q(t.kind.as_str()));
    let _ = writeln!(out, "stores = [{}]", stores.join(", "));
    let _ = writeln!(out, "start = \"{}\"\nend = \"{}\"", t.start, t.end);
    let _ = writeln!(out, "version_from = \"{}\"", t.version_from);
    if let Some((state, first)) = t.running {
        let _ = writeln!(
            out,
            "state = \"{}\"\nservice_start = \"{first}\"",
            state.as_str()
        );
        if let Some(last) = last_served {
            let _ = writeln!(out, "last_served = \"{last}\"");
        }
    }
    let _ = writeln!(out, "service_hours = {}", q(&t.service_hours));
    let _ = writeln!(
        out,
        "tax_rate = \"{}\"\ntax_inclusive = {}",
        t.tax_rate, t.tax_inclusive
    );
    let _ = writeln!(out, "payment_day = {}", t.payment_day);
    let _ = writeln!(
        out,
        "notice_days = {}\nseat_notice_days = {}",
        t.notice_days, t.seat_notice_days
    );
    let _ = writeln!(out, "trial_months = {}", t.trial_months);
    let _ = writeln!(out, "annual_base_fee = \"{}\"", t.annual_base_fee);
    if let Some(d) = t.deposit {
        let _ = writeln!(
            out,
            "deposit = {{ amount = \"{}\", kind = \"{}\" }}",
            d.amount,
            d.kind.as_str()
        );
    }
    let targets: Vec<String> = t
        .targets
        .iter()
        .map(|g| format!("{} = {}", g.figure, toml::Value::Float(g.bound)))
        .collect();
    let _ = writeln!(out, "targets = {{ {} }}", targets.join(", "));
    let seats: Vec<String> = t
        .seats
        .iter()
        .map(|s| {
            format!(
                "{{ role = \"{}\", count = {}, from = \"{}\" }}",
                s.role.as_str(),
                s.count,
                s.from
            )
        })
        .collect();
    let _ = writeln!(out, "seats = [{}]", seats.join(", "));
    if !t.confidentiality.is_empty() {
        let _ = writeln!(out, "confidentiality = {}", q(&t.confidentiality));
    }
    if !t.force_majeure.is_empty() {
        let _ = writeln!(out, "force_majeure = {}", q(&t.force_majeure));
    }
    for c in &t.charges {
        let _ = writeln!(out, "\n[[contract.charge]]\nkind = \"{}\"", c.kind());
        match c {
            Charge::Seat {
                role,
                monthly_price,
            } => {
                let _ = writeln!(
                    out,
                    "role = \"{}\"\nmonthly_price = \"{monthly_price}\"",
                    role.as_str()
                );
            }
            Charge::Commission {
                monthly_base,
                rate,
                sales,
            } => {
                let _ = writeln!(out, "monthly_base = \"{monthly_base}\"\nrate = \"{rate}\"");
                if *sales == SalesSource::Declared {
                    let _ = writeln!(out, "sales = \"declared\"");
                }
            }
            Charge::PerInquiry { tiers } => {
                let shown: Vec<String> = tiers
                    .iter()
                    .map(|t| match t.up_to {
                        Some(u) => format!("{{ up_to = {u}, price = \"{}\" }}", t.price),
                        None => format!("{{ price = \"{}\" }}", t.price),
                    })
                    .collect();
                let _ = writeln!(out, "tiers = [{}]", shown.join(", "));
            }
            Charge::Promotion { bookings } => {
                let shown: Vec<String> = bookings
                    .iter()
                    .map(|b| {
                        let on = b.booked_on.map(|d| format!(", booked_on = \"{d}\"")).unwrap_or_default();
                        format!(
                            "{{ from = \"{}\", to = \"{}\", seats = {}, seat_day_price = \"{}\"{on} }}",
                            b.from, b.to, b.seats, b.seat_day_price
                        )
                    })
                    .collect();
                let _ = writeln!(out, "bookings = [{}]", shown.join(", "));
            }
            Charge::Fixed { name, monthly } => {
                let _ = writeln!(out, "name = {}\nmonthly = \"{monthly}\"", q(name));
            }
        }
    }
    out.push('\n');
}
