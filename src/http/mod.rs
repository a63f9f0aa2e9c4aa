//! The HTTP layer: app factory, middleware, health, metrics, docs.

pub mod error;
pub mod export;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod web;

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders, Next, from_fn};
use actix_web::{HttpMessage, HttpResponse, get, web as aweb};
use utoipa::OpenApi;

use crate::state::AppState;
use error::ApiError;
use extract::RequestId;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Where the versioned API lives.
const API_V1: &str = "/api/v1";

/// Registers every route; used by the server and the tests alike.
pub fn configure(cfg: &mut aweb::ServiceConfig) {
    use crate::{audit, auth::routes as a, customers, segments, stores, tenants, users};
    cfg.service(healthz)
        .service(readyz)
        .service(metrics_text)
        .service(openapi_json)
        .service(web::docs)
        .service(
            aweb::scope(API_V1)
                .service(
                    group(&["auth", "me"])
                        .service(a::login)
                        .service(a::refresh)
                        .service(a::logout)
                        .service(a::me)
                        .service(a::forgot)
                        .service(a::reset)
                        .service(a::change_password)
                        .service(a::list_sessions)
                        .service(a::revoke_session),
                )
                .service(
                    group(&["tenants"])
                        .service(tenants::list)
                        .service(tenants::create)
                        .service(tenants::get_one)
                        .service(tenants::update)
                        .service(tenants::create_admin),
                )
                .service(
                    group(&["stores"])
                        .service(stores::list)
                        .service(stores::create)
                        .service(stores::get_one)
                        .service(stores::update),
                )
                .service(
                    group(&["users"])
                        .service(users::list)
                        .service(users::create)
                        .service(users::get_one)
                        .service(users::update),
                )
                .service(group(&["audit"]).service(audit::list))
                .service(
                    group(&["customers", "visits", "photos", "interests", "appointments"])
                        .service(customers::list)
                        .service(customers::create)
                        .service(customers::trash)
                        .service(customers::import::upload)
                        .service(customers::import::list)
                        .service(customers::import::get_one)
                        .service(customers::import::validate)
                        .service(customers::import::confirm)
                        .service(customers::import::export)
                        .service(customers::access_log)
                        .service(customers::visits::by_phone)
                        .service(customers::get_one)
                        .service(customers::update)
                        .service(customers::remove)
                        .service(customers::restore)
                        .service(customers::merge)
                        .service(customers::add_note)
                        .service(customers::timeline::timeline)
                        .service(customers::visits::create)
                        .service(customers::visits::list)
                        .service(customers::visits::upload_photo)
                        .service(customers::visits::get_photo)
                        .service(customers::visits::delete_photo)
                        .service(customers::appointments::create)
                        .service(customers::appointments::list)
                        .service(customers::appointments::set_status)
                        .service(customers::appointments::reschedule),
                )
                .service(
                    group(&["segments"])
                        .service(segments::list)
                        .service(segments::create)
                        .service(segments::preview)
                        .service(segments::get_one)
                        .service(segments::update)
                        .service(segments::remove)
                        .service(segments::segment_count)
                        .service(segments::members)
                        .service(segments::export),
                )
                .service(
                    group(&[
                        "leads",
                        "calls",
                        "telecalling",
                        "transfers",
                        "lead-forms",
                        "public",
                        "feedback",
                    ])
                    .service(crate::telecalling::lead_routes::list)
                    .service(crate::telecalling::lead_routes::create)
                    .service(crate::telecalling::lead_routes::assign)
                    .service(crate::telecalling::lead_routes::get_one)
                    .service(crate::telecalling::lead_routes::set_state)
                    .service(crate::telecalling::console::start_call)
                    .service(crate::telecalling::transfers::create)
                    .service(crate::telecalling::transfers::list)
                    .service(crate::telecalling::transfers::accept)
                    .service(crate::telecalling::transfers::reject)
                    .service(crate::telecalling::console::end_call)
                    .service(crate::telecalling::console::dispose)
                    .service(crate::telecalling::console::console)
                    .service(crate::telecalling::console::set_status)
                    .service(crate::telecalling::console::next)
                    .service(crate::telecalling::console::update_agent)
                    .service(crate::telecalling::get_settings)
                    .service(crate::telecalling::put_settings)
                    .service(crate::telecalling::board::wallboard)
                    .service(crate::telecalling::board::report)
                    .service(crate::telecalling::forms::list)
                    .service(crate::telecalling::forms::create)
                    .service(crate::telecalling::forms::remove)
                    .service(crate::telecalling::forms::preflight)
                    .service(crate::telecalling::forms::enquire)
                    .configure(crate::feedback::routes),
                )
                .service(group(&["chat", "attachments"]).configure(crate::chat::routes::routes))
                .service(group(&["tickets", "ticket-templates"]).configure(crate::tickets::routes))
                .service(group(&["announcements"]).configure(crate::announcements::routes))
                .service(group(&["escalations"]).configure(crate::escalations::routes))
                .service(
                    group(&["notifications"])
                        .service(crate::notifications::list)
                        .service(crate::notifications::unread_count)
                        .service(crate::notifications::read_all)
                        .service(crate::notifications::read_one)
                        .service(crate::notifications::get_preferences)
                        .service(crate::notifications::put_preferences),
                )
                .service(group(&["presence"]).service(crate::realtime::presence::list))
                .service(
                    group(&["jobs"])
                        .service(crate::jobs::summary)
                        .service(crate::jobs::list),
                )
                .service(
                    group(&["push"])
                        .service(crate::push::vapid_key)
                        .service(crate::push::subscribe)
                        .service(crate::push::unsubscribe),
                )
                .service(
                    group(&["realtime"])
                        .service(crate::realtime::ticket)
                        .service(crate::realtime::connect),
                )
                .default_service(aweb::to(api_not_found)),
        )
        .service(aweb::scope("/api").default_service(aweb::to(api_not_found)))
        .default_service(aweb::to(web::serve));
}

/// The `/api/v1` routes whose first path segment is one of `segments`. The
/// router tries routes one by one (a regex for each with a path parameter);
/// grouped, a request meets only its own group's routes. A segment belongs to
/// one group: within a group, a path no route matches is a 404.
fn group(segments: &'static [&'static str]) -> actix_web::Scope {
    aweb::scope("")
        .guard(actix_web::guard::fn_guard(move |ctx| {
            let first = ctx
                .head()
                .uri
                .path()
                .strip_prefix(API_V1)
                .and_then(|rest| rest.strip_prefix('/'))
                .and_then(|rest| rest.split('/').next());
            first.is_some_and(|first| segments.contains(&first))
        }))
        .default_service(aweb::to(api_not_found))
}

/// Extractor errors (bad path or query parameters) as problem+json.
pub fn extractor_config(cfg: &mut aweb::ServiceConfig) {
    cfg.app_data(aweb::PathConfig::default().error_handler(|_, _| ApiError::NotFound.into()))
        .app_data(aweb::QueryConfig::default().error_handler(|e, _| {
            ApiError::BadRequest(format!("Invalid query parameters: {e}")).into()
        }));
}

async fn api_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}

/// Security headers on every response.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
             connect-src 'self'; worker-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ))
}

/// Assigns a request id, logs failures with it, records metrics.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let state = req.app_data::<aweb::Data<AppState>>().cloned();
    let mut res = next.call(req).await?;
    let status = res.status();
    if status.is_server_error() {
        let cause = res
            .response()
            .error()
            .map(|e| match e.as_error::<ApiError>() {
                Some(ApiError::Internal(inner)) => format!("{inner:#}"),
                Some(other) => format!("{other:?}"),
                None => e.to_string(),
            })
            .unwrap_or_default();
        tracing::error!(request.id = %id, http.method = %method, http.path = %res.request().path(), http.status = status.as_u16(), error = %cause, "request failed");
    }
    if let Some(state) = state {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        state.metrics.observe(
            metrics::RequestLabels {
                method,
                route,
                status: status.as_u16(),
            },
            started.elapsed().as_secs_f64(),
        );
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    Ok(res)
}

/// Builds the actix `App` for a state (shared by `serve` and the tests).
pub fn app(
    state: aweb::Data<AppState>,
) -> actix_web::App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    actix_web::App::new()
        .app_data(state)
        .configure(extractor_config)
        .configure(configure)
        .wrap(Compress::default())
        .wrap(security_headers())
        .wrap(from_fn(observe))
}

/// Alive.
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Ready: the database answers and its migrations match this binary.
#[get("/readyz")]
async fn readyz(state: aweb::Data<AppState>) -> HttpResponse {
    match state
        .db
        .with_conn(async |c| crate::db::migrations_current(c).await)
        .await
    {
        Ok(true) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })),
        Ok(false) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "migrations pending" })),
        Err(_) => HttpResponse::ServiceUnavailable()
            .json(serde_json::json!({ "status": "database unreachable" })),
    }
}

/// Prometheus metrics.
#[get("/metrics")]
async fn metrics_text(state: aweb::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}

/// The OpenAPI document.
#[get("/api/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi::ApiDoc::openapi())
}
