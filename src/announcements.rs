//! Announcements: platform-wide (platform admins), tenant-wide, or targeted
//! at stores and/or roles; urgent or normal, pinned, scheduled publish and
//! expiry (jobs), and "requires acknowledgement" with the author seeing who
//! has acknowledged. Published announcements arrive live; urgent ones are
//! also pushed.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role, Scope};
use crate::db::Conn;
use crate::db::schema::{announcement_acks, announcements, tenants, user_stores, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Validator};
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, Viewer, emit};
use crate::state::AppState;

/// Event topic of announcements.
pub const TOPIC: &str = "announcements";
/// Job that publishes an announcement when its time comes.
pub const PUBLISH_JOB: &str = "announcements.publish";
/// Job that tells clients an announcement expired.
pub const EXPIRE_JOB: &str = "announcements.expire";

crate::customers::model::words!(
    /// How loud an announcement is.
    AnnouncementPriority {
        Normal = "normal",
        Urgent = "urgent",
    }
);

/// Registers the announcement endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list)
        .service(create)
        .service(get_one)
        .service(acknowledge)
        .service(withdraw);
}

/// An announcement.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = announcements)]
pub struct Announcement {
    pub id: Uuid,
    /// Null for a platform-wide announcement.
    pub tenant_id: Option<Uuid>,
    pub title: String,
    pub body: String,
    /// `normal` or `urgent`.
    pub priority: String,
    pub pinned: bool,
    /// Only people of these stores (and business admins); empty: every store.
    pub store_ids: Vec<Uuid>,
    /// Only these roles; empty: every role.
    pub roles: Vec<String>,
    pub requires_ack: bool,
    pub publish_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl Announcement {
    /// Who receives it within a tenant.
    pub fn audience(&self) -> Audience {
        let roles: Vec<Role> = self.roles.iter().filter_map(|r| Role::parse(r)).collect();
        match (self.store_ids.is_empty(), roles.is_empty()) {
            (true, true) => Audience::Tenant,
            (false, true) => Audience::Stores {
                stores: self.store_ids.clone(),
            },
            (true, false) => Audience::Roles { roles },
            (false, false) => Audience::Staff {
                stores: self.store_ids.clone(),
                roles,
                users: vec![],
            },
        }
    }

    /// Live now: published, not withdrawn, not expired.
    pub fn live(&self, now: DateTime<Utc>) -> bool {
        self.published_at.is_some()
            && self.withdrawn_at.is_none()
            && self.expires_at.is_none_or(|e| e > now)
    }
}

/// An announcement as its reader sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementView {
    #[serde(flatten)]
    pub announcement: Announcement,
    /// From the platform (Karat) rather than my business.
    pub platform: bool,
    pub author_name: Option<String>,
    /// I acknowledged it (when it asks for that).
    pub acked_at: Option<DateTime<Utc>>,
    /// I wrote it or may manage it (and see acknowledgements).
    pub manageable: bool,
}

fn viewer(auth: &Auth) -> Viewer {
    Viewer {
        user_id: auth.user_id,
        role: auth.role,
        stores: auth.store_ids.clone(),
    }
}

/// Whether the caller may manage (see acknowledgements of, withdraw) `a`.
fn manageable(auth: &Auth, a: &Announcement) -> bool {
    match (a.tenant_id, auth.role) {
        (None, Role::PlatformAdmin) => true,
        (Some(_), Role::BusinessAdmin) => true,
        (Some(_), Role::Manager) => a.created_by == auth.user_id,
        _ => false,
    }
}

/// Loads `id` if the caller may see it (readers: live and addressed to them).
async fn find(c: &mut Conn, auth: &Auth, id: Uuid) -> Result<Announcement, ApiError> {
    let a: Announcement = announcements::table
        .find(id)
        .select(Announcement::as_select())
        .first(c)
        .await?;
    let visible = manageable(auth, &a)
        || (auth.role != Role::PlatformAdmin
            && a.live(Utc::now())
            && a.audience().allows(&viewer(auth)));
    if !visible {
        return Err(ApiError::NotFound);
    }
    Ok(a)
}

async fn views(
    c: &mut Conn,
    auth: &Auth,
    rows: Vec<Announcement>,
) -> Result<Vec<AnnouncementView>, ApiError> {
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let acks: Vec<(Uuid, DateTime<Utc>)> = announcement_acks::table
        .filter(announcement_acks::announcement_id.eq_any(&ids))
        .filter(announcement_acks::user_id.eq(auth.user_id))
        .select((
            announcement_acks::announcement_id,
            announcement_acks::acked_at,
        ))
        .load(c)
        .await?;
    let authors: Vec<Uuid> = rows.iter().map(|a| a.created_by).collect();
    // Platform authors are not visible to tenants (RLS): they show as "Karat".
    let names: Vec<(Uuid, String)> = users::table
        .filter(users::id.eq_any(&authors))
        .select((users::id, users::name))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| AnnouncementView {
            platform: a.tenant_id.is_none(),
            author_name: names
                .iter()
                .find(|n| n.0 == a.created_by)
                .map(|n| n.1.clone()),
            acked_at: acks.iter().find(|k| k.0 == a.id).map(|k| k.1),
            manageable: manageable(auth, &a),
            announcement: a,
        })
        .collect())
}

/// List filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnnouncementFilter {
    /// Authors: the ones I may manage, including scheduled, expired and withdrawn.
    pub manage: Option<bool>,
}

/// Announcements for me, pinned and urgent first, newest first (at most 200).
/// With `manage=true`, the ones I may manage instead.
#[utoipa::path(
    operation_id = "announcements_list",
    get, path = "/api/v1/announcements", tag = "announcements", params(AnnouncementFilter),
    responses((status = 200, body = Vec<AnnouncementView>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/announcements")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<AnnouncementFilter>,
) -> Result<web::Json<Vec<AnnouncementView>>, ApiError> {
    // Platform staff read no business's announcements: they see their own.
    let manage = filter.manage == Some(true) || auth.role == Role::PlatformAdmin;
    if manage {
        auth.require(Permission::AnnouncementsPublish)?;
    }
    let now = Utc::now();
    let run = async |c: &mut Conn| {
        let mut q = announcements::table
            .select(Announcement::as_select())
            .order((
                announcements::pinned.desc(),
                announcements::priority.desc(),
                announcements::publish_at.desc(),
            ))
            .limit(if manage { 200 } else { 500 })
            .into_boxed();
        if manage {
            q = match auth.role {
                Role::PlatformAdmin => q.filter(announcements::tenant_id.is_null()),
                Role::BusinessAdmin => q.filter(announcements::tenant_id.is_not_null()),
                _ => q
                    .filter(announcements::tenant_id.is_not_null())
                    .filter(announcements::created_by.eq(auth.user_id)),
            };
        } else {
            q = q
                .filter(announcements::published_at.is_not_null())
                .filter(announcements::withdrawn_at.is_null())
                .filter(
                    announcements::expires_at
                        .is_null()
                        .or(announcements::expires_at.gt(now)),
                );
        }
        let rows: Vec<Announcement> = q.load(c).await?;
        let v = viewer(&auth);
        let rows: Vec<Announcement> = rows
            .into_iter()
            .filter(|a| manage || a.audience().allows(&v))
            .take(200)
            .collect();
        views(c, &auth, rows).await
    };
    let out = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, run)
        .await?;
    Ok(web::Json(out))
}

/// A new announcement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    #[serde(default = "normal")]
    pub priority: AnnouncementPriority,
    #[serde(default)]
    pub pinned: bool,
    /// Only these stores (managers: some of theirs; required for managers).
    #[serde(default)]
    pub store_ids: Vec<Uuid>,
    /// Only these roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub requires_ack: bool,
    /// Publish later (default: now).
    pub publish_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn normal() -> AnnouncementPriority {
    AnnouncementPriority::Normal
}

/// Publish an announcement: platform admins to every tenant (optionally by
/// role), business admins to their tenant (optionally by store and role),
/// managers to their own stores.
#[utoipa::path(
    operation_id = "announcements_create",
    post, path = "/api/v1/announcements", tag = "announcements", request_body = NewAnnouncement,
    responses((status = 201, body = AnnouncementView), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/announcements")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewAnnouncement>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::AnnouncementsPublish)?;
    let b = body.0;
    let now = Utc::now();
    let publish_at = b.publish_at.unwrap_or(now).max(now);
    let mut v = Validator::default();
    v.text("title", &b.title, 1, 200);
    v.text("body", &b.body, 1, 5000);
    v.check(b.store_ids.len() <= 200, "store_ids", "at most 200 stores");
    v.check(
        !b.roles.contains(&Role::PlatformAdmin),
        "roles",
        "announcements go to people of a business",
    );
    v.check(
        b.expires_at.is_none_or(|e| e > publish_at),
        "expires_at",
        "must be after the publish time",
    );
    v.check(
        b.publish_at
            .is_none_or(|p| p < now + chrono::Duration::days(365)),
        "publish_at",
        "must be within a year",
    );
    match scope {
        Scope::Platform => {
            v.check(
                b.store_ids.is_empty(),
                "store_ids",
                "platform announcements go to whole businesses",
            );
        }
        Scope::Store => {
            v.check(
                !b.store_ids.is_empty(),
                "store_ids",
                "choose at least one of your stores",
            );
            v.check(
                b.store_ids.iter().all(|s| auth.in_store(*s)),
                "store_ids",
                "you may announce only to your own stores",
            );
        }
        _ => {}
    }
    v.finish()?;
    let mut stores = b.store_ids.clone();
    stores.sort();
    stores.dedup();
    let mut roles: Vec<&str> = b.roles.iter().map(|r| r.as_str()).collect();
    roles.sort();
    roles.dedup();
    let id = Uuid::now_v7();
    let insert = async |c: &mut Conn| {
        if !stores.is_empty() {
            let known: i64 = crate::db::schema::stores::table
                .filter(crate::db::schema::stores::id.eq_any(&stores))
                .count()
                .get_result(c)
                .await?;
            if known != stores.len() as i64 {
                return Err(ApiError::invalid("store_ids", "names an unknown store"));
            }
        }
        let a: Announcement = diesel::insert_into(announcements::table)
            .values((
                announcements::id.eq(id),
                announcements::tenant_id.eq(auth.tenant_id),
                announcements::title.eq(b.title.trim()),
                announcements::body.eq(b.body.trim()),
                announcements::priority.eq(b.priority.as_str()),
                announcements::pinned.eq(b.pinned),
                announcements::store_ids.eq(&stores),
                announcements::roles.eq(&roles),
                announcements::requires_ack.eq(b.requires_ack),
                announcements::publish_at.eq(publish_at),
                announcements::expires_at.eq(b.expires_at),
                announcements::created_by.eq(auth.user_id),
            ))
            .returning(Announcement::as_returning())
            .get_result(c)
            .await?;
        crate::jobs::enqueue(
            c,
            crate::jobs::NewJob {
                kind: PUBLISH_JOB,
                tenant_id: a.tenant_id,
                payload: json!({ "announcement_id": a.id }),
                run_at: Some(a.publish_at),
                max_attempts: 5,
                dedupe_key: Some(format!("{PUBLISH_JOB}:{}", a.id)),
            },
        )
        .await?;
        if let Some(e) = a.expires_at {
            crate::jobs::enqueue(
                c,
                crate::jobs::NewJob {
                    kind: EXPIRE_JOB,
                    tenant_id: a.tenant_id,
                    payload: json!({ "announcement_id": a.id }),
                    run_at: Some(e),
                    max_attempts: 5,
                    dedupe_key: Some(format!("{EXPIRE_JOB}:{}", a.id)),
                },
            )
            .await?;
        }
        audit::record(
            c,
            &auth.actor(),
            a.tenant_id,
            Change {
                entity: "announcement",
                entity_id: Some(a.id.to_string()),
                action: "create",
                changes: Some(audit::created(&a)),
            },
        )
        .await?;
        Ok(views(c, &auth, vec![a]).await?.remove(0))
    };
    let view = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, insert)
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Who acknowledged (and, within a business, who has not yet).
#[derive(Debug, Serialize, ToSchema)]
pub struct Acknowledgement {
    pub user_id: Uuid,
    pub name: String,
    pub role: String,
    /// For platform-wide announcements: the person's business.
    pub tenant_name: Option<String>,
    pub acked_at: Option<DateTime<Utc>>,
}

/// An announcement with, for its managers, the acknowledgement list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementDetail {
    #[serde(flatten)]
    pub view: AnnouncementView,
    /// Authors only: everyone addressed with when they acknowledged
    /// (platform-wide: those who did).
    pub acknowledgements: Option<Vec<Acknowledgement>>,
    /// Authors only: acknowledged / addressed.
    pub acked: Option<i64>,
    pub addressed: Option<i64>,
}

/// One announcement (and, for its author, who acknowledged it).
#[utoipa::path(
    operation_id = "announcements_get",
    get, path = "/api/v1/announcements/{id}", tag = "announcements",
    responses((status = 200, body = AnnouncementDetail), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/announcements/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<AnnouncementDetail>, ApiError> {
    let run = async |c: &mut Conn| {
        let a = find(c, &auth, *id).await?;
        let manage = manageable(&auth, &a);
        let (people, acked, addressed) = if manage {
            let (people, addressed) = acknowledgements(c, &a).await?;
            let acked = people.iter().filter(|k| k.acked_at.is_some()).count() as i64;
            (Some(people), Some(acked), addressed)
        } else {
            (None, None, None)
        };
        Ok(AnnouncementDetail {
            view: views(c, &auth, vec![a]).await?.remove(0),
            acknowledgements: people,
            acked,
            addressed,
        })
    };
    let d = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, run)
        .await?;
    Ok(web::Json(d))
}

/// Everyone addressed with their acknowledgement (platform-wide: only acknowledgements).
async fn acknowledgements(
    c: &mut Conn,
    a: &Announcement,
) -> Result<(Vec<Acknowledgement>, Option<i64>), ApiError> {
    let acks: Vec<(Uuid, DateTime<Utc>)> = announcement_acks::table
        .filter(announcement_acks::announcement_id.eq(a.id))
        .select((announcement_acks::user_id, announcement_acks::acked_at))
        .load(c)
        .await?;
    let Some(tenant) = a.tenant_id else {
        let rows: Vec<(Uuid, String, String, String, DateTime<Utc>)> = announcement_acks::table
            .inner_join(users::table.on(users::id.eq(announcement_acks::user_id)))
            .inner_join(tenants::table.on(tenants::id.eq(announcement_acks::tenant_id)))
            .filter(announcement_acks::announcement_id.eq(a.id))
            .order(announcement_acks::acked_at)
            .select((
                users::id,
                users::name,
                users::role,
                tenants::name,
                announcement_acks::acked_at,
            ))
            .limit(5000)
            .load(c)
            .await?;
        return Ok((
            rows.into_iter()
                .map(|r| Acknowledgement {
                    user_id: r.0,
                    name: r.1,
                    role: r.2,
                    tenant_name: Some(r.3),
                    acked_at: Some(r.4),
                })
                .collect(),
            None,
        ));
    };
    let people: Vec<Acknowledgement> = addressed(c, tenant, &a.audience())
        .await?
        .into_iter()
        .map(|(id, name, role)| Acknowledgement {
            acked_at: acks.iter().find(|k| k.0 == id).map(|k| k.1),
            user_id: id,
            name,
            role,
            tenant_name: None,
        })
        .collect();
    let n = people.len() as i64;
    Ok((people, Some(n)))
}

/// The active people of `tenant` the audience reaches: (id, name, role), by name.
async fn addressed(
    c: &mut Conn,
    tenant: Uuid,
    audience: &Audience,
) -> Result<Vec<(Uuid, String, String)>, ApiError> {
    let people: Vec<(Uuid, String, String)> = users::table
        .filter(users::active)
        .filter(users::tenant_id.eq(tenant))
        .order(users::name)
        .select((users::id, users::name, users::role))
        .load(c)
        .await?;
    let mut stores: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let memberships: Vec<(Uuid, Uuid)> = user_stores::table
        .filter(user_stores::tenant_id.eq(tenant))
        .select((user_stores::user_id, user_stores::store_id))
        .load(c)
        .await?;
    for (user, store) in memberships {
        stores.entry(user).or_default().push(store);
    }
    Ok(people
        .into_iter()
        .filter(|(id, _, role)| {
            audience.allows(&Viewer {
                user_id: *id,
                role: Role::parse(role).unwrap_or(Role::SalesRep),
                stores: stores.remove(id).unwrap_or_default(),
            })
        })
        .collect())
}

/// Acknowledge an announcement addressed to me (repeats are harmless).
#[utoipa::path(
    operation_id = "announcements_ack",
    post, path = "/api/v1/announcements/{id}/ack", tag = "announcements",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/announcements/{id}/ack")]
pub async fn acknowledge(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let tenant = auth.tenant()?;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = find(c, &auth, *id).await?;
            if !a.live(Utc::now()) || !a.audience().allows(&viewer(&auth)) {
                return Err(ApiError::NotFound);
            }
            if !a.requires_ack {
                return Err(ApiError::Conflict(
                    "This announcement does not ask for acknowledgement.".into(),
                ));
            }
            let added = diesel::insert_into(announcement_acks::table)
                .values((
                    announcement_acks::announcement_id.eq(a.id),
                    announcement_acks::user_id.eq(auth.user_id),
                    announcement_acks::tenant_id.eq(tenant),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            if added == 1 {
                // The author's list updates live (tenant announcements only:
                // platform staff have no socket).
                if a.tenant_id.is_some() {
                    emit(
                        c,
                        tenant,
                        TOPIC,
                        "announcement.acked",
                        json!({ "announcement_id": a.id, "user_id": auth.user_id }),
                        &Audience::Staff {
                            stores: vec![],
                            roles: vec![],
                            users: vec![a.created_by, auth.user_id],
                        },
                    )
                    .await?;
                }
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraw an announcement (its managers): it disappears for everyone.
#[utoipa::path(
    operation_id = "announcements_withdraw",
    post, path = "/api/v1/announcements/{id}/withdraw", tag = "announcements",
    responses((status = 200, body = AnnouncementView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/announcements/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<AnnouncementView>, ApiError> {
    auth.require(Permission::AnnouncementsPublish)?;
    let run = async |c: &mut Conn| {
        let a = find(c, &auth, *id).await?;
        if !manageable(&auth, &a) {
            return Err(ApiError::Forbidden);
        }
        if a.withdrawn_at.is_some() {
            return Err(ApiError::Conflict("Already withdrawn.".into()));
        }
        let a: Announcement = diesel::update(announcements::table.find(a.id))
            .set(announcements::withdrawn_at.eq(Utc::now()))
            .returning(Announcement::as_returning())
            .get_result(c)
            .await?;
        audit::record(
            c,
            &auth.actor(),
            a.tenant_id,
            Change {
                entity: "announcement",
                entity_id: Some(a.id.to_string()),
                action: "withdraw",
                changes: None,
            },
        )
        .await?;
        if a.published_at.is_some() {
            broadcast(c, &a, "announcement.withdrawn").await?;
        }
        Ok(views(c, &auth, vec![a]).await?.remove(0))
    };
    let v = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, run)
        .await?;
    Ok(web::Json(v))
}

/// The tenants an announcement reaches.
async fn tenants_of(c: &mut Conn, a: &Announcement) -> Result<Vec<Uuid>, ApiError> {
    Ok(match a.tenant_id {
        Some(t) => vec![t],
        None => {
            tenants::table
                .filter(tenants::status.eq("active"))
                .select(tenants::id)
                .load(c)
                .await?
        }
    })
}

/// Emits `kind` about `a` to everyone it addresses (every tenant for a platform one).
async fn broadcast(c: &mut Conn, a: &Announcement, kind: &str) -> Result<(), ApiError> {
    let audience = a.audience();
    for t in tenants_of(c, a).await? {
        emit(
            c,
            t,
            TOPIC,
            kind,
            json!({ "announcement": a, "platform": a.tenant_id.is_none() }),
            &audience,
        )
        .await?;
    }
    Ok(())
}

fn job_announcement(job: &crate::jobs::Job) -> Result<Uuid, String> {
    job.payload["announcement_id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| "job without an announcement_id".to_string())
}

/// Publishes a due announcement: live to everyone addressed, and an urgent
/// one as a notification too (pushed even to people who are online).
pub async fn publish_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let id = job_announcement(&job)?;
    db.platform_tx(async |c| {
        let a: Option<Announcement> = announcements::table
            .find(id)
            .select(Announcement::as_select())
            .first(c)
            .await
            .optional()?;
        let Some(a) = a else { return Ok(()) };
        if a.published_at.is_some() || a.withdrawn_at.is_some() || a.publish_at > Utc::now() {
            return Ok(());
        }
        let a: Announcement = diesel::update(announcements::table.find(id))
            .set(announcements::published_at.eq(Utc::now()))
            .returning(Announcement::as_returning())
            .get_result(c)
            .await?;
        broadcast(c, &a, "announcement.published").await?;
        if a.priority == AnnouncementPriority::Urgent.as_str() {
            for t in tenants_of(c, &a).await? {
                for (user, _, _) in addressed(c, t, &a.audience()).await? {
                    notify(
                        c,
                        t,
                        user,
                        Note {
                            kind: "announcement.urgent",
                            title: a.title.clone(),
                            body: crate::chat::excerpt(&a.body, 200),
                            link: Some("/announcements"),
                            urgent: true,
                        },
                    )
                    .await?;
                }
            }
        }
        Ok(())
    })
    .await
    .map_err(|e| format!("{e:?}"))
}

/// Tells clients an announcement expired (so banners disappear without a reload).
pub async fn expire_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let id = job_announcement(&job)?;
    db.platform_tx(async |c| {
        let a: Option<Announcement> = announcements::table
            .find(id)
            .select(Announcement::as_select())
            .first(c)
            .await
            .optional()?;
        let Some(a) = a else { return Ok(()) };
        if a.published_at.is_none() || a.withdrawn_at.is_some() {
            return Ok(());
        }
        broadcast(c, &a, "announcement.expired").await
    })
    .await
    .map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(stores: Vec<Uuid>, roles: Vec<&str>) -> Announcement {
        Announcement {
            id: Uuid::now_v7(),
            tenant_id: Some(Uuid::now_v7()),
            title: "t".into(),
            body: "b".into(),
            priority: "normal".into(),
            pinned: false,
            store_ids: stores,
            roles: roles.into_iter().map(String::from).collect(),
            requires_ack: false,
            publish_at: Utc::now(),
            expires_at: None,
            published_at: Some(Utc::now()),
            withdrawn_at: None,
            created_by: Uuid::now_v7(),
            created_at: Utc::now(),
        }
    }

    fn who(role: Role, stores: &[Uuid]) -> Viewer {
        Viewer {
            user_id: Uuid::now_v7(),
            role,
            stores: stores.to_vec(),
        }
    }

    #[test]
    fn targets_combine_stores_and_roles() {
        let (s1, s2) = (Uuid::now_v7(), Uuid::now_v7());
        let tele1 = who(Role::Telecaller, &[s1]);
        let sales2 = who(Role::SalesRep, &[s2]);
        let owner = who(Role::BusinessAdmin, &[]);
        assert!(ann(vec![], vec![]).audience().allows(&tele1));
        let store = ann(vec![s1], vec![]).audience();
        assert!(store.allows(&tele1) && store.allows(&owner) && !store.allows(&sales2));
        let role = ann(vec![], vec!["sales_rep"]).audience();
        assert!(role.allows(&sales2) && !role.allows(&tele1));
        let both = ann(vec![s1], vec!["sales_rep"]).audience();
        assert!(!both.allows(&tele1) && !both.allows(&sales2));
        assert!(both.allows(&who(Role::SalesRep, &[s1])));
    }

    #[test]
    fn expired_or_withdrawn_is_not_live() {
        let now = Utc::now();
        let mut a = ann(vec![], vec![]);
        assert!(a.live(now));
        a.expires_at = Some(now - chrono::Duration::minutes(1));
        assert!(!a.live(now));
        a.expires_at = None;
        a.withdrawn_at = Some(now);
        assert!(!a.live(now));
    }
}
