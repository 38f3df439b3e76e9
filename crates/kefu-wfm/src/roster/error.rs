//! The error of a roster instance that cannot be read or does not hold
//! together: where it is (a field such as `shift[2].end`, or a line of a
//! file) and what is wrong, in Chinese and English. Lists are counted from
//! 1, as a planner counts the `[[shift]]` tables of a file.

use crate::forecast::Day;
use crate::roster::calendar::format_date;
use std::fmt;

/// Which text a line number is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The instance's TOML.
    Instance,
    /// The requirements CSV (`store,skill,date,interval,agents`).
    Requirements,
    /// The planning settings' TOML ([`crate::plan::PlanSettings`]).
    Settings,
    /// A roster's assignments CSV (`agent,date,shift,store,skill`).
    Assignments,
}

/// Where an error is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A field of the instance, e.g. `rules.min_rest_hours`,
    /// `shift[2].breaks[1].end`, `requirements[3].date` (counted from 1).
    Field(String),
    /// A line of a text, and the CSV column if the error is in one.
    Line {
        /// The text.
        source: Source,
        /// The line, from 1 (the CSV header is line 1).
        line: u64,
        /// The CSV column, e.g. `interval`.
        column: Option<String>,
    },
}

impl Place {
    /// A field of the instance.
    pub fn field(path: impl Into<String>) -> Place {
        Place::Field(path.into())
    }

    /// The place in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Place::Field(path) => path.clone(),
            Place::Line {
                source,
                line,
                column,
            } => {
                let file = match source {
                    Source::Instance => "排班实例",
                    Source::Requirements => "requirements",
                    Source::Settings => "排班设置",
                    Source::Assignments => "排班表",
                };
                match column {
                    Some(column) => format!("{file} 第 {line} 行，{column}"),
                    None => format!("{file} 第 {line} 行"),
                }
            }
        }
    }

    /// The place in English.
    pub fn en(&self) -> String {
        match self {
            Place::Field(path) => path.clone(),
            Place::Line {
                source,
                line,
                column,
            } => {
                let file = match source {
                    Source::Instance => "instance",
                    Source::Requirements => "requirements",
                    Source::Settings => "planning settings",
                    Source::Assignments => "assignments",
                };
                match column {
                    Some(column) => format!("{file} line {line}, {column}"),
                    None => format!("{file} line {line}"),
                }
            }
        }
    }
}

/// The kind of value a field must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// A string.
    Text,
    /// A whole number.
    WholeNumber,
    /// A number.
    Number,
    /// A list.
    List,
    /// A table.
    Table,
}

impl Expected {
    fn zh(self) -> &'static str {
        match self {
            Expected::Text => "文本",
            Expected::WholeNumber => "整数",
            Expected::Number => "数字",
            Expected::List => "列表",
            Expected::Table => "表",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Expected::Text => "a string",
            Expected::WholeNumber => "a whole number",
            Expected::Number => "a number",
            Expected::List => "a list",
            Expected::Table => "a table",
        }
    }
}

/// What is wrong at a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The text is not valid TOML or CSV.
    Syntax {
        /// The parser's message.
        message: String,
    },
    /// A required field or column is absent.
    Missing,
    /// Not a field or column of a roster instance.
    UnknownField,
    /// A value of the wrong kind.
    WrongType {
        /// The kind it must be.
        expected: Expected,
    },
    /// An empty name, code or list item.
    Empty,
    /// Not a `YYYY-MM-DD` date.
    BadDate {
        /// The text given.
        text: String,
    },
    /// Not an `HH:MM` time from `00:00` to `24:00`.
    BadTime {
        /// The text given.
        text: String,
    },
    /// `24:00` where only an end may be.
    MidnightStart,
    /// A number outside its range.
    OutOfRange {
        /// The range as written in mathematics, e.g. `[1, 366]`.
        range: &'static str,
    },
    /// An interval length that does not divide a day.
    NotDivisorOfDay,
    /// A time off the boundaries of the plan's intervals.
    OffInterval {
        /// The interval length.
        interval_minutes: u32,
    },
    /// A name, code or requirement slot given twice.
    Duplicate {
        /// What is repeated.
        value: String,
    },
    /// A requirement dated outside the plan (or, on the day after it,
    /// later than any shift of the last day reaches).
    OutsidePlan {
        /// The date given.
        date: Day,
        /// The plan's first day.
        first: Day,
        /// The plan's last day.
        last: Day,
    },
    /// A break not within its shift, or overlapping another break.
    BreakOutsideShift,
    /// The breaks take the whole shift.
    NoPaidTime,
    /// A dedicated seat's store is not among the agent's stores.
    DedicatedNotQualified {
        /// The dedicated store.
        store: String,
    },
}

impl Problem {
    /// The problem in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Problem::Syntax { message } => format!("语法错误：{message}"),
            Problem::Missing => "缺少此项".to_string(),
            Problem::UnknownField => "不是排班实例的字段".to_string(),
            Problem::WrongType { expected } => format!("必须是{}", expected.zh()),
            Problem::Empty => "不能为空".to_string(),
            Problem::BadDate { text } => format!("“{text}”不是 YYYY-MM-DD 格式的日期"),
            Problem::BadTime { text } => format!("“{text}”不是 00:00 到 24:00 之间的 HH:MM 时间"),
            Problem::MidnightStart => "24:00 只能作为结束时间".to_string(),
            Problem::OutOfRange { range } => format!("必须在 {range} 之内"),
            Problem::NotDivisorOfDay => "必须能整除一天的 1440 分钟（如 15、30、60）".to_string(),
            Problem::OffInterval { interval_minutes } => {
                format!("必须落在 {interval_minutes} 分钟时段的边界上")
            }
            Problem::Duplicate { value } => format!("“{value}”重复出现"),
            Problem::OutsidePlan { date, first, last } => format!(
                "{} 不在排班期 {} 至 {} 之内",
                format_date(*date),
                format_date(*first),
                format_date(*last)
            ),
            Problem::BreakOutsideShift => "休息必须在班次时间之内且互不重叠".to_string(),
            Problem::NoPaidTime => "休息占满了整个班次".to_string(),
            Problem::DedicatedNotQualified { store } => {
                format!("专席店铺“{store}”不在该客服已通过考核的店铺之中")
            }
        }
    }

    /// The problem in English.
    pub fn en(&self) -> String {
        match self {
            Problem::Syntax { message } => format!("syntax error: {message}"),
            Problem::Missing => "missing".to_string(),
            Problem::UnknownField => "not a field of a roster instance".to_string(),
            Problem::WrongType { expected } => format!("must be {}", expected.en()),
            Problem::Empty => "must not be empty".to_string(),
            Problem::BadDate { text } => format!("“{text}” is not a date YYYY-MM-DD"),
            Problem::BadTime { text } => {
                format!("“{text}” is not a time HH:MM from 00:00 to 24:00")
            }
            Problem::MidnightStart => "24:00 may only be an end".to_string(),
            Problem::OutOfRange { range } => format!("must be in {range}"),
            Problem::NotDivisorOfDay => {
                "must divide a day of 1440 minutes (e.g. 15, 30, 60)".to_string()
            }
            Problem::OffInterval { interval_minutes } => {
                format!("must fall on a boundary of the {interval_minutes}-minute intervals")
            }
            Problem::Duplicate { value } => format!("“{value}” is given twice"),
            Problem::OutsidePlan { date, first, last } => format!(
                "{} is outside the plan, {} to {}",
                format_date(*date),
                format_date(*first),
                format_date(*last)
            ),
            Problem::BreakOutsideShift => {
                "a break must lie within its shift and not overlap another".to_string()
            }
            Problem::NoPaidTime => "the breaks take the whole shift".to_string(),
            Problem::DedicatedNotQualified { store } => {
                format!("the dedicated store “{store}” is not among the agent's stores")
            }
        }
    }
}

/// A roster instance refused: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceError {
    /// Where.
    pub place: Place,
    /// What.
    pub problem: Problem,
}

impl InstanceError {
    /// The error at a field of the instance.
    pub fn at_field(path: impl Into<String>, problem: Problem) -> InstanceError {
        InstanceError {
            place: Place::field(path),
            problem,
        }
    }

    /// The message in Chinese: `shift[2].end：…`.
    pub fn zh(&self) -> String {
        format!("{}：{}", self.place.zh(), self.problem.zh())
    }

    /// The message in English: `shift[2].end: …`.
    pub fn en(&self) -> String {
        format!("{}: {}", self.place.en(), self.problem.en())
    }
}

impl fmt::Display for InstanceError {
    /// The English message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for InstanceError {}
