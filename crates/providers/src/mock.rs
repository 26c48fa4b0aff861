//! A deterministic model that needs no network: for `dev`, demos and tests. The answer is a pure
//! function of the request, so runs are reproducible.
//!
//! Models: `echo` (repeats the prompt), `reverse` (its words reversed), `judge` (a grader's
//! verdict `<response>{"score", "pass", "reason"}</response>` derived from the text), `fail`
//! (always a retryable provider error).

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::{ChatProvider, ChatRequest, ChatResponse, ErrorKind, ProviderError};

#[derive(Debug, Clone, Default)]
pub struct Mock {
    latency: Duration,
}

impl Mock {
    pub fn new(latency: Duration) -> Self {
        Self { latency }
    }

    fn answer(model: &str, user: &str) -> Result<String, ProviderError> {
        Ok(match model {
            "echo" => user.to_owned(),
            "reverse" => user.split_whitespace().rev().collect::<Vec<_>>().join(" "),
            "judge" => {
                let digest = Sha256::digest(user.as_bytes());
                let score = f64::from(u16::from_be_bytes([digest[0], digest[1]]) % 101) / 100.0;
                let verdict = serde_json::json!({
                    "score": score,
                    "pass": score >= 0.5,
                    "reason": format!("mock verdict {}", hex::encode(&digest[..3])),
                });
                format!("Checked.\n<response>{verdict}</response>")
            }
            "fail" => {
                return Err(ProviderError::new(
                    ErrorKind::ProviderError,
                    "mock model `fail` always fails",
                ));
            }
            other => {
                return Err(ProviderError::new(
                    ErrorKind::InvalidRequest,
                    format!("the mock has no model `{other}`"),
                ));
            }
        })
    }
}

fn words(text: &str) -> u32 {
    u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX)
}

#[async_trait::async_trait]
impl ChatProvider for Mock {
    async fn complete(&self, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        let started = Instant::now();
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        let text = Self::answer(&request.model, &request.user)?;
        let tokens_in = words(&request.user) + request.system.as_deref().map_or(0, words);
        Ok(ChatResponse {
            tokens_in,
            tokens_out: words(&text),
            text,
            latency: started.elapsed(),
            finish_reason: Some("stop".into()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ModelParams;

    fn request(model: &str, user: &str) -> ChatRequest {
        ChatRequest {
            model: model.into(),
            system: Some("be brief".into()),
            user: user.into(),
            params: ModelParams::default(),
        }
    }

    #[tokio::test]
    async fn answers_are_a_function_of_the_request() {
        let mock = Mock::default();
        let echo = mock.complete(&request("echo", "one two three")).await.unwrap();
        assert_eq!((echo.text.as_str(), echo.tokens_in, echo.tokens_out), ("one two three", 5, 3));
        let reverse = mock.complete(&request("reverse", "one two three")).await.unwrap();
        assert_eq!(reverse.text, "three two one");
        let judge_a = mock.complete(&request("judge", "output A")).await.unwrap();
        let judge_b = mock.complete(&request("judge", "output A")).await.unwrap();
        assert_eq!(judge_a.text, judge_b.text);
        assert!(judge_a.text.contains("<response>{"), "{}", judge_a.text);
        let fail = mock.complete(&request("fail", "x")).await.unwrap_err();
        assert_eq!(fail.kind, ErrorKind::ProviderError);
        assert_eq!(
            mock.complete(&request("gpt", "x")).await.unwrap_err().kind,
            ErrorKind::InvalidRequest
        );
    }
}
