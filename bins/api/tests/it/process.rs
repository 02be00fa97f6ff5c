//! Starting and killing the real server binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub struct Running {
    pub child: Child,
    pub base: String,
    /// The one-time key, when this start created the first user.
    pub key: Option<String>,
    /// What the server printed before it listened.
    pub printed: Vec<String>,
    /// The server's working directory (where a PostgreSQL server writes the key file).
    _workdir: tempfile::TempDir,
}

/// Starts `rampart-api` on a free loopback port against `database_url` and
/// waits until it says where it listens.
// The child is waited for in `Running::kill_9`, or killed and waited for when
// `Running` drops (a failing test included); clippy cannot see through that.
#[allow(clippy::zombie_processes)]
pub fn start(database_url: &str) -> Running {
    let workdir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rampart-api"))
        .args(["--bind", "127.0.0.1:0", "--database-url", database_url])
        .current_dir(workdir.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start rampart-api");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut key = None;
    let mut printed = Vec::new();
    loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("rampart-api printed its address");
        // Standard output is a pipe here, so the key goes to a file.
        if let Some(rest) = line.strip_prefix("First API key written to ") {
            let path = rest.split(" (mode 0600)").next().unwrap();
            let file = workdir.path().join(path);
            key = Some(std::fs::read_to_string(&file).unwrap().trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("Rampart API on ") {
            let base = rest.split("/api/v1").next().unwrap().to_owned();
            return Running { child, base, key, printed, _workdir: workdir };
        }
        printed.push(line);
    }
}

impl Running {
    /// SIGKILL: no graceful shutdown, no flushing.
    pub fn kill_9(self) {
        // Drop does the killing and reaping.
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
