//! The default forecast of spec `wfm.md` §1 on hand-made histories, each
//! expectation worked out in the comments.

use kefu_wfm::forecast::{last_complete_week, week_accuracy};
use kefu_wfm::{
    Day, Forecast, History, InputError, Interval, Promotions, Volumes, forecast_week, handle_time,
    last_week_accuracy, wape, weekday,
};

/// Monday 2026-03-02, the week forecast.
const W: Day = 20514;
/// 09:00–09:30.
const NINE: Interval = 18;

fn volumes(entries: &[(Day, Interval, f64)]) -> Volumes {
    entries.iter().map(|&(d, i, v)| ((d, i), v)).collect()
}

fn history(first: Day, last: Day, entries: &[(Day, Interval, f64)]) -> History {
    History::new(first, last, volumes(entries)).unwrap()
}

fn forecast(history: &History, promotions: &Promotions) -> Forecast {
    forecast_week(history, promotions, 4, W).unwrap()
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}

/// Five weeks before `W`; Mondays 09:00 are 1000 (five weeks back), 10, 12,
/// 14, 16 and Tuesdays 09:00 are 1000, 8, 8, 8, 20.
fn five_weeks() -> History {
    history(
        W - 35,
        W - 1,
        &[
            (W - 35, NINE, 1000.0),
            (W - 28, NINE, 10.0),
            (W - 21, NINE, 12.0),
            (W - 14, NINE, 14.0),
            (W - 7, NINE, 16.0),
            (W - 34, NINE, 1000.0),
            (W - 27, NINE, 8.0),
            (W - 20, NINE, 8.0),
            (W - 13, NINE, 8.0),
            (W - 6, NINE, 20.0),
        ],
    )
}

#[test]
fn weekdays_count_from_a_thursday() {
    assert_eq!(weekday(0), 3); // 1970-01-01, Thursday
    assert_eq!(weekday(4), 0); // 1970-01-05, Monday
    assert_eq!(weekday(-1), 2); // 1969-12-31, Wednesday
    assert_eq!(weekday(W), 0); // 2026-03-02, Monday
    assert_eq!(weekday(W - 1), 6);
}

#[test]
fn mean_of_four_weeks_times_trend() {
    let f = forecast(&five_weeks(), &Promotions::default());
    // Means of the last 4 weeks (the 1000s are a fifth week back): Monday
    // (10 + 12 + 14 + 16) ÷ 4 = 13, Tuesday (8 + 8 + 8 + 20) ÷ 4 = 11; one
    // week of means totals 24. The last week totals 16 + 20 = 36, so the
    // trend is 36 ÷ 24 = 1.5: Monday 13 × 1.5 = 19.5, Tuesday 11 × 1.5 = 16.5.
    close(f.trend, 1.5);
    close(f.volume(W, NINE), 19.5);
    close(f.volume(W + 1, NINE), 16.5);
    close(f.total(), 36.0);
    assert_eq!(f.volumes.len(), 7 * 48);
}

#[test]
fn promotion_days_are_left_out_of_history() {
    // Five Mondays 8, 10, 12, 14 and a promotion day W − 7; Tuesdays as in
    // `five_weeks` but 8 five weeks back.
    let with_promotion_volume = |promotion: f64| {
        history(
            W - 35,
            W - 1,
            &[
                (W - 35, NINE, 8.0),
                (W - 28, NINE, 10.0),
                (W - 21, NINE, 12.0),
                (W - 14, NINE, 14.0),
                (W - 7, NINE, promotion),
                (W - 34, NINE, 8.0),
                (W - 27, NINE, 8.0),
                (W - 20, NINE, 8.0),
                (W - 13, NINE, 8.0),
                (W - 6, NINE, 20.0),
            ],
        )
    };
    let mut by_day = Promotions::default();
    by_day.days.insert(W - 7);
    let mut by_multiplier = Promotions::default();
    by_multiplier.multipliers.insert(W - 7, 6.0);
    for promotions in [by_day, by_multiplier] {
        let f = forecast(&with_promotion_volume(16.0), &promotions);
        // Monday skips W − 7: (14 + 12 + 10 + 8) ÷ 4 = 11; Tuesday (20 + 8 +
        // 8 + 8) ÷ 4 = 11. Last week: Monday W − 14 (14) + Tuesday W − 6
        // (20) = 34; trend 34 ÷ 22. Monday 11 × 34 ÷ 22 = 17, Tuesday 17.
        close(f.trend, 34.0 / 22.0);
        close(f.volume(W, NINE), 17.0);
        close(f.volume(W + 1, NINE), 17.0);
        // A huge promotion day changes nothing.
        assert_eq!(forecast(&with_promotion_volume(10_000.0), &promotions), f);
    }
}

#[test]
fn promotion_multiplier_applies_in_the_target_week() {
    let mut promotions = Promotions::default();
    promotions.multipliers.insert(W, 5.0);
    promotions.days.insert(W + 1); // a promotion without a multiplier
    let f = forecast(&five_weeks(), &promotions);
    // As in `mean_of_four_weeks_times_trend`: Monday 19.5 × 5 = 97.5;
    // Tuesday keeps its plain 16.5; the trend is still 1.5.
    close(f.trend, 1.5);
    close(f.volume(W, NINE), 97.5);
    close(f.volume(W + 1, NINE), 16.5);
}

#[test]
fn short_history_uses_the_known_days() {
    // Known from W − 14 (Monday) to W − 4 (Thursday); the 999 on Friday
    // W − 3 lies after the history's last day and is not known.
    let h = history(
        W - 14,
        W - 4,
        &[
            (W - 14, NINE, 6.0),
            (W - 7, NINE, 10.0),
            (W - 10, NINE, 4.0),
            (W - 3, NINE, 999.0),
        ],
    );
    let f = forecast(&h, &Promotions::default());
    // Monday (10 + 6) ÷ 2 = 8; Friday: only W − 10, 4. Last week: Monday
    // W − 7 (10) + Friday W − 10 (4) = 14 over means 8 + 4 = 12.
    close(f.trend, 14.0 / 12.0);
    close(f.volume(W, NINE), 8.0 * 14.0 / 12.0);
    close(f.volume(W + 4, NINE), 4.0 * 14.0 / 12.0);
    // No history at all: zeros and a trend of 1.
    let empty = History::from_volumes(Volumes::new()).unwrap();
    let f = forecast(&empty, &Promotions::default());
    assert_eq!((f.trend, f.total()), (1.0, 0.0));
}

#[test]
fn wape_by_hand() {
    // |10 − 12| + |20 − 15| + |0 − 3| = 2 + 5 + 3 = 10 over 10 + 20 + 0 = 30.
    close(
        wape([(10.0, 12.0), (20.0, 15.0), (0.0, 3.0)]).unwrap(),
        1.0 / 3.0,
    );
    assert_eq!(wape([(0.0, 4.0)]), None);
    assert_eq!(wape([]), None);
}

#[test]
fn accuracy_of_the_last_complete_week() {
    // 10 at 20:00 every day from W − 35, but 20 on Monday W − 7; known to
    // Wednesday W + 2, so the last complete week is W − 7 … W − 1.
    let mut entries: Vec<(Day, Interval, f64)> = (W - 35..=W + 2).map(|d| (d, 40, 10.0)).collect();
    entries.retain(|e| e.0 != W - 7);
    entries.push((W - 7, 40, 20.0));
    let h = history(W - 35, W + 2, &entries);
    assert_eq!(last_complete_week(&h), Some(W - 7));
    // Forecast from W − 35 … W − 8: means 10, trend 70 ÷ 70 = 1, so 10 a
    // day. Actual 20 + 6 × 10 = 80, error |20 − 10| = 10: WAPE 0.125.
    let a = last_week_accuracy(&h, &Promotions::default(), 4)
        .unwrap()
        .unwrap();
    assert_eq!(a.week_start, W - 7);
    close(a.wape.unwrap(), 0.125);
    assert_eq!(week_accuracy(&h, &Promotions::default(), 4, W - 7), Ok(a));
    // Known to Sunday W − 1 the same week is last; to Saturday W − 2, the
    // week before; a history shorter than a week has none.
    assert_eq!(
        last_complete_week(&history(W - 35, W - 1, &[])),
        Some(W - 7)
    );
    assert_eq!(
        last_complete_week(&history(W - 35, W - 2, &[])),
        Some(W - 14)
    );
    assert_eq!(last_complete_week(&history(W - 5, W - 1, &[])), None);
}

#[test]
fn handle_time_adds_wrap() {
    // 60 s and 120 s: mean 90 + 30 wrap = 120.
    close(
        handle_time(&[(0, 60_000), (1_000, 121_000)], 30.0).unwrap(),
        120.0,
    );
    // A last message before the first counts 0: (0 + 60) ÷ 2 + 30 = 60.
    close(
        handle_time(&[(5_000, 1_000), (0, 60_000)], 30.0).unwrap(),
        60.0,
    );
    assert_eq!(handle_time(&[], 30.0), None);
}

#[test]
fn invalid_inputs_name_the_field() {
    let h = five_weeks();
    let no_promotions = Promotions::default();
    let field = |r: Result<Forecast, InputError>| r.map(|_| ()).unwrap_err().field();
    assert_eq!(
        field(forecast_week(&h, &no_promotions, 0, W)),
        "forecast_weeks"
    );
    let mut bad = Promotions::default();
    bad.multipliers.insert(W + 3, f64::NAN);
    assert_eq!(field(forecast_week(&h, &bad, 4, W)), "multiplier");
    let negative = History::new(0, 7, volumes(&[(1, 0, -1.0)]));
    assert_eq!(
        negative.unwrap_err(),
        InputError::Negative { field: "volume" }
    );
}
