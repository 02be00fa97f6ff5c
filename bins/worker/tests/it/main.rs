//! The worker binary, killed mid-job: another worker picks the job up when
//! the lease expires and the model ends with exactly one version — on SQLite
//! and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, unreachable_pub, clippy::print_stderr)]

// The same fake LLM the application's tests use.
#[path = "../../../../crates/app/tests/it/fake_llm.rs"]
#[allow(dead_code)]
mod fake_llm;

use std::time::Duration;

use rampart_app::{App, GenerationRequest};

fn worker(database_url: &str, id: &str, llm: &str) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_rampart-worker"))
        .args(["--database-url", database_url, "--id", id, "--lease-secs", "2", "--poll-ms", "50"])
        .args(["--llm-base-url", llm, "--llm-model", "gen-model", "--llm-timeout-secs", "10"])
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..600 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

async fn killed_mid_job(database_url: String) {
    // Each LLM call takes 1 s, so the job is surely mid-flight when killed.
    let fake = fake_llm::start(fake_llm::Mode::Good, Duration::from_secs(1)).await;
    let app = App::open(&database_url, 4).await.unwrap();
    let key = app.operator_create_user("w@example.com", "W").await.unwrap().key.secret;
    let who = app.authenticate(&key).await.unwrap();
    let job = app
        .start_generation(
            &who,
            GenerationRequest { description: "Users upload files to our API.".into(), idempotency_key: None },
        )
        .await
        .unwrap();

    let mut first = worker(&database_url, "worker-a", &fake.base_url);
    until("worker A to start the job", || async { fake.calls() >= 1 }).await;
    first.kill().await.unwrap(); // SIGKILL: no cleanup, no lease release.
    let calls_before = fake.calls();
    let held = app.job(&who, &job.id).await.unwrap();
    assert_eq!((held.state.as_str(), held.attempts), ("running", 1));
    assert!(app.list_models(&who, None, None, 50).await.unwrap().items.is_empty(), "nothing half-written");

    let _second = worker(&database_url, "worker-b", &fake.base_url);
    until("worker B to finish the job", || async {
        let j = app.job(&who, &job.id).await.unwrap();
        j.state == "succeeded" || j.state == "failed"
    })
    .await;
    let done = app.job(&who, &job.id).await.unwrap();
    assert_eq!(done.state, "succeeded", "{:?}", done.error);
    assert_eq!(done.attempts, 2, "claimed again after the lease expired");
    assert!(fake.calls() > calls_before, "worker B redid the work");
    let models = app.list_models(&who, None, None, 50).await.unwrap().items;
    assert_eq!(models.len(), 1, "exactly one model");
    assert_eq!(models[0].current_version, 1, "exactly one version");
    assert_eq!(done.result.unwrap()["model_id"], models[0].id);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_job_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_mid_job(dir.path().join("rampart.db").display().to_string()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_job_on_postgres() {
    let Some(admin) = rampart_app::testing::postgres_admin_url() else { return };
    let url = tokio::task::spawn_blocking(move || rampart_app::testing::fresh_postgres_database(&admin))
        .await
        .unwrap()
        .unwrap();
    killed_mid_job(url).await;
}
