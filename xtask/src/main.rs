//! `cargo xtask`: project automation for Rampart.
//!
//! Run `cargo xtask help` for the commands. Each command exits non-zero with a
//! clear message on failure, so CI (`.ci/run`) can call the built binary
//! directly.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "xtask is a command-line tool: printing is its output")]

mod bench_check;
mod ci;
mod docs;
mod generated;
mod layers;
#[cfg(test)]
mod rules;
mod schemas;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generated::Mode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  schemas [--check]   write the JSON Schemas of the domain types into schemas/
                      (--check: fail if the checked-in files differ)
  docs [--check]      write the generated documentation (docs/methodology/...)
                      (--check: fail if the checked-in files differ)
  layers              fail when a crate depends against the layer table
                      (forbidden crates in the domain, arrows pointing up or sideways)
  ci                  fmt, clippy, build, test, then schemas --check, docs --check, layers
  bench [ARGS...]     cargo bench --workspace --locked [ARGS...]
  bench-check [--tree DIR]
                      time `rampart check` (500 assertions) on a large real tree
                      (default: the crates.io sources in $CARGO_HOME/registry/src)
  help                print this message
";

/// A parsed command line.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Schemas(Mode),
    Docs(Mode),
    Layers,
    Ci,
    Bench(Vec<String>),
    BenchCheck(bench_check::Args),
    Help,
}

fn parse(args: &[String]) -> Result<Command, String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err("no command given".to_owned());
    };
    let check_flag = |rest: &[String]| -> Result<Mode, String> {
        match rest {
            [] => Ok(Mode::Write),
            [flag] if flag == "--check" => Ok(Mode::Check),
            _ => Err(format!("`{cmd}` takes only `--check`, got: {}", rest.join(" "))),
        }
    };
    let no_args = |command: Command| -> Result<Command, String> {
        if rest.is_empty() { Ok(command) } else { Err(format!("`{cmd}` takes no arguments, got: {}", rest.join(" "))) }
    };
    match cmd.as_str() {
        "schemas" => check_flag(rest).map(Command::Schemas),
        "docs" => check_flag(rest).map(Command::Docs),
        "layers" => no_args(Command::Layers),
        "ci" => no_args(Command::Ci),
        "bench" => Ok(Command::Bench(rest.to_vec())),
        "bench-check" => bench_check::Args::parse(rest).map(Command::BenchCheck),
        "help" | "-h" | "--help" => Ok(Command::Help),
        other => Err(format!("unknown command `{other}`")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = match parse(&args) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let root = project_root();
    let result = match command {
        Command::Schemas(mode) => schemas::run(&root, mode),
        Command::Docs(mode) => docs::run(&root, mode),
        Command::Layers => layers::run(&root),
        Command::Ci => ci::run(&root),
        Command::Bench(extra) => ci::bench(&root, &extra),
        Command::BenchCheck(args) => bench_check::run(&root, &args),
        Command::Help => {
            print!("{USAGE}");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
///
/// Taken from the build, so the binary can be run directly
/// (`target/debug/xtask`) from any working directory.
fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

/// The `cargo` to run: the one that started us, if any, else the one on `PATH`.
fn cargo() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    std::process::Command::new(cargo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_commands_and_rejects_the_rest() {
        assert_eq!(parse(&args("schemas")), Ok(Command::Schemas(Mode::Write)));
        assert_eq!(parse(&args("schemas --check")), Ok(Command::Schemas(Mode::Check)));
        assert_eq!(parse(&args("docs --check")), Ok(Command::Docs(Mode::Check)));
        assert_eq!(parse(&args("layers")), Ok(Command::Layers));
        assert_eq!(parse(&args("bench -- --quick")), Ok(Command::Bench(args("-- --quick"))));
        assert!(parse(&args("")).is_err());
        assert!(parse(&args("frobnicate")).is_err());
        assert!(parse(&args("schemas --chekc")).is_err());
        assert!(parse(&args("layers --check")).is_err());
    }

    #[test]
    fn project_root_is_the_workspace() {
        assert!(project_root().join("Cargo.toml").is_file());
        assert!(project_root().join("xtask").is_dir());
    }
}
