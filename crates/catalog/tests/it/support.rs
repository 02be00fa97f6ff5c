//! Shared helpers.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};
use rampart_catalog::{Catalog, Generated};
use rampart_model::{CoRef, ThreatModel};

/// The built-in catalog, loaded once per test binary.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::builtin().expect("the built-in catalog loads"))
}

/// A fixed instant for reachability.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// `(stem, description)` of every file in `examples/`, by name.
pub fn examples() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The description of one example by its stem prefix ("01").
pub fn example(prefix: &str) -> String {
    examples().into_iter().find(|(stem, _)| stem.starts_with(prefix)).map(|(_, d)| d).unwrap()
}

pub fn generate(description: &str) -> Generated {
    catalog().generate(description).unwrap()
}

/// Version 1 through the real create path.
pub fn create(g: &Generated) -> ThreatModel {
    ThreatModel::create(&g.draft).unwrap_or_else(|e| panic!("{}: create refused the draft: {e}", g.name)).model
}

/// Names of the generated assets / attackers / controls (by catalog key).
pub fn asset_names(g: &Generated) -> Vec<&str> {
    g.draft.assets.iter().map(|a| a.name.as_str()).collect()
}

pub fn attacker_names(g: &Generated) -> Vec<&str> {
    g.draft.attackers.iter().map(|t| t.name.as_str()).collect()
}

pub fn has_control(g: &Generated, key: &str) -> bool {
    g.sources.controls.iter().any(|k| k == key)
}

/// The (asset index, attacker index) pairs a control maps to, with groups.
pub fn pairs(g: &Generated, key: &str) -> Vec<((u32, u32), Option<u32>)> {
    let i = g.sources.controls.iter().position(|k| k == key).unwrap();
    g.draft.controls[i]
        .mappings
        .iter()
        .map(|m| match m.co {
            CoRef::Pair { asset_id, attacker_id } => ((asset_id.0, attacker_id.0), m.group),
            CoRef::Id(id) => panic!("generated control maps {id} by id"),
        })
        .collect()
}
