//! Planning settings (排班设置): what a provider keeps between rosters —
//! the hard rules, the shift templates, each agent's contract hours, leave,
//! preferences and seat, each store's weight and staffing targets — and the
//! roster instance of spec `wfm.md` §5 built from them, the agents known to
//! the database and the requirements of a forecast.
//!
//! The settings are a TOML text in the instance's own words (§5), without
//! the plan's `start`, `days` and `requirements`:
//!
//! ```toml
//! interval_minutes = 30
//! forecast_weeks = 4                # history weeks of the forecast (§1)
//! [rules]                           # as in an instance
//! max_week_hours = 44
//! [[shift]]                         # as in an instance
//! code = "E"
//! start = "08:00"
//! end = "16:30"
//! breaks = [ { start = "12:00", end = "12:30" } ]
//! [[agent]]                         # all optional but the name
//! name = "小夏"
//! contract_hours = 40               # default 40
//! leave = ["2026-12-10"]
//! prefer_off = ["2026-12-25"]
//! dedicated = "dy-1001"
//! skills = ["presale"]              # added to those the database knows
//! stores = ["dy-1002"]              # qualified by hand, beside the assessments
//! [[store]]
//! code = "dy-1001"
//! priority = 2                      # default 1
//! concurrency = 3                   # the staffing targets of §2, defaults as there
//! target = 0.8
//! answer_within_seconds = 20
//! max_occupancy = 0.85
//! shrinkage = 0.3
//! ```

use crate::erlang::StaffingRules;
use crate::forecast::Day;
use crate::roster::Assignment;
use crate::roster::calendar::{format_date, format_time};
use crate::roster::check::check_plan;
use crate::roster::error::{InstanceError, Place, Problem, Source};
use crate::roster::instance::{
    Agent, DEFAULT_INTERVAL_MINUTES, Instance, Requirement, Rules, Shift, Store,
};
use crate::roster::parse::{Fields, parse_table, shift};
use std::collections::{BTreeMap, BTreeSet};

/// Contract hours a week of an agent the settings do not name.
pub const DEFAULT_CONTRACT_HOURS: f64 = 40.0;

/// History weeks of the forecast by default (§1).
pub const DEFAULT_FORECAST_WEEKS: u32 = 4;

/// The settings a provider starts from: the rules of §3 and its four
/// example shifts (early, late, middle, peak).
pub const DEFAULT_SETTINGS: &str = r#"# 排班设置 planning settings (kefu wfm settings import FILE)
interval_minutes = 30
forecast_weeks = 4

[rules]
max_week_hours = 44
min_rest_hours = 12
max_consecutive_days = 6

[[shift]]
code = "E"   # 早班
start = "08:00"
end = "16:30"
breaks = [ { start = "12:00", end = "12:30" } ]

[[shift]]
code = "L"   # 晚班
start = "15:30"
end = "24:00"
breaks = [ { start = "19:00", end = "19:30" } ]

[[shift]]
code = "M"   # 中班
start = "11:00"
end = "20:00"
breaks = [ { start = "16:00", end = "17:00" } ]

[[shift]]
code = "P"   # 高峰班
start = "19:00"
end = "24:00"
"#;

/// What the settings say of one agent; the database adds its skills and
/// the stores it passed the assessment for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AgentPlan {
    /// The agent's name, as the contracts' store agents name it.
    pub name: String,
    /// Contract hours a week; `None`: [`DEFAULT_CONTRACT_HOURS`].
    pub contract_hours: Option<f64>,
    /// Skills beside those the database knows.
    pub skills: Vec<String>,
    /// Stores qualified by hand beside the assessments.
    pub stores: Vec<String>,
    /// Days it may not work.
    pub leave: BTreeSet<Day>,
    /// Days it would rather have off.
    pub prefer_off: BTreeSet<Day>,
    /// Its dedicated seat's store (专人专席).
    pub dedicated: Option<String>,
}

/// A store's weight and staffing targets.
#[derive(Debug, Clone, PartialEq)]
pub struct StorePlan {
    /// The store's code.
    pub code: String,
    /// Its weight in the objective (default 1).
    pub priority: u32,
    /// Its targets of §2 (the interval is the settings').
    pub staffing: StaffingRules,
}

/// An agent as the database knows it: its skills (the roles of its store
/// assignments) and the stores it passed the assessment for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Person {
    /// The agent's name.
    pub name: String,
    /// `presale`, `aftersale`.
    pub skills: Vec<String>,
    /// Stores it is qualified for.
    pub stores: Vec<String>,
}

/// The planning settings.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSettings {
    /// The length of an interval in minutes (default 30).
    pub interval_minutes: u32,
    /// History weeks of the forecast (default 4).
    pub forecast_weeks: u32,
    /// The hard rules.
    pub rules: Rules,
    /// The shift templates.
    pub shifts: Vec<Shift>,
    /// What the settings say of agents.
    pub agents: Vec<AgentPlan>,
    /// Stores' weights and targets.
    pub stores: Vec<StorePlan>,
}

impl PlanSettings {
    /// Reads and checks a settings text; errors name the field or line.
    pub fn from_toml(text: &str) -> Result<PlanSettings, InstanceError> {
        let table = parse_table(text, Source::Settings)?;
        let mut top = Fields::new(&table, "");
        let defaults = Rules::default();
        let mut settings = PlanSettings {
            interval_minutes: top.whole("interval_minutes", Some(DEFAULT_INTERVAL_MINUTES))?,
            forecast_weeks: top.whole("forecast_weeks", Some(DEFAULT_FORECAST_WEEKS))?,
            rules: match top.table("rules")? {
                Some((path, rules)) => {
                    let mut f = Fields::new(rules, &path);
                    let read = Rules {
                        max_week_hours: f
                            .number("max_week_hours", Some(defaults.max_week_hours))?,
                        min_rest_hours: f
                            .number("min_rest_hours", Some(defaults.min_rest_hours))?,
                        max_consecutive_days: f
                            .whole("max_consecutive_days", Some(defaults.max_consecutive_days))?,
                    };
                    f.finish()?;
                    read
                }
                None => defaults,
            },
            shifts: Vec::new(),
            agents: Vec::new(),
            stores: Vec::new(),
        };
        for (path, t) in top.tables("shift")? {
            settings.shifts.push(shift(&mut Fields::new(t, &path))?);
        }
        for (path, t) in top.tables("agent")? {
            settings
                .agents
                .push(agent_plan(&mut Fields::new(t, &path))?);
        }
        for (path, t) in top.tables("store")? {
            settings.stores.push(store_plan(
                &mut Fields::new(t, &path),
                settings.interval_minutes,
            )?);
        }
        top.finish()?;
        settings.check()?;
        Ok(settings)
    }

    /// The default settings ([`DEFAULT_SETTINGS`]).
    pub fn defaults() -> PlanSettings {
        // The constant is checked by a test; an error cannot happen.
        PlanSettings::from_toml(DEFAULT_SETTINGS).unwrap_or_else(|_| PlanSettings {
            interval_minutes: DEFAULT_INTERVAL_MINUTES,
            forecast_weeks: DEFAULT_FORECAST_WEEKS,
            rules: Rules::default(),
            shifts: Vec::new(),
            agents: Vec::new(),
            stores: Vec::new(),
        })
    }

    /// Checks what an instance would check (rules, shifts, the interval),
    /// names unique, figures in range.
    fn check(&self) -> Result<(), InstanceError> {
        if self.forecast_weeks == 0 || self.forecast_weeks > 52 {
            return Err(InstanceError::at_field(
                "forecast_weeks",
                Problem::OutOfRange { range: "[1, 52]" },
            ));
        }
        check_plan(&self.instance(0, 7, &[], Vec::new())?)?;
        let mut names = BTreeSet::new();
        for (i, a) in self.agents.iter().enumerate() {
            if a.contract_hours
                .is_some_and(|h| !(h.is_finite() && (0.0..=168.0).contains(&h)))
            {
                return Err(InstanceError::at_field(
                    format!("agent[{}].contract_hours", i + 1),
                    Problem::OutOfRange { range: "[0, 168]" },
                ));
            }
            if !names.insert(a.name.as_str()) {
                return Err(InstanceError::at_field(
                    format!("agent[{}].name", i + 1),
                    Problem::Duplicate {
                        value: a.name.clone(),
                    },
                ));
            }
        }
        let mut codes = BTreeSet::new();
        for (i, s) in self.stores.iter().enumerate() {
            if !codes.insert(s.code.as_str()) {
                return Err(InstanceError::at_field(
                    format!("store[{}].code", i + 1),
                    Problem::Duplicate {
                        value: s.code.clone(),
                    },
                ));
            }
        }
        Ok(())
    }

    /// A store's staffing targets: its own, or the defaults of §2.
    pub fn staffing(&self, store: &str) -> StaffingRules {
        self.stores
            .iter()
            .find(|s| s.code == store)
            .map(|s| s.staffing)
            .unwrap_or(StaffingRules {
                interval_minutes: f64::from(self.interval_minutes),
                ..StaffingRules::default()
            })
    }

    /// The roster instance of the `days` from `start`: the agents the
    /// database knows (`people`) with what the settings add, and the agents
    /// only the settings name when they give skills and stores; stores'
    /// priorities; the requirements given. Checked as a file's would be.
    pub fn instance(
        &self,
        start: Day,
        days: u32,
        people: &[Person],
        requirements: Vec<Requirement>,
    ) -> Result<Instance, InstanceError> {
        let planned: BTreeMap<&str, &AgentPlan> =
            self.agents.iter().map(|a| (a.name.as_str(), a)).collect();
        let mut agents: Vec<Agent> = Vec::new();
        let mut known = BTreeSet::new();
        for p in people {
            known.insert(p.name.as_str());
            agents.push(agent(
                &p.name,
                &p.skills,
                &p.stores,
                planned.get(p.name.as_str()).copied(),
            ));
        }
        for a in &self.agents {
            if !known.contains(a.name.as_str()) && !a.skills.is_empty() && !a.stores.is_empty() {
                agents.push(agent(&a.name, &[], &[], Some(a)));
            }
        }
        let instance = Instance {
            start,
            days,
            interval_minutes: self.interval_minutes,
            requirements_file: "required.csv".into(),
            rules: self.rules,
            shifts: self.shifts.clone(),
            agents,
            stores: self
                .stores
                .iter()
                .map(|s| Store {
                    code: s.code.clone(),
                    priority: s.priority,
                })
                .collect(),
            requirements,
        };
        instance.check()?;
        Ok(instance)
    }
}

fn agent(name: &str, skills: &[String], stores: &[String], plan: Option<&AgentPlan>) -> Agent {
    let union = |a: &[String], b: &[String]| -> Vec<String> {
        let set: BTreeSet<&String> = a.iter().chain(b).collect();
        set.into_iter().cloned().collect()
    };
    let none = AgentPlan::default();
    let plan = plan.unwrap_or(&none);
    Agent {
        name: name.to_string(),
        skills: union(skills, &plan.skills),
        stores: union(stores, &plan.stores),
        contract_hours: plan.contract_hours.unwrap_or(DEFAULT_CONTRACT_HOURS),
        leave: plan.leave.clone(),
        prefer_off: plan.prefer_off.clone(),
        dedicated: plan.dedicated.clone(),
    }
}

fn agent_plan(f: &mut Fields) -> Result<AgentPlan, InstanceError> {
    let plan = AgentPlan {
        name: f.text("name", None)?,
        contract_hours: f.optional_number("contract_hours")?,
        skills: if f.has("skills") {
            f.texts("skills")?
        } else {
            Vec::new()
        },
        stores: if f.has("stores") {
            f.texts("stores")?
        } else {
            Vec::new()
        },
        leave: if f.has("leave") {
            f.dates("leave")?
        } else {
            BTreeSet::new()
        },
        prefer_off: if f.has("prefer_off") {
            f.dates("prefer_off")?
        } else {
            BTreeSet::new()
        },
        dedicated: f.optional_text("dedicated")?,
    };
    f.finish()?;
    Ok(plan)
}

fn store_plan(f: &mut Fields, interval_minutes: u32) -> Result<StorePlan, InstanceError> {
    let d = StaffingRules::default();
    let plan = StorePlan {
        code: f.text("code", None)?,
        priority: f.whole("priority", Some(1))?,
        staffing: StaffingRules {
            interval_minutes: f64::from(interval_minutes),
            concurrency: f.whole("concurrency", Some(d.concurrency))?,
            target: f.number("target", Some(d.target))?,
            answer_within_seconds: f
                .number("answer_within_seconds", Some(d.answer_within_seconds))?,
            max_occupancy: f.number("max_occupancy", Some(d.max_occupancy))?,
            shrinkage: f.number("shrinkage", Some(d.shrinkage))?,
        },
    };
    let at = |field: &str| f.path(field);
    let out = |field: &str, range: &'static str| {
        InstanceError::at_field(at(field), Problem::OutOfRange { range })
    };
    let s = &plan.staffing;
    if s.concurrency == 0 {
        return Err(out("concurrency", "[1, …)"));
    }
    if !(s.target > 0.0 && s.target < 1.0) {
        return Err(out("target", "(0, 1)"));
    }
    if !(s.max_occupancy > 0.0 && s.max_occupancy <= 1.0) {
        return Err(out("max_occupancy", "(0, 1]"));
    }
    if !(0.0..1.0).contains(&s.shrinkage) {
        return Err(out("shrinkage", "[0, 1)"));
    }
    f.finish()?;
    Ok(plan)
}

fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!(
        "[{}]",
        items.map(|s| quoted(&s)).collect::<Vec<_>>().join(", ")
    )
}

/// An instance as the TOML of §5 (its requirements in the file its
/// `requirements_file` names, see [`requirements_csv`]): what
/// `kefu wfm roster --instance` reads back to the same instance.
pub fn instance_toml(i: &Instance) -> String {
    let mut out = format!(
        "start = \"{}\"\ndays = {}\ninterval_minutes = {}\nrequirements = {}\n\n[rules]\n\
         max_week_hours = {}\nmin_rest_hours = {}\nmax_consecutive_days = {}\n",
        format_date(i.start),
        i.days,
        i.interval_minutes,
        quoted(&i.requirements_file),
        i.rules.max_week_hours,
        i.rules.min_rest_hours,
        i.rules.max_consecutive_days
    );
    for s in &i.shifts {
        let breaks: Vec<String> = s
            .breaks
            .iter()
            .map(|b| {
                format!(
                    "{{ start = \"{}\", end = \"{}\" }}",
                    format_time(b.start),
                    format_time(b.end)
                )
            })
            .collect();
        out.push_str(&format!(
            "\n[[shift]]\ncode = {}\nstart = \"{}\"\nend = \"{}\"\nbreaks = [{}]\n",
            quoted(&s.code),
            format_time(s.start),
            format_time(s.end),
            breaks.join(", ")
        ));
    }
    for a in &i.agents {
        out.push_str(&format!(
            "\n[[agent]]\nname = {}\nskills = {}\nstores = {}\ncontract_hours = {}\nleave = {}\nprefer_off = {}\n",
            quoted(&a.name),
            list(a.skills.iter().cloned()),
            list(a.stores.iter().cloned()),
            a.contract_hours,
            list(a.leave.iter().map(|d| format_date(*d))),
            list(a.prefer_off.iter().map(|d| format_date(*d))),
        ));
        if let Some(d) = &a.dedicated {
            out.push_str(&format!("dedicated = {}\n", quoted(d)));
        }
    }
    for s in &i.stores {
        out.push_str(&format!(
            "\n[[store]]\ncode = {}\npriority = {}\n",
            quoted(&s.code),
            s.priority
        ));
    }
    out
}

/// An instance's requirements as the CSV of §5, with the `forecast` column.
pub fn requirements_csv(i: &Instance) -> String {
    let mut out = String::from("store,skill,date,interval,agents,forecast\n");
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    for r in &i.requirements {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            field(&r.store),
            field(&r.skill),
            format_date(r.date),
            format_time(r.interval),
            r.agents,
            r.forecast.map(|f| f.to_string()).unwrap_or_default()
        ));
    }
    out
}

/// A roster's assignments from the CSV `agent,date,shift,store,skill` (a
/// header first, columns by name); a bad row is an error naming its line.
pub fn assignments_from_csv(text: &str) -> Result<Vec<Assignment>, InstanceError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<Assignment>().enumerate() {
        let row = row.map_err(|e| InstanceError {
            place: Place::Line {
                source: Source::Assignments,
                line: e.position().map_or(i as u64 + 2, |p| p.line()),
                column: None,
            },
            problem: Problem::Syntax {
                message: e.to_string(),
            },
        })?;
        out.push(row);
    }
    Ok(out)
}
