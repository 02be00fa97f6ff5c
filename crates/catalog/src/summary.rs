//! A compact, readable account of a generated model, for chat replies and
//! review.

use std::fmt::Write as _;

use rampart_model::{CoRef, SecurityProperty};
use rampart_risk::{impact, likelihood};

use crate::generate::Generated;

fn codes(properties: &std::collections::BTreeSet<SecurityProperty>) -> String {
    properties.iter().map(|p| p.code()).collect::<Vec<_>>().join(" ")
}

fn ids<T: std::fmt::Display>(list: &[T]) -> String {
    if list.is_empty() { "-".to_owned() } else { list.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") }
}

impl Generated {
    /// A multi-line summary: name, matched patterns, entities with their
    /// derived impact and likelihood levels, objective coverage and controls
    /// (by catalog key) with their mitigation group per objective.
    pub fn summary(&self) -> String {
        let d = &self.draft;
        let mut out = String::new();
        let _ = writeln!(out, "name: {}", self.name);
        let matched: Vec<String> = self
            .matched
            .iter()
            .map(|m| {
                let used = if m.contributed { "" } else { ", not used" };
                format!("{} ({}{}: {})", m.pattern_id, m.score, used, m.phrases.join(", "))
            })
            .collect();
        let _ = writeln!(out, "matched: {}{}", matched.join("; "), if self.fallback { " [fallback]" } else { "" });
        let _ = writeln!(out, "assets:");
        for a in &d.assets {
            let _ = writeln!(
                out,
                "  {} {} [{}] impact {} in {}",
                a.id,
                a.name,
                codes(&a.security_properties),
                impact(&a.impact),
                ids(&a.component_ids)
            );
        }
        let _ = writeln!(out, "attackers:");
        for t in &d.attackers {
            let _ = writeln!(
                out,
                "  {} {} ({}, {}) likelihood {} at {}",
                t.id,
                t.name,
                t.archetype,
                t.likelihood.attack_vector,
                likelihood(&t.likelihood),
                ids(&t.trust_boundary_ids)
            );
        }
        let _ = writeln!(out, "boundaries:");
        for b in &d.trust_boundaries {
            let passes = match &b.passes {
                None => "all".to_owned(),
                Some(p) => p.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "),
            };
            let _ = writeln!(out, "  {} {} (passes {}; crosses {})", b.id, b.description, passes, ids(&b.crosses));
        }
        let _ = writeln!(out, "components:");
        for c in &d.components {
            let _ = writeln!(out, "  {} {} on {}", c.id, c.name, ids(&c.trust_boundary_ids));
        }
        let total = d.assets.len() * d.attackers.len();
        let covered: std::collections::BTreeSet<(String, String)> = d
            .controls
            .iter()
            .flat_map(|c| c.mappings.iter())
            .filter_map(|m| match m.co {
                CoRef::Pair { asset_id, attacker_id } => Some((asset_id.to_string(), attacker_id.to_string())),
                CoRef::Id(_) => None,
            })
            .collect();
        let _ = writeln!(out, "objectives: {total} ({} covered, {} uncovered)", covered.len(), total - covered.len());
        let _ = writeln!(out, "controls:");
        for (i, (c, key)) in d.controls.iter().zip(&self.sources.controls).enumerate() {
            let maps: Vec<String> = c
                .mappings
                .iter()
                .map(|m| {
                    let co = match m.co {
                        CoRef::Pair { asset_id, attacker_id } => format!("{asset_id}×{attacker_id}"),
                        CoRef::Id(id) => id.to_string(),
                    };
                    match m.group {
                        Some(g) => format!("{co}:g{g}"),
                        None => format!("{co}:did"),
                    }
                })
                .collect();
            let _ = writeln!(out, "  C{} {} → {}", i + 1, key, maps.join(" "));
        }
        out
    }
}
