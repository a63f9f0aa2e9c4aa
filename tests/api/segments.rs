//! Segments: role matrix, cross-tenant, rule evaluation, auto tags and tiers,
//! consent-aware streaming export, bad input.

use awc::http::Method;
use diesel_async::SimpleAsyncConnection;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{ROLES, T, TestApp, mobile};

async fn customer(app: &TestApp, name: &str, extra: Value) -> String {
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let mut body = json!({"name": name, "phones": [format!("+91{}", mobile())], "home_store_id": app.a.stores[0]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r = app.post("/api/v1/customers", Some(&admin), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn sql(app: &TestApp, q: &str) {
    let mut c = app.app_conn().await;
    c.batch_execute(&format!("SET app.platform = 'on'; {q}"))
        .await
        .unwrap();
}

async fn count(app: &TestApp, token: &str, id: &str) -> i64 {
    let r = app
        .get(&format!("/api/v1/segments/{id}/count"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["count"].as_i64().unwrap()
}

#[actix_web::test]
async fn role_matrix_and_other_tenants() {
    let app = TestApp::spawn().await;
    let rule = json!({"field": "city", "op": "eq", "value": "Chennai"});
    let mut made = None;
    for (role, want) in ROLES.into_iter().zip([403, 201, 403, 403, 403, 201]) {
        let t = app.token(T::A, role).await;
        let r = app
            .post(
                "/api/v1/segments",
                Some(&t),
                json!({"name": format!("Chennai {role:?}"), "rule": rule}),
            )
            .await;
        assert_eq!(r.status, want, "create as {role:?}: {r:?}");
        if want == 201 {
            made = Some(r.body["id"].as_str().unwrap().to_string());
        }
    }
    let id = made.unwrap();
    for (role, want) in ROLES.into_iter().zip([403, 200, 403, 403, 403, 200]) {
        let t = app.token(T::A, role).await;
        for path in [
            "/api/v1/segments".to_string(),
            format!("/api/v1/segments/{id}"),
            "/api/v1/segments/birthdays".to_string(),
            format!("/api/v1/segments/{id}/count"),
            format!("/api/v1/segments/{id}/members"),
            "/api/v1/segments/vip/count".to_string(),
            format!("/api/v1/segments/{id}/export?channel=sms"),
        ] {
            assert_eq!(
                app.get(&path, Some(&t)).await.status,
                want,
                "{path} as {role:?}"
            );
        }
        let r = app
            .post("/api/v1/segments/preview", Some(&t), json!({"rule": rule}))
            .await;
        assert_eq!(r.status, want, "preview as {role:?}");
    }
    let b = app.token(T::B, Role::BusinessAdmin).await;
    for path in [
        format!("/api/v1/segments/{id}"),
        format!("/api/v1/segments/{id}/count"),
        format!("/api/v1/segments/{id}/members"),
        format!("/api/v1/segments/{id}/export?channel=sms"),
    ] {
        app.get(&path, Some(&b)).await.problem(404);
    }
    app.req(
        Method::PUT,
        &format!("/api/v1/segments/{id}"),
        Some(&b),
        Some(json!({"name": "x", "rule": rule})),
    )
    .await
    .problem(404);
    app.req(
        Method::DELETE,
        &format!("/api/v1/segments/{id}"),
        Some(&b),
        None,
    )
    .await
    .problem(404);
    let list = app.get("/api/v1/segments", Some(&b)).await;
    assert!(
        list.body
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id"] != json!(id))
    );
    // Built-ins cannot be changed or deleted.
    let a = app.token(T::A, Role::BusinessAdmin).await;
    app.req(Method::DELETE, "/api/v1/segments/vip", Some(&a), None)
        .await
        .problem(404);
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/segments/{id}"),
            Some(&a),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
}

#[actix_web::test]
async fn rules_count_members_and_keep_tags_and_tiers() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let store = app.a.stores[0];
    let asha = customer(
        &app,
        "Asha",
        json!({"city": "Chennai", "preferences": {"metals": ["gold"]}}),
    )
    .await;
    let bala = customer(&app, "Bala", json!({"city": "Madurai", "dnd": true})).await;
    let _chitra = customer(&app, "Chitra", json!({"city": "Bengaluru"})).await;
    // Birthdays: Asha's is tomorrow, Bala's was last week.
    sql(
        &app,
        &format!(
            "UPDATE customers SET birth_date = (now() AT TIME ZONE 'Asia/Kolkata')::date + 1 - interval '30 years' WHERE id = '{asha}';
             UPDATE customers SET birth_date = (now() AT TIME ZONE 'Asia/Kolkata')::date - 7 - interval '30 years' WHERE id = '{bala}'"
        ),
    )
    .await;
    assert_eq!(count(&app, &admin, "birthdays").await, 1);
    let r = app
        .get("/api/v1/segments/birthdays/members?days=1", Some(&admin))
        .await;
    assert_eq!(r.body["items"][0]["id"], json!(asha));
    assert_eq!(count(&app, &admin, "new").await, 3);
    assert_eq!(count(&app, &admin, "general").await, 3);

    // A big diamond purchase: VVIP by spend, high value, diamond lover, tier raised.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&admin),
            json!({"customer_id": asha, "store_id": store, "reason": "wedding", "lead_source": "walk_in",
                   "interests": [{"category": "necklace_sets", "metal": "gold", "stone": "diamond", "expected_value": 1_200_000, "outcome": "purchased"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let c = app
        .get(&format!("/api/v1/customers/{asha}"), Some(&admin))
        .await;
    assert_eq!(c.body["tier"], "vvip");
    let tags = c.body["auto_tags"].as_array().unwrap();
    for t in [
        "high-value",
        "diamond-lover",
        "gold-lover",
        "new-customer",
        "birthday-soon",
    ] {
        assert!(tags.contains(&json!(t)), "{t} missing from {tags:?}");
    }
    assert_eq!(count(&app, &admin, "vvip").await, 1);
    assert_eq!(count(&app, &admin, "diamond_lovers").await, 1);
    // Auto tags are searchable like typed ones.
    let r = app
        .get("/api/v1/customers?tag=high-value", Some(&admin))
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 1);

    // A saved rule with its own tag: applied at once, removed with the segment.
    let rule = json!({"all": [
        {"field": "city", "op": "in", "value": ["chennai", "MADURAI"]},
        {"not": {"field": "dnd", "op": "eq", "value": true}}
    ]});
    let r = app
        .post(
            "/api/v1/segments/preview",
            Some(&admin),
            json!({"rule": rule}),
        )
        .await;
    assert_eq!(r.body["count"], 1, "{r:?}");
    let r = app
        .post(
            "/api/v1/segments",
            Some(&admin),
            json!({"name": "Tamil Nadu", "rule": rule, "auto_tag": "tn-campaign"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let seg = r.body["id"].as_str().unwrap().to_string();
    let c = app
        .get(&format!("/api/v1/customers/{asha}"), Some(&admin))
        .await;
    assert!(
        c.body["auto_tags"]
            .as_array()
            .unwrap()
            .contains(&json!("tn-campaign"))
    );
    // Bala changes: no longer DND, so the tag follows on the change itself.
    let mut b = app
        .get(&format!("/api/v1/customers/{bala}"), Some(&admin))
        .await
        .body;
    for k in [
        "id",
        "auto_tags",
        "limited",
        "created_at",
        "updated_at",
        "deleted_at",
        "merged_into",
        "lifetime_value",
        "last_purchase_at",
        "consent",
    ] {
        b.as_object_mut().unwrap().remove(k);
    }
    b["dnd"] = json!(false);
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/customers/{bala}"),
            Some(&admin),
            Some(b),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.body["auto_tags"]
            .as_array()
            .unwrap()
            .contains(&json!("tn-campaign"))
    );
    assert_eq!(count(&app, &admin, &seg).await, 2);
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/segments/{seg}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let c = app
        .get(&format!("/api/v1/customers/{bala}"), Some(&admin))
        .await;
    assert!(
        !c.body["auto_tags"]
            .as_array()
            .unwrap()
            .contains(&json!("tn-campaign"))
    );
}

#[actix_web::test]
async fn campaign_lists_respect_consent_and_neutralise_formulas() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let yes = json!({"granted": true, "source": "showroom form", "text": "Send me offers by SMS."});
    let no = json!({"granted": false, "source": "phone call", "text": "No SMS please."});
    customer(&app, "=cmd|' /C calc'!A0", json!({"consent": {"sms": yes}})).await;
    customer(&app, "Opted out", json!({"consent": {"sms": no}})).await;
    customer(&app, "Never asked", json!({})).await;
    customer(
        &app,
        "Do not disturb",
        json!({"dnd": true, "consent": {"sms": yes}}),
    )
    .await;
    let marketing = app.token(T::A, Role::Marketing).await;
    let mut resp = app
        .client
        .get(format!(
            "{}/api/v1/segments/general/export?channel=sms",
            app.base
        ))
        .bearer_auth(&marketing)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "name,phone,email,city,language,tier");
    assert_eq!(lines.len(), 2, "{body}");
    assert!(lines[1].starts_with("'=cmd|' /C calc'!A0,'+91"), "{body}");
    let mut resp = app
        .client
        .get(format!(
            "{}/api/v1/segments/general/export?channel=sms&format=json",
            app.base
        ))
        .bearer_auth(&marketing)
        .send()
        .await
        .unwrap();
    let body = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    let row: Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert_eq!(row["name"], "=cmd|' /C calc'!A0");
    assert_eq!(body.lines().count(), 1);
    let audit = app
        .get("/api/v1/audit?entity=segment&action=export", Some(&admin))
        .await;
    assert_eq!(audit.body["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn bad_rules_and_parameters_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let before = app.count("segments").await;
    let cases = [
        (
            json!({"name": "x", "rule": {"field": "password_hash", "op": "eq", "value": "x"}}),
            "rule.field",
        ),
        (
            json!({"name": "x", "rule": {"all": [{"field": "city", "op": "gt", "value": 1}]}}),
            "rule.all[0].op",
        ),
        (
            json!({"name": "x", "rule": {"field": "birthday", "op": "within_next_days", "value": -1}}),
            "rule.value",
        ),
        (json!({"name": "x", "rule": {"any": "nope"}}), "rule"),
        (json!({"name": "", "rule": {"all": []}}), "name"),
        (
            json!({"name": "x".repeat(121), "rule": {"all": []}}),
            "name",
        ),
        (
            json!({"name": "x", "rule": {"all": []}, "auto_tag": "Not Valid!"}),
            "auto_tag",
        ),
        (
            json!({"name": "x", "rule": {"all": []}, "auto_tag": "high-value"}),
            "auto_tag",
        ),
        (json!({"rule": {"all": []}}), "name"),
    ];
    for (body, field) in cases {
        let r = app
            .post("/api/v1/segments", Some(&admin), body.clone())
            .await;
        r.problem(422);
        assert!(
            r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field),
            "{body} → {r:?}"
        );
    }
    let r = app
        .raw(
            Method::POST,
            "/api/v1/segments",
            Some(&admin),
            "application/json",
            b"{".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(app.count("segments").await, before);
    let ok = json!({"name": "Gold", "rule": {"field": "metals", "op": "has", "value": "gold"}});
    assert_eq!(
        app.post("/api/v1/segments", Some(&admin), ok.clone())
            .await
            .status,
        201
    );
    app.post("/api/v1/segments", Some(&admin), ok)
        .await
        .problem(409);
    for path in [
        "/api/v1/segments/birthdays/count?days=100",
        "/api/v1/segments/vip/export?channel=sms&format=xml",
        "/api/v1/segments/vip/members?cursor=nope",
    ] {
        app.get(path, Some(&admin)).await.problem(422);
    }
    app.get("/api/v1/segments/vip/export?channel=pigeon", Some(&admin))
        .await
        .problem(400);
    app.get("/api/v1/segments/nope/count", Some(&admin))
        .await
        .problem(404);
    app.get(
        &format!("/api/v1/segments/{}/count", Uuid::now_v7()),
        Some(&admin),
    )
    .await
    .problem(404);
}
