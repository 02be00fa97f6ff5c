//! The worked example: file uploads to an API. Every verdict reason and most
//! coherence findings occur in it; `docs/methodology/reachability.md` walks
//! through the same model.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeZone, Utc};
use rampart_model::{
    AnyId, Asset, AssetId, AssumptionDraft, AssumptionId, AssumptionKind, Attacker, AttackerId, Attestation, CoRef,
    Component, ComponentId, ControlObjective, ControlObjectiveId, DeterministicJudge, Edit, ExclusionPredicate, Match,
    ModelDraft, SealSource, SecurityProperty, ThreatModel, TrustBoundary, TrustBoundaryId,
};
use rampart_risk::{AttackVector, LikelihoodFactors};

/// The instant every report in the example is computed at.
pub(crate) fn now() -> DateTime<Utc> {
    at(2026, 3, 1)
}

pub(crate) fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).single().expect("a valid date")
}

pub(crate) fn attestation(from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> Attestation {
    Attestation {
        attested_by: "Dana Okafor, platform security lead".into(),
        statement: "Reviewed the deployment and accept this.".into(),
        attested_at: from,
        expires_at: until,
        evidence_url: None,
    }
}

pub(crate) fn boundary(
    id: u32,
    description: &str,
    crosses: &[u32],
    passes: Option<&[AttackVector]>,
    sealed: bool,
    seal_source: SealSource,
) -> TrustBoundary {
    TrustBoundary {
        id: TrustBoundaryId(id),
        description: description.into(),
        crosses: crosses.iter().map(|&a| AssetId(a)).collect(),
        passes: passes.map(|p| p.iter().copied().collect()),
        sealed,
        seal_source,
        removed: false,
    }
}

pub(crate) fn component(id: u32, name: &str, repo: Option<&str>, path: Option<&str>, boundaries: &[u32]) -> Component {
    Component {
        id: ComponentId(id),
        name: name.into(),
        repo_url: repo.map(Into::into),
        path: path.map(Into::into),
        trust_boundary_ids: boundaries.iter().map(|&b| TrustBoundaryId(b)).collect(),
        grades: Default::default(),
        removed: false,
    }
}

pub(crate) fn asset(id: u32, name: &str, props: &[SecurityProperty], components: &[u32]) -> Asset {
    Asset {
        id: AssetId(id),
        name: name.into(),
        description: String::new(),
        security_properties: props.iter().copied().collect(),
        component_ids: components.iter().map(|&c| ComponentId(c)).collect(),
        impact: Default::default(),
        notes: String::new(),
        removed: false,
    }
}

pub(crate) fn attacker(id: u32, name: &str, vector: AttackVector, boundaries: &[u32]) -> Attacker {
    Attacker {
        id: AttackerId(id),
        name: name.into(),
        capability: format!("{name} acting against the upload service"),
        position: String::new(),
        archetype: String::new(),
        trust_boundary_ids: boundaries.iter().map(|&b| TrustBoundaryId(b)).collect(),
        likelihood: LikelihoodFactors { attack_vector: vector, ..Default::default() },
        removed: false,
    }
}

fn assumption(
    description: &str,
    kind: AssumptionKind,
    exclusion: Option<ExclusionPredicate>,
    attestation: Option<Attestation>,
    linked: Vec<CoRef>,
) -> AssumptionDraft {
    AssumptionDraft { description: description.into(), kind, linked_co_ids: linked, exclusion, attestation }
}

/// The objective of (asset `a`, attacker `t`): the example has three
/// attackers, and objectives are numbered asset by asset.
pub(crate) fn co(a: u32, t: u32) -> ControlObjectiveId {
    ControlObjectiveId((a - 1) * 3 + t)
}

/// Builds the example model.
pub(crate) fn uploads() -> ThreatModel {
    use AttackVector::{Adjacent, Local, Network, Physical};
    use SecurityProperty::{Availability as Av, Confidentiality as C, Integrity as I, Usage as U};

    let draft = ModelDraft {
        trust_boundaries: vec![
            boundary(1, "Internet to upload API edge", &[1, 7], Some(&[Network]), false, SealSource::Unattested),
            boundary(2, "Upload API to object storage network", &[], Some(&[Adjacent]), true, SealSource::Attested),
            boundary(3, "CI runners to release bucket", &[], Some(&[]), true, SealSource::Unattested),
            boundary(4, "Corporate network to admin console", &[], None, false, SealSource::Attested),
            boundary(5, "Retired partner VPN", &[], None, false, SealSource::Unattested),
        ],
        components: vec![
            component(1, "Upload API", Some("https://github.com/example/uploads"), Some("services/api"), &[1, 2]),
            component(2, "Object Store", None, None, &[2]),
            component(3, "Thumbnail Worker", Some("https://github.com/example/uploads"), Some("workers/thumbs"), &[]),
            component(4, "Admin Console", None, Some("apps/admin"), &[4, 5]),
            component(5, "Release Pipeline", None, Some(".github/workflows"), &[3]),
            component(6, "Legacy Uploader", None, Some("legacy/uploader"), &[1]),
        ],
        assets: vec![
            asset(1, "Uploaded Files", &[C, I], &[2]),
            asset(2, "Storage Credentials", &[C, U], &[1]),
            asset(3, "Thumbnails", &[I], &[3]),
            asset(4, "Upload Quota Counters", &[Av], &[]),
            asset(5, "Admin Audit Log", &[I], &[4, 6]),
            asset(6, "Release Artifacts", &[I], &[5]),
            asset(7, "Legacy Share Links", &[C], &[1]),
        ],
        attackers: vec![
            attacker(1, "External Network Attacker", Network, &[1, 5]),
            attacker(2, "Malicious Insider", Local, &[2, 3, 4]),
            attacker(3, "Dependency Supply-Chain Attacker", Network, &[]),
        ],
        assumptions: vec![
            // AS1: attested, in force, matches on fields.
            assumption(
                "Storage credentials are only ever presented inside the storage network",
                AssumptionKind::External,
                Some(ExclusionPredicate {
                    asset_id: Match::Exactly(AssetId(2)),
                    attacker_vector: Match::Exactly(Network),
                    ..Default::default()
                }),
                Some(attestation(at(2026, 1, 15), Some(at(2027, 1, 15)))),
                vec![],
            ),
            // AS2: attested, but the attestation has expired.
            assumption(
                "Insiders have no standing access to production",
                AssumptionKind::External,
                Some(ExclusionPredicate { attacker_id: Match::Exactly(AttackerId(2)), ..Default::default() }),
                Some(attestation(at(2025, 1, 1), Some(at(2025, 12, 31)))),
                vec![],
            ),
            // AS3: never attested.
            assumption(
                "The admin console is reachable only over the corporate VPN",
                AssumptionKind::External,
                Some(ExclusionPredicate { co_ids: vec![co(5, 1)], ..Default::default() }),
                None,
                vec![],
            ),
            // AS4: attested, names objectives outright; CO4 is also covered by AS1.
            assumption(
                "Thumbnails are derived from originals and hold nothing of their own",
                AssumptionKind::External,
                Some(ExclusionPredicate { co_ids: vec![co(2, 1), co(3, 1)], ..Default::default() }),
                Some(attestation(at(2026, 2, 1), None)),
                vec![],
            ),
            // AS5: linked to an objective that is tombstoned below.
            assumption(
                "Legacy share links are disabled at the CDN",
                AssumptionKind::External,
                None,
                None,
                vec![CoRef::Pair { asset_id: AssetId(7), attacker_id: AttackerId(1) }],
            ),
            // AS6: non-applicability; an attestation is forced onto it below.
            assumption(
                "Quota counters carry no security meaning",
                AssumptionKind::NonApplicability,
                Some(ExclusionPredicate { asset_id: Match::Exactly(AssetId(4)), ..Default::default() }),
                None,
                vec![],
            ),
            // AS7: attested, but no objective has a physical attacker.
            assumption(
                "Physical access to the data centre is controlled by the provider",
                AssumptionKind::External,
                Some(ExclusionPredicate { attacker_vector: Match::Exactly(Physical), ..Default::default() }),
                Some(attestation(at(2026, 1, 1), None)),
                vec![],
            ),
        ],
        controls: vec![],
    };
    let mut model = ThreatModel::create(&draft).expect("the example draft is valid").model;
    for id in [AnyId::TrustBoundary(TrustBoundaryId(5)), AnyId::Component(ComponentId(6)), AnyId::Asset(AssetId(7))] {
        model = model.apply(&Edit::Remove { id }, &DeterministicJudge).expect("the removal applies").model;
    }
    // What an import from an older tool might carry, which edits would refuse:
    // a live objective whose asset never existed, and a person's attestation
    // on a non-applicability assumption.
    let stale = ControlObjective {
        id: ControlObjectiveId(22),
        asset_id: AssetId(8),
        attacker_id: AttackerId(1),
        properties: BTreeSet::from([C]),
        statement: "Confidentiality of Share Tokens shall be protected from External Network Attacker".into(),
        cal: None,
        removed: false,
    };
    assert_eq!(model.control_objectives.last().map(|c| c.id), Some(ControlObjectiveId(21)));
    model.control_objectives.push(stale);
    let as6 = model.assumptions.iter_mut().find(|a| a.id == AssumptionId(6)).expect("AS6 exists");
    as6.attestation = Some(attestation(at(2026, 1, 1), None));
    model
}
