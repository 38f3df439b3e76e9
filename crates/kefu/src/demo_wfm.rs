//! The demo's workforce (`serve --demo`, `kefu demo --load`): its agents
//! put on their stores, trained, with a passed assessment, the planning settings with
//! the demo's shifts, contract hours and leave, the plan the demo's agents
//! worked to stored as one roster per four weeks (so adherence has something to
//! compare), and a roster solved from the database for the four weeks after
//! the data.

use kefu_app::Gate;
use kefu_db::billing::StoreAgent;
use kefu_demo::DemoPlan;
use kefu_wfm::plan::{instance_toml, requirements_csv};
use kefu_wfm::roster::{format_date, parse_date};

/// Iterations of the search for the demo's December roster.
const DEMO_ITERATIONS: u64 = 300_000;

/// Stores the demo's workforce; returns the number of the roster solved.
pub async fn seed(gate: &Gate, plan: &DemoPlan) -> anyhow::Result<Option<i64>> {
    let trained = kefu_app::contracts::parse_date("on", "2026-07-15")?;
    let assessed = kefu_app::contracts::parse_date("on", "2026-07-20")?;
    for a in &plan.agents {
        gate.save_store_agent(&StoreAgent {
            store: a.store.clone(),
            agent: a.person.clone(),
            account: a.account.clone(),
            team: Some(a.team.clone()),
            role: a.role.clone(),
        })
        .await?;
        gate.record_training(
            &a.person,
            &a.store,
            trained,
            "店铺商品与话术 products and scripts",
        )
        .await?;
        gate.record_assessment(&a.person, &a.store, assessed, 90.0, 80.0)
            .await?;
    }
    gate.save_plan_settings(&settings_text(plan)).await?;
    let (Some(first), Some(last)) = (parse_date(&plan.first_day), parse_date(&plan.last_day))
    else {
        anyhow::bail!(
            "the demo plan's span {} – {}",
            plan.first_day,
            plan.last_day
        );
    };
    // Four weeks a roster, from the demo's first day: weeks (and the
    // rules counted per week) run as the demo's agents worked them.
    let mut from = first;
    while from <= last {
        let to = (from + 27).min(last);
        let days = (to - from + 1) as u32;
        let instance = gate.roster_instance(from, days).await?;
        let mut csv = String::from("agent,date,shift,store,skill\n");
        for a in plan
            .assignments
            .iter()
            .filter(|a| parse_date(&a.date).is_some_and(|d| (from..=to).contains(&d)))
        {
            csv.push_str(&format!(
                "{},{},{},{},{}\n",
                a.person, a.date, a.shift, a.store, a.skill
            ));
        }
        let note = format!(
            "演示客服的排班 the demo agents' plan, {} – {}",
            format_date(from),
            format_date(to)
        );
        gate.import_roster(
            &instance_toml(&instance),
            &requirements_csv(&instance),
            &csv,
            &note,
        )
        .await?;
        from = to + 1;
    }
    let (id, _) = gate
        .plan_roster(last + 1, 28, DEMO_ITERATIONS, true)
        .await?;
    Ok(id)
}

/// The planning settings of the demo: the rules of §3, the demo's shift
/// templates, each agent's contract hours and leave.
fn settings_text(plan: &DemoPlan) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::from(
        "# 演示排班设置 the demo's planning settings\ninterval_minutes = 30\nforecast_weeks = 4\n\n\
         [rules]\nmax_week_hours = 44\nmin_rest_hours = 12\nmax_consecutive_days = 6\n",
    );
    for s in &plan.shifts {
        let breaks: Vec<String> = s
            .breaks
            .iter()
            .map(|b| format!("{{ start = {}, end = {} }}", q(&b.start), q(&b.end)))
            .collect();
        out.push_str(&format!(
            "\n[[shift]]\ncode = {}   # {}\nstart = {}\nend = {}\nbreaks = [{}]\n",
            q(&s.code),
            s.name,
            q(&s.start),
            q(&s.end),
            breaks.join(", ")
        ));
    }
    for a in &plan.agents {
        let leave: Vec<String> = a.leave.iter().map(|d| q(d)).collect();
        out.push_str(&format!(
            "\n[[agent]]\nname = {}\ncontract_hours = {}\nleave = [{}]\n",
            q(&a.person),
            a.contract_hours,
            leave.join(", ")
        ));
    }
    out
}
