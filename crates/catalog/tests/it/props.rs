//! Properties over arbitrary input.

use proptest::prelude::*;
use rampart_model::name::{unique_model_name, validate_model_name};

use crate::support::catalog;

/// Text made of catalog-ish words, punctuation and noise, so matching paths
/// are exercised and not only "nothing matched".
fn description() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("upload".to_owned()),
        Just("files".to_owned()),
        Just("Stripe".to_owned()),
        Just("payments".to_owned()),
        Just("OAuth".to_owned()),
        Just("login".to_owned()),
        Just("firmware".to_owned()),
        Just("kiosk".to_owned()),
        Just("LLM".to_owned()),
        Just("tenant".to_owned()),
        Just("webhook".to_owned()),
        Just("the".to_owned()),
        Just(".".to_owned()),
        Just("\n".to_owned()),
        "[A-Za-z]{1,12}",
        "\\PC{1,8}",
    ];
    prop::collection::vec(word, 0..40).prop_map(|ws| ws.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generate_never_panics_and_is_deterministic(s in "\\PC{0,300}") {
        let a = catalog().generate(&s);
        let b = catalog().generate(&s);
        prop_assert_eq!(&a, &b);
        if let Ok(g) = a {
            prop_assert!(rampart_model::ThreatModel::create(&g.draft).is_ok());
        } else {
            prop_assert!(s.trim().is_empty());
        }
    }

    #[test]
    fn generated_drafts_always_create(s in description()) {
        match catalog().generate(&s) {
            Ok(g) => {
                let created = rampart_model::ThreatModel::create(&g.draft);
                prop_assert!(created.is_ok(), "{:?}", created.err());
                let model = created.unwrap().model;
                for co in model.live_objectives() {
                    let groups: Vec<Option<u32>> = model.live_controls().filter_map(|c| c.mapping_for(co.id)).map(|m| m.group).collect();
                    prop_assert!(groups.is_empty() || groups.iter().any(Option::is_some));
                }
            }
            Err(e) => prop_assert_eq!(e.code(), "empty_description"),
        }
    }

    #[test]
    fn suggested_names_always_pass_the_model_name_rules(s in prop_oneof!["\\PC{0,200}".boxed(), description().boxed()]) {
        let name = catalog().suggest_name(&s);
        prop_assert!(validate_model_name(&name).is_ok(), "{:?}", name);
        prop_assert_eq!(validate_model_name(&name).unwrap(), name.clone());
        // A uniqueness suffix always fits.
        let taken = [name.clone(), format!("{name} 2")];
        let unique = unique_model_name(&name, taken.iter().map(String::as_str));
        prop_assert_eq!(&unique, &format!("{name} 3"));
        let suffixed = format!("{name} 99999");
        prop_assert!(validate_model_name(&suffixed).is_ok());
    }

    #[test]
    fn adding_a_sentence_never_unmatches_a_pattern(a in description(), b in description()) {
        let before: Vec<String> = catalog().match_patterns(&a).into_iter().map(|m| m.pattern_id).collect();
        let after: Vec<String> = catalog().match_patterns(&format!("{a} {b}")).into_iter().map(|m| m.pattern_id).collect();
        for id in &before {
            prop_assert!(after.contains(id), "{} lost after adding {:?}", id, b);
        }
        // Scores never drop either.
        for m in catalog().match_patterns(&a) {
            let later = catalog().match_patterns(&format!("{a} {b}")).into_iter().find(|x| x.pattern_id == m.pattern_id).unwrap();
            prop_assert!(later.score >= m.score);
        }
    }

    #[test]
    fn intent_classification_never_panics(s in "\\PC{0,200}") {
        let i = rampart_catalog::classify_intent(&s, None);
        prop_assert_eq!(i.clone(), rampart_catalog::classify_intent(&s, None));
        let _ = catalog().draft_entity(&s, None);
    }
}
