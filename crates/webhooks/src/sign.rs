//! Signing per the Standard Webhooks specification: the secret is random bytes, shown as
//! `whsec_<base64>`; a delivery carries `webhook-id`, `webhook-timestamp` (Unix seconds) and
//! `webhook-signature: v1,<base64 of HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`.

use base64::{Engine, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// How signing secrets are shown.
pub const SECRET_PREFIX: &str = "whsec_";

/// Random bytes of a secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new secret, base64 (as stored; shown with [`SECRET_PREFIX`]).
pub fn new_secret() -> String {
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    STANDARD.encode(bytes)
}

/// The `webhook-signature` header of `body` sent as message `id` at `timestamp`, signed with
/// the base64 `secret`. `None` if the secret is not base64 (it always is: we made it).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checked by the specification's reference implementation (the `standardwebhooks` crate),
    /// not by our own code.
    #[test]
    fn signatures_verify_with_the_reference_implementation() {
        let secret = new_secret();
        let (id, timestamp, body) = (
            "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W",
            chrono::Utc::now().timestamp(),
            br#"{"type":"ping"}"#,
        );
        let header = signature(&secret, id, timestamp, body).unwrap();
        let mut headers = http::HeaderMap::new();
        headers.insert("webhook-id", id.parse().unwrap());
        headers.insert("webhook-timestamp", timestamp.to_string().parse().unwrap());
        headers.insert("webhook-signature", header.parse().unwrap());
        let reference =
            standardwebhooks::Webhook::new(&format!("{SECRET_PREFIX}{secret}")).unwrap();
        reference.verify(body, &headers).expect("the reference accepts our signature");
        let tampered = br#"{"type":"pong"}"#;
        assert!(reference.verify(tampered, &headers).is_err());
        let other =
            standardwebhooks::Webhook::new(&format!("{SECRET_PREFIX}{}", new_secret())).unwrap();
        assert!(other.verify(body, &headers).is_err());
    }
}
