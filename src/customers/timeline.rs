//! One chronological view of everything that happened with a customer.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::visible_row;
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::http::error::{ApiError, Problem};
use crate::state::AppState;

/// One thing on a customer's timeline.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct TimelineEntry {
    /// `visit`, `appointment` (at its booking; `data.scheduled_at` is when), `note`, `lead` or `change`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    pub at: DateTime<Utc>,
    /// Who did it, when known.
    #[diesel(sql_type = Nullable<Text>)]
    pub actor: Option<String>,
    /// A one-line description (reason, purpose, note text, lead state, action).
    #[diesel(sql_type = Text)]
    pub summary: String,
    /// The details, by kind.
    #[diesel(sql_type = Jsonb)]
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// A page of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    pub items: Vec<TimelineEntry>,
    pub next_cursor: Option<String>,
}

/// Timeline paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Opaque cursor from the previous page.
    pub cursor: Option<String>,
    /// 1–100 (default 30).
    pub limit: Option<i64>,
}

const TIMELINE_SQL: &str = "
SELECT kind, id, at, actor, summary, data FROM (
  SELECT 'visit' AS kind, v.id, v.visited_at AS at, u.name AS actor, v.reason AS summary,
    jsonb_build_object('store_id', v.store_id, 'reason', v.reason, 'lead_source', v.lead_source,
      'notes', v.notes, 'lead_id', v.lead_id, 'attended_by', v.attended_by, 'interests', coalesce((
        SELECT jsonb_agg(jsonb_build_object('category', i.category, 'design_number', i.design_number,
          'expected_value', i.expected_value, 'outcome', i.outcome, 'note', i.note,
          'metal', i.metal, 'stone', i.stone, 'id', i.id, 'photos', coalesce((
            SELECT jsonb_agg(p.id ORDER BY p.created_at) FROM interest_photos p
            WHERE p.interest_id = i.id), '[]'::jsonb)) ORDER BY i.position)
        FROM visit_interests i WHERE i.visit_id = v.id), '[]'::jsonb)) AS data
  FROM visits v LEFT JOIN users u ON u.id = v.attended_by WHERE v.customer_id = $1
  UNION ALL
  SELECT 'appointment', a.id, a.created_at, u.name, a.purpose,
    jsonb_build_object('store_id', a.store_id, 'status', a.status, 'staff_id', a.staff_id,
      'staff_name', s.name, 'scheduled_at', a.scheduled_at, 'notes', a.notes,
      'rescheduled_to', a.rescheduled_to)
  FROM appointments a LEFT JOIN users u ON u.id = a.created_by LEFT JOIN users s ON s.id = a.staff_id
  WHERE a.customer_id = $1
  UNION ALL
  SELECT 'lead', l.id, l.created_at, NULL, l.state,
    jsonb_build_object('state', l.state, 'source', l.source, 'store_id', l.store_id,
      'assigned_to', l.assigned_to)
  FROM leads l WHERE l.customer_id = $1
  UNION ALL
  SELECT 'note', n.id, n.created_at, u.name, n.body, jsonb_build_object('body', n.body)
  FROM customer_notes n LEFT JOIN users u ON u.id = n.author_id
  WHERE n.customer_id = $1 AND $2
  UNION ALL
  SELECT 'change', a.id, a.created_at, a.actor_name, a.action, coalesce(a.changes, '{}'::jsonb)
  FROM audit_log a WHERE a.entity = 'customer' AND a.entity_id = $1::text AND $2
) t
WHERE $3::timestamptz IS NULL OR (t.at, t.id) < ($3, $4)
ORDER BY t.at DESC, t.id DESC
LIMIT $5";

fn parse_cursor(c: &str) -> Option<(DateTime<Utc>, Uuid)> {
    let (micros, id) = c.split_once('~')?;
    Some((
        DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id.parse().ok()?,
    ))
}

/// A customer's timeline, newest first: visits with interests, appointments,
/// leads, notes and profile changes (telecallers see no notes or changes).
#[utoipa::path(
    operation_id = "customers_timeline",
    get, path = "/api/v1/customers/{id}/timeline", tag = "customers", params(TimelineParams),
    responses((status = 200, body = TimelinePage), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    params: web::Query<TimelineParams>,
) -> Result<web::Json<TimelinePage>, ApiError> {
    let scope = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let limit = match params.limit {
        None => 30,
        Some(n) if (1..=100).contains(&n) => n,
        Some(_) => return Err(ApiError::invalid("limit", "must be between 1 and 100")),
    };
    let cursor = match params.cursor.as_deref() {
        None => None,
        Some(c) => Some(
            parse_cursor(c).ok_or_else(|| ApiError::invalid("cursor", "is not a valid cursor"))?,
        ),
    };
    let id = *id;
    let mut items = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            visible_row(c, &auth, scope, id).await?;
            let rows: Vec<TimelineEntry> = diesel::sql_query(TIMELINE_SQL)
                .bind::<SqlUuid, _>(id)
                .bind::<Bool, _>(scope != Scope::Own)
                .bind::<Nullable<Timestamptz>, _>(cursor.map(|c| c.0))
                .bind::<SqlUuid, _>(cursor.map(|c| c.1).unwrap_or_default())
                .bind::<diesel::sql_types::BigInt, _>(limit + 1)
                .load(c)
                .await?;
            Ok(rows)
        })
        .await?;
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = more
        .then(|| items.last())
        .flatten()
        .map(|e| format!("{}~{}", e.at.timestamp_micros(), e.id));
    Ok(web::Json(TimelinePage { items, next_cursor }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let at = DateTime::from_timestamp_micros(1_780_000_000_123_456).unwrap();
        let id = Uuid::now_v7();
        let c = format!("{}~{}", at.timestamp_micros(), id);
        assert_eq!(parse_cursor(&c), Some((at, id)));
        assert_eq!(parse_cursor("nope"), None);
    }
}
