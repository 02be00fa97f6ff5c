//! The one-sentence explanations attached to verdicts. Kept apart from the
//! decision logic so wording can change without touching the algorithm.

use std::fmt::Display;

use rampart_model::{Asset, AssumptionId, Attacker, ControlObjectiveId, TrustBoundaryId};
use rampart_risk::AttackVector;

/// "X", "X and Y", "X, Y and Z".
pub(crate) fn list<T: Display>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(ToString::to_string).collect();
            format!("{} and {last}", init.join(", "))
        }
    }
}

/// "Uploaded Files (A1)".
pub(crate) fn named(name: &str, id: impl Display) -> String {
    format!("{name} ({id})")
}

/// The entities one objective is about, for wording.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parties<'a> {
    pub(crate) co: ControlObjectiveId,
    pub(crate) asset: &'a Asset,
    pub(crate) attacker: &'a Attacker,
}

impl Parties<'_> {
    fn asset(&self) -> String {
        named(&self.asset.name, self.asset.id)
    }

    fn attacker(&self) -> String {
        named(&self.attacker.name, self.attacker.id)
    }

    fn vector(&self) -> AttackVector {
        self.attacker.likelihood.attack_vector
    }
}

/// One missing party: "its asset A8 does not exist", "its attacker Insider (T2) is soft-deleted".
pub(crate) fn missing_part(role: &str, id: impl Display, removed_name: Option<&str>) -> String {
    match removed_name {
        Some(name) => format!("its {role} {} is soft-deleted", named(name, id)),
        None => format!("its {role} {id} does not exist"),
    }
}

pub(crate) fn missing_entity(co: ControlObjectiveId, parts: &[String]) -> String {
    format!("Reachability of {co} cannot be decided because {}.", list(parts))
}

pub(crate) fn assumption_excludes(p: &Parties<'_>, assumption: AssumptionId) -> String {
    format!(
        "{} is unreachable: attested assumption {assumption} excludes {} from the reach of {}.",
        p.co,
        p.asset(),
        p.attacker()
    )
}

pub(crate) fn attacker_unpositioned(p: &Parties<'_>) -> String {
    format!("Reachability of {} cannot be decided: {} stands at no live trust boundary.", p.co, p.attacker())
}

pub(crate) fn asset_unbounded(p: &Parties<'_>) -> String {
    format!(
        "Reachability of {} cannot be decided: {} lies in no live trust boundary, as no live component of it is \
         placed in one and no live boundary crosses it.",
        p.co,
        p.asset()
    )
}

pub(crate) fn no_shared_boundary(p: &Parties<'_>, positions: &[TrustBoundaryId], bounds: &[TrustBoundaryId]) -> String {
    format!(
        "Reachability of {} cannot be decided: {} stands at {} while {} lies in {}, and they share no boundary.",
        p.co,
        p.attacker(),
        list(positions),
        p.asset(),
        list(bounds)
    )
}

pub(crate) fn boundary_passes(p: &Parties<'_>, passing: &[TrustBoundaryId]) -> String {
    format!(
        "{} is reachable: {} {} {} attacks from {} through to {}.",
        p.co,
        list(passing),
        if passing.len() == 1 { "lets" } else { "let" },
        p.vector(),
        p.attacker(),
        p.asset()
    )
}

pub(crate) fn boundary_blocks(p: &Parties<'_>, shared: &[TrustBoundaryId]) -> String {
    format!(
        "{} is unreachable: {} {} {} attacks from {} to {} under an attested seal.",
        p.co,
        list(shared),
        if shared.len() == 1 { "blocks" } else { "block" },
        p.vector(),
        p.attacker(),
        p.asset()
    )
}

pub(crate) fn block_unattested(p: &Parties<'_>, shared: &[TrustBoundaryId], unattested: &[TrustBoundaryId]) -> String {
    format!(
        "{} stays reachable: {} {} {} attacks from {} to {}, but the seal of {} is not attested.",
        p.co,
        list(shared),
        if shared.len() == 1 { "blocks" } else { "block" },
        p.vector(),
        p.attacker(),
        p.asset(),
        list(unattested)
    )
}
