//! Structured diffs between two versions, per entity kind, keyed by stable id.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Entity, ThreatModel};

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The field changes of one entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntityChange {
    pub id: String,
    pub changes: Vec<FieldChange>,
}

/// The differences in one kind of entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntityDiff {
    /// New ids, live in the later version.
    pub added: Vec<String>,
    /// Live before, soft-deleted (or tombstoned) after.
    pub removed: Vec<String>,
    /// Soft-deleted before, live after (same id).
    pub restored: Vec<String>,
    /// Live in both (or restored) with different fields.
    pub modified: Vec<EntityChange>,
}

impl EntityDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.restored.is_empty() && self.modified.is_empty()
    }
}

/// Everything that differs between two versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ModelDiff {
    pub from_version: u32,
    pub to_version: u32,
    pub trust_boundaries: EntityDiff,
    pub components: EntityDiff,
    pub assets: EntityDiff,
    pub attackers: EntityDiff,
    pub control_objectives: EntityDiff,
    pub assumptions: EntityDiff,
    pub controls: EntityDiff,
}

impl ModelDiff {
    pub fn is_empty(&self) -> bool {
        [
            &self.trust_boundaries,
            &self.components,
            &self.assets,
            &self.attackers,
            &self.control_objectives,
            &self.assumptions,
            &self.controls,
        ]
        .iter()
        .all(|d| d.is_empty())
    }
}

/// The diff from `a` to `b`. Any two versions can be compared, in either order.
pub fn diff(a: &ThreatModel, b: &ThreatModel) -> ModelDiff {
    ModelDiff {
        from_version: a.version,
        to_version: b.version,
        trust_boundaries: diff_list(&a.trust_boundaries, &b.trust_boundaries),
        components: diff_list(&a.components, &b.components),
        assets: diff_list(&a.assets, &b.assets),
        attackers: diff_list(&a.attackers, &b.attackers),
        control_objectives: diff_list(&a.control_objectives, &b.control_objectives),
        assumptions: diff_list(&a.assumptions, &b.assumptions),
        controls: diff_list(&a.controls, &b.controls),
    }
}

fn field_changes<E: Entity>(a: &E, b: &E) -> Vec<FieldChange> {
    let (Ok(Value::Object(a)), Ok(Value::Object(b))) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        return Vec::new();
    };
    let mut fields: Vec<&String> = a.keys().chain(b.keys()).filter(|k| *k != "id" && *k != "removed").collect();
    fields.sort();
    fields.dedup();
    fields
        .into_iter()
        .filter_map(|field| {
            let before = a.get(field).cloned().unwrap_or(Value::Null);
            let after = b.get(field).cloned().unwrap_or(Value::Null);
            (before != after).then(|| FieldChange { field: field.clone(), before, after })
        })
        .collect()
}

/// Both lists are sorted by id, so one merge pass suffices.
fn diff_list<E: Entity>(a: &[E], b: &[E]) -> EntityDiff {
    let mut out = EntityDiff::default();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => x.id().cmp(&y.id()),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                let x = &a[i];
                if !x.is_removed() {
                    out.removed.push(x.id().to_string());
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                let y = &b[j];
                if !y.is_removed() {
                    out.added.push(y.id().to_string());
                }
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (x, y) = (&a[i], &b[j]);
                match (x.is_removed(), y.is_removed()) {
                    (false, true) => out.removed.push(x.id().to_string()),
                    (true, false) => out.restored.push(x.id().to_string()),
                    _ => {}
                }
                if !y.is_removed() {
                    let changes = field_changes(x, y);
                    if !changes.is_empty() {
                        out.modified.push(EntityChange { id: x.id().to_string(), changes });
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    out
}
