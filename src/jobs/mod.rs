//! The PostgreSQL job queue (DESIGN.md "Jobs"): idempotent, named handlers,
//! `FOR UPDATE SKIP LOCKED` claims, NOTIFY wake-up, exponential backoff and a
//! dead letter after `max_attempts`. Several workers (and nodes) share it safely.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::schema::jobs;
use crate::db::{Conn, Db};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Page, PageParams};
use crate::state::AppState;

/// NOTIFY channel that wakes workers when a job is enqueued that is due now.
pub const CHANNEL: &str = "karat_jobs";
/// How long a claimed job may run before another worker may take it over.
const LEASE: Duration = Duration::from_secs(300);

/// A job to enqueue.
pub struct NewJob<'a> {
    pub kind: &'a str,
    pub tenant_id: Option<Uuid>,
    pub payload: serde_json::Value,
    pub run_at: Option<DateTime<Utc>>,
    pub max_attempts: i32,
    /// A second job with the same key is not enqueued while the first exists.
    pub dedupe_key: Option<String>,
}

/// Enqueues in the caller's transaction (so a job exists only if the change committed).
/// Returns false when a job with the same dedupe key already exists.
pub async fn enqueue(c: &mut Conn, job: NewJob<'_>) -> Result<bool, ApiError> {
    // One cached statement: the insert (unless the key exists) and, for a job
    // due now, the wake-up (later ones are found by the workers' poll).
    Ok(diesel::select(crate::db::functions::karat_enqueue_job(
        Uuid::now_v7(),
        job.tenant_id,
        job.kind,
        job.payload,
        job.run_at.unwrap_or_else(Utc::now),
        job.max_attempts,
        job.dedupe_key,
        CHANNEL,
    ))
    .get_result(c)
    .await?)
}

/// A claimed job.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = jobs)]
pub struct Job {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub kind: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// `queued`, `running`, `done` or `dead`.
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// What a handler returns: `Err` retries later (or dead-letters).
pub type JobResult = Result<(), String>;
// Handlers run on the worker's own thread, so their futures need not be Send
// (the push sender's HTTP client is not).
type BoxFut = Pin<Box<dyn Future<Output = JobResult>>>;
type Handler = Arc<dyn Fn(Db, Job) -> BoxFut + Send + Sync>;

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Handler>,
}

impl Registry {
    /// Registers an (idempotent) handler for `kind`.
    pub fn on<F, Fut>(mut self, kind: &'static str, f: F) -> Self
    where
        F: Fn(Db, Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = JobResult> + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |db, job| Box::pin(f(db, job))));
        self
    }
}

/// Delay before attempt `n + 1`: 2^n seconds, capped at an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    chrono::Duration::seconds(2_i64.saturating_pow(attempts.clamp(0, 12) as u32).min(3600))
}

/// Claims one due job (or a job whose lease expired).
async fn claim(db: &Db) -> Result<Option<Job>, ApiError> {
    db.platform_tx(async |c| {
        let id: Option<Uuid> = jobs::table
            .filter(
                jobs::state
                    .eq("queued")
                    .and(jobs::run_at.le(diesel::dsl::now))
                    .or(jobs::state
                        .eq("running")
                        .and(jobs::locked_until.lt(diesel::dsl::now))),
            )
            .order(jobs::run_at)
            .select(jobs::id)
            .limit(1)
            .for_update()
            .skip_locked()
            .first(c)
            .await
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        let job = diesel::update(jobs::table.find(id))
            .set((
                jobs::state.eq("running"),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::locked_until
                    .eq(Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or_default()),
            ))
            .returning(Job::as_returning())
            .get_result(c)
            .await?;
        Ok(Some(job))
    })
    .await
}

async fn finish(db: &Db, job: &Job, result: JobResult) -> Result<(), ApiError> {
    db.platform_tx(async |c| {
        let q = diesel::update(jobs::table.find(job.id));
        match &result {
            Ok(()) => {
                q.set((jobs::state.eq("done"), jobs::finished_at.eq(diesel::dsl::now), jobs::locked_until.eq(None::<DateTime<Utc>>)))
                    .execute(c)
                    .await?;
            }
            Err(e) if job.attempts >= job.max_attempts => {
                tracing::error!(job.id = %job.id, job.kind = %job.kind, error = %e, "job failed for the last time");
                q.set((
                    jobs::state.eq("dead"),
                    jobs::last_error.eq(e.chars().take(2000).collect::<String>()),
                    jobs::finished_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            }
            Err(e) => {
                tracing::warn!(job.id = %job.id, job.kind = %job.kind, attempt = job.attempts, error = %e, "job failed; will retry");
                q.set((
                    jobs::state.eq("queued"),
                    jobs::last_error.eq(e.chars().take(2000).collect::<String>()),
                    jobs::run_at.eq(Utc::now() + backoff(job.attempts)),
                    jobs::locked_until.eq(None::<DateTime<Utc>>),
                ))
                .execute(c)
                .await?;
            }
        }
        Ok(())
    })
    .await
}

/// Runs due jobs until none is left; returns how many ran.
pub async fn drain(db: &Db, registry: &Registry) -> Result<usize, ApiError> {
    let mut ran = 0;
    while let Some(job) = claim(db).await? {
        let result = match registry.handlers.get(job.kind.as_str()) {
            Some(h) => h(db.clone(), job.clone()).await,
            None => Err(format!("no handler for job kind {:?}", job.kind)),
        };
        finish(db, &job, result).await?;
        ran += 1;
    }
    Ok(ran)
}

/// A worker: drains on every NOTIFY and at least every `poll` (for scheduled jobs and retries).
pub async fn run_worker(db: Db, registry: Registry, poll: Duration) {
    loop {
        let mut listener = match AsyncPgConnection::establish(db.url()).await {
            Ok(mut c) => match diesel::sql_query(format!("LISTEN {CHANNEL}"))
                .execute(&mut c)
                .await
            {
                Ok(_) => Some(c),
                Err(e) => {
                    tracing::warn!(error = %e, "job worker cannot LISTEN; polling only");
                    None
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "job worker cannot connect; polling only");
                None
            }
        };
        for _ in 0..1000 {
            if let Err(e) = drain(&db, &registry).await {
                tracing::warn!(error = ?e, "job worker failed to drain");
            }
            match listener.as_mut() {
                Some(c) => {
                    let mut wake = std::pin::pin!(c.notifications_stream());
                    match tokio::time::timeout(poll, wake.next()).await {
                        Ok(None) | Ok(Some(Err(_))) => break,
                        _ => {}
                    }
                }
                None => tokio::time::sleep(poll).await,
            }
        }
    }
}

/// Counts by state (and the recent failures) for the admin view.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobSummary {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub dead: i64,
}

/// Job list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFilter {
    /// `queued`, `running`, `done` or `dead`.
    pub state: Option<String>,
}

fn scope_of(auth: &Auth) -> Result<Option<Uuid>, ApiError> {
    // Business admins see their tenant's jobs; platform admins the platform's.
    match auth.require(Permission::JobsRead)? {
        Scope::Tenant => Ok(Some(auth.tenant()?)),
        Scope::Platform => Ok(None),
        _ => Err(ApiError::Forbidden),
    }
}

/// Job counts by state.
#[utoipa::path(
    operation_id = "jobs_summary",
    get, path = "/api/v1/jobs/summary", tag = "jobs",
    responses((status = 200, body = JobSummary), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/jobs/summary")]
pub async fn summary(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<JobSummary>, ApiError> {
    let tenant = scope_of(&auth)?;
    let count = async |c: &mut Conn| -> Result<JobSummary, ApiError> {
        let mut q = jobs::table
            .group_by(jobs::state)
            .select((jobs::state, diesel::dsl::count_star()))
            .into_boxed();
        q = match tenant {
            Some(t) => q.filter(jobs::tenant_id.eq(t)),
            None => q.filter(jobs::tenant_id.is_null()),
        };
        let rows: Vec<(String, i64)> = q.load(c).await?;
        let get = |s: &str| {
            rows.iter()
                .find(|(k, _)| k == s)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        Ok(JobSummary {
            queued: get("queued"),
            running: get("running"),
            done: get("done"),
            dead: get("dead"),
        })
    };
    let s = state.db.caller_tx(tenant, auth.user_id, count).await?;
    Ok(web::Json(s))
}

/// Jobs, newest first (e.g. `?state=dead` for failures).
#[utoipa::path(
    operation_id = "jobs_list",
    get, path = "/api/v1/jobs", tag = "jobs", params(JobFilter, PageParams),
    responses((status = 200, body = Page<Job>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/jobs")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<JobFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Job>>, ApiError> {
    let tenant = scope_of(&auth)?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    if filter
        .state
        .as_deref()
        .is_some_and(|s| !["queued", "running", "done", "dead"].contains(&s))
    {
        return Err(ApiError::invalid(
            "state",
            "must be queued, running, done or dead",
        ));
    }
    let load = async |c: &mut Conn| -> Result<Vec<Job>, ApiError> {
        let mut q = jobs::table.select(Job::as_select()).into_boxed();
        q = match tenant {
            Some(t) => q.filter(jobs::tenant_id.eq(t)),
            None => q.filter(jobs::tenant_id.is_null()),
        };
        if let Some(s) = &filter.state {
            q = q.filter(jobs::state.eq(s.clone()));
        }
        if let Some(cur) = cursor {
            q = q.filter(jobs::id.lt(cur));
        }
        Ok(q.order(jobs::id.desc()).limit(limit + 1).load(c).await?)
    };
    let rows = state.db.caller_tx(tenant, auth.user_id, load).await?;
    Ok(web::Json(Page::from_rows(rows, limit, |j| j.id)))
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(0).num_seconds(), 1);
        assert_eq!(backoff(3).num_seconds(), 8);
        assert_eq!(backoff(40).num_seconds(), 3600);
    }
}
