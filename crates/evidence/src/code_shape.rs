//! Code-shape types decided on syntax trees: `function_exists`,
//! `class_exists`, `decorator_present`, `function_calls`, `import_present`,
//! `parameter_validated`, `error_handled`, `middleware_registered`.
//!
//! A name qualified as `Type.name` or `Type::name` must be defined inside
//! that type (class, impl block, Go receiver, C++ `Type::` scope).
//!
//! "Inside the caller" means the caller's own body: calls in nested *named*
//! definitions (inner functions, methods of inner classes, closures bound to
//! a name) belong to those, while anonymous callbacks passed inline
//! (`items.map(x => check(x))`) run on the caller's behalf and count.

use rampart_assurance::AssertionType;
use tree_sitter::Node;

use crate::defs::{
    Def, call_path, class_name, decorators, function_def, imports, module_satisfies, normalize_path, path_names,
    qualifier,
};
use crate::lang::Lang;
use crate::syntax::{all_nodes, descendants, field, is_string, line, string_content, text};
use crate::verdict::Verdict;
use crate::verifier::Cx;

pub(crate) fn verify(cx: &Cx<'_>, kind: AssertionType) -> Verdict {
    run(cx, kind).unwrap_or_else(|v| v)
}

struct Found<'t> {
    name: String,
    def: Def<'t>,
}

/// Splits `Type.name` / `Type::name` into (qualifier, name).
fn split_name(name: &str) -> (Option<&str>, &str) {
    if let Some((q, n)) = name.rsplit_once("::") {
        return (Some(q.rsplit("::").next().unwrap_or(q)), n);
    }
    match name.rsplit_once('.') {
        Some((q, n)) => (Some(q.rsplit('.').next().unwrap_or(q)), n),
        None => (None, name),
    }
}

/// Every function definition matching `name` (qualified or not).
fn find_defs<'t>(lang: Lang, nodes: &[Node<'t>], src: &str, name: &str) -> Vec<Found<'t>> {
    let (qual, bare) = split_name(name.trim());
    nodes
        .iter()
        .filter_map(|n| function_def(lang, *n, src))
        .filter(|(n, d)| n == bare && qual.is_none_or(|q| qualifier(lang, d.node, src).as_deref() == Some(q)))
        .map(|(name, def)| Found { name, def })
        .collect()
}

/// Whether `node` starts a nested named scope that a caller's body does not
/// own.
fn is_named_scope(lang: Lang, node: Node<'_>, src: &str) -> bool {
    function_def(lang, node, src).is_some() || class_name(lang, node, src).is_some()
}

/// The nodes of a definition's own body.
fn body_nodes<'t>(lang: Lang, def: &Def<'t>, src: &str) -> Vec<Node<'t>> {
    match def.body {
        Some(body) => descendants(body, |n| !is_named_scope(lang, n, src)),
        None => Vec::new(),
    }
}

fn evidence(cx: &Cx<'_>, v: Verdict, rel: &str, node: Node<'_>, src: &str) -> Verdict {
    let _ = cx;
    v.with_file(rel).with_line(Some(line(node))).with_evidence(text(node, src).as_bytes())
}

fn run(cx: &Cx<'_>, kind: AssertionType) -> Result<Verdict, Verdict> {
    let rel = cx.req("file")?;
    let (f, lang, tree) = cx.parsed(rel)?;
    let src = f.text.as_str();
    let nodes = all_nodes(&tree);
    let lname = lang.name();
    let file_fail = |msg: String| cx.fail(msg).with_file(&f.rel).with_hash(f.sha256());
    let no_def = |name: &str| file_fail(format!("no definition of function `{name}` in `{rel}` ({lname})"));
    use AssertionType as T;
    match kind {
        T::FunctionExists => {
            let name = cx.req("name")?;
            match find_defs(lang, &nodes, src, name).first() {
                Some(found) => {
                    let l = line(found.def.node);
                    Ok(evidence(
                        cx,
                        cx.pass(format!("`{}` is defined at line {l}", found.name)),
                        &f.rel,
                        found.def.node,
                        src,
                    ))
                }
                None => Ok(no_def(name)),
            }
        }
        T::ClassExists => {
            let name = cx.req("name")?;
            let (_, bare) = split_name(name.trim());
            match nodes.iter().find(|n| class_name(lang, **n, src).as_deref() == Some(bare)) {
                Some(n) => Ok(evidence(
                    cx,
                    cx.pass(format!("type `{bare}` is declared at line {}", line(*n))),
                    &f.rel,
                    *n,
                    src,
                )),
                None => {
                    Ok(file_fail(format!("no class, struct, interface or enum `{bare}` declared in `{rel}` ({lname})")))
                }
            }
        }
        T::DecoratorPresent => {
            let function = cx.req("function")?;
            let want = normalize_path(cx.req("decorator")?);
            if lang == Lang::Go {
                return Ok(file_fail("Go has no decorators or annotations".to_owned()));
            }
            let defs = find_defs(lang, &nodes, src, function);
            if defs.is_empty() {
                return Ok(no_def(function));
            }
            let strip =
                |s: &str| if lang == Lang::CSharp { s.trim_end_matches("Attribute").to_owned() } else { s.to_owned() };
            let want_c = strip(&want);
            for d in &defs {
                for (path, node) in decorators(lang, d.def.node, src) {
                    if path_names(&strip(&path), &want_c) {
                        let msg = format!("`{}` carries `{path}` (line {})", d.name, line(node));
                        return Ok(evidence(cx, cx.pass(msg), &f.rel, d.def.node, src));
                    }
                }
            }
            let found: Vec<String> =
                defs.iter().flat_map(|d| decorators(lang, d.def.node, src)).map(|(p, _)| p).collect();
            Ok(file_fail(format!(
                "`{function}` does not carry `{want}` (its decorators: {})",
                if found.is_empty() { "none".to_owned() } else { found.join(", ") }
            )))
        }
        T::FunctionCalls => {
            let caller = cx.req("caller")?;
            let want = normalize_path(cx.req("callee")?);
            let defs = find_defs(lang, &nodes, src, caller);
            if defs.is_empty() {
                return Ok(no_def(caller));
            }
            for d in &defs {
                for n in body_nodes(lang, &d.def, src) {
                    if let Some(path) = call_path(lang, n, src)
                        && path_names(&path, &want)
                    {
                        let msg = format!("`{}` calls `{path}` at line {}", d.name, line(n));
                        return Ok(evidence(cx, cx.pass(msg), &f.rel, d.def.node, src));
                    }
                }
            }
            Ok(file_fail(format!("`{caller}` has no call of `{want}` in its own body")))
        }
        T::ImportPresent => {
            let want = cx.req("module")?;
            for n in &nodes {
                for m in imports(lang, *n, src) {
                    if module_satisfies(&m, want) {
                        return Ok(evidence(
                            cx,
                            cx.pass(format!("`{m}` imported at line {}", line(*n))),
                            &f.rel,
                            *n,
                            src,
                        ));
                    }
                }
            }
            Ok(file_fail(format!("`{rel}` does not import `{want}` ({lname})")))
        }
        T::ParameterValidated => {
            let function = cx.req("function")?;
            let param = cx.req("parameter")?;
            let defs = find_defs(lang, &nodes, src, function);
            if defs.is_empty() {
                return Ok(no_def(function));
            }
            let mut declared = false;
            for d in &defs {
                let has_param = d.def.params.is_some_and(|p| {
                    descendants(p, |_| true).iter().any(|n| n.kind().ends_with("identifier") && text(*n, src) == param)
                });
                if !has_param {
                    continue;
                }
                declared = true;
                let body = d.def.body;
                for n in body_nodes(lang, &d.def, src) {
                    if n.kind().ends_with("identifier")
                        && text(n, src) == param
                        && let Some(how) = body.and_then(|b| validation_use(lang, n, b, src))
                    {
                        let msg = format!("`{param}` of `{}` is {how} at line {}", d.name, line(n));
                        return Ok(evidence(cx, cx.pass(msg), &f.rel, d.def.node, src));
                    }
                }
            }
            Ok(file_fail(if declared {
                format!("`{param}` of `{function}` is never checked (condition, assertion, match or validating call)")
            } else {
                format!("`{function}` has no parameter `{param}`")
            }))
        }
        T::ErrorHandled => {
            let function = cx.req("function")?;
            let defs = find_defs(lang, &nodes, src, function);
            if defs.is_empty() {
                return Ok(no_def(function));
            }
            for d in &defs {
                for n in body_nodes(lang, &d.def, src) {
                    if let Some(how) = error_construct(lang, n, src) {
                        let msg = format!("`{}` handles errors: {how} at line {}", d.name, line(n));
                        return Ok(evidence(cx, cx.pass(msg), &f.rel, d.def.node, src));
                    }
                }
            }
            Ok(file_fail(format!("`{function}` has no error handling construct in its own body ({lname})")))
        }
        T::MiddlewareRegistered => {
            let want = normalize_path(cx.req("middleware")?);
            match middleware(lang, &nodes, src, &want) {
                Some((n, how)) => {
                    Ok(evidence(cx, cx.pass(format!("`{want}` {how} at line {}", line(n))), &f.rel, n, src))
                }
                None => Ok(file_fail(format!("`{want}` is not registered as middleware in `{rel}`"))),
            }
        }
        _ => Err(cx.fail("not a code-shape type")),
    }
}

/// Substrings of a callee name that mark a validating call.
const VALIDATING: &[&str] = &[
    "valid", "check", "verify", "sanitiz", "sanitis", "parse", "assert", "ensure", "require", "clean", "escape",
    "normaliz", "guard", "schema", "decode", "must", "match", "is_", "bind",
];

fn validating_name(path: &str) -> bool {
    let leaf = path.rsplit('.').next().unwrap_or(path).to_ascii_lowercase();
    VALIDATING.iter().any(|v| leaf.contains(v)) || (leaf.starts_with("is") && leaf.len() > 2)
}

/// How an occurrence of a parameter checks it, if it does: in a condition,
/// an assertion, a switch/match subject, or as an argument of a validating
/// call.
fn validation_use(lang: Lang, ident: Node<'_>, body: Node<'_>, src: &str) -> Option<String> {
    let mut child = ident;
    let mut parent = ident.parent();
    while let Some(p) = parent {
        let k = p.kind();
        if matches!(k, "assert_statement") {
            return Some("asserted".to_owned());
        }
        if p.child_by_field_name("condition").is_some_and(|c| c.id() == child.id()) {
            return Some("checked in a condition".to_owned());
        }
        if (k.contains("switch") || k == "match_expression")
            && p.child_by_field_name("value").is_some_and(|c| c.id() == child.id())
        {
            return Some("switched on".to_owned());
        }
        if k == "macro_invocation" {
            let name = field(p, "macro", src).unwrap_or("");
            if ["assert", "assert_eq", "assert_ne", "debug_assert", "ensure", "anyhow::ensure"].contains(&name) {
                return Some(format!("asserted with `{name}!`"));
            }
        }
        if matches!(k, "arguments" | "argument_list")
            && let Some(call) = p.parent()
            && let Some(path) = call_path(lang, call, src)
            && validating_name(&path)
        {
            return Some(format!("passed to `{path}`"));
        }
        if p.id() == body.id() || function_def(lang, p, src).is_some() {
            break;
        }
        child = p;
        parent = p.parent();
    }
    None
}

/// If the node is an error-handling construct, what it is.
fn error_construct(lang: Lang, n: Node<'_>, src: &str) -> Option<&'static str> {
    let k = n.kind();
    let has_child = |kinds: &[&str]| {
        let mut c = n.walk();
        n.children(&mut c).any(|ch| kinds.contains(&ch.kind()))
    };
    match lang {
        Lang::Python if k == "try_statement" && has_child(&["except_clause", "except_group_clause"]) => {
            Some("try/except")
        }
        l if l.is_js() && k == "try_statement" && n.child_by_field_name("handler").is_some() => Some("try/catch"),
        Lang::Java | Lang::CSharp | Lang::Cpp
            if matches!(k, "try_statement" | "try_with_resources_statement") && has_child(&["catch_clause"]) =>
        {
            Some("try/catch")
        }
        Lang::Rust => match k {
            "try_expression" => Some("`?` propagation"),
            "tuple_struct_pattern" if field(n, "type", src) == Some("Err") => Some("an `Err` pattern"),
            _ => {
                let path = call_path(lang, n, src)?;
                let leaf = path.rsplit('.').next().unwrap_or(&path);
                matches!(
                    leaf,
                    "map_err"
                        | "unwrap_or"
                        | "unwrap_or_else"
                        | "unwrap_or_default"
                        | "or_else"
                        | "ok_or"
                        | "ok_or_else"
                )
                .then_some("an error combinator")
            }
        },
        Lang::Go => {
            if k == "if_statement"
                && let Some(cond) = n.child_by_field_name("condition")
            {
                let idents = descendants(cond, |_| true);
                let mentions_err = idents.iter().any(|i| {
                    i.kind() == "identifier" && {
                        let t = text(*i, src);
                        t == "err" || t.ends_with("Err") || t.ends_with("err")
                    }
                });
                let mentions_nil = idents.iter().any(|i| i.kind() == "nil");
                if mentions_err && mentions_nil {
                    return Some("an `err != nil` check");
                }
            }
            let path = call_path(lang, n, src)?;
            (path == "recover" || path == "errors.Is" || path == "errors.As").then_some("error inspection")
        }
        Lang::C | Lang::Cpp if k == "if_statement" => {
            let cond = n.child_by_field_name("condition")?;
            let t: String = text(cond, src).chars().filter(|c| !c.is_whitespace()).collect();
            let checks = ["NULL", "nullptr", "errno", "<0", "==-1", "!=0", "==0", "!="];
            (checks.iter().any(|c| t.contains(c))
                || descendants(cond, |_| true).iter().any(|d| d.kind() == "call_expression"))
            .then_some("a checked return value")
        }
        _ => {
            let path = call_path(lang, n, src)?;
            (lang.is_js() && path.ends_with(".catch")).then_some("a promise .catch")
        }
    }
}

/// Method names that register middleware in common frameworks.
const REGISTER: &[&str] = &[
    "use",
    "add_middleware",
    "middleware",
    "wrap",
    "wrap_fn",
    "layer",
    "route_layer",
    "with",
    "Use",
    "UseMiddleware",
    "addFilter",
    "addFilterBefore",
    "addFilterAfter",
    "addFilterAt",
    "addInterceptor",
    "addInterceptors",
    "register_middleware",
    "before_request",
    "after_request",
    "apply",
];

fn name_like(kind: &str) -> bool {
    kind.ends_with("identifier")
        || matches!(
            kind,
            "attribute"
                | "member_expression"
                | "selector_expression"
                | "scoped_identifier"
                | "field_expression"
                | "member_access_expression"
                | "qualified_name"
                | "qualified_identifier"
                | "generic_name"
        )
}

/// Where `want` is registered as middleware: an argument (or type argument)
/// of a registering call, a `Use<Name>()` call, a string in a `MIDDLEWARE`
/// list, or a function decorated as middleware.
fn middleware<'t>(lang: Lang, nodes: &[Node<'t>], src: &str, want: &str) -> Option<(Node<'t>, &'static str)> {
    for n in nodes {
        let Some(path) = call_path(lang, *n, src) else { continue };
        let leaf = path.rsplit('.').next().unwrap_or(&path);
        if leaf == want && leaf.starts_with("Use") || leaf == format!("Use{want}") {
            return Some((*n, "is registered by its `Use…` call"));
        }
        if !REGISTER.contains(&leaf) {
            continue;
        }
        let mut scopes: Vec<Node<'t>> = Vec::new();
        if let Some(args) = n.child_by_field_name("arguments") {
            scopes.push(args);
        }
        // `UseMiddleware<T>()`: the middleware is the type argument.
        if let Some(f) = n.child_by_field_name("function") {
            scopes.extend(descendants(f, |_| true).into_iter().filter(|c| c.kind().contains("type_argument")));
        }
        if let Some(t) = n.child_by_field_name("type_arguments") {
            scopes.push(t);
        }
        for scope in scopes {
            for d in descendants(scope, |_| true) {
                if name_like(d.kind()) && path_names(&normalize_path(text(d, src)), want) && d.id() != n.id() {
                    return Some((*n, "is registered"));
                }
            }
        }
    }
    // Settings-style lists: `MIDDLEWARE = ["pkg.Mw", ...]`, `middleware: [...]`.
    for n in nodes {
        if !is_string(n.kind()) {
            continue;
        }
        let content = normalize_path(&string_content(*n, src));
        if !path_names(&content, want) {
            continue;
        }
        let mut p = n.parent();
        for _ in 0..4 {
            let Some(a) = p else { break };
            let key = a
                .child_by_field_name("left")
                .or_else(|| a.child_by_field_name("key"))
                .or_else(|| a.child_by_field_name("name"))
                .map(|k| text(k, src).to_ascii_lowercase());
            if key.is_some_and(|k| k.contains("middleware")) {
                return Some((*n, "is listed in the middleware settings"));
            }
            p = a.parent();
        }
    }
    // A function named `want` decorated as middleware (`@app.middleware("http")`).
    for n in nodes {
        if let Some((name, def)) = function_def(lang, *n, src)
            && name == want
            && decorators(lang, def.node, src).iter().any(|(p, _)| p.ends_with("middleware"))
        {
            return Some((*n, "is decorated as middleware"));
        }
    }
    None
}
