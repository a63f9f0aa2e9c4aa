//! Public web forms: a store publishes a form key on its website; enquiries
//! posted with it become leads (rate-limited per IP and per key, with a
//! honeypot field bots fill in).

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use rand::RngExt;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::NewLead;
use crate::audit::{self, Actor, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::db::schema::{customer_phones, customers, lead_forms, leads, stores};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, RequestMeta, Validator};
use crate::state::AppState;

/// A web form.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct LeadForm {
    pub id: Uuid,
    pub store_id: Uuid,
    pub store_name: String,
    pub name: String,
    /// Post enquiries to `/api/v1/public/lead-forms/{key}`.
    pub key: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

macro_rules! form_select {
    () => {
        lead_forms::table
            .inner_join(stores::table.on(stores::id.eq(lead_forms::store_id)))
            .select((
                lead_forms::id,
                lead_forms::store_id,
                stores::name,
                lead_forms::name,
                lead_forms::key,
                lead_forms::active,
                lead_forms::created_at,
            ))
    };
}

/// Web forms of my stores (business admins: all).
#[utoipa::path(
    operation_id = "lead_forms_list",
    get, path = "/api/v1/lead-forms", tag = "telecalling",
    responses((status = 200, body = Vec<LeadForm>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/lead-forms")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<LeadForm>>, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = form_select!()
                .filter(lead_forms::tenant_id.eq(tenant))
                .into_boxed();
            if scope != Scope::Tenant {
                q = q.filter(lead_forms::store_id.eq_any(auth.store_ids.clone()));
            }
            Ok(q.order(lead_forms::created_at.desc()).load(c).await?)
        })
        .await?;
    Ok(web::Json(rows))
}

/// A new web form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadFormInput {
    pub store_id: Uuid,
    /// e.g. "Website enquiry".
    pub name: String,
}

/// Create a web form for a store; its key is the only credential, so treat
/// it like a password you are happy to publish on one page.
#[utoipa::path(
    operation_id = "lead_forms_create",
    post, path = "/api/v1/lead-forms", tag = "telecalling", request_body = LeadFormInput,
    responses((status = 201, body = LeadForm), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/lead-forms")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<LeadFormInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("name", &b.name, 1, 100);
    v.finish()?;
    if scope != Scope::Tenant && !auth.in_store(b.store_id) {
        return Err(ApiError::invalid(
            "store_id",
            "choose one of your own stores",
        ));
    }
    let raw: [u8; 24] = rand::rng().random();
    let key: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let form = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            crate::customers::store_exists(c, "store_id", b.store_id).await?;
            let id = Uuid::now_v7();
            diesel::insert_into(lead_forms::table)
                .values((
                    lead_forms::id.eq(id),
                    lead_forms::tenant_id.eq(tenant),
                    lead_forms::store_id.eq(b.store_id),
                    lead_forms::name.eq(b.name.trim()),
                    lead_forms::key.eq(&key),
                    lead_forms::created_by.eq(auth.user_id),
                ))
                .execute(c)
                .await?;
            let form: LeadForm = form_select!()
                .filter(lead_forms::id.eq(id))
                .first(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "lead_form",
                    entity_id: Some(id.to_string()),
                    action: "create",
                    changes: Some(
                        serde_json::json!({ "name": form.name, "store_id": form.store_id }),
                    ),
                },
            )
            .await?;
            Ok(form)
        })
        .await?;
    Ok(HttpResponse::Created().json(form))
}

/// Switch a web form off (its key stops working at once).
#[utoipa::path(
    operation_id = "lead_forms_delete",
    delete, path = "/api/v1/lead-forms/{id}", tag = "telecalling",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/lead-forms/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::LeadsAssign)?;
    let tenant = auth.tenant()?;
    let id = *id;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let form: LeadForm = form_select!()
                .filter(lead_forms::id.eq(id))
                .filter(lead_forms::tenant_id.eq(tenant))
                .first(c)
                .await?;
            if scope != Scope::Tenant && !auth.in_store(form.store_id) {
                return Err(ApiError::NotFound);
            }
            diesel::update(lead_forms::table.find(id))
                .set(lead_forms::active.eq(false))
                .execute(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "lead_form",
                    entity_id: Some(id.to_string()),
                    action: "deactivate",
                    changes: None,
                },
            )
            .await
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An enquiry from a website.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Enquiry {
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    pub message: Option<String>,
    /// Leave empty: a hidden field only bots fill in.
    pub website: Option<String>,
}

/// Accepted (always the same answer, so bots learn nothing).
#[derive(Debug, Serialize, ToSchema)]
pub struct EnquiryReceived {
    pub received: bool,
}

fn cors(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        actix_web::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        actix_web::http::header::HeaderValue::from_static("*"),
    );
    res
}

/// CORS pre-flight for websites posting JSON.
#[actix_web::options("/public/lead-forms/{key}")]
pub async fn preflight() -> HttpResponse {
    let mut res = cors(HttpResponse::NoContent().finish());
    let h = res.headers_mut();
    h.insert(
        actix_web::http::header::ACCESS_CONTROL_ALLOW_METHODS,
        actix_web::http::header::HeaderValue::from_static("POST"),
    );
    h.insert(
        actix_web::http::header::ACCESS_CONTROL_ALLOW_HEADERS,
        actix_web::http::header::HeaderValue::from_static("content-type"),
    );
    res
}

/// Post an enquiry from a website (no sign-in; the form key identifies the
/// store). The customer is found by phone or created; a customer with an open
/// lead keeps it. Rate-limited per IP and per key (429).
#[utoipa::path(
    operation_id = "public_enquiry",
    post, path = "/api/v1/public/lead-forms/{key}", tag = "telecalling", request_body = Enquiry,
    responses((status = 202, body = EnquiryReceived), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem))
)]
#[post("/public/lead-forms/{key}")]
pub async fn enquire(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
    body: Json<Enquiry>,
) -> Result<HttpResponse, ApiError> {
    let meta = RequestMeta::from_req(&req);
    state.check_limit(
        &state.form_ip_limiter,
        meta.ip.as_deref().unwrap_or("unknown"),
    )?;
    let key = key.into_inner();
    if key.len() > 64 {
        return Err(ApiError::NotFound);
    }
    state.check_limit(&state.form_key_limiter, &key)?;
    let b = body.0;
    let received = || {
        Ok(cors(
            HttpResponse::Accepted().json(EnquiryReceived { received: true }),
        ))
    };
    let form: Option<(Uuid, Uuid, Uuid, String)> = state
        .db
        .platform_tx(async |c| {
            Ok(lead_forms::table
                .filter(lead_forms::key.eq(&key))
                .filter(lead_forms::active.eq(true))
                .select((
                    lead_forms::id,
                    lead_forms::tenant_id,
                    lead_forms::store_id,
                    lead_forms::name,
                ))
                .first(c)
                .await
                .optional()?)
        })
        .await?;
    let Some((form_id, tenant, store, form_name)) = form else {
        return Err(ApiError::NotFound);
    };
    if b.website.as_deref().is_some_and(|w| !w.is_empty()) {
        tracing::info!(lead_form.id = %form_id, "web-form enquiry dropped by the honeypot");
        return received();
    }
    let mut v = Validator::default();
    v.text("name", &b.name, 1, 120)
        .opt_text("message", b.message.as_deref(), 1000)
        .opt_text("email", b.email.as_deref(), 254);
    let country = state
        .db
        .tenant_tx(tenant, Uuid::nil(), async |c| {
            crate::customers::tenant_country(c, tenant).await
        })
        .await?;
    let phone = crate::customers::normalise_phone(&mut v, "phone", &b.phone, &country);
    v.finish()?;
    let Some(phone) = phone else {
        return Err(ApiError::invalid("phone", "is not a phone number"));
    };
    // The form acts for its store with the system's voice in the audit trail.
    let auth = Auth {
        user_id: Uuid::nil(),
        tenant_id: Some(tenant),
        role: Role::BusinessAdmin,
        store_ids: vec![store],
        session_id: Uuid::nil(),
        name: format!("Web form: {form_name}"),
        meta: meta.clone(),
    };
    state
        .db
        .tenant_tx(tenant, Uuid::nil(), async |c| {
            let existing: Option<(Uuid, Option<DateTime<Utc>>)> = customer_phones::table
                .inner_join(customers::table.on(customers::id.eq(customer_phones::customer_id)))
                .filter(customer_phones::tenant_id.eq(tenant))
                .filter(customer_phones::phone.eq(&phone))
                .select((customers::id, customers::deleted_at))
                .first(c)
                .await
                .optional()?;
            let customer = match existing {
                Some((_, Some(_))) => {
                    tracing::info!(lead_form.id = %form_id, "enquiry from a number in the trash ignored");
                    return Ok(());
                }
                Some((id, None)) => id,
                None => {
                    let input = crate::customers::CustomerInput::web_enquiry(
                        b.name.trim(),
                        &phone,
                        b.email.as_deref(),
                        store,
                    );
                    crate::customers::insert(c, &auth, Scope::Tenant, tenant, &input)
                        .await?
                        .id
                }
            };
            let open: bool = diesel::select(diesel::dsl::exists(
                leads::table
                    .filter(leads::customer_id.eq(customer))
                    .filter(leads::state.ne_all(crate::customers::CLOSED_LEAD_STATES)),
            ))
            .get_result(c)
            .await?;
            if !open {
                let note = b.message.as_deref().map(str::trim).filter(|m| !m.is_empty());
                super::create_lead(
                    c,
                    tenant,
                    None,
                    NewLead {
                        customer_id: customer,
                        store_id: store,
                        source: "web_form",
                        visit_id: None,
                        priority: 2,
                        note,
                    },
                )
                .await?;
            }
            audit::record(
                c,
                &Actor {
                    tenant_id: Some(tenant),
                    user_id: None,
                    name: Some(auth.name.clone()),
                    meta: meta.clone(),
                },
                Some(tenant),
                Change {
                    entity: "lead_form",
                    entity_id: Some(form_id.to_string()),
                    action: "enquiry",
                    changes: Some(serde_json::json!({ "customer_id": customer, "new_lead": !open })),
                },
            )
            .await
        })
        .await?;
    received()
}
