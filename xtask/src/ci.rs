//! `cargo xtask ci` and `cargo xtask bench`.
//!
//! `ci` is the local equivalent of `.ci/run` (which CI runs on a fresh clone):
//! the same cargo steps, then the xtask checks in-process. Keep the two in step.
//! Only `.ci/run` starts a server and drives it with schemathesis (it needs
//! a Python environment it builds itself).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::generated::Mode;

/// What one step runs.
#[derive(Debug)]
enum Action {
    /// `cargo` with these arguments.
    Cargo(&'static [&'static str]),
    /// An xtask check, called in-process.
    Check(fn(&Path) -> anyhow::Result<()>),
}

#[derive(Debug)]
struct Step {
    name: &'static str,
    action: Action,
}

const STEPS: &[Step] = &[
    Step { name: "cargo fmt --all --check", action: Action::Cargo(&["fmt", "--all", "--check"]) },
    Step {
        name: "cargo clippy --workspace --all-targets --locked -- -D warnings",
        action: Action::Cargo(&["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
    },
    Step {
        name: "cargo build --workspace --all-targets --locked",
        action: Action::Cargo(&["build", "--workspace", "--all-targets", "--locked"]),
    },
    Step {
        name: "cargo deny --offline check licenses bans sources (install with `cargo install cargo-deny --locked`)",
        action: Action::Cargo(&["deny", "--offline", "check", "licenses", "bans", "sources"]),
    },
    Step { name: "cargo test --workspace --locked", action: Action::Cargo(&["test", "--workspace", "--locked"]) },
    Step { name: "xtask schemas --check", action: Action::Check(|root| crate::schemas::run(root, Mode::Check)) },
    Step { name: "xtask docs --check", action: Action::Check(|root| crate::docs::run(root, Mode::Check)) },
    Step { name: "xtask layers", action: Action::Check(crate::layers::run) },
];

pub(crate) fn run(root: &Path) -> anyhow::Result<()> {
    let mut timings: Vec<(&str, Duration)> = Vec::new();
    let mut failure = None;
    for step in STEPS {
        println!("\n==> {}", step.name);
        let started = Instant::now();
        let result = match &step.action {
            Action::Cargo(args) => cargo(root, args.iter().copied()),
            Action::Check(check) => check(root),
        };
        timings.push((step.name, started.elapsed()));
        if let Err(err) = result {
            failure = Some((step.name, err));
            break;
        }
    }

    println!("\n==> timings");
    for (name, elapsed) in &timings {
        println!("  {:>8.1}s  {name}", elapsed.as_secs_f64());
    }
    let total: Duration = timings.iter().map(|(_, d)| *d).sum();
    println!("  {:>8.1}s  total", total.as_secs_f64());

    match failure {
        Some((name, err)) => Err(err.context(format!("ci step `{name}` failed"))),
        None => {
            println!("\nci: all {} steps passed", STEPS.len());
            Ok(())
        }
    }
}

pub(crate) fn bench(root: &Path, extra: &[String]) -> anyhow::Result<()> {
    let args = ["bench", "--workspace", "--locked"].into_iter().chain(extra.iter().map(String::as_str));
    cargo(root, args)
}

/// Runs `cargo` with `args` in `root`, inheriting stdio; fails on a non-zero exit.
fn cargo<'a>(root: &Path, args: impl IntoIterator<Item = &'a str>) -> anyhow::Result<()> {
    let args: Vec<&str> = args.into_iter().collect();
    let status = crate::cargo()
        .args(&args)
        .current_dir(root)
        .status()
        .with_context(|| format!("could not start `cargo {}`", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed ({status})", args.join(" "));
    }
    Ok(())
}
