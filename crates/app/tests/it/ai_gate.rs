//! Every LLM use counts against the user's daily limit through one gate:
//! identity judgements during edits and sufficiency judgements too, not only
//! generation. Beyond the limit, an edit that needs the LLM is a 429 and
//! writes nothing; sufficiency is left pending, never sufficient.

use std::sync::Arc;
use std::time::Duration;

use rampart_app::{Generator, NewAssertions, UsageQuery};
use rampart_llm::{OpenAiCompatible, OpenAiConfig};
use rampart_model::Edit;

use crate::fake_llm::{self, Mode};
use crate::support::app_with_model;

fn rename(name: &str) -> Edit {
    serde_json::from_value(serde_json::json!({"op": "edit_asset", "id": "A1", "patch": {"name": name}})).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn judgements_count_against_the_daily_limit() {
    let fake = fake_llm::start(Mode::Good, Duration::ZERO).await;
    let mut config = OpenAiConfig::new(&fake.base_url, "judge");
    config.max_retries = 0;
    let generator = Generator::llm(Arc::new(OpenAiCompatible::new(config).unwrap())).unwrap();
    let (app, who, model, _dir) = app_with_model(generator).await;
    let app = app.with_daily_ai_limit(2);
    let requests = || async { app.usage_summary(&who, &UsageQuery::default()).await.unwrap().totals.requests };

    // An identity question: one request, recorded.
    app.apply_edit(&who, &model, None, &rename("Customer Documents")).await.unwrap();
    assert_eq!(requests().await, 1);
    // A sufficiency judgement: the second.
    let batch: NewAssertions = serde_json::from_value(serde_json::json!({"subject_id": "C1", "assertions": [
        {"type": "function_calls", "params": {"file": "app/upload.py", "caller": "accept_upload", "callee": "scan"}}]}))
    .unwrap();
    app.add_assertions(&who, &model, batch).await.unwrap();
    assert_eq!(requests().await, 2);
    let calls = fake.calls();

    // The limit is reached: the next identity question is refused before it
    // reaches the LLM, and nothing is written.
    let err = app.apply_edit(&who, &model, None, &rename("Customer Files")).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (429, "rate_limited"), "{err}");
    assert_eq!(fake.calls(), calls, "no request reached the LLM");
    assert_eq!(app.list_versions(&who, &model).await.unwrap().len(), 2);
    // Sufficiency beyond the limit stays pending (fails closed).
    let more: NewAssertions = serde_json::from_value(serde_json::json!({"subject_id": "C1", "assertions": [
        {"type": "function_exists", "params": {"file": "app/upload.py", "name": "scan"}}]}))
    .unwrap();
    app.add_assertions(&who, &model, more).await.unwrap();
    let report = app.verification_report(&who, &model).await.unwrap();
    let c1 = report.controls.iter().find(|c| c.control_id.to_string() == "C1").unwrap();
    assert_eq!(c1.sufficiency.status, rampart_assurance::Sufficiency::Pending, "{:?}", c1.sufficiency);
    assert_eq!(fake.calls(), calls);
    assert_eq!(requests().await, 2);
}

/// The raw provider is reached only through the gate: no other source file
/// of the application asks the generator for it.
#[test]
fn only_the_gate_reaches_the_unmetered_provider() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src.clone()];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let relative = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                let allowed = ["ai_gate.rs", "generation/mod.rs"].contains(&relative.as_str());
                if !allowed && text.contains("unmetered_provider(") {
                    offenders.push(relative);
                }
            }
        }
    }
    assert!(offenders.is_empty(), "these reach the LLM around the gate: {offenders:?}");
}
