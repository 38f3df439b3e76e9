//! Writing KPI rows as a text table, CSV, JSON or an Excel workbook.

use crate::lang::{english, tr};
use anyhow::{Context, bail};
use kefu_export::{Cell as CsvCell, CsvWriter};
use kefu_kpi::Grouping;
use kefu_kpi::report::{Figure, Row, Value, rows};
use kefu_kpi::{GroupKey, Totals};
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// An output format of `kefu kpi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned text table.
    Table,
    /// CSV with the spec's names as header (UTF-8 with BOM in a file).
    Csv,
    /// A JSON array of row objects (spec §6).
    Json,
    /// An Excel workbook (needs --out).
    Xlsx,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "xlsx" | "excel" => Ok(Format::Xlsx),
            other => Err(format!(
                "'{other}' is not a format; use table, csv, json or xlsx"
            )),
        }
    }
}

fn key_label(k: &str) -> &'static str {
    match (k, english()) {
        ("store", false) => "店铺",
        ("agent", false) => "客服",
        ("date", false) => "日期",
        ("hour", false) => "小时",
        ("store", true) => "store",
        ("agent", true) => "agent",
        ("date", true) => "date",
        _ => "hour",
    }
}

/// The figures every row of the result may carry, in output order.
fn columns(rows: &[Row]) -> Vec<Figure> {
    Figure::ALL
        .iter()
        .copied()
        .filter(|f| rows.is_empty() || rows.iter().any(|r| r.get(*f).is_some()))
        .collect()
}

/// Writes grouped totals in a format to a file, or to stdout. JSON and CSV
/// are streamed row by row, so a result of millions of rows needs little
/// memory.
pub fn write_groups(
    groups: Vec<(GroupKey, Totals)>,
    g: Grouping,
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    if format == Format::Xlsx {
        let Some(path) = out else {
            bail!("{}", tr("xlsx 需要 --out 文件", "xlsx needs --out FILE"))
        };
        return write_xlsx(&rows(groups), g, path);
    }
    let mut w: Box<dyn Write> = match out {
        Some(path) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Box::new(std::io::BufWriter::new(f))
        }
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    match format {
        Format::Json => {
            w.write_all(b"[")?;
            for (i, (key, totals)) in groups.into_iter().enumerate() {
                w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
                serde_json::to_writer(&mut w, &Row::new(key, &totals).to_json(g))?;
            }
            w.write_all(b"\n]\n")?;
        }
        Format::Csv => {
            // Through kefu's one CSV writer: keys (store, agent, date) are
            // text and neutralised against formula injection, figures are
            // numbers. A BOM in a file, so that Excel reads UTF-8.
            let mut c = if out.is_some() {
                CsvWriter::with_bom(&mut w)?
            } else {
                CsvWriter::new(&mut w)
            };
            let mut header: Vec<&str> = g.keys();
            header.extend(Figure::ALL.iter().map(|f| f.name()));
            c.header(&header)?;
            for (key, totals) in groups {
                let r = Row::new(key, &totals);
                let keys = r.key_texts(g).into_iter().map(|(_, t)| match t {
                    Some(t) => CsvCell::text(t),
                    None => CsvCell::Empty,
                });
                let figures = Figure::ALL.iter().map(|f| match r.get(*f) {
                    Some(Value::Number(Some(x))) => CsvCell::number(x.to_string()),
                    Some(Value::Number(None) | Value::Money(None)) | None => CsvCell::Empty,
                    Some(v) => CsvCell::number(v.to_text()),
                });
                c.row(keys.chain(figures))?;
            }
            c.finish()?;
        }
        _ => {
            let rows = rows(groups);
            let figs = columns(&rows);
            let mut header: Vec<String> =
                g.keys().iter().map(|k| key_label(k).to_string()).collect();
            header.extend(
                figs.iter()
                    .map(|f| if english() { f.name() } else { f.label_zh() }.to_string()),
            );
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut v: Vec<String> = r
                        .key_texts(g)
                        .into_iter()
                        .map(|(_, t)| t.unwrap_or_else(|| "-".into()))
                        .collect();
                    v.extend(
                        figs.iter()
                            .map(|f| r.get(*f).map(Value::to_text).unwrap_or_default()),
                    );
                    v
                })
                .collect();
            w.write_all(text_table(&header, &body).as_bytes())?;
        }
    }
    w.flush()?;
    Ok(())
}

/// The rows as an Excel workbook (the one XLSX writer of kefu's exports,
/// [`kefu_export::xlsx::workbook`]): keys and figures typed, money, rates
/// and seconds in their formats, the keys kept in view.
fn write_xlsx(rows: &[Row], g: Grouping, path: &Path) -> anyhow::Result<()> {
    use kefu_export::xlsx::{ColumnWidths, NumberFormat, SheetLayout, XlsxCell, workbook};
    let figs = columns(rows);
    let keys = g.keys();
    let headers: Vec<&str> = keys
        .iter()
        .map(|k| key_label(k))
        .chain(
            figs.iter()
                .map(|f| if english() { f.name() } else { f.label_zh() }),
        )
        .collect();
    let cells = rows.iter().map(|r| {
        let mut cells: Vec<XlsxCell> = r
            .key_texts(g)
            .into_iter()
            .map(|(k, t)| match (k, t) {
                ("hour", Some(h)) => {
                    XlsxCell::Number(h.parse::<f64>().unwrap_or_default(), NumberFormat::General)
                }
                (_, Some(t)) => XlsxCell::Text(t.into()),
                (_, None) => XlsxCell::Empty,
            })
            .collect();
        cells.extend(figs.iter().map(|f| match r.get(*f) {
            Some(Value::Count(n)) => XlsxCell::Number(*n as f64, NumberFormat::General),
            Some(Value::Number(Some(x))) => {
                let seconds = f.name().ends_with("_s") || f.name().ends_with("_ratio");
                let format = if seconds {
                    NumberFormat::Decimal
                } else {
                    NumberFormat::Percent
                };
                XlsxCell::Number(*x, format)
            }
            Some(Value::Money(Some(m))) => {
                XlsxCell::Number(m.0 as f64 / 100.0, NumberFormat::Money)
            }
            _ => XlsxCell::Empty,
        }));
        cells
    });
    let layout = SheetLayout {
        name: Some(tr("数据绩效", "KPIs").to_string()),
        frozen_columns: keys.len() as u16,
        widths: ColumnWidths::Fit,
    };
    let bytes = workbook(&headers, cells, &layout)?;
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Display width of text on a terminal (CJK characters take two columns).
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let c = c as u32;
            let wide = matches!(c, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// An aligned text table: text left, numbers right.
pub fn text_table(header: &[String], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            w[i] = w[i].max(width(c));
        }
    }
    let numeric = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    };
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut parts = Vec::with_capacity(n);
        for (i, c) in cells.iter().enumerate().take(n) {
            let pad = " ".repeat(w[i] - width(c));
            parts.push(if numeric(c) {
                format!("{pad}{c}")
            } else {
                format!("{c}{pad}")
            });
        }
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(header, &mut out);
    let rule: Vec<String> = w.iter().map(|x| "-".repeat(*x)).collect();
    line(&rule, &mut out);
    for r in rows {
        line(r, &mut out);
    }
    out
}
