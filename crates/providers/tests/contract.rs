//! The wire formats of the LLM APIs. The real services cannot be reached from here, so each
//! adapter is checked against a local stub (wiremock) that verifies the exact request we send and
//! answers like the service does, errors included.

use std::{sync::Arc, time::Duration};

use providers::{
    Anthropic, ChatProvider, ChatRequest, Deltas, ErrorKind, ModelParams, OpenAiCompatible,
    Provider, RetryPolicy, Transport,
};
use serde_json::json;
use wiremock::{
    Mock, MockServer, ResponseTemplate,
    matchers::{body_json, header, method, path},
};

const KEY: &str = "sk-test-key-0123456789";

fn request(params: ModelParams) -> ChatRequest {
    ChatRequest {
        model: "gpt-4o-mini".into(),
        system: Some("Be brief.".into()),
        user: "Why is the sky blue?".into(),
        params,
    }
}

fn openai(server: &MockServer, timeout: Duration) -> OpenAiCompatible {
    OpenAiCompatible::new(
        format!("{}/v1", server.uri()).parse().unwrap(),
        Some(KEY.into()),
        transport(timeout),
    )
}

fn anthropic(server: &MockServer) -> Anthropic {
    Anthropic::new(
        format!("{}/v1", server.uri()).parse().unwrap(),
        KEY.into(),
        transport(Duration::from_secs(5)),
    )
}

fn transport(timeout: Duration) -> Transport {
    Transport { http: reqwest::Client::new(), timeout, max_answer_bytes: MAX_ANSWER_BYTES }
}

const MAX_ANSWER_BYTES: usize = 64 * 1024;

fn completion(content: &str) -> serde_json::Value {
    json!({"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
           "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
           "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19}})
}

#[tokio::test]
async fn openai_stub_receives_messages_params_and_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Why is the sky blue?"}],
            "temperature": 0.2, "max_tokens": 64, "top_p": 0.9, "seed": 7, "stop": ["\n\n"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("Rayleigh scattering.")))
        .expect(1)
        .mount(&server)
        .await;
    let params = ModelParams {
        temperature: Some(0.2),
        max_tokens: Some(64),
        top_p: Some(0.9),
        seed: Some(7),
        stop: vec!["\n\n".into()],
    };
    let response =
        openai(&server, Duration::from_secs(5)).complete(&request(params)).await.unwrap();
    assert_eq!(response.text, "Rayleigh scattering.");
    assert_eq!((response.tokens_in, response.tokens_out), (12, 7));
    assert_eq!(response.finish_reason.as_deref(), Some("stop"));
}

#[tokio::test]
async fn openai_stub_receives_no_params_it_was_not_given() {
    let server = MockServer::start().await;
    Mock::given(body_json(
        json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(completion("Hello")))
    .expect(1)
    .mount(&server)
    .await;
    let plain = ChatRequest { system: None, user: "Hi".into(), ..request(ModelParams::default()) };
    openai(&server, Duration::from_secs(5)).complete(&plain).await.unwrap();
}

#[tokio::test]
async fn openai_stub_errors_are_classified_and_never_show_the_key() {
    let cases = [
        (ResponseTemplate::new(401).set_body_json(json!({"error": {"message": format!("Incorrect API key provided: {KEY}"), "type": "invalid_request_error"}})), ErrorKind::Auth),
        (ResponseTemplate::new(429).insert_header("retry-after", "2").set_body_json(json!({"error": {"message": "Rate limit reached", "type": "rate_limit_error"}})), ErrorKind::RateLimited),
        (ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "The model `gpt-5` does not exist"}})), ErrorKind::InvalidRequest),
        (ResponseTemplate::new(503).set_body_string("upstream overloaded"), ErrorKind::ProviderError),
        (ResponseTemplate::new(200).set_body_string("{not json"), ErrorKind::ProviderError),
        (ResponseTemplate::new(200).set_body_json(completion("late")).set_delay(Duration::from_millis(1500)), ErrorKind::Timeout),
    ];
    for (template, kind) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(template).mount(&server).await;
        let err = openai(&server, Duration::from_millis(500))
            .complete(&request(ModelParams::default()))
            .await
            .unwrap_err();
        assert_eq!(err.kind, kind, "{err}");
        assert!(!err.to_string().contains(KEY), "{err}");
        if kind == ErrorKind::RateLimited {
            assert_eq!(err.retry_after, Some(Duration::from_secs(2)));
            assert_eq!(err.message, "HTTP 429: Rate limit reached");
        }
    }
}

#[tokio::test]
async fn anthropic_stub_receives_the_messages_request_and_its_answer_is_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_json(json!({
            "model": "gpt-4o-mini", "max_tokens": 1024, "system": "Be brief.",
            "messages": [{"role": "user", "content": "Why is the sky blue?"}],
            "temperature": 0.5, "stop_sequences": ["END"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude",
            "content": [{"type": "text", "text": "Rayleigh "}, {"type": "text", "text": "scattering."}],
            "stop_reason": "end_turn", "usage": {"input_tokens": 14, "output_tokens": 5}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let params =
        ModelParams { temperature: Some(0.5), stop: vec!["END".into()], ..ModelParams::default() };
    let response = anthropic(&server).complete(&request(params)).await.unwrap();
    assert_eq!(response.text, "Rayleigh scattering.");
    assert_eq!((response.tokens_in, response.tokens_out), (14, 5));
    assert_eq!(response.finish_reason.as_deref(), Some("end_turn"));
}

#[tokio::test]
async fn anthropic_stub_overload_and_rate_limits_are_retryable() {
    for (status, kind) in
        [(529, ErrorKind::ProviderError), (429, ErrorKind::RateLimited), (401, ErrorKind::Auth)]
    {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(status).set_body_json(
                    json!({"type": "error", "error": {"type": "x", "message": "nope"}}),
                ),
            )
            .mount(&server)
            .await;
        let err = anthropic(&server).complete(&request(ModelParams::default())).await.unwrap_err();
        assert_eq!(
            (err.kind, err.message.as_str()),
            (kind, format!("HTTP {status}: nope").as_str())
        );
    }
}

#[tokio::test]
async fn provider_retries_a_rate_limiting_stub_honouring_retry_after_and_stops_on_auth_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after-ms", "50")
                .set_body_json(json!({"error": {"message": "slow down"}})),
        )
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("ok")))
        .mount(&server)
        .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let provider =
        Provider::new("openai", Arc::new(openai(&server, Duration::from_secs(5))), 4, policy);
    let done = provider.call(&request(ModelParams::default())).await;
    assert_eq!(done.attempts, 3);
    assert_eq!(done.result.unwrap().text, "ok");
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "one request per attempt");

    let denied = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "bad key"}})),
        )
        .mount(&denied)
        .await;
    let provider =
        Provider::new("openai", Arc::new(openai(&denied, Duration::from_secs(5))), 4, policy);
    let done = provider.call(&request(ModelParams::default())).await;
    assert_eq!((done.attempts, done.result.unwrap_err().kind), (1, ErrorKind::Auth));
}

#[tokio::test]
async fn openai_stub_answering_unreadable_json_gets_an_error_without_its_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"choices\": [oops"))
        .mount(&server)
        .await;
    let err = openai(&server, Duration::from_secs(5))
        .complete(&request(ModelParams::default()))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ProviderError);
    assert!(err.message.starts_with("unreadable answer: "), "{err}");
    assert!(!err.message.contains(&server.uri()), "the endpoint leaked: {err}");
    assert!(!err.message.contains("127.0.0.1"), "the endpoint leaked: {err}");
}

#[tokio::test]
async fn a_stub_answering_more_than_the_limit_fails_once_and_is_not_read_whole() {
    let huge = "x".repeat(MAX_ANSWER_BYTES * 2);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(&huge)))
        .mount(&server)
        .await;
    let provider = Provider::new(
        "openai",
        Arc::new(openai(&server, Duration::from_secs(5))),
        4,
        RetryPolicy { base_delay: Duration::from_millis(1), ..RetryPolicy::default() },
    );
    let done = provider.call(&request(ModelParams::default())).await;
    let err = done.result.unwrap_err();
    assert_eq!(err.kind, ErrorKind::AnswerTooLarge);
    assert_eq!(err.message, format!("the answer is larger than {MAX_ANSWER_BYTES} bytes"));
    assert_eq!(done.attempts, 1, "retrying cannot make the answer smaller");
}

/// Everything `deltas` received.
fn received(mut from: tokio::sync::mpsc::UnboundedReceiver<String>) -> Vec<String> {
    let mut pieces = Vec::new();
    while let Ok(piece) = from.try_recv() {
        pieces.push(piece);
    }
    pieces
}

#[tokio::test]
async fn openai_stub_streams_the_answer_in_pieces_with_its_usage_last() {
    let server = MockServer::start().await;
    let chunk = |delta: serde_json::Value, finish: serde_json::Value| {
        json!({"id": "c", "object": "chat.completion.chunk",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let events = [
        chunk(json!({"role": "assistant", "content": ""}), json!(null)),
        chunk(json!({"content": "Rayleigh "}), json!(null)),
        chunk(json!({"content": "scattering."}), json!(null)),
        chunk(json!({}), json!("stop")),
        json!({"id": "c", "object": "chat.completion.chunk", "choices": [],
               "usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}}),
    ];
    // CRLF line ends and a comment line, as some servers send them.
    let body = events.iter().map(|event| format!("data: {event}\r\n\r\n")).collect::<String>()
        + ": keep-alive\n\ndata: [DONE]\n\n";
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json!({
            "model": "gpt-4o-mini",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Why is the sky blue?"}],
            "stream": true, "stream_options": {"include_usage": true}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;
    let (mut deltas, from) = Deltas::channel();
    let response = openai(&server, Duration::from_secs(5))
        .stream(&request(ModelParams::default()), &mut deltas)
        .await
        .unwrap();
    assert_eq!(received(from), ["Rayleigh ", "scattering."]);
    assert_eq!(response.text, "Rayleigh scattering.");
    assert_eq!((response.tokens_in, response.tokens_out), (12, 2));
    assert_eq!(response.finish_reason.as_deref(), Some("stop"));
}

#[tokio::test]
async fn anthropic_stub_streams_text_deltas_and_reports_an_error_event() {
    let event = |name: &str, data: serde_json::Value| format!("event: {name}\ndata: {data}\n\n");
    let body = [
        event("message_start", json!({"type": "message_start", "message": {"usage": {"input_tokens": 9, "output_tokens": 1}}})),
        event("ping", json!({"type": "ping"})),
        event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Blue "}})),
        event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "light."}})),
        event("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}})),
        event("message_stop", json!({"type": "message_stop"})),
    ]
    .concat();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let (mut deltas, from) = Deltas::channel();
    let response =
        anthropic(&server).stream(&request(ModelParams::default()), &mut deltas).await.unwrap();
    assert_eq!(received(from), ["Blue ", "light."]);
    assert_eq!(
        (response.text.as_str(), response.tokens_in, response.tokens_out),
        ("Blue light.", 9, 2)
    );
    assert_eq!(response.finish_reason.as_deref(), Some("end_turn"));

    let broken = [
        event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Bl"}})),
        event("error", json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})),
    ]
    .concat();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(broken, "text/event-stream"))
        .expect(1)
        .mount(&server)
        .await;
    // Text was sent: the failure is not retried (the reader would see the text twice).
    let retry = RetryPolicy { base_delay: Duration::from_millis(1), ..RetryPolicy::default() };
    let provider = Provider::new("anthropic", Arc::new(anthropic(&server)), 4, retry);
    let (mut deltas, from) = Deltas::channel();
    let attempted = provider.stream(&request(ModelParams::default()), &mut deltas).await;
    assert_eq!(attempted.attempts, 1);
    let error = attempted.result.unwrap_err();
    assert_eq!((error.kind, error.message.as_str()), (ErrorKind::ProviderError, "Overloaded"));
    assert_eq!(received(from), ["Bl"]);
}
