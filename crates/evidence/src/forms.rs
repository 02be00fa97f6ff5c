//! Static forms of an argument: what a value passed to a sink is, decided on
//! its syntax alone.
//!
//! - `literal`: a string, number, boolean or null literal with nothing
//!   interpolated into it (adjacent literals `"a" "b"` included);
//! - `named_constant`: a bare name the file binds exactly once, to a literal
//!   or a concatenation of literals, in a declaration nothing outside the
//!   file can reassign;
//! - `literal_concat`: `+` over literals and named constants;
//! - `parameter_binding`: a literal list, tuple, array or map whose elements
//!   are themselves admitted forms (bound query parameters).
//!
//! Anything else, a call, an attribute, a parameter, an f-string, is dynamic.

use serde_json::Value;
use tree_sitter::Node;

use crate::bindings::{bindings_of, reassignable};
use crate::lang::Lang;
use crate::syntax::{is_comment, text};

/// The forms a claim admits.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Forms {
    pub(crate) literal: bool,
    pub(crate) named_constant: bool,
    pub(crate) literal_concat: bool,
    pub(crate) parameter_binding: bool,
}

impl Forms {
    /// From the `safe_forms` parameter (validation checked the names).
    pub(crate) fn from_params(items: &[Value]) -> Forms {
        let has = |n: &str| items.iter().any(|i| i.as_str() == Some(n));
        Forms {
            literal: has("literal"),
            named_constant: has("named_constant"),
            literal_concat: has("literal_concat"),
            parameter_binding: has("parameter_binding"),
        }
    }

    /// What a construction of a boundary type may take: static scalars only.
    pub(crate) fn statics() -> Forms {
        Forms { literal: true, named_constant: true, literal_concat: true, parameter_binding: false }
    }
}

/// One file's syntax, as the classifier needs it.
pub(crate) struct FileSyntax<'t, 's> {
    pub(crate) lang: Lang,
    pub(crate) src: &'s str,
    pub(crate) nodes: &'s [Node<'t>],
}

/// Guards recursion through constants that name constants.
const MAX_DEPTH: usize = 8;

/// How far a snippet of source is quoted in a reason.
const QUOTE: usize = 60;

pub(crate) fn quote(node: Node<'_>, src: &str) -> String {
    let t: String = text(node, src).split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > QUOTE { format!("{}…", t.chars().take(QUOTE).collect::<String>()) } else { t }
}

/// Strips syntax that does not change the value: parentheses, C# argument
/// wrappers, TypeScript `as const` / `!`, Rust `&`.
pub(crate) fn unwrap(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..MAX_DEPTH {
        let inner = match node.kind() {
            "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression" => {
                node.named_child(0)
            }
            "argument" => node.named_child(u32::try_from(node.named_child_count().saturating_sub(1)).unwrap_or(0)),
            "reference_expression" => node.child_by_field_name("value"),
            _ => None,
        };
        match inner {
            Some(i) if !is_comment(i.kind()) => node = i,
            _ => break,
        }
    }
    node
}

fn is_number(kind: &str) -> bool {
    kind.contains("integer")
        || kind.contains("float")
        || matches!(kind, "number" | "number_literal" | "int_literal" | "real_literal" | "imaginary_literal")
}

fn is_constant_word(kind: &str) -> bool {
    matches!(
        kind,
        "true"
            | "false"
            | "boolean_literal"
            | "boolean"
            | "none"
            | "null"
            | "null_literal"
            | "nil"
            | "undefined"
            | "nullptr"
    )
}

fn has_child_kind(node: Node<'_>, kinds: &[&str]) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| kinds.contains(&c.kind()))
}

/// `Ok(())` if the node is a literal; `Err(reason)` if it is a string with
/// something interpolated; `None` if it is not a literal at all.
fn literal(node: Node<'_>, src: &str) -> Option<Result<(), String>> {
    let kind = node.kind();
    if is_number(kind) || is_constant_word(kind) || kind == "char_literal" {
        return Some(Ok(()));
    }
    match kind {
        "string" if has_child_kind(node, &["interpolation"]) => {
            Some(Err(format!("`{}` interpolates values into the string", quote(node, src))))
        }
        "template_string" if has_child_kind(node, &["template_substitution"]) => {
            Some(Err(format!("`{}` substitutes values into the template", quote(node, src))))
        }
        "interpolated_string_expression" if has_child_kind(node, &["interpolation"]) => {
            Some(Err(format!("`{}` interpolates values into the string", quote(node, src))))
        }
        "concatenated_string" => {
            let mut cursor = node.walk();
            let parts: Vec<Node<'_>> = node.named_children(&mut cursor).filter(|c| !is_comment(c.kind())).collect();
            for p in parts {
                match literal(p, src) {
                    Some(Ok(())) => {}
                    Some(Err(e)) => return Some(Err(e)),
                    None => return Some(Err(format!("`{}` is not a literal", quote(p, src)))),
                }
            }
            Some(Ok(()))
        }
        "string"
        | "string_literal"
        | "raw_string_literal"
        | "interpreted_string_literal"
        | "template_string"
        | "verbatim_string_literal"
        | "interpolated_string_expression"
        | "text_block" => Some(Ok(())),
        // `#define NAME "text"`: the replacement is raw text; only a single
        // quoted string counts.
        "preproc_arg" => {
            let t = text(node, src).trim();
            let quoted = t.len() >= 2 && t.starts_with('"') && t.ends_with('"') && !t[1..t.len() - 1].contains('"');
            quoted.then_some(Ok(()))
        }
        _ => None,
    }
}

/// Container literals whose elements can be checked one by one.
fn is_container(kind: &str) -> bool {
    matches!(
        kind,
        "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "array"
            | "object"
            | "composite_literal"
            | "literal_value"
            | "array_expression"
            | "tuple_expression"
            | "array_initializer"
            | "array_creation_expression"
            | "initializer_expression"
            | "implicit_array_creation_expression"
            | "initializer_list"
    )
}

/// The form of `node` under `forms`, or why it is not an admitted form.
pub(crate) fn classify(fs: &FileSyntax<'_, '_>, node: Node<'_>, forms: Forms) -> Result<&'static str, String> {
    classify_at(fs, node, forms, 0)
}

fn classify_at(fs: &FileSyntax<'_, '_>, node: Node<'_>, forms: Forms, depth: usize) -> Result<&'static str, String> {
    if depth > MAX_DEPTH {
        return Err("nested too deeply to classify".to_owned());
    }
    let node = unwrap(node);
    let src = fs.src;
    let kind = node.kind();
    if let Some(lit) = literal(node, src) {
        lit?;
        return admit(forms.literal, "literal", node, src);
    }
    if kind == "identifier" {
        named_constant(fs, node, depth)?;
        return admit(forms.named_constant, "named_constant", node, src);
    }
    if matches!(kind, "binary_operator" | "binary_expression") {
        let op = node.child_by_field_name("operator").map(|o| text(o, src)).unwrap_or("");
        if op != "+" {
            return Err(format!("`{}` computes a value with `{op}`", quote(node, src)));
        }
        for side in ["left", "right"] {
            let Some(operand) = node.child_by_field_name(side) else {
                return Err(format!("`{}` is incomplete", quote(node, src)));
            };
            // The pieces of a concatenation are literals or named constants
            // (or concatenations of them), never a nested collection.
            let piece = Forms { parameter_binding: false, literal: true, literal_concat: true, ..forms };
            classify_at(fs, operand, piece, depth + 1)?;
        }
        return admit(forms.literal_concat, "literal_concat", node, src);
    }
    if is_container(kind) {
        for element in elements(node) {
            classify_at(fs, element, forms, depth + 1)?;
        }
        return admit(forms.parameter_binding, "parameter_binding", node, src);
    }
    Err(format!("`{}` is dynamic ({})", quote(node, src), kind.replace('_', " ")))
}

fn admit(allowed: bool, form: &'static str, node: Node<'_>, src: &str) -> Result<&'static str, String> {
    if allowed { Ok(form) } else { Err(format!("`{}` is a {form}, which safe_forms does not admit", quote(node, src))) }
}

/// The values inside a container literal (keys of maps too: a computed key
/// is as dynamic as a computed value; bare property names are not values).
fn elements(node: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            let k = c.kind();
            if is_comment(k) || k.contains("type") || k == "property_identifier" || k == "field_identifier" {
                continue;
            }
            if matches!(
                k,
                "pair"
                    | "keyed_element"
                    | "literal_element"
                    | "literal_value"
                    | "initializer_list"
                    | "array_initializer"
            ) && n.id() != c.id()
            {
                stack.push(c);
                continue;
            }
            out.push(c);
        }
    }
    out
}

/// `Ok` if the identifier is a named constant (bound once to a static value
/// nothing else can reassign).
fn named_constant(fs: &FileSyntax<'_, '_>, ident: Node<'_>, depth: usize) -> Result<(), String> {
    let name = text(ident, fs.src);
    let bindings = bindings_of(fs.nodes, fs.src, name);
    let [only] = bindings.as_slice() else {
        return Err(if bindings.is_empty() {
            format!("`{name}` is not bound in this file (a parameter, global or import from elsewhere)")
        } else {
            format!("`{name}` is bound {} times in this file, so it is not a named constant", bindings.len())
        });
    };
    let Some(value) = only.value else {
        return Err(format!("`{name}` is bound without a single value (parameter, import, loop or destructuring)"));
    };
    if reassignable(fs.lang, only.decl, fs.src) {
        return Err(format!("`{name}` is declared mutable or reachable from outside the file"));
    }
    let statics = Forms { parameter_binding: false, ..Forms::statics() };
    classify_at(fs, value, statics, depth + 1)
        .map(|_| ())
        .map_err(|why| format!("`{name}` is not bound to a static value: {why}"))
}
