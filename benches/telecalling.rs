//! # `telecalling`: lead created → telecaller console event
//!
//! Starts its own server (`target/release/karat serve --demo` on a fresh data
//! directory), then through the real API and real WebSockets:
//!
//! 1. creates `--telecallers` telecallers (default 200) at the MG Road showroom
//!    and signs each in; sets the store to round-robin, open all day, high cap;
//! 2. opens one console socket per telecaller (ticket → upgrade → `hello` on the
//!    `telecalling` topic, answering pings) and waits until all are online;
//! 3. creates leads through `POST /api/v1/leads` at `--rate` per second
//!    (default 50, open loop: each request leaves at its scheduled time) for
//!    `--secs` seconds (default 20) for customers made beforehand;
//! 4. times each `lead.assigned` event at the assignee's socket from the
//!    moment the request was sent (upper bound) and from the moment its
//!    response arrived (commit), and checks every lead reached exactly one
//!    telecaller.
//!
//! | metric | target |
//! |---|---|
//! | lead created → console event, p99 | < 50 ms with 200 telecallers connected at 50 leads/s |
//!
//! ```sh
//! cargo build --release --locked && cargo bench --bench telecalling
//! cargo bench --bench telecalling -- --telecallers 50 --rate 20 --secs 5   # smoke run
//! ```
//!
//! Tool, server and PostgreSQL share this machine's cores, so the figures are
//! an upper bound. Results end with a table and a `JSON:` line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use awc::ws::{Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};

#[path = "support/mod.rs"]
mod support;
use support::{
    PASSWORD, Res, Server, demo_login as login, get_json, http_client, pct, post_json, round,
};

struct Config {
    server: PathBuf,
    telecallers: usize,
    rate: usize,
    secs: usize,
}

impl Config {
    fn parse() -> Res<Config> {
        let mut c = Config {
            server: support::default_server(),
            telecallers: 200,
            rate: 50,
            secs: 20,
        };
        support::parse_args(
            "cargo bench --bench telecalling -- [--telecallers N] [--rate N] [--secs N] [--server PATH]",
            &mut c.server,
            &mut [
                ("telecallers", &mut c.telecallers),
                ("rate", &mut c.rate),
                ("secs", &mut c.secs),
            ],
        )?;
        Ok(c)
    }
}

/// What the sockets saw: customer id → (receive instant, which telecaller), and duplicates.
#[derive(Default)]
struct Seen {
    first: HashMap<String, (Instant, usize)>,
    /// Deliveries per customer id.
    count: HashMap<String, usize>,
    deliveries: usize,
    foreign: usize,
    closed: usize,
}

/// One console socket; records `lead.assigned` events until the socket ends.
async fn console(
    http: awc::Client,
    base: String,
    token: String,
    me: String,
    idx: usize,
    seen: Rc<RefCell<Seen>>,
) -> Res<()> {
    let (st, t) = post_json(
        &http,
        &format!("{base}/api/v1/realtime/ticket"),
        Some(&token),
        &json!({}),
    )
    .await?;
    if st != 200 {
        return Err(format!("ticket: HTTP {st}: {t}"));
    }
    let url = format!(
        "{}/api/v1/realtime?ticket={}",
        base.replace("http", "ws"),
        t["ticket"].as_str().unwrap_or_default()
    );
    let (_, ws) = awc::Client::new()
        .ws(url)
        .origin(base.as_str())
        .max_frame_size(1 << 20)
        .connect()
        .await
        .map_err(|e| format!("upgrade: {e}"))?;
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::Text(
        json!({"type": "hello", "v": 1, "topics": ["telecalling"]})
            .to_string()
            .into(),
    ))
    .await
    .map_err(|e| format!("hello: {e}"))?;
    while let Some(frame) = rx.next().await {
        match frame {
            Ok(Frame::Text(bytes)) => {
                let at = Instant::now();
                let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
                    continue;
                };
                if v["kind"] != "lead.assigned" {
                    continue;
                }
                let lead = &v["payload"]["lead"];
                let mut s = seen.borrow_mut();
                s.deliveries += 1;
                if lead["assigned_to"].as_str() != Some(me.as_str()) {
                    s.foreign += 1;
                }
                if let Some(c) = lead["customer_id"].as_str() {
                    s.first.entry(c.to_string()).or_insert((at, idx));
                    *s.count.entry(c.to_string()).or_default() += 1;
                }
            }
            Ok(Frame::Ping(p)) => {
                let _ = tx.send(Message::Pong(p)).await;
            }
            Ok(Frame::Close(_)) | Err(_) => break,
            _ => {}
        }
    }
    seen.borrow_mut().closed += 1;
    Ok(())
}

async fn run(cfg: &Config, server: &Server) -> Res<(Vec<[String; 3]>, Value)> {
    let base = server.url.trim_end_matches('/').to_string();
    let http = http_client(64);
    let (owner, _) = login(&http, &base, "owner@demo.test").await?;
    let (_, stores) = get_json(&http, &format!("{base}/api/v1/stores"), &owner).await?;
    let store = stores["items"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["code"] == "BLR-MG"))
        .and_then(|s| s["id"].as_str())
        .ok_or("no MG Road store")?
        .to_string();
    let (st, v) = {
        let mut r = http
            .put(format!("{base}/api/v1/telecalling/settings/{store}"))
            .bearer_auth(&owner)
            .send_json(&json!({
                "rule": "round_robin", "max_open_leads": 1000, "sla_minutes": 60, "sticky_days": 4,
                "retry_minutes": 20, "max_attempts_per_day": 3, "calling_start": "00:00",
                "calling_end": "23:59", "wrap_up_seconds": 120
            }))
            .await
            .map_err(|e| format!("settings: {e}"))?;
        (
            r.status().as_u16(),
            r.body().await.map_err(|e| e.to_string())?,
        )
    };
    if st != 200 {
        return Err(format!(
            "settings: HTTP {st}: {}",
            String::from_utf8_lossy(&v)
        ));
    }

    // Telecallers, created and signed in eight at a time.
    let t0 = Instant::now();
    let emails: Vec<String> = (0..cfg.telecallers)
        .map(|i| format!("bench-tele-{i}@demo.test"))
        .collect();
    let made: Vec<Res<(String, String)>> = futures_util::stream::iter(emails.iter().enumerate())
        .map(|(i, email)| {
            let (http, base, owner, store) = (&http, &base, &owner, &store);
            async move {
                let (st, v) = post_json(
                    http,
                    &format!("{base}/api/v1/users"),
                    Some(owner),
                    &json!({"name": format!("Bench Telecaller {i}"), "email": email,
                            "role": "telecaller", "store_ids": [store], "password": PASSWORD}),
                )
                .await?;
                if st != 201 {
                    return Err(format!("create {email}: HTTP {st}: {v}"));
                }
                login(http, base, email).await
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let people: Vec<(String, String)> = made.into_iter().collect::<Res<_>>()?;
    let setup_users_s = t0.elapsed().as_secs_f64();
    eprintln!("{} telecallers ready in {setup_users_s:.1} s", people.len());

    // Console sockets.
    let seen = Rc::new(RefCell::new(Seen::default()));
    for (idx, (token, me)) in people.iter().enumerate() {
        let fut = console(
            http.clone(),
            base.clone(),
            token.clone(),
            me.clone(),
            idx,
            seen.clone(),
        );
        actix_web::rt::spawn(async move {
            if let Err(e) = fut.await {
                eprintln!("socket {idx}: {e}");
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, p) = get_json(&http, &format!("{base}/api/v1/presence"), &owner).await?;
        let online = p["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|x| people.iter().any(|(_, id)| x["user_id"] == id.as_str()))
                    .count()
            })
            .unwrap_or(0);
        if online == people.len() {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "only {online} of {} telecallers came online",
                people.len()
            ));
        }
        actix_web::rt::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("{} console sockets online", people.len());

    // Customers for the leads, made beforehand.
    let total = cfg.rate * cfg.secs;
    let customers: Vec<Res<String>> = futures_util::stream::iter(0..total)
        .map(|i| {
            let (http, base, owner, store) = (&http, &base, &owner, &store);
            async move {
                let (st, v) = post_json(
                    http,
                    &format!("{base}/api/v1/customers"),
                    Some(owner),
                    &json!({"name": format!("Bench Customer {i}"),
                            "phones": [format!("+9179{:08}", i)], "home_store_id": store}),
                )
                .await?;
                if st != 201 {
                    return Err(format!("customer {i}: HTTP {st}: {v}"));
                }
                Ok(v["id"].as_str().unwrap_or_default().to_string())
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let customers: Vec<String> = customers.into_iter().collect::<Res<_>>()?;

    // The measured run: leads at `rate` per second, open loop.
    /// Customer id → (request sent, response received, status).
    type Sent = HashMap<String, (Instant, Instant, u16)>;
    let sent: Rc<RefCell<Sent>> = Rc::default();
    let start = Instant::now() + Duration::from_millis(200);
    let gap = Duration::from_secs_f64(1.0 / cfg.rate as f64);
    let mut handles = Vec::with_capacity(total);
    for (i, customer) in customers.into_iter().enumerate() {
        let at = start + gap * i as u32;
        let (http, base, owner, store, sent) = (
            http.clone(),
            base.clone(),
            owner.clone(),
            store.clone(),
            sent.clone(),
        );
        handles.push(actix_web::rt::spawn(async move {
            actix_web::rt::time::sleep_until(at.into()).await;
            let t_send = Instant::now();
            let r = post_json(
                &http,
                &format!("{base}/api/v1/leads"),
                Some(&owner),
                &json!({"customer_id": customer, "store_id": store}),
            )
            .await;
            let status = r.map(|(s, _)| s).unwrap_or(0);
            sent.borrow_mut()
                .insert(customer, (t_send, Instant::now(), status));
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let wall = start.elapsed().as_secs_f64();
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;

    let sent = sent.borrow();
    let seen = seen.borrow();
    let ok = sent.values().filter(|(_, _, s)| *s == 201).count();
    let mut from_send = Vec::new();
    let mut from_commit = Vec::new();
    let mut per_tele: HashMap<usize, usize> = HashMap::new();
    for (customer, (t_send, t_resp, _)) in sent.iter() {
        if let Some((at, idx)) = seen.first.get(customer) {
            from_send.push(at.saturating_duration_since(*t_send).as_secs_f64() * 1e3);
            from_commit.push(at.saturating_duration_since(*t_resp).as_secs_f64() * 1e3);
            *per_tele.entry(*idx).or_default() += 1;
        }
    }
    from_send.sort_by(f64::total_cmp);
    from_commit.sort_by(f64::total_cmp);
    let missing = ok - from_send.len();
    let twice: usize = sent
        .keys()
        .map(|c| seen.count.get(c).copied().unwrap_or(0).saturating_sub(1))
        .sum();
    // The demo's own waiting leads are handed out as the telecallers come online.
    let other = seen
        .count
        .iter()
        .filter(|(c, _)| !sent.contains_key(*c))
        .map(|(_, n)| n)
        .sum::<usize>();
    let p99 = pct(&from_send, 0.99);
    let (lo, hi) = (
        per_tele.values().min().copied().unwrap_or(0),
        per_tele.values().max().copied().unwrap_or(0),
    );
    let rows = vec![
        [
            "telecallers online".into(),
            people.len().to_string(),
            "200".into(),
        ],
        [
            "leads sent / created".into(),
            format!(
                "{} / {ok} in {:.1} s ({:.1}/s)",
                sent.len(),
                wall,
                ok as f64 / wall
            ),
            format!("{}/s", cfg.rate),
        ],
        [
            "sent → console event p50/p90/p99/max".into(),
            format!(
                "{:.1} / {:.1} / {:.1} / {:.1} ms",
                pct(&from_send, 0.5),
                pct(&from_send, 0.9),
                p99,
                from_send.last().copied().unwrap_or(f64::NAN)
            ),
            format!(
                "p99 < 50 ms: {}",
                if p99 < 50.0 && missing == 0 {
                    "PASS"
                } else {
                    "FAIL"
                }
            ),
        ],
        [
            "commit (response) → console event p50/p99".into(),
            format!(
                "{:.1} / {:.1} ms",
                pct(&from_commit, 0.5),
                pct(&from_commit, 0.99)
            ),
            "—".into(),
        ],
        [
            "deliveries / missing / twice / to someone else".into(),
            format!(
                "{} / {missing} / {twice} / {} (+{other} demo backlog leads)",
                seen.deliveries - other,
                seen.foreign
            ),
            "one per lead, 0, 0, 0".into(),
        ],
        [
            "leads per telecaller min/max".into(),
            format!("{lo} / {hi} over {} telecallers", per_tele.len()),
            "within ±1".into(),
        ],
    ];
    let json = json!({
        "telecallers": people.len(),
        "rate": cfg.rate,
        "secs": cfg.secs,
        "leads_sent": sent.len(),
        "leads_created": ok,
        "achieved_per_s": round(ok as f64 / wall, 1),
        "sent_to_event_ms": {
            "p50": round(pct(&from_send, 0.5), 2), "p90": round(pct(&from_send, 0.9), 2),
            "p99": round(p99, 2), "max": round(from_send.last().copied().unwrap_or(0.0), 2)
        },
        "commit_to_event_ms": { "p50": round(pct(&from_commit, 0.5), 2), "p99": round(pct(&from_commit, 0.99), 2) },
        "deliveries": seen.deliveries - other,
        "demo_backlog_deliveries": other,
        "missing": missing,
        "delivered_twice": twice,
        "foreign": seen.foreign,
        "sockets_closed": seen.closed,
        "per_telecaller": { "min": lo, "max": hi },
        "setup_users_s": round(setup_users_s, 1),
        "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
    });
    Ok((rows, json))
}

fn main() {
    support::bench_main(Config::parse(), |c| c.server.as_path(), run);
}
