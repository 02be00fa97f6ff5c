//! Reading what a model means: posture, reachability, coherence, factor history.

use rampart_assurance::{Evidence, PostureReport, assess};
use rampart_model::{ControlObjectiveId, ThreatModel};
use rampart_reach::{CoherenceReport, ReachabilityReport, coherence_report, reachability};
use rampart_risk::{HistoryEntry, factor_history};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::AppError;
use crate::evidence::{Docs, FINDING, RUN, evidence_of};
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
        let (live, evidence) = self.live_with_evidence(who, model_id).await?;
        let now = chrono::Utc::now();
        Ok(Assessment {
            posture: assess(&live, &evidence, now),
            reachability: reachability(&live, now),
            coherence: coherence_report(&live, now),
        })
    }

    /// The posture of the live model alone (cheaper than the full assessment).
    pub async fn posture(&self, who: &Principal, model_id: &str) -> Result<PostureReport, AppError> {
        let (live, evidence) = self.live_with_evidence(who, model_id).await?;
        Ok(assess(&live, &evidence, chrono::Utc::now()))
    }

    /// The live model and its evidence, evaluated now, read in one transaction.
    async fn live_with_evidence(&self, who: &Principal, model_id: &str) -> Result<(ThreatModel, Evidence), AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN, FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        let evidence = evidence_of(&state.model, &docs);
        Ok((state.model, evidence))
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
