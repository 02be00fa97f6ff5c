//! Text handling shared by matching, naming and the judgements: sentences of
//! lower-cased word tokens, recognition phrases, a light suffix stemmer and
//! content words.
//!
//! Everything here is a pure function of its input. Tokens are maximal runs of
//! alphanumeric characters, so "CI/CD" is `ci cd`, "e-mail" is `e mail` and
//! "keyboard" is one token that the phrase `key` does not match.

use std::collections::BTreeSet;

/// Splits text into sentences of lower-cased tokens. A sentence ends at `.`,
/// `!`, `?` or `;` followed by whitespace (or the end), or at a line break; so
/// "v1.2" and "example.com" stay inside their sentence.
pub(crate) fn sentences(text: &str) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        if !word.is_empty() {
            current.push(std::mem::take(&mut word));
        }
        let ends = c == '\n' || (matches!(c, '.' | '!' | '?' | ';') && chars.peek().is_none_or(|n| n.is_whitespace()));
        if ends && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !word.is_empty() {
        current.push(word);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One word of a recognition phrase: exact (with simple plurals) or a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhraseWord {
    pub(crate) word: String,
    pub(crate) prefix: bool,
}

impl PhraseWord {
    /// `key` matches key, keys; `policy` matches policies; `box` matches
    /// boxes; `upload*` matches every word starting with "upload".
    pub(crate) fn matches(&self, token: &str) -> bool {
        if self.prefix {
            return token.starts_with(self.word.as_str());
        }
        let w = self.word.as_str();
        if token == w {
            return true;
        }
        match token.strip_prefix(w) {
            Some("s") => true,
            Some("es") => w.ends_with(['s', 'x', 'z', 'h']),
            _ => w.strip_suffix('y').is_some_and(|stem| token.strip_prefix(stem) == Some("ies")),
        }
    }
}

/// A parsed recognition phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Phrase {
    /// As written in the catalog.
    pub(crate) text: String,
    pub(crate) words: Vec<PhraseWord>,
}

impl Phrase {
    /// Parses "file upload*": lower-case alphanumeric words separated by single
    /// spaces, `*` allowed only at the end of a word of at least three
    /// characters.
    pub(crate) fn parse(text: &str) -> Result<Phrase, String> {
        let mut words = Vec::new();
        for raw in text.split(' ') {
            let (word, prefix) = match raw.strip_suffix('*') {
                Some(w) => (w, true),
                None => (raw, false),
            };
            if word.is_empty() || !word.chars().all(|c| c.is_alphanumeric() && !c.is_uppercase()) {
                return Err(format!(
                    "phrase `{text}`: words must be lower-case letters or digits separated by one space"
                ));
            }
            if prefix && word.chars().count() < 3 {
                return Err(format!("phrase `{text}`: a prefix word needs at least three characters"));
            }
            words.push(PhraseWord { word: word.to_owned(), prefix });
        }
        Ok(Phrase { text: text.to_owned(), words })
    }

    /// Whether the phrase occurs as consecutive tokens of one sentence.
    pub(crate) fn occurs_in(&self, sentences: &[Vec<String>]) -> bool {
        let n = self.words.len();
        sentences
            .iter()
            .any(|s| s.len() >= n && s.windows(n).any(|win| win.iter().zip(&self.words).all(|(t, w)| w.matches(t))))
    }
}

/// Words that carry no meaning for judging similarity.
const STOP_WORDS: &[&str] = &[
    "a", "about", "across", "after", "against", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been",
    "before", "being", "between", "both", "but", "by", "can", "could", "do", "does", "during", "each", "either",
    "ensure", "every", "for", "from", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "itself",
    "just", "may", "must", "need", "needs", "no", "nor", "not", "of", "on", "once", "only", "or", "other", "our",
    "out", "over", "own", "per", "please", "shall", "should", "so", "some", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "through", "to", "under", "until", "up", "upon", "us",
    "use", "used", "uses", "using", "via", "was", "we", "were", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "within", "without", "would", "you", "your",
];

pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// A light suffix stemmer (in the spirit of Porter's first steps): plurals,
/// -ing, -ed, -er, -ly, -ation/-ion families and a final -e are cut, and a
/// doubled final consonant is undoubled, so "validate", "validated",
/// "validation" and "validating" share the stem `validat`, and "logging",
/// "logs" and "log" share `log`. Words of three letters or fewer are kept.
pub(crate) fn stem(word: &str) -> String {
    let mut w: String = word.to_lowercase();
    if w.chars().count() <= 3 || !w.chars().all(char::is_alphanumeric) {
        return w;
    }
    // Plurals.
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() >= 2) {
        w = format!("{s}y");
    } else if let Some(s) = w.strip_suffix("sses") {
        w = format!("{s}ss");
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    // Derivational and inflectional suffixes: the first that applies.
    const RULES: &[(&str, &str, usize)] = &[
        ("ization", "iz", 3),
        ("isation", "iz", 3),
        ("ational", "at", 3),
        ("ation", "at", 3),
        ("ption", "pt", 3),
        ("ction", "ct", 3),
        ("ement", "e", 4),
        ("ment", "", 4),
        ("ing", "", 3),
        ("ied", "y", 2),
        ("ed", "", 3),
        ("er", "", 4),
        ("ly", "", 4),
    ];
    for (suffix, replacement, min_rest) in RULES {
        if let Some(rest) = w.strip_suffix(suffix)
            && rest.chars().count() >= *min_rest
            && rest.chars().any(|c| "aeiouy".contains(c))
        {
            w = format!("{rest}{replacement}");
            break;
        }
    }
    // Undouble a final consonant (scann → scan, logg → log), but keep ll/ss/zz.
    let chars: Vec<char> = w.chars().collect();
    if let [.., a, b] = chars.as_slice()
        && a == b
        && !"aeiouylsz".contains(*a)
        && a.is_alphabetic()
        && chars.len() > 3
    {
        w.pop();
    }
    // A final silent e.
    if w.chars().count() > 4 && w.ends_with('e') && !w.ends_with("ee") {
        w.pop();
    }
    w
}

/// The stemmed content words of a text: tokens that are not stop words, with
/// a few spelling variants folded together.
pub(crate) fn content_stems(text: &str) -> BTreeSet<String> {
    sentences(text).into_iter().flatten().filter(|t| !is_stop_word(t)).map(|t| canonical(&stem(&t))).collect()
}

/// Folds spelling variants and close synonyms of control vocabulary onto one
/// stem, so "verify"/"validate"/"check" or "authorise"/"authorize" compare
/// equal.
fn canonical(stem: &str) -> String {
    let folded = match stem {
        "verify" | "verifi" | "verificat" | "check" | "validat" => "validat",
        "authoris" | "authoriz" | "authorisat" | "authorizat" => "authoriz",
        "authenticat" | "authn" => "authenticat",
        "reject" | "refus" | "deny" | "deni" | "block" | "drop" => "reject",
        "throttl" | "rate" => "rate",
        "encrypt" | "encipher" => "encrypt",
        "record" | "log" => "log",
        "secret" | "credential" => "secret",
        "store" | "stor" | "persist" | "sav" => "stor",
        "remov" | "delet" | "purg" | "eras" => "delet",
        "expir" | "expiry" | "ttl" => "expir",
        "rotat" | "rol" | "roll" => "rotat",
        other => other,
    };
    folded.to_owned()
}

/// Jaccard similarity of two sets: |A ∩ B| / |A ∪ B|; 1.0 for two empty sets.
pub(crate) fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

/// Collapses runs of whitespace into single spaces and trims.
pub(crate) fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "audit logs" → "Audit Logs": the first letter of each word upper-cased,
/// words already containing capitals (acronyms, brand names) kept as written.
pub(crate) fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                return w.to_owned();
            }
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn sentences_split_on_terminal_punctuation_only() {
        let s = sentences("Users upload files to S3. See example.com v1.2; done!\nNext");
        assert_eq!(s.len(), 4);
        assert_eq!(s[0], ["users", "upload", "files", "to", "s3"]);
        assert_eq!(s[1], ["see", "example", "com", "v1", "2"]);
    }

    #[test]
    fn phrase_words_match_plurals_and_prefixes_but_not_compounds() {
        let key = Phrase::parse("api key").unwrap();
        assert!(key.occurs_in(&sentences("Rotate the API keys weekly")));
        assert!(!key.occurs_in(&sentences("the api keyboard shortcut")));
        let upload = Phrase::parse("upload*").unwrap();
        assert!(upload.occurs_in(&sentences("Uploaded files")));
        let policy = Phrase::parse("policy").unwrap();
        assert!(policy.occurs_in(&sentences("two policies")));
        assert!(Phrase::parse("Bad").is_err());
        assert!(Phrase::parse("a*").is_err());
        assert!(Phrase::parse("two  spaces").is_err());
    }

    #[test]
    fn stems_unify_word_families() {
        for family in [
            &["validate", "validated", "validation", "validating", "validates"][..],
            &["log", "logs", "logging", "logged"],
            &["scan", "scans", "scanning", "scanned", "scanner"],
            &["upload", "uploads", "uploaded", "uploading", "uploader"],
            &["encrypt", "encrypted", "encryption", "encrypts"],
            &["rotate", "rotated", "rotation", "rotates"],
            &["policy", "policies"],
        ] {
            let stems: BTreeSet<String> = family.iter().map(|w| stem(w)).collect();
            assert_eq!(stems.len(), 1, "{family:?} → {stems:?}");
        }
        assert_ne!(stem("key"), stem("keyboard"));
    }
}
