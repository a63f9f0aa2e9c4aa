//! # `ws_load`: load test of Karat's WebSocket gateway
//!
//! Starts its own server (`target/release/karat serve --demo` on a fresh data
//! directory and a free port), logs in as the demo users, opens real
//! WebSocket clients (ticket → upgrade → `hello`, answering pings) and
//! measures:
//!
//! | scenario | what | target |
//! |---|---|---|
//! | `idle` | N idle clients held (default 10,000); server RSS before/after; KiB per connection | ≤ 16 KiB per connection at 10k idle |
//! | `latency` | M clients (default 2,000) while the owner renames users at R events/s (default 500) for T s (default 10) through `PATCH /api/v1/users/{id}` (audience: that user's stores, so only some clients get each); commit→client latency p50/p90/p99/max, deliveries vs expected | p99 ≤ 25 ms at 500 events/s with 2,000 clients |
//! | `broadcast` | N clients (default 10,000); one tenant-wide `PATCH /api/v1/stores/{id}` → time until all N have it (p50/p99/max/total), repeated a few rounds | ≤ 500 ms to reach all 10,000 |
//! | CPU | server (karat process) utime+stime over `latency` and `broadcast` divided by the messages delivered, gross and net of the mutations' own cost (measured first with no client connected, from per-thread schedstat) | ≤ 10 µs CPU per delivery |
//!
//! "Commit" is the moment the PATCH response arrived at this tool; latency is
//! receive time minus that instant (the name written, `ld<run>x<event>`, is
//! matched in the received `payload`). A delivery that arrives before the
//! response is counted as `early` and as 0 µs; the latency from the PATCH
//! being *sent* is reported too, as an upper bound. Close frames from the
//! server (4000 = too slow, …) are failures and are counted by code; so are
//! `seq` going backwards and `error` messages. Every run also keeps a few
//! clients of the second demo tenant (`owner@other.test`) open: an event
//! naming the demo tenant or one of its users reaching them is a leak.
//!
//! The mutations go out at R/s over `--http-conns` keep-alive connections
//! (closed loop: when the server answers slowly the achieved rate, which is
//! reported, falls below R). Clients are spread round robin over the users of
//! the mix. The target is *targeted* events, so by default the tool first
//! creates 50 showrooms with one sales rep each through the API
//! (`--extra-stores 50`), adds the reps to the demo users of `--mix` and
//! renames the reps: each event reaches its rep's clients and the owner's,
//! about 72 of 2,000. `--extra-stores 0` renames demo users instead; the owner
//! gets every event and marketing both showrooms, so a rename reaches
//! 1,000–1,667 of the 2,000 clients (~720k deliveries/s at 500/s): a
//! broadcast in all but name, which shows where fan-out saturates the cores.
//!
//! The server's stdout/stderr go to `server.log` in the run directory (printed
//! at the end; kept, while the database files are deleted unless `--keep-data`).
//!
//! Run (build the server first: `cargo build --release --locked`):
//!
//! ```sh
//! cargo bench --bench ws_load                 # all scenarios, default sizes
//! cargo bench --bench ws_load -- --quick      # small smoke run
//! cargo bench --bench ws_load -- --scenarios latency --extra-stores 0
//! cargo bench --bench ws_load -- --scenarios latency --rate 200 --secs 5
//! cargo bench --bench ws_load -- --help
//! ```
//!
//! Everything runs on this machine: the tool, the server and its PostgreSQL
//! share the CPU cores (the load average is printed), so latencies are an
//! upper bound. The results end with a table and one `JSON:` line. The
//! default run takes about 2–3 minutes on 2 cores.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime};

use actix_codec::Framed;
use awc::BoxedSocket;
use awc::ws::{CloseCode, Codec, Frame, Message};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc, oneshot};

#[path = "support/mod.rs"]
mod support;
use support::{Res, Server, http_client, post_json, round};

type Ws = Framed<BoxedSocket, Codec>;

const PASSWORD: &str = "karat-demo-2026";
const DEMO_EMAILS: [&str; 6] = [
    "owner@demo.test",
    "manager@demo.test",
    "sales@demo.test",
    "telecaller@demo.test",
    "marketing@demo.test",
    "manager2@demo.test",
];
const OTHER_EMAIL: &str = "owner@other.test";
const HELLO: &str = r#"{"type":"hello","v":1}"#;
/// Client indexes at and above this are the other tenant's canaries.
const CANARY_BASE: usize = 1 << 40;

const USAGE: &str = "\
usage: cargo bench --bench ws_load -- [options]

  --scenarios LIST        idle,broadcast,latency (default: all three, in that order)
  --quick                 small sizes: idle 1000, broadcast 1000, latency 300 clients @ 100/s for 5 s
  --idle-clients N        idle scenario clients (default 10000)
  --idle-hold S           seconds to hold them (default 20; the server pings every 15 s)
  --broadcast-clients N   broadcast scenario clients (default 10000)
  --broadcast-rounds K    tenant-wide changes, one after the other (default 3)
  --latency-clients M     latency scenario clients (default 2000)
  --rate R                events per second (default 500)
  --secs T                seconds of events (default 10)
  --http-conns K          concurrent HTTP connections for the mutations (default 16)
  --mix LIST              demo users carrying the clients, round robin
                          (default owner,manager,sales,telecaller,marketing,manager2)
  --targets LIST          users renamed in the latency scenario with --extra-stores 0
                          (default sales,manager2,telecaller)
  --extra-stores S        create S more stores with one sales rep each (through the API),
                          add those reps to the mix and rename them instead (default 50;
                          0 renames --targets, demo users most clients can see)
  --canaries N            clients of the other tenant, must receive nothing (default 10)
  --calibrate N           mutations with no client connected, to net out their CPU (default 1000)
  --open-concurrency N    sockets being opened at once (default 200)
  --client-threads N      client event loops (default 2)
  --server PATH           server binary (default target/release/karat)
  --keep-data             keep the server's data directory
";

// ---------------------------------------------------------------- config

#[derive(Clone, Debug)]
struct Config {
    scenarios: Vec<String>,
    idle_clients: usize,
    idle_hold: u64,
    broadcast_clients: usize,
    broadcast_rounds: usize,
    latency_clients: usize,
    rate: f64,
    secs: f64,
    http_conns: usize,
    mix: Vec<String>,
    targets: Vec<String>,
    extra_stores: usize,
    canaries: usize,
    calibrate: usize,
    open_concurrency: usize,
    client_threads: usize,
    server: PathBuf,
    keep_data: bool,
}

impl Config {
    fn parse() -> Res<Config> {
        let mut c = Config {
            scenarios: vec!["idle".into(), "broadcast".into(), "latency".into()],
            idle_clients: 10_000,
            idle_hold: 20,
            broadcast_clients: 10_000,
            broadcast_rounds: 3,
            latency_clients: 2_000,
            rate: 500.0,
            secs: 10.0,
            http_conns: 16,
            mix: [
                "owner",
                "manager",
                "sales",
                "telecaller",
                "marketing",
                "manager2",
            ]
            .map(String::from)
            .to_vec(),
            targets: ["sales", "manager2", "telecaller"]
                .map(String::from)
                .to_vec(),
            extra_stores: 50,
            canaries: 10,
            calibrate: 1000,
            open_concurrency: 200,
            client_threads: 2,
            server: support::default_server(),
            keep_data: false,
        };
        let mut args: Vec<String> = std::env::args().skip(1).collect();
        // `cargo bench` appends `--bench`.
        args.retain(|a| a != "--bench");
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let mut value = || -> Res<String> {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            fn num<T: std::str::FromStr>(name: &str, v: String) -> Res<T> {
                v.parse().map_err(|_| format!("{name}: not a number: {v}"))
            }
            fn list(v: String) -> Vec<String> {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            match name.as_str() {
                "-h" | "--help" => {
                    print!("{USAGE}");
                    std::process::exit(0);
                }
                "--quick" => {
                    c.idle_clients = 1_000;
                    c.idle_hold = 5;
                    c.broadcast_clients = 1_000;
                    c.latency_clients = 300;
                    c.rate = 100.0;
                    c.secs = 5.0;
                    c.calibrate = 100;
                }
                "--scenarios" => c.scenarios = list(value()?),
                "--idle-clients" => c.idle_clients = num(&name, value()?)?,
                "--idle-hold" => c.idle_hold = num(&name, value()?)?,
                "--broadcast-clients" => c.broadcast_clients = num(&name, value()?)?,
                "--broadcast-rounds" => c.broadcast_rounds = num(&name, value()?)?,
                "--latency-clients" => c.latency_clients = num(&name, value()?)?,
                "--rate" => c.rate = num(&name, value()?)?,
                "--secs" => c.secs = num(&name, value()?)?,
                "--http-conns" => c.http_conns = num(&name, value()?)?,
                "--mix" => c.mix = list(value()?),
                "--targets" => c.targets = list(value()?),
                "--extra-stores" => c.extra_stores = num(&name, value()?)?,
                "--canaries" => c.canaries = num(&name, value()?)?,
                "--calibrate" => c.calibrate = num(&name, value()?)?,
                "--open-concurrency" => c.open_concurrency = num(&name, value()?)?,
                "--client-threads" => c.client_threads = num(&name, value()?)?,
                "--server" => c.server = PathBuf::from(value()?),
                "--keep-data" => c.keep_data = true,
                other => return Err(format!("unknown option {other}")),
            }
        }
        for s in &c.scenarios {
            if !["idle", "broadcast", "latency"].contains(&s.as_str()) {
                return Err(format!("unknown scenario {s}"));
            }
        }
        if c.rate <= 0.0 || c.secs <= 0.0 {
            return Err("--rate and --secs must be positive".into());
        }
        c.client_threads = c.client_threads.max(1);
        c.http_conns = c.http_conns.max(1);
        c.open_concurrency = c.open_concurrency.max(1);
        if c.mix.is_empty() {
            return Err("--mix is empty".into());
        }
        Ok(c)
    }

    fn has(&self, s: &str) -> bool {
        self.scenarios.iter().any(|x| x == s)
    }

    fn params(&self) -> Value {
        json!({
            "scenarios": self.scenarios,
            "idle_clients": self.idle_clients,
            "idle_hold_s": self.idle_hold,
            "broadcast_clients": self.broadcast_clients,
            "broadcast_rounds": self.broadcast_rounds,
            "latency_clients": self.latency_clients,
            "rate_per_s": self.rate,
            "secs": self.secs,
            "http_conns": self.http_conns,
            "mix": if self.extra_stores > 0 {
                json!(format!("{} + {} extra sales reps", self.mix.join(","), self.extra_stores))
            } else {
                json!(self.mix)
            },
            "targets": if self.extra_stores > 0 {
                json!(format!("the {} extra sales reps", self.extra_stores))
            } else {
                json!(self.targets)
            },
            "extra_stores": self.extra_stores,
            "canaries": self.canaries,
            "calibrate": self.calibrate,
            "open_concurrency": self.open_concurrency,
            "client_threads": self.client_threads,
        })
    }
}

// ---------------------------------------------------------------- process helpers

fn raise_nofile() -> (u64, u64) {
    // SAFETY: plain libc calls on a local struct.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut r);
        let want: libc::rlim_t = 262_144;
        let up = libc::rlimit {
            rlim_cur: want.max(r.rlim_cur),
            rlim_max: want.max(r.rlim_max),
        };
        if libc::setrlimit(libc::RLIMIT_NOFILE, &up) != 0 {
            let soft = libc::rlimit {
                rlim_cur: r.rlim_max,
                rlim_max: r.rlim_max,
            };
            libc::setrlimit(libc::RLIMIT_NOFILE, &soft);
        }
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut r);
        (r.rlim_cur, r.rlim_max)
    }
}

fn clk_tck() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}

/// (ppid, utime+stime in ticks) of a process.
fn proc_stat(pid: i32) -> Option<(i32, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ppid = f.get(1)?.parse().ok()?;
    let ut: u64 = f.get(11)?.parse().ok()?;
    let st: u64 = f.get(12)?.parse().ok()?;
    Some((ppid, ut + st))
}

/// CPU ns of each live thread of a process (/proc/<pid>/task/*/schedstat).
/// Compare two snapshots per thread: a thread that exits takes its total with it.
fn sched_threads(pid: i32) -> HashMap<String, u64> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return HashMap::new();
    };
    dir.flatten()
        .filter_map(|e| {
            let ns = std::fs::read_to_string(e.path().join("schedstat"))
                .ok()?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()?;
            Some((e.file_name().to_string_lossy().to_string(), ns))
        })
        .collect()
}

/// µs of CPU the threads alive at `b` used since `a`.
fn sched_diff_us(a: &HashMap<String, u64>, b: &HashMap<String, u64>) -> u64 {
    b.iter()
        .map(|(tid, ns)| ns.saturating_sub(a.get(tid).copied().unwrap_or(0)))
        .sum::<u64>()
        / 1000
}

fn cpu_us(pid: i32) -> u64 {
    proc_stat(pid).map_or(0, |(_, t)| t * 1_000_000 / clk_tck())
}

/// CPU µs of the embedded PostgreSQL: the postmaster (its command line names
/// our data dir) and all its descendants.
fn pg_cpu_us(data_dir: &Path) -> u64 {
    let needle = data_dir.to_string_lossy().to_string();
    let mut procs: Vec<(i32, i32, u64)> = Vec::new();
    let mut roots: Vec<i32> = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Some((ppid, t)) = proc_stat(pid) else {
            continue;
        };
        procs.push((pid, ppid, t));
        if let Ok(cmd) = std::fs::read(format!("/proc/{pid}/cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd);
            if cmd.contains("postgres") && cmd.contains(&needle) {
                roots.push(pid);
            }
        }
    }
    let mut set: std::collections::HashSet<i32> = roots.into_iter().collect();
    loop {
        let before = set.len();
        for (pid, ppid, _) in &procs {
            if set.contains(ppid) {
                set.insert(*pid);
            }
        }
        if set.len() == before {
            break;
        }
    }
    let ticks: u64 = procs
        .iter()
        .filter(|(p, _, _)| set.contains(p))
        .map(|(_, _, t)| t)
        .sum();
    ticks * 1_000_000 / clk_tck()
}

fn rss_kib(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn self_cpu_us() -> u64 {
    // SAFETY: getrusage fills a zeroed struct.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
        tv(u.ru_utime) + tv(u.ru_stime)
    }
}

// ---------------------------------------------------------------- shared state

#[derive(Clone, Debug)]
struct Login {
    label: String,
    email: String,
    id: String,
    role: String,
    stores: Vec<String>,
    tenant: String,
}

enum Aud {
    Tenant,
    Stores(Vec<String>),
}

/// State shared by the client threads and the controller.
struct Shared {
    t0: Instant,
    /// Per event id: the commit instant (ns since `t0`) + 1; 0 = not committed.
    commits: Vec<AtomicU64>,
    /// Per event id: when its PATCH was sent (ns since `t0`).
    sends: Vec<AtomicU64>,
    events_total: AtomicU64,
    /// Events carrying one of our names (the measured deliveries).
    matched_total: AtomicU64,
    live: AtomicI64,
    tokens: RwLock<Vec<String>>,
    /// Per user: whether it belongs to the measured (demo) tenant.
    demo_user: Vec<bool>,
    /// `"name":"ld<run>x` — what precedes an event id in a payload.
    marker: Vec<u8>,
    /// The measured tenant's id and its users' ids.
    leak_needles: Vec<Vec<u8>>,
    run: String,
    base: String,
    ws_base: String,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        self.t0.elapsed().as_nanos() as u64
    }

    /// When the PATCH of an event was sent (ns since `t0`).
    fn send_of(&self, ev: u32) -> u64 {
        self.sends
            .get(ev as usize)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Commit instant of an event (ns since `t0` + 1), 0 if it did not commit.
    fn commit_of(&self, ev: u32) -> u64 {
        self.commits
            .get(ev as usize)
            .map_or(0, |c| c.load(Ordering::Relaxed))
    }
}

/// One matched delivery.
#[derive(Clone, Copy)]
struct Rec {
    ev: u32,
    user: u16,
    at_ns: u64,
}

#[derive(Default, Clone, Debug)]
struct Stats {
    events: u64,
    matched: u64,
    other_text: u64,
    error_msgs: u64,
    pings: u64,
    /// By close code (0: a close frame without a code).
    server_closes: BTreeMap<u16, u64>,
    ended_without_close: u64,
    protocol_errors: u64,
    send_errors: u64,
    seq_violations: u64,
    /// Events received by the other tenant's clients (its own events are fine).
    canary_events: u64,
    /// Of those, events naming the measured tenant or its users.
    leaks: u64,
    /// Events that were not ours (presence, …), by kind.
    other_kinds: BTreeMap<String, u64>,
    samples: Vec<String>,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.events += o.events;
        self.matched += o.matched;
        self.other_text += o.other_text;
        self.error_msgs += o.error_msgs;
        self.pings += o.pings;
        for (k, v) in &o.server_closes {
            *self.server_closes.entry(*k).or_default() += v;
        }
        self.ended_without_close += o.ended_without_close;
        self.protocol_errors += o.protocol_errors;
        self.send_errors += o.send_errors;
        self.seq_violations += o.seq_violations;
        self.canary_events += o.canary_events;
        self.leaks += o.leaks;
        for (k, v) in &o.other_kinds {
            *self.other_kinds.entry(k.clone()).or_default() += v;
        }
        for s in &o.samples {
            if self.samples.len() < 10 {
                self.samples.push(s.clone());
            }
        }
    }

    fn sample(&mut self, s: String) {
        if self.samples.len() < 10 {
            self.samples.push(s);
        }
    }

    fn closes(&self) -> u64 {
        self.server_closes.values().sum::<u64>() + self.ended_without_close + self.protocol_errors
    }

    fn json(&self) -> Value {
        json!({
            "events_received": self.events,
            "matched": self.matched,
            "other_text": self.other_text,
            "error_messages": self.error_msgs,
            "pings_answered": self.pings,
            "server_closes_by_code": self.server_closes.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
            "ended_without_close": self.ended_without_close,
            "protocol_errors": self.protocol_errors,
            "send_errors": self.send_errors,
            "seq_violations": self.seq_violations,
            "canary_events": self.canary_events,
            "leaks": self.leaks,
            "other_events_by_kind": self.other_kinds,
            "samples": self.samples,
        })
    }
}

// ---------------------------------------------------------------- client threads

#[derive(Default)]
struct OpenReport {
    opened: usize,
    failed: usize,
    retries: usize,
    errors: BTreeMap<String, u64>,
}

enum Cmd {
    Open {
        specs: Vec<(usize, u16)>,
        conc: usize,
        reply: oneshot::Sender<OpenReport>,
    },
    Close {
        idxs: Vec<usize>,
        reply: oneshot::Sender<()>,
    },
    Live {
        reply: oneshot::Sender<Vec<(usize, u16)>>,
    },
    Take {
        reply: oneshot::Sender<(Vec<Rec>, Stats)>,
    },
}

struct Worker {
    sh: Arc<Shared>,
    http: awc::Client,
    wsc: awc::Client,
    socks: RefCell<HashMap<usize, (u16, Rc<Notify>)>>,
    rec: RefCell<Vec<Rec>>,
    stats: RefCell<Stats>,
}

fn spawn_worker(
    sh: Arc<Shared>,
    http_limit: usize,
) -> (mpsc::UnboundedSender<Cmd>, std::thread::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Cmd>();
    let h = std::thread::Builder::new()
        .name("ws-client".into())
        .spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let w = Rc::new(Worker {
                    sh,
                    http: awc::Client::builder()
                        .connector(awc::Connector::new().limit(http_limit))
                        .timeout(Duration::from_secs(60))
                        .finish(),
                    wsc: awc::Client::builder()
                        .connector(awc::Connector::new().limit(0))
                        .timeout(Duration::from_secs(60))
                        .finish(),
                    socks: RefCell::new(HashMap::new()),
                    rec: RefCell::new(Vec::new()),
                    stats: RefCell::new(Stats::default()),
                });
                while let Some(cmd) = rx.recv().await {
                    match cmd {
                        Cmd::Open { specs, conc, reply } => {
                            let report = Rc::new(RefCell::new(OpenReport::default()));
                            futures_util::stream::iter(specs)
                                .for_each_concurrent(conc, |(idx, user)| {
                                    let w = w.clone();
                                    let report = report.clone();
                                    async move {
                                        for attempt in 0..3 {
                                            match open_one(&w, idx, user).await {
                                                Ok(()) => {
                                                    let mut r = report.borrow_mut();
                                                    r.opened += 1;
                                                    r.retries += attempt;
                                                    return;
                                                }
                                                Err(e) => {
                                                    *report
                                                        .borrow_mut()
                                                        .errors
                                                        .entry(e)
                                                        .or_default() += 1;
                                                    tokio::time::sleep(Duration::from_millis(
                                                        200 * (attempt as u64 + 1),
                                                    ))
                                                    .await;
                                                }
                                            }
                                        }
                                        report.borrow_mut().failed += 1;
                                    }
                                })
                                .await;
                            let r = std::mem::take(&mut *report.borrow_mut());
                            let _ = reply.send(r);
                        }
                        Cmd::Close { idxs, reply } => {
                            let socks = w.socks.borrow();
                            for i in idxs {
                                if let Some((_, n)) = socks.get(&i) {
                                    n.notify_one();
                                }
                            }
                            let _ = reply.send(());
                        }
                        Cmd::Live { reply } => {
                            let v = w
                                .socks
                                .borrow()
                                .iter()
                                .map(|(i, (u, _))| (*i, *u))
                                .collect();
                            let _ = reply.send(v);
                        }
                        Cmd::Take { reply } => {
                            let recs = std::mem::take(&mut *w.rec.borrow_mut());
                            let stats = std::mem::take(&mut *w.stats.borrow_mut());
                            let _ = reply.send((recs, stats));
                        }
                    }
                }
                // Shut down: close what is left.
                let left: Vec<Rc<Notify>> =
                    w.socks.borrow().values().map(|(_, n)| n.clone()).collect();
                for n in left {
                    n.notify_one();
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            });
        })
        .expect("spawn client thread");
    (tx, h)
}

fn short(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.chars().take(160).collect()
}

async fn open_one(w: &Rc<Worker>, idx: usize, user: u16) -> Res<()> {
    let token = w.sh.tokens.read().expect("tokens")[user as usize].clone();
    let mut r = w
        .http
        .post(format!("{}/api/v1/realtime/ticket", w.sh.base))
        .bearer_auth(&token)
        .send()
        .await
        .map_err(|e| format!("ticket request: {e}"))?;
    if !r.status().is_success() {
        let b = r.body().await.unwrap_or_default();
        return Err(format!(
            "ticket HTTP {}: {}",
            r.status().as_u16(),
            short(&b)
        ));
    }
    let v: Value = r.json().await.map_err(|e| format!("ticket body: {e}"))?;
    let ticket = v["ticket"]
        .as_str()
        .ok_or("ticket missing in response")?
        .to_string();
    let (_, mut ws) = w
        .wsc
        .ws(format!("{}/api/v1/realtime?ticket={ticket}", w.sh.ws_base))
        .connect()
        .await
        .map_err(|e| match e {
            awc::error::WsClientError::InvalidResponseStatus(s) => {
                format!("upgrade HTTP {}", s.as_u16())
            }
            e => format!("upgrade: {e}"),
        })?;
    ws.send(Message::Text(HELLO.into()))
        .await
        .map_err(|e| format!("send hello: {e}"))?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    let last_seq = loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Err(_) => return Err("no server hello within 15 s".into()),
            Ok(None) => return Err("socket ended before hello".into()),
            Ok(Some(Err(e))) => return Err(format!("protocol error before hello: {e}")),
            Ok(Some(Ok(Frame::Ping(b)))) => {
                let _ = ws.send(Message::Pong(b)).await;
            }
            Ok(Some(Ok(Frame::Close(r)))) => {
                return Err(format!(
                    "closed before hello: {:?}",
                    r.map(|r| (u16::from(r.code), r.description))
                ));
            }
            Ok(Some(Ok(Frame::Text(t)))) => {
                if t.starts_with(br#"{"type":"hello""#) {
                    break num_after(&t, br#""last_seq":"#).unwrap_or(0) as i64;
                }
                let mut s = w.stats.borrow_mut();
                s.other_text += 1;
                s.sample(format!("before hello: {}", short(&t)));
            }
            Ok(Some(Ok(_))) => {}
        }
    };
    let notify = Rc::new(Notify::new());
    w.socks.borrow_mut().insert(idx, (user, notify.clone()));
    w.sh.live.fetch_add(1, Ordering::Relaxed);
    actix_web::rt::spawn(run_socket(w.clone(), idx, user, ws, notify, last_seq));
    Ok(())
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    h.windows(n.len()).position(|w| w == n)
}

fn text_after<'a>(h: &'a [u8], key: &[u8]) -> Option<&'a str> {
    let at = find(h, key)? + key.len();
    let len = h[at..].iter().take_while(|c| **c != b'"').count();
    std::str::from_utf8(&h[at..at + len]).ok()
}

fn num_after(h: &[u8], key: &[u8]) -> Option<u64> {
    let at = find(h, key)? + key.len();
    let digits = h[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    std::str::from_utf8(&h[at..at + digits]).ok()?.parse().ok()
}

async fn run_socket(
    w: Rc<Worker>,
    idx: usize,
    user: u16,
    mut ws: Ws,
    stop: Rc<Notify>,
    mut last_seq: i64,
) {
    let canary = !w.sh.demo_user[user as usize];
    loop {
        tokio::select! {
            biased;
            _ = stop.notified() => {
                let _ = ws.send(Message::Close(Some(CloseCode::Normal.into()))).await;
                break;
            }
            f = ws.next() => match f {
                Some(Ok(Frame::Text(t))) => on_text(&w, user, canary, &t, &mut last_seq),
                Some(Ok(Frame::Ping(b))) => {
                    w.stats.borrow_mut().pings += 1;
                    if let Err(e) = ws.send(Message::Pong(b)).await {
                        let mut s = w.stats.borrow_mut();
                        s.send_errors += 1;
                        s.sample(format!("pong failed: {e}"));
                        break;
                    }
                }
                Some(Ok(Frame::Close(r))) => {
                    let mut s = w.stats.borrow_mut();
                    let code = r.as_ref().map_or(0, |r| u16::from(r.code));
                    *s.server_closes.entry(code).or_default() += 1;
                    s.sample(format!("server closed socket of user {user}: {r:?}"));
                    break;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    let mut s = w.stats.borrow_mut();
                    s.protocol_errors += 1;
                    s.sample(format!("protocol error: {e}"));
                    break;
                }
                None => {
                    w.stats.borrow_mut().ended_without_close += 1;
                    break;
                }
            }
        }
    }
    w.socks.borrow_mut().remove(&idx);
    w.sh.live.fetch_sub(1, Ordering::Relaxed);
}

fn on_text(w: &Worker, user: u16, canary: bool, t: &[u8], last_seq: &mut i64) {
    let at_ns = w.sh.now_ns();
    if t.starts_with(br#"{"type":"event","seq":"#) {
        w.sh.events_total.fetch_add(1, Ordering::Relaxed);
        let mut s = w.stats.borrow_mut();
        s.events += 1;
        if canary {
            // The other tenant's own events (its presence, …) are fine; anything
            // naming the measured tenant or one of its users is a leak.
            s.canary_events += 1;
            if w.sh.leak_needles.iter().any(|n| find(t, n).is_some()) {
                s.leaks += 1;
                s.sample(format!("LEAK to other tenant: {}", short(t)));
            }
        }
        match num_after(t, br#""seq":"#) {
            Some(seq) if seq as i64 > *last_seq => *last_seq = seq as i64,
            _ => {
                s.seq_violations += 1;
                s.sample(format!(
                    "seq not increasing (last {last_seq}): {}",
                    short(t)
                ));
            }
        }
        if let Some(ev) = num_after(t, &w.sh.marker) {
            s.matched += 1;
            w.sh.matched_total.fetch_add(1, Ordering::Relaxed);
            w.rec.borrow_mut().push(Rec {
                ev: ev as u32,
                user,
                at_ns,
            });
        } else {
            let kind = text_after(t, br#""kind":""#).unwrap_or("?");
            *s.other_kinds.entry(kind.to_string()).or_default() += 1;
        }
    } else {
        let mut s = w.stats.borrow_mut();
        s.other_text += 1;
        if t.starts_with(br#"{"type":"error""#) {
            s.error_msgs += 1;
        }
        s.sample(format!("non-event message: {}", short(t)));
    }
}

// ---------------------------------------------------------------- statistics

#[derive(Default)]
struct Dist {
    us: Vec<u64>,
}

impl Dist {
    fn push(&mut self, us: u64) {
        self.us.push(us);
    }
    fn done(&mut self) {
        self.us.sort_unstable();
    }
    fn q(&self, q: f64) -> u64 {
        if self.us.is_empty() {
            return 0;
        }
        let i = ((q * self.us.len() as f64).ceil() as usize).clamp(1, self.us.len()) - 1;
        self.us[i]
    }
    fn max(&self) -> u64 {
        self.us.last().copied().unwrap_or(0)
    }
    fn mean(&self) -> f64 {
        if self.us.is_empty() {
            0.0
        } else {
            self.us.iter().sum::<u64>() as f64 / self.us.len() as f64
        }
    }
    fn json_ms(&self) -> Value {
        json!({
            "n": self.us.len(),
            "p50_ms": ms(self.q(0.50)),
            "p90_ms": ms(self.q(0.90)),
            "p99_ms": ms(self.q(0.99)),
            "p999_ms": ms(self.q(0.999)),
            "max_ms": ms(self.max()),
            "mean_ms": round(self.mean() / 1000.0, 3),
        })
    }
}

fn ms(us: u64) -> f64 {
    round(us as f64 / 1000.0, 3)
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

// ---------------------------------------------------------------- the controller

#[derive(Default)]
struct PaceReport {
    sent: usize,
    ok: usize,
    errors: BTreeMap<String, u64>,
    resp: Dist,
    max_lag_us: u64,
    elapsed: Duration,
}

impl PaceReport {
    fn json(&mut self) -> Value {
        self.resp.done();
        json!({
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "achieved_per_s": round(self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9), 1),
            "elapsed_s": round(self.elapsed.as_secs_f64(), 3),
            "http_response": self.resp.json_ms(),
            "max_schedule_lag_ms": ms(self.max_lag_us),
        })
    }
}

#[derive(Default)]
struct Lat {
    /// Receive time − PATCH response arrival (the commit), µs.
    commit: Dist,
    /// Receive time − PATCH sent, µs (an upper bound).
    send: Dist,
    early: u64,
    leaks: u64,
    orphans: u64,
}

struct Cpu {
    server_us: u64,
    /// Per-thread CPU ns from schedstat (finer than clock ticks).
    server_sched: HashMap<String, u64>,
    pg_us: u64,
    client_us: u64,
    at: Instant,
}

struct Ctl {
    cfg: Config,
    sh: Arc<Shared>,
    users: Vec<Login>,
    mix: Vec<u16>,
    targets: Vec<u16>,
    owner: u16,
    other: Option<u16>,
    store_ids: BTreeMap<String, String>,
    workers: Vec<mpsc::UnboundedSender<Cmd>>,
    next_idx: usize,
    next_canary: usize,
    next_ev: u32,
    auds: Vec<Aud>,
    http: awc::Client,
    pid: i32,
    data_dir: PathBuf,
    total: Stats,
    rows: Vec<[String; 4]>,
    out: serde_json::Map<String, Value>,
    login_at: Instant,
    /// Server CPU µs per mutation with no client connected: (user patch, store patch).
    calib: Option<(f64, f64)>,
}

async fn login(
    http: &awc::Client,
    base: &str,
    email: &str,
    password: &str,
) -> Res<(Login, String)> {
    let (st, v) = post_json(
        http,
        &format!("{base}/api/v1/auth/login"),
        None,
        &json!({"email": email, "password": password}),
    )
    .await?;
    if st != 200 {
        return Err(format!("login {email}: HTTP {st}: {v}"));
    }
    let u = &v["user"];
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    Ok((
        Login {
            label: email.split('@').next().unwrap_or(email).to_string(),
            email: email.to_string(),
            id: s(&u["id"]),
            role: s(&u["role"]),
            stores: u["store_ids"]
                .as_array()
                .map(|a| a.iter().map(s).collect())
                .unwrap_or_default(),
            tenant: s(&u["tenant_id"]),
        },
        s(&v["access_token"]),
    ))
}

impl Ctl {
    fn row(&mut self, scen: &str, metric: &str, value: String, target: &str) {
        self.rows
            .push([scen.into(), metric.into(), value, target.into()]);
    }

    fn allows(&self, aud: &Aud, user: u16) -> bool {
        let u = &self.users[user as usize];
        if !self.sh.demo_user[user as usize] {
            return false;
        }
        match aud {
            Aud::Tenant => true,
            Aud::Stores(s) => u.role == "business_admin" || u.stores.iter().any(|x| s.contains(x)),
        }
    }

    fn token(&self, user: u16) -> String {
        self.sh.tokens.read().expect("tokens")[user as usize].clone()
    }

    fn cpu(&self) -> Cpu {
        Cpu {
            server_us: cpu_us(self.pid),
            server_sched: sched_threads(self.pid),
            pg_us: pg_cpu_us(&self.data_dir),
            client_us: self_cpu_us(),
            at: Instant::now(),
        }
    }

    fn cpu_json(a: &Cpu, b: &Cpu) -> Value {
        let wall = b.at.duration_since(a.at).as_secs_f64();
        json!({
            "wall_s": round(wall, 3),
            "server_cpu_s": round((b.server_us - a.server_us) as f64 / 1e6, 3),
            "server_cpu_s_schedstat": round(sched_diff_us(&a.server_sched, &b.server_sched) as f64 / 1e6, 3),
            "postgres_cpu_s": round(b.pg_us.saturating_sub(a.pg_us) as f64 / 1e6, 3),
            "client_cpu_s": round((b.client_us - a.client_us) as f64 / 1e6, 3),
        })
    }

    /// Access tokens live 15 minutes: sign in again before they run out.
    async fn refresh_tokens(&mut self) -> Res<()> {
        if self.login_at.elapsed() < Duration::from_secs(600) {
            return Ok(());
        }
        eprintln!("  (signing in again: access tokens are getting old)");
        let mut fresh = Vec::new();
        for u in &self.users {
            let pw = if u.email.starts_with("load") {
                LOAD_PASSWORD
            } else {
                PASSWORD
            };
            fresh.push(login(&self.http, &self.sh.base, &u.email, pw).await?.1);
        }
        *self.sh.tokens.write().expect("tokens") = fresh;
        self.login_at = Instant::now();
        Ok(())
    }

    async fn ask<T>(&self, make: impl Fn(oneshot::Sender<T>) -> Cmd) -> Vec<T> {
        let mut rxs = Vec::new();
        for w in &self.workers {
            let (tx, rx) = oneshot::channel();
            let _ = w.send(make(tx));
            rxs.push(rx);
        }
        let mut out = Vec::new();
        for rx in rxs {
            if let Ok(v) = rx.await {
                out.push(v);
            }
        }
        out
    }

    async fn live(&self) -> Vec<(usize, u16)> {
        self.ask(|reply| Cmd::Live { reply })
            .await
            .into_iter()
            .flatten()
            .collect()
    }

    async fn live_main(&self) -> Vec<(usize, u16)> {
        let mut v: Vec<_> = self
            .live()
            .await
            .into_iter()
            .filter(|(i, _)| *i < CANARY_BASE)
            .collect();
        v.sort_unstable();
        v
    }

    async fn take(&mut self) -> (Vec<Rec>, Stats) {
        let mut recs = Vec::new();
        let mut stats = Stats::default();
        for (r, s) in self.ask(|reply| Cmd::Take { reply }).await {
            recs.extend(r);
            stats.add(&s);
        }
        self.total.add(&stats);
        (recs, stats)
    }

    async fn open(&mut self, specs: Vec<(usize, u16)>) -> Value {
        let n = specs.len();
        let w = self.workers.len();
        let conc = (self.cfg.open_concurrency / w).max(1);
        let mut parts: Vec<Vec<(usize, u16)>> = vec![Vec::new(); w];
        for s in specs {
            parts[s.0 % w].push(s);
        }
        let t = Instant::now();
        let live0 = self.sh.live.load(Ordering::Relaxed);
        let mut rxs = Vec::new();
        for (i, p) in parts.into_iter().enumerate() {
            let (tx, rx) = oneshot::channel();
            let _ = self.workers[i].send(Cmd::Open {
                specs: p,
                conc,
                reply: tx,
            });
            rxs.push(rx);
        }
        let mut all = Box::pin(futures_util::future::join_all(rxs));
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        tick.tick().await;
        let reports = loop {
            tokio::select! {
                r = &mut all => break r,
                _ = tick.tick() => {
                    let done = self.sh.live.load(Ordering::Relaxed) - live0;
                    eprintln!("  opening: {done}/{n} in {:.1} s ({:.0}/s)", t.elapsed().as_secs_f64(), done as f64 / t.elapsed().as_secs_f64());
                }
            }
        };
        let mut r = OpenReport::default();
        for x in reports.into_iter().flatten() {
            r.opened += x.opened;
            r.failed += x.failed;
            r.retries += x.retries;
            for (k, v) in x.errors {
                *r.errors.entry(k).or_default() += v;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        if n > 0 {
            eprintln!(
                "  opened {}/{} sockets in {secs:.1} s ({:.0}/s), {} failed after 3 tries, {} errors retried",
                r.opened,
                n,
                r.opened as f64 / secs,
                r.failed,
                r.errors.values().sum::<u64>()
            );
            for (k, v) in &r.errors {
                eprintln!("    {v} × {k}");
            }
        }
        json!({
            "requested": n,
            "opened": r.opened,
            "failed": r.failed,
            "attempt_errors": r.errors,
            "open_s": round(secs, 2),
            "open_per_s": round(r.opened as f64 / secs.max(1e-9), 0),
        })
    }

    /// Makes exactly `n` measured clients live (opens or closes).
    async fn ensure(&mut self, n: usize) -> Value {
        let live = self.live_main().await;
        if live.len() > n {
            let drop: Vec<usize> = live[n..].iter().map(|x| x.0).collect();
            let k = drop.len();
            let before = self.sh.live.load(Ordering::Relaxed);
            self.ask(|reply| Cmd::Close {
                idxs: drop.clone(),
                reply,
            })
            .await;
            let t = Instant::now();
            while self.sh.live.load(Ordering::Relaxed) > before - k as i64
                && t.elapsed() < Duration::from_secs(30)
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            eprintln!("  closed {k} sockets");
            return json!({"closed": k});
        }
        let specs: Vec<(usize, u16)> = (0..n - live.len())
            .map(|_| {
                let i = self.next_idx;
                self.next_idx += 1;
                (i, self.mix[i % self.mix.len()])
            })
            .collect();
        self.open(specs).await
    }

    fn alloc_ev(&mut self, aud: Aud) -> u32 {
        let ev = self.next_ev;
        self.next_ev += 1;
        if self.auds.len() <= ev as usize {
            self.auds.resize_with(ev as usize + 1, || Aud::Tenant);
        }
        self.auds[ev as usize] = aud;
        ev
    }

    /// Sends the PATCHes at `rate` per second over `conns` connections; records
    /// each commit instant (response arrival) in `Shared::commits`.
    async fn pace(&self, items: Vec<(String, u32)>, rate: f64, conns: usize) -> PaceReport {
        let http = http_client(conns);
        let items = Rc::new(items);
        let next = Rc::new(Cell::new(0usize));
        let report = Rc::new(RefCell::new(PaceReport::default()));
        let token = Rc::new(self.token(self.owner));
        let start = tokio::time::Instant::now() + Duration::from_millis(20);
        let step_ns = 1e9 / rate;
        let tasks = (0..conns.min(items.len()).max(1)).map(|_| {
            let (items, next, report, token, http, sh) = (
                items.clone(),
                next.clone(),
                report.clone(),
                token.clone(),
                http.clone(),
                self.sh.clone(),
            );
            async move {
                loop {
                    let j = next.get();
                    if j >= items.len() {
                        break;
                    }
                    next.set(j + 1);
                    let due = start + Duration::from_nanos((j as f64 * step_ns) as u64);
                    tokio::time::sleep_until(due).await;
                    let lag = tokio::time::Instant::now().duration_since(due).as_micros() as u64;
                    let (url, ev) = &items[j];
                    let name = format!("ld{}x{}", sh.run, ev);
                    let sent = Instant::now();
                    if let Some(c) = sh.sends.get(*ev as usize) {
                        c.store(sh.now_ns(), Ordering::Relaxed);
                    }
                    let res = http
                        .patch(url.as_str())
                        .bearer_auth(token.as_str())
                        .send_json(&json!({ "name": name }))
                        .await;
                    let now_ns = sh.now_ns();
                    {
                        let mut r = report.borrow_mut();
                        r.sent += 1;
                        r.max_lag_us = r.max_lag_us.max(lag);
                    }
                    match res {
                        Ok(mut resp) if resp.status().is_success() => {
                            if let Some(c) = sh.commits.get(*ev as usize) {
                                c.store(now_ns + 1, Ordering::Relaxed);
                            }
                            {
                                let mut r = report.borrow_mut();
                                r.ok += 1;
                                r.resp.push(sent.elapsed().as_micros() as u64);
                            }
                            let _ = resp.body().await;
                        }
                        Ok(mut resp) => {
                            let st = resp.status().as_u16();
                            let b = resp.body().await.unwrap_or_default();
                            *report
                                .borrow_mut()
                                .errors
                                .entry(format!("HTTP {st}: {}", short(&b)))
                                .or_default() += 1;
                        }
                        Err(e) => {
                            *report.borrow_mut().errors.entry(e.to_string()).or_default() += 1
                        }
                    }
                }
            }
        });
        futures_util::future::join_all(tasks).await;
        let mut r = std::mem::take(&mut *report.borrow_mut());
        r.elapsed = start.elapsed();
        r
    }

    /// Waits until `want` more of our events have arrived since `from` (or nothing came for `stall`).
    async fn drain(&self, from: u64, want: u64, stall: Duration, max: Duration) -> (u64, bool) {
        let t = Instant::now();
        let mut last = u64::MAX;
        let mut last_change = Instant::now();
        loop {
            let got = self.sh.matched_total.load(Ordering::Relaxed) - from;
            if got >= want {
                return (got, true);
            }
            if got != last {
                last = got;
                last_change = Instant::now();
            }
            if last_change.elapsed() > stall || t.elapsed() > max {
                return (got, false);
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Latencies of the deliveries of events `first..=last`: from the commit
    /// (PATCH response) and from the PATCH being sent.
    fn latencies(&self, recs: &[Rec], first: u32, last: u32) -> Lat {
        let mut l = Lat::default();
        for r in recs.iter().filter(|r| (first..=last).contains(&r.ev)) {
            if !self.allows(&self.auds[r.ev as usize], r.user) {
                l.leaks += 1;
            }
            let commit = self.sh.commit_of(r.ev);
            if commit == 0 {
                l.orphans += 1;
                continue;
            }
            let lat = r.at_ns as i64 - (commit - 1) as i64;
            if lat < 0 {
                l.early += 1;
            }
            l.commit.push(lat.max(0) as u64 / 1000);
            l.send
                .push(r.at_ns.saturating_sub(self.sh.send_of(r.ev)) / 1000);
        }
        l.commit.done();
        l.send.done();
        l
    }

    fn user_url(&self, u: u16) -> String {
        format!(
            "{}/api/v1/users/{}",
            self.sh.base, self.users[u as usize].id
        )
    }

    fn store_url(&self, code: &str) -> String {
        format!("{}/api/v1/stores/{}", self.sh.base, self.store_ids[code])
    }

    // ------------------------------------------------------------ scenarios

    async fn calibrate(&mut self) -> Res<()> {
        let n = self.cfg.calibrate;
        if n == 0 {
            return Ok(());
        }
        eprintln!(
            "== calibration: {n} mutations at {}/s with no client of the tenant connected",
            self.cfg.rate
        );
        let store = self.store_url("BLR-MG");
        let mut users = Vec::new();
        let mut stores = Vec::new();
        for i in 0..n {
            if i % 2 == 0 {
                let t = self.targets[(i / 2) % self.targets.len()];
                let s = self.users[t as usize].stores.clone();
                let url = self.user_url(t);
                users.push((url, self.alloc_ev(Aud::Stores(s))));
            } else {
                stores.push((store.clone(), self.alloc_ev(Aud::Tenant)));
            }
        }
        let mut per = Vec::new();
        let mut js = serde_json::Map::new();
        for (kind, items) in [("user_patch", users), ("store_patch", stores)] {
            let c0 = self.cpu();
            let mut p = self.pace(items, self.cfg.rate, self.cfg.http_conns).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            let c1 = self.cpu();
            // Per-thread schedstat: clock ticks (10 ms) are too coarse for
            // a few hundred mutations.
            let us = sched_diff_us(&c0.server_sched, &c1.server_sched) as f64 / p.ok.max(1) as f64;
            let pg = c1.pg_us.saturating_sub(c0.pg_us) as f64 / p.ok.max(1) as f64;
            eprintln!(
                "  {kind}: {} ok, server {us:.0} µs CPU each, postgres {pg:.0} µs each",
                p.ok
            );
            per.push(us);
            js.insert(
                kind.into(),
                json!({"pacer": p.json(), "server_cpu_us_each": round(us, 1), "postgres_cpu_us_each": round(pg, 1)}),
            );
            self.row(
                "calib",
                &format!("server CPU per {kind} (no clients)"),
                format!("{us:.0} µs (postgres {pg:.0} µs)"),
                "",
            );
        }
        self.calib = Some((per[0], per[1]));
        self.out.insert("calibration".into(), Value::Object(js));
        Ok(())
    }

    async fn canaries(&mut self) {
        let (Some(u), n) = (self.other, self.cfg.canaries) else {
            return;
        };
        if n == 0 {
            return;
        }
        eprintln!("== opening {n} canary clients of the other tenant ({OTHER_EMAIL})");
        let specs: Vec<(usize, u16)> = (0..n)
            .map(|_| {
                let i = CANARY_BASE + self.next_canary;
                self.next_canary += 1;
                (i, u)
            })
            .collect();
        let r = self.open(specs).await;
        self.out.insert("canaries_open".into(), r);
    }

    async fn idle(&mut self) -> Res<()> {
        let n = self.cfg.idle_clients;
        eprintln!("== idle: {n} clients, held {} s", self.cfg.idle_hold);
        self.ensure(0).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.take().await;
        let rss0 = rss_kib(self.pid);
        let open = self.ensure(n).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss1 = rss_kib(self.pid);
        let live1 = self.live_main().await.len();
        let t = Instant::now();
        let hold = Duration::from_secs(self.cfg.idle_hold);
        while t.elapsed() < hold {
            tokio::time::sleep(Duration::from_secs(5).min(hold.saturating_sub(t.elapsed()))).await;
            eprintln!(
                "  holding: {} live after {:.0} s",
                self.sh.live.load(Ordering::Relaxed),
                t.elapsed().as_secs_f64()
            );
        }
        let rss2 = rss_kib(self.pid);
        let live2 = self.live_main().await.len();
        let (_, stats) = self.take().await;
        let per = rss2.saturating_sub(rss0) as f64 / live2.max(1) as f64;
        let per1 = rss1.saturating_sub(rss0) as f64 / live1.max(1) as f64;
        self.row(
            "idle",
            "clients requested / held at end",
            format!("{n} / {live2}"),
            "",
        );
        self.row(
            "idle",
            "server RSS before / after open / after hold",
            format!("{} / {} / {}", mib(rss0), mib(rss1), mib(rss2)),
            "",
        );
        self.row(
            "idle",
            "KiB per connection (after hold)",
            format!("{per:.1} (just after open: {per1:.1})"),
            &format!("≤ 16 {}", verdict(per <= 16.0 && live2 == n)),
        );
        self.row(
            "idle",
            "server pings answered / server closes",
            format!("{} / {}", stats.pings, stats.closes()),
            "",
        );
        self.out.insert(
            "idle".into(),
            json!({
                "clients": n,
                "held": live2,
                "held_after_open": live1,
                "open": open,
                "rss_kib_before": rss0,
                "rss_kib_after_open": rss1,
                "rss_kib_after_hold": rss2,
                "kib_per_conn": round(per, 2),
                "kib_per_conn_after_open": round(per1, 2),
                "hold_s": self.cfg.idle_hold,
                "sockets": stats.json(),
            }),
        );
        Ok(())
    }

    async fn broadcast(&mut self) -> Res<()> {
        let n = self.cfg.broadcast_clients;
        eprintln!(
            "== broadcast: {n} clients, {} tenant-wide changes",
            self.cfg.broadcast_rounds
        );
        let open = self.ensure(n).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.take().await;
        let url = self.store_url("BLR-MG");
        let mut rounds = Vec::new();
        let mut total_cpu_us = 0u64;
        let mut total_sched_us = 0u64;
        let mut total_deliv = 0u64;
        let mut worst_p99 = 0u64;
        let mut worst_total = 0u64;
        let mut all_ok = true;
        let c_start = self.cpu();
        for round in 0..self.cfg.broadcast_rounds {
            let live = self.live_main().await;
            let expected = live
                .iter()
                .filter(|(_, u)| self.allows(&Aud::Tenant, *u))
                .count() as u64;
            let ev = self.alloc_ev(Aud::Tenant);
            let from = self.sh.matched_total.load(Ordering::Relaxed);
            let all_from = self.sh.events_total.load(Ordering::Relaxed);
            let c0 = self.cpu();
            let mut p = self.pace(vec![(url.clone(), ev)], 1.0, 1).await;
            let (got, complete) = self
                .drain(
                    from,
                    expected,
                    Duration::from_secs(5),
                    Duration::from_secs(60),
                )
                .await;
            let c1 = self.cpu();
            let all = self.sh.events_total.load(Ordering::Relaxed) - all_from;
            let (recs, stats) = self.take().await;
            let l = self.latencies(&recs, ev, ev);
            let d = &l.commit;
            let received = d.us.len() as u64;
            let cpu = c1.server_us - c0.server_us;
            total_cpu_us += cpu;
            total_sched_us += sched_diff_us(&c0.server_sched, &c1.server_sched);
            total_deliv += all;
            worst_p99 = worst_p99.max(d.q(0.99));
            worst_total = worst_total.max(d.max());
            let ok = complete && received == expected && p.ok == 1 && stats.closes() == 0;
            all_ok &= ok;
            eprintln!(
                "  round {}: {received}/{expected} received, p50 {:.1} ms, p99 {:.1} ms, all by {:.1} ms; PATCH took {:.1} ms; server CPU {:.1} ms",
                round + 1,
                ms(d.q(0.5)),
                ms(d.q(0.99)),
                ms(d.max()),
                ms(p.resp.max()),
                cpu as f64 / 1000.0
            );
            rounds.push(json!({
                "expected": expected,
                "received": received,
                "matched_counted": got,
                "all_events_delivered": all,
                "complete": complete,
                "early": l.early,
                "leaks": l.leaks,
                "latency": d.json_ms(),
                "latency_from_send": l.send.json_ms(),
                "all_received_ms": ms(d.max()),
                "patch": p.json(),
                "cpu": Self::cpu_json(&c0, &c1),
                "sockets": stats.json(),
            }));
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let c_end = self.cpu();
        let gross = total_cpu_us as f64 / total_deliv.max(1) as f64;
        let calib = self.calib.map(|c| c.1).unwrap_or(0.0);
        let net = (total_cpu_us as f64 - calib * self.cfg.broadcast_rounds as f64).max(0.0)
            / total_deliv.max(1) as f64;
        let sched = total_sched_us as f64 / total_deliv.max(1) as f64;
        self.row(
            "bcast",
            "clients (tenant-wide change)",
            format!("{n}, {} rounds", self.cfg.broadcast_rounds),
            "",
        );
        for (i, r) in rounds.iter().enumerate() {
            self.row(
                "bcast",
                &format!("round {}: received p50 / p99 / all", i + 1),
                format!(
                    "{}/{}: {} / {} / {} ms",
                    r["received"],
                    r["expected"],
                    r["latency"]["p50_ms"],
                    r["latency"]["p99_ms"],
                    r["all_received_ms"]
                ),
                "",
            );
        }
        self.row(
            "bcast",
            "worst round: p99 / all received",
            format!("{} ms / {} ms", ms(worst_p99), ms(worst_total)),
            &format!("≤ 500 ms {}", verdict(worst_total <= 500_000 && all_ok)),
        );
        self.row(
            "cpu",
            "broadcast: server CPU per delivery",
            format!(
                "{gross:.2} µs gross, {net:.2} µs net of the PATCH; schedstat {sched:.2} µs gross ({total_deliv} deliveries)"
            ),
            &format!("≤ 10 {}", verdict(net <= 10.0)),
        );
        self.out.insert(
            "broadcast".into(),
            json!({
                "clients": n,
                "open": open,
                "rounds": rounds,
                "worst_p99_ms": ms(worst_p99),
                "worst_all_received_ms": ms(worst_total),
                "all_complete": all_ok,
                "deliveries": total_deliv,
                "server_cpu_us": total_cpu_us,
                "cpu_us_per_delivery_gross": round(gross, 3),
                "cpu_us_per_delivery_net": round(net, 3),
                "cpu_us_per_delivery_gross_schedstat": round(sched, 3),
                "cpu_total": Self::cpu_json(&c_start, &c_end),
            }),
        );
        Ok(())
    }

    async fn latency(&mut self) -> Res<()> {
        let m = self.cfg.latency_clients;
        let (rate, secs) = (self.cfg.rate, self.cfg.secs);
        let total = ((rate * secs).round() as usize).max(1);
        eprintln!(
            "== latency: {m} clients, {total} user renames at {rate}/s for {secs} s over {} HTTP connections",
            self.cfg.http_conns
        );
        let open = self.ensure(m).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let live = self.live_main().await;
        let mut per_user = vec![0u64; self.users.len()];
        for (_, u) in &live {
            per_user[*u as usize] += 1;
        }
        self.take().await;
        let items: Vec<(String, u32)> = (0..total)
            .map(|j| {
                let t = self.targets[j % self.targets.len()];
                let s = self.users[t as usize].stores.clone();
                (self.user_url(t), self.alloc_ev(Aud::Stores(s)))
            })
            .collect();
        let (first, last) = (items[0].1, items[items.len() - 1].1);
        let from = self.sh.matched_total.load(Ordering::Relaxed);
        let all_from = self.sh.events_total.load(Ordering::Relaxed);
        let c0 = self.cpu();
        let mut p = self.pace(items, rate, self.cfg.http_conns).await;
        // Expected deliveries: each committed event × the live clients in its audience.
        let mut expected = 0u64;
        let mut fanout_by_target: BTreeMap<String, u64> = BTreeMap::new();
        for ev in first..=last {
            if self.sh.commit_of(ev) == 0 {
                continue;
            }
            let aud = &self.auds[ev as usize];
            let k: u64 = (0..self.users.len())
                .filter(|u| self.allows(aud, *u as u16))
                .map(|u| per_user[u])
                .sum();
            expected += k;
            if let Aud::Stores(s) = aud {
                let codes: Vec<&str> = s
                    .iter()
                    .map(|id| {
                        self.store_ids
                            .iter()
                            .find(|(_, v)| *v == id)
                            .map_or(id.as_str(), |(k, _)| k.as_str())
                    })
                    .collect();
                fanout_by_target.insert(codes.join("+"), k);
            }
        }
        let (got, complete) = self
            .drain(
                from,
                expected,
                Duration::from_secs(3),
                Duration::from_secs(60),
            )
            .await;
        let c1 = self.cpu();
        let all = self.sh.events_total.load(Ordering::Relaxed) - all_from;
        let (recs, stats) = self.take().await;
        let l = self.latencies(&recs, first, last);
        let (early, leaks, orphans) = (l.early, l.leaks, l.orphans);
        let d = &l.commit;
        let delivered = d.us.len() as u64;
        let cpu = c1.server_us - c0.server_us;
        let calib = self.calib.map(|c| c.0).unwrap_or(0.0);
        let gross = cpu as f64 / all.max(1) as f64;
        let net = (cpu as f64 - calib * p.ok as f64).max(0.0) / all.max(1) as f64;
        let sched = sched_diff_us(&c0.server_sched, &c1.server_sched) as f64 / all.max(1) as f64;
        let pj = p.json();
        let wall = c1.at.duration_since(c0.at).as_secs_f64();
        eprintln!(
            "  {} events committed ({}/s achieved), {delivered}/{expected} deliveries, p50 {} ms p99 {} ms max {} ms",
            p.ok,
            pj["achieved_per_s"],
            ms(d.q(0.5)),
            ms(d.q(0.99)),
            ms(d.max())
        );
        let ok_deliveries = complete && delivered == expected && leaks == 0;
        self.row(
            "latency",
            "clients / events sent / committed",
            format!(
                "{} / {} / {} ({} per s achieved)",
                live.len(),
                p.sent,
                p.ok,
                pj["achieved_per_s"]
            ),
            &format!(
                "{rate}/s {}",
                verdict(
                    p.ok == total && pj["achieved_per_s"].as_f64().unwrap_or(0.0) >= rate * 0.95
                )
            ),
        );
        self.row(
            "latency",
            "deliveries received / expected",
            format!(
                "{delivered} / {expected} ({:.0} per event, {:.0}/s)",
                expected as f64 / p.ok.max(1) as f64,
                delivered as f64 / wall
            ),
            verdict(ok_deliveries),
        );
        self.row(
            "latency",
            "commit→client p50 / p90 / p99 / max",
            format!(
                "{} / {} / {} / {} ms",
                ms(d.q(0.5)),
                ms(d.q(0.9)),
                ms(d.q(0.99)),
                ms(d.max())
            ),
            &format!(
                "p99 ≤ 25 ms {}",
                verdict(d.q(0.99) <= 25_000 && ok_deliveries)
            ),
        );
        self.row(
            "latency",
            "PATCH sent→client p50 / p99 / max (upper bound)",
            format!(
                "{} / {} / {} ms",
                ms(l.send.q(0.5)),
                ms(l.send.q(0.99)),
                ms(l.send.max())
            ),
            "",
        );
        self.row(
            "latency",
            "PATCH response p50 / p99 (send→response)",
            format!(
                "{} / {} ms",
                pj["http_response"]["p50_ms"], pj["http_response"]["p99_ms"]
            ),
            "",
        );
        self.row(
            "latency",
            "server closes / early / leaks / HTTP errors",
            format!("{} / {early} / {leaks} / {}", stats.closes(), p.sent - p.ok),
            "",
        );
        self.row(
            "cpu",
            "latency: server CPU per delivery",
            format!(
                "{gross:.2} µs gross, {net:.2} µs net of the PATCHes; schedstat {sched:.2} µs gross ({all} deliveries)"
            ),
            &format!("≤ 10 {}", verdict(net <= 10.0)),
        );
        self.out.insert(
            "latency".into(),
            json!({
                "clients": live.len(),
                "clients_per_user": self.users.iter().zip(&per_user).filter(|(_, n)| **n > 0).map(|(u, n)| (u.label.clone(), json!(n))).collect::<serde_json::Map<_, _>>(),
                "targets": self.targets.iter().map(|t| self.users[*t as usize].label.clone()).collect::<Vec<_>>(),
                "recipients_per_event_by_audience": fanout_by_target,
                "open": open,
                "pacer": pj,
                "expected": expected,
                "delivered": delivered,
                "matched_counted": got,
                "all_events_delivered": all,
                "complete": complete,
                "early": early,
                "leaks": leaks,
                "orphans": orphans,
                "latency": d.json_ms(),
                "latency_from_send": l.send.json_ms(),
                "cpu": Self::cpu_json(&c0, &c1),
                "cpu_us_per_delivery_gross": round(gross, 3),
                "cpu_us_per_delivery_net": round(net, 3),
                "cpu_us_per_delivery_gross_schedstat": round(sched, 3),
                "sockets": stats.json(),
            }),
        );
        Ok(())
    }

    async fn extra_stores(&mut self) -> Res<()> {
        let s = self.cfg.extra_stores;
        if s == 0 {
            return Ok(());
        }
        eprintln!("== creating {s} extra stores with one sales rep each (through the API)");
        let owner = self.token(self.owner);
        let base = self.sh.base.clone();
        let mut new_users = Vec::new();
        for k in 0..s {
            let (st, v) = post_json(
                &self.http,
                &format!("{base}/api/v1/stores"),
                Some(&owner),
                &json!({"name": format!("Load store {k}"), "code": format!("LD-{k:04}"), "city": "Pune"}),
            )
            .await?;
            if st != 201 && st != 200 {
                return Err(format!("create store {k}: HTTP {st}: {v}"));
            }
            let sid = v["id"].as_str().unwrap_or_default().to_string();
            self.store_ids.insert(format!("LD-{k:04}"), sid.clone());
            let email = format!("load{k}.{}@demo.test", self.sh.run);
            let (st, v) = post_json(
                &self.http,
                &format!("{base}/api/v1/users"),
                Some(&owner),
                &json!({"name": format!("Load rep {k}"), "email": email, "role": "sales_rep", "store_ids": [sid], "password": LOAD_PASSWORD}),
            )
            .await?;
            if st != 201 && st != 200 {
                return Err(format!("create user {k}: HTTP {st}: {v}"));
            }
            new_users.push(email);
        }
        self.add_logins(new_users, LOAD_PASSWORD).await
    }

    async fn add_logins(&mut self, emails: Vec<String>, pw: &str) -> Res<()> {
        let mut added = Vec::new();
        for e in emails {
            let (l, tok) = login(&self.http, &self.sh.base, &e, pw).await?;
            added.push((l, tok));
        }
        // Shared is immutable apart from the tokens: the extra users are known
        // before the client threads start (see `run`).
        for (l, tok) in added {
            self.users.push(l);
            self.sh.tokens.write().expect("tokens").push(tok);
        }
        Ok(())
    }
}

const LOAD_PASSWORD: &str = "Load-Test-Pass-2026!";

fn pick(users: &[Login], label: &str) -> Res<u16> {
    users
        .iter()
        .position(|u| u.label == label || u.email == label)
        .map(|i| i as u16)
        .ok_or_else(|| format!("no such demo user: {label}"))
}

async fn run(
    cfg: Config,
    server: &mut Server,
    out: &mut serde_json::Map<String, Value>,
    rows: &mut Vec<[String; 4]>,
) -> Res<()> {
    let base = server.url.clone();
    let ws_base = base.replacen("http://", "ws://", 1);
    let http = http_client(16);
    let run_id = format!(
        "{:06x}",
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_micros()
            % 0xff_ffff
    );

    // Sign in as every demo user (and the other tenant's owner for the canaries).
    let t = Instant::now();
    let mut users = Vec::new();
    let mut tokens = Vec::new();
    for e in DEMO_EMAILS.iter().chain([OTHER_EMAIL].iter()) {
        let (l, tok) = login(&http, &base, e, PASSWORD).await?;
        users.push(l);
        tokens.push(tok);
    }
    eprintln!(
        "signed in {} demo users in {:.1} s",
        users.len(),
        t.elapsed().as_secs_f64()
    );
    let owner = pick(&users, "owner")?;
    let other = pick(&users, "owner@other.test").ok();
    let demo_tenant = users[owner as usize].tenant.clone();

    // Store ids.
    let mut store_ids = BTreeMap::new();
    {
        let mut r = http
            .get(format!("{base}/api/v1/stores?limit=100"))
            .bearer_auth(&tokens[owner as usize])
            .send()
            .await
            .map_err(|e| format!("list stores: {e}"))?;
        let v: Value = r.json().await.map_err(|e| format!("list stores: {e}"))?;
        for s in v["items"].as_array().into_iter().flatten() {
            store_ids.insert(
                s["code"].as_str().unwrap_or_default().to_string(),
                s["id"].as_str().unwrap_or_default().to_string(),
            );
        }
        if !store_ids.contains_key("BLR-MG") {
            return Err(format!("demo store BLR-MG not found in {v}"));
        }
    }

    let cap = cfg.calibrate + (cfg.rate * cfg.secs).ceil() as usize + cfg.broadcast_rounds + 1000;
    // The extra users must exist before `Shared` (which knows every user) is built:
    // create them with a temporary controller that has no client threads.
    let mut pre = Ctl {
        cfg: cfg.clone(),
        sh: Arc::new(Shared {
            t0: Instant::now(),
            commits: Vec::new(),
            sends: Vec::new(),
            events_total: AtomicU64::new(0),
            matched_total: AtomicU64::new(0),
            live: AtomicI64::new(0),
            tokens: RwLock::new(tokens),
            demo_user: Vec::new(),
            marker: Vec::new(),
            leak_needles: Vec::new(),
            run: run_id.clone(),
            base: base.clone(),
            ws_base: ws_base.clone(),
        }),
        users,
        mix: Vec::new(),
        targets: Vec::new(),
        owner,
        other,
        store_ids,
        workers: Vec::new(),
        next_idx: 0,
        next_canary: 0,
        next_ev: 0,
        auds: Vec::new(),
        http: http.clone(),
        pid: server.pid,
        data_dir: server.data_dir.clone(),
        total: Stats::default(),
        rows: Vec::new(),
        out: serde_json::Map::new(),
        login_at: Instant::now(),
        calib: None,
    };
    pre.extra_stores().await?;
    let tokens = std::mem::take(&mut *pre.sh.tokens.write().expect("tokens"));
    let users = pre.users.clone();
    let demo_user: Vec<bool> = users.iter().map(|u| u.tenant == demo_tenant).collect();

    let mut mix: Vec<u16> = cfg
        .mix
        .iter()
        .map(|m| pick(&users, m))
        .collect::<Res<_>>()?;
    let mut targets: Vec<u16> = cfg
        .targets
        .iter()
        .map(|m| pick(&users, m))
        .collect::<Res<_>>()?;
    if cfg.extra_stores > 0 {
        let extra: Vec<u16> = (0..users.len() as u16)
            .filter(|i| users[*i as usize].email.starts_with("load"))
            .collect();
        mix.extend(&extra);
        targets = extra;
    }
    for m in &mix {
        if !demo_user[*m as usize] {
            return Err(format!(
                "{} is not in the demo tenant",
                users[*m as usize].email
            ));
        }
    }

    let sh = Arc::new(Shared {
        t0: Instant::now(),
        commits: (0..cap).map(|_| AtomicU64::new(0)).collect(),
        sends: (0..cap).map(|_| AtomicU64::new(0)).collect(),
        events_total: AtomicU64::new(0),
        matched_total: AtomicU64::new(0),
        live: AtomicI64::new(0),
        tokens: RwLock::new(tokens),
        demo_user,
        marker: format!("\"name\":\"ld{run_id}x").into_bytes(),
        leak_needles: std::iter::once(demo_tenant.clone())
            .chain(
                users
                    .iter()
                    .filter(|u| u.tenant == demo_tenant)
                    .map(|u| u.id.clone()),
            )
            .map(String::into_bytes)
            .collect(),
        run: run_id.clone(),
        base: base.clone(),
        ws_base,
    });
    let per_thread_http = (cfg.open_concurrency / cfg.client_threads).max(1);
    let mut workers = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..cfg.client_threads {
        let (tx, h) = spawn_worker(sh.clone(), per_thread_http);
        workers.push(tx);
        handles.push(h);
    }
    let mut ctl = Ctl {
        cfg: cfg.clone(),
        sh,
        users,
        mix,
        targets,
        owner,
        other,
        store_ids: pre.store_ids.clone(),
        workers,
        next_idx: 0,
        next_canary: 0,
        next_ev: 0,
        auds: Vec::new(),
        http,
        pid: server.pid,
        data_dir: server.data_dir.clone(),
        total: Stats::default(),
        rows: Vec::new(),
        out: serde_json::Map::new(),
        login_at: pre.login_at,
        calib: None,
    };
    drop(pre);
    ctl.out.insert(
        "clients_mix".into(),
        json!(
            ctl.mix
                .iter()
                .map(|u| ctl.users[*u as usize].label.clone())
                .collect::<Vec<_>>()
        ),
    );
    ctl.out.insert(
        "latency_targets".into(),
        json!(
            ctl.targets
                .iter()
                .map(|u| ctl.users[*u as usize].label.clone())
                .collect::<Vec<_>>()
        ),
    );

    let result = async {
        if cfg.has("latency") || cfg.has("broadcast") {
            ctl.calibrate().await?;
        }
        ctl.canaries().await;
        for s in &cfg.scenarios {
            server.alive()?;
            ctl.refresh_tokens().await?;
            match s.as_str() {
                "idle" => ctl.idle().await?,
                "broadcast" => ctl.broadcast().await?,
                "latency" => ctl.latency().await?,
                _ => {}
            }
        }
        server.alive()?;
        Ok::<(), String>(())
    }
    .await;

    // Close every socket, then stop the client threads.
    eprintln!("== closing all clients");
    ctl.ensure(0).await;
    let canaries: Vec<usize> = ctl.live().await.into_iter().map(|x| x.0).collect();
    ctl.ask(|reply| Cmd::Close {
        idxs: canaries.clone(),
        reply,
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, _) = ctl.take().await;
    let total = ctl.total.clone();
    ctl.workers.clear();
    for h in handles {
        let _ = h.join();
    }
    ctl.row(
        "all",
        "server closes by code / ended without close / protocol errors",
        format!(
            "{:?} / {} / {}",
            total.server_closes, total.ended_without_close, total.protocol_errors
        ),
        verdict(total.closes() == 0),
    );
    ctl.row(
        "all",
        "seq violations / leaks to other tenant / error messages",
        format!(
            "{} / {} / {}",
            total.seq_violations, total.leaks, total.error_msgs
        ),
        verdict(total.seq_violations == 0 && total.leaks == 0 && total.error_msgs == 0),
    );
    ctl.row(
        "all",
        "other events (not our renames) by kind",
        format!(
            "{:?} (canaries got {} of their own tenant's)",
            total.other_kinds,
            total.canary_events - total.leaks
        ),
        "",
    );
    // How the server wrote to the sockets: straight to each connection's
    // socket, or through actix-http when it could not duplicate a descriptor
    // (it needs two per socket; see KARAT_WS_DIRECT_WRITES in the README).
    let opened = |text: &str, how: &str| -> u64 {
        let key = format!("karat_websockets_opened_total{{writes=\"{how}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&key)?.trim().parse().ok())
            .unwrap_or(0)
    };
    if let Ok(mut r) = ctl.http.get(format!("{base}/metrics")).send().await
        && let Ok(body) = r.body().await
    {
        let text = String::from_utf8_lossy(&body);
        let (direct, through) = (opened(&text, "direct"), opened(&text, "connection"));
        ctl.row(
            "all",
            "sockets written directly / through actix-http",
            format!("{direct} / {through}"),
            "",
        );
        ctl.out.insert(
            "sockets_opened".into(),
            json!({"direct": direct, "connection": through}),
        );
    }
    ctl.out.insert("sockets_total".into(), total.json());
    out.append(&mut ctl.out);
    rows.append(&mut ctl.rows);
    result
}

fn print_table(rows: &[[String; 4]]) {
    let w: Vec<usize> = (0..3)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate().take(3) {
            let _ = write!(line, "{c}{}  ", " ".repeat(w[i] - c.chars().count()));
        }
        line.push_str(&r[3]);
        println!("{}", line.trim_end());
    }
}

/// The server's warnings and errors (JSON log lines), grouped.
fn log_summary(log: &Path) -> Value {
    let mut text = String::new();
    if let Ok(mut f) = std::fs::File::open(log) {
        let _ = f.read_to_string(&mut text);
    }
    let mut by: BTreeMap<String, u64> = BTreeMap::new();
    let mut other = 0u64;
    for line in text.lines() {
        match serde_json::from_str::<Value>(line) {
            Ok(v) if v.get("level").is_some() => {
                let level = v["level"].as_str().unwrap_or("?");
                // The server logs its fields at the top level (flattened).
                let fields = v.get("fields").unwrap_or(&v);
                let msg = fields["message"]
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| fields.to_string());
                let extra = fields
                    .as_object()
                    .map(|o| {
                        o.iter()
                            .filter(|(k, _)| {
                                !["message", "timestamp", "level", "target", "span", "spans"]
                                    .contains(&k.as_str())
                            })
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default();
                let key: String = format!("{level} {msg} {extra}").chars().take(300).collect();
                *by.entry(key).or_default() += 1;
            }
            _ => {
                if !line.trim().is_empty() {
                    other += 1;
                }
            }
        }
    }
    json!({"lines_by_message": by, "non_json_lines": other, "bytes": text.len()})
}

fn main() {
    let cfg = match Config::parse() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            std::process::exit(2);
        }
    };
    let nofile = raise_nofile();
    eprintln!("RLIMIT_NOFILE now {} (hard {})", nofile.0, nofile.1);
    let mut server = match Server::start(&cfg.server, cfg.keep_data) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    eprintln!(
        "server pid {} at {} (ready in {:.1} s), log {}",
        server.pid,
        server.url,
        server.started_in.as_secs_f64(),
        server.log.display()
    );
    let rss_start = rss_kib(server.pid);
    let load_start = loadavg();
    let mut out = serde_json::Map::new();
    let mut rows: Vec<[String; 4]> = Vec::new();
    let t = Instant::now();
    let result =
        actix_web::rt::System::new().block_on(run(cfg.clone(), &mut server, &mut out, &mut rows));
    let rss_end = rss_kib(server.pid);
    let cpu_end = cpu_us(server.pid);
    let stop = server.stop();
    let logs = log_summary(&server.log);

    let mut j = serde_json::Map::new();
    j.insert("tool".into(), json!("ws_load"));
    j.insert(
        "at".into(),
        json!(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    j.insert("ok".into(), json!(result.is_ok()));
    if let Err(e) = &result {
        j.insert("error".into(), json!(e));
    }
    j.insert("params".into(), cfg.params());
    j.insert(
        "machine".into(),
        json!({
            "cpus": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
            "nofile": nofile.0,
            "loadavg_start": load_start,
            "loadavg_end": loadavg(),
        }),
    );
    j.insert(
        "server".into(),
        json!({
            "binary": cfg.server.display().to_string(),
            "ready_s": round(server.started_in.as_secs_f64(), 1),
            "rss_kib_start": rss_start,
            "rss_kib_end": rss_end,
            "cpu_s_total": round(cpu_end as f64 / 1e6, 2),
            "stop": stop,
            "run_dir": server.run_dir.display().to_string(),
            "log": server.log.display().to_string(),
            "log_summary": logs,
        }),
    );
    j.append(&mut out);

    println!();
    println!(
        "== Karat WebSocket load (ws_load), {:.0} s, {} CPUs, server {}",
        t.elapsed().as_secs_f64(),
        j["machine"]["cpus"],
        cfg.server.display()
    );
    println!("params: {}", cfg.params());
    println!(
        "load average (1/5/15 min) at start: {}, at end: {}  (the machine is shared: anything above ~2 skews the figures)",
        j["machine"]["loadavg_start"], j["machine"]["loadavg_end"]
    );
    print_table(&rows);
    println!(
        "server: stop {} | log {} ({} bytes)",
        j["server"]["stop"], j["server"]["log"], j["server"]["log_summary"]["bytes"]
    );
    if let Some(m) = j["server"]["log_summary"]["lines_by_message"].as_object() {
        for (k, v) in m {
            println!("  server log: {v} × {k}");
        }
    }
    if let Err(e) = &result {
        println!("RUN FAILED: {e}");
    }
    println!("JSON:");
    println!("{}", Value::Object(j));
    drop(server);
    if result.is_err() {
        std::process::exit(1);
    }
}
