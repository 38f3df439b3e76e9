//! Reading the requirements CSV of an instance: a header naming the
//! columns `store`, `skill`, `date` (`YYYY-MM-DD`), `interval` (`HH:MM`,
//! the start of a slot) and `agents` (agents on duty required), in any
//! order, and optionally `forecast` (the volume, shown in coverage rows).
//! Every error names the line and the column.

use crate::roster::calendar::{parse_date, parse_time};
use crate::roster::check::RequirementCheck;
use crate::roster::error::{InstanceError, Place, Problem, Source};
use crate::roster::instance::Requirement;

const COLUMNS: [&str; 6] = ["store", "skill", "date", "interval", "agents", "forecast"];
const OPTIONAL: usize = 5;

/// Reads the requirement rows of `text`, checking each with `rows`.
pub(crate) fn parse_requirements(
    text: &str,
    rows: &mut RequirementCheck,
) -> Result<Vec<Requirement>, InstanceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(record) => record.map_err(syntax)?,
        None => csv::StringRecord::new(),
    };
    let at = |line: u64, column: &str| Place::Line {
        source: Source::Requirements,
        line,
        column: Some(column.to_string()),
    };
    let mut index: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (i, name) in header.iter().enumerate() {
        let error = |problem| InstanceError {
            place: at(1, name),
            problem,
        };
        let k = COLUMNS
            .iter()
            .position(|c| *c == name)
            .ok_or_else(|| error(Problem::UnknownField))?;
        if index[k].replace(i).is_some() {
            return Err(error(Problem::Duplicate {
                value: name.to_string(),
            }));
        }
    }
    let mut columns = [0; OPTIONAL];
    for (k, column) in columns.iter_mut().enumerate() {
        *column = index[k].ok_or_else(|| InstanceError {
            place: at(1, COLUMNS[k]),
            problem: Problem::Missing,
        })?;
    }
    let mut out = Vec::new();
    for record in records {
        let record = record.map_err(syntax)?;
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let cell = |k: usize| record.get(columns[k]).unwrap_or("");
        let error = |k: usize, problem| InstanceError {
            place: at(line, COLUMNS[k]),
            problem,
        };
        let date = parse_date(cell(2)).ok_or_else(|| {
            error(
                2,
                Problem::BadDate {
                    text: cell(2).to_string(),
                },
            )
        })?;
        let interval = parse_time(cell(3)).ok_or_else(|| {
            error(
                3,
                Problem::BadTime {
                    text: cell(3).to_string(),
                },
            )
        })?;
        let agents = cell(4).parse::<u32>().map_err(|_| {
            error(
                4,
                Problem::OutOfRange {
                    range: "[0, 4294967295] (a whole number)",
                },
            )
        })?;
        let forecast = match index[OPTIONAL].and_then(|i| record.get(i)) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<f64>()
                    .map_err(|_| error(OPTIONAL, Problem::OutOfRange { range: "[0, ∞)" }))?,
            ),
        };
        let row = Requirement {
            store: cell(0).to_string(),
            skill: cell(1).to_string(),
            date,
            interval,
            agents,
            forecast,
        };
        rows.check(&row, |column| at(line, column))?;
        out.push(row);
    }
    Ok(out)
}

fn syntax(error: csv::Error) -> InstanceError {
    let line = error.position().map_or(1, |p| p.line());
    InstanceError {
        place: Place::Line {
            source: Source::Requirements,
            line,
            column: None,
        },
        problem: Problem::Syntax {
            message: error.to_string(),
        },
    }
}
