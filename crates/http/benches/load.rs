//! Load benchmark over real HTTP on loopback: requests per second and latency
//! percentiles of the posture read on a 1,000-objective model, against
//! `/healthz` on the same server, for SQLite and (when
//! `RAMPART_TEST_POSTGRES_URL` is set) PostgreSQL.
//!
//!     cargo bench -p rampart-http --bench load [-- SECONDS CONCURRENCY]
//!
//! Client and server share the machine, so the figures are a floor.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use rampart_app::App;

/// 50 assets × 20 attackers = 1,000 objectives, 200 controls in groups.
fn large_model() -> serde_json::Value {
    let assets: Vec<_> = (1..=50)
        .map(|i| serde_json::json!({"id": format!("A{i}"), "name": format!("Data store number {i}"), "security_properties": ["C", "I"]}))
        .collect();
    let attackers: Vec<_> = (1..=20)
        .map(|i| serde_json::json!({"id": format!("T{i}"), "name": format!("Attacker number {i}"), "capability": "acts"}))
        .collect();
    let controls: Vec<_> = (0..200)
        .map(|c| {
            let mappings: Vec<_> = (0..5)
                .map(|k| serde_json::json!({"co": format!("CO{}", (c * 5 + k) % 1000 + 1), "group": c % 3 + 1}))
                .collect();
            serde_json::json!({"description": format!("Control mechanism {c}"), "mappings": mappings})
        })
        .collect();
    serde_json::json!({"name": "Large Benchmark Model", "model": {"assets": assets, "attackers": attackers, "controls": controls}})
}

struct Figures {
    requests: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

async fn hammer(url: &str, key: &str, seconds: u64, concurrency: usize) -> Figures {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, url, key) = (client.clone(), url.to_owned(), key.to_owned());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let res = client.get(&url).bearer_auth(&key).send().await.expect("request");
                    assert!(res.status().is_success(), "{url}: {}", res.status());
                    let _ = res.bytes().await.expect("body");
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Figures { requests: all.len(), rps: all.len() as f64 / elapsed, p50: pick(0.50), p99: pick(0.99) }
}

async fn run(backend: &str, app: App, seconds: u64, concurrency: usize) {
    let key = app.operator_create_user("bench@example.com", "Bench").await.unwrap().key.secret;
    let who = app.authenticate(&key).await.unwrap();
    let request: rampart_app::NewModel = serde_json::from_value(large_model()).unwrap();
    let model = app.create_model(&who, request).await.unwrap();
    assert_eq!(model.snapshot.control_objectives.len(), 1000);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = rampart_http::router(app);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    for (label, url) in [
        ("GET /healthz", format!("{base}/healthz")),
        ("GET /api/v1/me (authentication + 2 reads)", format!("{base}/api/v1/me")),
        (
            "GET posture (1,000 objectives, page of 1)",
            format!("{base}/api/v1/models/{}/posture?limit=1", model.record.id),
        ),
        (
            "GET posture (1,000 objectives, page of 100)",
            format!("{base}/api/v1/models/{}/posture?limit=100", model.record.id),
        ),
    ] {
        let f = hammer(&url, &key, seconds, concurrency).await;
        println!(
            "{backend:<10} {label:<45} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} requests, {concurrency} clients, {seconds} s)",
            f.rps,
            f.p50.as_secs_f64() * 1e3,
            f.p99.as_secs_f64() * 1e3,
            f.requests
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; numbers after it are ours.
    let numbers: Vec<u64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let seconds = numbers.first().copied().unwrap_or(5);
    let concurrency = numbers.get(1).copied().unwrap_or(16) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = App::open(dir.path().join("rampart.db").to_str().unwrap(), 8).await.unwrap();
        run("sqlite", sqlite, seconds, concurrency).await;
        match std::env::var(rampart_app::testing::POSTGRES_URL_VAR) {
            Ok(admin) if !admin.is_empty() => {
                let url = rampart_app::testing::fresh_postgres_database(&admin).unwrap();
                run("postgres", App::open(&url, 8).await.unwrap(), seconds, concurrency).await;
            }
            _ => println!("postgres   skipped: set {} to include it", rampart_app::testing::POSTGRES_URL_VAR),
        }
    });
}
