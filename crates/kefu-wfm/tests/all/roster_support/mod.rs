//! A seeded generator of roster instances for the solver's tests: stores,
//! two skills, agents with random qualifications, leave, preferences and
//! dedicated seats, the four shifts of the spec and requirements rising at
//! 20:00–22:00. The instance is written as TOML and CSV and read back, so
//! the reader is exercised on every size. Also the checks every roster of
//! the solver must pass.

#![allow(dead_code)]

use kefu_wfm::roster::{
    Instance, Solution, coverage, evaluate, format_date, format_time, lower_bound, validate,
};
use std::fmt::Write;

/// Monday 2026-12-07.
pub const START: i32 = 20794;

/// The size of a generated instance.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub stores: usize,
    pub agents: usize,
    pub days: u32,
    /// Requirements relative to what the agents can cover (1 ≈ tight).
    pub load: f64,
    pub seed: u64,
}

/// SplitMix64.
pub struct Random(u64);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(seed ^ 0x5eed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

pub const SHIFTS: &str = r#"
[[shift]]
code = "E"
start = "08:00"
end = "16:30"
breaks = [{ start = "12:00", end = "12:30" }]

[[shift]]
code = "L"
start = "15:30"
end = "24:00"

[[shift]]
code = "M"
start = "11:00"
end = "20:00"

[[shift]]
code = "P"
start = "19:00"
end = "24:00"
"#;

/// The instance's TOML and requirements CSV.
pub fn texts(shape: Shape) -> (String, String) {
    let mut r = Random::new(shape.seed);
    let store = |s: usize| format!("dy-{}", 1001 + s);
    let skills = ["presale", "aftersale"];
    let mut toml = format!(
        "start = \"{}\"\ndays = {}\nrequirements = \"required.csv\"\n{SHIFTS}",
        format_date(START),
        shape.days
    );
    for a in 0..shape.agents {
        let mut own: Vec<&str> = skills.iter().copied().filter(|_| r.chance(0.6)).collect();
        if own.is_empty() {
            own.push(skills[r.below(2) as usize]);
        }
        let mut stores: Vec<String> = (0..shape.stores)
            .filter(|_| r.chance(0.5))
            .map(store)
            .collect();
        if stores.is_empty() {
            stores.push(store(r.below(shape.stores as u64) as usize));
        }
        let days = |r: &mut Random, most: u64| -> Vec<String> {
            (0..r.below(most + 1))
                .map(|_| {
                    format!(
                        "\"{}\"",
                        format_date(START + r.below(u64::from(shape.days)) as i32)
                    )
                })
                .collect()
        };
        let leave = days(&mut r, 3);
        let prefer_off = days(&mut r, 2);
        let quote = |v: &[String]| {
            v.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = write!(
            toml,
            "\n[[agent]]\nname = \"agent-{a:03}\"\nskills = [{}]\nstores = [{}]\ncontract_hours = {}\nleave = [{}]\nprefer_off = [{}]\n",
            own.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", "),
            quote(&stores),
            if r.chance(0.8) { 40 } else { 24 },
            leave.join(", "),
            prefer_off.join(", "),
        );
        if r.chance(0.15) {
            let seat = &stores[r.below(stores.len() as u64) as usize];
            let _ = writeln!(toml, "dedicated = \"{seat}\"");
        }
    }
    let _ = write!(toml, "\n[[store]]\ncode = \"{}\"\npriority = 2\n", store(0));
    // About 9 agents on duty across 6 posts for 30 agents at load 1.
    let per_post = shape.agents as f64 / 20.0 * shape.load * 3.0 / shape.stores as f64;
    let mut csv = String::from("store,skill,date,interval,agents\n");
    for s in 0..shape.stores {
        for skill in skills {
            let level = per_post * (0.5 + r.below(100) as f64 / 100.0);
            for d in 0..shape.days {
                let weekend = (d % 7) >= 5;
                for slot in 16..48u32 {
                    let hour = slot / 2;
                    let shape_of_day = match hour {
                        8..=9 => 0.6,
                        20..=21 => 1.6,
                        22..=23 => 0.8,
                        _ => 1.0,
                    };
                    let bump = if weekend && skill == "presale" {
                        1.2
                    } else {
                        1.0
                    };
                    let agents = (level * shape_of_day * bump + 0.5).floor() as u32;
                    let _ = writeln!(
                        csv,
                        "{},{skill},{},{},{agents}",
                        store(s),
                        format_date(START + d as i32),
                        format_time(slot * 30)
                    );
                }
            }
        }
    }
    (toml, csv)
}

/// The instance read from [`texts`].
pub fn generate(shape: Shape) -> Instance {
    let (toml, csv) = texts(shape);
    match Instance::from_toml(&toml, &csv) {
        Ok(i) => i,
        Err(e) => panic!("{}\n{toml}", e.en()),
    }
}

/// Everything a roster must satisfy, checked from its assignments alone.
pub fn check(instance: &Instance, solution: &Solution) {
    let violations = validate(instance, &solution.assignments);
    let shown: Vec<String> = violations.iter().take(5).map(|v| v.en()).collect();
    assert!(
        violations.is_empty(),
        "{} violations: {shown:?}",
        violations.len()
    );
    assert_eq!(evaluate(instance, &solution.assignments), solution.score);
    let rows = coverage(instance, &solution.assignments);
    let open: Vec<_> = rows
        .iter()
        .filter(|r| r.gap > 0)
        .map(|r| (r.store.clone(), r.skill.clone(), r.date, r.interval, r.gap))
        .collect();
    let gaps: Vec<_> = solution
        .gaps
        .iter()
        .map(|g| (g.store.clone(), g.skill.clone(), g.date, g.interval, g.gap))
        .collect();
    assert_eq!(open, gaps);
    let uncovered: u64 = rows.iter().map(|r| u64::from(r.gap)).sum();
    assert_eq!(uncovered, solution.uncovered_intervals);
    assert!(
        solution
            .gaps
            .iter()
            .all(|g| g.reason.code() != "search_limit")
    );
    let bound = lower_bound(instance).map_err(|e| e.en());
    assert!(bound.is_ok_and(|b| b.uncovered_at_least <= uncovered));
}
