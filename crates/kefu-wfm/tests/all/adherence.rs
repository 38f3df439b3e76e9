//! Adherence by hand: stretches from message times, late starts, early
//! ends, unrostered work and shifts not worked.

use kefu_wfm::adherence::{AdherenceRules, PlannedShift, Span, adherence, stretches};

const DAY: i64 = 1440;

fn at(day: i64, hh: i64, mm: i64) -> i64 {
    day * DAY + hh * 60 + mm
}

fn shift(day: i64, from: (i64, i64), to: (i64, i64)) -> PlannedShift {
    PlannedShift {
        date: day as i32,
        code: "E".into(),
        store: "s1".into(),
        span: Span {
            start: at(day, from.0, from.1),
            end: at(day, to.0, to.1),
        },
    }
}

#[test]
fn stretches_break_at_pauses_longer_than_the_gap() {
    let t = [
        at(0, 9, 0),
        at(0, 9, 30),
        at(0, 8, 50),
        at(0, 10, 1),
        at(0, 10, 31),
    ];
    let s = stretches(&t, 30);
    assert_eq!(
        s,
        [
            Span {
                start: at(0, 8, 50),
                end: at(0, 9, 31)
            },
            Span {
                start: at(0, 10, 1),
                end: at(0, 10, 32)
            },
        ]
    );
    assert!(stretches(&[], 30).is_empty());
}

#[test]
fn late_start_early_end_and_unrostered_minutes() {
    let rules = AdherenceRules::default();
    // Day 0: shift 08:00–16:30, worked 08:20–16:00 → 20 late, 30 early.
    // Day 1: shift 08:00–16:30, worked 07:40–16:45 → on time; 20 + 15
    //        minutes outside the shift are unrostered.
    // Day 2: shift planned, nothing worked. Day 3: work with no shift.
    let shifts = [
        shift(0, (8, 0), (16, 30)),
        shift(1, (8, 0), (16, 30)),
        shift(2, (8, 0), (16, 30)),
    ];
    let worked = [
        Span {
            start: at(0, 8, 20),
            end: at(0, 16, 0),
        },
        Span {
            start: at(1, 7, 40),
            end: at(1, 16, 45),
        },
        Span {
            start: at(3, 20, 0),
            end: at(3, 21, 0),
        },
    ];
    let rows = adherence(&shifts, &worked, &rules);
    assert_eq!(rows.len(), 4);
    assert_eq!(
        (
            rows[0].late_minutes,
            rows[0].early_minutes,
            rows[0].unrostered_minutes
        ),
        (20, 30, 0)
    );
    assert_eq!(
        (
            rows[1].late_minutes,
            rows[1].early_minutes,
            rows[1].unrostered_minutes
        ),
        (0, 0, 35)
    );
    assert!(rows[2].not_worked && rows[2].worked.is_none());
    assert_eq!(
        (
            rows[3].date,
            rows[3].shift.as_deref(),
            rows[3].unrostered_minutes
        ),
        (3, None, 60)
    );
}

#[test]
fn within_the_tolerance_is_on_time_and_far_work_is_not_the_shifts() {
    let rules = AdherenceRules::default();
    let shifts = [shift(0, (8, 0), (16, 30))];
    let worked = [
        Span {
            start: at(0, 8, 9),
            end: at(0, 12, 0),
        },
        Span {
            start: at(0, 13, 0),
            end: at(0, 16, 21),
        },
        // Three hours after the shift: beyond the margin, its own row.
        Span {
            start: at(0, 19, 31),
            end: at(0, 20, 0),
        },
    ];
    let rows = adherence(&shifts, &worked, &rules);
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].late_minutes, rows[0].early_minutes), (0, 0));
    assert_eq!(
        rows[0].worked,
        Some(Span {
            start: at(0, 8, 9),
            end: at(0, 16, 21)
        })
    );
    assert_eq!(
        (rows[1].shift.as_deref(), rows[1].unrostered_minutes),
        (None, 29)
    );
}

#[test]
fn a_night_shift_past_midnight_keeps_its_day() {
    let rules = AdherenceRules::default();
    let shifts = [shift(5, (18, 0), (26, 30))];
    let worked = [Span {
        start: at(5, 18, 15),
        end: at(6, 2, 0),
    }];
    let rows = adherence(&shifts, &worked, &rules);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].date, rows[0].late_minutes, rows[0].early_minutes),
        (5, 15, 30)
    );
}
