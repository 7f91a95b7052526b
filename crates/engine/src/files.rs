//! Every file the engine reads goes through here. A path is resolved first (symlinks followed
//! to their target, which is what gets checked), then only a regular file is opened: a FIFO, a
//! device (`/dev/zero`, `/dev/urandom`), a socket or a folder is refused with `IO_ERROR` before
//! anything opens it for reading, so no read can block or run forever. Every read has a size cap
//! that the caller's context sets ([`Limit`]), checked against the file's size before reading and
//! enforced while reading (a file that grows in between is still cut off).
use crate::error::{EngineError, Result};
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// What is being read and how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Names the file in messages: `read CSV /data/x.csv: …`.
    pub what: &'static str,
    pub max_bytes: u64,
}

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// An OHLCV CSV (`importCsvFile`, the pipeline's `data.series`): 2 GiB, about 30 million rows.
pub const CSV: Limit = Limit { what: "CSV", max_bytes: 2 * GIB };
/// `config/pipeline.yaml`: a config is a few kilobytes; 1 MiB leaves room for long series lists.
pub const CONFIG: Limit = Limit { what: "config", max_bytes: MIB };
/// An annotations file (JSON or CSV spans).
pub const ANNOTATIONS: Limit = Limit { what: "annotations", max_bytes: 512 * MIB };
/// A model file (LightGBM text, XGBoost JSON).
pub const MODEL: Limit = Limit { what: "model", max_bytes: GIB };
/// `model.json`, a version's card.
pub const MODEL_CARD: Limit = Limit { what: "model card", max_bytes: 16 * MIB };
/// `metrics.json` of a version (per-class metrics, curves).
pub const METRICS: Limit = Limit { what: "metrics", max_bytes: 64 * MIB };
/// The registry's `aliases.json`.
pub const ALIASES: Limit = Limit { what: "aliases", max_bytes: MIB };
/// The owner record inside the registry lock file.
pub const LOCK_OWNER: Limit = Limit { what: "lock owner", max_bytes: 4 * KIB };
/// A file uploaded to MLflow as a run artifact (the dataset CSV is the largest).
pub const ARTIFACT: Limit = Limit { what: "artifact", max_bytes: 8 * GIB };

/// Linux `O_NONBLOCK`: opening a FIFO that was swapped in after the check must not wait for a
/// writer. (It changes nothing for regular files.)
const O_NONBLOCK: i32 = 0o4000;
/// Linux `O_NOCTTY`: a terminal device must never become our controlling terminal.
const O_NOCTTY: i32 = 0o400;

fn io_error(limit: Limit, path: &Path, kind: io::ErrorKind, message: String) -> EngineError {
    EngineError::io_path(&format!("read {}", limit.what), path, io::Error::new(kind, message))
}

/// What a non-regular file is, in words.
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// A checked, open regular file.
pub struct CheckedFile {
    pub file: File,
    /// Its size when opened.
    pub len: u64,
    /// The path with every symlink resolved.
    pub resolved: PathBuf,
}

/// Resolves `path` and opens it if it is a regular file within `limit`. `NotFound` stays an
/// `io::ErrorKind::NotFound` inside `EngineError::Io`, so callers can tell a missing file apart.
pub fn open(path: &Path, limit: Limit) -> Result<CheckedFile> {
    let read_error = |e: io::Error| EngineError::io_path(&format!("read {}", limit.what), path, e);
    let resolved = fs::canonicalize(path).map_err(read_error)?;
    let meta = fs::metadata(&resolved).map_err(read_error)?;
    let through = if resolved != path && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        format!(" (a symlink to {})", resolved.display())
    } else {
        String::new()
    };
    if !meta.is_file() {
        return Err(io_error(
            limit,
            path,
            io::ErrorKind::InvalidInput,
            format!("{}{through}, not a regular file; only regular files are read", kind_of(&meta)),
        ));
    }
    check_size(limit, path, meta.len())?;
    let file =
        fs::OpenOptions::new().read(true).custom_flags(O_NONBLOCK | O_NOCTTY).open(&resolved).map_err(read_error)?;
    // The path may have been swapped between the check and the open. An atomic replace (write a
    // temporary file, rename it over) is how every writer here saves, so a different inode is
    // normal and the new file is as good as the old; what matters is that what was opened (without
    // blocking, thanks to O_NONBLOCK) is itself a regular file within the limit.
    let opened = file.metadata().map_err(read_error)?;
    if !opened.is_file() {
        return Err(io_error(
            limit,
            path,
            io::ErrorKind::InvalidInput,
            format!(
                "{}, not a regular file (swapped in while it was opened); only regular files are read",
                kind_of(&opened)
            ),
        ));
    }
    check_size(limit, path, opened.len())?;
    Ok(CheckedFile { file, len: opened.len(), resolved })
}

fn check_size(limit: Limit, path: &Path, len: u64) -> Result<()> {
    if len > limit.max_bytes {
        return Err(io_error(
            limit,
            path,
            io::ErrorKind::FileTooLarge,
            format!(
                "the file is {len} bytes, more than the {} limit for a {} file",
                human_size(limit.max_bytes),
                limit.what
            ),
        ));
    }
    Ok(())
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= GIB && b % GIB == 0 => format!("{} GiB", b / GIB),
        b if b >= MIB && b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b >= KIB && b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b}-byte"),
    }
}

/// The whole file, if it is a regular file within `limit`.
pub fn read(path: &Path, limit: Limit) -> Result<Vec<u8>> {
    let CheckedFile { file, len, .. } = open(path, limit)?;
    let mut bytes = Vec::with_capacity(len as usize);
    // One byte past the cap tells a file that grew after the check from one that fits exactly.
    file.take(limit.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| EngineError::io_path(&format!("read {}", limit.what), path, e))?;
    check_size(limit, path, bytes.len() as u64)?;
    Ok(bytes)
}

/// [`read`] as UTF-8 text.
pub fn read_to_string(path: &Path, limit: Limit) -> Result<String> {
    String::from_utf8(read(path, limit)?)
        .map_err(|_| io_error(limit, path, io::ErrorKind::InvalidData, "the file is not UTF-8 text".into()))
}

/// [`read`], with `None` for a file that does not exist.
pub fn read_optional(path: &Path, limit: Limit) -> Result<Option<Vec<u8>>> {
    match read(path, limit) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether `error` says the file does not exist.
pub fn is_not_found(error: &EngineError) -> bool {
    matches!(error, EngineError::Io { source, .. } if source.kind() == io::ErrorKind::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Limit = Limit { what: "test", max_bytes: 16 };

    #[test]
    fn reads_regular_files_and_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        fs::write(&file, "hello").unwrap();
        let link = dir.path().join("link.txt");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read(&file, SMALL).unwrap(), b"hello");
        assert_eq!(read_to_string(&link, SMALL).unwrap(), "hello");
        assert_eq!(read_optional(&dir.path().join("missing"), SMALL).unwrap(), None);
    }

    #[test]
    fn refuses_special_files_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        for (path, words) in [
            (fifo.as_path(), "FIFO"),
            (Path::new("/dev/zero"), "character device"),
            (Path::new("/dev/urandom"), "character device"),
            (dir.path(), "folder"),
        ] {
            let err = read(path, SMALL).unwrap_err();
            assert_eq!(err.code(), "IO_ERROR");
            assert!(err.to_string().contains(words), "{err}");
        }
        let link = dir.path().join("zero.csv");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = read(&link, CSV).unwrap_err().to_string();
        assert!(err.contains("a symlink to /dev/zero"), "{err}");
    }

    #[test]
    fn caps_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big");
        fs::write(&file, vec![b'x'; 17]).unwrap();
        let err = read(&file, SMALL).unwrap_err();
        assert_eq!(err.code(), "IO_ERROR");
        assert!(err.to_string().contains("17 bytes, more than the 16-byte limit"), "{err}");
        fs::write(&file, vec![b'x'; 16]).unwrap();
        assert_eq!(read(&file, SMALL).unwrap().len(), 16);
    }

    #[test]
    fn a_file_replaced_by_rename_while_read_gives_the_old_or_the_new_contents() {
        // The registry saves aliases.json by writing a temporary file and renaming it over the
        // old one; readers racing that rename must never fail.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("aliases.json");
        fs::write(&file, "old").unwrap();
        let done = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|s| {
            s.spawn(|| {
                for i in 0..2_000 {
                    let tmp = dir.path().join(format!(".tmp{}", i % 2));
                    fs::write(&tmp, if i % 2 == 0 { "new" } else { "old" }).unwrap();
                    fs::rename(&tmp, &file).unwrap();
                }
                done.store(true, std::sync::atomic::Ordering::Relaxed);
            });
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let text = read_to_string(&file, SMALL).unwrap();
                assert!(text == "old" || text == "new", "{text}");
            }
        });
    }
}
