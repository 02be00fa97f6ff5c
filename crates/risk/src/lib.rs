//! Risk ratings for Rampart threat models.
//!
//! Assets carry seven impact factors, attackers five likelihood factors
//! ([`factors`]). Impact, likelihood and the risk tier of a control objective
//! are composed from them by published rules ([`compose`]); the rules are
//! total and monotone, and the complete tables are generated from this crate
//! ([`tables`]). Factor edits are append-only revisions laid over a version
//! snapshot at read time ([`revision`]).
//!
//! This crate is pure: no I/O, no clock. Times are passed in.

pub mod compose;
pub mod factors;
pub mod revision;
pub mod tables;

pub use compose::{Level, RiskRating, RiskTier, impact, likelihood, rate, risk_tier};
pub use factors::{
    AttackComplexity, AttackVector, BlastRadius, CapabilityPrevalence, Factor, ImpactFactors, LikelihoodFactors,
    PrivilegesRequired, Recoverability, RegulatoryScope, Subscore, UserInteraction,
};
pub use revision::{
    CurrentFactors, FactorChange, FactorPatch, FactorRevision, FactorSubject, HistoryEntry, HistoryStep, ImpactPatch,
    LikelihoodPatch, RevisionError, RevisionRequest, VersionFactors, factor_history, overlay_impact,
    overlay_likelihood,
};
