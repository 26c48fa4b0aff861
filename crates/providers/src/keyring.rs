//! Sealing organizations' provider keys: AES-256-GCM under a key-encryption key (KEK) from the
//! environment, never stored with the data. Each sealed key names its KEK (`kek_id`, a short
//! hash of it), so that the KEK can be rotated: the new one seals, the previous ones still open
//! what they sealed until it is sealed again (see [`Keyring::stale`]). The organization and the
//! provider are the additional data: a sealed key copied to another organization or provider
//! does not open.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use base64::{Engine, engine::general_purpose::STANDARD};
use platform::{
    OrgId,
    env::{Env, EnvError},
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The current KEK, base64 of 32 random bytes (`openssl rand -base64 32`).
pub const KEK_SETTING: &str = "PROVIDER_KEYS_KEK";
/// KEKs rotated out, comma-separated: they still open what they sealed.
pub const PREVIOUS_KEKS_SETTING: &str = "PROVIDER_KEYS_PREVIOUS_KEKS";

/// A key as stored: which KEK sealed it, the nonce, the ciphertext with its tag.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Sealed {
    pub kek_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Why a sealed key does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the key was sealed by KEK {0}, which this server does not have")]
    UnknownKek(String),
    #[error("the sealed key is damaged, or belongs to another organization or provider")]
    Damaged,
}

struct Kek {
    id: String,
    key: RandomizedNonceKey,
}

impl Kek {
    fn new(bytes: &[u8]) -> Result<Self, String> {
        let key = RandomizedNonceKey::new(&AES_256_GCM, bytes)
            .map_err(|_| format!("must be 32 bytes (base64), not {}", bytes.len()))?;
        Ok(Self { id: hex::encode(&Sha256::digest(bytes)[..4]), key })
    }
}

/// The KEKs of this server: one seals, all open.
pub struct Keyring {
    current: Kek,
    previous: Vec<Kek>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let previous: Vec<&str> = self.previous.iter().map(|k| k.id.as_str()).collect();
        f.debug_struct("Keyring")
            .field("current", &self.current.id)
            .field("previous", &previous)
            .finish()
    }
}

impl PartialEq for Keyring {
    /// Keyrings are equal when their KEKs are (their ids are hashes of them).
    fn eq(&self, other: &Self) -> bool {
        let ids = |k: &Self| {
            std::iter::once(&k.current)
                .chain(&k.previous)
                .map(|kek| kek.id.clone())
                .collect::<Vec<_>>()
        };
        ids(self) == ids(other)
    }
}

impl Keyring {
    /// The keyring of `PROVIDER_KEYS_KEK` and `PROVIDER_KEYS_PREVIOUS_KEKS`; none without a KEK
    /// (organizations cannot store keys then).
    pub fn from_env(env: &Env) -> Result<Option<Self>, EnvError> {
        let Some(current) = env.get(KEK_SETTING) else { return Ok(None) };
        let kek = |name: &str, text: &str| {
            let bytes = STANDARD
                .decode(text.trim())
                .map_err(|e| EnvError::invalid(name, format!("not base64: {e}")))?;
            Kek::new(&bytes).map_err(|reason| EnvError::invalid(name, reason))
        };
        let current = kek(KEK_SETTING, &current)?;
        let previous = env
            .list(PREVIOUS_KEKS_SETTING)
            .iter()
            .map(|text| kek(PREVIOUS_KEKS_SETTING, text))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Self { current, previous }))
    }

    /// A keyring of raw 32-byte KEKs (tests, `dev`).
    pub fn new(current: &[u8; 32], previous: &[[u8; 32]]) -> Self {
        let kek = |bytes: &[u8]| Kek::new(bytes).expect("32 bytes");
        Self { current: kek(current), previous: previous.iter().map(|p| kek(p)).collect() }
    }

    /// The id of the KEK that seals.
    pub fn current_id(&self) -> &str {
        &self.current.id
    }

    /// Whether `sealed` should be sealed again by the current KEK.
    pub fn stale(&self, sealed: &Sealed) -> bool {
        sealed.kek_id != self.current.id
    }

    pub fn seal(&self, org: OrgId, provider: &str, key: &SecretString) -> Sealed {
        let mut in_out = key.expose_secret().as_bytes().to_vec();
        let nonce = self
            .current
            .key
            .seal_in_place_append_tag(aad(org, provider), &mut in_out)
            .expect("sealing in memory does not fail");
        Sealed {
            kek_id: self.current.id.clone(),
            nonce: nonce.as_ref().to_vec(),
            ciphertext: in_out,
        }
    }

    pub fn open(
        &self,
        org: OrgId,
        provider: &str,
        sealed: &Sealed,
    ) -> Result<SecretString, OpenError> {
        let kek = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == sealed.kek_id)
            .ok_or_else(|| OpenError::UnknownKek(sealed.kek_id.clone()))?;
        let nonce: [u8; NONCE_LEN] =
            sealed.nonce.as_slice().try_into().map_err(|_| OpenError::Damaged)?;
        let mut in_out = sealed.ciphertext.clone();
        let plain = kek
            .key
            .open_in_place(Nonce::assume_unique_for_key(nonce), aad(org, provider), &mut in_out)
            .map_err(|_| OpenError::Damaged)?;
        let text = std::str::from_utf8(plain).map_err(|_| OpenError::Damaged)?;
        Ok(text.to_owned().into())
    }
}

/// What a sealed key is bound to.
fn aad(org: OrgId, provider: &str) -> Aad<Vec<u8>> {
    Aad::from(format!("promptrefine provider key\0{org}\0{provider}").into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(n: u128) -> OrgId {
        OrgId(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_sealed_key_opens_for_its_organization_and_provider_only() {
        let keyring = Keyring::new(&[7; 32], &[]);
        let key: SecretString = "sk-live-1234".to_owned().into();
        let sealed = keyring.seal(org(1), "openai", &key);
        assert!(!sealed.ciphertext.windows(4).any(|w| w == b"1234"), "not in the clear");
        assert_eq!(
            keyring.open(org(1), "openai", &sealed).unwrap().expose_secret(),
            "sk-live-1234"
        );
        assert_eq!(keyring.open(org(2), "openai", &sealed).unwrap_err(), OpenError::Damaged);
        assert_eq!(keyring.open(org(1), "groq", &sealed).unwrap_err(), OpenError::Damaged);
        let mut flipped = sealed.clone();
        flipped.ciphertext[0] ^= 1;
        assert_eq!(keyring.open(org(1), "openai", &flipped).unwrap_err(), OpenError::Damaged);
        let again = keyring.seal(org(1), "openai", &key);
        assert_ne!(again.nonce, sealed.nonce, "a nonce is never reused");
    }

    #[test]
    fn after_a_rotation_the_previous_kek_still_opens_and_the_new_one_seals() {
        let old = Keyring::new(&[1; 32], &[]);
        let key: SecretString = "sk-old".to_owned().into();
        let sealed = old.seal(org(1), "openai", &key);
        let rotated = Keyring::new(&[2; 32], &[[1; 32]]);
        assert!(rotated.stale(&sealed));
        assert_eq!(rotated.open(org(1), "openai", &sealed).unwrap().expose_secret(), "sk-old");
        let resealed = rotated.seal(org(1), "openai", &key);
        assert!(!rotated.stale(&resealed));
        let forgotten = Keyring::new(&[2; 32], &[]);
        assert!(matches!(forgotten.open(org(1), "openai", &sealed), Err(OpenError::UnknownKek(_))));
    }

    #[test]
    fn keks_come_from_the_environment_as_base64_of_32_bytes() {
        let env =
            |pairs: &[(&str, &str)]| Keyring::from_env(&Env::from_pairs(pairs.iter().copied()));
        assert!(env(&[]).unwrap().is_none());
        let kek = STANDARD.encode([9u8; 32]);
        let keyring = env(&[(KEK_SETTING, &kek)]).unwrap().unwrap();
        assert_eq!(keyring.current_id(), Keyring::new(&[9; 32], &[]).current_id());
        let short = STANDARD.encode([9u8; 16]);
        let error = env(&[(KEK_SETTING, &short)]).unwrap_err().to_string();
        assert!(error.contains("32 bytes"), "{error}");
        assert!(env(&[(KEK_SETTING, &kek), (PREVIOUS_KEKS_SETTING, "not base64!")]).is_err());
        assert!(!format!("{keyring:?}").contains(&kek), "the KEK is never printed");
    }
}
