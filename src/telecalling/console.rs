//! The telecaller's console: status, queue, "next lead", calls with a forced
//! disposition, automatic retries and follow-up reminders; plus the SLA and
//! follow-up jobs.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::engine::LeadState;
use super::lead_routes::{CallItem, call_select};
use super::{FOLLOW_UP_JOB, LeadItem, TOPIC, find, lead_audience, lead_select};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::customers::model::words;
use crate::db::Conn;
use crate::db::schema::{agents, calls, customers, leads, stores, user_stores, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Validator};
use crate::jobs::{self, NewJob};
use crate::notifications::{Note, notify};
use crate::realtime::events::emit;
use crate::state::AppState;

words!(
    /// A telecaller's working status.
    AgentStatus { Available = "available", OnCall = "on_call", WrapUp = "wrap_up", Break = "break", Leave = "leave" }
);

words!(
    /// How a call went.
    Disposition { Connected = "connected", NoAnswer = "no_answer", Busy = "busy", SwitchedOff = "switched_off", WrongNumber = "wrong_number", CallBack = "call_back", NotInterested = "not_interested" }
);

words!(Sentiment { Positive = "positive", Neutral = "neutral", Negative = "negative" });

words!(
    /// What happens after a connected call.
    NextStep { None = "none", FollowUp = "follow_up", Revisit = "revisit", Qualified = "qualified", Converted = "converted", Lost = "lost" }
);

/// My status as the console shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyStatus {
    #[schema(value_type = AgentStatus)]
    pub status: String,
    pub since: DateTime<Utc>,
    /// The lead on screen.
    pub lead_id: Option<Uuid>,
    /// The call awaiting its disposition.
    pub call_id: Option<Uuid>,
    pub languages: Vec<String>,
    /// Online on at least one device (needed to get leads).
    pub online: bool,
}

/// Today's numbers for one telecaller.
#[derive(Debug, Default, Serialize, ToSchema, QueryableByName)]
pub struct DayCounts {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub calls: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub connects: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub talk_seconds: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub conversions: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub follow_ups_due: i64,
}

/// Everything the console shows.
#[derive(Debug, Serialize, ToSchema)]
pub struct Console {
    pub me: MyStatus,
    /// My open leads: due follow-ups first, then new leads by priority, then
    /// later follow-ups.
    pub queue: Vec<LeadItem>,
    /// The call awaiting my disposition (forced wrap-up).
    pub open_call: Option<CallItem>,
    pub today: DayCounts,
    /// Seconds a wrap-up may take before it shows as overdue.
    pub wrap_up_seconds: i32,
}

fn require_telecaller(auth: &Auth) -> Result<(), ApiError> {
    if auth.require(Permission::CallsWork)? == Scope::Own {
        Ok(())
    } else {
        // Managers and admins may log calls on a lead, but the console is a telecaller's.
        Err(ApiError::Forbidden)
    }
}

async fn my_status(c: &mut Conn, user: Uuid) -> Result<MyStatus, ApiError> {
    type Row = (
        String,
        DateTime<Utc>,
        Option<Uuid>,
        Option<Uuid>,
        Vec<String>,
    );
    let row: Option<Row> = agents::table
        .find(user)
        .select((
            agents::status,
            agents::since,
            agents::lead_id,
            agents::call_id,
            agents::languages,
        ))
        .first(c)
        .await
        .optional()?;
    // Without a status yet, they have been available since they came online.
    let online_since: Option<DateTime<Utc>> = crate::db::schema::presence::table
        .filter(crate::db::schema::presence::user_id.eq(user))
        .select(diesel::dsl::min(crate::db::schema::presence::since))
        .first(c)
        .await?;
    let (status, since, lead_id, call_id, languages) = row.unwrap_or((
        "available".into(),
        online_since.unwrap_or_else(Utc::now),
        None,
        None,
        vec![],
    ));
    Ok(MyStatus {
        status,
        since,
        lead_id,
        call_id,
        languages,
        online: online_since.is_some(),
    })
}

/// Today's counts for `user` (the day starts at midnight in the tenant's time zone, as on the wallboard).
pub async fn day_counts(c: &mut Conn, tenant: Uuid, user: Uuid) -> Result<DayCounts, ApiError> {
    Ok(diesel::sql_query(
        "SELECT count(*) FILTER (WHERE disposed_at IS NOT NULL) AS calls,
                count(*) FILTER (WHERE disposition IN ('connected', 'call_back', 'not_interested')) AS connects,
                coalesce(sum(duration_seconds), 0)::bigint AS talk_seconds,
                count(*) FILTER (WHERE next_step IN ('converted', 'revisit', 'qualified')) AS conversions,
                (SELECT count(*) FROM leads l WHERE l.tenant_id = $1 AND l.assigned_to = $2
                   AND l.follow_up_at <= now()
                   AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd'))
                  AS follow_ups_due
           FROM calls WHERE tenant_id = $1 AND telecaller_id = $2
            AND started_at >= (SELECT date_trunc('day', now() AT TIME ZONE t.time_zone) AT TIME ZONE t.time_zone
                                 FROM tenants t WHERE t.id = $1)",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<diesel::sql_types::Uuid, _>(user)
    .get_result(c)
    .await?)
}

/// Queue order: due follow-ups, fresh leads by priority, later follow-ups.
const QUEUE_BUCKET: &str = "CASE WHEN leads.follow_up_at <= now() THEN 0 \
     WHEN leads.follow_up_at IS NULL THEN 1 ELSE 2 END";

async fn queue(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    limit: i64,
) -> Result<Vec<LeadItem>, ApiError> {
    Ok(lead_select!()
        .filter(leads::tenant_id.eq(tenant))
        .filter(leads::assigned_to.eq(user))
        .filter(customers::deleted_at.is_null())
        .filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES))
        .filter(
            leads::state
                .eq_any(["assigned", "attempted", "contacted", "follow_up"])
                .or(leads::follow_up_at.is_not_null()),
        )
        .order((
            sql::<Integer>(QUEUE_BUCKET),
            sql::<Integer>(&format!(
                "CASE WHEN ({QUEUE_BUCKET}) = 1 THEN leads.priority ELSE 0 END"
            )),
            sql::<Timestamptz>("coalesce(leads.follow_up_at, leads.assigned_at, leads.created_at)"),
        ))
        .limit(limit)
        .load(c)
        .await?)
}

async fn open_call(c: &mut Conn, user: Uuid) -> Result<Option<CallItem>, ApiError> {
    Ok(call_select!()
        .filter(calls::telecaller_id.eq(user))
        .filter(calls::disposed_at.is_null())
        .first(c)
        .await
        .optional()?)
}

async fn wrap_up_seconds(c: &mut Conn, tenant: Uuid, store: Option<Uuid>) -> Result<i32, ApiError> {
    Ok(match store {
        Some(s) => super::settings(c, tenant, s).await?.wrap_up_seconds,
        None => 120,
    })
}

async fn console_of(c: &mut Conn, auth: &Auth, tenant: Uuid) -> Result<Console, ApiError> {
    let me = my_status(c, auth.user_id).await?;
    let queue = queue(c, tenant, auth.user_id, 100).await?;
    let open_call = open_call(c, auth.user_id).await?;
    let today = day_counts(c, tenant, auth.user_id).await?;
    let store = match &open_call {
        Some(call) => Some(
            leads::table
                .find(call.lead_id)
                .select(leads::store_id)
                .first(c)
                .await?,
        ),
        None => <[Uuid]>::first(&auth.store_ids).copied(),
    };
    let wrap_up_seconds = wrap_up_seconds(c, tenant, store).await?;
    Ok(Console {
        me,
        queue,
        open_call,
        today,
        wrap_up_seconds,
    })
}

/// My console: status, queue, the call awaiting disposition, today's counts.
#[utoipa::path(
    operation_id = "console_get",
    get, path = "/api/v1/telecalling/console", tag = "telecalling",
    responses((status = 200, body = Console), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/telecalling/console")]
pub async fn console(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Console>, ApiError> {
    require_telecaller(&auth)?;
    let tenant = auth.tenant()?;
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            console_of(c, &auth, tenant).await
        })
        .await?;
    Ok(web::Json(out))
}

/// A status I set myself.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `available` or `break` (calls set on-call and wrap-up).
    pub status: AgentStatus,
}

/// Go on break or become available (which picks up waiting leads). Refused
/// while a call awaits its disposition.
#[utoipa::path(
    operation_id = "console_set_status",
    put, path = "/api/v1/telecalling/status", tag = "telecalling", request_body = StatusInput,
    responses((status = 200, body = Console), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/telecalling/status")]
pub async fn set_status(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<StatusInput>,
) -> Result<web::Json<Console>, ApiError> {
    require_telecaller(&auth)?;
    let tenant = auth.tenant()?;
    let to = body.0.status;
    if !matches!(to, AgentStatus::Available | AgentStatus::Break) {
        return Err(ApiError::invalid(
            "status",
            "set available or break; calls set on-call and wrap-up",
        ));
    }
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let me = my_status(c, auth.user_id).await?;
            if me.call_id.is_some() {
                return Err(ApiError::Conflict(
                    "Save the disposition of your current call first.".into(),
                ));
            }
            if me.status == AgentStatus::Leave.as_str() {
                return Err(ApiError::Conflict(
                    "You are on leave; ask your manager to bring you back.".into(),
                ));
            }
            super::set_agent(c, tenant, auth.user_id, to.as_str(), None, None).await?;
            if to == AgentStatus::Available {
                super::hand_waiting_leads(c, tenant, auth.user_id, 50).await?;
            }
            console_of(c, &auth, tenant).await
        })
        .await?;
    Ok(web::Json(out))
}

/// The lead served next.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextLead {
    /// `None`: nothing to call right now.
    pub lead: Option<LeadItem>,
}

/// Serve my next callable lead (due follow-ups first); when my queue is empty,
/// take the oldest waiting lead of my stores. Refused until the previous
/// call's disposition is saved.
#[utoipa::path(
    operation_id = "console_next",
    post, path = "/api/v1/telecalling/next", tag = "telecalling",
    responses((status = 200, body = NextLead), (status = 403, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/telecalling/next")]
pub async fn next(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<NextLead>, ApiError> {
    require_telecaller(&auth)?;
    let tenant = auth.tenant()?;
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let me = my_status(c, auth.user_id).await?;
            if me.call_id.is_some() {
                return Err(ApiError::Conflict(
                    "Save the disposition of your current call before the next lead.".into(),
                ));
            }
            if matches!(me.status.as_str(), "break" | "leave") {
                return Err(ApiError::Conflict(
                    "You are on a break; become available to take leads.".into(),
                ));
            }
            let callable = queue(c, tenant, auth.user_id, 100)
                .await?
                .into_iter()
                .find(|l| !l.do_not_call && l.follow_up_at.is_none_or(|f| f <= Utc::now()));
            let lead = match callable {
                Some(l) => Some(l),
                None => {
                    let mine = crate::users::store_ids_of(c, auth.user_id).await?;
                    take_from_backlog(c, tenant, auth.user_id, &mine).await?
                }
            };
            super::set_agent(
                c,
                tenant,
                auth.user_id,
                AgentStatus::Available.as_str(),
                lead.as_ref().map(|l| l.id),
                None,
            )
            .await?;
            Ok(NextLead { lead })
        })
        .await?;
    Ok(web::Json(out))
}

/// Takes the oldest high-priority waiting lead of `stores_of` for `user`
/// (within the cap).
async fn take_from_backlog(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    stores_of: &[Uuid],
) -> Result<Option<LeadItem>, ApiError> {
    super::lock_assignment(c, tenant).await?;
    let waiting: Option<LeadItem> = lead_select!()
        .filter(leads::tenant_id.eq(tenant))
        .filter(leads::store_id.eq_any(stores_of))
        .filter(leads::assigned_to.is_null())
        .filter(leads::state.eq("new"))
        .filter(customers::deleted_at.is_null())
        .filter(diesel::dsl::not(crate::db::functions::karat_do_not_call(
            customers::dnd,
            customers::consent,
        )))
        .order((leads::priority, leads::created_at))
        .first(c)
        .await
        .optional()?;
    let Some(lead) = waiting else {
        return Ok(None);
    };
    let cap = super::settings(c, tenant, lead.store_id)
        .await?
        .max_open_leads;
    let open = super::open_leads_of(c, tenant, user).await?;
    if open >= i64::from(cap) {
        return Ok(None);
    }
    super::give(c, tenant, &lead, user, Some(user), "taken from the queue").await?;
    Ok(Some(super::load(c, lead.id).await?))
}

/// A call just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct StartedCall {
    pub call: CallItem,
    /// Dial this (a `tel:` link).
    pub tel: String,
    /// Other telecallers who called this number recently.
    pub warning: Option<String>,
}

/// Start a call on a lead (the console dials through a tel: link). Refused
/// for DND or withdrawn consent, outside the store's calling hours, past the
/// day's attempt limit, for a closed lead, or while another call awaits its
/// disposition.
#[utoipa::path(
    operation_id = "calls_start",
    post, path = "/api/v1/leads/{id}/calls", tag = "telecalling",
    responses((status = 201, body = StartedCall), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/leads/{id}/calls")]
pub async fn start_call(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::CallsWork)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let lead = find(c, &auth, id).await?;
            if LeadState::parse(&lead.state).is_none_or(LeadState::is_closed) {
                return Err(ApiError::Conflict(format!(
                    "This lead is closed ({}).",
                    lead.state.replace('_', " ")
                )));
            }
            if lead.do_not_call {
                return Err(ApiError::Conflict(
                    "This customer must not be called (DND or consent withdrawn).".into(),
                ));
            }
            let settings = super::settings(c, tenant, lead.store_id).await?;
            let in_hours: bool = stores::table
                .find(lead.store_id)
                .select(sql::<Bool>(&format!(
                    "(now() AT TIME ZONE stores.time_zone)::time BETWEEN '{}' AND '{}'",
                    settings.calling_start.format("%H:%M:%S"),
                    settings.calling_end.format("%H:%M:%S")
                )))
                .first(c)
                .await?;
            if !in_hours {
                return Err(ApiError::Conflict(format!(
                    "Calls are allowed between {} and {} store time.",
                    settings.calling_start.format("%H:%M"),
                    settings.calling_end.format("%H:%M")
                )));
            }
            if i32::from(lead.attempts_today) >= settings.max_attempts_per_day {
                return Err(ApiError::Conflict(format!(
                    "This lead was already called {} times today (the store's limit).",
                    lead.attempts_today
                )));
            }
            if open_call(c, auth.user_id).await?.is_some() {
                return Err(ApiError::Conflict(
                    "Save the disposition of your current call first.".into(),
                ));
            }
            let call_id = Uuid::now_v7();
            diesel::insert_into(calls::table)
                .values((
                    calls::id.eq(call_id),
                    calls::tenant_id.eq(tenant),
                    calls::lead_id.eq(lead.id),
                    calls::customer_id.eq(lead.customer_id),
                    calls::store_id.eq(lead.store_id),
                    calls::telecaller_id.eq(auth.user_id),
                    calls::phone.eq(&lead.phone),
                ))
                .execute(c)
                .await?;
            if auth.role == Role::Telecaller {
                super::set_agent(
                    c,
                    tenant,
                    auth.user_id,
                    AgentStatus::OnCall.as_str(),
                    Some(lead.id),
                    Some(call_id),
                )
                .await?;
            }
            let call: CallItem = call_select!()
                .filter(calls::id.eq(call_id))
                .first(c)
                .await?;
            emit(
                c,
                tenant,
                TOPIC,
                "call.started",
                json!({ "call": call, "store_id": lead.store_id }),
                &lead_audience(lead.store_id, &[lead.assigned_to]),
            )
            .await?;
            let me = lead.assigned_to.unwrap_or(auth.user_id);
            let others = super::lead_routes::recent_calls_by_others(c, tenant, &lead, me).await?;
            let warning = <[_]>::first(&others).map(|o| {
                format!(
                    "{} called this number on {}.",
                    o.telecaller_name,
                    o.started_at.format("%d %b %H:%M UTC")
                )
            });
            Ok(StartedCall {
                tel: format!("tel:{}", lead.phone),
                call,
                warning,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(out))
}

async fn my_open_call(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<CallItem, ApiError> {
    let call: CallItem = call_select!()
        .filter(calls::id.eq(id))
        .filter(calls::telecaller_id.eq(auth.user_id))
        .first(c)
        .await?;
    if call.disposed_at.is_some() {
        return Err(ApiError::Conflict(
            "This call's disposition is already saved.".into(),
        ));
    }
    Ok(call)
}

/// Hang up: the call ends and I am in wrap-up until I save the disposition.
#[utoipa::path(
    operation_id = "calls_end",
    post, path = "/api/v1/calls/{id}/end", tag = "telecalling",
    responses((status = 200, body = CallItem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/calls/{id}/end")]
pub async fn end_call(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CallItem>, ApiError> {
    auth.require(Permission::CallsWork)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let call = my_open_call(c, &auth, id).await?;
            if call.ended_at.is_none() {
                diesel::update(calls::table.find(id))
                    .set(calls::ended_at.eq(diesel::dsl::now))
                    .execute(c)
                    .await?;
            }
            if auth.role == Role::Telecaller {
                super::set_agent(
                    c,
                    tenant,
                    auth.user_id,
                    AgentStatus::WrapUp.as_str(),
                    Some(call.lead_id),
                    Some(id),
                )
                .await?;
            }
            Ok(call_select!().filter(calls::id.eq(id)).first(c).await?)
        })
        .await?;
    Ok(web::Json(out))
}

/// The disposition form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionInput {
    pub disposition: Disposition,
    /// Talk time; defaults to the time between start and hang-up.
    pub duration_seconds: Option<i32>,
    pub sentiment: Option<Sentiment>,
    pub notes: Option<String>,
    /// After a connected call (default `none`).
    pub next_step: Option<NextStep>,
    /// Required for `call_back` and for the `follow_up` step.
    pub follow_up_at: Option<DateTime<Utc>>,
    /// Required for the `revisit` step: books an appointment at the lead's store.
    pub appointment_at: Option<DateTime<Utc>>,
}

/// What the disposition did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DispositionResult {
    pub call: CallItem,
    pub lead: LeadItem,
    /// When the lead comes back (a retry or a follow-up).
    pub follow_up_at: Option<DateTime<Utc>>,
}

/// The state a disposition leads to from `from`.
pub fn outcome(from: LeadState, d: Disposition, step: NextStep) -> LeadState {
    use LeadState as S;
    match d {
        Disposition::Connected => match step {
            NextStep::None => {
                if matches!(from, S::Qualified | S::AppointmentSet | S::FollowUp) {
                    from
                } else {
                    S::Contacted
                }
            }
            NextStep::FollowUp => S::FollowUp,
            NextStep::Revisit => S::AppointmentSet,
            NextStep::Qualified => S::Qualified,
            NextStep::Converted => S::Converted,
            NextStep::Lost => S::Lost,
        },
        Disposition::CallBack => S::FollowUp,
        Disposition::NoAnswer | Disposition::Busy | Disposition::SwitchedOff => {
            if matches!(from, S::New | S::Assigned | S::Attempted) {
                S::Attempted
            } else {
                from
            }
        }
        Disposition::WrongNumber => S::WrongNumber,
        Disposition::NotInterested => S::NotInterested,
    }
}

fn validate_disposition(b: &DispositionInput) -> Result<NextStep, ApiError> {
    let step = b.next_step.unwrap_or(NextStep::None);
    let now = Utc::now();
    let horizon = now + chrono::Duration::days(180);
    let mut v = Validator::default();
    v.opt_text("notes", b.notes.as_deref(), 2000)
        .check(
            b.duration_seconds.is_none_or(|d| (0..=14_400).contains(&d)),
            "duration_seconds",
            "must be between 0 and 14400",
        )
        .check(
            b.disposition == Disposition::Connected || step == NextStep::None,
            "next_step",
            "only a connected call has a next step",
        );
    let wants_follow_up = b.disposition == Disposition::CallBack || step == NextStep::FollowUp;
    match b.follow_up_at {
        Some(at) => {
            v.check(
                wants_follow_up,
                "follow_up_at",
                "only for a call back or a follow-up",
            )
            .check(
                at > now && at < horizon,
                "follow_up_at",
                "must be within the next 180 days",
            );
        }
        None => {
            v.check(!wants_follow_up, "follow_up_at", "say when to call back");
        }
    }
    match b.appointment_at {
        Some(at) => {
            v.check(
                step == NextStep::Revisit,
                "appointment_at",
                "only for a revisit",
            )
            .check(
                at > now && at < horizon,
                "appointment_at",
                "must be within the next 180 days",
            );
        }
        None => {
            v.check(
                step != NextStep::Revisit,
                "appointment_at",
                "say when the customer will visit",
            );
        }
    }
    v.finish()?;
    Ok(step)
}

/// Save a call's disposition. It moves the lead (illegal moves → 409),
/// schedules a retry within calling hours after no answer, a reminder for a
/// call back or follow-up, an appointment for a revisit, and frees me for the
/// next lead.
#[utoipa::path(
    operation_id = "calls_dispose",
    post, path = "/api/v1/calls/{id}/disposition", tag = "telecalling", request_body = DispositionInput,
    responses((status = 200, body = DispositionResult), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/calls/{id}/disposition")]
pub async fn dispose(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<DispositionInput>,
) -> Result<web::Json<DispositionResult>, ApiError> {
    auth.require(Permission::CallsWork)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let step = validate_disposition(&b)?;
    let id = *id;
    let out = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let call = my_open_call(c, &auth, id).await?;
            let lead: LeadItem = lead_select!().filter(leads::id.eq(call.lead_id)).first(c).await?;
            let from = LeadState::parse(&lead.state).unwrap_or(LeadState::New);
            let to = outcome(from, b.disposition, step);
            super::transition(c, tenant, &lead, to, Some(auth.user_id), Some(b.disposition.as_str()))
                .await?;
            let settings = super::settings(c, tenant, lead.store_id).await?;
            let attempts = lead.attempts_today + 1;
            let retry = matches!(
                b.disposition,
                Disposition::NoAnswer | Disposition::Busy | Disposition::SwitchedOff
            );
            let follow_up_at: Option<DateTime<Utc>> = if to.is_closed() {
                None
            } else if retry {
                let tz: String = stores::table
                    .find(lead.store_id)
                    .select(stores::time_zone)
                    .first(c)
                    .await?;
                let at: DateTime<Utc> = diesel::select(sql::<Timestamptz>("karat_next_call_time(now() + make_interval(mins => ")
                    .bind::<Integer, _>(settings.retry_minutes)
                    .sql("), ")
                    .bind::<diesel::sql_types::Text, _>(tz)
                    .sql(", ")
                    .bind::<diesel::sql_types::Time, _>(settings.calling_start)
                    .sql(", ")
                    .bind::<diesel::sql_types::Time, _>(settings.calling_end)
                    .sql(", ")
                    .bind::<Bool, _>(i32::from(attempts) >= settings.max_attempts_per_day)
                    .sql(")"))
                .get_result(c)
                .await?;
                Some(at)
            } else {
                b.follow_up_at
            };
            let appointment_id = match b.appointment_at {
                Some(at) => Some(
                    book_revisit(c, tenant, &auth, &lead, at).await?,
                ),
                None => None,
            };
            let duration = b.duration_seconds.unwrap_or_else(|| {
                let end = call.ended_at.unwrap_or_else(Utc::now);
                if b.disposition == Disposition::Connected || b.disposition == Disposition::CallBack
                    || b.disposition == Disposition::NotInterested
                {
                    (end - call.started_at).num_seconds().clamp(0, 14_400) as i32
                } else {
                    0
                }
            });
            diesel::update(calls::table.find(id))
                .set((
                    calls::disposition.eq(b.disposition.as_str()),
                    calls::duration_seconds.eq(duration),
                    calls::sentiment.eq(b.sentiment.map(Sentiment::as_str)),
                    calls::notes.eq(b.notes.as_deref().map(str::trim)),
                    calls::next_step.eq(step.as_str()),
                    calls::follow_up_at.eq(follow_up_at),
                    calls::appointment_id.eq(appointment_id),
                    calls::disposed_at.eq(diesel::dsl::now),
                    calls::ended_at.eq(call.ended_at.unwrap_or_else(Utc::now)),
                ))
                .execute(c)
                .await?;
            diesel::update(leads::table.find(lead.id))
                .set((
                    leads::follow_up_at.eq(follow_up_at),
                    leads::last_call_at.eq(call.started_at),
                    leads::sla_due_at.eq(None::<DateTime<Utc>>),
                    leads::attempts_that_day.eq(attempts),
                    leads::attempts_on.eq(sql::<diesel::sql_types::Nullable<diesel::sql_types::Date>>(
                        "(now() AT TIME ZONE (SELECT time_zone FROM stores WHERE stores.id = leads.store_id))::date",
                    )),
                    leads::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            if let (Some(at), false) = (follow_up_at, retry) {
                jobs::enqueue(
                    c,
                    NewJob {
                        kind: FOLLOW_UP_JOB,
                        tenant_id: Some(tenant),
                        payload: json!({ "lead_id": lead.id, "follow_up_at_us": at.timestamp_micros() }),
                        run_at: Some(at),
                        max_attempts: 5,
                        dedupe_key: Some(format!("{FOLLOW_UP_JOB}:{}:{}", lead.id, at.timestamp_micros())),
                    },
                )
                .await?;
            }
            if auth.role == Role::Telecaller {
                super::set_agent(c, tenant, auth.user_id, AgentStatus::Available.as_str(), None, None)
                    .await?;
            }
            let call: CallItem = call_select!().filter(calls::id.eq(id)).first(c).await?;
            emit(
                c,
                tenant,
                TOPIC,
                "call.disposed",
                json!({ "call": call, "store_id": lead.store_id }),
                &lead_audience(lead.store_id, &[lead.assigned_to]),
            )
            .await?;
            let lead = super::announce(c, tenant, lead.id, "lead.updated", &[]).await?;
            Ok(DispositionResult {
                call,
                lead,
                follow_up_at,
            })
        })
        .await?;
    Ok(web::Json(out))
}

/// Books the customer's revisit at the lead's store.
async fn book_revisit(
    c: &mut Conn,
    tenant: Uuid,
    auth: &Auth,
    lead: &LeadItem,
    at: DateTime<Utc>,
) -> Result<Uuid, ApiError> {
    let id = crate::customers::appointments::insert_for(
        c,
        auth,
        tenant,
        lead.customer_id,
        lead.store_id,
        None,
        at,
        "Revisit (from a call)",
    )
    .await?;
    Ok(id)
}

/// A telecaller's status or languages, set by their manager.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    /// `leave` takes them out of assignment; `available` brings them back.
    pub status: Option<AgentStatus>,
    /// Languages they call in (for the language rule), e.g. `["ta", "en"]`.
    pub languages: Option<Vec<String>>,
}

/// Put a telecaller on leave or back, or set their languages (business admins
/// and their stores' managers).
#[utoipa::path(
    operation_id = "agents_update",
    put, path = "/api/v1/telecalling/agents/{id}", tag = "telecalling", request_body = AgentInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/telecalling/agents/{id}")]
pub async fn update_agent(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<AgentInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.check(
        b.status
            .is_none_or(|s| matches!(s, AgentStatus::Leave | AgentStatus::Available)),
        "status",
        "set leave or available",
    );
    if let Some(langs) = &b.languages {
        v.check(langs.len() <= 10, "languages", "at most 10");
        for (i, l) in langs.iter().enumerate() {
            v.text(&format!("languages[{i}]"), l, 2, 20);
        }
    }
    v.finish()?;
    let id = *id;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let role: String = users::table
                .find(id)
                .filter(users::tenant_id.eq(tenant))
                .select(users::role)
                .first(c)
                .await?;
            if role != Role::Telecaller.as_str() {
                return Err(ApiError::NotFound);
            }
            if scope != Scope::Tenant {
                let shared: i64 = user_stores::table
                    .filter(user_stores::user_id.eq(id))
                    .filter(user_stores::store_id.eq_any(auth.store_ids.clone()))
                    .count()
                    .get_result(c)
                    .await?;
                if shared == 0 {
                    return Err(ApiError::NotFound);
                }
            }
            let current = my_status(c, id).await?;
            if let Some(s) = b.status {
                if current.call_id.is_some() {
                    return Err(ApiError::Conflict(
                        "This telecaller is on a call; try again after it.".into(),
                    ));
                }
                super::set_agent(c, tenant, id, s.as_str(), None, None).await?;
                if s == AgentStatus::Available {
                    super::hand_waiting_leads(c, tenant, id, 50).await?;
                }
            }
            if let Some(langs) = &b.languages {
                let langs: Vec<String> = langs.iter().map(|l| l.trim().to_lowercase()).collect();
                diesel::insert_into(agents::table)
                    .values((
                        agents::user_id.eq(id),
                        agents::tenant_id.eq(tenant),
                        agents::languages.eq(&langs),
                    ))
                    .on_conflict(agents::user_id)
                    .do_update()
                    .set(agents::languages.eq(&langs))
                    .execute(c)
                    .await?;
            }
            crate::audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                crate::audit::Change {
                    entity: "agent",
                    entity_id: Some(id.to_string()),
                    action: "update",
                    changes: Some(json!({ "status": b.status.map(AgentStatus::as_str), "languages": b.languages })),
                },
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn job_lead(job: &crate::jobs::Job) -> Result<(Uuid, Uuid), String> {
    match (
        job.tenant_id,
        job.payload["lead_id"]
            .as_str()
            .and_then(|s| s.parse::<Uuid>().ok()),
    ) {
        (Some(t), Some(l)) => Ok((t, l)),
        _ => Err("bad payload".into()),
    }
}

/// Reassigns a lead nobody called within the SLA (to anyone but its holder),
/// recording the breach and telling the store's managers.
pub async fn sla_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let (tenant, lead_id) = job_lead(&job)?;
    let holder = job.payload["assigned_to"]
        .as_str()
        .and_then(|s| s.parse::<Uuid>().ok());
    let at_us = job.payload["assigned_at_us"].as_i64();
    db.tenant_tx(tenant, Uuid::nil(), async |c| {
        let lead: Option<LeadItem> = lead_select!()
            .filter(leads::id.eq(lead_id))
            .first(c)
            .await
            .optional()?;
        let Some(lead) = lead else { return Ok(()) };
        let untouched = lead.state == "assigned"
            && lead.assigned_to == holder
            && lead.assigned_at.map(|a| a.timestamp_micros()) == at_us
            && lead.last_call_at.is_none();
        if !untouched {
            return Ok(());
        }
        diesel::update(leads::table.find(lead_id))
            .set(leads::sla_breached_at.eq(diesel::dsl::now))
            .execute(c)
            .await?;
        super::history(
            c,
            tenant,
            lead_id,
            "sla_breach",
            Some(&lead.state),
            &lead.state,
            lead.assigned_to,
            None,
            Some("not called within the SLA"),
        )
        .await?;
        let to = super::auto_assign(c, tenant, lead_id, holder, "reassigned after the SLA").await?;
        let after = super::announce(c, tenant, lead_id, "lead.sla_breached", &[holder]).await?;
        if let Some(h) = holder {
            notify(
                c,
                tenant,
                h,
                Note {
                    kind: "lead.sla_breached",
                    title: format!("Lead not called in time: {}", after.customer_name),
                    body: if to.is_some() {
                        "It went to a colleague.".into()
                    } else {
                        "Call it now: nobody else was free to take it.".into()
                    },
                    link: Some("/console"),
                    urgent: false,
                },
            )
            .await?;
        }
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())
}

/// Reminds the telecaller of a follow-up that fell due (if still due).
pub async fn follow_up_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let (tenant, lead_id) = job_lead(&job)?;
    let at_us = job.payload["follow_up_at_us"].as_i64();
    db.tenant_tx(tenant, Uuid::nil(), async |c| {
        let lead: Option<LeadItem> = lead_select!()
            .filter(leads::id.eq(lead_id))
            .first(c)
            .await
            .optional()?;
        let Some(lead) = lead else { return Ok(()) };
        let due = lead.follow_up_at.map(|a| a.timestamp_micros()) == at_us
            && LeadState::parse(&lead.state).is_some_and(|s| !s.is_closed());
        let Some(user) = lead.assigned_to.filter(|_| due) else {
            return Ok(());
        };
        notify(
            c,
            tenant,
            user,
            Note {
                kind: "lead.follow_up_due",
                title: format!("Call back {} now", lead.customer_name),
                body: format!("Follow-up due for {} ({}).", lead.customer_name, lead.phone),
                link: Some("/console"),
                urgent: true,
            },
        )
        .await?;
        super::announce(c, tenant, lead_id, "lead.follow_up_due", &[]).await?;
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use LeadState as S;

    #[test]
    fn dispositions_move_leads_as_the_business_expects() {
        use Disposition as D;
        use NextStep as N;
        for (from, d, step, to) in [
            (S::Assigned, D::NoAnswer, N::None, S::Attempted),
            (S::FollowUp, D::Busy, N::None, S::FollowUp),
            (S::Assigned, D::CallBack, N::None, S::FollowUp),
            (S::Assigned, D::Connected, N::None, S::Contacted),
            (S::Qualified, D::Connected, N::None, S::Qualified),
            (S::Attempted, D::Connected, N::Revisit, S::AppointmentSet),
            (S::Contacted, D::WrongNumber, N::None, S::WrongNumber),
            (S::Contacted, D::NotInterested, N::None, S::NotInterested),
        ] {
            assert_eq!(outcome(from, d, step), to, "{from:?} {d:?} {step:?}");
        }
        // Every outcome from an open state is a legal move (or no move).
        for from in [
            S::Assigned,
            S::Attempted,
            S::Contacted,
            S::FollowUp,
            S::Qualified,
            S::AppointmentSet,
        ] {
            for d in Disposition::ALL {
                for step in NextStep::ALL {
                    if *d != Disposition::Connected && *step != NextStep::None {
                        continue;
                    }
                    let to = outcome(from, *d, *step);
                    assert!(
                        to == from || from.can_become(to),
                        "{from:?} {d:?} {step:?} -> {to:?}"
                    );
                }
            }
        }
    }
}
