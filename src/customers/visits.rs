//! Showroom visits with their interests; a visit without a purchase opens a lead.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{Category, LeadSource, Metal, Outcome, Stone, VisitReason};
use super::{CLOSED_LEAD_STATES, CustomerInput, visible_row};
use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{
    customer_phones, customers, interest_photos, leads, users, visit_interests, visits,
};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// One interest shown during a visit, as logged.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct InterestInput {
    pub category: Category,
    #[serde(default)]
    pub metal: Option<Metal>,
    /// The main stone, if any.
    #[serde(default)]
    pub stone: Option<Stone>,
    pub design_number: Option<String>,
    /// Expected (or, when purchased, actual) value in whole currency units.
    pub expected_value: Option<i64>,
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// An interest of a logged visit.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Interest {
    /// For adding photos (`POST /api/v1/interests/{id}/photos`).
    pub id: Uuid,
    pub category: Category,
    pub metal: Option<Metal>,
    pub stone: Option<Stone>,
    pub design_number: Option<String>,
    pub expected_value: Option<i64>,
    pub outcome: Outcome,
    pub note: Option<String>,
    /// Photo ids, oldest first (`GET /api/v1/photos/{id}`).
    pub photos: Vec<Uuid>,
}

/// A visit to log: an existing customer by id, or a new one inline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    pub customer_id: Option<Uuid>,
    /// A new customer, when `customer_id` is not given.
    pub customer: Option<CustomerInput>,
    pub store_id: Uuid,
    /// Defaults to now; cannot be in the future.
    pub visited_at: Option<DateTime<Utc>>,
    /// Defaults to the caller.
    pub attended_by: Option<Uuid>,
    pub reason: VisitReason,
    pub lead_source: LeadSource,
    pub notes: Option<String>,
    /// 1–20 interests.
    pub interests: Vec<InterestInput>,
}

/// A logged visit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Visit {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub store_id: Uuid,
    pub visited_at: DateTime<Utc>,
    pub attended_by: Uuid,
    pub attended_by_name: String,
    pub reason: VisitReason,
    pub lead_source: LeadSource,
    pub notes: Option<String>,
    pub interests: Vec<Interest>,
    /// The lead this visit opened or the customer's open lead it joined
    /// (none when something was bought and no lead was open).
    pub lead_id: Option<Uuid>,
    /// Whether this visit opened `lead_id` (false: it joined an open lead).
    pub lead_opened: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable)]
struct VisitRow {
    id: Uuid,
    customer_id: Uuid,
    customer_name: String,
    store_id: Uuid,
    visited_at: DateTime<Utc>,
    attended_by: Uuid,
    attended_by_name: String,
    reason: String,
    lead_source: String,
    notes: Option<String>,
    created_at: DateTime<Utc>,
    lead_id: Option<Uuid>,
}

/// Loads visits with their interests and leads.
async fn hydrate(c: &mut Conn, rows: Vec<VisitRow>) -> Result<Vec<Visit>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    #[derive(Queryable)]
    struct Row(
        Uuid,
        Uuid,
        String,
        Option<String>,
        Option<i64>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let interests: Vec<Row> = visit_interests::table
        .filter(visit_interests::visit_id.eq_any(&ids))
        .order((visit_interests::visit_id, visit_interests::position))
        .select((
            visit_interests::id,
            visit_interests::visit_id,
            visit_interests::category,
            visit_interests::design_number,
            visit_interests::expected_value,
            visit_interests::outcome,
            visit_interests::note,
            visit_interests::metal,
            visit_interests::stone,
        ))
        .load(c)
        .await?;
    let interest_ids: Vec<Uuid> = interests.iter().map(|i| i.0).collect();
    let photos: Vec<(Uuid, Uuid)> = interest_photos::table
        .filter(interest_photos::interest_id.eq_any(&interest_ids))
        .order(interest_photos::created_at)
        .select((interest_photos::id, interest_photos::interest_id))
        .load(c)
        .await?;
    let lead_rows: Vec<(Option<Uuid>, Uuid)> = leads::table
        .filter(leads::visit_id.eq_any(&ids))
        .select((leads::visit_id, leads::id))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Visit {
            interests: interests
                .iter()
                .filter(|i| i.1 == r.id)
                .map(|i| Interest {
                    id: i.0,
                    category: Category::parse(&i.2).unwrap_or(Category::Other),
                    metal: i.7.as_deref().and_then(Metal::parse),
                    stone: i.8.as_deref().and_then(Stone::parse),
                    design_number: i.3.clone(),
                    expected_value: i.4,
                    outcome: Outcome::parse(&i.5).unwrap_or(Outcome::Other),
                    note: i.6.clone(),
                    photos: photos.iter().filter(|p| p.1 == i.0).map(|p| p.0).collect(),
                })
                .collect(),
            lead_opened: lead_rows.iter().any(|l| l.0 == Some(r.id)),
            lead_id: r.lead_id,
            id: r.id,
            customer_id: r.customer_id,
            customer_name: r.customer_name,
            store_id: r.store_id,
            visited_at: r.visited_at,
            attended_by: r.attended_by,
            attended_by_name: r.attended_by_name,
            reason: VisitReason::parse(&r.reason).unwrap_or(VisitReason::Inquiry),
            lead_source: LeadSource::parse(&r.lead_source).unwrap_or(LeadSource::Other),
            notes: r.notes,
            created_at: r.created_at,
        })
        .collect())
}

macro_rules! visit_select {
    () => {
        visits::table
            .inner_join(customers::table.on(customers::id.eq(visits::customer_id)))
            .inner_join(users::table.on(users::id.eq(visits::attended_by)))
            .select((
                visits::id,
                visits::customer_id,
                customers::name,
                visits::store_id,
                visits::visited_at,
                visits::attended_by,
                users::name,
                visits::reason,
                visits::lead_source,
                visits::notes,
                visits::created_at,
                visits::lead_id,
            ))
    };
}

fn validate(input: &VisitInput) -> Result<(), ApiError> {
    let mut v = Validator::default();
    v.check(
        input.customer_id.is_some() != input.customer.is_some(),
        "customer_id",
        "give either customer_id or a new customer",
    );
    v.check(
        (1..=20).contains(&input.interests.len()),
        "interests",
        "give 1 to 20 interests",
    );
    v.opt_text("notes", input.notes.as_deref(), 2000);
    for (i, it) in input.interests.iter().take(20).enumerate() {
        v.opt_text(
            &format!("interests[{i}].design_number"),
            it.design_number.as_deref(),
            60,
        )
        .opt_text(&format!("interests[{i}].note"), it.note.as_deref(), 1000)
        .check(
            it.expected_value
                .is_none_or(|x| (0..=10_000_000_000).contains(&x)),
            &format!("interests[{i}].expected_value"),
            "must be between 0 and 10,000,000,000",
        );
    }
    if let Some(at) = input.visited_at {
        v.check(
            at <= Utc::now() + chrono::Duration::minutes(5),
            "visited_at",
            "cannot be in the future",
        );
        v.check(
            at >= Utc::now() - chrono::Duration::days(366),
            "visited_at",
            "must be within the last year",
        );
    }
    v.finish()
}

/// Log a visit (with a new or existing customer). Without a purchase it opens
/// a lead for the telecallers, unless the customer already has an open one.
#[utoipa::path(
    operation_id = "visits_create",
    post, path = "/api/v1/visits", tag = "visits", request_body = VisitInput,
    responses((status = 201, body = Visit), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/visits")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<VisitInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let input = body.0;
    validate(&input)?;
    if scope != Scope::Tenant && !auth.in_store(input.store_id) {
        return Err(ApiError::invalid(
            "store_id",
            "choose one of your own stores",
        ));
    }
    let visit = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            super::store_exists(c, "store_id", input.store_id).await?;
            let attended_by = input.attended_by.unwrap_or(auth.user_id);
            super::active_user_exists(c, "attended_by", attended_by).await?;
            let customer_id = match (&input.customer, input.customer_id) {
                (Some(new), _) => {
                    let mut new = new.clone();
                    new.home_store_id.get_or_insert(input.store_id);
                    let write = auth.require(Permission::CustomersWrite)?;
                    super::insert(c, &auth, write, tenant, &new).await?.id
                }
                // Any customer of the tenant may walk into any store: logging
                // the visit needs the id (from the phone lookup), not read scope.
                (None, Some(id)) => {
                    visible_row(c, &auth, Scope::Tenant, id)
                        .await
                        .map_err(|_| ApiError::invalid("customer_id", "no such customer"))?
                        .id
                }
                (None, None) => unreachable!("validated above"),
            };
            let visited_at = input.visited_at.unwrap_or_else(Utc::now);
            let id = Uuid::now_v7();
            diesel::insert_into(visits::table)
                .values((
                    visits::id.eq(id),
                    visits::tenant_id.eq(tenant),
                    visits::customer_id.eq(customer_id),
                    visits::store_id.eq(input.store_id),
                    visits::visited_at.eq(visited_at),
                    visits::attended_by.eq(attended_by),
                    visits::reason.eq(input.reason.as_str()),
                    visits::lead_source.eq(input.lead_source.as_str()),
                    visits::notes.eq(input.notes.as_deref().map(str::trim)),
                    visits::created_by.eq(auth.user_id),
                ))
                .execute(c)
                .await?;
            let rows: Vec<_> = input
                .interests
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    (
                        visit_interests::id.eq(Uuid::now_v7()),
                        visit_interests::tenant_id.eq(tenant),
                        visit_interests::visit_id.eq(id),
                        visit_interests::category.eq(it.category.as_str()),
                        visit_interests::metal.eq(it.metal.map(Metal::as_str)),
                        visit_interests::stone.eq(it.stone.map(Stone::as_str)),
                        visit_interests::design_number
                            .eq(it.design_number.as_deref().map(str::trim)),
                        visit_interests::expected_value.eq(it.expected_value),
                        visit_interests::outcome.eq(it.outcome.as_str()),
                        visit_interests::note.eq(it.note.as_deref().map(str::trim)),
                        visit_interests::position.eq(i as i16),
                    )
                })
                .collect();
            diesel::insert_into(visit_interests::table)
                .values(rows)
                .execute(c)
                .await?;
            let spent: i64 = input
                .interests
                .iter()
                .filter(|i| i.outcome == Outcome::Purchased)
                .filter_map(|i| i.expected_value)
                .sum();
            let purchased = input
                .interests
                .iter()
                .any(|i| i.outcome == Outcome::Purchased);
            if purchased {
                diesel::update(customers::table.find(customer_id))
                    .set((
                        customers::lifetime_value.eq(customers::lifetime_value + spent),
                        customers::last_purchase_at.eq(diesel::dsl::sql::<
                            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
                        >("greatest(last_purchase_at, ")
                        .bind::<diesel::sql_types::Timestamptz, _>(visited_at)
                        .sql(")")),
                        customers::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(c)
                    .await?;
            } else {
                let lead = open_lead(c, tenant, auth.user_id, customer_id, input.store_id, id).await?;
                diesel::update(visits::table.find(id))
                    .set(visits::lead_id.eq(lead))
                    .execute(c)
                    .await?;
            }
            crate::segments::apply_auto_tags(c, tenant, Some(&[customer_id])).await?;
            let kind = if purchased { "purchase" } else { "visit" };
            crate::feedback::request(c, tenant, kind, id, customer_id, input.store_id).await?;
            let row = visit_select!()
                .filter(visits::id.eq(id))
                .first::<VisitRow>(c)
                .await?;
            let visit = hydrate(c, vec![row]).await?.remove(0);
            emit(
                c,
                tenant,
                "visits",
                "visit.logged",
                json!({ "id": id, "customer_id": customer_id, "customer_name": visit.customer_name, "store_id": input.store_id, "lead_id": visit.lead_id }),
                &Audience::Stores {
                    stores: vec![input.store_id],
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "visit",
                    entity_id: Some(id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&visit)),
                },
            )
            .await?;
            Ok(visit)
        })
        .await?;
    Ok(HttpResponse::Created().json(visit))
}

/// Opens a lead for the visit unless the customer has an open one already;
/// returns the lead the visit belongs to.
async fn open_lead(
    c: &mut Conn,
    tenant: Uuid,
    actor: Uuid,
    customer_id: Uuid,
    store_id: Uuid,
    visit_id: Uuid,
) -> Result<Uuid, ApiError> {
    let open: Option<Uuid> = leads::table
        .filter(leads::customer_id.eq(customer_id))
        .filter(leads::state.ne_all(CLOSED_LEAD_STATES))
        .order(leads::created_at.desc())
        .select(leads::id)
        .first(c)
        .await
        .optional()?;
    if let Some(lead) = open {
        return Ok(lead);
    }
    crate::telecalling::create_lead(
        c,
        tenant,
        Some(actor),
        crate::telecalling::NewLead {
            customer_id,
            store_id,
            source: "visit",
            visit_id: Some(visit_id),
            priority: 2,
            note: None,
        },
    )
    .await
    .map(|lead| lead.id)
}

/// Visit list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitFilter {
    pub store_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    /// Visits at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Visits before this instant.
    pub to: Option<DateTime<Utc>>,
}

/// Visits at the caller's stores (all stores for business admins), newest first.
#[utoipa::path(
    operation_id = "visits_list",
    get, path = "/api/v1/visits", tag = "visits", params(VisitFilter, PageParams),
    responses((status = 200, body = Page<Visit>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/visits")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<VisitFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Visit>>, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let visits = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = visit_select!()
                .filter(customers::deleted_at.is_null())
                .into_boxed();
            if scope != Scope::Tenant {
                q = q.filter(visits::store_id.eq_any(auth.store_ids.clone()));
            }
            if let Some(s) = filter.store_id {
                q = q.filter(visits::store_id.eq(s));
            }
            if let Some(x) = filter.customer_id {
                q = q.filter(visits::customer_id.eq(x));
            }
            if let Some(x) = filter.from {
                q = q.filter(visits::visited_at.ge(x));
            }
            if let Some(x) = filter.to {
                q = q.filter(visits::visited_at.lt(x));
            }
            if let Some(cur) = cursor {
                q = q.filter(visits::id.lt(cur));
            }
            let rows: Vec<VisitRow> = q.order(visits::id.desc()).limit(limit + 1).load(c).await?;
            hydrate(c, rows).await
        })
        .await?;
    Ok(web::Json(Page::from_rows(visits, limit, |v| v.id)))
}

/// Phone lookup parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhoneQuery {
    /// A full phone number; national numbers get the tenant's country code.
    pub phone: String,
}

/// Who a phone number belongs to (for logging a visit).
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneMatch {
    pub id: Uuid,
    pub name: String,
    /// The number as stored (E.164).
    pub phone: String,
    pub city: Option<String>,
    pub home_store_id: Uuid,
    /// Whether the caller may open the full profile.
    pub readable: bool,
    /// Set when the customer is in the trash.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Find the customer with this exact phone anywhere in the tenant, so a visit
/// at any store attaches to the existing record instead of a duplicate.
#[utoipa::path(
    operation_id = "customers_by_phone",
    get, path = "/api/v1/customers/by-phone", tag = "visits", params(PhoneQuery),
    responses((status = 200, body = PhoneMatch), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/by-phone")]
pub async fn by_phone(
    state: web::Data<AppState>,
    auth: Auth,
    query: web::Query<PhoneQuery>,
) -> Result<web::Json<PhoneMatch>, ApiError> {
    auth.require(Permission::VisitsLog)?;
    let read = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let found = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let country = super::tenant_country(c, tenant).await?;
            let mut v = Validator::default();
            let phone = super::normalise_phone(&mut v, "phone", &query.phone, &country);
            v.finish()?;
            let phone = phone.ok_or_else(|| ApiError::invalid("phone", "is required"))?;
            let (id, name, city, home_store_id, deleted_at) = customer_phones::table
                .inner_join(customers::table.on(customers::id.eq(customer_phones::customer_id)))
                .filter(customer_phones::phone.eq(&phone))
                .select((
                    customers::id,
                    customers::name,
                    customers::city,
                    customers::home_store_id,
                    customers::deleted_at,
                ))
                .first::<(Uuid, String, Option<String>, Uuid, Option<DateTime<Utc>>)>(c)
                .await?;
            let readable = deleted_at.is_none() && visible_row(c, &auth, read, id).await.is_ok();
            Ok(PhoneMatch {
                id,
                name,
                phone,
                city,
                home_store_id,
                readable,
                deleted_at,
            })
        })
        .await?;
    Ok(web::Json(found))
}

/// Largest photo accepted.
pub const MAX_PHOTO: usize = 5 * 1024 * 1024;
/// Photos per interest.
const MAX_PHOTOS: i64 = 5;

/// A stored photo.
#[derive(Debug, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = interest_photos)]
pub struct Photo {
    pub id: Uuid,
    pub interest_id: Uuid,
    pub content_type: String,
    pub size: i32,
    pub created_at: DateTime<Utc>,
}

/// 409 when the interest already has its five photos.
async fn room_for_photo(c: &mut Conn, interest: Uuid) -> Result<(), ApiError> {
    let n: i64 = interest_photos::table
        .filter(interest_photos::interest_id.eq(interest))
        .count()
        .get_result(c)
        .await?;
    if n >= MAX_PHOTOS {
        return Err(ApiError::Conflict(
            "An interest has at most 5 photos.".into(),
        ));
    }
    Ok(())
}

/// The visit's store and customer for an interest, if the caller may log visits there.
async fn interest_store(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    interest: Uuid,
) -> Result<(Uuid, Uuid), ApiError> {
    let (store, customer): (Uuid, Uuid) = visit_interests::table
        .inner_join(visits::table.on(visits::id.eq(visit_interests::visit_id)))
        .inner_join(customers::table.on(customers::id.eq(visits::customer_id)))
        .filter(visit_interests::id.eq(interest))
        .filter(customers::deleted_at.is_null())
        .select((visits::store_id, visits::customer_id))
        .first(c)
        .await?;
    if scope != Scope::Tenant && !auth.in_store(store) {
        return Err(ApiError::NotFound);
    }
    Ok((store, customer))
}

/// Add a photo (JPEG, PNG or WebP, at most 5 MB; up to 5 per interest) as the
/// request body. The content is checked, not just the declared type.
#[utoipa::path(
    operation_id = "photos_upload",
    post, path = "/api/v1/interests/{id}/photos", tag = "visits",
    request_body(content = String, description = "The image", content_type = "image/jpeg"),
    responses((status = 201, body = Photo), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem)),
    security(("bearer" = []))
)]
#[post("/interests/{id}/photos")]
pub async fn upload_photo(
    state: web::Data<AppState>,
    auth: Auth,
    req: actix_web::HttpRequest,
    id: web::Path<Uuid>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    use futures_util::StreamExt;
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let declared = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_lowercase();
    if !matches!(declared.as_str(), "image/jpeg" | "image/png" | "image/webp") {
        return Err(ApiError::UnsupportedMediaType(
            "Send a JPEG, PNG or WebP image.",
        ));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::BadRequest("The upload was interrupted.".into()))?;
        if bytes.len() + chunk.len() > MAX_PHOTO {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    if crate::storage::sniff_image(&bytes) != Some(declared.as_str()) {
        return Err(ApiError::invalid(
            "file",
            "is not the JPEG, PNG or WebP image it claims to be",
        ));
    }
    let interest = *id;
    let photo_id = Uuid::now_v7();
    let key = format!("{tenant}/photos/{photo_id}");
    let size = bytes.len() as i32;
    // Check first, store the file, then record it: a failed write leaves no row.
    let (store, customer) = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let found = interest_store(c, &auth, scope, interest).await?;
            room_for_photo(c, interest).await?;
            Ok(found)
        })
        .await?;
    state
        .storage
        .put(&key, bytes)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("storing a photo: {e}")))?;
    let saved = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            room_for_photo(c, interest).await?;
            let photo: Photo = diesel::insert_into(interest_photos::table)
                .values((
                    interest_photos::id.eq(photo_id),
                    interest_photos::tenant_id.eq(tenant),
                    interest_photos::interest_id.eq(interest),
                    interest_photos::storage_key.eq(&key),
                    interest_photos::content_type.eq(&declared),
                    interest_photos::size.eq(size),
                    interest_photos::created_by.eq(auth.user_id),
                ))
                .returning(Photo::as_returning())
                .get_result(c)
                .await?;
            emit(
                c,
                tenant,
                "visits",
                "photo.added",
                json!({ "id": photo.id, "interest_id": interest, "customer_id": customer }),
                &Audience::Stores {
                    stores: vec![store],
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "photo",
                    entity_id: Some(photo.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&photo)),
                },
            )
            .await?;
            Ok(photo)
        })
        .await;
    match saved {
        Ok(photo) => Ok(HttpResponse::Created().json(photo)),
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e)
        }
    }
}

/// A photo's bytes, for people who may see the customer.
#[utoipa::path(
    operation_id = "photos_get",
    get, path = "/api/v1/photos/{id}", tag = "visits",
    responses((status = 200, description = "The image", content_type = "image/jpeg"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/photos/{id}")]
pub async fn get_photo(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let (key, content_type) = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let (key, ct, customer): (String, String, Uuid) = interest_photos::table
                .inner_join(
                    visit_interests::table.on(visit_interests::id.eq(interest_photos::interest_id)),
                )
                .inner_join(visits::table.on(visits::id.eq(visit_interests::visit_id)))
                .filter(interest_photos::id.eq(id))
                .select((
                    interest_photos::storage_key,
                    interest_photos::content_type,
                    visits::customer_id,
                ))
                .first(c)
                .await?;
            visible_row(c, &auth, scope, customer).await?;
            Ok((key, ct))
        })
        .await?;
    let bytes = state
        .storage
        .get(&key)
        .await
        .map_err(|_| ApiError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("cache-control", "private, max-age=86400"))
        .insert_header(("x-content-type-options", "nosniff"))
        .body(bytes))
}

/// Remove a photo.
#[utoipa::path(
    operation_id = "photos_delete",
    delete, path = "/api/v1/photos/{id}", tag = "visits",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[actix_web::delete("/photos/{id}")]
pub async fn delete_photo(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::VisitsLog)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let key = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let (key, interest): (String, Uuid) = interest_photos::table
                .find(id)
                .select((interest_photos::storage_key, interest_photos::interest_id))
                .first(c)
                .await?;
            interest_store(c, &auth, scope, interest).await?;
            diesel::delete(interest_photos::table.find(id))
                .execute(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "photo",
                    entity_id: Some(id.to_string()),
                    action: "delete",
                    changes: None,
                },
            )
            .await?;
            Ok(key)
        })
        .await?;
    if let Err(e) = state.storage.delete(&key).await {
        tracing::warn!(error = %e, key, "could not delete a photo file");
    }
    Ok(HttpResponse::NoContent().finish())
}
