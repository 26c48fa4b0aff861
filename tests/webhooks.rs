//! Webhooks across real processes: a sender killed with SIGKILL while a delivery is on its way
//! does not lose it; another process sends it again once the lease runs out, signed (checked by
//! the Standard Webhooks reference implementation).

use std::{
    path::Path,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use bytes::Bytes;
use e2e::{Api, DevServer, Process};
use serde_json::{Value, json};

/// A receiver whose first request never gets an answer (its sender dies waiting): every
/// request's `webhook-id` and whether its signature verified.
#[derive(Debug, Default)]
struct Receiver {
    secret: Mutex<Option<String>>,
    received: Mutex<Vec<(String, bool)>>,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let secret = receiver.secret.lock().unwrap().clone().unwrap();
    let verified = standardwebhooks::Webhook::new(&secret).unwrap().verify(&body, &headers).is_ok();
    let first = {
        let mut received = receiver.received.lock().unwrap();
        received.push((headers["webhook-id"].to_str().unwrap().to_owned(), verified));
        received.len() == 1
    };
    if first {
        std::future::pending::<()>().await;
    }
    StatusCode::OK
}

fn sender(dev: &DevServer, dir: &Path) -> Process {
    let secret = std::fs::read_to_string(dir.join("jwt.secret")).unwrap();
    let database_url = dev.database_url(dir);
    Process::spawn(
        &["worker"],
        &[
            ("DATABASE_URL", &database_url),
            ("SUPABASE_JWT_SECRET", secret.trim()),
            ("WORKER_CONCURRENCY", "2"),
            ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"),
            // A 2 s attempt: its lease (three times that) runs out 6 s after the claim.
            ("WEBHOOK_TIMEOUT_SECONDS", "2"),
        ],
    )
}

async fn until<T>(mut check: impl FnMut() -> Option<T>, what: &str) -> T {
    for _ in 0..600 {
        if let Some(found) = check() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_sender_killed_mid_delivery_loses_nothing_another_sends_it_again() {
    let receiver = Arc::new(Receiver::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = Router::new().route("/hooks", post(receive)).with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    // The API sends nothing itself: only the worker processes do.
    let dev = DevServer::start_with_env(dir.path(), &[], &[("WORKER_CONCURRENCY", "0")]);
    let api = Api::new(&dev.base_url, &dev.tokens[0]);
    let webhook = api.post("/v1/webhooks", &json!({"url": url, "events": ["run.completed"]})).await;
    *receiver.secret.lock().unwrap() = Some(webhook["secret"].as_str().unwrap().to_owned());
    let webhook_id = webhook["id"].as_str().unwrap();
    // Committed before any sender runs: the event waits in Postgres.
    let sent = api.post(&format!("/v1/webhooks/{webhook_id}/test"), &json!({})).await;

    let mut first = sender(&dev, dir.path());
    until(|| (receiver.received.lock().unwrap().len() == 1).then_some(()), "the first attempt")
        .await;
    first.signal("KILL");
    first.wait(Duration::from_secs(10));

    let mut second = sender(&dev, dir.path());
    let received = until(
        || {
            let received = receiver.received.lock().unwrap();
            (received.len() >= 2).then(|| received.clone())
        },
        "the delivery sent again",
    )
    .await;
    assert!(
        received.iter().all(|(id, verified)| *verified && *id == sent["event_id"]),
        "{received:?}"
    );
    let deliveries: Value = until_succeeded(&api, webhook_id).await;
    assert_eq!(deliveries["items"][0]["attempts"], 1, "the killed attempt was never recorded");
    second.signal("INT");
    second.wait(Duration::from_secs(10));
}

async fn until_succeeded(api: &Api, webhook_id: &str) -> Value {
    for _ in 0..200 {
        let deliveries = api.get(&format!("/v1/webhooks/{webhook_id}/deliveries")).await;
        if deliveries["items"][0]["status"] == "succeeded" {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the delivery did not succeed");
}
