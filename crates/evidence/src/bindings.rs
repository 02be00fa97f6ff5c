//! Where a name is bound in one file: declarations, assignments, parameters,
//! loop variables, imports.
//!
//! The static-form rules lean on this: a name is a *named constant* only if
//! the file binds it exactly once, to a literal, in a form nothing outside
//! the file can reassign. So every binding we fail to recognise must err
//! towards "bound again", never towards "constant": the walk from an
//! identifier up to its binding construct passes only through pattern-like
//! wrappers and stops at anything that reads a value.

use tree_sitter::Node;

use crate::lang::Lang;
use crate::syntax::text;

/// One binding of a name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding<'t> {
    /// The declaration or assignment holding it.
    pub(crate) decl: Node<'t>,
    /// The single value bound to exactly this name, if the construct has one.
    pub(crate) value: Option<Node<'t>>,
}

/// Node kinds an identifier can sit in on its way up to the binding
/// construct without the construct stopping being about this name.
const PATTERN_WRAPPERS: &[&str] = &[
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "list_splat_pattern",
    "array_pattern",
    "object_pattern",
    "pair_pattern",
    "rest_pattern",
    "assignment_pattern",
    "expression_list",
    "tuple",
    "list",
    "parenthesized_expression",
    "pointer_declarator",
    "reference_declarator",
    "array_declarator",
    "mut_pattern",
    "ref_pattern",
    "identifier_list",
];

/// Fields of a construct that name what it binds.
const BINDING_FIELDS: &[&str] = &["name", "left", "pattern", "declarator", "alias"];

/// Constructs whose whole text only binds (their identifiers are never reads).
fn binds_everything(kind: &str) -> bool {
    kind.contains("parameter")
        || kind.contains("import")
        || matches!(kind, "use_declaration" | "use_as_clause" | "using_directive" | "catch_declaration")
}

/// Constructs that read their children: climbing stops there.
fn reads(kind: &str) -> bool {
    kind.contains("call")
        || kind.contains("invocation")
        || kind.contains("argument")
        || kind.contains("member")
        || kind.contains("selector")
        || kind.contains("subscript")
        || kind.contains("field_expression")
        || kind.contains("binary")
        || matches!(kind, "attribute" | "keyword_argument")
}

/// Whether this identifier-like node binds its name, and how.
pub(crate) fn binding_of(ident: Node<'_>) -> Option<Binding<'_>> {
    let mut child = ident;
    let mut parent = ident.parent();
    let mut wrapped = false;
    for _ in 0..8 {
        let p = parent?;
        let kind = p.kind();
        if binds_everything(kind) {
            return Some(Binding { decl: p, value: None });
        }
        if reads(kind) {
            return None;
        }
        if BINDING_FIELDS.iter().any(|f| in_field(p, child, f)) {
            // A name inside a destructuring pattern gets part of the value,
            // not the value: no single value is bound to it.
            let value = if wrapped { None } else { value_of(p) };
            return Some(Binding { decl: p, value });
        }
        if !PATTERN_WRAPPERS.contains(&kind) {
            return None;
        }
        // Declarator wrappers (`*p`, `&r`, `mut x`) still bind the whole
        // value; a list or pattern of several names splits it.
        wrapped |= !kind.ends_with("declarator")
            && !matches!(kind, "mut_pattern" | "ref_pattern" | "parenthesized_expression")
            && (p.named_child_count() > 1 || kind.contains("object") || kind.contains("pair") || kind.contains("rest"));
        child = p;
        parent = p.parent();
    }
    None
}

fn in_field(parent: Node<'_>, child: Node<'_>, field: &str) -> bool {
    let mut cursor = parent.walk();
    parent.children_by_field_name(field, &mut cursor).any(|c| c.id() == child.id())
}

/// The value a declaration binds, when it binds one: `value`/`right` field,
/// or (C# declarators) the expression after `=`.
fn value_of(decl: Node<'_>) -> Option<Node<'_>> {
    let v = decl.child_by_field_name("value").or_else(|| decl.child_by_field_name("right"));
    let v = match v {
        Some(v) => v,
        None if decl.kind() == "variable_declarator" => {
            let mut cursor = decl.walk();
            let mut after_eq = false;
            let mut found = None;
            for c in decl.children(&mut cursor) {
                if after_eq && c.is_named() {
                    found = Some(c);
                    break;
                }
                after_eq |= c.kind() == "=";
            }
            found?
        }
        None => return None,
    };
    // `x = y = "a"` and `a, b = ...` bind no single value to this name.
    if matches!(v.kind(), "expression_list" | "pattern_list") {
        return if v.named_child_count() == 1 { v.named_child(0) } else { None };
    }
    Some(v)
}

/// Whether a node is an identifier occurrence.
pub(crate) fn is_ident(kind: &str) -> bool {
    kind.ends_with("identifier") || kind == "shorthand_property_identifier_pattern"
}

/// Every binding of `name` among `nodes`.
pub(crate) fn bindings_of<'t>(nodes: &[Node<'t>], src: &str, name: &str) -> Vec<Binding<'t>> {
    nodes.iter().filter(|n| is_ident(n.kind()) && text(**n, src) == name).filter_map(|n| binding_of(*n)).collect()
}

/// Whether the declaration could be reassigned from outside the file (or
/// through a mutable borrow), so a single binding in the file proves nothing.
pub(crate) fn reassignable(lang: Lang, decl: Node<'_>, src: &str) -> bool {
    let mut scope = decl;
    // The statement-level declaration holds the modifiers.
    for _ in 0..3 {
        if let Some(p) = scope.parent()
            && (p.kind().contains("declaration") || p.kind().contains("item") || p.kind() == "const_declaration")
        {
            scope = p;
        }
    }
    let has_child =
        |n: Node<'_>, kinds: &[&str]| all_nodes_of(n).iter().any(|c| kinds.contains(&c.kind()) && c.id() != n.id());
    match lang {
        // A package-level `var` can be assigned from any file of the package.
        Lang::Go => !matches!(decl.kind(), "const_spec" | "short_var_declaration"),
        Lang::Rust => has_child(decl, &["mutable_specifier"]),
        // Fields are reachable from other classes unless final / const / readonly.
        Lang::Java => scope.kind() == "field_declaration" && !has_modifier(scope, src, &["final"]),
        Lang::CSharp => scope.kind() == "field_declaration" && !has_modifier(scope, src, &["const", "readonly"]),
        // A global without `const` or `static` can be written through `extern`.
        Lang::C | Lang::Cpp => {
            let in_function = ancestors(decl).any(|a| a.kind() == "function_definition");
            !in_function && !has_modifier(scope, src, &["const", "constexpr", "static"])
        }
        // ES module bindings are read-only to importers; Python module
        // attributes can be patched from outside, which we accept as the
        // ordinary reading of a module-level constant.
        _ => false,
    }
}

fn has_modifier(decl: Node<'_>, src: &str, words: &[&str]) -> bool {
    all_nodes_of(decl).iter().any(|n| n.child_count() == 0 && words.contains(&text(*n, src)))
}

fn all_nodes_of(n: Node<'_>) -> Vec<Node<'_>> {
    crate::syntax::descendants(n, |_| true)
}

pub(crate) fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
    std::iter::successors(node.parent(), |n| n.parent())
}
