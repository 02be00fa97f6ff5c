//! Per-type criteria, read from `prompts/tier2_criteria.md` (a data file, so
//! the wording is reviewed as text). See that file for the format.

use std::sync::LazyLock;

/// The criteria file as compiled in; part of every evidence hash.
pub(crate) const CRITERIA_SOURCE: &str = include_str!("../../prompts/tier2_criteria.md");

const ABSENCE_MARKER: &str = "(absence)";

/// What "satisfied" means for one assertion type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub assertion_type: String,
    pub text: String,
    /// The claim is that something is absent: an empty or irrelevant subject
    /// proves nothing and must fail.
    pub absence: bool,
}

static CRITERIA: LazyLock<Vec<Criterion>> = LazyLock::new(|| parse(CRITERIA_SOURCE));

/// Every criterion, in file order.
pub fn criteria() -> &'static [Criterion] {
    &CRITERIA
}

/// The criterion for a type name, if there is one.
pub fn criterion_for(assertion_type: &str) -> Option<&'static Criterion> {
    CRITERIA.iter().find(|c| c.assertion_type == assertion_type)
}

fn parse(source: &str) -> Vec<Criterion> {
    let mut criteria: Vec<Criterion> = Vec::new();
    for line in source.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            let heading = heading.trim();
            let (name, absence) = match heading.strip_suffix(ABSENCE_MARKER) {
                Some(name) => (name.trim(), true),
                None => (heading, false),
            };
            criteria.push(Criterion { assertion_type: name.to_owned(), text: String::new(), absence });
        } else if let Some(current) = criteria.last_mut() {
            // Blank lines around a section are trimmed below.
            current.text.push_str(line);
            current.text.push('\n');
        }
    }
    for criterion in &mut criteria {
        criterion.text = criterion.text.trim().to_owned();
    }
    criteria
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn headings_split_sections_and_mark_absence() {
        let parsed = parse("# comment\n\n## a\nfirst\nline\n\n## b (absence)\nsecond\n");
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0], Criterion { assertion_type: "a".into(), text: "first\nline".into(), absence: false });
        assert_eq!(parsed[1], Criterion { assertion_type: "b".into(), text: "second".into(), absence: true });
    }

    #[test]
    fn the_compiled_file_has_no_empty_or_duplicate_sections() {
        let all = criteria();
        for c in all {
            assert!(!c.text.is_empty(), "{} has no text", c.assertion_type);
            assert_eq!(all.iter().filter(|o| o.assertion_type == c.assertion_type).count(), 1);
        }
    }
}
