//! Types this version knows but does not verify yet. They are reported as
//! `skipped` (never `pass`), so a control resting on them stays pending.

use crate::verdict::Verdict;
use crate::verifier::Cx;

pub(crate) fn verify(cx: &Cx<'_>) -> Verdict {
    Verdict::skipped(cx.ty, format!("{} is not supported by this version of the verifier", cx.ty))
}
