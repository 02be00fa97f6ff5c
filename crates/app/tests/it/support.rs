//! A real SQLite store with one user and the seeds' file-uploads model.

use rampart_app::{App, Generator, NewModel, Principal};

/// (app, principal, model id, the directory holding the database).
pub async fn app_with_model(generator: Generator) -> (App, Principal, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path().join("rampart.db").to_str().unwrap(), 4).await.unwrap().with_generator(generator);
    let key = app.operator_create_user("t@example.com", "T").await.unwrap().key.secret;
    let who = app.authenticate(&key).await.unwrap();
    let draft = serde_json::from_str(include_str!("../../../../examples/models/file-uploads.json")).unwrap();
    let model = app
        .create_model(&who, NewModel { name: "File Upload API".into(), description: String::new(), model: draft })
        .await
        .unwrap();
    (app, who, model.record.id, dir)
}
