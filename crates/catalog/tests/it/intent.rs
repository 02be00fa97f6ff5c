//! Intent classification of chat messages.

use rampart_catalog::{Intent, IntentKind, classify_intent};
use rampart_model::{EntityKind, ThreatModel};

use crate::support::{create, example, generate};

fn uploads_model() -> ThreatModel {
    create(&generate(&example("01")))
}

fn with_logs_model() -> ThreatModel {
    create(&generate("An audit logging pipeline with SIEM and log retention for our API."))
}

fn check(
    message: &str,
    model: Option<&ThreatModel>,
    kind: IntentKind,
    entity: Option<EntityKind>,
    target: Option<&str>,
) {
    let Intent { kind: k, entity_kind, target_id, text } = classify_intent(message, model);
    assert_eq!((k, entity_kind, target_id.as_deref()), (kind, entity, target), "{message:?}");
    assert_eq!(text, message.split_whitespace().collect::<Vec<_>>().join(" "));
}

#[test]
fn the_seed_refinements_are_classified() {
    let m = uploads_model();
    check(
        "Add an insider threat attacker with database access",
        Some(&m),
        IntentKind::AddEntity,
        Some(EntityKind::Attacker),
        None,
    );
    check(
        "Add a trust boundary between the API gateway and backend services",
        Some(&m),
        IntentKind::AddEntity,
        Some(EntityKind::TrustBoundary),
        None,
    );
    check("Add an asset for audit logs", Some(&m), IntentKind::AddEntity, Some(EntityKind::Asset), None);
    check("Add a DDoS attacker", Some(&m), IntentKind::AddEntity, Some(EntityKind::Attacker), None);
    check("Restructure the model for API security", Some(&m), IntentKind::Refine, None, None);
}

#[test]
fn removing_a_property_is_an_edit_of_the_named_asset() {
    let m = with_logs_model();
    let ops = m.assets.iter().find(|a| a.name == "Operational Logs").unwrap().id.to_string();
    check(
        "Remove the availability property from the logging asset",
        Some(&m),
        IntentKind::EditEntity,
        Some(EntityKind::Asset),
        Some(&ops),
    );
    check("please add the usage property to A2", Some(&m), IntentKind::EditEntity, Some(EntityKind::Asset), Some("A2"));
}

#[test]
fn removing_and_editing_entities_by_id_or_name() {
    let m = uploads_model();
    check("Remove T2", Some(&m), IntentKind::RemoveEntity, Some(EntityKind::Attacker), Some("T2"));
    check("delete the uploaded files asset", Some(&m), IntentKind::RemoveEntity, Some(EntityKind::Asset), Some("A1"));
    check(
        "Get rid of the external network attacker",
        Some(&m),
        IntentKind::RemoveEntity,
        Some(EntityKind::Attacker),
        Some("T2"),
    );
    check("Rename A3 to Download Tokens", Some(&m), IntentKind::EditEntity, Some(EntityKind::Asset), Some("A3"));
    check(
        "Can you change the description of the upload API component?",
        Some(&m),
        IntentKind::EditEntity,
        Some(EntityKind::Component),
        Some("CMP1"),
    );
    // An id the model does not have is no target.
    check("Remove A99", Some(&m), IntentKind::Refine, None, None);
}

#[test]
fn questions_are_queries_with_a_model_and_general_without() {
    let m = uploads_model();
    check(
        "What controls protect the uploaded files?",
        Some(&m),
        IntentKind::Query,
        Some(EntityKind::Control),
        Some("A1"),
    );
    check("Which assets have the Usage property?", Some(&m), IntentKind::Query, Some(EntityKind::Asset), None);
    check(
        "How many control objectives cover the download links",
        Some(&m),
        IntentKind::Query,
        Some(EntityKind::ControlObjective),
        Some("A2"),
    );
    check("What is a trust boundary?", None, IntentKind::General, None, None);
}

#[test]
fn descriptions_generate_without_a_model_and_refine_with_one() {
    let d = example("03");
    check(&d, None, IntentKind::Generate, None, None);
    let m = uploads_model();
    check(
        "Also, uploaded files are now mirrored to a second region for disaster recovery.",
        Some(&m),
        IntentKind::Refine,
        None,
        None,
    );
    check("Generate a threat model for our Stripe checkout", Some(&m), IntentKind::Generate, None, None);
    check("threat model this: users upload avatars", None, IntentKind::Generate, None, None);
}

#[test]
fn small_talk_is_general() {
    for m in ["thanks!", "hello", "", "   ", "ok great"] {
        check(m, None, IntentKind::General, None, None);
    }
}
