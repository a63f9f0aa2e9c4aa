//! Stores (showrooms) of a tenant.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::find::Find;
use crate::db::schema::{stores, tenants};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use serde_json::json;

/// A showroom.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema, PartialEq)]
#[diesel(table_name = stores)]
pub struct Store {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub code: String,
    pub address: Option<String>,
    pub city: Option<String>,
    pub time_zone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Input for a new store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStore {
    pub name: String,
    /// Short code, unique in the tenant: A–Z, 0–9 and `-`, up to 20.
    pub code: String,
    pub address: Option<String>,
    pub city: Option<String>,
    /// IANA time zone; defaults to the tenant's.
    pub time_zone: Option<String>,
}

/// Changes to a store.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StorePatch {
    pub name: Option<String>,
    pub code: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub time_zone: Option<String>,
    pub active: Option<bool>,
}

/// Normalises and checks a store code.
fn parse_code(v: &mut Validator, code: &str) -> String {
    let c = code.trim().to_uppercase();
    let ok = (1..=20).contains(&c.len())
        && c.chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-')
        && !c.starts_with('-');
    v.check(ok, "code", "must be 1–20 letters, digits or '-'");
    c
}

/// Checks an IANA time zone name against the database's list.
async fn check_time_zone(c: &mut crate::db::Conn, tz: &str) -> Result<(), ApiError> {
    crate::tenants::check_time_zone(c, "time_zone", tz).await
}

/// Create a store (business admins).
#[utoipa::path(
    operation_id = "stores_create",
    post, path = "/api/v1/stores", tag = "stores", request_body = NewStore,
    responses((status = 201, body = Store), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/stores")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewStore>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::StoresManage)?;
    let tenant = auth.tenant()?;
    let input = body.0;
    let mut v = Validator::default();
    v.text("name", &input.name, 1, 120)
        .opt_text("address", input.address.as_deref(), 500)
        .opt_text("city", input.city.as_deref(), 100)
        .opt_text("time_zone", input.time_zone.as_deref(), 64);
    let code = parse_code(&mut v, &input.code);
    v.finish()?;
    let store = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let tz = match &input.time_zone {
                Some(tz) => {
                    check_time_zone(c, tz).await?;
                    tz.clone()
                }
                None => {
                    tenants::table
                        .find(tenant)
                        .select(tenants::time_zone)
                        .first(c)
                        .await?
                }
            };
            let store: Store = diesel::insert_into(stores::table)
                .values((
                    stores::id.eq(Uuid::now_v7()),
                    stores::tenant_id.eq(tenant),
                    stores::name.eq(input.name.trim()),
                    stores::code.eq(&code),
                    stores::address.eq(input.address.as_deref().map(str::trim)),
                    stores::city.eq(input.city.as_deref().map(str::trim)),
                    stores::time_zone.eq(tz),
                ))
                .returning(Store::as_returning())
                .get_result(c)
                .await?;
            emit(
                c,
                tenant,
                "stores",
                "store.created",
                json!(store),
                &Audience::Tenant,
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "store",
                    entity_id: Some(store.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&store)),
                },
            )
            .await?;
            Ok(store)
        })
        .await?;
    Ok(HttpResponse::Created().json(store))
}

/// Stores the caller may see (business admins: all; others: their own).
#[utoipa::path(
    operation_id = "stores_list",
    get, path = "/api/v1/stores", tag = "stores", params(PageParams),
    responses((status = 200, body = Page<Store>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/stores")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Store>>, ApiError> {
    let scope = auth.require(Permission::StoresRead)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = stores::table.select(Store::as_select()).into_boxed();
            if scope != Scope::Tenant {
                q = q.filter(stores::id.eq_any(auth.store_ids.clone()));
            }
            if let Some(cur) = cursor {
                q = q.filter(stores::id.gt(cur));
            }
            Ok(q.order(stores::id).limit(limit + 1).load(c).await?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |s| s.id)))
}

/// One store.
#[utoipa::path(
    operation_id = "stores_get_one",
    get, path = "/api/v1/stores/{id}", tag = "stores",
    responses((status = 200, body = Store), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/stores/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Store>, ApiError> {
    let scope = auth.require(Permission::StoresRead)?;
    let tenant = auth.tenant()?;
    if scope != Scope::Tenant && !auth.in_store(*id) {
        return Err(ApiError::NotFound);
    }
    let store = state
        .db
        .find(Find::<stores::table, _>::new(
            tenant,
            auth.user_id,
            *id,
            Store::as_select(),
        ))
        .await?;
    Ok(web::Json(store))
}

/// Update a store (business admins).
#[utoipa::path(
    operation_id = "stores_update",
    patch, path = "/api/v1/stores/{id}", tag = "stores", request_body = StorePatch,
    responses((status = 200, body = Store), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/stores/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<StorePatch>,
) -> Result<web::Json<Store>, ApiError> {
    auth.require(Permission::StoresManage)?;
    let tenant = auth.tenant()?;
    let p = body.0;
    let mut v = Validator::default();
    if let Some(n) = &p.name {
        v.text("name", n, 1, 120);
    }
    v.opt_text("address", p.address.as_deref(), 500)
        .opt_text("city", p.city.as_deref(), 100)
        .opt_text("time_zone", p.time_zone.as_deref(), 64);
    let code = p.code.as_deref().map(|c| parse_code(&mut v, c));
    v.finish()?;
    let id = *id;
    let store = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before: Store = stores::table
                .find(id)
                .select(Store::as_select())
                .first(c)
                .await?;
            if let Some(tz) = &p.time_zone {
                check_time_zone(c, tz).await?;
            }
            let after: Store = diesel::update(stores::table.find(id))
                .set((
                    p.name
                        .as_ref()
                        .map(|n| stores::name.eq(n.trim().to_string())),
                    code.map(|c| stores::code.eq(c)),
                    p.address.as_ref().map(|a| {
                        stores::address.eq(Some(a.trim().to_string()).filter(|s| !s.is_empty()))
                    }),
                    p.city.as_ref().map(|a| {
                        stores::city.eq(Some(a.trim().to_string()).filter(|s| !s.is_empty()))
                    }),
                    p.time_zone
                        .as_ref()
                        .map(|t| stores::time_zone.eq(t.clone())),
                    p.active.map(|a| stores::active.eq(a)),
                    stores::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Store::as_returning())
                .get_result(c)
                .await?;
            emit(
                c,
                tenant,
                "stores",
                "store.updated",
                json!(after),
                &Audience::Tenant,
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "store",
                    entity_id: Some(id.to_string()),
                    action: "update",
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(store))
}
