//! The solver on generated and hand-made instances: every roster it gives
//! keeps every hard rule (checked by the independent validator), its score
//! is the one computed from scratch, the search improves on its greedy
//! construction, gaps come with reasons, and the same seed gives the same
//! roster.

use crate::roster_support;

use kefu_wfm::roster::{Budget, Instance, Solution, construct, lower_bound, solve};
use roster_support::{Shape, check, generate};

fn shapes() -> Vec<Shape> {
    vec![
        Shape {
            stores: 3,
            agents: 20,
            days: 14,
            load: 1.0,
            seed: 1,
        },
        Shape {
            stores: 3,
            agents: 30,
            days: 21,
            load: 0.9,
            seed: 2,
        },
        Shape {
            stores: 3,
            agents: 40,
            days: 28,
            load: 1.1,
            seed: 3,
        },
        Shape {
            stores: 3,
            agents: 25,
            days: 14,
            load: 0.6,
            seed: 4,
        },
    ]
}

fn run(instance: &Instance, iterations: u64, seed: u64) -> Solution {
    match solve(instance, &Budget::new(iterations, seed), None) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn generated_rosters_keep_every_hard_rule() {
    for shape in shapes() {
        let instance = generate(shape);
        let solution = run(&instance, 20_000, shape.seed);
        check(&instance, &solution);
        assert!(!solution.assignments.is_empty());
    }
}

#[test]
fn the_search_improves_on_its_construction() {
    let mut strictly = 0;
    for shape in shapes() {
        let instance = generate(shape);
        let solution = run(&instance, 20_000, shape.seed);
        assert!(solution.score <= solution.constructed, "{shape:?}");
        strictly += usize::from(solution.score < solution.constructed);
        let greedy = construct(&instance, shape.seed).map_err(|e| e.en());
        let greedy = greedy.as_ref().map(|g| (g.score, g.iterations));
        assert_eq!(greedy, Ok((solution.constructed, 0)));
    }
    assert!(strictly > 0);
}

#[test]
fn a_dedicated_agent_works_only_for_its_store() {
    let instance = generate(shapes()[2]);
    let solution = run(&instance, 10_000, 7);
    let mut seen = 0;
    for a in &solution.assignments {
        let Some((_, agent)) = instance.agent(&a.agent) else {
            panic!("unknown agent {}", a.agent);
        };
        if let Some(seat) = &agent.dedicated {
            assert_eq!(&a.store, seat, "{}", a.agent);
            seen += 1;
        }
    }
    assert!(seen > 0, "no dedicated agent worked");
}

#[test]
fn the_same_seed_gives_the_same_roster() {
    let instance = generate(shapes()[1]);
    let first = run(&instance, 10_000, 42);
    let second = run(&instance, 10_000, 42);
    assert_eq!(first, second);
    let other = run(&instance, 10_000, 43);
    check(&instance, &other);
}

#[test]
fn a_deadline_stops_the_search() {
    let instance = generate(shapes()[0]);
    let stop = || true;
    let solution = solve(&instance, &Budget::new(1_000_000, 1), Some(&stop));
    let solution = solution.map_err(|e| e.en());
    assert!(solution.as_ref().is_ok_and(|s| s.iterations == 0));
    if let Ok(s) = solution {
        check(&instance, &s);
    }
}

/// 150 agents, 28 days, 48 intervals: the size the solver is built for.
#[test]
#[ignore]
fn a_large_instance_in_release_mode() {
    let shape = Shape {
        stores: 3,
        agents: 150,
        days: 28,
        load: 1.0,
        seed: 11,
    };
    let instance = generate(shape);
    for iterations in [0, 200_000, 1_000_000, 3_000_000] {
        let started = std::time::Instant::now();
        let solution = run(&instance, iterations, 1);
        let elapsed = started.elapsed();
        check(&instance, &solution);
        let bound = lower_bound(&instance).map_err(|e| e.en());
        let share = bound.map(|b| b.share_of_best(solution.uncovered_intervals));
        println!(
            "150 agents × 28 days, {iterations} iterations: {elapsed:.2?}; {} assignments; \
             constructed {}; found {}; {} uncovered agent-intervals, {:.4} of the bound's best",
            solution.assignments.len(),
            solution.constructed,
            solution.score,
            solution.uncovered_intervals,
            share.unwrap_or(f64::NAN),
        );
    }
}
