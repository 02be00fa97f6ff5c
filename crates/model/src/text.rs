//! Text a user typed: one bounded-text type for every name and description
//! that reaches storage, so the rules live in one place.
//!
//! - Control characters are refused (a NUL is not storable in PostgreSQL
//!   text and terminal escapes do not belong in names); prose keeps newlines
//!   and tabs.
//! - Names are one line: bidirectional override and isolate characters are
//!   refused too, since they make a name read differently from what it is
//!   ("Trojan Source"); surrounding whitespace is trimmed and inner runs of
//!   whitespace collapse to one space.
//! - Lengths count characters (Unicode scalar values), never bytes.

use std::fmt;

/// Whether a text is a one-line name or free prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// One line: no control characters, no bidi overrides, whitespace normalised.
    Name,
    /// Free text: newlines and tabs allowed, other control characters not.
    Prose,
}

/// Why a text was refused; names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct TextError {
    pub field: String,
    pub problem: String,
}

/// A text that passed the rules of its kind and length.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BoundedText(String);

/// The bidirectional embedding, override and isolate characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl BoundedText {
    /// Checks `value` as `kind` of at most `max_chars` characters; `required`
    /// refuses an empty (or all-blank) text.
    pub fn new(field: &str, value: &str, kind: TextKind, max_chars: usize, required: bool) -> Result<Self, TextError> {
        let refuse = |problem: String| TextError { field: field.to_owned(), problem };
        let allowed_control = |c: char| kind == TextKind::Prose && (c == '\n' || c == '\t' || c == '\r');
        if let Some(c) = value.chars().find(|c| c.is_control() && !allowed_control(*c)) {
            return Err(refuse(format!("contains the control character U+{:04X}", u32::from(c))));
        }
        if kind == TextKind::Name
            && let Some(c) = value.chars().find(|c| is_bidi_control(*c))
        {
            return Err(refuse(format!("contains the bidirectional control character U+{:04X}", u32::from(c))));
        }
        let text = match kind {
            TextKind::Name => value.split_whitespace().collect::<Vec<_>>().join(" "),
            TextKind::Prose => value.trim().replace("\r\n", "\n"),
        };
        if required && text.is_empty() {
            return Err(refuse("must not be empty".into()));
        }
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(refuse(format!("is {chars} characters long; the limit is {max_chars}")));
        }
        Ok(BoundedText(text))
    }

    /// A required one-line name.
    pub fn name(field: &str, value: &str, max_chars: usize) -> Result<Self, TextError> {
        BoundedText::new(field, value, TextKind::Name, max_chars, true)
    }

    /// Prose, possibly empty.
    pub fn prose(field: &str, value: &str, max_chars: usize) -> Result<Self, TextError> {
        BoundedText::new(field, value, TextKind::Prose, max_chars, false)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_one_clean_line() {
        assert_eq!(BoundedText::name("name", "  Team   Rocket  ", 20).unwrap().as_str(), "Team Rocket");
        for bad in ["a\u{0}b", "two\nlines", "a\u{1b}[31mb", "a\u{7f}", "admin\u{202E}nimda", "x\u{2066}y"] {
            let e = BoundedText::name("name", bad, 50).unwrap_err();
            assert_eq!(e.field, "name");
            assert!(e.problem.contains("U+"), "{bad:?}: {e}");
        }
        assert!(BoundedText::name("name", "   ", 5).is_err());
        assert!(BoundedText::name("name", "ééééé", 5).is_ok());
        assert!(BoundedText::name("name", "éééééé", 5).is_err());
    }

    #[test]
    fn prose_keeps_lines_but_not_other_controls() {
        let p = BoundedText::prose("description", "line one\r\n\tline two", 100).unwrap();
        assert_eq!(p.as_str(), "line one\n\tline two");
        assert!(BoundedText::prose("description", "", 100).unwrap().as_str().is_empty());
        assert!(BoundedText::prose("description", "nul \u{0} here", 100).is_err());
        // Prose may quote right-to-left text; only names refuse bidi controls.
        assert!(BoundedText::prose("description", "\u{202B}שלום\u{202C}", 100).is_ok());
    }
}
