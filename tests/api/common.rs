//! The test harness: one PostgreSQL cluster per run (embedded, kept under
//! target/), one migrated template database, a fresh database per test cloned
//! from it, and the real server on port 0 talking to it over real HTTP.

use std::collections::HashMap;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::sync::OnceLock;

use awc::http::Method;
use clap::Parser;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use serde_json::Value;
use sha2::Digest;
use uuid::Uuid;

use karat::auth::rbac::Role;
use karat::config::ServeConfig;
use karat::db::embedded::{self, EmbeddedPg};
use karat::db::schema::{stores, tenants, user_stores, users};

/// Password of every fixture user.
pub const PASSWORD: &str = "fixture-pass-2026";

#[derive(Parser)]
struct ServeArgs {
    #[command(flatten)]
    serve: ServeConfig,
}

/// Connection strings of the shared test cluster.
pub struct Cluster {
    pub superuser: Box<dyn Fn(&str) -> String + Send + Sync>,
    pub app: Box<dyn Fn(&str) -> String + Send + Sync>,
    pub owner: Box<dyn Fn(&str) -> String + Send + Sync>,
    pub template: String,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();

fn migrations_digest() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut h = sha2::Sha256::new();
    for f in files {
        h.update(f.to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).unwrap());
    }
    hex::encode(&h.finalize()[..6])
}

fn walk(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

/// Holds an exclusive lock on a file while alive (serialises cluster set-up across test processes).
struct FileLock(std::fs::File);

impl FileLock {
    fn acquire(path: &std::path::Path) -> FileLock {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .unwrap();
        // SAFETY: flock on an open descriptor we own.
        let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(rc, 0, "flock failed");
        FileLock(f)
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Starts (or reuses) the cluster and the migrated template. Blocking; call from a plain thread.
fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("karat-test-pg");
                std::fs::create_dir_all(&dir).unwrap();
                let _lock = FileLock::acquire(&dir.join("setup.lock"));
                let pg = EmbeddedPg::start(&dir).expect("starting the test PostgreSQL cluster");
                pg.ensure_database("karat_test_root").await.unwrap();
                let template = format!("karat_tpl_{}", migrations_digest());
                let mut su = AsyncPgConnection::establish(&pg.superuser_url("postgres"))
                    .await
                    .unwrap();
                #[derive(QueryableByName)]
                struct N {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let n: N =
                    diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                        .bind::<diesel::sql_types::Text, _>(&template)
                        .get_result(&mut su)
                        .await
                        .unwrap();
                if n.n == 0 {
                    let building = format!("{template}_building");
                    su.batch_execute(&format!(
                        "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                    ))
                    .await
                    .unwrap();
                    embedded::create_database(&mut su, &building, None)
                        .await
                        .unwrap();
                    embedded::allow_indexes_under_rls(&pg.superuser_url(&building))
                        .await
                        .unwrap();
                    karat::db::migrate(
                        &pg.url(embedded::OWNER_ROLE, &building),
                        embedded::APP_ROLE,
                    )
                    .await
                    .unwrap();
                    su.batch_execute(&format!(
                        "ALTER DATABASE \"{building}\" RENAME TO \"{template}\""
                    ))
                    .await
                    .unwrap();
                }
                let su_url = pg.superuser_url("");
                let app = pg.url(embedded::APP_ROLE, "");
                let owner = pg.url(embedded::OWNER_ROLE, "");
                pg.detach();
                Cluster {
                    superuser: Box::new(move |db| format!("{su_url}{db}")),
                    app: Box::new(move |db| format!("{app}{db}")),
                    owner: Box::new(move |db| format!("{owner}{db}")),
                    template,
                }
            })
        })
        .join()
        .expect("cluster set-up")
    })
}

/// Runs a future on a fresh runtime in a plain thread (for set-up and Drop).
fn block<T: Send + 'static>(f: impl std::future::Future<Output = T> + Send + 'static) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    })
    .join()
    .unwrap()
}

/// A fresh database cloned from the template; dropped with this value.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    /// Clones the template.
    pub fn new() -> TestDb {
        let c = cluster();
        let name = format!("t_{}", Uuid::new_v4().simple());
        let su = (c.superuser)("postgres");
        let (n, t) = (name.clone(), c.template.clone());
        block(async move {
            let mut conn = AsyncPgConnection::establish(&su).await.unwrap();
            embedded::create_database(&mut conn, &n, Some(&t))
                .await
                .unwrap();
        });
        TestDb { name }
    }

    pub fn app_url(&self) -> String {
        (cluster().app)(&self.name)
    }

    pub fn owner_url(&self) -> String {
        (cluster().owner)(&self.name)
    }

    pub fn superuser_url(&self) -> String {
        (cluster().superuser)(&self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let su = (cluster().superuser)("postgres");
        let name = self.name.clone();
        block(async move {
            if let Ok(mut c) = AsyncPgConnection::establish(&su).await {
                let _ = c
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        });
    }
}

/// Every role, in the order role-matrix tests list expectations.
pub const ROLES: [Role; 6] = [
    Role::PlatformAdmin,
    Role::BusinessAdmin,
    Role::Manager,
    Role::SalesRep,
    Role::Telecaller,
    Role::Marketing,
];

/// A fresh Indian mobile number (10 digits, no country code), unique enough
/// for parallel tests.
pub fn mobile() -> String {
    let n = u64::from_le_bytes(Uuid::new_v4().as_bytes()[..8].try_into().unwrap()) % 1_000_000_000;
    format!("7{n:09}")
}

/// A seeded tenant.
#[derive(Clone)]
pub struct TenantFx {
    pub id: Uuid,
    /// Store 0 is the manager's; store 1 belongs to nobody but the admin.
    pub stores: [Uuid; 2],
    pub users: HashMap<Role, (Uuid, String)>,
}

/// Which seeded tenant.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum T {
    A,
    B,
}

/// A running server with two seeded tenants and a platform admin.
pub struct TestApp {
    pub base: String,
    pub db: std::sync::Arc<TestDb>,
    pub a: TenantFx,
    pub b: TenantFx,
    pub platform_admin: (Uuid, String),
    handle: actix_web::dev::ServerHandle,
    tokens: std::cell::RefCell<HashMap<String, Value>>,
    pub client: awc::Client,
}

/// A response.
pub struct Res {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub body: Value,
}

impl std::fmt::Debug for Res {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

impl Res {
    /// Asserts a problem+json error with this status.
    pub fn problem(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "unexpected response: {self:?}");
        let ct = self
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(ct, "application/problem+json", "not problem+json: {self:?}");
        assert_eq!(self.body["status"], status, "{self:?}");
        assert!(
            self.body["type"]
                .as_str()
                .unwrap_or("")
                .starts_with("urn:karat:problem:")
        );
        self
    }
}

static FIXTURE_HASH: OnceLock<String> = OnceLock::new();

impl TestApp {
    /// Starts a server with default test settings.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(&[]).await
    }

    /// Starts a server with extra `karat serve` flags.
    pub async fn spawn_with(flags: &[&str]) -> TestApp {
        let db = TestDb::new();
        let hash = match FIXTURE_HASH.get() {
            Some(h) => h.clone(),
            None => {
                let h = karat::auth::password::hash(PASSWORD.into()).await.unwrap();
                FIXTURE_HASH.get_or_init(|| h).clone()
            }
        };
        let pool = karat::db::Db::connect(&db.app_url(), 8).unwrap();
        let (a, b, pa) = pool
            .platform_tx(async |c| {
                let pa = add_user(c, None, Role::PlatformAdmin, "pa", &hash, &[]).await;
                let a = seed_tenant(c, "alpha", &hash).await;
                let b = seed_tenant(c, "beta", &hash).await;
                Ok((a, b, pa))
            })
            .await
            .unwrap();
        let (base, handle) = start_server(pool, flags).await;
        TestApp {
            base,
            db: std::sync::Arc::new(db),
            a,
            b,
            platform_admin: pa,
            handle,
            tokens: Default::default(),
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
        }
    }

    /// A second server (another node) on the same database and fixtures.
    pub async fn spawn_on(other: &TestApp, flags: &[&str]) -> TestApp {
        let pool = karat::db::Db::connect(&other.db.app_url(), 8).unwrap();
        let (base, handle) = start_server(pool, flags).await;
        TestApp {
            base,
            db: other.db.clone(),
            a: other.a.clone(),
            b: other.b.clone(),
            platform_admin: other.platform_admin.clone(),
            handle,
            tokens: Default::default(),
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .finish(),
        }
    }

    /// Stops this server (its sockets close).
    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }

    /// The seeded tenant.
    pub fn tenant(&self, t: T) -> &TenantFx {
        match t {
            T::A => &self.a,
            T::B => &self.b,
        }
    }

    /// Email of a seeded user.
    pub fn email(&self, t: T, role: Role) -> String {
        if role == Role::PlatformAdmin {
            return self.platform_admin.1.clone();
        }
        self.tenant(t).users[&role].1.clone()
    }

    /// Id of a seeded user.
    pub fn user_id(&self, t: T, role: Role) -> Uuid {
        if role == Role::PlatformAdmin {
            return self.platform_admin.0;
        }
        self.tenant(t).users[&role].0
    }

    /// Logs in over HTTP (cached per email) and returns the login response.
    pub async fn login_as(&self, email: &str) -> Value {
        if let Some(v) = self.tokens.borrow().get(email) {
            return v.clone();
        }
        let r = self
            .post(
                "/api/v1/auth/login",
                None,
                serde_json::json!({ "email": email, "password": PASSWORD }),
            )
            .await;
        assert_eq!(r.status, 200, "login {email}: {r:?}");
        self.tokens
            .borrow_mut()
            .insert(email.to_string(), r.body.clone());
        r.body
    }

    /// Access token of a seeded user.
    pub async fn token(&self, t: T, role: Role) -> String {
        let email = self.email(t, role);
        self.login_as(&email).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn req(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Res {
        let mut r = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let mut resp = match body {
            Some(b) => r.send_json(&b).await.unwrap(),
            None => r.send().await.unwrap(),
        };
        let bytes = resp.body().limit(10 * 1024 * 1024).await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Res {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body,
        }
    }

    /// Sends raw bytes with a content type.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Res {
        let mut r = self
            .client
            .request(method, format!("{}{path}", self.base))
            .insert_header(("content-type", content_type));
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        let mut resp = r.send_body(body).await.unwrap();
        let bytes = resp.body().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Res {
        self.req(Method::GET, path, token, None).await
    }

    /// The Prometheus text at `/metrics`.
    pub async fn metrics(&self) -> String {
        let mut r = self
            .client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        String::from_utf8(r.body().await.unwrap().to_vec()).unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Res {
        self.req(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Res {
        self.req(Method::PATCH, path, token, Some(body)).await
    }

    /// A raw connection as the app role (RLS applies, nothing set).
    pub async fn app_conn(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.db.app_url())
            .await
            .unwrap()
    }

    /// Counts rows of a table on the platform path (for "nothing was written" checks).
    pub async fn count(&self, table: &str) -> i64 {
        let mut c = self.app_conn().await;
        c.batch_execute("SET app.platform = 'on'").await.unwrap();
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let n: N = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result(&mut c)
            .await
            .unwrap();
        n.n
    }

    /// Adds a user of `role` to tenant `t` (password [`PASSWORD`]); returns id and e-mail.
    pub async fn add_staff(&self, t: T, role: Role, tag: &str, stores_: &[Uuid]) -> (Uuid, String) {
        let mut c = self.app_conn().await;
        c.batch_execute("SET app.platform = 'on'").await.unwrap();
        let hash = FIXTURE_HASH.get().expect("fixtures hashed").clone();
        add_user(&mut c, Some(self.tenant(t).id), role, tag, &hash, stores_).await
    }

    /// The newest mail in the outbox to `to`.
    pub async fn last_mail(&self, to: &str) -> Option<String> {
        let mut c = self.app_conn().await;
        c.batch_execute("SET app.platform = 'on'").await.unwrap();
        #[derive(QueryableByName)]
        struct M {
            #[diesel(sql_type = diesel::sql_types::Text)]
            body: String,
        }
        diesel::sql_query(
            "SELECT body FROM mail_outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind::<diesel::sql_types::Text, _>(to)
        .get_result::<M>(&mut c)
        .await
        .optional()
        .unwrap()
        .map(|m| m.body)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let h = self.handle.clone();
        drop(h.stop(false));
    }
}

async fn add_user(
    c: &mut AsyncPgConnection,
    tenant: Option<Uuid>,
    role: Role,
    tag: &str,
    hash: &str,
    stores_: &[Uuid],
) -> (Uuid, String) {
    let id = Uuid::now_v7();
    let email = format!("{}-{tag}@example.test", role.as_str()).replace('_', "-");
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id),
            users::tenant_id.eq(tenant),
            users::email.eq(&email),
            users::name.eq(format!("{} {tag}", role.as_str())),
            users::role.eq(role.as_str()),
            users::password_hash.eq(hash),
        ))
        .execute(c)
        .await
        .unwrap();
    for s in stores_ {
        diesel::insert_into(user_stores::table)
            .values((
                user_stores::tenant_id.eq(tenant.unwrap()),
                user_stores::user_id.eq(id),
                user_stores::store_id.eq(s),
            ))
            .execute(c)
            .await
            .unwrap();
    }
    (id, email)
}

async fn seed_tenant(c: &mut AsyncPgConnection, slug: &str, hash: &str) -> TenantFx {
    let id = Uuid::now_v7();
    diesel::insert_into(tenants::table)
        .values((
            tenants::id.eq(id),
            tenants::name.eq(format!("Tenant {slug}")),
            tenants::slug.eq(slug),
            tenants::country.eq("IN"),
            tenants::currency.eq("INR"),
            tenants::time_zone.eq("Asia/Kolkata"),
            tenants::locale.eq("en-IN"),
            tenants::plan.eq("standard"),
        ))
        .execute(c)
        .await
        .unwrap();
    let mut st = [Uuid::nil(); 2];
    for (i, code) in ["S1", "S2"].iter().enumerate() {
        st[i] = Uuid::now_v7();
        diesel::insert_into(stores::table)
            .values((
                stores::id.eq(st[i]),
                stores::tenant_id.eq(id),
                stores::name.eq(format!("{slug} {code}")),
                stores::code.eq(*code),
                stores::time_zone.eq("Asia/Kolkata"),
            ))
            .execute(c)
            .await
            .unwrap();
    }
    let mut users_ = HashMap::new();
    for role in [
        Role::BusinessAdmin,
        Role::Manager,
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
    ] {
        let s: &[Uuid] = if role == Role::BusinessAdmin {
            &[]
        } else {
            &st[..1]
        };
        users_.insert(role, add_user(c, Some(id), role, slug, hash, s).await);
    }
    TenantFx {
        id,
        stores: st,
        users: users_,
    }
}

/// Starts the real server on port 0; returns its base URL and handle.
async fn start_server(
    pool: karat::db::Db,
    flags: &[&str],
) -> (String, actix_web::dev::ServerHandle) {
    let mut args = vec![
        "serve",
        "--jwt-secret",
        "test-secret-test-secret-test-secret!",
    ];
    if !flags.contains(&"--login-ip-per-minute") {
        args.extend_from_slice(&["--login-ip-per-minute", "100000"]);
    }
    args.extend_from_slice(flags);
    let cfg = ServeArgs::parse_from(args).serve;
    let state = karat::server::build_state(pool, &cfg, &std::env::temp_dir())
        .await
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Two workers with four connections each, set up as `karat serve` does.
    let server = karat::server::http_server(state, listener, 2, 8, false).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    (format!("http://127.0.0.1:{port}"), handle)
}

/// Today where the test tenants are (Asia/Kolkata: UTC+05:30, no daylight
/// saving), the day reports and wallboards count in. From 18:30 UTC on it is
/// already tomorrow's date in UTC terms.
pub fn tenant_today() -> chrono::NaiveDate {
    let ist = chrono::FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("a valid offset");
    chrono::Utc::now().with_timezone(&ist).date_naive()
}
