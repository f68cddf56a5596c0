//! Pure helpers of the dashboard pages: countdowns, durations, scopes, dates. No browser calls,
//! so they are unit-tested natively.

use ferry_api::grant::{Phase, Window};

/// A countdown: `2d 03h`, `1h 02m 03s`, `4m 05s`, `9s`; `0s` once over.
pub fn countdown(remaining_ms: i64) -> String {
    let s = remaining_ms.max(0).div_euclid(1000);
    let (d, h, m, s) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// A length of time as people write it: `90` (minutes), `90m`, `2h`, `1h30m`, `3d`, `1d 4h`.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Err("enter a duration such as 2h, 90m or 1d".into());
    }
    if let Ok(minutes) = text.parse::<i64>() {
        return positive(minutes.checked_mul(60_000), &text);
    }
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit: i64 = match c {
            'd' => 86_400_000,
            'h' => 3_600_000,
            'm' => 60_000,
            _ => return Err(format!("`{text}`: `{c}` is not a unit (use d, h or m)")),
        };
        let n: i64 = number
            .parse()
            .map_err(|_| format!("`{text}`: a number must come before `{c}`"))?;
        number.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{text}` is too long"))?;
    }
    if !number.is_empty() {
        return Err(format!("`{text}`: the last number has no unit (d, h or m)"));
    }
    positive(Some(total), &text)
}

fn positive(ms: Option<i64>, text: &str) -> Result<i64, String> {
    match ms {
        Some(ms) if ms > 0 && ms <= 366 * 86_400_000 => Ok(ms),
        Some(ms) if ms > 0 => Err(format!("`{text}` is longer than a year")),
        _ => Err(format!("`{text}` must be longer than zero")),
    }
}

/// DigitalOcean token scopes typed by a person: separated by commas, spaces or lines, each
/// `resource:action` (`droplet:read`, `kubernetes:access_cluster`). Sorted, without repeats.
pub fn parse_scopes(text: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for s in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
    {
        let ok = s.split_once(':').is_some_and(|(r, a)| {
            !r.is_empty()
                && !a.is_empty()
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && a.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        });
        if !ok {
            return Err(format!(
                "`{s}` is not a DigitalOcean scope (expected resource:action, e.g. droplet:read)"
            ));
        }
        scopes.push(s.to_string());
    }
    scopes.sort();
    scopes.dedup();
    Ok(scopes)
}

/// `sha256:0123456789ab…` → `sha256:0123456789ab` (12 hex digits).
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) => format!("{algo}:{}", hex.chars().take(12).collect::<String>()),
        None => digest.chars().take(19).collect(),
    }
}

/// The phase as the dashboard names it.
pub fn phase_label(p: Phase) -> &'static str {
    match p {
        Phase::Install => "Install",
        Phase::SteadyState => "Steady-state",
        Phase::Deploy => "Deploy",
        Phase::Operate => "Operate",
    }
}

/// The phases a customer opens with a window (Steady-state is switched, not granted).
pub const WINDOW_PHASES: [Phase; 3] = [Phase::Install, Phase::Deploy, Phase::Operate];

/// A window in words, with times shown by `time` (local clock in the browser).
pub fn window_text(w: &Window, time: impl Fn(i64) -> String) -> String {
    match w {
        Window::Manual {
            starts_at_ms,
            ends_at_ms,
        } => format!(
            "{} → {} ({})",
            time(*starts_at_ms),
            time(*ends_at_ms),
            length(ends_at_ms - starts_at_ms)
        ),
        Window::Weekly {
            time_zone,
            slots,
            starts_at_ms,
            ends_at_ms,
        } => {
            let slots: Vec<String> = slots
                .iter()
                .map(|s| {
                    format!(
                        "{} {} for {}",
                        s.weekday.as_str(),
                        s.start,
                        length(i64::from(s.minutes) * 60_000)
                    )
                })
                .collect();
            format!(
                "weekly ({time_zone}): {}; valid {} → {}",
                slots.join(", "),
                time(*starts_at_ms),
                time(*ends_at_ms)
            )
        }
    }
}

/// A length: `2h`, `1h 30m`, `45m`, `3d 2h`.
pub fn length(ms: i64) -> String {
    let m = ms.max(0) / 60_000;
    let (d, h, m) = (m / 1440, m % 1440 / 60, m % 60);
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(format!("{d}d"));
    }
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 || parts.is_empty() {
        parts.push(format!("{m}m"));
    }
    parts.join(" ")
}

/// `HH:MM` of a slot, checked the way the grant's canonical form checks it.
pub fn check_hhmm(text: &str) -> Result<String, String> {
    let t = text.trim();
    let ok = t.split_once(':').is_some_and(|(h, m)| {
        h.len() == 2
            && m.len() == 2
            && h.parse::<u8>().is_ok_and(|h| h < 24)
            && m.parse::<u8>().is_ok_and(|m| m < 60)
    });
    if ok {
        Ok(t.to_string())
    } else {
        Err(format!("`{t}` is not a time of day (HH:MM, 24 h)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_api::grant::{Weekday, WeeklySlot};

    #[test]
    fn countdowns_read_like_clocks() {
        for (ms, want) in [
            (-5, "0s"),
            (0, "0s"),
            (999, "0s"),
            (9_000, "9s"),
            (65_000, "1m 05s"),
            (3_723_000, "1h 02m 03s"),
            (7_200_000 - 1, "1h 59m 59s"),
            (2 * 86_400_000 + 3 * 3_600_000 + 5, "2d 03h"),
        ] {
            assert_eq!(countdown(ms), want, "{ms}");
        }
    }

    #[test]
    fn durations_parse_or_say_why_not() {
        for (text, ms) in [
            ("90", 5_400_000),
            ("90m", 5_400_000),
            ("2h", 7_200_000),
            ("1h30m", 5_400_000),
            ("1d 4h", 100_800_000),
            (" 2H ", 7_200_000),
        ] {
            assert_eq!(parse_duration(text), Ok(ms), "{text}");
        }
        for (text, why) in [
            ("", "enter a duration"),
            ("0", "longer than zero"),
            ("2x", "not a unit"),
            ("h", "number must come before"),
            ("1h30", "no unit"),
            ("400d", "longer than a year"),
        ] {
            let e = parse_duration(text).expect_err(text);
            assert!(e.contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn scopes_are_checked_and_normalised() {
        assert_eq!(
            parse_scopes("droplet:read, kubernetes:access_cluster\n droplet:read tag:create"),
            Ok(vec![
                "droplet:read".to_string(),
                "kubernetes:access_cluster".to_string(),
                "tag:create".to_string()
            ])
        );
        assert_eq!(parse_scopes("  "), Ok(vec![]));
        let e = parse_scopes("droplet:read, Droplet").expect_err("bad");
        assert!(e.contains("`Droplet`"), "{e}");
        assert!(parse_scopes("droplet:").is_err());
    }

    #[test]
    fn windows_in_words() {
        let t = |ms: i64| format!("t{ms}");
        let manual = Window::Manual {
            starts_at_ms: 0,
            ends_at_ms: 5_400_000,
        };
        assert_eq!(window_text(&manual, t), "t0 → t5400000 (1h 30m)");
        let weekly = Window::Weekly {
            time_zone: "Europe/Berlin".into(),
            slots: vec![WeeklySlot {
                weekday: Weekday::Tue,
                start: "02:00".into(),
                minutes: 120,
            }],
            starts_at_ms: 1,
            ends_at_ms: 2,
        };
        assert_eq!(
            window_text(&weekly, t),
            "weekly (Europe/Berlin): tue 02:00 for 2h; valid t1 → t2"
        );
    }

    #[test]
    fn small_things() {
        assert_eq!(
            short_digest("sha256:0123456789abcdef0123"),
            "sha256:0123456789ab"
        );
        assert_eq!(length(0), "0m");
        assert_eq!(length(90_000_000), "1d 1h");
        assert_eq!(check_hhmm("02:30"), Ok("02:30".into()));
        assert!(check_hhmm("2:30").is_err());
        assert!(check_hhmm("24:00").is_err());
        assert_eq!(phase_label(Phase::SteadyState), "Steady-state");
    }
}
