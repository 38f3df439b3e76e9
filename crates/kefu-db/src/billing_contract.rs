//! The contract every [`BillingStore`] implementation passes, on a fresh,
//! empty database: versions, states and steps come back as written;
//! invoice numbers follow one sequence, a draft is recomputed in place and
//! an issued invoice refuses changes; the ledger keeps its order; a write
//! not committed leaves nothing.

use crate::AuditEntry;
use crate::billing::{
    Assessment, BillingStore, ContractRow, Dispute, InvoiceQuery, InvoiceRow, LedgerRow, StepRow,
    StoreAgent, Training, VersionRow,
};
use anyhow::{Result, ensure};

fn version(id: &str, from: i64, terms: &str) -> VersionRow {
    VersionRow {
        contract_id: id.into(),
        version_from: from,
        client: "ACME 甲方".into(),
        terms: terms.into(),
        created_ms: 1_700_000_000_000,
        created_by: "cli".into(),
    }
}

fn contract(id: &str, state: &str) -> ContractRow {
    ContractRow {
        id: id.into(),
        client: "ACME 甲方".into(),
        state: state.into(),
        signed_on: Some(20_000),
        service_start: None,
        last_served: None,
        ending: None,
        notice_on: None,
        notice_by: None,
    }
}

fn draft(contract: &str, month: &str, kind: &str, gross: i64) -> InvoiceRow {
    InvoiceRow {
        number: String::new(),
        seq: 0,
        kind: kind.into(),
        client: "ACME 甲方".into(),
        contract_id: contract.into(),
        month: month.into(),
        refers_to: None,
        status: "draft".into(),
        amount: gross,
        tax: gross / 10,
        net: gross - gross / 10,
        gross,
        lines: "[]".into(),
        reason: String::new(),
        drafted_ms: 1,
        issued_on: None,
        confirmed_by: None,
        confirmed_ms: None,
    }
}

fn audit(action: &str) -> AuditEntry {
    AuditEntry {
        id: 0,
        at_ms: 1,
        actor_kind: "cli".into(),
        user_id: None,
        actor_name: "cli".into(),
        token_id: None,
        action: action.into(),
        subject: "C-1".into(),
        detail: String::new(),
    }
}

/// Versions by day (the same day replaced), the contract's state and
/// steps, and the stores of its latest version.
pub async fn versions_states_and_steps(db: &dyn BillingStore) -> Result<()> {
    ensure!(
        db.billing_contracts(None).await?.is_empty(),
        "a new store is empty"
    );
    let mut w = db.begin_billing().await?;
    w.save_version(&version("C-1", 20_000, "v1"), &["dy-1".into()])
        .await?;
    w.save_version(
        &version("C-1", 20_019, "v2"),
        &["dy-1".into(), "tm-2".into()],
    )
    .await?;
    w.save_version(
        &version("C-1", 20_019, "v2 again"),
        &["dy-1".into(), "tm-2".into()],
    )
    .await?;
    w.save_contract(&contract("C-1", "draft")).await?;
    ensure!(
        w.contract("C-1").await?.is_some(),
        "the write sees its own rows"
    );
    w.add_step(&StepRow {
        contract_id: "C-1".into(),
        from_state: "draft".into(),
        to_state: "signed".into(),
        on_day: 20_001,
        at_ms: 5,
        actor: "张经理".into(),
        reason: "签约".into(),
    })
    .await?;
    let mut signed = contract("C-1", "signed");
    signed.service_start = Some(20_010);
    signed.ending = Some("notice".into());
    w.save_contract(&signed).await?;
    w.record(&audit("contract.import")).await?;
    w.commit().await?;
    let v = db.billing_versions("C-1").await?;
    ensure!(
        v.iter()
            .map(|v| (v.version_from, v.terms.as_str()))
            .collect::<Vec<_>>()
            == vec![(20_000, "v1"), (20_019, "v2 again")],
        "versions by day: {v:?}"
    );
    ensure!(
        db.billing_contract("C-1").await? == Some(signed.clone()),
        "the state as saved"
    );
    ensure!(
        db.billing_contracts(Some("ACME 甲方")).await?.len() == 1,
        "by client"
    );
    ensure!(
        db.billing_contracts(Some("other")).await?.is_empty(),
        "not another client's"
    );
    let steps = db.billing_steps("C-1").await?;
    ensure!(
        steps.len() == 1 && steps[0].actor == "张经理",
        "steps: {steps:?}"
    );
    ensure!(
        db.billing_store_contracts("tm-2").await? == vec!["C-1".to_string()],
        "store lookup"
    );
    ensure!(
        db.billing_store_contracts("xx").await?.is_empty(),
        "unknown store"
    );
    Ok(())
}

/// One sequence of numbers; a draft recomputed in place; an issued invoice
/// refuses to change; notes take the next numbers; confirmations and
/// disputes are kept.
pub async fn invoices_and_numbers(db: &dyn BillingStore) -> Result<()> {
    let mut w = db.begin_billing().await?;
    let a = w
        .save_draft(&draft("C-1", "2026-10", "invoice", 1000))
        .await?;
    let b = w
        .save_draft(&draft("C-2", "2026-10", "invoice", 2000))
        .await?;
    let again = w
        .save_draft(&draft("C-1", "2026-10", "invoice", 1500))
        .await?;
    w.commit().await?;
    ensure!(
        a == "INV-000001" && b == "INV-000002" && again == a,
        "numbers: {a} {b} {again}"
    );
    let one = db.billing_invoice(&a).await?;
    ensure!(
        one.as_ref().map(|i| i.gross) == Some(1500),
        "recomputed in place: {one:?}"
    );
    let mut w = db.begin_billing().await?;
    w.issue(&a, 20_400).await?;
    ensure!(w.issue(&a, 20_401).await.is_err(), "issued once");
    ensure!(
        w.save_draft(&draft("C-1", "2026-10", "invoice", 9))
            .await
            .is_err(),
        "an issued invoice never changes"
    );
    drop(w);
    let still = db.billing_invoice(&a).await?;
    ensure!(
        still.as_ref().map(|i| (i.status.as_str(), i.gross)) == Some(("draft", 1500)),
        "not committed: {still:?}"
    );
    let mut w = db.begin_billing().await?;
    w.issue(&a, 20_400).await?;
    let mut note = draft("C-1", "2026-10", "credit_note", 100);
    note.refers_to = Some(a.clone());
    note.reason = "少计一天".into();
    let n = w.save_draft(&note).await?;
    w.confirm(&b, "client-acme", 77).await?;
    w.add_dispute(&Dispute {
        number: b.clone(),
        line: 0,
        reason: "席位数不对".into(),
        raised_by: "client-acme".into(),
        raised_ms: 78,
        resolved_ms: None,
    })
    .await?;
    w.commit().await?;
    ensure!(n == "CN-000003", "a note's number: {n}");
    let issued = db.billing_invoice(&a).await?;
    ensure!(
        issued.map(|i| (i.status, i.issued_on)) == Some(("issued".into(), Some(20_400))),
        "issued on its day"
    );
    let all = db.billing_invoices(&InvoiceQuery::default()).await?;
    ensure!(
        all.iter().map(|i| i.seq).collect::<Vec<_>>() == vec![1, 2, 3],
        "by number"
    );
    let of_c1 = db
        .billing_invoices(&InvoiceQuery {
            contract: Some("C-1".into()),
            month: Some("2026-10".into()),
            ..InvoiceQuery::default()
        })
        .await?;
    ensure!(of_c1.len() == 2, "the invoice and its note: {of_c1:?}");
    let confirmed = db.billing_invoice(&b).await?;
    ensure!(
        confirmed.and_then(|i| i.confirmed_by) == Some("client-acme".into()),
        "confirmed"
    );
    let d = db.billing_disputes(&b).await?;
    ensure!(
        d.len() == 1 && d[0].resolved_ms.is_none(),
        "an open dispute"
    );
    let mut w = db.begin_billing().await?;
    w.resolve_disputes(&b, 99).await?;
    w.commit().await?;
    ensure!(
        db.billing_disputes(&b).await?[0].resolved_ms == Some(99),
        "resolved"
    );
    Ok(())
}

/// Ledger entries in their order, per client; agents, training and
/// assessments as written; declared sales replaced.
pub async fn ledger_agents_and_declared(db: &dyn BillingStore) -> Result<()> {
    let entry = |kind: &str, amount: i64| LedgerRow {
        id: 0,
        client: "ACME 甲方".into(),
        entry_date: 20_000,
        contract_id: Some("C-1".into()),
        kind: kind.into(),
        amount,
        refers_to: None,
        note: "说明".into(),
        at_ms: 3,
    };
    let mut w = db.begin_billing().await?;
    for (k, a) in [
        ("base_fee", 2_400_000),
        ("payment", 2_400_000),
        ("deposit_received", 1_000_000),
    ] {
        w.add_entry(&entry(k, a)).await?;
    }
    ensure!(
        w.ledger("ACME 甲方").await?.len() == 3,
        "the write sees its entries"
    );
    w.save_agent(&StoreAgent {
        store: "dy-1".into(),
        agent: "张三".into(),
        account: "dy-1:售前-小张".into(),
        team: Some("一组".into()),
        role: "presale".into(),
    })
    .await?;
    w.add_training(&Training {
        agent: "张三".into(),
        store: "dy-1".into(),
        on_day: 20_002,
        topic: "产品知识".into(),
        recorded_by: "cli".into(),
    })
    .await?;
    for score in [70.0, 88.5] {
        w.add_assessment(&Assessment {
            agent: "张三".into(),
            store: "dy-1".into(),
            on_day: 20_003,
            score,
            pass_mark: 80.0,
            recorded_by: "cli".into(),
        })
        .await?;
    }
    w.declare("C-1", "2026-10", 500).await?;
    w.declare("C-1", "2026-10", 700).await?;
    w.commit().await?;
    let l = db.billing_ledger("ACME 甲方").await?;
    ensure!(
        l.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>()
            == vec!["base_fee", "payment", "deposit_received"],
        "in order: {l:?}"
    );
    ensure!(l.windows(2).all(|w| w[0].id < w[1].id), "ids grow");
    ensure!(db.billing_ledger("other").await?.is_empty(), "per client");
    let stores = vec!["dy-1".to_string()];
    ensure!(
        db.billing_store_agents(&stores).await?.len() == 1,
        "the agent"
    );
    ensure!(
        db.billing_trainings(&stores).await?.len() == 1,
        "the training"
    );
    let a = db.billing_assessments(&stores).await?;
    ensure!(
        a.last().map(|a| a.score) == Some(88.5),
        "the latest assessment last: {a:?}"
    );
    ensure!(
        db.billing_store_agents(&[]).await?.is_empty(),
        "no stores, no agents"
    );
    ensure!(
        db.billing_declared("C-1", "2026-10").await? == Some(700),
        "declared, replaced"
    );
    // A write dropped without commit leaves nothing.
    let mut w = db.begin_billing().await?;
    w.add_entry(&entry("payment", 1)).await?;
    drop(w);
    ensure!(
        db.billing_ledger("ACME 甲方").await?.len() == 3,
        "nothing of a dropped write"
    );
    Ok(())
}
