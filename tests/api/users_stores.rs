//! Users, stores, tenants and audit: the role matrix, bad input, invitations.

use awc::http::Method;
use karat::auth::rbac::Role;
use serde_json::{Value, json};

use crate::common::{ROLES, T, TestApp};

fn unique(tag: &str) -> String {
    format!("{tag}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

/// Expected status per role, in ROLES order.
async fn expect(
    app: &TestApp,
    what: &str,
    expected: [u16; 6],
    call: impl AsyncFn(&TestApp, &str) -> u16,
) {
    for (role, want) in ROLES.into_iter().zip(expected) {
        let token = app.token(T::A, role).await;
        let got = call(app, &token).await;
        assert_eq!(got, want, "{what} as {role:?}");
    }
}

#[actix_web::test]
async fn role_matrix_for_user_management_and_audit() {
    let app = TestApp::spawn().await;
    let store0 = app.a.stores[0];
    let sales = app.user_id(T::A, Role::SalesRep);

    expect(
        &app,
        "GET /users",
        [403, 200, 200, 200, 200, 200],
        async |a, t| a.get("/api/v1/users", Some(t)).await.status,
    )
    .await;
    expect(
        &app,
        "GET /users/{sales}",
        [403, 200, 200, 200, 200, 200],
        async |a, t| {
            a.get(&format!("/api/v1/users/{sales}"), Some(t))
                .await
                .status
        },
    )
    .await;
    expect(&app, "POST /users telecaller", [403, 201, 201, 403, 403, 403], async |a, t| {
        a.post("/api/v1/users", Some(t), json!({"name": "Meena Pillai", "email": format!("{}@example.test", unique("tc")), "role": "telecaller", "store_ids": [store0], "password": "gold-bangle-pair-9"})).await.status
    })
    .await;
    expect(&app, "POST /users manager", [403, 201, 403, 403, 403, 403], async |a, t| {
        a.post("/api/v1/users", Some(t), json!({"name": "Suresh Rao", "email": format!("{}@example.test", unique("mg")), "role": "manager", "store_ids": [store0], "password": "gold-bangle-pair-9"})).await.status
    })
    .await;
    expect(&app, "POST /users platform_admin", [403, 403, 403, 403, 403, 403], async |a, t| {
        a.post("/api/v1/users", Some(t), json!({"name": "Evil", "email": format!("{}@example.test", unique("pa")), "role": "platform_admin", "password": "gold-bangle-pair-9"})).await.status
    })
    .await;
    expect(
        &app,
        "PATCH /users/{sales}",
        [403, 200, 200, 403, 403, 403],
        async |a, t| {
            a.patch(
                &format!("/api/v1/users/{sales}"),
                Some(t),
                json!({"phone": "+919812345678"}),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "GET /stores",
        [403, 200, 200, 200, 200, 200],
        async |a, t| a.get("/api/v1/stores", Some(t)).await.status,
    )
    .await;
    expect(
        &app,
        "POST /stores",
        [403, 201, 403, 403, 403, 403],
        async |a, t| {
            a.post(
                "/api/v1/stores",
                Some(t),
                json!({"name": "Koramangala", "code": unique("K").to_uppercase()}),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "PATCH /stores/{id}",
        [403, 200, 403, 403, 403, 403],
        async |a, t| {
            a.patch(
                &format!("/api/v1/stores/{store0}"),
                Some(t),
                json!({"city": "Bengaluru"}),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "GET /tenants",
        [200, 403, 403, 403, 403, 403],
        async |a, t| a.get("/api/v1/tenants", Some(t)).await.status,
    )
    .await;
    expect(
        &app,
        "POST /tenants",
        [201, 403, 403, 403, 403, 403],
        async |a, t| {
            a.post(
                "/api/v1/tenants",
                Some(t),
                json!({"name": "Swarna Mahal", "slug": unique("swarna")}),
            )
            .await
            .status
        },
    )
    .await;
    let tenant_a = app.a.id;
    expect(
        &app,
        "PATCH /tenants/{id}",
        [200, 403, 403, 403, 403, 403],
        async |a, t| {
            a.patch(
                &format!("/api/v1/tenants/{tenant_a}"),
                Some(t),
                json!({"plan": "premium"}),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "GET /tenants/{own}",
        [200, 200, 200, 200, 200, 200],
        async |a, t| {
            a.get(&format!("/api/v1/tenants/{tenant_a}"), Some(t))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "GET /audit",
        [200, 200, 200, 403, 403, 403],
        async |a, t| a.get("/api/v1/audit", Some(t)).await.status,
    )
    .await;
    expect(
        &app,
        "POST /tenants/{id}/admins",
        [409, 403, 403, 403, 403, 403],
        async |a, t| {
            a.post(
                &format!("/api/v1/tenants/{tenant_a}/admins"),
                Some(t),
                json!({"name": "Second", "email": format!("{}@example.test", unique("ba"))}),
            )
            .await
            .status
        },
    )
    .await;
}

#[actix_web::test]
async fn managers_act_only_within_their_stores() {
    let app = TestApp::spawn().await;
    let mgr = app.token(T::A, Role::Manager).await;
    let [mine, not_mine] = app.a.stores;
    let r = app.post("/api/v1/users", Some(&mgr), json!({"name": "Divya", "email": "divya@example.test", "role": "sales_rep", "store_ids": [not_mine], "password": "ruby-earrings-2026"})).await;
    r.problem(422);
    app.post("/api/v1/users", Some(&mgr), json!({"name": "Divya", "email": "divya@example.test", "role": "sales_rep", "store_ids": [], "password": "ruby-earrings-2026"})).await.problem(422);
    let ok = app.post("/api/v1/users", Some(&mgr), json!({"name": "Divya", "email": "divya@example.test", "role": "sales_rep", "store_ids": [mine], "password": "ruby-earrings-2026"})).await;
    assert_eq!(ok.status, 201, "{ok:?}");
    // The business admin (no store) is outside the manager's sight.
    let ba = app.user_id(T::A, Role::BusinessAdmin);
    app.get(&format!("/api/v1/users/{ba}"), Some(&mgr))
        .await
        .problem(404);
    app.patch(
        &format!("/api/v1/users/{ba}"),
        Some(&mgr),
        json!({"name": "x"}),
    )
    .await
    .problem(404);
    // Managers cannot promote.
    let id = ok.body["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/users/{id}"),
        Some(&mgr),
        json!({"role": "manager"}),
    )
    .await
    .problem(403);
    // Their audit view shows their people's actions.
    let audit = app.get("/api/v1/audit?entity=user", Some(&mgr)).await;
    assert_eq!(audit.status, 200);
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["entity_id"] == id)
    );
    // Stores list is scoped.
    let stores = app.get("/api/v1/stores", Some(&mgr)).await;
    let ids: Vec<&str> = stores.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mine.to_string()]);
    app.get(&format!("/api/v1/stores/{not_mine}"), Some(&mgr))
        .await
        .problem(404);
}

#[actix_web::test]
async fn invitations_set_a_password_and_duplicates_conflict() {
    let app = TestApp::spawn().await;
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let r = app.post("/api/v1/users", Some(&ba), json!({"name": "Farah Khan", "email": "Farah@Example.test", "role": "marketing", "store_ids": [app.a.stores[1]], "phone": "+91 98450 00001"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["email"], "farah@example.test");
    assert_eq!(r.body["phone"], "+919845000001");
    let mail = app
        .last_mail("farah@example.test")
        .await
        .expect("invitation mail");
    let token = mail
        .split("token=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let set = app
        .post(
            "/api/v1/auth/password/reset",
            None,
            json!({"token": token, "new_password": "emerald-pendant-77"}),
        )
        .await;
    assert_eq!(set.status, 204);
    assert_eq!(
        app.post(
            "/api/v1/auth/login",
            None,
            json!({"email": "farah@example.test", "password": "emerald-pendant-77"})
        )
        .await
        .status,
        200
    );

    // Same e-mail in any case, even in another tenant: conflict.
    let ba_b = app.token(T::B, Role::BusinessAdmin).await;
    let dup = app.post("/api/v1/users", Some(&ba_b), json!({"name": "F", "email": "FARAH@example.test", "role": "marketing", "password": "emerald-pendant-77"})).await;
    dup.problem(409);
    let dup_store = app
        .post(
            "/api/v1/stores",
            Some(&ba),
            json!({"name": "Again", "code": "S1"}),
        )
        .await;
    dup_store.problem(409);

    // The audit trail has the creation with the new values.
    let audit = app
        .get(
            &format!(
                "/api/v1/audit?entity=user&action=create&entity_id={}",
                r.body["id"].as_str().unwrap()
            ),
            Some(&ba),
        )
        .await;
    let e = &audit.body["items"][0];
    assert_eq!(e["action"], "create");
    assert_eq!(e["changes"]["after"]["email"], "farah@example.test");
    assert!(e["request_id"].is_string() && e["ip"] == "127.0.0.1");
}

#[actix_web::test]
async fn updates_are_audited_with_a_diff_and_pages_follow_cursors() {
    let app = TestApp::spawn().await;
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let sales = app.user_id(T::A, Role::SalesRep);
    let r = app
        .patch(
            &format!("/api/v1/users/{sales}"),
            Some(&ba),
            json!({"name": "Kavya I.", "store_ids": [app.a.stores[0], app.a.stores[1]]}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["store_ids"].as_array().unwrap().len(), 2);
    let audit = app
        .get(
            &format!("/api/v1/audit?entity_id={sales}&action=update"),
            Some(&ba),
        )
        .await;
    let changes = &audit.body["items"][0]["changes"];
    assert_eq!(changes["name"]["to"], "Kavya I.");
    assert!(
        changes.get("email").is_none(),
        "unchanged fields are not in the diff"
    );

    // Cursor paging over users: 5 seeded in A, page size 2.
    let mut seen = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=2&cursor={c}"),
            None => "/api/v1/users?limit=2".to_string(),
        };
        let page = app.get(&path, Some(&ba)).await;
        assert_eq!(page.status, 200);
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].clone()),
        );
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let filtered = app.get("/api/v1/users?role=telecaller", Some(&ba)).await;
    assert_eq!(filtered.body["items"].as_array().unwrap().len(), 1);
    let q = app.get("/api/v1/users?q=KAVYA", Some(&ba)).await;
    assert_eq!(q.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn bad_input_is_a_4xx_problem_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let sales = app.user_id(T::A, Role::SalesRep);
    let store = app.a.stores[0];
    let audit_before = app.count("audit_log").await;
    let users_before = app.count("users").await;
    let long = "x".repeat(5000);

    // (method, path, token, body, status)
    let cases: Vec<(Method, String, &str, Value, u16)> = vec![
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": 5, "email": "a@b.in", "role": "sales_rep"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": long, "email": "a@b.in", "role": "sales_rep"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "not-an-email", "role": "sales_rep"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "jeweller"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "sales_rep", "password": "short"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "sales_rep", "store_ids": [uuid::Uuid::now_v7()]}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "sales_rep", "store_ids": ["nope"]}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "sales_rep", "phone": "12345"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!({"name": "A", "email": "a@b.in", "role": "sales_rep", "surprise": 1}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            &ba,
            json!([1, 2]),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{sales}"),
            &ba,
            json!({"active": "yes"}),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{sales}"),
            &ba,
            json!({"manager_id": uuid::Uuid::now_v7()}),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{}", uuid::Uuid::now_v7()),
            &ba,
            json!({"name": "B"}),
            404,
        ),
        (
            Method::PATCH,
            "/api/v1/users/not-a-uuid".into(),
            &ba,
            json!({"name": "B"}),
            404,
        ),
        (
            Method::GET,
            format!("/api/v1/users/{}", uuid::Uuid::now_v7()),
            &ba,
            Value::Null,
            404,
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            &ba,
            json!({"name": "S", "code": "bad code!"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            &ba,
            json!({"name": "S", "code": "OK1", "time_zone": "Mars/Olympus"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/stores".into(),
            &ba,
            json!({"code": "OK2"}),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v1/stores/{store}"),
            &ba,
            json!({"address": long}),
            422,
        ),
        (
            Method::PATCH,
            format!("/api/v1/stores/{}", uuid::Uuid::now_v7()),
            &ba,
            json!({"name": "S"}),
            404,
        ),
        (
            Method::POST,
            "/api/v1/tenants".into(),
            &pa,
            json!({"name": "T", "slug": "Bad Slug"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/tenants".into(),
            &pa,
            json!({"name": "T", "slug": "fine-slug", "plan": "gold"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/tenants".into(),
            &pa,
            json!({"name": "T", "slug": "alpha"}),
            409,
        ),
        (
            Method::PATCH,
            format!("/api/v1/tenants/{}", uuid::Uuid::now_v7()),
            &pa,
            json!({"plan": "premium"}),
            404,
        ),
        (
            Method::PATCH,
            format!("/api/v1/tenants/{}", app.a.id),
            &pa,
            json!({"status": "deleted"}),
            422,
        ),
        (
            Method::POST,
            format!("/api/v1/tenants/{}/admins", uuid::Uuid::now_v7()),
            &pa,
            json!({"name": "N", "email": "n@example.test"}),
            404,
        ),
        (
            Method::GET,
            "/api/v1/users?limit=1000".into(),
            &ba,
            Value::Null,
            422,
        ),
        (
            Method::GET,
            "/api/v1/users?limit=abc".into(),
            &ba,
            Value::Null,
            400,
        ),
        (
            Method::GET,
            "/api/v1/users?cursor=zzz".into(),
            &ba,
            Value::Null,
            422,
        ),
        (
            Method::GET,
            "/api/v1/audit?from=yesterday".into(),
            &ba,
            Value::Null,
            400,
        ),
        (
            Method::POST,
            "/api/v1/auth/login".into(),
            "",
            json!({"email": "a@b.in"}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/auth/refresh".into(),
            "",
            json!({}),
            422,
        ),
        (
            Method::POST,
            "/api/v1/auth/password/reset".into(),
            "",
            json!({"token": "t", "new_password": "a-very-long-new-password"}),
            422,
        ),
        (
            Method::DELETE,
            format!("/api/v1/auth/sessions/{}", uuid::Uuid::now_v7()),
            &ba,
            Value::Null,
            404,
        ),
    ];
    for (method, path, token, body, status) in cases {
        let token = (!token.is_empty()).then_some(token);
        let body = (!body.is_null()).then_some(body.clone());
        let r = app.req(method.clone(), &path, token, body.clone()).await;
        assert_eq!(r.status, status, "{method} {path} {body:?}: {r:?}");
        r.problem(status);
    }
    // Malformed JSON, wrong content type, oversized body.
    app.raw(
        Method::POST,
        "/api/v1/stores",
        Some(&ba),
        "application/json",
        b"{\"name\": ".to_vec(),
    )
    .await
    .problem(400);
    app.raw(
        Method::POST,
        "/api/v1/stores",
        Some(&ba),
        "text/plain",
        b"{}".to_vec(),
    )
    .await
    .problem(415);
    let big = format!(
        "{{\"name\": \"{}\", \"code\": \"BIG\"}}",
        "x".repeat(100_000)
    );
    app.raw(
        Method::POST,
        "/api/v1/stores",
        Some(&ba),
        "application/json",
        big.into_bytes(),
    )
    .await
    .problem(413);
    app.raw(
        Method::POST,
        "/api/v1/auth/login",
        None,
        "application/json",
        b"not json".to_vec(),
    )
    .await
    .problem(400);

    assert_eq!(
        app.count("audit_log").await,
        audit_before,
        "nothing half-written"
    );
    assert_eq!(app.count("users").await, users_before);
}

/// The `/api/v1` routes are grouped by first path segment: a path no route
/// matches is a problem+json 404 inside a group and outside any group, and a
/// grouped route still reaches its handler and its metrics label.
#[actix_web::test]
async fn unknown_api_paths_are_problem_404s() {
    let app = TestApp::spawn().await;
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let sales = app.user_id(T::A, Role::SalesRep);
    let one = format!("/api/v1/users/{sales}");
    assert_eq!(app.get(&one, Some(&ba)).await.status, 200);
    for (method, path) in [
        (Method::GET, format!("{one}/nothing")),
        (Method::DELETE, one.clone()),
        (Method::GET, "/api/v1/no-such-thing".into()),
        (Method::GET, "/api/v1/".into()),
        (Method::GET, "/api/v1".into()),
        (Method::GET, "/api/no-such-thing".into()),
    ] {
        let r = app.req(method.clone(), &path, Some(&ba), None).await;
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/problem+json",
            "{method} {path}"
        );
    }
    let metrics = app.metrics().await;
    assert!(
        metrics.contains(r#"method="GET",route="/api/v1/users/{id}",status="200""#),
        "{metrics}"
    );
}
