//! What counts as a definition, a class, a call, a decorator and an import in
//! each language's syntax tree. Everything here is decided on node kinds, so a
//! name in a comment, in a string or at a call site is never a definition.

use tree_sitter::Node;

use crate::lang::Lang;
use crate::syntax::{field, string_content, text};

/// One function-like definition.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Def<'t> {
    /// The whole definition (its text is the evidence).
    pub(crate) node: Node<'t>,
    /// Where the executable part starts: a block, or a lambda's expression.
    pub(crate) body: Option<Node<'t>>,
    pub(crate) params: Option<Node<'t>>,
}

fn is_function_value(kind: &str) -> bool {
    matches!(
        kind,
        "arrow_function"
            | "function_expression"
            | "function"
            | "generator_function"
            | "lambda"
            | "func_literal"
            | "closure_expression"
            | "lambda_expression"
    )
}

/// A function value's parts (body and parameters).
fn value_def<'t>(decl: Node<'t>, value: Node<'t>) -> Def<'t> {
    let params = value.child_by_field_name("parameters").or_else(|| value.child_by_field_name("parameter"));
    Def { node: decl, body: value.child_by_field_name("body").or(Some(value)), params }
}

/// The named child that is a function value, if any (C# declarators keep the
/// initialiser as an unnamed-field child).
fn function_child(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).find(|c| is_function_value(c.kind()))
}

/// Unwraps a C/C++ declarator down to the declared name node.
fn declarator_name(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..32 {
        match node.child_by_field_name("declarator") {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The last segment of a C++ qualified name, and its scope.
fn split_qualified<'s>(node: Node<'_>, src: &'s str) -> (&'s str, Option<&'s str>) {
    if node.kind() == "qualified_identifier" {
        let scope = field(node, "scope", src);
        let mut leaf = node;
        for _ in 0..32 {
            match leaf.child_by_field_name("name") {
                Some(n) if leaf.kind() == "qualified_identifier" => leaf = n,
                _ => break,
            }
        }
        return (text(leaf, src), scope);
    }
    (text(node, src), None)
}

/// If `node` defines a function, its name and parts.
pub(crate) fn function_def<'t>(lang: Lang, node: Node<'t>, src: &str) -> Option<(String, Def<'t>)> {
    let kind = node.kind();
    let plain = |node: Node<'t>| {
        let name = field(node, "name", src)?;
        Some((
            name.to_owned(),
            Def { node, body: node.child_by_field_name("body"), params: node.child_by_field_name("parameters") },
        ))
    };
    match lang {
        Lang::Python => match kind {
            "function_definition" => plain(node),
            "assignment" => {
                let value = node.child_by_field_name("right").filter(|v| v.kind() == "lambda")?;
                let left = node.child_by_field_name("left")?;
                let name = match left.kind() {
                    "identifier" => text(left, src),
                    "attribute" => field(left, "attribute", src)?,
                    _ => return None,
                };
                Some((name.to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        l if l.is_js() => match kind {
            "function_declaration" | "generator_function_declaration" | "method_definition" => plain(node),
            "function_expression" | "function" | "generator_function" => plain(node),
            "variable_declarator" => {
                let value = node.child_by_field_name("value").filter(|v| is_function_value(v.kind()))?;
                Some((field(node, "name", src)?.to_owned(), value_def(node, value)))
            }
            "assignment_expression" => {
                let value = node.child_by_field_name("right").filter(|v| is_function_value(v.kind()))?;
                let left = node.child_by_field_name("left")?;
                let name = match left.kind() {
                    "identifier" => text(left, src),
                    "member_expression" => field(left, "property", src)?,
                    _ => return None,
                };
                Some((name.to_owned(), value_def(node, value)))
            }
            "pair" | "field_definition" | "public_field_definition" => {
                let value = node.child_by_field_name("value").filter(|v| is_function_value(v.kind()))?;
                let key = node
                    .child_by_field_name("key")
                    .or_else(|| node.child_by_field_name("property"))
                    .or_else(|| node.child_by_field_name("name"))?;
                let name = if key.kind() == "string" { string_content(key, src) } else { text(key, src).to_owned() };
                Some((name, value_def(node, value)))
            }
            _ => None,
        },
        Lang::Go => match kind {
            "function_declaration" | "method_declaration" => plain(node),
            "short_var_declaration" | "assignment_statement" | "var_spec" => {
                let right = node.child_by_field_name("right").or_else(|| node.child_by_field_name("value"))?;
                let value = function_child(right)?;
                let left = node.child_by_field_name("left").or_else(|| node.child_by_field_name("name"))?;
                let name_node = if left.kind() == "expression_list" { left.named_child(0)? } else { left };
                Some((text(name_node, src).to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        Lang::Rust => match kind {
            "function_item" => plain(node),
            "let_declaration" => {
                let value = node.child_by_field_name("value").filter(|v| v.kind() == "closure_expression")?;
                let pattern = node.child_by_field_name("pattern").filter(|p| p.kind() == "identifier")?;
                Some((text(pattern, src).to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        Lang::Java => match kind {
            "method_declaration" | "constructor_declaration" | "compact_constructor_declaration" => plain(node),
            "variable_declarator" => {
                let value = node.child_by_field_name("value").filter(|v| v.kind() == "lambda_expression")?;
                Some((field(node, "name", src)?.to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        Lang::CSharp => match kind {
            "method_declaration"
            | "constructor_declaration"
            | "local_function_statement"
            | "destructor_declaration" => plain(node),
            "variable_declarator" => {
                let value = function_child(node)?;
                Some((field(node, "name", src)?.to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        Lang::C | Lang::Cpp => match kind {
            "function_definition" => {
                let decl = node.child_by_field_name("declarator")?;
                // The function declarator holds the parameters; its own
                // declarator the name.
                let mut fdecl = decl;
                for _ in 0..32 {
                    if fdecl.kind() == "function_declarator" {
                        break;
                    }
                    fdecl = fdecl.child_by_field_name("declarator")?;
                }
                let name_node = declarator_name(fdecl);
                let (name, _) = split_qualified(name_node, src);
                Some((
                    name.to_owned(),
                    Def {
                        node,
                        body: node.child_by_field_name("body"),
                        params: fdecl.child_by_field_name("parameters"),
                    },
                ))
            }
            "init_declarator" => {
                let value = node.child_by_field_name("value").filter(|v| v.kind() == "lambda_expression")?;
                let name = text(declarator_name(node), src);
                Some((name.to_owned(), value_def(node, value)))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The enclosing type (class, impl, receiver, C++ scope) of a definition.
pub(crate) fn qualifier(lang: Lang, def: Node<'_>, src: &str) -> Option<String> {
    let strip = |t: &str| {
        let t = t.trim().trim_start_matches('*').trim_start_matches('&');
        t.split(['<', '[']).next().unwrap_or(t).trim().to_owned()
    };
    match lang {
        Lang::Go if def.kind() == "method_declaration" => {
            let receiver = def.child_by_field_name("receiver")?;
            let t = text(receiver, src).trim_matches(|c| c == '(' || c == ')');
            return t.split_whitespace().last().map(strip);
        }
        Lang::C | Lang::Cpp if def.kind() == "function_definition" => {
            let name_node = declarator_name(def.child_by_field_name("declarator")?);
            if let (_, Some(scope)) = split_qualified(name_node, src) {
                return Some(strip(scope.rsplit("::").next().unwrap_or(scope)));
            }
        }
        _ => {}
    }
    let mut p = def.parent();
    while let Some(n) = p {
        match n.kind() {
            "impl_item" => return field(n, "type", src).map(strip),
            k if class_kind(lang, k) => return class_name(lang, n, src),
            _ => {}
        }
        p = n.parent();
    }
    None
}

fn class_kind(lang: Lang, kind: &str) -> bool {
    match lang {
        Lang::Python => kind == "class_definition",
        l if l.is_js() => matches!(
            kind,
            "class_declaration" | "abstract_class_declaration" | "interface_declaration" | "enum_declaration" | "class"
        ),
        Lang::Go => kind == "type_spec",
        Lang::Rust => matches!(kind, "struct_item" | "enum_item" | "trait_item" | "union_item"),
        Lang::Java => matches!(
            kind,
            "class_declaration"
                | "interface_declaration"
                | "enum_declaration"
                | "record_declaration"
                | "annotation_type_declaration"
        ),
        Lang::CSharp => matches!(
            kind,
            "class_declaration"
                | "struct_declaration"
                | "interface_declaration"
                | "enum_declaration"
                | "record_declaration"
                | "record_struct_declaration"
        ),
        Lang::C | Lang::Cpp => {
            matches!(
                kind,
                "struct_specifier" | "union_specifier" | "enum_specifier" | "class_specifier" | "type_definition"
            )
        }
        _ => false,
    }
}

/// If `node` declares a class-like type (with a body: a forward declaration
/// or a use of `struct X` is not one), its name.
pub(crate) fn class_name(lang: Lang, node: Node<'_>, src: &str) -> Option<String> {
    let kind = node.kind();
    if !class_kind(lang, kind) {
        return None;
    }
    match lang {
        Lang::Go => {
            let ty = node.child_by_field_name("type")?;
            matches!(ty.kind(), "struct_type" | "interface_type")
                .then(|| field(node, "name", src).map(str::to_owned))?
        }
        Lang::C | Lang::Cpp if kind == "type_definition" => {
            let ty = node.child_by_field_name("type")?;
            ty.child_by_field_name("body")?;
            Some(text(declarator_name(node.child_by_field_name("declarator")?), src).to_owned())
        }
        Lang::C | Lang::Cpp => {
            node.child_by_field_name("body")?;
            let name = node.child_by_field_name("name")?;
            Some(split_qualified(name, src).0.to_owned())
        }
        _ => field(node, "name", src).map(str::to_owned),
    }
}

/// Normalises a callee or decorator path: whitespace removed, `::`, `->` and
/// `?.` read as `.`, trailing generic arguments and a macro `!` dropped.
pub(crate) fn normalize_path(t: &str) -> String {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let mut t = t.replace("?.", ".").replace("::", ".").replace("->", ".");
    if t.ends_with('>')
        && let Some(i) = t.find('<')
    {
        t.truncate(i);
    }
    t.trim_end_matches('!').trim_start_matches('@').to_owned()
}

/// Whether a normalised path names `want` (itself normalised): equal, or
/// ending with `.want`.
pub(crate) fn path_names(path: &str, want: &str) -> bool {
    path == want || (path.len() > want.len() && path.ends_with(want) && path[..path.len() - want.len()].ends_with('.'))
}

/// If `node` is a call (or constructor call), the callee expression's path.
pub(crate) fn call_path(lang: Lang, node: Node<'_>, src: &str) -> Option<String> {
    let kind = node.kind();
    let callee = match (lang, kind) {
        (Lang::Python, "call") => node.child_by_field_name("function")?,
        (_, "call_expression") => node.child_by_field_name("function")?,
        (_, "new_expression") if lang.is_js() => node.child_by_field_name("constructor")?,
        (Lang::Cpp, "new_expression") => node.child_by_field_name("type")?,
        (Lang::Rust, "macro_invocation") => node.child_by_field_name("macro")?,
        (Lang::Java, "method_invocation") => {
            let name = field(node, "name", src)?;
            return Some(match field(node, "object", src) {
                Some(obj) => normalize_path(&format!("{obj}.{name}")),
                None => name.to_owned(),
            });
        }
        (Lang::Java | Lang::CSharp, "object_creation_expression") => node.child_by_field_name("type")?,
        (Lang::CSharp, "invocation_expression") => node.child_by_field_name("function")?,
        _ => return None,
    };
    Some(normalize_path(text(callee, src)))
}

/// Decorator, annotation and attribute paths attached to a definition.
pub(crate) fn decorators<'t>(lang: Lang, def: Node<'t>, src: &str) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    let mut push = |n: Node<'t>, t: &str| {
        let t = t.trim().trim_start_matches('@');
        let t = t.split('(').next().unwrap_or(t);
        out.push((normalize_path(t), n));
    };
    let mut cursor = def.walk();
    let children: Vec<Node<'t>> = def.children(&mut cursor).collect();
    match lang {
        Lang::Python => {
            if let Some(parent) = def.parent().filter(|p| p.kind() == "decorated_definition") {
                let mut c = parent.walk();
                for d in parent.children(&mut c).filter(|d| d.kind() == "decorator") {
                    push(d, text(d, src));
                }
            }
        }
        l if l.is_js() => {
            for d in children.iter().filter(|d| d.kind() == "decorator") {
                push(*d, text(*d, src));
            }
            // TypeScript keeps a method's decorators as preceding siblings
            // in the class body.
            let mut sib = def.prev_sibling();
            while let Some(s) = sib {
                match s.kind() {
                    "decorator" => push(s, text(s, src)),
                    k if crate::syntax::is_comment(k) => {}
                    _ => break,
                }
                sib = s.prev_sibling();
            }
        }
        Lang::Java => {
            for m in children.iter().filter(|m| m.kind() == "modifiers") {
                let mut c = m.walk();
                for a in m.children(&mut c).filter(|a| matches!(a.kind(), "marker_annotation" | "annotation")) {
                    if let Some(name) = field(a, "name", src) {
                        push(a, name);
                    }
                }
            }
        }
        Lang::CSharp => {
            for list in children.iter().filter(|l| l.kind() == "attribute_list") {
                let mut c = list.walk();
                for a in list.children(&mut c).filter(|a| a.kind() == "attribute") {
                    if let Some(name) = field(a, "name", src) {
                        push(a, name);
                    }
                }
            }
        }
        Lang::Rust => {
            let mut sib = def.prev_sibling();
            while let Some(s) = sib {
                match s.kind() {
                    "attribute_item" => {
                        if let Some(attr) = s.named_child(0) {
                            let path = attr.named_child(0).map_or("", |p| text(p, src));
                            push(s, path);
                        }
                    }
                    k if crate::syntax::is_comment(k) => {}
                    _ => break,
                }
                sib = s.prev_sibling();
            }
        }
        Lang::C | Lang::Cpp => {
            for c in &children {
                match c.kind() {
                    "attribute_declaration" => {
                        let mut cc = c.walk();
                        for a in c.children(&mut cc).filter(|a| a.kind() == "attribute") {
                            let name = field(a, "name", src).unwrap_or("");
                            match field(a, "prefix", src) {
                                Some(prefix) => push(a, &format!("{prefix}::{name}")),
                                None => push(a, name),
                            }
                        }
                    }
                    "attribute_specifier" => {
                        // `__attribute__((a, b(1)))`: each argument names one.
                        if let Some(args) = c.named_child(0) {
                            let mut cc = args.walk();
                            for a in args.named_children(&mut cc) {
                                push(a, text(a, src));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// Modules a file imports, each with the node that imports it.
pub(crate) fn imports<'t>(lang: Lang, node: Node<'t>, src: &str) -> Vec<String> {
    let kind = node.kind();
    let mut out = Vec::new();
    match lang {
        Lang::Python => match kind {
            "import_statement" => {
                let mut c = node.walk();
                for n in node.children_by_field_name("name", &mut c) {
                    let name =
                        if n.kind() == "aliased_import" { field(n, "name", src).unwrap_or("") } else { text(n, src) };
                    out.push(name.to_owned());
                }
            }
            "import_from_statement" => {
                let module = field(node, "module_name", src).unwrap_or("").to_owned();
                out.push(module.clone());
                let mut c = node.walk();
                for n in node.children_by_field_name("name", &mut c) {
                    let name =
                        if n.kind() == "aliased_import" { field(n, "name", src).unwrap_or("") } else { text(n, src) };
                    let sep = if module.ends_with('.') { "" } else { "." };
                    out.push(format!("{module}{sep}{name}"));
                }
            }
            "call" => {
                let f = field(node, "function", src).unwrap_or("");
                if matches!(f, "importlib.import_module" | "import_module" | "__import__")
                    && let Some(arg) = node.child_by_field_name("arguments").and_then(|a| a.named_child(0))
                    && arg.kind() == "string"
                {
                    out.push(string_content(arg, src));
                }
            }
            _ => {}
        },
        l if l.is_js() => match kind {
            "import_statement" | "export_statement" => {
                if let Some(s) = node.child_by_field_name("source") {
                    out.push(string_content(s, src));
                }
                // TypeScript `import x = require("m")`.
                let mut c = node.walk();
                for clause in node.named_children(&mut c).filter(|n| n.kind() == "import_require_clause") {
                    if let Some(s) = clause.child_by_field_name("source").or_else(|| clause.named_child(1)) {
                        out.push(string_content(s, src));
                    }
                }
            }
            "call_expression" => {
                let f = node.child_by_field_name("function");
                let is_loader = f.is_some_and(|f| f.kind() == "import" || text(f, src) == "require");
                if is_loader
                    && let Some(arg) = node.child_by_field_name("arguments").and_then(|a| a.named_child(0))
                    && arg.kind() == "string"
                {
                    out.push(string_content(arg, src));
                }
            }
            _ => {}
        },
        Lang::Go if kind == "import_spec" => {
            if let Some(p) = node.child_by_field_name("path") {
                out.push(string_content(p, src));
            }
        }
        Lang::Rust => match kind {
            "use_declaration" => {
                if let Some(arg) = node.child_by_field_name("argument") {
                    expand_use(arg, src, "", &mut out, 0);
                }
            }
            "extern_crate_declaration" => {
                if let Some(name) = field(node, "name", src) {
                    out.push(name.to_owned());
                }
            }
            _ => {}
        },
        Lang::Java if kind == "import_declaration" => {
            let mut c = node.walk();
            if let Some(n) =
                node.named_children(&mut c).find(|n| matches!(n.kind(), "scoped_identifier" | "identifier"))
            {
                out.push(text(n, src).to_owned());
            }
        }
        Lang::CSharp if kind == "using_directive" => {
            let t = text(node, src).trim().trim_end_matches(';');
            let t = t.trim_start_matches("global").trim().trim_start_matches("using").trim();
            let t = t.strip_prefix("static ").unwrap_or(t).trim();
            let t = t.split_once('=').map_or(t, |(_, r)| r.trim());
            out.push(t.to_owned());
        }
        Lang::C | Lang::Cpp if kind == "preproc_include" => {
            if let Some(p) = node.child_by_field_name("path") {
                out.push(text(p, src).trim_matches(|c| matches!(c, '"' | '<' | '>')).to_owned());
            }
        }
        _ => {}
    }
    out
}

fn expand_use(node: Node<'_>, src: &str, prefix: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 32 {
        return;
    }
    let join = |p: &str, t: &str| if p.is_empty() { t.to_owned() } else { format!("{p}::{t}") };
    match node.kind() {
        "use_list" => {
            let mut c = node.walk();
            for child in node.named_children(&mut c) {
                expand_use(child, src, prefix, out, depth + 1);
            }
        }
        "scoped_use_list" => {
            let path = field(node, "path", src).map_or_else(|| prefix.to_owned(), |p| join(prefix, p));
            if let Some(list) = node.child_by_field_name("list") {
                expand_use(list, src, &path, out, depth + 1);
            }
        }
        "use_as_clause" => {
            if let Some(p) = field(node, "path", src) {
                out.push(join(prefix, p));
            }
        }
        "use_wildcard" => out.push(join(prefix, text(node, src).trim_end_matches('*').trim_end_matches("::"))),
        _ => out.push(join(prefix, text(node, src))),
    }
}

/// Whether an imported module satisfies a claimed one: equal, or a
/// sub-module of it (`a.b` satisfies `a`, not the reverse). C/C++ header
/// extensions and Node's `node:` prefix are ignored.
pub(crate) fn module_satisfies(imported: &str, want: &str) -> bool {
    let norm = |s: &str| {
        let s = s.trim().strip_prefix("node:").unwrap_or(s.trim());
        let s = s.replace("::", ".");
        for ext in [".hpp", ".hh", ".hxx", ".h"] {
            if let Some(stem) = s.strip_suffix(ext) {
                return stem.to_owned();
            }
        }
        s
    };
    let (imported, want) = (norm(imported), norm(want));
    if want.is_empty() {
        return false;
    }
    imported == want || imported.strip_prefix(&want).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('/'))
}
