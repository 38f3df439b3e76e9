//! Contracts and billing through the service layer on both databases:
//! worked examples checked to the fen by expectations computed by hand in
//! their comments, onboarding steps refused with their reasons and
//! changing nothing, settling twice, issued invoices never changing, and
//! a client seeing only their own company's contracts, invoices and ledger.

use jiff::civil::date;
use kefu_app::accounts::UserRequest;
use kefu_app::{Actor, App, Error, Gate};
use kefu_contract::{EntryKind, Month, Party, State};
use kefu_db::billing::StoreAgent;
use kefu_db::contract::{msg, order};
use kefu_domain::{Fen, RecordTime, Role, Sender};

use crate::common;
use common::fresh;

on_both!(
    commission_counts_local_days_at_the_borders,
    per_inquiry_counts_manual_sessions,
    walks_from_draft_to_formal,
    a_trial_cancelled_on_day_twelve,
    settling_twice_and_issued_invoices,
    the_daily_job_settles_when_due,
    clients_see_only_their_own,
);

const HEAD: &str = r#"
[[client]]
name = "ACME"
stores = ["dy-1"]

[[client]]
name = "Other"
stores = ["tm-9"]
"#;

fn contract(id: &str, client: &str, store: &str, extra: &str, charge: &str) -> String {
    format!(
        r#"
[[contract]]
id = "{id}"
client = "{client}"
type = "outsourcing"
stores = ["{store}"]
start = "2026-10-01"
end = "2027-09-30"
{extra}
annual_base_fee = "24000.00"
seats = [ {{ role = "presale", count = 3, from = "2026-10-01" }} ]

[[contract.charge]]
{charge}
"#
    )
}

const SEAT: &str = "kind = \"seat\"\nrole = \"presale\"\nmonthly_price = \"4500.00\"";
const RUNNING: &str = "state = \"formal\"\nservice_start = \"2026-10-01\"";

fn cli(app: &App) -> Gate {
    app.gate(Actor::command_line())
}

fn amount(text: &str) -> Fen {
    Fen::parse_yuan(text.trim_start_matches('-'))
        .map(|f| if text.starts_with('-') { Fen(-f.0) } else { f })
        .unwrap()
}

async fn commission_counts_local_days_at_the_borders(app: App) {
    let g = cli(&app);
    let file = format!(
        "{HEAD}{}",
        contract(
            "C-COM",
            "ACME",
            "dy-1",
            RUNNING,
            "kind = \"commission\"\nmonthly_base = \"3000.00\"\nrate = \"0.03\""
        )
    );
    g.contract_import(&file).await.unwrap();
    let mut orders = vec![
        // 23:59:59 on 30 September, local: September's.
        order(
            "dy-1",
            "o1",
            "b1",
            "2026-09-30 23:00:00",
            Some("2026-09-30 23:59:59"),
            100_000,
        ),
        // Midnight on 1 October: October's.
        order(
            "dy-1",
            "o2",
            "b2",
            "2026-10-01 00:00:00",
            Some("2026-10-01 00:00:00"),
            200_000,
        ),
        // 16:30 UTC on 31 October is 00:30 on 1 November in Shanghai: November's.
        order(
            "dy-1",
            "o3",
            "b3",
            "2026-10-31T16:00:00Z",
            Some("2026-10-31T16:30:00Z"),
            400_000,
        ),
        // 15:59 UTC on 31 October is 23:59 local: October's.
        order(
            "dy-1",
            "o4",
            "b4",
            "2026-10-31T15:00:00Z",
            Some("2026-10-31T15:59:00+00:00"),
            800_000,
        ),
        // Paid 10 October, refunded in November: the payment counts, not the refund.
        order(
            "dy-1",
            "o6",
            "b6",
            "2026-10-10 10:00:00",
            Some("2026-10-10 10:00:00"),
            30_000,
        ),
    ];
    // Paid in September, refunded 5 October: the refund counts in October.
    let mut o5 = order(
        "dy-1",
        "o5",
        "b5",
        "2026-09-15 10:00:00",
        Some("2026-09-15 10:00:00"),
        90_000,
    );
    o5.refund_amount = Some(Fen(50_000));
    o5.refunded_at = Some(RecordTime::parse("2026-10-05 12:00:00").unwrap());
    orders.push(o5);
    orders[4].refund_amount = Some(Fen(30_000));
    orders[4].refunded_at = Some(RecordTime::parse("2026-11-02 10:00:00").unwrap());
    let mut tx = g.begin_import().await.unwrap();
    tx.add_orders(&orders).await.unwrap();
    tx.commit().await.unwrap();
    g.settle(Month::parse("2026-10").unwrap()).await.unwrap();
    let inv = &g.invoices(Some("ACME"), Some("2026-10")).await.unwrap()[0];
    // Paid in October: 2000.00 + 8000.00 + 300.00 = 10300.00; refunds made
    // in October: 500.00; sales 9800.00 × 0.03 = 294.00. Base 3000.00.
    assert_eq!(inv.lines[0].charge, "commission_base");
    assert_eq!(inv.lines[0].amount, "3000.00");
    assert_eq!(inv.lines[1].charge, "commission");
    assert_eq!(inv.lines[1].quantity, serde_json::json!("9800.00"));
    assert_eq!(inv.lines[1].basis["paid"], "10300.00");
    assert_eq!(inv.lines[1].basis["refunded"], "500.00");
    assert_eq!(inv.lines[1].amount, "294.00");
    // Tax-inclusive 6 %: 3000.00 × 0.06 ÷ 1.06 = 169.811… → 169.81;
    // 294.00 × 0.06 ÷ 1.06 = 16.641… → 16.64; 186.45 in all.
    assert_eq!(
        (inv.amount.as_str(), inv.tax.as_str(), inv.net.as_str()),
        ("3294.00", "186.45", "3107.55")
    );
}

async fn per_inquiry_counts_manual_sessions(app: App) {
    let g = cli(&app);
    let tiers =
        "kind = \"per_inquiry\"\ntiers = [ { up_to = 2, price = \"2.00\" }, { price = \"1.50\" } ]";
    g.contract_import(&format!(
        "{HEAD}{}",
        contract("C-INQ", "ACME", "dy-1", RUNNING, tiers)
    ))
    .await
    .unwrap();
    let mut messages = Vec::new();
    for (i, day) in ["2026-10-01", "2026-10-15", "2026-10-31", "2026-11-01"]
        .iter()
        .enumerate()
    {
        let b = format!("b{i}");
        messages.push(msg(
            "dy-1",
            &format!("q{i}"),
            &b,
            Sender::Buyer,
            None,
            &format!("{day} 10:00:00"),
            "在吗",
        ));
        messages.push(msg(
            "dy-1",
            &format!("a{i}"),
            &b,
            Sender::Agent,
            Some("dy-1:小美"),
            &format!("{day} 10:00:10"),
            "在的",
        ));
    }
    let mut tx = g.begin_import().await.unwrap();
    tx.add_messages(&messages).await.unwrap();
    tx.commit().await.unwrap();
    g.settle(Month::parse("2026-10").unwrap()).await.unwrap();
    let inv = &g.invoices(None, Some("2026-10")).await.unwrap()[0];
    // Three manual sessions in October: 2 × 2.00 + 1 × 1.50 = 5.50.
    assert_eq!(inv.lines[0].quantity, serde_json::json!(3));
    assert_eq!(inv.lines[0].amount, "5.50");
    assert_eq!(inv.lines[0].basis["tiers"], "2×2.00 + 1×1.50");
}

async fn walks_from_draft_to_formal(app: App) {
    let g = cli(&app);
    g.contract_import(&format!(
        "{HEAD}{}",
        contract("C-NEW", "ACME", "dy-1", "", SEAT)
    ))
    .await
    .unwrap();
    let c = g.contract("C-NEW").await.unwrap();
    assert_eq!(
        (c.state.as_str(), c.next_state.as_deref()),
        ("draft", Some("signed"))
    );
    g.contract_advance("C-NEW", State::Signed, date(2026, 9, 1), "签约")
        .await
        .unwrap();
    let refused = |e: Error, says: &str| match e {
        Error::Conflict { en, .. } => assert!(en.contains(says), "{en}"),
        other => panic!("{other:?}"),
    };
    let steps_before = g.contract("C-NEW").await.unwrap().steps.len();
    let e = g
        .contract_advance("C-NEW", State::BaseFeePaid, date(2026, 9, 2), "")
        .await
        .unwrap_err();
    refused(
        e,
        "the annual base fee is not paid: 24000.00 due, 0.00 paid",
    );
    let after = g.contract("C-NEW").await.unwrap();
    assert_eq!(
        (after.state.as_str(), after.steps.len()),
        ("signed", steps_before),
        "a refusal changes nothing"
    );
    assert_eq!(
        after.missing_en,
        vec!["the annual base fee is not paid: 24000.00 due, 0.00 paid".to_string()]
    );
    g.ledger_record(
        "ACME",
        EntryKind::Payment,
        Fen(2_400_000),
        date(2026, 9, 2),
        Some("C-NEW"),
    )
    .await
    .unwrap();
    g.contract_advance("C-NEW", State::BaseFeePaid, date(2026, 9, 2), "")
        .await
        .unwrap();
    refused(
        g.contract_advance("C-NEW", State::Training, date(2026, 9, 3), "")
            .await
            .unwrap_err(),
        "no agent is assigned",
    );
    g.save_store_agent(&StoreAgent {
        store: "dy-1".into(),
        agent: "张三".into(),
        account: "dy-1:小张".into(),
        team: None,
        role: "presale".into(),
    })
    .await
    .unwrap();
    g.contract_advance("C-NEW", State::Training, date(2026, 9, 3), "")
        .await
        .unwrap();
    refused(
        g.contract_advance("C-NEW", State::Assessment, date(2026, 9, 5), "")
            .await
            .unwrap_err(),
        "张三 has not finished the training",
    );
    g.record_training("张三", "dy-1", date(2026, 9, 5), "产品知识")
        .await
        .unwrap();
    g.contract_advance("C-NEW", State::Assessment, date(2026, 9, 5), "")
        .await
        .unwrap();
    g.record_assessment("张三", "dy-1", date(2026, 9, 6), 70.0, 80.0)
        .await
        .unwrap();
    refused(
        g.contract_advance("C-NEW", State::LiveTrial, date(2026, 10, 1), "")
            .await
            .unwrap_err(),
        "张三 has not passed the assessment of store dy-1: scored 70 against a pass mark of 80",
    );
    g.record_assessment("张三", "dy-1", date(2026, 9, 7), 85.0, 80.0)
        .await
        .unwrap();
    g.contract_advance("C-NEW", State::LiveTrial, date(2026, 10, 1), "上线")
        .await
        .unwrap();
    refused(
        g.contract_advance("C-NEW", State::Formal, date(2026, 10, 31), "")
            .await
            .unwrap_err(),
        "still in it",
    );
    let c = g
        .contract_advance("C-NEW", State::Formal, date(2026, 11, 1), "试运营通过")
        .await
        .unwrap();
    assert_eq!(c.state, "formal");
    assert_eq!(c.service_start.as_deref(), Some("2026-10-01"));
    assert_eq!(c.trial_end.as_deref(), Some("2026-10-31"));
    let path: Vec<&str> = c.steps.iter().map(|s| s.to.as_str()).collect();
    assert_eq!(
        path,
        [
            "draft",
            "signed",
            "base_fee_paid",
            "training",
            "assessment",
            "live_trial",
            "formal"
        ]
    );
    assert!(c.steps.iter().all(|s| s.by == "cli"));
    // The base fee was entered on signing and paid.
    let l = g.ledger("ACME").await.unwrap();
    assert_eq!(
        l.entries
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>(),
        ["base_fee", "payment"]
    );
    assert_eq!(l.balance, "0.00");
}

async fn a_trial_cancelled_on_day_twelve(app: App) {
    for kind in ["advance", "earnest"] {
        let g = cli(&app);
        let id = format!("C-TRIAL-{kind}");
        let store = format!("dy-{kind}");
        let extra = format!(
            "state = \"live_trial\"\nservice_start = \"2026-10-01\"\ndeposit = {{ amount = \"10000.00\", kind = \"{kind}\" }}"
        );
        let head = format!("[[client]]\nname = \"T-{kind}\"\nstores = [\"{store}\"]\n");
        g.contract_import(&format!(
            "{head}{}",
            contract(&id, &format!("T-{kind}"), &store, &extra, SEAT)
        ))
        .await
        .unwrap();
        let client = format!("T-{kind}");
        g.ledger_record(
            &client,
            EntryKind::Payment,
            Fen(2_400_000),
            date(2026, 10, 1),
            Some(&id),
        )
        .await
        .unwrap();
        g.ledger_record(
            &client,
            EntryKind::DepositReceived,
            Fen(1_000_000),
            date(2026, 10, 1),
            Some(&id),
        )
        .await
        .unwrap();
        let c = g
            .contract_end(&id, date(2026, 10, 12), Party::Client, "试运营期内甲方取消")
            .await
            .unwrap();
        assert_eq!(
            (c.state.as_str(), c.ending.as_deref()),
            ("ended", Some("trial_cancellation"))
        );
        let inv = &g.invoices(Some(&client), Some("2026-10")).await.unwrap()[0];
        // 3 seats × 12 days = 36 seat-days × 4500.00 ÷ 31 = 5225.806… → 5225.81.
        assert_eq!(
            (inv.lines[0].quantity.clone(), inv.gross.as_str()),
            (serde_json::json!(36), "5225.81")
        );
        let l = g.ledger(&client).await.unwrap();
        let kinds: Vec<(&str, &str)> = l
            .entries
            .iter()
            .map(|e| (e.kind.as_str(), e.amount.as_str()))
            .collect();
        // Base fee back for 365 − 12 = 353 days: 24000.00 × 353 ÷ 365 =
        // 23210.958… → 23210.96; nothing unpaid, so the deposit, of either
        // kind, comes back whole.
        assert_eq!(
            kinds,
            [
                ("base_fee", "24000.00"),
                ("payment", "24000.00"),
                ("deposit_received", "10000.00"),
                ("base_fee_refunded", "23210.96"),
                ("deposit_refunded", "10000.00")
            ]
        );
        g.invoice_issue(&inv.number, date(2026, 10, 13))
            .await
            .unwrap();
        let l = g.ledger(&client).await.unwrap();
        // −23210.96 + 5225.81 = −17985.15: the provider owes the client.
        assert_eq!((l.balance.as_str(), l.held.as_str()), ("-17985.15", "0.00"));
        assert_eq!(amount(&l.balance), Fen(-1_798_515));
    }
}

async fn settling_twice_and_issued_invoices(app: App) {
    let g = cli(&app);
    g.contract_import(&format!(
        "{HEAD}{}",
        contract("C-SEAT", "ACME", "dy-1", RUNNING, SEAT)
    ))
    .await
    .unwrap();
    let oct = Month::parse("2026-10").unwrap();
    let first = g.settle(oct).await.unwrap();
    assert_eq!(first.drafted.len(), 1);
    let again = g.settle(oct).await.unwrap();
    assert_eq!(
        (again.drafted.len(), again.recomputed.clone()),
        (0, first.drafted.clone())
    );
    let all = g.invoices(None, None).await.unwrap();
    assert_eq!(all.len(), 1, "no second invoice");
    // A whole month of 3 seats: 93 seat-days × 4500.00 ÷ 31 = 13500.00.
    assert_eq!(all[0].gross, "13500.00");
    let number = all[0].number.clone();
    let issued = g.invoice_issue(&number, date(2026, 11, 1)).await.unwrap();
    let third = g.settle(oct).await.unwrap();
    assert_eq!(third.issued, vec![number.clone()]);
    assert_eq!(
        g.invoice(&number).await.unwrap(),
        issued,
        "an issued invoice never changes"
    );
    assert!(matches!(
        g.invoice_issue(&number, date(2026, 11, 2)).await,
        Err(Error::Conflict { .. })
    ));
    let note = g
        .invoice_note(&number, true, Fen(15_000), "少服务半天")
        .await
        .unwrap();
    assert_eq!(
        (
            note.kind.as_str(),
            note.refers_to.as_deref(),
            note.gross.as_str()
        ),
        ("credit_note", Some(number.as_str()), "150.00")
    );
    assert_ne!(note.number, number);
    let l = g.ledger("ACME").await.unwrap();
    // Base fee 24000.00 + invoice 13500.00 − credit 150.00 = 37350.00.
    assert_eq!(l.balance, "37350.00");
    // The month of an issued invoice cannot change by a new version.
    let v2 = contract(
        "C-SEAT",
        "ACME",
        "dy-1",
        &format!("{RUNNING}\nversion_from = \"2026-10-20\""),
        SEAT,
    );
    assert!(matches!(
        g.contract_import(&format!("{HEAD}{v2}")).await,
        Err(Error::Conflict { .. })
    ));
    // Importing the same file again changes nothing.
    let s = g
        .contract_import(&format!(
            "{HEAD}{}",
            contract("C-SEAT", "ACME", "dy-1", RUNNING, SEAT)
        ))
        .await
        .unwrap();
    assert_eq!(s.unchanged.len(), 1);
    // A client claiming another's store: refused before anything is written.
    let claim = "[[client]]\nname = \"First\"\nstores = [\"new-1\"]\n\n[[client]]\nname = \"Taker\"\nstores = [\"dy-1\"]\n";
    match g.contract_import(claim).await {
        Err(Error::Conflict { en, .. }) => {
            assert!(en.contains("store dy-1 belongs to client 'ACME'"), "{en}")
        }
        other => panic!("{other:?}"),
    }
    let names: Vec<String> = g
        .clients()
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(
        !names.contains(&"First".to_string()),
        "nothing half-written: {names:?}"
    );
}

async fn the_daily_job_settles_when_due(app: App) {
    let g = cli(&app);
    assert!(
        g.settle_due(date(2026, 11, 1)).await.unwrap().is_none(),
        "no contracts, nothing due"
    );
    g.contract_import(&format!(
        "{HEAD}{}",
        contract("C-SEAT", "ACME", "dy-1", RUNNING, SEAT)
    ))
    .await
    .unwrap();
    // A later day of November while October has no invoice: the server was
    // down on the 1st, so October is settled now.
    let late = g.settle_due(date(2026, 11, 3)).await.unwrap().expect("due");
    assert_eq!((late.month.as_str(), late.drafted.len()), ("2026-10", 1));
    assert!(
        g.settle_due(date(2026, 11, 4)).await.unwrap().is_none(),
        "October is settled"
    );
    // Settlement day: the 1st of December settles November.
    let due = g.settle_due(date(2026, 12, 1)).await.unwrap().expect("due");
    assert_eq!((due.month.as_str(), due.drafted.len()), ("2026-11", 1));
}

async fn clients_see_only_their_own(app: App) {
    let g = cli(&app);
    let file = format!(
        "{HEAD}{}{}",
        contract("C-A", "ACME", "dy-1", RUNNING, SEAT),
        contract("C-O", "Other", "tm-9", RUNNING, SEAT)
    );
    g.contract_import(&file).await.unwrap();
    g.settle(Month::parse("2026-10").unwrap()).await.unwrap();
    g.create_user(&UserRequest {
        username: "acme".into(),
        role: Some(Role::Client),
        client: Some("ACME".into()),
        ..UserRequest::default()
    })
    .await
    .unwrap();
    let acme = app.gate(Actor::user(&g.user_named("acme").await.unwrap()));
    assert_eq!(
        acme.contracts()
            .await
            .unwrap()
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["C-A"]
    );
    assert!(matches!(acme.contract("C-O").await, Err(Error::NotFound)));
    assert!(matches!(
        acme.contract_export(Some("C-O")).await,
        Err(Error::NotFound)
    ));
    assert!(!acme.contract_export(None).await.unwrap().contains("C-O"));
    assert!(matches!(acme.ledger("Other").await, Err(Error::NotFound)));
    assert!(matches!(
        acme.invoices(Some("Other"), None).await,
        Err(Error::NotFound)
    ));
    let own = acme.invoices(None, None).await.unwrap();
    assert_eq!(
        own.iter().map(|i| i.contract.as_str()).collect::<Vec<_>>(),
        ["C-A"]
    );
    let other = g.invoices(Some("Other"), None).await.unwrap()[0]
        .number
        .clone();
    assert!(matches!(acme.invoice(&other).await, Err(Error::NotFound)));
    assert!(matches!(
        acme.statement_confirm(&other).await,
        Err(Error::NotFound)
    ));
    let confirmed = acme.statement_confirm(&own[0].number).await.unwrap();
    assert_eq!(confirmed.confirmed_by.as_deref(), Some("acme"));
    let disputed = acme
        .statement_dispute(&own[0].number, 0, "席位数不对")
        .await
        .unwrap();
    assert_eq!(disputed.disputes.len(), 1);
    assert!(matches!(
        g.invoice_issue(&own[0].number, date(2026, 11, 2)).await,
        Err(Error::Conflict { .. })
    ));
    assert!(matches!(
        acme.contract_advance("C-A", State::Ended, date(2026, 11, 2), "")
            .await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        acme.settle(Month::parse("2026-10").unwrap()).await,
        Err(Error::Forbidden)
    ));
}
