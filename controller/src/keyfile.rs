//! The controller's key file: its Ed25519 identity seed, its X25519 sealing secret, and what it
//! pins — the appliance it serves, the appliance's instance id and the customer's approval key.
//!
//! JSON, mode `0600`, written atomically (a temporary file in the same folder, then a rename).
//! A file that group or others can read is refused, as ssh refuses such a private key. Pinned
//! values are written once: a later run that names another appliance or approval key is an
//! error, never a silent re-pin.

use ferry_api::broker::ControllerKeys;
use ferry_api::crypto::{CryptoError, SealingSecretKey, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The first field of every key file.
pub const KEY_FILE_FORMAT: &str = "ferry-controller-key-v1";

#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read the key file `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write the key file `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the key file `{path}` already exists; pass --force to replace it (the old keys are lost)"
    )]
    Exists { path: PathBuf },
    #[error(
        "the key file `{path}` can be read by group or others (mode {mode:o}); run `chmod 600 {path}`"
    )]
    Permissions { path: PathBuf, mode: u32 },
    #[error("the key file `{path}` is not a Ferry controller key file: {message}")]
    Format { path: PathBuf, message: String },
    #[error("the key file `{path}`: {source}")]
    Key { path: PathBuf, source: CryptoError },
    #[error(
        "the key file `{path}` pins {what} `{pinned}`, not `{given}`; a controller serves one appliance for life — generate a new key file for another"
    )]
    Pinned {
        path: PathBuf,
        what: &'static str,
        pinned: String,
        given: String,
    },
    #[error("{what} is missing: pass {flag} once, it is then pinned in the key file `{path}`")]
    Missing {
        path: PathBuf,
        what: &'static str,
        flag: &'static str,
    },
    #[error("{what} `{value}` is not valid: {reason}")]
    Invalid {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    format: String,
    #[serde(default)]
    appliance_id: Option<String>,
    #[serde(default)]
    instance_id: Option<String>,
    identity_seed: String,
    sealing_secret: String,
    #[serde(default)]
    approval_key: Option<VerifyingKey>,
}

/// The loaded key file.
#[derive(Debug)]
pub struct KeyFile {
    pub path: PathBuf,
    pub identity: SigningKey,
    pub sealing: SealingSecretKey,
    pub appliance_id: Option<String>,
    pub instance_id: Option<String>,
    pub approval_key: Option<VerifyingKey>,
}

/// What the caller wants pinned (flags); `None` keeps what the file has.
#[derive(Debug, Clone, Default)]
pub struct Pins {
    pub appliance_id: Option<String>,
    pub instance_id: Option<String>,
    pub approval_key: Option<VerifyingKey>,
}

fn check_id(what: &'static str, value: &str, max: usize) -> Result<(), KeyFileError> {
    let ok = !value.is_empty()
        && value.len() <= max
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(KeyFileError::Invalid {
            what,
            value: value.chars().take(80).collect(),
            reason: "use letters, digits, `-`, `_` or `.`",
        })
    }
}

impl KeyFile {
    /// Creates a new key file with fresh keys (refuses to overwrite unless `force`).
    pub fn generate(path: &Path, pins: &Pins, force: bool) -> Result<Self, KeyFileError> {
        if path.exists() && !force {
            return Err(KeyFileError::Exists {
                path: path.to_path_buf(),
            });
        }
        if let Some(id) = &pins.appliance_id {
            check_id("the appliance id", id, 200)?;
        }
        if let Some(id) = &pins.instance_id {
            check_id("the instance id", id, 20)?;
        }
        let file = Self {
            path: path.to_path_buf(),
            identity: SigningKey::generate(),
            sealing: SealingSecretKey::generate(),
            appliance_id: pins.appliance_id.clone(),
            instance_id: pins.instance_id.clone(),
            approval_key: pins.approval_key,
        };
        file.save()?;
        Ok(file)
    }

    /// Loads a key file, checks its permissions, and pins what `pins` adds (saving the file
    /// when something new was pinned).
    pub fn load(path: &Path, pins: &Pins) -> Result<Self, KeyFileError> {
        let read_err = |source| KeyFileError::Read {
            path: path.to_path_buf(),
            source,
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(path)
                .map_err(read_err)?
                .permissions()
                .mode()
                & 0o777;
            if mode & 0o077 != 0 {
                return Err(KeyFileError::Permissions {
                    path: path.to_path_buf(),
                    mode,
                });
            }
        }
        let text = std::fs::read_to_string(path).map_err(read_err)?;
        let format_err = |message: String| KeyFileError::Format {
            path: path.to_path_buf(),
            message,
        };
        let stored: Stored = serde_json::from_str(&text).map_err(|e| {
            // serde's message may quote a value; never quote secrets: say where, not what.
            format_err(format!(
                "invalid JSON at line {} column {}",
                e.line(),
                e.column()
            ))
        })?;
        if stored.format != KEY_FILE_FORMAT {
            return Err(format_err(format!(
                "`format` is `{}`, expected `{KEY_FILE_FORMAT}`",
                stored.format.chars().take(40).collect::<String>()
            )));
        }
        let key_err = |source| KeyFileError::Key {
            path: path.to_path_buf(),
            source,
        };
        let mut file = Self {
            path: path.to_path_buf(),
            identity: SigningKey::from_b64(&stored.identity_seed).map_err(key_err)?,
            sealing: SealingSecretKey::from_b64(&stored.sealing_secret).map_err(key_err)?,
            appliance_id: stored.appliance_id,
            instance_id: stored.instance_id,
            approval_key: stored.approval_key,
        };
        if file.pin(pins)? {
            file.save()?;
        }
        Ok(file)
    }

    /// Pins new values; returns whether anything changed. Refuses to change a pinned value.
    fn pin(&mut self, pins: &Pins) -> Result<bool, KeyFileError> {
        let mut changed = false;
        let path = self.path.clone();
        fn one<T: PartialEq + Clone + ToString>(
            path: &Path,
            what: &'static str,
            slot: &mut Option<T>,
            given: Option<&T>,
            changed: &mut bool,
        ) -> Result<(), KeyFileError> {
            match (slot.as_ref(), given) {
                (_, None) => Ok(()),
                (Some(p), Some(g)) if p == g => Ok(()),
                (Some(p), Some(g)) => Err(KeyFileError::Pinned {
                    path: path.to_path_buf(),
                    what,
                    pinned: p.to_string(),
                    given: g.to_string(),
                }),
                (None, Some(g)) => {
                    *slot = Some(g.clone());
                    *changed = true;
                    Ok(())
                }
            }
        }
        if let Some(id) = &pins.appliance_id {
            check_id("the appliance id", id, 200)?;
        }
        if let Some(id) = &pins.instance_id {
            check_id("the instance id", id, 20)?;
        }
        one(
            &path,
            "the appliance",
            &mut self.appliance_id,
            pins.appliance_id.as_ref(),
            &mut changed,
        )?;
        one(
            &path,
            "the instance id",
            &mut self.instance_id,
            pins.instance_id.as_ref(),
            &mut changed,
        )?;
        one(
            &path,
            "the customer's approval key",
            &mut self.approval_key,
            pins.approval_key.as_ref(),
            &mut changed,
        )?;
        Ok(changed)
    }

    /// Writes the file atomically with mode 0600.
    pub fn save(&self) -> Result<(), KeyFileError> {
        let stored = Stored {
            format: KEY_FILE_FORMAT.to_string(),
            appliance_id: self.appliance_id.clone(),
            instance_id: self.instance_id.clone(),
            identity_seed: self.identity.to_b64(),
            sealing_secret: self.sealing.to_b64(),
            approval_key: self.approval_key,
        };
        let mut text = serde_json::to_string_pretty(&stored).unwrap_or_default();
        text.push('\n');
        write_private(&self.path, text.as_bytes()).map_err(|source| KeyFileError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// The public keys the customer registers for the appliance.
    pub fn public_keys(&self) -> ControllerKeys {
        ControllerKeys {
            signing_key: self.identity.verifying_key(),
            sealing_key: self.sealing.public_key(),
        }
    }

    /// The pinned values the controller needs to run, or which flag is missing.
    pub fn require(&self) -> Result<(String, String, VerifyingKey), KeyFileError> {
        let missing = |what, flag| KeyFileError::Missing {
            path: self.path.clone(),
            what,
            flag,
        };
        Ok((
            self.appliance_id
                .clone()
                .ok_or_else(|| missing("the appliance id", "--appliance"))?,
            self.instance_id
                .clone()
                .ok_or_else(|| missing("the appliance's instance id", "--instance-id"))?,
            self.approval_key
                .ok_or_else(|| missing("the customer's approval key", "--approval-key"))?,
        ))
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder, created with mode 0600.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "key".into());
    let tmp = dir.join(format!(
        ".{name}.{}.tmp",
        ferry_api::crypto::hex(&ferry_api::crypto::random_bytes::<6>())
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let result = (|| {
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins(appliance: &str, instance: &str, key: Option<VerifyingKey>) -> Pins {
        Pins {
            appliance_id: Some(appliance.into()),
            instance_id: Some(instance.into()),
            approval_key: key,
        }
    }

    #[test]
    fn generate_then_load_keeps_keys_and_pins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("controller.key");
        let approval = SigningKey::generate().verifying_key();
        let made = KeyFile::generate(&path, &pins("app-1", "acme", None), false).expect("gen");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(matches!(
            made.require(),
            Err(KeyFileError::Missing {
                flag: "--approval-key",
                ..
            })
        ));
        // First run pins the approval key.
        let loaded = KeyFile::load(
            &path,
            &Pins {
                approval_key: Some(approval),
                ..Pins::default()
            },
        )
        .expect("load");
        assert_eq!(loaded.public_keys(), made.public_keys());
        let (appliance, instance, key) = loaded.require().expect("complete");
        assert_eq!(
            (appliance.as_str(), instance.as_str(), key),
            ("app-1", "acme", approval)
        );
        // The pin is saved; another key or appliance is refused.
        let again = KeyFile::load(&path, &Pins::default()).expect("reload");
        assert_eq!(again.approval_key, Some(approval));
        let other = SigningKey::generate().verifying_key();
        let err = KeyFile::load(
            &path,
            &Pins {
                approval_key: Some(other),
                ..Pins::default()
            },
        )
        .expect_err("re-pin");
        assert!(err.to_string().contains("approval key"), "{err}");
        assert!(KeyFile::load(&path, &pins("app-2", "acme", None)).is_err());
        // Overwriting needs --force.
        assert!(matches!(
            KeyFile::generate(&path, &Pins::default(), false),
            Err(KeyFileError::Exists { .. })
        ));
        // The file never holds anything but base64 secrets, and errors never quote them.
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(KEY_FILE_FORMAT));
    }

    #[cfg(unix)]
    #[test]
    fn readable_key_files_are_refused() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        KeyFile::generate(&path, &Pins::default(), false).expect("gen");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = KeyFile::load(&path, &Pins::default()).expect_err("0644");
        assert!(
            matches!(err, KeyFileError::Permissions { mode: 0o644, .. }),
            "{err}"
        );
    }

    #[test]
    fn broken_files_are_refused_without_quoting_secrets() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("k");
        let secret = "c2VjcmV0LXNlZWQtdGhhdC1tdXN0LW5vdC1sZWFr";
        write_private(
            &path,
            format!(
                r#"{{"format":"{KEY_FILE_FORMAT}","identity_seed":"{secret}","sealing_secret":1}}"#
            )
            .as_bytes(),
        )
        .expect("write");
        let err = KeyFile::load(&path, &Pins::default())
            .expect_err("bad")
            .to_string();
        assert!(err.contains("line 1"), "{err}");
        assert!(!err.contains(secret), "{err}");
        write_private(
            &path,
            format!(r#"{{"format":"{KEY_FILE_FORMAT}","identity_seed":"{secret}","sealing_secret":"{secret}"}}"#)
                .as_bytes(),
        )
        .expect("write");
        let err = KeyFile::load(&path, &Pins::default())
            .expect_err("short")
            .to_string();
        assert!(err.contains("32 bytes"), "{err}");
        assert!(!err.contains(secret), "{err}");
        assert!(
            KeyFile::generate(&dir.path().join("x"), &pins("app 1", "acme", None), false).is_err()
        );
    }
}
