//! What a single trust boundary does to one attack vector.

use rampart_model::{SealSource, TrustBoundary};
use rampart_risk::AttackVector;

/// Whether attacks over `vector` structurally traverse the boundary. An absent
/// `passes` list is the methodology default, "everything passes"; an empty
/// list blocks every vector.
pub(crate) fn passes(boundary: &TrustBoundary, vector: AttackVector) -> bool {
    boundary.passes.as_ref().is_none_or(|allowed| allowed.contains(&vector))
}

/// Whether the boundary's block may be relied on to remove an objective. A
/// block is a claim about the deployed system; it counts only once an
/// accountable person has attested the seal.
pub(crate) fn seal_attested(boundary: &TrustBoundary) -> bool {
    boundary.sealed && boundary.seal_source == SealSource::Attested
}
