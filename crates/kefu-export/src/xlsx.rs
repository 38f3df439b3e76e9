//! The one XLSX writer of kefu's exports: the web's page exports and
//! `kefu kpi --format xlsx` both write a workbook of one sheet through
//! [`workbook`]: a bold header row kept in view, then the rows; a report of
//! several tables is a workbook of several such sheets ([`workbook_of`]).
//!
//! Cells are typed: text is written as a string cell, never as a formula,
//! so the formula injection that [`crate::neutralise`] prevents in CSV
//! cannot happen here and text is written as it came.

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::borrow::Cow;

/// How a number is shown in its cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// Excel's general format.
    General,
    /// Money in yuan: `#,##0.00`.
    Money,
    /// A rate: `0.00%`.
    Percent,
    /// Seconds and ratios: `0.0`.
    Decimal,
}

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum XlsxCell<'a> {
    /// Nothing written.
    Empty,
    /// A string cell.
    Text(Cow<'a, str>),
    /// A number cell in a format.
    Number(f64, NumberFormat),
}

/// The widths of the sheet's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnWidths {
    /// Every column this many characters wide.
    Fixed(u16),
    /// Each column as wide as its content.
    Fit,
}

/// How the sheet looks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLayout {
    /// The sheet's name (Excel's default `Sheet1` when `None`).
    pub name: Option<String>,
    /// Columns kept in view at the left (the group's keys), besides the
    /// header row, which always is.
    pub frozen_columns: u16,
    /// Column widths.
    pub widths: ColumnWidths,
}

/// A workbook of one sheet: `headers` in bold on the first row, then
/// `rows`, as the bytes of an `.xlsx` file.
pub fn workbook<'a, H: AsRef<str>>(
    headers: &[H],
    rows: impl IntoIterator<Item = Vec<XlsxCell<'a>>>,
    layout: &SheetLayout,
) -> Result<Vec<u8>, XlsxError> {
    let headers: Vec<&str> = headers.iter().map(AsRef::as_ref).collect();
    let sheet = Sheet {
        headers,
        rows: rows.into_iter().collect(),
        layout: layout.clone(),
    };
    workbook_of(&[sheet])
}

/// One sheet of a workbook of several ([`workbook_of`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet<'a> {
    /// The header row, in bold.
    pub headers: Vec<&'a str>,
    /// The rows under it.
    pub rows: Vec<Vec<XlsxCell<'a>>>,
    /// How it looks (name it: Excel wants sheet names unique).
    pub layout: SheetLayout,
}

/// A workbook of these sheets, in order, as the bytes of an `.xlsx` file
/// (a monthly report: targets, figures, invoice lines).
pub fn workbook_of(sheets: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let formats = [
        Format::new(),
        Format::new().set_num_format("#,##0.00"),
        Format::new().set_num_format("0.00%"),
        Format::new().set_num_format("0.0"),
    ];
    for s in sheets {
        let layout = &s.layout;
        let sheet = book.add_worksheet();
        if let Some(name) = &layout.name {
            sheet.set_name(name)?;
        }
        for (c, h) in s.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            if let ColumnWidths::Fixed(w) = layout.widths {
                sheet.set_column_width(c as u16, w)?;
            }
        }
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    XlsxCell::Empty => {}
                    XlsxCell::Text(t) => {
                        sheet.write_string(r, c, t.as_ref())?;
                    }
                    XlsxCell::Number(n, NumberFormat::General) => {
                        sheet.write_number(r, c, *n)?;
                    }
                    XlsxCell::Number(n, f) => {
                        sheet.write_number_with_format(r, c, *n, &formats[*f as usize])?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, layout.frozen_columns)?;
        if layout.widths == ColumnWidths::Fit {
            sheet.autofit();
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_sheet_of_typed_cells() {
        let rows = vec![
            vec![
                XlsxCell::Text("=HYPERLINK(\"x\")".into()),
                XlsxCell::Number(12.5, NumberFormat::Money),
            ],
            vec![
                XlsxCell::Empty,
                XlsxCell::Number(0.25, NumberFormat::Percent),
            ],
        ];
        let layout = SheetLayout {
            name: Some("数据绩效".into()),
            frozen_columns: 1,
            widths: ColumnWidths::Fit,
        };
        let bytes = workbook(&["店铺", "销售额"], rows, &layout).expect("workbook");
        assert!(bytes.starts_with(b"PK"), "a zip file");
        let fixed = SheetLayout {
            name: None,
            frozen_columns: 0,
            widths: ColumnWidths::Fixed(14),
        };
        let empty: Vec<Vec<XlsxCell>> = Vec::new();
        assert!(
            workbook(&["a"], empty, &fixed)
                .expect("workbook")
                .starts_with(b"PK")
        );
    }

    #[test]
    fn writes_several_named_sheets() {
        let sheet = |name: &str| Sheet {
            headers: vec!["项目", "金额"],
            rows: vec![vec![
                XlsxCell::Text("席位".into()),
                XlsxCell::Number(1.0, NumberFormat::Money),
            ]],
            layout: SheetLayout {
                name: Some(name.into()),
                frozen_columns: 0,
                widths: ColumnWidths::Fit,
            },
        };
        let bytes = workbook_of(&[sheet("目标"), sheet("账单")]).expect("workbook");
        assert!(bytes.starts_with(b"PK"));
        // Two sheets of one name are refused by Excel's rules.
        assert!(workbook_of(&[sheet("同名"), sheet("同名")]).is_err());
    }
}
