//! The built-in catalog: what it covers and the rules it keeps.

use std::collections::BTreeSet;

use rampart_assurance::kinds::classify_control;
use rampart_catalog::{BUILTIN_FILES, Catalog, CatalogError, FRAMEWORK_PREFIXES, mechanism_similarity, same_mechanism};

use crate::support::catalog;

#[test]
fn the_builtin_catalog_has_every_required_pattern() {
    let ids: BTreeSet<&str> = catalog().patterns().map(|p| p.id.as_str()).collect();
    for required in [
        "file-uploads",
        "oauth-oidc",
        "sessions",
        "password-auth",
        "api-keys",
        "payments",
        "personal-data",
        "relational-db",
        "cache",
        "message-queue",
        "webhooks-outbound",
        "webhooks-inbound",
        "admin-console",
        "mobile-app",
        "iot-firmware",
        "ml-llm",
        "ci-cd",
        "secrets-kms",
        "multi-tenant",
        "email-notifications",
        "search",
        "logging-audit",
        "public-api",
        "third-party-integrations",
        "baseline-web",
    ] {
        assert!(ids.contains(required), "missing pattern {required}");
    }
    assert_eq!(catalog().fallback_pattern().id, "baseline-web");
    // One file per pattern, plus the shared definitions.
    assert_eq!(BUILTIN_FILES.len(), ids.len() + 1);
}

#[test]
fn shared_entities_are_defined_once_and_listed_by_many_patterns() {
    let shared = catalog().shared_keys();
    assert!(shared["external-network-attacker"].len() >= 10, "{:?}", shared["external-network-attacker"]);
    assert!(shared["malicious-insider"].len() >= 5);
    assert!(shared["session-tokens"].len() >= 3);
    assert!(shared["customer-pii"].len() >= 3);
}

#[test]
fn no_two_control_templates_describe_the_same_mechanism() {
    let controls: Vec<_> = catalog().controls().collect();
    let mut closest = (0.0, "", "");
    for (i, a) in controls.iter().enumerate() {
        for b in &controls[i + 1..] {
            let s = mechanism_similarity(&a.description, &b.description);
            if s > closest.0 {
                closest = (s, a.key.as_str(), b.key.as_str());
            }
            assert!(!same_mechanism(&a.description, &b.description), "{} and {} would fold ({s:.2})", a.key, b.key);
        }
    }
    assert!(closest.0 < 0.45, "closest pair {closest:?} leaves little margin under the threshold");
}

#[test]
fn every_control_template_is_classified_by_the_assurance_vocabulary_and_referenced() {
    let unclassified: Vec<&str> =
        catalog().controls().filter(|c| classify_control(&c.description).is_empty()).map(|c| c.key.as_str()).collect();
    assert!(unclassified.is_empty(), "no control kind: {unclassified:?}");
    for c in catalog().controls() {
        assert!(!c.refs.is_empty(), "{}: no framework reference", c.key);
        for r in &c.refs {
            let (prefix, id) = r.split_once(':').unwrap();
            assert!(FRAMEWORK_PREFIXES.contains(&prefix), "{r}");
            if prefix == "OWASP-ASVS-5.0" {
                let parts: Vec<&str> = id.trim_start_matches('V').split('.').collect();
                assert!(id.starts_with('V') && parts.len() == 3, "{r}");
                assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()), "{r}");
            }
        }
    }
}

#[test]
fn every_control_template_is_used_and_every_entity_is_reachable_from_a_pattern() {
    let c = catalog();
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for p in c.patterns() {
        listed.extend(p.assets.iter().map(String::as_str));
        listed.extend(p.attackers.iter().map(String::as_str));
    }
    for a in c.assets() {
        assert!(listed.contains(a.key.as_str()), "asset {} is in no pattern", a.key);
    }
    for t in c.attackers() {
        assert!(listed.contains(t.key.as_str()), "attacker {} is in no pattern", t.key);
    }
    // Every template appears in at least one example-independent plan: some
    // pattern's own description (its phrases) brings it in.
    let mut used: BTreeSet<String> = BTreeSet::new();
    for p in c.patterns() {
        let text = p.phrases.iter().chain(&p.strong).map(|s| s.replace('*', "")).collect::<Vec<_>>().join(". ");
        if let Ok(g) = c.generate(&format!("{text}.")) {
            used.extend(g.sources.controls);
        }
        let alone = if p.fallback {
            "Nothing recognisable here".to_owned()
        } else {
            p.strong.first().unwrap_or(&p.phrases[0]).replace('*', "")
        };
        used.extend(c.generate(&alone).unwrap().sources.controls);
    }
    let unused: Vec<&str> = c.controls().map(|t| t.key.as_str()).filter(|k| !used.contains(*k)).collect();
    assert!(unused.is_empty(), "never generated: {unused:?}");
}

#[test]
fn asset_factors_agree_with_properties_and_names_are_distinct() {
    // Enforced at load; spot-check the data a reader relies on.
    let c = catalog();
    let pii = c.asset("customer-pii").unwrap();
    assert_eq!(pii.impact.regulatory_scope, rampart_risk::RegulatoryScope::Legal);
    let key = c.asset("firmware-signing-key").unwrap();
    assert!(key.properties.contains(&rampart_model::SecurityProperty::Usage));
    assert_ne!(key.impact.usage, rampart_risk::Subscore::None);
}

fn with_extra(name: &'static str, text: &'static str) -> Result<Catalog, CatalogError> {
    Catalog::from_sources(BUILTIN_FILES.iter().copied().chain([(name, text)]))
}

#[test]
fn broken_catalogs_are_refused_with_the_file_named() {
    let err = with_extra("x.toml", "[[attacker]]\nkey = \"external-network-attacker\"").unwrap_err();
    assert_eq!(err.code(), "catalog_parse", "{err}");
    let dup = r#"
[[boundary]]
key = "internet-edge"
description = "again"
"#;
    let err = with_extra("dup.toml", dup).unwrap_err();
    assert_eq!(err.code(), "catalog_invalid");
    assert!(err.to_string().contains("dup.toml") && err.to_string().contains("already defined"), "{err}");

    let bad_phrase = r#"
[pattern]
id = "x"
title = "X"
name = "Xylophone Tuning Service"
phrases = ["Upper Case"]
assets = ["app-data"]
attackers = ["external-network-attacker"]
components = ["app-backend"]
"#;
    let err = with_extra("x.toml", bad_phrase).unwrap_err();
    assert!(err.to_string().contains("lower-case"), "{err}");

    let unheld = r#"
[pattern]
id = "x"
title = "X"
name = "Xylophone Tuning Service"
phrases = ["xylophone"]
assets = ["uploaded-files"]
attackers = ["external-network-attacker"]
components = ["app-backend"]
"#;
    let err = with_extra("x.toml", unheld).unwrap_err();
    assert!(err.to_string().contains("held by none"), "{err}");

    let bad_factor = r#"
[[asset]]
key = "odd"
name = "Odd Asset"
description = "An asset whose factors contradict its properties."
properties = ["C"]
held_by = ["app-backend"]
impact = { confidentiality = "High", integrity = "High", availability = "None", usage = "None", blast_radius = "Isolated", recoverability = "Trivial", regulatory_scope = "None" }
"#;
    let err = with_extra("x.toml", bad_factor).unwrap_err();
    assert!(err.to_string().contains("integrity subscore") && err.to_string().contains("x.toml"), "{err}");

    let unknown = r#"
[[uses]]
control = "no-such-control"
covers = [{ assets = ["app-data"], group = 1 }]
"#;
    assert!(with_extra("x.toml", unknown).unwrap_err().to_string().contains("no-such-control"));

    let split_groups = r#"
[[uses]]
control = "tls-everywhere"
covers = [{ assets = ["uploaded-files"], attackers = ["adjacent-network-attacker"], group = 1 }]
"#;
    let err = with_extra("x.toml", split_groups).unwrap_err();
    assert!(err.to_string().contains("several files"), "{err}");

    let equivalent = r#"
[pattern]
id = "x"
title = "X"
name = "Xylophone Tuning Service"
phrases = ["xylophone", "xylophones"]
assets = ["app-data"]
attackers = ["external-network-attacker"]
components = ["app-backend"]
"#;
    assert!(with_extra("x.toml", equivalent).unwrap_err().to_string().contains("same words"));
}

#[test]
fn an_organisation_can_add_its_own_pattern() {
    let extra = r#"
[pattern]
id = "ledger"
title = "Double-entry ledger"
name = "Ledger Posting Service"
strong = ["ledger"]
phrases = ["journal entr*"]
assets = ["ledger-entries", "app-data"]
attackers = ["malicious-insider", "external-network-attacker"]
components = ["app-backend", "primary-database"]

[[asset]]
key = "ledger-entries"
name = "Ledger Entries"
description = "Posted journal entries; balances are derived from them."
properties = ["I", "A"]
held_by = ["primary-database"]
impact = { confidentiality = "None", integrity = "High", availability = "Low", usage = "None", blast_radius = "Cascading", recoverability = "Permanent", regulatory_scope = "Legal" }

[[control]]
key = "ledger-append-only"
description = "Post ledger entries append-only with reversing entries for corrections, and reconcile balances nightly."
refs = ["NIST-SP800-53-r5:AU-9"]
covers = [{ assets = ["ledger-entries"], attackers = ["malicious-insider", "external-network-attacker"], group = 1 }]
"#;
    let c = with_extra("ledger.toml", extra).unwrap();
    let g = c.generate("A ledger service that records journal entries.").unwrap();
    assert_eq!(g.matched[0].pattern_id, "ledger");
    assert_eq!(g.name, "Ledger Posting Service");
    assert_eq!(g.draft.assets[0].name, "Ledger Entries");
    assert!(g.sources.controls.contains(&"ledger-append-only".to_owned()));
    rampart_model::ThreatModel::create(&g.draft).unwrap();
}
