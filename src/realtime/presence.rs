//! Presence: who is online, away, busy or on a call. Rows live per node, so a
//! node that dies takes its users' presence with it (heartbeat expiry).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::events::{Audience, emit};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::schema::{nodes, presence, user_stores};
use crate::db::{Conn, Db};
use crate::http::error::{ApiError, Problem};
use crate::state::AppState;

/// Statuses a person can set (offline is the absence of a row).
pub const STATUSES: [&str; 4] = ["online", "away", "busy", "on_call"];
/// A node silent for this long is dead; its presence rows go.
pub const NODE_EXPIRY_SECS: i64 = 30;

/// One person's presence.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct Presence {
    pub user_id: Uuid,
    /// `online`, `away`, `busy`, `on_call` or `offline`.
    pub status: String,
    pub since: DateTime<Utc>,
}

/// Presence of the people I can see.
#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceList {
    /// People not listed are offline.
    pub items: Vec<Presence>,
}

/// Announces `user`'s status to colleagues (those sharing a store, and business admins).
async fn announce(c: &mut Conn, tenant: Uuid, user: Uuid, status: &str) -> Result<(), ApiError> {
    let stores = crate::users::store_ids_of(c, user).await?;
    let payload = json!({ "user_id": user, "status": status, "since": Utc::now() });
    emit(
        c,
        tenant,
        "presence",
        "presence.changed",
        payload,
        &Audience::Stores { stores },
    )
    .await?;
    Ok(())
}

/// Announces `offline` for each (tenant, user) whose presence rows were removed
/// and who has none left on any node.
async fn announce_gone(c: &mut Conn, gone: Vec<(Uuid, Uuid)>) -> Result<(), ApiError> {
    for (tenant, user) in gone {
        let still: i64 = presence::table
            .filter(presence::user_id.eq(user))
            .count()
            .get_result(c)
            .await?;
        if still == 0 {
            announce(c, tenant, user, "offline").await?;
        }
    }
    Ok(())
}

/// Sets `user`'s status on `node` and tells colleagues.
pub async fn set(
    db: &Db,
    tenant: Uuid,
    user: Uuid,
    node: Uuid,
    status: &str,
) -> Result<(), ApiError> {
    db.tenant_tx(tenant, user, async |c| {
        diesel::insert_into(presence::table)
            .values((
                presence::user_id.eq(user),
                presence::node_id.eq(node),
                presence::tenant_id.eq(tenant),
                presence::status.eq(status),
            ))
            .on_conflict((presence::user_id, presence::node_id))
            .do_update()
            .set((
                presence::status.eq(status),
                presence::since.eq(diesel::dsl::now),
            ))
            .execute(c)
            .await?;
        announce(c, tenant, user, status).await?;
        if status == "online" {
            crate::telecalling::came_online(c, tenant, user).await?;
        }
        Ok(())
    })
    .await
}

/// `user` left `node`; if no node holds them any more they are offline.
pub async fn clear(db: &Db, tenant: Uuid, user: Uuid, node: Uuid) -> Result<(), ApiError> {
    db.tenant_tx(tenant, user, async |c| {
        diesel::delete(presence::table.find((user, node)))
            .execute(c)
            .await?;
        let left: Option<String> = presence::table
            .filter(presence::user_id.eq(user))
            .order(presence::since.desc())
            .select(presence::status)
            .first(c)
            .await
            .optional()?;
        announce(c, tenant, user, left.as_deref().unwrap_or("offline")).await
    })
    .await
}

/// Registers this node, then beats every 10 s and buries nodes that stopped beating.
pub async fn heartbeat(db: Db, node: Uuid) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(10));
    loop {
        every.tick().await;
        let beat = db
            .platform_tx(async |c| {
                diesel::insert_into(nodes::table)
                    .values(nodes::id.eq(node))
                    .on_conflict(nodes::id)
                    .do_update()
                    .set(nodes::heartbeat_at.eq(diesel::dsl::now))
                    .execute(c)
                    .await?;
                let dead: Vec<Uuid> = nodes::table
                    .filter(
                        nodes::heartbeat_at
                            .lt(Utc::now() - chrono::Duration::seconds(NODE_EXPIRY_SECS)),
                    )
                    .select(nodes::id)
                    .load(c)
                    .await?;
                if dead.is_empty() {
                    return Ok(());
                }
                let gone: Vec<(Uuid, Uuid)> =
                    diesel::delete(presence::table.filter(presence::node_id.eq_any(&dead)))
                        .returning((presence::tenant_id, presence::user_id))
                        .get_results(c)
                        .await?;
                diesel::delete(nodes::table.filter(nodes::id.eq_any(&dead)))
                    .execute(c)
                    .await?;
                announce_gone(c, gone).await?;
                tracing::info!(nodes = dead.len(), "removed presence of dead nodes");
                Ok(())
            })
            .await;
        if let Err(e) = beat {
            tracing::warn!(error = ?e, "node heartbeat failed");
        }
    }
}

/// Removes this node and its presence (clean shutdown).
pub async fn leave_node(db: &Db, node: Uuid) {
    let _ = db
        .platform_tx(async |c| {
            let gone: Vec<(Uuid, Uuid)> =
                diesel::delete(presence::table.filter(presence::node_id.eq(node)))
                    .returning((presence::tenant_id, presence::user_id))
                    .get_results(c)
                    .await?;
            announce_gone(c, gone).await?;
            diesel::delete(nodes::table.find(node)).execute(c).await?;
            Ok(())
        })
        .await;
}

/// Who among the people I can see is online, and how.
#[utoipa::path(
    operation_id = "presence_list",
    get, path = "/api/v1/presence", tag = "realtime",
    responses((status = 200, body = PresenceList), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/presence")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<PresenceList>, ApiError> {
    let scope = auth.require(Permission::UsersRead)?;
    let tenant = auth.tenant()?;
    let rows: Vec<Presence> = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = presence::table
                .select((presence::user_id, presence::status, presence::since))
                .order((presence::user_id, presence::since.desc()))
                .distinct_on(presence::user_id)
                .into_boxed();
            if scope != Scope::Tenant {
                let mine = auth.store_ids.clone();
                q = q.filter(
                    presence::user_id
                        .eq_any(
                            user_stores::table
                                .filter(user_stores::store_id.eq_any(mine))
                                .select(user_stores::user_id),
                        )
                        .or(presence::user_id.eq(auth.user_id)),
                );
            }
            Ok(q.limit(5000).load(c).await?)
        })
        .await?;
    Ok(web::Json(PresenceList { items: rows }))
}
