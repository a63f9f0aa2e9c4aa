//! Users of a tenant (and platform admins): models, rules and routes.

use actix_web::{HttpResponse, get, patch, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::rbac::{Permission, Role, Scope};
use crate::auth::{Auth, password, tokens};
use crate::db::Conn;
use crate::db::find::Find;
use crate::db::schema::{password_resets, sessions, stores, user_stores, user_views, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::mail::Mail;
use crate::notifications::{Note, notify};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use serde_json::json;

/// A user as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    pub store_ids: Vec<Uuid>,
    pub manager_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// The stored row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: String,
    pub manager_id: Option<Uuid>,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl UserRow {
    /// The role (the database CHECK guarantees it parses).
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::SalesRep)
    }
}

/// A row of the `user_views` view: a user with their store ids.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = user_views)]
pub struct UserViewRow {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: String,
    pub manager_id: Option<Uuid>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub store_ids: Vec<Uuid>,
}

impl From<UserViewRow> for User {
    fn from(r: UserViewRow) -> User {
        User {
            role: Role::parse(&r.role).unwrap_or(Role::SalesRep),
            id: r.id,
            tenant_id: r.tenant_id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            store_ids: r.store_ids,
            manager_id: r.manager_id,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

/// The stores `user` belongs to.
pub async fn store_ids_of(conn: &mut Conn, user: Uuid) -> Result<Vec<Uuid>, ApiError> {
    Ok(user_stores::table
        .filter(user_stores::user_id.eq(user))
        .select(user_stores::store_id)
        .load(conn)
        .await?)
}

/// One user by id with their stores, as visible in the current transaction.
pub async fn find(conn: &mut Conn, id: Uuid) -> Result<User, ApiError> {
    Ok(user_views::table
        .find(id)
        .select(UserViewRow::as_select())
        .first::<UserViewRow>(conn)
        .await?
        .into())
}

/// Whether the caller may see this user at all (scope check after RLS).
fn visible(auth: &Auth, scope: Scope, user: &User) -> bool {
    match scope {
        Scope::Platform | Scope::Tenant => true,
        Scope::Store => user.id == auth.user_id || user.store_ids.iter().any(|s| auth.in_store(*s)),
        Scope::Own => user.id == auth.user_id,
    }
}

/// Input for a new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub role: Role,
    #[serde(default)]
    pub store_ids: Vec<Uuid>,
    pub manager_id: Option<Uuid>,
    /// Without a password the user gets an invitation e-mail to set one.
    pub password: Option<String>,
}

/// Parses an e-mail address into its stored (lower-case) form.
pub fn parse_email(v: &mut Validator, field: &str, email: &str) -> String {
    let e = email.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !e.chars().any(char::is_whitespace);
    v.check(ok, field, "must be a valid e-mail address");
    e
}

/// Phones are E.164: `+` and 8–15 digits; Indian mobiles start with 6–9.
pub fn parse_phone(v: &mut Validator, field: &str, phone: Option<&str>) -> Option<String> {
    let p: String = phone?
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if p.is_empty() {
        return None;
    }
    let digits = p.strip_prefix('+').unwrap_or("");
    let mut ok = (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
    if let Some(national) = digits.strip_prefix("91") {
        ok &= national.len() == 10 && national.starts_with(['6', '7', '8', '9']);
    }
    v.check(
        ok,
        field,
        "must be an international number like +919876543210",
    );
    Some(p)
}

impl NewUser {
    /// Validates the input; returns the normalised e-mail and phone.
    pub fn validate(&self) -> Result<(String, Option<String>), ApiError> {
        let mut v = Validator::default();
        v.text("name", &self.name, 1, 120);
        let email = parse_email(&mut v, "email", &self.email);
        let phone = parse_phone(&mut v, "phone", self.phone.as_deref());
        v.check(self.store_ids.len() <= 50, "store_ids", "at most 50 stores");
        v.finish()?;
        if let Some(p) = &self.password {
            password::check_policy("password", p, Some(&email))?;
        }
        Ok((email, phone))
    }
}

/// Checks that every store exists in the tenant (and, for managers, is theirs).
async fn check_stores(
    conn: &mut Conn,
    auth: &Auth,
    scope: Scope,
    ids: &[Uuid],
) -> Result<(), ApiError> {
    let found: i64 = stores::table
        .filter(stores::id.eq_any(ids))
        .count()
        .get_result(conn)
        .await?;
    let mut unique = ids.to_vec();
    unique.sort();
    unique.dedup();
    if found as usize != unique.len() {
        return Err(ApiError::invalid(
            "store_ids",
            "contains a store that does not exist",
        ));
    }
    if scope == Scope::Store && !ids.iter().all(|s| auth.in_store(*s)) {
        return Err(ApiError::invalid(
            "store_ids",
            "you can only assign your own stores",
        ));
    }
    Ok(())
}

/// Creates a user (and, without a password, an invitation). Shared with the
/// tenant endpoint that creates a tenant's first business admin.
pub async fn insert(
    conn: &mut Conn,
    tenant_id: Uuid,
    input: &NewUser,
    email: String,
    phone: Option<String>,
) -> Result<(User, Option<Invitation>), ApiError> {
    let hash = match &input.password {
        Some(p) => Some(password::hash(p.clone()).await?),
        None => None,
    };
    let id = Uuid::now_v7();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id),
            users::tenant_id.eq(tenant_id),
            users::name.eq(input.name.trim()),
            users::email.eq(&email),
            users::phone.eq(phone),
            users::role.eq(input.role.as_str()),
            users::manager_id.eq(input.manager_id),
            users::password_hash.eq(hash),
        ))
        .execute(conn)
        .await?;
    let links: Vec<_> = dedup(&input.store_ids)
        .into_iter()
        .map(|s| {
            (
                user_stores::tenant_id.eq(tenant_id),
                user_stores::user_id.eq(id),
                user_stores::store_id.eq(s),
            )
        })
        .collect();
    diesel::insert_into(user_stores::table)
        .values(links)
        .execute(conn)
        .await?;
    let user = find(conn, id).await?;
    let invite = input.password.is_none().then(|| Invitation {
        user_id: id,
        email,
        name: user.name.clone(),
    });
    Ok((user, invite))
}

fn dedup(ids: &[Uuid]) -> Vec<Uuid> {
    let mut v = ids.to_vec();
    v.sort();
    v.dedup();
    v
}

/// A new user who must choose their own password.
pub struct Invitation {
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
}

/// After the user is committed, the invitation token and mail are written on
/// the platform path (tokens and the outbox are not tenant tables) and sent.
pub async fn send_invitation(state: &AppState, invite: Option<Invitation>) -> Result<(), ApiError> {
    let Some(invite) = invite else { return Ok(()) };
    let token = tokens::random_token();
    let mail = Mail {
        to: invite.email.clone(),
        subject: "You're invited to Karat".into(),
        body: format!(
            "Hello {},\n\nAn account was created for you on Karat. Set your password here (valid for 7 days):\n{}/reset-password?token={}\n",
            invite.name,
            state.config.public_url(),
            token
        ),
    };
    let id = state
        .db
        .platform_tx(async |c| {
            diesel::insert_into(password_resets::table)
                .values((
                    password_resets::token_hash.eq(tokens::token_hash(&token)),
                    password_resets::user_id.eq(invite.user_id),
                    password_resets::expires_at.eq(Utc::now() + chrono::Duration::days(7)),
                ))
                .execute(c)
                .await?;
            state.mailer.enqueue(c, &mail).await
        })
        .await?;
    state.mailer.deliver(&state.db, id, mail).await;
    Ok(())
}

/// Create a user. Business admins: any tenant role; managers: sales reps,
/// telecallers and marketing in their own stores.
#[utoipa::path(
    operation_id = "users_create",
    post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/users")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<NewUser>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::UsersManage)?;
    let tenant = auth.tenant()?;
    let input = body.0;
    if !auth.role.can_manage_role(input.role) {
        return Err(ApiError::Forbidden);
    }
    let (email, phone) = input.validate()?;
    if scope == Scope::Store && input.store_ids.is_empty() {
        return Err(ApiError::invalid(
            "store_ids",
            "choose at least one of your stores",
        ));
    }
    let (user, mail) = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            check_stores(c, &auth, scope, &input.store_ids).await?;
            if let Some(m) = input.manager_id {
                find(c, m)
                    .await
                    .map_err(|_| ApiError::invalid("manager_id", "no such user"))?;
            }
            let (user, mail) = insert(c, tenant, &input, email, phone).await?;
            let audience = Audience::Stores {
                stores: user.store_ids.clone(),
            };
            emit(c, tenant, "users", "user.created", json!(user), &audience).await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
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
    send_invitation(&state, mail).await?;
    Ok(HttpResponse::Created().json(user))
}

/// User list filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    /// Name or e-mail contains (case-insensitive).
    pub q: Option<String>,
    pub role: Option<Role>,
    pub store_id: Option<Uuid>,
    pub active: Option<bool>,
}

/// Users the caller may see: the tenant for business admins, their stores' people otherwise.
#[utoipa::path(
    operation_id = "users_list",
    get, path = "/api/v1/users", tag = "users", params(UserFilter, PageParams),
    responses((status = 200, body = Page<User>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/users")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<UserFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<User>>, ApiError> {
    let scope = auth.require(Permission::UsersRead)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    if filter.q.as_ref().is_some_and(|q| q.chars().count() > 100) {
        return Err(ApiError::invalid("q", "must be at most 100 characters"));
    }
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = user_views::table
                .select(UserViewRow::as_select())
                .into_boxed();
            if let Some(text) = &filter.q {
                let pattern = crate::http::extract::contains_pattern(text);
                q = q.filter(
                    user_views::name
                        .ilike(pattern.clone())
                        .or(user_views::email.ilike(pattern)),
                );
            }
            if let Some(r) = filter.role {
                q = q.filter(user_views::role.eq(r.as_str()));
            }
            if let Some(a) = filter.active {
                q = q.filter(user_views::active.eq(a));
            }
            if let Some(s) = filter.store_id {
                q = q.filter(
                    user_views::id.eq_any(
                        user_stores::table
                            .filter(user_stores::store_id.eq(s))
                            .select(user_stores::user_id),
                    ),
                );
            }
            if scope == Scope::Store {
                let mine = auth.store_ids.clone();
                q = q.filter(
                    user_views::id
                        .eq_any(
                            user_stores::table
                                .filter(user_stores::store_id.eq_any(mine))
                                .select(user_stores::user_id),
                        )
                        .or(user_views::id.eq(auth.user_id)),
                );
            }
            if let Some(cur) = cursor {
                q = q.filter(user_views::id.gt(cur));
            }
            let rows: Vec<UserViewRow> = q.order(user_views::id).limit(limit + 1).load(c).await?;
            Ok(rows.into_iter().map(User::from).collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |u| u.id)))
}

/// One user.
#[utoipa::path(
    operation_id = "users_get_one",
    get, path = "/api/v1/users/{id}", tag = "users",
    responses((status = 200, body = User), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/users/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<User>, ApiError> {
    let scope = auth.require(Permission::UsersRead)?;
    let tenant = auth.tenant()?;
    let user = state
        .db
        .find(Find::<user_views::table, _>::new(
            tenant,
            auth.user_id,
            *id,
            UserViewRow::as_select(),
        ))
        .await?
        .into();
    if !visible(&auth, scope, &user) {
        return Err(ApiError::NotFound);
    }
    Ok(web::Json(user))
}

/// Changes to a user; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub name: Option<String>,
    /// Empty string clears the phone.
    pub phone: Option<String>,
    pub role: Option<Role>,
    pub store_ids: Option<Vec<Uuid>>,
    pub manager_id: Option<Uuid>,
    pub active: Option<bool>,
}

/// Update a user (role, stores, deactivate…) within the caller's powers.
#[utoipa::path(
    operation_id = "users_update",
    patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserPatch,
    responses((status = 200, body = User), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[patch("/users/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<UserPatch>,
) -> Result<web::Json<User>, ApiError> {
    let scope = auth.require(Permission::UsersManage)?;
    let tenant = auth.tenant()?;
    let patch = body.0;
    let mut v = Validator::default();
    if let Some(n) = &patch.name {
        v.text("name", n, 1, 120);
    }
    let phone = parse_phone(&mut v, "phone", patch.phone.as_deref());
    if let Some(s) = &patch.store_ids {
        v.check(s.len() <= 50, "store_ids", "at most 50 stores");
    }
    v.finish()?;
    let id = *id;
    let user = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let before = find(c, id).await?;
            if !visible(&auth, scope, &before) {
                return Err(ApiError::NotFound);
            }
            if !auth.role.can_manage_role(before.role)
                || patch.role.is_some_and(|r| !auth.role.can_manage_role(r))
            {
                return Err(ApiError::Forbidden);
            }
            if id == auth.user_id && (patch.active == Some(false) || patch.role.is_some()) {
                return Err(ApiError::Conflict(
                    "You cannot deactivate yourself or change your own role.".into(),
                ));
            }
            if let Some(stores) = &patch.store_ids {
                check_stores(c, &auth, scope, stores).await?;
                if scope == Scope::Store && stores.is_empty() {
                    return Err(ApiError::invalid(
                        "store_ids",
                        "choose at least one of your stores",
                    ));
                }
            }
            if let Some(m) = patch.manager_id {
                if m == id {
                    return Err(ApiError::invalid(
                        "manager_id",
                        "a user cannot manage themselves",
                    ));
                }
                find(c, m)
                    .await
                    .map_err(|_| ApiError::invalid("manager_id", "no such user"))?;
            }
            diesel::update(users::table.find(id))
                .set((
                    patch
                        .name
                        .as_ref()
                        .map(|n| users::name.eq(n.trim().to_string())),
                    patch.phone.as_ref().map(|_| users::phone.eq(phone.clone())),
                    patch.role.map(|r| users::role.eq(r.as_str())),
                    patch.manager_id.map(|m| users::manager_id.eq(Some(m))),
                    patch.active.map(|a| users::active.eq(a)),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            if let Some(stores) = &patch.store_ids {
                diesel::delete(user_stores::table.filter(user_stores::user_id.eq(id)))
                    .execute(c)
                    .await?;
                let links: Vec<_> = dedup(stores)
                    .into_iter()
                    .map(|s| {
                        (
                            user_stores::tenant_id.eq(tenant),
                            user_stores::user_id.eq(id),
                            user_stores::store_id.eq(s),
                        )
                    })
                    .collect();
                diesel::insert_into(user_stores::table)
                    .values(links)
                    .execute(c)
                    .await?;
            }
            let after = find(c, id).await?;
            if before.role != after.role || before.store_ids != after.store_ids {
                // Live sockets were admitted with the old role and stores: make them resume.
                crate::realtime::events::notify(
                    c,
                    crate::realtime::events::CONTROL_CHANNEL,
                    &format!("refresh:{id}"),
                )
                .await?;
            }
            if id != auth.user_id
                && (before.role != after.role || before.store_ids != after.store_ids)
            {
                let body = if before.role != after.role {
                    format!(
                        "{} changed your role to {}.",
                        auth.name,
                        after.role.as_str().replace('_', " ")
                    )
                } else {
                    format!("{} changed the stores you work in.", auth.name)
                };
                let note = Note {
                    kind: "account.changed",
                    title: "Your account changed".into(),
                    body,
                    link: Some("/account"),
                    urgent: false,
                };
                notify(c, tenant, id, note).await?;
            }
            // Both the old and the new stores hear about it.
            let mut stores = before.store_ids.clone();
            stores.extend(after.store_ids.iter().copied());
            emit(
                c,
                tenant,
                "users",
                "user.updated",
                json!(after),
                &Audience::Stores { stores },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "user",
                    entity_id: Some(id.to_string()),
                    action: if patch.active == Some(false) {
                        "deactivate"
                    } else {
                        "update"
                    },
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    if patch.active == Some(false) {
        // A deactivated user keeps no way to refresh their access.
        state
            .db
            .platform_tx(async |c| {
                diesel::update(
                    sessions::table
                        .filter(sessions::user_id.eq(id))
                        .filter(sessions::revoked_at.is_null()),
                )
                .set(sessions::revoked_at.eq(diesel::dsl::now))
                .execute(c)
                .await?;
                Ok(())
            })
            .await?;
    }
    Ok(web::Json(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        let mut v = Validator::default();
        assert_eq!(
            parse_phone(&mut v, "p", Some("+91 98450 12345")).as_deref(),
            Some("+919845012345")
        );
        assert!(v.finish().is_ok());
        parse_phone(&mut v, "p", Some("+915845012345"));
        assert!(v.finish().is_err(), "Indian mobiles start with 6-9");
        parse_phone(&mut v, "p", Some("9845012345"));
        assert!(v.finish().is_err(), "needs a country code");
        assert_eq!(
            parse_phone(&mut v, "p", Some("+14155550123")).as_deref(),
            Some("+14155550123")
        );
        assert!(v.finish().is_ok());
    }

    #[test]
    fn emails() {
        let mut v = Validator::default();
        assert_eq!(
            parse_email(&mut v, "e", " Asha@Example.IN "),
            "asha@example.in"
        );
        assert!(v.finish().is_ok());
        for bad in ["asha", "a@b", "a b@c.in", "@c.in", "a@.in"] {
            parse_email(&mut v, "e", bad);
            assert!(v.finish().is_err(), "{bad}");
        }
    }
}
