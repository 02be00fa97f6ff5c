//! Reading what a model means: posture, reachability, coherence, factor history.
//!
//! Posture and the full assessment are pure functions of the model's state
//! and the time, and the time only matters at attestation boundaries. So
//! each is computed once per (model, state revision) and reused until the
//! revision moves or the next boundary passes: a read of an unchanged model
//! is one indexed lookup of its revision.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
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

/// Most models whose assessments are kept.
const CACHED_MODELS: usize = 1024;

/// What was computed for one model at one state revision.
#[derive(Debug, Clone)]
struct Cached {
    revision: u64,
    /// Valid before this instant (the next attestation boundary); `None`: for ever.
    valid_until: Option<DateTime<Utc>>,
    posture: Option<Arc<PostureReport>>,
    full: Option<Arc<Assessment>>,
}

impl Cached {
    fn holds(&self, revision: u64, now: DateTime<Utc>) -> bool {
        self.revision == revision && self.valid_until.is_none_or(|t| now < t)
    }
}

/// Assessments by model id. Entries are found only after the
/// workspace-scoped revision lookup, so a foreign id never reaches one.
#[derive(Debug, Clone, Default)]
pub(crate) struct AssessmentCache(Arc<Mutex<HashMap<String, Cached>>>);

impl AssessmentCache {
    fn get(&self, model_id: &str, revision: u64, now: DateTime<Utc>) -> Option<Cached> {
        let map = self.0.lock().ok()?;
        map.get(model_id).filter(|c| c.holds(revision, now)).cloned()
    }

    /// Records what was computed; an entry for the same revision keeps what it had.
    fn put(&self, model_id: &str, computed: Cached) {
        let Ok(mut map) = self.0.lock() else { return };
        if map.len() >= CACHED_MODELS && !map.contains_key(model_id) {
            // Bounded: forget an arbitrary model (it is recomputed on demand).
            if let Some(k) = map.keys().next().cloned() {
                map.remove(&k);
            }
        }
        let entry = map.entry(model_id.to_owned()).or_insert_with(|| computed.clone());
        if entry.revision != computed.revision || entry.valid_until != computed.valid_until {
            *entry = computed;
        } else {
            entry.posture = entry.posture.take().or(computed.posture);
            entry.full = entry.full.take().or(computed.full);
        }
    }
}

impl App {
    /// Posture, reachability and coherence of the live model.
    pub async fn assess(&self, who: &Principal, model_id: &str) -> Result<Arc<Assessment>, AppError> {
        let now = Utc::now();
        let revision = self.store.model_revision(&who.workspace_id, model_id).await?;
        if let Some(full) = self.assessments.get(model_id, revision, now).and_then(|c| c.full) {
            return Ok(full);
        }
        let (live, evidence, revision) = self.live_with_evidence(who, model_id).await?;
        let full = Arc::new(Assessment {
            posture: assess(&live, &evidence, now),
            reachability: reachability(&live, now),
            coherence: coherence_report(&live, now),
        });
        let valid_until = live.next_time_boundary(now);
        self.assessments.put(model_id, Cached { revision, valid_until, posture: None, full: Some(full.clone()) });
        Ok(full)
    }

    /// The posture of the live model alone (cheaper than the full assessment).
    pub async fn posture(&self, who: &Principal, model_id: &str) -> Result<Arc<PostureReport>, AppError> {
        let now = Utc::now();
        let revision = self.store.model_revision(&who.workspace_id, model_id).await?;
        if let Some(posture) = self.assessments.get(model_id, revision, now).and_then(|c| c.posture) {
            return Ok(posture);
        }
        let (live, evidence, revision) = self.live_with_evidence(who, model_id).await?;
        let posture = Arc::new(assess(&live, &evidence, now));
        let valid_until = live.next_time_boundary(now);
        self.assessments.put(model_id, Cached { revision, valid_until, posture: Some(posture.clone()), full: None });
        Ok(posture)
    }

    /// The live model and its evidence, with the state revision they were
    /// read at, in one transaction.
    async fn live_with_evidence(
        &self,
        who: &Principal,
        model_id: &str,
    ) -> Result<(ThreatModel, Evidence, u64), AppError> {
        let state = self.store.evidence_state(&who.workspace_id, model_id, &[RUN, FINDING]).await?;
        let docs = Docs::parse(model_id, &state.docs)?;
        let evidence = evidence_of(&state.model, &docs);
        Ok((state.model, evidence, state.revision))
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
