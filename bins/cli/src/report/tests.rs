//! Every output, for every awkward verdict, checked by what consumes it.
#![allow(clippy::unwrap_used)]

use rampart_evidence::{Outcome, Verdict};
use serde::Deserialize;

use super::consumers::{parse_annotations, parse_junit, validate_sarif};
use super::{Row, render};
use crate::Output;

#[derive(Deserialize)]
struct Case {
    id: String,
    #[serde(rename = "type")]
    assertion_type: String,
    description: String,
    verdict: Verdict,
}

/// The fixture's cases, and one with a very long message.
fn rows() -> Vec<Row> {
    let fixture = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/awkward-verdicts.json"));
    let cases: Vec<Case> = serde_json::from_str(fixture).unwrap();
    let mut rows: Vec<Row> = cases
        .into_iter()
        .map(|c| Row { id: c.id, assertion_type: c.assertion_type, description: c.description, verdict: c.verdict })
        .collect();
    let mut long = rows[1].verdict.clone();
    long.details = "a very long message, <&> \u{1b} ".repeat(20_000);
    rows.push(Row {
        id: "A99".into(),
        assertion_type: "pattern_absent".into(),
        description: "é".repeat(50_000),
        verdict: long,
    });
    rows
}

/// What a consumer reads back for `s` once XML 1.0 had to leave out the
/// characters it cannot carry.
fn in_xml(s: &str) -> String {
    s.replace('\u{0}', "\\u{0}").replace('\u{1b}', "\\u{1b}").replace('\u{8}', "\\u{8}")
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let rows = rows();
    let log = validate_sarif(&render(&rows, Output::Sarif)).unwrap_or_else(|e| panic!("{e}"));
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), rows.len());
    for (result, row) in results.iter().zip(&rows) {
        assert_eq!(result["message"]["text"], format!("{}: {}", row.id, row.verdict.details));
        assert_eq!(result["properties"]["description"], row.description.as_str());
        let location = &result["locations"][0]["physicalLocation"];
        let file = row.verdict.file.as_deref().filter(|f| !f.is_empty());
        assert_eq!(location.is_null(), file.is_none(), "{}: {result}", row.id);
        let line = row.verdict.line.filter(|l| *l >= 1 && file.is_some());
        assert_eq!(location["region"]["startLine"].as_u64(), line.map(u64::from), "{}: {result}", row.id);
    }
    let skipped = results.iter().find(|r| r["kind"] == "notApplicable").unwrap();
    assert_eq!(skipped["level"], "none", "a result that is not a failure has level none");
    let spaced = results.iter().find(|r| r["properties"]["assertionId"] == "A7").unwrap();
    assert_eq!(
        spaced["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/%C3%BCn%C3%AF%20code/m%C3%B3dulo.py"
    );
}

#[test]
fn junit_is_well_formed_xml_that_keeps_every_value() {
    let rows = rows();
    let (suite, cases) = parse_junit(&render(&rows, Output::Junit)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cases.len(), rows.len());
    for (key, outcome) in [("failures", Outcome::Fail), ("errors", Outcome::Error), ("skipped", Outcome::Skipped)] {
        let n = rows.iter().filter(|r| r.verdict.outcome == outcome).count();
        assert_eq!(suite[key], n.to_string(), "{key}");
    }
    for (case, row) in cases.iter().zip(&rows) {
        assert_eq!(case.attributes["name"], in_xml(format!("{} {}", row.id, row.description).trim()));
        assert_eq!(case.attributes["classname"], in_xml(&row.assertion_type));
        let element = case.outcome.as_ref().map(|(name, _)| name.as_str());
        let expected = match row.verdict.outcome {
            Outcome::Pass => None,
            Outcome::Fail => Some("failure"),
            Outcome::Error => Some("error"),
            Outcome::Skipped => Some("skipped"),
        };
        assert_eq!(element, expected, "{}", row.id);
        if let Some((_, attributes)) = &case.outcome {
            assert!(attributes["message"].starts_with(&in_xml(&row.verdict.details)), "{}", row.id);
        }
    }
}

#[test]
fn github_annotations_are_one_line_each_and_keep_their_properties() {
    let rows = rows();
    let out = render(&rows, Output::Github);
    let annotations = parse_annotations(&out).unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<&Row> = rows.iter().filter(|r| r.verdict.outcome != Outcome::Pass).collect();
    assert_eq!(annotations.len(), shown.len(), "{out}");
    assert_eq!(out.lines().count(), shown.len() + 1, "one line per annotation and a summary");
    for (a, row) in annotations.iter().zip(shown) {
        let level = if row.verdict.outcome == Outcome::Skipped { "notice" } else { "error" };
        assert_eq!(a.level, level);
        let controls_shown =
            |s: &str| s.replace('\u{0}', "\\u{0}").replace('\u{1b}', "\\u{1b}").replace('\u{8}', "\\u{8}");
        assert_eq!(a.message, controls_shown(&row.verdict.details));
        assert_eq!(a.properties["title"], controls_shown(&format!("{} {}", row.id, row.assertion_type)));
        let file = row.verdict.file.as_deref().filter(|f| !f.is_empty());
        assert_eq!(a.properties.get("file").map(String::as_str), file.map(controls_shown).as_deref());
        let line = row.verdict.line.filter(|l| *l >= 1 && file.is_some()).map(|l| l.to_string());
        assert_eq!(a.properties.get("line"), line.as_ref(), "{}", row.id);
    }
}

#[test]
fn text_output_keeps_one_line_per_assertion_and_no_control_characters() {
    let rows = rows();
    let out = render(&rows, Output::Text);
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "a control character reached the terminal");
    assert_eq!(out.lines().filter(|l| !l.is_empty()).count(), rows.len() + 1, "{out}");
}
