//! Start-up: database (embedded or external), migrations, state, HTTP server.

use std::io::IsTerminal;
use std::net::TcpListener;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use secrecy::ExposeSecret;

use crate::auth::tokens::JwtKeys;
use crate::config::{DbConfig, LogFormat, ServeConfig};
use crate::db::embedded::{self, EmbeddedPg};
use crate::db::{self, Db};
use crate::mail::Mailer;
use crate::state::AppState;

/// Connection strings for the runtime and migration roles, and the embedded
/// cluster when one was started (stopped when this is dropped).
pub struct Database {
    pub app_url: String,
    pub owner_url: String,
    pub embedded: Option<EmbeddedPg>,
}

/// Opens the configured database, starting the embedded cluster when no URL is set.
pub async fn open_database(cfg: &DbConfig) -> anyhow::Result<Database> {
    if let Some(url) = &cfg.database_url {
        let app_url = url.expose_secret().to_string();
        let owner_url = cfg
            .database_owner_url
            .as_ref()
            .map(|u| u.expose_secret().to_string())
            .unwrap_or_else(|| app_url.clone());
        return Ok(Database {
            app_url,
            owner_url,
            embedded: None,
        });
    }
    let data_dir = cfg.data_dir.clone();
    let pg = tokio::task::spawn_blocking(move || EmbeddedPg::start(&data_dir)).await??;
    pg.ensure_database("karat").await?;
    Ok(Database {
        app_url: pg.url(embedded::APP_ROLE, "karat"),
        owner_url: pg.url(embedded::OWNER_ROLE, "karat"),
        embedded: Some(pg),
    })
}

impl Database {
    /// Migrates as the owner and grants the runtime role; returns its pool.
    pub async fn migrate_and_connect(&self, pool_size: usize) -> anyhow::Result<Db> {
        let db = Db::connect(&self.app_url, pool_size)?;
        let role = db::check_runtime_role(&db).await?;
        db::migrate(&self.owner_url, &role).await?;
        db::warn_if_search_cannot_use_indexes(&db).await;
        Ok(db)
    }
}

/// Sets up logging: JSON when stdout is not a terminal (or when asked).
pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// The access-token secret: configured, or generated once into the data dir.
pub fn jwt_secret(cfg: &ServeConfig, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = &cfg.jwt_secret {
        let s = s.expose_secret().as_bytes().to_vec();
        anyhow::ensure!(s.len() >= 32, "KARAT_JWT_SECRET must be at least 32 bytes");
        return Ok(s);
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing.trim().as_bytes().to_vec());
    }
    std::fs::create_dir_all(data_dir)?;
    let secret = format!(
        "{}{}",
        crate::auth::tokens::random_token(),
        crate::auth::tokens::random_token()
    );
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    std::io::Write::write_all(&mut f, secret.as_bytes())?;
    Ok(secret.into_bytes())
}

/// Builds the shared state.
pub async fn build_state(db: Db, cfg: &ServeConfig, data_dir: &Path) -> anyhow::Result<AppState> {
    let jwt = JwtKeys::new(&jwt_secret(cfg, data_dir)?);
    let mailer = Mailer::new(cfg.smtp_url.as_ref(), &cfg.mail_from)?;
    let storage = Arc::new(crate::storage::LocalStorage::new(data_dir.join("files")));
    AppState::new(db, jwt, mailer, Arc::new(cfg.clone()), storage).await
}

/// HTTP workers: as configured, else one per CPU core.
fn worker_count(configured: Option<usize>) -> usize {
    configured
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        })
        .max(1)
}

/// Runs the HTTP server on `listener` until it is stopped (Ctrl-C, SIGTERM).
/// `pool_size` database connections are split between the workers.
pub async fn run_http(
    state: AppState,
    listener: TcpListener,
    workers: usize,
    pool_size: usize,
) -> anyhow::Result<()> {
    http_server(state, listener, workers, pool_size, true)?.await?;
    Ok(())
}

/// The HTTP server, started and not yet awaited (the tests stop it through its
/// handle; `signals` makes Ctrl-C and SIGTERM stop it).
pub fn http_server(
    state: AppState,
    listener: TcpListener,
    workers: usize,
    pool_size: usize,
    signals: bool,
) -> anyhow::Result<actix_web::dev::Server> {
    let per_worker = (pool_size / workers).max(1);
    // Fail at start-up, not inside a worker, if the pool cannot be built.
    state.for_worker(per_worker)?;
    let server = actix_web::HttpServer::new(move || {
        let worker = state
            .for_worker(per_worker)
            .expect("pool config was checked at start-up");
        crate::http::app(actix_web::web::Data::new(worker))
    })
    // Send each write at once: with Nagle's algorithm a WebSocket frame written
    // while the previous one is unacknowledged waits for the client's delayed
    // ACK, up to 40 ms.
    .tcp_nodelay(true)
    // WebSockets write to their connection's socket directly (see realtime::wire).
    .on_connect(|conn, data| {
        if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
            data.insert(crate::realtime::ConnFd(tcp.as_raw_fd()));
        }
    })
    .listen(listener)?
    .workers(workers)
    .shutdown_timeout(10);
    Ok(if signals {
        server.run()
    } else {
        server.disable_signals().run()
    })
}

/// Raises the soft limit on open descriptors to the hard one, as far as the
/// system allows: the usual soft limit of 1,024 would cap a node at fewer
/// than 1,000 sockets, and a WebSocket writing directly holds two (its
/// connection and the duplicate its outbox writes to). Returns the limit now
/// in force.
fn raise_open_files_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

/// `karat serve`.
pub async fn serve(dbc: DbConfig, cfg: ServeConfig, demo: bool) -> anyhow::Result<()> {
    let open_files = raise_open_files_limit();
    tracing::info!(open_files, "open descriptors allowed");
    crate::realtime::share_descriptors(open_files);
    let mut database = open_database(&dbc).await?;
    let result = async {
        let workers = worker_count(cfg.workers);
        let pool_size = dbc.db_pool_size.unwrap_or(2 * workers);
        let db = database.migrate_and_connect(pool_size).await?;
        if demo {
            crate::demo::load(&db).await?;
        }
        let listener = TcpListener::bind(cfg.addr)
            .with_context(|| format!("cannot listen on {}", cfg.addr))?;
        let url = format!("http://{}", listener.local_addr()?);
        // With port 0 the configured address is not where we listen.
        let mut cfg = cfg;
        cfg.public_url.get_or_insert_with(|| url.clone());
        let state = build_state(db, &cfg, &dbc.data_dir).await?;
        tracing::info!(%url, "Karat is running");
        println!("\n  Karat is running at {url}\n");
        if demo {
            crate::demo::print_credentials();
        }
        let (db, node) = (state.db.clone(), state.hubs.node_id);
        let served = run_http(state, listener, workers, pool_size).await;
        crate::realtime::presence::leave_node(&db, node).await;
        served
    }
    .await;
    if let Some(pg) = database.embedded.as_mut() {
        pg.stop();
    }
    result
}
