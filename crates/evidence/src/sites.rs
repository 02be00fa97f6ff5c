//! Sink sites in a syntax tree: calls (method, function, constructor, macro)
//! and property assignments of a declared sink, matched by the leaf name of
//! the callee on any receiver, and the arguments each site passes.
//!
//! Leaf matching is deliberately loose: `db.execute`, `self.cursor.execute`
//! and `execute` are all sites of a sink declared as `cursor.execute`, since
//! which object a receiver is cannot be known from syntax, and a claim about
//! every site must over-approximate.

use std::collections::BTreeMap;

use tree_sitter::Node;

use crate::bindings::{ancestors, binding_of, bindings_of, is_ident};
use crate::defs::{call_path, function_def, normalize_path};
use crate::forms::unwrap;
use crate::lang::Lang;
use crate::syntax::{descendants, is_comment, line, text};

/// How a sink is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SinkKind {
    /// A call, constructor or macro; the guarded values are its arguments.
    Call,
    /// An assignment to a property (`el.innerHTML = v`); the guarded value
    /// is the right-hand side (position 0).
    Assign,
}

/// A declared sink (or wrapper, or alias of either).
#[derive(Debug, Clone)]
pub(crate) struct Sink {
    /// As declared (the name reported and matched against allowlists).
    pub(crate) callee: String,
    pub(crate) kind: SinkKind,
    /// Argument indexes to check; `None`: all.
    pub(crate) positions: Option<Vec<usize>>,
}

/// Sinks by leaf name.
pub(crate) type SinkTable = BTreeMap<String, Sink>;

/// The last segment of a normalised path (`a.b.c` → `c`).
pub(crate) fn leaf(path: &str) -> &str {
    let p = path.trim_end_matches('.');
    p.rsplit('.').next().unwrap_or(p)
}

/// One argument at a site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arg<'t> {
    pub(crate) node: Node<'t>,
    /// Positional index; `None` for keyword arguments.
    pub(crate) position: Option<usize>,
    /// `*args`, `...xs`: could land in any position.
    pub(crate) splat: bool,
    /// A macro argument that is not a single token (cannot be classified).
    pub(crate) complex: bool,
}

/// A site of a sink.
#[derive(Debug, Clone)]
pub(crate) struct Site<'t> {
    pub(crate) node: Node<'t>,
    /// The callee as written, normalised.
    pub(crate) path: String,
    pub(crate) sink: Sink,
    /// The arguments the sink's positions guard.
    pub(crate) guarded: Vec<Arg<'t>>,
}

/// Every site of the table's sinks among `nodes`.
pub(crate) fn sites<'t>(lang: Lang, nodes: &[Node<'t>], src: &str, table: &SinkTable) -> Vec<Site<'t>> {
    let mut out = Vec::new();
    for n in nodes {
        if let Some(path) = call_path(lang, *n, src)
            && let Some(sink) = table.get(leaf(&path)).filter(|s| s.kind == SinkKind::Call)
        {
            let args = call_args(*n);
            out.push(Site { node: *n, path, sink: sink.clone(), guarded: guarded(args, sink.positions.as_deref()) });
        } else if let Some((left, right)) = assignment(*n) {
            let path = normalize_path(text(left, src));
            if let Some(sink) = table.get(leaf(&path)).filter(|s| s.kind == SinkKind::Assign) {
                let arg = Arg { node: right, position: Some(0), splat: false, complex: false };
                out.push(Site { node: *n, path, sink: sink.clone(), guarded: vec![arg] });
            }
        }
    }
    out
}

fn assignment(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    if !matches!(
        node.kind(),
        "assignment"
            | "augmented_assignment"
            | "assignment_expression"
            | "augmented_assignment_expression"
            | "compound_assignment_expr"
            | "assignment_statement"
    ) {
        return None;
    }
    Some((node.child_by_field_name("left")?, node.child_by_field_name("right")?))
}

fn guarded<'t>(args: Vec<Arg<'t>>, positions: Option<&[usize]>) -> Vec<Arg<'t>> {
    match positions {
        None => args,
        Some(pos) => {
            args.into_iter().filter(|a| a.splat || a.complex || a.position.is_some_and(|p| pos.contains(&p))).collect()
        }
    }
}

/// The arguments of a call-like node.
pub(crate) fn call_args(call: Node<'_>) -> Vec<Arg<'_>> {
    if call.kind() == "macro_invocation" {
        return macro_args(call);
    }
    let Some(list) = call.child_by_field_name("arguments") else { return Vec::new() };
    if !matches!(list.kind(), "argument_list" | "arguments") {
        // A generator expression as the only argument, a template tag, ...
        return vec![Arg { node: list, position: Some(0), splat: false, complex: false }];
    }
    let mut out = Vec::new();
    let mut index = 0;
    let mut cursor = list.walk();
    for c in list.named_children(&mut cursor) {
        let k = c.kind();
        if is_comment(k) {
            continue;
        }
        let keyword = k == "keyword_argument" || (k == "argument" && has_kind(c, "name_colon"));
        let splat = matches!(k, "list_splat" | "dictionary_splat" | "spread_element" | "variadic_argument");
        let node = if k == "keyword_argument" { c.child_by_field_name("value").unwrap_or(c) } else { c };
        out.push(Arg { node, position: (!keyword && !splat).then_some(index), splat, complex: false });
        if !keyword && !splat {
            index += 1;
        }
    }
    out
}

fn has_kind(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == kind)
}

/// Macro arguments: the token tree split at top-level commas. A piece of
/// more than one token is an expression we cannot classify.
fn flush<'t>(piece: &mut Vec<Node<'t>>, out: &mut Vec<Arg<'t>>) {
    if let Some(first) = piece.first() {
        let position = Some(out.len());
        out.push(Arg { node: *first, position, splat: false, complex: piece.len() > 1 });
    }
    piece.clear();
}

fn macro_args(call: Node<'_>) -> Vec<Arg<'_>> {
    let mut cursor = call.walk();
    let Some(tree) = call.children(&mut cursor).find(|c| c.kind() == "token_tree") else { return Vec::new() };
    let mut out = Vec::new();
    let mut piece: Vec<Node<'_>> = Vec::new();
    let count = tree.child_count();
    for i in 1..count.saturating_sub(1) {
        let Some(c) = tree.child(i) else { continue };
        if c.kind() == "," {
            flush(&mut piece, &mut out);
        } else if !is_comment(c.kind()) {
            piece.push(c);
        }
    }
    flush(&mut piece, &mut out);
    out
}

/// Names that stand for a sink in some file: `run = db.execute`,
/// `from db import execute as run`, `import { execute as run }`,
/// `use db::execute as run`. Returns the new (alias leaf → sink) pairs not
/// already in the table.
pub(crate) fn aliases(nodes: &[Node<'_>], src: &str, table: &SinkTable) -> Vec<(String, Sink)> {
    let mut out = Vec::new();
    let mut add = |alias: &str, target: &str| {
        let alias = leaf(&normalize_path(alias)).to_owned();
        if let Some(sink) = table.get(leaf(&normalize_path(target)))
            && !alias.is_empty()
            && !table.contains_key(&alias)
        {
            out.push((alias, sink.clone()));
        }
    };
    for n in nodes {
        match n.kind() {
            "aliased_import" | "import_specifier" => {
                if let (Some(name), Some(alias)) = (n.child_by_field_name("name"), n.child_by_field_name("alias")) {
                    add(text(alias, src), text(name, src));
                }
            }
            "use_as_clause" => {
                if let (Some(path), Some(alias)) = (n.child_by_field_name("path"), n.child_by_field_name("alias")) {
                    add(text(alias, src), text(path, src));
                }
            }
            k if is_ident(k) => {
                if let Some(b) = binding_of(*n)
                    && let Some(value) = b.value
                    && is_reference(unwrap(value).kind())
                {
                    add(text(*n, src), text(unwrap(value), src));
                }
            }
            _ => {}
        }
    }
    out
}

fn is_reference(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "attribute"
            | "member_expression"
            | "selector_expression"
            | "field_expression"
            | "scoped_identifier"
            | "member_access_expression"
            | "field_access"
            | "qualified_identifier"
    )
}

/// If `arg` is a parameter of an enclosing definition named in `through`
/// (a declared wrapper or constructor), never rebound in its body, that
/// definition's name: the value is checked at the definition's own call
/// sites instead.
pub(crate) fn forwarded(
    lang: Lang,
    arg: Node<'_>,
    src: &str,
    through: &std::collections::BTreeSet<String>,
) -> Option<String> {
    let arg = unwrap(arg);
    if arg.kind() != "identifier" {
        return None;
    }
    let name = text(arg, src);
    let (def_name, def) = ancestors(arg).find_map(|a| function_def(lang, a, src))?;
    if !through.contains(leaf(&normalize_path(&def_name))) {
        return None;
    }
    let params = def.params?;
    let in_params = descendants(params, |_| true).iter().any(|p| is_ident(p.kind()) && text(*p, src) == name);
    let body = descendants(def.node, |_| true);
    // The parameter itself is the one binding allowed in the definition.
    (in_params && bindings_of(&body, src, name).len() == 1).then_some(def_name)
}

/// 1-based line of a site.
pub(crate) fn site_line(site: &Site<'_>) -> u32 {
    line(site.node)
}

/// Property-like kinds a sink's leaf name can appear as.
fn is_name_leaf(kind: &str) -> bool {
    matches!(kind, "identifier" | "property_identifier" | "field_identifier")
}

/// References to a sink that are not calls: `callbacks.append(db.execute)`,
/// `getattr`-free `f = partial(execute, ...)`. A sink that escapes as a
/// value can be called where no site is visible, so each such reference is
/// a violation (an allowlist entry can still name it). Definitions, imports,
/// alias bindings (already followed), keyword names and map keys are not
/// references.
pub(crate) fn escapes<'t>(lang: Lang, nodes: &[Node<'t>], src: &str, table: &SinkTable) -> Vec<(Node<'t>, String)> {
    let mut out = Vec::new();
    for n in nodes {
        if !is_name_leaf(n.kind()) {
            continue;
        }
        let name = text(*n, src);
        let Some(sink) = table.get(name) else { continue };
        if binding_of(*n).is_some() {
            continue;
        }
        // Climb from the leaf to the whole receiver-qualified expression.
        let mut expr = *n;
        while let Some(p) = expr.parent() {
            let member = matches!(
                p.kind(),
                "attribute"
                    | "member_expression"
                    | "selector_expression"
                    | "field_expression"
                    | "scoped_identifier"
                    | "member_access_expression"
                    | "field_access"
                    | "qualified_identifier"
                    | "generic_function"
                    | "generic_name"
            );
            if !member {
                break;
            }
            expr = p;
        }
        let Some(parent) = expr.parent() else { continue };
        let field_is = |f: &str| parent.child_by_field_name(f).is_some_and(|c| c.id() == expr.id());
        let called = call_path(lang, parent, src).is_some()
            && (field_is("function")
                || field_is("constructor")
                || field_is("macro")
                || field_is("name")
                || field_is("type"));
        let named = matches!(parent.kind(), "keyword_argument" | "pair" | "named_argument" | "name_colon")
            && (field_is("name") || field_is("key"));
        let assigned = sink.kind == SinkKind::Assign && field_is("left");
        let aliased = binding_value_of_alias(parent, expr, src, table);
        let declared = parent.kind().contains("signature") || parent.kind().contains("declaration");
        if !(called || named || assigned || aliased || declared) {
            out.push((expr, sink.callee.clone()));
        }
    }
    out
}

/// Whether `expr` is the value bound to a name that is itself a sink alias.
fn binding_value_of_alias(parent: Node<'_>, expr: Node<'_>, src: &str, table: &SinkTable) -> bool {
    let is_value =
        ["value", "right"].iter().any(|f| parent.child_by_field_name(f).is_some_and(|c| c.id() == expr.id()));
    if !is_value {
        return false;
    }
    ["name", "left", "pattern"]
        .iter()
        .filter_map(|f| parent.child_by_field_name(f))
        .any(|target| table.contains_key(leaf(&normalize_path(text(target, src)))))
}
