//! Shared by the benchmarks: start and stop a real `karat serve --demo`.

// Each bench uses a subset of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};

pub type Res<T> = Result<T, String>;

/// Rounds to `d` decimals (for printed figures).
pub fn round(x: f64, d: i32) -> f64 {
    let p = 10f64.powi(d);
    (x * p).round() / p
}

pub fn newest_mtime(dir: &Path) -> Option<SystemTime> {
    let mut best = None;
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let m = e.metadata().ok()?;
        let t = if m.is_dir() {
            newest_mtime(&e.path())
        } else {
            m.modified().ok()
        };
        if t > best {
            best = t;
        }
    }
    best
}

// ---------------------------------------------------------------- the server

pub struct Server {
    pub child: std::process::Child,
    pub pid: i32,
    pub url: String,
    pub run_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log: PathBuf,
    pub keep_data: bool,
    pub stopped: bool,
    pub started_in: Duration,
}

impl Server {
    /// Starts `karat serve --demo` from `server` on a fresh data directory and a
    /// free port; waits until it prints its URL.
    pub fn start(server: &Path, keep_data: bool) -> Res<Server> {
        if !server.exists() {
            return Err(format!(
                "{} is missing: run `cargo build --release --locked` first",
                server.display()
            ));
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let bin_time = std::fs::metadata(server).and_then(|m| m.modified()).ok();
        if let (Some(b), Some(s)) = (bin_time, newest_mtime(&src))
            && s > b
        {
            eprintln!(
                "warning: {} is older than src/ — run `cargo build --release --locked` to measure the current code",
                server.display()
            );
        }
        let stamp = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        let run_dir = std::env::temp_dir().join(format!("karat-ws-load-{stamp}"));
        let data_dir = run_dir.join("data");
        std::fs::create_dir_all(&data_dir).map_err(|e| format!("create {data_dir:?}: {e}"))?;
        let log = run_dir.join("server.log");
        let out = std::fs::File::create(&log).map_err(|e| format!("create {log:?}: {e}"))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let mut command = std::process::Command::new(server);
        // The server gets a session of its own, as a service does, apart from
        // this load tool: where the kernel schedules by session (autogroup),
        // sharing one splits a single CPU share between them (see benches/http.sh).
        // SAFETY: setsid is async-signal-safe and touches no memory of this process.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .args(["serve", "--demo"])
            .env("KARAT_DATA_DIR", &data_dir)
            .env("KARAT_ADDR", "127.0.0.1:0")
            .env("KARAT_LOGIN_IP_PER_MINUTE", "100000")
            .env("RUST_LOG", "warn")
            .env("KARAT_LOG_FORMAT", "json")
            .stdin(std::process::Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("spawn {}: {e}", server.display()))?;
        let pid = child.id() as i32;
        let mut server = Server {
            child,
            pid,
            url: String::new(),
            run_dir,
            data_dir,
            log,
            keep_data,
            stopped: false,
            started_in: Duration::ZERO,
        };
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let text = std::fs::read_to_string(&server.log).unwrap_or_default();
            if let Some(i) = text.find("Karat is running at ") {
                let rest = &text[i + "Karat is running at ".len()..];
                let url: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
                if url.starts_with("http://") {
                    server.url = url;
                    server.started_in = started.elapsed();
                    return Ok(server);
                }
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                server.stopped = true;
                return Err(format!(
                    "the server exited ({status}) before it was ready:\n{}",
                    tail(&text, 40)
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the server did not print its URL within 300 s:\n{}",
                    tail(&text, 40)
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    pub fn alive(&mut self) -> Res<()> {
        match self.child.try_wait() {
            Ok(Some(s)) => {
                self.stopped = true;
                Err(format!("the server exited: {s}"))
            }
            _ => Ok(()),
        }
    }

    /// SIGTERM, then wait (SIGKILL after 60 s). Returns what happened.
    pub fn stop(&mut self) -> Value {
        if self.stopped {
            return json!({"already_exited": true});
        }
        self.stopped = true;
        let t = Instant::now();
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(self.pid, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(100))
                }
                _ => break None,
            }
        };
        let killed = status.is_none();
        if killed {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        json!({
            "exit": status.map(|s| s.to_string()),
            "sigkill_needed": killed,
            "stop_s": round(t.elapsed().as_secs_f64(), 2),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if !self.stopped {
            self.stop();
        }
        if !self.keep_data {
            let _ = std::fs::remove_dir_all(&self.data_dir);
        }
    }
}

pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The demo data's password.
pub const PASSWORD: &str = "karat-demo-2026";

/// Signs a demo user in; returns the access token and the user id.
pub async fn demo_login(http: &awc::Client, base: &str, email: &str) -> Res<(String, String)> {
    let (st, v) = post_json(
        http,
        &format!("{base}/api/v1/auth/login"),
        None,
        &json!({"email": email, "password": PASSWORD}),
    )
    .await?;
    if st != 200 {
        return Err(format!("login {email}: HTTP {st}: {v}"));
    }
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    Ok((s(&v["access_token"]), s(&v["user"]["id"])))
}

/// The `p` quantile (0–1) of sorted figures.
pub fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// An HTTP client with `limit` connections per host.
pub fn http_client(limit: usize) -> awc::Client {
    awc::Client::builder()
        .connector(awc::Connector::new().limit(limit))
        .timeout(Duration::from_secs(60))
        .finish()
}

/// POSTs JSON; returns the status and the JSON body (Null if none).
pub async fn post_json(
    http: &awc::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> Res<(u16, Value)> {
    let mut req = http.post(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let mut r = req
        .send_json(body)
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let status = r.status().as_u16();
    let b = r
        .body()
        .await
        .map_err(|e| format!("POST {url} body: {e}"))?;
    Ok((status, serde_json::from_slice(&b).unwrap_or(Value::Null)))
}

/// GETs JSON with a bearer token; returns the status and the JSON body.
pub async fn get_json(http: &awc::Client, url: &str, token: &str) -> Res<(u16, Value)> {
    let mut r = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let b = r
        .body()
        .limit(1 << 24)
        .await
        .map_err(|e| format!("GET {url} body: {e}"))?;
    Ok((
        r.status().as_u16(),
        serde_json::from_slice(&b).unwrap_or(Value::Null),
    ))
}

/// The release server the benches start unless `--server` says otherwise.
pub fn default_server() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/karat")
}

/// Parses a bench's command line: `--<name> N` (a positive number) for each
/// of `numbers`, `--server PATH`, `--help` (answers with `usage`), and the
/// `--bench` that `cargo bench` passes.
pub fn parse_args(
    usage: &str,
    server: &mut PathBuf,
    numbers: &mut [(&str, &mut usize)],
) -> Res<()> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--server" => *server = args.next().ok_or("--server needs a path")?.into(),
            "--bench" => {}
            "--help" | "-h" => return Err(format!("usage: {usage}")),
            flag => {
                let Some((_, slot)) = numbers
                    .iter_mut()
                    .find(|(name, _)| flag.strip_prefix("--") == Some(*name))
                else {
                    return Err(format!("unknown argument {flag}"));
                };
                **slot = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("{flag} needs a positive number"))?;
            }
        }
    }
    Ok(())
}

/// What a bench run returns: table rows (metric, value, target) and a JSON summary.
pub type Outcome = Res<(Vec<[String; 3]>, Value)>;

/// The body of a bench's `main`: parse the config (exit 2 on a bad argument),
/// start the server from `server_of(&cfg)`, run, stop the server, print the
/// table and the `JSON:` line (exit 1 on failure).
pub fn bench_main<C>(
    cfg: Res<C>,
    server_of: impl Fn(&C) -> &Path,
    run: impl AsyncFnOnce(&C, &Server) -> Outcome,
) {
    let cfg = match cfg {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // KARAT_BENCH_KEEP_DATA=1 keeps the server's data directory (to study a
    // seeded database afterwards); its path is printed at the end.
    let keep = std::env::var_os("KARAT_BENCH_KEEP_DATA").is_some();
    let mut server = match Server::start(server_of(&cfg), keep) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    eprintln!("server at {} (log {})", server.url, server.log.display());
    let result = actix_web::rt::System::new().block_on(run(&cfg, &server));
    let _ = server.alive();
    server.stop();
    if keep {
        eprintln!("data kept in {}", server.data_dir.display());
    }
    match result {
        Ok((rows, json)) => {
            let w = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
            for r in &rows {
                println!("{:<w$}  {}  {}", r[0], r[1], r[2]);
            }
            println!("JSON: {json}");
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
