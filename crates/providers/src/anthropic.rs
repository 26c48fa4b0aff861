//! Anthropic Messages (`POST <base>/messages`).

use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

use crate::{
    ChatProvider, ChatRequest, ChatResponse, ErrorKind, ProviderError, Transport, decode_answer,
    openai::{answer_error, error_message, redact, with_trailing_slash},
    read_body,
    stream::{Deltas, EventReader},
    transport_error,
};

const API_VERSION: &str = "2023-06-01";
/// Anthropic requires `max_tokens`; used when the run does not set it.
const DEFAULT_MAX_TOKENS: u32 = 1024;

#[derive(Debug)]
pub struct Anthropic {
    base: Url,
    key: SecretString,
    transport: Transport,
}

impl Anthropic {
    pub fn new(base: Url, key: SecretString, transport: Transport) -> Self {
        Self { base: with_trailing_slash(base), key, transport }
    }

    fn body(request: &ChatRequest) -> Value {
        let params = &request.params;
        let mut body = json!({
            "model": request.model,
            "max_tokens": params.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
            "messages": [{"role": "user", "content": request.user}],
        });
        if let Some(system) = &request.system {
            body["system"] = system.clone().into();
        }
        if let Some(temperature) = params.temperature {
            body["temperature"] = temperature.into();
        }
        if let Some(top_p) = params.top_p {
            body["top_p"] = top_p.into();
        }
        if !params.stop.is_empty() {
            body["stop_sequences"] = params.stop.clone().into();
        }
        body
    }
}

#[derive(Debug, Deserialize)]
struct MessageResponse {
    #[serde(default)]
    content: Vec<ContentBlock>,
    #[serde(default)]
    stop_reason: Option<String>,
    usage: Usage,
}

#[derive(Debug, Deserialize)]
struct ContentBlock {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Usage {
    #[serde(default)]
    input_tokens: u32,
    #[serde(default)]
    output_tokens: u32,
}

impl Anthropic {
    /// Sends `body`; an answer that is not a success is the error it says.
    async fn send(&self, body: &Value) -> Result<reqwest::Response, ProviderError> {
        let url = self.base.join("messages").expect("a relative path joins");
        let response = self
            .transport
            .http
            .post(url)
            .timeout(self.transport.timeout)
            .header("x-api-key", self.key.expose_secret())
            .header("anthropic-version", API_VERSION)
            .json(body)
            .send()
            .await
            .map_err(|e| transport_error(&e))?;
        if response.status().is_success() {
            return Ok(response);
        }
        // 529 "overloaded" is a 5xx, so retried like any provider error.
        Err(answer_error(response, Some(&self.key)).await)
    }
}

#[async_trait::async_trait]
impl ChatProvider for Anthropic {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        let response = self.send(&Self::body(request)).await?;
        let message: MessageResponse =
            decode_answer(&read_body(response, self.transport.max_answer_bytes).await?)?;
        let text = message
            .content
            .into_iter()
            .filter(|block| block.kind == "text")
            .filter_map(|block| block.text)
            .collect::<Vec<_>>()
            .join("");
        Ok(ChatResponse {
            text,
            tokens_in: message.usage.input_tokens,
            tokens_out: message.usage.output_tokens,
            latency: started.elapsed(),
            finish_reason: message.stop_reason,
        })
    }

    /// Reads `message_start` (input tokens), `content_block_delta` (text), `message_delta`
    /// (output tokens, stop reason) and `error`; skips the rest (`ping`, block starts and stops).
    async fn stream(
        &self,
        request: &ChatRequest,
        deltas: &mut Deltas,
    ) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        let mut body = Self::body(request);
        body["stream"] = true.into();
        let response = self.send(&body).await?;
        let mut events = EventReader::new(response, self.transport.max_answer_bytes);
        let mut answer = ChatResponse {
            text: String::new(),
            tokens_in: 0,
            tokens_out: 0,
            latency: Duration::ZERO,
            finish_reason: None,
        };
        let tokens = |value: Option<&Value>| {
            value.and_then(Value::as_u64).map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
        };
        while let Some(event) = events.next().await? {
            let data: Value = decode_answer(event.data.as_bytes())?;
            match data["type"].as_str().unwrap_or_default() {
                "message_start" => {
                    answer.tokens_in = tokens(data.pointer("/message/usage/input_tokens"));
                }
                "content_block_delta" => {
                    if let Some(text) = data.pointer("/delta/text").and_then(Value::as_str) {
                        deltas.send(text);
                        answer.text.push_str(text);
                    }
                }
                "message_delta" => {
                    answer.tokens_out = tokens(data.pointer("/usage/output_tokens"));
                    if let Some(reason) = data.pointer("/delta/stop_reason").and_then(Value::as_str)
                    {
                        answer.finish_reason = Some(reason.to_owned());
                    }
                }
                "message_stop" => break,
                "error" => {
                    let message = error_message(&data.to_string());
                    return Err(ProviderError::new(
                        ErrorKind::ProviderError,
                        redact(&message, Some(&self.key)),
                    ));
                }
                _ => {}
            }
        }
        answer.latency = started.elapsed();
        Ok(answer)
    }
}
