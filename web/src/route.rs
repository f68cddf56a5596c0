//! The dashboard's pages and their addresses: a minimal hash router.
//!
//! Pages live in the URL fragment (`#/appliances/ap_1`), so the edge host serves one
//! `index.html` and a reload or a bookmark works without any server-side route. The one
//! exception is the invitation link the broker hands out, `/invite#<secret>`: its secret is in
//! the fragment so that it never reaches a server log, and the page is recognised by its path.

use std::fmt;

/// A page of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/` (or no fragment): the compile preview, the first page.
    Preview,
    /// `#/sign-in`
    SignIn,
    /// `#/appliances`: the vendor's appliances, or the customer's own.
    Appliances,
    /// `#/appliances/<id>`: one appliance (vendor or customer view by role).
    Appliance(String),
    /// `#/releases/<id>`: a release's report.
    Release(String),
    /// `/invite#<secret>`: the customer accepts an invitation. `None` when the link has no
    /// secret.
    Invite(Option<String>),
    /// Anything else (the fragment as it was).
    NotFound(String),
}

impl Route {
    /// The page for a location's `pathname` and `hash` (with or without its `#`).
    pub fn parse(pathname: &str, hash: &str) -> Route {
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        if is_invite_path(pathname) {
            let secret = hash.trim();
            return Route::Invite((!secret.is_empty()).then(|| secret.to_string()));
        }
        let path = hash.strip_prefix('/').unwrap_or(hash);
        let path = path.split(['?', '#']).next().unwrap_or("");
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            [] => Route::Preview,
            ["sign-in"] => Route::SignIn,
            ["appliances"] => Route::Appliances,
            ["appliances", id] => Route::Appliance(decode_segment(id)),
            ["releases", id] => Route::Release(decode_segment(id)),
            _ => Route::NotFound(hash.to_string()),
        }
    }

    /// The link to this page, relative to the dashboard's root (`#/…`). The invitation page has
    /// no link of its own (its address comes from the broker).
    pub fn href(&self) -> String {
        format!("#{self}")
    }
}

impl fmt::Display for Route {
    /// The fragment without its `#`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Preview => f.write_str("/"),
            Route::SignIn => f.write_str("/sign-in"),
            Route::Appliances => f.write_str("/appliances"),
            Route::Appliance(id) => write!(f, "/appliances/{}", encode_segment(id)),
            Route::Release(id) => write!(f, "/releases/{}", encode_segment(id)),
            Route::Invite(_) => f.write_str("/"),
            Route::NotFound(h) => f.write_str(h),
        }
    }
}

/// `/invite`, `/invite/`, or the same under a prefix the dashboard is served from.
pub fn is_invite_path(pathname: &str) -> bool {
    pathname.trim_end_matches('/').ends_with("/invite")
}

/// The dashboard's root for a `pathname`: the folder of the page, without the `invite` step
/// (`/invite` → `/`, `/ferry/invite/` → `/ferry/`, `/ferry/index.html` → `/ferry/`).
pub fn app_root(pathname: &str) -> String {
    let trimmed = pathname.trim_end_matches('/');
    let base = if is_invite_path(pathname) {
        trimmed.strip_suffix("invite").unwrap_or(trimmed)
    } else if pathname.ends_with('/') {
        pathname
    } else {
        match pathname.rfind('/') {
            Some(i) => &pathname[..=i],
            None => "/",
        }
    };
    if base.is_empty() {
        "/".into()
    } else {
        base.to_string()
    }
}

/// Percent-encodes one path segment (everything but RFC 3986 unreserved characters), for
/// fragments and API paths alike.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`encode_segment`]; malformed escapes are kept as they are.
pub fn decode_segment(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            // Two hex digits: at most 255.
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fragments_map_to_pages() {
        let cases = [
            ("/", "", Route::Preview),
            ("/", "#", Route::Preview),
            ("/", "#/", Route::Preview),
            ("/index.html", "#/sign-in", Route::SignIn),
            ("/", "#/appliances", Route::Appliances),
            ("/", "#/appliances/", Route::Appliances),
            ("/", "#/appliances/ap_1", Route::Appliance("ap_1".into())),
            ("/", "#/appliances/a%2Fb", Route::Appliance("a/b".into())),
            ("/", "#/releases/rel_9?x=1", Route::Release("rel_9".into())),
            ("/", "#/nope", Route::NotFound("/nope".into())),
            (
                "/",
                "#/appliances/a/b",
                Route::NotFound("/appliances/a/b".into()),
            ),
        ];
        for (path, hash, want) in cases {
            assert_eq!(Route::parse(path, hash), want, "{path} {hash}");
        }
    }

    #[test]
    fn the_invitation_secret_comes_from_the_fragment() {
        assert_eq!(
            Route::parse("/invite", "#s3cr3t"),
            Route::Invite(Some("s3cr3t".into()))
        );
        assert_eq!(
            Route::parse("/ferry/invite/", "s3cr3t"),
            Route::Invite(Some("s3cr3t".into()))
        );
        assert_eq!(Route::parse("/invite", ""), Route::Invite(None));
        assert_eq!(Route::parse("/invitees", "#x"), Route::NotFound("x".into()));
    }

    #[test]
    fn links_round_trip() {
        for r in [
            Route::Preview,
            Route::SignIn,
            Route::Appliances,
            Route::Appliance("ap 1/é".into()),
            Route::Release("rel_1".into()),
        ] {
            let href = r.href();
            assert!(href.starts_with("#/"), "{href}");
            assert_eq!(Route::parse("/", &href), r, "{href}");
        }
    }

    #[test]
    fn the_root_drops_the_invite_step() {
        assert_eq!(app_root("/invite"), "/");
        assert_eq!(app_root("/invite/"), "/");
        assert_eq!(app_root("/ferry/invite"), "/ferry/");
        assert_eq!(app_root("/"), "/");
        assert_eq!(app_root("/ferry/index.html"), "/ferry/");
        assert_eq!(app_root(""), "/");
    }

    #[test]
    fn segments_are_escaped() {
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
        assert_eq!(decode_segment("a%2Fb%20c"), "a/b c");
        assert_eq!(decode_segment("100%"), "100%");
        assert_eq!(decode_segment("%zz"), "%zz");
    }
}
