//! One run's checks: its signature against the trusted keys not revoked by
//! the run's time, then each result bound to the claim it was made for.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::package::{PackagedAssertion, PackagedKey, PackagedRun};
use super::report::{RefusedResult, RunAudit, RunCheck};
use crate::AttestError;
use crate::dsse::verify_envelope;
use crate::keys::PublicKey;

/// A key the audit may accept signatures from.
struct TrustedKey {
    key: PublicKey,
    revoked_at: Option<DateTime<Utc>>,
}

/// The keys runs are checked against: the pinned ones, or (none pinned)
/// every well-formed key of the package.
pub(super) struct Keys {
    trusted: Vec<TrustedKey>,
    pinned: bool,
}

impl Keys {
    /// Malformed keys, and keys whose stated fingerprint is not theirs, are
    /// problems and never trusted.
    pub(super) fn new(package_keys: &[PackagedKey], pins: &[String], problems: &mut Vec<String>) -> Keys {
        let pinned = !pins.is_empty();
        let mut by_fingerprint: BTreeMap<String, TrustedKey> = BTreeMap::new();
        for k in package_keys {
            let key = match PublicKey::from_pem(&k.public_key_pem) {
                Ok(key) => key,
                Err(e) => {
                    problems.push(format!("key {}: {e}", k.fingerprint));
                    continue;
                }
            };
            let fingerprint = key.fingerprint();
            if !fingerprint.eq_ignore_ascii_case(&k.fingerprint) {
                problems.push(format!("key {}: its public key has the fingerprint {fingerprint}", k.fingerprint));
                continue;
            }
            if pinned && !pins.iter().any(|p| p.eq_ignore_ascii_case(&fingerprint)) {
                continue;
            }
            // A key listed twice is revoked from its earliest revocation.
            let entry = by_fingerprint.entry(fingerprint).or_insert(TrustedKey { key, revoked_at: None });
            entry.revoked_at = match (entry.revoked_at, k.revoked_at) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        Keys { trusted: by_fingerprint.into_values().collect(), pinned }
    }

    pub(super) fn pinned(&self) -> bool {
        self.pinned
    }

    /// The keys still valid at `at`, and those revoked by then.
    fn split_at(&self, at: DateTime<Utc>) -> (Vec<PublicKey>, Vec<&TrustedKey>) {
        let (valid, revoked): (Vec<&TrustedKey>, Vec<&TrustedKey>) =
            self.trusted.iter().partition(|k| k.revoked_at.is_none_or(|r| r > at));
        (valid.into_iter().map(|k| k.key.clone()).collect(), revoked)
    }
}

/// The latest of the run's own time and its submission: a run counts only
/// if its key was valid at both.
fn run_time(p: &PackagedRun) -> Result<DateTime<Utc>, String> {
    let created = DateTime::parse_from_rfc3339(&p.run.created_at)
        .map_err(|e| format!("created_at `{}` is not an RFC 3339 time: {e}", p.run.created_at))?
        .with_timezone(&Utc);
    Ok(created.max(p.submitted_at))
}

fn signature(p: &PackagedRun, keys: &Keys) -> (RunCheck, String) {
    let Some(envelope) = &p.envelope else { return (RunCheck::Unsigned, "no signature".to_owned()) };
    let at = match run_time(p) {
        Ok(at) => at,
        Err(e) => return (RunCheck::Tampered, e),
    };
    let (valid, revoked) = keys.split_at(at);
    match verify_envelope(envelope, &valid) {
        Ok(statement) if statement.predicate != p.run => {
            (RunCheck::Tampered, "the signed statement differs from the run".to_owned())
        }
        Ok(_) if keys.pinned() => (RunCheck::Verified, "signature verified against a pinned key".to_owned()),
        Ok(_) => (
            RunCheck::UnpinnedKey,
            "signature verified against a key the package carries; no key pinned, so the signer is unknown".to_owned(),
        ),
        Err(AttestError::UnknownKey(fingerprint)) => {
            let by_revoked = revoked.iter().find(|k| verify_envelope(envelope, std::slice::from_ref(&k.key)).is_ok());
            match by_revoked.and_then(|k| k.revoked_at.map(|r| (k.key.fingerprint(), r))) {
                Some((fp, revoked_at)) => (
                    RunCheck::RevokedKey,
                    format!("signed by key {fp}, revoked at {revoked_at}, before the run ({at})"),
                ),
                None => (RunCheck::UntrustedKey, format!("signed by untrusted key {fingerprint}")),
            }
        }
        Err(e) => (RunCheck::Tampered, e.to_string()),
    }
}

/// Checks a run of model `model_id`. `claims` maps each packaged assertion
/// to the claim hash recomputed from its subject, type, parameters and
/// description. A result naming another claim, an unknown assertion or the
/// wrong type makes the run tampered; a result with no claim hash is refused
/// on its own.
pub(super) fn check_run(
    p: &PackagedRun,
    model_id: &str,
    keys: &Keys,
    claims: &BTreeMap<&str, (&PackagedAssertion, String)>,
) -> RunAudit {
    let run_id = p.run.run_id.clone();
    let tampered = |detail: String| RunAudit {
        run_id: run_id.clone(),
        check: RunCheck::Tampered,
        counted: false,
        detail,
        refused: Vec::new(),
    };
    if p.run.model_id != model_id {
        return tampered(format!("the run is for model {}", p.run.model_id));
    }
    let (check, detail) = signature(p, keys);
    if check == RunCheck::Tampered {
        return tampered(detail);
    }
    let mut refused = Vec::new();
    let mut seen = BTreeSet::new();
    for r in &p.run.results {
        let id = r.assertion_id.as_str();
        if !seen.insert(id) {
            return tampered(format!("the result for {id} is listed twice"));
        }
        let Some((a, recomputed)) = claims.get(id) else {
            return tampered(format!("the result for {id} names no packaged assertion"));
        };
        if a.assertion_type != r.assertion_type {
            return tampered(format!(
                "the result for {id} is of type {}, the assertion {}",
                r.assertion_type, a.assertion_type
            ));
        }
        match &r.claim_hash {
            None => refused.push(RefusedResult {
                assertion_id: id.to_owned(),
                reason: "no claim hash: the result is bound to no claim".to_owned(),
            }),
            Some(h) if h != recomputed => {
                return tampered(format!(
                    "the result for {id} was made for another claim (claim hash {h}; the packaged claim hashes to {recomputed})"
                ));
            }
            Some(_) => {}
        }
    }
    RunAudit { run_id, check, counted: false, detail, refused }
}
