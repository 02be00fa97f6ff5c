//! File-level types: `file_exists`, `file_hash`, `test_exists`.

use globset::GlobBuilder;
use sha2::Digest;

use crate::path::resolve;
use crate::verdict::{Verdict, hex, sha256_hex};
use crate::verifier::Cx;

/// `file_exists`: a regular file (not a symlink, inside the root) is there.
pub(crate) fn file_exists(cx: &Cx<'_>) -> Verdict {
    let Some(rel) = cx.str("file") else { return cx.fail("parameter `file` is required") };
    match resolve(cx.v.root(), rel) {
        Ok(p) if p.is_file() => cx.pass(format!("`{rel}` exists")).with_file(rel),
        Ok(_) => cx.fail(format!("`{rel}` exists but is not a regular file")).with_file(rel),
        Err(e) => cx.fail(e.describe(rel)).with_file(rel),
    }
}

fn digest(algorithm: &str, bytes: &[u8]) -> Option<String> {
    Some(match algorithm {
        "md5" => hex(&md5::Md5::digest(bytes)),
        "sha1" => hex(&sha1::Sha1::digest(bytes)),
        "sha224" => hex(&sha2::Sha224::digest(bytes)),
        "sha256" => hex(&sha2::Sha256::digest(bytes)),
        "sha384" => hex(&sha2::Sha384::digest(bytes)),
        "sha512" => hex(&sha2::Sha512::digest(bytes)),
        "sha3_256" => hex(&sha3::Sha3_256::digest(bytes)),
        "sha3_384" => hex(&sha3::Sha3_384::digest(bytes)),
        "sha3_512" => hex(&sha3::Sha3_512::digest(bytes)),
        "blake2b" => hex(&blake2::Blake2b512::digest(bytes)),
        "blake2s" => hex(&blake2::Blake2s256::digest(bytes)),
        _ => return None,
    })
}

/// `file_hash`: the digest of the raw bytes equals `expected_hash`. Binary
/// files are allowed here (a pinned vendored binary is a fair claim); the
/// size cap still applies. `scope_file` (what tier 2 reviews) must exist.
pub(crate) fn file_hash(cx: &Cx<'_>) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("file")?;
        let expected = cx.req("expected_hash")?;
        let algorithm = cx.str("algorithm").unwrap_or("sha256");
        if let Some(scope) = cx.str("scope_file") {
            resolve(cx.v.root(), scope).map_err(|e| cx.fail(format!("scope_file: {}", e.describe(scope))))?;
        }
        let f = cx.file(rel)?;
        let Some(actual) = digest(algorithm, &f.bytes) else {
            return Err(cx.fail(format!("unsupported hash algorithm `{algorithm}`")));
        };
        let v = if actual == expected {
            cx.pass(format!("{algorithm} of `{rel}` matches"))
        } else {
            cx.fail(format!("{algorithm} of `{rel}` is {actual}, expected {expected}"))
        };
        Ok(v.with_file(&f.rel).with_hash(f.sha256()))
    };
    run().unwrap_or_else(|v| v)
}

/// `test_exists`: the glob matches at least one file of the walked tree
/// (inside the root, `.gitignore` honoured, symlinks not followed). `*`
/// stays within one directory; `**` crosses directories.
pub(crate) fn test_exists(cx: &Cx<'_>) -> Verdict {
    let Some(pattern) = cx.str("pattern") else { return cx.fail("parameter `pattern` is required") };
    let glob = match GlobBuilder::new(pattern.trim_start_matches("./")).literal_separator(true).build() {
        Ok(g) => g.compile_matcher(),
        Err(e) => return cx.fail(format!("invalid glob `{pattern}`: {e}")),
    };
    let list = cx.v.files();
    let matched: Vec<&String> = list.files.iter().filter(|f| glob.is_match(f.as_str())).collect();
    let note = if list.truncated { " (the walk stopped at its file limit)" } else { "" };
    match matched.first() {
        Some(first) => {
            let listing = matched.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n");
            cx.pass(format!("{} file(s) match `{pattern}`, first `{first}`{note}", matched.len()))
                .with_file(first)
                .with_hash(sha256_hex(listing.as_bytes()))
        }
        None => cx.fail(format!("no file matches `{pattern}`{note}")),
    }
}
