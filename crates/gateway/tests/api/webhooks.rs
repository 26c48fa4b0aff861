//! Webhooks end to end: deliveries to a local receiver that checks every signature with the
//! Standard Webhooks reference implementation (the `standardwebhooks` crate), retries, disabling,
//! the address check, and who may manage them.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, Method, StatusCode},
    routing::post,
};
use bytes::Bytes;
use serde_json::{Value, json};

use crate::support::{
    TestApp, USER_A, USER_B, USER_C, finished_question_run, id, item_field, team,
};

/// What a receiver got: each request's `webhook-id`, whether its signature verified, its body.
#[derive(Debug, Clone)]
struct Received {
    webhook_id: String,
    verified: bool,
    body: Value,
}

#[derive(Debug, Default)]
struct Receiver {
    /// The secret to verify with, once the webhook is made.
    secret: Mutex<Option<String>>,
    /// Answer 500 to this many requests first.
    fail_first: AtomicUsize,
    received: Mutex<Vec<Received>>,
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let secret = receiver.secret.lock().unwrap().clone().expect("the secret is set");
    let verified = standardwebhooks::Webhook::new(&secret).unwrap().verify(&body, &headers).is_ok();
    receiver.received.lock().unwrap().push(Received {
        webhook_id: headers["webhook-id"].to_str().unwrap().to_owned(),
        verified,
        body: serde_json::from_slice(&body).unwrap(),
    });
    let failing = receiver
        .fail_first
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if failing { StatusCode::INTERNAL_SERVER_ERROR } else { StatusCode::NO_CONTENT }
}

/// A receiver on this machine: its URL and what it got.
async fn receiver(fail_first: usize) -> (String, Arc<Receiver>) {
    let receiver =
        Arc::new(Receiver { fail_first: AtomicUsize::new(fail_first), ..Receiver::default() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let app = Router::new().route("/hooks", post(receive)).with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, receiver)
}

/// An app whose sender may reach the receivers on this machine, retrying quickly.
async fn app_sending_locally() -> TestApp {
    TestApp::with_settings(&[
        ("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "true"),
        ("WEBHOOK_RETRY_SCHEDULE_SECONDS", "0.05,0.05"),
    ])
    .await
}

/// Registers a webhook of `org` (by A) for `events` at the receiver, which learns its secret.
async fn register(
    app: &TestApp,
    org: &str,
    url: &str,
    events: Value,
    receiver: &Receiver,
) -> Value {
    let created = app
        .in_org(USER_A, org)
        .post("/v1/webhooks", &json!({"url": url, "events": events, "description": "tests"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let secret = created.body["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{secret}");
    *receiver.secret.lock().unwrap() = Some(secret.to_owned());
    created.body
}

/// Waits until `receiver` got `count` requests; what it got.
async fn until_received(receiver: &Receiver, count: usize) -> Vec<Received> {
    for _ in 0..200 {
        let received = receiver.received.lock().unwrap().clone();
        if received.len() >= count {
            return received;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{count} deliveries expected, got {:?}", receiver.received.lock().unwrap());
}

async fn deliveries(app: &TestApp, webhook: &Value) -> Vec<Value> {
    let listed = app.get(&format!("/v1/webhooks/{}/deliveries", id(webhook)), USER_A).await;
    assert_eq!(listed.status, StatusCode::OK, "{:?}", listed.body);
    listed.body["items"].as_array().unwrap().clone()
}

/// Waits until the webhook's newest delivery is no longer pending.
async fn settled(app: &TestApp, webhook: &Value) -> Vec<Value> {
    for _ in 0..200 {
        let all = deliveries(app, webhook).await;
        if !all.is_empty() && all.iter().all(|d| d["status"] != "pending") {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("deliveries still pending: {:?}", deliveries(app, webhook).await);
}

#[tokio::test]
async fn a_run_completing_is_delivered_once_signed_to_each_subscribed_endpoint() {
    let app = app_sending_locally().await;
    let org = USER_A.id.to_string();
    let (completed_url, completed) = receiver(0).await;
    let (failures_url, failures) = receiver(0).await;
    let subscribed =
        register(&app, &org, &completed_url, json!(["run.completed", "run.failed"]), &completed)
            .await;
    register(&app, &org, &failures_url, json!(["execution.failed"]), &failures).await;
    // Another organization's endpoint for the same event hears nothing of A's run.
    let (theirs_url, theirs) = receiver(0).await;
    let their_org = team(&app, USER_B, &[]).await;
    let theirs_made = app
        .in_org(USER_B, &their_org)
        .post("/v1/webhooks", &json!({"url": theirs_url, "events": ["run.completed"]}))
        .await;
    *theirs.secret.lock().unwrap() = Some(theirs_made.body["secret"].as_str().unwrap().to_owned());

    let run = finished_question_run(&app, 3, json!({})).await;
    let received = until_received(&completed, 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(completed.received.lock().unwrap().len(), 1, "exactly one delivery");
    let delivery = &received[0];
    assert!(delivery.verified, "the reference implementation verifies the signature");
    assert_eq!(delivery.body["type"], "run.completed");
    assert_eq!(delivery.body["id"], delivery.webhook_id);
    assert_eq!(delivery.body["org_id"], org);
    assert_eq!(
        (&delivery.body["data"]["run_id"], &delivery.body["data"]["status"]),
        (&run["id"], &json!("completed"))
    );
    assert!(
        failures.received.lock().unwrap().is_empty() && theirs.received.lock().unwrap().is_empty()
    );

    let logged = settled(&app, &subscribed).await;
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (&logged[0]["status"], &logged[0]["attempts"], &logged[0]["last_status_code"]),
        (&json!("succeeded"), &json!(1), &json!(204))
    );
    assert_eq!(logged[0]["event_type"], "run.completed");
    // The secret was shown once.
    let shown = app.get(&format!("/v1/webhooks/{}", id(&subscribed)), USER_A).await;
    assert!(shown.body.get("secret").is_none(), "{:?}", shown.body);
}

#[tokio::test]
async fn a_receiver_failing_twice_gets_the_third_attempt_and_a_dead_one_disables_its_endpoint() {
    let app = app_sending_locally().await;
    let org = USER_A.id.to_string();
    let (flaky_url, flaky) = receiver(2).await;
    let webhook = register(&app, &org, &flaky_url, json!(["run.completed"]), &flaky).await;
    let sent = app.post(&format!("/v1/webhooks/{}/test", id(&webhook)), USER_A, &json!({})).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{:?}", sent.body);
    let received = until_received(&flaky, 3).await;
    assert!(received.iter().all(|r| r.verified && r.body["type"] == "ping"));
    assert!(
        received.iter().all(|r| r.webhook_id == sent.body["event_id"]),
        "one id for every attempt"
    );
    let logged = settled(&app, &webhook).await;
    assert_eq!((&logged[0]["status"], &logged[0]["attempts"]), (&json!("succeeded"), &json!(3)));

    // Always 500: three attempts (the schedule has two waits), then the endpoint is disabled.
    let (dead_url, dead) = receiver(usize::MAX).await;
    let doomed = register(&app, &org, &dead_url, json!(["run.completed"]), &dead).await;
    app.post(&format!("/v1/webhooks/{}/test", id(&doomed)), USER_A, &json!({})).await;
    until_received(&dead, 3).await;
    let logged = settled(&app, &doomed).await;
    let failed = logged.iter().find(|d| d["status"] == "failed").expect("a failed delivery");
    assert_eq!((&failed["attempts"], &failed["last_error"]), (&json!(3), &json!("HTTP 500")));
    let note = logged.iter().find(|d| d["note"] == "webhook.disabled").expect("a note");
    assert_eq!(note["status"], "skipped");
    let disabled = app.get(&format!("/v1/webhooks/{}", id(&doomed)), USER_A).await.body;
    assert_eq!(disabled["enabled"], false);
    assert!(disabled["disabled_reason"].as_str().unwrap().contains("failed 3 times"));
    let refused = app.post(&format!("/v1/webhooks/{}/test", id(&doomed)), USER_A, &json!({})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a disabled endpoint is sent nothing"
    );

    // Enabled again and the receiver back: a retry delivers.
    dead.fail_first.store(0, Ordering::SeqCst);
    let enabled = app
        .patch(&format!("/v1/webhooks/{}", id(&doomed)), USER_A, &json!({"enabled": true}))
        .await;
    assert_eq!(
        (&enabled.body["enabled"], &enabled.body["disabled_reason"]),
        (&json!(true), &json!(null))
    );
    let retried = app
        .post(
            &format!("/v1/webhooks/{}/deliveries/{}/retry", id(&doomed), id(failed)),
            USER_A,
            &json!({}),
        )
        .await;
    assert_eq!(
        (retried.status, &retried.body["status"]),
        (StatusCode::ACCEPTED, &json!("pending"))
    );
    until_received(&dead, 4).await;
    let logged = settled(&app, &doomed).await;
    let again = logged.iter().find(|d| d["id"] == failed["id"]).unwrap();
    assert_eq!((&again["status"], &again["attempts"]), (&json!("succeeded"), &json!(1)));
}

#[tokio::test]
async fn deliveries_never_go_to_this_machine_or_private_networks_unless_allowed() {
    let app = TestApp::with_settings(&[("WEBHOOK_RETRY_SCHEDULE_SECONDS", "0.05")]).await;
    let (url, receiver) = receiver(0).await;
    // An address in the URL is refused when the webhook is made...
    let literal =
        app.post("/v1/webhooks", USER_A, &json!({"url": url, "events": ["run.completed"]})).await;
    assert_eq!(literal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(literal.error_fields(), ["url"]);
    for bad in [
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "file:///etc/passwd",
        "http://user:pw@example.com/",
    ] {
        let refused = app
            .post("/v1/webhooks", USER_A, &json!({"url": bad, "events": ["run.completed"]}))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    // ...a name, when it is resolved for a delivery: nothing is sent.
    let port = url.trim_start_matches("http://127.0.0.1:").trim_end_matches("/hooks");
    let named = app
        .post(
            "/v1/webhooks",
            USER_A,
            &json!({"url": format!("http://localhost:{port}/hooks"), "events": ["run.completed"]}),
        )
        .await;
    assert_eq!(named.status, StatusCode::CREATED, "{:?}", named.body);
    *receiver.secret.lock().unwrap() = Some(named.body["secret"].as_str().unwrap().to_owned());
    app.post(&format!("/v1/webhooks/{}/test", id(&named.body)), USER_A, &json!({})).await;
    let logged = settled(&app, &named.body).await;
    let failed = logged.iter().find(|d| d["status"] == "failed").expect("failed");
    let error = failed["last_error"].as_str().unwrap();
    assert!(error.contains("localhost resolves to a loopback address"), "{error}");
    assert_eq!((&failed["attempts"], &failed["last_status_code"]), (&json!(2), &json!(null)));
    assert!(receiver.received.lock().unwrap().is_empty(), "no request reached the receiver");
}

#[tokio::test]
async fn only_admins_of_the_organization_manage_its_webhooks() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_B, "editor")]).await;
    let made = app
        .in_org(USER_A, &org)
        .post(
            "/v1/webhooks",
            &json!({"url": "https://example.com/hooks", "events": ["run.failed"]}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "the owner registers: {:?}", made.body);
    let path = format!("/v1/webhooks/{}", id(&made.body));

    let editor = app
        .in_org(USER_B, &org)
        .post("/v1/webhooks", &json!({"url": "https://example.com/x", "events": ["run.failed"]}))
        .await;
    assert_eq!((editor.status, editor.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
    assert_eq!(
        app.get(&path, USER_B).await.status,
        StatusCode::NOT_FOUND,
        "an editor does not see them"
    );
    assert_eq!(app.in_org(USER_B, &org).get("/v1/webhooks").await.status, StatusCode::FORBIDDEN);
    // A stranger gets 404 for every route of it.
    for (method, route) in [
        (Method::GET, path.clone()),
        (Method::PATCH, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, format!("{path}/test")),
        (Method::GET, format!("{path}/deliveries")),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"description": "mine now"}));
        let answer = app.send(method.clone(), &route, Some(&USER_C.token()), body.as_ref()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {route}");
    }
    // An API key, even an admin's, never manages webhooks.
    let key = app
        .in_org(USER_A, &org)
        .post("/v1/api-keys", &json!({"name": "k", "scopes": ["read"]}))
        .await
        .body;
    let as_key = app.send(Method::GET, "/v1/webhooks", key["key"].as_str(), None).await;
    assert_eq!((as_key.status, as_key.code()), (StatusCode::FORBIDDEN, "api_key_not_allowed"));

    let bad = app
        .in_org(USER_A, &org)
        .post("/v1/webhooks", &json!({"url": "https://example.com", "events": ["run.exploded"]}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let none = app
        .in_org(USER_A, &org)
        .post("/v1/webhooks", &json!({"url": "https://example.com", "events": []}))
        .await;
    assert_eq!(
        (none.status, none.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["events"])
    );
    let listed = app.in_org(USER_A, &org).get("/v1/webhooks").await;
    assert_eq!(item_field(&listed.body, "url"), [json!("https://example.com/hooks")]);
    assert_eq!(app.delete(&path, USER_A).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn failed_calls_changed_deployments_and_exhausted_rate_limits_are_events() {
    let app = app_sending_locally().await;
    let org = USER_A.id.to_string();
    let (url, receiver) = receiver(0).await;
    register(
        &app,
        &org,
        &url,
        json!(["execution.failed", "deployment.updated", "rate_limit.reached"]),
        &receiver,
    )
    .await;
    let prompt = app.create_prompt(USER_A, "Hi {{name}}").await;
    let deployment = app
        .post("/v1/deployments", USER_A, &json!({"name": "d", "slug": "d", "prompt_id": id(&prompt),
            "model": {"provider": "mock", "model": "fail"}, "rate_limit": {"requests_per_minute": 1}}))
        .await
        .body;
    let failed = app.post("/v1/execute/d", USER_A, &json!({"variables": {"name": "x"}})).await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    let limited = app.post("/v1/execute/d", USER_A, &json!({"variables": {"name": "x"}})).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let renamed = app
        .patch(&format!("/v1/deployments/{}", id(&deployment)), USER_A, &json!({"name": "renamed"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK);

    let received = until_received(&receiver, 3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut types: Vec<String> = receiver
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.body["type"].as_str().unwrap().to_owned())
        .collect();
    types.sort();
    assert_eq!(
        types,
        ["deployment.updated", "execution.failed", "rate_limit.reached"],
        "one each: {received:?}"
    );
    let by_type =
        |t: &str| received.iter().find(|r| r.body["type"] == t).unwrap().body["data"].clone();
    assert_eq!(by_type("execution.failed")["call_id"], failed.body["call_id"]);
    assert_eq!(by_type("rate_limit.reached")["deployment_id"], deployment["id"]);
    assert_eq!(by_type("deployment.updated")["deployment_id"], deployment["id"]);
    assert!(received.iter().all(|r| r.verified));
}

#[tokio::test]
async fn events_older_than_thirty_days_are_swept_with_their_deliveries() {
    let app = TestApp::without_worker(&[]).await;
    let made = app
        .post(
            "/v1/webhooks",
            USER_A,
            &json!({"url": "https://example.com/h", "events": ["run.failed"]}),
        )
        .await;
    for _ in 0..3 {
        let sent =
            app.post(&format!("/v1/webhooks/{}/test", id(&made.body)), USER_A, &json!({})).await;
        assert_eq!(sent.status, StatusCode::ACCEPTED);
    }
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "update public.webhook_event set created_at = now() - interval '31 days'
         where id in (select id from public.webhook_event order by created_at limit 2)",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    assert_eq!(webhooks::sweep_events(&app.test_db.db).await.unwrap(), 2);
    assert_eq!((app.count("webhook_event").await, app.count("webhook_delivery").await), (1, 1));
}
