//! Access tokens (short-lived JWTs) and opaque random tokens (refresh, reset).

use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Access-token lifetime.
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
/// Refresh-token (session) lifetime.
pub const REFRESH_TTL_DAYS: i64 = 30;

/// What an access token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// Tenant id (absent for platform admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tid: Option<Uuid>,
    pub role: String,
    /// Store memberships at issue time.
    #[serde(default)]
    pub stores: Vec<Uuid>,
    /// Session id.
    pub sid: Uuid,
    pub name: String,
    pub iat: i64,
    pub exp: i64,
}

/// How many verified tokens [`JwtKeys::verify`] remembers.
const VERIFIED_CACHE: usize = 4096;

/// Keys for signing and checking access tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// Tokens whose signature these keys have checked, with their claims. A
    /// client sends the same token with every request until it refreshes, and a
    /// lookup costs a fraction of decoding and checking it again.
    verified: Arc<Mutex<HashMap<Box<str>, Claims>>>,
}

impl JwtKeys {
    /// HS256 keys from a shared secret.
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: Arc::default(),
        }
    }

    /// Signs claims.
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.encoding,
        )?)
    }

    /// Verifies signature and expiry.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let now = chrono::Utc::now().timestamp();
        let fresh = |c: &Claims| c.exp >= now - self.validation.leeway as i64;
        if let Some(claims) = self.cached(token) {
            return fresh(&claims).then_some(claims);
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        let mut verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if verified.len() >= VERIFIED_CACHE {
            verified.retain(|_, c| fresh(c));
            if verified.len() >= VERIFIED_CACHE {
                verified.clear();
            }
        }
        verified.insert(token.into(), claims.clone());
        Some(claims)
    }

    fn cached(&self, token: &str) -> Option<Claims> {
        let verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        verified.get(token).cloned()
    }
}

/// A fresh 256-bit random token, URL-safe.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of the token.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A platform admin's claims expiring `secs` from now.
    fn claims(secs: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: Uuid::now_v7(),
            tid: None,
            role: "platform_admin".into(),
            stores: vec![],
            sid: Uuid::now_v7(),
            name: "A".into(),
            iat: now,
            exp: now + secs,
        }
    }

    #[test]
    fn sign_and_verify() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let claims = claims(60);
        let t = keys.sign(&claims).unwrap();
        assert_eq!(keys.verify(&t).unwrap().sub, claims.sub);
        let other = JwtKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&t).is_none());
        let expired = Claims {
            exp: claims.exp - 120,
            ..claims
        };
        assert!(keys.verify(&keys.sign(&expired).unwrap()).is_none());
    }

    #[test]
    fn remembered_tokens_still_expire_and_the_memory_is_bounded() {
        let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef");
        let now = chrono::Utc::now().timestamp();
        let t = keys.sign(&claims(60)).unwrap();
        let first = keys.verify(&t).unwrap();
        assert_eq!(keys.verify(&t).unwrap().sub, first.sub);
        // Remembered, then past its expiry (and the leeway): refused.
        keys.verified
            .lock()
            .unwrap()
            .get_mut(t.as_str())
            .unwrap()
            .exp = now - 6;
        assert!(keys.verify(&t).is_none());
        // A token remembered by other keys proves nothing to these.
        assert!(
            JwtKeys::new(b"another-secret-another-secret-xx")
                .verify(&t)
                .is_none()
        );
        for _ in 0..VERIFIED_CACHE + 10 {
            keys.verify(&keys.sign(&claims(60)).unwrap()).unwrap();
        }
        assert!(keys.verified.lock().unwrap().len() <= VERIFIED_CACHE);
    }

    #[test]
    fn tokens_are_unique_and_hashed() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 32);
    }
}
