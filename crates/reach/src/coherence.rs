//! The coherence report: structural findings about a model, each naming the
//! entities involved and the edit that resolves it. The per-objective gaps are
//! read off the reachability verdicts, so the two reports never disagree.

use std::fmt::Display;

use chrono::{DateTime, SecondsFormat, Utc};
use rampart_model::{
    AnyId, AssumptionId, AssumptionKind, Attestation, ControlObjectiveId, Match, ThreatModel, TrustBoundaryId,
};

use crate::finding::{CoherenceFinding, CoherenceReport, CoherenceSeverity, CoherenceSummary, FindingKind};
use crate::index::{Index, Presence};
use crate::narrate::{list, named};
use crate::predicate::{Exclusions, predicate_matches};
use crate::reachability::{ReachabilityReport, evaluate};
use crate::verdict::{CoVerdict, Reason};

/// Lists the structural findings of `model`, with attestations judged at
/// `now`. Pure and deterministic, like [`crate::reachability`].
pub fn coherence_report(model: &ThreatModel, now: DateTime<Utc>) -> CoherenceReport {
    let index = Index::new(model);
    let reach = evaluate(&index, now);
    let mut out = Findings(Vec::new());
    out.duplicates(&index);
    out.boundaries(&index);
    out.components(&index);
    out.assets(&index);
    out.attackers(&index);
    out.assumptions(&index, now);
    out.objectives(&index, &reach);
    let mut findings = out.0;
    findings.sort_by(|a, b| (a.kind, &a.ids, &a.message).cmp(&(b.kind, &b.ids, &b.message)));
    let summary = CoherenceSummary::of(&findings);
    CoherenceReport { model_version: model.version, as_of: now, findings, summary }
}

/// A reference to something unknown is a contradiction; one to something
/// soft-deleted is a leftover the model allows. `None` when live.
fn dangling<E>(p: Presence<'_, E>) -> Option<(CoherenceSeverity, bool)> {
    match p {
        Presence::Live(_) => None,
        Presence::Removed(_) => Some((CoherenceSeverity::Warning, true)),
        Presence::Unknown => Some((CoherenceSeverity::Error, false)),
    }
}

/// An instant in RFC 3339, to the second, in UTC (`Z`).
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn state(removed: bool) -> &'static str {
    if removed { "is soft-deleted" } else { "does not exist" }
}

fn restore_or(removed: bool, id: impl Display) -> String {
    if removed { format!(", or restore {id}") } else { String::new() }
}

struct Findings(Vec<CoherenceFinding>);

impl Findings {
    fn push(&mut self, kind: FindingKind, severity: CoherenceSeverity, ids: Vec<AnyId>, message: String, fix: String) {
        self.0.push(CoherenceFinding { kind, severity, ids, message, suggested_fix: fix });
    }

    fn duplicates(&mut self, index: &Index<'_>) {
        for id in &index.duplicates {
            let kind = id.kind();
            self.push(
                FindingKind::DuplicateId,
                CoherenceSeverity::Error,
                vec![*id],
                format!("More than one {kind} has the id {id}; only the first one listed is used."),
                format!("give every {kind} listed as {id} after the first its own id, or delete the extra copies"),
            );
        }
    }

    fn boundaries(&mut self, index: &Index<'_>) {
        for tb in index.boundaries.values().filter(|tb| !tb.removed) {
            for &asset in &tb.crosses {
                if let Some((severity, removed)) = dangling(index.asset(asset)) {
                    self.push(
                        FindingKind::BoundaryCrossesUnknownAsset,
                        severity,
                        vec![AnyId::TrustBoundary(tb.id), AnyId::Asset(asset)],
                        format!("{} lists asset {asset} in crosses, but {asset} {}.", tb.id, state(removed)),
                        format!("remove {asset} from the crosses of {}{}", tb.id, restore_or(removed, asset)),
                    );
                }
            }
            let attested = tb.seal_source == rampart_model::SealSource::Attested;
            if tb.sealed && !attested {
                self.push(
                    FindingKind::SealUnattested,
                    CoherenceSeverity::Warning,
                    vec![AnyId::TrustBoundary(tb.id)],
                    format!(
                        "{} is sealed, but the seal is not attested, so none of its blocks removes an objective.",
                        tb.id
                    ),
                    format!(
                        "attest the seal of {} (seal source attested), or unseal it if lateral ingress is possible",
                        tb.id
                    ),
                );
            }
            if attested && !tb.sealed {
                self.push(
                    FindingKind::SealAttestedUnsealed,
                    CoherenceSeverity::Info,
                    vec![AnyId::TrustBoundary(tb.id)],
                    format!("{} records an attested seal but is not sealed, so the attestation has no effect.", tb.id),
                    format!("mark {} sealed if the attestation covers it, or set its seal source to unattested", tb.id),
                );
            }
        }
    }

    fn components(&mut self, index: &Index<'_>) {
        for c in index.components.values().filter(|c| !c.removed) {
            let name = named(&c.name, c.id);
            let blank = |s: &Option<String>| s.as_deref().is_none_or(|v| v.trim().is_empty());
            if blank(&c.repo_url) && blank(&c.path) {
                self.push(
                    FindingKind::ComponentUnbound,
                    CoherenceSeverity::Info,
                    vec![AnyId::Component(c.id)],
                    format!("{name} has neither a repository URL nor a path, so no evidence can be tied to its code."),
                    format!("set the repo_url and path of {}, or leave it unbound if it lies outside your code", c.id),
                );
            }
            let mut placed = false;
            for &tb in &c.trust_boundary_ids {
                match dangling(index.boundary(tb)) {
                    None => placed = true,
                    Some((severity, removed)) => self.push(
                        FindingKind::ComponentBoundaryUnknown,
                        severity,
                        vec![AnyId::Component(c.id), AnyId::TrustBoundary(tb)],
                        format!("{name} is placed in trust boundary {tb}, which {}.", state(removed)),
                        format!("remove {tb} from the trust boundaries of {}{}", c.id, restore_or(removed, tb)),
                    ),
                }
            }
            if !placed {
                self.push(
                    FindingKind::ComponentUnplaced,
                    CoherenceSeverity::Warning,
                    vec![AnyId::Component(c.id)],
                    format!(
                        "{name} is in no live trust boundary, so the assets it holds are placed nowhere through it."
                    ),
                    format!("add {} to a trust boundary", c.id),
                );
            }
        }
    }

    fn assets(&mut self, index: &Index<'_>) {
        let crossed: std::collections::BTreeSet<_> =
            index.boundaries.values().filter(|tb| !tb.removed).flat_map(|tb| tb.crosses.iter().copied()).collect();
        for a in index.assets.values().filter(|a| !a.removed) {
            let name = named(&a.name, a.id);
            let mut has_live_component = false;
            for &c in &a.component_ids {
                match dangling(index.component(c)) {
                    None => has_live_component = true,
                    Some((severity, removed)) => self.push(
                        FindingKind::AssetComponentUnknown,
                        severity,
                        vec![AnyId::Asset(a.id), AnyId::Component(c)],
                        format!("{name} is held by component {c}, which {}.", state(removed)),
                        format!("remove {c} from the components of {}{}", a.id, restore_or(removed, c)),
                    ),
                }
            }
            if !has_live_component && !crossed.contains(&a.id) {
                self.push(
                    FindingKind::AssetUnscoped,
                    CoherenceSeverity::Warning,
                    vec![AnyId::Asset(a.id)],
                    format!("{name} has no live component and no live boundary crosses it, so it is placed nowhere."),
                    format!(
                        "list the component that stores or processes {} in its components, or list {} in the \
                         crosses of the boundary its data crosses",
                        a.id, a.id
                    ),
                );
            }
        }
    }

    fn attackers(&mut self, index: &Index<'_>) {
        for t in index.attackers.values().filter(|t| !t.removed) {
            for &tb in &t.trust_boundary_ids {
                if let Some((severity, removed)) = dangling(index.boundary(tb)) {
                    self.push(
                        FindingKind::AttackerBoundaryUnknown,
                        severity,
                        vec![AnyId::Attacker(t.id), AnyId::TrustBoundary(tb)],
                        format!(
                            "{} is positioned at trust boundary {tb}, which {}.",
                            named(&t.name, t.id),
                            state(removed)
                        ),
                        format!("remove {tb} from the trust boundaries of {}{}", t.id, restore_or(removed, tb)),
                    );
                }
            }
        }
    }

    fn assumptions(&mut self, index: &Index<'_>, now: DateTime<Utc>) {
        for a in index.assumptions.values().filter(|a| !a.removed) {
            let subject = AnyId::Assumption(a.id);
            match (a.kind, &a.attestation) {
                (AssumptionKind::NonApplicability, Some(_)) => self.push(
                    FindingKind::AssumptionAttestationIgnored,
                    CoherenceSeverity::Warning,
                    vec![subject],
                    format!(
                        "{} is a non-applicability assumption carrying a person's attestation, which is ignored: \
                         non-applicability is proven by evidence.",
                        a.id
                    ),
                    format!(
                        "prove {} with assertions and drop the attestation, or make it an external assumption if a \
                         person may vouch for it",
                        a.id
                    ),
                ),
                (AssumptionKind::External, attestation) if a.exclusion.is_some() => {
                    self.attestation_gap(a.id, attestation.as_ref(), now);
                }
                _ => {}
            }
            self.links(index, a.id, &a.linked_co_ids);
            if let Some(p) = &a.exclusion {
                let mut unknown: Vec<(AnyId, &str)> = Vec::new();
                if let Match::Exactly(id) = p.attacker_id
                    && matches!(index.attacker(id), Presence::Unknown)
                {
                    unknown.push((AnyId::Attacker(id), "attacker_id"));
                }
                if let Match::Exactly(id) = p.asset_id
                    && matches!(index.asset(id), Presence::Unknown)
                {
                    unknown.push((AnyId::Asset(id), "asset_id"));
                }
                if let Match::Exactly(id) = p.asset_component_id
                    && matches!(index.component(id), Presence::Unknown)
                {
                    unknown.push((AnyId::Component(id), "asset_component_id"));
                }
                for &id in &p.co_ids {
                    if matches!(index.objective(id), Presence::Unknown) {
                        unknown.push((AnyId::ControlObjective(id), "co_ids"));
                    }
                }
                for (id, field) in unknown {
                    self.push(
                        FindingKind::AssumptionPredicateUnknown,
                        CoherenceSeverity::Error,
                        vec![subject, id],
                        format!(
                            "The exclusion predicate of {} names {} {id} in {field}, which does not exist, so it can \
                             never match.",
                            a.id,
                            id.kind()
                        ),
                        format!("correct or clear {field} in the exclusion predicate of {}", a.id),
                    );
                }
            }
        }
        self.excludes_nothing(index, now);
    }

    /// An external assumption with a predicate excludes nothing until an
    /// attestation is in force.
    fn attestation_gap(&mut self, id: AssumptionId, attestation: Option<&Attestation>, now: DateTime<Utc>) {
        let subject = vec![AnyId::Assumption(id)];
        match attestation {
            None => self.push(
                FindingKind::AssumptionUnattested,
                CoherenceSeverity::Warning,
                subject,
                format!("{id} has an exclusion predicate but no attestation, so it excludes no objective."),
                format!("attest {id} (an accountable person accepts it), or remove its exclusion predicate"),
            ),
            Some(att) if att.is_current(now) => {}
            Some(att) if att.attested_at > now => self.push(
                FindingKind::AssumptionUnattested,
                CoherenceSeverity::Warning,
                subject,
                format!(
                    "The attestation of {id} is dated {}, after {}, so it is not yet in force and {id} excludes no \
                     objective.",
                    stamp(att.attested_at),
                    stamp(now)
                ),
                format!("re-attest {id} with the date the attestation was actually given"),
            ),
            Some(att) => self.push(
                FindingKind::AssumptionExpired,
                CoherenceSeverity::Warning,
                subject,
                format!(
                    "The attestation of {id} expired at {}, so its exclusion predicate no longer removes any objective.",
                    att.expires_at.map(stamp).unwrap_or_default()
                ),
                format!("re-attest {id}, or remove it if the assumption no longer holds"),
            ),
        }
    }

    fn links(&mut self, index: &Index<'_>, id: AssumptionId, linked: &[ControlObjectiveId]) {
        for &co in linked {
            match index.objective(co) {
                Presence::Live(_) => {}
                Presence::Unknown => self.push(
                    FindingKind::AssumptionCoUnknown,
                    CoherenceSeverity::Error,
                    vec![AnyId::Assumption(id), AnyId::ControlObjective(co)],
                    format!("{id} links to objective {co}, which does not exist."),
                    format!("unlink {co} from {id}"),
                ),
                Presence::Removed(o) => {
                    // Name what would bring the objective back.
                    let mut gone = Vec::new();
                    if index.asset(o.asset_id).live().is_none() {
                        gone.push(o.asset_id.to_string());
                    }
                    if index.attacker(o.attacker_id).live().is_none() {
                        gone.push(o.attacker_id.to_string());
                    }
                    let restore = if gone.is_empty() { String::new() } else { format!(", or restore {}", list(&gone)) };
                    self.push(
                        FindingKind::AssumptionCoTombstoned,
                        CoherenceSeverity::Warning,
                        vec![AnyId::Assumption(id), AnyId::ControlObjective(co)],
                        format!("{id} links to {co}, which is tombstoned, so the link has no effect."),
                        format!("unlink {co} from {id}{restore}"),
                    );
                }
            }
        }
    }

    /// An assumption in force whose predicate covers no live objective is
    /// probably aimed at the wrong ids.
    fn excludes_nothing(&mut self, index: &Index<'_>, now: DateTime<Utc>) {
        let exclusions = Exclusions::new(index, now);
        let judged: Vec<_> = index
            .live_objectives()
            .filter_map(|co| Some((co, index.asset(co.asset_id).live()?, index.attacker(co.attacker_id).live()?)))
            .collect();
        for (id, predicate) in exclusions.grounds() {
            let covers = judged.iter().any(|(co, asset, attacker)| predicate_matches(predicate, co, asset, attacker));
            if !covers {
                self.push(
                    FindingKind::AssumptionExcludesNothing,
                    CoherenceSeverity::Info,
                    vec![AnyId::Assumption(*id)],
                    format!("{id} is attested, but its exclusion predicate covers no live objective."),
                    format!("correct the exclusion predicate of {id} so it names the objectives it is meant for, or clear it"),
                );
            }
        }
    }

    fn objectives(&mut self, index: &Index<'_>, reach: &ReachabilityReport) {
        for v in &reach.verdicts {
            let co = AnyId::ControlObjective(v.co_id);
            let (asset, attacker) = (AnyId::Asset(v.asset_id), AnyId::Attacker(v.attacker_id));
            match v.reason {
                Reason::MissingEntity => {
                    let mut ids = vec![co];
                    ids.extend(v.missing_ids.iter().copied());
                    self.push(FindingKind::CoMissingEntity, CoherenceSeverity::Error, ids, v.narration.clone(), missing_fix(index, v));
                }
                Reason::AttackerUnpositioned => self.push(
                    FindingKind::CoAttackerUnpositioned,
                    CoherenceSeverity::Warning,
                    vec![co, attacker],
                    v.narration.clone(),
                    format!("add {} to the trust boundary it attacks from", v.attacker_id),
                ),
                Reason::AssetUnbounded => self.push(
                    FindingKind::CoAssetUnbounded,
                    CoherenceSeverity::Warning,
                    vec![co, asset],
                    v.narration.clone(),
                    unbounded_fix(index, v),
                ),
                Reason::NoSharedBoundary => self.push(
                    FindingKind::CoNoSharedBoundary,
                    CoherenceSeverity::Warning,
                    vec![co, asset, attacker],
                    v.narration.clone(),
                    format!(
                        "if {} can reach {}, position it at {}; if it cannot, record an attested assumption excluding {}",
                        v.attacker_id,
                        v.asset_id,
                        one_of(&v.asset_boundaries),
                        v.co_id
                    ),
                ),
                Reason::BlockUnattested => {
                    let mut ids = vec![co];
                    ids.extend(v.boundary_ids.iter().map(|tb| AnyId::TrustBoundary(*tb)));
                    let vector = v.attack_vector.map(|x| x.to_string()).unwrap_or_default();
                    let fix = match v.boundary_ids.as_slice() {
                        [one] => format!("attest the seal of {one} or let it pass {vector}"),
                        many => format!("attest the seals of {} or let one of them pass {vector}", list(many)),
                    };
                    self.push(FindingKind::CoBlockUnattested, CoherenceSeverity::Warning, ids, v.narration.clone(), fix);
                }
                Reason::BoundaryPasses | Reason::AssumptionExcludes | Reason::BoundaryBlocks => {}
            }
        }
    }
}

/// "TB4", "one of TB4 and TB5".
fn one_of(ids: &[TrustBoundaryId]) -> String {
    match ids {
        [one] => one.to_string(),
        many => format!("one of {}", list(many)),
    }
}

fn missing_fix(index: &Index<'_>, v: &CoVerdict) -> String {
    let (removed, unknown): (Vec<AnyId>, Vec<AnyId>) = v.missing_ids.iter().partition(|id| match id {
        AnyId::Asset(a) => matches!(index.asset(*a), Presence::Removed(_)),
        AnyId::Attacker(t) => matches!(index.attacker(*t), Presence::Removed(_)),
        _ => false,
    });
    if unknown.is_empty() {
        format!(
            "restore {}, or re-derive the objectives so {} is tombstoned with {}",
            list(&removed),
            v.co_id,
            if removed.len() == 1 { "it" } else { "them" }
        )
    } else {
        format!(
            "drop {} from the model: {} {} not exist",
            v.co_id,
            list(&unknown),
            if unknown.len() == 1 { "does" } else { "do" }
        )
    }
}

fn unbounded_fix(index: &Index<'_>, v: &CoVerdict) -> String {
    let unplaced: Vec<AnyId> = index
        .asset(v.asset_id)
        .live()
        .map(|a| {
            a.component_ids
                .iter()
                .filter(|c| index.component(**c).live().is_some())
                .map(|c| AnyId::Component(*c))
                .collect()
        })
        .unwrap_or_default();
    if unplaced.is_empty() {
        format!(
            "give {} a component placed in a trust boundary, or list {} in the crosses of the boundary its data \
             crosses",
            v.asset_id, v.asset_id
        )
    } else {
        format!(
            "add {} to a trust boundary, or list {} in the crosses of the boundary its data crosses",
            list(&unplaced),
            v.asset_id
        )
    }
}
