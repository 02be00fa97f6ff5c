//! Reachability of control objectives, and the structural coherence report.
//!
//! A threat model pairs every asset with every attacker in a control
//! objective, but not every attacker can get at every asset. This crate reads
//! the model's structure — which trust boundaries each attacker stands at,
//! which boundaries each asset lies in (through its components or because a
//! boundary crosses it), which attack vectors each boundary lets through, which
//! seals are attested, and which attested assumptions exclude what — and gives
//! every live objective one verdict ([`reachability`]):
//!
//! - **reachable**: a shared boundary lets the attacker's vector through, or
//!   the only thing in the way is a block nobody has attested;
//! - **unreachable**: an attested assumption excludes the objective, or every
//!   shared boundary blocks the vector under an attested seal;
//! - **indeterminate**: the structure needed to decide is missing, and the
//!   verdict says which piece.
//!
//! Only attested grounds take an objective out of reach: an unattested claim
//! can leave an objective open but never closes it. The full algorithm, with a
//! worked example, is in `docs/methodology/reachability.md`.
//!
//! [`coherence_report`] lists the structural problems behind indeterminate
//! verdicts and other gaps (dangling references, unplaced components,
//! unattested seals and assumptions), each with the ids involved and the edit
//! that fixes it.
//!
//! Everything here is a pure function of the model and the instant `now` at
//! which attestations are judged: no I/O, no clock, no randomness. Output is
//! ordered by id and does not depend on the order of the model's lists.

mod boundary;
mod coherence;
mod finding;
mod index;
mod narrate;
mod placement;
mod predicate;
mod reachability;
mod verdict;

pub use coherence::coherence_report;
pub use finding::{CoherenceFinding, CoherenceReport, CoherenceSeverity, CoherenceSummary, FindingKind};
pub use predicate::predicate_matches;
pub use reachability::{ReachabilityReport, ReachabilitySummary, reachability};
pub use verdict::{CoVerdict, Reason, VerdictKind};
