//! Web Push end to end: a local push-service stand-in verifies the VAPID JWT
//! and decrypts the RFC 8291 payload with the subscription's private key.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use karat::auth::rbac::Role;
use ring::rand::{SecureRandom, SystemRandom};
use ring::{aead, agreement, signature};
use serde_json::{Value, json};

use crate::common::{T, TestApp};

/// What the stand-in received.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub path: String,
    authorization: String,
    encoding: String,
    pub body: Vec<u8>,
}

pub type Inbox = Arc<Mutex<Vec<Delivery>>>;

async fn receive(req: HttpRequest, body: web::Bytes, inbox: web::Data<Inbox>) -> HttpResponse {
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    inbox.lock().unwrap().push(Delivery {
        path: req.path().to_string(),
        authorization: header("authorization"),
        encoding: header("content-encoding"),
        body: body.to_vec(),
    });
    // "gone" subscriptions answer 410, like an unsubscribed browser.
    if req.path().ends_with("/gone") {
        HttpResponse::Gone().finish()
    } else {
        HttpResponse::Created().finish()
    }
}

/// Starts the stand-in on loopback; returns its base URL and inbox.
pub fn push_service() -> (String, Inbox) {
    let inbox: Inbox = Arc::default();
    let data = web::Data::new(inbox.clone());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .default_service(web::to(receive))
    })
    .listen(listener)
    .unwrap()
    .workers(1)
    .disable_signals()
    .run();
    actix_web::rt::spawn(server);
    (format!("http://127.0.0.1:{port}"), inbox)
}

/// A browser's side of a subscription.
pub struct Browser {
    private: agreement::EphemeralPrivateKey,
    public: Vec<u8>,
    auth: [u8; 16],
}

impl Browser {
    pub fn new() -> Browser {
        let rng = SystemRandom::new();
        let private =
            agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng).unwrap();
        let public = private.compute_public_key().unwrap().as_ref().to_vec();
        let mut auth = [0u8; 16];
        rng.fill(&mut auth).unwrap();
        Browser {
            private,
            public,
            auth,
        }
    }

    pub fn keys(&self) -> Value {
        json!({"p256dh": B64.encode(&self.public), "auth": B64.encode(self.auth)})
    }

    /// Decrypts an aes128gcm body (RFC 8188/8291).
    pub fn decrypt(self, body: &[u8]) -> Value {
        let salt = &body[..16];
        let id_len = body[20] as usize;
        let as_public = &body[21..21 + id_len];
        let mut record = body[21 + id_len..].to_vec();
        let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, as_public);
        let ecdh = agreement::agree_ephemeral(self.private, &peer, |s| s.to_vec()).unwrap();
        let (cek, nonce) =
            karat::push::derive(&ecdh, &self.auth, &self.public, as_public, salt).unwrap();
        let key = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &cek).unwrap());
        let plain = key
            .open_in_place(
                aead::Nonce::try_assume_unique_for_key(&nonce).unwrap(),
                aead::Aad::empty(),
                &mut record,
            )
            .expect("payload decrypts with the subscription's keys");
        assert_eq!(plain.last(), Some(&2), "last-record delimiter");
        serde_json::from_slice(&plain[..plain.len() - 1]).unwrap()
    }
}

/// Checks `Authorization: vapid t=<jwt>, k=<key>` against the server's public key.
fn verify_vapid(authorization: &str, server_key: &str, audience: &str) {
    let rest = authorization
        .strip_prefix("vapid t=")
        .expect("vapid scheme");
    let (jwt, k) = rest.split_once(", k=").unwrap();
    assert_eq!(k, server_key, "k is the server's VAPID key");
    let (signing_input, sig) = jwt.rsplit_once('.').unwrap();
    let public = B64.decode(k).unwrap();
    signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &public)
        .verify(signing_input.as_bytes(), &B64.decode(sig).unwrap())
        .expect("VAPID JWT signature verifies");
    let claims: Value = serde_json::from_slice(
        &B64.decode(signing_input.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], audience);
    assert!(claims["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
    assert!(claims["sub"].is_string());
}

pub async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Delivery> {
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    inbox.lock().unwrap().clone()
}

#[actix_web::test]
async fn an_away_user_gets_an_encrypted_vapid_signed_push() {
    let app = TestApp::spawn_with(&["--allowed-origins", crate::realtime::ORIGIN]).await;
    let (service, inbox) = push_service();
    let mgr = app.token(T::A, Role::Manager).await;
    let key = app.get("/api/v1/push/vapid-key", Some(&mgr)).await.body["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(B64.decode(&key).unwrap().len(), 65);

    let browser = Browser::new();
    let gone = Browser::new();
    let sub = |endpoint: String, keys: Value| json!({"endpoint": endpoint, "keys": keys, "expirationTime": null});
    assert_eq!(
        app.post(
            "/api/v1/push/subscriptions",
            Some(&mgr),
            sub(format!("{service}/push/m1"), browser.keys())
        )
        .await
        .status,
        201
    );
    assert_eq!(
        app.post(
            "/api/v1/push/subscriptions",
            Some(&mgr),
            sub(format!("{service}/push/gone"), gone.keys())
        )
        .await
        .status,
        201
    );

    // The manager has no live socket: the account change is pushed.
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr_id = app.user_id(T::A, Role::Manager);
    app.patch(
        &format!("/api/v1/users/{mgr_id}"),
        Some(&owner),
        json!({"store_ids": [app.a.stores[0], app.a.stores[1]]}),
    )
    .await;
    let got = wait_for(&inbox, 2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let d = got.iter().find(|d| d.path == "/push/m1").unwrap();
    assert_eq!(d.encoding, "aes128gcm");
    verify_vapid(&d.authorization, &key, &service);
    let payload = browser.decrypt(&d.body);
    assert_eq!(payload["type"], "account.changed");
    assert_eq!(payload["title"], "Your account changed");

    // The 410 removed the dead subscription; the live one stays.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.count("push_subscriptions").await, 1);

    // With a live socket, a routine notification is not pushed…
    let (_ws, _) = crate::realtime::join(&app, T::A, Role::Manager, None).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.patch(
        &format!("/api/v1/users/{mgr_id}"),
        Some(&owner),
        json!({"store_ids": [app.a.stores[0]]}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(inbox.lock().unwrap().len(), 2, "no push while online");
    // …but an urgent one is.
    let r = app.post("/api/v1/auth/password/change", Some(&mgr), json!({"current_password": crate::common::PASSWORD, "new_password": "ruby-ring-in-gold-22"})).await;
    assert_eq!(r.status, 204);
    assert_eq!(wait_for(&inbox, 3).await.len(), 3);
}

#[actix_web::test]
async fn subscriptions_are_validated_and_private() {
    let app = TestApp::spawn().await;
    let mgr = app.token(T::A, Role::Manager).await;
    let keys = Browser::new().keys();
    let post = |b: Value| app.post("/api/v1/push/subscriptions", Some(&mgr), b);
    post(json!({"endpoint": "http://evil.example/x", "keys": keys}))
        .await
        .problem(422);
    post(json!({"endpoint": "https://push.example/x", "keys": {"p256dh": "short", "auth": "x"}}))
        .await
        .problem(422);
    post(json!({"endpoint": "https://push.example/x"}))
        .await
        .problem(422);
    assert_eq!(
        post(json!({"endpoint": "https://push.example/x", "keys": keys}))
            .await
            .status,
        201
    );
    // Someone else cannot remove it.
    let sales = app.token(T::A, Role::SalesRep).await;
    let body = || Some(json!({"endpoint": "https://push.example/x"}));
    app.req(
        awc::http::Method::DELETE,
        "/api/v1/push/subscriptions",
        Some(&sales),
        body(),
    )
    .await
    .problem(404);
    assert_eq!(
        app.req(
            awc::http::Method::DELETE,
            "/api/v1/push/subscriptions",
            Some(&mgr),
            body()
        )
        .await
        .status,
        204
    );
    app.get("/api/v1/push/vapid-key", None).await.problem(401);
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    app.post(
        "/api/v1/push/subscriptions",
        Some(&pa),
        json!({"endpoint": "https://push.example/y", "keys": keys}),
    )
    .await
    .problem(403);
}
