//! Support tickets from a tenant to the platform: `ST-YYYYMMDD-NNNN` numbers,
//! a strict status machine with a system message on every change, internal
//! notes only platform staff see (enforced by RLS too), attachments, response
//! templates, assignment, SLA by priority with breach mail to platform staff,
//! and auto-close a week after resolution.
//!
//! Business admins see their tenant's tickets, managers the ones they raised;
//! platform staff work on the explicit platform path.

pub mod machine;

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role};
use crate::db::Conn;
use crate::db::schema::{mail_outbox, tenants, ticket_messages, ticket_templates, tickets, users};
use crate::files::{self, Attachment};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator, contains_pattern};
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use machine::{Priority, Refusal, Side, TicketStatus};

/// Event topic of tickets.
pub const TOPIC: &str = "tickets";
/// Job that marks a ticket past its SLA and tells platform staff.
pub const SLA_JOB: &str = "tickets.sla";
/// Job that closes a ticket a week after it was resolved.
pub const AUTO_CLOSE_JOB: &str = "tickets.auto_close";

crate::customers::model::words!(
    /// What a ticket is about.
    TicketCategory {
        Technical = "technical",
        Billing = "billing",
        Account = "account",
        Data = "data",
        Feature = "feature",
        Other = "other",
    }
);

/// Registers the ticket endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(staff)
        .service(list_templates)
        .service(create_template)
        .service(delete_template)
        .service(get_one)
        .service(reply)
        .service(set_status)
        .service(assign);
}

/// A ticket in lists.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct TicketItem {
    pub id: Uuid,
    /// `ST-YYYYMMDD-NNNN`.
    pub number: String,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub subject: String,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub assigned_to: Option<Uuid>,
    pub assigned_name: Option<String>,
    pub sla_due_at: DateTime<Utc>,
    pub sla_breached_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! ticket_select {
    () => {
        tickets::table
            .inner_join(tenants::table.on(tenants::id.eq(tickets::tenant_id)))
            .inner_join(users::table.on(users::id.eq(tickets::created_by)))
            .select((
                tickets::id,
                tickets::number,
                tickets::tenant_id,
                tenants::name,
                tickets::subject,
                tickets::category,
                tickets::priority,
                tickets::status,
                tickets::created_by,
                users::name,
                tickets::assigned_to,
                tickets::assigned_name,
                tickets::sla_due_at,
                tickets::sla_breached_at,
                tickets::resolved_at,
                tickets::closed_at,
                tickets::created_at,
                tickets::updated_at,
            ))
    };
}

/// Who the caller is to tickets.
fn side(auth: &Auth) -> Result<Side, ApiError> {
    if auth.require(Permission::TicketsManageAll).is_ok() {
        Ok(Side::Platform)
    } else {
        auth.require(Permission::TicketsCreate)?;
        Ok(Side::Tenant)
    }
}

/// Runs `f` on the platform path for platform staff, in the caller's tenant otherwise.
async fn run<R>(
    state: &AppState,
    auth: &Auth,
    f: impl AsyncFnOnce(&mut Conn) -> Result<R, ApiError>,
) -> Result<R, ApiError> {
    side(auth)?;
    state.db.caller_tx(auth.tenant_id, auth.user_id, f).await
}

/// The ticket if the caller may see it: platform staff all, business admins
/// their tenant's (RLS), managers the ones they raised.
async fn find(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<TicketItem, ApiError> {
    let t: TicketItem = ticket_select!().filter(tickets::id.eq(id)).first(c).await?;
    let visible = match auth.role {
        Role::PlatformAdmin | Role::BusinessAdmin => true,
        _ => t.created_by == auth.user_id,
    };
    if !visible {
        return Err(ApiError::NotFound);
    }
    Ok(t)
}

/// Whether the caller may see the ticket message `id` (for its attachments).
pub async fn message_visible(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<bool, ApiError> {
    // RLS already hides internal notes from tenants.
    let ticket: Option<Uuid> = ticket_messages::table
        .find(id)
        .select(ticket_messages::ticket_id)
        .first(c)
        .await
        .optional()?;
    match ticket {
        Some(t) => match find(c, auth, t).await {
            Ok(_) => Ok(true),
            Err(ApiError::NotFound) => Ok(false),
            Err(e) => Err(e),
        },
        None => Ok(false),
    }
}

/// Who on the tenant side hears about a ticket: its creator and business admins.
fn audience(t: &TicketItem) -> Audience {
    Audience::Staff {
        stores: vec![],
        roles: vec![],
        users: vec![t.created_by],
    }
}

/// One message of a ticket's conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketMessage {
    pub id: Uuid,
    /// `reply`, `internal` (platform staff only) or `system`.
    pub kind: String,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    /// Written by platform staff.
    pub from_platform: bool,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
}

type MessageRow = (
    Uuid,
    String,
    Option<Uuid>,
    Option<String>,
    bool,
    String,
    DateTime<Utc>,
);

/// One message of a ticket as `side` may see it (None when it may not).
async fn one_message(
    c: &mut Conn,
    ticket: Uuid,
    side: Side,
    id: Uuid,
) -> Result<Option<TicketMessage>, ApiError> {
    Ok(load_messages(c, ticket, side, Some(id)).await?.pop())
}

async fn messages(c: &mut Conn, ticket: Uuid, side: Side) -> Result<Vec<TicketMessage>, ApiError> {
    load_messages(c, ticket, side, None).await
}

async fn load_messages(
    c: &mut Conn,
    ticket: Uuid,
    side: Side,
    only: Option<Uuid>,
) -> Result<Vec<TicketMessage>, ApiError> {
    let mut q = ticket_messages::table
        .filter(ticket_messages::ticket_id.eq(ticket))
        .order(ticket_messages::id)
        .select((
            ticket_messages::id,
            ticket_messages::kind,
            ticket_messages::author_id,
            ticket_messages::author_name,
            ticket_messages::from_platform,
            ticket_messages::body,
            ticket_messages::created_at,
        ))
        .limit(1000)
        .into_boxed();
    if side == Side::Tenant {
        q = q.filter(ticket_messages::kind.ne("internal"));
    }
    if let Some(m) = only {
        q = q.filter(ticket_messages::id.eq(m));
    }
    let rows: Vec<MessageRow> = q.load(c).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut all = files::of_owners(c, "ticket", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| TicketMessage {
            attachments: all
                .extract_if(.., |(o, _)| *o == r.0)
                .map(|(_, a)| a)
                .collect(),
            id: r.0,
            kind: r.1,
            author_id: r.2,
            author_name: r.3,
            from_platform: r.4,
            body: r.5,
            created_at: r.6,
        })
        .collect())
}

/// Adds a message; `author` None is the system.
async fn add_message(
    c: &mut Conn,
    t: &TicketItem,
    author: Option<&Auth>,
    kind: &str,
    body: &str,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(ticket_messages::table)
        .values((
            ticket_messages::id.eq(id),
            ticket_messages::tenant_id.eq(t.tenant_id),
            ticket_messages::ticket_id.eq(t.id),
            ticket_messages::author_id.eq(author.map(|a| a.user_id)),
            ticket_messages::author_name.eq(author.map(|a| a.name.as_str())),
            ticket_messages::from_platform
                .eq(author.is_some_and(|a| a.role == Role::PlatformAdmin)),
            ticket_messages::kind.eq(kind),
            ticket_messages::body.eq(body),
        ))
        .execute(c)
        .await?;
    diesel::update(tickets::table.find(t.id))
        .set(tickets::updated_at.eq(Utc::now()))
        .execute(c)
        .await?;
    Ok(id)
}

/// Tells the tenant side a ticket changed (and with which visible message).
async fn announce(
    c: &mut Conn,
    id: Uuid,
    kind: &str,
    message: Option<Uuid>,
) -> Result<TicketItem, ApiError> {
    let t: TicketItem = ticket_select!().filter(tickets::id.eq(id)).first(c).await?;
    let message = match message {
        Some(m) => one_message(c, id, Side::Tenant, m).await?,
        None => None,
    };
    emit(
        c,
        t.tenant_id,
        TOPIC,
        kind,
        json!({ "ticket": t, "message": message }),
        &audience(&t),
    )
    .await?;
    tell_platform(c, &t, kind).await?;
    Ok(t)
}

/// Tells platform staff's open screens that a ticket changed.
async fn tell_platform(c: &mut Conn, t: &TicketItem, kind: &str) -> Result<(), ApiError> {
    crate::realtime::notify_platform(
        c,
        TOPIC,
        kind,
        json!({ "ticket_id": t.id, "number": t.number, "tenant_name": t.tenant_name, "status": t.status }),
    )
    .await
}

/// A new ticket.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub subject: String,
    pub category: TicketCategory,
    pub priority: Priority,
    /// What happened (1–10000 characters).
    pub body: String,
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// A ticket with its conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    pub ticket: TicketItem,
    pub messages: Vec<TicketMessage>,
    /// The tenant may reopen it until then.
    pub reopen_until: Option<DateTime<Utc>>,
}

async fn detail(c: &mut Conn, t: TicketItem, side: Side) -> Result<TicketDetail, ApiError> {
    let messages = messages(c, t.id, side).await?;
    let reopen_until = t
        .resolved_at
        .filter(|_| matches!(t.status.as_str(), "resolved" | "closed"))
        .map(|r| r + Duration::days(machine::REOPEN_DAYS));
    Ok(TicketDetail {
        ticket: t,
        messages,
        reopen_until,
    })
}

/// Raise a ticket with the platform (business admins and managers).
#[utoipa::path(
    operation_id = "tickets_create",
    post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicket,
    responses((status = 201, body = TicketDetail), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tickets")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewTicket>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::TicketsCreate)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("subject", &b.subject, 1, 200);
    v.text("body", &b.body, 1, 10_000);
    v.finish()?;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let number: String = diesel::select(crate::db::functions::karat_ticket_number())
                .get_result(c)
                .await?;
            let id = Uuid::now_v7();
            let now = Utc::now();
            let due = now + machine::sla(b.priority);
            diesel::insert_into(tickets::table)
                .values((
                    tickets::id.eq(id),
                    tickets::tenant_id.eq(tenant),
                    tickets::number.eq(&number),
                    tickets::subject.eq(b.subject.trim()),
                    tickets::category.eq(b.category.as_str()),
                    tickets::priority.eq(b.priority.as_str()),
                    tickets::created_by.eq(auth.user_id),
                    tickets::sla_due_at.eq(due),
                    tickets::created_at.eq(now),
                    tickets::updated_at.eq(now),
                ))
                .execute(c)
                .await?;
            let t = find(c, &auth, id).await?;
            let first = add_message(c, &t, Some(&auth), "reply", b.body.trim()).await?;
            files::attach(c, auth.user_id, &b.attachment_ids, "ticket", first).await?;
            schedule_sla(c, tenant, id, due).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "ticket",
                    entity_id: Some(number.clone()),
                    action: "create",
                    changes: Some(audit::created(&t)),
                },
            )
            .await?;
            let t = announce(c, id, "ticket.created", Some(first)).await?;
            detail(c, t, Side::Tenant).await
        })
        .await?;
    Ok(HttpResponse::Created().json(d))
}

async fn schedule_sla(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    due: DateTime<Utc>,
) -> Result<(), ApiError> {
    crate::jobs::enqueue(
        c,
        crate::jobs::NewJob {
            kind: SLA_JOB,
            tenant_id: Some(tenant),
            payload: json!({ "ticket_id": id }),
            run_at: Some(due),
            max_attempts: 5,
            dedupe_key: Some(format!("{SLA_JOB}:{id}")),
        },
    )
    .await?;
    Ok(())
}

/// Ticket filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub category: Option<TicketCategory>,
    pub priority: Option<Priority>,
    /// Number or subject contains this.
    pub q: Option<String>,
    /// Platform staff: one tenant's tickets.
    pub tenant_id: Option<Uuid>,
    /// Platform staff: only tickets assigned to me.
    pub mine: Option<bool>,
    /// Only tickets past their SLA.
    pub breached: Option<bool>,
}

/// Tickets, newest first: platform staff all, business admins their
/// tenant's, managers the ones they raised.
#[utoipa::path(
    operation_id = "tickets_list",
    get, path = "/api/v1/tickets", tag = "tickets", params(TicketFilter, PageParams),
    responses((status = 200, body = Page<TicketItem>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/tickets")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<TicketFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<TicketItem>>, ApiError> {
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let mut v = Validator::default();
    v.opt_text("q", filter.q.as_deref(), 100);
    v.finish()?;
    let rows = run(&state, &auth, async |c| {
        let mut q = ticket_select!()
            .order(tickets::id.desc())
            .limit(limit + 1)
            .into_boxed();
        if auth.role != Role::PlatformAdmin && auth.role != Role::BusinessAdmin {
            q = q.filter(tickets::created_by.eq(auth.user_id));
        }
        if let Some(s) = filter.status {
            q = q.filter(tickets::status.eq(s.as_str()));
        }
        if let Some(cat) = filter.category {
            q = q.filter(tickets::category.eq(cat.as_str()));
        }
        if let Some(p) = filter.priority {
            q = q.filter(tickets::priority.eq(p.as_str()));
        }
        if let Some(t) = filter.tenant_id {
            q = q.filter(tickets::tenant_id.eq(t));
        }
        if filter.mine == Some(true) {
            q = q.filter(tickets::assigned_to.eq(auth.user_id));
        }
        if let Some(b) = filter.breached {
            q = if b {
                q.filter(tickets::sla_breached_at.is_not_null())
            } else {
                q.filter(tickets::sla_breached_at.is_null())
            };
        }
        if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let p = contains_pattern(text);
            q = q.filter(
                tickets::number
                    .ilike(p.clone())
                    .or(tickets::subject.ilike(p)),
            );
        }
        if let Some(cur) = cursor {
            q = q.filter(tickets::id.lt(cur));
        }
        Ok(q.load::<TicketItem>(c).await?)
    })
    .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |t| t.id)))
}

/// A ticket with its conversation (internal notes for platform staff only).
#[utoipa::path(
    operation_id = "tickets_get",
    get, path = "/api/v1/tickets/{id}", tag = "tickets",
    responses((status = 200, body = TicketDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/tickets/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<TicketDetail>, ApiError> {
    let side = side(&auth)?;
    let d = run(&state, &auth, async |c| {
        let t = find(c, &auth, *id).await?;
        detail(c, t, side).await
    })
    .await?;
    Ok(web::Json(d))
}

/// A reply or internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    pub body: String,
    /// Platform staff only: a note the tenant never sees.
    #[serde(default)]
    pub internal: bool,
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// Reply on a ticket (or, platform staff, add an internal note). The other
/// side is told live; the ticket's creator is notified of a platform reply
/// (by push when away).
#[utoipa::path(
    operation_id = "tickets_reply",
    post, path = "/api/v1/tickets/{id}/messages", tag = "tickets", request_body = ReplyInput,
    responses((status = 201, body = TicketMessage), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tickets/{id}/messages")]
pub async fn reply(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<ReplyInput>,
) -> Result<HttpResponse, ApiError> {
    let side = side(&auth)?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("body", &b.body, 1, 10_000);
    v.check(
        !b.internal || side == Side::Platform,
        "internal",
        "only platform staff write internal notes",
    );
    v.finish()?;
    let m = run(&state, &auth, async |c| {
        let t = find(c, &auth, *id).await?;
        if t.status == TicketStatus::Closed.as_str() {
            return Err(ApiError::Conflict(
                "This ticket is closed; reopen it to continue.".into(),
            ));
        }
        let kind = if b.internal { "internal" } else { "reply" };
        let mid = add_message(c, &t, Some(&auth), kind, b.body.trim()).await?;
        files::attach(c, auth.user_id, &b.attachment_ids, "ticket", mid).await?;
        if !b.internal {
            if side == Side::Platform {
                notify(
                    c,
                    t.tenant_id,
                    t.created_by,
                    Note {
                        kind: "ticket.reply",
                        title: format!("Karat support replied on {}", t.number),
                        body: crate::chat::excerpt(b.body.trim(), 140),
                        link: Some(&format!("/tickets/{}", t.id)),
                        urgent: false,
                    },
                )
                .await?;
            }
            announce(c, t.id, "ticket.message", Some(mid)).await?;
        } else {
            tell_platform(c, &t, "ticket.note").await?;
        }
        one_message(c, t.id, side, mid).await
    })
    .await?;
    let m = m.ok_or(ApiError::NotFound)?;
    Ok(HttpResponse::Created().json(m))
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    pub status: TicketStatus,
    /// Why (added to the system message).
    pub note: Option<String>,
}

/// Move a ticket through open → in_progress → resolved → closed (platform
/// staff; the tenant may close a resolved ticket, and reopen it within 14 days
/// of resolution). Anything else is a 409. Every change adds a system message.
#[utoipa::path(
    operation_id = "tickets_status",
    post, path = "/api/v1/tickets/{id}/status", tag = "tickets", request_body = StatusInput,
    responses((status = 200, body = TicketDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tickets/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<StatusInput>,
) -> Result<web::Json<TicketDetail>, ApiError> {
    let side = side(&auth)?;
    let b = body.0;
    let mut v = Validator::default();
    v.opt_text("note", b.note.as_deref(), 1000);
    v.finish()?;
    let d = run(&state, &auth, async |c| {
        let t = find(c, &auth, *id).await?;
        let from = TicketStatus::parse(&t.status).ok_or(ApiError::NotFound)?;
        let now = Utc::now();
        match machine::check(from, b.status, side, t.resolved_at, now) {
            Ok(()) => {}
            Err(Refusal::Illegal) => {
                return Err(ApiError::Conflict(format!(
                    "A ticket cannot go from {} to {}.",
                    from.as_str(),
                    b.status.as_str()
                )));
            }
            Err(Refusal::NotYours) => return Err(ApiError::Forbidden),
            Err(Refusal::TooLate) => {
                return Err(ApiError::Conflict(format!(
                    "A ticket can be reopened within {} days of its resolution; raise a new one.",
                    machine::REOPEN_DAYS
                )));
            }
        }
        change_status(c, &t, from, b.status, Some(&auth), b.note.as_deref()).await?;
        let t = find(c, &auth, t.id).await?;
        detail(c, t, side).await
    })
    .await?;
    Ok(web::Json(d))
}

/// Applies a checked status change with its system message, jobs and events.
async fn change_status(
    c: &mut Conn,
    t: &TicketItem,
    from: TicketStatus,
    to: TicketStatus,
    by: Option<&Auth>,
    note: Option<&str>,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let resolved_at = match to {
        TicketStatus::Resolved => Some(now),
        TicketStatus::Open => None,
        _ => t.resolved_at,
    };
    let closed_at = (to == TicketStatus::Closed).then_some(now);
    diesel::update(tickets::table.find(t.id))
        .set((
            tickets::status.eq(to.as_str()),
            tickets::resolved_at.eq(resolved_at),
            tickets::closed_at.eq(closed_at),
        ))
        .execute(c)
        .await?;
    let who = by.map_or("Automatically".to_string(), |a| {
        if a.role == Role::PlatformAdmin {
            format!("{} (Karat support)", a.name)
        } else {
            a.name.clone()
        }
    });
    let mut text = format!(
        "{who} changed the status from {} to {}.",
        from.as_str().replace('_', " "),
        to.as_str().replace('_', " ")
    );
    if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
        text.push_str(&format!(" Note: {n}"));
    }
    let mid = add_message(c, t, None, "system", &text).await?;
    if to == TicketStatus::Resolved {
        crate::jobs::enqueue(
            c,
            crate::jobs::NewJob {
                kind: AUTO_CLOSE_JOB,
                tenant_id: Some(t.tenant_id),
                payload: json!({ "ticket_id": t.id, "resolved_at_us": now.timestamp_micros() }),
                run_at: Some(now + Duration::days(machine::AUTO_CLOSE_DAYS)),
                max_attempts: 5,
                dedupe_key: Some(format!(
                    "{AUTO_CLOSE_JOB}:{}:{}",
                    t.id,
                    now.timestamp_micros()
                )),
            },
        )
        .await?;
    }
    if let Some(a) = by {
        audit::record(
            c,
            &a.actor(),
            Some(t.tenant_id),
            Change {
                entity: "ticket",
                entity_id: Some(t.number.clone()),
                action: "status",
                changes: Some(json!({ "status": { "from": from.as_str(), "to": to.as_str() } })),
            },
        )
        .await?;
    }
    if by.is_some_and(|a| a.role == Role::PlatformAdmin) && to == TicketStatus::Resolved {
        notify(
            c,
            t.tenant_id,
            t.created_by,
            Note {
                kind: "ticket.reply",
                title: format!("{} was resolved", t.number),
                body: t.subject.clone(),
                link: Some(&format!("/tickets/{}", t.id)),
                urgent: false,
            },
        )
        .await?;
    }
    announce(c, t.id, "ticket.updated", Some(mid)).await?;
    Ok(())
}

/// An assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// A platform admin, or null to unassign.
    pub user_id: Option<Uuid>,
}

/// Assign a ticket to a platform admin (platform staff).
#[utoipa::path(
    operation_id = "tickets_assign",
    post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", request_body = AssignInput,
    responses((status = 200, body = TicketDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tickets/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<AssignInput>,
) -> Result<web::Json<TicketDetail>, ApiError> {
    auth.require(Permission::TicketsManageAll)?;
    let to = body.0.user_id;
    let d = state
        .db
        .platform_tx(async |c| {
            let t = find(c, &auth, *id).await?;
            let name = match to {
                Some(u) => Some(
                    users::table
                        .find(u)
                        .filter(users::role.eq(Role::PlatformAdmin.as_str()))
                        .filter(users::active)
                        .select(users::name)
                        .first::<String>(c)
                        .await
                        .optional()?
                        .ok_or_else(|| {
                            ApiError::invalid("user_id", "is not an active platform admin")
                        })?,
                ),
                None => None,
            };
            diesel::update(tickets::table.find(t.id))
                .set((
                    tickets::assigned_to.eq(to),
                    tickets::assigned_name.eq(&name),
                ))
                .execute(c)
                .await?;
            let text = match &name {
                Some(n) => format!("{} assigned the ticket to {n}.", auth.name),
                None => format!("{} unassigned the ticket.", auth.name),
            };
            let mid = add_message(c, &t, None, "system", &text).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(t.tenant_id),
                Change {
                    entity: "ticket",
                    entity_id: Some(t.number.clone()),
                    action: "assign",
                    changes: Some(json!({ "assigned_to": { "from": t.assigned_to, "to": to } })),
                },
            )
            .await?;
            announce(c, t.id, "ticket.updated", Some(mid)).await?;
            let t = find(c, &auth, t.id).await?;
            detail(c, t, Side::Platform).await
        })
        .await?;
    Ok(web::Json(d))
}

/// A platform admin tickets can be assigned to.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct StaffMember {
    pub id: Uuid,
    pub name: String,
}

/// Platform staff (for assignment).
#[utoipa::path(
    operation_id = "tickets_staff",
    get, path = "/api/v1/tickets/staff", tag = "tickets",
    responses((status = 200, body = Vec<StaffMember>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/tickets/staff")]
pub async fn staff(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<StaffMember>>, ApiError> {
    auth.require(Permission::TicketsManageAll)?;
    let rows = state
        .db
        .platform_tx(async |c| {
            Ok(users::table
                .filter(users::role.eq(Role::PlatformAdmin.as_str()))
                .filter(users::active)
                .order(users::name)
                .select((users::id, users::name))
                .limit(500)
                .load(c)
                .await?)
        })
        .await?;
    Ok(web::Json(rows))
}

/// A canned answer.
#[derive(Debug, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = ticket_templates)]
pub struct Template {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A new canned answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTemplate {
    pub title: String,
    pub body: String,
}

/// Response templates (platform staff).
#[utoipa::path(
    operation_id = "ticket_templates_list",
    get, path = "/api/v1/ticket-templates", tag = "tickets",
    responses((status = 200, body = Vec<Template>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/ticket-templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<Template>>, ApiError> {
    auth.require(Permission::TicketsManageAll)?;
    let rows = state
        .db
        .platform_tx(async |c| {
            Ok(ticket_templates::table
                .order(ticket_templates::title)
                .select(Template::as_select())
                .limit(500)
                .load(c)
                .await?)
        })
        .await?;
    Ok(web::Json(rows))
}

/// Add a response template (platform staff).
#[utoipa::path(
    operation_id = "ticket_templates_create",
    post, path = "/api/v1/ticket-templates", tag = "tickets", request_body = NewTemplate,
    responses((status = 201, body = Template), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/ticket-templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewTemplate>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::TicketsManageAll)?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("title", &b.title, 1, 120);
    v.text("body", &b.body, 1, 10_000);
    v.finish()?;
    let t = state
        .db
        .platform_tx(async |c| {
            let t: Template = diesel::insert_into(ticket_templates::table)
                .values((
                    ticket_templates::id.eq(Uuid::now_v7()),
                    ticket_templates::title.eq(b.title.trim()),
                    ticket_templates::body.eq(b.body.trim()),
                    ticket_templates::created_by.eq(auth.user_id),
                ))
                .returning(Template::as_returning())
                .get_result(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                None,
                Change {
                    entity: "ticket_template",
                    entity_id: Some(t.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&t)),
                },
            )
            .await?;
            Ok(t)
        })
        .await?;
    Ok(HttpResponse::Created().json(t))
}

/// Remove a response template (platform staff).
#[utoipa::path(
    operation_id = "ticket_templates_delete",
    delete, path = "/api/v1/ticket-templates/{id}", tag = "tickets",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/ticket-templates/{id}")]
pub async fn delete_template(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::TicketsManageAll)?;
    state
        .db
        .platform_tx(async |c| {
            let n = diesel::delete(ticket_templates::table.find(*id))
                .execute(c)
                .await?;
            if n == 0 {
                return Err(ApiError::NotFound);
            }
            audit::record(
                c,
                &auth.actor(),
                None,
                Change {
                    entity: "ticket_template",
                    entity_id: Some(id.to_string()),
                    action: "delete",
                    changes: None,
                },
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn job_ticket(job: &crate::jobs::Job) -> Result<Uuid, String> {
    job.payload["ticket_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "job without a ticket_id".to_string())
}

/// Marks an unresolved ticket past its due time as breached and mails the
/// assignee (or every platform admin when nobody holds it).
pub async fn sla_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let id = job_ticket(&job)?;
    db.platform_tx(async |c| {
        let t: Option<TicketItem> = ticket_select!()
            .filter(tickets::id.eq(id))
            .first(c)
            .await
            .optional()?;
        let Some(t) = t else { return Ok(()) };
        let open = matches!(t.status.as_str(), "open" | "in_progress");
        if !open || t.sla_breached_at.is_some() || t.sla_due_at > Utc::now() {
            return Ok(());
        }
        diesel::update(tickets::table.find(id))
            .set(tickets::sla_breached_at.eq(Utc::now()))
            .execute(c)
            .await?;
        let mid = add_message(
            c,
            &t,
            None,
            "system",
            "The response time for this priority has passed.",
        )
        .await?;
        let mut to = users::table
            .filter(users::role.eq(Role::PlatformAdmin.as_str()))
            .filter(users::active)
            .select(users::email)
            .into_boxed();
        if let Some(a) = t.assigned_to {
            to = to.filter(users::id.eq(a));
        }
        let emails: Vec<String> = to.load(c).await?;
        for email in emails {
            diesel::insert_into(mail_outbox::table)
                .values((
                    mail_outbox::id.eq(Uuid::now_v7()),
                    mail_outbox::to_email.eq(email),
                    mail_outbox::subject.eq(format!("SLA breached: {} {}", t.number, t.subject)),
                    mail_outbox::body.eq(format!(
                        "Ticket {} from {} ({} priority) was due at {} and is still {}.",
                        t.number,
                        t.tenant_name,
                        t.priority,
                        t.sla_due_at.format("%Y-%m-%d %H:%M UTC"),
                        t.status.replace('_', " ")
                    )),
                ))
                .execute(c)
                .await?;
        }
        announce(c, id, "ticket.updated", Some(mid)).await?;
        Ok(())
    })
    .await
    .map_err(|e| format!("{e:?}"))
}

/// Closes a ticket still resolved a week after the resolution this job was made for.
pub async fn auto_close_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let id = job_ticket(&job)?;
    let at = job.payload["resolved_at_us"].as_i64();
    db.platform_tx(async |c| {
        let t: Option<TicketItem> = ticket_select!()
            .filter(tickets::id.eq(id))
            .first(c)
            .await
            .optional()?;
        let Some(t) = t else { return Ok(()) };
        if t.status != TicketStatus::Resolved.as_str()
            || t.resolved_at.map(|r| r.timestamp_micros()) != at
        {
            return Ok(());
        }
        change_status(
            c,
            &t,
            TicketStatus::Resolved,
            TicketStatus::Closed,
            None,
            Some("closed a week after resolution"),
        )
        .await
    })
    .await
    .map_err(|e| format!("{e:?}"))
}
