//! Worked examples of spec `contracts.md`, each checked to the fen against
//! an expectation computed by hand in its comment.

use jiff::civil::{Date, date};
use kefu_contract::charges::{Figures, Month, Served, SpanFigures, charge_lines, plan};
use kefu_contract::ending::{EndPosition, settle_end};
use kefu_contract::file::{self, ContractFile};
use kefu_contract::file_out;
use kefu_contract::invoice::{Line, Quantity, totals};
use kefu_contract::lifecycle::{Ending, Party};
use kefu_contract::{DepositKind, EntryKind, Terms};
use kefu_domain::Fen;

const SEATS: &str = r#"
[[client]]
name = "ACME"
stores = ["dy-1001"]

[[contract]]
id = "C-2026-001"
client = "ACME"
type = "outsourcing"
stores = ["dy-1001"]
start = "2026-10-01"
end = "2027-09-30"
tax_rate = "0.06"
tax_inclusive = true
annual_base_fee = "24000.00"
deposit = { amount = "10000.00", kind = "advance" }
seats = [ { role = "presale", count = 3, from = "2026-10-01" },
          { role = "presale", count = 4, from = "2026-10-20" } ]

[[contract.charge]]
kind = "seat"
role = "presale"
monthly_price = "4500.00"
"#;

fn one(text: &str) -> Terms {
    let f = file::parse(text).expect("the example file reads");
    f.contracts[0].terms.clone()
}

fn lines(
    terms: &Terms,
    first_served: Date,
    last: Option<Date>,
    month: &str,
    figures: Figures,
) -> Vec<Line> {
    let month = Month::parse(month).unwrap();
    let versions = vec![terms.clone()];
    let spans = plan(
        &versions,
        Served {
            first: first_served,
            last,
        },
        month,
    );
    let served: Vec<SpanFigures> = spans
        .iter()
        .map(|s| SpanFigures {
            terms: &versions[s.version],
            span: *s,
            figures,
        })
        .collect();
    charge_lines(month, &served, None).expect("no declared figure needed")
}

fn check_sums(lines: &[Line]) {
    let t = totals(lines);
    assert_eq!(t.amount.0, lines.iter().map(|l| l.amount.0).sum::<i64>());
    assert_eq!(t.tax.0 + t.net.0, t.gross.0);
    for l in lines {
        assert_eq!(l.tax.0 + l.net.0, l.gross.0, "{l:?}");
    }
}

#[test]
fn dedicated_seats_with_a_seat_added_mid_month() {
    let t = one(SEATS);
    let l = lines(&t, date(2026, 10, 1), None, "2026-10", Figures::default());
    assert_eq!(l.len(), 1);
    // Seat-days: 3 seats × 19 days (1–19 Oct) + 4 seats × 12 days (20–31) =
    // 105; 105 × 4500.00 ÷ 31 = 15241.935… → 15241.94.
    assert_eq!(l[0].quantity, Quantity::Count(105));
    assert_eq!(l[0].amount, Fen(1_524_194));
    // Tax-inclusive at 6 %: 15241.94 × 0.06 ÷ 1.06 = 862.751… → 862.75.
    assert_eq!(l[0].tax, Fen(86_275));
    assert_eq!(l[0].net, Fen(1_437_919));
    assert_eq!(l[0].gross, Fen(1_524_194));
    check_sums(&l);
}

#[test]
fn low_base_and_three_percent_commission() {
    let t = one(&SEATS.replace(
        "kind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"4500.00\"",
        "kind = \"commission\"\nmonthly_base = \"3000.00\"\nrate = \"0.03\"",
    ));
    let figures = Figures {
        paid: Fen(12_345_678),
        refunded: Fen(234_560),
        manual_sessions: 0,
    };
    let l = lines(&t, date(2026, 10, 1), None, "2026-10", figures);
    // The base for the whole month: 3000.00; commission: (123456.78 −
    // 2345.60) × 0.03 = 121111.18 × 0.03 = 3633.3354 → 3633.34.
    assert_eq!(l[0].charge, "commission_base");
    assert_eq!(l[0].amount, Fen(300_000));
    assert_eq!(l[1].charge, "commission");
    assert_eq!(l[1].quantity, Quantity::Money(Fen(12_111_118)));
    assert_eq!(l[1].amount, Fen(363_334));
    check_sums(&l);
}

#[test]
fn per_inquiry_on_graduated_tiers() {
    let t = one(&SEATS.replace(
        "kind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"4500.00\"",
        "kind = \"per_inquiry\"\ntiers = [ { up_to = 1000, price = \"2.00\" }, { up_to = 5000, price = \"1.50\" }, { price = \"1.00\" } ]",
    ));
    let figures = Figures {
        manual_sessions: 6_200,
        ..Figures::default()
    };
    let l = lines(&t, date(2026, 10, 1), None, "2026-10", figures);
    // 1000 × 2.00 + 4000 × 1.50 + 1200 × 1.00 = 2000 + 6000 + 1200 = 9200.00.
    assert_eq!(l[0].quantity, Quantity::Count(6_200));
    assert_eq!(l[0].amount, Fen(920_000));
    let tiers = l[0].basis.iter().find(|b| b.key == "tiers").unwrap();
    assert_eq!(tiers.value, "1000×2.00 + 4000×1.50 + 1200×1.00");
    check_sums(&l);
}

#[test]
fn a_promotion_booking_across_two_months() {
    let t = one(&SEATS.replace(
        "kind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"4500.00\"",
        "kind = \"promotion\"\nbookings = [ { from = \"2026-10-30\", to = \"2026-11-02\", seats = 5, seat_day_price = \"300.00\", booked_on = \"2026-10-15\" } ]",
    ));
    // October: 30–31 = 2 days × 5 seats = 10 booked seat-days × 300.00 = 3000.00.
    let oct = lines(&t, date(2026, 10, 1), None, "2026-10", Figures::default());
    assert_eq!(
        (oct[0].quantity, oct[0].amount),
        (Quantity::Count(10), Fen(300_000))
    );
    // November: 1–2 = 2 days × 5 = 10 → 3000.00.
    let nov = lines(&t, date(2026, 10, 1), None, "2026-11", Figures::default());
    assert_eq!(
        (nov[0].quantity, nov[0].amount),
        (Quantity::Count(10), Fen(300_000))
    );
    // Booked 5 days ahead when 7 are the notice: refused, naming the field.
    let late = SEATS.replace(
        "kind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"4500.00\"",
        "kind = \"promotion\"\nbookings = [ { from = \"2026-10-30\", to = \"2026-11-02\", seats = 5, seat_day_price = \"300.00\", booked_on = \"2026-10-25\" } ]",
    );
    let e = file::parse(&late).unwrap_err();
    assert_eq!(e.at, "contract C-2026-001, charge[0].bookings[0].booked_on");
    assert!(e.en.contains("at least 7 days ahead"), "{}", e.en);
}

#[test]
fn tax_inclusive_and_exclusive_prices() {
    let flat = SEATS.replace(
        "{ role = \"presale\", count = 4, from = \"2026-10-20\" }",
        "{ role = \"presale\", count = 1, from = \"2026-11-01\" }",
    );
    let flat = flat.replace("count = 3", "count = 1");
    // One seat the whole of October: 31 × 4500.00 ÷ 31 = 4500.00.
    let inc = lines(
        &one(&flat),
        date(2026, 10, 1),
        None,
        "2026-10",
        Figures::default(),
    );
    // Inclusive: tax 4500.00 × 0.06 ÷ 1.06 = 254.716… → 254.72; net 4245.28.
    assert_eq!(
        (inc[0].amount, inc[0].tax, inc[0].net, inc[0].gross),
        (Fen(450_000), Fen(25_472), Fen(424_528), Fen(450_000))
    );
    let exc = lines(
        &one(&flat.replace("tax_inclusive = true", "tax_inclusive = false")),
        date(2026, 10, 1),
        None,
        "2026-10",
        Figures::default(),
    );
    // Exclusive: tax 4500.00 × 0.06 = 270.00; gross 4770.00.
    assert_eq!(
        (exc[0].amount, exc[0].tax, exc[0].net, exc[0].gross),
        (Fen(450_000), Fen(27_000), Fen(450_000), Fen(477_000))
    );
}

fn position(
    ending: Ending,
    kind: DepositKind,
    drafts: i64,
    balance: i64,
    last: Date,
) -> EndPosition {
    EndPosition {
        ending,
        first_served: Some(date(2026, 10, 1)),
        last_served: last,
        base_fee: Fen(2_400_000),
        balance: Fen(balance),
        drafts: Fen(drafts),
        held: Fen(1_000_000),
        deposit_kind: Some(kind),
    }
}

fn kinds(entries: &[kefu_contract::ending::EndEntry]) -> Vec<(EntryKind, i64)> {
    entries.iter().map(|e| (e.kind, e.amount.0)).collect()
}

#[test]
fn a_trial_cancelled_on_day_twelve() {
    let t = one(&SEATS.replace(
        "count = 4, from = \"2026-10-20\"",
        "count = 3, from = \"2026-10-20\"",
    ));
    // Served 1–12 October: 3 seats × 12 days = 36 seat-days;
    // 36 × 4500.00 ÷ 31 = 5225.806… → 5225.81.
    let l = lines(
        &t,
        date(2026, 10, 1),
        Some(date(2026, 10, 12)),
        "2026-10",
        Figures::default(),
    );
    assert_eq!(
        (l[0].quantity, l[0].amount),
        (Quantity::Count(36), Fen(522_581))
    );
    // The base fee (paid: balance 0) comes back for the contract year's
    // unserved days: 24000.00 × (365 − 12) ÷ 365 = 23210.958… → 23210.96.
    // Then nothing is unpaid (5225.81 − 23210.96 < 0): the deposit, of
    // either kind, is refunded in full.
    for kind in [DepositKind::Advance, DepositKind::Earnest] {
        let p = position(
            Ending::TrialCancellation,
            kind,
            522_581,
            0,
            date(2026, 10, 12),
        );
        assert_eq!(
            kinds(&settle_end(&p)),
            vec![
                (EntryKind::BaseFeeRefunded, 2_321_096),
                (EntryKind::DepositRefunded, 1_000_000)
            ]
        );
    }
    // With the base fee still owed (balance 24000.00): owed 24000.00 +
    // 5225.81 − 23210.96 = 6014.85, applied from the deposit; 3985.15 back.
    let p = position(
        Ending::TrialCancellation,
        DepositKind::Earnest,
        522_581,
        2_400_000,
        date(2026, 10, 12),
    );
    assert_eq!(
        kinds(&settle_end(&p)),
        vec![
            (EntryKind::BaseFeeRefunded, 2_321_096),
            (EntryKind::DepositApplied, 601_485),
            (EntryKind::DepositRefunded, 398_515)
        ]
    );
}

#[test]
fn ending_on_notice_mid_month() {
    let t = one(&SEATS.replace(
        "count = 4, from = \"2026-10-20\"",
        "count = 3, from = \"2026-10-20\"",
    ));
    // Notice on 10 January 2027 + 30 days: last day served 9 February.
    // February 2027 has 28 days: 3 × 9 = 27 seat-days × 4500.00 ÷ 28 =
    // 4339.285… → 4339.29.
    let l = lines(
        &t,
        date(2026, 10, 1),
        Some(date(2027, 2, 9)),
        "2027-02",
        Figures::default(),
    );
    assert_eq!(
        (l[0].quantity, l[0].amount),
        (Quantity::Count(27), Fen(433_929))
    );
    // Nothing of March.
    assert!(
        lines(
            &t,
            date(2026, 10, 1),
            Some(date(2027, 2, 9)),
            "2027-03",
            Figures::default()
        )
        .is_empty()
    );
    // On notice no one breaches: the deposit pays the last month, the rest
    // comes back, whatever its kind.
    for kind in [DepositKind::Advance, DepositKind::Earnest] {
        let p = position(Ending::Notice, kind, 433_929, 0, date(2027, 2, 9));
        assert_eq!(
            kinds(&settle_end(&p)),
            vec![
                (EntryKind::DepositApplied, 433_929),
                (EntryKind::DepositRefunded, 566_071)
            ]
        );
    }
}

#[test]
fn breach_outside_the_trial_with_each_deposit_kind() {
    let last = date(2027, 2, 9);
    let case = |ending, kind| kinds(&settle_end(&position(ending, kind, 433_929, 0, last)));
    // An advance (订金) is only ever applied and refunded: 4339.29 applied,
    // 10000.00 − 4339.29 = 5660.71 back, whoever breaches.
    for by in [Party::Client, Party::Provider] {
        assert_eq!(
            case(Ending::Breach(by), DepositKind::Advance),
            vec![
                (EntryKind::DepositApplied, 433_929),
                (EntryKind::DepositRefunded, 566_071)
            ]
        );
    }
    // An earnest (定金), the client breaching: applied, the rest forfeited.
    assert_eq!(
        case(Ending::Breach(Party::Client), DepositKind::Earnest),
        vec![
            (EntryKind::DepositApplied, 433_929),
            (EntryKind::DepositForfeited, 566_071)
        ]
    );
    // The provider breaching: returned twice over, 2 × 10000.00 − 4339.29
    // applied = 15660.71 paid back.
    assert_eq!(
        case(Ending::Breach(Party::Provider), DepositKind::Earnest),
        vec![
            (EntryKind::DepositApplied, 433_929),
            (EntryKind::DepositRefunded, 1_566_071)
        ]
    );
    // No base fee comes back outside the trial.
}

#[test]
fn a_price_change_mid_month_is_a_new_version() {
    let v1 = one(SEATS);
    let mut v2 = v1.clone();
    v2.version_from = date(2026, 10, 20);
    v2.charges = vec![kefu_contract::Charge::Seat {
        role: kefu_contract::SeatRole::Presale,
        monthly_price: Fen(500_000),
    }];
    let versions = vec![v1, v2];
    let month = Month::parse("2026-10").unwrap();
    let spans = plan(
        &versions,
        Served {
            first: date(2026, 10, 1),
            last: None,
        },
        month,
    );
    assert_eq!(spans.len(), 2);
    let served: Vec<SpanFigures> = spans
        .iter()
        .map(|s| SpanFigures {
            terms: &versions[s.version],
            span: *s,
            figures: Figures::default(),
        })
        .collect();
    let l = charge_lines(month, &served, None).unwrap();
    // 1–19 Oct: 57 seat-days × 4500.00 ÷ 31 = 8274.193… → 8274.19;
    // 20–31 Oct: 48 × 5000.00 ÷ 31 = 7741.935… → 7741.94.
    assert_eq!(
        l.iter()
            .map(|l| (l.quantity, l.amount.0))
            .collect::<Vec<_>>(),
        vec![
            (Quantity::Count(57), 827_419),
            (Quantity::Count(48), 774_194)
        ]
    );
}

#[test]
fn files_round_trip_and_errors_name_the_field() {
    let f = file::parse(SEATS).unwrap();
    let versions: Vec<(Terms, Option<Date>)> = f
        .contracts
        .iter()
        .map(|c: &ContractFile| (c.terms.clone(), c.last_served))
        .collect();
    let again = file::parse(&file_out::write(&f.clients, &versions)).unwrap();
    assert_eq!(again, f);
    let spec = std::fs::read_to_string("../../../shared/spec/contracts.md").unwrap();
    let example = spec
        .split("```toml")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    let spec_file = file::parse(example).expect("the spec's example reads");
    let c = &spec_file.contracts[0];
    assert_eq!(c.terms.charges.len(), 5);
    assert_eq!(c.terms.running.map(|r| r.0.as_str()), Some("live_trial"));
    let versions = vec![(c.terms.clone(), c.last_served)];
    assert_eq!(
        file::parse(&file_out::write(&spec_file.clients, &versions)).unwrap(),
        spec_file
    );
    for (bad, at, says) in [
        (
            SEATS.replace("\"advance\"", "\"adv\""),
            "contract C-2026-001, deposit.kind",
            "not a deposit kind",
        ),
        (
            SEATS.replace("\"4500.00\"", "\"4500.001\""),
            "contract C-2026-001, charge[0].monthly_price",
            "more than 2 decimal places",
        ),
        (
            SEATS.replace("end = \"2027-09-30\"", "end = \"2025-09-30\""),
            "contract C-2026-001, end",
            "before the start",
        ),
        (
            SEATS.replace(
                "role = \"presale\"\nmonthly",
                "role = \"aftersale\"\nmonthly",
            ),
            "contract C-2026-001, seats",
            "no aftersale seats",
        ),
    ] {
        let e = file::parse(&bad).unwrap_err();
        assert_eq!(e.at, at);
        assert!(e.en.contains(says), "{}", e.en);
    }
    let e = file::parse("[[contract]]\nid = 3").unwrap_err();
    assert!(e.at.contains("line 2"), "{}", e.at);
}
