//! The fence around untrusted text: a fresh random token per call, so
//! content cannot guess, and therefore cannot forge, the closing line.

use std::fmt::Write as _;

/// Attempts to find a token absent from the untrusted text before giving up.
/// One collision is already a 2^-96 event; the bound only keeps this total.
const MAX_TOKEN_ATTEMPTS: usize = 8;

/// Why no token could be produced (the system's randomness failed, or the
/// impossible happened repeatedly).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no boundary token could be generated: {0}")]
pub struct BoundaryError(String);

/// `BOUNDARY_` followed by 24 lower-case hex digits (96 random bits) that
/// occur in none of `untrusted`.
pub fn fresh_token(untrusted: &[&str]) -> Result<String, BoundaryError> {
    for _ in 0..MAX_TOKEN_ATTEMPTS {
        let mut bytes = [0_u8; 12];
        getrandom::fill(&mut bytes).map_err(|e| BoundaryError(e.to_string()))?;
        let mut token = String::with_capacity(9 + 24);
        token.push_str("BOUNDARY_");
        for byte in bytes {
            let _ = write!(token, "{byte:02x}");
        }
        if !untrusted.iter().any(|text| text.contains(&token)) {
            return Ok(token);
        }
    }
    Err(BoundaryError("every candidate occurred in the untrusted text".to_owned()))
}

/// `content` between `<token>` and `</token>`, each tag on its own line.
pub fn fence(token: &str, content: &str) -> String {
    let mut fenced = String::with_capacity(content.len() + 2 * token.len() + 8);
    let _ = writeln!(fenced, "<{token}>");
    fenced.push_str(content);
    if !content.ends_with('\n') {
        fenced.push('\n');
    }
    let _ = write!(fenced, "</{token}>");
    fenced
}
