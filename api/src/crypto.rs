//! The cryptographic forms every party must agree on (DESIGN §6).
//!
//! * **DigitalOcean tokens** are checked for shape ([`check_do_token`]) and identified by a
//!   [`fingerprint`] — a truncated SHA-256, never any part of the token itself — before they are
//!   sealed. Only the fingerprint ever leaves the sealing party in clear.
//! * **Sealing** is a libsodium-compatible sealed box (X25519 + XSalsa20-Poly1305, `crypto_box`):
//!   the customer's browser (or `ferry customer token seal`) encrypts to the controller's public
//!   key; only the controller's secret key opens it. The edge host stores ciphertext it cannot
//!   open.
//! * **Signing** is Ed25519 (`ed25519-dalek`): the customer's approval key signs grants
//!   ([`crate::grant`]); the controller's identity key answers the relay's challenge.
//!
//! Keys, signatures and ciphertexts travel as unpadded base64url text ([`b64`]).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crypto_box::aead::OsRng;
use ed25519_dalek::Signer as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// What can go wrong with keys, tokens, ciphertexts and signatures. Messages name the problem
/// and never contain secret material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error(
        "this is not a DigitalOcean API token: expected `dop_v1_` followed by 64 hexadecimal characters ({0})"
    )]
    TokenFormat(&'static str),
    #[error("{what} is not valid base64url")]
    Base64 { what: &'static str },
    #[error("{what} must be {expected} bytes, got {got}")]
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("{0} is not a valid Ed25519 public key")]
    PublicKey(&'static str),
    #[error("the signature does not verify with the pinned key")]
    BadSignature,
    #[error("the sealed token cannot be opened with this key (wrong key or corrupted ciphertext)")]
    Unseal,
    #[error("the sealed token could not be created")]
    Seal,
    #[error("the opened token is not valid UTF-8")]
    Utf8,
}

/// Unpadded base64url, the text form of every key, signature and ciphertext.
pub mod b64 {
    use super::*;

    pub fn encode(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    pub fn decode(text: &str, what: &'static str) -> Result<Vec<u8>, CryptoError> {
        URL_SAFE_NO_PAD
            .decode(text.trim())
            .map_err(|_| CryptoError::Base64 { what })
    }

    pub fn decode_array<const N: usize>(
        text: &str,
        what: &'static str,
    ) -> Result<[u8; N], CryptoError> {
        let bytes = decode(text, what)?;
        let got = bytes.len();
        bytes.try_into().map_err(|_| CryptoError::Length {
            what,
            expected: N,
            got,
        })
    }
}

/// The prefix of a DigitalOcean personal access token.
pub const DO_TOKEN_PREFIX: &str = "dop_v1_";

/// Checks that `token` looks like a DigitalOcean personal access token: `dop_v1_` followed by
/// 64 lowercase or uppercase hexadecimal characters. The error never repeats the token.
pub fn check_do_token(token: &str) -> Result<(), CryptoError> {
    let Some(rest) = token.strip_prefix(DO_TOKEN_PREFIX) else {
        return Err(CryptoError::TokenFormat("it does not start with `dop_v1_`"));
    };
    if rest.len() != 64 {
        return Err(CryptoError::TokenFormat(
            "the part after `dop_v1_` is not 64 characters long",
        ));
    }
    if !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CryptoError::TokenFormat(
            "the part after `dop_v1_` has a character that is not hexadecimal",
        ));
    }
    Ok(())
}

/// The public identity of a token: `sha256:` + the first 16 bytes of its SHA-256 in hex.
/// Tokens carry 256 bits of entropy, so the fingerprint reveals nothing usable.
pub fn fingerprint(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    format!("sha256:{}", hex(&digest[..16]))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// SHA-256 of `bytes` as lowercase hex (release digests, audit chain, hashed credentials).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Constant-time equality of two byte strings (credentials, hashes of credentials).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `n` random bytes from the operating system (or the browser's `crypto.getRandomValues`).
pub fn random_bytes<const N: usize>() -> [u8; N] {
    use rand_core::RngCore as _;
    let mut out = [0u8; N];
    OsRng.fill_bytes(&mut out);
    out
}

/// The controller's X25519 public key that tokens are sealed to.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SealingPublicKey(crypto_box::PublicKey);

impl SealingPublicKey {
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        Ok(Self(crypto_box::PublicKey::from(b64::decode_array::<32>(
            text,
            "the controller's sealing key",
        )?)))
    }

    /// Seals `token` (after checking its shape) to this key. Returns the base64url ciphertext.
    pub fn seal_token(&self, token: &str) -> Result<String, CryptoError> {
        check_do_token(token)?;
        let sealed = self
            .0
            .seal(&mut OsRng, token.as_bytes())
            .map_err(|_| CryptoError::Seal)?;
        Ok(b64::encode(&sealed))
    }
}

impl TryFrom<String> for SealingPublicKey {
    type Error = CryptoError;
    fn try_from(text: String) -> Result<Self, CryptoError> {
        Self::parse(&text)
    }
}

impl From<SealingPublicKey> for String {
    fn from(key: SealingPublicKey) -> String {
        b64::encode(key.0.as_bytes())
    }
}

impl fmt::Display for SealingPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for SealingPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealingPublicKey({self})")
    }
}

/// The controller's X25519 secret key. Lives only in the controller's key file.
pub struct SealingSecretKey(crypto_box::SecretKey);

impl SealingSecretKey {
    pub fn generate() -> Self {
        Self(crypto_box::SecretKey::from(random_bytes::<32>()))
    }

    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        Ok(Self(crypto_box::SecretKey::from(b64::decode_array::<32>(
            text,
            "the sealing secret key",
        )?)))
    }

    /// The base64url form, for the key file only.
    pub fn to_b64(&self) -> String {
        b64::encode(&self.0.to_bytes())
    }

    pub fn public_key(&self) -> SealingPublicKey {
        SealingPublicKey(self.0.public_key())
    }

    /// Opens a sealed token and checks its shape.
    pub fn open_token(&self, sealed_b64: &str) -> Result<String, CryptoError> {
        let sealed = b64::decode(sealed_b64, "the sealed token")?;
        let plain = self.0.unseal(&sealed).map_err(|_| CryptoError::Unseal)?;
        let token = String::from_utf8(plain).map_err(|_| CryptoError::Utf8)?;
        check_do_token(&token)?;
        Ok(token)
    }
}

impl fmt::Debug for SealingSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealingSecretKey(…)")
    }
}

/// An Ed25519 public key: the customer's approval key or the controller's identity key.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VerifyingKey(ed25519_dalek::VerifyingKey);

impl VerifyingKey {
    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        let bytes = b64::decode_array::<32>(text, "the Ed25519 public key")?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes)
            .map(Self)
            .map_err(|_| CryptoError::PublicKey("the key"))
    }

    /// Verifies a base64url signature over `message` (strict: no malleable signatures).
    pub fn verify(&self, message: &[u8], signature_b64: &str) -> Result<(), CryptoError> {
        let bytes = b64::decode_array::<64>(signature_b64, "the signature")?;
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        self.0
            .verify_strict(message, &signature)
            .map_err(|_| CryptoError::BadSignature)
    }

    /// `sha256:` fingerprint of the key, for display and audit.
    pub fn fingerprint(&self) -> String {
        format!("sha256:{}", hex(&Sha256::digest(self.0.as_bytes())[..16]))
    }
}

impl TryFrom<String> for VerifyingKey {
    type Error = CryptoError;
    fn try_from(text: String) -> Result<Self, CryptoError> {
        Self::parse(&text)
    }
}

impl From<VerifyingKey> for String {
    fn from(key: VerifyingKey) -> String {
        b64::encode(key.0.as_bytes())
    }
}

impl fmt::Display for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&b64::encode(self.0.as_bytes()))
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VerifyingKey({self})")
    }
}

/// An Ed25519 signing key (the customer's approval key, the controller's identity key).
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    pub fn generate() -> Self {
        Self(ed25519_dalek::SigningKey::from_bytes(&random_bytes::<32>()))
    }

    pub fn from_b64(text: &str) -> Result<Self, CryptoError> {
        Ok(Self(ed25519_dalek::SigningKey::from_bytes(
            &b64::decode_array::<32>(text, "the Ed25519 secret key")?,
        )))
    }

    /// The base64url secret seed, for key files and the browser's exported backup only.
    pub fn to_b64(&self) -> String {
        b64::encode(&self.0.to_bytes())
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        VerifyingKey(self.0.verifying_key())
    }

    /// Signs `message`; base64url signature.
    pub fn sign(&self, message: &[u8]) -> String {
        b64::encode(&self.0.sign(message).to_bytes())
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {})", self.verifying_key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn token_shape_is_checked_without_echoing_the_token() {
        assert!(check_do_token(TOKEN).is_ok());
        for bad in [
            "",
            "dop_v1_",
            "dop_v2_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",
            "dop_v1_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
        ] {
            let err = check_do_token(bad).expect_err(bad).to_string();
            assert!(err.contains("dop_v1_"), "{err}");
            assert!(bad.len() < 10 || !err.contains(&bad[7..]), "{err}");
        }
    }

    #[test]
    fn fingerprint_is_stable_and_reveals_no_token_text() {
        let fp = fingerprint(TOKEN);
        assert_eq!(fp, fingerprint(TOKEN));
        assert!(fp.starts_with("sha256:") && fp.len() == 7 + 32, "{fp}");
        assert!(!fp.contains("0123456789abcdef"));
    }

    #[test]
    fn sealed_token_opens_only_with_the_right_key() {
        let secret = SealingSecretKey::generate();
        let public = SealingPublicKey::parse(&secret.public_key().to_string()).expect("parse");
        let sealed = public.seal_token(TOKEN).expect("seal");
        assert!(!sealed.contains("0123456789abcdef"));
        assert_eq!(secret.open_token(&sealed).expect("open"), TOKEN);
        let other = SealingSecretKey::generate();
        assert_eq!(other.open_token(&sealed), Err(CryptoError::Unseal));
        assert!(matches!(
            public.seal_token("not-a-token"),
            Err(CryptoError::TokenFormat(_))
        ));
    }

    #[test]
    fn signatures_verify_strictly() {
        let key = SigningKey::generate();
        let public = VerifyingKey::parse(&key.verifying_key().to_string()).expect("parse");
        let sig = key.sign(b"grant");
        assert_eq!(public.verify(b"grant", &sig), Ok(()));
        assert_eq!(
            public.verify(b"grant!", &sig),
            Err(CryptoError::BadSignature)
        );
        let other = SigningKey::generate().verifying_key();
        assert_eq!(other.verify(b"grant", &sig), Err(CryptoError::BadSignature));
        assert!(public.verify(b"grant", "###").is_err());
        let restored = SigningKey::from_b64(&key.to_b64()).expect("restore");
        assert_eq!(restored.verifying_key(), key.verifying_key());
    }

    #[test]
    fn ct_eq_compares_whole_strings() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }
}
