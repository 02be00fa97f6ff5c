//! Dependency types: `dependency_exists` and `dependency_version`, over
//! manifests and lock files, with each ecosystem's own version semantics.
//!
//! | file | ecosystem | versions |
//! |---|---|---|
//! | `Cargo.toml`, `Cargo.lock` | Cargo | semver (`semver` crate), Cargo requirement syntax |
//! | `package.json`, `package-lock.json`, `yarn.lock` (v1 and Berry), `pnpm-lock.yaml` | npm | semver; npm ranges (`||`, hyphen, `x`) translated to semver requirements |
//! | `requirements*.txt` / `*.txt`, `pyproject.toml` (PEP 621, PEP 735, Poetry), `poetry.lock`, `uv.lock` | Python | PEP 440 (`pep440_rs`) |
//! | `go.mod` | Go | semver with the `v` prefix; pseudo-versions ordered as pre-releases |
//! | `pom.xml` | Maven | numeric segments; `[a,b)` ranges or `>=a, <b` clauses |
//!
//! A lock file (or an exact pin) gives the version that is installed: every
//! locked version of the package must satisfy the constraint. A manifest
//! range gives only what may be installed: its *lowest admitted version*
//! must satisfy the constraint (so `^1.2` does not prove `>=1.3`), and a
//! range with no lower bound proves nothing. Prefer lock files.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::str::FromStr;

use semver::{Comparator, Op, Version, VersionReq};
use serde_json::Value;

use crate::verdict::Verdict;
use crate::verifier::Cx;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eco {
    Cargo,
    Npm,
    Python,
    Go,
    Maven,
}

/// What a manifest says about one package.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spec {
    /// Exactly this version (lock file, exact pin, Go requirement).
    Locked(String),
    /// A requirement (range) as written; empty means any version.
    Range(String),
    /// Not from a registry (path, git, workspace): no version to check.
    Unversioned(String),
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    spec: Spec,
}

pub(crate) fn verify(cx: &Cx<'_>, version: bool) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("manifest")?;
        let package = cx.req("package")?.trim();
        let f = cx.text_file(rel)?;
        let attach = |v: Verdict| v.with_file(&f.rel).with_hash(f.sha256());
        let file_name = rel.rsplit('/').next().unwrap_or(rel);
        let (eco, entries) = parse_manifest(file_name, &f.text).map_err(|e| attach(cx.fail(e)))?;
        let matches: Vec<&Entry> = entries.iter().filter(|e| same_name(eco, &e.name, package)).collect();
        if matches.is_empty() {
            return Ok(attach(cx.fail(format!("`{package}` is not declared in `{rel}`"))));
        }
        if !version {
            return Ok(attach(cx.pass(format!("`{package}` is declared in `{rel}` ({})", describe(&matches[0].spec)))));
        }
        let constraint = cx.req("constraint")?;
        let mut notes = Vec::new();
        for e in &matches {
            match satisfies(eco, &e.spec, constraint) {
                Ok(note) => notes.push(note),
                Err(why) => return Ok(attach(cx.fail(format!("`{package}`: {why}")))),
            }
        }
        Ok(attach(cx.pass(format!("`{package}` satisfies `{constraint}`: {}", notes.join("; ")))))
    };
    run().unwrap_or_else(|v| v)
}

fn describe(spec: &Spec) -> String {
    match spec {
        Spec::Locked(v) => format!("version {v}"),
        Spec::Range(r) if r.is_empty() => "any version".to_owned(),
        Spec::Range(r) => format!("requirement `{r}`"),
        Spec::Unversioned(s) => format!("from {s}"),
    }
}

/// PEP 503 normalisation: lower case, runs of `-_.` become `-`.
fn pep503(name: &str) -> String {
    let mut out = String::new();
    let mut sep = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

fn same_name(eco: Eco, declared: &str, wanted: &str) -> bool {
    match eco {
        Eco::Python => pep503(declared) == pep503(wanted),
        Eco::Cargo => declared.replace('_', "-") == wanted.replace('_', "-"),
        Eco::Maven => declared == wanted || declared.rsplit_once(':').is_some_and(|(_, artifact)| artifact == wanted),
        Eco::Npm | Eco::Go => declared == wanted,
    }
}

fn parse_manifest(name: &str, text: &str) -> Result<(Eco, Vec<Entry>), String> {
    let toml_value = || toml::from_str::<toml::Value>(text).map_err(|e| format!("invalid TOML in `{name}`: {e}"));
    let json_value = || serde_json::from_str::<Value>(text).map_err(|e| format!("invalid JSON in `{name}`: {e}"));
    Ok(match name {
        "Cargo.toml" => (Eco::Cargo, cargo_toml(&toml_value()?)),
        "Cargo.lock" => (Eco::Cargo, toml_lock(&toml_value()?)),
        "package.json" => (Eco::Npm, package_json(&json_value()?)),
        "package-lock.json" | "npm-shrinkwrap.json" => (Eco::Npm, package_lock(&json_value()?)),
        "yarn.lock" => (Eco::Npm, locked(crate::js_locks::yarn_lock(text)?)),
        "pnpm-lock.yaml" => (Eco::Npm, locked(crate::js_locks::pnpm_lock(text)?)),
        "pyproject.toml" => (Eco::Python, pyproject(&toml_value()?)),
        "poetry.lock" | "uv.lock" | "pdm.lock" => (Eco::Python, toml_lock(&toml_value()?)),
        "go.mod" => (Eco::Go, go_mod(text)?),
        "pom.xml" => (Eco::Maven, pom(text)?),
        n if n.ends_with(".txt") || n.ends_with(".in") => (Eco::Python, requirements(text)),
        n => return Err(format!("unsupported manifest `{n}`")),
    })
}

fn cargo_entries(table: Option<&toml::Value>, out: &mut Vec<Entry>) {
    let Some(toml::Value::Table(t)) = table else { return };
    for (key, v) in t {
        let (name, spec) = match v {
            toml::Value::String(s) => (key.clone(), Spec::Range(s.clone())),
            toml::Value::Table(d) => {
                let name = d.get("package").and_then(toml::Value::as_str).unwrap_or(key).to_owned();
                let spec = match d.get("version").and_then(toml::Value::as_str) {
                    Some(v) => Spec::Range(v.to_owned()),
                    None if d.contains_key("workspace") => Spec::Unversioned("the workspace".to_owned()),
                    None if d.contains_key("git") => Spec::Unversioned("git".to_owned()),
                    None => Spec::Unversioned("a path".to_owned()),
                };
                (name, spec)
            }
            _ => continue,
        };
        out.push(Entry { name, spec });
    }
}

fn cargo_toml(v: &toml::Value) -> Vec<Entry> {
    let mut out = Vec::new();
    let sections = ["dependencies", "dev-dependencies", "build-dependencies"];
    for s in sections {
        cargo_entries(v.get(s), &mut out);
    }
    if let Some(toml::Value::Table(targets)) = v.get("target") {
        for t in targets.values() {
            for s in sections {
                cargo_entries(t.get(s), &mut out);
            }
        }
    }
    cargo_entries(v.get("workspace").and_then(|w| w.get("dependencies")), &mut out);
    out
}

/// `[[package]] name, version` lock files (Cargo, Poetry, uv, PDM).
fn toml_lock(v: &toml::Value) -> Vec<Entry> {
    let Some(toml::Value::Array(pkgs)) = v.get("package") else { return Vec::new() };
    pkgs.iter()
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?.to_owned();
            let version = p.get("version")?.as_str()?.to_owned();
            Some(Entry { name, spec: Spec::Locked(version) })
        })
        .collect()
}

fn locked(pairs: Vec<(String, String)>) -> Vec<Entry> {
    pairs.into_iter().map(|(name, version)| Entry { name, spec: Spec::Locked(version) }).collect()
}

fn npm_spec(spec: &str) -> (Option<String>, Spec) {
    let spec = spec.trim();
    if let Some(alias) = spec.strip_prefix("npm:") {
        // `npm:real-name@range`; the scope's `@` is not the separator.
        let at = alias.get(1..).and_then(|s| s.find('@')).map(|i| i + 1);
        return match at {
            Some(i) => (Some(alias[..i].to_owned()), Spec::Range(alias[i + 1..].to_owned())),
            None => (Some(alias.to_owned()), Spec::Range(String::new())),
        };
    }
    let foreign = ["file:", "link:", "git", "http:", "https:", "github:", "workspace:", "portal:", "patch:"];
    if foreign.iter().any(|p| spec.starts_with(p)) || spec.contains('/') {
        return (None, Spec::Unversioned(spec.to_owned()));
    }
    (None, Spec::Range(spec.to_owned()))
}

fn package_json(v: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    for section in ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] {
        if let Some(Value::Object(deps)) = v.get(section) {
            for (name, spec) in deps {
                let Some(spec) = spec.as_str() else { continue };
                let (real, spec) = npm_spec(spec);
                out.push(Entry { name: name.clone(), spec: spec.clone() });
                if let Some(real) = real {
                    out.push(Entry { name: real, spec });
                }
            }
        }
    }
    out
}

fn package_lock(v: &Value) -> Vec<Entry> {
    let mut out = Vec::new();
    if let Some(Value::Object(pkgs)) = v.get("packages") {
        for (path, p) in pkgs {
            let Some(i) = path.rfind("node_modules/") else { continue };
            let name = p.get("name").and_then(Value::as_str).unwrap_or(&path[i + "node_modules/".len()..]);
            if let Some(version) = p.get("version").and_then(Value::as_str) {
                out.push(Entry { name: name.to_owned(), spec: Spec::Locked(version.to_owned()) });
            }
        }
    }
    // Lock file v1: nested `dependencies`.
    let mut stack: Vec<&Value> = v.get("dependencies").into_iter().collect();
    while let Some(Value::Object(deps)) = stack.pop() {
        for (name, d) in deps {
            if let Some(version) = d.get("version").and_then(Value::as_str) {
                out.push(Entry { name: name.clone(), spec: Spec::Locked(version.to_owned()) });
            }
            if let Some(nested) = d.get("dependencies") {
                stack.push(nested);
            }
        }
    }
    out
}

/// One PEP 508 requirement: `name[extras] specifiers ; markers` or `name @ url`.
fn pep508(line: &str) -> Option<Entry> {
    let line = line.split(';').next().unwrap_or("").trim();
    let end = line.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(line.len());
    let name = &line[..end];
    if name.is_empty() {
        return None;
    }
    let mut rest = line[end..].trim();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| rest[i + 1..].trim());
    }
    if let Some(url) = rest.strip_prefix('@') {
        return Some(Entry { name: name.to_owned(), spec: Spec::Unversioned(url.trim().to_owned()) });
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let spec = match rest.strip_prefix("==") {
        Some(v) if !v.contains([',', '*']) => Spec::Locked(v.trim().to_owned()),
        _ => Spec::Range(rest.to_owned()),
    };
    Some(Entry { name: name.to_owned(), spec })
}

fn requirements(text: &str) -> Vec<Entry> {
    let joined = text.replace("\\\r\n", " ").replace("\\\n", " ");
    joined
        .lines()
        .map(|l| l.split(" #").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('-'))
        .filter_map(pep508)
        .collect()
}

fn pyproject(v: &toml::Value) -> Vec<Entry> {
    let mut out = Vec::new();
    let strings = |a: Option<&toml::Value>, out: &mut Vec<Entry>| {
        if let Some(toml::Value::Array(items)) = a {
            out.extend(items.iter().filter_map(toml::Value::as_str).filter_map(pep508));
        }
    };
    let project = v.get("project");
    strings(project.and_then(|p| p.get("dependencies")), &mut out);
    for table in [project.and_then(|p| p.get("optional-dependencies")), v.get("dependency-groups")] {
        if let Some(toml::Value::Table(groups)) = table {
            for g in groups.values() {
                strings(Some(g), &mut out);
            }
        }
    }
    let poetry = v.get("tool").and_then(|t| t.get("poetry"));
    let mut poetry_tables: Vec<&toml::Value> = Vec::new();
    if let Some(p) = poetry {
        poetry_tables.extend(p.get("dependencies"));
        poetry_tables.extend(p.get("dev-dependencies"));
        if let Some(toml::Value::Table(groups)) = p.get("group") {
            poetry_tables.extend(groups.values().filter_map(|g| g.get("dependencies")));
        }
    }
    for t in poetry_tables {
        let toml::Value::Table(t) = t else { continue };
        for (name, spec) in t {
            if name == "python" {
                continue;
            }
            let spec = match spec {
                toml::Value::String(s) => Spec::Range(s.clone()),
                toml::Value::Table(d) => match d.get("version").and_then(toml::Value::as_str) {
                    Some(s) => Spec::Range(s.to_owned()),
                    None => Spec::Unversioned("a path or git source".to_owned()),
                },
                _ => continue,
            };
            out.push(Entry { name: name.clone(), spec });
        }
    }
    out
}

fn go_mod(text: &str) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let spec_line = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let mut parts = spec_line.split_whitespace();
        match (parts.next(), parts.next()) {
            (Some(module), Some(version)) => {
                out.push(Entry { name: module.to_owned(), spec: Spec::Locked(version.to_owned()) });
            }
            _ => return Err(format!("go.mod line {}: expected `module version`", i + 1)),
        }
    }
    Ok(out)
}

fn pom(text: &str) -> Result<Vec<Entry>, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut props: BTreeMap<String, String> = BTreeMap::new();
    let mut deps: Vec<BTreeMap<String, String>> = Vec::new();
    let mut current: Option<BTreeMap<String, String>> = None;
    loop {
        match reader.read_event().map_err(|e| format!("invalid pom.xml: {e}"))? {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                if name == "dependency" {
                    current = Some(BTreeMap::new());
                }
                path.push(name);
            }
            Event::End(_) => {
                if path.pop().as_deref() == Some("dependency")
                    && let Some(d) = current.take()
                {
                    deps.push(d);
                }
            }
            Event::Text(t) => {
                let value = t.xml_content(quick_xml::XmlVersion::Implicit1_0).trim().to_owned();
                let n = path.len();
                if n >= 2 && path[n - 2] == "properties" && n == 3 {
                    props.insert(path[n - 1].clone(), value);
                } else if let Some(d) = current.as_mut()
                    && n >= 2
                    && path[n - 2] == "dependency"
                {
                    d.insert(path[n - 1].clone(), value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let resolve = |v: &str| {
        let mut v = v.to_owned();
        // Property references, a few levels deep at most.
        for _ in 0..8 {
            let Some(start) = v.find("${") else { break };
            let Some(len) = v[start..].find('}') else { break };
            let key = v[start + 2..start + len].to_owned();
            let Some(value) = props.get(&key) else { break };
            v.replace_range(start..start + len + 1, value);
        }
        v
    };
    Ok(deps
        .into_iter()
        .filter_map(|d| {
            let artifact = d.get("artifactId")?.clone();
            let group = d.get("groupId").cloned().unwrap_or_default();
            let spec = match d.get("version") {
                Some(v) => {
                    let v = resolve(v);
                    if v.contains("${") {
                        Spec::Unversioned(format!("an unresolved property `{v}`"))
                    } else if v.starts_with(['[', '(']) {
                        Spec::Range(v)
                    } else {
                        Spec::Locked(v)
                    }
                }
                None => Spec::Unversioned("a managed version".to_owned()),
            };
            Some(Entry { name: format!("{group}:{artifact}"), spec })
        })
        .collect())
}

// ---------------------------------------------------------------- semver

fn parse_semver(v: &str) -> Result<Version, String> {
    let t = v.trim().trim_start_matches('=').trim_start_matches('v');
    Version::parse(t).map_err(|e| format!("version `{v}` is not semver: {e}"))
}

/// npm range → alternatives of semver requirements.
fn npm_range(range: &str) -> Result<Vec<VersionReq>, String> {
    let mut alts = Vec::new();
    for alt in range.split("||") {
        let alt = alt.trim();
        let comparators: Vec<String> = if let Some((lo, hi)) = alt.split_once(" - ") {
            vec![format!(">={}", lo.trim()), format!("<={}", hi.trim())]
        } else {
            let mut tokens: Vec<String> = Vec::new();
            let mut pending = String::new();
            for tok in alt.replace(',', " ").split_whitespace() {
                if tok.chars().all(|c| matches!(c, '<' | '>' | '=' | '~' | '^')) {
                    pending.push_str(tok);
                } else {
                    tokens.push(format!("{pending}{tok}"));
                    pending.clear();
                }
            }
            tokens
        };
        let mut parts = Vec::new();
        for c in comparators {
            let op_len = c.find(|ch: char| !matches!(ch, '<' | '>' | '=' | '~' | '^')).unwrap_or(c.len());
            let (op, ver) = c.split_at(op_len);
            let ver = ver.trim_start_matches('v').replace(['x', 'X'], "*");
            if ver == "*" || ver.is_empty() {
                continue;
            }
            let op = if op.is_empty() { "=" } else { op };
            parts.push(format!("{op}{ver}"));
        }
        let req = if parts.is_empty() { Ok(VersionReq::STAR) } else { parts.join(", ").parse() }
            .map_err(|e| format!("range `{alt}` is not understood: {e}"))?;
        alts.push(req);
    }
    Ok(alts)
}

fn cargo_req(req: &str) -> Result<Vec<VersionReq>, String> {
    VersionReq::parse(req.trim()).map(|r| vec![r]).map_err(|e| format!("requirement `{req}` is not understood: {e}"))
}

/// A comparator's bounds: (lower inclusive, upper exclusive-or-inclusive).
fn bounds(c: &Comparator) -> (Option<Version>, Option<(Version, bool)>) {
    let (maj, min, pat) = (c.major, c.minor, c.patch);
    let v = |a, b, d| Version::new(a, b, d);
    let mut base = v(maj, min.unwrap_or(0), pat.unwrap_or(0));
    base.pre = c.pre.clone();
    let next = || match (min, pat) {
        (Some(m), Some(p)) => v(maj, m, p + 1),
        (Some(m), None) => v(maj, m + 1, 0),
        _ => v(maj + 1, 0, 0),
    };
    match c.op {
        Op::Exact | Op::Wildcard => match pat {
            Some(_) => (Some(base.clone()), Some((base, true))),
            None => (Some(base), Some((next(), false))),
        },
        Op::Greater => match pat {
            Some(_) => (Some(next()), None),
            None => (Some(next()), None),
        },
        Op::GreaterEq => (Some(base), None),
        Op::Less => (None, Some((base, false))),
        Op::LessEq => match pat {
            Some(_) => (None, Some((base, true))),
            None => (None, Some((next(), false))),
        },
        Op::Tilde => {
            let upper = if min.is_some() { v(maj, min.unwrap_or(0) + 1, 0) } else { v(maj + 1, 0, 0) };
            (Some(base), Some((upper, false)))
        }
        Op::Caret => {
            let upper = match (maj, min, pat) {
                (0, Some(0), Some(p)) => v(0, 0, p + 1),
                (0, Some(m), _) => v(0, m + 1, 0),
                (m, _, _) => v(m + 1, 0, 0),
            };
            (Some(base), Some((upper, false)))
        }
        _ => (None, None),
    }
}

/// The lowest version a requirement admits (`None`: no lower bound).
fn lowest(req: &VersionReq) -> Option<Version> {
    let lower = req.comparators.iter().filter_map(|c| bounds(c).0).max()?;
    req.matches(&lower).then_some(lower)
}

/// Ordering-based matching (no pre-release opt-in rule): for Go, where
/// pseudo-versions are pre-releases ordered before their base version.
fn matches_by_order(req: &VersionReq, v: &Version) -> bool {
    req.comparators.iter().all(|c| {
        let (lo, hi) = bounds(c);
        lo.is_none_or(|lo| v >= &lo)
            && hi.is_none_or(|(hi, inclusive)| match v.cmp(&hi) {
                Ordering::Less => true,
                Ordering::Equal => inclusive,
                Ordering::Greater => false,
            })
    })
}

// ---------------------------------------------------------------- maven

fn maven_parts(v: &str) -> Vec<u64> {
    v.trim().split(['.', '-']).map_while(|p| p.parse::<u64>().ok()).collect()
}

fn maven_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (maven_parts(a), maven_parts(b));
    let n = a.len().max(b.len());
    (0..n).map(|i| a.get(i).unwrap_or(&0).cmp(b.get(i).unwrap_or(&0))).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
}

/// Maven ranges (`[1.0,2.0)`, unions with `,` between ranges) or clauses.
fn maven_matches(constraint: &str, v: &str) -> Result<bool, String> {
    let c = constraint.trim();
    if c.starts_with(['[', '(']) {
        let mut any = false;
        let mut rest = c;
        while let Some(open) = rest.find(['[', '(']) {
            let close = rest[open..].find([']', ')']).ok_or_else(|| format!("range `{c}` is not closed"))? + open;
            let body = &rest[open + 1..close];
            let (lo, hi) = body.split_once(',').unwrap_or((body, body));
            let lo_ok = lo.trim().is_empty() || {
                let o = maven_cmp(v, lo);
                o.is_gt() || (o.is_eq() && rest.as_bytes()[open] == b'[')
            };
            let hi_ok = hi.trim().is_empty() || {
                let o = maven_cmp(v, hi);
                o.is_lt() || (o.is_eq() && rest.as_bytes()[close] == b']')
            };
            any |= lo_ok && hi_ok;
            rest = &rest[close + 1..];
        }
        return Ok(any);
    }
    for clause in c.split(',') {
        let clause = clause.trim();
        let op_len = clause.find(|ch: char| !matches!(ch, '<' | '>' | '=' | '!')).unwrap_or(clause.len());
        let (op, ver) = clause.split_at(op_len);
        if maven_parts(ver).is_empty() {
            return Err(format!("constraint `{clause}` has no numeric version"));
        }
        let o = maven_cmp(v, ver);
        let ok = match op {
            ">=" => o.is_ge(),
            ">" => o.is_gt(),
            "<=" => o.is_le(),
            "<" => o.is_lt(),
            "!=" => o.is_ne(),
            "" | "=" | "==" => o.is_eq(),
            _ => return Err(format!("operator `{op}` is not understood")),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------- python

/// The lowest version a Python requirement admits (PEP 440 or Poetry
/// syntax), by its lower-bounding clauses.
fn python_lowest(spec: &str) -> Option<pep440_rs::Version> {
    spec.split(',')
        .filter_map(|clause| {
            let clause = clause.trim();
            let op_len = clause.find(|c: char| !matches!(c, '<' | '>' | '=' | '~' | '^' | '!')).unwrap_or(clause.len());
            let (op, ver) = clause.split_at(op_len);
            if !matches!(op, "" | "==" | "===" | "~=" | ">=" | ">" | "^" | "~" | "~~") {
                return None;
            }
            let ver = ver.trim().trim_end_matches(".*");
            pep440_rs::Version::from_str(ver).ok()
        })
        .max()
}

// ---------------------------------------------------------------- check

/// Whether a spec satisfies the constraint: `Ok(note)` or `Err(why not)`.
fn satisfies(eco: Eco, spec: &Spec, constraint: &str) -> Result<String, String> {
    let (version, how) = match spec {
        Spec::Unversioned(from) => return Err(format!("declared from {from}, so it has no version to check")),
        Spec::Locked(v) => (v.clone(), format!("version {v}")),
        Spec::Range(r) => {
            let low = match eco {
                Eco::Cargo | Eco::Npm => {
                    let alts = if eco == Eco::Cargo { cargo_req(r)? } else { npm_range(r)? };
                    let lows: Option<Vec<Version>> = alts.iter().map(lowest).collect();
                    lows.and_then(|l| l.into_iter().min()).map(|v| v.to_string())
                }
                Eco::Python => python_lowest(r).map(|v| v.to_string()),
                Eco::Maven => r.trim_start_matches(['[', '(']).split(',').next().map(|s| s.trim().to_owned()),
                Eco::Go => Some(r.clone()),
            };
            match low.filter(|l| !l.is_empty()) {
                Some(l) => (l.clone(), format!("requirement `{r}` admits versions from {l}")),
                None => return Err(format!("requirement `{r}` has no lower bound, so it admits any version")),
            }
        }
    };
    let ok = match eco {
        Eco::Cargo => {
            let v = parse_semver(&version)?;
            cargo_req(constraint)?.iter().any(|r| r.matches(&v))
        }
        Eco::Npm => {
            let v = parse_semver(&version)?;
            npm_range(constraint)?.iter().any(|r| r.matches(&v))
        }
        Eco::Go => {
            let v = parse_semver(&version)?;
            let c: String = constraint.replace(['v', 'V'], "");
            cargo_req(&c)?.iter().any(|r| matches_by_order(r, &v))
        }
        Eco::Python => {
            let v = pep440_rs::Version::from_str(version.trim())
                .map_err(|e| format!("version `{version}` is not PEP 440: {e}"))?;
            let specs = pep440_rs::VersionSpecifiers::from_str(constraint)
                .map_err(|e| format!("constraint `{constraint}` is not PEP 440: {e}"))?;
            specs.contains(&v)
        }
        Eco::Maven => maven_matches(constraint, &version)?,
    };
    if ok { Ok(how) } else { Err(format!("{how}, which does not satisfy `{constraint}`")) }
}
