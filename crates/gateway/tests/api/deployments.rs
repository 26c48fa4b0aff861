//! Deployments: a prompt shipped as an endpoint, called with an API key (or by an editor), with
//! fallbacks, JSON answers checked against a schema, and every call in the log.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_partial_json, method, path},
};

use crate::support::{
    Options, TestApp, TestResponse, USER_A, USER_B, USER_C, env, id, item_field, sse_events, team,
};

async fn execute(app: &TestApp, token: &str, slug: &str, body: Value) -> TestResponse {
    app.send(Method::POST, &format!("/v1/execute/{slug}"), Some(token), Some(&body)).await
}

async fn api_key(app: &TestApp, org: &str, scopes: Value) -> String {
    let created = app
        .in_org(USER_A, org)
        .post("/v1/api-keys", &json!({"name": "backend", "scopes": scopes}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body["key"].as_str().unwrap().to_owned()
}

/// A team of A (owner), B (editor) and C (viewer), with a generator prompt; its id and the
/// prompt's.
async fn team_with_prompt(app: &TestApp, body: &str) -> (String, Value) {
    let org = team(app, USER_A, &[(USER_B, "editor"), (USER_C, "viewer")]).await;
    let prompt = app.in_org(USER_A, &org).create_prompt(body).await.body;
    (org, prompt)
}

async fn deploy(app: &TestApp, org: &str, body: Value) -> Value {
    let created = app.in_org(USER_A, org).post("/v1/deployments", &body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    created.body
}

#[tokio::test]
async fn a_key_calls_a_deployment_and_the_call_is_logged() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, "Answer: {{question}}").await;
    deploy(
        &app,
        &org,
        json!({"name": "Support reply", "slug": "support-reply", "prompt_id": id(&prompt),
               "model": {"provider": "mock", "model": "echo"}}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;

    let called = execute(
        &app,
        &key,
        "support-reply",
        json!({
        "variables": {"question": "Where is my order?"}, "metadata": {"ticket": 42}}),
    )
    .await;
    assert_eq!(called.status, StatusCode::OK, "{:?}", called.body);
    let result = &called.body;
    assert_eq!(result["output"], "Answer: Where is my order?");
    assert_eq!(
        (&result["version"], &result["cached"], &result["fallback_used"]),
        (&json!(1), &json!(false), &json!(false))
    );
    assert_eq!(result["model"], json!({"provider": "mock", "model": "echo"}));
    assert!(
        result["tokens_in"].as_i64().unwrap() > 0 && result["cost_usd"].as_f64().unwrap() > 0.0
    );

    // The deployment follows the prompt's current version.
    let saved = app
        .post(
            &format!("/v1/prompts/{}/versions", id(&prompt)),
            USER_A,
            &json!({"body": "A: {{question}}"}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED);
    let again =
        execute(&app, &key, "support-reply", json!({"variables": {"question": "Hi"}})).await;
    assert_eq!((&again.body["output"], &again.body["version"]), (&json!("A: Hi"), &json!(2)));

    let missing = execute(&app, &key, "support-reply", json!({"variables": {}})).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    assert_eq!(missing.error_fields(), ["variables.question"]);

    // The log: both calls, newest first, with who made them; filters work.
    let calls = app.in_org(USER_C, &org).get("/v1/calls").await;
    assert_eq!(calls.status, StatusCode::OK, "a viewer reads the log");
    assert_eq!(item_field(&calls.body, "prompt_version"), [json!(2), json!(1)]);
    let first = &calls.body["items"][1];
    assert_eq!(first["metadata"], json!({"ticket": 42}));
    assert_eq!(first["status"], "succeeded");
    assert!(first["api_key_id"].is_string() && first["user_id"].is_null());
    let found = app.in_org(USER_C, &org).get("/v1/calls?q=where%20IS").await;
    assert_eq!(item_field(&found.body, "id"), [first["id"].clone()]);
    let one = app.get(&format!("/v1/calls/{}", id(first)), USER_C).await;
    assert_eq!(one.body["rendered_prompt"], "Answer: Where is my order?");
    let failed_only = app.in_org(USER_C, &org).get("/v1/calls?status=failed").await;
    assert_eq!(failed_only.body["items"], json!([]));
}

#[tokio::test]
async fn who_may_call_and_manage_deployments() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, "Hi {{name}}").await;
    let body = json!({"name": "Greet", "slug": "greet", "prompt_id": id(&prompt),
                      "model": {"provider": "mock", "model": "echo"}});
    let by_viewer = app.in_org(USER_C, &org).post("/v1/deployments", &body).await;
    assert_eq!((by_viewer.status, by_viewer.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
    let deployment = deploy(&app, &org, body.clone()).await;
    let taken = app.in_org(USER_B, &org).post("/v1/deployments", &body).await;
    assert_eq!((taken.status, taken.code()), (StatusCode::CONFLICT, "slug_taken"));
    let read_key = api_key(&app, &org, json!(["read"])).await;
    let listed = app.send(Method::GET, "/v1/deployments", Some(&read_key), None).await;
    assert_eq!(item_field(&listed.body, "slug"), [json!("greet")]);

    let variables = json!({"variables": {"name": "Ada"}});
    let in_team = async |user: platform::testing::TestUser| {
        let token = user.token();
        app.send_with_org(Method::POST, "/v1/execute/greet", &token, &org, Some(&variables)).await
    };
    assert_eq!(in_team(USER_B).await.status, StatusCode::OK, "an editor calls it");
    let viewer = in_team(USER_C).await;
    assert_eq!((viewer.status, viewer.code()), (StatusCode::FORBIDDEN, "insufficient_role"));
    let no_scope = execute(&app, &read_key, "greet", variables.clone()).await;
    assert_eq!((no_scope.status, no_scope.code()), (StatusCode::FORBIDDEN, "insufficient_scope"));

    // Another organization's key finds nothing.
    let other_org = team(&app, USER_B, &[]).await;
    let other_key = {
        let created = app
            .in_org(USER_B, &other_org)
            .post("/v1/api-keys", &json!({"name": "k", "scopes": ["execute"]}))
            .await;
        created.body["key"].as_str().unwrap().to_owned()
    };
    let elsewhere = execute(&app, &other_key, "greet", variables.clone()).await;
    assert_eq!(
        (elsewhere.status, elsewhere.code()),
        (StatusCode::NOT_FOUND, "deployment_not_found")
    );

    // A prompt in use cannot go; the deployment can.
    let in_use = app.delete(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await;
    assert_eq!((in_use.status, in_use.code()), (StatusCode::CONFLICT, "prompt_in_use"));
    let path = format!("/v1/deployments/{}", id(&deployment));
    let renamed = app.patch(&path, USER_B, &json!({"name": "Greeter", "version": 1})).await;
    assert_eq!((&renamed.body["name"], &renamed.body["version"]), (&json!("Greeter"), &json!(1)));
    let by_viewer = app.delete(&path, USER_C).await;
    assert_eq!(by_viewer.code(), "insufficient_role");
    assert_eq!(app.delete(&path, USER_B).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.delete(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await.status,
        StatusCode::NO_CONTENT
    );
    let calls = app.in_org(USER_A, &org).get("/v1/calls").await;
    assert_eq!(
        calls.body["items"][0]["deployment_id"],
        Value::Null,
        "calls outlive their deployment"
    );
    assert_eq!(calls.body["items"][0]["deployment_slug"], "greet");
}

#[tokio::test]
async fn a_deployment_is_checked_when_made() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, "Hi {{name}}").await;
    let grader = app
        .in_org(USER_A, &org)
        .post("/v1/prompts", &json!({"name": "g", "kind": "grader", "body": "{{output}}"}))
        .await
        .body;
    let elsewhere = app.create_prompt(USER_A, "mine").await;
    let cases = [
        (json!({"prompt_id": id(&grader)}), "prompt_id"),
        (json!({"prompt_id": id(&elsewhere)}), "prompt_id"),
        (json!({"version": 7}), "version"),
        (json!({"model": {"provider": "mock", "model": "gpt-9"}}), "model"),
        (
            json!({"model": {"provider": "mock", "model": "echo", "params": {"temperature": 9}}}),
            "model",
        ),
        (json!({"fallbacks": [{"provider": "acme", "model": "x"}]}), "fallbacks[0]"),
        (json!({"json_schema": {"type": "object"}}), "json_schema"),
        (
            json!({"response_format": "json", "json_schema": {"type": "no-such-type"}}),
            "json_schema",
        ),
        (
            json!({"response_format": "json", "json_schema": {"$ref": "http://127.0.0.1:9/schema.json"}}),
            "json_schema",
        ),
        (json!({"slug": "Not A Slug"}), "slug"),
        (json!({"cache_ttl_seconds": 0}), "cache_ttl_seconds"),
        (json!({"rate_limit": {"requests_per_minute": 0}}), "rate_limit"),
    ];
    for (change, field) in cases {
        let mut body = json!({"name": "d", "slug": "d", "prompt_id": id(&prompt),
                              "model": {"provider": "mock", "model": "echo"}});
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let refused = app.in_org(USER_A, &org).post("/v1/deployments", &body).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {:?}",
            refused.body
        );
        assert!(
            refused.error_fields().iter().any(|f| f.starts_with(field)),
            "{change}: {:?}",
            refused.body
        );
    }
    assert_eq!(app.count("deployment").await, 0);
}

#[tokio::test]
async fn json_answers_are_checked_and_failures_fall_back_stub_provider_answering_500() {
    let stub = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream exploded"))
        // Two calls, each trying the primary twice (LLM_MAX_ATTEMPTS) before falling back.
        .expect(4)
        .mount(&stub)
        .await;
    let app = TestApp::with(Options {
        env: env(&[
            ("CUSTOM_BASE_URL", &format!("{}/v1", stub.uri())),
            ("LLM_MAX_ATTEMPTS", "2"),
            ("LLM_RETRY_BASE_MS", "1"),
        ]),
        ..Options::default()
    })
    .await;
    let (org, prompt) = team_with_prompt(&app, r#"{"answer": "{{answer}}"}"#).await;
    let schema = json!({"type": "object", "required": ["answer"],
                        "properties": {"answer": {"type": "string", "maxLength": 5}}});
    deploy(
        &app,
        &org,
        json!({"name": "Json", "slug": "json", "prompt_id": id(&prompt),
               "model": {"provider": "custom", "model": "flaky"},
               "fallbacks": [{"provider": "mock", "model": "fail"}, {"provider": "mock", "model": "echo"}],
               "response_format": "json", "json_schema": schema}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;

    let good = execute(&app, &key, "json", json!({"variables": {"answer": "yes"}})).await;
    assert_eq!(good.status, StatusCode::OK, "{:?}", good.body);
    assert_eq!(good.body["parsed"], json!({"answer": "yes"}));
    assert_eq!(good.body["fallback_used"], true);
    assert_eq!(good.body["model"], json!({"provider": "mock", "model": "echo"}));

    let bad = execute(&app, &key, "json", json!({"variables": {"answer": "far too long"}})).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::BAD_GATEWAY, "invalid_model_output"));
    assert_eq!(bad.body["output"], r#"{"answer": "far too long"}"#);
    let logged =
        app.get(&format!("/v1/calls/{}", bad.body["call_id"].as_str().unwrap()), USER_A).await;
    assert_eq!(logged.body["status"], "invalid_output");
}

#[tokio::test]
async fn a_call_no_model_answers_is_a_logged_502() {
    let app = TestApp::with_settings(&[("LLM_MAX_ATTEMPTS", "1")]).await;
    let (org, prompt) = team_with_prompt(&app, "x").await;
    deploy(
        &app,
        &org,
        json!({"name": "Down", "slug": "down", "prompt_id": id(&prompt),
               "model": {"provider": "mock", "model": "fail"}}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;
    let down = execute(&app, &key, "down", json!({})).await;
    assert_eq!((down.status, down.code()), (StatusCode::BAD_GATEWAY, "model_failed"));
    let logged =
        app.get(&format!("/v1/calls/{}", down.body["call_id"].as_str().unwrap()), USER_A).await;
    assert_eq!(
        (&logged.body["status"], &logged.body["error_kind"]),
        (&json!("failed"), &json!("provider_error"))
    );
}

#[tokio::test]
async fn calls_past_their_retention_are_swept() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, "x").await;
    deploy(
        &app,
        &org,
        json!({"name": "D", "slug": "d", "prompt_id": id(&prompt),
               "model": {"provider": "mock", "model": "echo"}}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;
    for _ in 0..3 {
        assert_eq!(execute(&app, &key, "d", json!({})).await.status, StatusCode::OK);
    }
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "update public.deployment_call set created_at = now() - interval '31 days'
         where id in (select id from public.deployment_call order by created_at limit 2)",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    let swept =
        deployments::sweep_calls(&app.test_db.db, std::time::Duration::from_secs(30 * 86_400))
            .await
            .unwrap();
    assert_eq!(swept, 2);
    assert_eq!(app.count("deployment_call").await, 1);
}

#[tokio::test]
async fn rate_limits_hold_across_processes_and_say_when_to_come_back() {
    let app = TestApp::with_settings(&[("API_KEY_REQUESTS_PER_MINUTE", "3")]).await;
    let (org, prompt) = team_with_prompt(&app, "x").await;
    for (slug, limit) in [("limited", json!({"requests_per_minute": 2})), ("open", Value::Null)] {
        deploy(
            &app,
            &org,
            json!({"name": slug, "slug": slug, "prompt_id": id(&prompt), "rate_limit": limit,
                   "model": {"provider": "mock", "model": "echo"}}),
        )
        .await;
    }
    let key = api_key(&app, &org, json!(["execute"])).await;
    let other = app.another_process().await;
    let call = |slug: &str| {
        axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/v1/execute/{slug}"))
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from("{}"))
            .unwrap()
    };

    // The deployment's 2 a minute, counted across both processes.
    let first = app.call(call("limited")).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(
        (first.header("ratelimit-limit"), first.header("ratelimit-remaining")),
        (Some("2"), Some("1"))
    );
    let second = TestApp::call_through(&other, call("limited")).await;
    assert_eq!((second.status, second.header("ratelimit-remaining")), (StatusCode::OK, Some("0")));
    let third = app.call(call("limited")).await;
    assert_eq!((third.status, third.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let retry_after: u64 = third.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(third.header("ratelimit-remaining"), Some("0"));
    assert_eq!(third.body["limit"], 2);

    // The key's 3 a minute, whatever the deployment: 2 taken above, one left.
    assert_eq!(TestApp::call_through(&other, call("open")).await.status, StatusCode::OK);
    let over = app.call(call("open")).await;
    assert_eq!(
        (over.status, over.body["limit"].as_u64()),
        (StatusCode::TOO_MANY_REQUESTS, Some(3))
    );
    assert_eq!(app.count("deployment_call").await, 3, "refused calls reach no model");
}

#[tokio::test]
async fn a_streamed_call_sends_the_text_as_the_stub_provider_streams_it_then_done() {
    let stub = MockServer::start().await;
    let chunk = |content: &str| {
        json!({"object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
    };
    let usage = json!({"object": "chat.completion.chunk", "choices": [],
                       "usage": {"prompt_tokens": 4, "completion_tokens": 3}});
    let body = [chunk("Your "), chunk("order "), chunk("shipped."), usage]
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect::<String>()
        + "data: [DONE]\n\n";
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(
            json!({"stream": true, "messages": [{"role": "user", "content": "Answer: where?"}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .expect(2)
        .mount(&stub)
        .await;
    let app = TestApp::with(Options {
        env: env(&[("CUSTOM_BASE_URL", &format!("{}/v1", stub.uri()))]),
        ..Options::default()
    })
    .await;
    let (org, prompt) = team_with_prompt(&app, "Answer: {{question}}").await;
    deploy(
        &app,
        &org,
        json!({"name": "Stream", "slug": "stream", "prompt_id": id(&prompt),
               "model": {"provider": "custom", "model": "streamer"},
               "rate_limit": {"requests_per_minute": 10}}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;
    let call = json!({"variables": {"question": "where?"}, "stream": true});

    let streamed = execute(&app, &key, "stream", call.clone()).await;
    assert_eq!(streamed.status, StatusCode::OK);
    assert_eq!(streamed.header("content-type"), Some("text/event-stream"));
    assert_eq!(streamed.header("ratelimit-remaining"), Some("9"));
    let events = sse_events(&streamed.raw);
    let deltas: Vec<&str> = events
        .iter()
        .filter(|(name, _)| name == "delta")
        .map(|(_, data)| data["text"].as_str().unwrap())
        .collect();
    assert_eq!(deltas, ["Your ", "order ", "shipped."]);
    let (last, done) = events.last().unwrap();
    assert_eq!(last, "done");
    assert_eq!(done["output"], "Your order shipped.");
    assert_eq!((&done["tokens_in"], &done["tokens_out"]), (&json!(4), &json!(3)));
    assert_eq!(done["model"], json!({"provider": "custom", "model": "streamer"}));
    let logged = app.get(&format!("/v1/calls/{}", done["call_id"].as_str().unwrap()), USER_A).await;
    assert_eq!(
        (&logged.body["status"], &logged.body["output"]),
        (&json!("succeeded"), &json!("Your order shipped."))
    );

    // A client that stops reading at once: the call still ends, and is logged.
    let request = axum::http::Request::post("/v1/execute/stream")
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(call.to_string()))
        .unwrap();
    let response = tower::ServiceExt::oneshot(app.router(), request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    drop(response);
    let mut logged = 0;
    for _ in 0..100 {
        logged = app.count("deployment_call").await;
        if logged == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(logged, 2, "the abandoned call was logged");
}

#[tokio::test]
async fn a_streamed_call_that_fails_ends_with_an_error_event_and_bad_requests_are_problems() {
    let app = TestApp::with_settings(&[("LLM_MAX_ATTEMPTS", "1")]).await;
    let (org, prompt) = team_with_prompt(&app, "Hi {{name}}").await;
    deploy(
        &app,
        &org,
        json!({"name": "Down", "slug": "down", "prompt_id": id(&prompt),
               "model": {"provider": "mock", "model": "fail"}}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;

    let down =
        execute(&app, &key, "down", json!({"variables": {"name": "A"}, "stream": true})).await;
    assert_eq!(down.status, StatusCode::OK);
    let events = sse_events(&down.raw);
    assert_eq!(events.len(), 1, "no text, one error: {events:?}");
    let (name, problem) = &events[0];
    assert_eq!((name.as_str(), &problem["code"]), ("error", &json!("model_failed")));
    let logged =
        app.get(&format!("/v1/calls/{}", problem["call_id"].as_str().unwrap()), USER_A).await;
    assert_eq!(logged.body["status"], "failed");

    // What is wrong before any model is called is an ordinary problem response.
    let missing = execute(&app, &key, "down", json!({"stream": true})).await;
    assert_eq!(
        (missing.status, missing.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
    );
    let unknown = execute(&app, &key, "nope", json!({"stream": true})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

/// The call log's row of a call.
async fn logged_call(app: &TestApp, call_id: &Value) -> Value {
    app.get(&format!("/v1/calls/{}", call_id.as_str().unwrap()), USER_A).await.body
}

#[tokio::test]
async fn identical_calls_are_answered_from_the_org_cache_for_free_and_the_saving_is_logged() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, "Answer: {{question}}").await;
    let deployment = |slug: &str, ttl: Value| {
        json!({"name": slug, "slug": slug, "prompt_id": id(&prompt),
               "model": {"provider": "mock", "model": "echo"}, "cache_ttl_seconds": ttl})
    };
    deploy(&app, &org, deployment("cached", json!(60))).await;
    deploy(&app, &org, deployment("uncached", json!(null))).await;
    let key = api_key(&app, &org, json!(["execute"])).await;
    let ask = |question: &str| json!({"variables": {"question": question}});

    let first = execute(&app, &key, "cached", ask("Where?")).await.body;
    assert_eq!(first["cached"], false);
    let paid = first["cost_usd"].as_f64().unwrap();
    assert!(paid > 0.0);
    let again = execute(&app, &key, "cached", ask("Where?")).await.body;
    assert_eq!((&again["cached"], &again["cost_usd"]), (&json!(true), &json!(0.0)));
    assert_eq!((&again["output"], &again["tokens_out"]), (&first["output"], &first["tokens_out"]));
    let log = logged_call(&app, &again["call_id"]).await;
    assert_eq!((&log["cached"], &log["cost_usd"]), (&json!(true), &json!(0.0)));
    assert_eq!(log["saved_cost_usd"].as_f64(), Some(paid));

    // Other variables are another request; a deployment without a TTL never reuses.
    assert_eq!(execute(&app, &key, "cached", ask("When?")).await.body["cached"], false);
    for _ in 0..2 {
        assert_eq!(execute(&app, &key, "uncached", ask("Where?")).await.body["cached"], false);
    }
    // The same request in another organization: its cache is its own.
    let other = team(&app, USER_B, &[]).await;
    let other_prompt = app.in_org(USER_B, &other).create_prompt("Answer: {{question}}").await;
    let other_deployment = json!({"name": "c", "slug": "cached", "prompt_id": id(&other_prompt.body),
        "model": {"provider": "mock", "model": "echo"}, "cache_ttl_seconds": 60});
    assert_eq!(
        app.in_org(USER_B, &other).post("/v1/deployments", &other_deployment).await.status,
        StatusCode::CREATED
    );
    let theirs = app
        .send_with_org(
            Method::POST,
            "/v1/execute/cached",
            &USER_B.token(),
            &other,
            Some(&ask("Where?")),
        )
        .await;
    assert_eq!((theirs.status, &theirs.body["cached"]), (StatusCode::OK, &json!(false)));

    // Older than the TTL: asked again.
    let mut admin = app.test_db.superuser().await;
    sqlx::query("update public.response_cache set created_at = now() - interval '61 seconds'")
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(execute(&app, &key, "cached", ask("Where?")).await.body["cached"], false);
    assert_eq!(execute(&app, &key, "cached", ask("Where?")).await.body["cached"], true);

    // Past the longest a cache keeps answers, the sweep forgets them (of every organization).
    let kept = app.count("response_cache").await;
    sqlx::query("update public.response_cache set created_at = now() - interval '31 days'")
        .execute(&mut admin)
        .await
        .unwrap();
    assert_eq!(providers::cache::sweep(&app.test_db.db).await.unwrap(), kept as u64);
    assert_eq!(app.count("response_cache").await, 0);
}

#[tokio::test]
async fn a_cached_answer_that_no_longer_matches_the_schema_is_not_served() {
    let app = TestApp::new().await;
    let (org, prompt) = team_with_prompt(&app, r#"{"answer": "{{answer}}"}"#).await;
    let created = deploy(
        &app,
        &org,
        json!({"name": "J", "slug": "j", "prompt_id": id(&prompt), "response_format": "json",
               "model": {"provider": "mock", "model": "echo"}, "cache_ttl_seconds": 600}),
    )
    .await;
    let key = api_key(&app, &org, json!(["execute"])).await;
    let call = json!({"variables": {"answer": "yes"}});
    assert_eq!(execute(&app, &key, "j", call.clone()).await.body["cached"], false);
    assert_eq!(execute(&app, &key, "j", call.clone()).await.body["cached"], true);

    let schema = json!({"type": "object", "required": ["answer"],
                        "properties": {"answer": {"type": "integer"}}});
    let changed = app
        .patch(
            &format!("/v1/deployments/{}", id(&created)),
            USER_A,
            &json!({"json_schema": schema}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let checked = execute(&app, &key, "j", call).await;
    assert_eq!((checked.status, checked.code()), (StatusCode::BAD_GATEWAY, "invalid_model_output"));
    assert_eq!(
        logged_call(&app, &checked.body["call_id"]).await["cached"],
        false,
        "the model was asked"
    );
}
