//! End to end over loopback: `ferry serve` as a process, then the vendor's and the customer's
//! `ferry` subcommands against it — appliance, invitation, approval key, controller keys, a
//! sealed token, a release, an access request and its signed approval, a deploy session, the
//! tarball, revocation, the audit log — and `ferry audit verify` catching a tampered record.

mod common;

use common::procs::{Cli, Serve};
use ferry_api::crypto::{SealingSecretKey, SigningKey};

#[test]
fn vendor_and_customer_drive_the_broker_from_the_cli() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data_dir = tmp.path().join("data");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(work.join("origin")).expect("mkdir");
    std::fs::write(
        work.join("origin/main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets-${var.instance_id}\"\n}\n",
    )
    .expect("origin");
    let serve = Serve::start(&data_dir, 1000);
    let env = Cli {
        server: serve.base.clone(),
        dir: work.clone(),
    };

    // The first start wrote the vendor's key, 0600, and printed only its path.
    let vendor_key = data_dir.join("vendor-api-key");
    let key_text = std::fs::read_to_string(&vendor_key).expect("vendor key file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&vendor_key)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let vendor = Some(vendor_key.as_path());

    // Vendor: an appliance and its invitation.
    let a = env.json(
        vendor,
        &[
            "appliance",
            "create",
            "--name",
            "Globex prod",
            "--instance-id",
            "globex",
            "--region",
            "fra1",
            "--customer",
            "Globex",
        ],
    );
    let app = a["id"].as_str().expect("id").to_string();
    let link = env
        .ok(vendor, &["appliance", "invite", &app])
        .trim()
        .to_string();
    assert!(
        link.starts_with(&format!("{}/invite#inv_", env.server)),
        "{link}"
    );

    // Customer: accept (generates the approval key), register the controller's keys.
    env.ok(
        None,
        &[
            "customer",
            "accept",
            &link,
            "--key-file",
            "approval.key",
            "--api-key-out",
            "customer.key",
        ],
    );
    assert!(work.join("approval.key").is_file());
    let again = env.run(
        None,
        &["customer", "accept", &link, "--key-file", "approval.key"],
    );
    assert!(
        !again.status.success(),
        "an approval key is never overwritten"
    );
    let customer_key = work.join("customer.key");
    let customer = Some(customer_key.as_path());
    let controller = SealingSecretKey::generate();
    let identity = SigningKey::generate().verifying_key().to_string();
    let sealing = controller.public_key().to_string();
    env.ok(
        customer,
        &[
            "customer",
            "controller-keys",
            "--appliance",
            &app,
            "--signing-key",
            &identity,
            "--sealing-key",
            &sealing,
        ],
    );

    // Customer: a token sealed locally; a malformed one is refused before anything is sent.
    let token = "dop_v1_5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";
    std::fs::write(work.join("token"), format!("{token}\n")).expect("token");
    std::fs::write(work.join("bad-token"), "dop_v1_nothex\n").expect("token");
    let bad = env.run(
        customer,
        &[
            "token",
            "seal",
            "--appliance",
            &app,
            "--phase",
            "deploy",
            "--token-file",
            "bad-token",
            "--scopes",
            "droplet:read",
            "--expires-in",
            "90d",
        ],
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("dop_v1_"),
        "the reason names the expected shape"
    );
    let sealed = env.ok(
        customer,
        &[
            "token",
            "seal",
            "--appliance",
            &app,
            "--phase",
            "deploy",
            "--token-file",
            "token",
            "--scopes",
            "droplet:read,droplet:create",
            "--expires-in",
            "90d",
        ],
    );
    assert!(
        sealed.contains(&ferry_api::crypto::fingerprint(token)),
        "{sealed}"
    );
    assert!(
        env.ok(vendor, &["token", "list", "--appliance", &app])
            .contains("deploy")
    );

    // Vendor: a release compiled for the appliance, a request for a Deploy window.
    let rel = env.json(
        vendor,
        &[
            "release",
            "create",
            "origin",
            "--appliance",
            &app,
            "--note",
            "v1",
        ],
    );
    let release = rel["id"].as_str().expect("release id").to_string();
    assert_eq!(rel["deployable"], true);
    assert!(
        env.ok(vendor, &["release", "list", "--appliance", &app])
            .contains(&release)
    );
    assert!(
        env.ok(customer, &["release", "show", &release])
            .contains("main.tf")
    );
    let req = env.json(
        vendor,
        &[
            "access",
            "request",
            "--appliance",
            &app,
            "--phase",
            "deploy",
            "--duration",
            "2h",
            "--release",
            &release,
            "--reason",
            "ship v1",
        ],
    );
    let request = req["id"].as_str().expect("request id").to_string();
    // The vendor cannot mint a session before the customer approves.
    let early = env.run(vendor, &["session", "create", "--release", &release]);
    assert!(!early.status.success());
    assert!(String::from_utf8_lossy(&early.stderr).contains("no_deploy_window"));

    // Customer: approve with the key file.
    let grant = env.json(
        customer,
        &["approve", &request, "--key-file", "approval.key"],
    );
    let grant_id = grant["id"].as_str().expect("grant id").to_string();
    assert!(
        env.ok(vendor, &["access", "list", "--appliance", &app])
            .contains("Approved")
    );

    // Vendor: a session (credential only on stdout with --quiet), the tarball.
    let credential = env
        .ok(
            vendor,
            &["session", "create", "--release", &release, "--quiet"],
        )
        .trim()
        .to_string();
    assert!(credential.starts_with("ses_"), "{credential}");
    let sessions = env.json(vendor, &["session", "list", "--appliance", &app]);
    let session_id = sessions[0]["id"].as_str().expect("session id").to_string();
    let tarball = env.ok(
        vendor,
        &["release", "download", &release, "-o", "stack.tar.gz"],
    );
    assert!(tarball.contains("stack.tar.gz"));
    assert!(
        std::fs::metadata(work.join("stack.tar.gz"))
            .expect("tarball")
            .len()
            > 100
    );
    env.ok(vendor, &["session", "revoke", &session_id]);

    // Customer: refuse another request, grant Operate directly, revoke, switch Steady-state.
    let req2 = env.json(
        vendor,
        &[
            "access",
            "request",
            "--appliance",
            &app,
            "--phase",
            "operate",
            "--duration",
            "1h",
            "--reason",
            "resize",
        ],
    );
    env.ok(
        customer,
        &[
            "refuse",
            req2["id"].as_str().expect("id"),
            "--reason",
            "not now",
        ],
    );
    env.ok(
        customer,
        &[
            "grant",
            "--appliance",
            &app,
            "--phase",
            "operate",
            "--duration",
            "30m",
            "--key-file",
            "approval.key",
        ],
    );
    env.ok(
        customer,
        &[
            "grant",
            "--appliance",
            &app,
            "--phase",
            "operate",
            "--weekly",
            "sun@03:00+60",
            "--time-zone",
            "Europe/Berlin",
            "--valid-for",
            "30d",
            "--key-file",
            "approval.key",
        ],
    );
    env.ok(customer, &["revoke", &grant_id]);
    env.ok(
        customer,
        &["customer", "steady-state", "--appliance", &app, "off"],
    );
    let shown = env.ok(vendor, &["appliance", "show", &app]);
    assert!(
        shown.contains("operate") && shown.contains("active"),
        "{shown}"
    );
    // The vendor can never approve.
    let vendor_grant = env.run(
        vendor,
        &[
            "grant",
            "--appliance",
            &app,
            "--phase",
            "deploy",
            "--duration",
            "1h",
            "--key-file",
            "approval.key",
        ],
    );
    assert!(String::from_utf8_lossy(&vendor_grant.stderr).contains("vendor_cannot_approve"));

    // Both: the audit log and its verification through the API.
    let log = env.ok(
        customer,
        &["audit", "log", "--appliance", &app, "--limit", "500"],
    );
    for action in [
        "invitation.accepted",
        "token.registered",
        "grant.created",
        "session.created",
        "session.revoked",
        "grant.revoked",
        "access.refused",
        "grant.refused",
    ] {
        assert!(log.contains(action), "{action} missing:\n{log}");
    }
    assert!(!log.contains(&token[7..]), "no token in the audit log");
    assert!(env.ok(vendor, &["audit", "verify"]).contains("verified"));
    serve.proc.kill();

    // Nothing secret on the server's stderr.
    let printed = serve.proc.log();
    drop(serve);
    assert!(
        printed.contains("vendor-api-key"),
        "the key file's path is printed"
    );
    assert!(
        !printed.contains(key_text.trim()),
        "the vendor key is never printed"
    );
    assert!(!printed.contains(&token[7..]));

    // Offline: a tampered record is named, and the command fails.
    let dir = data_dir.to_str().expect("utf8");
    assert!(
        env.ok(None, &["audit", "verify", "--data-dir", dir])
            .contains("verified")
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    rt.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!(
            "sqlite://{}?mode=rw",
            data_dir.join("ferry.db").display()
        ))
        .await
        .expect("open the store");
        sqlx::query("UPDATE audit SET detail = 'nothing to see' WHERE seq = 4")
            .execute(&pool)
            .await
            .expect("tamper");
        pool.close().await;
    });
    let o = env.run(None, &["audit", "verify", "--data-dir", dir]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("BROKEN at record 4"), "{err}");
}
