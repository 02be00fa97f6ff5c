//! Pattern types over text: `pattern_matches`, `pattern_absent`,
//! `no_plaintext_secret`, plus `env_var_referenced` and `http_header_set`,
//! which look for fixed shapes with comments blanked out first.
//!
//! User regular expressions run on the `regex` crate: linear time in the input
//! (no catastrophic backtracking, so no timeouts are needed), RE2 syntax
//! (look-around and back-references are refused when the assertion is
//! validated), and a bounded compiled size.

use std::sync::Arc;

use regex::{Regex, RegexBuilder};

use crate::cache::SourceFile;
use crate::syntax::{all_nodes, blank_comments, is_string, string_content};
use crate::verdict::{Verdict, line_of, sha256_hex};
use crate::verifier::Cx;

/// Compiles a user pattern with the crate's limits and the given flags.
pub(crate) fn build(pattern: &str, multiline: bool, dotall: bool, size_limit: usize) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .multi_line(multiline)
        .dot_matches_new_line(dotall)
        .size_limit(size_limit)
        .dfa_size_limit(size_limit)
        .nest_limit(100)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(limit) => {
                format!("pattern `{pattern}` refused: its compiled form exceeds {limit} bytes")
            }
            other => {
                format!("invalid pattern `{pattern}`: {}", other.to_string().lines().last().unwrap_or("syntax error"))
            }
        })
}

/// Whether the regex provably can match no input at all (an empty class,
/// for instance). Such a pattern makes `pattern_absent` pass vacuously.
pub(crate) fn can_never_match(pattern: &str, multiline: bool, dotall: bool) -> bool {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(multiline)
        .dot_matches_new_line(dotall)
        .nest_limit(100)
        .build()
        .parse(pattern);
    matches!(hir, Ok(h) if h.properties().minimum_len().is_none())
}

/// The subject of a pattern assertion: a file's text or the platform target.
struct Subject {
    text: String,
    file: Option<Arc<SourceFile>>,
}

fn subject(cx: &Cx<'_>) -> Result<Subject, Verdict> {
    if cx.str("target").is_some() {
        // `target: feature_description` checks text the platform injects
        // (the feature description), never a file.
        return match cx.str("target_content") {
            Some(t) => Ok(Subject { text: t.to_owned(), file: None }),
            None => Err(cx.fail("target `feature_description` needs `target_content` (injected by the platform)")),
        };
    }
    let rel = cx.req("file")?;
    let f = cx.text_file(rel)?;
    Ok(Subject { text: f.text.clone(), file: Some(f) })
}

/// The scoped part of the text: from the first `scope_start` match (searched
/// line-anchored) to the end of the first `scope_end` match after it, else
/// to the end of the text. Returns the slice's offset too.
fn scope<'t>(cx: &Cx<'_>, text: &'t str) -> Result<(usize, &'t str), Verdict> {
    let limit = cx.v.options.regex_size_limit;
    let Some(start_pat) = cx.str("scope_start") else {
        if cx.str("scope_end").is_some() {
            return Err(cx.fail("`scope_end` needs `scope_start`"));
        }
        return Ok((0, text));
    };
    let start_re = build(start_pat, true, false, limit).map_err(|e| cx.fail(e))?;
    let Some(m) = start_re.find(text) else {
        return Err(cx.fail(format!("scope start `{start_pat}` not found")));
    };
    let mut end = text.len();
    if let Some(end_pat) = cx.str("scope_end") {
        let end_re = build(end_pat, true, false, limit).map_err(|e| cx.fail(e))?;
        if let Some(e) = end_re.find_at(text, m.end()) {
            end = e.end();
        }
    }
    Ok((m.start(), &text[m.start()..end]))
}

fn attach(v: Verdict, s: &Subject, line: Option<u32>) -> Verdict {
    match &s.file {
        Some(f) => v.with_file(&f.rel).with_line(line).with_hash(f.sha256()),
        None => v.with_line(line).with_hash(sha256_hex(s.text.as_bytes())),
    }
}

/// `pattern_matches` (`want_match`) and `pattern_absent`.
pub(crate) fn pattern(cx: &Cx<'_>, want_match: bool) -> Verdict {
    match pattern_inner(cx, want_match) {
        Ok(v) | Err(v) => v,
    }
}

fn pattern_inner(cx: &Cx<'_>, want_match: bool) -> Result<Verdict, Verdict> {
    let pat = cx.req("pattern")?;
    let (ml, dotall) = (cx.flag("multiline"), cx.flag("dotall"));
    let re = build(pat, ml, dotall, cx.v.options.regex_size_limit).map_err(|e| cx.fail(e))?;
    if want_match && re.is_match("") {
        return Err(
            cx.fail(format!("unfalsifiable pattern `{pat}`: it matches the empty string, so it would match any file"))
        );
    }
    if !want_match && can_never_match(pat, ml, dotall) {
        return Err(cx.fail(format!("pattern `{pat}` refused: it can match nothing, so its absence proves nothing")));
    }
    let s = subject(cx)?;
    let (offset, scoped) = scope(cx, &s.text).map_err(|v| attach(v, &s, None))?;
    let mut zero_width = false;
    let mut witness = None;
    for m in re.find_iter(scoped) {
        if m.is_empty() {
            zero_width = true;
        } else {
            witness = Some(m);
            break;
        }
    }
    let where_ = if offset > 0 || cx.str("scope_start").is_some() { " in the scope" } else { "" };
    Ok(match (want_match, witness) {
        (true, Some(m)) => {
            let line = line_of(&s.text, offset + m.start());
            attach(cx.pass(format!("pattern `{pat}` matched{where_} at line {line}")), &s, Some(line))
        }
        (true, None) if zero_width => {
            attach(cx.fail(format!("unwitnessed pattern `{pat}`: it matched only with zero width{where_}")), &s, None)
        }
        (true, None) => attach(cx.fail(format!("pattern `{pat}` not found{where_}")), &s, None),
        (false, Some(m)) => {
            let line = line_of(&s.text, offset + m.start());
            attach(cx.fail(format!("pattern `{pat}` found{where_} at line {line}")), &s, Some(line))
        }
        (false, None) if zero_width => {
            attach(cx.fail(format!("pattern `{pat}` matched{where_} (with zero width)")), &s, None)
        }
        (false, None) => attach(cx.pass(format!("pattern `{pat}` absent{where_}")), &s, None),
    })
}

/// `no_plaintext_secret`: none of the patterns occurs. The matched text is
/// never echoed (it may be the secret); only the pattern index and line are.
pub(crate) fn no_plaintext_secret(cx: &Cx<'_>) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("file")?;
        let pats: Vec<String> = cx.array("patterns").iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
        if pats.is_empty() {
            return Err(cx.fail("`patterns` must list at least one pattern"));
        }
        let mut regexes = Vec::new();
        for p in &pats {
            if can_never_match(p, false, false) {
                return Err(cx.fail(format!("pattern `{p}` refused: it can match nothing")));
            }
            regexes.push(build(p, false, false, cx.v.options.regex_size_limit).map_err(|e| cx.fail(e))?);
        }
        let f = cx.text_file(rel)?;
        let mut hits = Vec::new();
        let mut first_line = None;
        for (i, re) in regexes.iter().enumerate() {
            if let Some(m) = re.find(&f.text) {
                let line = line_of(&f.text, m.start());
                first_line = first_line.or(Some(line));
                hits.push(format!("pattern {i} (`{}`) at line {line}", pats[i]));
            }
        }
        let v = if hits.is_empty() {
            cx.pass(format!("none of {} secret patterns occurs", pats.len()))
        } else {
            cx.fail(format!("possible plaintext secret: {}", hits.join("; ")))
        };
        Ok(v.with_file(&f.rel).with_line(first_line).with_hash(f.sha256()))
    };
    run().unwrap_or_else(|v| v)
}

/// The file's text with comments blanked: by syntax tree for supported
/// languages, else `#` comments of shell-like config formats.
fn code_text(cx: &Cx<'_>, f: &SourceFile) -> String {
    if let Some(lang) = f.lang()
        && let Ok(tree) = f.tree(lang, cx.v.options.parse_budget)
    {
        return blank_comments(&f.text, &tree);
    }
    let hash_comments =
        [".env", ".sh", ".bash", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties", ".rb"]
            .iter()
            .any(|ext| f.rel.ends_with(ext))
            || f.rel.rsplit('/').next().is_some_and(|n| n == "Dockerfile" || n.starts_with(".env"));
    if !hash_comments {
        return f.text.clone();
    }
    f.text
        .lines()
        .map(|l| if l.trim_start().starts_with('#') { " ".repeat(l.len()) } else { l.to_owned() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `env_var_referenced`: a read of the variable through a known API, in code
/// (comments blanked), or a `${VAR}` / `$VAR` reference in config and scripts.
pub(crate) fn env_var_referenced(cx: &Cx<'_>) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("file")?;
        let var = cx.req("variable")?;
        let f = cx.text_file(rel)?;
        let v = regex::escape(var);
        let q = r#"['"`]"#;
        let shapes = [
            format!(r#"\benviron\s*\[\s*{q}{v}{q}"#),
            format!(r#"\benviron\.get\s*\(\s*{q}{v}{q}"#),
            format!(r#"\b(?:getenv|GetEnv|Getenv|LookupEnv|secure_getenv|_wgetenv|getEnv)\s*\(\s*{q}{v}{q}"#),
            format!(r#"\bprocess\.env\.{v}\b"#),
            format!(r#"\bprocess\.env\s*\[\s*{q}{v}{q}"#),
            format!(r#"\bimport\.meta\.env\.{v}\b"#),
            format!(r#"\bDeno\.env\.get\s*\(\s*{q}{v}{q}"#),
            format!(r#"\benv::(?:var|var_os)\s*\(\s*"{v}""#),
            format!(r#"\b(?:option_)?env!\s*\(\s*"{v}""#),
            format!(r#"\bSystem\.getenv\s*\(\s*"{v}""#),
            format!(r#"\bGetEnvironmentVariable\s*\(\s*"{v}""#),
            format!(r#"\bENV\s*\[\s*{q}{v}{q}"#),
            format!(r#"\bENV\.fetch\s*\(\s*{q}{v}{q}"#),
            format!(r#"\benv\s*\(\s*{q}{v}{q}"#),
            format!(r#"\$\{{{v}(?:[:?=+\-][^}}]*)?\}}"#),
            format!(r#"\$env:{v}\b"#),
            format!(r#"\${v}\b"#),
        ];
        let text = code_text(cx, &f);
        for shape in &shapes {
            let re = build(shape, false, false, cx.v.options.regex_size_limit).map_err(|e| cx.fail(e))?;
            if let Some(m) = re.find(&text) {
                let line = line_of(&text, m.start());
                return Ok(cx
                    .pass(format!("`{var}` is read at line {line}"))
                    .with_file(&f.rel)
                    .with_line(Some(line))
                    .with_hash(f.sha256()));
            }
        }
        Ok(cx
            .fail(format!("no read of environment variable `{var}` found (comments are ignored)"))
            .with_file(&f.rel)
            .with_hash(f.sha256()))
    };
    run().unwrap_or_else(|v| v)
}

/// `http_header_set`: in code, the header name (any case) as a whole string
/// literal, as the start of a `Name: value` literal, or as the constant
/// `NAME_WITH_UNDERSCORES` (e.g. the `http` crate's `X_FRAME_OPTIONS`); in
/// other files, as a whole token with comments blanked.
pub(crate) fn http_header_set(cx: &Cx<'_>) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("file")?;
        let header = cx.req("header")?.trim();
        let f = cx.text_file(rel)?;
        let lower = header.to_ascii_lowercase();
        let constant = header.to_ascii_uppercase().replace('-', "_");
        let found = |line: u32, how: &str| {
            cx.pass(format!("header `{header}` {how} at line {line}"))
                .with_file(&f.rel)
                .with_line(Some(line))
                .with_hash(f.sha256())
        };
        if let Some(lang) = f.lang() {
            let tree = f.tree(lang, cx.v.options.parse_budget).map_err(|e| Verdict::error(cx.ty, e))?;
            for n in all_nodes(&tree) {
                let kind = n.kind();
                if is_string(kind) {
                    let content = string_content(n, &f.text).to_ascii_lowercase();
                    let content = content.trim();
                    if content == lower
                        || content.strip_prefix(&lower).is_some_and(|rest| rest.trim_start().starts_with(':'))
                    {
                        return Ok(found(crate::syntax::line(n), "named in a string literal"));
                    }
                } else if kind.ends_with("identifier") && crate::syntax::text(n, &f.text) == constant {
                    return Ok(found(crate::syntax::line(n), "named by constant"));
                }
            }
            return Ok(cx
                .fail(format!("header `{header}` not named in any string literal or header constant"))
                .with_file(&f.rel)
                .with_hash(f.sha256()));
        }
        let text = code_text(cx, &f);
        let re = build(
            &format!(r"(?i)(?:^|[^A-Za-z0-9_-]){}(?:$|[^A-Za-z0-9_-])", regex::escape(header)),
            false,
            false,
            cx.v.options.regex_size_limit,
        )
        .map_err(|e| cx.fail(e))?;
        match re.find(&text) {
            Some(m) => Ok(found(line_of(&text, m.start() + 1), "named")),
            None => Ok(cx.fail(format!("header `{header}` not found")).with_file(&f.rel).with_hash(f.sha256())),
        }
    };
    run().unwrap_or_else(|v| v)
}
