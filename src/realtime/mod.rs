//! Real time: the event log, the WebSocket gateway and the tenant hubs.

pub mod events;
pub mod hub;
mod outbox;
pub mod presence;
pub mod protocol;
mod socket;

use std::os::fd::{BorrowedFd, RawFd};
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::BoxBody;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::auth::tokens;
use crate::db::schema::{realtime_tickets, sessions, tenants};
use crate::http::error::{ApiError, Problem};
use crate::state::AppState;
use crate::users;
use events::{CHANNEL, CONTROL_CHANNEL, Viewer};
use hub::{Hubs, KickSessions, Target, Typing, Wake};
use protocol::{CLOSE_REVOKED, ServerMsg};

/// Largest frame a client may send.
pub const MAX_FRAME: usize = 64 * 1024;
/// Outbound messages queued per socket before the client counts as too slow.
pub const OUT_BUFFER: usize = 256;
const TICKET_TTL_SECS: i64 = 30;
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
const HEARTBEAT: Duration = Duration::from_secs(15);
const IDLE_TIMEOUT: Duration = Duration::from_secs(45);
const TYPING_EVERY: Duration = Duration::from_secs(1);

/// A one-time WebSocket ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ticket {
    pub ticket: String,
    /// Seconds the ticket stays valid.
    pub expires_in: i64,
    /// Path to open the WebSocket on.
    pub url: String,
}

/// Get a one-time ticket (valid 30 s) for opening the real-time WebSocket.
#[utoipa::path(
    post, path = "/api/v1/realtime/ticket", tag = "realtime",
    responses((status = 200, body = Ticket), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[post("/realtime/ticket")]
pub async fn ticket(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<Ticket>, ApiError> {
    let token = tokens::random_token();
    let hash = tokens::token_hash(&token);
    state
        .db
        .platform_tx(async |c| {
            diesel::insert_into(realtime_tickets::table)
                .values((
                    realtime_tickets::ticket_hash.eq(&hash),
                    realtime_tickets::user_id.eq(auth.user_id),
                    realtime_tickets::session_id.eq(auth.session_id),
                    realtime_tickets::expires_at
                        .eq(Utc::now() + chrono::Duration::seconds(TICKET_TTL_SECS)),
                ))
                .execute(c)
                .await?;
            Ok(())
        })
        .await?;
    Ok(web::Json(Ticket {
        url: format!("/api/v1/realtime?ticket={token}"),
        ticket: token,
        expires_in: TICKET_TTL_SECS,
    }))
}

/// The ticket on the upgrade request.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Upgrade {
    pub ticket: String,
}

/// Who a consumed ticket belongs to.
struct Holder {
    /// None for platform staff.
    tenant: Option<Uuid>,
    auth_session: Uuid,
    name: String,
    viewer: Viewer,
}

async fn consume(state: &AppState, presented: &str) -> Result<Holder, ApiError> {
    let hash = tokens::token_hash(presented);
    let invalid = || ApiError::Unauthorized("The real-time ticket is invalid, used or expired.");
    let holder = state
        .db
        .platform_tx(async |c| {
            let used: Option<(Uuid, Uuid)> = diesel::update(
                realtime_tickets::table
                    .filter(realtime_tickets::ticket_hash.eq(&hash))
                    .filter(realtime_tickets::used_at.is_null())
                    .filter(realtime_tickets::expires_at.gt(diesel::dsl::now)),
            )
            .set(realtime_tickets::used_at.eq(diesel::dsl::now))
            .returning((realtime_tickets::user_id, realtime_tickets::session_id))
            .get_result(c)
            .await
            .optional()?;
            let Some((user_id, auth_session)) = used else {
                return Ok(None);
            };
            let live: i64 = sessions::table
                .find(auth_session)
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(diesel::dsl::now))
                .count()
                .get_result(c)
                .await?;
            let user = users::find(c, user_id).await?;
            let tenant = user.tenant_id;
            let status: String = match tenant {
                Some(t) => {
                    tenants::table
                        .find(t)
                        .select(tenants::status)
                        .first(c)
                        .await?
                }
                None => "active".into(),
            };
            if live == 0 || !user.active || status != "active" {
                return Ok(None);
            }
            Ok(Some(Holder {
                tenant,
                auth_session,
                name: user.name.clone(),
                viewer: Viewer {
                    user_id,
                    role: user.role,
                    stores: user.store_ids,
                },
            }))
        })
        .await?;
    holder.ok_or_else(invalid)
}

/// `scheme://host[:port]` of a URL (the URL itself when it has no scheme).
pub fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => match url[i + 3..].find('/') {
            Some(j) => &url[..i + 3 + j],
            None => url,
        },
        None => url,
    }
}

/// Browsers always send Origin on WebSocket upgrades; other clients may not.
/// A browser page is allowed when it is served by this host (same origin), by
/// the public URL, or by a configured extra origin — never by another site.
fn origin_allowed(state: &AppState, origin: Option<&str>, host: Option<&str>) -> bool {
    let Some(origin) = origin else { return true };
    let same_host = host.is_some_and(|h| origin.split_once("://").is_some_and(|(_, o)| o == h));
    same_host
        || origin == origin_of(&state.config.public_url())
        || state
            .config
            .allowed_origins
            .iter()
            .any(|o| origin_of(o) == origin)
}

/// The descriptor of an HTTP connection's socket, noted as it is accepted
/// ([`crate::server`]).
#[derive(Clone, Copy)]
pub struct ConnFd(pub RawFd);

/// Descriptors kept for everything but WebSockets' duplicates: listeners,
/// the database pool, plain HTTP connections, files.
const RESERVED_FDS: u64 = 1024;

/// Sizes the duplicates' share of the `open_files` the process may hold:
/// half of what the reserve leaves, since each socket also has its
/// connection's own. Sockets beyond it write through actix-http.
pub fn share_descriptors(open_files: u64) {
    let share = open_files.saturating_sub(RESERVED_FDS) / 2;
    outbox::limit_dups(usize::try_from(share).unwrap_or(usize::MAX));
}

/// A duplicate of the socket `req` came on, for the WebSocket's outbox to
/// write to directly (see `outbox.rs`). None if the duplicates' share of
/// descriptors is used up, or the process is out of them: the socket then
/// writes through actix-http.
fn wire(req: &HttpRequest) -> Option<outbox::Dup> {
    let fd = req.conn_data::<ConnFd>()?.0;
    // SAFETY: `fd` belongs to the connection `req` came on, which stays open
    // while its request is handled; only the duplicate outlives this call.
    let fd = unsafe { BorrowedFd::borrow_raw(fd) };
    outbox::Dup::of(fd)
        .inspect_err(|e| tracing::warn!(error = %e, "cannot duplicate a WebSocket's descriptor"))
        .ok()
        .flatten()
}

/// Open the real-time WebSocket with a ticket (protocol: docs/realtime.md).
#[utoipa::path(
    get, path = "/api/v1/realtime", tag = "realtime", params(Upgrade),
    description = include_str!("../../docs/realtime.md"),
    responses((status = 101, description = "Switching to the WebSocket protocol (v1, JSON text frames)"),
      (status = 401, body = Problem), (status = 403, description = "Origin not allowed", body = Problem))
)]
#[get("/realtime")]
pub async fn connect(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
    query: web::Query<Upgrade>,
) -> Result<HttpResponse, ApiError> {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if !origin_allowed(&state, origin, host) {
        return Err(ApiError::Forbidden);
    }
    if query.ticket.len() > 200 {
        return Err(ApiError::Unauthorized(
            "The real-time ticket is invalid, used or expired.",
        ));
    }
    let holder = consume(&state, &query.ticket).await?;
    let wire = state.config.ws_direct_writes.then(|| wire(&req)).flatten();
    state.metrics.socket_opened(wire.is_some());
    let response = actix_http::ws::handshake(req.head())
        .map_err(|e| ApiError::BadRequest(format!("Not a WebSocket upgrade: {e}")))?
        .message_body(BoxBody::new(socket::Socket::new(
            state.hubs.clone(),
            body.into_inner(),
            holder,
            wire,
        )))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(response.into())
}

/// Starts the node's NOTIFY listener and the hourly housekeeping jobs on the hubs' arbiter.
pub fn start_background(hubs: Arc<Hubs>, db: crate::db::Db, retention_days: i64) {
    let url = db.url().to_string();
    let h = hubs.clone();
    let (beat_db, node) = (db.clone(), hubs.node_id);
    hubs.arbiter()
        .spawn(async move { presence::heartbeat(beat_db, node).await });
    hubs.arbiter().spawn(async move { listen(url, h).await });
    hubs.arbiter().spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            // Housekeeping across all nodes: the dedupe key is the period (hour
            // or day), so each job runs once per period however many nodes are up.
            const HOURLY: &str = "%Y-%m-%dT%H";
            // Auto tags are recomputed once a day (and on every change).
            const DAILY: &str = "%Y-%m-%d";
            let now = Utc::now();
            let queued = db
                .platform_tx(async |c| {
                    for (kind, payload, period) in [
                        (
                            SWEEP_JOB,
                            serde_json::json!({ "retention_days": retention_days }),
                            HOURLY,
                        ),
                        (crate::customers::PURGE_JOB, serde_json::json!({}), HOURLY),
                        (crate::segments::AUTOTAG_JOB, serde_json::json!({}), DAILY),
                        (crate::files::SWEEP_JOB, serde_json::json!({}), HOURLY),
                    ] {
                        let job = crate::jobs::NewJob {
                            kind,
                            tenant_id: None,
                            payload,
                            run_at: None,
                            max_attempts: 3,
                            dedupe_key: Some(format!("{kind}:{}", now.format(period))),
                        };
                        crate::jobs::enqueue(c, job).await?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = queued {
                tracing::warn!(error = ?e, "could not schedule the hourly jobs");
            }
        }
    });
}

/// Job kind that deletes events past retention (and stale tickets).
pub const SWEEP_JOB: &str = "events.sweep";

/// The sweep job's handler.
pub async fn sweep_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let days = job.payload["retention_days"]
        .as_i64()
        .unwrap_or(7)
        .clamp(1, 3650) as i32;
    let swept = db
        .platform_tx(async |c| {
            let n = diesel::sql_query(
                "DELETE FROM events WHERE created_at < now() - make_interval(days => $1)",
            )
            .bind::<diesel::sql_types::Integer, _>(days)
            .execute(c)
            .await?;
            diesel::delete(
                realtime_tickets::table.filter(realtime_tickets::expires_at.lt(diesel::dsl::now)),
            )
            .execute(c)
            .await?;
            Ok(n)
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
    if swept > 0 {
        tracing::info!(events = swept, "swept events past retention");
    }
    Ok(())
}

async fn listen(url: String, hubs: Arc<Hubs>) {
    loop {
        match AsyncPgConnection::establish(&url).await {
            Ok(mut conn) => {
                let listening = async {
                    diesel::sql_query(format!("LISTEN {CHANNEL}"))
                        .execute(&mut conn)
                        .await?;
                    diesel::sql_query(format!("LISTEN {CONTROL_CHANNEL}"))
                        .execute(&mut conn)
                        .await
                }
                .await;
                if let Err(e) = listening {
                    tracing::warn!(error = %e, "LISTEN failed");
                } else {
                    // Anything committed while we were not listening.
                    for hub in hubs.all() {
                        hub.do_send(Wake(i64::MAX));
                    }
                    let mut stream = std::pin::pin!(conn.notifications_stream());
                    while let Some(n) = stream.next().await {
                        match n {
                            Ok(n) => route(&hubs, &n.channel, &n.payload),
                            Err(e) => {
                                tracing::warn!(error = %e, "notification stream failed");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot connect the event listener"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

fn route(hubs: &Hubs, channel: &str, payload: &str) {
    let Some((what, id)) = payload.split_once(':') else {
        return;
    };
    if what == "platform" {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(id) {
            let text = ServerMsg::Notice {
                topic: v["topic"].as_str().unwrap_or_default(),
                kind: v["kind"].as_str().unwrap_or_default(),
                payload: &v["payload"],
            }
            .json();
            hubs.to_platform(&text);
        }
        return;
    }
    if what == "typing" {
        if let Ok(t) = serde_json::from_str::<hub::ChatTyping>(id)
            && let Some(hub) = hubs.existing(t.tenant)
        {
            hub.do_send(Typing::To(t));
        }
        return;
    }
    if channel == CHANNEL {
        if let (Ok(tenant), Ok(seq)) = (what.parse::<Uuid>(), id.parse::<i64>())
            && let Some(hub) = hubs.existing(tenant)
        {
            hub.do_send(Wake(seq));
        }
        return;
    }
    let Ok(id) = id.parse::<Uuid>() else { return };
    let target = match what {
        "session" => Target::AuthSession(id),
        "user" => Target::User(id),
        "refresh" => {
            for hub in hubs.all() {
                hub.do_send(KickSessions(Target::User(id), protocol::CLOSE_RESUME));
            }
            return;
        }
        "tenant" => {
            if let Some(hub) = hubs.existing(id) {
                hub.do_send(KickSessions(Target::All, CLOSE_REVOKED));
            }
            return;
        }
        _ => return,
    };
    hubs.kick_platform(&target, CLOSE_REVOKED);
    for hub in hubs.all() {
        hub.do_send(KickSessions(target.clone(), CLOSE_REVOKED));
    }
}

/// Queues a notice for platform staff's sockets on every node (sent on commit;
/// not stored, so a reconnecting client refetches).
pub async fn notify_platform(
    c: &mut crate::db::Conn,
    topic: &str,
    kind: &str,
    payload: serde_json::Value,
) -> Result<(), ApiError> {
    let body = serde_json::json!({ "topic": topic, "kind": kind, "payload": payload });
    events::notify(c, CONTROL_CHANNEL, &format!("platform:{body}")).await
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/x/y"),
            "http://127.0.0.1:8080"
        );
        assert_eq!(origin_of("https://karat.example"), "https://karat.example");
    }
}
