//! Field and reference validation shared by model creation and every edit.
//!
//! References follow one rule: every id must exist; an id that the entity did
//! not already refer to must also be live. So an edit can keep pointing at
//! something that was soft-deleted since, but cannot start pointing at it.

use std::collections::BTreeSet;

use crate::entity::{
    Asset, Assumption, AssumptionKind, Attacker, Component, ComponentGrades, Control, Match, TrustBoundary,
};
use crate::error::EditError;
use crate::judge::significant_words;
use crate::model::{Entity, ThreatModel, find};
use crate::text::{BoundedText, TextKind};

/// Longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest free text accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most references one entity may hold in one list.
pub const MAX_REFERENCES: usize = 10_000;

/// Normalises a text field in place by the rules of its kind (see
/// [`crate::text`]) and checks its length; `required` refuses empty. A name is
/// at most [`MAX_NAME_CHARS`] characters, prose at most `MAX_TEXT_CHARS`.
pub(crate) fn text(field: &str, value: &mut String, kind: TextKind, required: bool) -> Result<(), EditError> {
    let max = match kind {
        TextKind::Name => MAX_NAME_CHARS,
        TextKind::Prose => MAX_TEXT_CHARS,
    };
    let checked = BoundedText::new(field, value, kind, max, required)
        .map_err(|e| EditError::invalid(e.field, e.problem))?
        .into_string();
    if checked != *value {
        *value = checked;
    }
    Ok(())
}

fn optional_text(field: &str, value: &mut Option<String>, kind: TextKind) -> Result<(), EditError> {
    if let Some(v) = value {
        text(field, v, kind, false)?;
        if v.is_empty() {
            *value = None;
        }
    }
    Ok(())
}

/// Checks a list of references against `list` (see the module rule).
pub(crate) fn references<E: Entity>(
    field: &str,
    list: &[E],
    ids: &[E::Id],
    previous: Option<&[E::Id]>,
) -> Result<(), EditError> {
    if ids.len() > MAX_REFERENCES {
        return Err(EditError::invalid(field, format!("holds more than {MAX_REFERENCES} references")));
    }
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(*id) {
            return Err(EditError::invalid(field, format!("lists {id} more than once")));
        }
        let target = find(list, *id).ok_or_else(|| EditError::UnknownId { id: id.to_string() })?;
        let held_before = previous.is_some_and(|p| p.contains(id));
        if target.is_removed() && !held_before {
            return Err(EditError::RemovedReference { id: id.to_string() });
        }
    }
    Ok(())
}

/// Checks that an id exists, live or soft-deleted.
pub(crate) fn exists<E: Entity>(list: &[E], id: E::Id) -> Result<(), EditError> {
    find(list, id).map(|_| ()).ok_or_else(|| EditError::UnknownId { id: id.to_string() })
}

fn grade(field: &str, value: Option<u8>, max: u8) -> Result<(), EditError> {
    match value {
        Some(v) if v == 0 || v > max => Err(EditError::invalid(field, format!("must be between 1 and {max}"))),
        _ => Ok(()),
    }
}

pub(crate) fn grades(g: &ComponentGrades) -> Result<(), EditError> {
    grade("grades.target_sl", g.target_sl, 4)?;
    grade("grades.eal", g.eal, 7)?;
    grade("grades.fips_level", g.fips_level, 4)
}

pub(crate) fn cal(value: Option<u8>) -> Result<(), EditError> {
    grade("cal", value, 4)
}

/// Refuses a name that a *live* entity of the same kind already has (compared
/// by significant words, so case, punctuation and plurals do not matter).
pub(crate) fn unique_name<'a, E: Entity + 'a>(
    list: impl IntoIterator<Item = &'a E>,
    own_id: Option<E::Id>,
    name: &str,
    name_of: impl Fn(&E) -> &str,
) -> Result<(), EditError> {
    let wanted = significant_words(name);
    for other in list {
        if other.is_removed() || Some(other.id()) == own_id {
            continue;
        }
        let other_name = name_of(other);
        if other_name.eq_ignore_ascii_case(name) || (!wanted.is_empty() && significant_words(other_name) == wanted) {
            return Err(EditError::DuplicateName {
                kind: E::KIND,
                name: name.to_owned(),
                existing: other.id().to_string(),
            });
        }
    }
    Ok(())
}

/// The key two names collide on: their significant words, or the lower-cased
/// name when it has none. Equal keys ⇔ `unique_name` would refuse.
fn name_key(name: &str) -> String {
    let words = significant_words(name);
    if words.is_empty() { name.to_lowercase() } else { words.into_iter().collect::<Vec<_>>().join(" ") }
}

/// One pass over a whole list: every live name is unique (used when a model is
/// created, where checking each entity against all others would be quadratic).
pub(crate) fn all_names_unique<E: Entity>(list: &[E], name_of: impl Fn(&E) -> &str) -> Result<(), EditError> {
    let mut seen = std::collections::HashMap::new();
    for e in list.iter().filter(|e| !e.is_removed()) {
        if let Some(existing) = seen.insert(name_key(name_of(e)), e.id()) {
            return Err(EditError::DuplicateName {
                kind: E::KIND,
                name: name_of(e).to_owned(),
                existing: existing.to_string(),
            });
        }
    }
    Ok(())
}

impl ThreatModel {
    pub(crate) fn check_boundary(&self, tb: &mut TrustBoundary, prev: Option<&TrustBoundary>) -> Result<(), EditError> {
        text("description", &mut tb.description, TextKind::Prose, true)?;
        references("crosses", &self.assets, &tb.crosses, prev.map(|p| p.crosses.as_slice()))
    }

    pub(crate) fn check_component(&self, c: &mut Component, prev: Option<&Component>) -> Result<(), EditError> {
        text("name", &mut c.name, TextKind::Name, true)?;
        optional_text("repo_url", &mut c.repo_url, TextKind::Prose)?;
        optional_text("path", &mut c.path, TextKind::Prose)?;
        if let Some(path) = &c.path
            && (path.starts_with(['/', '\\'])
                || path.get(1..2) == Some(":")
                || path.split(['/', '\\']).any(|seg| seg == ".."))
        {
            return Err(EditError::invalid(
                "path",
                "must be relative to the repository root and must not contain `..`",
            ));
        }
        grades(&c.grades)?;
        references(
            "trust_boundary_ids",
            &self.trust_boundaries,
            &c.trust_boundary_ids,
            prev.map(|p| p.trust_boundary_ids.as_slice()),
        )
    }

    pub(crate) fn check_asset(&self, a: &mut Asset, prev: Option<&Asset>) -> Result<(), EditError> {
        text("name", &mut a.name, TextKind::Name, true)?;
        text("description", &mut a.description, TextKind::Prose, false)?;
        text("notes", &mut a.notes, TextKind::Prose, false)?;
        if a.security_properties.is_empty() {
            return Err(EditError::invalid("security_properties", "an asset needs at least one of C, I, A, U"));
        }
        references("component_ids", &self.components, &a.component_ids, prev.map(|p| p.component_ids.as_slice()))
    }

    pub(crate) fn check_attacker(&self, t: &mut Attacker, prev: Option<&Attacker>) -> Result<(), EditError> {
        text("name", &mut t.name, TextKind::Name, true)?;
        text("capability", &mut t.capability, TextKind::Prose, true)?;
        text("position", &mut t.position, TextKind::Prose, false)?;
        text("archetype", &mut t.archetype, TextKind::Name, false)?;
        references(
            "trust_boundary_ids",
            &self.trust_boundaries,
            &t.trust_boundary_ids,
            prev.map(|p| p.trust_boundary_ids.as_slice()),
        )
    }

    pub(crate) fn check_assumption(&self, a: &mut Assumption, prev: Option<&Assumption>) -> Result<(), EditError> {
        text("description", &mut a.description, TextKind::Prose, true)?;
        references(
            "linked_co_ids",
            &self.control_objectives,
            &a.linked_co_ids,
            prev.map(|p| p.linked_co_ids.as_slice()),
        )?;
        if let Some(ex) = &a.exclusion {
            let narrows = !ex.co_ids.is_empty()
                || ex.attacker_id != Match::Any
                || ex.attacker_vector != Match::Any
                || ex.asset_id != Match::Any
                || ex.asset_component_id != Match::Any
                || ex.property_match != Match::Any;
            if !narrows {
                return Err(EditError::invalid(
                    "exclusion",
                    "a predicate of only `*` would exclude every objective; name at least one field or co_ids",
                ));
            }
            // A predicate only narrows reach; it may name soft-deleted entities.
            if let Match::Exactly(id) = ex.attacker_id {
                exists(&self.attackers, id)?;
            }
            if let Match::Exactly(id) = ex.asset_id {
                exists(&self.assets, id)?;
            }
            if let Match::Exactly(id) = ex.asset_component_id {
                exists(&self.components, id)?;
            }
            for id in &ex.co_ids {
                exists(&self.control_objectives, *id)?;
            }
        }
        if let Some(att) = &mut a.attestation {
            if a.kind == AssumptionKind::NonApplicability {
                return Err(EditError::invalid(
                    "attestation",
                    "a non-applicability assumption is proven by evidence, not attested by a person",
                ));
            }
            text("attestation.attested_by", &mut att.attested_by, TextKind::Name, true)?;
            text("attestation.statement", &mut att.statement, TextKind::Prose, true)?;
            optional_text("attestation.evidence_url", &mut att.evidence_url, TextKind::Prose)?;
            if att.expires_at.is_some_and(|exp| exp <= att.attested_at) {
                return Err(EditError::invalid("attestation.expires_at", "must be after attested_at"));
            }
        }
        Ok(())
    }

    pub(crate) fn check_control(&self, c: &mut Control, prev: Option<&Control>) -> Result<(), EditError> {
        text("description", &mut c.description, TextKind::Prose, true)?;
        text("implementation_notes", &mut c.implementation_notes, TextKind::Prose, false)?;
        if c.mappings.is_empty() {
            return Err(EditError::invalid("mappings", "a control must map to at least one control objective"));
        }
        let ids: Vec<_> = c.mappings.iter().map(|m| m.co_id).collect();
        let prev_ids: Option<Vec<_>> = prev.map(|p| p.mappings.iter().map(|m| m.co_id).collect());
        references("mappings", &self.control_objectives, &ids, prev_ids.as_deref())?;
        if let Some(m) = c.mappings.iter().find(|m| m.group == Some(0)) {
            return Err(EditError::invalid("mappings", format!("mitigation group for {} must be 1 or more", m.co_id)));
        }
        c.mappings.sort();
        let refs = std::mem::take(&mut c.framework_refs);
        for r in refs {
            let mut r = r;
            text("framework_refs", &mut r, TextKind::Name, true)?;
            c.framework_refs.insert(r);
        }
        Ok(())
    }
}
