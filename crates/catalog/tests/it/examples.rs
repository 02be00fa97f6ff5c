//! The example descriptions in `examples/`: a readable snapshot of each
//! generated model, structural invariants, and assertions that the model
//! makes sense for the feature.

use std::collections::BTreeMap;

use rampart_catalog::{MAX_ASSETS, MAX_ATTACKERS, PatternMatch};
use rampart_model::name::validate_model_name;
use rampart_model::{SecurityProperty, ThreatModel};
use rampart_reach::{CoherenceSeverity, Reason, coherence_report, reachability};
use rampart_risk::{AttackVector, RegulatoryScope};

use crate::support::{
    asset_names, attacker_names, catalog, create, example, examples, generate, has_control, now, pairs,
};

/// Reachability of every objective, as `reason: count` for the non-zero ones.
fn reach_line(model: &ThreatModel) -> String {
    let report = reachability(model, now());
    report
        .summary
        .by_reason
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(r, n)| format!("{} {n}", r.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn there_are_twenty_varied_examples() {
    let all = examples();
    assert!(all.len() >= 20, "{} examples", all.len());
    for (stem, text) in &all {
        let sentences = text.split(['.', '!', '?']).filter(|s| s.split_whitespace().count() > 2).count();
        assert!((2..=8).contains(&sentences), "{stem}: {sentences} sentences");
    }
    // Together they exercise most of the catalog.
    let mut leaders: Vec<String> = all.iter().map(|(_, d)| generate(d).matched[0].pattern_id.clone()).collect();
    leaders.sort();
    leaders.dedup();
    assert!(leaders.len() >= 18, "only {} distinct leading patterns: {leaders:?}", leaders.len());
}

#[test]
fn every_example_snapshot() {
    for (stem, description) in examples() {
        let g = generate(&description);
        let model = create(&g);
        let text = format!(
            "{}\n---\n{}objectives created: {}\nreach: {}\n",
            description.trim(),
            g.summary(),
            model.control_objectives.len(),
            reach_line(&model)
        );
        insta::assert_snapshot!(format!("example_{stem}"), text);
    }
}

#[test]
fn every_example_passes_create_and_keeps_the_invariants() {
    for (stem, description) in examples() {
        let g = generate(&description);
        assert_eq!(g, generate(&description), "{stem}: generation is deterministic");
        assert!(validate_model_name(&g.name).is_ok(), "{stem}: bad name {:?}", g.name);
        assert!(!g.fallback && !g.matched.is_empty() && !g.matched[0].phrases.is_empty(), "{stem}");
        assert!(g.draft.assets.len() <= MAX_ASSETS && g.draft.attackers.len() <= MAX_ATTACKERS, "{stem}");
        assert_eq!(g.sources.assets.len(), g.draft.assets.len());
        assert_eq!(g.sources.attackers.len(), g.draft.attackers.len());
        assert_eq!(g.sources.components.len(), g.draft.components.len());
        assert_eq!(g.sources.trust_boundaries.len(), g.draft.trust_boundaries.len());
        assert_eq!(g.sources.controls.len(), g.draft.controls.len());
        for a in &g.draft.assets {
            assert!(!a.security_properties.is_empty(), "{stem}: {} has no property", a.name);
            assert!(!a.component_ids.is_empty(), "{stem}: {} is in no component", a.name);
        }
        for c in &g.draft.components {
            assert!(!c.trust_boundary_ids.is_empty(), "{stem}: {} is on no boundary", c.name);
        }
        for t in &g.draft.attackers {
            assert!(!t.trust_boundary_ids.is_empty(), "{stem}: {} stands nowhere", t.name);
        }
        for c in &g.draft.controls {
            assert!(!c.mappings.is_empty(), "{stem}: a control maps to nothing");
            assert!(!c.framework_refs.is_empty(), "{stem}: {} has no framework reference", c.description);
        }

        let model = create(&g);
        assert_eq!(model.control_objectives.len(), g.draft.assets.len() * g.draft.attackers.len());
        assert_eq!(model.controls.len(), g.draft.controls.len());
        // A mapped objective always has a mitigation group: defense in depth
        // alone could never mitigate it.
        for co in model.live_objectives() {
            let groups: Vec<Option<u32>> =
                model.live_controls().filter_map(|c| c.mapping_for(co.id)).map(|m| m.group).collect();
            assert!(groups.is_empty() || groups.iter().any(Option::is_some), "{stem}: {} is DiD-only", co.id);
        }
        // Most objectives are addressed.
        let covered =
            model.live_objectives().filter(|co| model.live_controls().any(|c| c.mapping_for(co.id).is_some())).count();
        assert!(covered * 10 >= model.control_objectives.len() * 8, "{stem}: only {covered} covered");
        // The structure places everything: no objective is undecided for
        // want of a position or a boundary.
        let reach = reachability(&model, now());
        for reason in [Reason::AttackerUnpositioned, Reason::AssetUnbounded, Reason::MissingEntity] {
            assert_eq!(reach.with_reason(reason).count(), 0, "{stem}: {}", reason.as_str());
        }
        let reachable =
            reach.with_reason(Reason::BoundaryPasses).count() + reach.with_reason(Reason::BlockUnattested).count();
        assert!(reachable * 5 >= reach.verdicts.len() * 2, "{stem}: only {reachable} reachable");
        let coherence = coherence_report(&model, now());
        let errors: Vec<_> = coherence.findings.iter().filter(|f| f.severity == CoherenceSeverity::Error).collect();
        assert!(errors.is_empty(), "{stem}: {errors:?}");
    }
}

struct Expect {
    example: &'static str,
    leader: &'static str,
    assets: &'static [&'static str],
    attackers: &'static [&'static str],
    controls: &'static [&'static str],
}

const EXPECTATIONS: &[Expect] = &[
    Expect {
        example: "01",
        leader: "file-uploads",
        assets: &["Uploaded Files", "File Download Links"],
        attackers: &["External Network Attacker", "Malicious Authenticated User"],
        controls: &["upload-type-size-validation", "upload-malware-scan", "download-link-expiry"],
    },
    Expect {
        example: "02",
        leader: "oauth-oidc",
        assets: &["OAuth Tokens", "Linked Account Identities", "Session Tokens"],
        attackers: &["External Network Attacker", "Phishing Attacker"],
        controls: &["oauth-pkce-state", "oidc-token-validation", "oidc-link-by-subject", "cookie-hardening"],
    },
    Expect {
        example: "03",
        leader: "payments",
        assets: &["Payment Card Data", "Payment Transactions", "Inbound Webhook Events"],
        attackers: &["Payment Page Skimmer", "Payment Fraudster"],
        controls: &["hosted-card-fields", "payment-script-integrity", "webhook-signature-verification"],
    },
    Expect {
        example: "04",
        leader: "multi-tenant",
        assets: &["Tenant Data", "Administrative Privileges", "Security Audit Log"],
        attackers: &["Malicious Tenant", "Malicious Insider"],
        controls: &["tenant-scoped-queries", "admin-action-audit", "append-only-audit-store"],
    },
    Expect {
        example: "05",
        leader: "iot-firmware",
        assets: &["Firmware Images", "Device Commands and Telemetry", "Firmware Signing Key"],
        attackers: &["Physical Device Attacker", "Adjacent Network Attacker"],
        controls: &["signed-firmware-updates", "secure-boot", "authenticated-local-pairing"],
    },
    Expect {
        example: "06",
        leader: "mobile-app",
        assets: &["On-Device App Data", "Mobile Auth Tokens", "User Passwords"],
        attackers: &["Device Thief", "App Reverse Engineer"],
        controls: &["mobile-secure-storage", "mobile-app-lock", "credential-stuffing-defense"],
    },
    Expect {
        example: "07",
        leader: "ci-cd",
        assets: &["Release Artifacts", "CI Deployment Credentials", "Source Code"],
        attackers: &["Malicious Contributor", "Supply-Chain Attacker"],
        controls: &["artifact-signing-provenance", "untrusted-pr-isolation", "protected-branches"],
    },
    Expect {
        example: "08",
        leader: "ml-llm",
        assets: &["Knowledge Base Documents", "Assistant Tool Permissions"],
        attackers: &["Prompt Injection Attacker"],
        controls: &["retrieval-authorization", "llm-tool-least-privilege", "llm-output-handling"],
    },
    Expect {
        example: "09",
        leader: "webhooks-inbound",
        assets: &["Inbound Webhook Events", "Webhook Event Payloads", "Internal Services and Metadata Endpoints"],
        attackers: &["External Network Attacker", "Malicious Authenticated User"],
        controls: &["webhook-signature-verification", "ssrf-egress-guard", "webhook-hmac-signing"],
    },
    Expect {
        example: "10",
        leader: "health-records",
        assets: &["Patient Health Records", "Care Team Access Grants"],
        attackers: &["Malicious Insider", "Ransomware Operator"],
        controls: &["care-relationship-access", "phi-access-logging", "immutable-record-backups"],
    },
    Expect {
        example: "11",
        leader: "password-auth",
        assets: &["User Passwords", "Password Reset Tokens"],
        attackers: &["External Network Attacker", "Phishing Attacker"],
        controls: &["reset-token-design", "reset-keeps-second-factor", "password-hashing"],
    },
    Expect {
        example: "12",
        leader: "personal-data",
        assets: &["Customer Personal Data"],
        attackers: &["Malicious Insider", "Database Exfiltration Attacker"],
        controls: &["pii-field-encryption", "pii-staff-access-audit"],
    },
    Expect {
        example: "13",
        leader: "search",
        assets: &["Search Index"],
        attackers: &["Denial-of-Service Attacker", "Malicious Authenticated User"],
        controls: &["search-permission-filter", "search-cost-limits", "search-query-binding"],
    },
    Expect {
        example: "14",
        leader: "message-queue",
        assets: &["Queued Messages", "Payment Transactions"],
        attackers: &["Compromised Internal Service"],
        controls: &["consumer-validation", "broker-authorization", "idempotent-charges"],
    },
    Expect {
        example: "15",
        leader: "secrets-kms",
        assets: &["Service Credentials", "Encryption and Signing Keys"],
        attackers: &["Malicious Insider", "Leaked Credential Scavenger"],
        controls: &["secrets-in-vault", "automatic-secret-rotation", "kms-envelope-encryption"],
    },
    Expect {
        example: "16",
        leader: "public-api",
        assets: &["API Service Capacity", "Customer API Keys", "Application Data"],
        attackers: &["Denial-of-Service Attacker", "Malicious Authenticated User"],
        controls: &["query-complexity-limits", "api-key-hashing", "object-authorization"],
    },
    Expect {
        example: "17",
        leader: "email-notifications",
        assets: &["Outbound Notifications", "Sending Domain Reputation"],
        attackers: &["Phishing Attacker"],
        controls: &["email-domain-authentication", "notification-template-encoding"],
    },
    Expect {
        example: "18",
        leader: "personal-data",
        assets: &["Data Export Archives", "Customer Personal Data"],
        attackers: &["Malicious Authenticated User"],
        controls: &["export-reauthentication", "export-scoping", "pii-field-encryption"],
    },
    Expect {
        example: "19",
        leader: "kiosk-terminal",
        assets: &["Kiosk Operating Environment", "Kiosk Customer Session Data"],
        attackers: &["Walk-Up Kiosk User", "Physical Device Attacker"],
        controls: &["kiosk-lockdown", "kiosk-session-wipe", "kiosk-port-tamper-protection"],
    },
    Expect {
        example: "20",
        leader: "plugin-extensions",
        assets: &["Published Plugin Packages", "Host Data Exposed to Plugins"],
        attackers: &["Malicious Plugin Author"],
        controls: &["plugin-sandbox-isolation", "plugin-permission-manifest", "plugin-review-signing"],
    },
];

#[test]
fn every_example_gets_the_assets_attackers_and_controls_its_feature_calls_for() {
    for e in EXPECTATIONS {
        let g = generate(&example(e.example));
        assert_eq!(g.matched[0].pattern_id, e.leader, "example {}", e.example);
        let assets = asset_names(&g);
        for a in e.assets {
            assert!(assets.contains(a), "example {}: no asset {a} in {assets:?}", e.example);
        }
        let attackers = attacker_names(&g);
        for t in e.attackers {
            assert!(attackers.contains(t), "example {}: no attacker {t} in {attackers:?}", e.example);
        }
        for c in e.controls {
            assert!(has_control(&g, c), "example {}: no control {c} in {:?}", e.example, g.sources.controls);
            assert!(pairs(&g, c).iter().any(|(_, group)| group.is_some()), "example {}: {c} is only DiD", e.example);
        }
    }
}

fn asset<'a>(g: &'a rampart_catalog::Generated, name: &str) -> &'a rampart_model::Asset {
    g.draft.assets.iter().find(|a| a.name == name).unwrap()
}

fn attacker<'a>(g: &'a rampart_catalog::Generated, name: &str) -> &'a rampart_model::Attacker {
    g.draft.attackers.iter().find(|t| t.name == name).unwrap()
}

#[test]
fn uploads_validate_and_scan_uploaded_files_against_the_external_attacker() {
    let g = generate(&example("01"));
    let files = asset(&g, "Uploaded Files");
    assert!(files.security_properties.contains(&SecurityProperty::Integrity));
    let ext = attacker(&g, "External Network Attacker");
    for key in ["upload-type-size-validation", "upload-malware-scan"] {
        let p = pairs(&g, key);
        assert!(p.contains(&((files.id.0, ext.id.0), Some(1))), "{key}: {p:?}");
    }
    assert_eq!(g.name, "S3 File Upload Service");
}

#[test]
fn payments_protect_the_confidentiality_of_card_data_under_legal_scope() {
    let g = generate(&example("03"));
    let cards = asset(&g, "Payment Card Data");
    assert!(cards.security_properties.contains(&SecurityProperty::Confidentiality));
    assert_eq!(cards.impact.regulatory_scope, RegulatoryScope::Legal);
    assert_eq!(g.name, "Stripe Card Payment Checkout");
    let refs = &g.draft.controls[g.sources.controls.iter().position(|k| k == "payment-script-integrity").unwrap()]
        .framework_refs;
    assert!(refs.contains("PCI-DSS-4.0.1:6.4.3"));
}

#[test]
fn iot_has_a_physical_attacker_who_cannot_reach_the_signing_key() {
    let g = generate(&example("05"));
    let physical = attacker(&g, "Physical Device Attacker");
    assert_eq!(physical.likelihood.attack_vector, AttackVector::Physical);
    let key = asset(&g, "Firmware Signing Key");
    assert!(key.security_properties.contains(&SecurityProperty::Usage));
    let model = create(&g);
    let reach = reachability(&model, now());
    let co = model.objective_for(key.id, physical.id).unwrap();
    assert_eq!(reach.verdict(co.id).unwrap().reason, Reason::NoSharedBoundary);
    let firmware = asset(&g, "Firmware Images");
    let co = model.objective_for(firmware.id, physical.id).unwrap();
    assert_eq!(reach.verdict(co.id).unwrap().reason, Reason::BoundaryPasses);
}

#[test]
fn health_records_are_legally_regulated_and_audited() {
    let g = generate(&example("10"));
    let records = asset(&g, "Patient Health Records");
    assert_eq!(records.impact.regulatory_scope, RegulatoryScope::Legal);
    assert_eq!(rampart_risk::impact(&records.impact), rampart_risk::Level::High);
    assert!(g.draft.controls.iter().any(|c| c.framework_refs.iter().any(|r| r.starts_with("HIPAA:"))));
}

#[test]
fn names_take_a_proper_noun_from_the_description() {
    let names: BTreeMap<&str, String> =
        [("02", "Google"), ("07", "GitHub"), ("14", "Kafka"), ("13", "Elasticsearch"), ("10", "FHIR")]
            .into_iter()
            .map(|(e, _)| (e, generate(&example(e)).name))
            .collect();
    assert_eq!(names["02"], "Google OAuth Login Flow");
    assert_eq!(names["07"], "GitHub CI/CD Release Pipeline");
    assert_eq!(names["14"], "Kafka Event Processing Pipeline");
    assert_eq!(names["13"], "Elasticsearch Full-Text Search Service");
    assert_eq!(names["10"], "FHIR Health Records System");
}

#[test]
fn passing_mentions_are_listed_but_do_not_contribute() {
    let g = generate(&example("01"));
    let public_api: &PatternMatch = g.matched.iter().find(|m| m.pattern_id == "public-api").unwrap();
    assert_eq!(public_api.phrases, ["rest api*"]);
    assert!(!public_api.contributed);
    assert!(g.matched[0].contributed);
    assert!(!asset_names(&g).contains(&"API Service Capacity"));
    let _ = catalog();
}
