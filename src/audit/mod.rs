//! The audit trail: one row per mutation, written in the mutation's transaction.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{audit_log, user_stores};
use crate::http::error::ApiError;
use crate::http::extract::{Page, PageParams, RequestMeta};
use crate::state::AppState;

/// Who did something, from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub tenant_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub name: Option<String>,
    pub meta: RequestMeta,
}

/// A change to record.
pub struct Change<'a> {
    pub entity: &'a str,
    pub entity_id: Option<String>,
    pub action: &'a str,
    pub changes: Option<Value>,
}

/// Writes one audit row; `tenant_id` is the tenant the row belongs to (None: platform).
pub async fn record(
    conn: &mut Conn,
    actor: &Actor,
    tenant_id: Option<Uuid>,
    change: Change<'_>,
) -> Result<(), ApiError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(Uuid::now_v7()),
            audit_log::tenant_id.eq(tenant_id),
            audit_log::actor_id.eq(actor.user_id),
            audit_log::actor_name.eq(actor.name.as_deref()),
            audit_log::entity.eq(change.entity),
            audit_log::entity_id.eq(change.entity_id),
            audit_log::action.eq(change.action),
            audit_log::changes.eq(change.changes),
            audit_log::ip.eq(actor.meta.ip.as_deref()),
            audit_log::user_agent.eq(actor.meta.user_agent.as_deref()),
            audit_log::request_id.eq(actor.meta.request_id.as_deref()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// `{field: {from, to}}` for every top-level field that differs.
pub fn diff<T: Serialize>(before: &T, after: &T) -> Value {
    let (Ok(Value::Object(b)), Ok(Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Value::Null;
    };
    let mut out = Map::new();
    for (k, new) in &a {
        let old = b.get(k).unwrap_or(&Value::Null);
        if old != new && k != "updated_at" {
            out.insert(k.clone(), serde_json::json!({ "from": old, "to": new }));
        }
    }
    Value::Object(out)
}

/// `{after: …}` for a created record.
pub fn created<T: Serialize>(after: &T) -> Value {
    serde_json::json!({ "after": after })
}

/// One audit row.
#[derive(Debug, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    #[schema(value_type = Option<Object>)]
    pub changes: Option<Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Audit log filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    /// Only entries at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only entries before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// The audit log, newest first. Business admins see their tenant, managers the
/// actions of people in their stores, platform admins platform-level entries.
#[utoipa::path(
    operation_id = "audit_list",
    get, path = "/api/v1/audit", tag = "audit",
    params(AuditFilter, PageParams),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = crate::http::error::Problem)),
    security(("bearer" = []))
)]
#[get("/audit")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<AuditFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let scope = auth.require(Permission::AuditRead)?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    for (name, v) in [
        ("entity", &filter.entity),
        ("entity_id", &filter.entity_id),
        ("action", &filter.action),
    ] {
        if v.as_ref().is_some_and(|s| s.len() > 100) {
            return Err(ApiError::invalid(name, "must be at most 100 characters"));
        }
    }
    let filter = filter.into_inner();
    let query = move |tenant: Option<Uuid>| {
        let mut q = audit_log::table
            .select(AuditEntry::as_select())
            .into_boxed();
        q = match tenant {
            Some(t) => q.filter(audit_log::tenant_id.eq(t)),
            None => q.filter(audit_log::tenant_id.is_null()),
        };
        if let Some(e) = filter.entity.clone() {
            q = q.filter(audit_log::entity.eq(e));
        }
        if let Some(e) = filter.entity_id.clone() {
            q = q.filter(audit_log::entity_id.eq(e));
        }
        if let Some(a) = filter.actor_id {
            q = q.filter(audit_log::actor_id.eq(a));
        }
        if let Some(a) = filter.action.clone() {
            q = q.filter(audit_log::action.eq(a));
        }
        if let Some(f) = filter.from {
            q = q.filter(audit_log::created_at.ge(f));
        }
        if let Some(t) = filter.to {
            q = q.filter(audit_log::created_at.lt(t));
        }
        if let Some(c) = cursor {
            q = q.filter(audit_log::id.lt(c));
        }
        q.order(audit_log::id.desc()).limit(limit + 1)
    };
    let rows = match scope {
        Scope::Platform => {
            state
                .db
                .platform_tx(async |c| Ok(query(None).load(c).await?))
                .await?
        }
        Scope::Tenant => {
            let tenant = auth.tenant()?;
            state
                .db
                .tenant_tx(tenant, auth.user_id, async |c| {
                    Ok(query(Some(tenant)).load(c).await?)
                })
                .await?
        }
        Scope::Store | Scope::Own => {
            let tenant = auth.tenant()?;
            let stores = auth.store_ids.clone();
            state
                .db
                .tenant_tx(tenant, auth.user_id, async |c| {
                    let people = user_stores::table
                        .filter(user_stores::store_id.eq_any(&stores))
                        .select(user_stores::user_id.nullable());
                    Ok(query(Some(tenant))
                        .filter(audit_log::actor_id.eq_any(people))
                        .load(c)
                        .await?)
                })
                .await?
        }
    };
    Ok(web::Json(Page::from_rows(rows, limit, |r| r.id)))
}
