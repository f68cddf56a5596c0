//! Phases, windows and the signed grant (DESIGN §6).
//!
//! A grant is the customer's approval of one phase for one appliance inside a window. The
//! customer's Ed25519 key signs its [canonical form](GrantBody::canonical) — a short line-based
//! text with one field per line, so that the browser, the CLI, the edge host and the controller
//! produce the very same bytes without a JSON canonicalisation scheme. The edge host verifies
//! the signature before storing a grant, the controller verifies it again before it uses a token.
//!
//! Windows are half-open intervals of Unix milliseconds `[start, end)`: at `end - 1` a phase is
//! usable, at `end` it is not. A weekly maintenance window repeats slots given in the customer's
//! time zone (with the `schedule` feature, evaluated with jiff's bundled tz database, so the
//! answer is the same on every host).

use crate::crypto::{CryptoError, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The four permission phases, each with its own customer-created DigitalOcean token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Read/write on everything: first install. Off until approved, per use.
    Install,
    /// Read-only: monitoring and the appliance's tagged resources. On by default.
    SteadyState,
    /// Read/write scoped to the appliance: releases. Off until a window is approved.
    Deploy,
    /// Read/write, scoped operations. Off until a window is approved.
    Operate,
}

impl Phase {
    pub const ALL: [Phase; 4] = [
        Phase::Install,
        Phase::SteadyState,
        Phase::Deploy,
        Phase::Operate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Install => "install",
            Phase::SteadyState => "steady_state",
            Phase::Deploy => "deploy",
            Phase::Operate => "operate",
        }
    }

    pub fn parse(text: &str) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .find(|p| p.as_str() == text || p.as_str().replace('_', "-") == text)
    }

    /// Whether the phase may write (create, update, delete) through the relay.
    pub fn writes(self) -> bool {
        !matches!(self, Phase::SteadyState)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A day of the week (ISO order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn index(self) -> i8 {
        self as i8
    }
}

/// One recurring weekly slot, in the window's time zone: `weekday` at `start` (`HH:MM`, 24 h)
/// for `minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklySlot {
    pub weekday: Weekday,
    pub start: String,
    pub minutes: u32,
}

/// When a grant lets its phase be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// One interval `[starts_at_ms, ends_at_ms)` ("start now, for two hours").
    Manual { starts_at_ms: i64, ends_at_ms: i64 },
    /// A scheduled maintenance window: the weekly `slots` in `time_zone` (IANA name), between
    /// `starts_at_ms` and `ends_at_ms` (the approval's validity).
    Weekly {
        time_zone: String,
        slots: Vec<WeeklySlot>,
        starts_at_ms: i64,
        ends_at_ms: i64,
    },
}

/// Why a grant or window is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the window ends before it starts")]
    EmptyWindow,
    #[error("the window ends in the past")]
    WindowInPast,
    #[error("a weekly window needs at least one slot")]
    NoSlots,
    #[error("weekly slot {index}: `{start}` is not a time of day in HH:MM form")]
    SlotTime { index: usize, start: String },
    #[error("weekly slot {index}: a slot lasts between 1 minute and 7 days")]
    SlotLength { index: usize },
    #[error("`{0}` is not a known IANA time zone")]
    TimeZone(String),
    #[error(
        "{field} contains characters that cannot be signed (only letters, digits, `-_./:+@` are allowed)"
    )]
    Field { field: &'static str },
    #[error("the nonce must be at least 16 bytes of base64url")]
    Nonce,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

impl Window {
    /// The last instant (exclusive) at which this window can ever be open.
    pub fn ends_at_ms(&self) -> i64 {
        match self {
            Window::Manual { ends_at_ms, .. } | Window::Weekly { ends_at_ms, .. } => *ends_at_ms,
        }
    }

    pub fn starts_at_ms(&self) -> i64 {
        match self {
            Window::Manual { starts_at_ms, .. } | Window::Weekly { starts_at_ms, .. } => {
                *starts_at_ms
            }
        }
    }

    /// Checks the window's shape (not the clock).
    pub fn validate(&self) -> Result<(), GrantError> {
        if self.ends_at_ms() <= self.starts_at_ms() {
            return Err(GrantError::EmptyWindow);
        }
        if let Window::Weekly {
            time_zone, slots, ..
        } = self
        {
            check_field("time_zone", time_zone)?;
            if slots.is_empty() {
                return Err(GrantError::NoSlots);
            }
            for (index, slot) in slots.iter().enumerate() {
                if parse_hhmm(&slot.start).is_none() {
                    return Err(GrantError::SlotTime {
                        index,
                        start: slot.start.clone(),
                    });
                }
                if slot.minutes == 0 || slot.minutes > 7 * 24 * 60 {
                    return Err(GrantError::SlotLength { index });
                }
            }
            #[cfg(feature = "schedule")]
            if jiff::tz::TimeZone::get(time_zone).is_err() {
                return Err(GrantError::TimeZone(time_zone.clone()));
            }
        }
        Ok(())
    }

    /// The open interval `[start, end)` that contains `now_ms`, if any.
    #[cfg(feature = "schedule")]
    pub fn open_interval(&self, now_ms: i64) -> Option<(i64, i64)> {
        match self {
            Window::Manual {
                starts_at_ms,
                ends_at_ms,
            } => (*starts_at_ms <= now_ms && now_ms < *ends_at_ms)
                .then_some((*starts_at_ms, *ends_at_ms)),
            Window::Weekly {
                time_zone,
                slots,
                starts_at_ms,
                ends_at_ms,
            } => {
                if now_ms < *starts_at_ms || now_ms >= *ends_at_ms {
                    return None;
                }
                let tz = jiff::tz::TimeZone::get(time_zone).ok()?;
                let now = jiff::Timestamp::from_millisecond(now_ms).ok()?;
                let local = now.to_zoned_datetime(tz.clone());
                let today = local.date();
                // A slot that started up to 7 days ago may still be open.
                (0..=7i64).find_map(|back| {
                    let day = today.checked_sub(jiff::Span::new().days(back)).ok()?;
                    let weekday = day.weekday().to_monday_zero_offset();
                    slots
                        .iter()
                        .filter(|s| s.weekday.index() == weekday)
                        .find_map(|slot| {
                            let (h, m) = parse_hhmm(&slot.start)?;
                            let start = day.at(h, m, 0, 0).to_zoned_datetime(tz.clone()).ok()?;
                            let start_ms = start.timestamp().as_millisecond();
                            let end_ms = start_ms + i64::from(slot.minutes) * 60_000;
                            let (start_ms, end_ms) =
                                (start_ms.max(*starts_at_ms), end_ms.min(*ends_at_ms));
                            (start_ms <= now_ms && now_ms < end_ms).then_some((start_ms, end_ms))
                        })
                })
            }
        }
    }

    /// The canonical text of the window (one line, no newline).
    fn canonical(&self) -> String {
        match self {
            Window::Manual {
                starts_at_ms,
                ends_at_ms,
            } => format!("manual;{starts_at_ms};{ends_at_ms}"),
            Window::Weekly {
                time_zone,
                slots,
                starts_at_ms,
                ends_at_ms,
            } => {
                let slots: Vec<String> = slots
                    .iter()
                    .map(|s| format!("{}@{}+{}", s.weekday.as_str(), s.start, s.minutes))
                    .collect();
                format!(
                    "weekly;{time_zone};{};{starts_at_ms};{ends_at_ms}",
                    slots.join(",")
                )
            }
        }
    }
}

fn parse_hhmm(text: &str) -> Option<(i8, i8)> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: i8 = h.parse().ok()?;
    let m: i8 = m.parse().ok()?;
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some((h, m))
}

fn check_field(field: &'static str, value: &str) -> Result<(), GrantError> {
    let ok = !value.is_empty()
        && value.len() <= 200
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:+@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(GrantError::Field { field })
    }
}

/// What the customer signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    /// The appliance's id (as the edge host names it).
    pub appliance_id: String,
    pub phase: Phase,
    pub window: Window,
    /// For Deploy: the release digest (`sha256:…`) the window is for; `None` = any release.
    #[serde(default)]
    pub release_digest: Option<String>,
    /// At least 16 random bytes, base64url; a nonce is accepted once per appliance.
    pub nonce: String,
}

/// The first line of every canonical grant; bump on any change of the form.
pub const GRANT_FORM: &str = "ferry-grant-v1";

impl GrantBody {
    /// A grant with a fresh random nonce.
    pub fn new(
        appliance_id: impl Into<String>,
        phase: Phase,
        window: Window,
        release_digest: Option<String>,
    ) -> Self {
        Self {
            appliance_id: appliance_id.into(),
            phase,
            window,
            release_digest,
            nonce: crate::crypto::b64::encode(&crate::crypto::random_bytes::<24>()),
        }
    }

    /// The exact bytes that are signed:
    ///
    /// ```text
    /// ferry-grant-v1
    /// appliance=<id>
    /// phase=<phase>
    /// window=manual;<start_ms>;<end_ms>   |   weekly;<tz>;<mon@02:00+120,…>;<start_ms>;<end_ms>
    /// release=<digest or ->
    /// nonce=<nonce>
    /// ```
    ///
    /// Every line ends with `\n`. Fields are checked so that none can smuggle a line break.
    pub fn canonical(&self) -> Result<String, GrantError> {
        check_field("appliance_id", &self.appliance_id)?;
        if let Some(digest) = &self.release_digest {
            check_field("release_digest", digest)?;
        }
        check_field("nonce", &self.nonce)?;
        if crate::crypto::b64::decode(&self.nonce, "the nonce").map_or(true, |n| n.len() < 16) {
            return Err(GrantError::Nonce);
        }
        self.window.validate()?;
        Ok(format!(
            "{GRANT_FORM}\nappliance={}\nphase={}\nwindow={}\nrelease={}\nnonce={}\n",
            self.appliance_id,
            self.phase,
            self.window.canonical(),
            self.release_digest.as_deref().unwrap_or("-"),
            self.nonce
        ))
    }

    pub fn sign(self, key: &SigningKey) -> Result<SignedGrant, GrantError> {
        let signature = key.sign(self.canonical()?.as_bytes());
        Ok(SignedGrant {
            body: self,
            signature,
        })
    }
}

/// A grant with the customer's signature over [`GrantBody::canonical`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedGrant {
    pub body: GrantBody,
    /// Ed25519 signature, base64url.
    pub signature: String,
}

impl SignedGrant {
    /// Verifies the signature with the appliance's pinned approval key. (Clock checks — a
    /// window in the past, expiry — and nonce reuse are the verifier's job.)
    pub fn verify(&self, approval_key: &VerifyingKey) -> Result<(), GrantError> {
        let canonical = self.body.canonical()?;
        approval_key.verify(canonical.as_bytes(), &self.signature)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manual(start: i64, end: i64) -> Window {
        Window::Manual {
            starts_at_ms: start,
            ends_at_ms: end,
        }
    }

    #[test]
    fn canonical_form_is_exact() {
        let body = GrantBody {
            appliance_id: "app-1".into(),
            phase: Phase::Deploy,
            window: manual(1_000, 2_000),
            release_digest: Some("sha256:ab".into()),
            nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        };
        assert_eq!(
            body.canonical().expect("canonical"),
            "ferry-grant-v1\nappliance=app-1\nphase=deploy\nwindow=manual;1000;2000\nrelease=sha256:ab\nnonce=AAAAAAAAAAAAAAAAAAAAAA\n"
        );
    }

    #[test]
    fn signed_grant_verifies_and_detects_any_change() {
        let key = SigningKey::generate();
        let grant = GrantBody::new("app-1", Phase::Deploy, manual(0, 10), None)
            .sign(&key)
            .expect("sign");
        assert_eq!(grant.verify(&key.verifying_key()), Ok(()));
        let mut forged = grant.clone();
        forged.body.window = manual(0, 11);
        assert!(matches!(
            forged.verify(&key.verifying_key()),
            Err(GrantError::Crypto(CryptoError::BadSignature))
        ));
        let mut other_phase = grant.clone();
        other_phase.body.phase = Phase::Install;
        assert!(other_phase.verify(&key.verifying_key()).is_err());
        let stranger = SigningKey::generate();
        assert!(grant.verify(&stranger.verifying_key()).is_err());
    }

    #[test]
    fn fields_cannot_smuggle_lines() {
        let mut body = GrantBody::new("app-1", Phase::Deploy, manual(0, 10), None);
        body.appliance_id = "app-1\nphase=install".into();
        assert_eq!(
            body.canonical(),
            Err(GrantError::Field {
                field: "appliance_id"
            })
        );
    }

    #[test]
    fn manual_window_is_half_open() {
        let w = manual(1_000, 2_000);
        assert_eq!(w.open_interval(999), None);
        assert_eq!(w.open_interval(1_000), Some((1_000, 2_000)));
        assert_eq!(w.open_interval(1_999), Some((1_000, 2_000)));
        assert_eq!(w.open_interval(2_000), None);
    }

    #[test]
    fn weekly_window_follows_the_time_zone() {
        // 2026-11-24 is a Tuesday. 02:00–04:00 in Berlin (UTC+1 in November) = 01:00–03:00 UTC.
        let tue_0100_utc = jiff::Timestamp::from_second(1_795_482_000).expect("ts");
        assert_eq!(tue_0100_utc.to_string(), "2026-11-24T01:00:00Z");
        let w = Window::Weekly {
            time_zone: "Europe/Berlin".into(),
            slots: vec![WeeklySlot {
                weekday: Weekday::Tue,
                start: "02:00".into(),
                minutes: 120,
            }],
            starts_at_ms: 0,
            ends_at_ms: i64::MAX / 2,
        };
        assert_eq!(w.validate(), Ok(()));
        let t = tue_0100_utc.as_millisecond();
        assert_eq!(w.open_interval(t - 1), None);
        assert_eq!(w.open_interval(t), Some((t, t + 7_200_000)));
        assert_eq!(w.open_interval(t + 7_199_999), Some((t, t + 7_200_000)));
        assert_eq!(w.open_interval(t + 7_200_000), None);
        // A week later, again.
        let next = t + 7 * 86_400_000;
        assert_eq!(w.open_interval(next), Some((next, next + 7_200_000)));
    }

    #[test]
    fn bad_windows_are_refused_with_reasons() {
        assert_eq!(manual(5, 5).validate(), Err(GrantError::EmptyWindow));
        let weekly = |tz: &str, start: &str| Window::Weekly {
            time_zone: tz.into(),
            slots: vec![WeeklySlot {
                weekday: Weekday::Mon,
                start: start.into(),
                minutes: 60,
            }],
            starts_at_ms: 0,
            ends_at_ms: 10,
        };
        assert!(matches!(
            weekly("Mars/Olympus", "02:00").validate(),
            Err(GrantError::TimeZone(_))
        ));
        assert!(matches!(
            weekly("UTC", "25:00").validate(),
            Err(GrantError::SlotTime { .. })
        ));
    }
}
