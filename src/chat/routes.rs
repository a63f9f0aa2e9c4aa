//! Chat endpoints.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Bool, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{Access, ChannelRow, TOPIC, access, clean_mentions, direct_key, excerpt};
use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role};
use crate::db::Conn;
use crate::db::schema::{chat_channels, chat_members, chat_messages, user_stores, users};
use crate::files::{self, Attachment};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator, contains_pattern};
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// Longest message.
pub const MAX_BODY: usize = 4000;

/// Registers the chat endpoints.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_channels)
        .service(create_channel)
        .service(open_direct)
        .service(search)
        .service(people)
        .service(get_channel)
        .service(update_channel)
        .service(add_members)
        .service(remove_member)
        .service(list_messages)
        .service(send)
        .service(mark_read)
        .service(thread)
        .service(edit)
        .service(remove)
        .service(files::upload)
        .service(files::download);
}

/// A channel in my list.
#[derive(Debug, Serialize, ToSchema, QueryableByName)]
pub struct ChannelItem {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// `store`, `custom` or `direct`.
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// For a direct conversation: the other person's name.
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub description: Option<String>,
    #[diesel(sql_type = Bool)]
    pub private: bool,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub store_id: Option<Uuid>,
    /// I am a member (a public channel I have not joined is listed too).
    #[diesel(sql_type = Bool)]
    pub member: bool,
    /// Unread messages (counted up to 100).
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unread: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_message_at: Option<DateTime<Utc>>,
    /// For a direct conversation: the other person.
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    pub other_user_id: Option<Uuid>,
}

/// Store channels for the caller's stores exist, and the caller is a member of
/// them (read state starts at the latest message).
async fn ensure_store_channels(c: &mut Conn, auth: &Auth, tenant: Uuid) -> Result<(), ApiError> {
    let all = auth.role == Role::BusinessAdmin;
    diesel::sql_query(
        "INSERT INTO chat_channels (id, tenant_id, kind, name, store_id)
         SELECT gen_random_uuid(), s.tenant_id, 'store', left(s.name, 80), s.id FROM stores s
         WHERE s.tenant_id = $1 AND s.active AND ($2 OR s.id = ANY($3))
         ON CONFLICT (tenant_id, store_id) WHERE kind = 'store' DO NOTHING",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<Bool, _>(all)
    .bind::<Array<diesel::sql_types::Uuid>, _>(&auth.store_ids)
    .execute(c)
    .await?;
    diesel::sql_query(
        "INSERT INTO chat_members (tenant_id, channel_id, user_id, last_read_id)
         SELECT ch.tenant_id, ch.id, $1,
                (SELECT m.id FROM chat_messages m WHERE m.channel_id = ch.id ORDER BY m.id DESC LIMIT 1)
         FROM chat_channels ch
         WHERE ch.kind = 'store' AND ($2 OR ch.store_id = ANY($3))
         ON CONFLICT DO NOTHING",
    )
    .bind::<diesel::sql_types::Uuid, _>(auth.user_id)
    .bind::<Bool, _>(all)
    .bind::<Array<diesel::sql_types::Uuid>, _>(&auth.store_ids)
    .execute(c)
    .await?;
    Ok(())
}

/// My channels and conversations with unread counts, plus public channels I
/// could join; direct conversations last, busiest first (at most 500).
#[utoipa::path(
    operation_id = "chat_channels",
    get, path = "/api/v1/chat/channels", tag = "chat",
    responses((status = 200, body = Vec<ChannelItem>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/channels")]
pub async fn list_channels(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Vec<ChannelItem>>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let items = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            ensure_store_channels(c, &auth, tenant).await?;
            Ok(diesel::sql_query(
                "SELECT ch.id, ch.kind,
                        CASE WHEN ch.kind = 'direct' THEN coalesce(other.name, 'Former colleague') ELSE ch.name END AS name,
                        ch.description, ch.private, ch.store_id,
                        m.user_id IS NOT NULL AS member,
                        coalesce(u.unread, 0) AS unread,
                        lm.created_at AS last_message_at,
                        other.id AS other_user_id
                 FROM chat_channels ch
                 LEFT JOIN chat_members m ON m.channel_id = ch.id AND m.user_id = $1
                 LEFT JOIN LATERAL (
                   SELECT count(*) AS unread FROM (
                     SELECT 1 FROM chat_messages x
                     WHERE x.channel_id = ch.id AND x.parent_id IS NULL AND x.deleted_at IS NULL
                       AND x.author_id <> $1 AND (m.last_read_id IS NULL OR x.id > m.last_read_id)
                     LIMIT 100) s
                 ) u ON m.user_id IS NOT NULL
                 LEFT JOIN LATERAL (
                   SELECT x.created_at FROM chat_messages x
                   WHERE x.channel_id = ch.id AND x.parent_id IS NULL
                   ORDER BY x.id DESC LIMIT 1
                 ) lm ON true
                 LEFT JOIN LATERAL (
                   SELECT us.id, us.name FROM chat_members om JOIN users us ON us.id = om.user_id
                   WHERE om.channel_id = ch.id AND om.user_id <> $1 LIMIT 1
                 ) other ON ch.kind = 'direct'
                 WHERE ch.archived_at IS NULL AND (
                   m.user_id IS NOT NULL
                   OR (ch.kind = 'custom' AND NOT ch.private)
                   OR (ch.kind = 'store' AND ($2 OR ch.store_id = ANY($3))))
                 ORDER BY ch.kind = 'direct', lm.created_at DESC NULLS LAST, ch.name
                 LIMIT 500",
            )
            .bind::<diesel::sql_types::Uuid, _>(auth.user_id)
            .bind::<Bool, _>(auth.role == Role::BusinessAdmin)
            .bind::<Array<diesel::sql_types::Uuid>, _>(&auth.store_ids)
            .load::<ChannelItem>(c)
            .await?)
        })
        .await?;
    Ok(web::Json(items))
}

/// Someone to message or mention.
#[derive(Debug, Serialize, ToSchema)]
pub struct Colleague {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub store_ids: Vec<Uuid>,
}

/// People filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleParams {
    /// Name contains this.
    pub q: Option<String>,
}

/// Everyone active in my business, by name (at most 500): chat reaches
/// across stores and roles, so this is wider than the user list.
#[utoipa::path(
    operation_id = "chat_people",
    get, path = "/api/v1/chat/people", tag = "chat", params(PeopleParams),
    responses((status = 200, body = Vec<Colleague>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/people")]
pub async fn people(
    state: web::Data<AppState>,
    auth: Auth,
    params: web::Query<PeopleParams>,
) -> Result<web::Json<Vec<Colleague>>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let mut v = Validator::default();
    v.opt_text("q", params.q.as_deref(), 100);
    v.finish()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = users::table
                .filter(users::tenant_id.eq(tenant))
                .filter(users::active)
                .order(users::name)
                .select((users::id, users::name, users::role))
                .limit(500)
                .into_boxed();
            if let Some(text) = params.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                q = q.filter(users::name.ilike(contains_pattern(text)));
            }
            let rows: Vec<(Uuid, String, String)> = q.load(c).await?;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
            let memberships: Vec<(Uuid, Uuid)> = user_stores::table
                .filter(user_stores::user_id.eq_any(&ids))
                .select((user_stores::user_id, user_stores::store_id))
                .load(c)
                .await?;
            Ok(rows
                .into_iter()
                .map(|(id, name, role)| Colleague {
                    store_ids: memberships
                        .iter()
                        .filter(|m| m.0 == id)
                        .map(|m| m.1)
                        .collect(),
                    id,
                    name,
                    role,
                })
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(rows))
}

/// A member of a channel.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub role: String,
    /// May rename the channel and add or remove people.
    pub is_admin: bool,
}

/// A channel with its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct Channel {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub description: Option<String>,
    pub private: bool,
    pub store_id: Option<Uuid>,
    pub archived: bool,
    pub member: bool,
    /// I may manage the channel.
    pub admin: bool,
    /// Members with a membership row (a store channel reaches everyone of the store).
    pub members: Vec<Member>,
}

/// The channel as `me` sees it (a direct conversation is named after the other person).
async fn channel_view(c: &mut Conn, me: Uuid, a: Access) -> Result<Channel, ApiError> {
    let members: Vec<Member> = chat_members::table
        .inner_join(users::table.on(users::id.eq(chat_members::user_id)))
        .filter(chat_members::channel_id.eq(a.channel.id))
        .order(users::name)
        .select((
            chat_members::user_id,
            users::name,
            users::role,
            chat_members::is_admin,
        ))
        .limit(1000)
        .load(c)
        .await?;
    let ch = a.channel;
    let name = match ch.kind.as_str() {
        "direct" => members
            .iter()
            .find(|m| m.user_id != me)
            .map_or_else(|| "Former colleague".to_string(), |m| m.name.clone()),
        _ => ch.name,
    };
    Ok(Channel {
        id: ch.id,
        kind: ch.kind,
        name,
        description: ch.description,
        private: ch.private,
        store_id: ch.store_id,
        archived: ch.archived_at.is_some(),
        member: a.member,
        admin: a.admin,
        members,
    })
}

/// A new custom channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    pub name: String,
    pub description: Option<String>,
    /// Private channels are seen only by their members.
    #[serde(default)]
    pub private: bool,
    /// People to add besides me (up to 500).
    #[serde(default)]
    pub member_ids: Vec<Uuid>,
}

/// 422 unless every id is an active colleague in the tenant.
async fn check_colleagues(c: &mut Conn, field: &str, ids: &[Uuid]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let found: i64 = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::active)
        .filter(users::tenant_id.is_not_null())
        .count()
        .get_result(c)
        .await?;
    if found != ids.len() as i64 {
        return Err(ApiError::invalid(
            field,
            "names someone who is not an active colleague",
        ));
    }
    Ok(())
}

fn dedupe(ids: &[Uuid]) -> Vec<Uuid> {
    let mut v = ids.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Create a custom channel; I become its admin.
#[utoipa::path(
    operation_id = "chat_create_channel",
    post, path = "/api/v1/chat/channels", tag = "chat", request_body = NewChannel,
    responses((status = 201, body = Channel), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/chat/channels")]
pub async fn create_channel(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewChannel>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    v.text("name", &b.name, 1, 80);
    v.opt_text("description", b.description.as_deref(), 500);
    v.check(
        b.member_ids.len() <= 500,
        "member_ids",
        "at most 500 people",
    );
    v.finish()?;
    let others: Vec<Uuid> = dedupe(&b.member_ids)
        .into_iter()
        .filter(|u| *u != auth.user_id)
        .collect();
    let view = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            check_colleagues(c, "member_ids", &others).await?;
            let taken: bool = diesel::select(diesel::dsl::exists(
                chat_channels::table
                    .filter(chat_channels::kind.eq("custom"))
                    .filter(chat_channels::archived_at.is_null())
                    .filter(
                        diesel::dsl::sql::<Text>("lower(name)").eq(b.name.trim().to_lowercase()),
                    ),
            ))
            .get_result(c)
            .await?;
            if taken {
                return Err(ApiError::Conflict(format!(
                    "A channel called “{}” exists already.",
                    b.name.trim()
                )));
            }
            let id = Uuid::now_v7();
            diesel::insert_into(chat_channels::table)
                .values((
                    chat_channels::id.eq(id),
                    chat_channels::tenant_id.eq(tenant),
                    chat_channels::kind.eq("custom"),
                    chat_channels::name.eq(b.name.trim()),
                    chat_channels::description.eq(b.description.as_deref().map(str::trim)),
                    chat_channels::private.eq(b.private),
                    chat_channels::created_by.eq(auth.user_id),
                ))
                .execute(c)
                .await?;
            let mut rows = vec![(
                chat_members::tenant_id.eq(tenant),
                chat_members::channel_id.eq(id),
                chat_members::user_id.eq(auth.user_id),
                chat_members::is_admin.eq(true),
            )];
            rows.extend(others.iter().map(|u| {
                (
                    chat_members::tenant_id.eq(tenant),
                    chat_members::channel_id.eq(id),
                    chat_members::user_id.eq(*u),
                    chat_members::is_admin.eq(false),
                )
            }));
            diesel::insert_into(chat_members::table)
                .values(rows)
                .execute(c)
                .await?;
            let a = access(c, &auth, id).await?;
            let audience = if b.private {
                a.audience(c).await?
            } else {
                Audience::Tenant
            };
            emit(
                c,
                tenant,
                TOPIC,
                "channel.created",
                json!({ "channel_id": id }),
                &audience,
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_channel",
                    entity_id: Some(id.to_string()),
                    action: "create",
                    changes: Some(json!({ "after": { "name": b.name.trim(), "private": b.private, "members": others.len() + 1 } })),
                },
            )
            .await?;
            channel_view(c, auth.user_id, a).await
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Whom to message directly.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectInput {
    pub user_id: Uuid,
}

/// Open (or find) my direct conversation with a colleague.
#[utoipa::path(
    operation_id = "chat_direct",
    post, path = "/api/v1/chat/direct", tag = "chat", request_body = DirectInput,
    responses((status = 200, body = Channel), (status = 201, body = Channel), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/chat/direct")]
pub async fn open_direct(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<DirectInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let other = body.0.user_id;
    if other == auth.user_id {
        return Err(ApiError::invalid(
            "user_id",
            "choose someone other than yourself",
        ));
    }
    let (created, view) = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let known: bool = diesel::select(diesel::dsl::exists(
                users::table
                    .find(other)
                    .filter(users::active)
                    .filter(users::tenant_id.eq(tenant)),
            ))
            .get_result(c)
            .await?;
            if !known {
                return Err(ApiError::invalid("user_id", "is not an active colleague"));
            }
            let key = direct_key(auth.user_id, other);
            let id = Uuid::now_v7();
            let created = diesel::insert_into(chat_channels::table)
                .values((
                    chat_channels::id.eq(id),
                    chat_channels::tenant_id.eq(tenant),
                    chat_channels::kind.eq("direct"),
                    chat_channels::name.eq("direct"),
                    chat_channels::private.eq(true),
                    chat_channels::direct_key.eq(&key),
                    chat_channels::created_by.eq(auth.user_id),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await?
                == 1;
            let id: Uuid = chat_channels::table
                .filter(chat_channels::direct_key.eq(&key))
                .select(chat_channels::id)
                .first(c)
                .await?;
            if created {
                diesel::insert_into(chat_members::table)
                    .values(
                        [auth.user_id, other]
                            .map(|u| {
                                (
                                    chat_members::tenant_id.eq(tenant),
                                    chat_members::channel_id.eq(id),
                                    chat_members::user_id.eq(u),
                                )
                            })
                            .to_vec(),
                    )
                    .execute(c)
                    .await?;
            }
            let a = access(c, &auth, id).await?;
            if created {
                emit(
                    c,
                    tenant,
                    TOPIC,
                    "channel.created",
                    json!({ "channel_id": id }),
                    &Audience::Users {
                        users: vec![auth.user_id, other],
                    },
                )
                .await?;
            }
            let view = channel_view(c, auth.user_id, a).await?;
            Ok((created, view))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// A channel and its members.
#[utoipa::path(
    operation_id = "chat_channel",
    get, path = "/api/v1/chat/channels/{id}", tag = "chat",
    responses((status = 200, body = Channel), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/channels/{id}")]
pub async fn get_channel(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Channel>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let view = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, *id).await?;
            channel_view(c, auth.user_id, a).await
        })
        .await?;
    Ok(web::Json(view))
}

/// Tells the channel's people it changed and returns it as the caller now sees it.
async fn changed(c: &mut Conn, auth: &Auth, tenant: Uuid, id: Uuid) -> Result<Channel, ApiError> {
    let a = access(c, auth, id).await?;
    let audience = a.audience(c).await?;
    emit(
        c,
        tenant,
        TOPIC,
        "channel.updated",
        json!({ "channel_id": id }),
        &audience,
    )
    .await?;
    channel_view(c, auth.user_id, a).await
}

/// Changes to a custom channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelPatch {
    pub name: Option<String>,
    pub description: Option<String>,
    pub archived: Option<bool>,
}

/// Rename, describe or archive a custom channel (its admins and business admins).
#[utoipa::path(
    operation_id = "chat_update_channel",
    patch, path = "/api/v1/chat/channels/{id}", tag = "chat", request_body = ChannelPatch,
    responses((status = 200, body = Channel), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/chat/channels/{id}")]
pub async fn update_channel(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<ChannelPatch>,
) -> Result<web::Json<Channel>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let mut v = Validator::default();
    if let Some(n) = &b.name {
        v.text("name", n, 1, 80);
    }
    v.opt_text("description", b.description.as_deref(), 500);
    v.finish()?;
    let view = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, *id).await?;
            if a.channel.kind != "custom" {
                return Err(ApiError::Conflict(
                    "Only custom channels can be changed.".into(),
                ));
            }
            if !a.admin {
                return Err(ApiError::Forbidden);
            }
            let before = (&a.channel.name, &a.channel.description, a.channel.archived_at.is_some());
            let archived_at = match b.archived {
                Some(true) => Some(a.channel.archived_at.unwrap_or_else(Utc::now)),
                Some(false) => None,
                None => a.channel.archived_at,
            };
            let name = b.name.as_deref().map(str::trim).unwrap_or(&a.channel.name);
            let description = match &b.description {
                Some(d) if d.trim().is_empty() => None,
                Some(d) => Some(d.trim()),
                None => a.channel.description.as_deref(),
            };
            diesel::update(chat_channels::table.find(a.channel.id))
                .set((
                    chat_channels::name.eq(name),
                    chat_channels::description.eq(description),
                    chat_channels::archived_at.eq(archived_at),
                ))
                .execute(c)
                .await
                .map_err(|e| match e {
                    diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    ) => ApiError::Conflict("Another channel has that name.".into()),
                    e => e.into(),
                })?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_channel",
                    entity_id: Some(a.channel.id.to_string()),
                    action: "update",
                    changes: Some(json!({
                        "from": { "name": before.0, "description": before.1, "archived": before.2 },
                        "to": { "name": name, "description": description, "archived": archived_at.is_some() },
                    })),
                },
            )
            .await?;
            changed(c, &auth, tenant, a.channel.id).await
        })
        .await?;
    Ok(web::Json(view))
}

/// People to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersInput {
    /// Up to 500 colleagues; my own id alone joins a public channel.
    pub user_ids: Vec<Uuid>,
}

/// Add people to a custom channel (its admins), or join a public one myself.
#[utoipa::path(
    operation_id = "chat_add_members",
    post, path = "/api/v1/chat/channels/{id}/members", tag = "chat", request_body = MembersInput,
    responses((status = 200, body = Channel), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/chat/channels/{id}/members")]
pub async fn add_members(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<MembersInput>,
) -> Result<web::Json<Channel>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let ids = dedupe(&body.0.user_ids);
    let mut v = Validator::default();
    v.check(
        !ids.is_empty() && ids.len() <= 500,
        "user_ids",
        "name 1 to 500 people",
    );
    v.finish()?;
    let view = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, *id).await?;
            if a.channel.kind != "custom" || a.channel.archived_at.is_some() {
                return Err(ApiError::Conflict(
                    "People can be added only to an active custom channel.".into(),
                ));
            }
            let joining_myself = ids == [auth.user_id] && !a.channel.private;
            if !a.admin && !joining_myself {
                return Err(ApiError::Forbidden);
            }
            check_colleagues(c, "user_ids", &ids).await?;
            let rows: Vec<_> = ids
                .iter()
                .map(|u| {
                    (
                        chat_members::tenant_id.eq(tenant),
                        chat_members::channel_id.eq(a.channel.id),
                        chat_members::user_id.eq(*u),
                    )
                })
                .collect();
            diesel::insert_into(chat_members::table)
                .values(rows)
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_channel",
                    entity_id: Some(a.channel.id.to_string()),
                    action: "add_members",
                    changes: Some(json!({ "user_ids": ids })),
                },
            )
            .await?;
            changed(c, &auth, tenant, a.channel.id).await
        })
        .await?;
    Ok(web::Json(view))
}

/// Leave a custom channel, or (its admins) remove someone.
#[utoipa::path(
    operation_id = "chat_remove_member",
    delete, path = "/api/v1/chat/channels/{id}/members/{user_id}", tag = "chat",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/chat/channels/{id}/members/{user_id}")]
pub async fn remove_member(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let (id, user) = *path;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, id).await?;
            if a.channel.kind != "custom" {
                return Err(ApiError::Conflict(
                    "Store channels and direct conversations keep their people.".into(),
                ));
            }
            if user != auth.user_id && !a.admin {
                return Err(ApiError::Forbidden);
            }
            // Everyone who saw the channel hears that it changed, the leaver included.
            let audience = a.audience(c).await?;
            let gone = diesel::delete(
                chat_members::table
                    .filter(chat_members::channel_id.eq(id))
                    .filter(chat_members::user_id.eq(user)),
            )
            .execute(c)
            .await?;
            if gone == 0 {
                return Err(ApiError::NotFound);
            }
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_channel",
                    entity_id: Some(id.to_string()),
                    action: "remove_member",
                    changes: Some(json!({ "user_id": user })),
                },
            )
            .await?;
            emit(
                c,
                tenant,
                TOPIC,
                "channel.updated",
                json!({ "channel_id": id }),
                &audience,
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A message as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    /// The thread's first message, for a reply.
    pub parent_id: Option<Uuid>,
    /// Empty once deleted.
    pub body: String,
    pub mentions: Vec<Uuid>,
    pub reply_count: i32,
    pub last_reply_at: Option<DateTime<Utc>>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub attachments: Vec<Attachment>,
}

type MessageRow = (
    Uuid,
    Uuid,
    Uuid,
    String,
    Option<Uuid>,
    String,
    Vec<Uuid>,
    i32,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

macro_rules! message_select {
    () => {
        chat_messages::table
            .inner_join(users::table.on(users::id.eq(chat_messages::author_id)))
            .select((
                chat_messages::id,
                chat_messages::channel_id,
                chat_messages::author_id,
                users::name,
                chat_messages::parent_id,
                chat_messages::body,
                chat_messages::mentions,
                chat_messages::reply_count,
                chat_messages::last_reply_at,
                chat_messages::edited_at,
                chat_messages::deleted_at,
                chat_messages::created_at,
            ))
    };
}

/// Views of rows, with their attachments (none shown once deleted).
async fn views(c: &mut Conn, rows: Vec<MessageRow>) -> Result<Vec<Message>, ApiError> {
    let ids: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.10.is_none())
        .map(|r| r.0)
        .collect();
    let mut files = files::of_owners(c, "chat", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let deleted = r.10.is_some();
            let mine: Vec<Attachment> = files
                .extract_if(.., |(o, _)| *o == r.0)
                .map(|(_, a)| a)
                .collect();
            Message {
                id: r.0,
                channel_id: r.1,
                author_id: r.2,
                author_name: r.3,
                parent_id: r.4,
                body: if deleted { String::new() } else { r.5 },
                mentions: if deleted { vec![] } else { r.6 },
                reply_count: r.7,
                last_reply_at: r.8,
                edited_at: r.9,
                deleted,
                created_at: r.11,
                attachments: mine,
            }
        })
        .collect())
}

async fn one(c: &mut Conn, id: Uuid) -> Result<Message, ApiError> {
    let row: MessageRow = message_select!()
        .filter(chat_messages::id.eq(id))
        .first(c)
        .await?;
    Ok(views(c, vec![row]).await?.remove(0))
}

/// A channel's messages, newest first (thread replies are under their thread).
#[utoipa::path(
    operation_id = "chat_messages",
    get, path = "/api/v1/chat/channels/{id}/messages", tag = "chat", params(PageParams),
    responses((status = 200, body = Page<Message>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/channels/{id}/messages")]
pub async fn list_messages(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let items = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            access(c, &auth, *id).await?;
            let mut q = message_select!()
                .filter(chat_messages::channel_id.eq(*id))
                .filter(chat_messages::parent_id.is_null())
                .order(chat_messages::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(cur) = cursor {
                q = q.filter(chat_messages::id.lt(cur));
            }
            let rows: Vec<MessageRow> = q.load(c).await?;
            views(c, rows).await
        })
        .await?;
    Ok(web::Json(Page::from_rows(items, limit, |m| m.id)))
}

/// A thread: its first message and the replies, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Thread {
    pub root: Message,
    pub replies: Page<Message>,
}

/// A thread (replies oldest first, paged forward).
#[utoipa::path(
    operation_id = "chat_thread",
    get, path = "/api/v1/chat/messages/{id}/thread", tag = "chat", params(PageParams),
    responses((status = 200, body = Thread), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/messages/{id}/thread")]
pub async fn thread(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Thread>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let t = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let root = one(c, *id).await?;
            if root.parent_id.is_some() {
                return Err(ApiError::NotFound);
            }
            access(c, &auth, root.channel_id).await?;
            let mut q = message_select!()
                .filter(chat_messages::parent_id.eq(*id))
                .order(chat_messages::id)
                .limit(limit + 1)
                .into_boxed();
            if let Some(cur) = cursor {
                q = q.filter(chat_messages::id.gt(cur));
            }
            let rows: Vec<MessageRow> = q.load(c).await?;
            let replies = views(c, rows).await?;
            Ok(Thread {
                root,
                replies: Page::from_rows(replies, limit, |m| m.id),
            })
        })
        .await?;
    Ok(web::Json(t))
}

/// A message to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    /// 1–4000 characters (may be empty when files are attached).
    #[serde(default)]
    pub body: String,
    /// Reply in this message's thread.
    pub parent_id: Option<Uuid>,
    /// People mentioned (they are notified).
    #[serde(default)]
    pub mentions: Vec<Uuid>,
    /// Uploads to attach (up to 5).
    #[serde(default)]
    pub attachment_ids: Vec<Uuid>,
}

/// Mentioned people who can see the channel; 422 for anyone else.
async fn check_mentions(c: &mut Conn, a: &Access, ids: &[Uuid]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let ok: i64 = match (a.channel.kind.as_str(), a.channel.store_id) {
        ("store", Some(store)) => {
            users::table
                .filter(users::id.eq_any(ids))
                .filter(users::active)
                .filter(
                    users::role
                        .eq(Role::BusinessAdmin.as_str())
                        .or(diesel::dsl::exists(
                            user_stores::table
                                .filter(user_stores::user_id.eq(users::id))
                                .filter(user_stores::store_id.eq(store)),
                        )),
                )
                .count()
                .get_result(c)
                .await?
        }
        ("custom", _) if !a.channel.private => {
            users::table
                .filter(users::id.eq_any(ids))
                .filter(users::active)
                .filter(users::tenant_id.is_not_null())
                .count()
                .get_result(c)
                .await?
        }
        _ => {
            chat_members::table
                .filter(chat_members::channel_id.eq(a.channel.id))
                .filter(chat_members::user_id.eq_any(ids))
                .count()
                .get_result(c)
                .await?
        }
    };
    if ok != ids.len() as i64 {
        return Err(ApiError::invalid(
            "mentions",
            "names someone who cannot see this channel",
        ));
    }
    Ok(())
}

/// Send a message to a channel or thread. Members get it live; mentioned
/// people (and the other person of a direct conversation) are notified, by
/// push when away. An `Idempotency-Key` header makes a retried send return the
/// first message (200) instead of posting twice.
#[utoipa::path(
    operation_id = "chat_send",
    post, path = "/api/v1/chat/channels/{id}/messages", tag = "chat", request_body = NewMessage,
    params(("Idempotency-Key" = Option<String>, Header, description = "Up to 100 characters; repeats return the first message")),
    responses((status = 201, body = Message), (status = 200, body = Message), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = []))
)]
#[post("/chat/channels/{id}/messages")]
pub async fn send(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Json<NewMessage>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let b = body.0;
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_string))
        .transpose()
        .map_err(|_| ApiError::invalid("Idempotency-Key", "must be visible ASCII"))?;
    let mut v = Validator::default();
    v.check(
        b.body.chars().count() <= MAX_BODY,
        "body",
        "must be at most 4000 characters",
    );
    v.check(
        !b.body.trim().is_empty() || !b.attachment_ids.is_empty(),
        "body",
        "write something or attach a file",
    );
    v.check(b.mentions.len() <= 50, "mentions", "at most 50 people");
    v.check(
        key.as_ref().is_none_or(|k| !k.is_empty() && k.len() <= 100),
        "Idempotency-Key",
        "must be 1 to 100 characters",
    );
    v.finish()?;
    state.check_limit(&state.chat_limiter, &auth.user_id.to_string())?;
    let mentions = clean_mentions(auth.user_id, &b.mentions);
    let channel = *id;
    let (created, message) = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            if let Some(k) = &key {
                let first: Option<Uuid> = chat_messages::table
                    .filter(chat_messages::author_id.eq(auth.user_id))
                    .filter(chat_messages::idempotency_key.eq(k))
                    .select(chat_messages::id)
                    .first(c)
                    .await
                    .optional()?;
                if let Some(first) = first {
                    return Ok((false, one(c, first).await?));
                }
            }
            let a = access(c, &auth, channel).await?;
            if a.channel.archived_at.is_some() {
                return Err(ApiError::Conflict("This channel is archived.".into()));
            }
            if let Some(parent) = b.parent_id {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    chat_messages::table
                        .filter(chat_messages::id.eq(parent))
                        .filter(chat_messages::channel_id.eq(channel))
                        .filter(chat_messages::parent_id.is_null())
                        .filter(chat_messages::deleted_at.is_null()),
                ))
                .get_result(c)
                .await?;
                if !ok {
                    return Err(ApiError::invalid(
                        "parent_id",
                        "is not a message of this channel that can be replied to",
                    ));
                }
            }
            check_mentions(c, &a, &mentions).await?;
            // Writing in a public channel joins it.
            if !a.member && a.channel.kind == "custom" {
                diesel::insert_into(chat_members::table)
                    .values((
                        chat_members::tenant_id.eq(tenant),
                        chat_members::channel_id.eq(channel),
                        chat_members::user_id.eq(auth.user_id),
                    ))
                    .on_conflict_do_nothing()
                    .execute(c)
                    .await?;
            }
            let id = Uuid::now_v7();
            let now = Utc::now();
            diesel::insert_into(chat_messages::table)
                .values((
                    chat_messages::id.eq(id),
                    chat_messages::tenant_id.eq(tenant),
                    chat_messages::channel_id.eq(channel),
                    chat_messages::author_id.eq(auth.user_id),
                    chat_messages::parent_id.eq(b.parent_id),
                    chat_messages::body.eq(b.body.trim()),
                    chat_messages::mentions.eq(&mentions),
                    chat_messages::idempotency_key.eq(&key),
                    chat_messages::created_at.eq(now),
                ))
                .execute(c)
                .await?;
            if let Some(parent) = b.parent_id {
                diesel::update(chat_messages::table.find(parent))
                    .set((
                        chat_messages::reply_count.eq(chat_messages::reply_count + 1),
                        chat_messages::last_reply_at.eq(now),
                    ))
                    .execute(c)
                    .await?;
            }
            let attachments = files::attach(c, auth.user_id, &b.attachment_ids, "chat", id).await?;
            let message = Message {
                id,
                channel_id: channel,
                author_id: auth.user_id,
                author_name: auth.name.clone(),
                parent_id: b.parent_id,
                body: b.body.trim().to_string(),
                mentions: mentions.clone(),
                reply_count: 0,
                last_reply_at: None,
                edited_at: None,
                deleted: false,
                created_at: now,
                attachments,
            };
            let audience = a.audience(c).await?;
            let label = match a.channel.kind.as_str() {
                "direct" => "a direct message".to_string(),
                _ => format!("#{}", a.channel.name),
            };
            let link = format!("/chat/{channel}");
            let mut told = mentions.clone();
            for m in &mentions {
                notify(
                    c,
                    tenant,
                    *m,
                    Note {
                        kind: "chat.mention",
                        title: format!("{} mentioned you in {label}", auth.name),
                        body: excerpt(&message.body, 140),
                        link: Some(&link),
                        urgent: false,
                    },
                )
                .await?;
            }
            if a.channel.kind == "direct"
                && let Audience::Users { users } = &audience
            {
                for other in users.iter().filter(|u| **u != auth.user_id) {
                    if !told.contains(other) {
                        told.push(*other);
                        notify(
                            c,
                            tenant,
                            *other,
                            Note {
                                kind: "chat.direct",
                                title: format!("Message from {}", auth.name),
                                body: excerpt(&message.body, 140),
                                link: Some(&link),
                                urgent: false,
                            },
                        )
                        .await?;
                    }
                }
            }
            // Last, so the tenant's event counter is held for the shortest time.
            emit(
                c,
                tenant,
                TOPIC,
                "message.created",
                json!({ "message": message }),
                &audience,
            )
            .await?;
            Ok((true, message))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(message)
    } else {
        HttpResponse::Ok().json(message)
    })
}

/// A message edit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagePatch {
    pub body: String,
}

/// Edit my message (the previous text is kept in the audit log).
#[utoipa::path(
    operation_id = "chat_edit",
    patch, path = "/api/v1/chat/messages/{id}", tag = "chat", request_body = MessagePatch,
    responses((status = 200, body = Message), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/chat/messages/{id}")]
pub async fn edit(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<MessagePatch>,
) -> Result<web::Json<Message>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let text = body.0.body;
    let mut v = Validator::default();
    v.text("body", &text, 1, MAX_BODY);
    v.finish()?;
    let m = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = one(c, *id).await?;
            let a = access(c, &auth, before.channel_id).await?;
            if before.author_id != auth.user_id {
                return Err(ApiError::Forbidden);
            }
            if before.deleted {
                return Err(ApiError::Conflict(
                    "A deleted message cannot be edited.".into(),
                ));
            }
            diesel::update(chat_messages::table.find(before.id))
                .set((
                    chat_messages::body.eq(text.trim()),
                    chat_messages::edited_at.eq(Utc::now()),
                ))
                .execute(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_message",
                    entity_id: Some(before.id.to_string()),
                    action: "edit",
                    changes: Some(json!({ "body": { "from": before.body, "to": text.trim() } })),
                },
            )
            .await?;
            let after = one(c, before.id).await?;
            let audience = a.audience(c).await?;
            emit(
                c,
                tenant,
                TOPIC,
                "message.updated",
                json!({ "message": after }),
                &audience,
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(m))
}

/// Delete a message: the author, a channel admin, a business admin, or a
/// manager of the store's channel. The text stays in the audit log only.
#[utoipa::path(
    operation_id = "chat_delete",
    delete, path = "/api/v1/chat/messages/{id}", tag = "chat",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/chat/messages/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = one(c, *id).await?;
            let a = access(c, &auth, before.channel_id).await?;
            let moderator = a.admin
                || (auth.role == Role::Manager
                    && a.channel.store_id.is_some_and(|s| auth.in_store(s)));
            if before.author_id != auth.user_id && !moderator {
                return Err(ApiError::Forbidden);
            }
            if before.deleted {
                return Ok(());
            }
            diesel::update(chat_messages::table.find(before.id))
                .set(chat_messages::deleted_at.eq(Utc::now()))
                .execute(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "chat_message",
                    entity_id: Some(before.id.to_string()),
                    action: "delete",
                    changes: Some(json!({ "body": before.body, "author_id": before.author_id })),
                },
            )
            .await?;
            let audience = a.audience(c).await?;
            emit(
                c,
                tenant,
                TOPIC,
                "message.deleted",
                json!({ "message_id": before.id, "channel_id": before.channel_id, "parent_id": before.parent_id }),
                &audience,
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Read position.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadInput {
    /// The newest message I have seen.
    pub message_id: Uuid,
}

/// Mark a channel read up to a message (never moves backwards). My other
/// devices hear it, so their unread counts follow.
#[utoipa::path(
    operation_id = "chat_read",
    post, path = "/api/v1/chat/channels/{id}/read", tag = "chat", request_body = ReadInput,
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/chat/channels/{id}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<ReadInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let upto = body.0.message_id;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let a = access(c, &auth, *id).await?;
            let ok: bool = diesel::select(diesel::dsl::exists(
                chat_messages::table
                    .filter(chat_messages::id.eq(upto))
                    .filter(chat_messages::channel_id.eq(a.channel.id)),
            ))
            .get_result(c)
            .await?;
            if !ok {
                return Err(ApiError::invalid(
                    "message_id",
                    "is not a message of this channel",
                ));
            }
            if !a.member {
                // Reading a public channel I have not joined keeps no state.
                return Ok(());
            }
            diesel::sql_query(
                "UPDATE chat_members SET last_read_id = $3
                 WHERE channel_id = $1 AND user_id = $2
                   AND (last_read_id IS NULL OR last_read_id < $3)",
            )
            .bind::<diesel::sql_types::Uuid, _>(a.channel.id)
            .bind::<diesel::sql_types::Uuid, _>(auth.user_id)
            .bind::<diesel::sql_types::Uuid, _>(upto)
            .execute(c)
            .await?;
            emit(
                c,
                tenant,
                TOPIC,
                "channel.read",
                json!({ "channel_id": a.channel.id, "message_id": upto }),
                &Audience::Users {
                    users: vec![auth.user_id],
                },
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Search filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Text to find (2–100 characters).
    pub q: String,
    /// Only this channel.
    pub channel_id: Option<Uuid>,
}

/// Find messages containing a text in the channels I can see, newest first.
#[utoipa::path(
    operation_id = "chat_search",
    get, path = "/api/v1/chat/search", tag = "chat", params(SearchParams, PageParams),
    responses((status = 200, body = Page<Message>), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/chat/search")]
pub async fn search(
    state: web::Data<AppState>,
    auth: Auth,
    params: web::Query<SearchParams>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    auth.require(Permission::ChatUse)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let mut v = Validator::default();
    v.text("q", &params.q, 2, 100);
    v.finish()?;
    let pattern = contains_pattern(params.q.trim());
    let items = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let channels: Vec<Uuid> = match params.channel_id {
                Some(ch) => vec![access(c, &auth, ch).await?.channel.id],
                None => {
                    let rows: Vec<(ChannelRow, Option<Uuid>)> = chat_channels::table
                        .left_join(
                            chat_members::table.on(chat_members::channel_id
                                .eq(chat_channels::id)
                                .and(chat_members::user_id.eq(auth.user_id))),
                        )
                        .filter(
                            chat_members::user_id
                                .is_not_null()
                                .or(chat_channels::kind
                                    .eq("custom")
                                    .and(chat_channels::private.eq(false)))
                                .or(chat_channels::kind.eq("store")),
                        )
                        .select((ChannelRow::as_select(), chat_members::user_id.nullable()))
                        .load(c)
                        .await?;
                    rows.into_iter()
                        .filter(|(r, member)| super::can_see(&auth, r, member.is_some()))
                        .map(|(r, _)| r.id)
                        .collect()
                }
            };
            let mut q = message_select!()
                .filter(chat_messages::channel_id.eq_any(&channels))
                .filter(chat_messages::deleted_at.is_null())
                .filter(chat_messages::body.ilike(&pattern))
                .order(chat_messages::id.desc())
                .limit(limit + 1)
                .into_boxed();
            if let Some(cur) = cursor {
                q = q.filter(chat_messages::id.lt(cur));
            }
            let rows: Vec<MessageRow> = q.load(c).await?;
            views(c, rows).await
        })
        .await?;
    Ok(web::Json(Page::from_rows(items, limit, |m| m.id)))
}
