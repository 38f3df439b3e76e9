//! Agents (people) on stores, with their platform sub-accounts, team and
//! role, and the training and assessments that gate a store's going live
//! (spec `contracts.md` §3; the full training module comes later).

use super::day_number;
use crate::{Error, Gate, Result};
use jiff::civil::Date;
use kefu_access::Action;
use kefu_contract::SeatRole;
use kefu_db::billing::{Assessment, StoreAgent, Training};

/// An agent on a store and where they stand before going live.
#[derive(Debug, Clone)]
pub struct Readiness {
    /// The assignment.
    pub agent: StoreAgent,
    /// The store's trainings they did.
    pub trainings: Vec<Training>,
    /// Their latest assessment on the store.
    pub assessment: Option<Assessment>,
}

impl Readiness {
    /// Whether the latest assessment passed.
    pub fn passed(&self) -> bool {
        self.assessment
            .as_ref()
            .is_some_and(|a| a.score >= a.pass_mark)
    }
}

impl Gate {
    /// Assigns an agent to a store (or changes their account, team, role).
    pub async fn save_store_agent(&self, a: &StoreAgent) -> Result<()> {
        self.require(Action::ManageContracts)?;
        for (field, value) in [
            ("store", &a.store),
            ("agent", &a.agent),
            ("account", &a.account),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid(
                    field,
                    format!("{field} 不能为空"),
                    format!("{field} is empty"),
                ));
            }
        }
        if SeatRole::parse(&a.role).is_none() {
            return Err(Error::invalid(
                "role",
                format!("“{}”不是角色：presale（售前）或 aftersale（售后）", a.role),
                format!("'{}' is not a role: presale or aftersale", a.role),
            ));
        }
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.save_agent(a).await?;
        w.record(&self.entry(
            "agent.assign",
            &a.store,
            format!("{} ({})", a.agent, a.account),
        ))
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The agents on these stores.
    pub async fn store_agents(&self, stores: &[String]) -> Result<Vec<StoreAgent>> {
        let visible = self
            .scope()
            .visible_stores(stores.iter().map(String::as_str));
        Ok(self.app.db.billing_store_agents(&visible).await?)
    }

    /// The agents on these stores with their trainings and their latest
    /// assessment: where each stands before the store goes live.
    pub async fn agent_readiness(&self, stores: &[String]) -> Result<Vec<Readiness>> {
        self.require(Action::ReadContracts)?;
        let visible = self
            .scope()
            .visible_stores(stores.iter().map(String::as_str));
        let db = &self.app.db;
        let trainings = db.billing_trainings(&visible).await?;
        let assessments = db.billing_assessments(&visible).await?;
        Ok(db
            .billing_store_agents(&visible)
            .await?
            .into_iter()
            .map(|a| Readiness {
                trainings: trainings
                    .iter()
                    .filter(|t| t.agent == a.agent && t.store == a.store)
                    .cloned()
                    .collect(),
                assessment: assessments
                    .iter()
                    .rfind(|r| r.agent == a.agent && r.store == a.store)
                    .cloned(),
                agent: a,
            })
            .collect())
    }

    async fn assigned(&self, agent: &str, store: &str) -> Result<()> {
        let on = self
            .app
            .db
            .billing_store_agents(&[store.to_string()])
            .await?;
        if on.iter().any(|a| a.agent == agent) {
            Ok(())
        } else {
            Err(Error::invalid(
                "agent",
                format!("客服 {agent} 没有分配到店铺 {store}"),
                format!("{agent} is not assigned to store {store}"),
            ))
        }
    }

    /// Records a store's product training done by an agent.
    pub async fn record_training(
        &self,
        agent: &str,
        store: &str,
        on: Date,
        topic: &str,
    ) -> Result<()> {
        self.require(Action::ManageContracts)?;
        self.assigned(agent, store).await?;
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.add_training(&Training {
            agent: agent.into(),
            store: store.into(),
            on_day: day_number(on),
            topic: topic.into(),
            recorded_by: self.actor.name(),
        })
        .await?;
        w.record(&self.entry("agent.training", store, format!("{agent}: {topic} on {on}")))
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Records an agent's assessment for a store: the latest counts.
    pub async fn record_assessment(
        &self,
        agent: &str,
        store: &str,
        on: Date,
        score: f64,
        pass_mark: f64,
    ) -> Result<()> {
        self.require(Action::ManageContracts)?;
        if !score.is_finite() || !pass_mark.is_finite() || score < 0.0 || pass_mark < 0.0 {
            return Err(Error::invalid(
                "score",
                "分数和合格线须为非负数",
                "score and pass mark must be non-negative numbers",
            ));
        }
        self.assigned(agent, store).await?;
        let _turn = self.app.write_turn().await?;
        let mut w = self.app.db.begin_billing().await?;
        w.add_assessment(&Assessment {
            agent: agent.into(),
            store: store.into(),
            on_day: day_number(on),
            score,
            pass_mark,
            recorded_by: self.actor.name(),
        })
        .await?;
        w.record(&self.entry(
            "agent.assessment",
            store,
            format!("{agent}: {score}/{pass_mark} on {on}"),
        ))
        .await?;
        w.commit().await?;
        Ok(())
    }
}
