//! One generation against a fake OpenAI-compatible server that takes 1 s per
//! call: cold (every call reaches the server) and cached (the response cache
//! answers). The wall time of a cold run is the number of rounds on the
//! critical path, in seconds; the calls per run are printed.
#![allow(clippy::unwrap_used, clippy::print_stdout, unreachable_pub, missing_debug_implementations)]

#[path = "../tests/it/fake_llm.rs"]
#[allow(dead_code)]
mod fake_llm;

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rampart_app::Generator;
use rampart_llm::{CachingProvider, OpenAiCompatible, OpenAiConfig, Provider, ResponseCache};

const DESCRIPTION: &str = "Signed-in users upload files to our REST API; we store them in a private S3 bucket.";

fn provider(base_url: &str) -> OpenAiCompatible {
    OpenAiCompatible::new(OpenAiConfig::new(base_url, "bench-model")).unwrap()
}

fn generation(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fake = rt.block_on(fake_llm::start(fake_llm::Mode::Good, Duration::from_secs(1)));
    let mut group = c.benchmark_group("generation_1s_per_call");
    group.sample_size(10);
    group.bench_function("cold", |b| {
        b.to_async(&rt).iter(|| async {
            // A fresh generator each time: nothing cached.
            let direct: Arc<dyn Provider> = Arc::new(provider(&fake.base_url));
            let generator = Generator::llm(direct.clone()).unwrap();
            generator.generate(Some(direct.as_ref()), DESCRIPTION, &mut |_| {}).await.unwrap()
        });
    });
    let before = fake.calls();
    rt.block_on(async {
        let direct: Arc<dyn Provider> = Arc::new(provider(&fake.base_url));
        Generator::llm(direct.clone()).unwrap().generate(Some(direct.as_ref()), DESCRIPTION, &mut |_| {}).await.unwrap()
    });
    println!("LLM calls per cold generation: {}", fake.calls() - before);
    let caching: Arc<dyn Provider> =
        Arc::new(CachingProvider::new(provider(&fake.base_url), ResponseCache::new(1024, Duration::from_secs(3600))));
    let cached = Generator::llm(caching.clone()).unwrap();
    rt.block_on(cached.generate(Some(caching.as_ref()), DESCRIPTION, &mut |_| {})).unwrap();
    let before = fake.calls();
    group.bench_function("cached", |b| {
        b.to_async(&rt)
            .iter(|| async { cached.generate(Some(caching.as_ref()), DESCRIPTION, &mut |_| {}).await.unwrap() });
    });
    println!("LLM calls across all cached generations: {}", fake.calls() - before);
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);
