//! # `chat`: message sent → delivered to every channel member
//!
//! Starts its own server (`target/release/karat serve --demo` on a fresh data
//! directory), then through the real API and real WebSockets:
//!
//! 1. creates `--members` colleagues (default 50) and signs each in; the owner
//!    makes a private channel with all of them;
//! 2. opens one socket per member (ticket → upgrade → `hello` on the `chat`
//!    topic, answering pings);
//! 3. sends messages through `POST /api/v1/chat/channels/{id}/messages` at
//!    `--rate` per second (default 200, open loop: each request leaves at its
//!    scheduled time, the senders taking turns) for `--secs` seconds (default 10);
//! 4. times each message's arrival at every member's socket from the moment
//!    its request was sent, and checks every member got every message once.
//!
//! | metric | target |
//! |---|---|
//! | message sent → delivered to all 50 channel members, p99 | < 30 ms at 200 messages/s |
//!
//! ```sh
//! cargo build --release --locked && cargo bench --bench chat
//! cargo bench --bench chat -- --members 10 --rate 50 --secs 3   # smoke run
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
use support::{PASSWORD, Res, Server, demo_login as login, http_client, pct, post_json, round};

struct Config {
    server: PathBuf,
    members: usize,
    rate: usize,
    secs: usize,
}

impl Config {
    fn parse() -> Res<Config> {
        let mut c = Config {
            server: support::default_server(),
            members: 50,
            rate: 200,
            secs: 10,
        };
        support::parse_args(
            "cargo bench --bench chat -- [--members N] [--rate N] [--secs N] [--server PATH]",
            &mut c.server,
            &mut [
                ("members", &mut c.members),
                ("rate", &mut c.rate),
                ("secs", &mut c.secs),
            ],
        )?;
        Ok(c)
    }
}

/// Arrivals: message number → (member, instant) per delivery.
#[derive(Default)]
struct Seen {
    arrivals: HashMap<usize, Vec<(usize, Instant)>>,
    closed: usize,
}

/// The message number in an event, found without parsing the whole frame
/// (the tool shares the cores with the server).
fn number(frame: &[u8]) -> Option<usize> {
    const TAG: &[u8] = b"bench-msg-";
    let at = frame.windows(TAG.len()).position(|w| w == TAG)? + TAG.len();
    let digits: Vec<u8> = frame[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// One member's socket; records message arrivals until the socket ends.
async fn member(
    http: awc::Client,
    base: String,
    token: String,
    idx: usize,
    seen: Rc<RefCell<Seen>>,
    ready: Rc<RefCell<usize>>,
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
        json!({"type": "hello", "v": 1, "topics": ["chat"]})
            .to_string()
            .into(),
    ))
    .await
    .map_err(|e| format!("hello: {e}"))?;
    while let Some(frame) = rx.next().await {
        match frame {
            Ok(Frame::Text(bytes)) => {
                let at = Instant::now();
                if bytes.starts_with(b"{\"type\":\"hello\"") {
                    *ready.borrow_mut() += 1;
                    continue;
                }
                if let Some(n) = number(&bytes) {
                    seen.borrow_mut()
                        .arrivals
                        .entry(n)
                        .or_default()
                        .push((idx, at));
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

fn summary(v: &[f64]) -> String {
    format!(
        "{:.1} / {:.1} / {:.1} / {:.1} ms",
        pct(v, 0.5),
        pct(v, 0.9),
        pct(v, 0.99),
        v.last().copied().unwrap_or(f64::NAN)
    )
}

async fn run(cfg: &Config, server: &Server) -> Res<(Vec<[String; 3]>, Value)> {
    let base = server.url.trim_end_matches('/').to_string();
    let http = http_client(64);
    let (owner, _) = login(&http, &base, "owner@demo.test").await?;
    let (_, stores) = support::get_json(&http, &format!("{base}/api/v1/stores"), &owner).await?;
    let store = stores["items"][0]["id"]
        .as_str()
        .ok_or("no store")?
        .to_string();

    // Colleagues, created and signed in eight at a time.
    let t0 = Instant::now();
    let made: Vec<Res<(String, String)>> = futures_util::stream::iter(0..cfg.members)
        .map(|i| {
            let (http, base, owner, store) = (&http, &base, &owner, &store);
            async move {
                let email = format!("bench-chat-{i}@demo.test");
                let (st, v) = post_json(
                    http,
                    &format!("{base}/api/v1/users"),
                    Some(owner),
                    &json!({"name": format!("Bench Colleague {i}"), "email": email,
                            "role": "sales_rep", "store_ids": [store], "password": PASSWORD}),
                )
                .await?;
                if st != 201 {
                    return Err(format!("create {email}: HTTP {st}: {v}"));
                }
                login(http, base, &email).await
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let people: Vec<(String, String)> = made.into_iter().collect::<Res<_>>()?;
    eprintln!(
        "{} colleagues ready in {:.1} s",
        people.len(),
        t0.elapsed().as_secs_f64()
    );
    let ids: Vec<&str> = people.iter().map(|(_, id)| id.as_str()).collect();
    let (st, ch) = post_json(
        &http,
        &format!("{base}/api/v1/chat/channels"),
        Some(&owner),
        &json!({"name": "Bench floor", "private": true, "member_ids": ids}),
    )
    .await?;
    if st != 201 {
        return Err(format!("channel: HTTP {st}: {ch}"));
    }
    let channel = ch["id"].as_str().unwrap_or_default().to_string();

    let seen = Rc::new(RefCell::new(Seen::default()));
    let ready = Rc::new(RefCell::new(0usize));
    for (idx, (token, _)) in people.iter().enumerate() {
        let fut = member(
            http.clone(),
            base.clone(),
            token.clone(),
            idx,
            seen.clone(),
            ready.clone(),
        );
        actix_web::rt::spawn(async move {
            if let Err(e) = fut.await {
                eprintln!("socket {idx}: {e}");
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    while *ready.borrow() < people.len() {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {} sockets said hello",
                ready.borrow(),
                people.len()
            ));
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("{} member sockets open", people.len());

    // The measured run: messages at `rate` per second, open loop; senders take turns.
    let total = cfg.rate * cfg.secs;
    let sent: Rc<RefCell<HashMap<usize, (Instant, u16)>>> = Rc::default();
    let start = Instant::now() + Duration::from_millis(300);
    let gap = Duration::from_secs_f64(1.0 / cfg.rate as f64);
    let mut handles = Vec::with_capacity(total);
    for i in 0..total {
        let at = start + gap * i as u32;
        let token = people[i % people.len()].0.clone();
        let (http, url, sent) = (
            http.clone(),
            format!("{base}/api/v1/chat/channels/{channel}/messages"),
            sent.clone(),
        );
        handles.push(actix_web::rt::spawn(async move {
            actix_web::rt::time::sleep_until(at.into()).await;
            let t_send = Instant::now();
            let r = post_json(
                &http,
                &url,
                Some(&token),
                &json!({"body": format!("Stock check bench-msg-{i} done")}),
            )
            .await;
            let status = r.map(|(s, _)| s).unwrap_or(0);
            sent.borrow_mut().insert(i, (t_send, status));
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let wall = start.elapsed().as_secs_f64();
    actix_web::rt::time::sleep(Duration::from_secs(2)).await;

    let sent = sent.borrow();
    let seen = seen.borrow();
    let ok = sent.values().filter(|(_, s)| *s == 201).count();
    let rejected: HashMap<u16, usize> =
        sent.values()
            .filter(|(_, s)| *s != 201)
            .fold(HashMap::new(), |mut m, (_, s)| {
                *m.entry(*s).or_default() += 1;
                m
            });
    let mut each = Vec::new();
    let mut all = Vec::new();
    let (mut missing, mut twice) = (0usize, 0usize);
    for (n, (t_send, status)) in sent.iter() {
        if *status != 201 {
            continue;
        }
        let got = seen.arrivals.get(n).map(Vec::as_slice).unwrap_or(&[]);
        let mut members: Vec<usize> = got.iter().map(|(m, _)| *m).collect();
        members.sort_unstable();
        let before = members.len();
        members.dedup();
        twice += before - members.len();
        missing += people.len() - members.len();
        for (_, at) in got {
            each.push(at.saturating_duration_since(*t_send).as_secs_f64() * 1e3);
        }
        if members.len() == people.len()
            && let Some(last) = got.iter().map(|(_, at)| *at).max()
        {
            all.push(last.saturating_duration_since(*t_send).as_secs_f64() * 1e3);
        }
    }
    each.sort_by(f64::total_cmp);
    all.sort_by(f64::total_cmp);
    let p99_all = pct(&all, 0.99);
    let pass = p99_all < 30.0 && missing == 0 && twice == 0 && ok == total;
    let rows = vec![
        [
            "channel members with a socket".into(),
            people.len().to_string(),
            "50".into(),
        ],
        [
            "messages sent / created".into(),
            format!(
                "{} / {ok} in {wall:.1} s ({:.1}/s){}",
                sent.len(),
                ok as f64 / wall,
                if rejected.is_empty() {
                    String::new()
                } else {
                    format!(", refused {rejected:?}")
                }
            ),
            format!("{}/s", cfg.rate),
        ],
        [
            "sent → delivered to all members p50/p90/p99/max".into(),
            summary(&all),
            format!("p99 < 30 ms: {}", if pass { "PASS" } else { "FAIL" }),
        ],
        [
            "sent → each delivery p50/p90/p99/max".into(),
            summary(&each),
            "—".into(),
        ],
        [
            "deliveries / missing / twice".into(),
            format!("{} / {missing} / {twice}", each.len()),
            format!("{} / 0 / 0", ok * people.len()),
        ],
    ];
    let json = json!({
        "members": people.len(),
        "rate": cfg.rate,
        "secs": cfg.secs,
        "sent": sent.len(),
        "created": ok,
        "refused": rejected.iter().map(|(k, v)| (k.to_string(), *v)).collect::<HashMap<_, _>>(),
        "achieved_per_s": round(ok as f64 / wall, 1),
        "to_all_members_ms": {
            "p50": round(pct(&all, 0.5), 2), "p90": round(pct(&all, 0.9), 2),
            "p99": round(p99_all, 2), "max": round(all.last().copied().unwrap_or(0.0), 2)
        },
        "each_delivery_ms": {
            "p50": round(pct(&each, 0.5), 2), "p99": round(pct(&each, 0.99), 2)
        },
        "deliveries": each.len(),
        "missing": missing,
        "delivered_twice": twice,
        "sockets_closed": seen.closed,
        "loadavg": std::fs::read_to_string("/proc/loadavg").unwrap_or_default().trim(),
    });
    Ok((rows, json))
}

fn main() {
    support::bench_main(Config::parse(), |c| c.server.as_path(), run);
}
