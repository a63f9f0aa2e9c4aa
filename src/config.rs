//! Typed configuration, read once from the environment (and CLI flags).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use secrecy::SecretString;

/// Where the database lives. Shared by every command that touches it.
#[derive(Debug, Clone, Args)]
pub struct DbConfig {
    /// Runtime connection (app role, no BYPASSRLS). Unset: embedded PostgreSQL in the data dir.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<SecretString>,
    /// Connection used for migrations (owner role). Defaults to DATABASE_URL.
    #[arg(long, env = "DATABASE_OWNER_URL", hide_env_values = true)]
    pub database_owner_url: Option<SecretString>,
    /// Directory for the embedded database, generated secrets and files.
    #[arg(long, env = "KARAT_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Pooled database connections per node, split between the HTTP workers.
    /// Unset: 2 per worker. More only queue more work on the database's cores:
    /// on 2 cores, 16 instead of 4 cost a fifth of the throughput and tripled p99.
    #[arg(long, env = "KARAT_DB_POOL_SIZE")]
    pub db_pool_size: Option<usize>,
}

/// Log output format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// JSON when stdout is not a terminal, human-readable otherwise.
    Auto,
    Json,
    Pretty,
}

/// Everything `karat serve` needs.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "KARAT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Public base URL (links in e-mails, allowed WebSocket origin).
    #[arg(long, env = "KARAT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// HMAC secret for access tokens (≥ 32 bytes). Unset: generated once into the data dir.
    /// Every node of one deployment must share it.
    #[arg(long, env = "KARAT_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,
    /// SMTP server for outgoing mail, e.g. `smtps://user:pass@mail.example.com`.
    /// Unset: mail is written to the `mail_outbox` table and the log.
    #[arg(long, env = "KARAT_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<SecretString>,
    /// Sender address for outgoing mail.
    #[arg(
        long,
        env = "KARAT_MAIL_FROM",
        default_value = "Karat <no-reply@karat.local>"
    )]
    pub mail_from: String,
    /// Login attempts allowed per client IP per minute (all outcomes).
    #[arg(long, env = "KARAT_LOGIN_IP_PER_MINUTE", default_value_t = 30)]
    pub login_ip_per_minute: u32,
    /// Failed logins for one account before it is locked for the lock window.
    #[arg(long, env = "KARAT_LOGIN_MAX_FAILURES", default_value_t = 5)]
    pub login_max_failures: i32,
    /// Account lock window in seconds after too many failed logins.
    #[arg(long, env = "KARAT_LOGIN_LOCK_SECONDS", default_value_t = 900)]
    pub login_lock_seconds: i64,
    /// HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "KARAT_WORKERS")]
    pub workers: Option<usize>,
    /// Extra origins allowed to open the WebSocket (comma-separated), besides KARAT_PUBLIC_URL's.
    #[arg(long, env = "KARAT_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// WebSockets write their frames straight to the connection's socket (one
    /// more descriptor each); `false` sends them through actix-http.
    #[arg(long, env = "KARAT_WS_DIRECT_WRITES", default_value_t = true, action = clap::ArgAction::Set)]
    pub ws_direct_writes: bool,
    /// Days events are kept for replay; older ones are swept hourly.
    #[arg(long, env = "KARAT_EVENT_RETENTION_DAYS", default_value_t = 7)]
    pub event_retention_days: i64,
    /// Log format.
    #[arg(long, env = "KARAT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Auto)]
    pub log_format: LogFormat,
}

impl ServeConfig {
    /// The public URL, defaulting to the listen address.
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.addr))
            .trim_end_matches('/')
            .to_string()
    }
}
