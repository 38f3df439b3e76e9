//! `kefu kpi`: figures from the database, or straight from files.

use crate::lang::tr;
use crate::output::{Format, write_groups};
use anyhow::{Context, bail};
use clap::Args;
use kefu_domain::StoreSettings;
use kefu_domain::time::parse_day;
use kefu_import::{Kind, ReadOptions, Record};
use kefu_kpi::{Dataset, Filter, GroupKey, Grouping, Totals};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Options of `kefu kpi`.
#[derive(Debug, Args)]
pub struct KpiArgs {
    /// First local day (YYYY-MM-DD), included.
    #[arg(long)]
    from: Option<String>,
    /// Last local day (YYYY-MM-DD), included.
    #[arg(long)]
    to: Option<String>,
    /// Group by any of store, agent, date, hour (comma-separated).
    #[arg(long, default_value = "store")]
    by: String,
    /// Only this store.
    #[arg(long)]
    store: Option<String>,
    /// Output: table, csv, json or xlsx.
    #[arg(long, default_value = "table")]
    format: Format,
    /// File to write (required for xlsx; stdout otherwise).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Read DIR/messages.csv, DIR/orders.csv, DIR/ratings.csv instead of the database.
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
    /// With --input: TOML of per-store settings ([stores."CODE"] tables).
    #[arg(long, requires = "input")]
    settings: Option<PathBuf>,
}

impl KpiArgs {
    /// A table of the whole period by store, from the database.
    pub fn by_store() -> KpiArgs {
        KpiArgs {
            from: None,
            to: None,
            by: "store".into(),
            store: None,
            format: Format::Table,
            out: None,
            input: None,
            settings: None,
        }
    }
}

/// Runs `kefu kpi`.
pub async fn run(db: &str, a: &KpiArgs) -> anyhow::Result<ExitCode> {
    let grouping = Grouping::parse(&a.by)
        .map_err(anyhow::Error::msg)
        .context("--by")?;
    let day = |s: &Option<String>, flag: &str| -> anyhow::Result<Option<i32>> {
        s.as_deref()
            .map(|d| {
                parse_day(d)
                    .map_err(anyhow::Error::msg)
                    .with_context(|| flag.to_string())
            })
            .transpose()
    };
    let filter = Filter {
        from: day(&a.from, "--from")?,
        to: day(&a.to, "--to")?,
        store: a.store.clone(),
        ..Filter::default()
    };
    if let (Some(f), Some(t)) = (filter.from, filter.to)
        && f > t
    {
        bail!(
            "--from {} is after --to {}",
            a.from.as_deref().unwrap_or(""),
            a.to.as_deref().unwrap_or("")
        );
    }
    let groups = match &a.input {
        Some(dir) => from_files(dir, a.settings.as_deref(), grouping, filter)?,
        None => {
            let app = crate::db::app(db).await?;
            let groups = crate::db::cli_gate(&app).kpi(grouping, &filter).await;
            app.close().await?;
            // The service layer's cache holds the other reference; once it
            // is gone the rows are taken, not copied (a grouping by date and
            // hour can hold millions).
            drop(app);
            let mut g = std::sync::Arc::unwrap_or_clone(groups?);
            g.sort_by(|x, y| x.0.cmp(&y.0));
            g
        }
    };
    write_groups(groups, grouping, a.format, a.out.as_deref())?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the per-store settings TOML: `[stores."CODE"]` tables of settings.
pub fn read_settings(path: &Path) -> anyhow::Result<HashMap<String, StoreSettings>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let doc: toml::Table =
        toml::from_str(&text).with_context(|| format!("{} is not valid TOML", path.display()))?;
    let mut out = HashMap::new();
    let Some(stores) = doc.get("stores") else {
        return Ok(out);
    };
    let stores = stores
        .as_table()
        .with_context(|| format!("{}: `stores` must be a table", path.display()))?;
    for (code, table) in stores {
        let table = table
            .as_table()
            .with_context(|| format!("{}: stores.\"{code}\" must be a table", path.display()))?;
        let mut s = StoreSettings::default();
        for (key, value) in table {
            if let (true, toml::Value::Array(items)) = (key == "auto_reply_prefixes", value) {
                // A list holds whole prefixes, commas included.
                s.auto_reply_prefixes = items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(|p| p.trim().to_string())
                            .unwrap_or_else(|| i.to_string())
                    })
                    .filter(|p| !p.is_empty())
                    .collect();
                continue;
            }
            let text = match value {
                toml::Value::String(v) => v.clone(),
                other => other.to_string(),
            };
            s.set(key, &text)
                .map_err(|e| anyhow::anyhow!("{}: stores.\"{code}\": {e}", path.display()))?;
        }
        out.insert(code.clone(), s);
    }
    Ok(out)
}

/// Figures straight from the files of a directory, with no database.
pub fn from_files(
    dir: &Path,
    settings: Option<&Path>,
    grouping: Grouping,
    filter: Filter,
) -> anyhow::Result<Vec<(GroupKey, Totals)>> {
    let started = std::time::Instant::now();
    let settings = settings.map(read_settings).transpose()?.unwrap_or_default();
    let mut data = Dataset::new(settings);
    let opts = ReadOptions::default();
    for (name, kind, required) in [
        ("messages.csv", Kind::Messages, true),
        ("orders.csv", Kind::Orders, false),
        ("ratings.csv", Kind::Ratings, false),
    ] {
        let path = dir.join(name);
        if !path.exists() {
            if required {
                bail!("{} {}", path.display(), tr("不存在", "does not exist"));
            }
            continue;
        }
        let reader = kefu_import::open(&path, kind, &opts)?;
        if kind == Kind::Messages {
            // About 110 bytes a message in platform exports.
            data.reserve_messages((reader.total_bytes() / 110) as usize);
        }
        read_into(reader, &path, &mut data)?;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let read = started.elapsed();
    let groups = data.query(grouping, filter, threads);
    if std::env::var_os("KEFU_TIMING").is_some() {
        eprintln!(
            "timing: read {:.2} s, compute {:.2} s",
            read.as_secs_f64(),
            (started.elapsed() - read).as_secs_f64()
        );
    }
    Ok(groups)
}

/// Reads a file into the data set: one thread parses, this one adds, so the
/// two overlap. Stops at 20 bad records; any bad record fails the whole run.
fn read_into(
    mut reader: kefu_import::RecordReader,
    path: &Path,
    data: &mut Dataset,
) -> anyhow::Result<()> {
    const BATCH: usize = 8192;
    let bar = crate::import::progress(reader.total_bytes(), path);
    let (send, receive) = std::sync::mpsc::sync_channel::<(Vec<Record>, Vec<String>, u64)>(4);
    let parser = std::thread::spawn(move || {
        let (mut batch, mut errors) = (Vec::with_capacity(BATCH), Vec::new());
        let mut total_errors = 0;
        while let Some(item) = reader.next() {
            match item {
                Ok(l) => batch.push(l.record),
                Err(e) => {
                    total_errors += 1;
                    errors.push(e.to_string());
                }
            }
            if batch.len() == BATCH || total_errors >= 20 {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if send
                    .send((full, std::mem::take(&mut errors), reader.bytes_read()))
                    .is_err()
                    || total_errors >= 20
                {
                    break;
                }
            }
        }
        let _ = send.send((batch, errors, reader.bytes_read()));
        reader.take_fatal()
    });
    let mut errors = Vec::new();
    for (batch, errs, pos) in receive {
        errors.extend(errs);
        if errors.is_empty() {
            for record in &batch {
                match record {
                    Record::Message(m) => data.add_message(m),
                    Record::Order(o) => data.add_order(o),
                    Record::Rating(r) => data.add_rating(r),
                }
                .map_err(anyhow::Error::msg)?;
            }
        }
        bar.set_position(pos);
    }
    bar.finish_and_clear();
    let fatal = parser
        .join()
        .map_err(|_| anyhow::anyhow!("the reader of {} failed", path.display()))?;
    if let Some(fatal) = fatal {
        return Err(fatal.into());
    }
    if !errors.is_empty() {
        bail!(
            "{}\n{}",
            errors.join("\n"),
            tr("输入有误，未计算", "bad input; nothing computed")
        );
    }
    Ok(())
}
