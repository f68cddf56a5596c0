//! `ferry controller keygen` and `ferry controller`'s argument errors, through the binary.

use ferry_api::broker::ControllerKeys;
use ferry_api::crypto::SigningKey;
use std::process::Command;

fn ferry(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .env("RUST_LOG", "error")
        .output()
        .expect("ferry runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn keygen_writes_a_private_key_file_and_prints_the_public_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("controller.key");
    let key_arg = key.to_str().expect("utf-8 path");
    let (code, stdout, stderr) = ferry(&[
        "controller",
        "keygen",
        "--key-file",
        key_arg,
        "--appliance",
        "app-1",
        "--instance-id",
        "acme",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let keys: ControllerKeys = serde_json::from_str(&stdout).expect("the public keys as JSON");
    let text = std::fs::read_to_string(&key).expect("key file");
    assert!(text.contains("ferry-controller-key-v1") && text.contains("app-1"));
    assert!(!stdout.contains("identity_seed") && !stdout.contains("sealing_secret"));
    assert!(
        !text.contains(&keys.signing_key.to_string()),
        "the file holds secrets, not public keys"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // Never overwritten by accident.
    let (code, _, stderr) = ferry(&["controller", "keygen", "--key-file", key_arg]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--force"), "{stderr}");
    // Running needs the customer's approval key, pinned on first use.
    let (code, _, stderr) = ferry(&[
        "controller",
        "--relay",
        "ws://127.0.0.1:9",
        "--key-file",
        key_arg,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--approval-key"), "{stderr}");
    // A bad approval key or relay URL is named.
    let (code, _, stderr) = ferry(&[
        "controller",
        "--relay",
        "ws://127.0.0.1:9",
        "--key-file",
        key_arg,
        "--approval-key",
        "nope",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--approval-key"), "{stderr}");
    let approval = SigningKey::generate().verifying_key().to_string();
    let (code, _, stderr) = ferry(&[
        "controller",
        "--relay",
        "ftp://edge",
        "--key-file",
        key_arg,
        "--approval-key",
        &approval,
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a relay URL"), "{stderr}");
}

#[test]
fn running_without_a_relay_or_key_file_says_what_is_missing() {
    let (code, _, stderr) = ferry(&["controller"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--relay") && stderr.contains("keygen"),
        "{stderr}"
    );
}

#[test]
fn keys_that_start_with_a_hyphen_are_values_not_flags() {
    // base64url keys start with `-` one time in 64.
    let approval = loop {
        let k = SigningKey::generate().verifying_key().to_string();
        if k.starts_with('-') {
            break k;
        }
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("controller.key");
    let (code, _, stderr) = ferry(&[
        "controller",
        "keygen",
        "--key-file",
        key.to_str().expect("utf-8 path"),
        "--approval-key",
        &approval,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read_to_string(&key)
            .expect("key file")
            .contains(&approval)
    );
}
