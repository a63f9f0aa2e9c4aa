//! The notification centre and presence, over HTTP and live sockets.

use karat::auth::rbac::Role;
use serde_json::json;

use crate::common::{T, TestApp};
use crate::realtime::{ORIGIN, join, next, silent};

async fn next_kind(ws: &mut crate::realtime::Ws, kind: &str) -> serde_json::Value {
    for _ in 0..10 {
        let m = next(ws).await;
        if m["kind"] == kind {
            return m;
        }
    }
    panic!("no {kind} event");
}

#[actix_web::test]
async fn account_changes_notify_the_person_live() {
    let app = TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await;
    let (mut mgr_ws, _) = join(&app, T::A, Role::Manager, None).await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let mgr_id = app.user_id(T::A, Role::Manager);
    let r = app
        .patch(
            &format!("/api/v1/users/{mgr_id}"),
            Some(&owner),
            json!({"store_ids": [app.a.stores[0], app.a.stores[1]]}),
        )
        .await;
    assert_eq!(r.status, 200);
    // The socket was admitted with the old stores: it is told to resume, and
    // the notification arrives before the close or in the replay.
    let mut seen = 0;
    let mut created = None;
    loop {
        let m = next(&mut mgr_ws).await;
        if m["closed"] == 4000 {
            break;
        }
        seen = m["seq"].as_i64().unwrap_or(seen);
        if m["kind"] == "notification.created" {
            created = Some(m);
        }
    }
    let (mut mgr_ws, _) = join(&app, T::A, Role::Manager, Some(seen)).await;
    let e = match created {
        Some(e) => e,
        None => next_kind(&mut mgr_ws, "notification.created").await,
    };
    assert_eq!(e["payload"]["unread_count"], 1);
    assert_eq!(e["payload"]["notification"]["type"], "account.changed");

    assert_eq!(
        app.get("/api/v1/notifications/unread-count", Some(&mgr))
            .await
            .body["count"],
        1
    );
    let list = app
        .get("/api/v1/notifications?unread=true", Some(&mgr))
        .await;
    let id = list.body["items"][0]["id"].as_str().unwrap().to_string();
    // Not yours: 404, whether another user of the tenant or another tenant.
    app.post(
        &format!("/api/v1/notifications/{id}/read"),
        Some(&owner),
        json!({}),
    )
    .await
    .problem(404);
    let other = app.token(T::B, Role::BusinessAdmin).await;
    app.post(
        &format!("/api/v1/notifications/{id}/read"),
        Some(&other),
        json!({}),
    )
    .await
    .problem(404);
    assert!(
        app.get("/api/v1/notifications", Some(&other)).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        app.post(
            &format!("/api/v1/notifications/{id}/read"),
            Some(&mgr),
            json!({})
        )
        .await
        .status,
        204
    );
    let e = next_kind(&mut mgr_ws, "notifications.read").await;
    assert_eq!(e["payload"]["unread_count"], 0);
    assert_eq!(
        app.post("/api/v1/notifications/read-all", Some(&mgr), json!({}))
            .await
            .status,
        204
    );

    // Muted types are not recorded.
    let prefs = app
        .get("/api/v1/notifications/preferences", Some(&mgr))
        .await;
    assert_eq!(prefs.status, 200);
    let mut body = prefs.body.clone();
    for t in body["types"].as_array_mut().unwrap() {
        t["in_app"] = json!(false);
    }
    body["quiet_hours"] = json!({"start": "22:00", "end": "08:00"});
    let saved = app
        .req(
            awc::http::Method::PUT,
            "/api/v1/notifications/preferences",
            Some(&mgr),
            Some(body),
        )
        .await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.body["quiet_hours"]["start"], "22:00");
    app.patch(
        &format!("/api/v1/users/{mgr_id}"),
        Some(&owner),
        json!({"store_ids": [app.a.stores[0]]}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/notifications/unread-count", Some(&mgr))
            .await
            .body["count"],
        0
    );

    // Bad input.
    let put = |b| {
        app.req(
            awc::http::Method::PUT,
            "/api/v1/notifications/preferences",
            Some(&mgr),
            Some(b),
        )
    };
    put(json!({"types": [{"type": "nope", "in_app": true, "push": true}], "quiet_hours": null}))
        .await
        .problem(422);
    put(json!({"types": [], "quiet_hours": {"start": "25:00", "end": "08:00"}}))
        .await
        .problem(422);
    put(json!({"types": "all"})).await.problem(422);
    app.post(
        &format!("/api/v1/notifications/{}/read", uuid::Uuid::now_v7()),
        Some(&mgr),
        json!({}),
    )
    .await
    .problem(404);
    // Platform admins have no tenant notification centre.
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    app.get("/api/v1/notifications", Some(&pa))
        .await
        .problem(403);
    app.get("/api/v1/notifications", None).await.problem(401);
}

/// A business admin's socket on every topic, past its own presence event.
async fn hello_all(app: &TestApp, t: T) -> (crate::realtime::Ws, ()) {
    let token = app.token(t, Role::BusinessAdmin).await;
    let ticket = app
        .post("/api/v1/realtime/ticket", Some(&token), json!({}))
        .await
        .body["ticket"]
        .as_str()
        .unwrap()
        .to_string();
    let mut ws = crate::realtime::open(app, &ticket, ORIGIN).await.unwrap();
    crate::realtime::send(&mut ws, json!({"type": "hello", "v": 1})).await;
    assert_eq!(next(&mut ws).await["type"], "hello");
    let me = app.user_id(t, Role::BusinessAdmin).to_string();
    assert_eq!(
        next_kind(&mut ws, "presence.changed").await["payload"]["user_id"],
        me
    );
    (ws, ())
}

#[actix_web::test]
async fn presence_is_live_and_visible_to_colleagues_only() {
    let app = TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await;
    let (mut owner_ws, _) = hello_all(&app, T::A).await;
    let (mut other_ws, _) = hello_all(&app, T::B).await;
    let mgr_id = app.user_id(T::A, Role::Manager).to_string();
    let (mut mgr_ws, _) = join(&app, T::A, Role::Manager, None).await;
    crate::realtime::send(
        &mut mgr_ws,
        json!({"type": "subscribe", "topics": ["presence"]}),
    )
    .await;
    let e = loop {
        let e = next_kind(&mut owner_ws, "presence.changed").await;
        if e["payload"]["user_id"] == mgr_id {
            break e;
        }
    };
    assert_eq!(e["payload"]["status"], "online");
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let list = app.get("/api/v1/presence", Some(&owner)).await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == mgr_id && p["status"] == "online"),
        "{list:?}"
    );
    // Another tenant sees none of it.
    let b = app.token(T::B, Role::BusinessAdmin).await;
    assert!(
        !app.get("/api/v1/presence", Some(&b)).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == mgr_id)
    );

    crate::realtime::send(&mut mgr_ws, json!({"type": "presence", "status": "busy"})).await;
    let e = next_kind(&mut owner_ws, "presence.changed").await;
    assert_eq!(e["payload"]["status"], "busy");
    crate::realtime::send(&mut mgr_ws, json!({"type": "presence", "status": "asleep"})).await;
    let err = loop {
        let m = next(&mut mgr_ws).await;
        if m["type"] == "error" {
            break m;
        }
    };
    assert_eq!(err["code"], "bad_status");

    drop(mgr_ws);
    let e = next_kind(&mut owner_ws, "presence.changed").await;
    assert_eq!(e["payload"]["status"], "offline");
    silent(&mut other_ws, 200).await;
}
