//! Team chat over real HTTP and real WebSockets: who receives what, typing,
//! mentions and pushes, edits and deletes, read state, search, attachments,
//! the role matrix, other tenants and bad input.

use awc::http::Method;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{T, TestApp};
use crate::realtime::{ORIGIN, Ws, next, open, send, silent, ticket};

async fn spawn() -> TestApp {
    TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await
}

/// A socket of `token`'s user receiving chat events.
pub async fn chat_socket(app: &TestApp, token: &str) -> Ws {
    let mut ws = open(app, &ticket(app, token).await, ORIGIN)
        .await
        .expect("upgrade");
    send(
        &mut ws,
        json!({"type": "hello", "v": 1, "topics": ["chat", "tickets"]}),
    )
    .await;
    assert_eq!(next(&mut ws).await["type"], "hello");
    ws
}

/// The next message that is not a presence event.
async fn next_chat(ws: &mut Ws) -> Value {
    loop {
        let m = next(ws).await;
        if m["topic"] != "presence" {
            return m;
        }
    }
}

fn id(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

#[actix_web::test]
async fn a_message_reaches_every_member_and_no_one_else() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    let mkt = app.token(T::A, Role::Marketing).await;
    let other = app.token(T::B, Role::BusinessAdmin).await;
    let r = app
        .post(
            "/api/v1/chat/channels",
            Some(&owner),
            json!({"name": "Bridal launch", "private": true,
                   "member_ids": [app.user_id(T::A, Role::Manager), app.user_id(T::A, Role::SalesRep)]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let ch = id(&r.body);
    assert_eq!(r.body["members"].as_array().unwrap().len(), 3);

    let mut ws_owner = chat_socket(&app, &owner).await;
    let mut ws_mgr = chat_socket(&app, &mgr).await;
    let mut ws_sales = chat_socket(&app, &sales).await;
    let mut ws_tele = chat_socket(&app, &tele).await;
    let mut ws_mkt = chat_socket(&app, &mkt).await;
    let mut ws_other = chat_socket(&app, &other).await;

    let r = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(&mgr),
            json!({"body": "Polki sets arrive Friday"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let msg = id(&r.body);
    for ws in [&mut ws_owner, &mut ws_mgr, &mut ws_sales] {
        let e = next_chat(ws).await;
        assert_eq!(e["kind"], "message.created", "{e}");
        assert_eq!(e["payload"]["message"]["id"], msg.as_str());
        assert_eq!(e["payload"]["message"]["body"], "Polki sets arrive Friday");
        assert_eq!(
            e["payload"]["message"]["author_name"],
            r.body["author_name"]
        );
    }
    for ws in [&mut ws_tele, &mut ws_mkt, &mut ws_other] {
        silent(ws, 300).await;
    }
    // Outsiders cannot read it either.
    for t in [&tele, &mkt] {
        app.get(&format!("/api/v1/chat/channels/{ch}/messages"), Some(t))
            .await
            .problem(404);
    }
    app.get(
        &format!("/api/v1/chat/channels/{ch}/messages"),
        Some(&other),
    )
    .await
    .problem(404);

    // A direct message reaches only its two people (not even the business admin).
    let r = app
        .post(
            "/api/v1/chat/direct",
            Some(&sales),
            json!({"user_id": app.user_id(T::A, Role::Telecaller)}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let dm = id(&r.body);
    // Both see the new conversation in their lists at once.
    for ws in [&mut ws_sales, &mut ws_tele] {
        assert_eq!(next_chat(ws).await["kind"], "channel.created");
    }
    // Named after the other person, for each of them.
    let seen = app
        .get(&format!("/api/v1/chat/channels/{dm}"), Some(&tele))
        .await;
    assert_eq!(
        seen.body["name"],
        r.body["members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == app.user_id(T::A, Role::SalesRep).to_string())
            .unwrap()["name"]
    );
    let again = app
        .post(
            "/api/v1/chat/direct",
            Some(&tele),
            json!({"user_id": app.user_id(T::A, Role::SalesRep)}),
        )
        .await;
    assert_eq!(again.status, 200, "one conversation per pair: {again:?}");
    assert_eq!(id(&again.body), dm);
    let r = app
        .post(
            &format!("/api/v1/chat/channels/{dm}/messages"),
            Some(&sales),
            json!({"body": "Can you call Mrs Rao back?"}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(next_chat(&mut ws_sales).await["kind"], "message.created");
    let e = next_chat(&mut ws_tele).await;
    assert_eq!(e["kind"], "message.created");
    assert_eq!(e["payload"]["message"]["channel_id"], dm.as_str());
    for ws in [&mut ws_owner, &mut ws_mgr, &mut ws_mkt, &mut ws_other] {
        silent(ws, 300).await;
    }
    app.get(
        &format!("/api/v1/chat/channels/{dm}/messages"),
        Some(&owner),
    )
    .await
    .problem(404);

    // Typing reaches the channel's other members, is never stored, and a
    // non-member's typing goes nowhere.
    let events_before = app.count("events WHERE topic <> 'presence'").await;
    send(
        &mut ws_mgr,
        json!({"type": "typing", "topic": format!("chat:{ch}")}),
    )
    .await;
    for ws in [&mut ws_owner, &mut ws_sales] {
        let t = next_chat(ws).await;
        assert_eq!(t["type"], "typing", "{t}");
        assert_eq!(t["topic"], format!("chat:{ch}"));
        assert_eq!(t["user_id"], app.user_id(T::A, Role::Manager).to_string());
    }
    silent(&mut ws_mgr, 200).await;
    silent(&mut ws_tele, 200).await;
    send(
        &mut ws_tele,
        json!({"type": "typing", "topic": format!("chat:{ch}")}),
    )
    .await;
    for ws in [&mut ws_owner, &mut ws_mgr, &mut ws_sales] {
        silent(ws, 300).await;
    }
    assert_eq!(
        app.count("events WHERE topic <> 'presence'").await,
        events_before
    );
    assert_eq!(app.count("chat_messages").await, 2);
}

#[actix_web::test]
async fn an_away_user_gets_a_push_for_a_mention_and_a_ticket_reply() {
    use crate::push::{Browser, push_service, wait_for};
    let app = spawn().await;
    let (service, inbox) = push_service();
    let sales = app.token(T::A, Role::SalesRep).await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let sales_browser = Browser::new();
    let owner_browser = Browser::new();
    let sub = |endpoint: String, keys: Value| json!({"endpoint": endpoint, "keys": keys});
    for (t, path, b) in [
        (&sales, "sales", &sales_browser),
        (&owner, "owner", &owner_browser),
    ] {
        let r = app
            .post(
                "/api/v1/push/subscriptions",
                Some(t),
                sub(format!("{service}/push/{path}"), b.keys()),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }

    // The manager mentions the (away) sales rep in the store channel.
    let mgr = app.token(T::A, Role::Manager).await;
    let channels = app.get("/api/v1/chat/channels", Some(&mgr)).await;
    assert_eq!(channels.status, 200, "{channels:?}");
    let store_ch = channels
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "store" && c["store_id"] == app.a.stores[0].to_string())
        .expect("the manager's store channel")
        .clone();
    let r = app
        .post(
            &format!("/api/v1/chat/channels/{}/messages", id(&store_ch)),
            Some(&mgr),
            json!({"body": "@Sales please check the Kundan order", "mentions": [app.user_id(T::A, Role::SalesRep)]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let got = wait_for(&inbox, 1).await;
    let d = got
        .iter()
        .find(|d| d.path == "/push/sales")
        .expect("pushed to the sales rep");
    let payload = sales_browser.decrypt(&d.body);
    assert_eq!(payload["type"], "chat.mention", "{payload}");
    assert!(payload["body"].as_str().unwrap().contains("Kundan"));

    // The business admin raises a ticket and goes away; the platform replies.
    let r = app
        .post(
            "/api/v1/tickets",
            Some(&owner),
            json!({"subject": "Import stuck", "category": "data", "priority": "high", "body": "The import has been validating for an hour."}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let ticket_id = id(&r.body["ticket"]);
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    let r = app
        .post(
            &format!("/api/v1/tickets/{ticket_id}/messages"),
            Some(&pa),
            json!({"body": "We restarted the worker; please try again."}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let got = wait_for(&inbox, 2).await;
    let d = got
        .iter()
        .find(|d| d.path == "/push/owner")
        .expect("pushed to the owner");
    let payload = owner_browser.decrypt(&d.body);
    assert_eq!(payload["type"], "ticket.reply", "{payload}");
}

#[actix_web::test]
async fn threads_edits_deletes_read_state_and_search() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let sales = app.token(T::A, Role::SalesRep).await;
    let r = app
        .post(
            "/api/v1/chat/channels",
            Some(&owner),
            json!({"name": "Floor team", "private": false, "member_ids": [app.user_id(T::A, Role::Manager)]}),
        )
        .await;
    let ch = id(&r.body);
    let post = async |t: &str, body: Value| {
        app.post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(t),
            body,
        )
        .await
    };
    let root = post(&owner, json!({"body": "Diwali stock count tonight"})).await;
    assert_eq!(root.status, 201);
    let root_id = id(&root.body);
    let reply = post(
        &mgr,
        json!({"body": "I will bring the scale", "parent_id": root_id}),
    )
    .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    // Replies live in the thread, not the channel.
    let page = app
        .get(&format!("/api/v1/chat/channels/{ch}/messages"), Some(&mgr))
        .await;
    assert_eq!(page.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(page.body["items"][0]["reply_count"], 1);
    let t = app
        .get(
            &format!("/api/v1/chat/messages/{root_id}/thread"),
            Some(&owner),
        )
        .await;
    assert_eq!(t.status, 200, "{t:?}");
    assert_eq!(
        t.body["replies"]["items"][0]["body"],
        "I will bring the scale"
    );
    // A reply to a reply is refused.
    post(&owner, json!({"body": "x", "parent_id": id(&reply.body)}))
        .await
        .problem(422);

    // Unread counts: the manager has one unread top-level message, then reads it.
    let unread = async |t: &str| -> i64 {
        let l = app.get("/api/v1/chat/channels", Some(t)).await;
        l.body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == ch.as_str())
            .unwrap()["unread"]
            .as_i64()
            .unwrap()
    };
    assert_eq!(unread(&mgr).await, 1);
    let r = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/read"),
            Some(&mgr),
            json!({"message_id": root_id}),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(unread(&mgr).await, 0);

    // A public channel: the sales rep (not a member) sees it, can read, and
    // joins by writing.
    let listed = app.get("/api/v1/chat/channels", Some(&sales)).await;
    let c = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == ch.as_str())
        .unwrap()
        .clone();
    assert_eq!(c["member"], false);
    assert_eq!(
        post(&sales, json!({"body": "Count me in"})).await.status,
        201
    );
    let detail = app
        .get(&format!("/api/v1/chat/channels/{ch}"), Some(&sales))
        .await;
    assert_eq!(detail.body["member"], true);

    // Edits: only the author; the previous text goes to the audit log.
    let path = format!("/api/v1/chat/messages/{root_id}");
    app.patch(&path, Some(&mgr), json!({"body": "hijack"}))
        .await
        .problem(403);
    let e = app
        .patch(
            &path,
            Some(&owner),
            json!({"body": "Diwali stock count at 9 pm"}),
        )
        .await;
    assert_eq!(e.status, 200, "{e:?}");
    assert!(e.body["edited_at"].is_string());
    assert_eq!(
        app.count("audit_log WHERE entity = 'chat_message' AND action = 'edit'")
            .await,
        1
    );

    // Search finds it in channels I can see.
    let s = app
        .get("/api/v1/chat/search?q=stock%20count", Some(&sales))
        .await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(s.body["items"][0]["id"], root_id.as_str());
    app.get("/api/v1/chat/search?q=a", Some(&sales))
        .await
        .problem(422);

    // Deletes: the sales rep cannot delete the owner's message; the author can.
    app.req(Method::DELETE, &path, Some(&sales), None)
        .await
        .problem(403);
    let d = app.req(Method::DELETE, &path, Some(&owner), None).await;
    assert_eq!(d.status, 204, "{d:?}");
    let page = app
        .get(&format!("/api/v1/chat/channels/{ch}/messages"), Some(&mgr))
        .await;
    let gone = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == root_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(gone["deleted"], true);
    assert_eq!(gone["body"], "");
    assert_eq!(
        app.count("chat_messages WHERE deleted_at IS NOT NULL")
            .await,
        1,
        "soft delete keeps the row"
    );
    assert_eq!(
        app.count("audit_log WHERE entity = 'chat_message' AND action = 'delete'")
            .await,
        1
    );
    let s = app
        .get("/api/v1/chat/search?q=stock%20count", Some(&sales))
        .await;
    assert!(s.body["items"].as_array().unwrap().is_empty());
    app.patch(&path, Some(&owner), json!({"body": "again"}))
        .await
        .problem(409);

    // Idempotent sends.
    let send_once = async || {
        app.client
            .post(format!("{}/api/v1/chat/channels/{ch}/messages", app.base))
            .bearer_auth(&mgr)
            .insert_header(("Idempotency-Key", "msg-1"))
            .send_json(&json!({"body": "only once"}))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(send_once().await, 201);
    assert_eq!(send_once().await, 200);
    assert_eq!(app.count("chat_messages WHERE body = 'only once'").await, 1);
}

#[actix_web::test]
async fn attachments_are_checked_and_private() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mgr = app.token(T::A, Role::Manager).await;
    let tele = app.token(T::A, Role::Telecaller).await;
    let other = app.token(T::B, Role::BusinessAdmin).await;
    let upload = async |t: &str, name: &str, ct: &str, body: Vec<u8>| {
        app.raw(
            Method::POST,
            &format!("/api/v1/attachments?name={name}"),
            Some(t),
            ct,
            body,
        )
        .await
    };
    // Type, content and size abuse.
    let exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    assert_eq!(
        upload(&owner, "virus.exe", "application/x-msdownload", exe.clone())
            .await
            .status,
        415
    );
    let r = upload(&owner, "bill.pdf", "application/pdf", exe.clone()).await;
    assert_eq!(r.status, 422, "a disguised file is refused");
    assert_eq!(
        upload(
            &owner,
            "big.pdf",
            "application/pdf",
            vec![b'%'; 11 * 1024 * 1024]
        )
        .await
        .status,
        413
    );
    assert_eq!(
        upload(&owner, "empty.txt", "text/plain", vec![])
            .await
            .status,
        422
    );
    assert_eq!(
        upload(&owner, "", "image/png", PNG.to_vec()).await.status,
        422
    );
    assert_eq!(app.count("attachments").await, 0);

    let r = upload(&owner, "../../design%20A12.png", "image/png", PNG.to_vec()).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["file_name"], "design A12.png");
    let file = id(&r.body);
    // Before it is sent, only the uploader sees it; nobody else can attach it.
    assert_eq!(
        app.get(&format!("/api/v1/attachments/{file}"), Some(&owner))
            .await
            .status,
        200
    );
    app.get(&format!("/api/v1/attachments/{file}"), Some(&mgr))
        .await
        .problem(404);

    let r = app
        .post("/api/v1/chat/channels", Some(&owner), json!({"name": "Designs", "private": true, "member_ids": [app.user_id(T::A, Role::Manager)]}))
        .await;
    let ch = id(&r.body);
    let r = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(&mgr),
            json!({"body": "mine?", "attachment_ids": [file]}),
        )
        .await;
    r.problem(422);
    assert_eq!(app.count("chat_messages").await, 0, "nothing half-written");
    let r = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(&owner),
            json!({"body": "", "attachment_ids": [file]}),
        )
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["attachments"][0]["id"], file.as_str());
    let again = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(&owner),
            json!({"body": "again", "attachment_ids": [file]}),
        )
        .await;
    again.problem(422);
    // Members download it; others get 404.
    let got = app
        .client
        .get(format!("{}/api/v1/attachments/{file}", app.base))
        .bearer_auth(&mgr)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 200);
    assert_eq!(got.headers().get("content-type").unwrap(), "image/png");
    assert_eq!(
        got.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
    for t in [&tele, &other] {
        app.get(&format!("/api/v1/attachments/{file}"), Some(t))
            .await
            .problem(404);
    }
    let six: Vec<Uuid> = (0..6).map(|_| Uuid::now_v7()).collect();
    app.post(
        &format!("/api/v1/chat/channels/{ch}/messages"),
        Some(&owner),
        json!({"body": "x", "attachment_ids": six}),
    )
    .await
    .problem(422);
}

#[actix_web::test]
async fn roles_tenants_and_bad_input() {
    let app = spawn().await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    // Every tenant role chats; the platform admin does not.
    for role in [
        Role::BusinessAdmin,
        Role::Manager,
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
    ] {
        let t = app.token(T::A, role).await;
        assert_eq!(
            app.get("/api/v1/chat/channels", Some(&t)).await.status,
            200,
            "{role:?}"
        );
    }
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    app.get("/api/v1/chat/channels", Some(&pa))
        .await
        .problem(403);
    app.post("/api/v1/chat/channels", Some(&pa), json!({"name": "x"}))
        .await
        .problem(403);
    app.get("/api/v1/chat/channels", None).await.problem(401);
    // Everyone in the business can be messaged, across stores and roles.
    let mgr_token = app.token(T::A, Role::Manager).await;
    let people = app.get("/api/v1/chat/people", Some(&mgr_token)).await;
    assert_eq!(people.status, 200, "{people:?}");
    let ids: Vec<&str> = people
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&app.user_id(T::A, Role::BusinessAdmin).to_string().as_str()));
    assert!(!ids.contains(&app.user_id(T::B, Role::BusinessAdmin).to_string().as_str()));
    app.get("/api/v1/chat/people", Some(&pa)).await.problem(403);
    app.get(
        &format!("/api/v1/chat/people?q={}", "x".repeat(101)),
        Some(&mgr_token),
    )
    .await
    .problem(422);

    // Store channels: the sales rep sees only their store's; the owner sees both.
    let sales = app.token(T::A, Role::SalesRep).await;
    let mine = app.get("/api/v1/chat/channels", Some(&sales)).await;
    let stores: Vec<&Value> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "store")
        .collect();
    assert_eq!(stores.len(), 1);
    let all = app.get("/api/v1/chat/channels", Some(&owner)).await;
    let other_store = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "store" && c["store_id"] == app.a.stores[1].to_string())
        .unwrap()
        .clone();
    app.get(
        &format!("/api/v1/chat/channels/{}", id(&other_store)),
        Some(&sales),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/chat/channels/{}/messages", id(&other_store)),
        Some(&sales),
        json!({"body": "hi"}),
    )
    .await
    .problem(404);

    // Other tenants: everything is a 404.
    let r = app
        .post(
            "/api/v1/chat/channels",
            Some(&owner),
            json!({"name": "Owners", "private": false}),
        )
        .await;
    let ch = id(&r.body);
    let msg = id(&app
        .post(
            &format!("/api/v1/chat/channels/{ch}/messages"),
            Some(&owner),
            json!({"body": "hello"}),
        )
        .await
        .body);
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.get(&format!("/api/v1/chat/channels/{ch}"), Some(&b))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/chat/channels/{ch}/messages"),
        Some(&b),
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/chat/channels/{ch}/members"),
        Some(&b),
        json!({"user_ids": [app.user_id(T::B, Role::BusinessAdmin)]}),
    )
    .await
    .problem(404);
    app.get(&format!("/api/v1/chat/messages/{msg}/thread"), Some(&b))
        .await
        .problem(404);
    app.patch(
        &format!("/api/v1/chat/messages/{msg}"),
        Some(&b),
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.req(
        Method::DELETE,
        &format!("/api/v1/chat/messages/{msg}"),
        Some(&b),
        None,
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/chat/channels/{ch}/read"),
        Some(&b),
        json!({"message_id": msg}),
    )
    .await
    .problem(404);
    let s = app.get("/api/v1/chat/search?q=hello", Some(&b)).await;
    assert!(s.body["items"].as_array().unwrap().is_empty());
    app.post(
        "/api/v1/chat/direct",
        Some(&b),
        json!({"user_id": app.user_id(T::A, Role::Manager)}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/chat/channels",
        Some(&b),
        json!({"name": "Mixed", "member_ids": [app.user_id(T::A, Role::Manager)]}),
    )
    .await
    .problem(422);

    // Bad input.
    let path = format!("/api/v1/chat/channels/{ch}/messages");
    let bad = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(&owner)
        .insert_header(("content-type", "application/json"))
        .send_body("{\"body\": ")
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    app.post(&path, Some(&owner), json!({"body": 42}))
        .await
        .problem(422);
    app.post(&path, Some(&owner), json!({"body": "x".repeat(4001)}))
        .await
        .problem(422);
    app.post(&path, Some(&owner), json!({})).await.problem(422);
    app.post(&path, Some(&owner), json!({"body": "x", "colour": "red"}))
        .await
        .problem(422);
    app.post(
        &path,
        Some(&owner),
        json!({"body": "x", "parent_id": Uuid::now_v7()}),
    )
    .await
    .problem(422);
    app.post(
        &path,
        Some(&owner),
        json!({"body": "x", "mentions": [Uuid::now_v7()]}),
    )
    .await
    .problem(422);
    app.post(
        &format!("/api/v1/chat/channels/{}/messages", Uuid::now_v7()),
        Some(&owner),
        json!({"body": "x"}),
    )
    .await
    .problem(404);
    app.get("/api/v1/chat/channels/not-a-uuid", Some(&owner))
        .await
        .problem(404);
    app.post("/api/v1/chat/channels", Some(&owner), json!({"name": ""}))
        .await
        .problem(422);
    app.post(
        "/api/v1/chat/channels",
        Some(&owner),
        json!({"name": "n".repeat(81)}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/chat/channels",
        Some(&owner),
        json!({"name": "owners"}),
    )
    .await
    .problem(409);
    app.post(
        "/api/v1/chat/direct",
        Some(&owner),
        json!({"user_id": app.user_id(T::A, Role::BusinessAdmin)}),
    )
    .await
    .problem(422);
    app.post(
        "/api/v1/chat/direct",
        Some(&owner),
        json!({"user_id": Uuid::now_v7()}),
    )
    .await
    .problem(422);
    app.get(
        &format!("/api/v1/chat/channels/{ch}/messages?limit=0"),
        Some(&owner),
    )
    .await
    .problem(422);
    app.get(
        &format!("/api/v1/chat/channels/{ch}/messages?cursor=zz"),
        Some(&owner),
    )
    .await
    .problem(422);
    assert_eq!(app.count("chat_messages").await, 1, "nothing half-written");

    // Membership management: only admins add others; anyone joins a public channel.
    let mgr = app.token(T::A, Role::Manager).await;
    let mgr_id = app.user_id(T::A, Role::Manager);
    app.post(
        &format!("/api/v1/chat/channels/{ch}/members"),
        Some(&mgr),
        json!({"user_ids": [app.user_id(T::A, Role::SalesRep)]}),
    )
    .await
    .problem(403);
    let j = app
        .post(
            &format!("/api/v1/chat/channels/{ch}/members"),
            Some(&mgr),
            json!({"user_ids": [mgr_id]}),
        )
        .await;
    assert_eq!(j.status, 200, "{j:?}");
    app.patch(
        &format!("/api/v1/chat/channels/{ch}"),
        Some(&mgr),
        json!({"name": "Mine now"}),
    )
    .await
    .problem(403);
    let left = app
        .req(
            Method::DELETE,
            &format!("/api/v1/chat/channels/{ch}/members/{mgr_id}"),
            Some(&mgr),
            None,
        )
        .await;
    assert_eq!(left.status, 204);
    let archived = app
        .patch(
            &format!("/api/v1/chat/channels/{ch}"),
            Some(&owner),
            json!({"archived": true}),
        )
        .await;
    assert_eq!(archived.status, 200, "{archived:?}");
    app.post(&path, Some(&owner), json!({"body": "late"}))
        .await
        .problem(409);

    // Sending too fast is a 429.
    let r = app
        .post(
            "/api/v1/chat/channels",
            Some(&owner),
            json!({"name": "Flood"}),
        )
        .await;
    let flood = id(&r.body);
    let mut limited = false;
    for i in 0..40 {
        let r = app
            .post(
                &format!("/api/v1/chat/channels/{flood}/messages"),
                Some(&owner),
                json!({"body": format!("{i}")}),
            )
            .await;
        if r.status == 429 {
            r.problem(429);
            assert!(r.headers.get("retry-after").is_some());
            limited = true;
            break;
        }
    }
    assert!(limited, "the per-user rate limit applies");
}
