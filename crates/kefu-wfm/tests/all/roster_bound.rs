//! The strong lower bound (the aggregate relaxation): it never exceeds the
//! uncovered agent-intervals of rosters the solver finds, it is never below
//! the simple bound, and on small instances whose optimum is known by hand
//! it equals it.

use crate::roster_support;

use kefu_wfm::roster::{Budget, Instance, lower_bound, solve, strong_lower_bound};
use roster_support::{Shape, check, generate};

fn strong(instance: &Instance, iterations: usize) -> kefu_wfm::roster::LowerBound {
    strong_lower_bound(instance, iterations).unwrap_or_else(|e| panic!("{}", e.en()))
}

/// One agent, one store, one 8-hour shift (16 intervals on duty) and one
/// agent required on each of 7 days: 44 hours a week allow 5 shifts, so
/// two days stay open, 32 intervals (the simple bound counts hours only:
/// 112 − 88 = 24).
#[test]
fn one_agent_a_week() {
    let toml = "start = \"2026-12-07\"\ndays = 7\nrequirements = \"r.csv\"\n\
        [[shift]]\ncode = \"D\"\nstart = \"08:00\"\nend = \"16:00\"\n\
        [[agent]]\nname = \"a\"\nskills = [\"presale\"]\nstores = [\"s\"]\ncontract_hours = 40\n";
    let mut csv = String::from("store,skill,date,interval,agents\n");
    for d in 7..14 {
        for h in 8..16 {
            csv.push_str(&format!(
                "s,presale,2026-12-{d:02},{h:02}:00,1\ns,presale,2026-12-{d:02},{h:02}:30,1\n"
            ));
        }
    }
    let instance = Instance::from_toml(toml, &csv).unwrap_or_else(|e| panic!("{}", e.en()));
    let simple = lower_bound(&instance).map(|b| b.uncovered_at_least);
    assert_eq!(simple.ok(), Some(24));
    let b = strong(&instance, 4000);
    assert_eq!(b.uncovered_at_least, 32);
    let s =
        solve(&instance, &Budget::new(20_000, 1), None).unwrap_or_else(|e| panic!("{}", e.en()));
    assert_eq!(s.uncovered_intervals, 32);
}

/// Two stores, three agents: one may work both, the others one store
/// each; each store needs two agents 08:00–16:00 on one day. At most three
/// agents work: one store stays one agent short for 16 intervals, and with
/// priority 2 on the first store the weighted optimum leaves the second
/// short (16).
#[test]
fn three_agents_two_stores() {
    let toml = "start = \"2026-12-07\"\ndays = 1\nrequirements = \"r.csv\"\n\
        [[shift]]\ncode = \"D\"\nstart = \"08:00\"\nend = \"16:00\"\n\
        [[agent]]\nname = \"a\"\nskills = [\"presale\"]\nstores = [\"s\", \"t\"]\ncontract_hours = 40\n\
        [[agent]]\nname = \"b\"\nskills = [\"presale\"]\nstores = [\"s\"]\ncontract_hours = 40\n\
        [[agent]]\nname = \"c\"\nskills = [\"presale\"]\nstores = [\"t\"]\ncontract_hours = 40\n\
        [[store]]\ncode = \"s\"\npriority = 2\n";
    let mut csv = String::from("store,skill,date,interval,agents\n");
    for store in ["s", "t"] {
        for h in 8..16 {
            csv.push_str(&format!(
                "{store},presale,2026-12-07,{h:02}:00,2\n{store},presale,2026-12-07,{h:02}:30,2\n"
            ));
        }
    }
    let instance = Instance::from_toml(toml, &csv).unwrap_or_else(|e| panic!("{}", e.en()));
    let b = strong(&instance, 4000);
    assert_eq!(
        (b.uncovered_at_least, b.weighted_uncovered_at_least),
        (16, 16)
    );
    let s =
        solve(&instance, &Budget::new(20_000, 1), None).unwrap_or_else(|e| panic!("{}", e.en()));
    assert_eq!((s.uncovered_intervals, s.score.uncovered), (16, 16));
}

fn shapes() -> Vec<Shape> {
    [
        (20, 14, 1.0, 1),
        (30, 14, 1.3, 2),
        (25, 7, 0.6, 4),
        (30, 14, 1.6, 5),
    ]
    .into_iter()
    .map(|(agents, days, load, seed)| Shape {
        stores: 3,
        agents,
        days,
        load,
        seed,
    })
    .collect()
}

#[test]
fn never_above_the_solver_and_never_below_the_simple_bound() {
    let mut positive = 0;
    for shape in shapes() {
        let instance = generate(shape);
        let solution = solve(&instance, &Budget::new(30_000, shape.seed), None)
            .unwrap_or_else(|e| panic!("{}", e.en()));
        check(&instance, &solution);
        let simple = lower_bound(&instance).unwrap_or_else(|e| panic!("{}", e.en()));
        let b = strong(&instance, 1500);
        assert!(
            b.uncovered_at_least >= simple.uncovered_at_least,
            "{shape:?}"
        );
        assert!(
            b.uncovered_at_least <= solution.uncovered_intervals,
            "{shape:?}: {b:?} {}",
            solution.uncovered_intervals
        );
        assert!(
            b.weighted_uncovered_at_least as i64 <= solution.score.uncovered,
            "{shape:?}"
        );
        positive += usize::from(b.uncovered_at_least > simple.uncovered_at_least);
    }
    assert!(
        positive >= 2,
        "the relaxation improved on {positive} instances"
    );
}

/// 150 agents over 28 days at a tight load: the bound against the solver
/// (run in release mode, prints the figures).
#[test]
#[ignore]
fn a_large_instance_in_release_mode() {
    for load in [1.0, 1.3] {
        let shape = Shape {
            stores: 3,
            agents: 150,
            days: 28,
            load,
            seed: 11,
        };
        let instance = generate(shape);
        let t = std::time::Instant::now();
        let s = solve(&instance, &Budget::default(), None).unwrap_or_else(|e| panic!("{}", e.en()));
        let solved = t.elapsed();
        for iterations in [5_000, 20_000, 50_000] {
            let t = std::time::Instant::now();
            let b = strong(&instance, iterations);
            println!(
                "load {load}: solver {:.2?} uncovered {} (weighted {}); bound {iterations} it. {:.2?}: {} (weighted {}), simple {}; share {:.4}",
                solved,
                s.uncovered_intervals,
                s.score.uncovered,
                t.elapsed(),
                b.uncovered_at_least,
                b.weighted_uncovered_at_least,
                lower_bound(&instance)
                    .map(|x| x.uncovered_at_least)
                    .unwrap_or(0),
                b.share_of_best(s.uncovered_intervals)
            );
        }
    }
}
