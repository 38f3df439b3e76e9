//! The staffing calculator of spec `wfm.md` §2 and §4 against published
//! Erlang C values and expectations computed by hand in the comments.

use kefu_wfm::erlang::{MAX_COUNT, StaffingAnswer, StaffingInput, StaffingRules, staff};
use kefu_wfm::{InputError, erlang_c, service_level};

/// The classic calculator: one chat per agent, no shrinkage.
fn classic(volume: f64, aht_seconds: f64) -> StaffingInput {
    StaffingInput {
        volume,
        aht_seconds,
        rules: StaffingRules {
            concurrency: 1,
            shrinkage: 0.0,
            ..StaffingRules::default()
        },
    }
}

fn answer(input: &StaffingInput) -> StaffingAnswer {
    match staff(input) {
        Ok(a) => a,
        Err(e) => panic!("{input:?}: {e}"),
    }
}

fn close(got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "got {got}, want {want} ± {tolerance}"
    );
}

#[test]
fn published_100_chats_180_seconds_80_in_20() {
    // A = 100 × 180 ÷ 1800 = 10 Erlangs. Published: 14 agents, P_wait
    // 17.41 %, service level 88.84 % (13 agents give only 79.6 %).
    let a = answer(&classic(100.0, 180.0));
    close(a.offered_load, 10.0, 1e-12);
    assert_eq!(a.slots, 14);
    assert_eq!(a.agents_on_duty, 14);
    assert_eq!(a.agents_to_schedule, 14);
    close(a.service_level, 0.8884, 0.0001);
    close(a.p_wait, 0.1741, 0.0001);
    assert!(service_level(10.0, 13, 180.0, 20.0) < 0.8);
    // ASA = P_wait × AHT ÷ (N − A) = 0.174132 × 180 ÷ 4 = 7.836 s.
    close(a.asa_seconds, 0.174_131_933_6 * 180.0 / 4.0, 1e-6);
    close(a.asa_seconds, 7.836, 0.001);
    // Occupancy = A ÷ N = 10 ÷ 14 = 0.714 (under 0.85: no bound).
    close(a.occupancy, 10.0 / 14.0, 1e-12);
}

#[test]
fn occupancy_bound_raises_the_slots() {
    // A = 1000 × 180 ÷ 1800 = 100. The service level alone is met at 107
    // slots (SL 0.8238), but 100 ÷ 107 = 0.935 > 0.85, so N = ⌈100 ÷ 0.85⌉
    // = ⌈117.65⌉ = 118, and P_wait, SL, ASA are those of 118 slots.
    assert!(service_level(100.0, 106, 180.0, 20.0) < 0.8);
    assert!(service_level(100.0, 107, 180.0, 20.0) >= 0.8);
    let a = answer(&classic(1000.0, 180.0));
    assert_eq!(a.slots, 118);
    close(a.occupancy, 100.0 / 118.0, 1e-12);
    close(a.p_wait, 0.051_584, 1e-6);
    close(a.service_level, 0.993_019, 1e-6);
    // ASA = 0.051584 × 180 ÷ 18 = 0.5158 s.
    close(a.asa_seconds, 0.515_837, 1e-6);
}

#[test]
fn integral_ratios_are_not_rounded_up() {
    // A = 357 × 180 ÷ 1800 = 35.7; the SL search gives 41, 35.7 ÷ 41 =
    // 0.871 > 0.85, and 35.7 ÷ 0.85 is 42 exactly (42.00000000000001 in
    // floating point): 42 slots, not 43.
    assert_eq!(answer(&classic(357.0, 180.0)).slots, 42);
    // A = 17 needs 21 slots; with c = 1, 21 on duty ÷ (1 − 0.3) is 30
    // exactly (30.000000000000004 in floating point): 30, not 31.
    let mut input = classic(170.0, 180.0);
    input.rules.shrinkage = 0.3;
    let a = answer(&input);
    assert_eq!(
        (a.slots, a.agents_on_duty, a.agents_to_schedule),
        (21, 21, 30)
    );
}

#[test]
fn large_loads_are_stable_and_fast() {
    // 30000 chats in 30 min at AHT 300 s: A = 30000 × 300 ÷ 1800 = 5000.
    let mut input = classic(30_000.0, 300.0);
    let a = answer(&input);
    close(a.offered_load, 5000.0, 1e-9);
    // The occupancy bound decides: ⌈5000 ÷ 0.85⌉ = ⌈5882.35⌉ = 5883.
    assert_eq!(a.slots, 5883);
    for x in [a.service_level, a.p_wait, a.asa_seconds, a.occupancy] {
        assert!(x.is_finite(), "{a:?}");
    }
    assert!(a.service_level >= 0.8 && a.occupancy <= 0.85, "{a:?}");
    // Without the bound the service level decides, a little above A.
    input.rules.max_occupancy = 1.0;
    let a = answer(&input);
    assert!(a.slots > 5000 && a.slots < 5100, "{a:?}");
    assert!(a.service_level >= 0.8 && a.service_level < 0.9, "{a:?}");
    assert!(
        a.p_wait > 0.0 && a.p_wait < 1.0 && a.asa_seconds.is_finite(),
        "{a:?}"
    );
    assert!(service_level(5000.0, a.slots - 1, 300.0, 20.0) < 0.8);
}

#[test]
fn concurrency_and_shrinkage_give_agents() {
    // Defaults: c = 3, shrinkage 0.3. A = 10 needs 14 slots as above:
    // ⌈14 ÷ 3⌉ = 5 on duty, ⌈5 ÷ 0.7⌉ = ⌈7.14⌉ = 8 to schedule.
    let a = answer(&StaffingInput::new(100.0, 180.0));
    assert_eq!(
        (a.slots, a.agents_on_duty, a.agents_to_schedule),
        (14, 5, 8)
    );
    // A = 15 needs 19 slots: ⌈19 ÷ 3⌉ = 7, ⌈7 ÷ 0.7⌉ = 10.
    let a = answer(&StaffingInput::new(150.0, 180.0));
    assert_eq!(
        (a.slots, a.agents_on_duty, a.agents_to_schedule),
        (19, 7, 10)
    );
}

#[test]
fn no_volume_needs_nobody() {
    let a = answer(&StaffingInput::new(0.0, 180.0));
    assert_eq!(a, StaffingAnswer::IDLE);
    assert_eq!((a.slots, a.agents_on_duty, a.agents_to_schedule), (0, 0, 0));
    assert_eq!(
        (a.service_level, a.p_wait, a.asa_seconds, a.occupancy),
        (1.0, 0.0, 0.0, 0.0)
    );
}

#[test]
fn tiny_loads_start_at_load_plus_one() {
    // A = 1 × 180 ÷ 1800 = 0.1: §2 asks N ≥ A + 1, so N = ⌈1.1⌉ = 2.
    // Erlang C with 2 slots: (A²/2 · N/(N − A)) ÷ (1 + A + A²/2 · N/(N − A))
    // = (0.005 · 2/1.9) ÷ (1.1 + 0.005 · 2/1.9) = 1/210;
    // SL = 1 − 1/210 × e^(−1.9 × 20 ÷ 180).
    let a = answer(&classic(1.0, 180.0));
    assert_eq!(a.slots, 2);
    close(a.p_wait, 1.0 / 210.0, 1e-12);
    close(
        a.service_level,
        1.0 - (-1.9f64 * 20.0 / 180.0).exp() / 210.0,
        1e-12,
    );
    // A whole load: N = A + 1 is the first candidate (A = 10 → 11 … 14).
    assert_eq!(answer(&classic(100.0, 180.0)).slots, 14);
}

#[test]
fn service_level_never_falls_as_slots_grow() {
    for load in [0.4, 3.7, 10.0, 57.3, 250.0, 1234.5] {
        let first = load as u32 + 1;
        let mut previous = 0.0;
        for slots in first..first + 80 {
            let sl = service_level(load, slots, 180.0, 20.0);
            assert!(
                sl >= previous - 1e-12,
                "A {load}, N {slots}: {sl} < {previous}"
            );
            assert!((0.0..=1.0).contains(&sl));
            previous = sl;
        }
        assert_eq!(service_level(load, load as u32, 180.0, 20.0), 0.0);
        assert!(erlang_c(load, first + 80) < erlang_c(load, first));
    }
}

/// Makes one field of an input wrong.
type Spoil = fn(&mut StaffingInput);

#[test]
fn invalid_inputs_name_the_field() {
    let base = StaffingInput::new(100.0, 180.0);
    let cases: [(&str, Spoil); 14] = [
        ("volume", |i| i.volume = f64::NAN),
        ("volume", |i| i.volume = -1.0),
        ("aht_seconds", |i| i.aht_seconds = 0.0),
        ("aht_seconds", |i| i.aht_seconds = f64::INFINITY),
        ("interval_minutes", |i| i.rules.interval_minutes = -30.0),
        ("concurrency", |i| i.rules.concurrency = 0),
        ("target", |i| i.rules.target = 1.0),
        ("target", |i| i.rules.target = 0.0),
        ("answer_within_seconds", |i| {
            i.rules.answer_within_seconds = -1.0
        }),
        ("max_occupancy", |i| i.rules.max_occupancy = 0.0),
        ("max_occupancy", |i| i.rules.max_occupancy = 1.01),
        ("shrinkage", |i| i.rules.shrinkage = 1.0),
        ("shrinkage", |i| i.rules.shrinkage = -0.1),
        ("shrinkage", |i| i.rules.shrinkage = f64::NAN),
    ];
    for (field, spoil) in cases {
        let mut input = base;
        spoil(&mut input);
        let Err(e) = staff(&input) else {
            panic!("{input:?} was accepted");
        };
        assert_eq!(e.field(), field, "{e}");
        assert!(e.zh().starts_with(field) && e.en().starts_with(field));
    }
    let mut input = base;
    input.rules.max_occupancy = 1.01;
    let e = InputError::OutOfRange {
        field: "max_occupancy",
        range: "(0, 1]",
    };
    assert_eq!(staff(&input), Err(e));
    assert_eq!(e.zh(), "max_occupancy：必须在 (0, 1] 之内");
    assert_eq!(e.en(), "max_occupancy: must be in (0, 1]");
    let huge = StaffingInput::new(1e12, 180.0);
    let too_large = InputError::TooLarge {
        field: "volume",
        limit: MAX_COUNT,
    };
    assert_eq!(staff(&huge), Err(too_large));
}

#[test]
fn answer_json_has_the_spec_names() {
    let json = serde_json::to_value(answer(&StaffingInput::new(100.0, 180.0))).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "agents_on_duty",
            "agents_to_schedule",
            "asa_seconds",
            "occupancy",
            "offered_load",
            "p_wait",
            "service_level",
            "slots"
        ]
    );
    // The input reads from the flat object of §4, defaults filled in.
    let input: StaffingInput =
        serde_json::from_str(r#"{"volume": 100, "aht_seconds": 180, "concurrency": 1}"#).unwrap();
    assert_eq!(input.rules.concurrency, 1);
    assert_eq!(input.rules.max_occupancy, 0.85);
}
