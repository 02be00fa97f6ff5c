//! Control planning: which control templates address which (asset, attacker)
//! objectives, and in which mitigation group.
//!
//! The rules, for each objective:
//!
//! 1. A cover *matches* when every field it sets holds (asset key, asset
//!    property, attacker key, attack vector, archetype).
//! 2. If some matching *specific* cover (one naming asset keys) carries a
//!    group, only specific covers apply; otherwise the matching *rules*
//!    (covers without asset keys) apply as well. Rules are the fallback for
//!    objectives no pattern addresses directly, including entities a user
//!    added by hand.
//! 3. If no applicable cover carries a group, the objective gets no control
//!    at all: defense-in-depth alone can never mitigate it, so it is left
//!    honestly unassessed rather than permanently "at risk".
//! 4. Group numbers are authored per file. For one objective, each distinct
//!    (specific-or-rule, file, authored group) becomes one group, numbered 1…n
//!    in that order: AND within an authored group, OR across them, and
//!    independently written files never get ANDed by accident.
//! 5. A control that matches an objective in several covers takes the first
//!    grouped one (specific before rules, then catalog order); otherwise it is
//!    defense in depth there.

use std::collections::{BTreeMap, BTreeSet};

use rampart_model::SecurityProperty;
use rampart_risk::AttackVector;

use crate::data::{Catalog, Cover, CoverRule};

/// What control planning needs to know of an asset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AssetView<'a> {
    pub(crate) key: Option<&'a str>,
    pub(crate) properties: &'a BTreeSet<SecurityProperty>,
}

/// What control planning needs to know of an attacker.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AttackerView<'a> {
    pub(crate) key: Option<&'a str>,
    pub(crate) vector: AttackVector,
    pub(crate) archetype: &'a str,
}

/// A control template mapped to objectives, named by (asset index, attacker
/// index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedControl {
    pub(crate) key: String,
    pub(crate) mappings: Vec<((usize, usize), Option<u32>)>,
}

fn matches(cover: &Cover, asset: &AssetView<'_>, attacker: &AttackerView<'_>) -> bool {
    let key_in = |keys: &Option<Vec<String>>, key: Option<&str>| {
        keys.as_ref().is_none_or(|keys| key.is_some_and(|k| keys.iter().any(|x| x == k)))
    };
    key_in(&cover.assets, asset.key)
        && key_in(&cover.attackers, attacker.key)
        && cover.asset_properties.as_ref().is_none_or(|ps| ps.iter().any(|p| asset.properties.contains(p)))
        && cover.vectors.as_ref().is_none_or(|vs| vs.contains(&attacker.vector))
        && cover.archetypes.as_ref().is_none_or(|arch| arch.iter().any(|a| a.eq_ignore_ascii_case(attacker.archetype)))
}

/// Plans the controls for every asset × attacker pair. Deterministic: the
/// result depends only on the catalog and the views, ordered by the first
/// objective each control addresses, then by template key.
pub(crate) fn plan(catalog: &Catalog, assets: &[AssetView<'_>], attackers: &[AttackerView<'_>]) -> Vec<PlannedControl> {
    let mut by_control: BTreeMap<&str, BTreeMap<(usize, usize), Option<u32>>> = BTreeMap::new();
    for (i, asset) in assets.iter().enumerate() {
        for (j, attacker) in attackers.iter().enumerate() {
            let matching: Vec<&CoverRule> =
                catalog.rules.iter().filter(|r| matches(&r.cover, asset, attacker)).collect();
            let specific_group = matching.iter().any(|r| r.cover.is_specific() && r.cover.group.is_some());
            let mut applicable: Vec<&CoverRule> =
                matching.into_iter().filter(|r| r.cover.is_specific() || !specific_group).collect();
            if !applicable.iter().any(|r| r.cover.group.is_some()) {
                continue;
            }
            // Specific covers first, then rules; stable, so catalog order within.
            applicable.sort_by_key(|r| !r.cover.is_specific());
            let group_key = |r: &CoverRule| r.cover.group.map(|g| (!r.cover.is_specific(), r.source.clone(), g));
            let numbering: BTreeMap<(bool, String, u32), u32> = applicable
                .iter()
                .filter_map(|r| group_key(r))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .zip(1u32..)
                .collect();
            let mut chosen: BTreeMap<&str, Option<u32>> = BTreeMap::new();
            for rule in &applicable {
                let group = group_key(rule).and_then(|k| numbering.get(&k).copied());
                let entry = chosen.entry(rule.control.as_str()).or_insert(group);
                if entry.is_none() {
                    *entry = group;
                }
            }
            for (control, group) in chosen {
                by_control.entry(control).or_default().insert((i, j), group);
            }
        }
    }
    let mut planned: Vec<PlannedControl> = by_control
        .into_iter()
        .map(|(key, mappings)| PlannedControl { key: key.to_owned(), mappings: mappings.into_iter().collect() })
        .collect();
    planned.sort_by(|a, b| {
        let first = |p: &PlannedControl| p.mappings.first().map(|m| m.0);
        first(a).cmp(&first(b)).then_with(|| a.key.cmp(&b.key))
    });
    planned
}
