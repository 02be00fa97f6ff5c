//! Model names from descriptions.
//!
//! The name is the leading pattern's three-word name ("File Upload Service"),
//! prefixed by one qualifier when there is one:
//!
//! - a proper noun of the description (a capitalised word that does not
//!   start a sentence or quotation and is not a generic acronym or unit such
//!   as API, JSON or MB), preferring one the leading pattern's phrases
//!   mention, then one another matched pattern's phrases mention, e.g.
//!   "Google OAuth Login Flow", "Kafka Event Processing Pipeline"; else
//! - the second-ranked pattern's qualifier, when that pattern scores at least
//!   half as much as the leader, e.g. "Tenant Admin Console Access".
//!
//! A qualifier already among the name's words is skipped. The result always
//! has 3–5 words and passes `rampart_model::name::validate_model_name`; a
//! numeric uniqueness suffix ("… 2") does not count as a word, so
//! `rampart_model::name::unique_model_name` can always add one.

use rampart_model::name::validate_model_name;

use crate::data::Catalog;
use crate::generate::PatternMatch;

/// Capitalised words too generic to name a model after.
const GENERIC: &[&str] = &[
    "AI", "API", "APIs", "CD", "CI", "CRUD", "CSS", "CSV", "CSVs", "DB", "GIF", "HTML", "HTTP", "HTTPS", "I", "ID",
    "IDs", "IoT", "JPEG", "JPG", "JSON", "JWT", "JWTs", "KB", "LLM", "LLMs", "MB", "MFA", "ML", "MVP", "OK", "OTA",
    "OTP", "PDF", "PDFs", "PHI", "PII", "PNG", "REST", "SDK", "SDKs", "SMS", "SQL", "SSL", "SSO", "TB", "TLS", "UI",
    "URL", "URLs", "UX", "XML", "ZIP",
];

/// Longest qualifier taken from a description, in characters.
const MAX_QUALIFIER_CHARS: usize = 20;

/// The proper nouns of a description, in order: capitalised words that do
/// not start a sentence or a quotation, are not generic acronyms or units,
/// and have 2–20 letters or digits ("FHIR-based" counts as "FHIR").
pub(crate) fn proper_nouns(description: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut sentence_start = true;
    for raw in description.split_whitespace() {
        let starts = sentence_start || raw.starts_with(['"', '\'', '\u{201c}', '\u{2018}', '(', '[']);
        sentence_start = raw.ends_with(['.', '!', '?', ':']) || raw.chars().all(|c| !c.is_alphanumeric());
        let trimmed = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let trimmed = trimmed.split('-').next().unwrap_or(trimmed);
        let word = trimmed.strip_suffix("'s").or_else(|| trimmed.strip_suffix("\u{2019}s")).unwrap_or(trimmed);
        if starts || word.is_empty() {
            continue;
        }
        let capitalised = word.chars().next().is_some_and(char::is_uppercase);
        let plain = word.chars().all(char::is_alphanumeric) && word.chars().any(char::is_alphabetic);
        let len = word.chars().count();
        if capitalised && plain && (2..=MAX_QUALIFIER_CHARS).contains(&len) && !GENERIC.contains(&word) {
            out.push(word.to_owned());
        }
    }
    out
}

/// The proper noun to name a model after: the first one a phrase of the
/// leading pattern mentions ("S3", "Kafka", "HIPAA"), else the first one
/// another matched pattern mentions, else the first one.
fn pick_proper_noun(catalog: &Catalog, ranked: &[PatternMatch], description: &str) -> Option<String> {
    let nouns = proper_nouns(description);
    let phrases_of = |m: &PatternMatch| {
        catalog.patterns.iter().find(|p| p.def.id == m.pattern_id).map(|p| p.phrases.as_slice()).unwrap_or(&[])
    };
    let mentions = |m: &PatternMatch, noun: &str| {
        let lower = noun.to_lowercase();
        phrases_of(m).iter().any(|(phrase, _)| phrase.words.iter().any(|w| w.matches(&lower)))
    };
    let leader = ranked.first();
    nouns
        .iter()
        .find(|n| leader.is_some_and(|m| mentions(m, n)))
        .or_else(|| nouns.iter().find(|n| ranked.iter().skip(1).any(|m| mentions(m, n))))
        .or_else(|| nouns.first())
        .cloned()
}

fn has_word(name: &str, word: &str) -> bool {
    name.split_whitespace().any(|w| w.eq_ignore_ascii_case(word))
}

/// The name for ranked matches (never empty: the fallback pattern is ranked
/// when nothing matched).
pub(crate) fn name_from(catalog: &Catalog, ranked: &[PatternMatch], description: &str) -> String {
    let def_of = |id: &str| catalog.patterns.iter().map(|p| &p.def).find(|d| d.id == id);
    let base = ranked
        .first()
        .and_then(|m| def_of(&m.pattern_id))
        .map_or_else(|| catalog.fallback_pattern().name.clone(), |d| d.name.clone());
    let from_text = pick_proper_noun(catalog, ranked, description).filter(|q| !has_word(&base, q));
    let from_second = || {
        let (first, second) = (ranked.first()?, ranked.get(1)?);
        if second.score * 2 < first.score {
            return None;
        }
        def_of(&second.pattern_id)?.qualifier.clone().filter(|q| !has_word(&base, q))
    };
    let name = match from_text.or_else(from_second) {
        Some(q) => format!("{q} {base}"),
        None => base.clone(),
    };
    validate_model_name(&name).unwrap_or(base)
}

impl Catalog {
    /// A 3–5 word Title Case model name for a description (see the module
    /// docs). Deterministic; uniqueness suffixing is the caller's.
    pub fn suggest_name(&self, description: &str) -> String {
        let (ranked, _) = self.ranked(description);
        name_from(self, &ranked, description)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proper_nouns_skip_sentence_starts_quotes_and_acronyms() {
        assert_eq!(proper_nouns("Users sign in with Google."), ["Google"]);
        assert_eq!(proper_nouns("The API uses JSON. Payments go to Stripe's API"), ["Stripe"]);
        assert_eq!(proper_nouns("It sends to Stripe's API and a FHIR-based store"), ["Stripe", "FHIR"]);
        assert_eq!(proper_nouns("Add \"Sign in with Google\" to uploads of 50 MB"), ["Google"]);
        assert!(proper_nouns("").is_empty());
    }
}
