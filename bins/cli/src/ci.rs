//! Where a run happens: the repository, the commit, the CI pipeline — from
//! flags, then the CI's environment, then git.

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(root).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned()).filter(|s| !s.is_empty())
}

/// The repository slug: `--repo`, the CI's variables, or `origin`'s URL.
pub(crate) fn repository(flag: Option<&str>, root: &Path) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| {
            env("GITHUB_REPOSITORY")
                .map(|r| format!("{}/{r}", env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into())))
        })
        .or_else(|| env("CI_PROJECT_URL"))
        .or_else(|| env("SOURCE_REPO"))
        .or_else(|| git(root, &["remote", "get-url", "origin"]))
}

/// The commit verified.
pub(crate) fn commit(flag: Option<&str>, root: &Path) -> Option<String> {
    flag.map(str::to_owned)
        .or_else(|| env("GITHUB_SHA"))
        .or_else(|| env("CI_COMMIT_SHA"))
        .or_else(|| env("SOURCE_REVISION"))
        .or_else(|| git(root, &["rev-parse", "HEAD"]))
}

/// The pipeline this run belongs to (informational).
pub(crate) fn pipeline() -> Value {
    if let (Some(id), Some(repo)) = (env("GITHUB_RUN_ID"), env("GITHUB_REPOSITORY")) {
        let server = env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".into());
        return json!({"provider": "github_actions", "run_url": format!("{server}/{repo}/actions/runs/{id}"),
            "branch": env("GITHUB_REF")});
    }
    if let Some(url) = env("CI_PIPELINE_URL") {
        return json!({"provider": "gitlab_ci", "run_url": url, "branch": env("CI_COMMIT_REF_NAME")});
    }
    if env("CI").is_some() {
        return json!({"provider": "generic", "branch": env("SOURCE_BRANCH")});
    }
    json!({"provider": "local"})
}

/// Whether to draw progress: a terminal, and not CI.
pub(crate) fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && env("CI").is_none()
}

/// A progress bar on a terminal, a hidden one otherwise.
pub(crate) fn progress(len: usize, label: &str, interactive: bool) -> indicatif::ProgressBar {
    if !interactive {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    let template = format!("{label} {{bar:30}} {{pos}}/{{len}}");
    bar.set_style(
        indicatif::ProgressStyle::with_template(&template).unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}
