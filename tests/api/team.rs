//! Announcements, escalations and feedback over real HTTP and WebSockets.

use awc::http::Method;
use diesel_async::SimpleAsyncConnection;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::chat::chat_socket;
use crate::common::{T, TestApp, mobile};
use crate::realtime::{ORIGIN, Ws, next, send, silent};

async fn spawn() -> TestApp {
    TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await
}

/// A socket receiving the team topics.
async fn socket(app: &TestApp, token: &str) -> Ws {
    let mut ws = chat_socket(app, token).await;
    send(
        &mut ws,
        json!({"type": "subscribe", "topics": ["announcements", "escalations", "feedback"]}),
    )
    .await;
    assert_eq!(next(&mut ws).await["type"], "ack");
    ws
}

/// The next event of `topic` within 5 s.
async fn event(ws: &mut Ws, topic: &str) -> Value {
    loop {
        let m = next(ws).await;
        if m["topic"] == topic {
            return m;
        }
    }
}

/// Waits until `path` (GET) satisfies `ok` (the server's job worker publishes).
async fn until(app: &TestApp, token: &str, path: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let mut body = Value::Null;
    for _ in 0..60 {
        body = app.get(path, Some(token)).await.body;
        if ok(&body) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    body
}

async fn customer(app: &TestApp, t: T, token: &str) -> String {
    let store = app.tenant(t).stores[0];
    let r = app
        .post(
            "/api/v1/customers",
            Some(token),
            json!({"name": "Meera Rao", "phones": [format!("+91{}", mobile())], "home_store_id": store}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn announcements_reach_their_audience_live_and_track_acknowledgements() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    let other = app.token(T::B, Role::BusinessAdmin).await;
    let mut ws_sales = socket(&app, &sales).await;
    let mut ws_tele = socket(&app, &tele).await;
    let mut ws_other = socket(&app, &other).await;

    // To the sales reps of store 0, urgent, pinned, needing acknowledgement.
    let r = app
        .post(
            "/api/v1/announcements",
            Some(&owner),
            json!({"title": "Gold rate revised", "body": "22K is now ₹6,850/g from 11 am.",
                   "priority": "urgent", "pinned": true, "requires_ack": true,
                   "store_ids": [app.a.stores[0]], "roles": ["sales_rep"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let e = event(&mut ws_sales, "announcements").await;
    assert_eq!(e["kind"], "announcement.published", "{e}");
    assert_eq!(e["payload"]["announcement"]["title"], "Gold rate revised");
    silent(&mut ws_tele, 300).await;
    silent(&mut ws_other, 300).await;
    let mine = app.get("/api/v1/announcements", Some(&sales)).await;
    assert_eq!(mine.body[0]["id"], id.as_str());
    assert!(mine.body[0]["acked_at"].is_null());
    for t in [&tele, &other] {
        let l = app.get("/api/v1/announcements", Some(t)).await;
        assert!(l.body.as_array().unwrap().is_empty(), "{:?}", l.body);
        app.get(&format!("/api/v1/announcements/{id}"), Some(t))
            .await
            .problem(404);
        app.post(
            &format!("/api/v1/announcements/{id}/ack"),
            Some(t),
            json!({}),
        )
        .await
        .problem(404);
    }
    // Urgent: the sales rep (and the business admin, who sees every store)
    // were notified too.
    assert_eq!(
        app.count("notifications WHERE type = 'announcement.urgent'")
            .await,
        2
    );

    // Acknowledgement: recorded once, visible to the author.
    for _ in 0..2 {
        let r = app
            .post(
                &format!("/api/v1/announcements/{id}/ack"),
                Some(&sales),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 204, "{r:?}");
    }
    // My other devices hear it once.
    assert_eq!(
        event(&mut ws_sales, "announcements").await["kind"],
        "announcement.acked"
    );
    let d = app
        .get(&format!("/api/v1/announcements/{id}"), Some(&owner))
        .await;
    assert_eq!(d.body["acked"], 1, "{}", d.body);
    // Addressed: the sales rep of store 0 and the business admin.
    assert_eq!(d.body["addressed"], 2);
    let list = d.body["acknowledgements"].as_array().unwrap();
    let rep = app.user_id(T::A, Role::SalesRep).to_string();
    assert!(
        list.iter()
            .any(|k| k["user_id"] == rep.as_str() && k["acked_at"].is_string())
    );
    assert!(
        list.iter()
            .any(|k| k["user_id"] != rep.as_str() && k["acked_at"].is_null())
    );
    let seen = app
        .get(&format!("/api/v1/announcements/{id}"), Some(&sales))
        .await;
    assert!(
        seen.body["acknowledgements"].is_null(),
        "readers do not see the list"
    );

    // Withdrawn: gone for everyone, live.
    app.post(
        &format!("/api/v1/announcements/{id}/withdraw"),
        Some(&sales),
        json!({}),
    )
    .await
    .problem(403);
    let w = app
        .post(
            &format!("/api/v1/announcements/{id}/withdraw"),
            Some(&owner),
            json!({}),
        )
        .await;
    assert_eq!(w.status, 200, "{w:?}");
    assert_eq!(
        event(&mut ws_sales, "announcements").await["kind"],
        "announcement.withdrawn"
    );
    assert!(
        app.get("/api/v1/announcements", Some(&sales))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Scheduled: nothing until it is due.
    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let r = app
        .post(
            "/api/v1/announcements",
            Some(&mgr),
            json!({"title": "Stock count", "body": "Saturday 8 pm.", "store_ids": [app.a.stores[0]], "publish_at": later}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(r.body["published_at"].is_null());
    assert!(
        app.get("/api/v1/announcements", Some(&tele))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    let managed = app
        .get("/api/v1/announcements?manage=true", Some(&mgr))
        .await;
    assert_eq!(managed.body.as_array().unwrap().len(), 1);

    // A platform-wide announcement reaches every business.
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    // Platform staff never read a business's announcements.
    let r = app
        .post(
            "/api/v1/announcements",
            Some(&owner),
            json!({"title": "Team lunch", "body": "Friday."}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    until(&app, &owner, "/api/v1/announcements", |l| {
        l.as_array()
            .is_some_and(|a| a.iter().any(|x| x["title"] == "Team lunch"))
    })
    .await;
    let seen = app.get("/api/v1/announcements", Some(&pa)).await;
    assert_eq!(seen.status, 200, "{seen:?}");
    assert!(seen.body.as_array().unwrap().is_empty(), "{:?}", seen.body);
    let r = app
        .post(
            "/api/v1/announcements",
            Some(&pa),
            json!({"title": "Maintenance tonight", "body": "Karat is read-only 1–2 am IST."}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let e = event(&mut ws_other, "announcements").await;
    assert_eq!(e["payload"]["platform"], true);
    let mut e = event(&mut ws_tele, "announcements").await;
    while e["payload"]["announcement"]["title"] == "Team lunch" {
        e = event(&mut ws_tele, "announcements").await;
    }
    assert_eq!(e["payload"]["announcement"]["title"], "Maintenance tonight");
    let l = until(&app, &other, "/api/v1/announcements", |b| {
        b.as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    assert_eq!(l[0]["platform"], true);
    assert!(
        l[0]["author_name"].is_null(),
        "platform staff stay anonymous to tenants"
    );
}

#[actix_web::test]
async fn announcement_roles_and_bad_input() {
    let app = spawn().await;
    let mgr = app.token(T::A, Role::Manager).await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let ok = json!({"title": "t", "body": "b"});
    for role in [Role::SalesRep, Role::Telecaller, Role::Marketing] {
        let t = app.token(T::A, role).await;
        app.post("/api/v1/announcements", Some(&t), ok.clone())
            .await
            .problem(403);
        app.get("/api/v1/announcements?manage=true", Some(&t))
            .await
            .problem(403);
        assert_eq!(app.get("/api/v1/announcements", Some(&t)).await.status, 200);
    }
    // Managers only to their own stores; platform admins never to stores.
    app.post("/api/v1/announcements", Some(&mgr), ok.clone())
        .await
        .problem(422);
    app.post(
        "/api/v1/announcements",
        Some(&mgr),
        json!({"title": "t", "body": "b", "store_ids": [app.a.stores[1]]}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/announcements",
        Some(&pa),
        json!({"title": "t", "body": "b", "store_ids": [app.a.stores[0]]}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/announcements",
        Some(&owner),
        json!({"title": "t", "body": "b", "store_ids": [app.b.stores[0]]}),
    )
    .await
    .problem(422);
    let before = app.count("announcements").await;
    for (k, v) in [
        ("title", json!("")),
        ("title", json!("x".repeat(201))),
        ("body", json!(5)),
        ("priority", json!("panic")),
        ("roles", json!(["platform_admin"])),
        ("expires_at", json!("2020-01-01T00:00:00Z")),
        ("publish_at", json!("not a time")),
        ("colour", json!("red")),
    ] {
        let mut b = ok.clone();
        b[k] = v;
        app.post("/api/v1/announcements", Some(&owner), b)
            .await
            .problem(422);
    }
    let bad = app
        .client
        .post(format!("{}/api/v1/announcements", app.base))
        .bearer_auth(&owner)
        .insert_header(("content-type", "application/json"))
        .send_body("{\"title\": \"t\",")
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    assert_eq!(
        app.count("announcements").await,
        before,
        "nothing half-written"
    );
    app.get(
        &format!("/api/v1/announcements/{}", Uuid::now_v7()),
        Some(&owner),
    )
    .await
    .problem(404);
    // Another tenant's announcement is a 404 to manage.
    let r = app
        .post("/api/v1/announcements", Some(&owner), ok.clone())
        .await;
    let id = r.body["id"].as_str().unwrap();
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.post(
        &format!("/api/v1/announcements/{id}/withdraw"),
        Some(&b),
        json!({}),
    )
    .await
    .problem(404);
    // Acknowledging one that does not ask for it is a conflict.
    until(&app, &owner, "/api/v1/announcements", |l| {
        l.as_array().is_some_and(|a| !a.is_empty())
    })
    .await;
    let sales = app.token(T::A, Role::SalesRep).await;
    app.post(
        &format!("/api/v1/announcements/{id}/ack"),
        Some(&sales),
        json!({}),
    )
    .await
    .problem(409);
}

async fn raise(app: &TestApp, token: &str, customer: &str, extra: Value) -> crate::common::Res {
    let mut body = json!({"customer_id": customer, "subject": "Clasp broke in a week",
                          "category": "product_quality", "priority": "high"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post("/api/v1/escalations", Some(token), body).await
}

#[actix_web::test]
async fn escalations_follow_their_machine_climb_past_the_sla_and_ask_for_feedback() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    let cust = customer(&app, T::A, &sales).await;
    let mut ws_mgr = socket(&app, &mgr).await;
    let mut ws_tele = socket(&app, &tele).await;

    let r = raise(&app, &sales, &cust, json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["escalation"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        r.body["escalation"]["assigned_to"],
        app.user_id(T::A, Role::SalesRep).to_string()
    );
    assert_eq!(r.body["escalation"]["created_by_name"], "sales_rep alpha");
    assert_eq!(
        r.body["escalation"]["store_id"],
        app.a.stores[0].to_string()
    );
    let e = event(&mut ws_mgr, "escalations").await;
    assert_eq!(e["kind"], "escalation.created");
    silent(&mut ws_tele, 300).await;
    // Floor staff see their own; the telecaller (not involved) does not.
    app.get(&format!("/api/v1/escalations/{id}"), Some(&tele))
        .await
        .problem(404);
    let l = app.get("/api/v1/escalations", Some(&tele)).await;
    assert!(l.body["items"].as_array().unwrap().is_empty());

    // Internal notes: the manager's is hidden from a sales rep who no longer holds it.
    let r = app
        .post(
            &format!("/api/v1/escalations/{id}/notes"),
            Some(&mgr),
            json!({"body": "Replace free if hallmark intact", "internal": true}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    app.post(
        &format!("/api/v1/escalations/{id}/assign"),
        Some(&sales),
        json!({"user_id": app.user_id(T::A, Role::Manager)}),
    )
    .await
    .problem(403);
    let r = app
        .post(
            &format!("/api/v1/escalations/{id}/assign"),
            Some(&mgr),
            json!({"user_id": app.user_id(T::A, Role::Manager)}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let d = app
        .get(&format!("/api/v1/escalations/{id}"), Some(&sales))
        .await;
    assert_eq!(d.status, 200, "the creator still sees it");
    assert!(
        !d.body.to_string().contains("hallmark intact"),
        "{}",
        d.body
    );
    let d = app
        .get(&format!("/api/v1/escalations/{id}"), Some(&mgr))
        .await;
    assert!(d.body.to_string().contains("hallmark intact"));

    // The machine: illegal moves are 409; resolving needs a resolution.
    let status = async |t: &str, body: Value| {
        app.post(&format!("/api/v1/escalations/{id}/status"), Some(t), body)
            .await
    };
    status(&mgr, json!({"status": "closed"})).await.problem(409);
    status(&mgr, json!({"status": "open"})).await.problem(409);
    status(&mgr, json!({"status": "resolved"}))
        .await
        .problem(422);
    assert_eq!(
        status(&mgr, json!({"status": "in_progress"})).await.status,
        200
    );
    status(&mgr, json!({"status": "in_progress"}))
        .await
        .problem(409);

    // Past the SLA it climbs to the store's managers, then the business admins.
    let run = async || {
        let mut c = app.app_conn().await;
        c.batch_execute(&format!(
            "SET app.platform = 'on'; UPDATE escalations SET sla_due_at = now() - interval '1 minute' WHERE id = '{id}';
             UPDATE jobs SET run_at = now() WHERE kind = 'escalations.sla' AND state = 'queued'"
        ))
        .await
        .unwrap();
        let registry = karat::jobs::Registry::default()
            .on(karat::escalations::SLA_JOB, karat::escalations::sla_job);
        let db = karat::db::Db::connect(&app.db.app_url(), 2).unwrap();
        karat::jobs::drain(&db, &registry).await.unwrap();
    };
    run().await;
    let d = until(&app, &mgr, &format!("/api/v1/escalations/{id}"), |d| {
        d["escalation"]["level"] == 1
    })
    .await;
    assert_eq!(d["escalation"]["level"], 1, "{d}");
    assert!(
        app.count("notifications WHERE type = 'escalation.overdue'")
            .await
            >= 1
    );
    run().await;
    let d = until(&app, &owner, &format!("/api/v1/escalations/{id}"), |d| {
        d["escalation"]["level"] == 2
    })
    .await;
    assert_eq!(d["escalation"]["level"], 2, "{d}");
    let escalated = app
        .get("/api/v1/escalations?escalated=true", Some(&owner))
        .await;
    assert_eq!(escalated.body["items"].as_array().unwrap().len(), 1);

    // Resolution asks the customer for feedback.
    let r = status(
        &mgr,
        json!({"status": "resolved", "resolution": "Clasp replaced free of charge"}),
    )
    .await;
    assert_eq!(r.status, 200, "{r:?}");
    let f = app
        .get("/api/v1/feedback?kind=escalation", Some(&owner))
        .await;
    assert_eq!(f.body["items"][0]["subject_id"], id.as_str(), "{}", f.body);
    assert!(
        f.body["items"][0]["link"]
            .as_str()
            .unwrap()
            .starts_with("/survey/")
    );
    assert_eq!(
        status(&sales, json!({"status": "closed"})).await.status,
        200
    );
    status(&mgr, json!({"status": "in_progress"}))
        .await
        .problem(409);
    app.post(
        &format!("/api/v1/escalations/{id}/notes"),
        Some(&mgr),
        json!({"body": "late"}),
    )
    .await
    .problem(409);
}

#[actix_web::test]
async fn escalation_roles_tenants_and_bad_input() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let cust = customer(&app, T::A, &owner).await;
    for role in [Role::Marketing, Role::PlatformAdmin] {
        let t = app.token(T::A, role).await;
        app.get("/api/v1/escalations", Some(&t)).await.problem(403);
        raise(&app, &t, &cust, json!({})).await.problem(403);
    }
    // Telecallers raise only for customers of their leads.
    let tele = app.token(T::A, Role::Telecaller).await;
    raise(&app, &tele, &cust, json!({})).await.problem(422);
    let r = raise(
        &app,
        &owner,
        &cust,
        json!({"assigned_to": app.user_id(T::A, Role::SalesRep)}),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["escalation"]["id"].as_str().unwrap().to_string();
    // Another tenant.
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.get(&format!("/api/v1/escalations/{id}"), Some(&b))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/escalations/{id}/notes"),
        Some(&b),
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/escalations/{id}/status"),
        Some(&b),
        json!({"status": "in_progress"}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/escalations/{id}/assign"),
        Some(&b),
        json!({"user_id": app.user_id(T::B, Role::Manager)}),
    )
    .await
    .problem(404);
    raise(&app, &b, &cust, json!({})).await.problem(422);
    // Bad input, nothing half-written.
    let before = app.count("escalations").await;
    for extra in [
        json!({"subject": ""}),
        json!({"subject": "s".repeat(201)}),
        json!({"category": "vibes"}),
        json!({"priority": 3}),
        json!({"store_id": app.a.stores[1]}),
        json!({"store_id": Uuid::now_v7()}),
        json!({"call_id": Uuid::now_v7()}),
        json!({"assigned_to": app.user_id(T::A, Role::Manager)}),
        json!({"description": "d".repeat(5001)}),
        json!({"customer_id": Uuid::now_v7()}),
    ] {
        raise(&app, &sales, &cust, extra).await.problem(422);
    }
    app.post("/api/v1/escalations", Some(&sales), json!({"subject": "x"}))
        .await
        .problem(422);
    assert_eq!(app.count("escalations").await, before);
    app.post(
        &format!("/api/v1/escalations/{id}/assign"),
        Some(&owner),
        json!({"user_id": app.user_id(T::A, Role::Marketing)}),
    )
    .await
    .problem(422);
    app.post(
        &format!("/api/v1/escalations/{id}/status"),
        Some(&owner),
        json!({"status": "done"}),
    )
    .await
    .problem(422);
    app.get(
        &format!("/api/v1/escalations/{}", Uuid::now_v7()),
        Some(&owner),
    )
    .await
    .problem(404);
    app.get("/api/v1/escalations?status=done", Some(&owner))
        .await
        .problem(400);
}

#[actix_web::test]
async fn feedback_surveys_are_answered_once_and_reported() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let cust = customer(&app, T::A, &sales).await;
    // A visit with a purchase asks about the purchase.
    let r = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            json!({"customer_id": cust, "store_id": app.a.stores[0], "reason": "wedding", "lead_source": "walk_in",
                   "interests": [{"category": "necklace_sets", "outcome": "purchased", "expected_value": 250000}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let l = app.get("/api/v1/feedback?answered=false", Some(&mgr)).await;
    assert_eq!(l.status, 200, "{l:?}");
    let survey = l.body["items"][0].clone();
    assert_eq!(survey["kind"], "purchase", "{survey}");
    let token = survey["link"]
        .as_str()
        .unwrap()
        .strip_prefix("/survey/")
        .unwrap()
        .to_string();

    // The customer answers through the public link, once.
    let s = app
        .get(&format!("/api/v1/public/surveys/{token}"), None)
        .await;
    assert_eq!(s.status, 200, "{s:?}");
    assert!(s.body["question"].as_str().unwrap().contains("purchase"));
    assert_eq!(s.body["answered"], false);
    let path = format!("/api/v1/public/surveys/{token}");
    app.post(&path, None, json!({"rating": 6}))
        .await
        .problem(422);
    app.post(&path, None, json!({"rating": "five"}))
        .await
        .problem(422);
    app.post(
        &path,
        None,
        json!({"rating": 5, "comment": "c".repeat(2001)}),
    )
    .await
    .problem(422);
    let r = app
        .post(
            &path,
            None,
            json!({"rating": 5, "comment": "Lovely polki work"}),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    app.post(&path, None, json!({"rating": 1}))
        .await
        .problem(409);
    app.get("/api/v1/public/surveys/not-a-real-token", None)
        .await
        .problem(404);
    app.get("/api/v1/public/surveys/..%2F..", None)
        .await
        .problem(404);

    // Team feedback from anyone; staff record answers given in person.
    let tele = app.token(T::A, Role::Telecaller).await;
    let r = app
        .post(
            "/api/v1/feedback/team",
            Some(&tele),
            json!({"rating": 2, "comment": "Headsets keep dropping"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["sentiment"], "negative");
    app.post("/api/v1/feedback/team", Some(&tele), json!({"rating": 0}))
        .await
        .problem(422);
    app.post(
        "/api/v1/feedback/team",
        Some(&tele),
        json!({"rating": 4, "store_id": app.a.stores[1]}),
    )
    .await
    .problem(422);
    let visit2 = app
        .post("/api/v1/visits", Some(&sales), json!({"customer_id": cust, "store_id": app.a.stores[0], "reason": "inquiry", "lead_source": "walk_in", "interests": [{"category": "rings", "outcome": "wants_more_discount"}]}))
        .await;
    assert_eq!(visit2.status, 201, "{visit2:?}");
    let waiting = app.get("/api/v1/feedback?answered=false", Some(&mgr)).await;
    let visit_survey = waiting.body["items"][0]["id"].as_str().unwrap().to_string();
    let a = app
        .post(
            &format!("/api/v1/feedback/{visit_survey}/answer"),
            Some(&sales),
            json!({"rating": 3}),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body["sentiment"], "neutral");
    app.post(
        &format!("/api/v1/feedback/{visit_survey}/answer"),
        Some(&sales),
        json!({"rating": 3}),
    )
    .await
    .problem(409);

    // The report.
    let rep = app.get("/api/v1/feedback/report", Some(&owner)).await;
    assert_eq!(rep.status, 200, "{rep:?}");
    assert_eq!(rep.body["customers"]["responses"], 2, "{}", rep.body);
    assert_eq!(rep.body["customers"]["average"], 4.0);
    assert_eq!(rep.body["customers"]["csat"], 0.5);
    assert_eq!(rep.body["customers"]["r5"], 1);
    let team = rep.body["by_kind"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["group"] == "team")
        .unwrap()
        .clone();
    assert_eq!(team["negative"], 1);
    assert_eq!(rep.body["recent"][0]["comment"], "Headsets keep dropping");
    // Roles and tenants.
    for role in [
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
        Role::PlatformAdmin,
    ] {
        let t = app.token(T::A, role).await;
        app.get("/api/v1/feedback", Some(&t)).await.problem(403);
        app.get("/api/v1/feedback/report", Some(&t))
            .await
            .problem(403);
    }
    let b = app.token(T::B, Role::BusinessAdmin).await;
    let rb = app.get("/api/v1/feedback/report", Some(&b)).await;
    assert_eq!(rb.body["customers"]["responses"], 0);
    app.post(
        &format!("/api/v1/feedback/{visit_survey}/answer"),
        Some(&b),
        json!({"rating": 3}),
    )
    .await
    .problem(404);
    app.get(
        "/api/v1/feedback/report?from=2026-12-01&to=2026-11-01",
        Some(&owner),
    )
    .await
    .problem(422);
    app.get("/api/v1/feedback/report?from=yesterday", Some(&owner))
        .await
        .problem(400);
    let _ = Method::GET;
}
