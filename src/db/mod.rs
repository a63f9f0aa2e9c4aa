//! Database access: the pool, the tenant transaction, migrations.

pub mod embedded;
pub mod find;
pub mod functions;
pub mod schema;

use diesel::prelude::*;
use diesel_async::pooled_connection::deadpool::Pool;
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::realtime::events::Written;

/// Migrations compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A pooled connection.
pub type Conn = AsyncPgConnection;

/// The connection pool plus the one sanctioned way to use it.
#[derive(Clone)]
pub struct Db {
    pool: Pool<AsyncPgConnection>,
    /// One connection of its own for [`Db::find`], shared by the lookups of
    /// all this worker's requests: each is one statement, queued behind the
    /// others without waiting for their answers. They never wait behind slower
    /// work in `pool`, and under load keep one PostgreSQL backend busy instead
    /// of several that fight for the cores.
    lookup: Arc<tokio::sync::Mutex<Option<Arc<AsyncPgConnection>>>>,
    url: Arc<str>,
    /// Where the events of committed transactions go on this node (its
    /// tenant hubs); shared with every sibling pool.
    committed: Arc<std::sync::OnceLock<OnCommit>>,
}

/// Receives the events a transaction wrote, right after it committed.
pub type OnCommit = Box<dyn Fn(Vec<Written>) + Send + Sync>;

impl Db {
    /// Builds a pool of `size` connections, plus the lookup connection
    /// (connections are opened lazily).
    pub fn connect(url: &str, size: usize) -> anyhow::Result<Self> {
        Ok(Db {
            pool: pool(url, size)?,
            lookup: Default::default(),
            url: url.into(),
            committed: Default::default(),
        })
    }

    /// The connection string (for dedicated connections such as LISTEN).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A separate pool to the same database. Each HTTP worker gets its own so a
    /// connection's I/O task runs on the thread that uses it (no cross-thread wake-ups).
    pub fn sibling(&self, size: usize) -> anyhow::Result<Db> {
        Ok(Db {
            committed: self.committed.clone(),
            ..Db::connect(&self.url, size)?
        })
    }

    /// Hands the events of every committed transaction to `f` (this node's
    /// hubs), for this pool and its siblings. Set once; later calls are ignored.
    pub fn on_commit(&self, f: OnCommit) {
        let _ = self.committed.set(f);
    }

    fn hand_over(&self, written: Vec<Written>) {
        if let Some(f) = self.committed.get()
            && !written.is_empty()
        {
            f(written);
        }
    }

    async fn conn(&self) -> Result<Pooled, ApiError> {
        self.pool.get().await.map_err(ApiError::from)
    }

    /// Runs `f` in a transaction scoped to one tenant: RLS sees only that tenant's rows.
    pub async fn tenant_tx<R>(
        &self,
        tenant_id: Uuid,
        user_id: Uuid,
        f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let tx = Tx::begin(
            self.conn().await?,
            &begin_tenant("BEGIN", tenant_id, user_id),
        )?;
        self.run(tx, f).await
    }

    /// Reads one row by id as the tenant sees it, in one statement on the
    /// worker's shared lookup connection: see [`find`](crate::db::find).
    /// `NotFound` when the row does not exist or belongs to another tenant.
    pub async fn find<T, S, R>(&self, query: find::Find<T, S>) -> Result<R, ApiError>
    where
        T: find::Lookup,
        R: Send + 'static,
        for<'c> find::Find<T, S>:
            diesel_async::methods::LoadQuery<'static, &'c AsyncPgConnection, R> + 'static,
    {
        let conn = self.lookup_conn().await?;
        let found = query.get_result(&mut &*conn).await;
        if let Err(e) = &found
            && !matches!(e, diesel::result::Error::NotFound)
        {
            // Whatever went wrong, the next lookup starts on a new connection.
            let mut slot = self.lookup.lock().await;
            if slot.as_ref().is_some_and(|c| Arc::ptr_eq(c, &conn)) {
                *slot = None;
            }
        }
        Ok(found?)
    }

    async fn lookup_conn(&self) -> Result<Arc<AsyncPgConnection>, ApiError> {
        let mut slot = self.lookup.lock().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let connecting = AsyncPgConnection::establish(&self.url);
        let conn = match tokio::time::timeout(std::time::Duration::from_secs(5), connecting).await {
            Ok(Ok(conn)) => Arc::new(conn),
            Ok(Err(e)) => return Err(ApiError::Unavailable(e.to_string())),
            Err(_) => return Err(ApiError::Unavailable("no database connection".into())),
        };
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// Runs `f` on the explicit platform path: authentication and platform-admin
    /// work that must see across tenants. Callers audit what they change.
    pub async fn platform_tx<R>(
        &self,
        f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let tx = Tx::begin(self.conn().await?, "BEGIN; SET LOCAL app.platform = 'on'")?;
        self.run(tx, f).await
    }

    /// Runs `f` in `tx`, records its events, ends it, and hands the events of a
    /// commit to this node's hubs.
    async fn run<R>(
        &self,
        mut tx: Tx,
        f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let result = crate::realtime::events::recording(tx.conn(), f).await;
        let (value, written) = tx.finish(result).await?;
        self.hand_over(written);
        Ok(value)
    }

    /// Runs `f` in the caller's tenant, or on the platform path for platform
    /// staff (who have none).
    pub async fn caller_tx<R>(
        &self,
        tenant_id: Option<Uuid>,
        user_id: Uuid,
        f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        match tenant_id {
            Some(t) => self.tenant_tx(t, user_id, f).await,
            None => self.platform_tx(f).await,
        }
    }

    /// A plain connection outside any tenant (health checks, role checks).
    pub async fn with_conn<R>(
        &self,
        f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
    ) -> Result<R, ApiError> {
        let mut conn = self.conn().await?;
        f(&mut conn).await
    }
}

/// `begin` (`BEGIN` or `BEGIN READ ONLY`) with the tenant's settings. SET LOCAL
/// is a utility statement, so PostgreSQL does not plan it. Uuids print as hex
/// and dashes only, so the interpolation cannot inject SQL.
fn begin_tenant(begin: &str, tenant_id: Uuid, user_id: Uuid) -> String {
    format!("{begin}; SET LOCAL app.tenant_id = '{tenant_id}'; SET LOCAL app.user_id = '{user_id}'")
}

fn pool(url: &str, size: usize) -> anyhow::Result<Pool<AsyncPgConnection>> {
    // Fast recycling: no `SELECT 1` on every checkout. A connection left inside a
    // transaction (a cancelled request) never returns to the pool: see `Tx`.
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(url, config);
    Ok(Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(std::time::Duration::from_secs(5)))
        .create_timeout(Some(std::time::Duration::from_secs(5)))
        .runtime(deadpool_runtime())
        .build()?)
}

type Pooled = deadpool::managed::Object<AsyncDieselConnectionManager<Conn>>;

/// A transaction opened by [`Db::tenant_tx`] or [`Db::platform_tx`].
///
/// `BEGIN` and the settings are sent without waiting for their answer, so they
/// reach PostgreSQL in the same write as the transaction's first statement: one
/// round trip fewer per request. PostgreSQL runs what it receives in order, and
/// if the batch failed, every later statement fails too (an aborted
/// transaction, or a closed connection); without the settings RLS shows nothing.
///
/// A `Tx` dropped before [`Tx::finish`] (a cancelled request) takes its
/// connection out of the pool and closes it: PostgreSQL rolls back, and no later
/// checkout can find the transaction or its tenant.
struct Tx {
    conn: Option<Pooled>,
}

impl Tx {
    fn begin(conn: Pooled, sql: &str) -> Result<Tx, ApiError> {
        let tx = Tx { conn: Some(conn) };
        {
            let mut shared: &AsyncPgConnection = tx.conn.as_deref().expect("just set");
            let mut batch = pin!(SimpleAsyncConnection::batch_execute(&mut shared, sql));
            // The first poll queues the batch on the connection; its answer is not
            // awaited (dropping the future discards it).
            if let Poll::Ready(r) = batch.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
                r?;
            }
        }
        Ok(tx)
    }

    fn conn(&mut self) -> &mut Conn {
        self.conn.as_deref_mut().expect("open until finished")
    }

    async fn finish<R>(mut self, result: Result<R, ApiError>) -> Result<R, ApiError> {
        let end = if result.is_ok() { "COMMIT" } else { "ROLLBACK" };
        let ended = self.conn().batch_execute(end).await;
        if ended.is_ok() {
            // Back to the pool, outside any transaction.
            drop(self.conn.take());
        }
        match (result, ended) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(e)) => Err(e.into()),
            (Err(e), ended) => {
                if let Err(rollback) = ended {
                    tracing::warn!(error = %rollback, "rollback failed");
                }
                Err(e)
            }
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            drop(deadpool::managed::Object::take(conn));
        }
    }
}

fn deadpool_runtime() -> deadpool::Runtime {
    deadpool::Runtime::Tokio1
}

/// Applies pending migrations as the owner and grants the app role what it may do.
pub async fn migrate(owner_url: &str, app_role: &str) -> anyhow::Result<()> {
    let conn = AsyncPgConnection::establish(owner_url).await?;
    let conn = tokio::task::spawn_blocking(move || -> anyhow::Result<AsyncPgConnection> {
        let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
        let applied = harness
            .run_pending_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
        for m in applied {
            tracing::info!(migration = %m, "applied migration");
        }
        Ok(harness.into_inner())
    })
    .await??;
    grant_app_role(conn, app_role).await
}

/// Reverts every migration (used by the migration round-trip test and `migrate --revert-all`).
pub async fn revert_all(owner_url: &str) -> anyhow::Result<()> {
    let conn = AsyncPgConnection::establish(owner_url).await?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        let mut harness = diesel_async::AsyncMigrationHarness::new(conn);
        harness
            .revert_all_migrations(MIGRATIONS)
            .map_err(|e| anyhow::anyhow!("revert failed: {e}"))?;
        Ok(())
    })
    .await?
}

async fn grant_app_role(mut conn: AsyncPgConnection, app_role: &str) -> anyhow::Result<()> {
    use diesel_async::SimpleAsyncConnection;
    if !app_role
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        anyhow::bail!("app role name {app_role:?} must be alphanumeric");
    }
    conn.batch_execute(&format!(
        "GRANT USAGE ON SCHEMA public TO {app_role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app_role};
         REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {app_role};
         REVOKE UPDATE, DELETE, TRUNCATE ON customer_access_log FROM {app_role};
         REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON __diesel_schema_migrations FROM {app_role};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_role};"
    ))
    .await?;
    Ok(())
}

/// Logs how to fix it when the operators customer search relies on are not
/// `LEAKPROOF` (an external database set up without the README's step):
/// search still works, but scans instead of using its indexes.
pub async fn warn_if_search_cannot_use_indexes(db: &Db) {
    #[derive(QueryableByName)]
    struct Flag {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        ok: bool,
    }
    let flag = db
        .with_conn(async |c| {
            Ok(diesel::sql_query(
                "SELECT bool_and(proleakproof) AS ok FROM pg_proc
                 WHERE oid IN ('textlike(text,text)'::regprocedure,
                               'arraycontains(anyarray,anyarray)'::regprocedure,
                               'arrayoverlap(anyarray,anyarray)'::regprocedure,
                               'lower(text)'::regprocedure)",
            )
            .get_result::<Flag>(c)
            .await?)
        })
        .await;
    if let Ok(Flag { ok: false }) = flag {
        tracing::warn!(
            "customer search and tag filters will scan instead of using their indexes; as a superuser, run in this database:\n{}",
            embedded::LEAKPROOF_SQL
        );
    }
}

/// The newest migration version compiled in, and whether the database has it.
pub async fn migrations_current(conn: &mut Conn) -> Result<bool, ApiError> {
    use diesel::migration::MigrationSource;
    let latest = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?
        .iter()
        .map(|m| m.name().version().to_string())
        .max()
        .unwrap_or_default();
    diesel::table! {
        __diesel_schema_migrations (version) {
            version -> VarChar,
        }
    }
    let found: Option<String> = __diesel_schema_migrations::table
        .select(diesel::dsl::max(__diesel_schema_migrations::version))
        .first(conn)
        .await?;
    Ok(found.as_deref() == Some(latest.as_str()))
}

/// Role attributes that must never be true for the runtime connection.
#[derive(QueryableByName, Debug)]
pub struct RoleFlags {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub superuser: bool,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub bypass_rls: bool,
}

/// `serve` refuses to run as a superuser or a BYPASSRLS role: RLS would not hold.
pub async fn check_runtime_role(db: &Db) -> anyhow::Result<String> {
    let flags: RoleFlags = db
        .with_conn(async |c| {
            Ok(diesel::sql_query(
                "SELECT rolname::text AS name, rolsuper AS superuser, rolbypassrls AS bypass_rls \
                 FROM pg_roles WHERE rolname = current_user",
            )
            .get_result(c)
            .await?)
        })
        .await
        .map_err(|e| anyhow::anyhow!("cannot query the database: {e:?}"))?;
    if flags.superuser || flags.bypass_rls {
        anyhow::bail!(
            "refusing to start: database role {:?} is a superuser or has BYPASSRLS, so row-level \
             security would not protect tenants. Connect DATABASE_URL as an ordinary role.",
            flags.name
        );
    }
    Ok(flags.name)
}
