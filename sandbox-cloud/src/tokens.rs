//! Bearer tokens registered with the sandbox: scopes, expiry, rate limit.
//!
//! Only the SHA-256 of a token is kept (in memory and in SQLite); its public identity is
//! `ferry_api::crypto::fingerprint`. Scopes are DigitalOcean's custom scopes
//! (`<resource>:<verb>`, as listed in `token_scopes` of the endpoint data), plus `read` (every
//! `…:read` scope: a read-only token), `write` or `*` (full access) and `<resource>:*`.

use crate::Sandbox;
use crate::error::Error;
use ferry_api::crypto;
use serde::Serialize;
use std::time::SystemTime;

/// Requests per rolling hour and per minute (DigitalOcean: 5,000 and 250).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RateLimit {
    pub per_hour: u32,
    pub per_minute: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_hour: 5000,
            per_minute: 250,
        }
    }
}

/// A token to register.
#[derive(Clone)]
pub struct NewToken {
    pub token: String,
    pub scopes: Vec<String>,
    pub expires_at: Option<SystemTime>,
    /// Default: the sandbox's [`crate::Config::rate_limit`].
    pub rate_limit: Option<RateLimit>,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("fingerprint", &crypto::fingerprint(&self.token))
            .field("scopes", &self.scopes)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What the sandbox says about a registered token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub fingerprint: String,
    pub scopes: Vec<String>,
    /// RFC 3339, or none for a token that does not expire.
    pub expires_at: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct TokenRecord {
    pub fingerprint: String,
    pub scopes: Vec<String>,
    /// Unix milliseconds.
    pub expires_at: Option<i64>,
    pub rate_limit: Option<RateLimit>,
}

impl TokenRecord {
    /// Whether the token holds `scope` (`resource:verb`).
    pub fn allows(&self, scope: &str) -> bool {
        let (resource, verb) = scope.split_once(':').unwrap_or((scope, ""));
        self.scopes.iter().any(|s| match s.as_str() {
            "*" | "write" => true,
            "read" => verb == "read",
            s => {
                s == scope
                    || s.strip_suffix(":*")
                        .is_some_and(|r| r == resource && !resource.is_empty())
            }
        })
    }
}

/// `dop_v1_` and 64 random hex digits, the form of a DigitalOcean personal access token.
pub(crate) fn generate() -> String {
    format!(
        "{}{}",
        crypto::DO_TOKEN_PREFIX,
        crypto::hex(&crypto::random_bytes::<32>())
    )
}

pub(crate) fn check_scopes(sandbox: &Sandbox, scopes: &[String]) -> Result<(), Error> {
    if scopes.is_empty() {
        return Err(Error::Token(
            "a token needs at least one scope (`write` or `*` for full access, `read` for read-only)"
                .into(),
        ));
    }
    let known = &sandbox.0.spec.token_scopes;
    for s in scopes {
        let ok = matches!(s.as_str(), "*" | "read" | "write")
            || known.iter().any(|k| k == s)
            || s.strip_suffix(":*").is_some_and(|r| {
                known
                    .iter()
                    .any(|k| k.split_once(':').is_some_and(|(res, _)| res == r))
            });
        if !ok {
            return Err(Error::Token(format!(
                "unknown scope `{s}`: DigitalOcean's custom scopes are `<resource>:<verb>` (e.g. `droplet:create`), or `read`, `write`, `*`"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn add(sandbox: &Sandbox, t: NewToken) -> Result<TokenInfo, Error> {
    if t.token.trim().is_empty() || t.token.len() > 512 || t.token.contains(char::is_whitespace) {
        return Err(Error::Token(
            "a token must be 1 to 512 characters without spaces".into(),
        ));
    }
    check_scopes(sandbox, &t.scopes)?;
    let record = TokenRecord {
        fingerprint: crypto::fingerprint(&t.token),
        scopes: t.scopes,
        expires_at: t.expires_at.map(crate::clock::unix_ms),
        rate_limit: t.rate_limit,
    };
    let hash = crypto::sha256_hex(t.token.as_bytes());
    sandbox.0.store.save_token(&hash, &record).await?;
    let info = info(&record);
    if let Ok(mut map) = sandbox.0.tokens.write() {
        map.insert(hash, record);
    }
    Ok(info)
}

pub(crate) async fn revoke(sandbox: &Sandbox, fingerprint: &str) -> Result<bool, Error> {
    let hash = sandbox.0.tokens.read().ok().and_then(|m| {
        m.iter()
            .find(|(_, r)| crypto::ct_eq(r.fingerprint.as_bytes(), fingerprint.as_bytes()))
            .map(|(h, _)| h.clone())
    });
    let Some(hash) = hash else { return Ok(false) };
    sandbox.0.store.delete_token(&hash).await?;
    if let Ok(mut map) = sandbox.0.tokens.write() {
        map.remove(&hash);
    }
    Ok(true)
}

/// The record of a presented bearer token.
pub(crate) fn lookup(sandbox: &Sandbox, token: &str) -> Option<(String, TokenRecord)> {
    let hash = crypto::sha256_hex(token.as_bytes());
    let map = sandbox.0.tokens.read().ok()?;
    map.get(&hash).cloned().map(|r| (hash, r))
}

pub(crate) fn info(r: &TokenRecord) -> TokenInfo {
    TokenInfo {
        fingerprint: r.fingerprint.clone(),
        scopes: r.scopes.clone(),
        expires_at: r.expires_at.map(crate::clock::rfc3339),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(scopes: &[&str]) -> TokenRecord {
        TokenRecord {
            fingerprint: String::new(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            expires_at: None,
            rate_limit: None,
        }
    }

    #[test]
    fn scope_matching() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&["droplet:create"], "droplet:create", true),
            (&["droplet:create"], "droplet:read", false),
            (&["droplet:*"], "droplet:delete", true),
            (&["droplet:*"], "dropletx:delete", false),
            (&["read"], "vpc:read", true),
            (&["read"], "vpc:create", false),
            (&["read"], "database:view_credentials", false),
            (&["write"], "database:view_credentials", true),
            (&["*"], "kubernetes:access_cluster", true),
        ];
        for (scopes, need, want) in cases {
            assert_eq!(rec(scopes).allows(need), *want, "{scopes:?} {need}");
        }
    }

    #[test]
    fn generated_tokens_look_like_do_tokens() {
        let t = generate();
        assert!(crypto::check_do_token(&t).is_ok());
        assert_ne!(t, generate());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let t = NewToken {
            token: "dop_v1_secretsecret".into(),
            scopes: vec!["*".into()],
            expires_at: None,
            rate_limit: None,
        };
        assert!(!format!("{t:?}").contains("secretsecret"));
    }
}
