//! Authentication and authorisation: passwords, tokens, sessions, RBAC.

pub mod password;
pub mod rbac;
pub mod routes;
pub mod tokens;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use uuid::Uuid;

use crate::audit::Actor;
use crate::http::error::ApiError;
use crate::http::extract::RequestMeta;
use crate::state::AppState;
use rbac::{Permission, Role, Scope};

/// The authenticated caller, from a verified access token.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user_id: Uuid,
    /// `None` only for platform admins.
    pub tenant_id: Option<Uuid>,
    pub role: Role,
    pub store_ids: Vec<Uuid>,
    pub session_id: Uuid,
    pub name: String,
    pub meta: RequestMeta,
}

impl Auth {
    /// The scope of `perm` for this caller, or 403.
    pub fn require(&self, perm: Permission) -> Result<Scope, ApiError> {
        rbac::grant(self.role, perm).ok_or(ApiError::Forbidden)
    }

    /// The caller's tenant; platform admins have none and get 403.
    pub fn tenant(&self) -> Result<Uuid, ApiError> {
        self.tenant_id.ok_or(ApiError::Forbidden)
    }

    /// Whether `store` is one of the caller's stores.
    pub fn in_store(&self, store: Uuid) -> bool {
        self.store_ids.contains(&store)
    }

    /// Audit identity of this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            tenant_id: self.tenant_id,
            // Web forms act with the nil id: the system, not a person.
            user_id: (!self.user_id.is_nil()).then_some(self.user_id),
            name: Some(self.name.clone()),
            meta: self.meta.clone(),
        }
    }
}

impl FromRequest for Auth {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Auth, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized("Sign in to continue."))?;
    let claims = state
        .jwt
        .verify(token.trim())
        .ok_or(ApiError::Unauthorized(
            "Your session has expired. Sign in again.",
        ))?;
    let role = Role::parse(&claims.role).ok_or(ApiError::Unauthorized("Invalid token."))?;
    if (role == Role::PlatformAdmin) != claims.tid.is_none() {
        return Err(ApiError::Unauthorized("Invalid token."));
    }
    Ok(Auth {
        user_id: claims.sub,
        tenant_id: claims.tid,
        role,
        store_ids: claims.stores,
        session_id: claims.sid,
        name: claims.name,
        meta: RequestMeta::from_req(req),
    })
}
