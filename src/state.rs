//! Shared application state handed to every handler.

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::auth::tokens::JwtKeys;
use crate::config::ServeConfig;
use crate::db::Db;
use crate::http::metrics::Metrics;
use crate::mail::Mailer;
use crate::realtime::hub::Hubs;

/// Everything a request handler may need. Cloning shares everything but the
/// pool; see [`AppState::for_worker`].
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub jwt: JwtKeys,
    pub mailer: Arc<Mailer>,
    pub config: Arc<ServeConfig>,
    pub metrics: Arc<Metrics>,
    /// Login and password-reset attempts per client IP, checked before any hashing.
    pub auth_ip_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Web-form enquiries per client IP, and per form key.
    pub form_ip_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    pub form_key_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Public survey look-ups and answers per client IP.
    pub survey_ip_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Chat messages per user.
    pub chat_limiter: Arc<DefaultKeyedRateLimiter<String>>,
    /// Bounds concurrent password hashes so a flood cannot take every core.
    pub hash_slots: Arc<tokio::sync::Semaphore>,
    /// This node's tenant hubs.
    pub hubs: Arc<Hubs>,
    /// The deployment's Web Push key.
    pub vapid: crate::push::Vapid,
    /// Uploaded files (photos).
    pub storage: Arc<dyn crate::storage::Storage>,
}

impl AppState {
    /// Builds the state and starts the real-time machinery (hubs, listener, sweeper).
    pub async fn new(
        db: Db,
        jwt: JwtKeys,
        mailer: Mailer,
        config: Arc<ServeConfig>,
        storage: Arc<dyn crate::storage::Storage>,
    ) -> anyhow::Result<Self> {
        let vapid = crate::push::Vapid::load_or_create(&db).await?;
        let hub_db = db.sibling(4)?;
        let hubs = Hubs::start(hub_db.clone());
        db.on_commit(Box::new({
            let hubs = hubs.clone();
            move |written| {
                for (tenant, events) in written {
                    if let Some(hub) = hubs.existing(tenant) {
                        hub.do_send(crate::realtime::hub::Committed(events));
                    }
                }
            }
        }));
        crate::realtime::start_background(
            hubs.clone(),
            hub_db.clone(),
            config.event_retention_days,
        );
        let (push_key, subject) = (vapid.clone(), config.public_url());
        let registry = crate::jobs::Registry::default()
            .on(crate::realtime::SWEEP_JOB, crate::realtime::sweep_job)
            .on(crate::customers::PURGE_JOB, {
                let storage = storage.clone();
                move |db, job| crate::customers::purge_job(db, storage.clone(), job)
            })
            .on(crate::segments::AUTOTAG_JOB, crate::segments::autotag_job)
            .on(
                crate::customers::import::IMPORT_JOB,
                crate::customers::import::import_job,
            )
            .on(
                crate::customers::appointments::REMIND_JOB,
                crate::customers::appointments::remind_job,
            )
            .on(
                crate::telecalling::SLA_JOB,
                crate::telecalling::console::sla_job,
            )
            .on(
                crate::telecalling::FOLLOW_UP_JOB,
                crate::telecalling::console::follow_up_job,
            )
            .on(crate::files::SWEEP_JOB, {
                let storage = storage.clone();
                move |db, job| crate::files::sweep_job(db, storage.clone(), job)
            })
            .on(crate::tickets::SLA_JOB, crate::tickets::sla_job)
            .on(
                crate::tickets::AUTO_CLOSE_JOB,
                crate::tickets::auto_close_job,
            )
            .on(
                crate::announcements::PUBLISH_JOB,
                crate::announcements::publish_job,
            )
            .on(
                crate::announcements::EXPIRE_JOB,
                crate::announcements::expire_job,
            )
            .on(crate::escalations::SLA_JOB, crate::escalations::sla_job)
            .on(crate::push::PUSH_JOB, move |db, job| {
                crate::push::send_job(db, push_key.clone(), subject.clone(), job)
            });
        // The worker's futures are not Send: start it from the arbiter's own thread.
        hubs.arbiter().spawn_fn(move || {
            actix_web::rt::spawn(crate::jobs::run_worker(
                hub_db,
                registry,
                std::time::Duration::from_secs(5),
            ));
        });
        let per_minute = NonZeroU32::new(config.login_ip_per_minute.max(1)).expect("non-zero");
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(AppState {
            vapid,
            storage,
            hubs,
            db,
            jwt,
            mailer: Arc::new(mailer),
            metrics: Arc::new(Metrics::new()),
            auth_ip_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
            form_ip_limiter: Arc::new(RateLimiter::keyed(
                Quota::per_minute(NonZeroU32::new(10).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(5).expect("non-zero")),
            )),
            form_key_limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(120).expect("non-zero"),
            ))),
            survey_ip_limiter: Arc::new(RateLimiter::keyed(
                Quota::per_minute(NonZeroU32::new(60).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(30).expect("non-zero")),
            )),
            // A burst of 30, then 5 a second: brisk typing, never a flood.
            chat_limiter: Arc::new(RateLimiter::keyed(
                Quota::per_second(NonZeroU32::new(5).expect("non-zero"))
                    .allow_burst(NonZeroU32::new(30).expect("non-zero")),
            )),
            hash_slots: Arc::new(tokio::sync::Semaphore::new(cores)),
            config,
        })
    }

    /// The state for one HTTP worker: shared limits and metrics, its own pool.
    pub fn for_worker(&self, pool_size: usize) -> anyhow::Result<AppState> {
        Ok(AppState {
            db: self.db.sibling(pool_size)?,
            ..self.clone()
        })
    }

    /// 429 with the wait when `ip` has used its login budget.
    pub fn check_auth_ip(&self, ip: Option<&str>) -> Result<(), crate::http::error::ApiError> {
        self.check_limit(&self.auth_ip_limiter, ip.unwrap_or("unknown"))
    }

    /// 429 with the wait when `key` has used its budget in `limiter`.
    pub fn check_limit(
        &self,
        limiter: &DefaultKeyedRateLimiter<String>,
        key: &str,
    ) -> Result<(), crate::http::error::ApiError> {
        limiter.check_key(&key.to_string()).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            crate::http::error::ApiError::TooManyRequests {
                retry_after: wait.as_secs().max(1),
            }
        })
    }
}
