//! The demo's workforce plan: the hard rules of `spec/wfm.md` §3, leave,
//! `roster.csv` and `agents.csv`, and chats answered by agents on duty.

use crate::common;

use common::{NOV_1, clock, date, day_of, november, opts, records, time, with_history};
use kefu_demo::{DemoPlan, DemoShift, plan, scale};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A template's on-duty minutes as (start, end) pieces from its day's
/// midnight (an end at or before the start runs past midnight), and its
/// paid minutes.
fn pieces(s: &DemoShift) -> (Vec<(i64, i64)>, i64) {
    let start = clock(&s.start);
    let mut end = clock(&s.end);
    if end <= start {
        end += 24 * 60;
    }
    let mut out = Vec::new();
    let mut cur = start;
    for b in &s.breaks {
        let (mut b0, mut b1) = (clock(&b.start), clock(&b.end));
        if b0 < start {
            (b0, b1) = (b0 + 1440, b1 + 1440);
        }
        assert!(cur <= b0 && b0 < b1 && b1 <= end, "{s:?}");
        out.push((cur, b0));
        cur = b1;
    }
    out.push((cur, end));
    let paid = out.iter().map(|p| p.1 - p.0).sum();
    (out, paid)
}

/// Checks every hard rule of wfm.md §3 (defaults) on a plan.
fn check_rules(p: &DemoPlan) {
    let templates: HashMap<&str, &DemoShift> =
        p.shifts.iter().map(|s| (s.code.as_str(), s)).collect();
    let (first, last) = (date(&p.first_day), date(&p.last_day));
    let agents: HashMap<&str, _> = p.agents.iter().map(|a| (a.person.as_str(), a)).collect();
    assert_eq!(agents.len(), p.agents.len(), "one person per account");
    let mut by_person: BTreeMap<&str, BTreeMap<i64, &str>> = BTreeMap::new();
    for a in &p.assignments {
        let agent = agents[a.person.as_str()];
        assert_eq!(
            (&a.store, &a.skill),
            (&agent.store, &agent.role),
            "qualified"
        );
        assert!(templates.contains_key(a.shift.as_str()), "{}", a.shift);
        let day = date(&a.date);
        assert!((first..=last).contains(&day));
        let days = by_person.entry(&a.person).or_default();
        assert!(days.insert(day, &a.shift).is_none(), "one shift a day");
        assert!(!agent.leave.contains(&a.date), "no shift on leave");
    }
    for (person, days) in &by_person {
        let mut week_hours: BTreeMap<i64, i64> = BTreeMap::new();
        let mut prev: Option<(i64, i64)> = None;
        let mut run = 0;
        for (&day, &code) in days {
            let (on, paid) = pieces(templates[code]);
            *week_hours.entry((day - first) / 7).or_default() += paid;
            let start = day * 1440 + on[0].0;
            let end = day * 1440 + on[on.len() - 1].1;
            if let Some((prev_day, prev_end)) = prev {
                assert!(start - prev_end >= 12 * 60, "{person} rests before {day}");
                run = if prev_day + 1 == day { run + 1 } else { 1 };
            } else {
                run = 1;
            }
            assert!(run <= 6, "{person}: {run} days in a row");
            prev = Some((day, end));
        }
        for (week, minutes) in week_hours {
            assert!(minutes <= 44 * 60, "{person} week {week}: {minutes}");
        }
    }
}

#[test]
fn shift_templates() {
    let p = plan(&opts(1_000, 1, 13));
    let codes: Vec<(&str, &str, &str, &str)> = p
        .shifts
        .iter()
        .map(|s| {
            (
                s.code.as_str(),
                s.name.as_str(),
                s.start.as_str(),
                s.end.as_str(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("E", "早班", "08:00", "16:30"),
            ("M", "中班", "11:00", "20:00"),
            ("L", "晚班", "15:30", "24:00"),
            ("N", "大促夜班", "18:00", "02:30")
        ]
    );
    for s in &p.shifts {
        assert_eq!(pieces(s).1, 8 * 60, "{}", s.code);
    }
    assert_eq!(
        (
            p.shifts[0].breaks[0].start.as_str(),
            p.shifts[0].breaks[0].end.as_str()
        ),
        ("12:00", "12:30")
    );
    assert_eq!(
        (p.first_day.as_str(), p.last_day.as_str()),
        ("2026-08-02", "2026-11-30")
    );
    let p0 = plan(&opts(1_000, 1, 0));
    assert_eq!(
        (p0.first_day.as_str(), p0.last_day.as_str()),
        ("2026-11-01", "2026-11-30")
    );
    assert!(
        p0.assignments
            .iter()
            .all(|a| a.date.starts_with("2026-11-"))
    );
}

#[test]
fn schedule_keeps_the_hard_rules() {
    check_rules(&plan(&with_history().opts));
    check_rules(&plan(&november().opts));
    check_rules(&plan(&opts(1_000_000, 3, 13)));
    check_rules(&plan(&opts(200_000, 9, 30)));
}

#[test]
fn agents_leave_and_full_weeks() {
    let o = opts(1_000_000, 3, 13);
    let p = plan(&o);
    assert_eq!(p.agents.len(), scale(&o).1);
    let persons: HashSet<&str> = p.agents.iter().map(|a| a.person.as_str()).collect();
    assert_eq!(persons.len(), p.agents.len());
    let on_leave = p.agents.iter().filter(|a| !a.leave.is_empty()).count();
    assert!((8..=35).contains(&on_leave), "{on_leave}");
    let first = date(&p.first_day);
    let mut worked: HashMap<(&str, i64), i64> = HashMap::new();
    for a in &p.assignments {
        *worked
            .entry((a.person.as_str(), (date(&a.date) - first) / 7))
            .or_default() += 1;
    }
    for a in &p.agents {
        assert_eq!(a.contract_hours, 40);
        assert!(["presale", "aftersale"].contains(&a.role.as_str()));
        assert_eq!(
            a.role == "aftersale",
            a.account.contains("售后"),
            "{}",
            a.account
        );
        let team = if a.role == "presale" {
            "售前组"
        } else {
            "售后组"
        };
        assert_eq!(a.team, format!("{} {team}", a.store));
        assert!(a.leave.len() <= 3);
        let leave_weeks: HashSet<i64> = a.leave.iter().map(|d| (date(d) - first) / 7).collect();
        // Five shifts (40 paid hours) in every whole week without leave.
        for week in 0..17 {
            if !leave_weeks.contains(&week) {
                assert_eq!(
                    worked.get(&(a.person.as_str(), week)),
                    Some(&5),
                    "{} {week}",
                    a.person
                );
            }
        }
    }
}

#[test]
fn stores_are_covered() {
    let p = plan(&opts(200_000, 1, 13));
    let mut store_days: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for a in &p.assignments {
        store_days
            .entry((&a.store, &a.date))
            .or_default()
            .push(&a.shift);
    }
    let stores: HashSet<&str> = p.agents.iter().map(|a| a.store.as_str()).collect();
    let days = 13 * 7 + 30;
    assert!(
        store_days.len() * 100 >= stores.len() * days * 97,
        "a store has someone planned on almost every day: {}",
        store_days.len()
    );
    // Three agents or more share out all three shifts on most days.
    let three: Vec<HashSet<&str>> = store_days
        .values()
        .filter(|s| s.len() >= 3)
        .map(|s| s.iter().copied().collect())
        .collect();
    let all = three.iter().filter(|s| s.len() == 3).count();
    assert!(all * 10 > three.len() * 7, "{all} of {}", three.len());
    // Two agents: an early and a late shift.
    let two: Vec<&Vec<&str>> = store_days.values().filter(|s| s.len() == 2).collect();
    let early_late = two
        .iter()
        .filter(|s| s.contains(&"E") && s.contains(&"L"))
        .count();
    assert!(
        early_late * 10 > two.len() * 7,
        "{early_late} of {}",
        two.len()
    );
}

/// Share of human agent messages written while their agent was on a
/// planned shift, breaks excluded.
fn share_on_duty(messages: &[u8], p: &DemoPlan, weeks: u32) -> f64 {
    let person: HashMap<&str, &str> = p
        .agents
        .iter()
        .map(|a| (a.account.as_str(), a.person.as_str()))
        .collect();
    let templates: HashMap<&str, Vec<(i64, i64)>> = p
        .shifts
        .iter()
        .map(|s| (s.code.as_str(), pieces(s).0))
        .collect();
    let mut shift: HashMap<(&str, i64), &str> = HashMap::new();
    for a in &p.assignments {
        shift.insert((a.person.as_str(), date(&a.date)), a.shift.as_str());
    }
    let (mut on, mut all) = (0u64, 0u64);
    for r in records(messages) {
        if &r[3] != "agent" || !["text", "card", "invite_rating"].contains(&&r[7]) {
            continue;
        }
        let t = time(&r[5], weeks);
        let (day, minute) = (day_of(t), t.rem_euclid(86_400) / 60);
        let who = person[&r[4]];
        let covered = [(day, minute), (day - 1, minute + 1440)]
            .iter()
            .any(|&(d, m)| {
                shift
                    .get(&(who, d))
                    .is_some_and(|code| templates[code].iter().any(|&(a, b)| a <= m && m < b))
            });
        on += u64::from(covered);
        all += 1;
    }
    assert!(all > 1_000, "{all}");
    on as f64 / all as f64
}

#[test]
fn chats_go_to_agents_on_duty() {
    for d in [with_history(), november()] {
        let share = share_on_duty(&d.messages, &plan(&d.opts), d.opts.weeks);
        assert!((0.9..0.995).contains(&share), "{share}");
    }
}

#[test]
fn plan_files_hold_the_plan() {
    let d = with_history();
    let p = plan(&d.opts);
    let roster = records(&d.roster);
    assert_eq!(roster.len(), p.assignments.len());
    for (r, a) in roster.iter().zip(&p.assignments) {
        assert_eq!(
            (&r[0], &r[1], &r[2], &r[3], &r[4]),
            (
                a.person.as_str(),
                a.date.as_str(),
                a.shift.as_str(),
                a.store.as_str(),
                a.skill.as_str()
            )
        );
    }
    let dates: Vec<i64> = roster.iter().map(|r| date(&r[1])).collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "by date");
    assert_eq!(dates.first(), Some(&(day_of(NOV_1) - 91)));
    let agents = records(&d.agents);
    assert_eq!(agents.len(), p.agents.len());
    assert_eq!(agents.len(), d.summary.agents);
    for (r, a) in agents.iter().zip(&p.agents) {
        assert_eq!(
            (&r[0], &r[1], &r[2], &r[3], &r[4]),
            (
                a.person.as_str(),
                a.store.as_str(),
                a.account.as_str(),
                a.role.as_str(),
                a.team.as_str()
            )
        );
        assert_eq!(&r[5], "40");
        assert_eq!(r[6], a.leave.join(";"));
        for day in r[6].split(';').filter(|s| !s.is_empty()) {
            date(day);
        }
    }
    let accounts: HashSet<String> = records(&d.messages)
        .iter()
        .filter(|r| &r[3] == "agent")
        .map(|r| r[4].to_string())
        .collect();
    let planned: HashSet<String> = p.agents.iter().map(|a| a.account.clone()).collect();
    assert_eq!(accounts, planned);
}

#[test]
fn all_hands_for_11_11_and_evenings_shared() {
    let p = plan(&opts(200_000, 1, 13));
    for day in ["2026-11-10", "2026-11-11"] {
        let working: HashSet<&str> = p
            .assignments
            .iter()
            .filter(|a| a.date == day)
            .map(|a| a.person.as_str())
            .collect();
        assert_eq!(working.len(), p.agents.len(), "no one off on {day}");
    }
    let mut evenings: HashMap<&str, (u32, u32)> = HashMap::new();
    for a in &p.assignments {
        let e = evenings.entry(a.person.as_str()).or_default();
        e.0 += u32::from(a.shift == "L" || a.shift == "N");
        e.1 += 1;
    }
    for a in &p.agents {
        let others = p.agents.iter().filter(|b| b.store == a.store).count();
        let (late, all) = evenings[a.person.as_str()];
        let share = f64::from(late) / f64::from(all);
        if others >= 3 {
            assert!((0.2..0.6).contains(&share), "{} {share}", a.person);
        }
    }
}
