//! Support tickets: numbering, the strict status machine, internal notes,
//! live replies, templates, assignment, SLA and auto-close, roles, other
//! tenants and bad input.

use awc::http::Method;
use diesel_async::SimpleAsyncConnection;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{T, TestApp};
use crate::realtime::{ORIGIN, next, silent};

async fn spawn() -> TestApp {
    TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await
}

pub async fn raise(app: &TestApp, token: &str, subject: &str) -> Value {
    let r = app
        .post(
            "/api/v1/tickets",
            Some(token),
            json!({"subject": subject, "category": "technical", "priority": "normal",
                   "body": "The wallboard shows yesterday's numbers."}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

pub fn tid(detail: &Value) -> String {
    detail["ticket"]["id"].as_str().unwrap().to_string()
}

async fn status(app: &TestApp, token: &str, id: &str, to: &str) -> crate::common::Res {
    app.post(
        &format!("/api/v1/tickets/{id}/status"),
        Some(token),
        json!({"status": to}),
    )
    .await
}

async fn run_jobs(app: &TestApp, kind: &str) {
    let mut c = app.app_conn().await;
    c.batch_execute(&format!(
        "SET app.platform = 'on'; UPDATE jobs SET run_at = now() WHERE kind = '{kind}'"
    ))
    .await
    .unwrap();
    let registry = karat::jobs::Registry::default()
        .on(karat::tickets::SLA_JOB, karat::tickets::sla_job)
        .on(
            karat::tickets::AUTO_CLOSE_JOB,
            karat::tickets::auto_close_job,
        );
    let db = karat::db::Db::connect(&app.db.app_url(), 2).unwrap();
    karat::jobs::drain(&db, &registry).await.unwrap();
}

/// The ticket once `done` holds (the server's own worker may be the one
/// running a job the test made due), or after 5 s.
async fn until(
    app: &TestApp,
    token: &str,
    id: &str,
    done: impl Fn(&Value) -> bool,
) -> crate::common::Res {
    let mut t = app.get(&format!("/api/v1/tickets/{id}"), Some(token)).await;
    for _ in 0..50 {
        if done(&t.body["ticket"]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        t = app.get(&format!("/api/v1/tickets/{id}"), Some(token)).await;
    }
    t
}

#[actix_web::test]
async fn the_status_machine_is_strict_and_every_change_is_written_down() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let d = raise(&app, &owner, "Wallboard stale").await;
    let number = d["ticket"]["number"].as_str().unwrap();
    let today = chrono::Utc::now().format("%Y%m%d").to_string();
    assert!(
        number.starts_with(&format!("ST-{today}-")) && number.len() == 16,
        "{number}"
    );
    let second = raise(&app, &owner, "Second").await;
    let n1: u32 = number[12..].parse().unwrap();
    let n2: u32 = second["ticket"]["number"].as_str().unwrap()[12..]
        .parse()
        .unwrap();
    assert_eq!(n2, n1 + 1, "numbers count up within the day");
    let id = tid(&d);

    // From open: only in_progress and resolved (platform).
    for to in ["open", "closed"] {
        status(&app, &pa, &id, to).await.problem(409);
        status(&app, &owner, &id, to).await.problem(409);
    }
    status(&app, &owner, &id, "in_progress").await.problem(403);
    assert_eq!(status(&app, &pa, &id, "in_progress").await.status, 200);
    // From in_progress: only resolved.
    for to in ["open", "in_progress", "closed"] {
        status(&app, &pa, &id, to).await.problem(409);
    }
    status(&app, &owner, &id, "resolved").await.problem(403);
    assert_eq!(status(&app, &pa, &id, "resolved").await.status, 200);
    // From resolved: closed (either side) or reopened (the tenant).
    status(&app, &pa, &id, "in_progress").await.problem(409);
    status(&app, &pa, &id, "resolved").await.problem(409);
    status(&app, &pa, &id, "open").await.problem(403);
    let r = status(&app, &owner, &id, "open").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.body["ticket"]["resolved_at"].is_null());
    assert_eq!(status(&app, &pa, &id, "resolved").await.status, 200);
    let r = status(&app, &owner, &id, "closed").await;
    assert_eq!(r.status, 200);
    assert!(r.body["reopen_until"].is_string());
    // From closed: only a reopen.
    for to in ["closed", "in_progress", "resolved"] {
        status(&app, &pa, &id, to).await.problem(409);
        status(&app, &owner, &id, to).await.problem(409);
    }
    app.post(
        &format!("/api/v1/tickets/{id}/messages"),
        Some(&owner),
        json!({"body": "one more thing"}),
    )
    .await
    .problem(409);
    // Reopening has a window.
    let mut c = app.app_conn().await;
    c.batch_execute(&format!(
        "SET app.platform = 'on'; UPDATE tickets SET resolved_at = now() - interval '15 days' WHERE id = '{id}'"
    ))
    .await
    .unwrap();
    status(&app, &owner, &id, "open").await.problem(409);

    // A system message for every change (6 changes).
    let got = app
        .get(&format!("/api/v1/tickets/{id}"), Some(&owner))
        .await;
    let system: Vec<&Value> = got.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "system")
        .collect();
    assert_eq!(system.len(), 5, "{}", got.body);
    assert!(
        system[0]["body"]
            .as_str()
            .unwrap()
            .contains("from open to in progress")
    );
    assert_eq!(
        app.count("audit_log WHERE entity = 'ticket' AND action = 'status'")
            .await,
        5
    );
}

#[actix_web::test]
async fn internal_notes_and_other_tenants_stay_hidden_and_replies_arrive_live() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let d = raise(&app, &owner, "Push not arriving").await;
    let id = tid(&d);
    let mut ws_owner = crate::chat::chat_socket(&app, &owner).await;
    let mut ws_mgr = crate::chat::chat_socket(&app, &mgr).await;

    let note = app
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            Some(&pa),
            json!({"body": "Their VAPID key rotated; check the deploy.", "internal": true}),
        )
        .await;
    assert_eq!(note.status, 201, "{note:?}");
    assert_eq!(note.body["kind"], "internal");
    silent(&mut ws_owner, 300).await;
    let reply = app
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            Some(&pa),
            json!({"body": "Please sign out and in again."}),
        )
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    let e = next(&mut ws_owner).await;
    assert_eq!(e["kind"], "ticket.message", "{e}");
    assert_eq!(
        e["payload"]["message"]["body"],
        "Please sign out and in again."
    );
    assert_eq!(e["payload"]["message"]["from_platform"], true);
    // The manager did not raise it: not told, cannot see it.
    silent(&mut ws_mgr, 300).await;
    app.get(&format!("/api/v1/tickets/{id}"), Some(&mgr))
        .await
        .problem(404);

    // The business admin never sees the internal note — nor can a query
    // that forgets to filter (row-level security).
    let got = app
        .get(&format!("/api/v1/tickets/{id}"), Some(&owner))
        .await;
    let kinds: Vec<&str> = got.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains(&"internal"), "{kinds:?}");
    assert!(!got.body.to_string().contains("VAPID"));
    let seen = app.get(&format!("/api/v1/tickets/{id}"), Some(&pa)).await;
    assert!(seen.body.to_string().contains("VAPID"));
    let mut c = app.app_conn().await;
    c.batch_execute(&format!("SET app.tenant_id = '{}'", app.a.id))
        .await
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::RunQueryDsl;
    let n: N =
        diesel::sql_query("SELECT count(*) AS n FROM ticket_messages WHERE kind = 'internal'")
            .get_result(&mut c)
            .await
            .unwrap();
    assert_eq!(n.n, 0);
    // …and cannot write one.
    app.post(
        &format!("/api/v1/tickets/{id}/messages"),
        Some(&owner),
        json!({"body": "sneaky", "internal": true}),
    )
    .await
    .problem(422);

    // Another tenant sees nothing.
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.get(&format!("/api/v1/tickets/{id}"), Some(&b))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/tickets/{id}/messages"),
        Some(&b),
        json!({"body": "hi"}),
    )
    .await
    .problem(404);
    status(&app, &b, &id, "closed").await.problem(404);
    let list = app.get("/api/v1/tickets", Some(&b)).await;
    assert!(list.body["items"].as_array().unwrap().is_empty());
    // The platform sees both tenants' tickets.
    raise(&app, &b, "B's problem").await;
    let all = app.get("/api/v1/tickets", Some(&pa)).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    let only_a = app
        .get(
            &format!("/api/v1/tickets?tenant_id={}", app.a.id),
            Some(&pa),
        )
        .await;
    assert_eq!(only_a.body["items"].as_array().unwrap().len(), 1);

    // Attachments on tickets: the platform uploads into the ticket's tenant.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    app.raw(
        Method::POST,
        "/api/v1/attachments?name=shot.png",
        Some(&pa),
        "image/png",
        png.clone(),
    )
    .await;
    let up = app
        .raw(
            Method::POST,
            &format!("/api/v1/attachments?name=shot.png&ticket_id={id}"),
            Some(&pa),
            "image/png",
            png,
        )
        .await;
    assert_eq!(up.status, 201, "{up:?}");
    let file = up.body["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            Some(&pa),
            json!({"body": "Screenshot attached", "attachment_ids": [file]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        app.get(&format!("/api/v1/attachments/{file}"), Some(&owner))
            .await
            .status,
        200
    );
    app.get(&format!("/api/v1/attachments/{file}"), Some(&b))
        .await
        .problem(404);
    app.get(&format!("/api/v1/attachments/{file}"), Some(&mgr))
        .await
        .problem(404);
}

#[actix_web::test]
async fn roles_templates_assignment_and_bad_input() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    // Managers raise tickets and see only theirs; the other roles have no access.
    let mine = raise(&app, &mgr, "Manager's ticket").await;
    raise(&app, &owner, "Owner's ticket").await;
    let l = app.get("/api/v1/tickets", Some(&mgr)).await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 1);
    let l = app.get("/api/v1/tickets", Some(&owner)).await;
    assert_eq!(l.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get(&format!("/api/v1/tickets/{}", tid(&mine)), Some(&owner))
            .await
            .status,
        200
    );
    for role in [Role::SalesRep, Role::Telecaller, Role::Marketing] {
        let t = app.token(T::A, role).await;
        app.get("/api/v1/tickets", Some(&t)).await.problem(403);
        app.post(
            "/api/v1/tickets",
            Some(&t),
            json!({"subject": "x", "category": "other", "priority": "low", "body": "x"}),
        )
        .await
        .problem(403);
        app.get(&format!("/api/v1/tickets/{}", tid(&mine)), Some(&t))
            .await
            .problem(403);
    }
    app.post(
        "/api/v1/tickets",
        Some(&pa),
        json!({"subject": "x", "category": "other", "priority": "low", "body": "x"}),
    )
    .await
    .problem(403);

    // Templates: platform only.
    for t in [&owner, &mgr] {
        app.get("/api/v1/ticket-templates", Some(t))
            .await
            .problem(403);
        app.post(
            "/api/v1/ticket-templates",
            Some(t),
            json!({"title": "x", "body": "y"}),
        )
        .await
        .problem(403);
        app.get("/api/v1/tickets/staff", Some(t)).await.problem(403);
    }
    let tpl = app
        .post(
            "/api/v1/ticket-templates",
            Some(&pa),
            json!({"title": "Restart", "body": "Please sign out and in."}),
        )
        .await;
    assert_eq!(tpl.status, 201, "{tpl:?}");
    assert_eq!(
        app.get("/api/v1/ticket-templates", Some(&pa))
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let tpl_id = tpl.body["id"].as_str().unwrap();
    assert_eq!(
        app.req(
            Method::DELETE,
            &format!("/api/v1/ticket-templates/{tpl_id}"),
            Some(&pa),
            None
        )
        .await
        .status,
        204
    );
    app.req(
        Method::DELETE,
        &format!("/api/v1/ticket-templates/{tpl_id}"),
        Some(&pa),
        None,
    )
    .await
    .problem(404);
    app.post(
        "/api/v1/ticket-templates",
        Some(&pa),
        json!({"title": "", "body": "y"}),
    )
    .await
    .problem(422);

    // Assignment: to a platform admin only.
    let id = tid(&mine);
    let staff = app.get("/api/v1/tickets/staff", Some(&pa)).await;
    assert_eq!(staff.body[0]["id"], app.platform_admin.0.to_string());
    app.post(
        &format!("/api/v1/tickets/{id}/assign"),
        Some(&owner),
        json!({"user_id": app.platform_admin.0}),
    )
    .await
    .problem(403);
    app.post(
        &format!("/api/v1/tickets/{id}/assign"),
        Some(&pa),
        json!({"user_id": app.user_id(T::A, Role::Manager)}),
    )
    .await
    .problem(422);
    let a = app
        .post(
            &format!("/api/v1/tickets/{id}/assign"),
            Some(&pa),
            json!({"user_id": app.platform_admin.0}),
        )
        .await;
    assert_eq!(a.status, 200, "{a:?}");
    assert_eq!(a.body["ticket"]["assigned_name"], staff.body[0]["name"]);
    let m = app.get("/api/v1/tickets?mine=true", Some(&pa)).await;
    assert_eq!(m.body["items"].as_array().unwrap().len(), 1);
    app.post(
        &format!("/api/v1/tickets/{}/assign", Uuid::now_v7()),
        Some(&pa),
        json!({"user_id": null}),
    )
    .await
    .problem(404);

    // Bad input, with nothing half-written.
    let before = app.count("tickets").await;
    let bad = app
        .client
        .post(format!("{}/api/v1/tickets", app.base))
        .bearer_auth(&owner)
        .insert_header(("content-type", "application/json"))
        .send_body("{\"subject\": \"x\",")
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let ok = json!({"subject": "s", "category": "billing", "priority": "urgent", "body": "b"});
    for (k, v) in [
        ("subject", json!("x".repeat(201))),
        ("subject", json!(7)),
        ("category", json!("gossip")),
        ("priority", json!("whenever")),
        ("body", json!("")),
        ("body", json!("b".repeat(10_001))),
        ("attachment_ids", json!([Uuid::now_v7()])),
    ] {
        let mut b = ok.clone();
        b[k] = v;
        app.post("/api/v1/tickets", Some(&owner), b)
            .await
            .problem(422);
    }
    let mut missing = ok.clone();
    missing.as_object_mut().unwrap().remove("body");
    app.post("/api/v1/tickets", Some(&owner), missing)
        .await
        .problem(422);
    assert_eq!(app.count("tickets").await, before);
    app.get(&format!("/api/v1/tickets/{}", Uuid::now_v7()), Some(&owner))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/tickets/{id}/status"),
        Some(&pa),
        json!({"status": "done"}),
    )
    .await
    .problem(422);
    app.get("/api/v1/tickets?status=done", Some(&owner))
        .await
        .problem(400);
}

#[actix_web::test]
async fn sla_breaches_are_mailed_and_resolved_tickets_close_themselves() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let d = raise(&app, &owner, "Slow search").await;
    let id = tid(&d);
    // Not due yet: the job leaves it alone.
    run_jobs(&app, karat::tickets::SLA_JOB).await;
    let t = app.get(&format!("/api/v1/tickets/{id}"), Some(&pa)).await;
    assert!(t.body["ticket"]["sla_breached_at"].is_null());
    // Due: breached, a system message, and mail to platform staff.
    let mut c = app.app_conn().await;
    c.batch_execute(&format!(
        "SET app.platform = 'on'; UPDATE tickets SET sla_due_at = now() - interval '1 minute' WHERE id = '{id}';
         INSERT INTO jobs (id, kind, tenant_id, payload, run_at, max_attempts, state)
         VALUES (gen_random_uuid(), 'tickets.sla', '{}', '{{\"ticket_id\": \"{id}\"}}', now(), 3, 'queued')",
        app.a.id
    ))
    .await
    .unwrap();
    run_jobs(&app, karat::tickets::SLA_JOB).await;
    let t = until(&app, &pa, &id, |t| t["sla_breached_at"].is_string()).await;
    assert!(
        t.body["ticket"]["sla_breached_at"].is_string(),
        "{}",
        t.body
    );
    let mail = app
        .last_mail(&app.platform_admin.1)
        .await
        .expect("breach mail");
    assert!(
        mail.contains(t.body["ticket"]["number"].as_str().unwrap()),
        "{mail}"
    );
    let breached = app.get("/api/v1/tickets?breached=true", Some(&owner)).await;
    assert_eq!(breached.body["items"].as_array().unwrap().len(), 1);

    // Resolved a week ago: closed by the job, with a system message.
    assert_eq!(status(&app, &pa, &id, "resolved").await.status, 200);
    run_jobs(&app, karat::tickets::AUTO_CLOSE_JOB).await;
    let t = until(&app, &owner, &id, |t| t["status"] == "closed").await;
    assert_eq!(t.body["ticket"]["status"], "closed", "{}", t.body);
    let last = t.body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "system");
    assert!(last["body"].as_str().unwrap().contains("to closed"));
}

#[actix_web::test]
async fn platform_staff_hear_of_ticket_changes_live() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let mut ws_pa = crate::chat::chat_socket(&app, &pa).await;
    let d = raise(&app, &owner, "Cannot log in at T. Nagar").await;
    let id = tid(&d);
    let n = next(&mut ws_pa).await;
    assert_eq!(n["type"], "notice", "{n}");
    assert_eq!(n["topic"], "tickets");
    assert_eq!(n["kind"], "ticket.created");
    assert_eq!(n["payload"]["ticket_id"], id.as_str());
    assert_eq!(n["payload"]["tenant_name"], "Tenant alpha");
    let r = app
        .post(
            &format!("/api/v1/tickets/{id}/messages"),
            Some(&owner),
            json!({"body": "It says my password is wrong."}),
        )
        .await;
    assert_eq!(r.status, 201);
    let n = next(&mut ws_pa).await;
    assert_eq!(n["kind"], "ticket.message", "{n}");
    // Notices are not events: nothing is stored for them, and platform
    // sockets get no tenant's events.
    assert_eq!(app.count("events WHERE topic = 'platform'").await, 0);
    silent(&mut ws_pa, 300).await;
    // Signing out closes the platform socket too.
    let login = app.login_as(&app.platform_admin.1).await;
    let r = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let closed = next(&mut ws_pa).await;
    assert_eq!(closed["closed"], 4001, "{closed}");
}
