//! Running a test command as its own process group: on timeout the whole
//! group is killed, not just the direct child, and the output is read with
//! `poll`, so a process that keeps the pipes open (a server a test started,
//! a `sleep` in the background) cannot hang the verifier.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::process::{Pid, Signal, WaitId, WaitIdOptions, kill_process_group, waitid};

/// How long to wait for output between checks on the process.
const TICK: Duration = Duration::from_millis(50);
/// How long the pipes may stay open once the group has been killed: a
/// process that left the group (`setsid`) may hold them forever.
const DRAIN: Duration = Duration::from_secs(2);
/// At most this much output is kept (the end, where runners summarise).
const OUTPUT_CAP: usize = 4 * 1024 * 1024;

/// How a run ended.
#[derive(Debug)]
pub(crate) struct Finished {
    /// `None`: the timeout expired and the group was killed.
    pub(crate) status: Option<ExitStatus>,
    /// Standard output and error, interleaved as they arrived.
    pub(crate) output: Vec<u8>,
    /// A process outside the group still held the output open after the
    /// group was gone; reading stopped there.
    pub(crate) output_held_open: bool,
}

/// The output so far, keeping the last [`OUTPUT_CAP`] bytes.
fn keep(output: &mut Vec<u8>, chunk: &[u8]) {
    output.extend_from_slice(chunk);
    if output.len() > OUTPUT_CAP {
        output.drain(..output.len() - OUTPUT_CAP);
    }
}

/// Waits up to `wait` for output and reads what is there; a pipe at end of
/// file is dropped from `pipes`.
fn read_some(pipes: &mut Vec<File>, output: &mut Vec<u8>, wait: Duration) -> io::Result<()> {
    if pipes.is_empty() {
        std::thread::sleep(wait);
        return Ok(());
    }
    let timeout = Timespec::try_from(wait).unwrap_or(Timespec { tv_sec: 0, tv_nsec: 50_000_000 });
    let ready: Vec<bool> = {
        let mut fds: Vec<PollFd<'_>> = pipes.iter().map(|p| PollFd::new(p, PollFlags::IN)).collect();
        match poll(&mut fds, Some(&timeout)) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
        fds.iter().map(|f| !f.revents().is_empty()).collect()
    };
    let mut buf = [0u8; 64 * 1024];
    let mut open = Vec::with_capacity(pipes.len());
    for (mut pipe, ready) in pipes.drain(..).zip(ready) {
        if ready {
            // Ready for reading: this read does not block.
            match pipe.read(&mut buf) {
                Ok(0) => continue,
                Ok(n) => keep(output, &buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        open.push(pipe);
    }
    *pipes = open;
    Ok(())
}

/// Whether the group leader has exited, without reaping it: until it is
/// reaped its pid cannot be reused, so killing its group hits only the run.
fn leader_exited(leader: Pid) -> io::Result<bool> {
    let options = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
    Ok(waitid(WaitId::Pid(leader), options)?.is_some())
}

fn kill_group(leader: Pid) {
    // ESRCH: every member has already gone.
    let _ = kill_process_group(leader, Signal::KILL);
}

fn spawn(program: &str, args: &[String], dir: &Path) -> io::Result<Child> {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        // Test runners that would watch for changes or prompt run once.
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
}

/// Runs `program args` in `dir` for at most `timeout`. Whatever the
/// command does, this returns within `timeout` plus a few seconds.
pub(crate) fn run(program: &str, args: &[String], dir: &Path, timeout: Duration) -> io::Result<Finished> {
    let mut child = spawn(program, args, dir)?;
    let leader = Pid::from_child(&child);
    let mut pipes: Vec<File> = [child.stdout.take().map(OwnedFd::from), child.stderr.take().map(OwnedFd::from)]
        .into_iter()
        .flatten()
        .map(File::from)
        .collect();
    let mut output = Vec::new();
    let deadline = Instant::now() + timeout;
    let timed_out = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break true;
        }
        let read = read_some(&mut pipes, &mut output, TICK.min(left));
        let exited = read.and_then(|()| leader_exited(leader));
        match exited {
            Ok(true) => break false,
            Ok(false) => {}
            Err(e) => {
                kill_group(leader);
                let _ = child.wait();
                return Err(e);
            }
        }
    };
    // Nothing the run started outlives it, whether it finished or not.
    kill_group(leader);
    let status = child.wait()?;
    let drained_by = Instant::now() + DRAIN;
    while !pipes.is_empty() && Instant::now() < drained_by {
        read_some(&mut pipes, &mut output, TICK)?;
    }
    Ok(Finished { status: (!timed_out).then_some(status), output, output_held_open: !pipes.is_empty() })
}
