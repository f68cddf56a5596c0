//! Release digests and the downloadable tarball.
//!
//! * [`files_digest`]: `sha256:<hex>` over a canonical encoding of a path → text map — a domain
//!   tag, then for each pair in path order the 8-byte big-endian length and bytes of the path,
//!   then of the text. No separator can be forged, and the same files give the same digest on
//!   every host. Used for the origin files and for the compiled stack (what Deploy grants and
//!   sessions bind to).
//! * [`tarball`]: `<release-id>/<file>` for every compiled file plus `<release-id>/README.md`,
//!   as a gzip'd tar with fixed metadata (mtime, owner, mode, order), so a release downloads as
//!   the same bytes every time.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write as _;

const FILES_TAG: &[u8] = b"ferry-files-v1\0";

/// The fixed modification time of every tarball entry (2024-01-01T00:00:00Z).
pub const TARBALL_MTIME: u64 = 1_704_067_200;

/// `sha256:<hex>` of the canonical encoding of `files`.
pub fn files_digest(files: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    h.update(FILES_TAG);
    for (path, text) in files {
        h.update((path.len() as u64).to_be_bytes());
        h.update(path.as_bytes());
        h.update((text.len() as u64).to_be_bytes());
        h.update(text.as_bytes());
    }
    format!("sha256:{}", ferry_api::crypto::hex(&h.finalize()))
}

/// Checks that a compiled file's path is a plain relative path that is safe to unpack.
pub fn check_stack_path(path: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("the compiled file path `{path}` {why}"));
    if path.is_empty() || path.len() > 240 {
        return bad("is empty or longer than 240 bytes");
    }
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return bad("is not a relative path with `/` separators");
    }
    if path
        .split('/')
        .any(|c| c.is_empty() || c == "." || c == ".." || c.chars().any(char::is_control))
    {
        return bad("has an empty, `.`, `..` or control-character component");
    }
    if path == "README.md" {
        return bad("clashes with the README.md the tarball adds");
    }
    Ok(())
}

/// What the README of a tarball says about its release.
#[derive(Debug, Clone)]
pub struct TarballInfo<'a> {
    pub release_id: &'a str,
    pub appliance_name: &'a str,
    pub instance_id: &'a str,
    pub region: &'a str,
    pub digest: &'a str,
}

/// The README.md placed next to the stack.
pub fn readme(info: &TarballInfo<'_>) -> String {
    format!(
        "# Ferry release {id}\n\n\
         Deployment stack for appliance **{name}** (instance `{instance}`, region `{region}`).\n\
         Stack digest: `{digest}`.\n\n\
         Every DigitalOcean API call of this stack goes through Ferry's relay, and only inside a\n\
         Deploy window the customer approved. Mint a deploy session for this release, then run\n\
         OpenTofu in this folder:\n\n\
         ```sh\n\
         export TF_VAR_ferry_session_token=\"$(ferry session create --release {id} --quiet)\"\n\
         tofu init && tofu apply\n\
         ```\n\n\
         The session credential is shown once and expires with the Deploy window (or earlier).\n",
        id = info.release_id,
        name = info.appliance_name,
        instance = info.instance_id,
        region = info.region,
        digest = info.digest,
    )
}

/// The gzip'd tarball of a release.
pub fn tarball(
    info: &TarballInfo<'_>,
    files: &BTreeMap<String, String>,
) -> Result<Vec<u8>, String> {
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    let mut entries: Vec<(String, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.clone(), t.as_bytes()))
        .collect();
    let readme = readme(info);
    entries.push(("README.md".to_string(), readme.as_bytes()));
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, data) in entries {
        if path != "README.md" {
            check_stack_path(&path)?;
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(TARBALL_MTIME);
        header.set_uid(0);
        header.set_gid(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, format!("{}/{path}", info.release_id), data)
            .map_err(|e| format!("cannot add `{path}` to the tarball: {e}"))?;
    }
    let gz = tar
        .into_inner()
        .map_err(|e| format!("cannot finish the tarball: {e}"))?;
    let mut bytes = gz
        .finish()
        .map_err(|e| format!("cannot finish the gzip stream: {e}"))?;
    bytes.flush().map_err(|e| e.to_string())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn files(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn digest_is_canonical_and_unambiguous() {
        let a = files(&[("main.tf", "x"), ("b.tf", "y")]);
        let b = files(&[("b.tf", "y"), ("main.tf", "x")]);
        assert_eq!(files_digest(&a), files_digest(&b));
        // Moving a byte between path and text changes the digest.
        assert_ne!(
            files_digest(&files(&[("ab", "c")])),
            files_digest(&files(&[("a", "bc")]))
        );
        assert_ne!(files_digest(&a), files_digest(&files(&[("main.tf", "x")])));
        let d = files_digest(&a);
        assert!(d.starts_with("sha256:") && d.len() == 71, "{d}");
    }

    #[test]
    fn paths_are_checked() {
        assert!(check_stack_path("main.tf").is_ok());
        assert!(check_stack_path("k8s/app.yaml").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "a\\b",
            "./a",
            "README.md",
        ] {
            assert!(check_stack_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tarball_is_deterministic_and_holds_the_stack_and_readme() {
        let info = TarballInfo {
            release_id: "rel_0123456789abcdef",
            appliance_name: "Acme",
            instance_id: "acme",
            region: "nyc3",
            digest: "sha256:00",
        };
        let stack = files(&[
            ("main.tf", "resource {}\n"),
            ("versions.tf", "terraform {}\n"),
        ]);
        let one = tarball(&info, &stack).expect("tarball");
        assert_eq!(one, tarball(&info, &stack).expect("tarball"));
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&one[..]));
        let mut seen = BTreeMap::new();
        for entry in archive.entries().expect("entries") {
            let mut entry = entry.expect("entry");
            assert_eq!(entry.header().mtime().expect("mtime"), TARBALL_MTIME);
            let path = entry.path().expect("path").display().to_string();
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("read");
            seen.insert(path, text);
        }
        assert_eq!(
            seen.keys().cloned().collect::<Vec<_>>(),
            [
                "rel_0123456789abcdef/README.md",
                "rel_0123456789abcdef/main.tf",
                "rel_0123456789abcdef/versions.tf"
            ]
        );
        assert!(seen["rel_0123456789abcdef/README.md"].contains("tofu init && tofu apply"));
        assert_eq!(seen["rel_0123456789abcdef/main.tf"], "resource {}\n");
        let mut evil = stack.clone();
        evil.insert("../escape.tf".into(), String::new());
        assert!(tarball(&info, &evil).is_err());
    }
}
