//! `test_passes`: the project's own tests selected by the pattern run and
//! pass. Runs project code, so only with `allow_test_execution`; otherwise
//! the verdict is `skipped` (the claim was not checked, so it is neither a
//! pass nor a disproof; its tier-1 result stays pending).
//!
//! A pass needs all of: the runner exited successfully, its own summary
//! says at least one selected test ran, and at least one passed. A pattern
//! that selects nothing fails, whatever the exit status. The runner runs
//! in its own process group, which is killed on timeout.

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd",
    target_os = "netbsd"
))]
mod process;
mod runner;
mod tally;

use crate::verdict::Verdict;
use crate::verifier::Cx;
use runner::Runner;
use tally::Tally;

/// Cap on the captured output quoted in the verdict.
const OUTPUT_TAIL: usize = 500;

fn tail(text: &str) -> String {
    let skip = text.chars().count().saturating_sub(OUTPUT_TAIL);
    text.chars().skip(skip).collect()
}

pub(crate) fn test_passes(cx: &Cx<'_>) -> Verdict {
    let Some(pattern) = cx.str("pattern") else { return cx.fail("parameter `pattern` is required") };
    if !cx.v.options.allow_test_execution {
        return Verdict::skipped(
            cx.ty,
            "test_passes runs project code and was not run: enable allow_test_execution (`--allow-test-execution`) to run it",
        );
    }
    // The pattern becomes one argument (no shell), but must not be read as
    // an option of the runner.
    if pattern.starts_with('-') {
        return cx.fail("pattern must not start with `-`");
    }
    let Some(runner) = Runner::detect(cx) else {
        return cx.fail(
            "no test runner recognised at the project root: test_passes runs pytest or unittest (Python), npm test \
             (package.json: Jest, Vitest), cargo test (Cargo.toml) or go test (go.mod)",
        );
    };
    let (program, args) = runner.command(pattern);
    run(cx, runner, pattern, program, &args)
}

#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd",
    target_os = "netbsd"
))]
fn run(cx: &Cx<'_>, runner: Runner, pattern: &str, program: &str, args: &[String]) -> Verdict {
    let command = format!("{program} {}", args.join(" "));
    let timeout = cx.v.options.test_timeout;
    let done = match process::run(program, args, cx.v.root(), timeout) {
        Ok(done) => done,
        Err(e) => return Verdict::error(cx.ty, format!("cannot run `{command}`: {e}")),
    };
    let text = tally::plain(&String::from_utf8_lossy(&done.output));
    let held = if done.output_held_open {
        "; a process it started left its process group and kept the output open, and was not waited for"
    } else {
        ""
    };
    let Some(status) = done.status else {
        let secs = timeout.as_secs_f64();
        return cx.fail(format!(
            "`{command}` timed out after {secs} s; its process group was killed{held}: {}",
            tail(&text)
        ));
    };
    let verdict = match (status.success(), tally::tally(runner, &text, status.code())) {
        (_, Tally::NoneRan(words)) => {
            cx.fail(format!("`{command}` ran no test selected by `{pattern}` ({words}){held}"))
        }
        (false, _) => cx.fail(format!("`{command}` failed ({status}){held}: {}", tail(&text))),
        (true, Tally::Ran { passed, summary }) if passed > 0 => cx.pass(format!("`{command}` passed: {summary}{held}")),
        (true, Tally::Ran { summary, .. }) => {
            cx.fail(format!("`{command}` exited successfully but no selected test passed ({summary}){held}"))
        }
        (true, Tally::Unknown) => cx.fail(format!(
            "`{command}` exited successfully but its output does not say how many tests ran, so it does not count \
             as a pass{held}: {}",
            tail(&text)
        )),
    };
    verdict.with_evidence(&done.output)
}

/// Elsewhere a timeout could not stop every process the tests start.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "freebsd",
    target_os = "netbsd"
)))]
fn run(cx: &Cx<'_>, _: Runner, _: &str, program: &str, _: &[String]) -> Verdict {
    Verdict::error(
        cx.ty,
        format!(
            "test_passes is not supported on this platform: `{program}` could not be stopped with every process it starts"
        ),
    )
}
