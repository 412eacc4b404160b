//! The sync lock (`spec/hyperspell.lock.json`) and the atomic replacement of spec + lock.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Validated, failed, left_unchanged};
use crate::Failure;

/// What the last sync vendored, and from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// The URL or path the spec was synced from, as given.
    pub source: String,
    /// sha256 of the vendored bytes, lower-case hex.
    pub sha256: String,
    /// Size of the vendored spec in bytes.
    pub bytes: u64,
    /// The spec's `info.version`.
    pub info_version: Option<String>,
    /// The spec's `openapi` version.
    pub openapi: Option<String>,
    /// How many operations the pipeline found.
    pub operations: usize,
    /// When the sync happened, RFC 3339 UTC.
    pub synced_at: String,
}

impl Lock {
    /// The lock for `bytes`, synced now from `source`.
    pub fn new(source: &str, bytes: &[u8], validated: &Validated) -> Lock {
        Lock {
            source: source.to_owned(),
            sha256: sha256_hex(bytes),
            bytes: bytes.len() as u64,
            info_version: validated.spec.version().map(str::to_owned),
            openapi: validated.spec.openapi_version().map(str::to_owned),
            operations: validated.operations.len(),
            synced_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    pub fn parse(text: &[u8]) -> Result<Lock, serde_json::Error> {
        serde_json::from_slice(text)
    }

    /// Pretty JSON with a final newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a lock serializes");
        text.push('\n');
        text
    }

    /// The same spec from the same source (the date aside).
    pub fn same_sync(&self, other: &Lock) -> bool {
        Lock {
            synced_at: other.synced_at.clone(),
            ..self.clone()
        } == *other
    }

    /// `version 0.32.1, 101 operations, sha256 abcd…`, for messages.
    pub fn describe(&self) -> String {
        format!(
            "version {}, {}, sha256 {}",
            self.info_version.as_deref().unwrap_or("(none)"),
            super::count(self.operations, "operation"),
            &self.sha256[..self.sha256.len().min(12)]
        )
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One file to replace: its new content and what it holds now (`None`: it does not exist).
pub struct Replacement<'a> {
    pub path: &'a Path,
    pub new: &'a [u8],
    pub old: Option<&'a [u8]>,
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().expect("a file path").to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Replaces all files or none: every new content is written and synced to a temp file beside
/// its target first, then the temp files are renamed over the targets. If a rename fails, the
/// targets already replaced get their old content back.
pub fn replace_files(files: &[Replacement<'_>]) -> Result<(), Failure> {
    let dir = files
        .first()
        .and_then(|f| f.path.parent())
        .unwrap_or(Path::new("."));
    let unchanged = |message: String| {
        left_unchanged(
            failed(
                message,
                "check that the spec directory is writable and the disk is not full",
            ),
            dir,
        )
    };
    let mut temps = Vec::new();
    for file in files {
        let temp = temp_path(file.path);
        if let Err(e) = write_synced(&temp, file.new) {
            remove_all(&temps);
            // A temp file that was created but not completed goes too (not one that
            // existed as something else, e.g. a directory).
            if temp.is_file() {
                let _ = std::fs::remove_file(&temp);
            }
            return Err(unchanged(format!("cannot write {}: {e}", temp.display())));
        }
        temps.push(temp);
    }
    for (index, (file, temp)) in files.iter().zip(&temps).enumerate() {
        if let Err(e) = std::fs::rename(temp, file.path) {
            remove_all(&temps[index..]);
            let restored = restore(&files[..index]);
            let message = format!("cannot replace {}: {e}", file.path.display());
            return Err(match restored {
                Ok(()) => unchanged(message),
                Err(problem) => failed(
                    message,
                    format!(
                        "{problem}; restore spec/ with `git checkout -- spec/` and check its permissions"
                    ),
                ),
            });
        }
    }
    // Make the renames durable; not every platform can open a directory, so best effort.
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn remove_all(paths: &[PathBuf]) {
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// Puts back the old content of files that were already replaced.
fn restore(replaced: &[Replacement<'_>]) -> Result<(), String> {
    for file in replaced {
        let result = match file.old {
            Some(old) => {
                let temp = temp_path(file.path);
                write_synced(&temp, old).and_then(|()| std::fs::rename(&temp, file.path))
            }
            None => std::fs::remove_file(file.path),
        };
        result.map_err(|e| format!("and {} could not be restored: {e}", file.path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sync-lock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn all_files_are_replaced_and_no_temp_file_stays() {
        let dir = scratch("ok");
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, "old a").unwrap();
        replace_files(&[
            Replacement {
                path: &a,
                new: b"new a",
                old: Some(b"old a"),
            },
            Replacement {
                path: &b,
                new: b"new b",
                old: None,
            },
        ])
        .unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new a");
        assert_eq!(std::fs::read(&b).unwrap(), b"new b");
        assert_eq!(listing(&dir), ["a", "b"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_rename_puts_back_what_was_already_replaced() {
        let dir = scratch("restore");
        let (a, b) = (dir.join("a"), dir.join("b"));
        std::fs::write(&a, "old a").unwrap();
        // A non-empty directory cannot be replaced by a file: the second rename fails.
        std::fs::create_dir(&b).unwrap();
        std::fs::write(b.join("inside"), "x").unwrap();
        let result = replace_files(&[
            Replacement {
                path: &a,
                new: b"new a",
                old: Some(b"old a"),
            },
            Replacement {
                path: &b,
                new: b"new b",
                old: None,
            },
        ]);
        let Err(Failure::Failed(message)) = result else {
            panic!("the rename must fail")
        };
        assert!(
            message.contains("cannot replace") && message.contains("nothing was written"),
            "{message}"
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"old a");
        assert_eq!(listing(&dir), ["a", "b"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
