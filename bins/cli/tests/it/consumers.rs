//! What consumes our reports, for real: the OASIS SARIF 2.1.0 schema (with
//! format assertions), a conforming XML 1.0 parser, and GitHub's
//! workflow-command syntax.

use std::collections::BTreeMap;

use serde_json::Value;

const SARIF_SCHEMA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sarif-schema-2.1.0.json"));
const SARIF_SCHEMA_URL: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Validates a SARIF log against the official schema; the error lists every violation.
pub fn validate_sarif(text: &str) -> Result<Value, String> {
    let log: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    let schema: Value = serde_json::from_str(SARIF_SCHEMA).map_err(|e| e.to_string())?;
    compiler.add_resource(SARIF_SCHEMA_URL, schema).map_err(|e| e.to_string())?;
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(SARIF_SCHEMA_URL, &mut schemas).map_err(|e| format!("{e:#}"))?;
    schemas.validate(&log, index).map_err(|e| format!("{e:#}"))?;
    Ok(log)
}

/// One `<testcase>`: its attributes, and its child element's name and attributes.
#[derive(Debug, PartialEq)]
pub struct TestCase {
    pub attributes: BTreeMap<String, String>,
    pub outcome: Option<(String, BTreeMap<String, String>)>,
}

fn attributes(node: roxmltree::Node<'_, '_>) -> BTreeMap<String, String> {
    node.attributes().map(|a| (a.name().to_owned(), a.value().to_owned())).collect()
}

/// Parses a JUnit report: the suite's counts and its test cases.
pub fn parse_junit(text: &str) -> Result<(BTreeMap<String, String>, Vec<TestCase>), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not well-formed XML: {e}"))?;
    let suite = doc.descendants().find(|n| n.has_tag_name("testsuite")).ok_or_else(|| "no <testsuite>".to_owned())?;
    let cases = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|c| TestCase {
            attributes: attributes(c),
            outcome: c.children().find(|n| n.is_element()).map(|n| (n.tag_name().name().to_owned(), attributes(n))),
        })
        .collect();
    Ok((attributes(suite), cases))
}

/// Undoes GitHub's workflow-command escaping (`%25`, `%0D`, `%0A`, `%3A`, `%2C`).
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let code = rest.get(at + 1..at + 3);
        let decoded = match code {
            Some("25") => '%',
            Some("0D") => '\r',
            Some("0A") => '\n',
            Some("3A") => ':',
            Some("2C") => ',',
            _ => {
                out.push('%');
                rest = &rest[at + 1..];
                continue;
            }
        };
        out.push(decoded);
        rest = &rest[at + 3..];
    }
    out.push_str(rest);
    out
}

/// One annotation, as the runner parses `::level k=v,k=v::message`.
#[derive(Debug, PartialEq)]
pub struct Annotation {
    pub level: String,
    pub properties: BTreeMap<String, String>,
    pub message: String,
}

/// Parses the workflow commands of GitHub output; every other line is left
/// out. A command must fit one line.
pub fn parse_annotations(text: &str) -> Result<Vec<Annotation>, String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("::")) {
        let rest = &line[2..];
        let (head, message) = rest.split_once("::").ok_or_else(|| format!("no `::` after the command: {line}"))?;
        let (level, props) = head.split_once(' ').unwrap_or((head, ""));
        let mut properties = BTreeMap::new();
        for p in props.split(',').filter(|p| !p.is_empty()) {
            let (k, v) = p.split_once('=').ok_or_else(|| format!("property without `=`: {p} in {line}"))?;
            if properties.insert(k.to_owned(), unescape(v)).is_some() {
                return Err(format!("property {k} given twice in {line}"));
            }
        }
        out.push(Annotation { level: level.to_owned(), properties, message: unescape(message) });
    }
    Ok(out)
}
