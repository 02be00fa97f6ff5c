//! Assurance for Rampart threat models: what evidence exists for each control
//! and what that means for each control objective.
//!
//! - [`registry`]: every assertion type, its parameters, soundness class and
//!   the kinds of control it can prove; [`kinds`] classifies controls.
//! - [`assertion`]: assertions, up-front parameter validation, coherence.
//! - [`status`]: control verification status, computed from verdicts and
//!   sufficiency, never set; transitions make drift visible.
//! - [`posture`]: per-objective posture (mitigated / at risk / unassessed)
//!   with reasons, grouped by risk tier. Deterministic; no LLM.
//! - [`evidence`]: from recorded verdicts to every control's status (the
//!   evaluation the server runs and an auditor re-runs).
//! - [`sufficiency`]: the deterministic judge of whether a control's
//!   assertions cover every clause of it.
//! - [`findings`]: the negative-finding lifecycle.
//!
//! Pure: time enters as an argument. Together with `rampart-model` this crate
//! is enough to re-derive posture from an exported model, with no server.

pub mod assertion;
pub mod evidence;
pub mod findings;
pub mod kinds;
pub mod posture;
pub mod registry;
pub mod registry_doc;
pub mod status;
pub mod sufficiency;

pub use assertion::{Assertion, AssertionError, Coherence, ParamError, coherence, validate_params};
pub use evidence::{
    ControlEvaluation, EvidenceAssertion, EvidenceEvaluation, assertion_set_hash, claim_hash, evaluate, fold_result,
    tier_result,
};
pub use findings::{Finding, FindingAction, FindingError, FindingState, FindingTransition, Severity};
pub use kinds::{ControlKind, classify_control};
pub use posture::{
    CoPosture, Evidence, GroupState, MitigatedBy, PostureReport, PostureStatus, RiskReason, StatusCounts, TierGroup,
    assess,
};
pub use registry::{AssertionType, ParamKind, ParamSpec, REGISTRY, Soundness, TypeSpec};
pub use status::{
    AssertionVerdict, StatusTransition, Sufficiency, TierResult, VerificationStatus, transition, verification_status,
};
pub use sufficiency::{JudgedAssertion, SufficiencyJudgement, UncoveredClause, judge_offline};
