//! The customer's approval key in the browser (DESIGN §6): an Ed25519 key generated here when
//! the invitation is accepted, whose public half the broker pins on the appliance. It signs
//! every grant and never leaves the browser except as the backup file the customer downloads.
//!
//! Stored in `localStorage` under `ferry.approval-key.<public key>`: one key per appliance,
//! found through the public key the appliance has pinned, so a browser can hold the keys of
//! several appliances (and a restored backup lands in the right place by itself).

use ferry_api::crypto::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// The `format` of a backup file.
pub const BACKUP_FORMAT: &str = "ferry-approval-key-v1";
const STORAGE_PREFIX: &str = "ferry.approval-key.";

/// The backup file (and the stored value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBackup {
    pub format: String,
    #[serde(default)]
    pub appliance_id: Option<String>,
    /// Base64url Ed25519 public key (what the appliance pins).
    pub public_key: String,
    /// Base64url Ed25519 secret seed.
    pub secret_key: String,
}

impl KeyBackup {
    pub fn of(key: &SigningKey, appliance_id: Option<&str>) -> Self {
        KeyBackup {
            format: BACKUP_FORMAT.into(),
            appliance_id: appliance_id.map(str::to_string),
            public_key: key.verifying_key().to_string(),
            secret_key: key.to_b64(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Reads a backup: the JSON file this page exports, or a bare base64url secret seed. The
/// secret must produce the public key the file names. Messages never repeat the secret.
pub fn parse_backup(text: &str) -> Result<SigningKey, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("paste the backup file's contents, or choose the file".into());
    }
    if text.starts_with('{') {
        let b: KeyBackup = serde_json::from_str(text)
            .map_err(|e| format!("this is not a Ferry approval-key backup ({e})"))?;
        if b.format != BACKUP_FORMAT {
            return Err(format!(
                "unknown backup format `{}` (expected `{BACKUP_FORMAT}`)",
                b.format
            ));
        }
        let key = SigningKey::from_b64(&b.secret_key).map_err(|e| e.to_string())?;
        let named = VerifyingKey::parse(&b.public_key).map_err(|e| e.to_string())?;
        if key.verifying_key() != named {
            return Err(
                "the backup is damaged: its secret key does not belong to its public key".into(),
            );
        }
        Ok(key)
    } else {
        SigningKey::from_b64(text).map_err(|e| e.to_string())
    }
}

/// The key must be the one the appliance pinned.
pub fn check_pinned(key: &SigningKey, pinned: &VerifyingKey) -> Result<(), String> {
    if key.verifying_key() == *pinned {
        Ok(())
    } else {
        Err(format!(
            "this key ({}) is not the approval key pinned on this appliance ({})",
            key.verifying_key().fingerprint(),
            pinned.fingerprint()
        ))
    }
}

fn storage() -> Option<web_sys::Storage> {
    leptos::prelude::window().local_storage().ok().flatten()
}

/// Keeps `key` in this browser.
pub fn store(key: &SigningKey, appliance_id: Option<&str>) -> Result<(), String> {
    let storage = storage().ok_or("this browser offers no local storage for the key")?;
    storage
        .set_item(
            &format!("{STORAGE_PREFIX}{}", key.verifying_key()),
            &KeyBackup::of(key, appliance_id).to_json(),
        )
        .map_err(|_| "the browser refused to store the key (storage full or disabled)".into())
}

/// The key pinned as `public` on an appliance, if this browser holds it.
pub fn load(public: &VerifyingKey) -> Option<SigningKey> {
    let text = storage()?
        .get_item(&format!("{STORAGE_PREFIX}{public}"))
        .ok()
        .flatten()?;
    let key = parse_backup(&text).ok()?;
    (key.verifying_key() == *public).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_round_trip() {
        let key = SigningKey::generate();
        let json = KeyBackup::of(&key, Some("ap_1")).to_json();
        assert!(json.contains(BACKUP_FORMAT));
        let back = parse_backup(&json).expect("backup");
        assert_eq!(back.verifying_key(), key.verifying_key());
        let bare = parse_backup(&key.to_b64()).expect("seed");
        assert_eq!(bare.verifying_key(), key.verifying_key());
        assert_eq!(check_pinned(&back, &key.verifying_key()), Ok(()));
    }

    #[test]
    fn bad_backups_are_named_without_the_secret() {
        let key = SigningKey::generate();
        let other = SigningKey::generate();
        let mut b = KeyBackup::of(&key, None);
        b.public_key = other.verifying_key().to_string();
        let e = parse_backup(&b.to_json()).expect_err("mismatch");
        assert!(e.contains("damaged"), "{e}");
        assert!(!e.contains(&key.to_b64()), "{e}");
        let mut b = KeyBackup::of(&key, None);
        b.format = "x".into();
        assert!(
            parse_backup(&b.to_json())
                .expect_err("format")
                .contains("unknown backup format")
        );
        assert!(parse_backup("").is_err());
        assert!(parse_backup("{nope").is_err());
        assert!(parse_backup("not base64!").is_err());
        let e = check_pinned(&key, &other.verifying_key()).expect_err("other");
        assert!(e.contains("not the approval key"), "{e}");
    }
}
