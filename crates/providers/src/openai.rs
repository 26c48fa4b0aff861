//! OpenAI-compatible chat completions (`POST <base>/chat/completions`): OpenAI itself, Groq,
//! Cerebras, OpenRouter, Together, and self-hosted servers such as Ollama or vLLM.

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::{
    ChatProvider, ChatRequest, ChatResponse, ErrorKind, ProviderError, Transport, decode_answer,
    error_body, read_body, retry_after, status_kind,
    stream::{Deltas, EventReader},
    transport_error,
};

#[derive(Debug)]
pub struct OpenAiCompatible {
    /// Ends with `/` so that `chat/completions` joins below it.
    base: Url,
    key: Option<SecretString>,
    transport: Transport,
}

impl OpenAiCompatible {
    pub fn new(base: Url, key: Option<SecretString>, transport: Transport) -> Self {
        Self { base: with_trailing_slash(base), key, transport }
    }

    fn body(request: &ChatRequest) -> Value {
        let mut messages = Vec::with_capacity(2);
        if let Some(system) = &request.system {
            messages.push(json!({"role": "system", "content": system}));
        }
        messages.push(json!({"role": "user", "content": request.user}));
        let mut body = json!({"model": request.model, "messages": messages});
        let params = &request.params;
        let fields = [
            ("temperature", params.temperature.map(Value::from)),
            ("max_tokens", params.max_tokens.map(Value::from)),
            ("top_p", params.top_p.map(Value::from)),
            ("seed", params.seed.map(Value::from)),
            ("stop", (!params.stop.is_empty()).then(|| Value::from(params.stop.clone()))),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                body[name] = value;
            }
        }
        body
    }
}

pub(crate) fn with_trailing_slash(mut url: Url) -> Url {
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url
}

#[derive(Debug, Deserialize)]
struct Completion {
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    usage: Option<Usage>,
}

#[derive(Debug, Deserialize)]
struct Choice {
    message: Message,
    #[serde(default)]
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Message {
    #[serde(default)]
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Usage {
    #[serde(default)]
    prompt_tokens: u32,
    #[serde(default)]
    completion_tokens: u32,
}

#[derive(Debug, Deserialize)]
struct Chunk {
    #[serde(default)]
    choices: Vec<ChunkChoice>,
    #[serde(default)]
    usage: Option<Usage>,
    #[serde(default)]
    error: Option<Value>,
}

#[derive(Debug, Deserialize)]
struct ChunkChoice {
    #[serde(default)]
    delta: Option<Message>,
    #[serde(default)]
    finish_reason: Option<String>,
}

impl OpenAiCompatible {
    /// Sends `body`; an answer that is not a success is the error it says.
    async fn send(&self, body: &Value) -> Result<reqwest::Response, ProviderError> {
        let url = self.base.join("chat/completions").expect("a relative path joins");
        let mut call = self.transport.http.post(url).timeout(self.transport.timeout).json(body);
        if let Some(key) = &self.key {
            call = call.bearer_auth(key.expose_secret());
        }
        let response = call.send().await.map_err(|e| transport_error(&e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(answer_error(response, self.key.as_ref()).await)
    }
}

#[async_trait::async_trait]
impl ChatProvider for OpenAiCompatible {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        let response = self.send(&Self::body(request)).await?;
        let completion: Completion =
            decode_answer(&read_body(response, self.transport.max_answer_bytes).await?)?;
        let latency = started.elapsed();
        let choice = completion.choices.into_iter().next().ok_or_else(|| {
            ProviderError::new(ErrorKind::ProviderError, "the answer has no choices")
        })?;
        let usage = completion.usage.unwrap_or(Usage { prompt_tokens: 0, completion_tokens: 0 });
        Ok(ChatResponse {
            text: choice.message.content.unwrap_or_default(),
            tokens_in: usage.prompt_tokens,
            tokens_out: usage.completion_tokens,
            latency,
            finish_reason: choice.finish_reason,
        })
    }

    async fn stream(
        &self,
        request: &ChatRequest,
        deltas: &mut Deltas,
    ) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        let mut body = Self::body(request);
        body["stream"] = true.into();
        // The usage comes in a last chunk, only when asked for.
        body["stream_options"] = json!({"include_usage": true});
        let response = self.send(&body).await?;
        let mut events = EventReader::new(response, self.transport.max_answer_bytes);
        let mut answer = ChatResponse {
            text: String::new(),
            tokens_in: 0,
            tokens_out: 0,
            latency: Duration::ZERO,
            finish_reason: None,
        };
        while let Some(event) = events.next().await? {
            if event.data == "[DONE]" {
                break;
            }
            let chunk: Chunk = decode_answer(event.data.as_bytes())?;
            if let Some(error) = chunk.error {
                let message = redact(&error_message(&error.to_string()), self.key.as_ref());
                return Err(ProviderError::new(ErrorKind::ProviderError, message));
            }
            for choice in chunk.choices {
                if let Some(text) = choice.delta.and_then(|delta| delta.content) {
                    deltas.send(&text);
                    answer.text.push_str(&text);
                }
                answer.finish_reason = choice.finish_reason.or(answer.finish_reason);
            }
            if let Some(usage) = chunk.usage {
                (answer.tokens_in, answer.tokens_out) =
                    (usage.prompt_tokens, usage.completion_tokens);
            }
        }
        answer.latency = started.elapsed();
        Ok(answer)
    }
}

/// The `error.message` of an OpenAI-style error body, or the start of the body.
pub(crate) fn error_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let message = parsed.as_ref().and_then(|v| {
        v.pointer("/error/message")
            .or_else(|| v.get("message"))
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
    });
    match message {
        Some(message) => message.to_owned(),
        None => body.chars().take(300).collect(),
    }
}

/// The error a failed answer says: its status's kind, its message without the key, and how long
/// the provider asked us to wait.
pub(crate) async fn answer_error(
    response: reqwest::Response,
    key: Option<&SecretString>,
) -> ProviderError {
    let status = response.status();
    let wait = retry_after(response.headers());
    let text = error_body(response).await;
    let message = redact(&error_message(&text), key);
    ProviderError {
        kind: status_kind(status),
        message: format!("HTTP {}: {message}", status.as_u16()),
        retry_after: wait,
    }
}

/// Removes the key from text a provider echoed back.
pub(crate) fn redact(text: &str, key: Option<&SecretString>) -> String {
    match key.map(|k| k.expose_secret()).filter(|k| k.len() >= 8) {
        Some(key) => text.replace(key, "<redacted>"),
        None => text.to_owned(),
    }
}
