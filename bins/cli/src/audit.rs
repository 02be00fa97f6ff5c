//! `rampart audit PACKAGE`: verify an exported audit package offline —
//! signatures against pinned keys (revoked keys honoured), results bound to
//! the claims they were made for — and re-derive every control's status,
//! sufficiency and the posture with the domain crates.

use std::path::Path;
use std::process::ExitCode;

use rampart_attest::audit::{AuditOptions, AuditPackage, AuditReport, AuditVerdict, RunCheck, audit};

use crate::report::escape::one_line;

/// Largest package read, in bytes.
const MAX_PACKAGE: u64 = 64 * 1024 * 1024;

pub(crate) const EXIT_CODES: &str = "Exit codes: 0 VERIFIED (every control re-derives as verified from runs \
signed by a pinned key); 1 FAILED (tampering, or the package claims more than its evidence supports); 2 bad input \
(unreadable or malformed package); 3 PARTIALLY VERIFIED or UNVERIFIED; 4 UNVERIFIED SIGNERS (no --trusted-key \
given: the package is consistent, but its runs may be signed by anyone).";

fn read(path: &Path) -> Result<AuditPackage, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    if meta.len() > MAX_PACKAGE {
        return Err(format!("{shown}: larger than {} MiB", MAX_PACKAGE / 1024 / 1024));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{shown}:{}:{}: {e}", e.line(), e.column()))
}

fn render(report: &AuditReport) -> String {
    let verdict = match report.verdict {
        AuditVerdict::Verified => "VERIFIED",
        AuditVerdict::PartiallyVerified => "PARTIALLY VERIFIED",
        AuditVerdict::Unverified => "UNVERIFIED",
        AuditVerdict::UnverifiedSigners => "UNVERIFIED SIGNERS",
        AuditVerdict::Failed => "FAILED",
    };
    let mut out = format!("model {}: {verdict}\n", one_line(&report.model_id));
    if !report.keys_pinned {
        out.push_str(
            "warning: no --trusted-key given; the package's own keys only show that nothing was altered after \
             signing, not who signed, so no status is established\n",
        );
    }
    for r in &report.runs {
        let check = match r.check {
            RunCheck::Verified => "verified",
            RunCheck::UnpinnedKey => "signer not pinned",
            RunCheck::Unsigned => "unsigned",
            RunCheck::UntrustedKey => "untrusted key",
            RunCheck::RevokedKey => "revoked key",
            RunCheck::Tampered => "TAMPERED",
        };
        let counted = if r.counted { "counted" } else { "not counted" };
        out.push_str(&format!("run {}: {check} ({counted}): {}\n", one_line(&r.run_id), one_line(&r.detail)));
        for refused in &r.refused {
            out.push_str(&format!(
                "  result {} not counted: {}\n",
                one_line(&refused.assertion_id),
                one_line(&refused.reason)
            ));
        }
    }
    for c in &report.controls {
        let mark = if c.claimed == c.derived { "" } else { "  <- differs from the claim" };
        out.push_str(&format!("{}: {:?} (claimed {:?}){mark}\n", c.control_id, c.derived, c.claimed));
        if c.sufficiency_not_reproducible {
            out.push_str(&format!(
                "  sufficiency not reproducible offline: the package says sufficient, the deterministic judge finds \
                 it {:?}; not counted as sufficient\n",
                c.sufficiency
            ));
        }
    }
    out.push_str(&format!(
        "posture: {} of {} objectives mitigated (claimed {})\n",
        report.derived_posture.mitigated, report.derived_posture.total, report.claimed_posture.mitigated
    ));
    for p in &report.problems {
        out.push_str(&format!("problem: {}\n", one_line(p)));
    }
    out
}

pub(crate) fn run(path: &Path, trusted: Vec<String>, allow_unsigned: bool, json: bool) -> ExitCode {
    let package = match read(path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rampart audit: {e}");
            return ExitCode::from(2);
        }
    };
    let report = audit(&package, &AuditOptions { trusted_fingerprints: trusted, allow_unsigned });
    if json {
        println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    } else {
        print!("{}", render(&report));
    }
    match report.verdict {
        AuditVerdict::Verified => ExitCode::SUCCESS,
        AuditVerdict::Failed => ExitCode::from(1),
        AuditVerdict::PartiallyVerified | AuditVerdict::Unverified => ExitCode::from(3),
        AuditVerdict::UnverifiedSigners => ExitCode::from(4),
    }
}

#[cfg(test)]
mod tests {
    use rampart_attest::audit::{AuditReport, AuditVerdict, RefusedResult, RunAudit, RunCheck};

    use super::render;

    #[test]
    fn what_a_package_holds_reaches_the_terminal_without_control_characters() {
        let hostile = "x\u{1b}]0;owned\u{7}\nproblem: forged\r".to_owned();
        let report = AuditReport {
            verdict: AuditVerdict::Failed,
            model_id: hostile.clone(),
            keys_pinned: true,
            runs: vec![RunAudit {
                run_id: hostile.clone(),
                check: RunCheck::Tampered,
                counted: false,
                detail: hostile.clone(),
                refused: vec![RefusedResult { assertion_id: hostile.clone(), reason: hostile.clone() }],
            }],
            controls: Vec::new(),
            overclaimed: Vec::new(),
            sufficiency_not_reproducible: Vec::new(),
            claimed_posture: Default::default(),
            derived_posture: Default::default(),
            problems: vec![hostile],
        };
        let out = render(&report);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert_eq!(out.lines().filter(|l| l.starts_with("problem:")).count(), 1, "{out}");
    }
}
