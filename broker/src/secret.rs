//! Ids and credentials.
//!
//! * Ids are a kind prefix and 16 hex digits of randomness (`app_3f…`): opaque, URL-safe,
//!   signable (they appear in the canonical grant form).
//! * Credentials (API keys, deploy-session credentials, dashboard sessions, invitation secrets)
//!   are `<id>.<secret>`, where the secret is 256 random bits in base64url. Only the SHA-256 of
//!   the secret is stored. A credential is looked up by its id — not secret — and its secret's
//!   hash compared with [`ct_eq`]: constant time, and no index over secret material.

use ferry_api::crypto::{b64, ct_eq, hex, random_bytes, sha256_hex};
use std::fmt;

/// A new random id with `prefix` (`app`, `grt`, …).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", hex(&random_bytes::<8>()))
}

/// A freshly minted credential. Its `Debug` hides the secret.
pub struct Minted {
    pub id: String,
    /// `<id>.<secret>`: shown once, never stored.
    pub credential: String,
    /// What is stored.
    pub secret_hash: String,
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Minted")
            .field("id", &self.id)
            .field("credential", &"…")
            .finish()
    }
}

/// Mints a credential whose id has `prefix`.
pub fn mint(prefix: &str) -> Minted {
    let id = new_id(prefix);
    let secret = b64::encode(&random_bytes::<32>());
    let secret_hash = sha256_hex(secret.as_bytes());
    Minted {
        credential: format!("{id}.{secret}"),
        id,
        secret_hash,
    }
}

/// A presented credential split into its id and secret, if it has the shape of one of kind
/// `prefix`. Never echoes the secret.
pub struct Presented<'a> {
    pub id: &'a str,
    secret: &'a str,
}

impl fmt::Debug for Presented<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presented").field("id", &self.id).finish()
    }
}

impl<'a> Presented<'a> {
    pub fn parse(credential: &'a str, prefix: &str) -> Option<Self> {
        let (id, secret) = credential.trim().split_once('.')?;
        let rest = id.strip_prefix(prefix)?.strip_prefix('_')?;
        let id_ok = rest.len() == 16 && rest.bytes().all(|b| b.is_ascii_hexdigit());
        let secret_ok = secret.len() == 43
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (id_ok && secret_ok).then_some(Self { id, secret })
    }

    /// Whether the secret hashes to `stored_hash` (constant-time comparison).
    pub fn matches(&self, stored_hash: &str) -> bool {
        ct_eq(
            sha256_hex(self.secret.as_bytes()).as_bytes(),
            stored_hash.as_bytes(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_credentials_parse_and_match_only_their_hash() {
        let m = mint("ses");
        assert!(m.id.starts_with("ses_") && m.id.len() == 20, "{}", m.id);
        let p = Presented::parse(&m.credential, "ses").expect("parses");
        assert_eq!(p.id, m.id);
        assert!(p.matches(&m.secret_hash));
        assert!(!p.matches(&mint("ses").secret_hash));
        assert!(Presented::parse(&m.credential, "key").is_none());
        assert!(!format!("{m:?}").contains(&m.credential[21..]));
        let secret = &m.credential[21..];
        assert!(!format!("{p:?}").contains(secret));
        for bad in ["", "ses_", "ses_0123.abc", "nope", &m.id] {
            assert!(Presented::parse(bad, "ses").is_none(), "{bad}");
        }
        // The stored hash is not the secret.
        assert!(!m.secret_hash.contains(secret));
    }
}
