//! `cargo xtask schemas [--check]`: JSON Schemas of the public domain types,
//! checked in under `schemas/` and drift-checked in CI.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use schemars::{JsonSchema, Schema};

use crate::generated::{self, GeneratedFile, Mode, OwnedDir};

/// Where the schemas go, relative to the workspace root. Every
/// `*.schema.json` file there must come from [`SCHEMAS`].
const DIR: OwnedDir = OwnedDir { dir: "schemas", suffix: ".schema.json" };

/// One schema file: `schemas/<name>.schema.json` from a type.
#[derive(Debug)]
pub(crate) struct SchemaSpec {
    /// The file name without `.schema.json`, kebab-case.
    pub(crate) name: &'static str,
    pub(crate) generate: fn() -> Schema,
}

const fn schema<T: JsonSchema>(name: &'static str) -> SchemaSpec {
    SchemaSpec { name, generate: schema_of::<T> }
}

fn schema_of<T: JsonSchema>() -> Schema {
    schemars::schema_for!(T)
}

/// THE list of generated schemas. To publish another type, add a line here
/// and run `cargo xtask schemas`.
pub(crate) const SCHEMAS: &[SchemaSpec] = &[
    // rampart-model
    schema::<rampart_model::ThreatModel>("threat-model"),
    schema::<rampart_model::ModelDraft>("model-draft"),
    schema::<rampart_model::Edit>("edit"),
    schema::<rampart_model::ModelDiff>("model-diff"),
    schema::<rampart_model::MetadataChange>("metadata-change"),
    // rampart-risk
    schema::<rampart_risk::FactorRevision>("factor-revision"),
    schema::<rampart_risk::FactorPatch>("factor-patch"),
    schema::<rampart_risk::HistoryEntry>("factor-history-entry"),
    // rampart-reach
    schema::<rampart_reach::ReachabilityReport>("reachability-report"),
    schema::<rampart_reach::CoherenceReport>("coherence-report"),
    // rampart-assurance
    schema::<rampart_assurance::Assertion>("assertion"),
    schema::<rampart_assurance::PostureReport>("posture-report"),
    schema::<rampart_assurance::Finding>("finding"),
    schema::<rampart_assurance::FindingAction>("finding-action"),
    schema::<rampart_assurance::StatusTransition>("status-transition"),
    schema::<rampart_assurance::SufficiencyJudgement>("sufficiency-judgement"),
    // rampart-evidence
    schema::<rampart_evidence::Verdict>("verdict"),
    // rampart-attest: what CI signs and what an auditor reads
    schema::<rampart_attest::Statement>("verification-statement"),
    schema::<rampart_attest::audit::AuditPackage>("audit-package"),
    schema::<rampart_attest::audit::AuditReport>("audit-report"),
];

/// Every schema, rendered as pretty JSON with a trailing newline.
pub(crate) fn files() -> anyhow::Result<Vec<GeneratedFile>> {
    SCHEMAS
        .iter()
        .map(|spec| {
            let mut contents = serde_json::to_string_pretty(&(spec.generate)())
                .with_context(|| format!("serializing the `{}` schema", spec.name))?;
            contents.push('\n');
            Ok(GeneratedFile { path: PathBuf::from(DIR.dir).join(format!("{}{}", spec.name, DIR.suffix)), contents })
        })
        .collect()
}

pub(crate) fn run(root: &Path, mode: Mode) -> anyhow::Result<()> {
    generated::sync(root, "schemas", &files()?, Some(DIR), mode)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let mut seen = BTreeSet::new();
        for spec in SCHEMAS {
            assert!(seen.insert(spec.name), "duplicate schema name {}", spec.name);
            assert!(
                !spec.name.is_empty()
                    && spec.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && !spec.name.starts_with('-')
                    && !spec.name.ends_with('-'),
                "schema name {:?} is not kebab-case",
                spec.name
            );
        }
    }

    #[test]
    fn every_schema_is_a_titled_object_and_deterministic() {
        let first = files().unwrap();
        let second = files().unwrap();
        for (a, b) in first.iter().zip(&second) {
            assert_eq!(a.contents, b.contents, "{} is not deterministic", a.path.display());
            let value: serde_json::Value = serde_json::from_str(&a.contents).unwrap();
            assert!(value.get("$schema").is_some(), "{} has no $schema", a.path.display());
            assert!(value.get("title").is_some(), "{} has no title", a.path.display());
            assert!(a.contents.ends_with("}\n"));
        }
    }
}
