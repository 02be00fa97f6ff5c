//! Escaping for the consumers of our output: XML 1.0 attributes, GitHub
//! workflow commands, URI references, and terminals.

use std::fmt::Write as _;

/// `\u{1b}` for a character a consumer cannot carry or would act on.
fn shown(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// Whether XML 1.0 can carry `c` at all (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text for a double-quoted XML 1.0 attribute value: markup and quotes
/// escaped; tab, line feed and carriage return as character references
/// (attribute-value normalisation would turn them into spaces); characters
/// XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF) shown as `\u{…}`.
pub(crate) fn xml_attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c if xml_char(c) => out.push(c),
            c => out.push_str(&shown(c)),
        }
    }
    out
}

/// Control characters other than line breaks and tabs shown as `\u{…}`,
/// so that no output carries a terminal escape sequence or a NUL.
fn without_controls(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() && !matches!(c, '\n' | '\r' | '\t') { shown(c) } else { c.to_string() })
        .collect()
}

/// One line of text for a terminal: every control character, line breaks
/// included, shown as `\u{…}`.
pub(crate) fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { shown(c) } else { c.to_string() }).collect()
}

/// A workflow command's message: `%`, CR and LF percent-encoded, as
/// GitHub's toolkit does (`escapeData`).
pub(crate) fn workflow_data(s: &str) -> String {
    without_controls(s).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value: also `:` and `,`, which separate
/// properties (`escapeProperty`).
pub(crate) fn workflow_property(s: &str) -> String {
    workflow_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A relative path as a URI reference: every byte other than an unreserved
/// character or `/` percent-encoded, so spaces, `%`, `#`, `?` and a `:` in
/// the first segment (which would read as a scheme) survive.
pub(crate) fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_attributes_carry_everything_a_parser_accepts() {
        assert_eq!(xml_attribute("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml_attribute("x\u{0}\u{1b}[31m\u{8}y"), "x\\u{0}\\u{1b}[31m\\u{8}y");
        assert_eq!(xml_attribute("l1\nl2\tt\r"), "l1&#10;l2&#9;t&#13;");
        assert_eq!(xml_attribute("]]> é 漢 🦀 \u{FFFE}"), "]]&gt; é 漢 🦀 \\u{fffe}");
    }

    #[test]
    fn workflow_commands_escape_like_the_toolkit() {
        assert_eq!(workflow_data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(workflow_property("src/a:b,c%.py\n"), "src/a%3Ab%2Cc%25.py%0A");
        assert_eq!(workflow_data("\u{1b}[2J::add-mask::x"), "\\u{1b}[2J::add-mask::x");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_reference("src/app.py"), "src/app.py");
        assert_eq!(uri_reference("my dir/a#1?.py"), "my%20dir/a%231%3F.py");
        assert_eq!(uri_reference("c:x/é.py"), "c%3Ax/%C3%A9.py");
    }

    #[test]
    fn terminal_lines_have_no_controls() {
        assert_eq!(one_line("a\nb\u{1b}[0m\u{7f}"), "a\\u{a}b\\u{1b}[0m\\u{7f}");
    }
}
