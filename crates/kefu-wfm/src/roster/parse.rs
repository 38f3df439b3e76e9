//! Reading the TOML of a roster instance (spec `wfm.md` §5) field by field,
//! so that every error names its field (`shift[2].end`); a field the format
//! does not have is refused rather than ignored.

use crate::forecast::Day;
use crate::roster::calendar::{day_of, parse_date, parse_time};
use crate::roster::check::{RequirementCheck, check_plan};
use crate::roster::error::{Expected, InstanceError, Place, Problem, Source};
use crate::roster::instance::{
    Agent, Break, DEFAULT_INTERVAL_MINUTES, Instance, Rules, Shift, Store,
};
use crate::roster::requirements::parse_requirements;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// Reads a TOML text as a table, a syntax error naming its line in `source`.
pub(crate) fn parse_table(text: &str, source: Source) -> Result<Table, InstanceError> {
    text.parse().map_err(|e: toml::de::Error| {
        let before = e.span().map_or(0, |s| s.start.min(text.len()));
        let line = text.as_bytes()[..before]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        InstanceError {
            place: Place::Line {
                source,
                line: line as u64,
                column: None,
            },
            problem: Problem::Syntax {
                message: e.message().to_string(),
            },
        }
    })
}

/// Reads and checks an instance and its requirements.
pub(crate) fn parse_instance(text: &str, requirements: &str) -> Result<Instance, InstanceError> {
    let table = parse_table(text, Source::Instance)?;
    let mut top = Fields::new(&table, "");
    let defaults = Rules::default();
    let mut instance = Instance {
        start: top.date("start")?,
        days: top.whole("days", None)?,
        interval_minutes: top.whole("interval_minutes", Some(DEFAULT_INTERVAL_MINUTES))?,
        requirements_file: top.text("requirements", None)?,
        rules: match top.table("rules")? {
            Some((path, rules)) => {
                let mut rules = Fields::new(rules, &path);
                let read = Rules {
                    max_week_hours: rules
                        .number("max_week_hours", Some(defaults.max_week_hours))?,
                    min_rest_hours: rules
                        .number("min_rest_hours", Some(defaults.min_rest_hours))?,
                    max_consecutive_days: rules
                        .whole("max_consecutive_days", Some(defaults.max_consecutive_days))?,
                };
                rules.finish()?;
                read
            }
            None => defaults,
        },
        shifts: Vec::new(),
        agents: Vec::new(),
        stores: Vec::new(),
        requirements: Vec::new(),
    };
    for (path, table) in top.tables("shift")? {
        instance.shifts.push(shift(&mut Fields::new(table, &path))?);
    }
    for (path, table) in top.tables("agent")? {
        instance.agents.push(agent(&mut Fields::new(table, &path))?);
    }
    for (path, table) in top.tables("store")? {
        let mut fields = Fields::new(table, &path);
        instance.stores.push(Store {
            code: fields.text("code", None)?,
            priority: fields.whole("priority", Some(1))?,
        });
        fields.finish()?;
    }
    top.finish()?;
    check_plan(&instance)?;
    let mut rows = RequirementCheck::new(&instance);
    instance.requirements = parse_requirements(requirements, &mut rows)?;
    Ok(instance)
}

pub(crate) fn shift(fields: &mut Fields) -> Result<Shift, InstanceError> {
    let mut shift = Shift {
        code: fields.text("code", None)?,
        start: fields.time("start")?,
        end: fields.time("end")?,
        breaks: Vec::new(),
    };
    for (path, table) in fields.tables("breaks")? {
        let mut one = Fields::new(table, &path);
        shift.breaks.push(Break {
            start: one.time("start")?,
            end: one.time("end")?,
        });
        one.finish()?;
    }
    fields.finish()?;
    Ok(shift)
}

fn agent(fields: &mut Fields) -> Result<Agent, InstanceError> {
    let agent = Agent {
        name: fields.text("name", None)?,
        skills: fields.texts("skills")?,
        stores: fields.texts("stores")?,
        contract_hours: fields.number("contract_hours", None)?,
        leave: fields.dates("leave")?,
        prefer_off: fields.dates("prefer_off")?,
        dedicated: fields.optional_text("dedicated")?,
    };
    fields.finish()?;
    Ok(agent)
}

/// The fields of one table, remembering which were read so that the rest
/// can be refused as unknown.
pub(crate) struct Fields<'a> {
    table: &'a Table,
    prefix: String,
    read: BTreeSet<&'static str>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(table: &'a Table, prefix: &str) -> Fields<'a> {
        Fields {
            table,
            prefix: prefix.to_string(),
            read: BTreeSet::new(),
        }
    }

    pub(crate) fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn error(&self, key: &str, problem: Problem) -> InstanceError {
        InstanceError::at_field(self.path(key), problem)
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.read.insert(key);
        self.table.get(key)
    }

    fn required(&mut self, key: &'static str) -> Result<&'a Value, InstanceError> {
        self.get(key)
            .ok_or_else(|| self.error(key, Problem::Missing))
    }

    pub(crate) fn text(
        &mut self,
        key: &'static str,
        default: Option<&str>,
    ) -> Result<String, InstanceError> {
        match (self.get(key), default) {
            (None, Some(default)) => Ok(default.to_string()),
            (None, None) => Err(self.error(key, Problem::Missing)),
            (Some(value), _) => as_text(value, &self.path(key)),
        }
    }

    pub(crate) fn optional_text(
        &mut self,
        key: &'static str,
    ) -> Result<Option<String>, InstanceError> {
        self.get(key)
            .map(|value| as_text(value, &self.path(key)))
            .transpose()
    }

    pub(crate) fn whole(
        &mut self,
        key: &'static str,
        default: Option<u32>,
    ) -> Result<u32, InstanceError> {
        match (self.get(key), default) {
            (None, Some(default)) => Ok(default),
            (None, None) => Err(self.error(key, Problem::Missing)),
            (Some(Value::Integer(n)), _) => u32::try_from(*n).map_err(|_| {
                self.error(
                    key,
                    Problem::OutOfRange {
                        range: "[0, 4294967295]",
                    },
                )
            }),
            (Some(_), _) => Err(self.error(
                key,
                Problem::WrongType {
                    expected: Expected::WholeNumber,
                },
            )),
        }
    }

    pub(crate) fn number(
        &mut self,
        key: &'static str,
        default: Option<f64>,
    ) -> Result<f64, InstanceError> {
        match (self.get(key), default) {
            (None, Some(default)) => Ok(default),
            (None, None) => Err(self.error(key, Problem::Missing)),
            (Some(Value::Integer(n)), _) => Ok(*n as f64),
            (Some(Value::Float(x)), _) => Ok(*x),
            (Some(_), _) => Err(self.error(
                key,
                Problem::WrongType {
                    expected: Expected::Number,
                },
            )),
        }
    }

    /// Whether the table has `key`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// A number that may be left out.
    pub(crate) fn optional_number(
        &mut self,
        key: &'static str,
    ) -> Result<Option<f64>, InstanceError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.number(key, None).map(Some),
        }
    }

    pub(crate) fn date(&mut self, key: &'static str) -> Result<Day, InstanceError> {
        let value = self.required(key)?;
        as_date(value, &self.path(key))
    }

    pub(crate) fn time(&mut self, key: &'static str) -> Result<u32, InstanceError> {
        let path = self.path(key);
        let text = as_text(self.required(key)?, &path)?;
        parse_time(&text).ok_or_else(|| InstanceError::at_field(path, Problem::BadTime { text }))
    }

    fn list(&mut self, key: &'static str) -> Result<&'a [Value], InstanceError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.error(
                key,
                Problem::WrongType {
                    expected: Expected::List,
                },
            )),
        }
    }

    /// A required list of strings.
    pub(crate) fn texts(&mut self, key: &'static str) -> Result<Vec<String>, InstanceError> {
        self.required(key)?;
        let path = self.path(key);
        self.list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| as_text(v, &format!("{path}[{}]", i + 1)))
            .collect()
    }

    /// An optional list of dates.
    pub(crate) fn dates(&mut self, key: &'static str) -> Result<BTreeSet<Day>, InstanceError> {
        let path = self.path(key);
        self.list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| as_date(v, &format!("{path}[{}]", i + 1)))
            .collect()
    }

    /// An optional table.
    pub(crate) fn table(
        &mut self,
        key: &'static str,
    ) -> Result<Option<(String, &'a Table)>, InstanceError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Table(table)) => Ok(Some((self.path(key), table))),
            Some(_) => Err(self.error(
                key,
                Problem::WrongType {
                    expected: Expected::Table,
                },
            )),
        }
    }

    /// An optional list of tables, each with its path (`shift[2]`).
    pub(crate) fn tables(
        &mut self,
        key: &'static str,
    ) -> Result<Vec<(String, &'a Table)>, InstanceError> {
        let path = self.path(key);
        self.list(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let at = format!("{path}[{}]", i + 1);
                match v {
                    Value::Table(table) => Ok((at, table)),
                    _ => Err(InstanceError::at_field(
                        at,
                        Problem::WrongType {
                            expected: Expected::Table,
                        },
                    )),
                }
            })
            .collect()
    }

    /// Refuses the first field that was not read.
    pub(crate) fn finish(&self) -> Result<(), InstanceError> {
        match self.table.keys().find(|k| !self.read.contains(k.as_str())) {
            Some(key) => Err(self.error(key, Problem::UnknownField)),
            None => Ok(()),
        }
    }
}

fn as_text(value: &Value, path: &str) -> Result<String, InstanceError> {
    value.as_str().map(str::to_string).ok_or_else(|| {
        InstanceError::at_field(
            path,
            Problem::WrongType {
                expected: Expected::Text,
            },
        )
    })
}

/// A date as a `"YYYY-MM-DD"` string or a TOML local date.
fn as_date(value: &Value, path: &str) -> Result<Day, InstanceError> {
    match value {
        Value::String(text) => parse_date(text)
            .ok_or_else(|| InstanceError::at_field(path, Problem::BadDate { text: text.clone() })),
        Value::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => {
                day_of(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        }
        .ok_or_else(|| {
            InstanceError::at_field(
                path,
                Problem::BadDate {
                    text: dt.to_string(),
                },
            )
        }),
        _ => Err(InstanceError::at_field(
            path,
            Problem::WrongType {
                expected: Expected::Text,
            },
        )),
    }
}
