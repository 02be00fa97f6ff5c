//! Identity judged by the configured LLM (a fake over real HTTP) during a
//! structural edit: its answer decides; an outage fails the edit closed and
//! writes nothing. Without an LLM, the offline judge decides.

use std::sync::Arc;
use std::time::Duration;

use rampart_app::Generator;
use rampart_llm::{OpenAiCompatible, OpenAiConfig};
use rampart_model::Edit;

use crate::fake_llm::{self, Mode};
use crate::support::app_with_model;

fn llm(base_url: &str) -> Generator {
    let mut config = OpenAiConfig::new(base_url, "judge");
    config.max_retries = 0;
    Generator::llm(Arc::new(OpenAiCompatible::new(config).unwrap())).unwrap()
}

fn rename() -> Edit {
    serde_json::from_value(serde_json::json!({"op": "edit_asset", "id": "A1", "patch": {"name": "Customer Documents"}}))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_llm_decides_identity_and_fails_closed() {
    // Offline: no shared words, a different thing: refused.
    let (app, who, model, _dir) = app_with_model(Generator::offline()).await;
    let err = app.apply_edit(&who, &model, None, &rename()).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (409, "identity_change"), "{err}");

    // The LLM says it is the same asset reworded: applied.
    let fake = fake_llm::start(Mode::Good, Duration::ZERO).await;
    let (app, who, model, _dir) = app_with_model(llm(&fake.base_url)).await;
    let outcome = app.apply_edit(&who, &model, None, &rename()).await.unwrap();
    assert_eq!(outcome.version.version, 2);
    assert_eq!(outcome.model.assets[0].name, "Customer Documents");
    let asked = fake.seen.requests.lock().unwrap().clone();
    assert_eq!(asked.len(), 1, "one identity question");
    assert_eq!(
        asked[0]["response_format"]["json_schema"]["name"].as_str().map(|n| n.contains("IdentityAnswer")),
        Some(true)
    );

    // The judge is down: the edit fails closed, nothing is written.
    let down = fake_llm::start(Mode::Outage, Duration::ZERO).await;
    let (app, who, model, _dir) = app_with_model(llm(&down.base_url)).await;
    let err = app.apply_edit(&who, &model, None, &rename()).await.unwrap_err();
    assert_eq!(err.status(), 503, "{err}");
    assert_eq!(app.list_versions(&who, &model).await.unwrap().len(), 1);
    // Garbage: 502, nothing written.
    let garbage = fake_llm::start(Mode::Garbage, Duration::ZERO).await;
    let (app, who, model, _dir) = app_with_model(llm(&garbage.base_url)).await;
    assert_eq!(app.apply_edit(&who, &model, None, &rename()).await.unwrap_err().status(), 502);
    assert_eq!(app.list_versions(&who, &model).await.unwrap().len(), 1);
}
