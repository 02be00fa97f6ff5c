//! The first key never reaches standard output when it is not a terminal,
//! and an operator on the host can mint a new owner key when it is lost.

use std::process::Command;

use crate::process::start;

#[test]
fn the_first_key_goes_to_a_private_file_and_a_lost_key_can_be_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rampart.db");
    let db_url = db.to_str().unwrap().to_owned();
    let server = start(&db_url);
    let first = server.key.clone().expect("the first start hands a key over");
    assert!(server.printed.iter().all(|l| !l.contains("rk_")), "a key was printed: {:?}", server.printed);
    let file = dir.path().join("rampart.db.first-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(me_status(&server.base, &first), 200);

    // The operator mints a new owner key from the database on the host.
    let out = Command::new(env!("CARGO_BIN_EXE_rampart-api"))
        .args(["admin", "mint-key", "--email", "admin@localhost", "--database-url", &db_url])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let minted = text.split_whitespace().find(|w| w.starts_with("rk_")).expect("a key").to_owned();
    assert_ne!(minted, first);
    assert_eq!(me_status(&server.base, &minted), 200);

    // An unknown user is a clear error, not a key.
    let out = Command::new(env!("CARGO_BIN_EXE_rampart-api"))
        .args(["admin", "mint-key", "--email", "nobody@example.com", "--database-url", &db_url])
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody@example.com"));
}

/// GET /api/v1/me with `key`: the status.
fn me_status(base: &str, key: &str) -> u16 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        reqwest::Client::new().get(format!("{base}/api/v1/me")).bearer_auth(key).send().await.unwrap().status().as_u16()
    })
}
