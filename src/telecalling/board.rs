//! The manager's live wallboard and the telecalling reports.
//!
//! The board is one snapshot query; the web app refetches it when a
//! `telecalling` event arrives, so every tile follows the floor live.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::Thresholds;
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{stores, tenants};
use crate::http::error::{ApiError, Problem};
use crate::http::export::Format;
use crate::state::AppState;

/// One telecaller on the board.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct AgentTile {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// `available`, `on_call`, `wrap_up`, `break`, `leave` (`offline` when not connected).
    #[diesel(sql_type = Text)]
    pub status: String,
    /// When the status began (time in state).
    #[diesel(sql_type = Timestamptz)]
    pub since: DateTime<Utc>,
    #[diesel(sql_type = Bool)]
    pub online: bool,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub lead_id: Option<Uuid>,
    /// The customer on their screen.
    #[diesel(sql_type = Nullable<Text>)]
    pub lead_customer: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub open_leads: i64,
    #[diesel(sql_type = BigInt)]
    pub overdue_follow_ups: i64,
    #[diesel(sql_type = BigInt)]
    pub calls_today: i64,
    #[diesel(sql_type = BigInt)]
    pub calls_last_hour: i64,
    #[diesel(sql_type = BigInt)]
    pub connects_today: i64,
    #[diesel(sql_type = BigInt)]
    pub talk_seconds_today: i64,
    /// Start of call to saved disposition.
    #[diesel(sql_type = BigInt)]
    pub handle_seconds_today: i64,
    #[diesel(sql_type = BigInt)]
    pub conversions_today: i64,
    #[diesel(sql_type = Array<diesel::sql_types::Uuid>)]
    pub store_ids: Vec<Uuid>,
    /// Languages they call in (for the language rule).
    #[diesel(sql_type = Array<Text>)]
    pub languages: Vec<String>,
}

/// One store's queue.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct StoreQueue {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub store_id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Leads not called yet (waiting in the backlog or assigned).
    #[diesel(sql_type = BigInt)]
    pub queue_depth: i64,
    /// Leads nobody holds.
    #[diesel(sql_type = BigInt)]
    pub unassigned: i64,
    /// The oldest lead not called yet.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub oldest_waiting_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    pub overdue_follow_ups: i64,
    #[diesel(sql_type = BigInt)]
    pub sla_breaches_today: i64,
    #[diesel(sql_type = BigInt)]
    pub conversions_today: i64,
}

/// One store's queue with its thresholds.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreTile {
    #[serde(flatten)]
    pub queue: StoreQueue,
    pub thresholds: Thresholds,
}

/// The floor in numbers.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Totals {
    pub agents_online: i64,
    pub calls_today: i64,
    pub calls_last_hour: i64,
    /// Connected calls / calls, percent.
    pub connect_rate_percent: i64,
    pub average_handle_seconds: i64,
    /// Online telecallers on a call or in wrap-up, percent (now).
    pub occupancy_percent: i64,
    pub conversions_today: i64,
    pub sla_breaches_today: i64,
    pub overdue_follow_ups: i64,
    pub queue_depth: i64,
}

/// The wallboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct Wallboard {
    pub agents: Vec<AgentTile>,
    pub stores: Vec<StoreTile>,
    pub totals: Totals,
    /// "Today" starts at midnight in the tenant's time zone.
    pub day_started_at: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
}

/// Wallboard filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardFilter {
    /// One store (default: all of mine).
    pub store_id: Option<Uuid>,
}

async fn my_stores(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    only: Option<Uuid>,
) -> Result<Vec<Uuid>, ApiError> {
    let mut ids: Vec<Uuid> = match scope {
        Scope::Tenant => {
            stores::table
                .filter(stores::active.eq(true))
                .select(stores::id)
                .load(c)
                .await?
        }
        _ => auth.store_ids.clone(),
    };
    if let Some(s) = only {
        if !ids.contains(&s) {
            return Err(ApiError::NotFound);
        }
        ids = vec![s];
    }
    Ok(ids)
}

async fn day_start(c: &mut Conn, tenant: Uuid) -> Result<DateTime<Utc>, ApiError> {
    Ok(tenants::table
        .find(tenant)
        .select(diesel::dsl::sql::<Timestamptz>(
            "date_trunc('day', now() AT TIME ZONE tenants.time_zone) AT TIME ZONE tenants.time_zone",
        ))
        .first(c)
        .await?)
}

/// Builds the board for `store_ids`.
pub async fn snapshot(
    c: &mut Conn,
    tenant: Uuid,
    store_ids: &[Uuid],
) -> Result<Wallboard, ApiError> {
    let since = day_start(c, tenant).await?;
    let agents: Vec<AgentTile> = diesel::sql_query(
        "SELECT u.id AS user_id, u.name,
                CASE WHEN NOT EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id)
                       AND coalesce(a.status, 'available') NOT IN ('leave')
                     THEN 'offline' ELSE coalesce(a.status, 'available') END AS status,
                coalesce(a.since, u.updated_at) AS since,
                EXISTS (SELECT 1 FROM presence p WHERE p.user_id = u.id) AS online,
                a.lead_id,
                (SELECT cu.name FROM leads l JOIN customers cu ON cu.id = l.customer_id
                  WHERE l.id = a.lead_id) AS lead_customer,
                (SELECT count(*) FROM leads l WHERE l.tenant_id = $1 AND l.assigned_to = u.id
                   AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd'))
                  AS open_leads,
                (SELECT count(*) FROM leads l WHERE l.tenant_id = $1 AND l.assigned_to = u.id
                   AND l.follow_up_at < now()
                   AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd'))
                  AS overdue_follow_ups,
                count(ca.id) FILTER (WHERE ca.disposed_at IS NOT NULL) AS calls_today,
                count(ca.id) FILTER (WHERE ca.disposed_at IS NOT NULL
                                       AND ca.started_at > now() - interval '1 hour') AS calls_last_hour,
                count(ca.id) FILTER (WHERE ca.disposition IN ('connected', 'call_back', 'not_interested'))
                  AS connects_today,
                coalesce(sum(ca.duration_seconds), 0)::bigint AS talk_seconds_today,
                coalesce(sum(extract(epoch FROM ca.disposed_at - ca.started_at)), 0)::bigint
                  AS handle_seconds_today,
                count(ca.id) FILTER (WHERE ca.next_step IN ('converted', 'revisit')) AS conversions_today,
                array(SELECT us.store_id FROM user_stores us
                       WHERE us.user_id = u.id AND us.store_id = ANY($2)) AS store_ids,
                coalesce(a.languages, '{}') AS languages
           FROM users u
           LEFT JOIN agents a ON a.user_id = u.id
           LEFT JOIN calls ca ON ca.telecaller_id = u.id AND ca.tenant_id = $1 AND ca.started_at >= $3
          WHERE u.tenant_id = $1 AND u.role = 'telecaller' AND u.active
            AND EXISTS (SELECT 1 FROM user_stores us WHERE us.user_id = u.id AND us.store_id = ANY($2))
          GROUP BY u.id, a.user_id
          ORDER BY u.name, u.id",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<Array<diesel::sql_types::Uuid>, _>(store_ids)
    .bind::<Timestamptz, _>(since)
    .load(c)
    .await?;
    let queues: Vec<StoreQueue> = diesel::sql_query(
        "SELECT s.id AS store_id, s.name,
                count(l.id) FILTER (WHERE l.state IN ('new', 'assigned')) AS queue_depth,
                count(l.id) FILTER (WHERE l.assigned_to IS NULL) AS unassigned,
                min(l.created_at) FILTER (WHERE l.state IN ('new', 'assigned')) AS oldest_waiting_at,
                count(l.id) FILTER (WHERE l.follow_up_at < now()) AS overdue_follow_ups,
                (SELECT count(*) FROM lead_history h JOIN leads l2 ON l2.id = h.lead_id
                  WHERE h.tenant_id = $1 AND h.kind = 'sla_breach' AND h.at >= $3
                    AND l2.store_id = s.id) AS sla_breaches_today,
                (SELECT count(*) FROM calls ca WHERE ca.tenant_id = $1 AND ca.store_id = s.id
                    AND ca.started_at >= $3 AND ca.next_step IN ('converted', 'revisit'))
                  AS conversions_today
           FROM stores s
           LEFT JOIN leads l ON l.store_id = s.id AND l.tenant_id = $1
                AND l.state NOT IN ('converted', 'lost', 'not_interested', 'wrong_number', 'dnd')
          WHERE s.tenant_id = $1 AND s.id = ANY($2)
          GROUP BY s.id
          ORDER BY s.name, s.id",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<Array<diesel::sql_types::Uuid>, _>(store_ids)
    .bind::<Timestamptz, _>(since)
    .load(c)
    .await?;
    let mut stores_ = Vec::with_capacity(queues.len());
    for queue in queues {
        let set = super::settings(c, tenant, queue.store_id).await?;
        stores_.push(StoreTile {
            queue,
            thresholds: serde_json::from_value(set.thresholds).unwrap_or_default(),
        });
    }
    let mut t = Totals::default();
    let mut handle = 0;
    let mut working = 0;
    for a in &agents {
        if a.online && !matches!(a.status.as_str(), "break" | "leave") {
            t.agents_online += 1;
            if matches!(a.status.as_str(), "on_call" | "wrap_up") {
                working += 1;
            }
        }
        t.calls_today += a.calls_today;
        t.calls_last_hour += a.calls_last_hour;
        t.conversions_today += a.conversions_today;
        handle += a.handle_seconds_today;
        t.connect_rate_percent += a.connects_today;
    }
    t.connect_rate_percent = percent(t.connect_rate_percent, t.calls_today);
    t.average_handle_seconds = if t.calls_today > 0 {
        handle / t.calls_today
    } else {
        0
    };
    t.occupancy_percent = percent(working, t.agents_online);
    for s in &stores_ {
        t.sla_breaches_today += s.queue.sla_breaches_today;
        t.overdue_follow_ups += s.queue.overdue_follow_ups;
        t.queue_depth += s.queue.queue_depth;
    }
    Ok(Wallboard {
        agents,
        stores: stores_,
        totals: t,
        day_started_at: since,
        generated_at: Utc::now(),
    })
}

fn percent(part: i64, whole: i64) -> i64 {
    if whole > 0 { part * 100 / whole } else { 0 }
}

/// The live wallboard: every telecaller's status and day, each store's queue,
/// and the floor's totals with the stores' thresholds. Refetch on
/// `telecalling` events.
#[utoipa::path(
    operation_id = "wallboard_get",
    get, path = "/api/v1/telecalling/wallboard", tag = "telecalling", params(BoardFilter),
    responses((status = 200, body = Wallboard), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/telecalling/wallboard")]
pub async fn wallboard(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<BoardFilter>,
) -> Result<web::Json<Wallboard>, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let board = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let ids = my_stores(c, &auth, scope, filter.store_id).await?;
            snapshot(c, tenant, &ids).await
        })
        .await?;
    Ok(web::Json(board))
}

/// Report parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// First day (tenant's calendar), inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive (at most 366 days after `from`).
    pub to: NaiveDate,
    /// `telecaller` (default) or `store`.
    pub group_by: Option<String>,
    pub store_id: Option<Uuid>,
    /// `json` (default, for the screen), `csv` or `jsonl` (downloads).
    pub format: Option<String>,
}

/// One line of a report.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct CallReportRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = BigInt)]
    pub calls: i64,
    #[diesel(sql_type = BigInt)]
    pub connects: i64,
    #[diesel(sql_type = BigInt)]
    pub talk_seconds: i64,
    #[diesel(sql_type = BigInt)]
    pub conversions: i64,
    #[diesel(sql_type = BigInt)]
    pub follow_ups: i64,
    #[diesel(sql_type = BigInt)]
    pub positive: i64,
    #[diesel(sql_type = BigInt)]
    pub neutral: i64,
    #[diesel(sql_type = BigInt)]
    pub negative: i64,
}

/// A telecalling report.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub group_by: String,
    pub rows: Vec<CallReportRow>,
}

const REPORT_COLUMNS: [&str; 10] = [
    "id",
    "name",
    "calls",
    "connects",
    "talk_seconds",
    "conversions",
    "follow_ups",
    "positive",
    "neutral",
    "negative",
];

/// Calls, connects, talk time, conversions and sentiment per telecaller or
/// per store over a date range; JSON for the screen, CSV or JSON lines to
/// download. Business admins see every store, managers theirs.
#[utoipa::path(
    operation_id = "telecalling_report",
    get, path = "/api/v1/telecalling/reports", tag = "telecalling", params(ReportParams),
    responses(
        (status = 200, body = CallReport, description = "JSON; `text/csv` or `application/x-ndjson` with format=csv|jsonl"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)
    ),
    security(("bearer" = []))
)]
#[get("/telecalling/reports")]
pub async fn report(
    state: web::Data<AppState>,
    auth: Auth,
    params: web::Query<ReportParams>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let p = params.into_inner();
    let group = p.group_by.clone().unwrap_or_else(|| "telecaller".into());
    let download = match p.format.as_deref() {
        None | Some("json") => None,
        Some("csv") => Some(Format::Csv),
        Some("jsonl") => Some(Format::JsonLines),
        Some(_) => return Err(ApiError::invalid("format", "must be json, csv or jsonl")),
    };
    let mut v = crate::http::extract::Validator::default();
    v.check(
        matches!(group.as_str(), "telecaller" | "store"),
        "group_by",
        "must be telecaller or store",
    )
    .check(p.from <= p.to, "to", "must not be before from")
    .check(
        (p.to - p.from).num_days() <= 366,
        "to",
        "at most a year at a time",
    );
    v.finish()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let ids = my_stores(c, &auth, scope, p.store_id).await?;
            let (key, name, join) = if group == "store" {
                ("ca.store_id", "s.name", "JOIN stores s ON s.id = ca.store_id")
            } else {
                ("ca.telecaller_id", "u.name", "JOIN users u ON u.id = ca.telecaller_id")
            };
            let rows: Vec<CallReportRow> = diesel::sql_query(format!(
                "SELECT {key} AS id, {name} AS name,
                        count(*) AS calls,
                        count(*) FILTER (WHERE ca.disposition IN ('connected', 'call_back', 'not_interested'))
                          AS connects,
                        coalesce(sum(ca.duration_seconds), 0)::bigint AS talk_seconds,
                        count(*) FILTER (WHERE ca.next_step IN ('converted', 'revisit')) AS conversions,
                        count(*) FILTER (WHERE ca.disposition = 'call_back' OR ca.next_step = 'follow_up')
                          AS follow_ups,
                        count(*) FILTER (WHERE ca.sentiment = 'positive') AS positive,
                        count(*) FILTER (WHERE ca.sentiment = 'neutral') AS neutral,
                        count(*) FILTER (WHERE ca.sentiment = 'negative') AS negative
                   FROM calls ca {join}
                   JOIN tenants t ON t.id = ca.tenant_id
                  WHERE ca.tenant_id = $1 AND ca.store_id = ANY($2) AND ca.disposed_at IS NOT NULL
                    AND ca.started_at >= ($3::date::timestamp AT TIME ZONE t.time_zone)
                    AND ca.started_at < (($4::date + 1)::timestamp AT TIME ZONE t.time_zone)
                  GROUP BY {key}, {name}
                  ORDER BY {name}, {key}"
            ))
            .bind::<diesel::sql_types::Uuid, _>(tenant)
            .bind::<Array<diesel::sql_types::Uuid>, _>(&ids)
            .bind::<diesel::sql_types::Date, _>(p.from)
            .bind::<diesel::sql_types::Date, _>(p.to)
            .load(c)
            .await?;
            Ok(rows)
        })
        .await?;
    match download {
        None => Ok(HttpResponse::Ok().json(CallReport {
            from: p.from,
            to: p.to,
            group_by: group,
            rows,
        })),
        Some(format) => {
            let cells: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|r| {
                    vec![
                        Some(r.id.to_string()),
                        Some(r.name.clone()),
                        Some(r.calls.to_string()),
                        Some(r.connects.to_string()),
                        Some(r.talk_seconds.to_string()),
                        Some(r.conversions.to_string()),
                        Some(r.follow_ups.to_string()),
                        Some(r.positive.to_string()),
                        Some(r.neutral.to_string()),
                        Some(r.negative.to_string()),
                    ]
                })
                .collect();
            let mut body = format
                .header(&REPORT_COLUMNS)
                .map(|b| b.to_vec())
                .unwrap_or_default();
            body.extend_from_slice(&format.encode(&REPORT_COLUMNS, &cells));
            let stem = format!("telecalling-{group}-{}-{}", p.from, p.to);
            Ok(format.respond(
                &stem,
                futures_util::stream::once(async move { Ok(web::Bytes::from(body)) }),
            ))
        }
    }
}
