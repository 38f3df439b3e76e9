//! `kefu settle`, `kefu invoice` and `kefu ledger`: a month's settlement,
//! invoices and notes, payments and deposits, and the client's statement
//! (spec `contracts.md` §4, §5). The command names and flags are
//! interfaces scripts call.

use crate::db::with_gate;
use crate::lang::tr;
use crate::output::Format;
use crate::records::{Column, write_rows};
use anyhow::{Context, bail};
use clap::Subcommand;
use kefu_app::contracts::{parse_date, today};
use kefu_contract::EntryKind;
use kefu_domain::Fen;
use std::path::PathBuf;
use std::process::ExitCode;

/// Subcommands of `kefu invoice`.
#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Invoices and notes, of one client or month or all.
    List {
        /// Only this client's.
        #[arg(long)]
        client: Option<String>,
        /// Only this month's (YYYY-MM).
        #[arg(long)]
        month: Option<String>,
        /// table, json or xlsx.
        #[arg(long, default_value = "table")]
        format: Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// One invoice with its lines, as JSON.
    Show {
        /// Its number.
        number: String,
    },
    /// Issue a draft: it never changes again and enters the client's ledger.
    Issue {
        /// Its number.
        number: String,
        /// The day of issue (default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// A credit or debit note correcting an issued invoice.
    Note {
        /// The invoice corrected.
        number: String,
        /// Credit (less owed) of this many yuan.
        #[arg(long, conflicts_with = "debit")]
        credit: Option<String>,
        /// Debit (more owed) of this many yuan.
        #[arg(long)]
        debit: Option<String>,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

/// Subcommands of `kefu ledger`.
#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Record a payment or a deposit received from a client.
    Record {
        /// The client company.
        client: String,
        /// payment or deposit_received.
        #[arg(long)]
        kind: String,
        /// Yuan, e.g. 24000.00.
        #[arg(long)]
        amount: String,
        /// The day.
        #[arg(long)]
        on: String,
        /// The contract it is for.
        #[arg(long)]
        contract: Option<String>,
    },
    /// A client's statement: every entry with the balance after it.
    Show {
        /// The client company.
        client: String,
        /// table, json or xlsx.
        #[arg(long, default_value = "table")]
        format: Format,
        /// File to write (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

const INVOICE_COLUMNS: &[Column] = &[
    ("number", "编号"),
    ("client", "甲方"),
    ("contract", "合同"),
    ("month", "月份"),
    ("kind", "类型"),
    ("status", "状态"),
    ("refers_to", "更正的账单"),
    ("amount", "金额"),
    ("tax", "税额"),
    ("net", "不含税"),
    ("gross", "含税"),
    ("confirmed_by", "对账确认人"),
];

const LEDGER_COLUMNS: &[Column] = &[
    ("date", "日期"),
    ("contract", "合同"),
    ("kind", "类型"),
    ("kind_zh", "说明"),
    ("amount", "金额"),
    ("refers_to", "关联账单"),
    ("balance", "余额（甲方应付）"),
    ("held", "押金余额"),
    ("note", "备注"),
];

fn yuan(flag: &'static str, text: &str) -> anyhow::Result<Fen> {
    Ok(kefu_app::contracts::parse_yuan(flag, text)?)
}

/// Runs `kefu settle --month`.
pub async fn run_settle(url: &str, month: &str) -> anyhow::Result<ExitCode> {
    let month = kefu_app::contracts::parse_month("--month", month)?;
    with_gate(url, async |gate| {
        let s = gate.settle(month).await?;
        println!(
            "{month}: {} {}, {} {}, {} {}",
            s.drafted.len(),
            tr("张新草稿", "drafted"),
            s.recomputed.len(),
            tr("张重算", "recomputed"),
            s.issued.len(),
            tr("张已开具未动", "issued, left alone")
        );
        for r in &s.refused {
            eprintln!("  ✗ {r}");
        }
        Ok(())
    })
    .await
}

/// Runs `kefu invoice …`.
pub async fn run_invoice(url: &str, c: &InvoiceCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| match c {
        InvoiceCommand::List {
            client,
            month,
            format,
            out,
        } => {
            let all = gate.invoices(client.as_deref(), month.as_deref()).await?;
            if *format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&all)?);
                return Ok(());
            }
            write_rows(
                &all,
                INVOICE_COLUMNS,
                ("账单", "invoices"),
                *format,
                out.as_deref(),
            )
        }
        InvoiceCommand::Show { number } => {
            println!(
                "{}",
                serde_json::to_string_pretty(&gate.invoice(number).await?)?
            );
            Ok(())
        }
        InvoiceCommand::Issue { number, on } => {
            let on = match on {
                Some(d) => parse_date("on", d)?,
                None => today(),
            };
            let i = gate.invoice_issue(number, on).await?;
            println!("{} {} {}", i.number, tr("已开具", "issued"), i.gross);
            Ok(())
        }
        InvoiceCommand::Note {
            number,
            credit,
            debit,
            reason,
        } => {
            let (is_credit, amount) = match (credit, debit) {
                (Some(c), None) => (true, yuan("--credit", c)?),
                (None, Some(d)) => (false, yuan("--debit", d)?),
                _ => bail!(
                    "{}",
                    tr(
                        "请给出 --credit 或 --debit 金额",
                        "give --credit or --debit YUAN"
                    )
                ),
            };
            let n = gate.invoice_note(number, is_credit, amount, reason).await?;
            println!("{} → {} {}", n.number, number, n.gross);
            Ok(())
        }
    })
    .await
}

/// Runs `kefu ledger …`.
pub async fn run_ledger(url: &str, c: &LedgerCommand) -> anyhow::Result<ExitCode> {
    with_gate(url, async |gate| match c {
        LedgerCommand::Record {
            client,
            kind,
            amount,
            on,
            contract,
        } => {
            let kind = EntryKind::parse(kind)
                .filter(|k| matches!(k, EntryKind::Payment | EntryKind::DepositReceived))
                .with_context(|| {
                    format!(
                        "--kind: '{kind}' {}",
                        tr(
                            "应为 payment 或 deposit_received",
                            "must be payment or deposit_received"
                        )
                    )
                })?;
            let l = gate
                .ledger_record(
                    client,
                    kind,
                    yuan("--amount", amount)?,
                    parse_date("on", on)?,
                    contract.as_deref(),
                )
                .await?;
            println!("{client}: {} {}", tr("余额", "balance"), l.balance);
            Ok(())
        }
        LedgerCommand::Show {
            client,
            format,
            out,
        } => {
            let l = gate.ledger(client).await?;
            if *format == Format::Json {
                println!("{}", serde_json::to_string_pretty(&l)?);
                return Ok(());
            }
            write_rows(
                &l.entries,
                LEDGER_COLUMNS,
                ("对账单", "ledger"),
                *format,
                out.as_deref(),
            )
        }
    })
    .await
}
