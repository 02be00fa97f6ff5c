//! The benchmark's input: the tree's file list (walked like the verifier walks)
//! and a mixed set of assertions made from real names found in it.
//!
//! Everything is deterministic for a given tree: the file list is sorted, the
//! only randomness is a fixed-seed generator, and maps keep insertion order,
//! so two runs over the same tree write byte-identical JSON and time the same
//! work.

use std::path::Path;

use anyhow::Context as _;
use serde_json::{Map, Value, json};
use sha2::{Digest as _, Sha256};

use super::scan::{Manifest, RustFile, RustFn, scan_manifest, scan_rust};

/// The verifier refuses larger files; real claims stay under its default cap.
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;
/// How many `.rs` files (plus build scripts) are read for names: enough to
/// spread the assertions over hundreds of files.
const RUST_POOL: usize = 320;
const BUILD_POOL: usize = 40;
/// One in this many assertions names something that is not there.
const WRONG_ONE_IN: u64 = 8;
const SEED: u64 = 0x0005_EED0_BE4C_4EC0;

/// A regular file of the tree: `/`-separated path relative to the root.
#[derive(Debug, Clone)]
pub(crate) struct FileEntry {
    pub(crate) rel: String,
    pub(crate) size: u64,
}

/// The tree's regular files, sorted, with the rules of the verifier's own walk
/// (`crates/evidence/src/walk.rs`): `.gitignore`/`.ignore` honoured, hidden
/// files included, global git configuration and symlinks ignored.
pub(crate) fn walk(root: &Path) -> Vec<FileEntry> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .parents(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut files: Vec<FileEntry> = walker
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| {
            let rel = e.path().strip_prefix(root).unwrap_or(e.path());
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            FileEntry { rel, size: e.metadata().map_or(0, |m| m.len()) }
        })
        .collect();
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

/// splitmix64 with a fixed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() { None } else { items.get(self.below(items.len())) }
    }

    fn wrong(&mut self) -> bool {
        self.next().is_multiple_of(WRONG_ONE_IN)
    }

    /// The first `n` items of a Fisher-Yates shuffle.
    fn sample<T: Clone>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let n = n.min(idx.len());
        for i in 0..n {
            let j = i + self.below(idx.len() - i);
            idx.swap(i, j);
        }
        idx[..n].iter().filter_map(|&i| items.get(i).cloned()).collect()
    }
}

/// A version usable as a lower bound: `1.2.3`, `^0.4` (no ranges, no pre-releases).
fn plain_version(v: &str) -> Option<&str> {
    let v = v.trim().trim_start_matches('^');
    (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')).then_some(v)
}

/// Escapes regex metacharacters.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Line-anchored start of the scope of function `name`.
fn fn_scope_start(name: &str) -> String {
    format!(r#"^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|default|extern\s+"[^"]*")\s+)*fn\s+{name}\b"#)
}

/// The kinds generated, with their share per 100 assertions.
const MIX: &[(&str, usize)] = &[
    ("function_exists", 12),
    ("function_calls", 8),
    ("class_exists", 8),
    ("import_present", 8),
    ("decorator_present", 3),
    ("error_handled", 3),
    ("parameter_validated", 2),
    ("env_var_referenced", 2),
    ("pattern_matches", 10),
    ("pattern_absent", 8),
    ("no_plaintext_secret", 3),
    ("file_exists", 6),
    ("file_hash", 6),
    ("config_key_exists", 6),
    ("config_value_matches", 4),
    ("dependency_exists", 7),
    ("dependency_version", 3),
    ("test_exists", 1),
];

const SECRET_PATTERNS: &[&str] =
    &["AKIA[0-9A-Z]{16}", "-----BEGIN [A-Z ]*PRIVATE KEY-----", "ghp_[A-Za-z0-9]{36}", "xox[baprs]-[0-9A-Za-z-]{10,}"];
const TEXT_EXTENSIONS: &[&str] = &[".rs", ".toml", ".md", ".json", ".yml", ".txt", ".c", ".h"];
const ABSENT_PATTERNS: &[&str] =
    &[r"\bunsafe\s*\{", r"\.unwrap\(\)", r"\btodo!\s*\(", r"\bdbg!\s*\(", r"std::process::Command", r"\bMd5\b"];
const ABSENT_IN_FN: &[&str] = &[r"\.unwrap\(\)", r"\bpanic!\s*\(", r"\bunsafe\b"];

/// What the generator draws from.
struct Pools<'a> {
    root: &'a Path,
    files: Vec<&'a FileEntry>,
    /// Text the secret scan can read (it refuses binary files).
    text_files: Vec<&'a FileEntry>,
    rust: Vec<RustFile>,
    manifests: Vec<Manifest>,
    readmes: Vec<(String, String)>,
    test_dirs: Vec<String>,
}

/// `count` assertions over the tree at `root` (whose walk is `files`).
pub(crate) fn generate(root: &Path, files: &[FileEntry], count: usize) -> anyhow::Result<Vec<Value>> {
    let mut rng = Rng(SEED);
    let small: Vec<&FileEntry> = files.iter().filter(|f| f.size > 0 && f.size <= MAX_FILE_BYTES).collect();
    anyhow::ensure!(!small.is_empty(), "no readable files under {}", root.display());
    let rs: Vec<&FileEntry> = small.iter().copied().filter(|f| f.rel.ends_with(".rs")).collect();
    let builds: Vec<&FileEntry> =
        rs.iter().copied().filter(|f| f.rel.matches('/').count() == 1 && f.rel.ends_with("/build.rs")).collect();
    let mut rust = Vec::new();
    for f in rng.sample(&rs, RUST_POOL).into_iter().chain(rng.sample(&builds, BUILD_POOL)) {
        if let Some(text) = read_text(root, &f.rel) {
            rust.push(scan_rust(&f.rel, &text));
        }
    }
    let mut manifests = Vec::new();
    for f in small.iter().filter(|f| f.rel.matches('/').count() == 1 && f.rel.ends_with("/Cargo.toml")) {
        if let Some(text) = read_text(root, &f.rel) {
            manifests.push(scan_manifest(&f.rel, &text));
        }
    }
    manifests.retain(|m| !m.name.is_empty());
    let readmes = manifests
        .iter()
        .filter_map(|m| {
            let dir = m.rel.strip_suffix("Cargo.toml")?;
            let readme = format!("{dir}README.md");
            small.binary_search_by(|f| f.rel.as_str().cmp(&readme)).is_ok().then(|| (readme, m.name.clone()))
        })
        .collect();
    let mut test_dirs: Vec<String> = small
        .iter()
        .filter_map(|f| {
            let (krate, rest) = f.rel.split_once('/')?;
            (rest.starts_with("tests/") && rest.matches('/').count() == 1 && rest.ends_with(".rs"))
                .then(|| format!("{krate}/tests"))
        })
        .collect();
    test_dirs.dedup();
    let text_files = small.iter().copied().filter(|f| TEXT_EXTENSIONS.iter().any(|e| f.rel.ends_with(e))).collect();
    let pools = Pools { root, files: small, text_files, rust, manifests, readmes, test_dirs };

    // Each kind gets its share, then the order is shuffled so that kinds and
    // files interleave the way a real check file's would.
    let mut kinds: Vec<&str> = Vec::with_capacity(count);
    for (kind, share) in MIX {
        kinds.extend(std::iter::repeat_n(*kind, count * share / 100));
    }
    let mut cycle = MIX.iter().cycle();
    while kinds.len() < count {
        kinds.extend(cycle.next().map(|(k, _)| *k));
    }
    let kinds = rng.sample(&kinds, count);

    let mut out = Vec::with_capacity(count);
    for (i, kind) in kinds.iter().enumerate() {
        let (kind, params, description) = match one(kind, &pools, &mut rng, i) {
            Some(made) => made,
            None => one("file_exists", &pools, &mut rng, i).context("no file to name")?,
        };
        out.push(json!({"id": format!("BC{:03}", i + 1), "type": kind, "params": params, "description": description}));
    }
    Ok(out)
}

fn read_text(root: &Path, rel: &str) -> Option<String> {
    let bytes = std::fs::read(root.join(rel)).ok()?;
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

type Made = (&'static str, Map<String, Value>, String);

fn params(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

/// One assertion of `kind`, or `None` when the tree offers nothing for it.
fn one(kind: &str, p: &Pools<'_>, rng: &mut Rng, i: usize) -> Option<Made> {
    let wrong = rng.wrong();
    let missing = format!("bench_check_missing_{i}");
    // A random `.rs` file with a random item of the kind `get` lists.
    let rust_pick = |rng: &mut Rng, get: &dyn Fn(&RustFile) -> Vec<String>| -> Option<(String, String)> {
        let candidates: Vec<&RustFile> = p.rust.iter().filter(|f| !get(f).is_empty()).collect();
        let f = rng.pick(&candidates)?;
        Some((f.rel.clone(), rng.pick(&get(f))?.clone()))
    };
    let fn_pick = |rng: &mut Rng, want: &dyn Fn(&RustFn) -> bool| -> Option<(String, RustFn)> {
        let candidates: Vec<&RustFile> = p.rust.iter().filter(|f| f.fns.iter().any(want)).collect();
        let f = rng.pick(&candidates)?;
        let fns: Vec<&RustFn> = f.fns.iter().filter(|x| want(x)).collect();
        Some((f.rel.clone(), (*rng.pick(&fns)?).clone()))
    };
    let s = |v: &str| Value::String(v.to_owned());
    Some(match kind {
        "function_exists" => {
            let (file, name) = rust_pick(rng, &|f| f.fns.iter().filter(|x| x.body).map(|x| x.name.clone()).collect())?;
            let name = if wrong { format!("{name}_bench_missing") } else { name };
            (
                "function_exists",
                params(&[("file", s(&file)), ("name", s(&name))]),
                format!("`{name}` is defined in {file}"),
            )
        }
        "function_calls" => {
            let (file, f) = fn_pick(rng, &|x| x.callee.is_some())?;
            let callee = if wrong { missing } else { f.callee.unwrap_or_default() };
            let text = format!("`{}` calls `{callee}`", f.name);
            ("function_calls", params(&[("file", s(&file)), ("caller", s(&f.name)), ("callee", s(&callee))]), text)
        }
        "class_exists" => {
            let (file, name) = rust_pick(rng, &|f| f.types.clone())?;
            let name = if wrong { format!("{name}BenchMissing") } else { name };
            ("class_exists", params(&[("file", s(&file)), ("name", s(&name))]), format!("type `{name}` is declared"))
        }
        "import_present" => {
            let (file, module) = rust_pick(rng, &|f| f.uses.clone())?;
            let module = if wrong { format!("{missing}::module") } else { module };
            ("import_present", params(&[("file", s(&file)), ("module", s(&module))]), format!("`{module}` is imported"))
        }
        "decorator_present" => {
            let candidates: Vec<&RustFile> = p.rust.iter().filter(|f| !f.attrs.is_empty()).collect();
            let f = rng.pick(&candidates)?;
            let (func, attr) = rng.pick(&f.attrs)?.clone();
            let attr = if wrong { missing } else { attr };
            let text = format!("`{func}` carries `#[{attr}]`");
            ("decorator_present", params(&[("file", s(&f.rel)), ("function", s(&func)), ("decorator", s(&attr))]), text)
        }
        "error_handled" => {
            let (file, f) = fn_pick(rng, &|x| x.callee.is_some())?;
            (
                "error_handled",
                params(&[("file", s(&file)), ("function", s(&f.name))]),
                format!("`{}` handles errors", f.name),
            )
        }
        "parameter_validated" => {
            let (file, f) = fn_pick(rng, &|x| x.body && x.param.is_some())?;
            let param = f.param.unwrap_or_default();
            let text = format!("`{}` checks `{param}`", f.name);
            (
                "parameter_validated",
                params(&[("file", s(&file)), ("function", s(&f.name)), ("parameter", s(&param))]),
                text,
            )
        }
        "env_var_referenced" => {
            let (file, var) = rust_pick(rng, &|f| f.env_vars.clone())?;
            let var = if wrong { missing.to_uppercase() } else { var };
            ("env_var_referenced", params(&[("file", s(&file)), ("variable", s(&var))]), format!("reads `{var}`"))
        }
        "pattern_matches" => pattern_matches(p, rng, wrong, i)?,
        "pattern_absent" => {
            if rng.below(3) == 0 {
                let (file, f) = fn_pick(rng, &|x| x.body)?;
                let pattern = *rng.pick(ABSENT_IN_FN)?;
                let scope =
                    [("scope_start", s(&fn_scope_start(&f.name))), ("scope_end", s(&format!(r"^{}\}}", f.indent)))];
                let mut m = params(&[("file", s(&file)), ("pattern", s(pattern))]);
                m.extend(params(&scope));
                ("pattern_absent", m, format!("no `{pattern}` in `{}`", f.name))
            } else {
                let f = rng.pick(&p.rust)?;
                let pattern = *rng.pick(ABSENT_PATTERNS)?;
                ("pattern_absent", params(&[("file", s(&f.rel)), ("pattern", s(pattern))]), format!("no `{pattern}`"))
            }
        }
        "no_plaintext_secret" => {
            let f = rng.pick(&p.text_files)?;
            let m = params(&[("file", s(&f.rel)), ("patterns", json!(SECRET_PATTERNS))]);
            ("no_plaintext_secret", m, "no credentials in the file".to_owned())
        }
        "file_exists" => {
            let f = rng.pick(&p.files)?;
            let file =
                if wrong { format!("{}/{missing}.rs", f.rel.split('/').next().unwrap_or("")) } else { f.rel.clone() };
            ("file_exists", params(&[("file", s(&file))]), format!("{file} exists"))
        }
        "file_hash" => {
            let f = rng.pick(&p.files)?;
            let bytes = std::fs::read(p.root.join(&f.rel)).ok()?;
            let hash = hex(&Sha256::digest(if wrong { f.rel.as_bytes() } else { &bytes }));
            let m = params(&[("file", s(&f.rel)), ("expected_hash", s(&hash)), ("scope_file", s(&f.rel))]);
            ("file_hash", m, format!("{} is the reviewed content", f.rel))
        }
        "config_key_exists" => {
            let m = rng.pick(&p.manifests)?;
            let key = if wrong { format!("package.{missing}") } else { rng.pick(&m.keys)?.clone() };
            ("config_key_exists", params(&[("file", s(&m.rel)), ("key", s(&key))]), format!("`{key}` is set"))
        }
        "config_value_matches" => {
            let m = rng.pick(&p.manifests)?;
            let (key, pattern) = match rng.below(3) {
                _ if wrong => ("package.name", format!("^{}-bench-missing$", escape(&m.name))),
                0 if m.keys.iter().any(|k| k == "package.version") => ("package.version", r"^\d+\.\d+\.\d+".to_owned()),
                _ => ("package.name", format!("^{}$", escape(&m.name))),
            };
            let text = format!("`{key}` matches `{pattern}`");
            ("config_value_matches", params(&[("file", s(&m.rel)), ("key", s(key)), ("pattern", s(&pattern))]), text)
        }
        "dependency_exists" => {
            let candidates: Vec<&Manifest> = p.manifests.iter().filter(|m| !m.deps.is_empty()).collect();
            let m = rng.pick(&candidates)?;
            let dep = if wrong { missing.replace('_', "-") } else { rng.pick(&m.deps)?.0.clone() };
            ("dependency_exists", params(&[("manifest", s(&m.rel)), ("package", s(&dep))]), format!("depends on {dep}"))
        }
        "dependency_version" => {
            let has = |d: &(String, Option<String>)| d.1.as_deref().and_then(plain_version).is_some();
            let candidates: Vec<&Manifest> = p.manifests.iter().filter(|m| m.deps.iter().any(has)).collect();
            let m = rng.pick(&candidates)?;
            let deps: Vec<&(String, Option<String>)> = m.deps.iter().filter(|d| has(d)).collect();
            let (dep, version) = rng.pick(&deps)?;
            let low = version.as_deref().and_then(plain_version)?;
            let constraint = if wrong { format!("<{low}") } else { format!(">={low}") };
            let text = format!("{dep} is at least {low}");
            (
                "dependency_version",
                params(&[("manifest", s(&m.rel)), ("package", s(dep)), ("constraint", s(&constraint))]),
                text,
            )
        }
        "test_exists" => {
            let dir = rng.pick(&p.test_dirs)?;
            let pattern = if wrong { format!("{dir}/{missing}_*.rs") } else { format!("{dir}/*.rs") };
            ("test_exists", params(&[("pattern", s(&pattern))]), format!("tests exist: {pattern}"))
        }
        _ => return None,
    })
}

/// `pattern_matches` in its common shapes: a call inside a function's scope,
/// a definition anywhere in the file, a multi-line `use`, a README naming its
/// crate, and (when `wrong`) a token that is nowhere.
fn pattern_matches(p: &Pools<'_>, rng: &mut Rng, wrong: bool, i: usize) -> Option<Made> {
    let s = |v: &str| Value::String(v.to_owned());
    let rs_pick = |rng: &mut Rng, ok: &dyn Fn(&RustFile) -> bool| -> Option<&RustFile> {
        let candidates: Vec<&RustFile> = p.rust.iter().filter(|f| ok(f)).collect();
        rng.pick(&candidates).copied()
    };
    if wrong {
        let f = rs_pick(rng, &|_| true)?;
        let pattern = format!(r"BENCH_CHECK_ABSENT_TOKEN_{i}\b");
        return Some((
            "pattern_matches",
            params(&[("file", s(&f.rel)), ("pattern", s(&pattern))]),
            "marker present".to_owned(),
        ));
    }
    let (file, pattern, extra, text) = match rng.below(4) {
        0 => {
            let f = rs_pick(rng, &|f| f.fns.iter().any(|x| x.callee.is_some()))?;
            let fns: Vec<&RustFn> = f.fns.iter().filter(|x| x.callee.is_some()).collect();
            let func = rng.pick(&fns)?;
            let callee = func.callee.as_deref().unwrap_or_default();
            let scope = vec![
                ("scope_start", s(&fn_scope_start(&func.name))),
                ("scope_end", s(&format!(r"^{}\}}", func.indent))),
            ];
            (f.rel.clone(), format!(r"\b{callee}\s*\("), scope, format!("`{}` calls `{callee}`", func.name))
        }
        1 => {
            let f = rs_pick(rng, &|f| !f.types.is_empty())?;
            let name = rng.pick(&f.types)?;
            (f.rel.clone(), format!(r"\b(?:struct|enum|trait)\s+{name}\b"), vec![], format!("`{name}` is declared"))
        }
        2 => {
            let f = rs_pick(rng, &|f| !f.uses.is_empty())?;
            let path = rng.pick(&f.uses)?;
            let pattern = format!(r"^(?:pub\s+)?use\s+{}", escape(path));
            (f.rel.clone(), pattern, vec![("multiline", Value::Bool(true))], format!("`{path}` is used"))
        }
        _ => {
            let (readme, name) = rng.pick(&p.readmes)?;
            (readme.clone(), format!(r"(?i){}", escape(name)), vec![], format!("the README names {name}"))
        }
    };
    let mut m = params(&[("file", s(&file)), ("pattern", s(&pattern))]);
    m.extend(params(&extra));
    Some(("pattern_matches", m, text))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throw-away crate under the system temp directory.
    fn tiny_tree() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-bench-check-{}", std::process::id()));
        let files = [
            (
                "demo-0.1.0/Cargo.toml",
                "[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[dependencies.serde]\nversion = \"1.0.100\"\n",
            ),
            ("demo-0.1.0/README.md", "# demo\n"),
            ("demo-0.1.0/build.rs", "fn main() {\n    let _ = std::env::var(\"OUT_DIR\");\n}\n"),
            ("demo-0.1.0/tests/it.rs", "#[test]\nfn works() {\n    assert!(demo::run(1) > 0);\n}\n"),
            (
                "demo-0.1.0/src/lib.rs",
                "use std::collections::HashMap;\n\n#[inline]\npub fn run(n: u8) -> u8 {\n    if n == 0 { return 1; }\n    helper(n)\n}\n\nfn helper(x: u8) -> u8 {\n    let m: HashMap<u8, u8> = HashMap::new();\n    m.get(&x).copied().unwrap_or(x)\n}\n\npub struct Thing;\n",
            ),
        ];
        for (rel, text) in files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn generation_is_deterministic_valid_and_mixed() {
        let root = tiny_tree();
        let files = walk(&root);
        let first = generate(&root, &files, 120).expect("generate");
        let second = generate(&root, &walk(&root), 120).expect("generate");
        assert_eq!(serde_json::to_string(&first).ok(), serde_json::to_string(&second).ok());
        assert_eq!(first.len(), 120);

        let assertions: Vec<rampart_assurance::Assertion> =
            first.iter().map(|v| serde_json::from_value(v.clone()).expect("an assertion")).collect();
        for a in &assertions {
            assert!(a.validate().is_ok(), "{a:?}: {:?}", a.validate());
        }
        let verifier =
            rampart_evidence::Verifier::new(&root, rampart_evidence::VerifyOptions::default()).expect("root");
        let outcomes: Vec<rampart_evidence::Outcome> =
            verifier.verify_all(&assertions).iter().map(|v| v.outcome).collect();
        assert!(outcomes.contains(&rampart_evidence::Outcome::Pass));
        assert!(outcomes.contains(&rampart_evidence::Outcome::Fail));
        assert!(!outcomes.contains(&rampart_evidence::Outcome::Error));
        std::fs::remove_dir_all(&root).ok();
    }
}
