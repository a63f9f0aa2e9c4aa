//! Telecalling (DOMAIN.md "Telecalling"): leads and their state machine,
//! instant presence-aware assignment, the telecaller console, calls with
//! dispositions, follow-ups, transfers to sales, the manager's wallboard,
//! reports and public web forms.
//!
//! Assignment runs inside the transaction that creates or frees a lead, under
//! a per-tenant advisory lock, so two nodes can never hand out the same lead
//! or push a telecaller past their cap; the choice itself is [`engine`].

pub mod board;
pub mod console;
pub mod engine;
pub mod forms;
pub mod lead_routes;
pub mod transfers;

use actix_web::{get, put, web};
use chrono::{DateTime, NaiveTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::db::Conn;
use crate::db::schema::{agents, customers, lead_history, leads, telecalling_settings};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Validator};
use crate::jobs::{self, NewJob};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use engine::{Ask, AssignRule, Candidate, LeadState};

/// Event topic of everything here.
pub const TOPIC: &str = "telecalling";
/// Job that reassigns a lead nobody called within the store's SLA.
pub const SLA_JOB: &str = "leads.sla";
/// Job that reminds the telecaller when a follow-up falls due.
pub const FOLLOW_UP_JOB: &str = "leads.follow_up";

/// A lead as lists, queues and the console show it.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct LeadItem {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    /// The customer's primary phone (E.164).
    pub phone: String,
    pub language: Option<String>,
    /// Do not call: the customer is on DND or withdrew consent to calls.
    pub do_not_call: bool,
    pub store_id: Uuid,
    pub store_name: String,
    #[schema(value_type = LeadState)]
    pub state: String,
    /// `visit`, `import`, `web_form` or `manual`.
    pub source: String,
    /// 1 high, 2 normal, 3 low.
    pub priority: i16,
    pub note: Option<String>,
    pub assigned_to: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    /// Must be called by then or it is reassigned.
    pub sla_due_at: Option<DateTime<Utc>>,
    pub sla_breached_at: Option<DateTime<Utc>>,
    pub follow_up_at: Option<DateTime<Utc>>,
    pub last_call_at: Option<DateTime<Utc>>,
    /// Calls today (the store's calendar day).
    pub attempts_today: i16,
    /// The sales rep who accepted the lead.
    pub sales_rep_id: Option<Uuid>,
    pub visit_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Selects [`LeadItem`]s (add filters, then `.load`).
macro_rules! lead_select {
    () => {{
        use $crate::db::functions::{karat_attempts_today, karat_do_not_call, karat_first_phone};
        use $crate::db::schema::{customers as cu, leads as le, stores as st, users as us};
        le::table
            .inner_join(cu::table.on(cu::id.eq(le::customer_id)))
            .inner_join(st::table.on(st::id.eq(le::store_id)))
            .left_join(us::table.on(us::id.nullable().eq(le::assigned_to)))
            .select((
                le::id,
                le::customer_id,
                cu::name,
                karat_first_phone(cu::phones),
                cu::language,
                karat_do_not_call(cu::dnd, cu::consent),
                le::store_id,
                st::name,
                le::state,
                le::source,
                le::priority,
                le::note,
                le::assigned_to,
                us::name.nullable(),
                le::assigned_at,
                le::sla_due_at,
                le::sla_breached_at,
                le::follow_up_at,
                le::last_call_at,
                karat_attempts_today(le::attempts_on, le::attempts_that_day, st::time_zone),
                le::sales_rep_id,
                le::visit_id,
                le::created_at,
                le::updated_at,
            ))
    }};
}
pub(crate) use lead_select;

/// Who reads which leads: business admins all, managers their stores',
/// telecallers those assigned to them, sales reps those they accepted or are
/// asked to accept. Others get 403.
pub fn read_scope(auth: &Auth) -> Result<Scope, ApiError> {
    match auth.role {
        Role::BusinessAdmin | Role::Manager | Role::Telecaller | Role::SalesRep => {
            Ok(match auth.role {
                Role::BusinessAdmin => Scope::Tenant,
                Role::Manager => Scope::Store,
                _ => Scope::Own,
            })
        }
        _ => Err(ApiError::Forbidden),
    }
}

/// Narrows a lead query (over `leads` alone or joined) to what `auth` may see.
pub fn visibility<'a, QS: 'a>(
    auth: &Auth,
) -> Box<dyn BoxableExpression<QS, diesel::pg::Pg, SqlType = Bool> + 'a>
where
    leads::tenant_id: SelectableExpression<QS>,
    leads::store_id: SelectableExpression<QS>,
    leads::assigned_to: SelectableExpression<QS>,
    leads::sales_rep_id: SelectableExpression<QS>,
{
    let tenant = leads::tenant_id.eq(auth.tenant_id.unwrap_or_default());
    match auth.role {
        Role::BusinessAdmin => Box::new(tenant),
        Role::Manager => Box::new(tenant.and(leads::store_id.eq_any(auth.store_ids.clone()))),
        Role::Telecaller => Box::new(tenant.and(leads::assigned_to.is_not_distinct_from(auth.user_id))),
        Role::SalesRep => Box::new(
            tenant.and(
                leads::sales_rep_id.is_not_distinct_from(auth.user_id).or(sql::<Bool>(
                    "leads.id IN (SELECT lead_id FROM lead_transfers WHERE status = 'pending' AND to_user = ",
                )
                .bind::<diesel::sql_types::Uuid, _>(auth.user_id)
                .sql(")")),
            ),
        ),
        _ => Box::new(sql::<Bool>("false")),
    }
}

/// One lead the caller may see, or 404.
pub async fn find(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<LeadItem, ApiError> {
    Ok(lead_select!()
        .filter(leads::id.eq(id))
        .filter(customers::deleted_at.is_null())
        .filter(visibility(auth))
        .first(c)
        .await?)
}

/// One lead, unscoped (after the caller's access was checked).
pub async fn load(c: &mut Conn, id: Uuid) -> Result<LeadItem, ApiError> {
    Ok(lead_select!().filter(leads::id.eq(id)).first(c).await?)
}

/// Who hears about a lead: its store's managers, business admins, its telecaller.
pub fn lead_audience(store: Uuid, people: &[Option<Uuid>]) -> Audience {
    Audience::Staff {
        stores: vec![store],
        roles: vec![Role::Manager],
        users: people.iter().flatten().copied().collect(),
    }
}

/// Records one line of a lead's history.
#[allow(clippy::too_many_arguments)]
pub async fn history(
    c: &mut Conn,
    tenant: Uuid,
    lead: Uuid,
    kind: &str,
    from: Option<&str>,
    to: &str,
    assigned_to: Option<Uuid>,
    actor: Option<Uuid>,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    diesel::insert_into(lead_history::table)
        .values((
            lead_history::id.eq(Uuid::now_v7()),
            lead_history::tenant_id.eq(tenant),
            lead_history::lead_id.eq(lead),
            lead_history::kind.eq(kind),
            lead_history::from_state.eq(from),
            lead_history::to_state.eq(to),
            lead_history::assigned_to.eq(assigned_to),
            lead_history::actor_id.eq(actor),
            lead_history::reason.eq(reason),
        ))
        .execute(c)
        .await?;
    Ok(())
}

/// A store's calling rules.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = telecalling_settings)]
pub struct Settings {
    pub store_id: Uuid,
    #[schema(value_type = AssignRule)]
    pub rule: String,
    /// Open leads one telecaller may hold.
    pub max_open_leads: i32,
    /// A lead not called within this many minutes goes to someone else.
    pub sla_minutes: i32,
    /// A number a telecaller handled within this many days goes back to them.
    pub sticky_days: i32,
    /// A no-answer is retried after this many minutes (within calling hours).
    pub retry_minutes: i32,
    pub max_attempts_per_day: i32,
    /// Calling hours, the store's local time.
    #[schema(value_type = String, example = "09:30:00")]
    pub calling_start: NaiveTime,
    #[schema(value_type = String, example = "20:30:00")]
    pub calling_end: NaiveTime,
    /// Wrap-up time after a call before it shows as overdue.
    pub wrap_up_seconds: i32,
    /// Wallboard thresholds (amber/red).
    #[schema(value_type = Thresholds)]
    pub thresholds: serde_json::Value,
    /// The round-robin cursor: who the store last gave a lead to.
    #[serde(skip)]
    pub last_assigned_to: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

/// When wallboard tiles turn amber and red.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Oldest waiting lead, minutes.
    pub wait_amber_minutes: i32,
    pub wait_red_minutes: i32,
    /// Queue depth per store.
    pub queue_amber: i32,
    pub queue_red: i32,
    /// Connect rate, percent (below turns the tile).
    pub connect_amber_percent: i32,
    pub connect_red_percent: i32,
    /// Time in one status (break, wrap-up), minutes.
    pub state_amber_minutes: i32,
    pub state_red_minutes: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            wait_amber_minutes: 10,
            wait_red_minutes: 30,
            queue_amber: 20,
            queue_red: 50,
            connect_amber_percent: 40,
            connect_red_percent: 25,
            state_amber_minutes: 10,
            state_red_minutes: 20,
        }
    }
}

impl Thresholds {
    fn validate(&self, v: &mut Validator) {
        let pair = |v: &mut Validator, field: &str, amber: i32, red: i32, higher_is_worse: bool| {
            v.check(
                (0..=10_000).contains(&amber) && (0..=10_000).contains(&red),
                field,
                "must be between 0 and 10000",
            );
            v.check(
                if higher_is_worse {
                    amber <= red
                } else {
                    amber >= red
                },
                field,
                "amber must come before red",
            );
        };
        pair(
            v,
            "thresholds.wait_red_minutes",
            self.wait_amber_minutes,
            self.wait_red_minutes,
            true,
        );
        pair(
            v,
            "thresholds.queue_red",
            self.queue_amber,
            self.queue_red,
            true,
        );
        pair(
            v,
            "thresholds.connect_red_percent",
            self.connect_amber_percent,
            self.connect_red_percent,
            false,
        );
        v.check(
            self.connect_amber_percent <= 100,
            "thresholds.connect_amber_percent",
            "must be a percentage",
        );
        pair(
            v,
            "thresholds.state_red_minutes",
            self.state_amber_minutes,
            self.state_red_minutes,
            true,
        );
    }
}

/// A store's settings (created with defaults on first use).
pub async fn settings(c: &mut Conn, tenant: Uuid, store: Uuid) -> Result<Settings, ApiError> {
    let found = telecalling_settings::table
        .find(store)
        .select(Settings::as_select())
        .first(c)
        .await
        .optional()?;
    if let Some(s) = found {
        return Ok(s);
    }
    diesel::insert_into(telecalling_settings::table)
        .values((
            telecalling_settings::store_id.eq(store),
            telecalling_settings::tenant_id.eq(tenant),
            telecalling_settings::thresholds.eq(json!(Thresholds::default())),
        ))
        .on_conflict_do_nothing()
        .execute(c)
        .await?;
    Ok(telecalling_settings::table
        .find(store)
        .select(Settings::as_select())
        .first(c)
        .await?)
}

/// Serialises assignment in `tenant` until the transaction ends (all nodes).
async fn lock_assignment(c: &mut Conn, tenant: Uuid) -> Result<(), ApiError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind::<Text, _>(format!("karat.assign:{tenant}"))
        .execute(c)
        .await?;
    Ok(())
}

/// Telecallers of `store` who could take a lead now: active, online on some
/// node, not on break or leave; with their open-lead counts.
async fn candidates(c: &mut Conn, tenant: Uuid, store: Uuid) -> Result<Vec<Candidate>, ApiError> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        user_id: Uuid,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        open_leads: i64,
        #[diesel(sql_type = diesel::sql_types::Array<Text>)]
        languages: Vec<String>,
    }
    let rows: Vec<Row> = diesel::sql_query("SELECT * FROM karat_lead_candidates($1, $2)")
        .bind::<diesel::sql_types::Uuid, _>(tenant)
        .bind::<diesel::sql_types::Uuid, _>(store)
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            user_id: r.user_id,
            open_leads: r.open_leads,
            languages: r.languages,
        })
        .collect())
}

/// The telecaller who last called one of `customer`'s numbers within `days`, if any.
async fn recent_caller(
    c: &mut Conn,
    tenant: Uuid,
    customer: Uuid,
    days: i32,
) -> Result<Option<Uuid>, ApiError> {
    if days == 0 {
        return Ok(None);
    }
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        telecaller_id: Uuid,
    }
    let row: Option<Row> = diesel::sql_query(
        "SELECT telecaller_id FROM calls
          WHERE tenant_id = $1
            AND phone = ANY (SELECT unnest(phones) FROM customers WHERE id = $2)
            AND started_at > now() - make_interval(days => $3)
          ORDER BY started_at DESC LIMIT 1",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<diesel::sql_types::Uuid, _>(customer)
    .bind::<diesel::sql_types::Integer, _>(days)
    .get_result(c)
    .await
    .optional()?;
    Ok(row.map(|r| r.telecaller_id))
}

/// Gives `lead` to `to`: records it, restarts the SLA clock and tells the
/// store's managers, the new and the previous telecaller.
pub async fn give(
    c: &mut Conn,
    tenant: Uuid,
    lead: &LeadItem,
    to: Uuid,
    actor: Option<Uuid>,
    reason: &str,
) -> Result<(), ApiError> {
    let settings = settings(c, tenant, lead.store_id).await?;
    give_under(c, tenant, &settings, lead, to, actor, reason).await?;
    Ok(())
}

/// [`give`] with the store's settings already read.
async fn give_under(
    c: &mut Conn,
    tenant: Uuid,
    settings: &Settings,
    lead: &LeadItem,
    to: Uuid,
    actor: Option<Uuid>,
    reason: &str,
) -> Result<LeadItem, ApiError> {
    let from = LeadState::parse(&lead.state).unwrap_or(LeadState::New);
    let state = if from == LeadState::New {
        LeadState::Assigned
    } else {
        from
    };
    let now = Utc::now();
    // Only a lead nobody has called yet runs against the SLA.
    let sla = (state == LeadState::Assigned)
        .then(|| now + chrono::Duration::minutes(settings.sla_minutes.into()));
    diesel::update(leads::table.find(lead.id))
        .set((
            leads::assigned_to.eq(to),
            leads::assigned_at.eq(now),
            leads::state.eq(state.as_str()),
            leads::sla_due_at.eq(sla),
            leads::updated_at.eq(now),
        ))
        .execute(c)
        .await?;
    diesel::update(telecalling_settings::table.find(lead.store_id))
        .set(telecalling_settings::last_assigned_to.eq(to))
        .execute(c)
        .await?;
    if let Some(prev) = lead.assigned_to.filter(|p| *p != to) {
        // Off the previous holder's screen (unless they are on a call about it).
        diesel::update(
            agents::table
                .find(prev)
                .filter(agents::lead_id.eq(lead.id))
                .filter(agents::call_id.is_null()),
        )
        .set(agents::lead_id.eq(None::<Uuid>))
        .execute(c)
        .await?;
    }
    history(
        c,
        tenant,
        lead.id,
        "assigned",
        Some(&lead.state),
        state.as_str(),
        Some(to),
        actor,
        Some(reason),
    )
    .await?;
    if let Some(due) = sla {
        jobs::enqueue(
            c,
            NewJob {
                kind: SLA_JOB,
                tenant_id: Some(tenant),
                payload: json!({ "lead_id": lead.id, "assigned_to": to, "assigned_at_us": now.timestamp_micros() }),
                run_at: Some(due),
                max_attempts: 5,
                dedupe_key: Some(format!("{SLA_JOB}:{}:{}", lead.id, now.timestamp_micros())),
            },
        )
        .await?;
    }
    let after = load(c, lead.id).await?;
    emit(
        c,
        tenant,
        TOPIC,
        "lead.assigned",
        json!({ "lead": after, "previous": lead.assigned_to, "reason": reason }),
        &lead_audience(lead.store_id, &[Some(to), lead.assigned_to]),
    )
    .await?;
    Ok(after)
}

/// Assigns `lead` by its store's rule (sticky owner first). Returns who got
/// it; `None` leaves it in the store's backlog.
pub async fn auto_assign(
    c: &mut Conn,
    tenant: Uuid,
    lead_id: Uuid,
    exclude: Option<Uuid>,
    reason: &str,
) -> Result<Option<Uuid>, ApiError> {
    Ok(assign_by_rule(c, tenant, lead_id, exclude, reason)
        .await?
        .assigned_to)
}

/// [`auto_assign`], returning the lead as it now is.
async fn assign_by_rule(
    c: &mut Conn,
    tenant: Uuid,
    lead_id: Uuid,
    exclude: Option<Uuid>,
    reason: &str,
) -> Result<LeadItem, ApiError> {
    lock_assignment(c, tenant).await?;
    let lead = load(c, lead_id).await?;
    let open = LeadState::parse(&lead.state).is_some_and(|s| !s.is_closed());
    if !open || (lead.assigned_to.is_some() && exclude.is_none()) {
        return Ok(lead);
    }
    let settings = settings(c, tenant, lead.store_id).await?;
    let rule = AssignRule::parse(&settings.rule).unwrap_or(AssignRule::RoundRobin);
    let cands = candidates(c, tenant, lead.store_id).await?;
    if cands.is_empty() || rule == AssignRule::Manual {
        return Ok(lead);
    }
    let sticky = recent_caller(c, tenant, lead.customer_id, settings.sticky_days).await?;
    let ask = Ask {
        last_assigned_to: settings.last_assigned_to,
        cap: settings.max_open_leads.into(),
        language: lead.language.as_deref(),
        sticky,
        exclude,
    };
    let Some(to) = engine::choose(rule, &cands, &ask) else {
        return Ok(lead);
    };
    let why = if Some(to) == sticky {
        "sticky: called this number recently"
    } else {
        reason
    };
    give_under(c, tenant, &settings, &lead, to, None, why).await
}

/// A new lead.
pub struct NewLead<'a> {
    pub customer_id: Uuid,
    pub store_id: Uuid,
    /// `visit`, `import`, `web_form` or `manual`.
    pub source: &'a str,
    pub visit_id: Option<Uuid>,
    pub priority: i16,
    pub note: Option<&'a str>,
}

/// Creates a lead and assigns it at once when the store's rule allows;
/// returns it as it then is.
pub async fn create_lead(
    c: &mut Conn,
    tenant: Uuid,
    actor: Option<Uuid>,
    new: NewLead<'_>,
) -> Result<LeadItem, ApiError> {
    let id = Uuid::now_v7();
    diesel::insert_into(leads::table)
        .values((
            leads::id.eq(id),
            leads::tenant_id.eq(tenant),
            leads::customer_id.eq(new.customer_id),
            leads::store_id.eq(new.store_id),
            leads::source.eq(new.source),
            leads::visit_id.eq(new.visit_id),
            leads::priority.eq(new.priority),
            leads::note.eq(new.note),
        ))
        .execute(c)
        .await?;
    history(
        c,
        tenant,
        id,
        "state",
        None,
        "new",
        None,
        actor,
        Some(new.source),
    )
    .await?;
    let lead = load(c, id).await?;
    emit(
        c,
        tenant,
        TOPIC,
        "lead.created",
        json!({ "lead": lead }),
        &lead_audience(new.store_id, &[]),
    )
    .await?;
    assign_by_rule(c, tenant, id, None, "automatic").await
}

/// Hands the store backlog to telecallers while someone can take a lead
/// (after someone becomes available). At most `limit` leads per call.
pub async fn drain_backlog(
    c: &mut Conn,
    tenant: Uuid,
    stores_of: &[Uuid],
    limit: i64,
) -> Result<usize, ApiError> {
    let waiting: Vec<Uuid> = leads::table
        .filter(leads::tenant_id.eq(tenant))
        .filter(leads::store_id.eq_any(stores_of))
        .filter(leads::assigned_to.is_null())
        .filter(leads::state.eq("new"))
        .order((leads::priority, leads::created_at))
        .select(leads::id)
        .limit(limit)
        .load(c)
        .await?;
    let mut given = 0;
    for id in waiting {
        match auto_assign(c, tenant, id, None, "backlog").await? {
            Some(_) => given += 1,
            None => break,
        }
    }
    Ok(given)
}

/// Hands up to `limit` waiting leads of `user`'s stores out by the stores'
/// rules (after they came online or became available; colleagues already
/// online keep their turn).
pub async fn hand_waiting_leads(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    limit: i64,
) -> Result<usize, ApiError> {
    let theirs = crate::users::store_ids_of(c, user).await?;
    drain_backlog(c, tenant, &theirs, limit).await
}

/// A user came online: if a telecaller, hand out a few waiting leads.
pub async fn came_online(c: &mut Conn, tenant: Uuid, user: Uuid) -> Result<(), ApiError> {
    let role: Option<String> = crate::db::schema::users::table
        .find(user)
        .select(crate::db::schema::users::role)
        .first(c)
        .await
        .optional()?;
    if role.as_deref() == Some(Role::Telecaller.as_str()) {
        hand_waiting_leads(c, tenant, user, 10).await?;
    }
    Ok(())
}

/// Open leads assigned to `user` now.
pub async fn open_leads_of(c: &mut Conn, tenant: Uuid, user: Uuid) -> Result<i64, ApiError> {
    Ok(leads::table
        .filter(leads::tenant_id.eq(tenant))
        .filter(leads::assigned_to.eq(user))
        .filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES))
        .count()
        .get_result(c)
        .await?)
}

/// Moves a lead along its state machine (illegal moves → 409), recording
/// who and why, and closes it when the new state is final.
pub async fn transition(
    c: &mut Conn,
    tenant: Uuid,
    lead: &LeadItem,
    to: LeadState,
    actor: Option<Uuid>,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let from = LeadState::parse(&lead.state).unwrap_or(LeadState::New);
    if from == to {
        return Ok(());
    }
    if !from.can_become(to) {
        return Err(ApiError::Conflict(format!(
            "A lead that is {} cannot become {}.",
            from.as_str().replace('_', " "),
            to.as_str().replace('_', " ")
        )));
    }
    let now = Utc::now();
    diesel::update(leads::table.find(lead.id))
        .set((
            leads::state.eq(to.as_str()),
            leads::updated_at.eq(now),
            to.is_closed().then_some(leads::closed_at.eq(now)),
        ))
        .execute(c)
        .await?;
    if to.is_closed() || to == LeadState::New {
        diesel::update(leads::table.find(lead.id))
            .set((
                leads::follow_up_at.eq(None::<DateTime<Utc>>),
                leads::sla_due_at.eq(None::<DateTime<Utc>>),
            ))
            .execute(c)
            .await?;
    }
    if to == LeadState::New {
        diesel::update(leads::table.find(lead.id))
            .set(leads::assigned_to.eq(None::<Uuid>))
            .execute(c)
            .await?;
    }
    if to == LeadState::Dnd {
        // The customer asked not to be called: nobody calls them again.
        diesel::update(customers::table.find(lead.customer_id))
            .set(customers::dnd.eq(true))
            .execute(c)
            .await?;
    }
    history(
        c,
        tenant,
        lead.id,
        "state",
        Some(from.as_str()),
        to.as_str(),
        lead.assigned_to,
        actor,
        reason,
    )
    .await?;
    Ok(())
}

/// Announces a lead's new shape to its audience.
pub async fn announce(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    kind: &str,
    extra: &[Option<Uuid>],
) -> Result<LeadItem, ApiError> {
    let after = load(c, id).await?;
    let mut people = vec![after.assigned_to, after.sales_rep_id];
    people.extend_from_slice(extra);
    emit(
        c,
        tenant,
        TOPIC,
        kind,
        json!({ "lead": after }),
        &lead_audience(after.store_id, &people),
    )
    .await?;
    Ok(after)
}

/// Tells a telecaller's managers (and them) about a status change.
pub async fn announce_agent(c: &mut Conn, tenant: Uuid, user: Uuid) -> Result<(), ApiError> {
    let stores_of = crate::users::store_ids_of(c, user).await?;
    let row: Option<(String, DateTime<Utc>, Option<Uuid>)> = agents::table
        .find(user)
        .select((agents::status, agents::since, agents::lead_id))
        .first(c)
        .await
        .optional()?;
    let (status, since, lead) = row.unwrap_or(("available".into(), Utc::now(), None));
    emit(
        c,
        tenant,
        TOPIC,
        "agent.status",
        json!({ "user_id": user, "status": status, "since": since, "lead_id": lead }),
        &Audience::Staff {
            stores: stores_of,
            roles: vec![Role::Manager],
            users: vec![user],
        },
    )
    .await?;
    Ok(())
}

/// Sets a telecaller's working status.
pub async fn set_agent(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    status: &str,
    lead: Option<Uuid>,
    call: Option<Uuid>,
) -> Result<(), ApiError> {
    diesel::insert_into(agents::table)
        .values((
            agents::user_id.eq(user),
            agents::tenant_id.eq(tenant),
            agents::status.eq(status),
            agents::lead_id.eq(lead),
            agents::call_id.eq(call),
        ))
        .on_conflict(agents::user_id)
        .do_update()
        .set((
            agents::status.eq(status),
            agents::since.eq(diesel::dsl::now),
            agents::lead_id.eq(lead),
            agents::call_id.eq(call),
        ))
        .execute(c)
        .await?;
    announce_agent(c, tenant, user).await
}

/// Checks the caller may manage `store`'s telecalling (business admin, or its manager).
fn check_store(auth: &Auth, scope: Scope, store: Uuid) -> Result<(), ApiError> {
    if scope == Scope::Tenant || auth.in_store(store) {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// A store's calling rules (business admins and its managers; its telecallers read them).
#[utoipa::path(
    operation_id = "telecalling_settings_get",
    get, path = "/api/v1/telecalling/settings/{store_id}", tag = "telecalling",
    responses((status = 200, body = Settings), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/telecalling/settings/{store_id}")]
pub async fn get_settings(
    state: web::Data<AppState>,
    auth: Auth,
    store: web::Path<Uuid>,
) -> Result<web::Json<Settings>, ApiError> {
    let scope = auth
        .require(Permission::LeadsAssign)
        .or_else(|_| auth.require(Permission::CallsWork))?;
    let tenant = auth.tenant()?;
    let store = *store;
    check_store(
        &auth,
        if scope == Scope::Own {
            Scope::Store
        } else {
            scope
        },
        store,
    )?;
    let s = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            crate::customers::store_exists(c, "store_id", store)
                .await
                .map_err(|_| ApiError::NotFound)?;
            settings(c, tenant, store).await
        })
        .await?;
    Ok(web::Json(s))
}

/// New calling rules for a store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub rule: AssignRule,
    pub max_open_leads: i32,
    pub sla_minutes: i32,
    pub sticky_days: i32,
    pub retry_minutes: i32,
    pub max_attempts_per_day: i32,
    #[schema(value_type = String, example = "09:30")]
    pub calling_start: NaiveTime,
    #[schema(value_type = String, example = "20:30")]
    pub calling_end: NaiveTime,
    pub wrap_up_seconds: i32,
    #[serde(default)]
    pub thresholds: Thresholds,
}

/// Set a store's assignment rule, caps, SLA, calling hours and wallboard thresholds.
#[utoipa::path(
    operation_id = "telecalling_settings_put",
    put, path = "/api/v1/telecalling/settings/{store_id}", tag = "telecalling", request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/telecalling/settings/{store_id}")]
pub async fn put_settings(
    state: web::Data<AppState>,
    auth: Auth,
    store: web::Path<Uuid>,
    body: Json<SettingsInput>,
) -> Result<web::Json<Settings>, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let store = *store;
    check_store(&auth, scope, store)?;
    let b = body.0;
    let mut v = Validator::default();
    v.range("max_open_leads", b.max_open_leads, 1, 1000)
        .range("sla_minutes", b.sla_minutes, 1, 1440)
        .range("sticky_days", b.sticky_days, 0, 90)
        .range("retry_minutes", b.retry_minutes, 5, 1440)
        .range("max_attempts_per_day", b.max_attempts_per_day, 1, 20)
        .range("wrap_up_seconds", b.wrap_up_seconds, 10, 1800)
        .check(
            b.calling_start < b.calling_end,
            "calling_end",
            "must be after calling_start",
        );
    b.thresholds.validate(&mut v);
    v.finish()?;
    let s = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            crate::customers::store_exists(c, "store_id", store)
                .await
                .map_err(|_| ApiError::NotFound)?;
            let before = settings(c, tenant, store).await?;
            diesel::update(telecalling_settings::table.find(store))
                .set((
                    telecalling_settings::rule.eq(b.rule.as_str()),
                    telecalling_settings::max_open_leads.eq(b.max_open_leads),
                    telecalling_settings::sla_minutes.eq(b.sla_minutes),
                    telecalling_settings::sticky_days.eq(b.sticky_days),
                    telecalling_settings::retry_minutes.eq(b.retry_minutes),
                    telecalling_settings::max_attempts_per_day.eq(b.max_attempts_per_day),
                    telecalling_settings::calling_start.eq(b.calling_start),
                    telecalling_settings::calling_end.eq(b.calling_end),
                    telecalling_settings::wrap_up_seconds.eq(b.wrap_up_seconds),
                    telecalling_settings::thresholds.eq(json!(b.thresholds)),
                    telecalling_settings::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            let after = settings(c, tenant, store).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "telecalling_settings",
                    entity_id: Some(store.to_string()),
                    action: "update",
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            emit(
                c,
                tenant,
                TOPIC,
                "settings.updated",
                json!(after),
                &Audience::Stores {
                    stores: vec![store],
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(s))
}
