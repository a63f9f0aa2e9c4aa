//! Customers, visits, appointments: role matrix, store and lead scope,
//! cross-tenant 404s, duplicates and merge, trash and purge, timeline, bad input.

use awc::http::Method;
use diesel_async::SimpleAsyncConnection;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{ROLES, T, TestApp, mobile};

fn customer(name: &str, store: Uuid) -> Value {
    json!({
        "name": name,
        "phones": [format!("+91{}", mobile())],
        "email": format!("{}@example.in", Uuid::new_v4().simple()),
        "city": "Chennai",
        "birth_date": "1988-02-29",
        "home_store_id": store,
        "tags": ["Bridal 2026"],
        "preferences": {"metals": ["gold"], "purities": ["22k"], "categories": ["necklace_sets"]},
        "consent": {"whatsapp": {"granted": true, "source": "showroom form", "text": "I agree to receive offers on WhatsApp."}},
        "family": [{"name": "Ravi", "relation": "spouse", "linked_customer_id": null, "birth_date": null, "anniversary": "2015-11-30", "wedding_date": null}]
    })
}

fn visit(customer_id: Value, store: Uuid, outcome: &str) -> Value {
    json!({
        "customer_id": customer_id,
        "store_id": store,
        "reason": "wedding",
        "lead_source": "walk_in",
        "interests": [{"category": "necklace_sets", "design_number": "NK-2231", "expected_value": 350000, "outcome": outcome, "note": null}]
    })
}

async fn create(app: &TestApp, t: T, role: Role, store: Uuid) -> Value {
    let token = app.token(t, role).await;
    let r = app
        .post(
            "/api/v1/customers",
            Some(&token),
            customer("Lakshmi Iyer", store),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

async fn expect(app: &TestApp, what: &str, expected: [u16; 6], call: impl AsyncFn(&str) -> u16) {
    for (role, want) in ROLES.into_iter().zip(expected) {
        let token = app.token(T::A, role).await;
        assert_eq!(call(&token).await, want, "{what} as {role:?}");
    }
}

async fn platform_sql(app: &TestApp, sql: &str) {
    let mut c = app.app_conn().await;
    c.batch_execute(&format!("SET app.platform = 'on'; {sql}"))
        .await
        .unwrap();
}

#[actix_web::test]
async fn role_matrix_for_customers_visits_and_appointments() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let id = c["id"].as_str().unwrap().to_string();
    let p = &c["phones"][0].as_str().unwrap().to_string();

    expect(
        &app,
        "POST /customers",
        [403, 201, 201, 201, 403, 403],
        async |t| {
            app.post("/api/v1/customers", Some(t), customer("Anita Shah", s0))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "GET /customers",
        [403, 200, 200, 200, 200, 403],
        async |t| app.get("/api/v1/customers", Some(t)).await.status,
    )
    .await;
    // The telecaller has no lead for this customer: not found.
    expect(
        &app,
        "GET /customers/{id}",
        [403, 200, 200, 200, 404, 403],
        async |t| {
            app.get(&format!("/api/v1/customers/{id}"), Some(t))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "PUT /customers/{id}",
        [403, 200, 200, 200, 403, 403],
        async |t| {
            let mut body = customer("Lakshmi Iyer", s0);
            body["phones"] = json!([p]);
            app.req(
                Method::PUT,
                &format!("/api/v1/customers/{id}"),
                Some(t),
                Some(body),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "POST notes",
        [403, 201, 201, 201, 403, 403],
        async |t| {
            app.post(
                &format!("/api/v1/customers/{id}/notes"),
                Some(t),
                json!({"body": "Prefers temple jewellery."}),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "GET timeline",
        [403, 200, 200, 200, 404, 403],
        async |t| {
            app.get(&format!("/api/v1/customers/{id}/timeline"), Some(t))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "GET trash",
        [403, 200, 200, 403, 403, 403],
        async |t| app.get("/api/v1/customers/trash", Some(t)).await.status,
    )
    .await;
    expect(
        &app,
        "GET access-log",
        [403, 200, 403, 403, 403, 403],
        async |t| {
            app.get("/api/v1/customers/access-log", Some(t))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "GET by-phone",
        [403, 200, 200, 200, 403, 403],
        async |t| {
            app.get(
                &format!("/api/v1/customers/by-phone?phone={}", p.replace('+', "%2B")),
                Some(t),
            )
            .await
            .status
        },
    )
    .await;
    expect(
        &app,
        "POST /visits",
        [403, 201, 201, 201, 403, 403],
        async |t| {
            app.post("/api/v1/visits", Some(t), visit(json!(id), s0, "purchased"))
                .await
                .status
        },
    )
    .await;
    expect(
        &app,
        "GET /visits",
        [403, 200, 200, 200, 403, 403],
        async |t| app.get("/api/v1/visits", Some(t)).await.status,
    )
    .await;
    let at = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    expect(&app, "POST /appointments", [403, 201, 201, 201, 403, 403], async |t| {
        app.post(
            "/api/v1/appointments",
            Some(t),
            json!({"customer_id": id, "store_id": s0, "scheduled_at": at, "purpose": "Bridal set trial"}),
        )
        .await
        .status
    })
    .await;
    expect(
        &app,
        "GET /appointments",
        [403, 200, 200, 200, 403, 403],
        async |t| app.get("/api/v1/appointments", Some(t)).await.status,
    )
    .await;
    // Delete and restore: admins and managers only (a fresh customer each time).
    for (role, want) in ROLES.into_iter().zip([403, 204, 204, 403, 403, 403]) {
        let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
        let token = app.token(T::A, role).await;
        let r = app
            .req(
                Method::DELETE,
                &format!("/api/v1/customers/{}", c["id"].as_str().unwrap()),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, want, "DELETE as {role:?}");
        if want == 204 {
            let r = app
                .post(
                    &format!("/api/v1/customers/{}/restore", c["id"].as_str().unwrap()),
                    Some(&token),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, 200, "restore as {role:?}: {r:?}");
        }
    }
}

#[actix_web::test]
async fn store_scope_and_telecaller_call_card() {
    let app = TestApp::spawn().await;
    let [s0, s1] = app.a.stores;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let manager = app.token(T::A, Role::Manager).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    // A customer of store 1 is invisible to store 0's people…
    let c = create(&app, T::A, Role::BusinessAdmin, s1).await;
    let id = c["id"].as_str().unwrap();
    app.get(&format!("/api/v1/customers/{id}"), Some(&manager))
        .await
        .problem(404);
    // …a sales rep cannot give a customer a store that is not theirs…
    let sales = app.token(T::A, Role::SalesRep).await;
    app.post("/api/v1/customers", Some(&sales), customer("X", s1))
        .await
        .problem(422);
    // …until the customer visits store 0.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&admin),
            visit(json!(id), s0, "felt_less_variety"),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let lead = r.body["lead_id"].as_str().unwrap().to_string();
    let r = app
        .get(&format!("/api/v1/customers/{id}"), Some(&manager))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["limited"], false);
    assert!(r.body["email"].is_string());

    // A telecaller sees the customer once the lead is theirs, with the call card only.
    let tele_id = app.user_id(T::A, Role::Telecaller);
    platform_sql(
        &app,
        &format!(
            "UPDATE leads SET assigned_to = '{tele_id}', state = 'assigned' WHERE id = '{lead}'"
        ),
    )
    .await;
    app.post(
        &format!("/api/v1/customers/{id}/notes"),
        Some(&admin),
        json!({"body": "Private note"}),
    )
    .await;
    let r = app
        .get(&format!("/api/v1/customers/{id}"), Some(&tele))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["limited"], true);
    assert!(r.body["email"].is_null());
    assert!(r.body["birth_date"].is_null());
    assert_eq!(r.body["family"], json!([]));
    assert!(r.body["phones"][0].is_string());
    assert_eq!(r.body["consent"]["whatsapp"]["granted"], true);
    let list = app.get("/api/v1/customers", Some(&tele)).await;
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![id]);
    let tl = app
        .get(&format!("/api/v1/customers/{id}/timeline"), Some(&tele))
        .await;
    let kinds: Vec<&str> = tl.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"visit") && kinds.contains(&"lead"),
        "{kinds:?}"
    );
    assert!(
        !kinds.contains(&"note") && !kinds.contains(&"change"),
        "{kinds:?}"
    );
    // Another telecaller's view is not theirs: a closed lead hides it again.
    platform_sql(
        &app,
        &format!("UPDATE leads SET state = 'lost' WHERE id = '{lead}'"),
    )
    .await;
    app.get(&format!("/api/v1/customers/{id}"), Some(&tele))
        .await
        .problem(404);
}

#[actix_web::test]
async fn other_tenants_customers_are_not_found() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let id = c["id"].as_str().unwrap();
    let p = c["phones"][0].as_str().unwrap();
    let b = app.token(T::B, Role::BusinessAdmin).await;
    let b_store = app.b.stores[0];
    app.get(&format!("/api/v1/customers/{id}"), Some(&b))
        .await
        .problem(404);
    app.req(
        Method::PUT,
        &format!("/api/v1/customers/{id}"),
        Some(&b),
        Some(customer("Hijack", b_store)),
    )
    .await
    .problem(404);
    app.req(
        Method::DELETE,
        &format!("/api/v1/customers/{id}"),
        Some(&b),
        None,
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/customers/{id}/restore"),
        Some(&b),
        json!({}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/customers/{id}/notes"),
        Some(&b),
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.get(&format!("/api/v1/customers/{id}/timeline"), Some(&b))
        .await
        .problem(404);
    let own = create(&app, T::B, Role::BusinessAdmin, b_store).await;
    app.post(
        &format!("/api/v1/customers/{}/merge", own["id"].as_str().unwrap()),
        Some(&b),
        json!({"duplicate_id": id}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/visits",
        Some(&b),
        visit(json!(id), b_store, "other"),
    )
    .await
    .problem(422);
    app.get(
        &format!("/api/v1/customers/by-phone?phone={}", p.replace('+', "%2B")),
        Some(&b),
    )
    .await
    .problem(404);
    // The same phone is free in another tenant.
    let mut body = customer("Same phone, other jeweller", b_store);
    body["phones"] = json!([p]);
    assert_eq!(
        app.post("/api/v1/customers", Some(&b), body).await.status,
        201
    );
    let list = app.get("/api/v1/customers?limit=100", Some(&b)).await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != json!(id))
    );
    let r = app.get("/api/v1/visits", Some(&b)).await;
    assert_eq!(r.body["items"], json!([]));
}

#[actix_web::test]
async fn phones_deduplicate_and_merge_moves_everything() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let keep = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let keep_id = keep["id"].as_str().unwrap().to_string();
    let keep_phone = keep["phones"][0].as_str().unwrap().to_string();
    // The same number typed the national way is the same number.
    let mut body = customer("Lakshmi I.", s0);
    body["phones"] = json!([format!("0{} ", &keep_phone[3..])]);
    let r = app.post("/api/v1/customers", Some(&admin), body).await;
    r.problem(409);
    assert_eq!(r.body["existing_id"], json!(keep_id));
    assert_eq!(r.body["errors"][0]["field"], "phones[0]");

    let dup = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let dup_id = dup["id"].as_str().unwrap().to_string();
    let dup_phone = dup["phones"][0].as_str().unwrap().to_string();
    // Giving the duplicate's number to the other customer is refused too.
    let mut body = customer("Lakshmi Iyer", s0);
    body["phones"] = json!([keep_phone, dup_phone]);
    app.req(
        Method::PUT,
        &format!("/api/v1/customers/{keep_id}"),
        Some(&admin),
        Some(body),
    )
    .await
    .problem(409);
    let v = app
        .post(
            "/api/v1/visits",
            Some(&admin),
            visit(json!(dup_id), s0, "wants_more_discount"),
        )
        .await;
    assert_eq!(v.status, 201);

    app.post(
        &format!("/api/v1/customers/{keep_id}/merge"),
        Some(&admin),
        json!({"duplicate_id": keep_id}),
    )
    .await
    .problem(422);
    let sales = app.token(T::A, Role::SalesRep).await;
    app.post(
        &format!("/api/v1/customers/{keep_id}/merge"),
        Some(&sales),
        json!({"duplicate_id": dup_id}),
    )
    .await
    .problem(403);
    let m = app
        .post(
            &format!("/api/v1/customers/{keep_id}/merge"),
            Some(&admin),
            json!({"duplicate_id": dup_id}),
        )
        .await;
    assert_eq!(m.status, 200, "{m:?}");
    assert_eq!(m.body["phones"], json!([keep_phone, dup_phone]));
    // The duplicate's visit and lead now belong to the survivor.
    let visits = app
        .get(
            &format!("/api/v1/visits?customer_id={keep_id}"),
            Some(&admin),
        )
        .await;
    assert_eq!(visits.body["items"].as_array().unwrap().len(), 1);
    let found = app
        .get(
            &format!(
                "/api/v1/customers/by-phone?phone={}",
                dup_phone.replace('+', "%2B")
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(found.body["id"], json!(keep_id));
    app.get(&format!("/api/v1/customers/{dup_id}"), Some(&admin))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/customers/{dup_id}/restore"),
        Some(&admin),
        json!({}),
    )
    .await
    .problem(409);
    let audit = app
        .get(
            &format!("/api/v1/audit?entity=customer&entity_id={dup_id}"),
            Some(&admin),
        )
        .await;
    assert!(
        audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "merged_into")
    );
}

#[actix_web::test]
async fn visits_open_one_lead_and_purchases_count_as_spend() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let sales = app.token(T::A, Role::SalesRep).await;
    let leads_before = app.count("leads").await;
    // A new customer inline, nothing bought: a lead.
    let mut new = customer("Priya Menon", s0);
    new.as_object_mut().unwrap().remove("home_store_id");
    let r = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            json!({"customer": new, "store_id": s0, "reason": "engagement", "lead_source": "instagram",
                   "interests": [{"category": "rings", "design_number": null, "expected_value": 90000, "outcome": "checking_other_jewellers", "note": null}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let lead = r.body["lead_id"].clone();
    assert!(lead.is_string());
    let cid = r.body["customer_id"].clone();
    assert_eq!(app.count("leads").await, leads_before + 1);
    // A second visit joins the open lead instead of opening another.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            visit(cid.clone(), s0, "design_selected"),
        )
        .await;
    assert_eq!(r.body["lead_id"], lead);
    assert_eq!(r.body["lead_opened"], false);
    assert_eq!(app.count("leads").await, leads_before + 1);
    // A purchase opens no lead and adds to the customer's spend.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            visit(cid.clone(), s0, "purchased"),
        )
        .await;
    assert!(r.body["lead_id"].is_null());
    let c = app
        .get(
            &format!("/api/v1/customers/{}", cid.as_str().unwrap()),
            Some(&sales),
        )
        .await;
    assert_eq!(c.body["lifetime_value"], 350000);
    assert!(c.body["last_purchase_at"].is_string());
    assert_eq!(c.body["home_store_id"], json!(s0));
}

#[actix_web::test]
async fn bad_input_is_refused_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let before = app.count("customers").await;
    let audits = app.count("audit_log").await;
    let r = app
        .raw(
            Method::POST,
            "/api/v1/customers",
            Some(&admin),
            "application/json",
            b"{\"name\": ".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    let bad = |f: &dyn Fn(&mut Value)| {
        let mut b = customer("Valid Name", s0);
        f(&mut b);
        b
    };
    let cases: Vec<(Value, u16, &str)> = vec![
        (bad(&|b| b["name"] = json!(42)), 422, "name"),
        (bad(&|b| b["name"] = json!("x".repeat(121))), 422, "name"),
        (
            bad(&|b| drop(b.as_object_mut().unwrap().remove("name"))),
            422,
            "name",
        ),
        (bad(&|b| b["phones"] = json!([])), 422, "phones"),
        (bad(&|b| b["phones"] = json!(["12345"])), 422, "phones[0]"),
        (
            bad(&|b| b["phones"] = json!(["+915845012345"])),
            422,
            "phones[0]",
        ),
        (
            bad(&|b| b["birth_date"] = json!("2999-01-01")),
            422,
            "birth_date",
        ),
        (
            bad(&|b| b["birth_date"] = json!("31-02-1990")),
            422,
            "birth_date",
        ),
        (bad(&|b| b["tier"] = json!("platinum")), 422, "tier"),
        (
            bad(&|b| b["preferences"]["metals"] = json!(["copper"])),
            422,
            "preferences.metals[0]",
        ),
        (
            bad(&|b| b["consent"]["sms"] = json!({"granted": true, "source": "", "text": "ok"})),
            422,
            "consent.sms.source",
        ),
        (
            bad(&|b| b["tags"] = json!(["=cmd|' /C calc'!A0"])),
            422,
            "tags[0]",
        ),
        (
            bad(&|b| b["home_store_id"] = json!(Uuid::now_v7())),
            422,
            "home_store_id",
        ),
        (
            bad(&|b| b["family"][0]["linked_customer_id"] = json!(Uuid::now_v7())),
            422,
            "family[0].linked_customer_id",
        ),
        (bad(&|b| b["unexpected"] = json!(true)), 422, ""),
    ];
    for (body, status, field) in cases {
        let r = app
            .post("/api/v1/customers", Some(&admin), body.clone())
            .await;
        r.problem(status);
        if !field.is_empty() {
            assert!(
                r.body["errors"]
                    .as_array()
                    .is_some_and(|e| e.iter().any(|e| e["field"] == field)),
                "expected an error on {field}: {r:?}"
            );
        }
    }
    // A visit whose interest is invalid creates no customer either.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&admin),
            json!({"customer": customer("Inline", s0), "store_id": s0, "reason": "gifting", "lead_source": "walk_in",
                   "interests": [{"category": "rings", "design_number": "x".repeat(61), "expected_value": -1, "outcome": "purchased", "note": null}]}),
        )
        .await;
    r.problem(422);
    let r = app
        .post(
            "/api/v1/visits",
            Some(&admin),
            json!({"customer": customer("Inline", s0), "store_id": Uuid::now_v7(), "reason": "gifting", "lead_source": "walk_in",
                   "interests": [{"category": "rings", "design_number": null, "expected_value": null, "outcome": "purchased", "note": null}]}),
        )
        .await;
    r.problem(422);
    let r = app
        .post("/api/v1/visits", Some(&admin), json!({"customer_id": Uuid::now_v7(), "customer": customer("Both", s0), "store_id": s0, "reason": "gifting", "lead_source": "walk_in", "interests": []}))
        .await;
    r.problem(422);
    assert_eq!(app.count("customers").await, before);
    assert_eq!(app.count("visits").await, 0);
    assert_eq!(app.count("audit_log").await, audits);
    // Unknown ids and bad paging.
    let ghost = Uuid::now_v7();
    app.get(&format!("/api/v1/customers/{ghost}"), Some(&admin))
        .await
        .problem(404);
    app.get("/api/v1/customers/not-a-uuid", Some(&admin))
        .await
        .problem(404);
    app.get(&format!("/api/v1/customers/{ghost}/timeline"), Some(&admin))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/customers/{ghost}/merge"),
        Some(&admin),
        json!({"duplicate_id": Uuid::now_v7()}),
    )
    .await
    .problem(404);
    app.get("/api/v1/customers?q=".to_string().as_str(), Some(&admin))
        .await;
    app.get(
        &format!("/api/v1/customers?q={}", "a".repeat(101)),
        Some(&admin),
    )
    .await
    .problem(422);
    app.get("/api/v1/customers?tier=gold", Some(&admin))
        .await
        .problem(400);
    app.get("/api/v1/customers?cursor=zzz", Some(&admin))
        .await
        .problem(422);
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    app.get(
        &format!(
            "/api/v1/customers/{}/timeline?cursor=nope",
            c["id"].as_str().unwrap()
        ),
        Some(&admin),
    )
    .await
    .problem(422);
    app.post(
        &format!("/api/v1/customers/{}/notes", c["id"].as_str().unwrap()),
        Some(&admin),
        json!({"body": "x".repeat(4001)}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/appointments",
        Some(&admin),
        json!({"customer_id": c["id"], "store_id": s0, "scheduled_at": "2020-01-01T10:00:00Z", "purpose": "Past"}),
    )
    .await
    .problem(422);
    app.get("/api/v1/customers/by-phone?phone=abc", Some(&admin))
        .await
        .problem(422);
}

#[actix_web::test]
async fn search_filters_and_access_log() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let manager = app.token(T::A, Role::Manager).await;
    let mut body = customer("Sundari Venkataraman", s0);
    body["phones"] = json!(["+91 98450 12345"]);
    body["city"] = json!("Madurai");
    body["tier"] = json!("vvip");
    body["tags"] = json!(["diamond lover"]);
    let c = app.post("/api/v1/customers", Some(&admin), body).await;
    assert_eq!(c.status, 201, "{c:?}");
    let id = c.body["id"].clone();
    create(&app, T::A, Role::BusinessAdmin, s0).await;
    for q in [
        "q=venkata",
        "q=SUNDARI",
        "q=98450%2012",
        "q=5012345",
        "tag=Diamond%20lover",
        "city=madurai",
        "tier=vvip",
    ] {
        let r = app
            .get(&format!("/api/v1/customers?{q}"), Some(&admin))
            .await;
        let items = r.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{q}: {r:?}");
        assert_eq!(items[0]["id"], id, "{q}");
    }
    let r = app.get("/api/v1/customers?q=100%25", Some(&admin)).await;
    assert_eq!(r.body["items"], json!([]));
    // Paging walks every row once.
    let r = app.get("/api/v1/customers?limit=1", Some(&admin)).await;
    let cursor = r.body["next_cursor"].as_str().unwrap();
    let r2 = app
        .get(
            &format!("/api/v1/customers?limit=1&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_ne!(r.body["items"][0]["id"], r2.body["items"][0]["id"]);

    // Viewing a profile is logged; the log shows who.
    app.get(
        &format!("/api/v1/customers/{}", id.as_str().unwrap()),
        Some(&manager),
    )
    .await;
    let log = app
        .get(
            &format!(
                "/api/v1/customers/access-log?customer_id={}",
                id.as_str().unwrap()
            ),
            Some(&admin),
        )
        .await;
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{log:?}");
    assert_eq!(items[0]["user_id"], json!(app.user_id(T::A, Role::Manager)));
    assert_eq!(items[0]["customer_name"], "Sundari Venkataraman");
}

#[actix_web::test]
async fn trash_restore_and_purge_keep_the_audit_trail() {
    let app = TestApp::spawn().await;
    let [s0, _] = app.a.stores;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let id = c["id"].as_str().unwrap().to_string();
    app.post(
        "/api/v1/visits",
        Some(&admin),
        visit(json!(id), s0, "other"),
    )
    .await;
    app.get(&format!("/api/v1/customers/{id}"), Some(&admin))
        .await;
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/customers/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    app.get(&format!("/api/v1/customers/{id}"), Some(&admin))
        .await
        .problem(404);
    let trash = app.get("/api/v1/customers/trash", Some(&admin)).await;
    assert_eq!(trash.body["items"][0]["id"], json!(id));
    let r = app
        .post(
            &format!("/api/v1/customers/{id}/restore"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    app.post(
        &format!("/api/v1/customers/{id}/restore"),
        Some(&admin),
        json!({}),
    )
    .await
    .problem(404);

    // Past retention, the purge job deletes the customer and what hangs off it.
    app.req(
        Method::DELETE,
        &format!("/api/v1/customers/{id}"),
        Some(&admin),
        None,
    )
    .await;
    let fresh = create(&app, T::A, Role::BusinessAdmin, s0).await;
    app.req(
        Method::DELETE,
        &format!("/api/v1/customers/{}", fresh["id"].as_str().unwrap()),
        Some(&admin),
        None,
    )
    .await;
    platform_sql(
        &app,
        &format!("UPDATE customers SET deleted_at = now() - interval '31 days' WHERE id = '{id}'"),
    )
    .await;
    let db = karat::db::Db::connect(&app.db.app_url(), 2).unwrap();
    let job = karat::jobs::Job {
        id: Uuid::now_v7(),
        tenant_id: None,
        kind: karat::customers::PURGE_JOB.into(),
        payload: json!({}),
        state: "running".into(),
        attempts: 1,
        max_attempts: 3,
        run_at: chrono::Utc::now(),
        last_error: None,
        created_at: chrono::Utc::now(),
        finished_at: None,
    };
    let storage = std::sync::Arc::new(karat::storage::LocalStorage::new(
        std::env::temp_dir().join("files"),
    ));
    karat::customers::purge_job(db, storage, job).await.unwrap();
    assert_eq!(app.count("visits").await, 0);
    let trash = app.get("/api/v1/customers/trash", Some(&admin)).await;
    let ids: Vec<&Value> = trash.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&fresh["id"]], "only the recent one is left");
    let audit = app
        .get(
            &format!("/api/v1/audit?entity=customer&entity_id={id}"),
            Some(&admin),
        )
        .await;
    assert!(audit.body["items"].as_array().unwrap().len() >= 3);
    assert_eq!(app.count("customer_access_log").await, 1);
}

#[actix_web::test]
async fn appointments_follow_their_status_machine_and_remind() {
    let app = TestApp::spawn().await;
    let [s0, s1] = app.a.stores;
    let manager = app.token(T::A, Role::Manager).await;
    let sales_id = app.user_id(T::A, Role::SalesRep);
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let at = chrono::Utc::now() + chrono::Duration::minutes(30);
    let r = app
        .post(
            "/api/v1/appointments",
            Some(&manager),
            json!({"customer_id": c["id"], "store_id": s0, "staff_id": sales_id, "scheduled_at": at.to_rfc3339(), "purpose": "Necklace trial"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["status"], "scheduled");
    // Thirty minutes away: the staff member is reminded at once.
    let sales = app.token(T::A, Role::SalesRep).await;
    let reminders = async |n: usize| {
        for _ in 0..50 {
            let r = app.get("/api/v1/notifications", Some(&sales)).await;
            let items = r.body["items"].as_array().unwrap().clone();
            if items.len() >= n {
                return items;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        panic!("no reminder {n}");
    };
    let first = reminders(1).await;
    assert_eq!(first[0]["type"], "appointment.reminder");
    assert_eq!(
        first[0]["link"],
        json!(format!("/customers/{}", c["id"].as_str().unwrap()))
    );
    // Not the manager's store: refused.
    app.post(
        "/api/v1/appointments",
        Some(&manager),
        json!({"customer_id": c["id"], "store_id": s1, "scheduled_at": at.to_rfc3339(), "purpose": "x"}),
    )
    .await
    .problem(422);
    let status = async |s: &str| {
        app.post(
            &format!("/api/v1/appointments/{id}/status"),
            Some(&manager),
            json!({"status": s}),
        )
        .await
    };
    assert_eq!(status("confirmed").await.status, 200);
    status("confirmed").await.problem(409);
    status("rescheduled").await.problem(422);
    status("teleported").await.problem(422);
    // Reschedule: the old one points at the new one.
    let later = at + chrono::Duration::days(1);
    let r = app
        .post(
            &format!("/api/v1/appointments/{id}/reschedule"),
            Some(&manager),
            json!({"scheduled_at": later.to_rfc3339()}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let new_id = r.body["id"].clone();
    let list = app
        .get(
            &format!(
                "/api/v1/appointments?customer_id={}",
                c["id"].as_str().unwrap()
            ),
            Some(&manager),
        )
        .await;
    let old = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == json!(id))
        .unwrap()
        .clone();
    assert_eq!(old["status"], "rescheduled");
    assert_eq!(old["rescheduled_to"], new_id);
    status("completed").await.problem(409);
    status("cancelled").await.problem(409);

    // The new appointment's reminder is a day out; brought forward, it
    // reaches the sales rep too.
    platform_sql(
        &app,
        &format!("UPDATE jobs SET run_at = now() WHERE kind = '{}' AND state = 'queued'; SELECT pg_notify('karat_jobs', 'x')", karat::customers::appointments::REMIND_JOB),
    )
    .await;
    let both = reminders(2).await;
    assert_eq!(both[0]["type"], "appointment.reminder");
}

#[actix_web::test]
async fn interest_photos_are_checked_scoped_and_limited() {
    let app = TestApp::spawn().await;
    let [s0, s1] = app.a.stores;
    let sales = app.token(T::A, Role::SalesRep).await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let c = create(&app, T::A, Role::BusinessAdmin, s0).await;
    let v = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            visit(c["id"].clone(), s0, "design_selected"),
        )
        .await;
    let interest = v.body["interests"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/interests/{interest}/photos");
    let jpeg = |n: usize| {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
        b.resize(n, 7);
        b
    };
    let r = app
        .raw(Method::POST, &path, Some(&sales), "image/jpeg", jpeg(2048))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let photo = r.body["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["size"], 2048);
    // The type is checked by content, the size and count are capped.
    app.raw(
        Method::POST,
        &path,
        Some(&sales),
        "image/png",
        b"<svg onload=alert(1)>".to_vec(),
    )
    .await
    .problem(422);
    app.raw(
        Method::POST,
        &path,
        Some(&sales),
        "image/svg+xml",
        b"<svg/>".to_vec(),
    )
    .await
    .problem(415);
    app.raw(
        Method::POST,
        &path,
        Some(&sales),
        "image/jpeg",
        jpeg(5 * 1024 * 1024 + 1),
    )
    .await
    .problem(413);
    for _ in 0..4 {
        let r = app
            .raw(Method::POST, &path, Some(&sales), "image/jpeg", jpeg(100))
            .await;
        assert_eq!(r.status, 201);
    }
    app.raw(Method::POST, &path, Some(&sales), "image/jpeg", jpeg(100))
        .await
        .problem(409);
    // Photos come back with the visit and the timeline.
    let visits = app
        .get(
            &format!("/api/v1/visits?customer_id={}", c["id"].as_str().unwrap()),
            Some(&sales),
        )
        .await;
    assert_eq!(
        visits.body["items"][0]["interests"][0]["photos"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    let tl = app
        .get(
            &format!("/api/v1/customers/{}/timeline", c["id"].as_str().unwrap()),
            Some(&sales),
        )
        .await;
    let visit = tl.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "visit")
        .unwrap();
    assert_eq!(visit["data"]["interests"][0]["photos"][0], json!(photo));
    // Reading: people who may see the customer; others get 404.
    let mut resp = app
        .client
        .get(format!("{}/api/v1/photos/{photo}", app.base))
        .bearer_auth(&sales)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-type").unwrap(), "image/jpeg");
    assert_eq!(resp.body().await.unwrap().len(), 2048);
    let tele = app.token(T::A, Role::Telecaller).await;
    app.get(&format!("/api/v1/photos/{photo}"), Some(&tele))
        .await
        .problem(404);
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.get(&format!("/api/v1/photos/{photo}"), Some(&b))
        .await
        .problem(404);
    app.raw(Method::POST, &path, Some(&b), "image/jpeg", jpeg(100))
        .await
        .problem(404);
    app.req(
        Method::DELETE,
        &format!("/api/v1/photos/{photo}"),
        Some(&b),
        None,
    )
    .await
    .problem(404);
    let marketing = app.token(T::A, Role::Marketing).await;
    app.get(&format!("/api/v1/photos/{photo}"), Some(&marketing))
        .await
        .problem(403);
    // A manager of another store cannot add to or delete from this visit.
    let other = app.tenant(T::A).users[&Role::Manager].0;
    platform_sql(
        &app,
        &format!("UPDATE user_stores SET store_id = '{s1}' WHERE user_id = '{other}'"),
    )
    .await;
    let moved = app.login_as(&app.email(T::A, Role::Manager)).await;
    let moved = moved["access_token"].as_str().unwrap().to_string();
    app.raw(Method::POST, &path, Some(&moved), "image/jpeg", jpeg(100))
        .await
        .problem(404);
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/photos/{photo}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    app.get(&format!("/api/v1/photos/{photo}"), Some(&admin))
        .await
        .problem(404);
    app.get(&format!("/api/v1/photos/{}", Uuid::now_v7()), Some(&admin))
        .await
        .problem(404);
}
