//! Source languages, chosen by file extension, and their tree-sitter grammars
//! (compiled into the binary: nothing is fetched at run time).

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Parser, Tree};

/// A language whose syntax trees the code-shape verifiers understand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Rust,
    Java,
    CSharp,
    C,
    Cpp,
}

impl Lang {
    /// The language of a file, by extension. `.h` is read as C++ because the
    /// C++ grammar accepts C headers too, while the C grammar rejects C++.
    pub(crate) fn from_path(path: &str) -> Option<Lang> {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
        Some(match ext.as_str() {
            "py" | "pyi" | "pyw" => Lang::Python,
            "js" | "mjs" | "cjs" | "jsx" => Lang::JavaScript,
            "ts" | "mts" | "cts" => Lang::TypeScript,
            "tsx" => Lang::Tsx,
            "go" => Lang::Go,
            "rs" => Lang::Rust,
            "java" => Lang::Java,
            "cs" => Lang::CSharp,
            "c" => Lang::C,
            "h" | "hh" | "hpp" | "hxx" | "cc" | "cpp" | "cxx" | "c++" | "ipp" | "tpp" => Lang::Cpp,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Lang::Python => "Python",
            Lang::JavaScript => "JavaScript",
            Lang::TypeScript => "TypeScript",
            Lang::Tsx => "TSX",
            Lang::Go => "Go",
            Lang::Rust => "Rust",
            Lang::Java => "Java",
            Lang::CSharp => "C#",
            Lang::C => "C",
            Lang::Cpp => "C++",
        }
    }

    fn grammar(self) -> tree_sitter::Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::CSharp => tree_sitter_c_sharp::LANGUAGE.into(),
            Lang::C => tree_sitter_c::LANGUAGE.into(),
            Lang::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        }
    }

    /// Whether the language is one of the JavaScript family (same node kinds).
    pub(crate) fn is_js(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }
}

/// Parses `text`, giving up after `budget` so a pathological input cannot
/// make a verification hang. `None`: grammar refused or time ran out.
pub(crate) fn parse(lang: Lang, text: &str, budget: Duration) -> Result<Tree, String> {
    let mut parser = Parser::new();
    parser.set_language(&lang.grammar()).map_err(|e| format!("cannot load the {} grammar: {e}", lang.name()))?;
    let deadline = Instant::now() + budget;
    let mut progress = |_: &tree_sitter::ParseState| {
        if Instant::now() > deadline { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    };
    let bytes = text.as_bytes();
    let mut read = |offset: usize, _: tree_sitter::Point| bytes.get(offset..).unwrap_or_default();
    parser
        .parse_with_options(&mut read, None, Some(tree_sitter::ParseOptions::new().progress_callback(&mut progress)))
        .ok_or_else(|| format!("parsing as {} did not finish within {} ms", lang.name(), budget.as_millis()))
}
