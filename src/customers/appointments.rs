//! Appointments and follow-ups at a store, with a status machine and reminders.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::AppointmentStatus;
use super::visible_row;
use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{appointments, customers, stores, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::jobs::{self, NewJob};
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// Job kind that reminds the staff member before an appointment.
pub const REMIND_JOB: &str = "appointments.remind";
/// How long before the appointment the reminder goes out.
const REMIND_BEFORE: chrono::Duration = chrono::Duration::hours(1);

/// An appointment.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct Appointment {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub store_id: Uuid,
    pub staff_id: Option<Uuid>,
    pub staff_name: Option<String>,
    pub scheduled_at: DateTime<Utc>,
    pub purpose: String,
    #[schema(value_type = AppointmentStatus)]
    pub status: String,
    /// The appointment that replaced this one.
    pub rescheduled_to: Option<Uuid>,
    pub notes: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

macro_rules! appointment_select {
    () => {
        appointments::table
            .inner_join(customers::table.on(customers::id.eq(appointments::customer_id)))
            .left_join(users::table.on(users::id.nullable().eq(appointments::staff_id)))
            .select((
                appointments::id,
                appointments::customer_id,
                customers::name,
                appointments::store_id,
                appointments::staff_id,
                users::name.nullable(),
                appointments::scheduled_at,
                appointments::purpose,
                appointments::status,
                appointments::rescheduled_to,
                appointments::notes,
                appointments::created_by,
                appointments::created_at,
            ))
    };
}

async fn find(c: &mut Conn, auth: &Auth, scope: Scope, id: Uuid) -> Result<Appointment, ApiError> {
    let mut q = appointment_select!()
        .filter(appointments::id.eq(id))
        .filter(customers::deleted_at.is_null())
        .into_boxed();
    if scope != Scope::Tenant {
        q = q.filter(appointments::store_id.eq_any(auth.store_ids.clone()));
    }
    Ok(q.first(c).await?)
}

/// A new appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentInput {
    pub customer_id: Uuid,
    pub store_id: Uuid,
    /// The staff member who will see the customer (reminded before).
    pub staff_id: Option<Uuid>,
    pub scheduled_at: DateTime<Utc>,
    pub purpose: String,
    pub notes: Option<String>,
}

async fn check_store_and_staff(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    store: Uuid,
    staff: Option<Uuid>,
) -> Result<(), ApiError> {
    if scope != Scope::Tenant && !auth.in_store(store) {
        return Err(ApiError::invalid(
            "store_id",
            "choose one of your own stores",
        ));
    }
    super::store_exists(c, "store_id", store).await?;
    if let Some(s) = staff {
        super::active_user_exists(c, "staff_id", s).await?;
    }
    Ok(())
}

/// Inserts an appointment and schedules its reminder.
async fn insert(
    c: &mut Conn,
    auth: &Auth,
    tenant: Uuid,
    input: &AppointmentInput,
) -> Result<Uuid, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(appointments::table)
        .values((
            appointments::id.eq(id),
            appointments::tenant_id.eq(tenant),
            appointments::customer_id.eq(input.customer_id),
            appointments::store_id.eq(input.store_id),
            appointments::staff_id.eq(input.staff_id),
            appointments::scheduled_at.eq(input.scheduled_at),
            appointments::purpose.eq(input.purpose.trim()),
            appointments::notes.eq(input.notes.as_deref().map(str::trim)),
            appointments::created_by.eq(auth.user_id),
        ))
        .execute(c)
        .await?;
    let remind_at = (input.scheduled_at - REMIND_BEFORE).max(Utc::now());
    jobs::enqueue(
        c,
        NewJob {
            kind: REMIND_JOB,
            tenant_id: Some(tenant),
            payload: json!({ "appointment_id": id, "scheduled_at_us": input.scheduled_at.timestamp_micros() }),
            run_at: Some(remind_at),
            max_attempts: 5,
            dedupe_key: Some(format!("{REMIND_JOB}:{id}")),
        },
    )
    .await?;
    Ok(id)
}

/// Books an appointment for a customer the caller already may see (a
/// telecaller's revisit), announces it and returns its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert_for(
    c: &mut Conn,
    auth: &Auth,
    tenant: Uuid,
    customer_id: Uuid,
    store_id: Uuid,
    staff_id: Option<Uuid>,
    scheduled_at: DateTime<Utc>,
    purpose: &str,
) -> Result<Uuid, ApiError> {
    let input = AppointmentInput {
        customer_id,
        store_id,
        staff_id,
        scheduled_at,
        purpose: purpose.into(),
        notes: None,
    };
    validate(&input)?;
    let id = insert(c, auth, tenant, &input).await?;
    let a = find(c, auth, Scope::Tenant, id).await?;
    announce(
        c,
        auth,
        tenant,
        &a,
        "appointment.created",
        "create",
        audit::created(&a),
    )
    .await?;
    Ok(id)
}

fn validate(input: &AppointmentInput) -> Result<(), ApiError> {
    let mut v = Validator::default();
    v.text("purpose", &input.purpose, 1, 200)
        .opt_text("notes", input.notes.as_deref(), 2000)
        .check(
            input.scheduled_at > Utc::now(),
            "scheduled_at",
            "must be in the future",
        )
        .check(
            input.scheduled_at < Utc::now() + chrono::Duration::days(366),
            "scheduled_at",
            "must be within a year",
        );
    v.finish()
}

async fn announce(
    c: &mut Conn,
    auth: &Auth,
    tenant: Uuid,
    a: &Appointment,
    kind: &str,
    action: &str,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    emit(
        c,
        tenant,
        "appointments",
        kind,
        json!(a),
        &Audience::Stores {
            stores: vec![a.store_id],
        },
    )
    .await?;
    audit::record(
        c,
        &auth.actor(),
        Some(tenant),
        Change {
            entity: "appointment",
            entity_id: Some(a.id.to_string()),
            action,
            changes: Some(changes),
        },
    )
    .await
}

/// Book an appointment for a customer at a store.
#[utoipa::path(
    operation_id = "appointments_create",
    post, path = "/api/v1/appointments", tag = "appointments", request_body = AppointmentInput,
    responses((status = 201, body = Appointment), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/appointments")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<AppointmentInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let input = body.0;
    validate(&input)?;
    let appointment = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            check_store_and_staff(c, &auth, scope, input.store_id, input.staff_id).await?;
            let read = auth.require(Permission::CustomersRead)?;
            visible_row(c, &auth, read, input.customer_id)
                .await
                .map_err(|_| ApiError::invalid("customer_id", "no such customer"))?;
            let id = insert(c, &auth, tenant, &input).await?;
            let a = find(c, &auth, Scope::Tenant, id).await?;
            announce(
                c,
                &auth,
                tenant,
                &a,
                "appointment.created",
                "create",
                audit::created(&a),
            )
            .await?;
            Ok(a)
        })
        .await?;
    Ok(HttpResponse::Created().json(appointment))
}

/// Appointment filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentFilter {
    pub store_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub staff_id: Option<Uuid>,
    pub status: Option<AppointmentStatus>,
    /// Scheduled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    pub to: Option<DateTime<Utc>>,
}

/// Appointments at the caller's stores, soonest first.
#[utoipa::path(
    operation_id = "appointments_list",
    get, path = "/api/v1/appointments", tag = "appointments", params(AppointmentFilter, PageParams),
    responses((status = 200, body = Page<Appointment>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/appointments")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<AppointmentFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Appointment>>, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = appointment_select!()
                .filter(customers::deleted_at.is_null())
                .into_boxed();
            if scope != Scope::Tenant {
                q = q.filter(appointments::store_id.eq_any(auth.store_ids.clone()));
            }
            if let Some(x) = filter.store_id {
                q = q.filter(appointments::store_id.eq(x));
            }
            if let Some(x) = filter.customer_id {
                q = q.filter(appointments::customer_id.eq(x));
            }
            if let Some(x) = filter.staff_id {
                q = q.filter(appointments::staff_id.eq(x));
            }
            if let Some(x) = filter.status {
                q = q.filter(appointments::status.eq(x.as_str()));
            }
            if let Some(x) = filter.from {
                q = q.filter(appointments::scheduled_at.ge(x));
            }
            if let Some(x) = filter.to {
                q = q.filter(appointments::scheduled_at.lt(x));
            }
            if let Some(cur) = cursor {
                q = q.filter(appointments::id.gt(cur));
            }
            let rows: Vec<Appointment> = q.order(appointments::id).limit(limit + 1).load(c).await?;
            Ok(rows)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |a| a.id)))
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentStatusInput {
    /// `confirmed`, `completed`, `cancelled` or `no_show` (use reschedule to move it).
    pub status: AppointmentStatus,
    /// Added to the appointment's notes, with the new status.
    pub notes: Option<String>,
}

/// Move an appointment along its status machine; an illegal move is a 409.
#[utoipa::path(
    operation_id = "appointments_set_status",
    post, path = "/api/v1/appointments/{id}/status", tag = "appointments", request_body = AppointmentStatusInput,
    responses((status = 200, body = Appointment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/appointments/{id}/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<AppointmentStatusInput>,
) -> Result<web::Json<Appointment>, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let body = body.0;
    let mut v = Validator::default();
    v.opt_text("notes", body.notes.as_deref(), 2000).check(
        body.status != AppointmentStatus::Rescheduled,
        "status",
        "use the reschedule action to move an appointment",
    );
    v.finish()?;
    let id = *id;
    let a = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = find(c, &auth, scope, id).await?;
            let from =
                AppointmentStatus::parse(&before.status).unwrap_or(AppointmentStatus::Scheduled);
            if !from.can_become(body.status) {
                return Err(ApiError::Conflict(format!(
                    "An appointment that is {} cannot become {}.",
                    from.as_str().replace('_', " "),
                    body.status.as_str().replace('_', " ")
                )));
            }
            diesel::update(appointments::table.find(id))
                .set((
                    appointments::status.eq(body.status.as_str()),
                    body.notes.as_deref().map(|n| {
                        let line =
                            format!("{}: {}", body.status.as_str().replace('_', " "), n.trim());
                        appointments::notes.eq(Some(match &before.notes {
                            Some(old) => format!("{old}\n{line}"),
                            None => line,
                        }))
                    }),
                    appointments::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            let after = find(c, &auth, Scope::Tenant, id).await?;
            announce(
                c,
                &auth,
                tenant,
                &after,
                "appointment.updated",
                "status",
                json!({ "status": { "from": before.status, "to": after.status } }),
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(a))
}

/// A new time for an appointment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    pub scheduled_at: DateTime<Utc>,
    /// Defaults to the same staff member.
    pub staff_id: Option<Uuid>,
}

/// Reschedule: the old appointment becomes `rescheduled` and points at the new one.
#[utoipa::path(
    operation_id = "appointments_reschedule",
    post, path = "/api/v1/appointments/{id}/reschedule", tag = "appointments", request_body = RescheduleInput,
    responses((status = 201, body = Appointment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/appointments/{id}/reschedule")]
pub async fn reschedule(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<RescheduleInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let (id, body) = (*id, body.0);
    let a = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = find(c, &auth, scope, id).await?;
            let from = AppointmentStatus::parse(&before.status).unwrap_or(AppointmentStatus::Scheduled);
            if !from.can_become(AppointmentStatus::Rescheduled) {
                return Err(ApiError::Conflict(format!(
                    "An appointment that is {} cannot be rescheduled.",
                    from.as_str().replace('_', " ")
                )));
            }
            let input = AppointmentInput {
                customer_id: before.customer_id,
                store_id: before.store_id,
                staff_id: body.staff_id.or(before.staff_id),
                scheduled_at: body.scheduled_at,
                purpose: before.purpose.clone(),
                notes: before.notes.clone(),
            };
            validate(&input)?;
            check_store_and_staff(c, &auth, Scope::Tenant, input.store_id, input.staff_id).await?;
            let new_id = insert(c, &auth, tenant, &input).await?;
            diesel::update(appointments::table.find(id))
                .set((
                    appointments::status.eq(AppointmentStatus::Rescheduled.as_str()),
                    appointments::rescheduled_to.eq(new_id),
                    appointments::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            let after = find(c, &auth, Scope::Tenant, new_id).await?;
            announce(
                c,
                &auth,
                tenant,
                &after,
                "appointment.rescheduled",
                "reschedule",
                json!({ "from": id, "scheduled_at": { "from": before.scheduled_at, "to": after.scheduled_at } }),
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Created().json(a))
}

/// Reminds the staff member (or whoever booked it) an hour before. Idempotent:
/// an appointment that moved, closed or was already reminded is skipped.
pub async fn remind_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let (Some(tenant), Some(id)) = (
        job.tenant_id,
        job.payload["appointment_id"]
            .as_str()
            .and_then(|s| s.parse::<Uuid>().ok()),
    ) else {
        return Err("bad payload".into());
    };
    #[derive(Queryable)]
    struct Due {
        staff: Option<Uuid>,
        creator: Uuid,
        at: DateTime<Utc>,
        status: String,
        name: String,
        purpose: String,
        customer: Uuid,
        local: String,
    }
    let run = async || -> Result<(), ApiError> {
        let row: Option<Due> = db
            .tenant_tx(tenant, Uuid::nil(), async |c| {
                Ok(appointments::table
                    .inner_join(customers::table.on(customers::id.eq(appointments::customer_id)))
                    .inner_join(stores::table.on(stores::id.eq(appointments::store_id)))
                    .filter(appointments::id.eq(id))
                    .filter(customers::deleted_at.is_null())
                    .select((
                        appointments::staff_id,
                        appointments::created_by,
                        appointments::scheduled_at,
                        appointments::status,
                        customers::name,
                        appointments::purpose,
                        appointments::customer_id,
                        // The time as the showroom reads it.
                        diesel::dsl::sql::<diesel::sql_types::Text>(
                            "to_char(appointments.scheduled_at AT TIME ZONE stores.time_zone, 'DD Mon, HH24:MI')",
                        ),
                    ))
                    .first(c)
                    .await
                    .optional()?)
            })
            .await?;
        let Some(Due {
            staff,
            creator,
            at,
            status,
            name,
            purpose,
            customer,
            local,
        }) = row
        else {
            return Ok(());
        };
        let live = matches!(status.as_str(), "scheduled" | "confirmed");
        let same_time = job.payload["scheduled_at_us"].as_i64() == Some(at.timestamp_micros());
        if !live || !same_time {
            return Ok(());
        }
        let who = staff.unwrap_or(creator);
        db.tenant_tx(tenant, who, async |c| {
            let link = format!("/customers/{customer}");
            notify(
                c,
                tenant,
                who,
                Note {
                    kind: "appointment.reminder",
                    title: format!("Appointment with {name} at {local}"),
                    body: purpose.clone(),
                    link: Some(&link),
                    urgent: false,
                },
            )
            .await?;
            Ok(())
        })
        .await
    };
    run().await.map_err(|e| format!("{e:?}"))
}
