//! Feedback: CSAT surveys after a visit, a purchase or a resolved escalation
//! (rating 1–5 and a comment, answered through a public link or recorded by
//! staff on the customer's word; sentiment follows the rating), internal
//! team feedback, and the results report.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Text};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{customers, feedback, stores, tenants, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, RequestMeta, Validator};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// Event topic of feedback.
pub const TOPIC: &str = "feedback";

crate::customers::model::words!(
    /// What the feedback is about.
    FeedbackKind {
        Visit = "visit",
        Purchase = "purchase",
        Escalation = "escalation",
        Team = "team",
    }
);

/// Registers the feedback endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(report)
        .service(team)
        .service(answer)
        .service(survey)
        .service(respond);
}

/// Asks the customer for a CSAT rating about `subject` (one survey per
/// subject); returns the survey's link token.
pub async fn request(
    c: &mut Conn,
    tenant: Uuid,
    kind: &str,
    subject: Uuid,
    customer: Uuid,
    store: Uuid,
) -> Result<Option<String>, ApiError> {
    let token = crate::auth::tokens::random_token();
    let n = diesel::insert_into(feedback::table)
        .values((
            feedback::id.eq(Uuid::now_v7()),
            feedback::tenant_id.eq(tenant),
            feedback::kind.eq(kind),
            feedback::subject_id.eq(subject),
            feedback::customer_id.eq(customer),
            feedback::store_id.eq(store),
            feedback::token.eq(&token),
        ))
        .on_conflict_do_nothing()
        .execute(c)
        .await?;
    Ok((n == 1).then_some(token))
}

/// A survey or a piece of team feedback.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct FeedbackItem {
    pub id: Uuid,
    /// `visit`, `purchase`, `escalation` or `team`.
    pub kind: String,
    pub subject_id: Option<Uuid>,
    pub customer_id: Option<Uuid>,
    pub customer_name: Option<String>,
    pub store_id: Option<Uuid>,
    pub store_name: Option<String>,
    pub rating: Option<i16>,
    pub comment: Option<String>,
    /// From the rating: `positive` (4–5), `neutral` (3), `negative` (1–2).
    pub sentiment: Option<String>,
    /// Team feedback: who gave it.
    pub from_name: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    /// For an unanswered survey: the path of its public link, to share with the customer.
    pub link: Option<String>,
}

type Row = (
    Uuid,
    String,
    Option<Uuid>,
    Option<Uuid>,
    Option<String>,
    Option<Uuid>,
    Option<String>,
    Option<i16>,
    Option<String>,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

fn item(r: Row) -> FeedbackItem {
    FeedbackItem {
        link: r
            .13
            .filter(|_| r.12.is_none())
            .map(|t| format!("/survey/{t}")),
        id: r.0,
        kind: r.1,
        subject_id: r.2,
        customer_id: r.3,
        customer_name: r.4,
        store_id: r.5,
        store_name: r.6,
        rating: r.7,
        comment: r.8,
        sentiment: r.9,
        from_name: r.10,
        requested_at: r.11,
        responded_at: r.12,
    }
}

macro_rules! feedback_select {
    () => {
        feedback::table
            .left_join(customers::table.on(customers::id.nullable().eq(feedback::customer_id)))
            .left_join(stores::table.on(stores::id.nullable().eq(feedback::store_id)))
            .left_join(users::table.on(users::id.nullable().eq(feedback::from_user)))
            .select((
                feedback::id,
                feedback::kind,
                feedback::subject_id,
                feedback::customer_id,
                customers::name.nullable(),
                feedback::store_id,
                stores::name.nullable(),
                feedback::rating,
                feedback::comment,
                feedback::sentiment,
                users::name.nullable(),
                feedback::requested_at,
                feedback::responded_at,
                feedback::token,
            ))
    };
}

/// Who reads results: business admins (all) and managers (their stores).
fn reader(auth: &Auth) -> Result<Scope, ApiError> {
    // Results sit with the people who run stores: the audit-reading roles.
    let s = auth.require(Permission::AuditRead)?;
    if s == Scope::Platform {
        return Err(ApiError::Forbidden);
    }
    Ok(s)
}

/// Feedback filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackFilter {
    #[param(inline)]
    pub kind: Option<FeedbackKind>,
    pub store_id: Option<Uuid>,
    /// Only answered (`true`) or waiting (`false`) surveys.
    pub answered: Option<bool>,
    pub customer_id: Option<Uuid>,
}

/// Surveys and team feedback, newest first (business admins; managers: their stores').
#[utoipa::path(
    operation_id = "feedback_list",
    get, path = "/api/v1/feedback", tag = "feedback", params(FeedbackFilter, PageParams),
    responses((status = 200, body = Page<FeedbackItem>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/feedback")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<FeedbackFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<FeedbackItem>>, ApiError> {
    let scope = reader(&auth)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = feedback_select!()
                .order(feedback::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if scope == Scope::Store {
                q = q.filter(feedback::store_id.eq_any(auth.store_ids.clone()));
            }
            if let Some(k) = filter.kind {
                q = q.filter(feedback::kind.eq(k.as_str()));
            }
            if let Some(s) = filter.store_id {
                q = q.filter(feedback::store_id.eq(s));
            }
            if let Some(cu) = filter.customer_id {
                q = q.filter(feedback::customer_id.eq(cu));
            }
            if let Some(a) = filter.answered {
                q = if a {
                    q.filter(feedback::responded_at.is_not_null())
                } else {
                    q.filter(feedback::responded_at.is_null())
                };
            }
            if let Some(cur) = cursor {
                q = q.filter(feedback::id.lt(cur));
            }
            let rows: Vec<Row> = q.load(c).await?;
            Ok(rows.into_iter().map(item).collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |f| f.id)))
}

/// A rating.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 (very unhappy) to 5 (delighted).
    pub rating: i32,
    pub comment: Option<String>,
    /// Team feedback: about this store (default: none).
    pub store_id: Option<Uuid>,
}

fn check_rating(b: &RatingInput) -> Result<(), ApiError> {
    let mut v = Validator::default();
    v.range("rating", b.rating, 1, 5);
    v.opt_text("comment", b.comment.as_deref(), 2000);
    v.finish()
}

fn clean(comment: Option<&str>) -> Option<&str> {
    comment.map(str::trim).filter(|c| !c.is_empty())
}

/// Give internal team feedback (anyone in a business).
#[utoipa::path(
    operation_id = "feedback_team",
    post, path = "/api/v1/feedback/team", tag = "feedback", request_body = RatingInput,
    responses((status = 201, body = FeedbackItem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/feedback/team")]
pub async fn team(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<RatingInput>,
) -> Result<HttpResponse, ApiError> {
    let tenant = auth.tenant()?;
    let b = body.0;
    check_rating(&b)?;
    if let Some(s) = b.store_id
        && !auth.in_store(s)
        && auth.role != crate::auth::rbac::Role::BusinessAdmin
    {
        return Err(ApiError::invalid("store_id", "choose one of your stores"));
    }
    let f = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let id = Uuid::now_v7();
            diesel::insert_into(feedback::table)
                .values((
                    feedback::id.eq(id),
                    feedback::tenant_id.eq(tenant),
                    feedback::kind.eq("team"),
                    feedback::store_id.eq(b.store_id),
                    feedback::rating.eq(b.rating as i16),
                    feedback::comment.eq(clean(b.comment.as_deref())),
                    feedback::from_user.eq(auth.user_id),
                    feedback::responded_at.eq(Utc::now()),
                ))
                .execute(c)
                .await?;
            let row: Row = feedback_select!()
                .filter(feedback::id.eq(id))
                .first(c)
                .await?;
            let f = item(row);
            emit(
                c,
                tenant,
                TOPIC,
                "feedback.received",
                json!({ "feedback_id": id }),
                &audience(b.store_id),
            )
            .await?;
            Ok(f)
        })
        .await?;
    Ok(HttpResponse::Created().json(f))
}

fn audience(store: Option<Uuid>) -> Audience {
    Audience::Staff {
        stores: store.into_iter().collect(),
        roles: vec![crate::auth::rbac::Role::Manager],
        users: vec![],
    }
}

/// Record the customer's rating given in person or on a call (staff who
/// can see the customer).
#[utoipa::path(
    operation_id = "feedback_answer",
    post, path = "/api/v1/feedback/{id}/answer", tag = "feedback", request_body = RatingInput,
    responses((status = 200, body = FeedbackItem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/feedback/{id}/answer")]
pub async fn answer(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<RatingInput>,
) -> Result<web::Json<FeedbackItem>, ApiError> {
    let read = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    check_rating(&b)?;
    let f = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let row: Row = feedback_select!()
                .filter(feedback::id.eq(*id))
                .first(c)
                .await?;
            let customer = row.3.ok_or(ApiError::NotFound)?;
            crate::customers::visible_row(c, &auth, read, customer).await?;
            record(c, tenant, *id, b.rating, clean(b.comment.as_deref())).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "feedback",
                    entity_id: Some(id.to_string()),
                    action: "answer",
                    changes: Some(json!({ "rating": b.rating })),
                },
            )
            .await?;
            let row: Row = feedback_select!()
                .filter(feedback::id.eq(*id))
                .first(c)
                .await?;
            Ok(item(row))
        })
        .await?;
    Ok(web::Json(f))
}

/// Stores an answer once (409 when already answered) and tells the store.
async fn record(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    rating: i32,
    comment: Option<&str>,
) -> Result<(), ApiError> {
    let store: Option<Option<Uuid>> = diesel::update(
        feedback::table
            .filter(feedback::id.eq(id))
            .filter(feedback::responded_at.is_null()),
    )
    .set((
        feedback::rating.eq(rating as i16),
        feedback::comment.eq(comment),
        feedback::responded_at.eq(Utc::now()),
    ))
    .returning(feedback::store_id)
    .get_result(c)
    .await
    .optional()?;
    let Some(store) = store else {
        return Err(ApiError::Conflict("This survey has been answered.".into()));
    };
    emit(
        c,
        tenant,
        TOPIC,
        "feedback.received",
        json!({ "feedback_id": id }),
        &audience(store),
    )
    .await?;
    Ok(())
}

/// What the customer sees before answering.
#[derive(Debug, Serialize, ToSchema)]
pub struct Survey {
    pub business: String,
    pub store: Option<String>,
    /// `visit`, `purchase` or `escalation`.
    pub kind: String,
    pub question: String,
    pub answered: bool,
}

async fn by_token(
    c: &mut Conn,
    token: &str,
) -> Result<(Uuid, Uuid, String, Option<Uuid>, bool), ApiError> {
    let (id, tenant, kind, store, responded): (
        Uuid,
        Uuid,
        String,
        Option<Uuid>,
        Option<DateTime<Utc>>,
    ) = feedback::table
        .filter(feedback::token.eq(token))
        .select((
            feedback::id,
            feedback::tenant_id,
            feedback::kind,
            feedback::store_id,
            feedback::responded_at,
        ))
        .first(c)
        .await?;
    Ok((id, tenant, kind, store, responded.is_some()))
}

fn check_token(token: &str) -> Result<(), ApiError> {
    if token.len() > 100
        || !token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

/// A customer's survey, by its link (no sign-in).
#[utoipa::path(
    operation_id = "survey_get",
    get, path = "/api/v1/public/surveys/{token}", tag = "feedback",
    responses((status = 200, body = Survey), (status = 404, body = Problem), (status = 429, body = Problem))
)]
#[get("/public/surveys/{token}")]
pub async fn survey(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
) -> Result<web::Json<Survey>, ApiError> {
    check_token(&token)?;
    let meta = RequestMeta::from_req(&req);
    state.check_limit(
        &state.survey_ip_limiter,
        meta.ip.as_deref().unwrap_or("unknown"),
    )?;
    let s = state
        .db
        .platform_tx(async |c| {
            let (_, tenant, kind, store, answered) = by_token(c, &token).await?;
            let business: String = tenants::table
                .find(tenant)
                .select(tenants::name)
                .first(c)
                .await?;
            let store: Option<String> = match store {
                Some(s) => stores::table
                    .find(s)
                    .select(stores::name)
                    .first(c)
                    .await
                    .optional()?,
                None => None,
            };
            let place = store.clone().unwrap_or_else(|| business.clone());
            let question = match kind.as_str() {
                "purchase" => format!("How happy are you with your purchase at {place}?"),
                "escalation" => format!("How well did {business} resolve your concern?"),
                _ => format!("How was your visit to {place}?"),
            };
            Ok(Survey {
                business,
                store,
                kind,
                question,
                answered,
            })
        })
        .await?;
    Ok(web::Json(s))
}

/// Answer a survey by its link (once; no sign-in, rate-limited per address).
#[utoipa::path(
    operation_id = "survey_answer",
    post, path = "/api/v1/public/surveys/{token}", tag = "feedback", request_body = RatingInput,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem))
)]
#[post("/public/surveys/{token}")]
pub async fn respond(
    state: web::Data<AppState>,
    req: HttpRequest,
    token: web::Path<String>,
    body: Json<RatingInput>,
) -> Result<HttpResponse, ApiError> {
    check_token(&token)?;
    let meta = RequestMeta::from_req(&req);
    state.check_limit(
        &state.survey_ip_limiter,
        meta.ip.as_deref().unwrap_or("unknown"),
    )?;
    let b = body.0;
    check_rating(&b)?;
    if b.store_id.is_some() {
        return Err(ApiError::invalid(
            "store_id",
            "is not part of a survey answer",
        ));
    }
    let (id, tenant) = state
        .db
        .platform_tx(async |c| {
            let (id, tenant, kind, _, _) = by_token(c, &token).await?;
            if kind == "team" {
                return Err(ApiError::NotFound);
            }
            Ok((id, tenant))
        })
        .await?;
    state
        .db
        .tenant_tx(tenant, Uuid::nil(), async |c| {
            record(c, tenant, id, b.rating, clean(b.comment.as_deref())).await
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Report filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    /// First day (inclusive, UTC); default 30 days ago.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive, UTC); default today.
    pub to: Option<NaiveDate>,
    pub store_id: Option<Uuid>,
}

/// Ratings of one group.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct RatingSummary {
    /// `kind`, store name, or `all`.
    #[diesel(sql_type = Text)]
    pub group: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub store_id: Option<Uuid>,
    #[diesel(sql_type = BigInt)]
    pub responses: i64,
    #[diesel(sql_type = Nullable<Double>)]
    pub average: Option<f64>,
    /// Share of 4s and 5s, 0–1.
    #[diesel(sql_type = Nullable<Double>)]
    pub csat: Option<f64>,
    #[diesel(sql_type = BigInt)]
    pub positive: i64,
    #[diesel(sql_type = BigInt)]
    pub neutral: i64,
    #[diesel(sql_type = BigInt)]
    pub negative: i64,
    #[diesel(sql_type = BigInt)]
    pub r1: i64,
    #[diesel(sql_type = BigInt)]
    pub r2: i64,
    #[diesel(sql_type = BigInt)]
    pub r3: i64,
    #[diesel(sql_type = BigInt)]
    pub r4: i64,
    #[diesel(sql_type = BigInt)]
    pub r5: i64,
}

/// The feedback report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// All customer (CSAT) answers.
    pub customers: RatingSummary,
    /// Per survey kind (visit, purchase, escalation) and `team`.
    pub by_kind: Vec<RatingSummary>,
    /// Customer answers per store.
    pub by_store: Vec<RatingSummary>,
    /// Surveys sent in the period that are still unanswered.
    pub waiting: i64,
    /// The latest answers with comments.
    pub recent: Vec<FeedbackItem>,
}

/// Ratings, CSAT and sentiment by kind and store, with recent comments.
#[utoipa::path(
    operation_id = "feedback_report",
    get, path = "/api/v1/feedback/report", tag = "feedback", params(ReportFilter),
    responses((status = 200, body = FeedbackReport), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/feedback/report")]
pub async fn report(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<ReportFilter>,
) -> Result<web::Json<FeedbackReport>, ApiError> {
    let scope = reader(&auth)?;
    let tenant = auth.tenant()?;
    let to = filter.to.unwrap_or_else(|| Utc::now().date_naive());
    let from = filter.from.unwrap_or(to - chrono::Duration::days(30));
    let mut v = Validator::default();
    v.check(from <= to, "from", "must not be after `to`");
    v.check(
        (to - from).num_days() <= 366,
        "from",
        "the period is at most a year",
    );
    v.check(
        filter
            .store_id
            .is_none_or(|s| scope == Scope::Tenant || auth.in_store(s)),
        "store_id",
        "choose one of your stores",
    );
    v.finish()?;
    let stores_filter: Option<Vec<Uuid>> = match (filter.store_id, scope) {
        (Some(s), _) => Some(vec![s]),
        (None, Scope::Store) => Some(auth.store_ids.clone()),
        _ => None,
    };
    let r = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            const AGG: &str = "count(*) AS responses, avg(f.rating)::float8 AS average,
                 (count(*) FILTER (WHERE f.rating >= 4))::float8 / nullif(count(*), 0) AS csat,
                 count(*) FILTER (WHERE f.sentiment = 'positive') AS positive,
                 count(*) FILTER (WHERE f.sentiment = 'neutral') AS neutral,
                 count(*) FILTER (WHERE f.sentiment = 'negative') AS negative,
                 count(*) FILTER (WHERE f.rating = 1) AS r1, count(*) FILTER (WHERE f.rating = 2) AS r2,
                 count(*) FILTER (WHERE f.rating = 3) AS r3, count(*) FILTER (WHERE f.rating = 4) AS r4,
                 count(*) FILTER (WHERE f.rating = 5) AS r5";
            const WHERE: &str = "f.responded_at IS NOT NULL
                 AND f.responded_at >= $1::date AND f.responded_at < $2::date + 1
                 AND ($3::uuid[] IS NULL OR f.store_id = ANY($3))";
            let run = |sql: String| {
                diesel::sql_query(sql)
                    .bind::<diesel::sql_types::Date, _>(from)
                    .bind::<diesel::sql_types::Date, _>(to)
                    .bind::<Nullable<diesel::sql_types::Array<diesel::sql_types::Uuid>>, _>(stores_filter.clone())
            };
            let customers: RatingSummary = run(format!(
                "SELECT 'all' AS \"group\", NULL::uuid AS store_id, {AGG} FROM feedback f WHERE {WHERE} AND f.kind <> 'team'"
            ))
            .get_result(c)
            .await?;
            let by_kind: Vec<RatingSummary> = run(format!(
                "SELECT f.kind AS \"group\", NULL::uuid AS store_id, {AGG} FROM feedback f WHERE {WHERE} GROUP BY f.kind ORDER BY f.kind"
            ))
            .load(c)
            .await?;
            let by_store: Vec<RatingSummary> = run(format!(
                "SELECT s.name AS \"group\", s.id AS store_id, {AGG} FROM feedback f JOIN stores s ON s.id = f.store_id
                 WHERE {WHERE} AND f.kind <> 'team' GROUP BY s.id, s.name ORDER BY s.name"
            ))
            .load(c)
            .await?;
            let mut waiting = feedback::table
                .filter(feedback::responded_at.is_null())
                .filter(feedback::kind.ne("team"))
                .filter(feedback::requested_at.ge(from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()))
                .count()
                .into_boxed();
            if let Some(s) = &stores_filter {
                waiting = waiting.filter(feedback::store_id.eq_any(s.clone()));
            }
            let waiting: i64 = waiting.get_result(c).await?;
            let mut recent = feedback_select!()
                .filter(feedback::responded_at.is_not_null())
                .filter(feedback::comment.is_not_null())
                .order(feedback::responded_at.desc())
                .limit(10)
                .into_boxed();
            if let Some(s) = &stores_filter {
                recent = recent.filter(feedback::store_id.eq_any(s.clone()));
            }
            let recent: Vec<Row> = recent.load(c).await?;
            Ok(FeedbackReport {
                from,
                to,
                customers,
                by_kind,
                by_store,
                waiting,
                recent: recent.into_iter().map(item).collect(),
            })
        })
        .await?;
    Ok(web::Json(r))
}
