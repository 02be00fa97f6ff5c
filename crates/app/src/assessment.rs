//! Reading what a model means: posture, reachability, coherence, factor history.

use std::collections::HashMap;

use rampart_assurance::{Evidence, PostureReport, assess};
use rampart_model::ControlObjectiveId;
use rampart_reach::{CoherenceReport, ReachabilityReport, coherence_report, reachability};
use rampart_risk::{HistoryEntry, factor_history};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::AppError;
use crate::{App, Principal};

/// Posture, reachability and structural coherence of the live model, computed
/// at one instant.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Assessment {
    pub posture: PostureReport,
    pub reachability: ReachabilityReport,
    pub coherence: CoherenceReport,
}

impl App {
    pub async fn assess(&self, who: &Principal, model_id: &str) -> Result<Assessment, AppError> {
        let live = self.store.live_model(&who.workspace_id, model_id).await?;
        let now = chrono::Utc::now();
        // Evidence arrives with the verification pipeline; until a control
        // has verified evidence it earns no credit.
        let evidence = Evidence { controls: HashMap::new(), assumptions: HashMap::new() };
        Ok(Assessment {
            posture: assess(&live, &evidence, now),
            reachability: reachability(&live, now),
            coherence: coherence_report(&live, now),
        })
    }

    /// The posture of the live model alone (cheaper than the full assessment).
    pub async fn posture(&self, who: &Principal, model_id: &str) -> Result<PostureReport, AppError> {
        let live = self.store.live_model(&who.workspace_id, model_id).await?;
        let evidence = Evidence { controls: HashMap::new(), assumptions: HashMap::new() };
        Ok(assess(&live, &evidence, chrono::Utc::now()))
    }

    /// How one objective's factors and rating evolved, version by version.
    pub async fn factor_history(
        &self,
        who: &Principal,
        model_id: &str,
        co_id: ControlObjectiveId,
    ) -> Result<Vec<HistoryEntry>, AppError> {
        let ws = &who.workspace_id;
        let versions = self.store.list_versions(ws, model_id).await?;
        let mut points = Vec::new();
        let mut pair = None;
        for v in versions {
            let stored = self.store.get_version(ws, model_id, Some(v.version)).await?;
            if let (Some(point), Some(co)) =
                (stored.model.version_factors(co_id), stored.model.control_objective(co_id))
            {
                points.push(point);
                pair = Some((co.asset_id.to_string(), co.attacker_id.to_string()));
            }
        }
        let (asset, attacker) = pair.ok_or_else(|| AppError::not_found(co_id.to_string()))?;
        let revisions = self.store.list_factor_revisions(ws, model_id).await?;
        Ok(factor_history(&points, &asset, &attacker, &revisions))
    }
}
