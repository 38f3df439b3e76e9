//! Writing rows of named fields (spec §5 rows of quality inspection, and
//! any other command's rows given as serde structs) as a text table, CSV,
//! JSON or an Excel workbook. The JSON is the rows as serialised; the other
//! formats take the fields in that order, with headers in the interface
//! language.

use crate::lang::{english, tr};
use crate::output::{Format, text_table};
use anyhow::{Context, bail};
use kefu_export::xlsx::{ColumnWidths, NumberFormat, SheetLayout, XlsxCell, workbook};
use kefu_export::{Cell as CsvCell, CsvWriter};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use std::path::Path;

/// A column: its field name, its Chinese header.
pub type Column = (&'static str, &'static str);

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(text_of)
                .collect::<Vec<_>>()
                .join("-"),
        ),
        other => Some(other.to_string()),
    }
}

/// Writes `rows` in `format` to `out` (stdout when `None`; XLSX needs a
/// file). `columns` names the fields of the table, CSV and workbook, in
/// order; `sheet` is the workbook's sheet name.
pub fn write_rows<T: Serialize>(
    rows: &[T],
    columns: &[Column],
    sheet: (&str, &str),
    format: Format,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let values: Vec<Value> = rows
        .iter()
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()?;
    let columns: Vec<Column> = columns
        .iter()
        .copied()
        .filter(|(name, _)| values.iter().all(|v| v.get(name).is_some()) || values.is_empty())
        .collect();
    let header: Vec<String> = columns
        .iter()
        .map(|(en, zh)| {
            if english() {
                en.to_string()
            } else {
                zh.to_string()
            }
        })
        .collect();
    if format == Format::Xlsx {
        let Some(path) = out else {
            bail!("{}", tr("xlsx 需要 --out 文件", "xlsx needs --out FILE"))
        };
        let cells = values.iter().map(|v| {
            columns
                .iter()
                .map(|(name, _)| match &v[*name] {
                    Value::Null => XlsxCell::Empty,
                    Value::Number(n) => {
                        XlsxCell::Number(n.as_f64().unwrap_or_default(), NumberFormat::General)
                    }
                    other => XlsxCell::Text(text_of(other).unwrap_or_default().into()),
                })
                .collect::<Vec<_>>()
        });
        let layout = SheetLayout {
            name: Some(tr(sheet.0, sheet.1).to_string()),
            frozen_columns: 0,
            widths: ColumnWidths::Fit,
        };
        let bytes = workbook(&header, cells, &layout)?;
        std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        return Ok(());
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
            serde_json::to_writer_pretty(&mut w, &values)?;
            w.write_all(b"\n")?;
        }
        Format::Csv => {
            let mut c = if out.is_some() {
                CsvWriter::with_bom(&mut w)?
            } else {
                CsvWriter::new(&mut w)
            };
            c.header(columns.iter().map(|(name, _)| *name))?;
            for v in &values {
                c.row(columns.iter().map(|(name, _)| match &v[*name] {
                    Value::Null => CsvCell::Empty,
                    Value::Number(n) => CsvCell::number(n.to_string()),
                    other => CsvCell::text(text_of(other).unwrap_or_default()),
                }))?;
            }
            c.finish()?;
        }
        _ => {
            let body: Vec<Vec<String>> = values
                .iter()
                .map(|v| {
                    columns
                        .iter()
                        .map(|(name, _)| text_of(&v[*name]).unwrap_or_else(|| "-".into()))
                        .collect()
                })
                .collect();
            w.write_all(text_table(&header, &body).as_bytes())?;
        }
    }
    w.flush()?;
    Ok(())
}
