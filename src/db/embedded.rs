//! The embedded PostgreSQL default: a private cluster under the data dir,
//! started from the PostgreSQL binaries installed on the machine.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};

/// Role that owns the schema and runs migrations.
pub const OWNER_ROLE: &str = "karat_owner";
/// Role the server runs as: no superuser, no BYPASSRLS.
pub const APP_ROLE: &str = "karat_app";
const SUPERUSER: &str = "postgres";
/// Longest Unix socket path PostgreSQL accepts is ~107 bytes; stay well below.
const MAX_SOCKET_PATH: usize = 100;

/// A running private cluster.
pub struct EmbeddedPg {
    bin_dir: PathBuf,
    pg_dir: PathBuf,
    socket_dir: PathBuf,
    run_as: Option<(u32, u32)>,
    started_here: bool,
}

impl EmbeddedPg {
    /// Creates the cluster on first use and starts it (or reuses a running one).
    pub fn start(data_dir: &Path) -> anyhow::Result<Self> {
        let bin_dir = find_bin_dir()?;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("cannot create data dir {}", data_dir.display()))?;
        let data_dir = data_dir.canonicalize()?;
        let pg_dir = data_dir.join("postgres");
        let run_as = unprivileged_account()?;
        let socket_dir = socket_dir(&pg_dir)?;
        let pg = EmbeddedPg {
            bin_dir,
            pg_dir,
            socket_dir,
            run_as,
            started_here: false,
        };
        pg.prepare_dirs()?;
        if !pg.pg_dir.join("PG_VERSION").exists() {
            pg.init()?;
        }
        pg.start_server()
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(self.bin_dir.join(program));
        if let Some((uid, gid)) = self.run_as {
            cmd.uid(uid).gid(gid);
            // The child cannot read root's home or cwd; keep it somewhere neutral.
            cmd.current_dir("/").env("HOME", &self.pg_dir);
        }
        cmd.env_remove("PGDATA").env("LC_ALL", "C.UTF-8");
        cmd
    }

    fn prepare_dirs(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.pg_dir)?;
        std::fs::create_dir_all(&self.socket_dir)?;
        std::fs::set_permissions(&self.pg_dir, std::fs::Permissions::from_mode(0o700))?;
        std::fs::set_permissions(&self.socket_dir, std::fs::Permissions::from_mode(0o700))?;
        if let Some((uid, gid)) = self.run_as {
            // Only a directory not yet owned by the account needs handing over;
            // walking a live cluster would race with PostgreSQL's own files.
            use std::os::unix::fs::MetadataExt;
            for dir in [&self.pg_dir, &self.socket_dir] {
                if std::fs::metadata(dir)?.uid() != uid {
                    chown_recursive(dir, uid, gid)?;
                }
            }
            // The unprivileged account must be able to walk down to its directory.
            let mut dir = self.pg_dir.parent();
            while let Some(d) = dir {
                let meta = std::fs::metadata(d)?;
                let mode = meta.permissions().mode();
                if mode & 0o001 == 0 {
                    tracing::info!(path = %d.display(), "granting traverse permission so PostgreSQL can reach its data dir");
                    std::fs::set_permissions(d, std::fs::Permissions::from_mode(mode | 0o001))?;
                }
                dir = d.parent();
            }
        }
        Ok(())
    }

    fn init(&self) -> anyhow::Result<()> {
        tracing::info!(path = %self.pg_dir.display(), "creating embedded PostgreSQL cluster");
        let out = self
            .command("initdb")
            .arg("-D")
            .arg(&self.pg_dir)
            .args([
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ])
            .output()
            .context("running initdb")?;
        if !out.status.success() {
            bail!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }

    fn is_running(&self) -> bool {
        self.command("pg_ctl")
            .arg("-D")
            .arg(&self.pg_dir)
            .arg("status")
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    }

    fn start_server(mut self) -> anyhow::Result<Self> {
        if self.is_running() {
            tracing::info!("reusing running embedded PostgreSQL");
            return Ok(self);
        }
        let opts = format!(
            "-c listen_addresses='' -c unix_socket_directories='{}' -c unix_socket_permissions=0700 -c max_connections=200 -c fsync=on",
            self.socket_dir.display()
        );
        let log = self.pg_dir.join("server.log");
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pg_dir)
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &opts, "start"])
            .output()
            .context("running pg_ctl start")?;
        if !out.status.success() {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(10).collect();
            bail!(
                "embedded PostgreSQL did not start: {}\n{}",
                String::from_utf8_lossy(&out.stderr).trim(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
        self.started_here = true;
        tracing::info!(socket = %self.socket_dir.display(), "embedded PostgreSQL started");
        Ok(self)
    }

    /// Leave the cluster running when this handle is dropped (test clusters).
    pub fn detach(mut self) {
        self.started_here = false;
    }

    /// Stops the cluster if this process started it.
    pub fn stop(&mut self) {
        if !self.started_here {
            return;
        }
        self.started_here = false;
        let result = self
            .command("pg_ctl")
            .arg("-D")
            .arg(&self.pg_dir)
            .args(["-m", "fast", "-w", "stop"])
            .output();
        match result {
            Ok(o) if o.status.success() => tracing::info!("embedded PostgreSQL stopped"),
            Ok(o) => tracing::warn!(
                stderr = %String::from_utf8_lossy(&o.stderr).trim(),
                "embedded PostgreSQL did not stop cleanly"
            ),
            Err(e) => tracing::warn!(error = %e, "could not run pg_ctl stop"),
        }
    }

    /// Connection string for `role` on `database`.
    pub fn url(&self, role: &str, database: &str) -> String {
        format!(
            "host={} port=5432 user={role} dbname={database}",
            self.socket_dir.display()
        )
    }

    /// Superuser connection string (used only to create roles and databases).
    pub fn superuser_url(&self, database: &str) -> String {
        self.url(SUPERUSER, database)
    }

    /// Creates the owner and app roles and `database` (owned by the owner) if missing.
    pub async fn ensure_database(&self, database: &str) -> anyhow::Result<()> {
        let mut conn = AsyncPgConnection::establish(&self.superuser_url("postgres"))
            .await
            .context("connecting to embedded PostgreSQL as superuser")?;
        conn.batch_execute(&format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
                 CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
               END IF;
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                 CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
               END IF;
             END $$;"
        ))
        .await?;
        create_database(&mut conn, database, None).await?;
        allow_indexes_under_rls(&self.superuser_url(database)).await
    }
}

/// Under row-level security PostgreSQL uses an index for a condition only if
/// its functions are `LEAKPROOF` (they cannot reveal rows the policy hides
/// through an error or a side effect). `LIKE`, array containment and
/// `lower()` are not marked so, which would turn every customer search into a
/// full scan. They leak nothing about other rows — an error depends only on
/// the pattern the caller sent — so Karat marks them in its database. Needs a
/// superuser; with an external database run this once (see the README).
pub const LEAKPROOF_SQL: &str = "ALTER FUNCTION textlike(text, text) LEAKPROOF;
ALTER FUNCTION arraycontains(anyarray, anyarray) LEAKPROOF;
ALTER FUNCTION arrayoverlap(anyarray, anyarray) LEAKPROOF;
ALTER FUNCTION lower(text) LEAKPROOF;";

/// Applies [`LEAKPROOF_SQL`] in the database at `superuser_url`.
pub async fn allow_indexes_under_rls(superuser_url: &str) -> anyhow::Result<()> {
    let mut conn = AsyncPgConnection::establish(superuser_url).await?;
    conn.batch_execute(LEAKPROOF_SQL).await?;
    Ok(())
}

/// `CREATE DATABASE` owned by the owner role, optionally from a template; no-op if it exists.
pub async fn create_database(
    conn: &mut AsyncPgConnection,
    database: &str,
    template: Option<&str>,
) -> anyhow::Result<()> {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    #[derive(QueryableByName)]
    struct Exists {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        exists: bool,
    }
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(database)
            .get_result(conn)
            .await?;
    if !found.exists {
        let template = template
            .map(|t| format!(" TEMPLATE \"{t}\""))
            .unwrap_or_default();
        conn.batch_execute(&format!(
            "CREATE DATABASE \"{database}\" OWNER {OWNER_ROLE}{template}"
        ))
        .await?;
    }
    Ok(())
}

impl Drop for EmbeddedPg {
    fn drop(&mut self) {
        self.stop();
    }
}

fn find_bin_dir() -> anyhow::Result<PathBuf> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output()
        && out.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_tools(&dir) {
            return Ok(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|rd| rd.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(dir) = versions.into_iter().rev().find(|d| has_tools(d)) {
        return Ok(dir);
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_tools(&dir) {
                return Ok(dir);
            }
        }
    }
    bail!(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them \
         (Debian/Ubuntu: `apt-get install postgresql`) or set DATABASE_URL to use an existing server."
    )
}

/// PostgreSQL refuses to run as root: pick (or create) an unprivileged account.
fn unprivileged_account() -> anyhow::Result<Option<(u32, u32)>> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(None);
    }
    for name in ["postgres", "karat-pg"] {
        if let Some(ids) = lookup_user(name) {
            return Ok(Some(ids));
        }
    }
    let status = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "karat-pg",
        ])
        .status()
        .context("running useradd to create an account for PostgreSQL")?;
    if !status.success() {
        bail!("running as root and could not create an unprivileged account for PostgreSQL");
    }
    lookup_user("karat-pg")
        .context("account karat-pg missing after useradd")
        .map(Some)
}

fn lookup_user(name: &str) -> Option<(u32, u32)> {
    let cname = std::ffi::CString::new(name).ok()?;
    // SAFETY: getpwnam takes a valid NUL-terminated string; we copy the fields out at once.
    unsafe {
        let pw = libc::getpwnam(cname.as_ptr());
        if pw.is_null() {
            None
        } else {
            Some(((*pw).pw_uid, (*pw).pw_gid))
        }
    }
}

fn chown_recursive(path: &Path, uid: u32, gid: u32) -> anyhow::Result<()> {
    std::os::unix::fs::chown(path, Some(uid), Some(gid))
        .with_context(|| format!("chown {}", path.display()))?;
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            if entry.file_type()?.is_symlink() {
                continue;
            }
            chown_recursive(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}

/// The socket lives in the cluster directory unless that path is too long.
fn socket_dir(pg_dir: &Path) -> anyhow::Result<PathBuf> {
    let socket = pg_dir.join(".s.PGSQL.5432.lock");
    if socket.as_os_str().len() < MAX_SOCKET_PATH {
        return Ok(pg_dir.to_path_buf());
    }
    use sha2::Digest;
    let digest = sha2::Sha256::digest(pg_dir.as_os_str().as_encoded_bytes());
    Ok(PathBuf::from(format!(
        "/tmp/karat-{}",
        hex::encode(&digest[..6])
    )))
}
