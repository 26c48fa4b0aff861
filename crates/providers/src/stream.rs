//! Streamed answers: the text as the provider sends it ([`Deltas`]), read from a server-sent
//! events body ([`EventReader`]).

use tokio::sync::mpsc;

use crate::{ErrorKind, ProviderError, transport_error};

/// Where a streamed answer's text goes, piece by piece. Sending never waits: a reader that
/// stopped reading loses the pieces, and the answer is still read to its end (it is paid for).
#[derive(Debug)]
pub struct Deltas {
    to: mpsc::UnboundedSender<String>,
    started: bool,
}

impl Deltas {
    /// The deltas, and where they arrive.
    pub fn channel() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (to, from) = mpsc::unbounded_channel();
        (Self { to, started: false }, from)
    }

    pub fn send(&mut self, text: &str) {
        if !text.is_empty() {
            self.started = true;
            // The receiver is gone when the client stopped reading: nothing to do about it.
            let _ = self.to.send(text.to_owned());
        }
    }

    /// Whether text was sent: from then on, a failed answer cannot be tried again elsewhere.
    pub fn started(&self) -> bool {
        self.started
    }
}

/// One server-sent event.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Event {
    /// `event:`; `None` for the default `message`.
    pub name: Option<String>,
    pub data: String,
}

/// Reads the events of a `text/event-stream` body, refusing a body longer than `max_bytes`.
pub(crate) struct EventReader {
    response: reqwest::Response,
    buffer: Vec<u8>,
    read: usize,
    max_bytes: usize,
}

impl EventReader {
    pub fn new(response: reqwest::Response, max_bytes: usize) -> Self {
        Self { response, buffer: Vec::new(), read: 0, max_bytes }
    }

    /// The next event; `None` at the end of the body.
    pub async fn next(&mut self) -> Result<Option<Event>, ProviderError> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|pair| pair == b"\n\n") {
                let block: Vec<u8> = self.buffer.drain(..end + 2).collect();
                match parse(&String::from_utf8_lossy(&block)) {
                    Some(event) => return Ok(Some(event)),
                    None => continue,
                }
            }
            let Some(chunk) = self.response.chunk().await.map_err(|e| transport_error(&e))? else {
                let rest = std::mem::take(&mut self.buffer);
                return Ok(parse(&String::from_utf8_lossy(&rest)));
            };
            self.read += chunk.len();
            if self.read > self.max_bytes {
                return Err(ProviderError::new(
                    ErrorKind::AnswerTooLarge,
                    format!("the answer is larger than {} bytes", self.max_bytes),
                ));
            }
            // A carriage return cannot occur inside a JSON payload unescaped: dropping them all
            // turns `\r\n` line ends into `\n`.
            self.buffer.extend(chunk.iter().filter(|&&byte| byte != b'\r'));
        }
    }
}

/// The event of one block of lines; `None` for a block of comments only.
fn parse(block: &str) -> Option<Event> {
    let mut event = Event::default();
    let mut has_data = false;
    for line in block.lines() {
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event.name = Some(value.to_owned()),
            "data" => {
                if has_data {
                    event.data.push('\n');
                }
                event.data.push_str(value);
                has_data = true;
            }
            _ => {}
        }
    }
    (has_data || event.name.is_some()).then_some(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_by_their_fields() {
        assert_eq!(
            parse("event: content_block_delta\ndata: {\"a\":1}\n"),
            Some(Event { name: Some("content_block_delta".into()), data: "{\"a\":1}".into() })
        );
        assert_eq!(
            parse("data: one\ndata: two"),
            Some(Event { name: None, data: "one\ntwo".into() })
        );
        assert_eq!(parse(": keep-alive\n"), None);
    }
}
