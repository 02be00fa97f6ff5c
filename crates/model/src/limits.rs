//! Size limits of a model, set by the operator.
//!
//! Objectives are the asset × attacker cross-product, so a model's size
//! grows with the product of two entity counts: 1,000 assets and 1,000
//! attackers make a million objectives, hundreds of megabytes a version.
//! Limits are checked on the draft before anything is computed, and on the
//! result of every edit. Counts include soft-deleted entities and tombstoned
//! objectives: they are stored in every version too.

use crate::draft::ModelDraft;
use crate::model::ThreatModel;

/// How large a model may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct ModelLimits {
    /// Most entities of one kind (trust boundaries, components, assets,
    /// attackers, assumptions, controls), soft-deleted ones included.
    pub entities_per_kind: usize,
    /// Most control objectives, tombstoned ones included.
    pub objectives_per_model: usize,
}

impl Default for ModelLimits {
    fn default() -> Self {
        ModelLimits { entities_per_kind: 1_000, objectives_per_model: 10_000 }
    }
}

/// A limit a model would exceed; names the limit and its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {actual} would exceed the limit of {max} ({limit})")]
pub struct LimitExceeded {
    /// The limit's name, as the operator configures it.
    pub limit: &'static str,
    /// What is counted.
    pub what: &'static str,
    pub max: usize,
    pub actual: usize,
}

impl ModelLimits {
    fn entities(&self, what: &'static str, actual: usize) -> Result<(), LimitExceeded> {
        if actual > self.entities_per_kind {
            return Err(LimitExceeded { limit: "entities_per_kind", what, max: self.entities_per_kind, actual });
        }
        Ok(())
    }

    fn objectives(&self, actual: usize) -> Result<(), LimitExceeded> {
        if actual > self.objectives_per_model {
            let max = self.objectives_per_model;
            return Err(LimitExceeded { limit: "objectives_per_model", what: "control objectives", max, actual });
        }
        Ok(())
    }

    fn check(&self, counts: [(&'static str, usize); 6], objectives: usize) -> Result<(), LimitExceeded> {
        counts.into_iter().try_for_each(|(what, n)| self.entities(what, n))?;
        self.objectives(objectives)
    }

    /// Checks a draft before its objectives are computed.
    pub fn check_draft(&self, d: &ModelDraft) -> Result<(), LimitExceeded> {
        let counts = [
            ("trust boundaries", d.trust_boundaries.len()),
            ("components", d.components.len()),
            ("assets", d.assets.len()),
            ("attackers", d.attackers.len()),
            ("assumptions", d.assumptions.len()),
            ("controls", d.controls.len()),
        ];
        self.check(counts, d.assets.len().saturating_mul(d.attackers.len()))
    }

    /// Checks a model (the result of an edit, before it is stored).
    pub fn check_model(&self, m: &ThreatModel) -> Result<(), LimitExceeded> {
        let counts = [
            ("trust boundaries", m.trust_boundaries.len()),
            ("components", m.components.len()),
            ("assets", m.assets.len()),
            ("attackers", m.attackers.len()),
            ("assumptions", m.assumptions.len()),
            ("controls", m.controls.len()),
        ];
        self.check(counts, m.control_objectives.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(assets: usize, attackers: usize) -> ModelDraft {
        let json = serde_json::json!({
            "assets": (1..=assets).map(|i| serde_json::json!({"id": format!("A{i}"), "name": format!("Asset {i}"), "security_properties": ["C"]})).collect::<Vec<_>>(),
            "attackers": (1..=attackers).map(|i| serde_json::json!({"id": format!("T{i}"), "name": format!("Attacker {i}"), "capability": "acts"})).collect::<Vec<_>>(),
        });
        serde_json::from_value(json).unwrap_or_else(|e| panic!("draft: {e}"))
    }

    #[test]
    fn the_cross_product_is_refused_before_it_is_computed() {
        let limits = ModelLimits::default();
        assert!(limits.check_draft(&draft(100, 100)).is_ok());
        let e = limits.check_draft(&draft(1_000, 1_000)).unwrap_err();
        assert_eq!((e.limit, e.max, e.actual), ("objectives_per_model", 10_000, 1_000_000));
        let e = limits.check_draft(&draft(1_001, 1)).unwrap_err();
        assert_eq!((e.limit, e.what), ("entities_per_kind", "assets"));
    }
}
