//! RTL types over Verilog/SystemVerilog: `module_exists`,
//! `module_instantiated`, `port_exists`, `parameter_defined`,
//! `signal_exists`, `sva_assertion_present`, `register_reset`.
//!
//! A tokenizer, not a parser (the tree-sitter Verilog grammar is 45 MB of C):
//! comments, attributes `(* … *)` and string literals are dropped before any
//! decision, so a name in a comment or a `$display` string never counts.
//! Declarations are recognised by their keywords and scanned to their end
//! (`;`, the closing `)` of an ANSI header, or the next direction keyword).

use rampart_assurance::AssertionType;

use crate::patterns::build;
use crate::verdict::Verdict;
use crate::verifier::Cx;

#[derive(Debug, Clone, Copy)]
struct Tok<'s> {
    text: &'s str,
    start: usize,
    end: usize,
}

const OPERATORS: &[&str] = &[
    "|->", "|=>", "===", "!==", "<<<", ">>>", "<=", ">=", "==", "!=", "=>", "->", "::", "##", "**", "<<", ">>", "&&",
    "||",
];

fn tokenize(src: &str) -> Vec<Tok<'_>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if src[i..].starts_with("(*") && b.get(i + 2) != Some(&b')') {
            i = src[i + 2..].find("*)").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' && b[j] != b'\n' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            i = (j + 1).min(b.len());
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c == b'`' {
            let s = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push(Tok { text: &src[s..i], start: s, end: i });
        } else if c == b'\\' {
            let s = i + 1;
            i = s;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            out.push(Tok { text: &src[s..i], start: s, end: i });
        } else if c.is_ascii_digit() || c == b'\'' {
            let s = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'\'' | b'.' | b'?')) {
                i += 1;
            }
            out.push(Tok { text: &src[s..i], start: s, end: i });
        } else {
            let s = i;
            let len = OPERATORS
                .iter()
                .find(|op| src[i..].starts_with(**op))
                .map_or_else(|| src[i..].chars().next().map_or(1, char::len_utf8), |op| op.len());
            i += len;
            out.push(Tok { text: &src[s..i], start: s, end: i });
        }
    }
    out
}

const DIRECTIONS: &[&str] = &["input", "output", "inout", "ref"];
const KEYWORDS: &[&str] = &[
    "input",
    "output",
    "inout",
    "ref",
    "wire",
    "reg",
    "logic",
    "bit",
    "signed",
    "unsigned",
    "var",
    "tri",
    "supply0",
    "supply1",
    "wand",
    "wor",
    "integer",
    "int",
    "byte",
    "shortint",
    "longint",
    "real",
    "time",
    "parameter",
    "localparam",
    "type",
    "const",
    "static",
    "automatic",
    "uwire",
    "interconnect",
];

fn is_ident(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && !t.starts_with('`')
}

/// A module-like unit: its name and token range (header and body).
struct Unit {
    keyword: String,
    name: String,
    range: std::ops::Range<usize>,
}

fn units(toks: &[Tok<'_>]) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let end_kw = match toks[i].text {
            "module" | "macromodule" => "endmodule",
            "program" => "endprogram",
            "interface" => "endinterface",
            "primitive" => "endprimitive",
            _ => {
                i += 1;
                continue;
            }
        };
        let mut n = i + 1;
        while n < toks.len() && matches!(toks[n].text, "automatic" | "static") {
            n += 1;
        }
        let Some(name) = toks.get(n).filter(|t| is_ident(t.text)) else {
            i += 1;
            continue;
        };
        let end = (n..toks.len()).find(|&j| toks[j].text == end_kw).unwrap_or(toks.len());
        out.push(Unit { keyword: toks[i].text.to_owned(), name: name.text.to_owned(), range: i..end });
        i = end.max(i + 1);
    }
    out
}

/// Identifiers declared by the declaration starting at `toks[0]` (a keyword):
/// top-level identifiers up to the end of the declaration, skipping
/// dimensions and initialisers. Also returns each name's initialiser range.
fn declared<'s>(toks: &[Tok<'s>], stop_at_direction: bool) -> Vec<(&'s str, Option<(usize, usize)>)> {
    let mut names: Vec<(&'s str, Option<(usize, usize)>)> = Vec::new();
    let mut depth = 0i32;
    let mut in_init: Option<usize> = None;
    for (k, t) in toks.iter().enumerate().skip(1) {
        match t.text {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" if depth > 0 => depth -= 1,
            ")" | ";" => break,
            "," if depth == 0 => {
                if let (Some(s), Some(last)) = (in_init.take(), names.last_mut()) {
                    last.1 = Some((s, toks[k - 1].end));
                }
                continue;
            }
            "=" if depth == 0 => {
                in_init = toks.get(k + 1).map(|n| n.start);
                continue;
            }
            x if depth == 0 && in_init.is_none() && stop_at_direction && DIRECTIONS.contains(&x) => break,
            x if depth == 0 && in_init.is_none() && matches!(x, "parameter" | "localparam") => break,
            _ => {}
        }
        if depth == 0 && in_init.is_none() && is_ident(t.text) && !KEYWORDS.contains(&t.text) {
            names.push((t.text, None));
        }
    }
    if let (Some(s), Some(last)) = (in_init, names.last_mut()) {
        // Initialiser running to the end of the declaration.
        let end = toks.iter().skip(1).scan(0i32, |d, t| {
            match t.text {
                "(" | "[" | "{" => *d += 1,
                ")" | "]" | "}" if *d > 0 => *d -= 1,
                ")" | ";" | "," if *d == 0 => return None,
                _ => {}
            }
            Some(t.end)
        });
        last.1 = end.last().map(|e| (s, e));
    }
    names
}

pub(crate) fn verify(cx: &Cx<'_>, kind: AssertionType) -> Verdict {
    run(cx, kind).unwrap_or_else(|v| v)
}

fn run(cx: &Cx<'_>, kind: AssertionType) -> Result<Verdict, Verdict> {
    let rel = cx.req("file")?;
    let f = cx.text_file(rel)?;
    let src = f.text.as_str();
    let toks = tokenize(src);
    let all_units = units(&toks);
    let line = |t: &Tok<'_>| crate::verdict::line_of(src, t.start);
    let ok = |msg: String, t: &Tok<'_>| cx.pass(msg).with_file(&f.rel).with_line(Some(line(t))).with_hash(f.sha256());
    let no = |msg: String| cx.fail(msg).with_file(&f.rel).with_hash(f.sha256());
    // The tokens of the named module, or the whole file.
    let scope = |module: Option<&str>| -> Result<std::ops::Range<usize>, Verdict> {
        match module {
            None => Ok(0..toks.len()),
            Some(m) => all_units
                .iter()
                .find(|u| u.name == m)
                .map(|u| u.range.clone())
                .ok_or_else(|| no(format!("module `{m}` not found in `{rel}`"))),
        }
    };
    use AssertionType as T;
    match kind {
        T::ModuleExists => {
            let name = cx.req("name")?;
            match all_units.iter().find(|u| u.name == name && u.keyword != "interface") {
                Some(u) => Ok(ok(format!("{} `{name}` is declared", u.keyword), &toks[u.range.start])),
                None => Ok(no(format!("no module `{name}` in `{rel}`"))),
            }
        }
        T::ModuleInstantiated => {
            let parent = cx.req("parent")?;
            let child = cx.req("child")?;
            let r = scope(Some(parent))?;
            let body = &toks[r];
            for (i, t) in body.iter().enumerate().skip(2) {
                if t.text != child || body[i - 1].text == "." || matches!(body[i - 1].text, "module" | "macromodule") {
                    continue;
                }
                let next = body.get(i + 1).map(|t| t.text);
                let after = body.get(i + 2).map(|t| t.text);
                let inst = next == Some("#") || (next.is_some_and(is_ident) && matches!(after, Some("(" | "[")));
                if inst {
                    return Ok(ok(format!("`{parent}` instantiates `{child}`"), t));
                }
            }
            Ok(no(format!("`{parent}` does not instantiate `{child}`")))
        }
        T::PortExists => {
            let module = cx.req("module")?;
            let port = cx.req("port")?;
            let direction = cx.str("direction");
            let r = scope(Some(module))?;
            let body = &toks[r];
            for (i, t) in body.iter().enumerate() {
                if !DIRECTIONS.contains(&t.text) || direction.is_some_and(|d| d != t.text) {
                    continue;
                }
                if declared(&body[i..], true).iter().any(|(n, _)| *n == port) {
                    return Ok(ok(format!("`{module}` has {} port `{port}`", t.text), t));
                }
            }
            let dir = direction.map_or(String::new(), |d| format!("{d} "));
            Ok(no(format!("`{module}` has no {dir}port `{port}`")))
        }
        T::ParameterDefined => {
            let param = cx.req("parameter")?;
            let r = scope(cx.str("module"))?;
            let body = &toks[r];
            let re = match cx.str("pattern") {
                Some(p) => Some(build(p, false, false, cx.v.options.regex_size_limit).map_err(|e| cx.fail(e))?),
                None => None,
            };
            for (i, t) in body.iter().enumerate() {
                if !matches!(t.text, "parameter" | "localparam") {
                    continue;
                }
                for (name, init) in declared(&body[i..], true) {
                    if name != param {
                        continue;
                    }
                    let Some(re) = &re else {
                        return Ok(ok(format!("{} `{param}` is defined", t.text), t));
                    };
                    let value = init.map_or("", |(s, e)| src.get(s..e).unwrap_or("")).trim();
                    return Ok(if re.is_match(value) {
                        ok(format!("`{param}` = `{value}` matches `{}`", re.as_str()), t)
                    } else {
                        no(format!("`{param}` = `{value}` does not match `{}`", re.as_str())).with_line(Some(line(t)))
                    });
                }
            }
            Ok(no(format!("parameter `{param}` is not defined")))
        }
        T::SignalExists => {
            let name = cx.req("name")?;
            let kinds: Vec<&str> = cx.str("kind").map_or_else(|| vec!["wire", "reg", "logic", "bit"], |k| vec![k]);
            let r = scope(cx.str("module"))?;
            let body = &toks[r];
            for (i, t) in body.iter().enumerate() {
                if kinds.contains(&t.text) && declared(&body[i..], true).iter().any(|(n, _)| *n == name) {
                    return Ok(ok(format!("{} `{name}` is declared", t.text), t));
                }
            }
            Ok(no(format!("no {} signal `{name}` declared", kinds.join("/"))))
        }
        T::SvaAssertionPresent => {
            let name = cx.req("name")?;
            for (i, t) in toks.iter().enumerate() {
                let next = toks.get(i + 1).map(|t| t.text);
                let hit = (matches!(t.text, "property" | "sequence") && next == Some(name))
                    || (t.text == name
                        && next == Some(":")
                        && toks
                            .get(i + 2)
                            .is_some_and(|t| matches!(t.text, "assert" | "assume" | "cover" | "restrict")))
                    || (matches!(t.text, "assert" | "assume" | "cover")
                        && next == Some("property")
                        && toks.get(i + 2).is_some_and(|t| t.text == "(")
                        && toks.get(i + 3).is_some_and(|t| t.text == name));
                if hit {
                    return Ok(ok(format!("assertion or property `{name}` is present"), t));
                }
            }
            Ok(no(format!("no assertion or property `{name}`")))
        }
        T::RegisterReset => {
            let signal = cx.req("signal")?;
            let reset = cx.str("reset");
            let boundaries = [
                "always",
                "always_ff",
                "always_latch",
                "always_comb",
                "initial",
                "final",
                "endmodule",
                "assign",
                "module",
            ];
            let starts: Vec<usize> = (0..toks.len()).filter(|&i| boundaries.contains(&toks[i].text)).collect();
            for (n, &s) in starts.iter().enumerate() {
                if !toks[s].text.starts_with("always") {
                    continue;
                }
                let block = &toks[s..starts.get(n + 1).copied().unwrap_or(toks.len())];
                let mentions_reset = block.iter().any(|t| match reset {
                    Some(r) => t.text == r,
                    None => {
                        let l = t.text.to_ascii_lowercase();
                        is_ident(t.text) && (l.contains("rst") || l.contains("reset"))
                    }
                });
                if !mentions_reset {
                    continue;
                }
                for (i, t) in block.iter().enumerate().skip(1) {
                    if t.text != signal || !matches!(block[i - 1].text, ";" | "begin" | "else" | ")" | ":" | "end") {
                        continue;
                    }
                    // Skip an index or slice: `q[3] <= ...`.
                    let mut j = i + 1;
                    while block.get(j).is_some_and(|t| t.text == "[") {
                        j = block[j..].iter().position(|t| t.text == "]").map_or(block.len(), |p| j + p + 1);
                    }
                    if block.get(j).is_some_and(|t| t.text == "<=" || t.text == "=") {
                        let r = reset.unwrap_or("a reset");
                        return Ok(ok(format!("`{signal}` is assigned in an always block sensitive to {r}"), t));
                    }
                }
            }
            Ok(no(format!("`{signal}` is not assigned in any always block that mentions the reset")))
        }
        _ => Err(cx.fail("not an RTL type")),
    }
}
