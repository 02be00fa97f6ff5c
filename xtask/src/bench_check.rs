//! `cargo xtask bench-check`: how fast `rampart check` is on a large real tree.
//!
//! The tree is the crates.io sources cargo has already downloaded (real Rust,
//! C, Markdown and manifests, hundreds of MB, no network needed). 500 mixed
//! assertions made from names found in it are checked by the release binary
//! under `/usr/bin/time -v`, and the time is set against the cost of reading
//! every file of the tree once, which no tier-1 check should need to exceed by
//! much. Start-up time is measured separately because CI calls the binary once
//! per check file.
//!
//! This is a benchmark command, not a test: nothing here asserts a timing.

mod generate;
mod scan;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use rayon::prelude::*;
use serde_json::{Value, json};

const ASSERTIONS: usize = 500;
const CHECK_RUNS: usize = 5;
const READ_RUNS: usize = 3;
const READ_THREADS: usize = 2;
const STARTUP_RUNS: usize = 50;
const TIME: &str = "/usr/bin/time";

/// `bench-check [--tree DIR]`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Args {
    tree: Option<PathBuf>,
}

impl Args {
    pub(crate) fn parse(rest: &[String]) -> Result<Args, String> {
        match rest {
            [] => Ok(Args::default()),
            [flag, dir] if flag == "--tree" => Ok(Args { tree: Some(PathBuf::from(dir)) }),
            _ => Err(format!("`bench-check` takes only `--tree DIR`, got: {}", rest.join(" "))),
        }
    }
}

pub(crate) fn run(root: &Path, args: &Args) -> anyhow::Result<()> {
    ensure!(Path::new(TIME).is_file(), "{TIME} not found (GNU time; Debian/Ubuntu package `time`)");
    let tree = match &args.tree {
        Some(dir) => dir.clone(),
        None => registry_sources()?,
    };
    // Canonical, as the verifier makes it, so both walks name files alike.
    let tree = std::fs::canonicalize(&tree).with_context(|| format!("tree {}", tree.display()))?;

    println!("==> walking {}", tree.display());
    let files = generate::walk(&tree);
    let tree_bytes: u64 = files.iter().map(|f| f.size).sum();
    println!("    {} files, {}", files.len(), mib(tree_bytes));

    println!("==> generating {ASSERTIONS} assertions");
    let assertions = generate::generate(&tree, &files, ASSERTIONS)?;
    for a in &assertions {
        // A generator bug shows here, not as 500 puzzling failures later.
        let parsed: rampart_assurance::Assertion = serde_json::from_value(a.clone())?;
        parsed.validate().map_err(|e| anyhow::anyhow!("generated an invalid assertion {a}: {e}"))?;
    }
    let out_dir = root.join("target/bench-check");
    std::fs::create_dir_all(&out_dir)?;
    let check_file = out_dir.join("assertions.json");
    std::fs::write(&check_file, serde_json::to_string_pretty(&assertions)? + "\n")?;
    let spread = spread(&assertions);

    println!("==> cargo build --release --locked -p rampart");
    let status = crate::cargo().args(["build", "--release", "--locked", "-p", "rampart"]).current_dir(root).status()?;
    ensure!(status.success(), "building rampart failed ({status})");
    let bin = root.join("target/release/rampart");

    // The machine may be shared: a busy one inflates every figure below.
    let load_before = load_average();
    println!("==> rampart check x{CHECK_RUNS}");
    let mut runs = Vec::new();
    for i in 0..CHECK_RUNS {
        let run = check_once(&bin, &check_file, &tree)?;
        println!("    run {}: {:.3}s, {} peak", i + 1, run.wall.as_secs_f64(), kib(run.max_rss_kb));
        runs.push(run);
    }
    let outcomes = &runs.first().context("no run")?.outcomes;
    ensure!(
        runs.iter().all(|r| &r.outcomes == outcomes),
        "outcomes differ between runs: the check is not deterministic"
    );

    println!("==> reading every file (warm-up, then {READ_RUNS} runs each)");
    read_all(&tree, 1)?;
    let read_1 = min_of(READ_RUNS, || read_all(&tree, 1))?;
    let read_n = min_of(READ_RUNS, || read_all(&tree, READ_THREADS))?;

    println!("==> rampart --version x{STARTUP_RUNS}");
    let mut startup = Vec::with_capacity(STARTUP_RUNS);
    for _ in 0..STARTUP_RUNS {
        let started = Instant::now();
        let status = Command::new(&bin).arg("--version").stdout(Stdio::null()).status()?;
        startup.push(started.elapsed());
        ensure!(status.success(), "`rampart --version` failed ({status})");
    }

    let load = format!("{} -> {}", load_before, load_average());
    let walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
    let cpu: Vec<Duration> = runs.iter().map(|r| r.cpu).collect();
    let rss: Vec<u64> = runs.iter().map(|r| r.max_rss_kb).collect();
    let check_min = stats(&walls).min;
    let summary = json!({
        "tree": tree.display().to_string(),
        "tree_files": files.len(),
        "tree_bytes": tree_bytes,
        "assertions": ASSERTIONS,
        "files_named": spread.0,
        "files_named_more_than_once": spread.1,
        "passed": outcomes.passed,
        "failed": outcomes.failed,
        "skipped": outcomes.skipped,
        "by_type": outcomes.by_type,
        "check_wall_s": stats(&walls).json(),
        "check_cpu_s_median": stats(&cpu).median.as_secs_f64(),
        "check_max_rss_kb": {"median": median_u64(&rss), "max": rss.iter().max()},
        "read_all_s": {"threads_1": read_1.as_secs_f64(), format!("threads_{READ_THREADS}"): read_n.as_secs_f64()},
        "check_over_read_all": {"threads_1": ratio(check_min, read_1), format!("threads_{READ_THREADS}"): ratio(check_min, read_n)},
        "startup_ms": stats(&startup).json_ms(),
        "load_average_1m": load,
    });
    print_report(&summary, &walls, &startup, &rss, outcomes);
    println!("{}", serde_json::to_string(&summary)?);
    std::fs::write(out_dir.join("summary.json"), serde_json::to_string_pretty(&summary)? + "\n")?;
    Ok(())
}

/// `$CARGO_HOME/registry/src/<index>/`: the largest one if there are several.
fn registry_sources() -> anyhow::Result<PathBuf> {
    let home = match std::env::var_os("CARGO_HOME") {
        Some(h) => PathBuf::from(h),
        None => PathBuf::from(std::env::var_os("HOME").context("neither CARGO_HOME nor HOME is set")?).join(".cargo"),
    };
    let src = home.join("registry/src");
    let mut best: Option<(usize, PathBuf)> = None;
    for entry in std::fs::read_dir(&src).with_context(|| format!("no registry sources at {}", src.display()))? {
        let path = entry?.path();
        let crates = std::fs::read_dir(&path).map(Iterator::count).unwrap_or(0);
        if best.as_ref().is_none_or(|(n, p)| crates > *n || (crates == *n && path < *p)) {
            best = Some((crates, path));
        }
    }
    best.map(|(_, p)| p).with_context(|| format!("{} is empty: run a cargo build first", src.display()))
}

/// The 1-minute load average (Linux), or `?`.
fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace().next().unwrap_or("?").to_owned()
}

/// How many distinct files the assertions name, and how many of them more than once.
fn spread(assertions: &[Value]) -> (usize, usize) {
    let mut hits: BTreeMap<&str, usize> = BTreeMap::new();
    for a in assertions {
        let params = &a["params"];
        if let Some(f) = params.get("file").or_else(|| params.get("manifest")).and_then(Value::as_str) {
            *hits.entry(f).or_default() += 1;
        }
    }
    (hits.len(), hits.values().filter(|n| **n > 1).count())
}

/// What one `rampart check` run reported.
#[derive(Debug, PartialEq, Eq)]
struct Outcomes {
    passed: u64,
    failed: u64,
    skipped: u64,
    /// type -> outcome -> count.
    by_type: BTreeMap<String, BTreeMap<String, u64>>,
    /// Every verdict in order, to compare runs.
    each: Vec<String>,
}

#[derive(Debug)]
struct CheckRun {
    wall: Duration,
    cpu: Duration,
    max_rss_kb: u64,
    outcomes: Outcomes,
}

fn check_once(bin: &Path, check_file: &Path, tree: &Path) -> anyhow::Result<CheckRun> {
    let started = Instant::now();
    let out = Command::new(TIME)
        .arg("-v")
        .arg(bin)
        .arg("check")
        .arg(check_file)
        .arg("--project-root")
        .arg(tree)
        .args(["--output", "json"])
        .output()
        .context("could not start /usr/bin/time")?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Exit 1 means an assertion failed, which the generated set means to include.
    if !matches!(out.status.code(), Some(0 | 1)) {
        bail!("rampart check failed ({}):\n{stderr}", out.status);
    }
    let field = |name: &str| -> anyhow::Result<f64> {
        let line = stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .with_context(|| format!("no `{name}` in:\n{stderr}"))?;
        Ok(line.trim_start_matches(':').trim().parse()?)
    };
    let cpu = Duration::from_secs_f64(field("User time (seconds)")? + field("System time (seconds)")?);
    let max_rss_kb = field("Maximum resident set size (kbytes)")? as u64;
    let report: Value = serde_json::from_slice(&out.stdout).context("rampart check --output json printed no JSON")?;
    Ok(CheckRun { wall, cpu, max_rss_kb, outcomes: outcomes(&report)? })
}

/// Reads the JSON report, failing loudly when it shows the generator is broken.
fn outcomes(report: &Value) -> anyhow::Result<Outcomes> {
    let results = report["results"].as_array().context("report has no `results`")?;
    ensure!(results.len() == ASSERTIONS, "expected {ASSERTIONS} results, got {}", results.len());
    let count = |key: &str| report[key].as_u64().unwrap_or(0);
    let (passed, failed, skipped) = (count("passed"), count("failed"), count("skipped"));
    ensure!(passed + failed + skipped == ASSERTIONS as u64, "counts do not add up: {passed} + {failed} + {skipped}");
    ensure!(passed > 0, "every assertion failed: the generator is wrong (see target/bench-check/assertions.json)");
    ensure!(skipped < ASSERTIONS as u64, "every assertion was skipped: the generator is wrong");
    let mut by_type: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    let mut each = Vec::with_capacity(results.len());
    for r in results {
        let ty = r["type"].as_str().unwrap_or("?").to_owned();
        let outcome = r["outcome"].as_str().unwrap_or("?").to_owned();
        *by_type.entry(ty).or_default().entry(outcome.clone()).or_default() += 1;
        each.push(outcome);
    }
    Ok(Outcomes { passed, failed, skipped, by_type, each })
}

/// Walks the tree like the verifier and reads every file once, on `threads`
/// threads. Returns the bytes read, so the work cannot be optimised away.
fn read_all(tree: &Path, threads: usize) -> anyhow::Result<u64> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    pool.install(|| {
        let files = generate::walk(tree);
        files
            .par_iter()
            .map(|f| std::fs::read(tree.join(&f.rel)).map(|b| b.len() as u64).with_context(|| f.rel.clone()))
            .sum()
    })
}

fn min_of(runs: usize, mut f: impl FnMut() -> anyhow::Result<u64>) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        best = best.min(started.elapsed());
    }
    Ok(best)
}

#[derive(Debug)]
struct Stats {
    min: Duration,
    median: Duration,
    p95: Duration,
}

impl Stats {
    fn json(&self) -> Value {
        json!({"min": self.min.as_secs_f64(), "median": self.median.as_secs_f64()})
    }

    fn json_ms(&self) -> Value {
        json!({"min": ms(self.min), "median": ms(self.median), "p95": ms(self.p95)})
    }
}

/// Min, median (mean of the middle two for even counts) and nearest-rank p95.
fn stats(samples: &[Duration]) -> Stats {
    let mut s = samples.to_vec();
    s.sort();
    let at = |i: usize| s.get(i).copied().unwrap_or_default();
    let n = s.len();
    let median = if n % 2 == 1 { at(n / 2) } else { (at(n / 2 - 1) + at(n / 2)) / 2 };
    let p95 = at((n * 95).div_ceil(100).saturating_sub(1));
    Stats { min: at(0), median, p95 }
}

fn median_u64(samples: &[u64]) -> u64 {
    let mut s = samples.to_vec();
    s.sort_unstable();
    s.get(s.len() / 2).copied().unwrap_or(0)
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    (a.as_secs_f64() / b.as_secs_f64().max(f64::MIN_POSITIVE) * 100.0).round() / 100.0
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn kib(kb: u64) -> String {
    mib(kb * 1024)
}

fn print_report(s: &Value, walls: &[Duration], startup: &[Duration], rss: &[u64], o: &Outcomes) {
    let (w, st) = (stats(walls), stats(startup));
    let secs = |k: &str| s["read_all_s"][k].as_f64().unwrap_or(0.0);
    let rows = [
        ("tree".to_owned(), s["tree"].as_str().unwrap_or("").to_owned()),
        ("tree size".to_owned(), format!("{} files, {}", s["tree_files"], mib(s["tree_bytes"].as_u64().unwrap_or(0)))),
        (
            "assertions".to_owned(),
            format!(
                "{ASSERTIONS} over {} files ({} named more than once): {} passed, {} failed, {} skipped",
                s["files_named"], s["files_named_more_than_once"], o.passed, o.failed, o.skipped
            ),
        ),
        (
            format!("check wall, min / median of {CHECK_RUNS}"),
            format!("{:.3} s / {:.3} s", w.min.as_secs_f64(), w.median.as_secs_f64()),
        ),
        (
            "check CPU (user+sys), median".to_owned(),
            format!("{:.3} s", s["check_cpu_s_median"].as_f64().unwrap_or(0.0)),
        ),
        (
            "check peak RSS, median / max".to_owned(),
            format!("{} / {}", kib(median_u64(rss)), kib(rss.iter().copied().max().unwrap_or(0))),
        ),
        (format!("read every file, 1 thread (min of {READ_RUNS})"), format!("{:.3} s", secs("threads_1"))),
        (
            format!("read every file, {READ_THREADS} threads (min of {READ_RUNS})"),
            format!("{:.3} s", secs(&format!("threads_{READ_THREADS}"))),
        ),
        (
            "check min / read-all (1 thread, 2 threads)".to_owned(),
            format!(
                "{} / {}",
                s["check_over_read_all"]["threads_1"],
                s["check_over_read_all"][format!("threads_{READ_THREADS}")]
            ),
        ),
        (
            format!("`rampart --version`, min / median / p95 of {STARTUP_RUNS}"),
            format!("{} / {} / {} ms", ms(st.min), ms(st.median), ms(st.p95)),
        ),
        (
            format!("1-min load average, before -> after (on {} CPUs)", num_cpus()),
            s["load_average_1m"].as_str().unwrap_or("?").to_owned(),
        ),
    ];
    println!("\n| measure | value |\n|---|---|");
    for (k, v) in rows {
        println!("| {k} | {v} |");
    }
    println!("\n| type | pass | fail | error | skipped |\n|---|---:|---:|---:|---:|");
    for (ty, by) in &o.by_type {
        let n = |k: &str| by.get(k).copied().unwrap_or(0);
        println!("| {ty} | {} | {} | {} | {} |", n("pass"), n("fail"), n("error"), n("skipped"));
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_its_arguments() {
        let args = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(Args::parse(&[]), Ok(Args::default()));
        assert_eq!(Args::parse(&args("--tree /x")), Ok(Args { tree: Some(PathBuf::from("/x")) }));
        assert!(Args::parse(&args("--tree")).is_err());
        assert!(Args::parse(&args("--runs 3")).is_err());
    }

    #[test]
    fn stats_are_nearest_rank() {
        let d: Vec<Duration> = (1..=20).map(Duration::from_millis).collect();
        let s = stats(&d);
        assert_eq!((s.min, s.p95), (Duration::from_millis(1), Duration::from_millis(19)));
        assert_eq!(s.median, Duration::from_micros(10_500));
    }
}
