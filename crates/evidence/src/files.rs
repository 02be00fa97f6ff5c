//! File-level types: `file_exists`, `file_hash`, `test_exists`, and the
//! opt-in `test_passes`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Instant;

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

/// Cap on the captured output kept for the verdict.
const OUTPUT_TAIL: usize = 500;

/// `test_passes`: runs the project's test command filtered by the pattern.
/// Runs project code, so only with `allow_test_execution`; otherwise the
/// verdict is `skipped` (the claim was not checked, so it is neither a pass
/// nor a disproof; its tier-1 result stays pending).
pub(crate) fn test_passes(cx: &Cx<'_>) -> Verdict {
    let Some(pattern) = cx.str("pattern") else { return cx.fail("parameter `pattern` is required") };
    if !cx.v.options.allow_test_execution {
        return Verdict::skipped(
            cx.ty,
            "test_passes runs project code and was not run: enable allow_test_execution to run it",
        );
    }
    // The pattern becomes one argument (no shell), but must not be read as
    // an option of the runner.
    if pattern.starts_with('-') {
        return cx.fail("pattern must not start with `-`");
    }
    let root = cx.v.root();
    let has = |name: &str| root.join(name).is_file();
    let (program, args): (&str, Vec<&str>) =
        if has("pytest.ini") || has("pyproject.toml") || has("setup.py") || has("setup.cfg") {
            ("python3", vec!["-m", "pytest", "-x", "-k", pattern, "--tb=short", "-q"])
        } else if has("package.json") {
            ("npm", vec!["test", "--", "--testPathPattern", pattern])
        } else if has("Cargo.toml") {
            ("cargo", vec!["test", pattern, "--", "--test-threads=1"])
        } else {
            ("python3", vec!["-m", "pytest", "-x", "-k", pattern, "--tb=short", "-q"])
        };
    let mut child = match Command::new(program)
        .args(&args)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Verdict::error(cx.ty, format!("cannot start `{program}`: {e}")),
    };
    // Drain both pipes on threads so a chatty test run cannot block on a
    // full pipe while we wait for it.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() > cx.v.options.test_timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
            Err(e) => return Verdict::error(cx.ty, format!("waiting for `{program}` failed: {e}")),
        }
    };
    let mut output = out.join().unwrap_or_default();
    output.extend(err.join().unwrap_or_default());
    let text = String::from_utf8_lossy(&output);
    let tail: String = text.chars().rev().take(OUTPUT_TAIL).collect::<Vec<_>>().into_iter().rev().collect();
    let command = format!("{program} {}", args.join(" "));
    match status {
        None => cx.fail(format!("`{command}` timed out after {} s", cx.v.options.test_timeout.as_secs())),
        Some(s) if s.success() => cx.pass(format!("`{command}` passed")).with_evidence(&output),
        Some(s) => cx.fail(format!("`{command}` failed ({s}): {tail}")).with_evidence(&output),
    }
}
