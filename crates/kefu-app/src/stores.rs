//! Stores and their settings: reading within the scope, changing them
//! (managers and admins), which recomputes the store's figures.

use crate::{Error, Gate, Result};
use kefu_access::Action;
use kefu_domain::StoreSettings;

impl Gate {
    /// The visible stores with their settings, by code.
    pub async fn stores(&self) -> Result<Vec<(String, StoreSettings)>> {
        let all = self.app.db.stores().await?;
        Ok(all
            .into_iter()
            .filter(|(c, _)| self.actor.scope.sees_store(c))
            .collect())
    }

    /// One visible store's settings.
    pub async fn store(&self, code: &str) -> Result<StoreSettings> {
        if !self.actor.scope.sees_store(code) {
            return Err(Error::NotFound);
        }
        self.app.db.store(code).await?.ok_or(Error::NotFound)
    }

    /// Changes a known store's settings (managers and admins) and
    /// recomputes its figures.
    pub async fn save_store(&self, code: &str, settings: &StoreSettings) -> Result<()> {
        self.store(code).await?;
        self.put_store(code, settings).await
    }

    /// Creates a store, or changes its settings, and recomputes its figures
    /// (managers and admins; the command line may name a store that has no
    /// data yet).
    pub async fn put_store(&self, code: &str, settings: &StoreSettings) -> Result<()> {
        self.require(Action::EditSettings)?;
        if !self.actor.scope.sees_store(code) {
            return Err(Error::NotFound);
        }
        let code = code.trim();
        if code.is_empty() {
            return Err(Error::invalid(
                "store",
                "店铺代码不能为空",
                "the store code is empty",
            ));
        }
        let _turn = self.app.write_turn().await?;
        self.app.db.save_store(code, settings).await?;
        self.app.written();
        let pairs: Vec<String> = settings
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        self.record("store.settings", code, pairs.join(" ")).await;
        Ok(())
    }
}
