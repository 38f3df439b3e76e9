//! Sales the client declares (contracts.md §2: a commission "on the figure
//! the client declares, when the contract says so"), through the service
//! layer on both databases: a month without a declaration is not settled,
//! a declaration drafts to the fen, declaring again recomputes the draft,
//! an issued invoice refuses it; a client declares for their own contract
//! only; and the monthly report is the client's own stores' only.

use jiff::civil::date;
use kefu_app::accounts::UserRequest;
use kefu_app::{Actor, App, Error, Gate};
use kefu_contract::Month;
use kefu_domain::{Fen, Role};

use crate::common;
use common::fresh;

on_both!(declared_sales_settle_and_recompute);

const FILE: &str = r#"
[[client]]
name = "ACME"
stores = ["dy-1"]

[[client]]
name = "Other"
stores = ["tm-9"]

[[contract]]
id = "C-DEC"
client = "ACME"
type = "outsourcing"
stores = ["dy-1"]
start = "2026-10-01"
end = "2027-09-30"
state = "formal"
service_start = "2026-10-01"

[[contract.charge]]
kind = "commission"
monthly_base = "3000.00"
rate = "0.03"
sales = "declared"

[[contract]]
id = "C-ORD"
client = "Other"
type = "outsourcing"
stores = ["tm-9"]
start = "2026-10-01"
end = "2027-09-30"
state = "formal"
service_start = "2026-10-01"

[[contract.charge]]
kind = "commission"
monthly_base = "3000.00"
rate = "0.03"
"#;

fn cli(app: &App) -> Gate {
    app.gate(Actor::command_line())
}

fn yuan(text: &str) -> Fen {
    Fen::parse_yuan(text).unwrap()
}

async fn declared_sales_settle_and_recompute(app: App) {
    let g = cli(&app);
    g.contract_import(FILE).await.unwrap();
    let october = Month::parse("2026-10").unwrap();
    // Without a declaration the contract is not settled, and says why.
    let s = g.settle(october).await.unwrap();
    assert!(
        s.refused.iter().any(|r| r.starts_with("C-DEC")),
        "{:?}",
        s.refused
    );
    g.create_user(&UserRequest {
        username: "acme".into(),
        role: Some(Role::Client),
        client: Some("ACME".into()),
        ..UserRequest::default()
    })
    .await
    .unwrap();
    let acme = app.gate(Actor::user(&g.user_named("acme").await.unwrap()));
    // Another client's contract is not found; a contract on orders has
    // nothing to declare.
    assert!(matches!(
        acme.declare_sales("C-ORD", october, yuan("1.00")).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        g.declare_sales("C-ORD", october, yuan("1.00")).await,
        Err(Error::Invalid {
            field: Some("contract"),
            ..
        })
    ));
    let d = acme
        .declare_sales("C-DEC", october, yuan("100000.00"))
        .await
        .unwrap();
    assert_eq!(d.invoice, None, "October is not settled yet");
    g.settle(october).await.unwrap();
    let gross = |g: Gate| async move {
        let all = g.invoices(None, Some("2026-10")).await.unwrap();
        let i = all.iter().find(|i| i.contract == "C-DEC").unwrap().clone();
        (i.number, i.gross)
    };
    // 3000.00 base + 3 % × 100000.00 = 6000.00.
    let (number, first) = gross(cli(&app)).await;
    assert_eq!(first, "6000.00");
    // Declaring again recomputes the draft: 3000.00 + 3 % × 120000.00.
    let d = acme
        .declare_sales("C-DEC", october, yuan("120000.00"))
        .await
        .unwrap();
    assert_eq!(d.invoice.as_deref(), Some(number.as_str()));
    assert_eq!(gross(cli(&app)).await.1, "6600.00");
    assert!(matches!(
        acme.declare_sales("C-DEC", october, Fen(-1)).await,
        Err(Error::Invalid {
            field: Some("sales"),
            ..
        })
    ));
    g.invoice_issue(&number, date(2026, 11, 2)).await.unwrap();
    assert!(matches!(
        acme.declare_sales("C-DEC", october, yuan("1.00")).await,
        Err(Error::Conflict { .. })
    ));
    assert_eq!(gross(cli(&app)).await.1, "6600.00", "issued: unchanged");

    // The monthly report: the client's own store, with the invoice.
    let r = acme.monthly_report("dy-1", october).await.unwrap();
    assert_eq!(r.contract.as_deref(), Some("C-DEC"));
    assert_eq!(r.invoices.len(), 1);
    assert_eq!(r.targets.len(), 2, "the default targets");
    assert!(matches!(
        acme.monthly_report("tm-9", october).await,
        Err(Error::NotFound)
    ));
}
