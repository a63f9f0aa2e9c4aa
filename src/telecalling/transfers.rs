//! Transfers to sales: a telecaller hands a qualified lead to a sales rep at
//! the lead's store, who accepts (an appointment or an open deal they own) or
//! rejects with a reason (the lead returns to the telecaller).

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::engine::LeadState;
use super::lead_routes::{Transfer, transfer_select};
use super::{find, lead_audience};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role};
use crate::db::Conn;
use crate::db::schema::{lead_transfers, leads, user_stores, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Validator};
use crate::notifications::{Note, notify};
use crate::realtime::events::emit;
use crate::state::AppState;

/// A transfer request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// A sales rep at the lead's store.
    pub to_user: Uuid,
    pub note: Option<String>,
}

/// Hand a qualified lead to a sales rep (who is notified). One pending
/// transfer per lead.
#[utoipa::path(
    operation_id = "leads_transfer",
    post, path = "/api/v1/leads/{id}/transfer", tag = "telecalling", request_body = TransferInput,
    responses((status = 201, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/leads/{id}/transfer")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<TransferInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::CallsWork)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.opt_text("note", b.note.as_deref(), 1000);
    v.finish()?;
    let id = *id;
    let t = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let lead = find(c, &auth, id).await?;
            if lead.state != LeadState::Qualified.as_str() {
                return Err(ApiError::Conflict(
                    "Only a qualified lead can be transferred to sales.".into(),
                ));
            }
            let rep: Option<(String, bool, String)> = users::table
                .find(b.to_user)
                .filter(users::tenant_id.eq(tenant))
                .select((users::role, users::active, users::name))
                .first(c)
                .await
                .optional()?;
            let at_store: bool = diesel::select(diesel::dsl::exists(
                user_stores::table
                    .filter(user_stores::user_id.eq(b.to_user))
                    .filter(user_stores::store_id.eq(lead.store_id)),
            ))
            .get_result(c)
            .await?;
            if rep
                .as_ref()
                .is_none_or(|(r, a, _)| r != Role::SalesRep.as_str() || !a || !at_store)
            {
                return Err(ApiError::invalid(
                    "to_user",
                    &format!("choose an active sales rep at {}", lead.store_name),
                ));
            }
            let pending: bool = diesel::select(diesel::dsl::exists(
                lead_transfers::table
                    .filter(lead_transfers::lead_id.eq(id))
                    .filter(lead_transfers::status.eq("pending")),
            ))
            .get_result(c)
            .await?;
            if pending {
                return Err(ApiError::Conflict(
                    "This lead already waits for a sales rep's answer.".into(),
                ));
            }
            let tid = Uuid::now_v7();
            diesel::insert_into(lead_transfers::table)
                .values((
                    lead_transfers::id.eq(tid),
                    lead_transfers::tenant_id.eq(tenant),
                    lead_transfers::lead_id.eq(id),
                    lead_transfers::from_user.eq(auth.user_id),
                    lead_transfers::to_user.eq(b.to_user),
                    lead_transfers::note.eq(b.note.as_deref().map(str::trim)),
                ))
                .execute(c)
                .await?;
            super::history(
                c,
                tenant,
                id,
                "transfer",
                Some(&lead.state),
                &lead.state,
                lead.assigned_to,
                Some(auth.user_id),
                Some(&format!(
                    "offered to {}",
                    rep.map(|r| r.2).unwrap_or_default()
                )),
            )
            .await?;
            notify(
                c,
                tenant,
                b.to_user,
                Note {
                    kind: "lead.transfer",
                    title: format!("Qualified lead for you: {}", lead.customer_name),
                    body: format!(
                        "{} passed you a lead{}",
                        auth.name,
                        b.note
                            .as_deref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_else(|| ".".into())
                    ),
                    link: Some("/transfers"),
                    urgent: false,
                },
            )
            .await?;
            announce(c, tenant, tid, "transfer.created").await
        })
        .await?;
    Ok(HttpResponse::Created().json(t))
}

async fn announce(c: &mut Conn, tenant: Uuid, id: Uuid, kind: &str) -> Result<Transfer, ApiError> {
    let t: Transfer = transfer_select!()
        .filter(lead_transfers::id.eq(id))
        .first(c)
        .await?;
    let store: Uuid = leads::table
        .find(t.lead_id)
        .select(leads::store_id)
        .first(c)
        .await?;
    emit(
        c,
        tenant,
        super::TOPIC,
        kind,
        json!({ "transfer": t }),
        &lead_audience(store, &[Some(t.from_user), Some(t.to_user)]),
    )
    .await?;
    Ok(t)
}

/// Transfer filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransferFilter {
    /// `pending`, `accepted` or `rejected`.
    pub status: Option<String>,
}

/// Transfers to or from me (managers: their stores'; business admins: all), newest first.
#[utoipa::path(
    operation_id = "transfers_list",
    get, path = "/api/v1/transfers", tag = "telecalling", params(TransferFilter),
    responses((status = 200, body = Vec<Transfer>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/transfers")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<TransferFilter>,
) -> Result<web::Json<Vec<Transfer>>, ApiError> {
    super::read_scope(&auth)?;
    let tenant = auth.tenant()?;
    if let Some(s) = &filter.status
        && !matches!(s.as_str(), "pending" | "accepted" | "rejected")
    {
        return Err(ApiError::invalid(
            "status",
            "must be pending, accepted or rejected",
        ));
    }
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = transfer_select!()
                .filter(lead_transfers::tenant_id.eq(tenant))
                .into_boxed();
            q = match auth.role {
                Role::BusinessAdmin => q,
                Role::Manager => q.filter(leads::store_id.eq_any(auth.store_ids.clone())),
                _ => q.filter(
                    lead_transfers::to_user
                        .eq(auth.user_id)
                        .or(lead_transfers::from_user.eq(auth.user_id)),
                ),
            };
            if let Some(s) = &filter.status {
                q = q.filter(lead_transfers::status.eq(s.clone()));
            }
            Ok(q.order(lead_transfers::created_at.desc())
                .limit(200)
                .load(c)
                .await?)
        })
        .await?;
    Ok(web::Json(rows))
}

async fn pending_for_me(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<Transfer, ApiError> {
    let t: Transfer = transfer_select!()
        .filter(lead_transfers::id.eq(id))
        .filter(lead_transfers::to_user.eq(auth.user_id))
        .first(c)
        .await?;
    if t.status != "pending" {
        return Err(ApiError::Conflict(format!(
            "This transfer was already {}.",
            t.status
        )));
    }
    Ok(t)
}

/// Accepting a transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// Books the customer's visit with me; without it the lead stays a
    /// qualified, open deal of mine.
    pub appointment_at: Option<DateTime<Utc>>,
}

/// Accept a lead passed to me: it becomes mine (with an appointment when given).
#[utoipa::path(
    operation_id = "transfers_accept",
    post, path = "/api/v1/transfers/{id}/accept", tag = "telecalling", request_body = AcceptInput,
    responses((status = 200, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/accept")]
pub async fn accept(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<AcceptInput>,
) -> Result<web::Json<Transfer>, ApiError> {
    if auth.role != Role::SalesRep {
        return Err(ApiError::Forbidden);
    }
    let tenant = auth.tenant()?;
    let b = body.0;
    if let Some(at) = b.appointment_at {
        let mut v = Validator::default();
        v.check(
            at > Utc::now() && at < Utc::now() + chrono::Duration::days(180),
            "appointment_at",
            "must be within the next 180 days",
        );
        v.finish()?;
    }
    let id = *id;
    let t = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let t = pending_for_me(c, &auth, id).await?;
            let lead = super::load(c, t.lead_id).await?;
            let appointment = match b.appointment_at {
                Some(at) => {
                    super::transition(
                        c,
                        tenant,
                        &lead,
                        LeadState::AppointmentSet,
                        Some(auth.user_id),
                        Some("accepted by sales"),
                    )
                    .await?;
                    Some(
                        crate::customers::appointments::insert_for(
                            c,
                            &auth,
                            tenant,
                            lead.customer_id,
                            lead.store_id,
                            Some(auth.user_id),
                            at,
                            "Visit (transferred lead)",
                        )
                        .await?,
                    )
                }
                None => None,
            };
            diesel::update(leads::table.find(lead.id))
                .set((
                    leads::sales_rep_id.eq(auth.user_id),
                    leads::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            diesel::update(lead_transfers::table.find(id))
                .set((
                    lead_transfers::status.eq("accepted"),
                    lead_transfers::appointment_id.eq(appointment),
                    lead_transfers::decided_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            super::history(
                c,
                tenant,
                lead.id,
                "transfer",
                Some(&lead.state),
                if appointment.is_some() {
                    "appointment_set"
                } else {
                    &lead.state
                },
                lead.assigned_to,
                Some(auth.user_id),
                Some("accepted by sales"),
            )
            .await?;
            notify(
                c,
                tenant,
                t.from_user,
                Note {
                    kind: "lead.transfer",
                    title: format!("{} accepted {}", auth.name, lead.customer_name),
                    body: match appointment {
                        Some(_) => "An appointment is booked.".into(),
                        None => "It is now their open deal.".into(),
                    },
                    link: Some("/console"),
                    urgent: false,
                },
            )
            .await?;
            super::announce(c, tenant, lead.id, "lead.updated", &[]).await?;
            announce(c, tenant, id, "transfer.accepted").await
        })
        .await?;
    Ok(web::Json(t))
}

/// Rejecting a transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    pub reason: String,
}

/// Reject a lead passed to me, with a reason; it stays with its telecaller.
#[utoipa::path(
    operation_id = "transfers_reject",
    post, path = "/api/v1/transfers/{id}/reject", tag = "telecalling", request_body = RejectInput,
    responses((status = 200, body = Transfer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/transfers/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<RejectInput>,
) -> Result<web::Json<Transfer>, ApiError> {
    if auth.role != Role::SalesRep {
        return Err(ApiError::Forbidden);
    }
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("reason", &b.reason, 1, 500);
    v.finish()?;
    let id = *id;
    let t = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let t = pending_for_me(c, &auth, id).await?;
            let lead = super::load(c, t.lead_id).await?;
            diesel::update(lead_transfers::table.find(id))
                .set((
                    lead_transfers::status.eq("rejected"),
                    lead_transfers::reason.eq(b.reason.trim()),
                    lead_transfers::decided_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            super::history(
                c,
                tenant,
                lead.id,
                "transfer",
                Some(&lead.state),
                &lead.state,
                lead.assigned_to,
                Some(auth.user_id),
                Some(&format!("rejected by sales: {}", b.reason.trim())),
            )
            .await?;
            notify(
                c,
                tenant,
                t.from_user,
                Note {
                    kind: "lead.transfer",
                    title: format!("{} returned {}", auth.name, lead.customer_name),
                    body: b.reason.trim().to_string(),
                    link: Some("/console"),
                    urgent: false,
                },
            )
            .await?;
            announce(c, tenant, id, "transfer.rejected").await
        })
        .await?;
    Ok(web::Json(t))
}
