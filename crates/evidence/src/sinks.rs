//! `sink_default_deny` and `typed_boundary`: claims about *every* site of
//! declared sinks in a scope.
//!
//! Both enumerate the whole scope (or refuse), parse every file, find every
//! site of each sink, its aliases and declared wrappers, and judge each
//! guarded argument. `sink_default_deny` admits the safe static forms the
//! claim names; `typed_boundary` admits only values of the boundary type
//! built by its declared constructors, and then checks that every
//! construction in scope takes static input. A site that is neither is a
//! violation unless a reviewed allowlist entry names it; an allowlist entry
//! naming no violation is stale, and a claim resting on no site (or only on
//! exceptions) proves nothing, so all of those fail.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::Value;
use tree_sitter::{Node, Tree};

use crate::cache::SourceFile;
use crate::defs::{call_path, normalize_path, path_names};
use crate::forms::{FileSyntax, Forms, classify, quote, unwrap};
use crate::lang::Lang;
use crate::scope::enumerate;
use crate::sites::{Sink, SinkKind, SinkTable, aliases, call_args, escapes, forwarded, leaf, site_line, sites};
use crate::syntax::{all_nodes, line};
use crate::verdict::{Verdict, sha256_hex};
use crate::verifier::Cx;

/// Aliases of aliases are followed this many rounds; a longer chain is
/// refused rather than half-followed.
const MAX_ALIAS_ROUNDS: usize = 12;

/// How many violations the details list.
const SHOWN: usize = 5;

/// What the typed variant adds.
struct Boundary {
    /// Normalised type name and its leaf.
    ty: String,
    /// Normalised constructor paths.
    constructors: Vec<String>,
}

impl Boundary {
    /// Whether a call path builds the boundary type.
    fn constructs(&self, path: &str) -> bool {
        let ty_leaf = leaf(&self.ty);
        path_names(path, &self.ty)
            || leaf(path) == ty_leaf
            || self.constructors.iter().any(|c| path_names(path, c))
            || path.rsplit_once('.').is_some_and(|(recv, _)| leaf(recv) == ty_leaf && leaf(path) == "new")
    }
}

/// One violation.
struct Violation {
    file: String,
    line: u32,
    /// The sink as declared, and the callee as written (an alias or a
    /// receiver-qualified name); an allowlist entry may name either.
    callee: String,
    written: String,
    why: String,
}

#[derive(Default)]
struct Tally {
    sites: usize,
    by_form: usize,
    forwarded: usize,
    constructions: usize,
    violations: Vec<Violation>,
}

pub(crate) fn sink_default_deny(cx: &Cx<'_>) -> Verdict {
    run(cx, None).unwrap_or_else(|v| v)
}

pub(crate) fn typed_boundary(cx: &Cx<'_>) -> Verdict {
    let boundary = || -> Result<Boundary, Verdict> {
        let ty = normalize_path(cx.req("boundary_type")?);
        let constructors = strings(&cx.array("constructors")).iter().map(|c| normalize_path(c)).collect();
        Ok(Boundary { ty, constructors })
    };
    match boundary() {
        Ok(b) => run(cx, Some(&b)).unwrap_or_else(|v| v),
        Err(v) => v,
    }
}

fn strings(items: &[Value]) -> Vec<String> {
    items.iter().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// The declared sinks and wrappers as a table by leaf name.
fn declared(cx: &Cx<'_>) -> Result<SinkTable, Verdict> {
    let mut table = SinkTable::new();
    for item in cx.array("sinks") {
        let callee = item.get("callee").and_then(Value::as_str).unwrap_or("").trim().to_owned();
        let kind = match item.get("kind").and_then(Value::as_str).unwrap_or("call") {
            "call" | "method" | "function" | "constructor" | "macro" => SinkKind::Call,
            "assign" | "property" => SinkKind::Assign,
            other => {
                return Err(cx.fail(format!(
                    "sink `{callee}`: kind `{other}` is not supported (call, constructor, macro or assign)"
                )));
            }
        };
        let positions = item
            .get("positions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_u64).filter_map(|p| usize::try_from(p).ok()).collect::<Vec<_>>());
        let key = leaf(&normalize_path(&callee)).to_owned();
        if key.is_empty() {
            return Err(cx.fail("a sink needs a non-empty `callee`"));
        }
        table.insert(key, Sink { callee, kind, positions });
    }
    for w in strings(&cx.array("wrappers")) {
        let key = leaf(&normalize_path(&w)).to_owned();
        table.entry(key).or_insert(Sink { callee: w, kind: SinkKind::Call, positions: None });
    }
    Ok(table)
}

/// One parsed file of the scope.
struct Parsed {
    file: Arc<SourceFile>,
    lang: Lang,
    tree: Arc<Tree>,
}

fn run(cx: &Cx<'_>, boundary: Option<&Boundary>) -> Result<Verdict, Verdict> {
    let items = strings(&cx.array("scope"));
    let mut table = declared(cx)?;
    let wrappers: BTreeSet<String> =
        strings(&cx.array("wrappers")).iter().map(|w| leaf(&normalize_path(w)).to_owned()).collect();
    let forms = match boundary {
        Some(_) => Forms::statics(),
        None => Forms::from_params(&cx.array("safe_forms")),
    };
    let scope = enumerate(cx.v.root(), &items, cx.v.options.max_file_bytes).map_err(|why| cx.fail(why))?;
    if scope.sources.is_empty() {
        return Err(cx.fail(format!(
            "the scope holds no source file in a supported language ({} other file(s)): nothing is proven",
            scope.other_files
        )));
    }
    let mut parsed = Vec::new();
    let mut listing = String::new();
    for rel in &scope.sources {
        let (file, lang, tree) = cx.parsed(rel)?;
        if let Some(bad) = first_error(tree.root_node()) {
            return Err(cx
                .fail(format!(
                    "`{rel}` has a syntax error at line {}: its sites cannot all be enumerated, so the claim is refused",
                    line(bad)
                ))
                .with_file(rel)
                .with_line(Some(line(bad))));
        }
        listing.push_str(&format!("{rel}\t{}\n", file.sha256()));
        parsed.push(Parsed { file, lang, tree });
    }
    let hash = sha256_hex(listing.as_bytes());
    extend_with_aliases(cx, &parsed, &mut table)?;

    // Declared constructors forward their parameters into the boundary type
    // just as wrappers forward theirs into a sink.
    let mut through = wrappers.clone();
    if let Some(b) = boundary {
        through.extend(b.constructors.iter().map(|c| leaf(c).to_owned()));
        through.insert(leaf(&b.ty).to_owned());
    }
    let mut tally = Tally::default();
    for p in &parsed {
        let nodes = all_nodes(&p.tree);
        let fs = FileSyntax { lang: p.lang, src: &p.file.text, nodes: &nodes };
        judge_sinks(&fs, &p.file.rel, &table, boundary, forms, &through, &mut tally);
        for (node, callee) in escapes(p.lang, &nodes, &p.file.text, &table) {
            tally.violations.push(Violation {
                file: p.file.rel.clone(),
                line: line(node),
                written: crate::forms::quote(node, &p.file.text),
                why: format!("`{callee}` is used as a value, not called: its call sites cannot all be seen"),
                callee,
            });
        }
        if let Some(b) = boundary {
            judge_constructions(&fs, &p.file.rel, b, &through, &mut tally);
        }
    }
    Ok(decide(cx, &scope_note(&scope, parsed.len()), tally, hash))
}

fn scope_note(scope: &crate::scope::Scope, parsed: usize) -> String {
    if scope.other_files == 0 {
        format!("{parsed} source file(s)")
    } else {
        format!("{parsed} source file(s), {} other file(s) not searched", scope.other_files)
    }
}

/// The first error or missing node, in document order.
fn first_error(root: Node<'_>) -> Option<Node<'_>> {
    if !root.has_error() {
        return None;
    }
    crate::syntax::descendants(root, |n| n.has_error()).into_iter().find(|n| n.is_error() || n.is_missing())
}

fn extend_with_aliases(cx: &Cx<'_>, parsed: &[Parsed], table: &mut SinkTable) -> Result<(), Verdict> {
    let trees: Vec<(Vec<Node<'_>>, &str)> = parsed.iter().map(|p| (all_nodes(&p.tree), p.file.text.as_str())).collect();
    for _ in 0..MAX_ALIAS_ROUNDS {
        let mut grew = false;
        for (nodes, src) in &trees {
            for (alias, sink) in aliases(nodes, src, table) {
                grew |= table.insert(alias, sink).is_none();
            }
        }
        if !grew {
            return Ok(());
        }
    }
    Err(cx.fail(format!("sink aliases chain through more than {MAX_ALIAS_ROUNDS} names; refused")))
}

#[allow(clippy::too_many_arguments)]
fn judge_sinks(
    fs: &FileSyntax<'_, '_>,
    rel: &str,
    table: &SinkTable,
    boundary: Option<&Boundary>,
    forms: Forms,
    through: &BTreeSet<String>,
    tally: &mut Tally,
) {
    for site in sites(fs.lang, fs.nodes, fs.src, table) {
        tally.sites += 1;
        let mut fwd = false;
        let mut why = None;
        for (i, arg) in site.guarded.iter().enumerate() {
            let at = arg.position.map_or_else(|| format!("argument {}", i + 1), |p| format!("argument {p}"));
            if arg.complex {
                why = Some(format!("{at} `{}…` is an expression inside a macro", quote(arg.node, fs.src)));
                break;
            }
            if arg.splat {
                why = Some(format!("{at} `{}` spreads values into the call", quote(arg.node, fs.src)));
                break;
            }
            if forwarded(fs.lang, arg.node, fs.src, through).is_some() {
                fwd = true;
                continue;
            }
            let judged = match boundary {
                Some(b) => typed_value(fs, arg.node, b),
                None => classify(fs, arg.node, forms).map(|_| ()),
            };
            if let Err(e) = judged {
                why = Some(format!("{at}: {e}"));
                break;
            }
        }
        match why {
            Some(why) => tally.violations.push(Violation {
                file: rel.to_owned(),
                line: site_line(&site),
                callee: site.sink.callee.clone(),
                written: site.path.clone(),
                why,
            }),
            None if fwd => tally.forwarded += 1,
            None => tally.by_form += 1,
        }
    }
}

/// Whether a value is a construction of the boundary type, directly or
/// through a name bound once to one.
fn typed_value(fs: &FileSyntax<'_, '_>, node: Node<'_>, b: &Boundary) -> Result<(), String> {
    let node = unwrap(node);
    if let Some(path) = call_path(fs.lang, node, fs.src)
        && b.constructs(&path)
    {
        return Ok(());
    }
    if node.kind() == "identifier" {
        let name = crate::syntax::text(node, fs.src);
        let found = crate::bindings::bindings_of(fs.nodes, fs.src, name);
        if let [only] = found.as_slice()
            && let Some(value) = only.value
            && let Some(path) = call_path(fs.lang, unwrap(value), fs.src)
            && b.constructs(&path)
        {
            return Ok(());
        }
    }
    Err(format!("`{}` is not a `{}` built by its declared constructors", quote(node, fs.src), b.ty))
}

/// Every construction of the boundary type must take static input only.
fn judge_constructions(
    fs: &FileSyntax<'_, '_>,
    rel: &str,
    b: &Boundary,
    through: &BTreeSet<String>,
    tally: &mut Tally,
) {
    for n in fs.nodes {
        let Some(path) = call_path(fs.lang, *n, fs.src) else { continue };
        if !b.constructs(&path) {
            continue;
        }
        tally.constructions += 1;
        for arg in call_args(*n) {
            if forwarded(fs.lang, arg.node, fs.src, through).is_some() {
                continue;
            }
            let judged = if arg.splat || arg.complex {
                Err(format!("`{}` is not a single static value", quote(arg.node, fs.src)))
            } else {
                classify(fs, arg.node, Forms::statics()).map(|_| ())
            };
            if let Err(e) = judged {
                tally.violations.push(Violation {
                    file: rel.to_owned(),
                    line: line(*n),
                    callee: path.clone(),
                    written: path.clone(),
                    why: format!("construction of `{}` from non-static input: {e}", b.ty),
                });
                break;
            }
        }
    }
}

/// A reviewed exception.
struct Allowed {
    file: String,
    line: u64,
    callee: String,
    used: bool,
}

fn allowlist(cx: &Cx<'_>) -> Vec<Allowed> {
    cx.array("allowlist")
        .iter()
        .filter(|e| {
            // Validation requires these; an entry without a reason or a
            // reviewer is never an exception.
            ["reason", "reviewed_by"]
                .iter()
                .all(|k| e.get(*k).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty()))
        })
        .map(|e| Allowed {
            file: e.get("file").and_then(Value::as_str).unwrap_or("").trim_start_matches("./").to_owned(),
            line: e.get("site").and_then(Value::as_u64).unwrap_or(0),
            callee: e.get("callee").and_then(Value::as_str).unwrap_or("").to_owned(),
            used: false,
        })
        .collect()
}

fn decide(cx: &Cx<'_>, scope: &str, tally: Tally, hash: String) -> Verdict {
    let mut allowed = allowlist(cx);
    let mut open = Vec::new();
    let mut excepted = 0usize;
    for v in tally.violations {
        let entry = allowed.iter_mut().find(|a| {
            a.file == v.file
                && a.line == u64::from(v.line)
                && [&v.callee, &v.written].iter().any(|c| leaf(&normalize_path(&a.callee)) == leaf(&normalize_path(c)))
        });
        match entry {
            Some(a) => {
                a.used = true;
                excepted += 1;
            }
            None => open.push(v),
        }
    }
    let counts = format!(
        "{} sink site(s) in {scope}: {} by safe form, {} forwarded through declared wrappers, {excepted} allowlisted{}",
        tally.sites,
        tally.by_form,
        tally.forwarded,
        if tally.constructions > 0 { format!("; {} construction site(s)", tally.constructions) } else { String::new() }
    );
    if let Some(first) = open.first() {
        let shown: Vec<String> =
            open.iter().take(SHOWN).map(|v| format!("{}:{} `{}`: {}", v.file, v.line, v.written, v.why)).collect();
        let more = if open.len() > SHOWN { format!(" (and {} more)", open.len() - SHOWN) } else { String::new() };
        return cx
            .fail(format!("{} violation(s); {counts}. {}{more}", open.len(), shown.join("; ")))
            .with_file(&first.file)
            .with_line(Some(first.line))
            .with_hash(hash);
    }
    let stale: Vec<String> =
        allowed.iter().filter(|a| !a.used).map(|a| format!("{}:{} `{}`", a.file, a.line, a.callee)).collect();
    if !stale.is_empty() {
        return cx
            .fail(format!("stale allowlist entr(ies) naming no violation: {}; {counts}", stale.join(", ")))
            .with_hash(hash);
    }
    if tally.sites == 0 {
        return cx.fail(format!("no site of the declared sinks in {scope}: nothing is proven")).with_hash(hash);
    }
    if tally.by_form == 0 {
        return cx
            .fail(format!("no site is safe by its form, every one rests on an exception or a wrapper: {counts}"))
            .with_hash(hash);
    }
    cx.pass(counts).with_hash(hash)
}
