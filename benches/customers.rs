//! # `customers`: import, search and segment counts at a million customers
//!
//! Starts its own server (`target/release/karat serve --demo` on a fresh data
//! directory), signs in as the demo owner and measures, through the real API:
//!
//! | scenario | what | target |
//! |---|---|---|
//! | `import` | a generated 100,000-row CSV (Indian names, mobiles, DD-MM-YYYY dates, cities, tags): upload → validate → confirm → done | < 15 s for validate + insert |
//! | seeding | more imports of the same size until the tenant holds `--total` customers (default 1,000,000); each is timed too | — |
//! | `search` | `--queries` list requests (default 3,000) at `--concurrency` (default 8): name and surname fragments, phone fragments, e-mail fragments, tag, city, tier, and text + city | p99 < 30 ms |
//! | `segments` | every built-in segment's count and two saved-rule previews, three times each | < 500 ms each |
//!
//! Run (build the server first: `cargo build --release --locked`):
//!
//! ```sh
//! cargo bench --bench customers                       # the full run (~5 minutes on 2 cores)
//! cargo bench --bench customers -- --total 200000     # a smaller tenant
//! ```
//!
//! The tool, the server and PostgreSQL share the machine's cores, so the
//! figures are an upper bound. The results end with a table and a `JSON:` line.

use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

#[path = "support/mod.rs"]
mod support;
use support::{Res, Server, get_json, http_client, post_json, round};

const FIRST: [&str; 40] = [
    "Lakshmi",
    "Priya",
    "Anjali",
    "Kavya",
    "Meenakshi",
    "Divya",
    "Sneha",
    "Pooja",
    "Deepa",
    "Asha",
    "Radha",
    "Sita",
    "Gayathri",
    "Revathi",
    "Fathima",
    "Ananya",
    "Ishita",
    "Nandini",
    "Swathi",
    "Harini",
    "Arjun",
    "Rahul",
    "Vikram",
    "Suresh",
    "Ramesh",
    "Karthik",
    "Arun",
    "Sanjay",
    "Rohit",
    "Harish",
    "Ganesh",
    "Mohan",
    "Srinivas",
    "Venkat",
    "Imran",
    "Abdul",
    "Joseph",
    "Thomas",
    "Manoj",
    "Prakash",
];
const LAST: [&str; 30] = [
    "Iyer",
    "Iyengar",
    "Nair",
    "Menon",
    "Pillai",
    "Reddy",
    "Rao",
    "Naidu",
    "Shetty",
    "Hegde",
    "Patil",
    "Kulkarni",
    "Deshpande",
    "Sharma",
    "Verma",
    "Gupta",
    "Agarwal",
    "Jain",
    "Mehta",
    "Shah",
    "Chandran",
    "Krishnan",
    "Sundaram",
    "Subramanian",
    "Venkataraman",
    "Begum",
    "Khan",
    "Das",
    "Bose",
    "Banerjee",
];
const CITIES: [&str; 12] = [
    "Chennai",
    "Bengaluru",
    "Hyderabad",
    "Mumbai",
    "Pune",
    "Kochi",
    "Coimbatore",
    "Madurai",
    "Mysuru",
    "Vijayawada",
    "Delhi",
    "Kolkata",
];
const TAGS: [&str; 6] = [
    "bridal",
    "temple jewellery",
    "diamond lover",
    "gifting",
    "investment",
    "wedding 2027",
];

struct Config {
    server: PathBuf,
    rows: usize,
    total: usize,
    queries: usize,
    concurrency: usize,
}

impl Config {
    fn parse() -> Res<Config> {
        let mut c = Config {
            server: support::default_server(),
            rows: 100_000,
            total: 1_000_000,
            queries: 3_000,
            concurrency: 8,
        };
        support::parse_args(
            "cargo bench --bench customers -- [--rows N] [--total N] [--queries N] [--concurrency N] [--server PATH]",
            &mut c.server,
            &mut [
                ("rows", &mut c.rows),
                ("total", &mut c.total),
                ("queries", &mut c.queries),
                ("concurrency", &mut c.concurrency),
            ],
        )?;
        Ok(c)
    }
}

/// A tiny deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Mobile number `i` of the run: unique, valid Indian mobiles.
fn mobile(i: usize) -> String {
    format!("9{:09}", 100_000_000 + i)
}

fn csv_file(start: usize, rows: usize, rng: &mut Rng) -> Vec<u8> {
    let mut out = String::with_capacity(rows * 90);
    out.push_str("Customer Name,Mobile No,Email,DOB,Anniversary,City,Tags\r\n");
    for i in start..start + rows {
        let (f, l) = (FIRST[rng.below(FIRST.len())], LAST[rng.below(LAST.len())]);
        let email = if rng.below(10) < 4 {
            format!("{}.{}{}@example.in", f.to_lowercase(), l.to_lowercase(), i)
        } else {
            String::new()
        };
        let dob = format!(
            "{:02}-{:02}-{}",
            1 + rng.below(28),
            1 + rng.below(12),
            1950 + rng.below(55)
        );
        let ann = if rng.below(2) == 0 {
            format!(
                "{:02}-{:02}-{}",
                1 + rng.below(28),
                1 + rng.below(12),
                1980 + rng.below(44)
            )
        } else {
            String::new()
        };
        let tag = if rng.below(4) == 0 {
            TAGS[rng.below(TAGS.len())]
        } else {
            ""
        };
        out.push_str(&format!(
            "{f} {l},{},{email},{dob},{ann},{},{tag}\r\n",
            mobile(i),
            CITIES[rng.below(CITIES.len())]
        ));
    }
    out.into_bytes()
}

/// One import through the API; returns (validate seconds, import seconds).
async fn import(
    http: &awc::Client,
    base: &str,
    token: &str,
    store: &str,
    file: Vec<u8>,
) -> Res<(f64, f64, i64)> {
    let t0 = Instant::now();
    let mut r = http
        .post(format!(
            "{base}/api/v1/customers/imports?filename=bench.csv"
        ))
        .bearer_auth(token)
        .insert_header(("content-type", "text/csv"))
        .send_body(file)
        .await
        .map_err(|e| format!("upload: {e}"))?;
    let b = r.body().limit(1 << 24).await.map_err(|e| e.to_string())?;
    let up: Value = serde_json::from_slice(&b).unwrap_or(Value::Null);
    if r.status() != 201 {
        return Err(format!("upload: HTTP {}: {up}", r.status()));
    }
    let id = up["import"]["id"].as_str().unwrap_or_default().to_string();
    let (st, v) = post_json(
        http,
        &format!("{base}/api/v1/customers/imports/{id}/validate"),
        Some(token),
        &json!({"mapping": up["suggested_mapping"], "home_store_id": store}),
    )
    .await?;
    if st != 200 {
        return Err(format!("validate: HTTP {st}: {v}"));
    }
    let validated = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let (st, v) = post_json(
        http,
        &format!("{base}/api/v1/customers/imports/{id}/confirm"),
        Some(token),
        &json!({}),
    )
    .await?;
    if st != 202 {
        return Err(format!("confirm: HTTP {st}: {v}"));
    }
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (_, v) = get_json(
            http,
            &format!("{base}/api/v1/customers/imports/{id}"),
            token,
        )
        .await?;
        match v["status"].as_str() {
            Some("done") => {
                return Ok((
                    validated,
                    t1.elapsed().as_secs_f64(),
                    v["imported_rows"].as_i64().unwrap_or(0),
                ));
            }
            Some("failed") => return Err(format!("import failed: {v}")),
            _ => {}
        }
        if t1.elapsed() > Duration::from_secs(600) {
            return Err("import did not finish in 10 minutes".into());
        }
    }
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(cfg: &Config, server: &Server) -> Res<(Vec<[String; 3]>, Value)> {
    let base = server.url.clone();
    let http = http_client(cfg.concurrency + 2);
    let (st, login) = post_json(
        &http,
        &format!("{base}/api/v1/auth/login"),
        None,
        &json!({"email": "owner@demo.test", "password": "karat-demo-2026"}),
    )
    .await?;
    if st != 200 {
        return Err(format!("login: HTTP {st}: {login}"));
    }
    let token = login["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (_, stores) = get_json(&http, &format!("{base}/api/v1/stores"), &token).await?;
    let store = stores["items"][0]["id"]
        .as_str()
        .ok_or("no store")?
        .to_string();
    let mut rows: Vec<[String; 3]> = Vec::new();
    let mut out = serde_json::Map::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);

    // Import, then seed to the total with more of the same.
    let mut imported = 0usize;
    let mut runs = Vec::new();
    while imported < cfg.total {
        let n = cfg.rows.min(cfg.total - imported);
        let file = csv_file(imported, n, &mut rng);
        let (v, i, got) = import(&http, &base, &token, &store, file).await?;
        eprintln!(
            "import {}: {n} rows, validate {v:.2} s, insert {i:.2} s, imported {got}",
            runs.len() + 1
        );
        runs.push(json!({"rows": n, "validate_s": round(v, 2), "insert_s": round(i, 2), "total_s": round(v + i, 2), "imported": got}));
        imported += n;
    }
    let first = &runs[0];
    let total_s = first["total_s"].as_f64().unwrap_or(0.0);
    rows.push([
        format!("import {} rows (validate + insert)", first["rows"]),
        format!(
            "{total_s:.2} s (validate {} s, insert {} s, {:.0} rows/s)",
            first["validate_s"],
            first["insert_s"],
            first["rows"].as_f64().unwrap_or(0.0) / total_s.max(1e-9)
        ),
        format!("< 15 s {}", if total_s < 15.0 { "PASS" } else { "FAIL" }),
    ]);
    let worst = runs
        .iter()
        .filter_map(|r| r["total_s"].as_f64())
        .fold(0.0, f64::max);
    rows.push([
        format!("{} imports to {imported} customers", runs.len()),
        format!("slowest {worst:.2} s"),
        String::new(),
    ]);
    out.insert("imports".into(), json!(runs));

    // Search.
    let mut queries: Vec<(&str, String)> = Vec::new();
    for i in 0..cfg.queries {
        let q = match i % 9 {
            0 => (
                "name",
                format!("q={}", FIRST[rng.below(FIRST.len())].to_lowercase()),
            ),
            1 => ("surname", format!("q={}", LAST[rng.below(LAST.len())])),
            2 => (
                "name prefix",
                format!("q={}", &FIRST[rng.below(FIRST.len())][..4]),
            ),
            3 => (
                "phone fragment",
                format!("q={}", &mobile(rng.below(imported.max(1)))[5..]),
            ),
            4 => (
                "full phone",
                format!("q={}", mobile(rng.below(imported.max(1)))),
            ),
            5 => (
                "email fragment",
                format!(
                    "q={}{}%40example",
                    LAST[rng.below(LAST.len())].to_lowercase(),
                    rng.below(imported.max(1))
                ),
            ),
            6 => (
                "tag",
                format!("tag={}", TAGS[rng.below(TAGS.len())].replace(' ', "%20")),
            ),
            7 => ("city", format!("city={}", CITIES[rng.below(CITIES.len())])),
            _ => (
                "text + city",
                format!(
                    "q={}&city={}",
                    LAST[rng.below(LAST.len())],
                    CITIES[rng.below(CITIES.len())]
                ),
            ),
        };
        queries.push(q);
    }
    let queries = Rc::new(queries);
    let next = Rc::new(std::cell::Cell::new(0usize));
    let lat: Rc<std::cell::RefCell<Vec<(&'static str, f64)>>> = Rc::default();
    let errors = Rc::new(std::cell::Cell::new(0usize));
    let t = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..cfg.concurrency {
        let (queries, next, lat, errors) =
            (queries.clone(), next.clone(), lat.clone(), errors.clone());
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        workers.push(actix_web::rt::spawn(async move {
            loop {
                let i = next.get();
                if i >= queries.len() {
                    break;
                }
                next.set(i + 1);
                let (kind, q) = &queries[i];
                let s = Instant::now();
                match get_json(
                    &http,
                    &format!("{base}/api/v1/customers?limit=50&{q}"),
                    &token,
                )
                .await
                {
                    Ok((200, _)) => lat
                        .borrow_mut()
                        .push((kind, s.elapsed().as_secs_f64() * 1000.0)),
                    _ => errors.set(errors.get() + 1),
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let wall = t.elapsed().as_secs_f64();
    let lat = lat.take();
    let mut all: Vec<f64> = lat.iter().map(|l| l.1).collect();
    all.sort_by(f64::total_cmp);
    let p99 = pct(&all, 0.99);
    rows.push([
        format!(
            "search at {imported} customers ({} queries, {} concurrent)",
            all.len(),
            cfg.concurrency
        ),
        format!(
            "p50 {:.1} ms, p90 {:.1} ms, p99 {p99:.1} ms, max {:.1} ms, {:.0} req/s, {} errors",
            pct(&all, 0.5),
            pct(&all, 0.9),
            all.last().copied().unwrap_or(0.0),
            all.len() as f64 / wall,
            errors.get()
        ),
        format!(
            "p99 < 30 ms {}",
            if p99 < 30.0 && errors.get() == 0 {
                "PASS"
            } else {
                "FAIL"
            }
        ),
    ]);
    let mut kinds = serde_json::Map::new();
    let mut names: Vec<&str> = lat.iter().map(|l| l.0).collect();
    names.sort();
    names.dedup();
    for k in names {
        let mut v: Vec<f64> = lat.iter().filter(|l| l.0 == k).map(|l| l.1).collect();
        v.sort_by(f64::total_cmp);
        rows.push([
            format!("  search: {k}"),
            format!("p50 {:.1} ms, p99 {:.1} ms", pct(&v, 0.5), pct(&v, 0.99)),
            String::new(),
        ]);
        kinds.insert(k.into(), json!({"p50_ms": round(pct(&v, 0.5), 2), "p99_ms": round(pct(&v, 0.99), 2), "n": v.len()}));
    }
    out.insert(
        "search".into(),
        json!({"p50_ms": round(pct(&all, 0.5), 2), "p99_ms": round(p99, 2), "max_ms": round(all.last().copied().unwrap_or(0.0), 2), "errors": errors.get(), "by_kind": kinds}),
    );

    // Segment counts.
    let (_, list) = get_json(&http, &format!("{base}/api/v1/segments"), &token).await?;
    let mut segs = serde_json::Map::new();
    let mut slowest = 0.0f64;
    let previews = [
        (
            "saved rule: Chennai brides",
            json!({"all": [{"field": "city", "op": "in", "value": ["Chennai", "Madurai"]}, {"field": "tags", "op": "has_any", "value": ["bridal", "wedding 2027"]}, {"not": {"field": "dnd", "op": "eq", "value": true}}]}),
        ),
        (
            "saved rule: birthdays or anniversaries in 30 days",
            json!({"any": [{"field": "birthday", "op": "within_next_days", "value": 30}, {"field": "anniversary", "op": "within_next_days", "value": 30}]}),
        ),
    ];
    for s in list.as_array().cloned().unwrap_or_default() {
        let id = s["id"].as_str().unwrap_or_default().to_string();
        let mut worst = 0.0f64;
        let mut count = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let (st, v) =
                get_json(&http, &format!("{base}/api/v1/segments/{id}/count"), &token).await?;
            if st != 200 {
                return Err(format!("count {id}: HTTP {st}: {v}"));
            }
            worst = worst.max(t.elapsed().as_secs_f64() * 1000.0);
            count = v["count"].as_i64().unwrap_or(0);
        }
        slowest = slowest.max(worst);
        segs.insert(
            id.clone(),
            json!({"count": count, "worst_ms": round(worst, 1)}),
        );
        rows.push([
            format!("  segment {id}"),
            format!("{count} customers, worst {worst:.0} ms"),
            String::new(),
        ]);
    }
    for (name, rule) in previews {
        let mut worst = 0.0f64;
        let mut count = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let (st, v) = post_json(
                &http,
                &format!("{base}/api/v1/segments/preview"),
                Some(&token),
                &json!({"rule": rule}),
            )
            .await?;
            if st != 200 {
                return Err(format!("preview: HTTP {st}: {v}"));
            }
            worst = worst.max(t.elapsed().as_secs_f64() * 1000.0);
            count = v["count"].as_i64().unwrap_or(0);
        }
        slowest = slowest.max(worst);
        segs.insert(
            name.into(),
            json!({"count": count, "worst_ms": round(worst, 1)}),
        );
        rows.push([
            format!("  {name}"),
            format!("{count} customers, worst {worst:.0} ms"),
            String::new(),
        ]);
    }
    rows.push([
        format!("segment counts at {imported} customers"),
        format!("slowest {slowest:.0} ms"),
        format!("< 500 ms {}", if slowest < 500.0 { "PASS" } else { "FAIL" }),
    ]);
    out.insert("segments".into(), Value::Object(segs));
    Ok((rows, Value::Object(out)))
}

fn main() {
    support::bench_main(Config::parse(), |c| c.server.as_path(), run);
}
