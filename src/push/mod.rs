//! Web Push: VAPID (RFC 8292) signed requests carrying payloads encrypted with
//! RFC 8291 (`aes128gcm`), sent by a job so retries and dead letters come free.

use actix_web::{HttpResponse, delete, get, post, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use ring::{aead, agreement, hkdf};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::auth::Auth;
use crate::db::schema::{push_subscriptions, settings};
use crate::db::{Conn, Db};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::Json;
use crate::jobs::{Job, JobResult};
use crate::state::AppState;

/// Job kind that delivers one notification to a user's browsers.
pub const PUSH_JOB: &str = "push.send";
const VAPID_SETTING: &str = "vapid.pkcs8";
/// Record size announced in the aes128gcm header.
const RECORD_SIZE: u32 = 4096;

/// The server's VAPID key pair (one per deployment, stored in the database).
#[derive(Clone)]
pub struct Vapid {
    pkcs8: Vec<u8>,
    public: Vec<u8>,
}

impl Vapid {
    /// Loads the key, generating and storing it on first use (all nodes agree:
    /// the first insert wins).
    pub async fn load_or_create(db: &Db) -> anyhow::Result<Vapid> {
        let rng = SystemRandom::new();
        let fresh = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| anyhow::anyhow!("cannot generate a VAPID key"))?;
        let fresh = B64.encode(fresh.as_ref());
        let stored: String = db
            .platform_tx(async |c| {
                diesel::insert_into(settings::table)
                    .values((settings::key.eq(VAPID_SETTING), settings::value.eq(&fresh)))
                    .on_conflict_do_nothing()
                    .execute(c)
                    .await?;
                Ok(settings::table
                    .find(VAPID_SETTING)
                    .select(settings::value)
                    .first(c)
                    .await?)
            })
            .await
            .map_err(|e| anyhow::anyhow!("loading the VAPID key: {e:?}"))?;
        let pkcs8 = B64.decode(stored)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &pkcs8, &rng)
            .map_err(|_| anyhow::anyhow!("the stored VAPID key is unreadable"))?;
        Ok(Vapid {
            public: pair.public_key().as_ref().to_vec(),
            pkcs8,
        })
    }

    /// The public key as browsers want it (`applicationServerKey`).
    pub fn public_key(&self) -> String {
        B64.encode(&self.public)
    }

    /// The `Authorization` header for a push to `endpoint` (RFC 8292).
    pub fn authorization(&self, endpoint: &str, subject: &str) -> anyhow::Result<String> {
        let aud = origin(endpoint).ok_or_else(|| anyhow::anyhow!("bad endpoint"))?;
        let exp = chrono::Utc::now().timestamp() + 12 * 3600;
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims =
            B64.encode(serde_json::json!({ "aud": aud, "exp": exp, "sub": subject }).to_string());
        let signing_input = format!("{header}.{claims}");
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &self.pkcs8, &rng)
            .map_err(|_| anyhow::anyhow!("VAPID key"))?;
        let sig = pair
            .sign(&rng, signing_input.as_bytes())
            .map_err(|_| anyhow::anyhow!("signing failed"))?;
        Ok(format!(
            "vapid t={signing_input}.{}, k={}",
            B64.encode(sig.as_ref()),
            self.public_key()
        ))
    }
}

/// `scheme://host[:port]` of an absolute URL with a host.
fn origin(url: &str) -> Option<&str> {
    let o = crate::realtime::origin_of(url);
    o.split_once("://")
        .is_some_and(|(_, host)| !host.is_empty())
        .then_some(o)
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn expand(prk: &hkdf::Prk, info: &[u8], len: usize) -> anyhow::Result<Vec<u8>> {
    let mut out = vec![0; len];
    prk.expand(&[info], Len(len))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| anyhow::anyhow!("hkdf"))?;
    Ok(out)
}

/// Derives the content key and nonce of RFC 8291 from the shared secret.
pub fn derive(
    ecdh: &[u8],
    auth: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    salt: &[u8],
) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    let prk_key = hkdf::Salt::new(hkdf::HKDF_SHA256, auth).extract(ecdh);
    let mut key_info = b"WebPush: info\0".to_vec();
    key_info.extend_from_slice(ua_public);
    key_info.extend_from_slice(as_public);
    let ikm = expand(&prk_key, &key_info, 32)?;
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    Ok((
        expand(&prk, b"Content-Encoding: aes128gcm\0", 16)?,
        expand(&prk, b"Content-Encoding: nonce\0", 12)?,
    ))
}

/// Encrypts `payload` for a subscription (one aes128gcm record).
pub fn encrypt(ua_public: &[u8], auth: &[u8], payload: &[u8]) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        payload.len() < RECORD_SIZE as usize - 17,
        "payload too large for one record"
    );
    let rng = SystemRandom::new();
    let ephemeral = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| anyhow::anyhow!("ecdh key"))?;
    let as_public = ephemeral
        .compute_public_key()
        .map_err(|_| anyhow::anyhow!("ecdh key"))?
        .as_ref()
        .to_vec();
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, ua_public);
    let ecdh = agreement::agree_ephemeral(ephemeral, &peer, |s| s.to_vec())
        .map_err(|_| anyhow::anyhow!("bad p256dh key"))?;
    let mut salt = [0u8; 16];
    rng.fill(&mut salt).map_err(|_| anyhow::anyhow!("rng"))?;
    let (cek, nonce) = derive(&ecdh, auth, ua_public, &as_public, &salt)?;
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_128_GCM, &cek).map_err(|_| anyhow::anyhow!("cek"))?,
    );
    let mut record = payload.to_vec();
    record.push(2); // last-record delimiter
    let nonce =
        aead::Nonce::try_assume_unique_for_key(&nonce).map_err(|_| anyhow::anyhow!("nonce"))?;
    key.seal_in_place_append_tag(nonce, aead::Aad::empty(), &mut record)
        .map_err(|_| anyhow::anyhow!("seal"))?;
    let mut body = salt.to_vec();
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_public.len() as u8);
    body.extend_from_slice(&as_public);
    body.extend_from_slice(&record);
    Ok(body)
}

/// The server's public key.
#[derive(Debug, Serialize, ToSchema)]
pub struct VapidKey {
    /// Base64url uncompressed P-256 point, for `pushManager.subscribe({applicationServerKey})`.
    pub public_key: String,
}

/// The key browsers subscribe with.
#[utoipa::path(
    get, path = "/api/v1/push/vapid-key", tag = "push",
    responses((status = 200, body = VapidKey), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/push/vapid-key")]
pub async fn vapid_key(state: web::Data<AppState>, _auth: Auth) -> web::Json<VapidKey> {
    web::Json(VapidKey {
        public_key: state.vapid.public_key(),
    })
}

/// Keys of a browser subscription (`PushSubscription.toJSON().keys`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionKeys {
    pub p256dh: String,
    pub auth: String,
}

/// A browser's push subscription.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Subscribe {
    pub endpoint: String,
    pub keys: SubscriptionKeys,
    /// Ignored (browsers send it).
    #[serde(default, rename = "expirationTime")]
    pub expiration_time: Option<serde_json::Value>,
}

/// An endpoint to forget.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unsubscribe {
    pub endpoint: String,
}

fn check_endpoint(endpoint: &str) -> Result<(), ApiError> {
    let ok = endpoint.len() <= 1000
        && (endpoint.starts_with("https://")
            // Local push services (tests, development) only on loopback.
            || endpoint.starts_with("http://127.0.0.1:")
            || endpoint.starts_with("http://localhost:"))
        && origin(endpoint).is_some();
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "endpoint",
            "must be an https push service URL",
        ))
    }
}

/// Register this browser for push notifications.
#[utoipa::path(
    post, path = "/api/v1/push/subscriptions", tag = "push", request_body = Subscribe,
    responses((status = 201, description = "Subscribed"), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/push/subscriptions")]
pub async fn subscribe(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<Subscribe>,
) -> Result<HttpResponse, ApiError> {
    let tenant = auth.tenant()?;
    let s = body.0;
    check_endpoint(&s.endpoint)?;
    let p256dh = B64
        .decode(s.keys.p256dh.trim_end_matches('='))
        .ok()
        .filter(|k| k.len() == 65 && k[0] == 4);
    if p256dh.is_none() {
        return Err(ApiError::invalid(
            "keys.p256dh",
            "must be a base64url P-256 public key",
        ));
    }
    if B64
        .decode(s.keys.auth.trim_end_matches('='))
        .ok()
        .filter(|a| a.len() == 16)
        .is_none()
    {
        return Err(ApiError::invalid(
            "keys.auth",
            "must be a base64url 16-byte secret",
        ));
    }
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            // The same browser re-subscribing replaces its old keys (and owner).
            diesel::delete(
                push_subscriptions::table.filter(push_subscriptions::endpoint.eq(&s.endpoint)),
            )
            .execute(c)
            .await?;
            diesel::insert_into(push_subscriptions::table)
                .values((
                    push_subscriptions::id.eq(Uuid::now_v7()),
                    push_subscriptions::tenant_id.eq(tenant),
                    push_subscriptions::user_id.eq(auth.user_id),
                    push_subscriptions::endpoint.eq(&s.endpoint),
                    push_subscriptions::p256dh.eq(s.keys.p256dh.trim_end_matches('=')),
                    push_subscriptions::auth.eq(s.keys.auth.trim_end_matches('=')),
                ))
                .execute(c)
                .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::Created().finish())
}

/// Stop pushing to this browser.
#[utoipa::path(
    delete, path = "/api/v1/push/subscriptions", tag = "push", request_body = Unsubscribe,
    responses((status = 204, description = "Unsubscribed"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/push/subscriptions")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<Unsubscribe>,
) -> Result<HttpResponse, ApiError> {
    let tenant = auth.tenant()?;
    let n = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            Ok(diesel::delete(
                push_subscriptions::table
                    .filter(push_subscriptions::endpoint.eq(&body.0.endpoint))
                    .filter(push_subscriptions::user_id.eq(auth.user_id)),
            )
            .execute(c)
            .await?)
        })
        .await?;
    if n == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Queues a push of `notification` to `user` (caller decides whether one is due).
pub async fn enqueue(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    notification: &serde_json::Value,
) -> Result<(), ApiError> {
    let job = crate::jobs::NewJob {
        kind: PUSH_JOB,
        tenant_id: Some(tenant),
        payload: serde_json::json!({ "user_id": user, "notification": notification }),
        run_at: None,
        max_attempts: 5,
        dedupe_key: None,
    };
    crate::jobs::enqueue(c, job).await.map(|_| ())
}

/// The push job: encrypt for every subscription of the user and send; a 404 or
/// 410 from the push service removes that subscription; other failures retry.
pub async fn send_job(db: Db, vapid: Vapid, subject: String, job: Job) -> JobResult {
    let tenant = job.tenant_id.ok_or("push job without tenant")?;
    let user: Uuid =
        serde_json::from_value(job.payload["user_id"].clone()).map_err(|e| e.to_string())?;
    let body = job.payload["notification"].to_string();
    let subs: Vec<(Uuid, String, String, String)> = db
        .tenant_tx(tenant, user, async |c| {
            Ok(push_subscriptions::table
                .filter(push_subscriptions::user_id.eq(user))
                .select((
                    push_subscriptions::id,
                    push_subscriptions::endpoint,
                    push_subscriptions::p256dh,
                    push_subscriptions::auth,
                ))
                .load(c)
                .await?)
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
    let client = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .finish();
    let mut failures = vec![];
    for (id, endpoint, p256dh, auth) in subs {
        let sent = async {
            let ua = B64.decode(&p256dh)?;
            let secret = B64.decode(&auth)?;
            let payload = encrypt(&ua, &secret, body.as_bytes())?;
            let res = client
                .post(&endpoint)
                .insert_header(("TTL", "86400"))
                .insert_header(("Content-Encoding", "aes128gcm"))
                .insert_header(("Content-Type", "application/octet-stream"))
                .insert_header((
                    "Urgency",
                    if job.payload["notification"]["urgent"] == true {
                        "high"
                    } else {
                        "normal"
                    },
                ))
                .insert_header(("Authorization", vapid.authorization(&endpoint, &subject)?))
                .send_body(payload)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::Ok(res.status().as_u16())
        }
        .await;
        match sent {
            Ok(s) if (200..300).contains(&s) => {}
            Ok(404) | Ok(410) => {
                let _ = db
                    .tenant_tx(tenant, user, async |c| {
                        diesel::delete(push_subscriptions::table.find(id))
                            .execute(c)
                            .await?;
                        Ok(())
                    })
                    .await;
                tracing::info!(push.subscription = %id, "push subscription expired; removed");
            }
            Ok(s) => failures.push(format!("{endpoint}: HTTP {s}")),
            Err(e) => failures.push(format!("{endpoint}: {e}")),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/abc"),
            Some("https://fcm.googleapis.com")
        );
        assert!(check_endpoint("http://evil.example/x").is_err());
        assert!(check_endpoint("https://updates.push.services.mozilla.com/wpush/v2/x").is_ok());
    }
}
