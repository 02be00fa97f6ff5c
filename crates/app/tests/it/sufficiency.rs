//! Sufficiency judged by an LLM (a fake over real HTTP): the judgement is
//! recorded with its judge; an outage leaves the control pending, never
//! sufficient.

use std::sync::Arc;
use std::time::Duration;

use rampart_app::{App, Generator, NewAssertions, Principal};
use rampart_llm::{OpenAiCompatible, OpenAiConfig};

use crate::fake_llm::{self, Mode};
use crate::support::app_with_model;

async fn setup(mode: Mode) -> (App, Principal, String, tempfile::TempDir) {
    let fake = fake_llm::start(mode, Duration::ZERO).await;
    let mut config = OpenAiConfig::new(&fake.base_url, "judge");
    config.max_retries = 0;
    let generator = Generator::llm(Arc::new(OpenAiCompatible::new(config).unwrap())).unwrap();
    let (app, who, model, dir) = app_with_model(generator).await;
    // The fake's server task keeps serving after `fake` goes out of scope.
    drop(fake);
    (app, who, model, dir)
}

fn assertions() -> NewAssertions {
    serde_json::from_value(serde_json::json!({"subject_id": "C1", "assertions": [
        {"type": "function_calls", "params": {"file": "app/upload.py", "caller": "accept_upload", "callee": "scan"},
         "description": "uploads are scanned"}]}))
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_llm_judges_sufficiency_and_fails_closed() {
    let (app, who, model, _dir) = setup(Mode::Good).await;
    app.add_assertions(&who, &model, assertions()).await.unwrap();
    let report = app.verification_report(&who, &model).await.unwrap();
    let c1 = report.controls.iter().find(|c| c.control_id.to_string() == "C1").unwrap();
    assert!(c1.sufficiency.judge.starts_with("llm:"), "{:?}", c1.sufficiency);
    assert_eq!(c1.sufficiency.status, rampart_assurance::Sufficiency::Insufficient);
    assert_eq!(c1.sufficiency.uncovered[0].clause, "log every rejected upload");
    assert_eq!(c1.status, rampart_assurance::VerificationStatus::PartiallyVerified);

    let (app, who, model, _dir) = setup(Mode::Outage).await;
    app.add_assertions(&who, &model, assertions()).await.unwrap();
    let report = app.verification_report(&who, &model).await.unwrap();
    let c1 = report.controls.iter().find(|c| c.control_id.to_string() == "C1").unwrap();
    assert_eq!(c1.sufficiency.status, rampart_assurance::Sufficiency::Pending, "{:?}", c1.sufficiency);
    assert!(c1.sufficiency.judge.ends_with("(failed)"));
    assert_eq!(c1.status, rampart_assurance::VerificationStatus::Pending);
}
