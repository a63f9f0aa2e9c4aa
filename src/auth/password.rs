//! Password hashing (argon2id) and the password policy.

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::http::error::ApiError;

/// Shortest accepted password, in characters.
pub const MIN_LEN: usize = 10;
/// Longest accepted password, in characters.
pub const MAX_LEN: usize = 128;

static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect()
});

/// A hash of a random password, verified against when the account does not
/// exist so the response time does not reveal who has an account.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("no-such-account-0f3c9a").expect("hashing the dummy password"));

fn argon2() -> Argon2<'static> {
    // OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the policy; `field` names the input in the error.
pub fn check_policy(field: &str, password: &str, email: Option<&str>) -> Result<(), ApiError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(ApiError::invalid(field, "must be at least 10 characters"));
    }
    if n > MAX_LEN {
        return Err(ApiError::invalid(field, "must be at most 128 characters"));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(lower.as_str()) {
        return Err(ApiError::invalid(
            field,
            "is one of the most common passwords; choose another",
        ));
    }
    if email.is_some_and(|e| e.eq_ignore_ascii_case(password)) {
        return Err(ApiError::invalid(field, "must not be your email address"));
    }
    Ok(())
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let hashed: Result<PasswordHash, _> = argon2().hash_password(password.as_bytes());
    hashed
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Hashes off the async runtime.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(ApiError::Internal)
}

/// Verifies off the async runtime; `None` checks against the dummy hash and fails.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let (stored, real) = match stored {
            Some(s) => (s, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let ok = PasswordHash::new(&stored)
            .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(check_policy("p", "short", None).is_err());
        assert!(check_policy("p", &"x".repeat(129), None).is_err());
        assert!(check_policy("p", "1234567890", None).is_err(), "common");
        assert!(
            check_policy("p", "Password123", None).is_err(),
            "common, any case"
        );
        assert!(check_policy("p", "a@b.example", Some("A@B.example")).is_err());
        assert!(check_policy("p", "tanishq-gold-rate", None).is_ok());
        assert!(COMMON.len() >= 10_000);
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(h)).await);
        assert!(!verify("anything at all".into(), None).await);
    }
}
