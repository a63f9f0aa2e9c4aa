//! Sign-in, tokens, sessions, passwords, throttling.

use karat::auth::rbac::Role;
use karat::auth::tokens::{Claims, JwtKeys};
use serde_json::json;

use crate::common::{PASSWORD, T, TestApp};

#[actix_web::test]
async fn login_me_and_bad_credentials() {
    let app = TestApp::spawn().await;
    let email = app.email(T::A, Role::Manager);
    let login = app.login_as(&email).await;
    assert_eq!(login["expires_in"], 900);
    assert_eq!(login["user"]["role"], "manager");
    let token = login["access_token"].as_str().unwrap();
    let me = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["tenant"]["id"], app.a.id.to_string());
    assert!(
        me.body["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("users.manage"))
    );

    // Case-insensitive e-mail.
    let upper = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email.to_uppercase(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(upper.status, 200);

    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "not-the-password"}),
        )
        .await;
    wrong.problem(401);
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.test", "password": PASSWORD}),
        )
        .await;
    unknown.problem(401);
    assert_eq!(
        wrong.body["detail"], unknown.body["detail"],
        "no account enumeration"
    );

    app.get("/api/v1/me", None).await.problem(401);
    app.get("/api/v1/me", Some("garbage")).await.problem(401);

    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let me = app.get("/api/v1/me", Some(&pa)).await;
    assert_eq!(me.status, 200);
    assert!(me.body["tenant"].is_null());
}

#[actix_web::test]
async fn expired_or_forged_access_token_is_401() {
    let app = TestApp::spawn().await;
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: app.user_id(T::A, Role::BusinessAdmin),
        tid: Some(app.a.id),
        role: "business_admin".into(),
        stores: vec![],
        sid: uuid::Uuid::now_v7(),
        name: "x".into(),
        iat: now - 3600,
        exp: now - 1800,
    };
    let expired = JwtKeys::new(b"test-secret-test-secret-test-secret!")
        .sign(&claims)
        .unwrap();
    app.get("/api/v1/me", Some(&expired)).await.problem(401);
    let forged = JwtKeys::new(b"someone-elses-secret-someone-elses")
        .sign(&Claims {
            exp: now + 600,
            ..claims
        })
        .unwrap();
    app.get("/api/v1/me", Some(&forged)).await.problem(401);
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let login = app.login_as(&app.email(T::A, Role::SalesRep)).await;
    let r0 = login["refresh_token"].as_str().unwrap().to_string();

    let first = app
        .post("/api/v1/auth/refresh", None, json!({"refresh_token": r0}))
        .await;
    assert_eq!(first.status, 200, "{first:?}");
    let r1 = first.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r0, r1);
    assert_eq!(
        app.get("/api/v1/me", first.body["access_token"].as_str())
            .await
            .status,
        200
    );

    // The old token again: theft. The whole session dies, including r1.
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": r0}))
        .await
        .problem(401);
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await
        .problem(401);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": "made-up"}),
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn logout_and_revoked_sessions_cannot_refresh() {
    let app = TestApp::spawn().await;
    let email = app.email(T::A, Role::Telecaller);
    let one = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
        .body;
    let two = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
        .body;
    let t1 = one["access_token"].as_str().unwrap();

    let list = app.get("/api/v1/auth/sessions", Some(t1)).await;
    assert_eq!(list.status, 200);
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    let other = items.iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Revoke session two from session one.
    let del = app
        .req(
            awc::http::Method::DELETE,
            &format!("/api/v1/auth/sessions/{other}"),
            Some(t1),
            None,
        )
        .await;
    assert_eq!(del.status, 204, "{del:?}");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": two["refresh_token"]}),
    )
    .await
    .problem(401);
    // Someone else's session id is simply not found.
    let stranger = app.token(T::A, Role::Marketing).await;
    app.req(
        awc::http::Method::DELETE,
        &format!("/api/v1/auth/sessions/{other}"),
        Some(&stranger),
        None,
    )
    .await
    .problem(404);

    // Logout kills session one.
    let out = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": one["refresh_token"]}),
        )
        .await;
    assert_eq!(out.status, 204);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": one["refresh_token"]}),
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn account_throttling_refuses_even_the_right_password() {
    let app =
        TestApp::spawn_with(&["--login-max-failures", "3", "--login-lock-seconds", "120"]).await;
    let email = app.email(T::A, Role::Marketing);
    for _ in 0..3 {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "wrong-password-1"}),
        )
        .await
        .problem(401);
    }
    let locked = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    locked.problem(429);
    let retry: u64 = locked
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=120).contains(&retry), "Retry-After {retry}");
    // Other accounts are unaffected.
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": app.email(T::A, Role::SalesRep), "password": PASSWORD})
        )
        .await
        .status,
        200
    );
}

#[actix_web::test]
async fn ip_throttling_rejects_before_hashing() {
    let app = TestApp::spawn_with(&["--login-ip-per-minute", "3"]).await;
    let email = app.email(T::A, Role::Marketing);
    for _ in 0..3 {
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "wrong-password-1"}),
        )
        .await;
    }
    let started = std::time::Instant::now();
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await;
    r.problem(429);
    assert!(r.headers.get("retry-after").is_some());
    // No argon2 ran: the answer is immediate.
    assert!(
        started.elapsed() < std::time::Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    app.post(
        "/api/v1/auth/password/forgot",
        None,
        json!({"email": email}),
    )
    .await
    .problem(429);
}

#[actix_web::test]
async fn password_reset_by_emailed_token() {
    let app = TestApp::spawn().await;
    let email = app.email(T::B, Role::SalesRep);
    let old = app.login_as(&email).await;
    let r = app
        .post(
            "/api/v1/auth/password/forgot",
            None,
            json!({"email": email}),
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(
        app.post(
            "/api/v1/auth/password/forgot",
            None,
            json!({"email": "ghost@example.test"})
        )
        .await
        .status,
        202
    );
    let mail = app.last_mail(&email).await.expect("reset mail in outbox");
    let token = mail
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    app.post(
        "/api/v1/auth/password/reset",
        None,
        json!({"token": token, "new_password": "password123"}),
    )
    .await
    .problem(422);
    let ok = app
        .post(
            "/api/v1/auth/password/reset",
            None,
            json!({"token": token, "new_password": "navratri-necklace-22k"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{ok:?}");
    // Single use.
    app.post(
        "/api/v1/auth/password/reset",
        None,
        json!({"token": token, "new_password": "another-long-password"}),
    )
    .await
    .problem(422);
    // Old sessions are gone, the old password too, the new one works.
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": old["refresh_token"]}),
    )
    .await
    .problem(401);
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": email, "password": PASSWORD}),
    )
    .await
    .problem(401);
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "navratri-necklace-22k"})
        )
        .await
        .status,
        200
    );
}

#[actix_web::test]
async fn change_password_signs_out_other_sessions() {
    let app = TestApp::spawn().await;
    let email = app.email(T::A, Role::Manager);
    let here = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
        .body;
    let elsewhere = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": PASSWORD}),
        )
        .await
        .body;
    let token = here["access_token"].as_str().unwrap();
    app.post(
        "/api/v1/auth/password/change",
        Some(token),
        json!({"current_password": "wrong-one-here", "new_password": "kundan-choker-set-2026"}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/auth/password/change",
        Some(token),
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .await
    .problem(422);
    let ok = app
        .post(
            "/api/v1/auth/password/change",
            Some(token),
            json!({"current_password": PASSWORD, "new_password": "kundan-choker-set-2026"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{ok:?}");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": elsewhere["refresh_token"]}),
    )
    .await
    .problem(401);
    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": here["refresh_token"]})
        )
        .await
        .status,
        200
    );
    app.post(
        "/api/v1/auth/password/change",
        None,
        json!({"current_password": "x", "new_password": "y"}),
    )
    .await
    .problem(401);
}

#[actix_web::test]
async fn suspended_tenants_and_deactivated_users_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let sales = app.login_as(&app.email(T::B, Role::SalesRep)).await;
    let r = app
        .patch(
            &format!("/api/v1/tenants/{}", app.b.id),
            Some(&pa),
            json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": app.email(T::B, Role::BusinessAdmin), "password": PASSWORD}),
        )
        .await;
    login.problem(401);
    assert!(login.body["detail"].as_str().unwrap().contains("suspended"));
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": sales["refresh_token"]}),
    )
    .await
    .problem(401);
    // Reactivated, they are back.
    app.patch(
        &format!("/api/v1/tenants/{}", app.b.id),
        Some(&pa),
        json!({"status": "active"}),
    )
    .await;
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": app.email(T::B, Role::BusinessAdmin), "password": PASSWORD})
        )
        .await
        .status,
        200
    );

    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let r = app
        .patch(
            &format!("/api/v1/users/{tele}"),
            Some(&ba),
            json!({"active": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    app.post(
        "/api/v1/auth/login",
        None,
        json!({"email": app.email(T::A, Role::Telecaller), "password": PASSWORD}),
    )
    .await
    .problem(401);
}
