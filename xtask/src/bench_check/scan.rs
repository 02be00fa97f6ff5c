//! Names found in real source by simple line scans: functions (with a call
//! from their body and a parameter), types, `use` paths, attributes and
//! environment reads in `.rs` files; keys and dependencies in the normalised
//! `Cargo.toml` files cargo publishes. Not parsers: a few claims made from
//! them will be wrong, which the benchmark tolerates (it reports outcomes,
//! it does not grade them).

/// A function found by a line scan of a `.rs` file.
#[derive(Debug, Clone)]
pub(super) struct RustFn {
    pub(super) name: String,
    /// The indentation of the `fn` line: the body closes at `{indent}}`.
    pub(super) indent: String,
    /// Whether it has a body (trait and `extern` declarations do not, and
    /// the verifier does not count them as definitions).
    pub(super) body: bool,
    /// The first plain call in the body, if any.
    pub(super) callee: Option<String>,
    /// The first named parameter of a one-line signature, if any.
    pub(super) param: Option<String>,
}

/// Names found in one `.rs` file by a simple scan (not a parser: a few of the
/// resulting claims may be wrong, which the benchmark tolerates).
#[derive(Debug, Default)]
pub(super) struct RustFile {
    pub(super) rel: String,
    pub(super) fns: Vec<RustFn>,
    pub(super) types: Vec<String>,
    pub(super) uses: Vec<String>,
    /// (function, attribute) pairs such as (`new`, `inline`).
    pub(super) attrs: Vec<(String, String)>,
    pub(super) env_vars: Vec<String>,
}

/// A crate's top-level (normalised) `Cargo.toml`.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    pub(super) rel: String,
    pub(super) name: String,
    /// Dotted keys that exist (`package.version`, `dependencies.serde.version`).
    pub(super) keys: Vec<String>,
    /// Dependencies not renamed with `package = ...`, with a plain version if one.
    pub(super) deps: Vec<(String, Option<String>)>,
}

const KEYWORDS: &[&str] = &[
    "if", "while", "for", "match", "return", "loop", "in", "as", "let", "mut", "move", "fn", "else", "where", "impl",
    "dyn", "ref", "unsafe", "async", "await", "box", "yield", "struct", "enum", "type", "use", "mod", "pub", "crate",
    "super", "self", "const", "static", "break", "continue", "true", "false", "union",
];

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A leading identifier and what follows it.
fn ident_prefix(s: &str) -> Option<(&str, &str)> {
    let end = s.bytes().position(|b| !is_ident_byte(b)).unwrap_or(s.len());
    let (name, rest) = s.split_at(end);
    let first = name.bytes().next()?;
    (first.is_ascii_alphabetic() || first == b'_').then_some((name, rest))
}

/// Drops `pub`, `pub(crate)`, `const`, `async`, `unsafe`, `extern "C"` in front of an item.
fn strip_qualifiers(mut s: &str) -> &str {
    loop {
        let before = s;
        if let Some(rest) = s.strip_prefix("pub(") {
            s = rest.split_once(')').map_or(rest, |(_, r)| r).trim_start();
        }
        for q in ["pub ", "const ", "async ", "unsafe ", "default "] {
            if let Some(rest) = s.strip_prefix(q) {
                s = rest.trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix("extern \"") {
            s = rest.split_once('"').map_or(rest, |(_, r)| r).trim_start();
        }
        if s == before {
            return s;
        }
    }
}

/// `line` with the insides of string literals blanked, so that `"f()"` is no call.
fn blank_strings(line: &str) -> String {
    let (mut out, mut in_str, mut escaped) = (String::with_capacity(line.len()), false, false);
    for c in line.chars() {
        let quote = c == '"' && !escaped;
        escaped = in_str && c == '\\' && !escaped;
        if quote {
            in_str = !in_str;
        }
        out.push(if in_str && !quote { ' ' } else { c });
    }
    out
}

/// The first `name(` in `line` that looks like a call of a function or method
/// (not an attribute such as `#[cfg(...)]`).
fn first_call(line: &str) -> Option<String> {
    let line = blank_strings(line);
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes.get(i).is_some_and(|b| b.is_ascii_lowercase() || *b == b'_')
            && (i == 0 || bytes.get(i - 1).is_some_and(|b| !is_ident_byte(*b) && *b != b'\''));
        if !starts {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).is_some_and(|b| is_ident_byte(*b)) {
            i += 1;
        }
        let name = line.get(start..i)?;
        let before = line.get(..start).unwrap_or("");
        let after_fn = before.trim_end().ends_with("fn");
        let attribute = before.ends_with("#[") || before.ends_with("#![");
        if bytes.get(i) == Some(&b'(') && !KEYWORDS.contains(&name) && !after_fn && !attribute {
            return Some(name.to_owned());
        }
    }
    None
}

/// Whether the function whose signature starts at line `at` has a body, and
/// the first call in it, found by counting braces (good enough for a
/// benchmark's claims).
fn body_call(lines: &[&str], hidden: &[bool], at: usize) -> (bool, Option<String>) {
    let mut depth = 0usize;
    let mut opened = false;
    for (line, hidden) in lines.iter().zip(hidden).skip(at).take(300) {
        let code = line.trim_start();
        if code.starts_with("//") || *hidden {
            continue;
        }
        let mut rest = *line;
        if !opened {
            match line.split_once('{') {
                Some((_, r)) => (rest, opened, depth) = (r, true, 1),
                None if code.ends_with(';') => return (false, None),
                None => continue,
            }
        }
        if let Some(name) = first_call(rest) {
            return (true, Some(name));
        }
        for c in rest.bytes() {
            match c {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if depth == 0 {
            break;
        }
    }
    (opened, None)
}

/// Lines whose items the verifier's syntax tree does not show: block
/// comments, and the bodies of macro blocks (`pin_project! {`, `s! {`,
/// `macro_rules! m {`), which tree-sitter keeps as unparsed token trees.
fn hidden_lines(lines: &[&str]) -> Vec<bool> {
    let mut hidden = vec![false; lines.len()];
    let mut closing: Option<String> = None;
    let mut in_comment = false;
    for (line, hide) in lines.iter().zip(hidden.iter_mut()) {
        let code = line.trim_start();
        if in_comment {
            *hide = true;
            in_comment = !line.contains("*/");
        } else if let Some(end) = &closing {
            *hide = true;
            if line.starts_with(end.as_str()) {
                closing = None;
            }
        } else if code.starts_with("/*") {
            *hide = true;
            in_comment = !code.contains("*/");
        } else if let Some((head, rest)) = code.strip_suffix('{').and_then(|h| h.split_once('!'))
            // The macro's path is the last word before `!` (`let t = quote! {`).
            && let Some(mac) = head.rsplit([' ', '=', '(', ',']).next()
            && !mac.is_empty()
            && mac.bytes().all(|b| is_ident_byte(b) || b == b':')
            && rest.trim().bytes().all(is_ident_byte)
        {
            *hide = true;
            closing = Some(format!("{}}}", &line[..line.len() - code.len()]));
        }
    }
    hidden
}

/// The first plain parameter name of a signature written on one line.
fn first_param(sig: &str) -> Option<String> {
    let inner = sig.split_once('(')?.1.split_once(')')?.0;
    let first = inner.split(',').map(str::trim).find(|p| !p.is_empty() && !p.contains("self"))?;
    let name = first.split_once(':')?.0.trim();
    let name = name.strip_prefix("mut ").unwrap_or(name);
    ident_prefix(name).filter(|(n, rest)| rest.is_empty() && *n != "_").map(|(n, _)| n.to_owned())
}

pub(super) fn scan_rust(rel: &str, text: &str) -> RustFile {
    let lines: Vec<&str> = text.lines().collect();
    let hidden = hidden_lines(&lines);
    let mut f = RustFile { rel: rel.to_owned(), ..RustFile::default() };
    let fn_name = |code: &str| -> Option<String> {
        let (name, tail) = ident_prefix(strip_qualifiers(code).strip_prefix("fn ")?)?;
        (tail.starts_with('(') || tail.starts_with('<')).then(|| name.to_owned())
    };
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") || hidden.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(name) = fn_name(code) {
            let indent = line.get(..line.len() - code.len()).unwrap_or("").to_owned();
            let (body, callee) = body_call(&lines, &hidden, i);
            f.fns.push(RustFn { name, indent, body, callee, param: first_param(code) });
        }
        let item = strip_qualifiers(code);
        for kw in ["struct ", "enum ", "trait "] {
            if let Some((name, _)) = item.strip_prefix(kw).and_then(ident_prefix) {
                f.types.push(name.to_owned());
            }
        }
        // Top-level `use a::b::C;` or `use a::{b, c};` (claimed as `a`).
        if line.starts_with("use ") || line.starts_with("pub use ") {
            let path = item.trim_start_matches("use ").trim_end();
            if let Some(path) = path.strip_suffix(';')
                && !path.contains(" as ")
                && !path.contains('*')
            {
                let path = path.split_once("::{").map_or(path, |(p, _)| p);
                if !path.contains('{') && path.bytes().all(|b| is_ident_byte(b) || b == b':') {
                    f.uses.push(path.to_owned());
                }
            }
        }
        // `#[inline]` directly above a function (doc comments and other attributes may sit between).
        if let Some((attr, tail)) = code.strip_prefix("#[").and_then(ident_prefix)
            && attr != "doc"
            && code.ends_with(']')
            && (tail.starts_with(']') || tail.starts_with('(') || tail.trim_start().starts_with('='))
        {
            let next =
                lines.iter().skip(i + 1).map(|l| l.trim_start()).find(|l| !l.starts_with("#[") && !l.starts_with("//"));
            if let Some(func) = next.and_then(fn_name) {
                f.attrs.push((func, attr.to_owned()));
            }
        }
        for needle in ["env::var(\"", "env::var_os(\"", "env!(\"", "option_env!(\""] {
            for (at, _) in code.match_indices(needle) {
                let rest = code.get(at + needle.len()..).unwrap_or("");
                if let Some((var, tail)) = ident_prefix(rest)
                    && tail.starts_with('"')
                {
                    f.env_vars.push(var.to_owned());
                }
            }
        }
    }
    // The verifier counts only functions with a body as definitions.
    f.attrs.retain(|(func, _)| f.fns.iter().any(|x| x.name == *func && x.body));
    f
}

/// A line scan of a normalised `Cargo.toml` (as cargo publishes them).
pub(super) fn scan_manifest(rel: &str, text: &str) -> Manifest {
    let mut m = Manifest { rel: rel.to_owned(), ..Manifest::default() };
    let mut section = String::new();
    let mut renamed: Vec<String> = Vec::new();
    let mut versions: Vec<(String, String)> = Vec::new();
    let unquote = |v: &str| v.trim().strip_prefix('"').and_then(|v| v.strip_suffix('"')).map(str::to_owned);
    for line in text.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.to_owned();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let key = key.trim();
        if ident_prefix(key).is_none_or(|(_, rest)| !rest.is_empty()) && !key.contains('-') {
            continue;
        }
        if section == "package" {
            m.keys.push(format!("package.{key}"));
            if key == "name" {
                m.name = unquote(value).unwrap_or_default();
            }
        } else if matches!(section.as_str(), "dependencies" | "dev-dependencies" | "build-dependencies") {
            // `serde = "1"` or `serde = { version = "1" }` (inline tables may rename).
            m.keys.push(format!("{section}.{key}"));
            if value.contains("package") {
                renamed.push(key.to_owned());
            }
            let version =
                unquote(value).or_else(|| value.split_once("version")?.1.split('"').nth(1).map(str::to_owned));
            m.deps.push((key.to_owned(), version));
        } else if let Some((_, dep)) = section.rsplit_once("dependencies.") {
            // `[dependencies.serde]` then `version = "1"`.
            if !m.deps.iter().any(|(d, _)| d == dep) {
                m.deps.push((dep.to_owned(), None));
            }
            if section.starts_with("dependencies.") {
                m.keys.push(format!("{section}.{key}"));
            }
            match key {
                "package" => renamed.push(dep.to_owned()),
                "version" => versions.push((dep.to_owned(), unquote(value).unwrap_or_default())),
                _ => {}
            }
        }
    }
    for (dep, v) in versions {
        if let Some(d) = m.deps.iter_mut().find(|(d, _)| *d == dep) {
            d.1 = Some(v);
        }
    }
    m.deps.retain(|(d, _)| !renamed.contains(d) && d.bytes().all(|b| is_ident_byte(b) || b == b'-'));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_rust_names() {
        let src = r#"use std::collections::HashMap;
use a::{b, c};

#[inline]
/// doc
pub fn run(path: &str) -> u8 {
    #[cfg(unix)]
    let s = "not_a_call()";
    let m = HashMap::new();
    helper(m)
}

pub(crate) struct Thing;
fn helper(x: u8) -> u8 { x }
fn k() { std::env::var("HOME").ok(); }
trait T {
    fn decl(&self);
}
pin_project! {
    pub struct Hidden { fn_like: u8 }
}
const Q: T = quote! {
    struct Quoted;
};
/*
fn commented() {}
*/
"#;
        let f = scan_rust("x.rs", src);
        let names: Vec<(&str, bool)> = f.fns.iter().map(|x| (x.name.as_str(), x.body)).collect();
        assert_eq!(names, [("run", true), ("helper", true), ("k", true), ("decl", false)]);
        assert_eq!(f.fns[0].callee.as_deref(), Some("new"));
        assert_eq!(f.fns[0].param.as_deref(), Some("path"));
        assert_eq!(f.types, ["Thing", "T"]);
        assert_eq!(f.uses, ["std::collections::HashMap", "a"]);
        assert_eq!(f.attrs, [("run".to_owned(), "inline".to_owned())]);
        assert_eq!(f.env_vars, ["HOME"]);
    }

    #[test]
    fn scans_normalised_manifests() {
        let toml = "[package]\nname = \"demo\"\nversion = \"1.2.3\"\n\n[dependencies.serde]\nversion = \"1.0.100\"\n\n[dependencies.old]\nversion = \"0.1\"\npackage = \"new\"\n\n[dev-dependencies]\nrand = \"0.8\"\n";
        let m = scan_manifest("demo-1.2.3/Cargo.toml", toml);
        assert_eq!(m.name, "demo");
        assert_eq!(
            m.deps,
            [("serde".to_owned(), Some("1.0.100".to_owned())), ("rand".to_owned(), Some("0.8".to_owned()))]
        );
        assert!(m.keys.contains(&"dependencies.serde.version".to_owned()));
    }
}
