//! JUnit XML, well-formed XML 1.0 whatever a verdict holds. A failed
//! assertion is a `<failure>`, one the verifier could not decide an
//! `<error>`, a skipped one `<skipped>`.

use std::fmt::Write as _;

use rampart_evidence::Outcome;

use super::escape::xml_attribute;
use super::{Row, count, location};

pub(super) fn junit(rows: &[Row]) -> String {
    let failures = count(rows, Outcome::Fail);
    let errors = count(rows, Outcome::Error);
    let skipped = count(rows, Outcome::Skipped);
    let counts = format!("tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\"", rows.len());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"rampart\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"rampart check\" {counts}>");
    for r in rows {
        let name = xml_attribute(format!("{} {}", r.id, r.description).trim());
        let class = xml_attribute(&r.assertion_type);
        let details = xml_attribute(&format!("{}{}", r.verdict.details, location(&r.verdict)));
        let inner = match r.verdict.outcome {
            Outcome::Pass => None,
            Outcome::Skipped => Some("skipped"),
            Outcome::Fail => Some("failure"),
            Outcome::Error => Some("error"),
        };
        match inner {
            None => {
                let _ = writeln!(out, "    <testcase classname=\"{class}\" name=\"{name}\"/>");
            }
            Some(element) => {
                let _ = writeln!(
                    out,
                    "    <testcase classname=\"{class}\" name=\"{name}\"><{element} message=\"{details}\"/></testcase>"
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
