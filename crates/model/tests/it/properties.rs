//! Properties over arbitrary sequences of edits, valid or not.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use rampart_model::{
    AnyId, AssetId, AttackerId, ControlObjectiveId, DeterministicJudge, Edit, Effect, ThreatModel, diff,
};
use serde_json::{Value, json};

use crate::support::file_uploads;

const NAMES: &[&str] =
    &["Uploaded Files", "Session Tokens", "Audit Log", "Signing Key", "Customer Records", "Audit Logs"];
const ATTACKERS: &[&str] = &["External Network Attacker", "Malicious Tenant", "Rogue Admin", "Botnet", "Insider"];
const MECHANISMS: &[&str] = &[
    "Virus-scan uploads before accepting them",
    "Virus scan uploads before accepting them.",
    "Encrypt stored uploads",
    "Rate-limit upload requests per client",
    "Log every upload",
];

fn id(prefix: &'static str, max: u32) -> impl Strategy<Value = String> {
    (1..=max).prop_map(move |n| format!("{prefix}{n}"))
}

fn any_id() -> impl Strategy<Value = String> {
    prop_oneof![id("A", 5), id("T", 4), id("TB", 3), id("CMP", 3), id("CO", 16), id("C", 6), id("AS", 3)]
}

fn props() -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(vec!["C", "I", "A", "U"], 0..=4)
}

fn mappings() -> impl Strategy<Value = Vec<Value>> {
    proptest::collection::vec(
        (id("CO", 16), proptest::option::of(0u32..3)).prop_map(|(co, g)| json!({"co": co, "group": g})),
        0..3,
    )
}

fn edit() -> impl Strategy<Value = Value> {
    prop_oneof![
        (proptest::sample::select(NAMES), props(), proptest::collection::vec(id("CMP", 3), 0..2)).prop_map(
            |(n, p, c)| json!({"op": "add_asset", "asset": {"name": n, "security_properties": p, "component_ids": c}})
        ),
        (id("A", 5), proptest::option::of(proptest::sample::select(NAMES)), proptest::option::of(props()))
            .prop_map(|(i, n, p)| json!({"op": "edit_asset", "id": i, "patch": {"name": n, "security_properties": p}})),
        (proptest::sample::select(ATTACKERS), proptest::collection::vec(id("TB", 3), 0..2)).prop_map(|(n, tb)| {
            json!({"op": "add_attacker", "attacker": {"name": n, "capability": "acts", "trust_boundary_ids": tb}})
        }),
        (id("T", 4), proptest::sample::select(ATTACKERS))
            .prop_map(|(i, n)| json!({"op": "edit_attacker", "id": i, "patch": {"name": n}})),
        (proptest::sample::select(MECHANISMS), mappings())
            .prop_map(|(d, m)| json!({"op": "add_control", "control": {"description": d, "mappings": m}})),
        proptest::collection::vec((proptest::sample::select(MECHANISMS), mappings()), 1..3).prop_map(|cs| {
            let controls: Vec<Value> = cs.into_iter().map(|(d, m)| json!({"description": d, "mappings": m})).collect();
            json!({"op": "merge_controls", "controls": controls})
        }),
        (id("C", 6), id("CO", 16), proptest::option::of(0u32..3))
            .prop_map(|(c, co, g)| json!({"op": "set_mitigation_group", "control_id": c, "co_id": co, "group": g})),
        Just(json!({"op": "add_trust_boundary", "boundary": {"description": "Edge"}})),
        id("TB", 3).prop_map(|tb| json!({"op": "add_component", "component": {"name": "Worker", "trust_boundary_ids": [tb]}})),
        proptest::collection::vec(id("CO", 16), 0..3)
            .prop_map(|cos| json!({"op": "add_assumption", "assumption": {"description": "TLS terminates at the edge", "linked_co_ids": cos}})),
        any_id().prop_map(|i| json!({"op": "remove", "id": i})),
        any_id().prop_map(|i| json!({"op": "restore", "id": i})),
    ]
}

fn check_invariants(model: &ThreatModel, owners: &mut BTreeMap<ControlObjectiveId, (AssetId, AttackerId)>) {
    // Lists stay sorted by id, with unique ids.
    assert!(model.assets.windows(2).all(|w| w[0].id < w[1].id));
    assert!(model.attackers.windows(2).all(|w| w[0].id < w[1].id));
    assert!(model.controls.windows(2).all(|w| w[0].id < w[1].id));
    assert!(model.control_objectives.windows(2).all(|w| w[0].id < w[1].id));
    // One objective per pair; a pair owns its id forever.
    let mut pairs = BTreeSet::new();
    for co in &model.control_objectives {
        assert!(pairs.insert((co.asset_id, co.attacker_id)), "two objectives for one pair");
        let owner = owners.entry(co.id).or_insert((co.asset_id, co.attacker_id));
        assert_eq!(*owner, (co.asset_id, co.attacker_id), "{} changed owner", co.id);
        let asset = model.asset(co.asset_id).unwrap();
        let attacker = model.attacker(co.attacker_id).unwrap();
        assert_eq!(co.removed, asset.removed || attacker.removed, "{} tombstone out of sync", co.id);
    }
    let live_assets = model.assets.iter().filter(|a| !a.removed).count();
    let live_attackers = model.attackers.iter().filter(|t| !t.removed).count();
    assert!(live_assets >= 1 && live_attackers >= 1);
    assert_eq!(model.live_objectives().count(), live_assets * live_attackers);
}

fn parse(edit: &Value) -> Option<Edit> {
    serde_json::from_value(edit.clone()).ok()
}

/// Ids named by the effects, as strings, per kind.
fn effect_ids(effects: &[Effect]) -> BTreeSet<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Added { id }
            | Effect::Edited { id }
            | Effect::Removed { id }
            | Effect::Restored { id }
            | Effect::Reanimated { id } => Some(id.to_string()),
            Effect::Folded { into } => Some(into.to_string()),
            _ => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn edits_never_panic_and_keep_the_objective_invariants(edits in proptest::collection::vec(edit(), 1..25)) {
        let mut model = file_uploads();
        let mut owners = BTreeMap::new();
        check_invariants(&model, &mut owners);
        for raw in &edits {
            let Some(edit) = parse(raw) else { continue };
            match model.apply(&edit, &DeterministicJudge) {
                Ok(applied) => {
                    prop_assert_eq!(applied.model.version, model.version + 1);
                    model = applied.model;
                    check_invariants(&model, &mut owners);
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn diff_names_exactly_what_an_edit_changed(edits in proptest::collection::vec(edit(), 1..15)) {
        let mut model = file_uploads();
        for raw in &edits {
            let Some(edit) = parse(raw) else { continue };
            let Ok(applied) = model.apply(&edit, &DeterministicJudge) else { continue };
            let d = diff(&model, &applied.model);
            prop_assert!(!d.is_empty());
            prop_assert!(diff(&applied.model, &applied.model).is_empty());
            let mut in_diff = BTreeSet::new();
            for kind in [&d.trust_boundaries, &d.components, &d.assets, &d.attackers, &d.assumptions, &d.controls] {
                in_diff.extend(kind.added.iter().cloned());
                in_diff.extend(kind.removed.iter().cloned());
                in_diff.extend(kind.restored.iter().cloned());
                in_diff.extend(kind.modified.iter().map(|m| m.id.clone()));
            }
            prop_assert_eq!(&in_diff, &effect_ids(&applied.effects), "edit {}", raw);
            // Objectives: added/tombstoned/revived exactly as reported; modified only when their asset or attacker was edited.
            let reported = |pick: fn(&Effect) -> Option<&Vec<ControlObjectiveId>>| -> Vec<String> {
                applied.effects.iter().filter_map(pick).flatten().map(ToString::to_string).collect()
            };
            prop_assert_eq!(&d.control_objectives.added, &reported(|e| match e { Effect::ObjectivesAdded { ids } => Some(ids), _ => None }));
            prop_assert_eq!(&d.control_objectives.removed, &reported(|e| match e { Effect::ObjectivesTombstoned { ids } => Some(ids), _ => None }));
            prop_assert_eq!(&d.control_objectives.restored, &reported(|e| match e { Effect::ObjectivesRevived { ids } => Some(ids), _ => None }));
            for m in &d.control_objectives.modified {
                let co = applied.model.control_objective(m.id.parse().unwrap()).unwrap();
                let touched = in_diff.contains(&co.asset_id.to_string()) || in_diff.contains(&co.attacker_id.to_string());
                prop_assert!(touched, "{} modified without its asset or attacker changing", m.id);
            }
            model = applied.model;
        }
    }

    #[test]
    fn soft_delete_then_restore_gives_back_the_same_live_view(edits in proptest::collection::vec(edit(), 0..15), pick in 0usize..8) {
        let mut model = file_uploads();
        for raw in &edits {
            if let Some(edit) = parse(raw) && let Ok(applied) = model.apply(&edit, &DeterministicJudge) {
                model = applied.model;
            }
        }
        let candidates: Vec<AnyId> = model.assets.iter().filter(|a| !a.removed).map(|a| AnyId::Asset(a.id))
            .chain(model.attackers.iter().filter(|t| !t.removed).map(|t| AnyId::Attacker(t.id)))
            .chain(model.controls.iter().filter(|c| !c.removed).map(|c| AnyId::Control(c.id)))
            .chain(model.components.iter().filter(|c| !c.removed).map(|c| AnyId::Component(c.id)))
            .collect();
        let target = candidates[pick % candidates.len()];
        let Ok(removed) = model.apply(&Edit::Remove { id: target }, &DeterministicJudge) else {
            // Only the last live asset or attacker may refuse.
            prop_assert!(matches!(target, AnyId::Asset(_) | AnyId::Attacker(_)));
            return Ok(());
        };
        let restored = removed.model.apply(&Edit::Restore { id: target }, &DeterministicJudge).unwrap().model;
        let mut expected = model.clone();
        expected.version = restored.version;
        prop_assert_eq!(restored, expected);
    }
}
