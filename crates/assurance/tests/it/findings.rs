//! The negative-finding lifecycle.

use std::collections::BTreeMap;

use rampart_assurance::{Finding, FindingAction, FindingState, Severity, TierResult};

use crate::support::now;

pub fn finding() -> Finding {
    Finding {
        id: "F1".into(),
        control_id: "C1".parse().unwrap(),
        title: "Uploads are not scanned".into(),
        description: "handle_upload stores files without calling a scanner".into(),
        severity: Severity::High,
        checked_locations: vec!["api/upload.py".into()],
        checked_patterns: vec!["scan".into(), "clamav".into()],
        expected_evidence: "function_calls(handle_upload → scan_upload)".into(),
        state: FindingState::Discovered,
        remediation_assertion_ids: vec![],
        dismissal_reason: None,
        history: vec![],
    }
}

#[test]
fn forward_path_to_verified() {
    let f = finding().act(&FindingAction::Acknowledge, "bob", now()).unwrap();
    let f = f.act(&FindingAction::Remediate { assertion_ids: vec!["a7".into()] }, "agent", now()).unwrap();
    assert_eq!(f.state, FindingState::Remediated);
    // Verified is computed: a failing tier keeps it remediated.
    let mut verdicts = BTreeMap::from([("a7".to_owned(), (TierResult::Pass, TierResult::Fail))]);
    assert_eq!(f.reconcile(&verdicts, now()).state, FindingState::Remediated);
    verdicts.insert("a7".into(), (TierResult::Pass, TierResult::Pass));
    let f = f.reconcile(&verdicts, now());
    assert_eq!(f.state, FindingState::Verified);
    assert_eq!(f.history.len(), 3);
    assert_eq!(
        f.act(&FindingAction::Dismiss { reason: "x".into() }, "bob", now()).unwrap_err().code(),
        "finding_terminal"
    );
}

#[test]
fn no_backwards_and_dismissal_needs_a_reason() {
    let f = finding().act(&FindingAction::Remediate { assertion_ids: vec!["a1".into()] }, "agent", now()).unwrap();
    assert_eq!(f.act(&FindingAction::Acknowledge, "bob", now()).unwrap_err().code(), "finding_backwards");
    assert_eq!(
        finding().act(&FindingAction::Dismiss { reason: "  ".into() }, "bob", now()).unwrap_err().code(),
        "missing_reason"
    );
    assert_eq!(
        finding().act(&FindingAction::Remediate { assertion_ids: vec![" ".into()] }, "a", now()).unwrap_err().code(),
        "missing_remediation_assertions"
    );
    let d = finding()
        .act(&FindingAction::Dismiss { reason: "False positive: scanning happens in the gateway".into() }, "bob", now())
        .unwrap();
    assert_eq!(d.state, FindingState::Dismissed);
    assert_eq!(d.dismissal_reason.as_deref(), Some("False positive: scanning happens in the gateway"));
}
