//! Real WebSocket clients against the real server: audience, resume, limits, revocation.

use std::time::Duration;

use actix_codec::Framed;
use awc::BoxedSocket;
use awc::ws::{Codec, Frame, Message};
use futures_util::{SinkExt, StreamExt};
use karat::auth::rbac::Role;
use serde_json::{Value, json};

use crate::common::{T, TestApp};

pub type Ws = Framed<BoxedSocket, Codec>;

pub const ORIGIN: &str = "http://app.karat.test";

pub async fn ticket(app: &TestApp, token: &str) -> String {
    let r = app
        .post("/api/v1/realtime/ticket", Some(token), json!({}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body["ticket"].as_str().unwrap().to_string()
}

pub async fn open(app: &TestApp, ticket: &str, origin: &str) -> Result<Ws, u16> {
    let url = format!(
        "{}/api/v1/realtime?ticket={ticket}",
        app.base.replace("http", "ws")
    );
    match app
        .client
        .ws(url)
        .origin(origin)
        .max_frame_size(1 << 20)
        .connect()
        .await
    {
        Ok((_, ws)) => Ok(ws),
        Err(awc::error::WsClientError::InvalidResponseStatus(s)) => Err(s.as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

pub async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next JSON message (pings are answered by the codec's caller: we skip them).
pub async fn next(ws: &mut Ws) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("no message within 5 s");
        match frame.expect("socket ended").expect("frame error") {
            Frame::Text(t) => return serde_json::from_slice(&t).unwrap(),
            Frame::Close(reason) => return json!({"closed": reason.map(|r| u16::from(r.code))}),
            _ => continue,
        }
    }
}

pub async fn silent(ws: &mut Ws, ms: u64) {
    if let Ok(Some(Ok(Frame::Text(t)))) =
        tokio::time::timeout(Duration::from_millis(ms), ws.next()).await
    {
        panic!("unexpected message: {}", String::from_utf8_lossy(&t));
    }
}

/// Connects, says hello and returns the socket and the server's last seq.
pub async fn join(app: &TestApp, t: T, role: Role, resume_after: Option<i64>) -> (Ws, i64) {
    let token = app.token(t, role).await;
    let mut ws = open(app, &ticket(app, &token).await, ORIGIN)
        .await
        .expect("upgrade");
    // Presence comes and goes with every join; these tests watch the data topics.
    let mut hello =
        json!({"type": "hello", "v": 1, "topics": ["stores", "users", "notifications"]});
    if let Some(r) = resume_after {
        hello["resume_after"] = json!(r);
    }
    send(&mut ws, hello).await;
    let h = next(&mut ws).await;
    assert_eq!(h["type"], "hello", "{h}");
    (ws, h["last_seq"].as_i64().unwrap())
}

async fn spawn() -> TestApp {
    TestApp::spawn_with(&["--allowed-origins", ORIGIN]).await
}

/// Sockets opened so far, by how they write (`direct` or `connection`).
async fn opened(app: &TestApp, writes: &str) -> u64 {
    let key = format!("karat_websockets_opened_total{{writes=\"{writes}\"}} ");
    app.metrics()
        .await
        .lines()
        .find_map(|l| l.strip_prefix(&key)?.parse().ok())
        .unwrap_or(0)
}

/// Without direct writes (`KARAT_WS_DIRECT_WRITES=false`, or once duplicates
/// have used their share of descriptors) sockets write through actix-http,
/// alike.
#[actix_web::test]
async fn sockets_writing_through_the_connection_behave_alike() {
    let app =
        TestApp::spawn_with(&["--allowed-origins", ORIGIN, "--ws-direct-writes", "false"]).await;
    audience_only(&app).await;
    slow_consumer_dropped(&app).await;
    long_absence_replayed(&app).await;
    assert_eq!(opened(&app, "direct").await, 0);
    assert_eq!(opened(&app, "connection").await, 8);

    // A process allowed 1,024 descriptors keeps them all for connections
    // (this test runs in a process of its own).
    karat::realtime::share_descriptors(1024);
    let app = spawn().await;
    resume_loses_nothing(&app).await;
    assert_eq!(opened(&app, "direct").await, 0);
    assert_eq!(opened(&app, "connection").await, 3);
}

/// More missed events than a socket may have waiting (256) are replayed
/// whole: a resume is not taken for a client that cannot keep up.
#[actix_web::test]
async fn a_long_absence_is_replayed_whole() {
    long_absence_replayed(&spawn().await).await;
}

async fn long_absence_replayed(app: &TestApp) {
    const MISSED: usize = 300;
    let (ws, last) = join(app, T::A, Role::Manager, None).await;
    drop(ws);
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    for i in 0..MISSED {
        let code = format!("L{i:03}");
        let r = app
            .post(
                "/api/v1/stores",
                Some(&owner),
                json!({"name": code, "code": code}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let (mut ws, _) = join(app, T::A, Role::Manager, Some(last)).await;
    for i in 0..MISSED {
        let e = next(&mut ws).await;
        assert!(e.get("closed").is_none(), "closed after {i}: {e}");
        assert_eq!(e["payload"]["code"], format!("L{i:03}"), "{e}");
    }
}

#[actix_web::test]
async fn events_reach_exactly_their_audience() {
    audience_only(&spawn().await).await;
}

async fn audience_only(app: &TestApp) {
    let (mut ba, _) = join(app, T::A, Role::BusinessAdmin, None).await;
    let (mut mgr, _) = join(app, T::A, Role::Manager, None).await;
    let (mut tele, _) = join(app, T::A, Role::Telecaller, None).await;
    let (mut other_tenant, _) = join(app, T::B, Role::BusinessAdmin, None).await;

    // A tenant-wide event: everyone in A, no one in B.
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let r = app
        .post(
            "/api/v1/stores",
            Some(&owner),
            json!({"name": "Jayanagar", "code": "BLR-JN"}),
        )
        .await;
    assert_eq!(r.status, 201);
    for ws in [&mut ba, &mut mgr, &mut tele] {
        let e = next(ws).await;
        assert_eq!(e["kind"], "store.created", "{e}");
        assert_eq!(e["payload"]["code"], "BLR-JN");
    }
    silent(&mut other_tenant, 300).await;

    // A user of store 2 changes: the business admin hears it; store 1's people do not.
    let s2 = app.a.stores[1];
    let r = app
        .post("/api/v1/users", Some(&owner), json!({"name": "Nisha", "email": "nisha@example.test", "role": "telecaller", "store_ids": [s2], "password": "pearl-studs-2026"}))
        .await;
    assert_eq!(r.status, 201);
    let e = next(&mut ba).await;
    assert_eq!(e["kind"], "user.created");
    silent(&mut mgr, 300).await;
    silent(&mut tele, 100).await;
    silent(&mut other_tenant, 100).await;
}

#[actix_web::test]
async fn resume_after_a_disconnect_loses_nothing() {
    resume_loses_nothing(&spawn().await).await;
}

async fn resume_loses_nothing(app: &TestApp) {
    let (ws, last) = join(app, T::A, Role::Manager, None).await;
    drop(ws);
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    for code in ["R1", "R2", "R3"] {
        assert_eq!(
            app.post(
                "/api/v1/stores",
                Some(&owner),
                json!({"name": code, "code": code})
            )
            .await
            .status,
            201
        );
    }
    let (mut ws, _) = join(app, T::A, Role::Manager, Some(last)).await;
    let mut codes = vec![];
    let mut seqs = vec![];
    for _ in 0..3 {
        let e = next(&mut ws).await;
        codes.push(e["payload"]["code"].as_str().unwrap().to_string());
        seqs.push(e["seq"].as_i64().unwrap());
    }
    assert_eq!(codes, ["R1", "R2", "R3"]);
    assert!(seqs.windows(2).all(|w| w[0] < w[1]) && seqs[0] > last);
    // Then live.
    app.post(
        "/api/v1/stores",
        Some(&owner),
        json!({"name": "R4", "code": "R4"}),
    )
    .await;
    assert_eq!(next(&mut ws).await["payload"]["code"], "R4");

    // Beyond retention: a reset.
    let mut c = app.app_conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut c,
        "SET app.platform = 'on'; DELETE FROM events WHERE seq <= 2",
    )
    .await
    .unwrap();
    let token = app.token(T::A, Role::SalesRep).await;
    let mut old = open(app, &ticket(app, &token).await, ORIGIN).await.unwrap();
    send(
        &mut old,
        json!({"type": "hello", "v": 1, "resume_after": 0}),
    )
    .await;
    let reset = next(&mut old).await;
    assert_eq!(reset["type"], "reset", "{reset}");
    assert_eq!(next(&mut old).await["type"], "hello");
}

#[actix_web::test]
async fn tickets_origins_and_frames_are_checked() {
    let app = spawn().await;
    let token = app.token(T::A, Role::SalesRep).await;
    let t = ticket(&app, &token).await;
    assert_eq!(open(&app, &t, "http://evil.example").await.err(), Some(403));
    // A page served by this very host is same-origin, with no configuration.
    let same = ticket(&app, &token).await;
    assert!(open(&app, &same, &app.base.clone()).await.is_ok());
    // The refused attempt did not burn the ticket; using it twice does.
    let ws = open(&app, &t, ORIGIN).await;
    assert!(ws.is_ok());
    assert_eq!(open(&app, &t, ORIGIN).await.err(), Some(401));
    assert_eq!(open(&app, "made-up", ORIGIN).await.err(), Some(401));
    // An expired ticket.
    let stale = ticket(&app, &token).await;
    let mut c = app.app_conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(&mut c, "SET app.platform = 'on'; UPDATE realtime_tickets SET expires_at = now() - interval '1 second'")
        .await
        .unwrap();
    assert_eq!(open(&app, &stale, ORIGIN).await.err(), Some(401));
    // Platform admins get a socket of their own (notices, no tenant's events).
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    assert_eq!(
        app.post("/api/v1/realtime/ticket", Some(&pa), json!({}))
            .await
            .status,
        200
    );
    app.post("/api/v1/realtime/ticket", None, json!({}))
        .await
        .problem(401);

    // A frame over 64 KiB closes the socket with 1009.
    let (mut ws, _) = join(&app, T::A, Role::Manager, None).await;
    ws.send(Message::Text("x".repeat(70 * 1024).into()))
        .await
        .unwrap();
    assert_eq!(next(&mut ws).await["closed"], 1009);

    // Messages sent right behind the hello are answered after it, in order.
    let mut eager = open(&app, &ticket(&app, &token).await, ORIGIN)
        .await
        .unwrap();
    for _ in 0..3 {
        send(&mut eager, json!({"type": "hello", "v": 1, "topics": []})).await;
        send(&mut eager, json!({"type": "subscribe", "topics": ["a"]})).await;
    }
    assert_eq!(next(&mut eager).await["type"], "hello");
    assert_eq!(next(&mut eager).await["type"], "ack");
    assert_eq!(
        next(&mut eager).await["code"],
        "unexpected",
        "a second hello"
    );
    assert_eq!(next(&mut eager).await["type"], "ack");

    // No hello: closed with 4002.
    let mut quiet = open(&app, &ticket(&app, &token).await, ORIGIN)
        .await
        .unwrap();
    send(&mut quiet, json!({"type": "subscribe", "topics": ["x"]})).await;
    assert_eq!(next(&mut quiet).await["closed"], 4002);
}

#[actix_web::test]
async fn revoking_or_deactivating_closes_live_sockets_within_a_second() {
    let app = spawn().await;
    let email = app.email(T::A, Role::Telecaller);
    let login = app.login_as(&email).await;
    let token = login["access_token"].as_str().unwrap().to_string();
    let mut ws = open(&app, &ticket(&app, &token).await, ORIGIN)
        .await
        .unwrap();
    send(
        &mut ws,
        json!({"type": "hello", "v": 1, "topics": ["stores"]}),
    )
    .await;
    next(&mut ws).await;
    let started = std::time::Instant::now();
    let out = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": login["refresh_token"]}),
        )
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(next(&mut ws).await["closed"], 4001);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );

    let (mut sales, _) = join(&app, T::A, Role::SalesRep, None).await;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let started = std::time::Instant::now();
    let id = app.user_id(T::A, Role::SalesRep);
    assert_eq!(
        app.patch(
            &format!("/api/v1/users/{id}"),
            Some(&owner),
            json!({"active": false})
        )
        .await
        .status,
        200
    );
    // The deactivation's own event may arrive first.
    let mut m = next(&mut sales).await;
    if m["type"] == "event" {
        m = next(&mut sales).await;
    }
    assert_eq!(m["closed"], 4001, "{m}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[actix_web::test]
async fn a_slow_consumer_is_dropped_without_delaying_others() {
    slow_consumer_dropped(&spawn().await).await;
}

async fn slow_consumer_dropped(app: &TestApp) {
    // Enough 30 kB replies to fill what the kernel holds for a reader that
    // stopped (the server's send buffer, at most tcp_wmem's 4 MB: under 140 of
    // them, and the reader's unread window) and then the socket's outbox of
    // 256 messages. 300 were not enough here.
    const REPLIES: usize = 500;
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let hello = json!({"type": "hello", "v": 1, "topics": ["tickets"]});
    let mut slow = open(app, &ticket(app, &owner).await, ORIGIN).await.unwrap();
    send(&mut slow, hello.clone()).await;
    assert_eq!(next(&mut slow).await["type"], "hello");
    let mut fast = open(app, &ticket(app, &owner).await, ORIGIN).await.unwrap();
    send(&mut fast, hello).await;
    assert_eq!(next(&mut fast).await["type"], "hello");
    let id = crate::tickets::tid(&crate::tickets::raise(app, &owner, "Slow tablet").await);

    // The fast socket reads as the replies go out; the slow one never reads.
    let reader = actix_web::rt::spawn(async move {
        let mut seqs = Vec::new();
        while seqs.len() < REPLIES {
            let m = next(&mut fast).await;
            assert_ne!(m["type"], "reset", "{m}");
            assert!(m.get("closed").is_none(), "the fast socket was closed: {m}");
            if m["kind"] == "ticket.message" {
                seqs.push(m["seq"].as_i64().unwrap());
            }
        }
        (seqs, std::time::Instant::now())
    });
    let body = "₹".repeat(10_000);
    for _ in 0..REPLIES {
        let r = app
            .post(
                &format!("/api/v1/tickets/{id}/messages"),
                Some(&owner),
                json!({ "body": body }),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let sent = std::time::Instant::now();
    let (seqs, received) = reader.await.unwrap();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in seq order");
    assert!(
        received.saturating_duration_since(sent) < Duration::from_secs(1),
        "the last reply reached the fast socket {:?} after it was sent",
        received.saturating_duration_since(sent)
    );

    // The slow socket gets what was buffered before it fell behind, then a
    // close telling it to resume.
    let mut buffered = 0;
    let code = loop {
        let m = next(&mut slow).await;
        if let Some(code) = m.get("closed") {
            break code.clone();
        }
        buffered += 1;
    };
    assert_eq!(code, 4000);
    assert!(
        buffered < REPLIES,
        "{buffered} of {REPLIES} reached the slow socket"
    );
}

#[actix_web::test]
async fn typing_is_relayed_but_never_stored() {
    let app = spawn().await;
    let (mut a, _) = join(&app, T::A, Role::SalesRep, None).await;
    let (mut b, _) = join(&app, T::A, Role::Manager, None).await;
    for ws in [&mut a, &mut b] {
        send(ws, json!({"type": "subscribe", "topics": ["huddle:floor"]})).await;
        assert_eq!(next(ws).await["type"], "ack");
    }
    let events_before = app.count("events WHERE topic <> 'presence'").await;
    send(&mut a, json!({"type": "typing", "topic": "huddle:floor"})).await;
    let t = next(&mut b).await;
    assert_eq!(t["type"], "typing");
    assert_eq!(t["user_id"], app.user_id(T::A, Role::SalesRep).to_string());
    silent(&mut a, 200).await;
    assert_eq!(
        app.count("events WHERE topic <> 'presence'").await,
        events_before
    );
    send(&mut a, json!({"type": "dance"})).await;
    assert_eq!(next(&mut a).await["code"], "bad_message");
}

#[actix_web::test]
async fn a_server_restart_and_a_second_node_lose_nothing() {
    let node_a = spawn().await;
    let node_b = TestApp::spawn_on(&node_a, &["--allowed-origins", ORIGIN]).await;
    // A client on node B hears a change made through node A.
    let (mut on_b, _) = join(&node_b, T::A, Role::Manager, None).await;
    let owner = node_a.token(T::A, Role::BusinessAdmin).await;
    node_a
        .post(
            "/api/v1/stores",
            Some(&owner),
            json!({"name": "Across", "code": "X1"}),
        )
        .await;
    let e = next(&mut on_b).await;
    assert_eq!(e["payload"]["code"], "X1", "{e}");
    let seen = e["seq"].as_i64().unwrap();
    // Node B goes away; changes continue through A; a client resumes on a new node.
    drop(on_b);
    node_b.stop().await;
    node_a
        .post(
            "/api/v1/stores",
            Some(&owner),
            json!({"name": "While down", "code": "X2"}),
        )
        .await;
    let node_c = TestApp::spawn_on(&node_a, &["--allowed-origins", ORIGIN]).await;
    let (mut on_c, _) = join(&node_c, T::A, Role::Manager, Some(seen)).await;
    assert_eq!(next(&mut on_c).await["payload"]["code"], "X2");
}

#[actix_web::test]
async fn recording_events_reuses_one_prepared_statement() {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let app = TestApp::spawn().await;
    // One connection: a statement diesel cannot cache is prepared again (and
    // planned again by PostgreSQL) by every transaction that emits an event.
    let db = karat::db::Db::connect(&app.db.app_url(), 1).unwrap();
    let seqs: Vec<i64> = futures_util::future::try_join_all((0..3).map(|i| {
        db.tenant_tx(app.a.id, uuid::Uuid::now_v7(), async move |c| {
            karat::realtime::events::emit(
                c,
                app.a.id,
                "test",
                "test.event",
                json!({ "i": i }),
                &karat::realtime::events::Audience::Tenant,
            )
            .await?;
            let n: N = diesel::sql_query(
                "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%karat_emit_batch%' AND statement NOT LIKE '%pg_prepared%'",
            )
            .get_result(c)
            .await?;
            Ok(n.n)
        })
    }))
    .await
    .unwrap();
    let prepared: N = db
        .with_conn(async |c| {
            Ok(diesel::sql_query(
                "SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE '%karat_emit_batch%' AND statement NOT LIKE '%pg_prepared%'",
            )
            .get_result(c)
            .await?)
        })
        .await
        .unwrap();
    assert_eq!(seqs.len(), 3);
    assert_eq!(
        prepared.n, 1,
        "the event statement is prepared once per connection"
    );
}

/// The server's end of `client`, found among this process's descriptors (the
/// test server runs in-process): whether it sends without Nagle's delay.
fn server_end_nodelay(server: std::net::SocketAddr, client: std::net::SocketAddr) -> Option<bool> {
    fn v4(addr: &libc::sockaddr_in) -> std::net::SocketAddr {
        let ip = std::net::Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
        std::net::SocketAddr::from((ip, u16::from_be(addr.sin_port)))
    }
    type Get = unsafe extern "C" fn(i32, *mut libc::sockaddr, *mut libc::socklen_t) -> i32;
    let name = |fd: i32, get: Get| {
        let mut addr: libc::sockaddr_in = unsafe { std::mem::zeroed() };
        let mut len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
        // SAFETY: `addr` is a sockaddr_in of `len` bytes, as the call expects.
        let ok = unsafe { get(fd, (&raw mut addr).cast(), &mut len) } == 0;
        (ok && addr.sin_family as i32 == libc::AF_INET).then(|| v4(&addr))
    };
    for entry in std::fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Ok(fd) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if name(fd, libc::getsockname) == Some(server)
            && name(fd, libc::getpeername) == Some(client)
        {
            let mut on: libc::c_int = 0;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: `on` is a c_int of `len` bytes, as TCP_NODELAY is.
            let ok = unsafe {
                libc::getsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    (&raw mut on).cast(),
                    &mut len,
                )
            } == 0;
            return ok.then_some(on != 0);
        }
    }
    None
}

#[actix_web::test]
async fn the_server_sends_each_frame_at_once() {
    use std::io::{Read, Write};
    let app = spawn().await;
    // Started (the server runs once polled), so this thread may block below.
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let server: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
    let mut client = std::net::TcpStream::connect(server).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    // Once the server has answered, its end of the connection is set up.
    client
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: karat\r\n\r\n")
        .unwrap();
    let mut answer = [0u8; 12];
    client.read_exact(&mut answer).unwrap();
    assert_eq!(&answer, b"HTTP/1.1 200");
    // Without TCP_NODELAY a frame written while the previous one is
    // unacknowledged waits for the client's delayed ACK (up to 40 ms).
    assert_eq!(
        server_end_nodelay(server, client.local_addr().unwrap()),
        Some(true)
    );

    // A WebSocket's frames go straight to its connection's socket.
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let mut ws = open(&app, &ticket(&app, &owner).await, ORIGIN)
        .await
        .unwrap();
    send(&mut ws, json!({"type": "hello", "v": 1})).await;
    assert_eq!(next(&mut ws).await["type"], "hello");
    assert_eq!(opened(&app, "direct").await, 1);
    assert_eq!(opened(&app, "connection").await, 0);
}
