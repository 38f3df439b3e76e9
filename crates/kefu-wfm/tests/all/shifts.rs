//! The aggregate shift-scheduling solver: optima computed by hand, bounds
//! that leave no plan, templates whose periods are not consecutive, the
//! JSON format and its errors, and random small problems against brute
//! force (every plan enumerated).

use kefu_wfm::shifts::{
    ShiftLimits, ShiftObjective, ShiftProblem, ShiftStatus, ShiftTemplate, plan_value, solve,
};

fn problem(
    required: Vec<Vec<i64>>,
    shifts: &[&[i64]],
    most: i64,
    per_shift: i64,
    objective: ShiftObjective,
) -> ShiftProblem {
    ShiftProblem {
        days: required.len(),
        periods: required[0].len(),
        required,
        shifts: shifts
            .iter()
            .enumerate()
            .map(|(i, c)| ShiftTemplate {
                name: format!("s{i}"),
                coverage: c.to_vec(),
            })
            .collect(),
        max_period_concurrency: most,
        max_shift_concurrency: per_shift,
        objective,
        costs: None,
    }
}

fn run(p: &ShiftProblem) -> kefu_wfm::shifts::ShiftSolution {
    solve(p, &ShiftLimits::default()).unwrap_or_else(|e| panic!("{}", e.en()))
}

use ShiftObjective::{MinAbsDifference as Abs, MinRequiredResources as Req};

/// Required 1, 3, 1 with templates on periods 0–1 and 1–2: the middle
/// needs a + b = 3 and the ends a = b = 1, so one period is off by one.
#[test]
fn a_hand_computed_optimum() {
    let p = problem(vec![vec![1, 3, 1]], &[&[1, 1, 0], &[0, 1, 1]], 10, 5, Abs);
    let s = run(&p);
    assert_eq!((s.status, s.objective), (ShiftStatus::Optimal, Some(1)));
    assert_eq!(plan_value(&p, &s.resources), Some(1));
    assert_eq!(s.flow_days, 1);
    // At least the requirement: a ≥ 1, b ≥ 1, a + b ≥ 3; with costs 1 and 2
    // the cheapest is a = 2, b = 1.
    let mut p = problem(vec![vec![1, 3, 1]], &[&[1, 1, 0], &[0, 1, 1]], 10, 5, Req);
    assert_eq!(run(&p).objective, Some(3));
    p.costs = Some([("s0".to_string(), 1), ("s1".to_string(), 2)].into());
    let s = run(&p);
    assert_eq!(
        (s.objective, s.resources.clone()),
        (Some(4), vec![vec![2, 1]])
    );
}

/// Two days are independent: their optima add up.
#[test]
fn days_add_up() {
    let p = problem(
        vec![vec![1, 3, 1], vec![2, 2, 2]],
        &[&[1, 1, 0], &[0, 1, 1], &[1, 1, 1]],
        10,
        5,
        Abs,
    );
    let s = run(&p);
    assert_eq!(s.objective, Some(1));
    assert_eq!(s.resources[1], vec![0, 0, 2]);
}

#[test]
fn bounds_that_leave_no_plan() {
    // A period needs 3 but two templates may each start once.
    let p = problem(vec![vec![1, 3, 1]], &[&[1, 1, 0], &[0, 1, 1]], 10, 1, Req);
    let s = run(&p);
    assert_eq!((s.status, s.objective), (ShiftStatus::Infeasible, None));
    assert!(s.resources.is_empty());
    // More required than may be on duty.
    let p = problem(vec![vec![5]], &[&[1]], 4, 9, Req);
    assert_eq!(run(&p).status, ShiftStatus::Infeasible);
    // min_abs_difference: 9 required, at most 4 on duty and a difference of
    // at most 4.
    let p = problem(vec![vec![0, 9, 0]], &[&[1, 1, 1]], 4, 9, Abs);
    assert_eq!(run(&p).status, ShiftStatus::Infeasible);
    // A difference of exactly 4 is allowed.
    let p = problem(vec![vec![0, 8, 0]], &[&[0, 1, 0]], 4, 9, Abs);
    assert_eq!(run(&p).objective, Some(4));
}

/// A split template (periods 0 and 2) is searched by branch and bound.
#[test]
fn templates_with_a_hole() {
    let p = problem(vec![vec![2, 1, 2]], &[&[1, 0, 1], &[0, 1, 0]], 10, 5, Abs);
    let s = run(&p);
    assert_eq!((s.status, s.objective), (ShiftStatus::Optimal, Some(0)));
    assert_eq!(s.resources, vec![vec![2, 1]]);
    assert_eq!(s.searched_days, 1);
    let p = problem(vec![vec![2, 1, 3]], &[&[1, 0, 1], &[0, 1, 0]], 10, 5, Abs);
    assert_eq!(run(&p).objective, Some(1));
    let p = problem(vec![vec![2, 1, 3]], &[&[1, 0, 1], &[0, 1, 0]], 10, 5, Req);
    assert_eq!(run(&p).objective, Some(4));
    let p = problem(vec![vec![2, 1, 3]], &[&[1, 0, 1], &[0, 1, 0]], 2, 5, Req);
    assert_eq!(run(&p).status, ShiftStatus::Infeasible);
}

/// A node limit that stops the search keeps the plan found, not proven.
#[test]
fn a_search_cut_short_is_not_proven() {
    let p = problem(
        vec![vec![3, 5, 4, 6, 2, 5]],
        &[
            &[1, 0, 1, 0, 1, 0],
            &[0, 1, 0, 1, 0, 1],
            &[1, 1, 0, 0, 1, 1],
            &[0, 1, 1, 1, 0, 0],
        ],
        20,
        9,
        Abs,
    );
    let full = run(&p);
    assert_eq!(full.status, ShiftStatus::Optimal);
    let cut = solve(&p, &ShiftLimits { nodes_per_day: 1 }).unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        cut.status,
        ShiftStatus::Feasible | ShiftStatus::Unknown | ShiftStatus::Optimal
    ));
    if cut.status == ShiftStatus::Feasible {
        assert!(cut.objective >= full.objective);
    }
}

#[test]
fn the_json_format() {
    let text = r#"{"days": 1, "periods": 3, "required": [[1, 3, 1]],
        "shifts": {"zeta": [1, 1, 0], "alpha": [0, 1, 1]},
        "max_period_concurrency": 10, "max_shift_concurrency": 5,
        "objective": "min_required_resources", "costs": {"zeta": 1, "alpha": 2}}"#;
    let p: ShiftProblem = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.shifts[0].name, "zeta");
    let s = run(&p);
    assert_eq!(
        (s.objective, s.resources.clone()),
        (Some(4), vec![vec![2, 1]])
    );
    let json = serde_json::to_value(&s).unwrap_or_default();
    assert_eq!(json["status"], "optimal");
    let wrong = [
        (r#""required": [[1, 3]]"#, "required[0]"),
        (r#""required": [[1, -3, 1]]"#, "required[0][1]"),
        (r#""shifts": {"a": [1, 2, 0]}"#, "shifts.a[1]"),
        (r#""shifts": {"a": [1, 1]}"#, "shifts.a"),
        (r#""costs": {"zeta": 1}"#, "costs.alpha"),
        (r#""max_shift_concurrency": 0"#, "max_shift_concurrency"),
    ];
    for (replace, field) in wrong {
        let key = &replace[..replace.find(':').unwrap_or(0)];
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let piece: serde_json::Value =
            serde_json::from_str(&format!("{{{replace}}}")).unwrap_or_default();
        v[key.trim_matches('"')] = piece[key.trim_matches('"')].clone();
        let p: ShiftProblem = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        let e = solve(&p, &ShiftLimits::default()).err();
        assert_eq!(
            e.as_ref().map(|e| e.field.as_str()),
            Some(field),
            "{replace}"
        );
        assert!(e.is_some_and(|e| e.zh().starts_with(field)));
    }
}

/// SplitMix64.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> i64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n) as i64
    }
}

/// The best value of day `d` over every plan, `None` when none keeps the
/// bounds.
fn brute_force(p: &ShiftProblem, d: usize) -> Option<i64> {
    let n = p.shifts.len();
    let base = p.max_shift_concurrency + 1;
    let mut best = None;
    for code in 0..base.pow(n as u32) {
        let plan: Vec<i64> = (0..n).map(|s| code / base.pow(s as u32) % base).collect();
        if let Some(v) = kefu_wfm::shifts::day_value(p, d, &plan) {
            best = Some(best.map_or(v, |b: i64| b.min(v)));
        }
    }
    best
}

#[test]
fn random_small_problems_match_brute_force() {
    let mut r = Random(7);
    let (mut optimal, mut infeasible, mut holes) = (0, 0, 0);
    for case in 0..600 {
        let periods = 2 + r.below(5) as usize;
        let shifts = 1 + r.below(4) as usize;
        let contiguous = case % 2 == 0;
        let coverage: Vec<Vec<i64>> = (0..shifts)
            .map(|_| {
                if contiguous {
                    let a = r.below(periods as u64) as usize;
                    let b = a + 1 + r.below((periods - a) as u64) as usize;
                    (0..periods).map(|q| i64::from(q >= a && q < b)).collect()
                } else {
                    (0..periods).map(|_| r.below(2)).collect()
                }
            })
            .collect();
        let required = vec![(0..periods).map(|_| r.below(6)).collect()];
        let objective = if r.below(2) == 0 { Abs } else { Req };
        let refs: Vec<&[i64]> = coverage.iter().map(|c| c.as_slice()).collect();
        let mut p = problem(required, &refs, 2 + r.below(6), 1 + r.below(3), objective);
        if objective == Req && r.below(2) == 0 {
            p.costs = Some(
                p.shifts
                    .iter()
                    .map(|s| (s.name.clone(), r.below(5) - 1))
                    .collect(),
            );
        }
        let s = run(&p);
        let expected = brute_force(&p, 0);
        assert_eq!(s.objective, expected, "case {case}: {p:?}");
        match expected {
            Some(v) => {
                assert_eq!(s.status, ShiftStatus::Optimal, "case {case}");
                assert_eq!(plan_value(&p, &s.resources), Some(v));
                optimal += 1;
                holes += usize::from(s.searched_days > 0);
            }
            None => {
                assert_eq!(s.status, ShiftStatus::Infeasible, "case {case}");
                infeasible += 1;
            }
        }
    }
    assert!(
        optimal > 200 && infeasible > 20 && holes > 50,
        "{optimal} {infeasible} {holes}"
    );
}
