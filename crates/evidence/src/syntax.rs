//! Small helpers over tree-sitter syntax trees shared by the verifiers.

use tree_sitter::{Node, Tree};

/// The node's source text.
pub(crate) fn text<'a>(node: Node<'_>, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// The text of the field child, if present.
pub(crate) fn field<'a>(node: Node<'_>, name: &str, src: &'a str) -> Option<&'a str> {
    node.child_by_field_name(name).map(|n| text(n, src))
}

/// 1-based start line.
pub(crate) fn line(node: Node<'_>) -> u32 {
    u32::try_from(node.start_position().row + 1).unwrap_or(u32::MAX)
}

pub(crate) fn is_comment(kind: &str) -> bool {
    matches!(kind, "comment" | "line_comment" | "block_comment" | "doc_comment")
}

/// Every node of the tree, depth first, without recursion (deep trees from
/// adversarial input must not overflow the stack).
pub(crate) fn all_nodes(tree: &Tree) -> Vec<Node<'_>> {
    descendants(tree.root_node(), |_| true)
}

/// The descendants of `root` (itself included) in pre-order, not entering a
/// node for which `enter` is false (that node itself is still listed).
pub(crate) fn descendants<'t>(root: Node<'t>, enter: impl Fn(Node<'t>) -> bool) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        if n.id() != root.id() && !enter(n) {
            continue;
        }
        let mut cursor = n.walk();
        let children: Vec<Node<'t>> = n.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The source with every comment replaced by spaces (newlines kept, so byte
/// offsets and line numbers still agree with the file).
pub(crate) fn blank_comments(src: &str, tree: &Tree) -> String {
    let mut bytes = src.as_bytes().to_vec();
    for n in all_nodes(tree) {
        if is_comment(n.kind()) {
            for b in &mut bytes[n.byte_range()] {
                if *b != b'\n' {
                    *b = b' ';
                }
            }
        }
    }
    // Only ASCII bytes inside comments were touched, but a multi-byte
    // character inside one was cut; replace lossily.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Whether the node is a string literal of any supported language.
pub(crate) fn is_string(kind: &str) -> bool {
    matches!(
        kind,
        "string"
            | "string_literal"
            | "raw_string_literal"
            | "interpreted_string_literal"
            | "template_string"
            | "verbatim_string_literal"
            | "interpolated_string_expression"
            | "char_literal"
            | "concatenated_string"
            | "text_block"
    )
}

/// The content of a string literal without quotes and prefixes (best effort;
/// escape sequences are kept as written).
pub(crate) fn string_content(node: Node<'_>, src: &str) -> String {
    let t = text(node, src);
    let t = t.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '@' || c == '$');
    let t = t.trim_start_matches('#');
    let quotes: &[char] = &['"', '\'', '`'];
    let t = t.trim_end_matches('#');
    let t = t.strip_prefix("\"\"\"").and_then(|s| s.strip_suffix("\"\"\"")).unwrap_or(t);
    let t = t.strip_prefix("'''").and_then(|s| s.strip_suffix("'''")).unwrap_or(t);
    t.trim_matches(quotes).to_owned()
}
