//! Segments: saved rules over customers (built-in and the tenant's own), their
//! counts and members, consent-aware campaign lists, and the tags they keep.

pub mod rule;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types as st;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::Permission;
use crate::customers::model::{CustomerSummary, Tier};
use crate::db::Conn;
use crate::db::schema::{segments, tenants};
use crate::http::error::{ApiError, Problem};
use crate::http::export::{self as exports, Format};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::state::AppState;
use rule::{Bind, Context, Rule, compile};

/// Look-ahead of the occasion segments when none is asked for (days).
pub const DEFAULT_DAYS: i64 = 7;

/// Spend at which a customer becomes VIP, in whole currency units.
pub const VIP_SPEND: i64 = 300_000;
/// Spend at which a customer becomes VVIP.
pub const VVIP_SPEND: i64 = 1_000_000;

/// A segment as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Segment {
    /// A uuid, or the key of a built-in segment (e.g. `birthdays`).
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub builtin: bool,
    pub rule: Rule,
    /// The tag this segment keeps on its members.
    pub auto_tag: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
}

fn cond(field: &str, op: &str, value: serde_json::Value) -> Rule {
    Rule::Condition(rule::Condition {
        field: field.into(),
        op: op.into(),
        value,
    })
}

/// The built-in segments; `days` is the look-ahead of the occasion segments.
pub fn builtins(days: i64) -> Vec<Segment> {
    let b = |id: &str, name: &str, desc: &str, rule: Rule, tag: Option<&str>| Segment {
        id: id.into(),
        name: name.into(),
        description: Some(desc.into()),
        builtin: true,
        rule,
        auto_tag: tag.map(str::to_string),
        created_at: None,
    };
    vec![
        b(
            "vvip",
            "VVIP",
            "Lifetime spend of 10 lakh or more.",
            cond("lifetime_value", "gte", json!(VVIP_SPEND)),
            None,
        ),
        b(
            "vip",
            "VIP",
            "Lifetime spend from 3 to 10 lakh.",
            Rule::All {
                all: vec![
                    cond("lifetime_value", "gte", json!(VIP_SPEND)),
                    cond("lifetime_value", "lt", json!(VVIP_SPEND)),
                ],
            },
            None,
        ),
        b(
            "general",
            "General",
            "Lifetime spend under 3 lakh.",
            cond("lifetime_value", "lt", json!(VIP_SPEND)),
            None,
        ),
        b(
            "new",
            "New in 90 days",
            "Customers added in the last 90 days.",
            cond("created_at", "within_last_days", json!(90)),
            Some("new-customer"),
        ),
        b(
            "at_risk",
            "At risk",
            "Bought before, but nothing in the last 12 months.",
            cond("last_purchase_at", "before_days_ago", json!(365)),
            Some("at-risk"),
        ),
        b(
            "birthdays",
            "Birthdays soon",
            "Birthday today or in the next days.",
            cond("birthday", "within_next_days", json!(days)),
            Some("birthday-soon"),
        ),
        b(
            "anniversaries",
            "Anniversaries soon",
            "Wedding anniversary today or in the next days.",
            cond("anniversary", "within_next_days", json!(days)),
            Some("anniversary-soon"),
        ),
        b(
            "wedding_in_family",
            "Wedding in the family",
            "A family member's wedding in the next 180 days.",
            cond("family_wedding", "within_next_days", json!(180)),
            Some("wedding-in-family"),
        ),
        b(
            "high_value",
            "High value",
            "Lifetime spend of 5 lakh or more.",
            cond("lifetime_value", "gte", json!(500_000)),
            Some("high-value"),
        ),
        b(
            "diamond_lovers",
            "Diamond lovers",
            "Half or more of their purchases carry diamonds.",
            cond("purchase_share_diamond", "gte", json!(0.5)),
            Some("diamond-lover"),
        ),
        b(
            "gold_lovers",
            "Gold lovers",
            "Half or more of their purchases are gold.",
            cond("purchase_share_gold", "gte", json!(0.5)),
            Some("gold-lover"),
        ),
    ]
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = segments)]
struct SegmentRow {
    id: Uuid,
    name: String,
    description: Option<String>,
    rule: serde_json::Value,
    auto_tag: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<SegmentRow> for Segment {
    fn from(r: SegmentRow) -> Segment {
        Segment {
            id: r.id.to_string(),
            name: r.name,
            description: r.description,
            builtin: false,
            rule: serde_json::from_value(r.rule).unwrap_or(Rule::All { all: vec![] }),
            auto_tag: r.auto_tag,
            created_at: Some(r.created_at),
        }
    }
}

/// The tenant's today (in its time zone) and now.
pub async fn context(c: &mut Conn, tenant: Uuid) -> Result<Context, ApiError> {
    let today: NaiveDate = tenants::table
        .find(tenant)
        .select(diesel::dsl::sql::<st::Date>(
            "(now() AT TIME ZONE tenants.time_zone)::date",
        ))
        .first(c)
        .await?;
    Ok(Context {
        today,
        now: Utc::now(),
        single: false,
    })
}

/// Binds compiled rule parameters in order.
pub fn bind_all<'a>(
    mut q: BoxedSqlQuery<'a, Pg, SqlQuery>,
    binds: Vec<Bind>,
) -> BoxedSqlQuery<'a, Pg, SqlQuery> {
    for b in binds {
        q = match b {
            Bind::Text(v) => q.bind::<st::Text, _>(v),
            Bind::TextArray(v) => q.bind::<st::Array<st::Text>, _>(v),
            Bind::Int(v) => q.bind::<st::BigInt, _>(v),
            Bind::IntArray(v) => q.bind::<st::Array<st::Integer>, _>(v),
            Bind::Float(v) => q.bind::<st::Double, _>(v),
            Bind::Uuid(v) => q.bind::<st::Uuid, _>(v),
            Bind::UuidArray(v) => q.bind::<st::Array<st::Uuid>, _>(v),
            Bind::Bool(v) => q.bind::<st::Bool, _>(v),
            Bind::Date(v) => q.bind::<st::Date, _>(v),
            Bind::Time(v) => q.bind::<st::Timestamptz, _>(v),
        };
    }
    q
}

/// Finds a segment by id (built-in key or uuid).
async fn find(c: &mut Conn, id: &str, days: i64) -> Result<Segment, ApiError> {
    if let Some(b) = builtins(days).into_iter().find(|s| s.id == id) {
        return Ok(b);
    }
    let uuid: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let row: SegmentRow = segments::table
        .find(uuid)
        .select(SegmentRow::as_select())
        .first(c)
        .await?;
    Ok(row.into())
}

/// How many live customers match.
pub async fn count(c: &mut Conn, tenant: Uuid, r: &Rule) -> Result<i64, ApiError> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = st::BigInt)]
        n: i64,
    }
    let ctx = context(c, tenant).await?;
    let compiled = compile(r, ctx, 1)?;
    let q = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM customers WHERE customers.tenant_id = $1 AND customers.deleted_at IS NULL AND {}",
        compiled.sql
    ))
    .into_boxed()
    .bind::<st::Uuid, _>(tenant);
    let n: N = bind_all(q, compiled.binds).get_result(c).await?;
    Ok(n.n)
}

/// The managed tags a customer row (referred to as `customers`) should carry:
/// an SQL array expression over every tag-keeping segment, with its binds
/// numbered from `offset + 1`.
pub async fn auto_tags_expr(
    c: &mut Conn,
    tenant: Uuid,
    single: bool,
    offset: usize,
) -> Result<(String, Vec<Bind>), ApiError> {
    let mut ctx = context(c, tenant).await?;
    ctx.single = single;
    let custom: Vec<(String, serde_json::Value)> = segments::table
        .filter(segments::tenant_id.eq(tenant))
        .filter(segments::auto_tag.is_not_null())
        .select((
            diesel::dsl::sql::<st::Text>("segments.auto_tag"),
            segments::rule,
        ))
        .load(c)
        .await?;
    let mut tagged: Vec<(String, Rule)> = builtins(DEFAULT_DAYS)
        .into_iter()
        .filter_map(|s| Some((s.auto_tag?, s.rule)))
        .collect();
    tagged.extend(
        custom
            .into_iter()
            .filter_map(|(t, r)| Some((t, serde_json::from_value(r).ok()?))),
    );
    let mut binds: Vec<Bind> = Vec::new();
    let mut cases = Vec::new();
    for (tag, r) in &tagged {
        let compiled = compile(r, ctx, offset + binds.len())?;
        binds.extend(compiled.binds);
        binds.push(Bind::Text(tag.clone()));
        cases.push(format!(
            "CASE WHEN {} THEN ${} END",
            compiled.sql,
            offset + binds.len()
        ));
    }
    let expr = if cases.is_empty() {
        "'{}'::text[]".to_string()
    } else {
        format!("array_remove(ARRAY[{}]::text[], NULL)", cases.join(", "))
    };
    Ok((expr, binds))
}

/// Keeps every auto tag (built-in and custom segments) and the spend tier in
/// step for some customers or, with `None`, the whole tenant. One statement
/// computes everything and rewrites a row only when something changed (each
/// rewrite re-indexes the row). A tier is only ever raised automatically, so
/// a VIP set by hand is never demoted.
pub async fn apply_auto_tags(
    c: &mut Conn,
    tenant: Uuid,
    only: Option<&[Uuid]>,
) -> Result<(), ApiError> {
    let (tags, binds) = auto_tags_expr(c, tenant, only.is_some(), 3).await?;
    let only_sql = match only {
        Some(_) => format!(" AND customers.id = ANY(${})", 4 + binds.len()),
        None => String::new(),
    };
    let sql = format!(
        "UPDATE customers AS target SET auto_tags = fresh.tags, tier = fresh.tier
         FROM (SELECT customers.id, {tags} AS tags,
                      CASE WHEN customers.lifetime_value >= $2 THEN 'vvip'
                           WHEN customers.lifetime_value >= $3 AND customers.tier = 'general' THEN 'vip'
                           ELSE customers.tier END AS tier
               FROM customers
               WHERE customers.tenant_id = $1 AND customers.deleted_at IS NULL{only_sql}) fresh
         WHERE target.id = fresh.id
           AND (target.auto_tags IS DISTINCT FROM fresh.tags OR target.tier IS DISTINCT FROM fresh.tier)"
    );
    let q = diesel::sql_query(sql)
        .into_boxed()
        .bind::<st::Uuid, _>(tenant)
        .bind::<st::BigInt, _>(VVIP_SPEND)
        .bind::<st::BigInt, _>(VIP_SPEND);
    let mut q = bind_all(q, binds);
    if let Some(ids) = only {
        q = q.bind::<st::Array<st::Uuid>, _>(ids.to_vec());
    }
    q.execute(c).await?;
    Ok(())
}

/// Job kind that recomputes every tenant's auto tags (nightly).
pub const AUTOTAG_JOB: &str = "segments.autotag";

/// Recomputes auto tags and tiers tenant by tenant.
pub async fn autotag_job(db: crate::db::Db, _job: crate::jobs::Job) -> crate::jobs::JobResult {
    let tenants: Vec<Uuid> = db
        .platform_tx(async |c| {
            Ok(tenants::table
                .filter(tenants::status.eq("active"))
                .select(tenants::id)
                .load(c)
                .await?)
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
    for t in tenants {
        db.tenant_tx(t, Uuid::nil(), async |c| apply_auto_tags(c, t, None).await)
            .await
            .map_err(|e| format!("tenant {t}: {e:?}"))?;
    }
    Ok(())
}

fn require(auth: &Auth) -> Result<Uuid, ApiError> {
    auth.require(Permission::CampaignsManage)?;
    auth.tenant()
}

/// Built-in and saved segments.
#[utoipa::path(
    operation_id = "segments_list",
    get, path = "/api/v1/segments", tag = "segments",
    responses((status = 200, body = Vec<Segment>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/segments")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<Segment>>, ApiError> {
    let tenant = require(&auth)?;
    let rows: Vec<SegmentRow> = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            Ok(segments::table
                .order(segments::name)
                .select(SegmentRow::as_select())
                .load(c)
                .await?)
        })
        .await?;
    let mut out = builtins(DEFAULT_DAYS);
    out.extend(rows.into_iter().map(Segment::from));
    Ok(web::Json(out))
}

/// One segment (built-in key or saved id).
#[utoipa::path(
    operation_id = "segments_get_one",
    get, path = "/api/v1/segments/{id}", tag = "segments",
    responses((status = 200, body = Segment), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/segments/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<web::Json<Segment>, ApiError> {
    let tenant = require(&auth)?;
    let segment = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            find(c, &id, DEFAULT_DAYS).await
        })
        .await?;
    Ok(web::Json(segment))
}

/// A segment to save.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentInput {
    pub name: String,
    pub description: Option<String>,
    pub rule: Rule,
    /// Keep this tag on every member (lower-case letters, digits, `-`).
    pub auto_tag: Option<String>,
}

impl SegmentInput {
    fn validate(&self) -> Result<Option<String>, ApiError> {
        let mut v = Validator::default();
        v.text("name", &self.name, 1, 120).opt_text(
            "description",
            self.description.as_deref(),
            500,
        );
        let tag = self.auto_tag.as_ref().map(|t| t.trim().to_lowercase());
        if let Some(t) = &tag {
            v.check(
                (1..=40).contains(&t.len())
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "auto_tag",
                "must be 1 to 40 lower-case letters, digits or -",
            );
            v.check(
                !builtins(DEFAULT_DAYS)
                    .iter()
                    .any(|b| b.auto_tag.as_deref() == Some(t)),
                "auto_tag",
                "is kept by a built-in segment",
            );
        }
        v.finish()?;
        Ok(tag)
    }
}

/// Save a segment; its rule is checked by compiling it.
#[utoipa::path(
    operation_id = "segments_create",
    post, path = "/api/v1/segments", tag = "segments", request_body = SegmentInput,
    responses((status = 201, body = Segment), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/segments")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<SegmentInput>,
) -> Result<HttpResponse, ApiError> {
    let tenant = require(&auth)?;
    let input = body.0;
    let tag = input.validate()?;
    let segment = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            compile(&input.rule, context(c, tenant).await?, 0)?;
            let row: SegmentRow = diesel::insert_into(segments::table)
                .values((
                    segments::id.eq(Uuid::now_v7()),
                    segments::tenant_id.eq(tenant),
                    segments::name.eq(input.name.trim()),
                    segments::description.eq(input.description.as_deref().map(str::trim)),
                    segments::rule.eq(json!(input.rule)),
                    segments::auto_tag.eq(&tag),
                    segments::created_by.eq(auth.user_id),
                ))
                .returning(SegmentRow::as_returning())
                .get_result(c)
                .await?;
            let segment = Segment::from(row);
            if tag.is_some() {
                apply_auto_tags(c, tenant, None).await?;
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "segment",
                    entity_id: Some(segment.id.clone()),
                    action: "create",
                    changes: Some(audit::created(&segment)),
                },
            )
            .await?;
            Ok(segment)
        })
        .await?;
    Ok(HttpResponse::Created().json(segment))
}

/// Change a saved segment (built-ins cannot be changed).
#[utoipa::path(
    operation_id = "segments_update",
    put, path = "/api/v1/segments/{id}", tag = "segments", request_body = SegmentInput,
    responses((status = 200, body = Segment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/segments/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    body: Json<SegmentInput>,
) -> Result<web::Json<Segment>, ApiError> {
    let tenant = require(&auth)?;
    let input = body.0;
    let tag = input.validate()?;
    let uuid: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let segment = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = find(c, &id, DEFAULT_DAYS).await?;
            compile(&input.rule, context(c, tenant).await?, 0)?;
            let row: SegmentRow = diesel::update(segments::table.find(uuid))
                .set((
                    segments::name.eq(input.name.trim()),
                    segments::description.eq(input.description.as_deref().map(str::trim)),
                    segments::rule.eq(json!(input.rule)),
                    segments::auto_tag.eq(&tag),
                    segments::updated_at.eq(diesel::dsl::now),
                ))
                .returning(SegmentRow::as_returning())
                .get_result(c)
                .await?;
            let after = Segment::from(row);
            if let Some(old) = before
                .auto_tag
                .as_ref()
                .filter(|t| Some(*t) != tag.as_ref())
            {
                drop_tag(c, old).await?;
            }
            if tag.is_some() {
                apply_auto_tags(c, tenant, None).await?;
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "segment",
                    entity_id: Some(after.id.clone()),
                    action: "update",
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(segment))
}

async fn drop_tag(c: &mut Conn, tag: &str) -> Result<(), ApiError> {
    diesel::sql_query(
        "UPDATE customers SET auto_tags = array_remove(auto_tags, $1) WHERE $1 = ANY(auto_tags)",
    )
    .bind::<st::Text, _>(tag)
    .execute(c)
    .await?;
    Ok(())
}

/// Delete a saved segment (and the tag it kept).
#[utoipa::path(
    operation_id = "segments_delete",
    delete, path = "/api/v1/segments/{id}", tag = "segments",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/segments/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tenant = require(&auth)?;
    let uuid: Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = find(c, &id, DEFAULT_DAYS).await?;
            diesel::delete(segments::table.find(uuid))
                .execute(c)
                .await?;
            if let Some(tag) = &before.auto_tag {
                drop_tag(c, tag).await?;
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "segment",
                    entity_id: Some(before.id.clone()),
                    action: "delete",
                    changes: Some(json!({ "before": before })),
                },
            )
            .await
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A member count.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentCount {
    pub count: i64,
    /// How long the count took on the server.
    pub took_ms: u64,
}

/// A rule to count without saving it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewInput {
    pub rule: Rule,
}

/// Count the customers a rule matches (the builder's live count).
#[utoipa::path(
    operation_id = "segments_preview",
    post, path = "/api/v1/segments/preview", tag = "segments", request_body = PreviewInput,
    responses((status = 200, body = SegmentCount), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/segments/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<PreviewInput>,
) -> Result<web::Json<SegmentCount>, ApiError> {
    let tenant = require(&auth)?;
    let started = std::time::Instant::now();
    let n = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            count(c, tenant, &body.0.rule).await
        })
        .await?;
    Ok(web::Json(SegmentCount {
        count: n,
        took_ms: started.elapsed().as_millis() as u64,
    }))
}

/// Look-ahead for the occasion segments.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysParam {
    /// Days ahead for `birthdays` and `anniversaries` (0–60, default 7).
    pub days: Option<i64>,
}

impl DaysParam {
    fn get(&self) -> Result<i64, ApiError> {
        match self.days {
            None => Ok(DEFAULT_DAYS),
            Some(d) if (0..=60).contains(&d) => Ok(d),
            Some(_) => Err(ApiError::invalid("days", "must be between 0 and 60")),
        }
    }
}

/// How many customers are in a segment now.
#[utoipa::path(
    operation_id = "segments_count",
    get, path = "/api/v1/segments/{id}/count", tag = "segments", params(DaysParam),
    responses((status = 200, body = SegmentCount), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/segments/{id}/count")]
pub async fn segment_count(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    days: web::Query<DaysParam>,
) -> Result<web::Json<SegmentCount>, ApiError> {
    let tenant = require(&auth)?;
    let days = days.get()?;
    let started = std::time::Instant::now();
    let n = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let s = find(c, &id, days).await?;
            count(c, tenant, &s.rule).await
        })
        .await?;
    Ok(web::Json(SegmentCount {
        count: n,
        took_ms: started.elapsed().as_millis() as u64,
    }))
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = st::Uuid)]
    id: Uuid,
    #[diesel(sql_type = st::Text)]
    name: String,
    #[diesel(sql_type = st::Text)]
    phone: String,
    #[diesel(sql_type = st::Nullable<st::Text>)]
    email: Option<String>,
    #[diesel(sql_type = st::Nullable<st::Text>)]
    city: Option<String>,
    #[diesel(sql_type = st::Nullable<st::Text>)]
    language: Option<String>,
    #[diesel(sql_type = st::Text)]
    tier: String,
    #[diesel(sql_type = st::Array<st::Text>)]
    tags: Vec<String>,
    #[diesel(sql_type = st::Uuid)]
    home_store_id: Uuid,
    #[diesel(sql_type = st::Bool)]
    dnd: bool,
    #[diesel(sql_type = st::Timestamptz)]
    updated_at: DateTime<Utc>,
}

impl MemberRow {
    fn summary(self) -> CustomerSummary {
        CustomerSummary {
            id: self.id,
            name: self.name,
            phone: self.phone,
            city: self.city,
            tier: Tier::parse(&self.tier).unwrap_or(Tier::General),
            tags: self.tags,
            home_store_id: self.home_store_id,
            dnd: self.dnd,
            updated_at: self.updated_at,
            deleted_at: None,
        }
    }
}

/// Consent channels a campaign list can be for.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Whatsapp,
    Sms,
    Email,
    Calls,
}

/// One batch of members after `after` (ids descending).
async fn members_batch(
    c: &mut Conn,
    tenant: Uuid,
    r: &Rule,
    channel: Option<Channel>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<MemberRow>, ApiError> {
    let ctx = context(c, tenant).await?;
    let compiled = compile(r, ctx, 3)?;
    let consent = match channel {
        None => String::new(),
        Some(ch) => {
            let key = match ch {
                Channel::Whatsapp => "whatsapp",
                Channel::Sms => "sms",
                Channel::Email => "email",
                Channel::Calls => "calls",
            };
            let email = if ch == Channel::Email {
                " AND customers.email IS NOT NULL"
            } else {
                ""
            };
            format!(
                " AND NOT customers.dnd AND coalesce((customers.consent -> '{key}' ->> 'granted')::boolean, false){email}"
            )
        }
    };
    let q = diesel::sql_query(format!(
        "SELECT id, name, phones[1] AS phone, email, city, language, tier,
                tags || array(SELECT t FROM unnest(auto_tags) t WHERE NOT t = ANY(tags)) AS tags,
                home_store_id, dnd, updated_at
         FROM customers
         WHERE customers.tenant_id = $1 AND customers.deleted_at IS NULL
           AND customers.id < coalesce($2, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
           AND {}{consent}
         ORDER BY customers.id DESC LIMIT $3",
        compiled.sql
    ))
    .into_boxed()
    .bind::<st::Uuid, _>(tenant)
    .bind::<st::Nullable<st::Uuid>, _>(after)
    .bind::<st::BigInt, _>(limit);
    Ok(bind_all(q, compiled.binds).load(c).await?)
}

/// Segment member filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberParams {
    pub days: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<i64>,
}

/// The customers in a segment, newest first.
#[utoipa::path(
    operation_id = "segments_members",
    get, path = "/api/v1/segments/{id}/members", tag = "segments", params(MemberParams),
    responses((status = 200, body = Page<CustomerSummary>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/segments/{id}/members")]
pub async fn members(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    params: web::Query<MemberParams>,
) -> Result<web::Json<Page<CustomerSummary>>, ApiError> {
    let tenant = require(&auth)?;
    let days = DaysParam { days: params.days }.get()?;
    let paging = PageParams {
        cursor: params.cursor.clone(),
        limit: params.limit,
    };
    let (limit, cursor) = (paging.limit()?, paging.cursor()?);
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let s = find(c, &id, days).await?;
            members_batch(c, tenant, &s.rule, None, cursor, limit + 1).await
        })
        .await?;
    let rows: Vec<CustomerSummary> = rows.into_iter().map(MemberRow::summary).collect();
    Ok(web::Json(Page::from_rows(rows, limit, |s| s.id)))
}

/// Campaign list export options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Only customers who consented to this channel (and are not DND).
    #[param(inline)]
    pub channel: Channel,
    /// `csv` (default) or `json` (one object per line).
    pub format: Option<String>,
    pub days: Option<i64>,
}

const EXPORT_BATCH: usize = 1000;
const CAMPAIGN_COLUMNS: [&str; 6] = ["name", "phone", "email", "city", "language", "tier"];

/// Export a segment as a campaign list: only customers who consented to the
/// channel, streamed in batches (a million rows never sit in memory).
#[utoipa::path(
    operation_id = "segments_export",
    get, path = "/api/v1/segments/{id}/export", tag = "segments", params(ExportParams),
    responses((status = 200, description = "CSV or JSON lines", content_type = "text/csv"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/segments/{id}/export")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<String>,
    params: web::Query<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let tenant = require(&auth)?;
    let days = DaysParam { days: params.days }.get()?;
    let format = Format::parse(params.format.as_deref())?;
    let channel = params.channel;
    let id = id.into_inner();
    let segment = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let s = find(c, &id, days).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "segment",
                    entity_id: Some(s.id.clone()),
                    action: "export",
                    changes: Some(json!({ "channel": format!("{channel:?}").to_lowercase() })),
                },
            )
            .await?;
            Ok(s)
        })
        .await?;
    let (db, user, rule) = (state.db.clone(), auth.user_id, segment.rule.clone());
    let body = exports::stream(format, &CAMPAIGN_COLUMNS, EXPORT_BATCH, move |after| {
        let (db, rule) = (db.clone(), rule.clone());
        async move {
            let rows = db
                .tenant_tx(tenant, user, async |c| {
                    members_batch(c, tenant, &rule, Some(channel), after, EXPORT_BATCH as i64).await
                })
                .await?;
            let last = rows.last().map(|r| r.id);
            let cells = rows
                .into_iter()
                .map(|r| {
                    vec![
                        Some(r.name),
                        Some(r.phone),
                        r.email,
                        r.city,
                        r.language,
                        Some(r.tier),
                    ]
                })
                .collect();
            Ok((cells, last))
        }
    });
    Ok(format.respond(&format!("segment-{}", segment.id), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_compile() {
        let ctx = Context {
            today: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            now: Utc::now(),
            single: false,
        };
        for s in builtins(DEFAULT_DAYS) {
            compile(&s.rule, ctx, 0).unwrap_or_else(|e| panic!("{}: {e:?}", s.id));
        }
    }
}
