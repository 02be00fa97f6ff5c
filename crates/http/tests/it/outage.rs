//! A database outage is a 503 everywhere, authentication included: a client
//! told 401 would conclude its key was revoked.

use reqwest::Method;

use crate::server::Server;

#[tokio::test(flavor = "multi_thread")]
async fn an_outage_during_authentication_is_a_503_not_a_401() {
    let Some(admin) = rampart_app::testing::postgres_admin_url() else { return };
    let url = {
        let admin = admin.clone();
        tokio::task::spawn_blocking(move || rampart_app::testing::fresh_postgres_database(&admin))
            .await
            .unwrap()
            .unwrap()
    };
    let server = Server::start(rampart_app::App::open(&url, 2).await.unwrap()).await;
    let alice = server.user("alice@example.com").await;
    assert_eq!(alice.json(Method::GET, "/api/v1/me", None).await.0, 200);

    tokio::task::spawn_blocking(move || rampart_app::testing::cut_off_postgres_database(&admin, &url))
        .await
        .unwrap()
        .unwrap();
    // Past the time a successful authentication is remembered: the key is
    // looked up again, against a database that does not answer.
    tokio::time::sleep(rampart_app::AUTH_TTL + std::time::Duration::from_millis(100)).await;
    let (status, body) = alice.json(Method::GET, "/api/v1/me", None).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "unavailable");
    assert!(!body.to_string().contains(&alice.key));
}
