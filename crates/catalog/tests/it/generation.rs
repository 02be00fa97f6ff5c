//! Generation rules: errors, the fallback, caps, deduplication, ordering,
//! control planning and regeneration.

use rampart_catalog::{CatalogError, MAX_ASSETS, MAX_ATTACKERS, MAX_DESCRIPTION_CHARS, OfflineJudge};
use rampart_model::{CoRef, Edit, Effect};

use crate::support::{asset_names, attacker_names, catalog, create, example, generate, pairs};

#[test]
fn empty_and_blank_descriptions_are_refused() {
    for d in ["", "   ", "\n\t "] {
        assert_eq!(catalog().generate(d).unwrap_err(), CatalogError::EmptyDescription);
    }
    assert_eq!(rampart_catalog::generate(" ").unwrap_err().code(), "empty_description");
    let long = "a".repeat(MAX_DESCRIPTION_CHARS + 1);
    assert_eq!(catalog().generate(&long).unwrap_err().code(), "description_too_long");
}

#[test]
fn a_description_matching_nothing_gets_the_baseline_web_service() {
    let g = generate("Quarterly widget reconciliation for the Zanzibar office.");
    assert!(g.fallback);
    assert_eq!(g.matched.len(), 1);
    assert_eq!(g.matched[0].pattern_id, "baseline-web");
    assert!(g.matched[0].phrases.is_empty() && g.matched[0].score == 0 && g.matched[0].contributed);
    assert_eq!(asset_names(&g), ["Application Data", "Session Tokens", "Service Credentials"]);
    assert_eq!(
        attacker_names(&g),
        ["External Network Attacker", "Malicious Authenticated User", "Denial-of-Service Attacker"]
    );
    assert_eq!(g.name, "Zanzibar Web Application Service");
    create(&g);
}

#[test]
fn shared_attackers_appear_once_however_many_patterns_list_them() {
    let g = generate("Users upload files to S3, sign in with a password, and call our public REST API with API keys.");
    let matched: Vec<&str> = g.matched.iter().filter(|m| m.contributed).map(|m| m.pattern_id.as_str()).collect();
    assert!(matched.len() >= 3, "{matched:?}");
    let names = attacker_names(&g);
    let externals = names.iter().filter(|n| **n == "External Network Attacker").count();
    assert_eq!(externals, 1, "{names:?}");
    let mut keys = g.sources.assets.clone();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), g.sources.assets.len());
}

#[test]
fn models_are_capped_and_every_leading_pattern_is_represented() {
    let everything = "File uploads to S3, OAuth login with Google, session cookies, passwords, API keys, Stripe payments, \
        GDPR personal data, Postgres, Redis cache, Kafka queues, outbound webhooks, incoming webhooks, an admin console, \
        an iOS app, IoT firmware updates, an LLM chatbot, a CI/CD pipeline, KMS secrets, multi-tenant SaaS, email \
        notifications, Elasticsearch search, audit logging, a GraphQL API, third-party integrations, kiosks, plugins, \
        HIPAA patient records and data export.";
    let g = generate(everything);
    assert_eq!(g.draft.assets.len(), MAX_ASSETS);
    assert_eq!(g.draft.attackers.len(), MAX_ATTACKERS);
    // Round-robin: the first assets come from different patterns.
    let contributing = g.matched.iter().filter(|m| m.contributed).count();
    assert!(contributing >= 6, "{contributing}");
    create(&g);
}

#[test]
fn ids_follow_importance_and_lists_are_in_id_order() {
    let g = generate(&example("01"));
    assert_eq!(g.draft.assets[0].name, "Uploaded Files");
    for (i, a) in g.draft.assets.iter().enumerate() {
        assert_eq!(a.id.0 as usize, i + 1);
    }
    for (i, t) in g.draft.trust_boundaries.iter().enumerate() {
        assert_eq!(t.id.0 as usize, i + 1);
    }
    // Controls are ordered by the first objective they address.
    let firsts: Vec<(u32, u32)> = g
        .draft
        .controls
        .iter()
        .map(|c| match c.mappings[0].co {
            CoRef::Pair { asset_id, attacker_id } => (asset_id.0, attacker_id.0),
            CoRef::Id(_) => unreachable!(),
        })
        .collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted);
}

#[test]
fn groups_from_different_files_stay_alternatives() {
    // Inbound webhook events against the external attacker: signature and
    // replay window together (group 1), or re-fetching from the provider
    // (group 2).
    let g = generate(&example("09"));
    let events = g.draft.assets.iter().find(|a| a.name == "Inbound Webhook Events").unwrap().id.0;
    let ext = g.draft.attackers.iter().find(|t| t.name == "External Network Attacker").unwrap().id.0;
    let group = |key: &str| pairs(&g, key).into_iter().find(|(p, _)| *p == (events, ext)).and_then(|(_, g)| g);
    assert_eq!(group("webhook-signature-verification"), Some(1));
    assert_eq!(group("webhook-replay-window"), Some(1));
    assert_eq!(group("webhook-refetch"), Some(2));
    assert_eq!(group("webhook-async-intake"), None);
}

#[test]
fn regenerating_controls_for_a_created_model_folds_into_the_existing_ones() {
    for e in ["01", "03", "05", "08", "16"] {
        let g = generate(&example(e));
        let model = create(&g);
        let again = catalog().controls_for(&model);
        assert_eq!(again.len(), model.controls.len(), "example {e}");
        // Every regenerated control folds into its original unchanged, so the
        // merge is refused as changing nothing.
        let err = model.apply(&Edit::MergeControls { controls: again }, &OfflineJudge).unwrap_err();
        assert_eq!(err.code(), "no_change", "example {e}: {err}");
    }
}

#[test]
fn controls_for_a_hand_added_attacker_come_from_the_rules() {
    let g = generate(&example("01"));
    let model = create(&g);
    let edit: Edit = serde_json::from_value(serde_json::json!({"op": "add_attacker", "attacker": {
        "name": "Nosy Neighbour", "capability": "Joins the office Wi-Fi and sniffs traffic.",
        "archetype": "adjacent network", "trust_boundary_ids": ["TB1"],
        "likelihood": {"attack_vector": "Adjacent", "privileges_required": "None", "attack_complexity": "Low",
                       "user_interaction": "None", "capability_prevalence": "Targeted"}}}))
    .unwrap();
    let v2 = model.apply(&edit, &OfflineJudge).unwrap().model;
    let drafts = catalog().controls_for(&v2);
    let tls = drafts.iter().find(|c| c.description.starts_with("Accept connections only over TLS")).unwrap();
    assert!(tls.mappings.iter().all(|m| matches!(m.co, CoRef::Id(_)) && m.group == Some(1)));
    let applied = v2.apply(&Edit::MergeControls { controls: drafts }, &OfflineJudge).unwrap();
    assert!(applied.effects.iter().any(|e| matches!(e, Effect::Added { .. })));
}

#[test]
fn the_free_functions_use_the_builtin_catalog() {
    let d = example("02");
    assert_eq!(rampart_catalog::generate(&d).unwrap(), generate(&d));
    assert_eq!(rampart_catalog::suggest_name(&d), "Google OAuth Login Flow");
    assert_eq!(rampart_catalog::suggest_name(""), "Web Application Service");
}
