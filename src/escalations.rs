//! Escalations: a customer's problem inside a business (raised from the
//! customer or a call), with category, priority, SLA due time, assignee,
//! notes (internal ones hidden from floor staff who do not hold it), a status
//! machine and a resolution. When the SLA passes it climbs: to the store's
//! managers, then to the business admins. A resolution asks the customer for
//! a CSAT rating.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::db::Conn;
use crate::db::schema::{
    calls, customers, escalation_notes, escalations, stores, user_stores, users,
};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use crate::tickets::machine::Priority;

/// Event topic of escalations.
pub const TOPIC: &str = "escalations";
/// Job that climbs an escalation past its SLA.
pub const SLA_JOB: &str = "escalations.sla";

crate::customers::model::words!(
    /// What went wrong for the customer.
    EscalationCategory {
        ProductQuality = "product_quality",
        Service = "service",
        Billing = "billing",
        Delivery = "delivery",
        Repair = "repair",
        Staff = "staff",
        Other = "other",
    }
);

crate::customers::model::words!(
    /// An escalation's status.
    EscalationStatus {
        Open = "open",
        InProgress = "in_progress",
        Resolved = "resolved",
        Closed = "closed",
    }
);

impl EscalationStatus {
    /// The moves of the machine: work starts, it is resolved (with a
    /// resolution), closed, or reopened from resolved.
    pub fn can_become(self, to: EscalationStatus) -> bool {
        use EscalationStatus::*;
        matches!(
            (self, to),
            (Open, InProgress)
                | (Open, Resolved)
                | (InProgress, Resolved)
                | (Resolved, Closed)
                | (Resolved, InProgress)
        )
    }
}

/// Time to resolve an escalation of this priority (a customer is waiting).
pub fn sla(priority: Priority) -> Duration {
    match priority {
        Priority::Urgent => Duration::hours(4),
        Priority::High => Duration::hours(24),
        Priority::Normal => Duration::hours(48),
        Priority::Low => Duration::hours(72),
    }
}

/// Registers the escalation endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(add_note)
        .service(set_status)
        .service(assign);
}

/// An escalation in lists.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct EscalationItem {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub store_id: Uuid,
    pub store_name: String,
    pub call_id: Option<Uuid>,
    pub subject: String,
    pub description: Option<String>,
    pub category: String,
    pub priority: String,
    pub status: String,
    pub assigned_to: Option<Uuid>,
    pub assigned_name: Option<String>,
    /// 0: with the assignee; 1: escalated to the store's managers; 2: to the business admins.
    pub level: i16,
    pub sla_due_at: DateTime<Utc>,
    pub resolution: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

diesel::alias!(users as raiser: RaiserAlias);

macro_rules! escalation_select {
    () => {
        escalations::table
            .inner_join(customers::table.on(customers::id.eq(escalations::customer_id)))
            .inner_join(stores::table.on(stores::id.eq(escalations::store_id)))
            .left_join(users::table.on(users::id.nullable().eq(escalations::assigned_to)))
            .inner_join(raiser.on(raiser.field(users::id).eq(escalations::created_by)))
            .select((
                escalations::id,
                escalations::customer_id,
                customers::name,
                escalations::store_id,
                stores::name,
                escalations::call_id,
                escalations::subject,
                escalations::description,
                escalations::category,
                escalations::priority,
                escalations::status,
                escalations::assigned_to,
                users::name.nullable(),
                escalations::level,
                escalations::sla_due_at,
                escalations::resolution,
                escalations::resolved_at,
                escalations::closed_at,
                escalations::created_by,
                raiser.field(users::name),
                escalations::created_at,
                escalations::updated_at,
            ))
    };
}

fn scope(auth: &Auth) -> Result<Scope, ApiError> {
    auth.require(Permission::EscalationsManage)
}

/// Whether the caller may see `e` at `scope`.
fn sees(auth: &Auth, scope: Scope, e: &EscalationItem) -> bool {
    match scope {
        Scope::Tenant | Scope::Platform => true,
        Scope::Store => auth.in_store(e.store_id),
        Scope::Own => e.created_by == auth.user_id || e.assigned_to == Some(auth.user_id),
    }
}

/// Managers and business admins see internal notes; floor staff only on the
/// escalations they hold.
fn sees_internal(auth: &Auth, scope: Scope, e: &EscalationItem) -> bool {
    scope != Scope::Own || e.assigned_to == Some(auth.user_id)
}

async fn find(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    id: Uuid,
) -> Result<EscalationItem, ApiError> {
    let e: EscalationItem = escalation_select!()
        .filter(escalations::id.eq(id))
        .first(c)
        .await?;
    if !sees(auth, scope, &e) {
        return Err(ApiError::NotFound);
    }
    Ok(e)
}

fn audience(e: &EscalationItem) -> Audience {
    let mut users = vec![e.created_by];
    users.extend(e.assigned_to);
    Audience::Staff {
        stores: vec![e.store_id],
        roles: vec![Role::Manager],
        users,
    }
}

async fn announce(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    kind: &str,
) -> Result<EscalationItem, ApiError> {
    let e: EscalationItem = escalation_select!()
        .filter(escalations::id.eq(id))
        .first(c)
        .await?;
    emit(
        c,
        tenant,
        TOPIC,
        kind,
        json!({ "escalation": e }),
        &audience(&e),
    )
    .await?;
    Ok(e)
}

/// A note on an escalation.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct EscalationNote {
    pub id: Uuid,
    pub author_id: Option<Uuid>,
    pub author_name: Option<String>,
    pub body: String,
    /// Not for floor staff who do not hold the escalation.
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

async fn notes(c: &mut Conn, id: Uuid, internal: bool) -> Result<Vec<EscalationNote>, ApiError> {
    let mut q = escalation_notes::table
        .left_join(users::table.on(users::id.nullable().eq(escalation_notes::author_id)))
        .filter(escalation_notes::escalation_id.eq(id))
        .order(escalation_notes::id)
        .select((
            escalation_notes::id,
            escalation_notes::author_id,
            users::name.nullable(),
            escalation_notes::body,
            escalation_notes::internal,
            escalation_notes::created_at,
        ))
        .limit(1000)
        .into_boxed();
    if !internal {
        q = q.filter(escalation_notes::internal.eq(false));
    }
    Ok(q.load(c).await?)
}

async fn note(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    author: Option<Uuid>,
    body: &str,
    internal: bool,
) -> Result<(), ApiError> {
    diesel::insert_into(escalation_notes::table)
        .values((
            escalation_notes::id.eq(Uuid::now_v7()),
            escalation_notes::tenant_id.eq(tenant),
            escalation_notes::escalation_id.eq(id),
            escalation_notes::author_id.eq(author),
            escalation_notes::body.eq(body),
            escalation_notes::internal.eq(internal),
        ))
        .execute(c)
        .await?;
    diesel::update(escalations::table.find(id))
        .set(escalations::updated_at.eq(Utc::now()))
        .execute(c)
        .await?;
    Ok(())
}

/// An escalation with its notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct EscalationDetail {
    pub escalation: EscalationItem,
    pub notes: Vec<EscalationNote>,
    /// I may reassign it (managers and business admins).
    pub can_assign: bool,
}

async fn detail(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    e: EscalationItem,
) -> Result<EscalationDetail, ApiError> {
    let notes = notes(c, e.id, sees_internal(auth, scope, &e)).await?;
    Ok(EscalationDetail {
        can_assign: scope != Scope::Own,
        escalation: e,
        notes,
    })
}

/// 422 unless `user` is an active colleague who works at `store` (or a business admin).
async fn check_assignee(c: &mut Conn, user: Uuid, store: Uuid) -> Result<(), ApiError> {
    let ok: bool = diesel::select(diesel::dsl::exists(
        users::table
            .filter(users::id.eq(user))
            .filter(users::active)
            .filter(users::role.ne(Role::Marketing.as_str()))
            .filter(
                users::role
                    .eq(Role::BusinessAdmin.as_str())
                    .or(diesel::dsl::exists(
                        user_stores::table
                            .filter(user_stores::user_id.eq(users::id))
                            .filter(user_stores::store_id.eq(store)),
                    )),
            ),
    ))
    .get_result(c)
    .await?;
    if !ok {
        return Err(ApiError::invalid(
            "assigned_to",
            "choose an active colleague of the escalation's store",
        ));
    }
    Ok(())
}

/// A new escalation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEscalation {
    pub customer_id: Uuid,
    /// The call it came from, if any.
    pub call_id: Option<Uuid>,
    /// Default: the customer's home store.
    pub store_id: Option<Uuid>,
    pub subject: String,
    pub description: Option<String>,
    pub category: EscalationCategory,
    pub priority: Priority,
    /// Default: me.
    pub assigned_to: Option<Uuid>,
}

/// Raise an escalation for a customer I can see.
#[utoipa::path(
    operation_id = "escalations_create",
    post, path = "/api/v1/escalations", tag = "escalations", request_body = NewEscalation,
    responses((status = 201, body = EscalationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/escalations")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewEscalation>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("subject", &b.subject, 1, 200);
    v.opt_text("description", b.description.as_deref(), 5000);
    v.finish()?;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let read = auth.require(Permission::CustomersRead)?;
            let customer = crate::customers::visible_row(c, &auth, read, b.customer_id)
                .await
                .map_err(|e| match e {
                    ApiError::NotFound => {
                        ApiError::invalid("customer_id", "is not a customer you can see")
                    }
                    e => e,
                })?;
            let store = b.store_id.unwrap_or(customer.home_store_id);
            if scope != Scope::Tenant && !auth.in_store(store) {
                return Err(ApiError::invalid("store_id", "choose one of your stores"));
            }
            let known: bool = diesel::select(diesel::dsl::exists(stores::table.find(store)))
                .get_result(c)
                .await?;
            if !known {
                return Err(ApiError::invalid(
                    "store_id",
                    "is not a store of this business",
                ));
            }
            if let Some(call) = b.call_id {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    calls::table
                        .filter(calls::id.eq(call))
                        .filter(calls::customer_id.eq(b.customer_id)),
                ))
                .get_result(c)
                .await?;
                if !ok {
                    return Err(ApiError::invalid(
                        "call_id",
                        "is not a call with this customer",
                    ));
                }
            }
            let assignee = b.assigned_to.unwrap_or(auth.user_id);
            if assignee != auth.user_id && scope == Scope::Own {
                return Err(ApiError::invalid(
                    "assigned_to",
                    "a manager assigns escalations to others",
                ));
            }
            check_assignee(c, assignee, store).await?;
            let id = Uuid::now_v7();
            let now = Utc::now();
            let due = now + sla(b.priority);
            diesel::insert_into(escalations::table)
                .values((
                    escalations::id.eq(id),
                    escalations::tenant_id.eq(tenant),
                    escalations::customer_id.eq(b.customer_id),
                    escalations::store_id.eq(store),
                    escalations::call_id.eq(b.call_id),
                    escalations::subject.eq(b.subject.trim()),
                    escalations::description.eq(b.description.as_deref().map(str::trim)),
                    escalations::category.eq(b.category.as_str()),
                    escalations::priority.eq(b.priority.as_str()),
                    escalations::assigned_to.eq(assignee),
                    escalations::sla_due_at.eq(due),
                    escalations::created_by.eq(auth.user_id),
                ))
                .execute(c)
                .await?;
            schedule(c, tenant, id, due, 0).await?;
            if assignee != auth.user_id {
                tell_assignee(c, tenant, assignee, &auth.name, b.subject.trim(), id).await?;
            }
            let e = announce(c, tenant, id, "escalation.created").await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "escalation",
                    entity_id: Some(id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&e)),
                },
            )
            .await?;
            detail(c, &auth, scope, e).await
        })
        .await?;
    Ok(HttpResponse::Created().json(d))
}

async fn tell_assignee(
    c: &mut Conn,
    tenant: Uuid,
    to: Uuid,
    by: &str,
    subject: &str,
    id: Uuid,
) -> Result<(), ApiError> {
    notify(
        c,
        tenant,
        to,
        Note {
            kind: "escalation.assigned",
            title: format!("Escalation for you: {subject}"),
            body: format!("{by} asked you to handle a customer's problem."),
            link: Some(&format!("/escalations/{id}")),
            urgent: false,
        },
    )
    .await?;
    Ok(())
}

async fn schedule(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    due: DateTime<Utc>,
    level: i16,
) -> Result<(), ApiError> {
    crate::jobs::enqueue(
        c,
        crate::jobs::NewJob {
            kind: SLA_JOB,
            tenant_id: Some(tenant),
            payload: json!({ "escalation_id": id, "level": level }),
            run_at: Some(due),
            max_attempts: 5,
            dedupe_key: Some(format!("{SLA_JOB}:{id}:{level}")),
        },
    )
    .await?;
    Ok(())
}

/// Escalation filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EscalationFilter {
    pub status: Option<EscalationStatus>,
    pub store_id: Option<Uuid>,
    pub priority: Option<Priority>,
    /// Only the ones I hold.
    pub mine: Option<bool>,
    /// Only the ones past their SLA (escalated).
    pub escalated: Option<bool>,
    /// Only open and in-progress ones.
    pub active: Option<bool>,
}

/// Escalations I may see (business admins all; managers their stores'; floor
/// staff the ones they raised or hold), newest first.
#[utoipa::path(
    operation_id = "escalations_list",
    get, path = "/api/v1/escalations", tag = "escalations", params(EscalationFilter, PageParams),
    responses((status = 200, body = Page<EscalationItem>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/escalations")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<EscalationFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<EscalationItem>>, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = escalation_select!()
                .order(escalations::id.desc())
                .limit(limit + 1)
                .into_boxed();
            q = match scope {
                Scope::Store => q.filter(escalations::store_id.eq_any(auth.store_ids.clone())),
                Scope::Own => q.filter(
                    escalations::created_by
                        .eq(auth.user_id)
                        .or(escalations::assigned_to.eq(auth.user_id)),
                ),
                _ => q,
            };
            if let Some(s) = filter.status {
                q = q.filter(escalations::status.eq(s.as_str()));
            }
            if let Some(s) = filter.store_id {
                q = q.filter(escalations::store_id.eq(s));
            }
            if let Some(p) = filter.priority {
                q = q.filter(escalations::priority.eq(p.as_str()));
            }
            if filter.mine == Some(true) {
                q = q.filter(escalations::assigned_to.eq(auth.user_id));
            }
            if let Some(e) = filter.escalated {
                q = if e {
                    q.filter(escalations::level.gt(0))
                } else {
                    q.filter(escalations::level.eq(0))
                };
            }
            if filter.active == Some(true) {
                q = q.filter(escalations::status.eq_any(["open", "in_progress"]));
            }
            if let Some(cur) = cursor {
                q = q.filter(escalations::id.lt(cur));
            }
            Ok(q.load::<EscalationItem>(c).await?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |e| e.id)))
}

/// An escalation with its notes.
#[utoipa::path(
    operation_id = "escalations_get",
    get, path = "/api/v1/escalations/{id}", tag = "escalations",
    responses((status = 200, body = EscalationDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/escalations/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<EscalationDetail>, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let e = find(c, &auth, scope, *id).await?;
            detail(c, &auth, scope, e).await
        })
        .await?;
    Ok(web::Json(d))
}

/// A note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
    /// Hidden from floor staff who do not hold the escalation.
    #[serde(default)]
    pub internal: bool,
}

/// Add a note.
#[utoipa::path(
    operation_id = "escalations_note",
    post, path = "/api/v1/escalations/{id}/notes", tag = "escalations", request_body = NoteInput,
    responses((status = 201, body = EscalationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/escalations/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<NoteInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("body", &b.body, 1, 5000);
    v.finish()?;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let e = find(c, &auth, scope, *id).await?;
            if e.status == EscalationStatus::Closed.as_str() {
                return Err(ApiError::Conflict("This escalation is closed.".into()));
            }
            if b.internal && !sees_internal(&auth, scope, &e) {
                return Err(ApiError::invalid(
                    "internal",
                    "you cannot write internal notes here",
                ));
            }
            note(
                c,
                tenant,
                e.id,
                Some(auth.user_id),
                b.body.trim(),
                b.internal,
            )
            .await?;
            let e = announce(c, tenant, e.id, "escalation.updated").await?;
            detail(c, &auth, scope, e).await
        })
        .await?;
    Ok(HttpResponse::Created().json(d))
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    pub status: EscalationStatus,
    /// Required to resolve: what was done for the customer.
    pub resolution: Option<String>,
}

/// Move an escalation: open → in_progress → resolved → closed (resolved may
/// go back to in_progress). Anything else is a 409. Resolving asks the
/// customer for a CSAT rating.
#[utoipa::path(
    operation_id = "escalations_status",
    post, path = "/api/v1/escalations/{id}/status", tag = "escalations", request_body = StatusInput,
    responses((status = 200, body = EscalationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/escalations/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<StatusInput>,
) -> Result<web::Json<EscalationDetail>, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.opt_text("resolution", b.resolution.as_deref(), 5000);
    v.check(
        b.status != EscalationStatus::Resolved
            || b.resolution
                .as_deref()
                .is_some_and(|r| !r.trim().is_empty()),
        "resolution",
        "say what was done for the customer",
    );
    v.finish()?;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let e = find(c, &auth, scope, *id).await?;
            let from = EscalationStatus::parse(&e.status).ok_or(ApiError::NotFound)?;
            if !from.can_become(b.status) {
                return Err(ApiError::Conflict(format!(
                    "An escalation cannot go from {} to {}.",
                    from.as_str(),
                    b.status.as_str()
                )));
            }
            let now = Utc::now();
            let (resolution, resolved_at) = match b.status {
                EscalationStatus::Resolved => (b.resolution.as_deref().map(str::trim), Some(now)),
                EscalationStatus::InProgress => (None, None),
                _ => (e.resolution.as_deref(), e.resolved_at),
            };
            diesel::update(escalations::table.find(e.id))
                .set((
                    escalations::status.eq(b.status.as_str()),
                    escalations::resolution.eq(resolution),
                    escalations::resolved_at.eq(resolved_at),
                    escalations::closed_at.eq((b.status == EscalationStatus::Closed).then_some(now)),
                ))
                .execute(c)
                .await?;
            note(
                c,
                tenant,
                e.id,
                None,
                &format!(
                    "{} changed the status from {} to {}.",
                    auth.name,
                    from.as_str().replace('_', " "),
                    b.status.as_str().replace('_', " ")
                ),
                false,
            )
            .await?;
            if b.status == EscalationStatus::Resolved {
                crate::feedback::request(c, tenant, "escalation", e.id, e.customer_id, e.store_id).await?;
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "escalation",
                    entity_id: Some(e.id.to_string()),
                    action: "status",
                    changes: Some(json!({ "status": { "from": from.as_str(), "to": b.status.as_str() }, "resolution": resolution })),
                },
            )
            .await?;
            let e = announce(c, tenant, e.id, "escalation.updated").await?;
            detail(c, &auth, scope, e).await
        })
        .await?;
    Ok(web::Json(d))
}

/// An assignment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    pub user_id: Uuid,
}

/// Hand an escalation to a colleague of its store (managers, business admins).
#[utoipa::path(
    operation_id = "escalations_assign",
    post, path = "/api/v1/escalations/{id}/assign", tag = "escalations", request_body = AssignInput,
    responses((status = 200, body = EscalationDetail), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/escalations/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<AssignInput>,
) -> Result<web::Json<EscalationDetail>, ApiError> {
    let scope = scope(&auth)?;
    let tenant = auth.tenant()?;
    let to = body.0.user_id;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let e = find(c, &auth, scope, *id).await?;
            if scope == Scope::Own {
                return Err(ApiError::Forbidden);
            }
            if matches!(e.status.as_str(), "closed") {
                return Err(ApiError::Conflict("This escalation is closed.".into()));
            }
            check_assignee(c, to, e.store_id).await.map_err(|_| {
                ApiError::invalid(
                    "user_id",
                    "choose an active colleague of the escalation's store",
                )
            })?;
            diesel::update(escalations::table.find(e.id))
                .set(escalations::assigned_to.eq(to))
                .execute(c)
                .await?;
            let name: String = users::table.find(to).select(users::name).first(c).await?;
            note(
                c,
                tenant,
                e.id,
                None,
                &format!("{} assigned it to {name}.", auth.name),
                false,
            )
            .await?;
            if to != auth.user_id {
                tell_assignee(c, tenant, to, &auth.name, &e.subject, e.id).await?;
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "escalation",
                    entity_id: Some(e.id.to_string()),
                    action: "assign",
                    changes: Some(json!({ "assigned_to": { "from": e.assigned_to, "to": to } })),
                },
            )
            .await?;
            let e = announce(c, tenant, e.id, "escalation.updated").await?;
            detail(c, &auth, scope, e).await
        })
        .await?;
    Ok(web::Json(d))
}

/// Climbs an unresolved escalation past its SLA: level 1 tells the store's
/// managers (and gives them half the time again), level 2 the business admins.
pub async fn sla_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let id: Uuid = job.payload["escalation_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or("job without an escalation_id")?;
    let level = job.payload["level"].as_i64().unwrap_or(0) as i16;
    let tenant = job.tenant_id.ok_or("job without a tenant")?;
    db.tenant_tx(tenant, Uuid::nil(), async |c| {
        let e: Option<EscalationItem> = escalation_select!()
            .filter(escalations::id.eq(id))
            .first(c)
            .await
            .optional()?;
        let Some(e) = e else { return Ok(()) };
        let waiting = matches!(e.status.as_str(), "open" | "in_progress");
        if !waiting || e.level != level || e.sla_due_at > Utc::now() || level >= 2 {
            return Ok(());
        }
        let next = level + 1;
        let (who, role): (&str, Role) = if next == 1 {
            ("the store's managers", Role::Manager)
        } else {
            ("the business admins", Role::BusinessAdmin)
        };
        let mut q = users::table
            .filter(users::active)
            .filter(users::role.eq(role.as_str()))
            .select(users::id)
            .into_boxed();
        if role == Role::Manager {
            q = q.filter(diesel::dsl::exists(
                user_stores::table
                    .filter(user_stores::user_id.eq(users::id))
                    .filter(user_stores::store_id.eq(e.store_id)),
            ));
        }
        let people: Vec<Uuid> = q.load(c).await?;
        let priority = Priority::parse(&e.priority).unwrap_or(Priority::Normal);
        let due = Utc::now() + sla(priority) / 2;
        diesel::update(escalations::table.find(id))
            .set((escalations::level.eq(next), escalations::sla_due_at.eq(due)))
            .execute(c)
            .await?;
        note(
            c,
            tenant,
            id,
            None,
            &format!("Not resolved in time: escalated to {who}."),
            true,
        )
        .await?;
        for p in people {
            notify(
                c,
                tenant,
                p,
                Note {
                    kind: "escalation.overdue",
                    title: format!("Overdue escalation: {}", e.subject),
                    body: format!(
                        "{} at {} is waiting for a resolution.",
                        e.customer_name, e.store_name
                    ),
                    link: Some(&format!("/escalations/{id}")),
                    urgent: true,
                },
            )
            .await?;
        }
        if next < 2 {
            schedule(c, tenant, id, due, next).await?;
        }
        announce(c, tenant, id, "escalation.updated").await?;
        Ok(())
    })
    .await
    .map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::EscalationStatus::*;
    use super::*;

    #[test]
    fn the_machine_allows_only_its_moves() {
        let all = [Open, InProgress, Resolved, Closed];
        let legal = [
            (Open, InProgress),
            (Open, Resolved),
            (InProgress, Resolved),
            (Resolved, Closed),
            (Resolved, InProgress),
        ];
        for from in all {
            for to in all {
                assert_eq!(
                    from.can_become(to),
                    legal.contains(&(from, to)),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn urgent_problems_are_due_soonest() {
        assert!(sla(Priority::Urgent) < sla(Priority::High));
        assert!(sla(Priority::High) < sla(Priority::Normal));
    }
}
