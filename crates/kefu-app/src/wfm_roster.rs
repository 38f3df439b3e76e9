//! Rosters from the database and stored rosters (spec `wfm.md` §3, §5) in
//! the service layer: the instance built from the contracts' store agents
//! and assessments, the planning settings and each store's forecast; the
//! roster solved and kept; and who sees which shifts of a stored roster —
//! planners and inspectors all of them with coverage and gaps, a team lead
//! their team's, an agent their own, a client none (404).

use crate::wfm::Solved;
use crate::wfm_plan::instance_error;
use crate::{Error, Gate, Result, now_ms};
use kefu_access::Action;
use kefu_db::wfm::{RosterRow, RosterSummary};
use kefu_wfm::plan::{Person, instance_toml, requirements_csv};
use kefu_wfm::roster::{
    Assignment, Gap, GapReason, Instance, Requirement, RosterAnswer, coverage, hours, parse_date,
    parse_time, validate,
};
use std::collections::{BTreeMap, BTreeSet};

/// A stored roster as its reader may see it.
#[derive(Debug, Clone)]
pub struct StoredRoster {
    /// Its number and when, by whom and how it was made.
    pub summary: RosterSummary,
    /// The instance and answer; for a reader who sees only some agents,
    /// their shifts and hours only, and no coverage or gaps.
    pub solved: Solved,
    /// Whether the reader sees every agent, the coverage and the gaps.
    pub whole: bool,
}

/// The answer as stored: coverage and hours are recomputed from the
/// instance and the assignments when read.
#[derive(serde::Deserialize)]
struct StoredAnswer {
    assignments: Vec<Assignment>,
    #[serde(default)]
    gaps: Vec<StoredGap>,
}

#[derive(serde::Deserialize)]
struct StoredGap {
    store: String,
    skill: String,
    date: String,
    interval: String,
    gap: u32,
    reason: String,
}

impl Gate {
    /// The roster instance of `days` from `from` built from the database
    /// (§5 "`--from DATE --days N` builds the same instance"): the
    /// contracts' store agents (skills: their roles; stores: those whose
    /// latest assessment they passed) with the settings' hours, leave and
    /// seats; per store with agents and skill, the agents on duty its
    /// forecast needs in each interval of its service hours (§2 with the
    /// store's targets; volumes split by the store's share of after-sales
    /// sessions), at least one presale agent while the store is open.
    pub async fn roster_instance(&self, from: i32, days: u32) -> Result<Instance> {
        self.require(Action::Plan)?;
        let context = self.forecast_context().await?;
        let settings = &context.settings;
        let db = &self.app.db;
        let stores: BTreeMap<String, kefu_domain::StoreSettings> =
            db.stores().await?.into_iter().collect();
        let codes: Vec<String> = stores.keys().cloned().collect();
        let store_agents = db.billing_store_agents(&codes).await?;
        let mut passed: BTreeMap<(String, String), bool> = BTreeMap::new();
        for a in db.billing_assessments(&codes).await? {
            // Oldest first: the latest assessment decides.
            passed.insert((a.agent, a.store), a.score >= a.pass_mark);
        }
        let mut people: BTreeMap<String, Person> = BTreeMap::new();
        let mut roles: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for a in &store_agents {
            let p = people.entry(a.agent.clone()).or_insert_with(|| Person {
                name: a.agent.clone(),
                ..Person::default()
            });
            if !p.skills.contains(&a.role) {
                p.skills.push(a.role.clone());
            }
            if passed.get(&(a.agent.clone(), a.store.clone())) == Some(&true) {
                p.stores.push(a.store.clone());
            }
            roles
                .entry(a.store.clone())
                .or_default()
                .insert(a.role.clone());
        }
        let mut requirements = Vec::new();
        for (store, skills) in &roles {
            let Some(store_settings) = stores.get(store) else {
                continue;
            };
            requirements.extend(
                self.store_requirements(store, store_settings, skills, from, days, &context)
                    .await?,
            );
        }
        let people: Vec<Person> = people.into_values().collect();
        settings
            .instance(from, days, &people, requirements)
            .map_err(instance_error)
    }

    async fn store_requirements(
        &self,
        store: &str,
        store_settings: &kefu_domain::StoreSettings,
        skills: &BTreeSet<String>,
        from: i32,
        days: u32,
        context: &crate::wfm::ForecastContext,
    ) -> Result<Vec<Requirement>> {
        let settings = &context.settings;
        let end = from + days as i32;
        let share = self.after_sales_share(store, from - 28, from - 1).await?;
        let rules = settings.staffing(store);
        let mut out = Vec::new();
        let mut week = from;
        while week < end {
            let f = self
                .forecast_in(
                    context,
                    store,
                    week,
                    settings.forecast_weeks,
                    &BTreeMap::new(),
                )
                .await?;
            let Some(aht) = f.aht_seconds else {
                break;
            };
            for row in &f.rows {
                let (Some(date), Some(interval)) =
                    (parse_date(&row.date), parse_time(&row.interval))
                else {
                    continue;
                };
                if date >= end || !store_settings.service_hours.contains(interval as u16) {
                    continue;
                }
                for skill in skills {
                    let part = if skill == "aftersale" {
                        share
                    } else {
                        1.0 - share
                    };
                    let volume = row.forecast * part;
                    let need = kefu_wfm::staff(&kefu_wfm::StaffingInput {
                        volume,
                        aht_seconds: aht,
                        rules,
                    })
                    .map(|a| if volume > 0.0 { a.agents_on_duty } else { 0 })
                    .unwrap_or(0);
                    let need = if skill == "presale" {
                        need.max(1)
                    } else {
                        need
                    };
                    if need > 0 {
                        out.push(Requirement {
                            store: store.to_string(),
                            skill: skill.clone(),
                            date,
                            interval,
                            agents: need,
                            forecast: Some((volume * 100.0).round() / 100.0),
                        });
                    }
                }
            }
            week += 7;
        }
        Ok(out)
    }

    /// The share of a store's sessions that are after-sales (kpi.md) over
    /// the days given; 0 without sessions.
    async fn after_sales_share(&self, store: &str, from: i32, to: i32) -> Result<f64> {
        use kefu_kpi::{Counter, Filter, Grouping};
        let filter = Filter {
            from: Some(from),
            to: Some(to),
            store: Some(store.to_string()),
            ..Filter::default()
        };
        let groups = self.app.db.kpi(Grouping::default(), &filter).await?;
        Ok(groups.first().map_or(0.0, |(_, t)| {
            let all = t.get(Counter::Sessions);
            if all > 0 {
                t.get(Counter::AfterSalesSessions) as f64 / all as f64
            } else {
                0.0
            }
        }))
    }

    /// Builds the instance of `days` from `from`, solves it and, with
    /// `keep`, stores the roster. Returns its number when stored.
    pub async fn plan_roster(
        &self,
        from: i32,
        days: u32,
        iterations: u64,
        keep: bool,
    ) -> Result<(Option<i64>, Solved)> {
        let instance = self.roster_instance(from, days).await?;
        let solved = crate::wfm::solve_blocking(instance, iterations).await?;
        if !keep {
            return Ok((None, solved));
        }
        let id = self
            .keep_roster(&solved, "solved from the database 由数据库求解")
            .await?;
        Ok((Some(id), solved))
    }

    /// Stores a roster made elsewhere (a spreadsheet, last month's plan):
    /// the instance (TOML and requirements CSV of §5) and its assignments
    /// (CSV `agent,date,shift,store,skill`). Every hard rule is checked;
    /// a roster that breaks one is [`Error::Invalid`] listing them, and
    /// nothing is stored.
    pub async fn import_roster(
        &self,
        toml: &str,
        requirements: &str,
        assignments: &str,
        note: &str,
    ) -> Result<i64> {
        self.require(Action::Plan)?;
        let instance = Instance::from_toml(toml, requirements).map_err(instance_error)?;
        let assignments =
            kefu_wfm::plan::assignments_from_csv(assignments).map_err(instance_error)?;
        let broken = validate(&instance, &assignments);
        if !broken.is_empty() {
            let list = |f: &dyn Fn(&kefu_wfm::roster::Violation) -> String| {
                broken.iter().take(20).map(f).collect::<Vec<_>>().join("; ")
            };
            return Err(Error::Invalid {
                field: None,
                zh: format!("排班违反 {} 条规则：{}", broken.len(), list(&|v| v.zh())),
                en: format!(
                    "the roster breaks {} rules: {}",
                    broken.len(),
                    list(&|v| v.en())
                ),
            });
        }
        let answer = RosterAnswer {
            coverage: coverage(&instance, &assignments),
            hours: hours(&instance, &assignments),
            assignments,
            gaps: Vec::new(),
        };
        let note = if note.trim().is_empty() {
            "imported 导入"
        } else {
            note.trim()
        };
        self.keep_roster(&Solved { instance, answer }, note).await
    }

    async fn keep_roster(&self, solved: &Solved, note: &str) -> Result<i64> {
        let i = &solved.instance;
        let row = RosterRow {
            id: 0,
            start_day: i64::from(i.start),
            days: i64::from(i.days),
            instance: instance_toml(i),
            requirements: requirements_csv(i),
            answer: serde_json::to_string(&solved.answer).map_err(|e| Error::Internal(e.into()))?,
            note: note.to_string(),
            created_at_ms: now_ms(),
            created_by: self.actor().name(),
        };
        let id = self.app.db.save_wfm_roster(&row).await?;
        let start = crate::contracts::date_of(row.start_day);
        self.record(
            "wfm.roster",
            &id.to_string(),
            format!("{start} +{} days, {note}", row.days),
        )
        .await;
        Ok(id)
    }

    /// Stored rosters, newest first, for everyone but clients.
    pub async fn rosters(&self) -> Result<Vec<RosterSummary>> {
        if self.scope().role == kefu_domain::Role::Client {
            return Err(Error::NotFound);
        }
        Ok(self.app.db.wfm_rosters().await?)
    }

    /// One stored roster as the actor may see it; unknown, or a client
    /// asking, is [`Error::NotFound`].
    pub async fn roster(&self, id: i64) -> Result<StoredRoster> {
        if self.scope().role == kefu_domain::Role::Client {
            return Err(Error::NotFound);
        }
        let row = self.app.db.wfm_roster(id).await?.ok_or(Error::NotFound)?;
        self.roster_as_seen(row).await
    }

    pub(crate) async fn roster_as_seen(&self, row: RosterRow) -> Result<StoredRoster> {
        let instance =
            Instance::from_toml(&row.instance, &row.requirements).map_err(instance_error)?;
        let stored: StoredAnswer =
            serde_json::from_str(&row.answer).map_err(|e| Error::Internal(e.into()))?;
        let whole = self.scope().sees_all_agents() || self.scope().may(Action::Plan);
        let visible = self.visible_people(&instance).await?;
        // Coverage counts every shift (a team lead plans against the
        // store's whole roster); the shifts and hours shown are the
        // reader's.
        let (coverage, gaps) = if whole {
            (
                coverage(&instance, &stored.assignments),
                stored.gaps.into_iter().filter_map(gap).collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let assignments: Vec<Assignment> = stored
            .assignments
            .into_iter()
            .filter(|a| visible.contains(&a.agent))
            .collect();
        let mut hours = hours(&instance, &assignments);
        hours.retain(|h| visible.contains(&h.agent));
        let summary = RosterSummary {
            id: row.id,
            start_day: row.start_day,
            days: row.days,
            note: row.note,
            created_at_ms: row.created_at_ms,
            created_by: row.created_by,
        };
        let answer = RosterAnswer {
            assignments,
            coverage,
            hours,
            gaps,
        };
        Ok(StoredRoster {
            summary,
            solved: Solved { instance, answer },
            whole,
        })
    }

    /// The agents of an instance whose shifts the actor sees: all, or
    /// those with a visible account on some store (an agent's own, a team
    /// lead's team).
    async fn visible_people(&self, instance: &Instance) -> Result<BTreeSet<String>> {
        let names = instance.agents.iter().map(|a| a.name.clone());
        if self.scope().sees_all_agents() {
            return Ok(names.collect());
        }
        let codes: Vec<String> = self
            .app
            .db
            .stores()
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        Ok(self
            .app
            .db
            .billing_store_agents(&codes)
            .await?
            .into_iter()
            .filter(|a| self.scope().sees_agent(&a.account))
            .map(|a| a.agent)
            .collect())
    }
}

fn gap(g: StoredGap) -> Option<Gap> {
    Some(Gap {
        store: g.store,
        skill: g.skill,
        date: parse_date(&g.date)?,
        interval: parse_time(&g.interval)?,
        gap: g.gap,
        reason: GapReason::from_code(&g.reason)?,
    })
}
