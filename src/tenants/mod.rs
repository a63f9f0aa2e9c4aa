//! Tenants (jewellery businesses), managed by platform admins.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role};
use crate::db::Conn;
use crate::db::find::Find;
use crate::db::schema::{sessions, tenants, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::state::AppState;
use crate::users::{self as user_model, NewUser, User};

/// A tenant.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema, PartialEq)]
#[diesel(table_name = tenants)]
pub struct Tenant {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub country: String,
    pub currency: String,
    pub time_zone: String,
    pub locale: String,
    pub plan: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// Input for a new tenant.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    pub name: String,
    /// URL-safe identifier: lower-case letters, digits, `-`; 2–63 characters.
    pub slug: String,
    /// ISO 3166-1 alpha-2, default `IN`.
    pub country: Option<String>,
    /// ISO 4217, default `INR`.
    pub currency: Option<String>,
    /// IANA zone, default `Asia/Kolkata`.
    pub time_zone: Option<String>,
    /// BCP 47 locale for formatting, default `en-IN`.
    pub locale: Option<String>,
    /// `trial`, `standard` or `premium` (default `trial`).
    pub plan: Option<String>,
}

const PLANS: [&str; 3] = ["trial", "standard", "premium"];

/// Checks an IANA time zone against PostgreSQL's list.
pub async fn check_time_zone(c: &mut Conn, field: &str, tz: &str) -> Result<(), ApiError> {
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let f: Found = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS found",
    )
    .bind::<diesel::sql_types::Text, _>(tz)
    .get_result(c)
    .await?;
    if f.found {
        Ok(())
    } else {
        Err(ApiError::invalid(field, "is not a known time zone"))
    }
}

impl NewTenant {
    /// Validates and fills defaults.
    pub fn normalise(&self) -> Result<NewTenant, ApiError> {
        let t = NewTenant {
            name: self.name.trim().to_string(),
            slug: self.slug.trim().to_lowercase(),
            country: Some(
                self.country
                    .clone()
                    .unwrap_or_else(|| "IN".into())
                    .to_uppercase(),
            ),
            currency: Some(
                self.currency
                    .clone()
                    .unwrap_or_else(|| "INR".into())
                    .to_uppercase(),
            ),
            time_zone: Some(
                self.time_zone
                    .clone()
                    .unwrap_or_else(|| "Asia/Kolkata".into()),
            ),
            locale: Some(self.locale.clone().unwrap_or_else(|| "en-IN".into())),
            plan: Some(self.plan.clone().unwrap_or_else(|| "trial".into())),
        };
        let mut v = Validator::default();
        v.text("name", &t.name, 1, 120);
        let slug_ok = (2..=63).contains(&t.slug.len())
            && t.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !t.slug.starts_with('-');
        v.check(
            slug_ok,
            "slug",
            "must be 2–63 lower-case letters, digits or '-'",
        );
        let country = t.country.as_deref().unwrap_or_default();
        v.check(
            country.len() == 2 && country.chars().all(|c| c.is_ascii_uppercase()),
            "country",
            "must be an ISO 3166 code like IN",
        );
        let currency = t.currency.as_deref().unwrap_or_default();
        v.check(
            currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase()),
            "currency",
            "must be an ISO 4217 code like INR",
        );
        let locale = t.locale.as_deref().unwrap_or_default();
        v.check(
            (2..=35).contains(&locale.len())
                && locale
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "locale",
            "must be a locale like en-IN",
        );
        v.opt_text("time_zone", t.time_zone.as_deref(), 64);
        v.check(
            PLANS.contains(&t.plan.as_deref().unwrap_or_default()),
            "plan",
            "must be trial, standard or premium",
        );
        v.finish()?;
        Ok(t)
    }
}

/// Inserts a tenant (validated input) on the platform path.
pub async fn insert(c: &mut Conn, t: &NewTenant) -> Result<Tenant, ApiError> {
    check_time_zone(c, "time_zone", t.time_zone.as_deref().unwrap_or_default()).await?;
    Ok(diesel::insert_into(tenants::table)
        .values((
            tenants::id.eq(Uuid::now_v7()),
            tenants::name.eq(&t.name),
            tenants::slug.eq(&t.slug),
            tenants::country.eq(t.country.as_deref().unwrap_or_default()),
            tenants::currency.eq(t.currency.as_deref().unwrap_or_default()),
            tenants::time_zone.eq(t.time_zone.as_deref().unwrap_or_default()),
            tenants::locale.eq(t.locale.as_deref().unwrap_or_default()),
            tenants::plan.eq(t.plan.as_deref().unwrap_or_default()),
        ))
        .returning(Tenant::as_returning())
        .get_result(c)
        .await?)
}

/// Create a tenant (platform admins).
#[utoipa::path(
    operation_id = "tenants_create",
    post, path = "/api/v1/tenants", tag = "tenants", request_body = NewTenant,
    responses((status = 201, body = Tenant), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tenants")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewTenant>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::TenantsManage)?;
    let t = body.0.normalise()?;
    let tenant = state
        .db
        .platform_tx(async |c| {
            let tenant = insert(c, &t).await?;
            audit::record(
                c,
                &auth.actor(),
                None,
                Change {
                    entity: "tenant",
                    entity_id: Some(tenant.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&tenant)),
                },
            )
            .await?;
            Ok(tenant)
        })
        .await?;
    Ok(HttpResponse::Created().json(tenant))
}

/// Tenant list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantFilter {
    /// Name or slug contains.
    pub q: Option<String>,
    /// `active` or `suspended`.
    pub status: Option<String>,
}

/// All tenants (platform admins).
#[utoipa::path(
    operation_id = "tenants_list",
    get, path = "/api/v1/tenants", tag = "tenants", params(TenantFilter, PageParams),
    responses((status = 200, body = Page<Tenant>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/tenants")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<TenantFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Tenant>>, ApiError> {
    auth.require(Permission::TenantsManage)?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    if filter.q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::invalid("q", "must be at most 100 characters"));
    }
    if filter
        .status
        .as_ref()
        .is_some_and(|s| s != "active" && s != "suspended")
    {
        return Err(ApiError::invalid("status", "must be active or suspended"));
    }
    let rows = state
        .db
        .platform_tx(async |c| {
            let mut q = tenants::table.select(Tenant::as_select()).into_boxed();
            if let Some(text) = &filter.q {
                let pattern = crate::http::extract::contains_pattern(text);
                q = q.filter(
                    tenants::name
                        .ilike(pattern.clone())
                        .or(tenants::slug.ilike(pattern)),
                );
            }
            if let Some(s) = &filter.status {
                q = q.filter(tenants::status.eq(s.clone()));
            }
            if let Some(cur) = cursor {
                q = q.filter(tenants::id.gt(cur));
            }
            Ok(q.order(tenants::id).limit(limit + 1).load(c).await?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |t| t.id)))
}

/// One tenant: platform admins any, tenant users their own.
#[utoipa::path(
    operation_id = "tenants_get_one",
    get, path = "/api/v1/tenants/{id}", tag = "tenants",
    responses((status = 200, body = Tenant), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/tenants/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Tenant>, ApiError> {
    let id = *id;
    let tenant = match auth.tenant_id {
        None => {
            auth.require(Permission::TenantsManage)?;
            state
                .db
                .platform_tx(async |c| {
                    Ok(tenants::table
                        .find(id)
                        .select(Tenant::as_select())
                        .first(c)
                        .await?)
                })
                .await?
        }
        Some(own) => {
            state
                .db
                .find(Find::<tenants::table, _>::new(
                    own,
                    auth.user_id,
                    id,
                    Tenant::as_select(),
                ))
                .await?
        }
    };
    Ok(web::Json(tenant))
}

/// Changes to a tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantPatch {
    pub name: Option<String>,
    pub plan: Option<String>,
    /// `active` or `suspended`; suspending signs out every user of the tenant.
    pub status: Option<String>,
}

/// Rename, change plan, suspend or reactivate a tenant (platform admins).
#[utoipa::path(
    operation_id = "tenants_update",
    patch, path = "/api/v1/tenants/{id}", tag = "tenants", request_body = TenantPatch,
    responses((status = 200, body = Tenant), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/tenants/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<TenantPatch>,
) -> Result<web::Json<Tenant>, ApiError> {
    auth.require(Permission::TenantsManage)?;
    let p = body.0;
    let mut v = Validator::default();
    if let Some(n) = &p.name {
        v.text("name", n, 1, 120);
    }
    v.check(
        p.plan.as_deref().is_none_or(|x| PLANS.contains(&x)),
        "plan",
        "must be trial, standard or premium",
    );
    v.check(
        p.status
            .as_deref()
            .is_none_or(|s| s == "active" || s == "suspended"),
        "status",
        "must be active or suspended",
    );
    v.finish()?;
    let id = *id;
    let tenant = state
        .db
        .platform_tx(async |c| {
            let before: Tenant = tenants::table
                .find(id)
                .select(Tenant::as_select())
                .first(c)
                .await?;
            let after: Tenant = diesel::update(tenants::table.find(id))
                .set((
                    p.name
                        .as_ref()
                        .map(|n| tenants::name.eq(n.trim().to_string())),
                    p.plan.as_ref().map(|x| tenants::plan.eq(x.clone())),
                    p.status.as_ref().map(|x| tenants::status.eq(x.clone())),
                    tenants::updated_at.eq(diesel::dsl::now),
                ))
                .returning(Tenant::as_returning())
                .get_result(c)
                .await?;
            if after.status == "suspended" && before.status != "suspended" {
                diesel::update(
                    sessions::table
                        .filter(sessions::tenant_id.eq(id))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(diesel::dsl::now))
                .execute(c)
                .await?;
            }
            let action = match (before.status.as_str(), after.status.as_str()) {
                ("active", "suspended") => "suspend",
                ("suspended", "active") => "reactivate",
                _ => "update",
            };
            audit::record(
                c,
                &auth.actor(),
                None,
                Change {
                    entity: "tenant",
                    entity_id: Some(id.to_string()),
                    action,
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(tenant))
}

/// Input for a tenant's first business admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAdmin {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    /// Without a password the admin gets an invitation e-mail.
    pub password: Option<String>,
}

/// Create a tenant's first business admin (platform admins; refused once one exists).
#[utoipa::path(
    operation_id = "tenants_create_admin",
    post, path = "/api/v1/tenants/{id}/admins", tag = "tenants", request_body = NewAdmin,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/tenants/{id}/admins")]
pub async fn create_admin(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<NewAdmin>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::TenantsManage)?;
    let a = body.0;
    let input = NewUser {
        name: a.name,
        email: a.email,
        phone: a.phone,
        role: Role::BusinessAdmin,
        store_ids: vec![],
        manager_id: None,
        password: a.password,
    };
    let (email, phone) = input.validate()?;
    let id = *id;
    let (user, mail) = state
        .db
        .platform_tx(async |c| {
            tenants::table
                .find(id)
                .select(tenants::id)
                .first::<Uuid>(c)
                .await?;
            let existing: i64 = users::table
                .filter(users::tenant_id.eq(id))
                .filter(users::role.eq(Role::BusinessAdmin.as_str()))
                .count()
                .get_result(c)
                .await?;
            if existing > 0 {
                return Err(ApiError::Conflict(
                    "This tenant already has a business admin; they manage its users.".into(),
                ));
            }
            let (user, mail) = user_model::insert(c, id, &input, email, phone).await?;
            audit::record(
                c,
                &auth.actor(),
                None,
                Change {
                    entity: "user",
                    entity_id: Some(user.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&user)),
                },
            )
            .await?;
            Ok((user, mail))
        })
        .await?;
    user_model::send_invitation(&state, mail).await?;
    Ok(HttpResponse::Created().json(user))
}
