//! Tables as pages show them, and the same tables as CSV and XLSX files
//! (with the page's filters applied, since they are built from the same
//! query).

use crate::error::AppError;
use crate::i18n::Lang;
use crate::view::{label, number, show};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use kefu_domain::time::format_day;
use kefu_export::{Cell as CsvCell, CsvWriter};
use kefu_kpi::Grouping;
use kefu_kpi::aggregate::AgentKey;
use kefu_kpi::report::{Figure, Row, Value};

/// A column heading.
#[derive(Debug, Clone)]
pub struct Header {
    /// Its label.
    pub label: String,
    /// The link that sorts by it, when it sorts.
    pub sort_href: Option<String>,
    /// `asc`/`desc` when the table is sorted by it.
    pub sorted: &'static str,
    /// Right-aligned (numbers).
    pub numeric: bool,
}

/// One cell: its text, an optional link, and its value for spreadsheets.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Text shown.
    pub text: String,
    /// Link, when the cell leads somewhere.
    pub href: Option<String>,
    /// The number behind it (spreadsheets get numbers, not text).
    pub number: Option<f64>,
    /// A CSS class (`met`, `missed`, …), may be empty.
    pub class: &'static str,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: None,
            number: None,
            class: "",
        }
    }

    /// A text cell with a link.
    pub fn link(text: impl Into<String>, href: String) -> Cell {
        Cell {
            href: Some(href),
            ..Cell::text(text)
        }
    }

    /// A number cell.
    pub fn number(text: String, number: Option<f64>) -> Cell {
        Cell {
            number,
            ..Cell::text(text)
        }
    }
}

/// A table with its headings and rows.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The base name of exported files (`stores-2026-11-01-2026-11-30`).
    pub name: String,
    /// Headings.
    pub headers: Vec<Header>,
    /// Rows of cells, as many as headings.
    pub rows: Vec<Vec<Cell>>,
    /// Links to this table as CSV and XLSX.
    pub csv_href: String,
    /// See `csv_href`.
    pub xlsx_href: String,
}

impl Table {
    /// A table of plain headings, (Chinese, English, numeric) each, and rows.
    pub fn of(
        name: String,
        heads: &[(&str, &str, bool)],
        lang: Lang,
        rows: Vec<Vec<Cell>>,
    ) -> Table {
        let headers = heads
            .iter()
            .map(|(zh, en, numeric)| Header {
                label: lang.t(zh, en).to_string(),
                sort_href: None,
                sorted: "",
                numeric: *numeric,
            })
            .collect();
        Table {
            name,
            headers,
            rows,
            csv_href: String::new(),
            xlsx_href: String::new(),
        }
    }

    /// Sets the export links from the page's path and query.
    pub fn with_exports(mut self, path_and_query: &str) -> Table {
        let base = strip_param(path_and_query, "format");
        let sep = if base.contains('?') { '&' } else { '?' };
        self.csv_href = format!("{base}{sep}format=csv");
        self.xlsx_href = format!("{base}{sep}format=xlsx");
        self
    }

    /// The table as CSV, UTF-8 with a BOM so that Excel reads Chinese,
    /// through kefu's one CSV writer: text cells that a spreadsheet would
    /// read as a formula are neutralised, numbers are written as numbers.
    pub fn to_csv(&self) -> Result<Vec<u8>, AppError> {
        let io = |e: std::io::Error| AppError::Internal(e.into());
        let mut w = CsvWriter::with_bom(Vec::new()).map_err(io)?;
        w.header(self.headers.iter().map(|h| h.label.as_str()))
            .map_err(io)?;
        for r in &self.rows {
            w.row(r.iter().map(|c| match c.number {
                _ if c.text == "—" => CsvCell::Empty,
                Some(n) => CsvCell::number(plain_number(n, &c.text)),
                None => CsvCell::text(c.text.as_str()),
            }))
            .map_err(io)?;
        }
        w.finish().map_err(io)
    }

    /// The table as an Excel workbook of one sheet (the one XLSX writer,
    /// [`kefu_export::xlsx::workbook`]).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AppError> {
        use kefu_export::xlsx::{ColumnWidths, NumberFormat, SheetLayout, XlsxCell, workbook};
        let headers: Vec<&str> = self.headers.iter().map(|h| h.label.as_str()).collect();
        let rows = self.rows.iter().map(|row| {
            row.iter()
                .map(|cell| match cell.number {
                    Some(n) => XlsxCell::Number(n, NumberFormat::General),
                    None if cell.text == "—" => XlsxCell::Empty,
                    None => XlsxCell::Text(cell.text.as_str().into()),
                })
                .collect()
        });
        let layout = SheetLayout {
            name: None,
            frozen_columns: 0,
            widths: ColumnWidths::Fixed(14),
        };
        workbook(&headers, rows, &layout).map_err(|e| AppError::Internal(e.into()))
    }

    /// The export response for `format` (`csv` or `xlsx`).
    pub fn export(&self, format: &str) -> Result<Response, AppError> {
        let (bytes, mime, ext) = match format {
            "csv" => (self.to_csv()?, "text/csv; charset=utf-8", "csv"),
            "xlsx" => (
                self.to_xlsx()?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            other => {
                return Err(AppError::BadRequest(format!(
                    "format '{other}' is not csv or xlsx"
                )));
            }
        };
        let disposition = attachment(&format!("{}.{ext}", self.name));
        Ok((
            [
                (CONTENT_TYPE, mime.to_string()),
                (CONTENT_DISPOSITION, disposition),
            ],
            bytes,
        )
            .into_response())
    }
}

/// The `Content-Disposition` of a download named `file`: an ASCII name
/// for old clients and the UTF-8 one (Chinese names) for the others.
pub fn attachment(file: &str) -> String {
    let ascii: String = file
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::auth::url_encode(file)
    )
}

/// A number as plain text for CSV: shares as fractions, money without ¥.
fn plain_number(n: f64, shown: &str) -> String {
    if shown.ends_with('%') || shown.contains('.') || shown.starts_with('¥') {
        let s = format!("{n:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{n}")
    }
}

/// A path and query without one parameter.
pub fn strip_param(path_and_query: &str, name: &str) -> String {
    match path_and_query.split_once('?') {
        None => path_and_query.to_string(),
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.is_empty() && p.split('=').next() != Some(name))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
    }
}

/// How a KPI table links and sorts.
pub struct KpiTableSpec<'a> {
    /// The grouping of the rows.
    pub grouping: Grouping,
    /// The figures shown as columns.
    pub figures: &'a [Figure],
    /// The link of a row's first key, when it leads somewhere.
    pub link: &'a (dyn Fn(&Row) -> Option<String> + Sync),
    /// The page's path and query (for sort links).
    pub here: &'a str,
    /// Sort by this figure's spec name.
    pub sort: Option<&'a str>,
    /// Ascending instead of descending.
    pub ascending: bool,
}

/// Rows of KPI figures as a table: the keys, then the figures; sortable by
/// any figure (nulls last).
pub fn kpi_table(name: String, mut rows: Vec<Row>, spec: &KpiTableSpec<'_>, lang: Lang) -> Table {
    if let Some(f) = spec.sort.and_then(Figure::from_name) {
        rows.sort_by(|a, b| {
            let (x, y) = (number(a.get(f)), number(b.get(f)));
            match (x, y) {
                (Some(x), Some(y)) => {
                    let o = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
                    if spec.ascending { o } else { o.reverse() }
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
        });
    }
    let g = spec.grouping;
    let key_label = |k: &str| match (k, lang) {
        ("store", Lang::Zh) => "店铺",
        ("agent", Lang::Zh) => "客服",
        ("date", Lang::Zh) => "日期",
        ("hour", Lang::Zh) => "小时",
        ("store", _) => "Store",
        ("agent", _) => "Agent",
        ("date", _) => "Date",
        _ => "Hour",
    };
    let base = strip_param(
        &strip_param(&strip_param(spec.here, "sort"), "dir"),
        "format",
    );
    let sep = if base.contains('?') { '&' } else { '?' };
    let mut headers: Vec<Header> = g
        .keys()
        .into_iter()
        .map(|k| Header {
            label: key_label(k).to_string(),
            sort_href: None,
            sorted: "",
            numeric: false,
        })
        .collect();
    for f in spec.figures {
        let current = spec.sort == Some(f.name());
        let next_dir = if current && !spec.ascending {
            "asc"
        } else {
            "desc"
        };
        headers.push(Header {
            label: label(*f, lang).to_string(),
            sort_href: Some(format!("{base}{sep}sort={}&dir={next_dir}", f.name())),
            sorted: match (current, spec.ascending) {
                (false, _) => "",
                (true, true) => "asc",
                (true, false) => "desc",
            },
            numeric: true,
        });
    }
    let body = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            let link = (spec.link)(r);
            let mut first = true;
            let mut key_cell = |text: String| {
                let cell = match (&link, first) {
                    (Some(h), true) => Cell::link(text, h.clone()),
                    _ => Cell::text(text),
                };
                first = false;
                cell
            };
            if g.store {
                cells.push(key_cell(r.key.store.clone().unwrap_or_default()));
            }
            if g.agent {
                let name = match &r.key.agent {
                    AgentKey::Named(a) => a.clone(),
                    _ => lang.t("（无客服）", "(no agent)").to_string(),
                };
                cells.push(key_cell(name));
            }
            if g.date {
                cells.push(key_cell(r.key.day.map(format_day).unwrap_or_default()));
            }
            if g.hour {
                cells.push(key_cell(
                    r.key.hour.map(|h| format!("{h:02}:00")).unwrap_or_default(),
                ));
            }
            for f in spec.figures {
                let v = r.get(*f);
                let n = match v {
                    Some(Value::Money(Some(fen))) => Some(fen.0 as f64 / 100.0),
                    other => number(other),
                };
                cells.push(Cell::number(show(*f, v), n));
            }
            cells
        })
        .collect();
    Table {
        name,
        headers,
        rows: body,
        csv_href: String::new(),
        xlsx_href: String::new(),
    }
}
