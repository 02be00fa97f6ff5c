//! Where the first API key goes. On a terminal it is printed; otherwise
//! (a service manager, a redirected log) it is written to a file readable by
//! this user only, beside the database, and only the file's path is printed:
//! a key must never land in a log.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// The key file's path: beside a SQLite database, else in the working directory.
fn key_path(database_url: &str, backend: rampart_app::Backend) -> PathBuf {
    match backend {
        rampart_app::Backend::Sqlite => {
            let file = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
            let db = Path::new(file.unwrap_or(database_url));
            let name = db.file_name().map_or_else(|| "rampart.db".into(), |n| n.to_string_lossy().into_owned());
            db.with_file_name(format!("{name}.first-key"))
        }
        rampart_app::Backend::Postgres => PathBuf::from("rampart.first-key"),
    }
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("writing {}", path.display()))?;
    // A file left from before keeps its mode on open: narrow it first.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// Hands the first user's key over, once.
#[allow(clippy::print_stdout)]
pub(crate) fn hand_over(
    key: &rampart_app::NewKey,
    email: &str,
    database_url: &str,
    backend: rampart_app::Backend,
) -> anyhow::Result<()> {
    println!("Created the first user {email} with a personal workspace.");
    if std::io::stdout().is_terminal() {
        println!("API key (shown once, keep it safe): {}", key.secret);
        return Ok(());
    }
    let path = key_path(database_url, backend);
    write_private(&path, &format!("{}\n", key.secret))?;
    tracing::warn!(path = %path.display(), "the first API key was written to this file (mode 0600): move it somewhere safe and delete the file");
    println!("First API key written to {} (mode 0600); it is shown nowhere else.", path.display());
    Ok(())
}
