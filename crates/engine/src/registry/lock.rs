//! The registry's writer lock (`aliases.lock`): one writer at a time updates `aliases.json`.
//!
//! The lock is an advisory `flock` on a regular file, so the kernel releases it the moment its
//! holder dies (`kill -9` included): a dead owner's lock is taken over at once, with no guessing
//! from file ages. The holder writes its owner record into the file (pid, host, start time),
//! which waiters read to name whom they wait for, and to take the lock over from a holder that
//! has kept it past [`LOCK_TIMEOUT`] (an alias update takes milliseconds; a holder that old is
//! hung). Every wait ends by [`LOCK_WAIT`] with a coded `IO_ERROR` naming the holder. Whatever
//! else sits at the lock's path — a folder left by an older lock scheme, a FIFO, a symlink — is
//! never opened: it is removed and the lock is taken, or the call fails at once with `IO_ERROR`.
use crate::error::{EngineError, Result};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a writer waits for the lock before failing.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);
/// A live holder older than this is taken over.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(20);

/// Linux `O_NOFOLLOW` and `O_NONBLOCK`: never follow a symlink at the lock's path, never wait
/// on a FIFO.
const O_NOFOLLOW: i32 = 0o400000;
const O_NONBLOCK: i32 = 0o4000;

/// Who holds the lock (written into the lock file by its holder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LockOwner {
    pub pid: u32,
    pub host: String,
    /// When the holder took the lock, epoch milliseconds.
    pub started_at_ms: u64,
}

impl LockOwner {
    fn me() -> LockOwner {
        LockOwner { pid: std::process::id(), host: host_name(), started_at_ms: now_ms() }
    }

    fn age(&self) -> Duration {
        Duration::from_millis(now_ms().saturating_sub(self.started_at_ms))
    }

    fn describe(&self) -> String {
        format!("pid {} on {} for {:.1} s", self.pid, self.host, self.age().as_secs_f64())
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_string())
}

/// Held until dropped.
#[derive(Debug)]
pub struct RegistryLock {
    file: File,
}

impl RegistryLock {
    /// Takes the lock at `path`, waiting at most [`LOCK_WAIT`].
    pub fn acquire(path: &Path) -> Result<RegistryLock> {
        Self::acquire_within(path, LOCK_WAIT, LOCK_TIMEOUT)
    }

    pub fn acquire_within(path: &Path, wait: Duration, timeout: Duration) -> Result<RegistryLock> {
        let deadline = Instant::now() + wait;
        loop {
            let file = open_lock_file(path)?;
            match file.try_lock() {
                Ok(()) => {
                    // A takeover may have replaced the file between our open and our lock: the
                    // lock only counts on the file the path names now.
                    if same_file(path, &file) {
                        return RegistryLock::claimed(file, path);
                    }
                }
                Err(TryLockError::WouldBlock) => {
                    let owner = read_owner(&file);
                    if owner.as_ref().is_some_and(|o| o.age() > timeout) {
                        take_over(path, &file)?;
                        continue;
                    }
                    if Instant::now() >= deadline {
                        let holder = owner.map_or_else(|| "another writer".to_string(), |o| o.describe());
                        return Err(lock_error(
                            path,
                            io::ErrorKind::TimedOut,
                            format!("the registry lock is held by {holder}; gave up after {:.0} s", wait.as_secs_f64()),
                        ));
                    }
                    std::thread::sleep(POLL);
                }
                Err(TryLockError::Error(e)) => return Err(EngineError::io_path("lock", path, e)),
            }
        }
    }

    fn claimed(mut file: File, path: &Path) -> Result<RegistryLock> {
        let owner = serde_json::to_vec(&LockOwner::me()).map_err(|e| EngineError::Internal(e.to_string()))?;
        (|| {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&owner)
        })()
        .map_err(|e| EngineError::io_path("write lock owner", path, e))?;
        Ok(RegistryLock { file })
    }
}

impl Drop for RegistryLock {
    fn drop(&mut self) {
        // The file stays (removing it would race with a waiter that already opened it); the
        // owner record is cleared so nobody reads a stale holder.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

fn lock_error(path: &Path, kind: io::ErrorKind, message: String) -> EngineError {
    EngineError::io_path("lock", path, io::Error::new(kind, message))
}

/// Opens (creating it if needed) the regular lock file. Anything else at the path is removed
/// first; if it cannot be removed the call fails at once.
fn open_lock_file(path: &Path) -> Result<File> {
    if let Ok(meta) = fs::symlink_metadata(path) {
        if !meta.file_type().is_file() {
            let kind = if meta.is_dir() { "a folder" } else { "not a regular file" };
            let removed = if meta.is_dir() { fs::remove_dir_all(path) } else { fs::remove_file(path) };
            removed.map_err(|e| {
                lock_error(path, e.kind(), format!("the lock's path is {kind} and could not be removed: {e}"))
            })?;
        }
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(O_NOFOLLOW | O_NONBLOCK)
        .open(path)
        .map_err(|e| EngineError::io_path("open lock", path, e))?;
    let meta = file.metadata().map_err(|e| EngineError::io_path("open lock", path, e))?;
    if !meta.is_file() {
        return Err(lock_error(path, io::ErrorKind::InvalidInput, "the lock is not a regular file".into()));
    }
    Ok(file)
}

fn same_file(path: &Path, file: &File) -> bool {
    match (fs::symlink_metadata(path), file.metadata()) {
        (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
        _ => false,
    }
}

/// The holder's record, if the file holds a readable one.
fn read_owner(mut file: &File) -> Option<LockOwner> {
    let mut bytes = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(crate::files::LOCK_OWNER.max_bytes).read_to_end(&mut bytes).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Replaces the lock file of a hung holder with a fresh one (the holder keeps its lock on the
/// old, now unnamed file). Only done while the path still names the file judged too old.
fn take_over(path: &Path, judged: &File) -> Result<()> {
    if !same_file(path, judged) {
        return Ok(()); // someone else replaced it already
    }
    let fresh: PathBuf = path.with_file_name(format!(
        ".{}.takeover-{}-{}",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(),
        std::process::id(),
        now_ms()
    ));
    File::create(&fresh).map_err(|e| EngineError::io_path("create", &fresh, e))?;
    fs::rename(&fresh, path).map_err(|e| {
        let _ = fs::remove_file(&fresh);
        EngineError::io_path("take over lock", path, e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_a_coded_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aliases.lock");
        let held = RegistryLock::acquire(&path).unwrap();
        let owner: LockOwner = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(owner.pid, std::process::id());
        let started = Instant::now();
        let err = RegistryLock::acquire_within(&path, Duration::from_millis(200), Duration::from_secs(60)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(err.code(), "IO_ERROR");
        assert!(err.to_string().contains(&format!("pid {}", std::process::id())), "{err}");
        drop(held);
        RegistryLock::acquire(&path).unwrap();
    }

    #[test]
    fn a_hung_holder_is_taken_over_after_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aliases.lock");
        let _hung = RegistryLock::acquire(&path).unwrap();
        std::thread::sleep(Duration::from_millis(30));
        let taken = RegistryLock::acquire_within(&path, Duration::from_secs(5), Duration::from_millis(10)).unwrap();
        drop(taken);
    }

    #[test]
    fn leftovers_at_the_lock_path_never_block() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aliases.lock");
        // A stale lock folder (an older scheme's), with an owner file inside.
        fs::create_dir(&path).unwrap();
        fs::write(path.join("owner"), "12345").unwrap();
        drop(RegistryLock::acquire(&path).unwrap());
        // A FIFO: never opened, removed.
        fs::remove_file(&path).unwrap();
        assert!(std::process::Command::new("mkfifo").arg(&path).status().unwrap().success());
        drop(RegistryLock::acquire(&path).unwrap());
        // A symlink to a device: the link goes, the device is untouched.
        fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("/dev/null", &path).unwrap();
        drop(RegistryLock::acquire(&path).unwrap());
        assert!(fs::symlink_metadata(&path).unwrap().is_file());
    }

    #[test]
    fn a_dead_holders_lock_is_free() {
        // A child process takes the lock and is killed with SIGKILL: the kernel drops its flock.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aliases.lock");
        let script = format!("exec 9>>'{}' && flock 9 && echo locked && exec sleep 30", path.display());
        let mut child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = [0u8; 7];
        child.stdout.as_mut().unwrap().read_exact(&mut line).unwrap();
        assert!(RegistryLock::acquire_within(&path, Duration::from_millis(100), LOCK_TIMEOUT).is_err());
        child.kill().unwrap();
        child.wait().unwrap();
        drop(RegistryLock::acquire_within(&path, Duration::from_secs(2), LOCK_TIMEOUT).unwrap());
    }
}
