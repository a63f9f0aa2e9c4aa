//! Lead endpoints: list, manual entry, detail with history and calls, state
//! changes and (bulk) assignment.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::engine::LeadState;
use super::{LeadItem, NewLead, find, lead_select, read_scope, visibility};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::db::Conn;
use crate::db::schema::{calls, customers, lead_history, lead_transfers, leads, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::notifications::{Note, notify};
use crate::state::AppState;

/// Lead list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadFilter {
    pub store_id: Option<Uuid>,
    pub state: Option<LeadState>,
    pub assigned_to: Option<Uuid>,
    /// Only leads nobody holds (the store backlog).
    pub unassigned: Option<bool>,
    /// Only open (`true`) or closed (`false`) leads.
    pub open: Option<bool>,
    /// Only leads whose follow-up is overdue.
    pub overdue: Option<bool>,
    /// Customer name or phone contains this.
    pub q: Option<String>,
}

/// Leads the caller may see, newest first.
#[utoipa::path(
    operation_id = "leads_list",
    get, path = "/api/v1/leads", tag = "telecalling", params(LeadFilter, PageParams),
    responses((status = 200, body = Page<LeadItem>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/leads")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<LeadFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<LeadItem>>, ApiError> {
    read_scope(&auth)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = lead_select!()
                .filter(customers::deleted_at.is_null())
                .filter(visibility(&auth))
                .into_boxed();
            if let Some(x) = filter.store_id {
                q = q.filter(leads::store_id.eq(x));
            }
            if let Some(x) = filter.state {
                q = q.filter(leads::state.eq(x.as_str()));
            }
            if let Some(x) = filter.assigned_to {
                q = q.filter(leads::assigned_to.eq(x));
            }
            if filter.unassigned == Some(true) {
                q = q.filter(leads::assigned_to.is_null());
            }
            match filter.open {
                Some(true) => {
                    q = q.filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES))
                }
                Some(false) => {
                    q = q.filter(leads::state.eq_any(crate::customers::CLOSED_LEAD_STATES))
                }
                None => {}
            }
            if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                let pattern = crate::http::extract::contains_pattern(&text.to_lowercase());
                q = q.filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("(lower(customers.name) LIKE ")
                        .bind::<diesel::sql_types::Text, _>(pattern.clone())
                        .sql(" OR array_to_string(customers.phones, ' ') LIKE ")
                        .bind::<diesel::sql_types::Text, _>(pattern)
                        .sql(")"),
                );
            }
            if filter.overdue == Some(true) {
                q = q
                    .filter(leads::follow_up_at.lt(Utc::now()))
                    .filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES));
            }
            if let Some(cur) = cursor {
                q = q.filter(leads::id.lt(cur));
            }
            let rows: Vec<LeadItem> = q.order(leads::id.desc()).limit(limit + 1).load(c).await?;
            Ok(rows)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |l| l.id)))
}

/// A lead entered by hand (a phone enquiry, a referral).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadInput {
    pub customer_id: Uuid,
    pub store_id: Uuid,
    /// 1 high, 2 normal (default), 3 low.
    pub priority: Option<i16>,
    pub note: Option<String>,
}

/// Enter a lead by hand; it is assigned at once by the store's rule.
/// A customer with an open lead gets a 409 naming it.
#[utoipa::path(
    operation_id = "leads_create",
    post, path = "/api/v1/leads", tag = "telecalling", request_body = LeadInput,
    responses((status = 201, body = LeadItem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/leads")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<LeadInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth
        .require(Permission::LeadsAssign)
        .or_else(|_| auth.require(Permission::VisitsLog))?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.opt_text("note", b.note.as_deref(), 1000).check(
        b.priority.is_none_or(|p| (1..=3).contains(&p)),
        "priority",
        "must be 1 (high), 2 (normal) or 3 (low)",
    );
    v.finish()?;
    if scope != Scope::Tenant && !auth.in_store(b.store_id) {
        return Err(ApiError::invalid(
            "store_id",
            "choose one of your own stores",
        ));
    }
    let lead = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            crate::customers::store_exists(c, "store_id", b.store_id).await?;
            let read = auth.require(Permission::CustomersRead)?;
            crate::customers::visible_row(c, &auth, read, b.customer_id)
                .await
                .map_err(|_| ApiError::invalid("customer_id", "no such customer"))?;
            let open: Option<Uuid> = leads::table
                .filter(leads::customer_id.eq(b.customer_id))
                .filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES))
                .select(leads::id)
                .first(c)
                .await
                .optional()?;
            if let Some(existing_id) = open {
                return Err(ApiError::Duplicate {
                    detail: "This customer already has an open lead.".into(),
                    existing_id,
                    field: "customer_id".into(),
                });
            }
            super::create_lead(
                c,
                tenant,
                Some(auth.user_id),
                NewLead {
                    customer_id: b.customer_id,
                    store_id: b.store_id,
                    source: "manual",
                    visit_id: None,
                    priority: b.priority.unwrap_or(2),
                    note: b.note.as_deref().map(str::trim),
                },
            )
            .await
        })
        .await?;
    Ok(HttpResponse::Created().json(lead))
}

/// One line of a lead's history.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct HistoryLine {
    /// `state`, `assigned`, `sla_breach` or `transfer`.
    pub kind: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub assigned_to: Option<Uuid>,
    pub assignee_name: Option<String>,
    /// `None`: the system (automatic assignment, SLA, web form).
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// A call as the lead's history shows it.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct CallItem {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub telecaller_id: Uuid,
    pub telecaller_name: String,
    pub phone: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub disposition: Option<String>,
    pub duration_seconds: Option<i32>,
    pub sentiment: Option<String>,
    pub notes: Option<String>,
    pub next_step: Option<String>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub appointment_id: Option<Uuid>,
    pub disposed_at: Option<DateTime<Utc>>,
}

/// Selects [`CallItem`]s.
macro_rules! call_select {
    () => {
        calls::table
            .inner_join(users::table.on(users::id.eq(calls::telecaller_id)))
            .select((
                calls::id,
                calls::lead_id,
                calls::telecaller_id,
                users::name,
                calls::phone,
                calls::started_at,
                calls::ended_at,
                calls::disposition,
                calls::duration_seconds,
                calls::sentiment,
                calls::notes,
                calls::next_step,
                calls::follow_up_at,
                calls::appointment_id,
                calls::disposed_at,
            ))
    };
}
pub(crate) use call_select;

/// Someone else who called this number recently (sticky-ownership alert).
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct OtherCall {
    pub telecaller_id: Uuid,
    pub telecaller_name: String,
    pub started_at: DateTime<Utc>,
    pub disposition: Option<String>,
}

/// A pending or decided transfer to sales.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct Transfer {
    pub id: Uuid,
    pub lead_id: Uuid,
    pub customer_name: String,
    pub store_id: Uuid,
    pub from_user: Uuid,
    pub from_name: String,
    pub to_user: Uuid,
    pub to_name: String,
    pub note: Option<String>,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub reason: Option<String>,
    pub appointment_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// Selects [`Transfer`]s.
macro_rules! transfer_select {
    () => {{
        use $crate::db::schema::{customers as cu, lead_transfers as lt, leads as le, users as us};
        let senders = diesel::alias!(us as senders);
        lt::table
            .inner_join(le::table.on(le::id.eq(lt::lead_id)))
            .inner_join(cu::table.on(cu::id.eq(le::customer_id)))
            .inner_join(us::table.on(us::id.eq(lt::to_user)))
            .inner_join(senders.on(senders.field(us::id).eq(lt::from_user)))
            .select((
                lt::id,
                lt::lead_id,
                cu::name,
                le::store_id,
                lt::from_user,
                senders.field(us::name),
                lt::to_user,
                us::name,
                lt::note,
                lt::status,
                lt::reason,
                lt::appointment_id,
                lt::created_at,
                lt::decided_at,
            ))
    }};
}
pub(crate) use transfer_select;

/// A lead with everything a telecaller or manager needs on one screen.
#[derive(Debug, Serialize, ToSchema)]
pub struct LeadDetail {
    pub lead: LeadItem,
    pub history: Vec<HistoryLine>,
    pub calls: Vec<CallItem>,
    /// Calls to this customer's numbers by other telecallers within the
    /// store's sticky window.
    pub recent_calls_by_others: Vec<OtherCall>,
    pub transfers: Vec<Transfer>,
}

/// Up to five calls to `lead`'s customer's numbers by telecallers other than
/// `me` within the store's sticky window, newest first.
pub async fn recent_calls_by_others(
    c: &mut Conn,
    tenant: Uuid,
    lead: &LeadItem,
    me: Uuid,
) -> Result<Vec<OtherCall>, ApiError> {
    let settings = super::settings(c, tenant, lead.store_id).await?;
    let phones: Vec<String> = customers::table
        .find(lead.customer_id)
        .select(customers::phones)
        .first(c)
        .await?;
    let since = Utc::now() - chrono::Duration::days(settings.sticky_days.max(1).into());
    Ok(calls::table
        .inner_join(users::table.on(users::id.eq(calls::telecaller_id)))
        .filter(calls::phone.eq_any(&phones))
        .filter(calls::started_at.gt(since))
        .filter(calls::telecaller_id.ne(me))
        .order(calls::started_at.desc())
        .limit(5)
        .select((
            calls::telecaller_id,
            users::name,
            calls::started_at,
            calls::disposition,
        ))
        .load(c)
        .await?)
}

/// The detail of one lead the caller may see.
pub async fn detail(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<LeadDetail, ApiError> {
    let lead = find(c, auth, id).await?;
    let actors = diesel::alias!(users as actors);
    let history: Vec<HistoryLine> = lead_history::table
        .left_join(users::table.on(users::id.nullable().eq(lead_history::assigned_to)))
        .left_join(
            actors.on(actors
                .field(users::id)
                .nullable()
                .eq(lead_history::actor_id)),
        )
        .filter(lead_history::lead_id.eq(id))
        .order(lead_history::at)
        .select((
            lead_history::kind,
            lead_history::from_state,
            lead_history::to_state,
            lead_history::assigned_to,
            users::name.nullable(),
            lead_history::actor_id,
            actors.field(users::name).nullable(),
            lead_history::reason,
            lead_history::at,
        ))
        .load(c)
        .await?;
    let calls: Vec<CallItem> = call_select!()
        .filter(calls::lead_id.eq(id))
        .order(calls::started_at.desc())
        .load(c)
        .await?;
    let me = lead.assigned_to.unwrap_or(auth.user_id);
    let others = recent_calls_by_others(c, auth.tenant()?, &lead, me).await?;
    let transfers: Vec<Transfer> = transfer_select!()
        .filter(lead_transfers::lead_id.eq(id))
        .order(lead_transfers::created_at.desc())
        .load(c)
        .await?;
    Ok(LeadDetail {
        lead,
        history,
        calls,
        recent_calls_by_others: others,
        transfers,
    })
}

/// A lead with its history, calls, transfers and who else called the number.
#[utoipa::path(
    operation_id = "leads_get",
    get, path = "/api/v1/leads/{id}", tag = "telecalling",
    responses((status = 200, body = LeadDetail), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/leads/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<LeadDetail>, ApiError> {
    read_scope(&auth)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let d = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| detail(c, &auth, id).await)
        .await?;
    Ok(web::Json(d))
}

/// A state change by hand.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateInput {
    pub state: LeadState,
    /// Why (kept in the lead's history). Required to close a lead.
    pub reason: Option<String>,
}

/// Move a lead along its state machine; an illegal move is a 409. Telecallers
/// move their own leads, managers their stores', business admins any.
#[utoipa::path(
    operation_id = "leads_set_state",
    post, path = "/api/v1/leads/{id}/state", tag = "telecalling", request_body = StateInput,
    responses((status = 200, body = LeadItem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/leads/{id}/state")]
pub async fn set_state(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<StateInput>,
) -> Result<web::Json<LeadItem>, ApiError> {
    auth.require(Permission::CallsWork)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.opt_text("reason", b.reason.as_deref(), 500)
        .check(
            !b.state.is_closed() || b.reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
            "reason",
            "say why the lead is closed",
        )
        .check(
            !matches!(b.state, LeadState::Assigned | LeadState::New),
            "state",
            "use the assign action to give a lead to someone",
        );
    v.finish()?;
    let id = *id;
    let lead = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let lead = find(c, &auth, id).await?;
            super::transition(
                c,
                tenant,
                &lead,
                b.state,
                Some(auth.user_id),
                b.reason.as_deref().map(str::trim),
            )
            .await?;
            super::announce(c, tenant, id, "lead.updated", &[]).await
        })
        .await?;
    Ok(web::Json(lead))
}

/// Leads to hand out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// 1 to 500 leads.
    pub lead_ids: Vec<Uuid>,
    /// The telecaller; absent: each lead by its store's rule.
    pub user_id: Option<Uuid>,
}

/// What happened to each lead.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignResult {
    pub assigned: Vec<AssignedLead>,
    /// Leads left unassigned (nobody available or at their cap).
    pub unassigned: Vec<Uuid>,
}

/// One lead handed out.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignedLead {
    pub lead_id: Uuid,
    pub user_id: Uuid,
}

/// Assign or reassign leads (bulk): to one telecaller, or each by its store's
/// rule. The telecaller must work at the lead's store and stay within the
/// store's cap; closed leads are a 409. All or nothing.
#[utoipa::path(
    operation_id = "leads_assign",
    post, path = "/api/v1/leads/assign", tag = "telecalling", request_body = AssignInput,
    responses((status = 200, body = AssignResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/leads/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<AssignInput>,
) -> Result<web::Json<AssignResult>, ApiError> {
    auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut ids = b.lead_ids.clone();
    ids.sort();
    ids.dedup();
    let mut v = Validator::default();
    v.check(
        !ids.is_empty() && ids.len() <= 500,
        "lead_ids",
        "give between 1 and 500 leads",
    );
    v.finish()?;
    let result = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            super::lock_assignment(c, tenant).await?;
            let found: Vec<LeadItem> = lead_select!()
                .filter(leads::id.eq_any(&ids))
                .filter(customers::deleted_at.is_null())
                .filter(visibility(&auth))
                .load(c)
                .await?;
            if found.len() != ids.len() {
                return Err(ApiError::NotFound);
            }
            if let Some(closed) = found
                .iter()
                .find(|l| LeadState::parse(&l.state).is_none_or(LeadState::is_closed))
            {
                return Err(ApiError::Conflict(format!(
                    "The lead for {} is closed ({}).",
                    closed.customer_name,
                    closed.state.replace('_', " ")
                )));
            }
            let mut out = AssignResult {
                assigned: vec![],
                unassigned: vec![],
            };
            match b.user_id {
                Some(to) => {
                    check_telecaller(c, tenant, to, &found).await?;
                    for lead in &found {
                        if lead.assigned_to == Some(to) {
                            continue;
                        }
                        super::give(c, tenant, lead, to, Some(auth.user_id), "manual").await?;
                        out.assigned.push(AssignedLead {
                            lead_id: lead.id,
                            user_id: to,
                        });
                    }
                    if !out.assigned.is_empty() {
                        let n = out.assigned.len();
                        notify(
                            c,
                            tenant,
                            to,
                            Note {
                                kind: "lead.assigned",
                                title: if n == 1 {
                                    format!("New lead: {}", found[0].customer_name)
                                } else {
                                    format!("{n} new leads")
                                },
                                body: format!("{} assigned them to you.", auth.name),
                                link: Some("/console"),
                                urgent: false,
                            },
                        )
                        .await?;
                    }
                }
                None => {
                    for lead in &found {
                        let exclude = lead.assigned_to;
                        match super::auto_assign(c, tenant, lead.id, exclude, "reassigned").await? {
                            Some(u) if Some(u) != exclude => out.assigned.push(AssignedLead {
                                lead_id: lead.id,
                                user_id: u,
                            }),
                            _ => out.unassigned.push(lead.id),
                        }
                    }
                }
            }
            Ok(out)
        })
        .await?;
    Ok(web::Json(result))
}

/// `to` must be an active telecaller of every lead's store, under the cap.
async fn check_telecaller(
    c: &mut Conn,
    tenant: Uuid,
    to: Uuid,
    leads_: &[LeadItem],
) -> Result<(), ApiError> {
    let role: Option<(String, bool)> = users::table
        .find(to)
        .select((users::role, users::active))
        .first(c)
        .await
        .optional()?;
    if role
        .as_ref()
        .is_none_or(|(r, a)| r != Role::Telecaller.as_str() || !a)
    {
        return Err(ApiError::invalid("user_id", "choose an active telecaller"));
    }
    let theirs = crate::users::store_ids_of(c, to).await?;
    if let Some(l) = leads_.iter().find(|l| !theirs.contains(&l.store_id)) {
        return Err(ApiError::invalid(
            "user_id",
            &format!("this telecaller does not work at {}", l.store_name),
        ));
    }
    let open = super::open_leads_of(c, tenant, to).await?;
    let adding = leads_.iter().filter(|l| l.assigned_to != Some(to)).count() as i64;
    let mut stores_: Vec<Uuid> = leads_.iter().map(|l| l.store_id).collect();
    stores_.sort();
    stores_.dedup();
    let mut cap = i64::MAX;
    for store in stores_ {
        cap = cap.min(
            super::settings(c, tenant, store)
                .await?
                .max_open_leads
                .into(),
        );
    }
    if open + adding > cap {
        return Err(ApiError::Conflict(format!(
            "That would give this telecaller {} open leads; the cap is {cap}.",
            open + adding
        )));
    }
    Ok(())
}
