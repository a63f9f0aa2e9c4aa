//! Login, refresh, logout, password flows, sessions and `/me`.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::rbac;
use super::tokens::{self, ACCESS_TTL_SECS, Claims, REFRESH_TTL_DAYS};
use super::{Auth, password};
use crate::audit::{self, Actor, Change};
use crate::db::Conn;
use crate::db::schema::{password_resets, refresh_tokens, sessions, tenants, users};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, RequestMeta};
use crate::mail::Mail;
use crate::state::AppState;
use crate::tenants::Tenant;
use crate::users::{self as user_model, User, UserRow};

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Tokens for a signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for API calls (JWT, 15 minutes).
    pub access_token: String,
    /// Opaque token for `/auth/refresh`; replaced on every use.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: User,
}

/// A refresh token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

const BAD_CREDENTIALS: &str = "Invalid email or password.";

struct Account {
    row: UserRow,
    tenant_status: Option<String>,
}

async fn load_account(c: &mut Conn, email: &str) -> Result<Option<Account>, ApiError> {
    let found: Option<(UserRow, Option<String>)> = users::table
        .left_join(tenants::table.on(tenants::id.nullable().eq(users::tenant_id)))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("lower(users.email) = ")
                .bind::<diesel::sql_types::Text, _>(email),
        )
        .select((UserRow::as_select(), tenants::status.nullable()))
        .first(c)
        .await
        .optional()?;
    Ok(found.map(|(row, tenant_status)| Account { row, tenant_status }))
}

/// Seconds the account stays locked, if it is.
async fn locked_for(c: &mut Conn, email: &str) -> Result<Option<i64>, ApiError> {
    use crate::db::schema::login_failures as lf;
    let until: Option<Option<DateTime<Utc>>> = lf::table
        .find(email)
        .select(lf::locked_until)
        .first(c)
        .await
        .optional()?;
    let now = Utc::now();
    Ok(until
        .flatten()
        .filter(|t| *t > now)
        .map(|t| (t - now).num_seconds().max(1)))
}

async fn record_failure(state: &AppState, email: &str) -> Result<(), ApiError> {
    let max = state.config.login_max_failures;
    let window = state.config.login_lock_seconds;
    state
        .db
        .platform_tx(async |c| {
            diesel::sql_query(
                "INSERT INTO login_failures AS f (email, failures, window_started_at) VALUES ($1, 1, now())
                 ON CONFLICT (email) DO UPDATE SET
                   failures = CASE WHEN f.window_started_at < now() - make_interval(secs => $3) THEN 1 ELSE f.failures + 1 END,
                   window_started_at = CASE WHEN f.window_started_at < now() - make_interval(secs => $3) THEN now() ELSE f.window_started_at END,
                   locked_until = CASE
                     WHEN f.window_started_at >= now() - make_interval(secs => $3) AND f.failures + 1 >= $2
                     THEN now() + make_interval(secs => $3) ELSE f.locked_until END",
            )
            .bind::<diesel::sql_types::Text, _>(email)
            .bind::<diesel::sql_types::Integer, _>(max)
            .bind::<diesel::sql_types::Double, _>(window as f64)
            .execute(c)
            .await?;
            Ok(())
        })
        .await
}

fn issue_access(state: &AppState, user: &User, session: Uuid) -> Result<String, ApiError> {
    let now = Utc::now().timestamp();
    Ok(state.jwt.sign(&Claims {
        sub: user.id,
        tid: user.tenant_id,
        role: user.role.as_str().into(),
        stores: user.store_ids.clone(),
        sid: session,
        name: user.name.clone(),
        iat: now,
        exp: now + ACCESS_TTL_SECS,
    })?)
}

/// Sign in with e-mail and password.
#[utoipa::path(
    post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 422, body = Problem),
      (status = 429, description = "Too many attempts; see Retry-After", body = Problem))
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: Json<LoginRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    // Cheap checks first: nothing below the IP budget touches argon2.
    state.check_auth_ip(meta.ip.as_deref())?;
    let email = body.0.email.trim().to_lowercase();
    let pass = body.0.password;
    if email.len() > 254 || email.is_empty() {
        return Err(ApiError::invalid("email", "must be a valid e-mail address"));
    }
    if pass.chars().count() > password::MAX_LEN {
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    }
    let (account, locked) = state
        .db
        .platform_tx(async |c| Ok((load_account(c, &email).await?, locked_for(c, &email).await?)))
        .await?;
    if let Some(secs) = locked {
        return Err(ApiError::TooManyRequests {
            retry_after: secs as u64,
        });
    }
    let ok = {
        let _slot = state
            .hash_slots
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        password::verify(
            pass,
            account.as_ref().and_then(|a| a.row.password_hash.clone()),
        )
        .await
    };
    let Some(account) = account.filter(|_| ok) else {
        record_failure(&state, &email).await?;
        tracing::info!(user.email = %email, "login failed");
        return Err(ApiError::Unauthorized(BAD_CREDENTIALS));
    };
    if !account.row.active {
        return Err(ApiError::Unauthorized(
            "This account has been deactivated. Ask your administrator.",
        ));
    }
    if account.tenant_status.as_deref() == Some("suspended") {
        return Err(ApiError::Unauthorized(
            "Your organisation's Karat account is suspended.",
        ));
    }
    let (user, refresh_token, session) = state
        .db
        .platform_tx(async |c| {
            diesel::delete(crate::db::schema::login_failures::table.find(&email))
                .execute(c)
                .await?;
            let user = user_model::find(c, account.row.id).await?;
            let (session, token) = open_session(c, &user, &meta).await?;
            Ok((user, token, session))
        })
        .await?;
    let access_token = issue_access(&state, &user, session)?;
    Ok(web::Json(LoginResponse {
        access_token,
        refresh_token,
        expires_in: ACCESS_TTL_SECS,
        user,
    }))
}

async fn open_session(
    c: &mut Conn,
    user: &User,
    meta: &RequestMeta,
) -> Result<(Uuid, String), ApiError> {
    let session = Uuid::now_v7();
    let token = tokens::random_token();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(session),
            sessions::user_id.eq(user.id),
            sessions::tenant_id.eq(user.tenant_id),
            sessions::device.eq(meta.user_agent.as_deref()),
            sessions::ip.eq(meta.ip.as_deref()),
            sessions::expires_at.eq(Utc::now() + Duration::days(REFRESH_TTL_DAYS)),
        ))
        .execute(c)
        .await?;
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(tokens::token_hash(&token)),
            refresh_tokens::session_id.eq(session),
        ))
        .execute(c)
        .await?;
    let actor = Actor {
        tenant_id: user.tenant_id,
        user_id: Some(user.id),
        name: Some(user.name.clone()),
        meta: meta.clone(),
    };
    audit::record(
        c,
        &actor,
        user.tenant_id,
        Change {
            entity: "session",
            entity_id: Some(session.to_string()),
            action: "login",
            changes: None,
        },
    )
    .await?;
    Ok((session, token))
}

/// (used_at, session, user, revoked_at, expires_at) of a presented refresh token.
type TokenRow = (
    Option<DateTime<Utc>>,
    Uuid,
    Uuid,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

/// (id, device, ip, created_at, last_seen_at) of a session.
type SessionRow = (
    Uuid,
    Option<String>,
    Option<String>,
    DateTime<Utc>,
    DateTime<Utc>,
);

enum Refreshed {
    Ok(User, String, Uuid),
    Reused,
    Invalid,
}

/// Exchange a refresh token for new tokens. Presenting a token that was
/// already used revokes its whole session (token theft).
#[utoipa::path(
    post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem))
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: Json<RefreshRequest>,
) -> Result<web::Json<LoginResponse>, ApiError> {
    if body.0.refresh_token.len() > 200 {
        return Err(ApiError::Unauthorized("Invalid refresh token."));
    }
    let hash = tokens::token_hash(&body.0.refresh_token);
    let outcome = state
        .db
        .platform_tx(async |c| {
            let found: Option<TokenRow> = refresh_tokens::table
                .inner_join(sessions::table)
                .filter(refresh_tokens::token_hash.eq(&hash))
                .select((
                    refresh_tokens::used_at,
                    sessions::id,
                    sessions::user_id,
                    sessions::revoked_at,
                    sessions::expires_at,
                ))
                .for_update()
                .first(c)
                .await
                .optional()?;
            let Some((used_at, session, user_id, revoked_at, expires_at)) = found else {
                return Ok(Refreshed::Invalid);
            };
            if revoked_at.is_some() || expires_at < Utc::now() {
                return Ok(Refreshed::Invalid);
            }
            if used_at.is_some() {
                diesel::update(sessions::table.find(session))
                    .set(sessions::revoked_at.eq(diesel::dsl::now))
                    .execute(c)
                    .await?;
                let actor = Actor {
                    user_id: Some(user_id),
                    meta: meta.clone(),
                    ..Default::default()
                };
                let tenant: Option<Uuid> = sessions::table
                    .find(session)
                    .select(sessions::tenant_id)
                    .first(c)
                    .await?;
                audit::record(
                    c,
                    &actor,
                    tenant,
                    Change {
                        entity: "session",
                        entity_id: Some(session.to_string()),
                        action: "revoke_reused_token",
                        changes: None,
                    },
                )
                .await?;
                return Ok(Refreshed::Reused);
            }
            let account: Option<(UserRow, Option<String>)> = users::table
                .left_join(tenants::table.on(tenants::id.nullable().eq(users::tenant_id)))
                .filter(users::id.eq(user_id))
                .select((UserRow::as_select(), tenants::status.nullable()))
                .first(c)
                .await
                .optional()?;
            let Some((row, _)) =
                account.filter(|(r, s)| r.active && s.as_deref() != Some("suspended"))
            else {
                return Ok(Refreshed::Invalid);
            };
            let next = tokens::random_token();
            diesel::update(refresh_tokens::table.find(&hash))
                .set(refresh_tokens::used_at.eq(diesel::dsl::now))
                .execute(c)
                .await?;
            diesel::insert_into(refresh_tokens::table)
                .values((
                    refresh_tokens::token_hash.eq(tokens::token_hash(&next)),
                    refresh_tokens::session_id.eq(session),
                ))
                .execute(c)
                .await?;
            diesel::update(sessions::table.find(session))
                .set((
                    sessions::last_seen_at.eq(diesel::dsl::now),
                    sessions::ip.eq(meta.ip.as_deref()),
                ))
                .execute(c)
                .await?;
            let user = user_model::find(c, row.id).await?;
            Ok(Refreshed::Ok(user, next, session))
        })
        .await?;
    match outcome {
        Refreshed::Ok(user, refresh_token, session) => {
            let access_token = issue_access(&state, &user, session)?;
            Ok(web::Json(LoginResponse {
                access_token,
                refresh_token,
                expires_in: ACCESS_TTL_SECS,
                user,
            }))
        }
        Refreshed::Reused => {
            tracing::warn!("refresh token reused; session revoked");
            Err(ApiError::Unauthorized(
                "This sign-in was revoked. Sign in again.",
            ))
        }
        Refreshed::Invalid => Err(ApiError::Unauthorized("Invalid refresh token.")),
    }
}

/// Sign out: the session of this refresh token can no longer refresh.
#[utoipa::path(
    post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out"))
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = tokens::token_hash(&body.0.refresh_token);
    state
        .db
        .platform_tx(async |c| {
            let found: Option<(Uuid, Uuid, Option<Uuid>, String)> = refresh_tokens::table
                .inner_join(sessions::table.inner_join(users::table))
                .filter(refresh_tokens::token_hash.eq(&hash))
                .filter(sessions::revoked_at.is_null())
                .select((
                    sessions::id,
                    sessions::user_id,
                    sessions::tenant_id,
                    users::name,
                ))
                .first(c)
                .await
                .optional()?;
            if let Some((session, user, tenant, name)) = found {
                diesel::update(sessions::table.find(session))
                    .set(sessions::revoked_at.eq(diesel::dsl::now))
                    .execute(c)
                    .await?;
                let actor = Actor {
                    tenant_id: tenant,
                    user_id: Some(user),
                    name: Some(name),
                    meta: meta.clone(),
                };
                audit::record(
                    c,
                    &actor,
                    tenant,
                    Change {
                        entity: "session",
                        entity_id: Some(session.to_string()),
                        action: "logout",
                        changes: None,
                    },
                )
                .await?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who is signed in.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    pub tenant: Option<Tenant>,
    /// Permission names the role holds, e.g. `users.manage`.
    pub permissions: Vec<&'static str>,
}

/// The signed-in user, their tenant and permissions.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, auth: Auth) -> Result<web::Json<Me>, ApiError> {
    let load = async |c: &mut Conn| {
        let user = user_model::find(c, auth.user_id).await?;
        let tenant = match user.tenant_id {
            Some(t) => Some(
                tenants::table
                    .find(t)
                    .select(Tenant::as_select())
                    .first(c)
                    .await?,
            ),
            None => None,
        };
        Ok((user, tenant))
    };
    let (user, tenant) = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, load)
        .await?;
    Ok(web::Json(Me {
        permissions: rbac::permissions_of(user.role),
        user,
        tenant,
    }))
}

/// A request for a password-reset e-mail.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotRequest {
    pub email: String,
}

/// Send a one-time reset link (valid 30 minutes). Always 202, whether or not the account exists.
#[utoipa::path(
    post, path = "/api/v1/auth/password/forgot", tag = "auth", request_body = ForgotRequest,
    responses((status = 202, description = "If the account exists, a link was sent"), (status = 429, body = Problem))
)]
#[post("/auth/password/forgot")]
pub async fn forgot(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: Json<ForgotRequest>,
) -> Result<HttpResponse, ApiError> {
    state.check_auth_ip(meta.ip.as_deref())?;
    let email = body.0.email.trim().to_lowercase();
    if email.len() > 254 {
        return Err(ApiError::invalid("email", "must be a valid e-mail address"));
    }
    let sent = state
        .db
        .platform_tx(async |c| {
            let Some(account) = load_account(c, &email).await? else { return Ok(None) };
            if !account.row.active {
                return Ok(None);
            }
            let token = tokens::random_token();
            diesel::insert_into(password_resets::table)
                .values((
                    password_resets::token_hash.eq(tokens::token_hash(&token)),
                    password_resets::user_id.eq(account.row.id),
                    password_resets::expires_at.eq(Utc::now() + Duration::minutes(30)),
                ))
                .execute(c)
                .await?;
            let mail = Mail {
                to: account.row.email.clone(),
                subject: "Reset your Karat password".into(),
                body: format!(
                    "Hello {},\n\nUse this link within 30 minutes to choose a new password:\n{}/reset-password?token={}\n\nIf you did not ask for this, ignore this e-mail.\n",
                    account.row.name,
                    state.config.public_url(),
                    token
                ),
            };
            let id = state.mailer.enqueue(c, &mail).await?;
            Ok(Some((id, mail)))
        })
        .await?;
    if let Some((id, mail)) = sent {
        state.mailer.deliver(&state.db, id, mail).await;
    }
    Ok(HttpResponse::Accepted().finish())
}

/// A reset token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetRequest {
    pub token: String,
    pub new_password: String,
}

/// Set a new password with a reset (or invitation) token; signs out every session.
#[utoipa::path(
    post, path = "/api/v1/auth/password/reset", tag = "auth", request_body = ResetRequest,
    responses((status = 204, description = "Password changed"), (status = 422, body = Problem))
)]
#[post("/auth/password/reset")]
pub async fn reset(
    state: web::Data<AppState>,
    meta: RequestMeta,
    body: Json<ResetRequest>,
) -> Result<HttpResponse, ApiError> {
    let ResetRequest {
        token,
        new_password,
    } = body.0;
    if token.len() > 200 {
        return Err(ApiError::invalid("token", "is invalid or has expired"));
    }
    password::check_policy("new_password", &new_password, None)?;
    let hashed = password::hash(new_password).await?;
    let th = tokens::token_hash(&token);
    state
        .db
        .platform_tx(async |c| {
            let found: Option<(Uuid, Option<DateTime<Utc>>, DateTime<Utc>)> =
                password_resets::table
                    .find(&th)
                    .select((
                        password_resets::user_id,
                        password_resets::used_at,
                        password_resets::expires_at,
                    ))
                    .for_update()
                    .first(c)
                    .await
                    .optional()?;
            let Some((user_id, None, expires)) = found else {
                return Err(ApiError::invalid("token", "is invalid or has expired"));
            };
            if expires < Utc::now() {
                return Err(ApiError::invalid("token", "is invalid or has expired"));
            }
            diesel::update(password_resets::table.find(&th))
                .set(password_resets::used_at.eq(diesel::dsl::now))
                .execute(c)
                .await?;
            let tenant: Option<Uuid> = diesel::update(users::table.find(user_id))
                .set((
                    users::password_hash.eq(&hashed),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .returning(users::tenant_id)
                .get_result(c)
                .await?;
            diesel::update(
                sessions::table
                    .filter(sessions::user_id.eq(user_id))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(diesel::dsl::now))
            .execute(c)
            .await?;
            let actor = Actor {
                tenant_id: tenant,
                user_id: Some(user_id),
                name: None,
                meta: meta.clone(),
            };
            audit::record(
                c,
                &actor,
                tenant,
                Change {
                    entity: "user",
                    entity_id: Some(user_id.to_string()),
                    action: "reset_password",
                    changes: None,
                },
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The current and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

/// Change my password; my other sessions are signed out.
#[utoipa::path(
    post, path = "/api/v1/auth/password/change", tag = "auth", request_body = ChangePassword,
    responses((status = 204, description = "Password changed"), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/auth/password/change")]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let ChangePassword {
        current_password,
        new_password,
    } = body.0;
    let row: UserRow = state
        .db
        .platform_tx(async |c| {
            Ok(users::table
                .find(auth.user_id)
                .select(UserRow::as_select())
                .first(c)
                .await?)
        })
        .await?;
    password::check_policy("new_password", &new_password, Some(&row.email))?;
    if current_password.chars().count() > password::MAX_LEN
        || !password::verify(current_password, row.password_hash.clone()).await
    {
        return Err(ApiError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hashed = password::hash(new_password).await?;
    state
        .db
        .platform_tx(async |c| {
            diesel::update(users::table.find(auth.user_id))
                .set((
                    users::password_hash.eq(&hashed),
                    users::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            diesel::update(
                sessions::table
                    .filter(sessions::user_id.eq(auth.user_id))
                    .filter(sessions::id.ne(auth.session_id))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(diesel::dsl::now))
            .execute(c)
            .await?;
            audit::record(
                c,
                &auth.actor(),
                auth.tenant_id,
                Change {
                    entity: "user",
                    entity_id: Some(auth.user_id.to_string()),
                    action: "change_password",
                    changes: None,
                },
            )
            .await?;
            if let Some(tenant) = auth.tenant_id {
                let note = crate::notifications::Note {
                    kind: "security.password_changed",
                    title: "Your password was changed".into(),
                    body: "Your other devices were signed out. If this was not you, reset your password now.".into(),
                    link: Some("/account/sessions"),
                    urgent: true,
                };
                crate::notifications::notify(c, tenant, auth.user_id, note).await?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One signed-in device.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    pub device: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// This is the session making the request.
    pub current: bool,
}

/// My sessions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub items: Vec<Session>,
}

/// My active sessions, most recently used first.
#[utoipa::path(
    get, path = "/api/v1/auth/sessions", tag = "auth",
    responses((status = 200, body = SessionList), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
#[get("/auth/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    auth: Auth,
) -> Result<web::Json<SessionList>, ApiError> {
    let rows: Vec<SessionRow> = state
        .db
        .platform_tx(async |c| {
            Ok(sessions::table
                .filter(sessions::user_id.eq(auth.user_id))
                .filter(sessions::revoked_at.is_null())
                .filter(sessions::expires_at.gt(diesel::dsl::now))
                .select((
                    sessions::id,
                    sessions::device,
                    sessions::ip,
                    sessions::created_at,
                    sessions::last_seen_at,
                ))
                .order(sessions::last_seen_at.desc())
                .limit(100)
                .load(c)
                .await?)
        })
        .await?;
    let items = rows
        .into_iter()
        .map(|(id, device, ip, created_at, last_seen_at)| Session {
            current: id == auth.session_id,
            id,
            device,
            ip,
            created_at,
            last_seen_at,
        })
        .collect();
    Ok(web::Json(SessionList { items }))
}

/// Sign out one of my sessions.
#[utoipa::path(
    delete, path = "/api/v1/auth/sessions/{id}", tag = "auth",
    responses((status = 204, description = "Revoked"), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/auth/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = *id;
    state
        .db
        .platform_tx(async |c| {
            let n = diesel::update(
                sessions::table
                    .find(id)
                    .filter(sessions::user_id.eq(auth.user_id))
                    .filter(sessions::revoked_at.is_null()),
            )
            .set(sessions::revoked_at.eq(diesel::dsl::now))
            .execute(c)
            .await?;
            if n == 0 {
                return Err(ApiError::NotFound);
            }
            audit::record(
                c,
                &auth.actor(),
                auth.tenant_id,
                Change {
                    entity: "session",
                    entity_id: Some(id.to_string()),
                    action: "revoke",
                    changes: None,
                },
            )
            .await?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
