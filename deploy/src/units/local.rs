//! `random_*` resources, generated here from the operating system's randomness and kept in the
//! deploy state, so a re-run reuses the value instead of generating a new one.

use super::*;
use base64::Engine as _;
use rand_core::RngCore;

pub static UNITS: &[&UnitDef] = &[&PASSWORD_DEF, &STRING_DEF, &ID_DEF, &UUID_DEF, &INTEGER_DEF];

/// Which generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    Password,
    String,
    Id,
    Uuid,
    Integer,
}

pub static PASSWORD_DEF: UnitDef = UnitDef {
    tf_type: "random_password",
    summary: "a random password, generated once and kept in the deploy state",
    arguments: &[
        "length",
        "special",
        "upper",
        "lower",
        "numeric",
        "number",
        "min_upper",
        "min_lower",
        "min_numeric",
        "min_special",
        "override_special",
        "keepers",
    ],
    exports: &["id", "result"],
    endpoints: &[],
    partial_lists: &[],
    handling: Handling::Local(LocalKind::Password),
};

pub static STRING_DEF: UnitDef = UnitDef {
    tf_type: "random_string",
    summary: "a random string, generated once and kept in the deploy state",
    arguments: PASSWORD_DEF.arguments,
    exports: &["id", "result"],
    endpoints: &[],
    partial_lists: &[],
    handling: Handling::Local(LocalKind::String),
};

pub static ID_DEF: UnitDef = UnitDef {
    tf_type: "random_id",
    summary: "random bytes (hex, base64, decimal), generated once and kept in the deploy state",
    arguments: &["byte_length", "prefix", "keepers"],
    exports: &["id", "hex", "dec", "b64_url", "b64_std"],
    endpoints: &[],
    partial_lists: &[],
    handling: Handling::Local(LocalKind::Id),
};

pub static UUID_DEF: UnitDef = UnitDef {
    tf_type: "random_uuid",
    summary: "a random UUID (v4), generated once and kept in the deploy state",
    arguments: &["keepers"],
    exports: &["id", "result"],
    endpoints: &[],
    partial_lists: &[],
    handling: Handling::Local(LocalKind::Uuid),
};

pub static INTEGER_DEF: UnitDef = UnitDef {
    tf_type: "random_integer",
    summary: "a random integer in [min, max], generated once and kept in the deploy state",
    arguments: &["min", "max", "keepers", "seed"],
    exports: &["id", "result"],
    endpoints: &[],
    partial_lists: &[],
    handling: Handling::Local(LocalKind::Integer),
};

/// A uniformly random index below `n` (rejection sampling, no modulo bias).
fn below(rng: &mut dyn RngCore, n: usize) -> usize {
    let n32 = n.max(1) as u32;
    let zone = u32::MAX - (u32::MAX % n32);
    loop {
        let x = rng.next_u32();
        if x < zone {
            return (x % n32) as usize;
        }
    }
}

fn chars_from(rng: &mut dyn RngCore, set: &[u8], n: usize, out: &mut Vec<u8>) {
    for _ in 0..n {
        out.push(set[below(rng, set.len())]);
    }
}

/// Generates the attributes of a `random_*` resource.
pub fn generate(kind: LocalKind, args: &Json, rng: &mut dyn RngCore) -> Result<Json, UnitError> {
    match kind {
        LocalKind::Password | LocalKind::String => {
            let length = req_i64(args, "length")?;
            if !(1..=4096).contains(&length) {
                return Err(UnitError::arg("length", "must be between 1 and 4096"));
            }
            let flag = |k: &str, default: bool| opt_bool(args, k).map(|b| b.unwrap_or(default));
            let special = flag("special", true)?;
            let upper = flag("upper", true)?;
            let lower = flag("lower", true)?;
            let numeric = flag("numeric", true)? && flag("number", true)?;
            let special_set: Vec<u8> = opt_str(args, "override_special")
                .map(String::into_bytes)
                .unwrap_or_else(|| b"!@#$%&*()-_=+[]{}<>:?".to_vec());
            let sets: [(bool, &[u8], &str); 4] = [
                (upper, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "min_upper"),
                (lower, b"abcdefghijklmnopqrstuvwxyz", "min_lower"),
                (numeric, b"0123456789", "min_numeric"),
                (
                    special && !special_set.is_empty(),
                    &special_set,
                    "min_special",
                ),
            ];
            let mut all: Vec<u8> = Vec::new();
            let mut out: Vec<u8> = Vec::new();
            for (on, set, min_key) in sets {
                let min = opt_i64(args, min_key)?.unwrap_or(0).max(0) as usize;
                if on {
                    all.extend_from_slice(set);
                    chars_from(rng, set, min, &mut out);
                } else if min > 0 {
                    return Err(UnitError::arg(
                        min_key,
                        "is set but that character class is turned off",
                    ));
                }
            }
            if all.is_empty() {
                return Err(UnitError::arg(
                    "length",
                    "every character class is turned off",
                ));
            }
            let length = length as usize;
            if out.len() > length {
                return Err(UnitError::arg(
                    "length",
                    "is shorter than the minimum counts together",
                ));
            }
            let rest = length - out.len();
            chars_from(rng, &all, rest, &mut out);
            // Fisher–Yates, so the minimum characters are not all at the front.
            for i in (1..out.len()).rev() {
                let j = below(rng, i + 1);
                out.swap(i, j);
            }
            let result = String::from_utf8_lossy(&out).into_owned();
            let id = if kind == LocalKind::Password {
                "none".to_string()
            } else {
                result.clone()
            };
            Ok(json!({ "id": id, "result": result, "length": length }))
        }
        LocalKind::Id => {
            let n = req_i64(args, "byte_length")?;
            if !(1..=1024).contains(&n) {
                return Err(UnitError::arg("byte_length", "must be between 1 and 1024"));
            }
            let mut bytes = vec![0u8; n as usize];
            rng.fill_bytes(&mut bytes);
            let prefix = opt_str(args, "prefix").unwrap_or_default();
            let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes);
            let std = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            Ok(json!({
                "id": url,
                "byte_length": n,
                "b64_url": format!("{prefix}{url}"),
                "b64_std": format!("{prefix}{std}"),
                "hex": format!("{prefix}{hex}"),
                "dec": format!("{prefix}{}", decimal(&bytes)),
            }))
        }
        LocalKind::Uuid => {
            let mut b = [0u8; 16];
            rng.fill_bytes(&mut b);
            b[6] = (b[6] & 0x0f) | 0x40;
            b[8] = (b[8] & 0x3f) | 0x80;
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            let uuid = format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            );
            Ok(json!({ "id": uuid, "result": uuid }))
        }
        LocalKind::Integer => {
            let min = req_i64(args, "min")?;
            let max = req_i64(args, "max")?;
            if max < min {
                return Err(UnitError::arg("max", "is below min"));
            }
            let span = (max - min) as u64 + 1;
            let zone = u64::MAX - (u64::MAX % span);
            let x = loop {
                let x = rng.next_u64();
                if x < zone {
                    break x % span;
                }
            };
            let result = min + x as i64;
            Ok(json!({ "id": result.to_string(), "result": result }))
        }
    }
}

/// Big-endian bytes as a decimal number.
fn decimal(bytes: &[u8]) -> String {
    let mut digits: Vec<u8> = vec![0];
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A counter for reproducible tests (never used outside them).
    struct Counter(u64);
    impl RngCore for Counter {
        fn next_u32(&mut self) -> u32 {
            self.next_u64() as u32
        }
        fn next_u64(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 11
        }
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for b in dest {
                *b = self.next_u32() as u8;
            }
        }
        fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
            self.fill_bytes(dest);
            Ok(())
        }
    }

    #[test]
    fn passwords_respect_length_and_classes() {
        let a = generate(
            LocalKind::Password,
            &json!({"length": 32, "special": false}),
            &mut Counter(1),
        )
        .expect("generates");
        let r = a["result"].as_str().unwrap_or("");
        assert_eq!(r.len(), 32);
        assert!(r.chars().all(|c| c.is_ascii_alphanumeric()), "{r}");
        assert_eq!(a["id"], "none");
        let b = generate(LocalKind::Password, &json!({"length": 8, "upper": false, "lower": false, "special": false, "min_numeric": 8}), &mut Counter(2)).expect("generates");
        assert!(
            b["result"]
                .as_str()
                .unwrap_or("x")
                .chars()
                .all(|c| c.is_ascii_digit())
        );
        assert!(
            generate(
                LocalKind::Password,
                &json!({"length": 2, "min_upper": 3}),
                &mut Counter(3)
            )
            .is_err()
        );
        assert!(generate(LocalKind::Password, &json!({"length": 0}), &mut Counter(3)).is_err());
        let os = generate(
            LocalKind::Password,
            &json!({"length": 64}),
            &mut rand_core::OsRng,
        )
        .expect("generates");
        assert_eq!(os["result"].as_str().map(str::len), Some(64));
    }

    #[test]
    fn ids_uuids_and_integers() {
        let id = generate(
            LocalKind::Id,
            &json!({"byte_length": 4, "prefix": "x-"}),
            &mut Counter(4),
        )
        .expect("generates");
        assert_eq!(id["hex"].as_str().map(str::len), Some(10));
        assert!(id["hex"].as_str().unwrap_or("").starts_with("x-"));
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xff, 0xff, 0xff, 0xff]), "4294967295");
        let u = generate(LocalKind::Uuid, &json!({}), &mut Counter(5)).expect("generates");
        let s = u["result"].as_str().unwrap_or("");
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        let n = generate(
            LocalKind::Integer,
            &json!({"min": 5, "max": 7}),
            &mut Counter(6),
        )
        .expect("generates");
        assert!((5..=7).contains(&n["result"].as_i64().unwrap_or(0)));
        assert!(
            generate(
                LocalKind::Integer,
                &json!({"min": 5, "max": 1}),
                &mut Counter(6)
            )
            .is_err()
        );
    }
}
