//! Telecalling over real HTTP and WebSockets: instant assignment to online
//! telecallers, exactly-once assignment across two nodes, the call rules,
//! the state machine, transfers, web forms, the SLA job, the wallboard and
//! reports, with the role matrix, isolation and bad input.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::join_all;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{ROLES, T, TestApp, mobile};
use crate::realtime::{ORIGIN, Ws, next, open, send, silent};

async fn spawn() -> TestApp {
    TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await
}

/// Opens a live socket for `token` on the telecalling topic and waits until
/// the user counts as online.
async fn online(app: &TestApp, token: &str, user: Uuid) -> Ws {
    let r = app
        .post("/api/v1/realtime/ticket", Some(token), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let mut ws = open(app, r.body["ticket"].as_str().unwrap(), ORIGIN)
        .await
        .expect("upgrade");
    send(
        &mut ws,
        json!({"type": "hello", "v": 1, "topics": ["telecalling"]}),
    )
    .await;
    assert_eq!(next(&mut ws).await["type"], "hello");
    for _ in 0..100 {
        if app
            .count(&format!("presence WHERE user_id = '{user}'"))
            .await
            > 0
        {
            return ws;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{user} never came online");
}

/// The next telecalling event of `kind` (skipping others).
async fn event(ws: &mut Ws, kind: &str) -> Value {
    for _ in 0..50 {
        let m = next(ws).await;
        if m["kind"] == kind {
            return m;
        }
    }
    panic!("no {kind} event");
}

async fn new_customer(app: &TestApp, token: &str, store: Uuid) -> String {
    let r = app
        .post(
            "/api/v1/customers",
            Some(token),
            json!({"name": "Meera Krishnan", "phones": [mobile()], "home_store_id": store, "language": "ta"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

/// A new lead at `store` (entered by the manager); returns its JSON.
async fn new_lead(app: &TestApp, t: T, store: Uuid) -> Value {
    let token = app.token(t, Role::Manager).await;
    let customer = new_customer(app, &token, store).await;
    let r = app
        .post(
            "/api/v1/leads",
            Some(&token),
            json!({"customer_id": customer, "store_id": store}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

/// Sets a store's calling rules: open all day, a high cap, then `patch`.
async fn rules(app: &TestApp, t: T, store: Uuid, patch: Value) {
    let mut body = json!({
        "rule": "round_robin", "max_open_leads": 1000, "sla_minutes": 15, "sticky_days": 4,
        "retry_minutes": 20, "max_attempts_per_day": 3, "calling_start": "00:00:00",
        "calling_end": "23:59:59", "wrap_up_seconds": 120
    });
    for (k, v) in patch.as_object().unwrap() {
        body[k] = v.clone();
    }
    let token = app.token(t, Role::Manager).await;
    let r = app
        .req(
            awc::http::Method::PUT,
            &format!("/api/v1/telecalling/settings/{store}"),
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

async fn assign(app: &TestApp, lead: &str, to: Uuid) {
    let token = app.token(T::A, Role::Manager).await;
    let r = app
        .post(
            "/api/v1/leads/assign",
            Some(&token),
            json!({"lead_ids": [lead], "user_id": to}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[actix_web::test]
async fn a_visit_without_purchase_reaches_the_online_telecaller_live() {
    let app = spawn().await;
    let [s0, s1] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let tele_token = app.token(T::A, Role::Telecaller).await;
    let mut tele_ws = online(&app, &tele_token, tele).await;
    // A telecaller of another store and one of another tenant stay silent.
    let (other, other_email) = app
        .add_staff(T::A, Role::Telecaller, "other-store", &[s1])
        .await;
    let other_token = app.login_as(&other_email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other_ws = online(&app, &other_token, other).await;
    let b_tele = app.user_id(T::B, Role::Telecaller);
    let b_token = app.token(T::B, Role::Telecaller).await;
    let mut b_ws = online(&app, &b_token, b_tele).await;
    let mgr_token = app.token(T::A, Role::Manager).await;
    let mut mgr_ws = online(&app, &mgr_token, app.user_id(T::A, Role::Manager)).await;

    let sales = app.token(T::A, Role::SalesRep).await;
    let customer = new_customer(&app, &sales, s0).await;
    let sent = std::time::Instant::now();
    let r = app
        .post(
            "/api/v1/visits",
            Some(&sales),
            json!({"customer_id": customer, "store_id": s0, "reason": "wedding", "lead_source": "walk_in",
                   "interests": [{"category": "bangles", "outcome": "wants_more_discount"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let lead = r.body["lead_id"].as_str().unwrap().to_string();
    let ev = event(&mut tele_ws, "lead.assigned").await;
    assert!(sent.elapsed() < Duration::from_secs(2));
    assert_eq!(ev["topic"], "telecalling");
    assert_eq!(ev["payload"]["lead"]["id"], lead.as_str());
    assert_eq!(ev["payload"]["lead"]["assigned_to"], tele.to_string());
    assert_eq!(ev["payload"]["lead"]["state"], "assigned");
    assert_eq!(
        event(&mut mgr_ws, "lead.assigned").await["payload"]["lead"]["id"],
        lead.as_str()
    );
    silent(&mut other_ws, 300).await;
    silent(&mut b_ws, 100).await;

    // The console lists it, with an SLA due time.
    let r = app
        .get("/api/v1/telecalling/console", Some(&tele_token))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let queue = r.body["queue"].as_array().unwrap();
    assert!(
        queue
            .iter()
            .any(|l| l["id"] == lead.as_str() && l["sla_due_at"].is_string())
    );
    assert_eq!(r.body["me"]["online"], true);

    // On break, nothing more comes; back to available, the backlog drains to them.
    let r = app
        .req(
            awc::http::Method::PUT,
            "/api/v1/telecalling/status",
            Some(&tele_token),
            Some(json!({"status": "break"})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let waiting = new_lead(&app, T::A, s0).await;
    assert!(waiting["assigned_to"].is_null(), "{waiting}");
    assert_eq!(waiting["state"], "new");
    let r = app
        .req(
            awc::http::Method::PUT,
            "/api/v1/telecalling/status",
            Some(&tele_token),
            Some(json!({"status": "available"})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.body["queue"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == waiting["id"])
    );
}

#[actix_web::test]
async fn two_nodes_assign_two_hundred_leads_exactly_once_and_evenly() {
    let app = spawn().await;
    let node2 = TestApp::spawn_on(&app, &["--allowed-origins", ORIGIN]).await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    // Five available telecallers, online on one node or the other.
    let mut people = vec![app.user_id(T::A, Role::Telecaller)];
    let mut sockets = vec![online(&app, &app.token(T::A, Role::Telecaller).await, people[0]).await];
    for i in 0..4 {
        let (uid, email) = app
            .add_staff(T::A, Role::Telecaller, &format!("rr{i}"), &[s0])
            .await;
        let node = if i % 2 == 0 { &app } else { &node2 };
        let token = node.login_as(&email).await["access_token"]
            .as_str()
            .unwrap()
            .to_string();
        sockets.push(online(node, &token, uid).await);
        people.push(uid);
    }
    // 200 customers, then 200 leads created concurrently across both nodes.
    let mgr = app.token(T::A, Role::Manager).await;
    let mut customers = vec![];
    for _ in 0..10 {
        customers.extend(join_all((0..20).map(|_| new_customer(&app, &mgr, s0))).await);
    }
    // 16 requests in flight at a time, alternating nodes.
    let results: Vec<_> = futures_util::stream::iter(customers.iter().enumerate())
        .map(|(i, c)| {
            let node = if i % 2 == 0 { &app } else { &node2 };
            let mgr = mgr.clone();
            async move {
                node.post(
                    "/api/v1/leads",
                    Some(&mgr),
                    json!({"customer_id": c, "store_id": s0}),
                )
                .await
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut loads: HashMap<String, usize> = HashMap::new();
    for r in &results {
        assert_eq!(r.status, 201, "{r:?}");
        let who = r.body["assigned_to"]
            .as_str()
            .expect("assigned")
            .to_string();
        *loads.entry(who).or_default() += 1;
    }
    assert_eq!(loads.len(), 5, "{loads:?}");
    let (min, max) = (loads.values().min().unwrap(), loads.values().max().unwrap());
    assert!(max - min <= 1, "round-robin loads {loads:?}");
    // Exactly one assignment per lead in the history.
    assert_eq!(app.count("lead_history WHERE kind = 'assigned'").await, 200);
    assert_eq!(app.count("leads WHERE assigned_to IS NULL").await, 0);
    drop(sockets);
    node2.stop().await;
}

#[actix_web::test]
async fn calls_follow_the_rules_and_force_a_disposition() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({"max_attempts_per_day": 2})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let token = app.token(T::A, Role::Telecaller).await;
    let first = new_lead(&app, T::A, s0).await;
    let second = new_lead(&app, T::A, s0).await;
    assign(&app, &id(&first), tele).await;
    assign(&app, &id(&second), tele).await;

    let r = app
        .post("/api/v1/telecalling/next", Some(&token), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["lead"]["id"], first["id"]);
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&first)),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert!(r.body["tel"].as_str().unwrap().starts_with("tel:+"));
    let call = r.body["call"]["id"].as_str().unwrap().to_string();
    // Forced wrap-up: no next lead, no second call, no break until the disposition.
    app.post("/api/v1/telecalling/next", Some(&token), json!({}))
        .await
        .problem(409);
    app.post(
        &format!("/api/v1/leads/{}/calls", id(&second)),
        Some(&token),
        json!({}),
    )
    .await
    .problem(409);
    let r = app
        .post(
            &format!("/api/v1/calls/{call}/end"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app.get("/api/v1/telecalling/console", Some(&token)).await;
    assert_eq!(r.body["me"]["status"], "wrap_up");
    assert_eq!(r.body["open_call"]["id"], call.as_str());
    // A call back needs its time.
    app.post(
        &format!("/api/v1/calls/{call}/disposition"),
        Some(&token),
        json!({"disposition": "call_back"}),
    )
    .await
    .problem(422);
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let r = app
        .post(
            &format!("/api/v1/calls/{call}/disposition"),
            Some(&token),
            json!({"disposition": "call_back", "follow_up_at": tomorrow, "sentiment": "positive", "notes": "Wants to see the bridal set with her mother"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["lead"]["state"], "follow_up");
    assert_eq!(r.body["lead"]["attempts_today"], 1);
    assert_eq!(app.count("jobs WHERE kind = 'leads.follow_up'").await, 1);
    app.post(
        &format!("/api/v1/calls/{call}/disposition"),
        Some(&token),
        json!({"disposition": "busy"}),
    )
    .await
    .problem(409);

    // No answer schedules a retry inside calling hours; the day's attempts run out.
    let r = app
        .post("/api/v1/telecalling/next", Some(&token), json!({}))
        .await;
    assert_eq!(r.body["lead"]["id"], second["id"], "{r:?}");
    for attempt in 1..=2 {
        let r = app
            .post(
                &format!("/api/v1/leads/{}/calls", id(&second)),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 201, "attempt {attempt}: {r:?}");
        let c = r.body["call"]["id"].as_str().unwrap().to_string();
        let r = app
            .post(
                &format!("/api/v1/calls/{c}/disposition"),
                Some(&token),
                json!({"disposition": "no_answer"}),
            )
            .await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["lead"]["state"], "attempted");
        let retry: chrono::DateTime<chrono::Utc> =
            r.body["follow_up_at"].as_str().unwrap().parse().unwrap();
        assert!(retry >= chrono::Utc::now() + chrono::Duration::minutes(19));
    }
    app.post(
        &format!("/api/v1/leads/{}/calls", id(&second)),
        Some(&token),
        json!({}),
    )
    .await
    .problem(409);

    // Outside calling hours (store time, Asia/Kolkata) nobody dials.
    let third = new_lead(&app, T::A, s0).await;
    assign(&app, &id(&third), tele).await;
    let local = (chrono::Utc::now() + chrono::Duration::minutes(330)).time();
    let h = |d: i64| {
        (local + chrono::Duration::hours(d))
            .format("%H:00:00")
            .to_string()
    };
    let (start, end) = if chrono::Timelike::hour(&local) < 12 {
        (h(2), h(3))
    } else {
        (h(-3), h(-2))
    };
    rules(
        &app,
        T::A,
        s0,
        json!({"calling_start": start, "calling_end": end}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&third)),
            Some(&token),
            json!({}),
        )
        .await;
    r.problem(409);
    assert!(
        r.body["detail"].as_str().unwrap().contains("store time"),
        "{r:?}"
    );
    rules(&app, T::A, s0, json!({})).await;

    // DND customers cannot be dialled.
    let customer = third["customer_id"].as_str().unwrap();
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let profile = app
        .get(&format!("/api/v1/customers/{customer}"), Some(&admin))
        .await;
    let c = json!({
        "name": profile.body["name"],
        "phones": profile.body["phones"],
        "home_store_id": s0,
        "dnd": true,
    });
    let r = app
        .req(
            awc::http::Method::PUT,
            &format!("/api/v1/customers/{customer}"),
            Some(&admin),
            Some(c),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&third)),
            Some(&token),
            json!({}),
        )
        .await;
    r.problem(409);

    // A wrong number closes the lead for good.
    let fourth = new_lead(&app, T::A, s0).await;
    assign(&app, &id(&fourth), tele).await;
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&fourth)),
            Some(&token),
            json!({}),
        )
        .await;
    let c = r.body["call"]["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &format!("/api/v1/calls/{c}/disposition"),
            Some(&token),
            json!({"disposition": "wrong_number"}),
        )
        .await;
    assert_eq!(r.body["lead"]["state"], "wrong_number", "{r:?}");
    app.post(
        &format!("/api/v1/leads/{}/calls", id(&fourth)),
        Some(&token),
        json!({}),
    )
    .await
    .problem(409);
}

#[actix_web::test]
async fn leads_keep_their_state_machine_and_their_owner() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let token = app.token(T::A, Role::Telecaller).await;
    let lead = new_lead(&app, T::A, s0).await;
    let lid = id(&lead);
    assign(&app, &lid, tele).await;

    // Another telecaller of the same store sees nothing of it.
    let (_, email) = app
        .add_staff(T::A, Role::Telecaller, "colleague", &[s0])
        .await;
    let colleague = app.login_as(&email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [format!("/api/v1/leads/{lid}")] {
        app.get(&path, Some(&colleague)).await.problem(404);
    }
    app.post(
        &format!("/api/v1/leads/{lid}/state"),
        Some(&colleague),
        json!({"state": "lost", "reason": "x"}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/leads/{lid}/calls"),
        Some(&colleague),
        json!({}),
    )
    .await
    .problem(404);
    let r = app.get("/api/v1/leads", Some(&colleague)).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 0, "{r:?}");
    // Nor does the other tenant.
    for role in [Role::BusinessAdmin, Role::Manager, Role::Telecaller] {
        let b = app.token(T::B, role).await;
        app.get(&format!("/api/v1/leads/{lid}"), Some(&b))
            .await
            .problem(404);
    }
    let b_mgr = app.token(T::B, Role::Manager).await;
    app.post(
        "/api/v1/leads/assign",
        Some(&b_mgr),
        json!({"lead_ids": [lid], "user_id": app.user_id(T::B, Role::Telecaller)}),
    )
    .await
    .problem(404);

    // Closing needs a reason; a closed lead moves no more (409), and its history says who and why.
    app.post(
        &format!("/api/v1/leads/{lid}/state"),
        Some(&token),
        json!({"state": "lost"}),
    )
    .await
    .problem(422);
    let r = app
        .post(
            &format!("/api/v1/leads/{lid}/state"),
            Some(&token),
            json!({"state": "lost", "reason": "Bought elsewhere"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    for to in ["contacted", "follow_up", "converted", "dnd"] {
        app.post(
            &format!("/api/v1/leads/{lid}/state"),
            Some(&token),
            json!({"state": to, "reason": "again"}),
        )
        .await
        .problem(409);
    }
    let r = app.get(&format!("/api/v1/leads/{lid}"), Some(&token)).await;
    let history = r.body["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["to_state"], "lost");
    assert_eq!(last["reason"], "Bought elsewhere");
    assert_eq!(last["actor_id"], tele.to_string());
    assert_eq!(last["actor_name"], "telecaller alpha");
    // Managers find leads by the customer's name or phone.
    let mgr = app.token(T::A, Role::Manager).await;
    let phone = r.body["lead"]["phone"].as_str().unwrap().to_string();
    let found = app
        .get(&format!("/api/v1/leads?q={}", &phone[4..10]), Some(&mgr))
        .await;
    assert_eq!(found.body["items"][0]["id"], lid.as_str(), "{found:?}");
    let found = app.get("/api/v1/leads?q=MEERA", Some(&mgr)).await;
    assert!(!found.body["items"].as_array().unwrap().is_empty());
    let found = app
        .get("/api/v1/leads?q=nobody-like-this", Some(&mgr))
        .await;
    assert_eq!(found.body["items"].as_array().unwrap().len(), 0);
    // A new lead cannot jump to contacted without a call or assignment.
    let fresh = new_lead(&app, T::A, s0).await;
    app.post(
        &format!("/api/v1/leads/{}/state", id(&fresh)),
        Some(&mgr),
        json!({"state": "contacted"}),
    )
    .await
    .problem(409);
    // Closing a lead as DND marks the customer.
    let r = app
        .post(
            &format!("/api/v1/leads/{}/state", id(&fresh)),
            Some(&mgr),
            json!({"state": "dnd", "reason": "Asked not to be called"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["do_not_call"], true);
    // One open lead per customer.
    let r = app
        .post(
            "/api/v1/leads",
            Some(&mgr),
            json!({"customer_id": lead["customer_id"], "store_id": s0}),
        )
        .await;
    assert_eq!(
        r.status, 201,
        "a closed lead does not block a new one: {r:?}"
    );
    let again = app
        .post(
            "/api/v1/leads",
            Some(&mgr),
            json!({"customer_id": lead["customer_id"], "store_id": s0}),
        )
        .await;
    again.problem(409);
    assert_eq!(again.body["existing_id"], r.body["id"]);
}

#[actix_web::test]
async fn role_matrix_for_telecalling() {
    let app = spawn().await;
    let [s0, s1] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let today = crate::common::tenant_today();
    type Case = (
        &'static str,
        awc::http::Method,
        String,
        Option<Value>,
        [u16; 6],
    );
    let cases: Vec<Case> = vec![
        (
            "GET /leads",
            awc::http::Method::GET,
            "/api/v1/leads".into(),
            None,
            [403, 200, 200, 200, 200, 403],
        ),
        (
            "GET /telecalling/console",
            awc::http::Method::GET,
            "/api/v1/telecalling/console".into(),
            None,
            [403, 403, 403, 403, 200, 403],
        ),
        (
            "GET /telecalling/wallboard",
            awc::http::Method::GET,
            "/api/v1/telecalling/wallboard".into(),
            None,
            [403, 200, 200, 403, 403, 403],
        ),
        (
            "GET /telecalling/reports",
            awc::http::Method::GET,
            format!("/api/v1/telecalling/reports?from={today}&to={today}"),
            None,
            [403, 200, 200, 403, 403, 403],
        ),
        (
            "GET settings",
            awc::http::Method::GET,
            format!("/api/v1/telecalling/settings/{s0}"),
            None,
            [403, 200, 200, 403, 200, 403],
        ),
        (
            "GET /lead-forms",
            awc::http::Method::GET,
            "/api/v1/lead-forms".into(),
            None,
            [403, 200, 200, 403, 403, 403],
        ),
        (
            "GET /transfers",
            awc::http::Method::GET,
            "/api/v1/transfers".into(),
            None,
            [403, 200, 200, 200, 200, 403],
        ),
        (
            "PUT agents",
            awc::http::Method::PUT,
            format!("/api/v1/telecalling/agents/{tele}"),
            Some(json!({"languages": ["ta", "en"]})),
            [403, 204, 204, 403, 403, 403],
        ),
        (
            "PUT status",
            awc::http::Method::PUT,
            "/api/v1/telecalling/status".into(),
            Some(json!({"status": "available"})),
            [403, 403, 403, 403, 200, 403],
        ),
        (
            "POST /lead-forms",
            awc::http::Method::POST,
            "/api/v1/lead-forms".into(),
            Some(json!({"store_id": s0, "name": "Website"})),
            [403, 201, 201, 403, 403, 403],
        ),
    ];
    for (what, method, path, body, expected) in cases {
        for (role, want) in ROLES.into_iter().zip(expected) {
            let token = app.token(T::A, role).await;
            let r = app
                .req(method.clone(), &path, Some(&token), body.clone())
                .await;
            assert_eq!(r.status, want, "{what} as {role:?}: {r:?}");
        }
    }
    // Settings: whole-body PUT, admins and the store's managers only.
    let put = json!({
        "rule": "least_loaded", "max_open_leads": 30, "sla_minutes": 10, "sticky_days": 4,
        "retry_minutes": 20, "max_attempts_per_day": 3, "calling_start": "09:30",
        "calling_end": "20:30", "wrap_up_seconds": 90
    });
    for (role, want) in ROLES.into_iter().zip([403, 200, 200, 403, 403, 403]) {
        let token = app.token(T::A, role).await;
        let r = app
            .req(
                awc::http::Method::PUT,
                &format!("/api/v1/telecalling/settings/{s0}"),
                Some(&token),
                Some(put.clone()),
            )
            .await;
        assert_eq!(r.status, want, "PUT settings as {role:?}: {r:?}");
    }
    // A manager's reach ends at their stores; another tenant's store is unknown.
    let mgr = app.token(T::A, Role::Manager).await;
    app.get(&format!("/api/v1/telecalling/settings/{s1}"), Some(&mgr))
        .await
        .problem(404);
    app.get(
        &format!("/api/v1/telecalling/wallboard?store_id={s1}"),
        Some(&mgr),
    )
    .await
    .problem(404);
    let b_admin = app.token(T::B, Role::BusinessAdmin).await;
    app.get(
        &format!("/api/v1/telecalling/settings/{s0}"),
        Some(&b_admin),
    )
    .await
    .problem(404);
    app.req(
        awc::http::Method::PUT,
        &format!("/api/v1/telecalling/agents/{tele}"),
        Some(&b_admin),
        Some(json!({"status": "leave"})),
    )
    .await
    .problem(404);
    // Creating and assigning leads.
    for (role, want) in ROLES.into_iter().zip([403, 201, 201, 201, 403, 403]) {
        let admin = app.token(T::A, Role::BusinessAdmin).await;
        let customer = new_customer(&app, &admin, s0).await;
        let token = app.token(T::A, role).await;
        let r = app
            .post(
                "/api/v1/leads",
                Some(&token),
                json!({"customer_id": customer, "store_id": s0}),
            )
            .await;
        assert_eq!(r.status, want, "POST /leads as {role:?}: {r:?}");
    }
    let lead = new_lead(&app, T::A, s0).await;
    for (role, want) in ROLES.into_iter().zip([403, 200, 200, 403, 403, 403]) {
        let token = app.token(T::A, role).await;
        let r = app
            .post(
                "/api/v1/leads/assign",
                Some(&token),
                json!({"lead_ids": [lead["id"]], "user_id": tele}),
            )
            .await;
        assert_eq!(r.status, want, "POST /leads/assign as {role:?}: {r:?}");
    }
    // Reading, moving and calling one lead; the console's next lead; forms.
    let lid = id(&lead);
    for (role, want) in ROLES.into_iter().zip([403, 200, 200, 404, 200, 403]) {
        let token = app.token(T::A, role).await;
        let r = app.get(&format!("/api/v1/leads/{lid}"), Some(&token)).await;
        assert_eq!(r.status, want, "GET /leads/{{id}} as {role:?}: {r:?}");
    }
    for (role, want) in ROLES.into_iter().zip([403, 200, 200, 403, 200, 403]) {
        let token = app.token(T::A, role).await;
        let r = app
            .post(
                &format!("/api/v1/leads/{lid}/state"),
                Some(&token),
                json!({"state": "contacted"}),
            )
            .await;
        assert_eq!(
            r.status, want,
            "POST /leads/{{id}}/state as {role:?}: {r:?}"
        );
    }
    rules(&app, T::A, s0, json!({})).await;
    for (role, want) in ROLES.into_iter().zip([403, 201, 201, 403, 201, 403]) {
        let token = app.token(T::A, role).await;
        let r = app
            .post(
                &format!("/api/v1/leads/{lid}/calls"),
                Some(&token),
                json!({}),
            )
            .await;
        assert_eq!(
            r.status, want,
            "POST /leads/{{id}}/calls as {role:?}: {r:?}"
        );
        if r.status == 201 {
            let call = r.body["call"]["id"].as_str().unwrap().to_string();
            let r = app
                .post(
                    &format!("/api/v1/calls/{call}/end"),
                    Some(&token),
                    json!({}),
                )
                .await;
            assert_eq!(r.status, 200, "end as {role:?}: {r:?}");
            let r = app
                .post(
                    &format!("/api/v1/calls/{call}/disposition"),
                    Some(&token),
                    json!({"disposition": "connected"}),
                )
                .await;
            assert_eq!(r.status, 200, "disposition as {role:?}: {r:?}");
        }
    }
    for (role, want) in ROLES.into_iter().zip([403, 403, 403, 403, 200, 403]) {
        let token = app.token(T::A, role).await;
        let r = app
            .post("/api/v1/telecalling/next", Some(&token), json!({}))
            .await;
        assert_eq!(r.status, want, "POST /telecalling/next as {role:?}: {r:?}");
    }
    for (role, want) in ROLES.into_iter().zip([403, 204, 204, 403, 403, 403]) {
        let admin = app.token(T::A, Role::BusinessAdmin).await;
        let form = app
            .post(
                "/api/v1/lead-forms",
                Some(&admin),
                json!({"store_id": s0, "name": "Exhibition stall"}),
            )
            .await;
        let token = app.token(T::A, role).await;
        let r = app
            .req(
                awc::http::Method::DELETE,
                &format!("/api/v1/lead-forms/{}", id(&form.body)),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(
            r.status, want,
            "DELETE /lead-forms/{{id}} as {role:?}: {r:?}"
        );
    }
    // Only the sales rep a transfer is for answers it.
    for role in [
        Role::BusinessAdmin,
        Role::Manager,
        Role::Telecaller,
        Role::Marketing,
    ] {
        let token = app.token(T::A, role).await;
        app.post(
            &format!("/api/v1/transfers/{}/accept", Uuid::now_v7()),
            Some(&token),
            json!({}),
        )
        .await
        .problem(403);
    }
    // A manager may put their telecaller on leave: they then get nothing.
    let r = app
        .req(
            awc::http::Method::PUT,
            &format!("/api/v1/telecalling/agents/{tele}"),
            Some(&mgr),
            Some(json!({"status": "leave"})),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let token = app.token(T::A, Role::Telecaller).await;
    let _ws = online(&app, &token, tele).await;
    let waiting = new_lead(&app, T::A, s0).await;
    assert!(waiting["assigned_to"].is_null(), "{waiting}");
    app.req(
        awc::http::Method::PUT,
        "/api/v1/telecalling/status",
        Some(&token),
        Some(json!({"status": "available"})),
    )
    .await
    .problem(409);
    // Back from leave, the waiting lead is handed to them at once.
    let r = app
        .req(
            awc::http::Method::PUT,
            &format!("/api/v1/telecalling/agents/{tele}"),
            Some(&mgr),
            Some(json!({"status": "available"})),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let r = app
        .get(&format!("/api/v1/leads/{}", id(&waiting)), Some(&mgr))
        .await;
    assert_eq!(r.body["lead"]["assigned_to"], tele.to_string(), "{r:?}");
}

#[actix_web::test]
async fn qualified_leads_go_to_sales_who_accept_or_reject() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let token = app.token(T::A, Role::Telecaller).await;
    let sales_id = app.user_id(T::A, Role::SalesRep);
    let sales = app.token(T::A, Role::SalesRep).await;
    let mut tele_ws = online(&app, &token, tele).await;

    let lead = new_lead(&app, T::A, s0).await;
    let lid = id(&lead);
    assign(&app, &lid, tele).await;
    // Not qualified yet: 409.
    app.post(
        &format!("/api/v1/leads/{lid}/transfer"),
        Some(&token),
        json!({"to_user": sales_id}),
    )
    .await
    .problem(409);
    let r = app
        .post(
            &format!("/api/v1/leads/{lid}/calls"),
            Some(&token),
            json!({}),
        )
        .await;
    let call = r.body["call"]["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &format!("/api/v1/calls/{call}/disposition"),
            Some(&token),
            json!({"disposition": "connected", "next_step": "qualified", "duration_seconds": 240}),
        )
        .await;
    assert_eq!(r.body["lead"]["state"], "qualified", "{r:?}");
    // Only a sales rep of the lead's store.
    app.post(
        &format!("/api/v1/leads/{lid}/transfer"),
        Some(&token),
        json!({"to_user": app.user_id(T::A, Role::Manager)}),
    )
    .await
    .problem(422);
    app.post(
        &format!("/api/v1/leads/{lid}/transfer"),
        Some(&token),
        json!({"to_user": app.user_id(T::B, Role::SalesRep)}),
    )
    .await
    .problem(422);
    let r = app
        .post(
            &format!("/api/v1/leads/{lid}/transfer"),
            Some(&token),
            json!({"to_user": sales_id, "note": "Wants a diamond solitaire under 2 lakh"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let first = id(&r.body);
    app.post(
        &format!("/api/v1/leads/{lid}/transfer"),
        Some(&token),
        json!({"to_user": sales_id}),
    )
    .await
    .problem(409);
    // The sales rep sees the lead while asked; the telecaller cannot answer for them.
    assert_eq!(
        app.get(&format!("/api/v1/leads/{lid}"), Some(&sales))
            .await
            .status,
        200
    );
    app.post(
        &format!("/api/v1/transfers/{first}/reject"),
        Some(&token),
        json!({"reason": "no"}),
    )
    .await
    .problem(403);
    app.post(
        &format!("/api/v1/transfers/{first}/reject"),
        Some(&sales),
        json!({"reason": ""}),
    )
    .await
    .problem(422);
    let r = app
        .post(
            &format!("/api/v1/transfers/{first}/reject"),
            Some(&sales),
            json!({"reason": "She wants Chennai store"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let ev = event(&mut tele_ws, "transfer.rejected").await;
    assert_eq!(
        ev["payload"]["transfer"]["reason"],
        "She wants Chennai store"
    );
    app.get(&format!("/api/v1/leads/{lid}"), Some(&sales))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/transfers/{first}/accept"),
        Some(&sales),
        json!({}),
    )
    .await
    .problem(409);
    // Offered again and accepted with an appointment.
    let r = app
        .post(
            &format!("/api/v1/leads/{lid}/transfer"),
            Some(&token),
            json!({"to_user": sales_id}),
        )
        .await;
    let second = id(&r.body);
    let at = (chrono::Utc::now() + chrono::Duration::days(2)).to_rfc3339();
    let before = app.count("appointments").await;
    let r = app
        .post(
            &format!("/api/v1/transfers/{second}/accept"),
            Some(&sales),
            json!({"appointment_at": at}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(app.count("appointments").await, before + 1);
    let r = app.get(&format!("/api/v1/leads/{lid}"), Some(&sales)).await;
    assert_eq!(r.body["lead"]["state"], "appointment_set", "{r:?}");
    assert_eq!(r.body["lead"]["sales_rep_id"], sales_id.to_string());
    let ev = event(&mut tele_ws, "transfer.accepted").await;
    assert_eq!(ev["payload"]["transfer"]["id"], second.as_str());
    // Another tenant's sales rep cannot touch it.
    let b_sales = app.token(T::B, Role::SalesRep).await;
    app.post(
        &format!("/api/v1/transfers/{second}/accept"),
        Some(&b_sales),
        json!({}),
    )
    .await
    .problem(404);
}

#[actix_web::test]
async fn web_forms_turn_enquiries_into_leads_and_keep_bots_out() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let r = app
        .post(
            "/api/v1/lead-forms",
            Some(&mgr),
            json!({"store_id": s0, "name": "Website enquiry"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let key = r.body["key"].as_str().unwrap().to_string();
    let form = id(&r.body);
    let url = format!("/api/v1/public/lead-forms/{key}");
    let phone = mobile();
    let leads = app.count("leads").await;
    let r = app
        .post(
            &url,
            None,
            json!({"name": "Divya Menon", "phone": phone, "message": "Gold coins for Diwali", "website": ""}),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    assert_eq!(r.headers.get("access-control-allow-origin").unwrap(), "*");
    assert_eq!(app.count("leads WHERE source = 'web_form'").await, 1);
    // The same number again joins the open lead.
    let r = app
        .post(&url, None, json!({"name": "Divya M", "phone": phone}))
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(app.count("leads").await, leads + 1);
    // A bot filling the honeypot is thanked and ignored.
    let customers = app.count("customers").await;
    let r = app
        .post(
            &url,
            None,
            json!({"name": "Buy now", "phone": mobile(), "website": "http://spam.test"}),
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(app.count("customers").await, customers);
    // Bad input and unknown keys.
    app.post(&url, None, json!({"name": "X", "phone": "12"}))
        .await
        .problem(422);
    app.post(&url, None, json!({"phone": mobile()}))
        .await
        .problem(422);
    app.post(
        "/api/v1/public/lead-forms/0000000000000000000000000000000000000000000000ff",
        None,
        json!({"name": "Divya", "phone": mobile()}),
    )
    .await
    .problem(404);
    // Switched off, the key stops working; other tenants cannot switch it off.
    let b_admin = app.token(T::B, Role::BusinessAdmin).await;
    app.req(
        awc::http::Method::DELETE,
        &format!("/api/v1/lead-forms/{form}"),
        Some(&b_admin),
        None,
    )
    .await
    .problem(404);
    let r = app
        .req(
            awc::http::Method::DELETE,
            &format!("/api/v1/lead-forms/{form}"),
            Some(&mgr),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    // (rate limit reached by now or on the next few)
    let mut limited = false;
    for _ in 0..12 {
        let r = app
            .post(&url, None, json!({"name": "Divya", "phone": mobile()}))
            .await;
        match r.status {
            404 => {}
            429 => {
                r.problem(429);
                assert!(r.headers.get("retry-after").is_some());
                limited = true;
                break;
            }
            s => panic!("unexpected {s}: {r:?}"),
        }
    }
    assert!(
        limited,
        "no 429 after a burst of enquiries from one address"
    );
}

#[actix_web::test]
async fn a_lead_not_called_within_the_sla_goes_to_a_colleague() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({"sla_minutes": 1})).await;
    let first = app.user_id(T::A, Role::Telecaller);
    let _ws1 = online(&app, &app.token(T::A, Role::Telecaller).await, first).await;
    let (second, email) = app.add_staff(T::A, Role::Telecaller, "sla", &[s0]).await;
    let token2 = app.login_as(&email).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let _ws2 = online(&app, &token2, second).await;
    let lead = new_lead(&app, T::A, s0).await;
    let holder: Uuid = lead["assigned_to"].as_str().unwrap().parse().unwrap();
    let lid = id(&lead);
    // Bring the SLA check forward and run the queue.
    let mut c = app.app_conn().await;
    use diesel_async::SimpleAsyncConnection;
    c.batch_execute(
        "SET app.platform = 'on'; UPDATE jobs SET run_at = now() WHERE kind = 'leads.sla'",
    )
    .await
    .unwrap();
    let registry = karat::jobs::Registry::default().on(
        karat::telecalling::SLA_JOB,
        karat::telecalling::console::sla_job,
    );
    let db = karat::db::Db::connect(&app.db.app_url(), 2).unwrap();
    karat::jobs::drain(&db, &registry).await.unwrap();
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let mut after = Value::Null;
    for _ in 0..50 {
        after = app
            .get(&format!("/api/v1/leads/{lid}"), Some(&admin))
            .await
            .body;
        if after["lead"]["sla_breached_at"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(after["lead"]["sla_breached_at"].is_string(), "{after}");
    let now_with: Uuid = after["lead"]["assigned_to"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(now_with, holder);
    assert!([first, second].contains(&now_with));
    let kinds: Vec<&str> = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"sla_breach"), "{kinds:?}");
    let board = app.get("/api/v1/telecalling/wallboard", Some(&admin)).await;
    assert_eq!(board.body["totals"]["sla_breaches_today"], 1, "{:?}", board);
}

#[actix_web::test]
async fn the_wallboard_and_reports_count_calls() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let tele = app.user_id(T::A, Role::Telecaller);
    let token = app.token(T::A, Role::Telecaller).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let mut mgr_ws = online(&app, &mgr, app.user_id(T::A, Role::Manager)).await;
    let lead = new_lead(&app, T::A, s0).await;
    assign(&app, &id(&lead), tele).await;
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&lead)),
            Some(&token),
            json!({}),
        )
        .await;
    let call = r.body["call"]["id"].as_str().unwrap().to_string();
    let ev = event(&mut mgr_ws, "agent.status").await;
    assert_eq!(ev["payload"]["status"], "on_call");
    let board = app.get("/api/v1/telecalling/wallboard", Some(&mgr)).await;
    let me = board.body["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["user_id"] == tele.to_string())
        .cloned()
        .unwrap();
    assert_eq!(me["status"], "offline", "not connected: {me}");
    let r = app
        .post(
            &format!("/api/v1/calls/{call}/disposition"),
            Some(&token),
            json!({"disposition": "connected", "next_step": "revisit", "duration_seconds": 300,
                   "sentiment": "positive",
                   "appointment_at": (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339()}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["lead"]["state"], "appointment_set");
    assert!(r.body["call"]["appointment_id"].is_string());
    event(&mut mgr_ws, "call.disposed").await;
    let board = app.get("/api/v1/telecalling/wallboard", Some(&mgr)).await;
    assert_eq!(board.body["totals"]["calls_today"], 1, "{:?}", board);
    assert_eq!(board.body["totals"]["conversions_today"], 1);
    assert_eq!(board.body["totals"]["connect_rate_percent"], 100);
    let today = crate::common::tenant_today();
    let r = app
        .get(
            &format!("/api/v1/telecalling/reports?from={today}&to={today}"),
            Some(&mgr),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let row = &r.body["rows"][0];
    assert_eq!(row["id"], tele.to_string());
    assert_eq!(row["calls"], 1);
    assert_eq!(row["talk_seconds"], 300);
    assert_eq!(row["positive"], 1);
    let r = app
        .get(
            &format!(
                "/api/v1/telecalling/reports?from={today}&to={today}&group_by=store&format=csv"
            ),
            Some(&mgr),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.body.as_str().unwrap().to_string();
    assert!(
        csv.starts_with("id,name,calls,connects,talk_seconds"),
        "{csv}"
    );
    assert!(csv.contains(",1,1,300,1,0,1,0,0"), "{csv}");
    // Other tenants see none of it.
    let b = app.token(T::B, Role::BusinessAdmin).await;
    let r = app
        .get(
            &format!("/api/v1/telecalling/reports?from={today}&to={today}"),
            Some(&b),
        )
        .await;
    assert_eq!(r.body["rows"].as_array().unwrap().len(), 0);
    let r = app.get("/api/v1/telecalling/wallboard", Some(&b)).await;
    assert!(
        r.body["agents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["user_id"] != tele.to_string())
    );
}

#[actix_web::test]
async fn bad_input_is_refused_cleanly() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    let mgr = app.token(T::A, Role::Manager).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    let leads = app.count("leads").await;
    let customer = new_customer(&app, &mgr, s0).await;
    // Malformed JSON, wrong types, missing fields, too long, unknown ids.
    app.raw(
        awc::http::Method::POST,
        "/api/v1/leads",
        Some(&mgr),
        "application/json",
        b"{\"customer_id\": ".to_vec(),
    )
    .await
    .problem(400);
    for (body, status) in [
        (json!({"customer_id": 7, "store_id": s0}), 422),
        (json!({"store_id": s0}), 422),
        (
            json!({"customer_id": customer, "store_id": s0, "note": "x".repeat(1001)}),
            422,
        ),
        (
            json!({"customer_id": customer, "store_id": s0, "priority": 9}),
            422,
        ),
        (json!({"customer_id": Uuid::now_v7(), "store_id": s0}), 422),
        (
            json!({"customer_id": customer, "store_id": Uuid::now_v7()}),
            422,
        ),
        (
            json!({"customer_id": customer, "store_id": s0, "colour": "gold"}),
            422,
        ),
    ] {
        app.post("/api/v1/leads", Some(&mgr), body.clone())
            .await
            .problem(status);
    }
    assert_eq!(app.count("leads").await, leads);
    app.get(&format!("/api/v1/leads/{}", Uuid::now_v7()), Some(&mgr))
        .await
        .problem(404);
    app.get("/api/v1/leads/not-a-uuid", Some(&mgr))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/calls/{}/disposition", Uuid::now_v7()),
        Some(&tele),
        json!({"disposition": "busy"}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/calls/{}/disposition", Uuid::now_v7()),
        Some(&tele),
        json!({"disposition": "maybe"}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/leads/assign",
        Some(&mgr),
        json!({"lead_ids": (0..501).map(|_| Uuid::now_v7()).collect::<Vec<_>>()}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/leads/assign",
        Some(&mgr),
        json!({"lead_ids": [Uuid::now_v7()]}),
    )
    .await
    .problem(404);
    app.post("/api/v1/leads/assign", Some(&mgr), json!({"lead_ids": []}))
        .await
        .problem(422);
    let bad_settings = json!({
        "rule": "round_robin", "max_open_leads": 0, "sla_minutes": 15, "sticky_days": 4,
        "retry_minutes": 20, "max_attempts_per_day": 3, "calling_start": "20:00",
        "calling_end": "09:00", "wrap_up_seconds": 120,
        "thresholds": {"queue_amber": 50, "queue_red": 10}
    });
    let r = app
        .req(
            awc::http::Method::PUT,
            &format!("/api/v1/telecalling/settings/{s0}"),
            Some(&mgr),
            Some(bad_settings),
        )
        .await;
    r.problem(422);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["max_open_leads", "calling_end", "thresholds.queue_red"] {
        assert!(fields.contains(&f), "{fields:?}");
    }
    app.req(
        awc::http::Method::PUT,
        &format!("/api/v1/telecalling/settings/{}", Uuid::now_v7()),
        Some(&mgr),
        Some(json!({"rule": "manual"})),
    )
    .await
    .problem(422);
    app.req(
        awc::http::Method::PUT,
        "/api/v1/telecalling/status",
        Some(&tele),
        Some(json!({"status": "on_call"})),
    )
    .await
    .problem(422);
    let today = crate::common::tenant_today();
    app.get(
        &format!("/api/v1/telecalling/reports?from={today}&to=2020-01-01"),
        Some(&mgr),
    )
    .await
    .problem(422);
    app.get(
        "/api/v1/telecalling/reports?from=yesterday&to=today",
        Some(&mgr),
    )
    .await
    .problem(400);
    // A call disposition that contradicts itself.
    let lead = new_lead(&app, T::A, s0).await;
    rules(&app, T::A, s0, json!({})).await;
    assign(&app, &id(&lead), app.user_id(T::A, Role::Telecaller)).await;
    let r = app
        .post(
            &format!("/api/v1/leads/{}/calls", id(&lead)),
            Some(&tele),
            json!({}),
        )
        .await;
    let call = r.body["call"]["id"].as_str().unwrap().to_string();
    for body in [
        json!({"disposition": "busy", "next_step": "qualified"}),
        json!({"disposition": "connected", "next_step": "revisit"}),
        json!({"disposition": "connected", "follow_up_at": "2030-01-01T10:00:00Z"}),
        json!({"disposition": "call_back", "follow_up_at": "2001-01-01T10:00:00Z"}),
        json!({"disposition": "connected", "duration_seconds": -5}),
        json!({"disposition": "connected", "notes": "x".repeat(2001)}),
    ] {
        app.post(
            &format!("/api/v1/calls/{call}/disposition"),
            Some(&tele),
            body.clone(),
        )
        .await
        .problem(422);
    }
    assert_eq!(app.count("calls WHERE disposed_at IS NOT NULL").await, 0);
}

#[actix_web::test]
async fn a_telecaller_coming_online_picks_up_waiting_leads() {
    let app = spawn().await;
    let [s0, _] = app.a.stores;
    rules(&app, T::A, s0, json!({})).await;
    let waiting = new_lead(&app, T::A, s0).await;
    assert!(waiting["assigned_to"].is_null(), "nobody online: {waiting}");
    let tele = app.user_id(T::A, Role::Telecaller);
    let token = app.token(T::A, Role::Telecaller).await;
    let mut ws = online(&app, &token, tele).await;
    let ev = event(&mut ws, "lead.assigned").await;
    assert_eq!(ev["payload"]["lead"]["id"], waiting["id"]);
    assert_eq!(ev["payload"]["reason"], "backlog");
}
