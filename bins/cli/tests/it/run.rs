//! `rampart run`, `keygen` and `audit` against a real server over HTTP: the
//! CLI binary pulls, verifies, signs and submits; the export is audited
//! offline.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

struct Served {
    base: String,
    key: String,
    http: reqwest::Client,
    _db: tempfile::TempDir,
}

impl Served {
    async fn start() -> Served {
        let db = tempfile::tempdir().unwrap();
        let app = rampart_app::App::open(db.path().join("rampart.db").to_str().unwrap(), 4).await.unwrap();
        let key = app.operator_create_user("ci@example.com", "CI").await.unwrap().key.secret;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = rampart_http::router(app);
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Served { base, key, http: reqwest::Client::new(), _db: db }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(&self.key);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
    }
}

/// A fake OpenAI-compatible judge that answers every prompt with `answer`
/// and counts the calls.
async fn fake_judge(answer: &'static str) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move |axum::Json(req): axum::Json<Value>| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": req["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}
                }))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, calls)
}

/// Runs the binary off the async runtime: (exit code, stdout, stderr).
async fn rampart(args: Vec<String>, cwd: &Path) -> (i32, String, String) {
    let cwd = cwd.to_owned();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(env!("CARGO_BIN_EXE_rampart"))
            .args(&args)
            .current_dir(cwd)
            .env("CI", "true")
            .output()
            .unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    })
    .await
    .unwrap()
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(
        dir.path().join("app/upload.py"),
        "from app.scan import scan_for_malware\n\n\ndef accept_upload(blob):\n    if not scan_for_malware(blob):\n        raise ValueError('infected')\n    return store(blob)\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app/scan.py"), "def scan_for_malware(blob):\n    return b'EICAR' not in blob\n")
        .unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn run_signs_and_submits_and_the_export_audits() {
    let server = Served::start().await;
    let project = project();
    let root = project.path();
    let model: Value = serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).unwrap();
    let (status, created) =
        server.call(reqwest::Method::POST, "/models", Some(json!({"name": "File Upload API", "model": model}))).await;
    assert_eq!(status, 201, "{created}");
    let model_id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = server
        .call(reqwest::Method::POST, &format!("/models/{model_id}/assertions"), Some(json!({"subject_id": "C1", "repo": "acme/uploads", "assertions": [
            {"type": "function_calls", "params": {"file": "app/upload.py", "caller": "accept_upload", "callee": "scan_for_malware"}, "description": "uploads are scanned"},
            {"type": "function_exists", "params": {"file": "app/scan.py", "name": "scan_for_malware"}, "description": "the scanner exists"}]})))
        .await;
    assert_eq!(status, 201);
    let (status, _) = server
        .call(reqwest::Method::POST, &format!("/models/{model_id}/assertions"), Some(json!({"subject_id": "C2", "assertions": [
            {"type": "decorator_present", "params": {"file": "app/upload.py", "function": "accept_upload", "decorator": "require_session"}}]})))
        .await;
    assert_eq!(status, 201);

    // keygen: a private key file and the public key with its fingerprint.
    let key_file = root.join("ci-key.pem");
    let (code, stdout, stderr) =
        rampart(vec!["keygen".into(), "--out".into(), key_file.display().to_string()], root).await;
    assert_eq!(code, 0, "{stderr}");
    let fingerprint = stdout.lines().find_map(|l| l.strip_prefix("fingerprint: ")).unwrap().to_owned();
    let public_pem = stdout[..stdout.find("fingerprint:").unwrap()].to_owned();
    let (code, _, _) = rampart(vec!["keygen".into(), "--out".into(), key_file.display().to_string()], root).await;
    assert_eq!(code, 2, "an existing key file is never overwritten");
    let (status, _) = server
        .call(reqwest::Method::POST, "/signing-keys", Some(json!({"public_key_pem": public_pem, "label": "ci"})))
        .await;
    assert_eq!(status, 201);
    let (status, _) = server
        .call(reqwest::Method::PUT, "/verification/settings", Some(json!({"require_signed_results": true})))
        .await;
    assert_eq!(status, 200);

    let base_args = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = [
            "run",
            "--server",
            &server.base,
            "--api-key",
            &server.key,
            "--model",
            &model_id,
            "--repo",
            "https://github.com/acme/uploads.git",
            "--commit",
            "0123abcd",
            "--project-root",
            root.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };

    // Unsigned, against a workspace that requires signatures: refused, exit 3.
    let (code, _, stderr) = rampart(base_args(&[]), root).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("signed"), "{stderr}");

    // A dry run verifies and prints, and submits nothing.
    let (code, stdout, stderr) = rampart(base_args(&["--dry-run", "--output", "json"]), root).await;
    assert_eq!(code, 1, "the decorator is missing: {stdout}{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((out["dry_run"].as_bool(), out["failed"].as_u64()), (Some(true), Some(1)), "{out}");
    let (_, export) = server.call(reqwest::Method::GET, &format!("/models/{model_id}/verification/export"), None).await;
    assert_eq!(export["runs"], json!([]));

    // Only the changed file's assertions: app/scan.py → EV2.
    std::fs::write(root.join("changed.txt"), "./app/scan.py\n").unwrap();
    let key_arg = key_file.display().to_string();
    let (code, stdout, stderr) =
        rampart(base_args(&["--signing-key", &key_arg, "--changed-files", "changed.txt", "--output", "json"]), root)
            .await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> =
        out["results"].as_array().unwrap().iter().map(|r| r["assertion_id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["EV2"]);
    assert_eq!(out["submission"]["signed_by"], fingerprint);

    // The whole set, signed: the missing decorator fails (exit 1), the rest pass tier 1.
    let (code, stdout, stderr) = rampart(base_args(&["--signing-key", &key_arg, "--concurrency", "2"]), root).await;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("EV3") && stdout.contains("tier1=fail"), "{stdout}");
    assert!(stdout.contains("submitted run") && stdout.contains("(signed"), "{stdout}");
    let (_, report) = server.call(reqwest::Method::GET, &format!("/models/{model_id}/verification/report"), None).await;
    let c2 = report["controls"].as_array().unwrap().iter().find(|c| c["control_id"] == "C2").unwrap();
    assert_eq!(c2["status"], "partially_verified", "{report}");

    // The export audits offline: no tier-2 verdicts yet, so nothing is
    // verified (exit 3), and nothing is wrong.
    let (_, export) = server.call(reqwest::Method::GET, &format!("/models/{model_id}/verification/export"), None).await;
    let package = root.join("package.json");
    std::fs::write(&package, serde_json::to_string_pretty(&export).unwrap()).unwrap();
    let audit =
        |file: &str, pin: &str| vec!["audit".to_string(), file.to_string(), "--trusted-key".into(), pin.to_string()];
    let (code, stdout, stderr) = rampart(audit("package.json", &fingerprint), root).await;
    assert_eq!(code, 3, "{stdout}{stderr}");
    assert!(stdout.contains("UNVERIFIED") && !stdout.contains("problem:"), "{stdout}");
    // A package claiming a control verified that its runs do not support: FAILED, exit 1.
    let mut inflated = export.clone();
    inflated["claimed"]["control_status"]["C1"] = json!("verified");
    std::fs::write(root.join("inflated.json"), serde_json::to_string(&inflated).unwrap()).unwrap();
    let (code, stdout, _) = rampart(audit("inflated.json", &fingerprint), root).await;
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    // Malformed input: exit 2, the error names line and column.
    std::fs::write(root.join("broken.json"), "{\n  \"format\": \n").unwrap();
    let (code, _, stderr) = rampart(audit("broken.json", &fingerprint), root).await;
    assert_eq!(code, 2);
    assert!(stderr.contains("broken.json:3:"), "{stderr}");

    // The code is fixed and C3 gets evidence; with a judge, tier 2 runs and
    // every control becomes verified.
    std::fs::write(
        root.join("app/upload.py"),
        "from app.scan import scan_for_malware\nfrom app.audit import log_upload\n\n\n@require_session\ndef accept_upload(blob, user):\n    if not scan_for_malware(blob):\n        raise ValueError('infected')\n    log_upload(blob, user)\n    return store(blob)\n",
    )
    .unwrap();
    std::fs::write(
        root.join("app/audit.py"),
        "def log_upload(blob, user):\n    logger.info('upload by %s', user.id)\n",
    )
    .unwrap();
    let (status, _) = server
        .call(reqwest::Method::POST, &format!("/models/{model_id}/assertions"), Some(json!({"subject_id": "C3", "assertions": [
            {"type": "function_calls", "params": {"file": "app/upload.py", "caller": "accept_upload", "callee": "log_upload"}, "description": "every upload is logged with the uploader"}]})))
        .await;
    assert_eq!(status, 201);
    let (judge, calls) = fake_judge("YES\nThe call performs the check on every upload.").await;
    let cache = root.join("tier2-cache.json").display().to_string();
    let with_judge = |extra: &[&str]| {
        let mut v = base_args(&[
            "--signing-key",
            &key_arg,
            "--all",
            "--llm-base-url",
            &judge,
            "--llm-model",
            "judge",
            "--tier2-cache",
            &cache,
        ]);
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let (code, stdout, stderr) = rampart(with_judge(&[]), root).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("3 verified"), "{stdout}");
    assert_eq!(calls.load(Ordering::SeqCst), 4, "one judgement per tier-1 pass");
    // Again: the verdicts come from the cache, no call is made.
    let (code, stdout, _) = rampart(with_judge(&["--output", "json"]), root).await;
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    let (_, export) = server.call(reqwest::Method::GET, &format!("/models/{model_id}/verification/export"), None).await;
    std::fs::write(&package, serde_json::to_string(&export).unwrap()).unwrap();
    let (code, stdout, stderr) = rampart(audit("package.json", &fingerprint), root).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("VERIFIED") && stdout.contains("mitigated"), "{stdout}");
    // Without a pinned key the same package establishes nothing: anyone can
    // sign runs with a key of their own and ship it in the package.
    let (code, stdout, stderr) = rampart(vec!["audit".into(), "package.json".into()], root).await;
    assert_eq!(code, 4, "{stdout}{stderr}");
    assert!(stdout.contains(": UNVERIFIED SIGNERS") && stdout.contains("no --trusted-key"), "{stdout}");
    assert!(!stdout.contains("problem:"), "{stdout}");

    // A judge that answers anything but a clean YES fails closed.
    let (doubter, _) = fake_judge("Probably yes, it looks fine.").await;
    let mut args = base_args(&["--signing-key", &key_arg, "--all", "--llm-base-url", &doubter, "--llm-model", "judge"]);
    args.extend(["--output".to_string(), "json".to_string()]);
    let (code, stdout, _) = rampart(args, root).await;
    assert_eq!(code, 1, "{stdout}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert!(out["results"].as_array().unwrap().iter().all(|r| r["tier2"] == "fail"), "{out}");
    let (_, history) =
        server.call(reqwest::Method::GET, &format!("/models/{model_id}/verification/history"), None).await;
    assert!(history.as_array().unwrap().iter().any(|t| t["from"] == "verified" && t["to"] == "partially_verified"));

    // An unreachable server: exit 3.
    let mut args = base_args(&[]);
    args[2] = "http://127.0.0.1:9".into();
    let (code, _, stderr) = rampart(args, root).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("unreachable"), "{stderr}");
}
