//! Prompt templates: files under `prompts/`, embedded at build time and
//! rendered with minijinja, so wording changes are data changes that show up
//! in review as text, not as Rust string literals.

use std::sync::LazyLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

pub(crate) const TIER2_SYSTEM: &str = "tier2_system.j2";
pub(crate) const TIER2_USER: &str = "tier2_user.j2";
pub(crate) const STRUCTURED_REPAIR: &str = "structured_repair.j2";

/// Every template: (name, source). Tier-2 verdict hashes include the sources.
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (TIER2_SYSTEM, include_str!("../prompts/tier2_system.j2")),
    (TIER2_USER, include_str!("../prompts/tier2_user.j2")),
    (STRUCTURED_REPAIR, include_str!("../prompts/structured_repair.j2")),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Prompts are plain text: escaping would corrupt code shown to the model.
    env.set_auto_escape_callback(|_| AutoEscape::None);
    // A misspelt variable must fail the render, not vanish from the prompt.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    // Block tags on their own line leave no blank line behind.
    match SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build() {
        Ok(syntax) => env.set_syntax(syntax),
        Err(error) => tracing::error!(%error, "prompt template syntax settings refused"),
    }
    for (name, source) in TEMPLATES {
        if let Err(error) = env.add_template(name, source) {
            // Templates are compiled in; a syntax error is caught by the tests
            // that render each one, and surfaces from `render` below.
            tracing::error!(template = name, %error, "prompt template does not parse");
        }
    }
    env
});

/// Renders a template with the given context.
pub(crate) fn render(name: &str, context: impl Serialize) -> Result<String, minijinja::Error> {
    ENVIRONMENT.get_template(name)?.render(Value::from(Serde(context)))
}

/// The source of a template (for hashing).
pub(crate) fn template_source(name: &str) -> &'static str {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, source)| *source).unwrap_or("")
}
