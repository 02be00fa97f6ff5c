//! How many tests a run executed, read from its runner's own summary. A
//! runner that selects nothing still exits 0 (unittest, cargo, go, Jest with
//! `--passWithNoTests`), so the exit status alone proves nothing.

use super::runner::Runner;

/// What the output says about the tests the pattern selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tally {
    /// Tests ran; `passed` of them passed. `summary` is the runner's line.
    Ran { passed: u64, summary: String },
    /// The runner says no test ran, in these words.
    NoneRan(String),
    /// The output does not say.
    Unknown,
}

/// `text` without ANSI escape sequences (colours, cursor moves).
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn tokens(line: &str) -> Vec<&str> {
    line.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '|' | '(' | ')' | '='))
        .map(|t| t.trim_end_matches('.'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The number written before `word` in `line` ("3 passed" → 3).
fn count(line: &str, word: &str) -> Option<u64> {
    tokens(line).windows(2).find(|w| w[1] == word).and_then(|w| w[0].parse().ok())
}

/// The number written after `word` in `line` ("skipped=2", "Ran 3" → 2, 3).
fn after(line: &str, word: &str) -> Option<u64> {
    tokens(line).windows(2).find(|w| w[0] == word).and_then(|w| w[1].parse().ok())
}

fn ran(passed: u64, executed: u64, summary: &str) -> Tally {
    if executed == 0 {
        Tally::NoneRan(summary.trim().to_owned())
    } else {
        Tally::Ran { passed, summary: summary.trim().to_owned() }
    }
}

/// `1 passed, 2 deselected in 0.02s`, `no tests ran in 0.01s`, framed by
/// `=` without `-q`. Exit status 5 is pytest's "no tests collected".
fn pytest(text: &str, code: Option<i32>) -> Tally {
    // The last line with `in <seconds>s`.
    let timed = |l: &&str| {
        tokens(l).windows(2).any(|w| w[0] == "in" && w[1].strip_suffix('s').is_some_and(|n| n.parse::<f64>().is_ok()))
    };
    let summary = text.lines().rev().map(|l| l.trim().trim_matches('=').trim()).find(timed);
    match summary {
        Some(line) if line.contains("no tests ran") => Tally::NoneRan(line.to_owned()),
        Some(line) => {
            let n = |w: &str| count(line, w).unwrap_or(0);
            let executed =
                ["passed", "failed", "error", "errors", "skipped", "xfailed", "xpassed"].iter().map(|w| n(w)).sum();
            ran(n("passed"), executed, line)
        }
        None if code == Some(5) => Tally::NoneRan("pytest exit status 5: no tests collected".to_owned()),
        None => Tally::Unknown,
    }
}

/// `key=value` pairs of a parenthesised list: `(skipped=1, expected failures=2)`.
fn fields(line: &str) -> Vec<(&str, u64)> {
    let inner = line.split_once('(').map_or("", |(_, rest)| rest.trim_end_matches(')'));
    inner
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .filter_map(|(k, v)| Some((k.trim(), v.trim().parse().ok()?)))
        .collect()
}

/// `Ran 3 tests in 0.001s`, then `OK (skipped=1)`, `FAILED (failures=1)`
/// or, since Python 3.12, `NO TESTS RAN`.
fn unittest(text: &str) -> Tally {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    if let Some(line) = lines.iter().find(|l| l.starts_with("NO TESTS RAN")) {
        return Tally::NoneRan((*line).to_owned());
    }
    let Some(at) = lines.iter().rposition(|l| l.starts_with("Ran ") && l.contains(" in ")) else {
        return Tally::Unknown;
    };
    let Some(total) = after(lines[at], "Ran") else { return Tally::Unknown };
    let verdict =
        lines[at + 1..].iter().find(|l| l.starts_with("OK") || l.starts_with("FAILED")).copied().unwrap_or("");
    // Skipped, failed, erroneous, expected failures and unexpected successes
    // all ran without passing.
    let not_passed: u64 = fields(verdict).iter().map(|(_, n)| n).sum();
    let summary = format!("{} {verdict}", lines[at]).trim().to_owned();
    ran(total.saturating_sub(not_passed), total, &summary)
}

/// One `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 2
/// filtered out` per test binary; `running 0 tests` in each when nothing
/// matched.
fn cargo(text: &str) -> Tally {
    let results: Vec<&str> = text.lines().map(str::trim).filter(|l| l.starts_with("test result:")).collect();
    if results.is_empty() {
        return Tally::Unknown;
    }
    let sum = |w: &str| results.iter().filter_map(|l| count(l, w)).sum::<u64>();
    let (passed, failed, filtered) = (sum("passed"), sum("failed"), sum("filtered"));
    let summary =
        format!("{passed} passed; {failed} failed; {filtered} filtered out in {} test binaries", results.len());
    ran(passed, passed + failed, &summary)
}

/// `-v` prints `--- PASS: TestX (0.00s)` per test (subtests indented);
/// `[no tests to run]` or `[no test files]` when nothing matched.
fn go(text: &str) -> Tally {
    let mark =
        |kind: &str| text.lines().filter(|l| l.trim_start().starts_with(&format!("--- {kind}: "))).count() as u64;
    let (passed, executed) = (mark("PASS"), mark("PASS") + mark("FAIL"));
    if executed > 0 {
        return Tally::Ran { passed, summary: format!("{passed} passed, {} failed", executed - passed) };
    }
    match ["no tests to run", "no test files"].iter().find(|w| text.contains(*w)) {
        Some(words) => Tally::NoneRan((*words).to_owned()),
        None => Tally::Unknown,
    }
}

/// Jest: `Tests:       1 skipped, 2 passed, 3 total`, `No tests found`.
/// Vitest: `Tests  2 passed (2)`, `No test files found`. A name filter
/// (`-t`) reports the tests it did not select as skipped.
fn js(text: &str) -> Tally {
    if let Some(line) =
        text.lines().map(str::trim).find(|l| l.starts_with("No tests found") || l.starts_with("No test files found"))
    {
        return Tally::NoneRan(line.to_owned());
    }
    let summary = text
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| (l.starts_with("Tests:") || l.starts_with("Tests ")) && l.chars().any(|c| c.is_ascii_digit()));
    match summary {
        Some(line) => {
            let n = |w: &str| count(line, w).unwrap_or(0);
            ran(n("passed"), n("passed") + n("failed"), line)
        }
        None => Tally::Unknown,
    }
}

/// The tally of a run of `runner`, from its output (without ANSI escapes)
/// and exit code.
pub(crate) fn tally(runner: Runner, text: &str, code: Option<i32>) -> Tally {
    match runner {
        Runner::Pytest => pytest(text, code),
        Runner::Unittest => unittest(text),
        Runner::Cargo => cargo(text),
        Runner::Go => go(text),
        Runner::Npm => js(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passed(t: &Tally) -> Option<u64> {
        match t {
            Tally::Ran { passed, .. } => Some(*passed),
            _ => None,
        }
    }

    #[test]
    fn pytest_summaries() {
        let t = |text: &str, code| tally(Runner::Pytest, text, Some(code));
        assert_eq!(
            passed(&t("..                                   [100%]\n2 passed, 1 deselected in 0.01s\n", 0)),
            Some(2)
        );
        assert_eq!(passed(&t("=================== 1 passed in 65.12s (0:01:05) ===================\n", 0)), Some(1));
        assert_eq!(passed(&t("FAILED test_a.py::test_x - assert False\n1 failed, 1 passed in 0.03s\n", 1)), Some(1));
        assert_eq!(passed(&t("s\n1 skipped in 0.01s\n", 0)), Some(0));
        assert!(matches!(t("3 deselected in 0.01s\n", 5), Tally::NoneRan(_)));
        assert!(matches!(t("========== no tests ran in 0.00s ==========\n", 5), Tally::NoneRan(_)));
        assert!(matches!(t("ERROR: file or directory not found\n", 5), Tally::NoneRan(_)));
        assert_eq!(t("/usr/bin/python3: No module named pytest\n", 1), Tally::Unknown);
    }

    #[test]
    fn unittest_summaries() {
        let t = |text: &str| tally(Runner::Unittest, text, Some(0));
        let sep = "-".repeat(70);
        assert_eq!(passed(&t(&format!(".\n{sep}\nRan 1 test in 0.000s\n\nOK\n"))), Some(1));
        assert_eq!(passed(&t(&format!(".s.\n{sep}\nRan 3 tests in 0.000s\n\nOK (skipped=1)\n"))), Some(2));
        assert_eq!(passed(&t(&format!("s\n{sep}\nRan 1 test in 0.000s\n\nOK (skipped=1)\n"))), Some(0));
        assert_eq!(passed(&t("Ran 4 tests in 0.1s\n\nFAILED (failures=1, errors=1, expected failures=1)\n")), Some(1));
        assert!(matches!(t(&format!("\n{sep}\nRan 0 tests in 0.000s\n\nOK\n")), Tally::NoneRan(_)));
        assert!(matches!(t(&format!("\n{sep}\nRan 0 tests in 0.000s\n\nNO TESTS RAN\n")), Tally::NoneRan(_)));
        assert_eq!(t("Traceback (most recent call last):\n"), Tally::Unknown);
    }

    #[test]
    fn cargo_summaries() {
        let t = |text: &str| tally(Runner::Cargo, text, Some(0));
        let none = "running 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 5 filtered out; finished in 0.00s\n";
        assert!(matches!(t(&format!("{none}{none}")), Tally::NoneRan(_)));
        let one = "running 1 test\ntest login::works ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 4 filtered out; finished in 0.00s\n";
        assert_eq!(passed(&t(&format!("{none}{one}"))), Some(1));
        assert_eq!(t("error[E0425]: cannot find value `x` in this scope\n"), Tally::Unknown);
    }

    #[test]
    fn go_summaries() {
        let t = |text: &str| tally(Runner::Go, text, Some(0));
        let ran = "=== RUN   TestLogin\n--- PASS: TestLogin (0.00s)\n=== RUN   TestLogin/sub\n    --- PASS: TestLogin/sub (0.00s)\nPASS\nok  \texample.com/m\t0.002s\n";
        assert_eq!(passed(&t(ran)), Some(2));
        assert!(matches!(
            t("testing: warning: no tests to run\nPASS\nok  \texample.com/m\t0.002s [no tests to run]\n"),
            Tally::NoneRan(_)
        ));
        assert!(matches!(t("?   \texample.com/m\t[no test files]\n"), Tally::NoneRan(_)));
        assert_eq!(t("PASS\n"), Tally::Unknown);
    }

    #[test]
    fn jest_and_vitest_summaries() {
        let t = |text: &str| tally(Runner::Npm, text, Some(0));
        assert_eq!(passed(&t("Test Suites: 1 passed, 1 total\nTests:       1 skipped, 1 passed, 2 total\n")), Some(1));
        assert!(matches!(
            t("Test Suites: 1 skipped, 0 of 1 total\nTests:       2 skipped, 2 total\n"),
            Tally::NoneRan(_)
        ));
        assert!(matches!(t("No tests found, exiting with code 0\n"), Tally::NoneRan(_)));
        assert_eq!(passed(&t(" Test Files  1 passed (1)\n      Tests  1 passed | 1 skipped (2)\n")), Some(1));
        assert!(matches!(t(" Test Files  1 skipped (1)\n      Tests  2 skipped (2)\n"), Tally::NoneRan(_)));
        assert!(matches!(t("No test files found, exiting with code 1\n"), Tally::NoneRan(_)));
        assert_eq!(t("> app@1.0.0 test\n> mocha\n"), Tally::Unknown);
    }

    #[test]
    fn colours_are_stripped() {
        assert_eq!(plain("\u{1b}[32m1 passed\u{1b}[0m in 0.01s"), "1 passed in 0.01s");
        assert_eq!(plain("Tests  \u{1b}[1m\u{1b}[32m2 passed\u{1b}[39m\u{1b}[22m (2)"), "Tests  2 passed (2)");
    }
}
