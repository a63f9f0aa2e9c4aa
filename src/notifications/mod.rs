//! The in-app notification centre: per-user notifications fed by what happens
//! to them, unread counts pushed live, preferences and quiet hours.

use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::db::Conn;
use crate::db::schema::{notification_prefs, notifications, presence, tenants};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// Notification types a user can mute, with their labels.
pub const TYPES: [(&str, &str); 12] = [
    (
        "account.changed",
        "Changes an administrator makes to your role or stores",
    ),
    ("security.password_changed", "Your password was changed"),
    ("lead.assigned", "Leads a manager assigns to you"),
    ("lead.follow_up_due", "Follow-up calls that fall due"),
    ("lead.sla_breached", "Leads you did not call in time"),
    (
        "lead.transfer",
        "Leads passed to you, and answers to leads you passed on",
    ),
    ("chat.mention", "Chat messages that mention you"),
    ("chat.direct", "Direct chat messages to you"),
    ("ticket.reply", "Answers from Karat support on your tickets"),
    ("announcement.urgent", "Urgent announcements"),
    ("escalation.assigned", "Customer escalations handed to you"),
    ("escalation.overdue", "Escalations not resolved in time"),
];

/// One notification.
#[derive(Debug, Clone, Serialize, Queryable, Selectable, ToSchema)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: Uuid,
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub urgent: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What to tell someone.
pub struct Note<'a> {
    pub kind: &'a str,
    pub title: String,
    pub body: String,
    pub link: Option<&'a str>,
    pub urgent: bool,
}

async fn unread(c: &mut Conn, user: Uuid) -> Result<i64, ApiError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(c)
        .await?)
}

/// Records a notification for `user` (unless they muted its type) in the
/// current transaction and pushes it, with the new unread count, to their sockets.
pub async fn notify(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    note: Note<'_>,
) -> Result<Option<Notification>, ApiError> {
    let (muted_in_app, muted_push, quiet_start, quiet_end) =
        pref_row(c, user).await?.unwrap_or_default();
    if muted_in_app.iter().any(|t| t == note.kind) {
        return Ok(None);
    }
    let n: Notification = diesel::insert_into(notifications::table)
        .values((
            notifications::id.eq(Uuid::now_v7()),
            notifications::tenant_id.eq(tenant),
            notifications::user_id.eq(user),
            notifications::kind.eq(note.kind),
            notifications::title.eq(&note.title),
            notifications::body.eq(&note.body),
            notifications::link.eq(note.link),
            notifications::urgent.eq(note.urgent),
        ))
        .returning(Notification::as_returning())
        .get_result(c)
        .await?;
    let count = unread(c, user).await?;
    let audience = Audience::Users { users: vec![user] };
    emit(
        c,
        tenant,
        "notifications",
        "notification.created",
        json!({ "notification": n, "unread_count": count }),
        &audience,
    )
    .await?;
    // Push when nobody would see it live (or it is urgent), unless muted or quiet.
    if !muted_push.iter().any(|t| t == note.kind) {
        let live: i64 = presence::table
            .filter(presence::user_id.eq(user))
            .count()
            .get_result(c)
            .await?;
        let quiet = match quiet_start.zip(quiet_end) {
            Some((start, end)) => {
                let now: NaiveTime = tenants::table
                    .find(tenant)
                    .select(diesel::dsl::sql::<diesel::sql_types::Time>(
                        "(now() AT TIME ZONE tenants.time_zone)::time",
                    ))
                    .first(c)
                    .await?;
                in_quiet_hours(now, start, end)
            }
            None => false,
        };
        if n.urgent || (live == 0 && !quiet) {
            crate::push::enqueue(c, tenant, user, &json!(n)).await?;
        }
    }
    Ok(Some(n))
}

/// Whether `now` falls in quiet hours `[start, end)`, which may wrap midnight.
pub fn in_quiet_hours(now: NaiveTime, start: NaiveTime, end: NaiveTime) -> bool {
    if start <= end {
        start <= now && now < end
    } else {
        now >= start || now < end
    }
}

/// Notification filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationFilter {
    /// Only unread ones.
    pub unread: Option<bool>,
}

/// My notifications, newest first.
#[utoipa::path(
    operation_id = "notifications_list",
    get, path = "/api/v1/notifications", tag = "notifications", params(NotificationFilter, PageParams),
    responses((status = 200, body = Page<Notification>), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/notifications")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<NotificationFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Notification>>, ApiError> {
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = notifications::table
                .filter(notifications::user_id.eq(auth.user_id))
                .select(Notification::as_select())
                .into_boxed();
            if filter.unread == Some(true) {
                q = q.filter(notifications::read_at.is_null());
            }
            if let Some(cur) = cursor {
                q = q.filter(notifications::id.lt(cur));
            }
            Ok(q.order(notifications::id.desc())
                .limit(limit + 1)
                .load(c)
                .await?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |n| n.id)))
}

/// An unread count.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadCount {
    pub count: i64,
}

/// How many of my notifications are unread.
#[utoipa::path(
    operation_id = "notifications_unread_count",
    get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses((status = 200, body = UnreadCount), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/notifications/unread-count")]
pub async fn unread_count(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<UnreadCount>, ApiError> {
    let tenant = auth.tenant()?;
    let count = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            unread(c, auth.user_id).await
        })
        .await?;
    Ok(web::Json(UnreadCount { count }))
}

async fn mark_read(state: &AppState, auth: &Auth, only: Option<Uuid>) -> Result<(), ApiError> {
    let tenant = auth.tenant()?;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = diesel::update(notifications::table)
                .filter(notifications::user_id.eq(auth.user_id))
                .filter(notifications::read_at.is_null())
                .into_boxed();
            if let Some(id) = only {
                // Already read is fine; someone else's or unknown is not.
                let exists: i64 = notifications::table
                    .filter(notifications::id.eq(id))
                    .filter(notifications::user_id.eq(auth.user_id))
                    .count()
                    .get_result(c)
                    .await?;
                if exists == 0 {
                    return Err(ApiError::NotFound);
                }
                q = q.filter(notifications::id.eq(id));
            }
            let changed = q
                .set(notifications::read_at.eq(diesel::dsl::now))
                .execute(c)
                .await?;
            if changed > 0 {
                let count = unread(c, auth.user_id).await?;
                let audience = Audience::Users {
                    users: vec![auth.user_id],
                };
                emit(
                    c,
                    tenant,
                    "notifications",
                    "notifications.read",
                    json!({ "unread_count": count }),
                    &audience,
                )
                .await?;
            }
            Ok(())
        })
        .await
}

/// Mark one of my notifications read.
#[utoipa::path(
    operation_id = "notifications_read_one",
    post, path = "/api/v1/notifications/{id}/read", tag = "notifications",
    responses((status = 204, description = "Read"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[post("/notifications/{id}/read")]
pub async fn read_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    mark_read(&state, &auth, Some(*id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all my notifications read.
#[utoipa::path(
    operation_id = "notifications_read_all",
    post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 204, description = "All read"), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[post("/notifications/read-all")]
pub async fn read_all(state: web::Data<AppState>, auth: Auth) -> Result<HttpResponse, ApiError> {
    mark_read(&state, &auth, None).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One type's switches.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TypePref {
    #[serde(rename = "type")]
    pub kind: String,
    /// Shown in the UI; ignored on input.
    #[serde(default)]
    pub label: String,
    pub in_app: bool,
    pub push: bool,
}

/// Quiet hours in the tenant's time zone, e.g. 22:00–08:00 (may wrap midnight).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// `HH:MM`
    pub start: String,
    /// `HH:MM`
    pub end: String,
}

/// My notification preferences.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    pub types: Vec<TypePref>,
    pub quiet_hours: Option<QuietHours>,
}

type PrefRow = (
    Vec<String>,
    Vec<String>,
    Option<NaiveTime>,
    Option<NaiveTime>,
);

fn to_prefs(row: Option<PrefRow>) -> Preferences {
    let (muted_in_app, muted_push, start, end) = row.unwrap_or_default();
    Preferences {
        types: TYPES
            .iter()
            .map(|(kind, label)| TypePref {
                kind: (*kind).into(),
                label: (*label).into(),
                in_app: !muted_in_app.iter().any(|m| m == kind),
                push: !muted_push.iter().any(|m| m == kind),
            })
            .collect(),
        quiet_hours: start.zip(end).map(|(s, e)| QuietHours {
            start: s.format("%H:%M").to_string(),
            end: e.format("%H:%M").to_string(),
        }),
    }
}

/// A user's stored preferences, if they saved any.
async fn pref_row(c: &mut Conn, user: Uuid) -> Result<Option<PrefRow>, ApiError> {
    Ok(notification_prefs::table
        .find(user)
        .select((
            notification_prefs::muted_in_app,
            notification_prefs::muted_push,
            notification_prefs::quiet_start,
            notification_prefs::quiet_end,
        ))
        .first(c)
        .await
        .optional()?)
}

async fn load_prefs(c: &mut Conn, user: Uuid) -> Result<Preferences, ApiError> {
    Ok(to_prefs(pref_row(c, user).await?))
}

/// My notification preferences.
#[utoipa::path(
    operation_id = "notifications_get_preferences",
    get, path = "/api/v1/notifications/preferences", tag = "notifications",
    responses((status = 200, body = Preferences), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/notifications/preferences")]
pub async fn get_preferences(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<Preferences>, ApiError> {
    let tenant = auth.tenant()?;
    Ok(web::Json(
        state
            .db
            .tenant_tx(tenant, auth.user_id, async |c| {
                load_prefs(c, auth.user_id).await
            })
            .await?,
    ))
}

fn parse_time(field: &str, v: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(v, "%H:%M")
        .map_err(|_| ApiError::invalid(field, "must be a time like 22:00"))
}

/// Change my notification preferences.
#[utoipa::path(
    operation_id = "notifications_put_preferences",
    put, path = "/api/v1/notifications/preferences", tag = "notifications", request_body = Preferences,
    responses((status = 200, body = Preferences), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/notifications/preferences")]
pub async fn put_preferences(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<Preferences>,
) -> Result<web::Json<Preferences>, ApiError> {
    let tenant = auth.tenant()?;
    let p = body.0;
    let mut muted_in_app = vec![];
    let mut muted_push = vec![];
    for (i, t) in p.types.iter().enumerate() {
        if !TYPES.iter().any(|(k, _)| *k == t.kind) {
            return Err(ApiError::invalid(
                &format!("types[{i}].type"),
                "is not a notification type",
            ));
        }
        if !t.in_app {
            muted_in_app.push(t.kind.clone());
        }
        if !t.push {
            muted_push.push(t.kind.clone());
        }
    }
    let quiet = match &p.quiet_hours {
        Some(q) => Some((
            parse_time("quiet_hours.start", &q.start)?,
            parse_time("quiet_hours.end", &q.end)?,
        )),
        None => None,
    };
    let prefs = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            diesel::insert_into(notification_prefs::table)
                .values((
                    notification_prefs::user_id.eq(auth.user_id),
                    notification_prefs::tenant_id.eq(tenant),
                    notification_prefs::muted_in_app.eq(&muted_in_app),
                    notification_prefs::muted_push.eq(&muted_push),
                    notification_prefs::quiet_start.eq(quiet.map(|q| q.0)),
                    notification_prefs::quiet_end.eq(quiet.map(|q| q.1)),
                ))
                .on_conflict(notification_prefs::user_id)
                .do_update()
                .set((
                    notification_prefs::muted_in_app.eq(&muted_in_app),
                    notification_prefs::muted_push.eq(&muted_push),
                    notification_prefs::quiet_start.eq(quiet.map(|q| q.0)),
                    notification_prefs::quiet_end.eq(quiet.map(|q| q.1)),
                    notification_prefs::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            load_prefs(c, auth.user_id).await
        })
        .await?;
    Ok(web::Json(prefs))
}

#[cfg(test)]
mod tests {
    use super::in_quiet_hours;
    use chrono::NaiveTime;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        assert!(in_quiet_hours(t(23, 0), t(22, 0), t(8, 0)));
        assert!(in_quiet_hours(t(7, 59), t(22, 0), t(8, 0)));
        assert!(!in_quiet_hours(t(8, 0), t(22, 0), t(8, 0)));
        assert!(in_quiet_hours(t(13, 30), t(13, 0), t(14, 0)));
        assert!(!in_quiet_hours(t(12, 0), t(13, 0), t(14, 0)));
    }
}
