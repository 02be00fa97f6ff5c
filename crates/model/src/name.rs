//! Model names: 3–5 words, unique per workspace (case-insensitively).

/// Fewest words in a model name.
pub const MIN_NAME_WORDS: usize = 3;
/// Most words in a model name (a numeric suffix added for uniqueness does not count).
pub const MAX_NAME_WORDS: usize = 5;
/// Longest model name, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Why a model name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a model name needs {MIN_NAME_WORDS} to {MAX_NAME_WORDS} words; \"{0}\" has {1}")]
    WordCount(String, usize),
    #[error("a model name is at most {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("a model name may not contain control or bidirectional control characters")]
    ControlCharacters,
}

/// The words that count: those containing a letter (so "Payments API 2" has two).
fn counted_words(name: &str) -> usize {
    name.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count()
}

/// Normalises whitespace and checks the rules; returns the name to store.
pub fn validate_model_name(name: &str) -> Result<String, NameError> {
    // Only the character rules can fail here: length and words are checked below.
    let normalized = crate::text::BoundedText::new("name", name, crate::text::TextKind::Name, usize::MAX, false)
        .map_err(|_| NameError::ControlCharacters)?
        .into_string();
    if normalized.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    let words = counted_words(&normalized);
    if !(MIN_NAME_WORDS..=MAX_NAME_WORDS).contains(&words) {
        return Err(NameError::WordCount(normalized, words));
    }
    Ok(normalized)
}

/// The comparison key: whitespace-normalised and case-folded.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether `name` is already used by one of `existing` (case-insensitively).
pub fn is_name_taken<'a>(name: &str, existing: impl IntoIterator<Item = &'a str>) -> bool {
    let key = name_key(name);
    existing.into_iter().any(|e| name_key(e) == key)
}

/// `proposed` if free, else `proposed 2`, `proposed 3`, … — what generation
/// uses when the proposed name is taken.
pub fn unique_model_name<'a>(proposed: &str, existing: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let base = proposed.split_whitespace().collect::<Vec<_>>().join(" ");
    if !is_name_taken(&base, existing.clone()) {
        return base;
    }
    (2u32..)
        .map(|n| format!("{base} {n}"))
        .find(|candidate| !is_name_taken(candidate, existing.clone()))
        .unwrap_or(base)
}
