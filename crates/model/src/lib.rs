//! The Rampart threat model.
//!
//! A model is a set of entities with stable ids ([`ids`], [`entity`]): trust
//! boundaries, components, assets, attackers, assumptions, controls, and the
//! control objectives *computed* as the asset × attacker cross-product. Every
//! structural change is an [`Edit`] applied to an immutable [`ThreatModel`]
//! version, giving the next version or a typed [`EditError`]. Versions can be
//! [`diff`]ed and carry a platform-independent content hash ([`canonical`]).
//!
//! Judgements that need understanding (is a renamed asset still the same
//! asset? do two controls describe the same mechanism?) are injected through
//! the [`Judge`] trait, so this crate stays a pure function of its inputs.

pub mod canonical;
mod create;
pub mod diff;
pub mod draft;
pub mod edit;
pub mod entity;
pub mod error;
pub mod ids;
pub mod judge;
pub mod limits;
pub mod metadata;
pub mod model;
pub mod name;
pub mod text;
mod validate;

pub use diff::{EntityChange, EntityDiff, FieldChange, ModelDiff, diff};
pub use draft::{
    AnyId, AssetDraft, AssetPatch, AssumptionDraft, AssumptionPatch, AttackerDraft, AttackerPatch, CoRef,
    ComponentDraft, ComponentPatch, ControlDraft, ControlPatch, MappingDraft, ModelDraft, TrustBoundaryDraft,
    TrustBoundaryPatch,
};
pub use edit::{Applied, Edit, Effect};
pub use entity::{
    Asset, Assumption, AssumptionKind, Attacker, Attestation, CoMapping, Component, ComponentGrades, Control,
    ControlObjective, ControlStatus, ExclusionPredicate, Match, SealSource, SecurityProperty, TrustBoundary,
};
pub use error::EditError;
pub use ids::{
    AssetId, AssumptionId, AttackerId, ComponentId, ControlId, ControlObjectiveId, StableId, TrustBoundaryId,
};
pub use judge::{DeterministicJudge, IdentityProbe, IdentityVerdict, Judge, JudgeError};
pub use limits::{LimitExceeded, ModelLimits};
pub use metadata::{MetadataChange, MetadataRecord};
pub use model::{Entity, EntityKind, ThreatModel, statement};
pub use text::{BoundedText, TextError, TextKind};
pub use validate::{MAX_NAME_CHARS, MAX_REFERENCES, MAX_TEXT_CHARS};
