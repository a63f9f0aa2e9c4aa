//! The one error type at the HTTP boundary, rendered as RFC 9457 problem+json.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field, e.g. `email` or `store_ids[1]`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem (`urn:karat:problem:…`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a duplicate: the id of the record that already exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_id: Option<uuid::Uuid>,
}

/// Errors a request can end with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    #[error("forbidden")]
    Forbidden,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A record with the same natural key exists (e.g. a customer's phone).
    #[error("duplicate: {detail}")]
    Duplicate {
        detail: String,
        existing_id: uuid::Uuid,
        /// The input field that clashed, e.g. `phones[1]`.
        field: String,
    },
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    /// The body's content type is not accepted; says which are.
    UnsupportedMediaType(&'static str),
    #[error("service unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A single-field validation error.
    pub fn invalid(field: &str, message: &str) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    fn slug_title(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::NotFound => ("not-found", "Not found"),
            ApiError::BadRequest(_) => ("bad-request", "Bad request"),
            ApiError::Validation(_) => ("validation", "Invalid input"),
            ApiError::Unauthorized(_) => ("unauthorized", "Authentication required"),
            ApiError::Forbidden => ("forbidden", "Not allowed"),
            ApiError::Conflict(_) => ("conflict", "Conflict"),
            ApiError::Duplicate { .. } => ("duplicate", "Already exists"),
            ApiError::TooManyRequests { .. } => ("rate-limited", "Too many requests"),
            ApiError::PayloadTooLarge => ("payload-too-large", "Payload too large"),
            ApiError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ApiError::NotFound => Some("The requested resource does not exist.".into()),
            ApiError::BadRequest(d) | ApiError::Conflict(d) => Some(d.clone()),
            ApiError::Duplicate { detail, .. } => Some(detail.clone()),
            ApiError::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ApiError::Unauthorized(d) => Some((*d).to_string()),
            ApiError::Forbidden => Some("Your role does not allow this action.".into()),
            ApiError::TooManyRequests { retry_after } => {
                Some(format!(
                "Too many attempts. Try again in {retry_after} second{}.",
                if *retry_after == 1 { "" } else { "s" }
            ))
            }
            ApiError::PayloadTooLarge => Some("The request body is too large.".into()),
            ApiError::UnsupportedMediaType(accepted) => Some((*accepted).to_string()),
            ApiError::Unavailable(_) => {
                Some("The service is temporarily unavailable. Try again shortly.".into())
            }
            ApiError::Internal(_) => Some(
                "Something went wrong on our side. Quote the X-Request-Id header if you contact support."
                    .into(),
            ),
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_title();
        Problem {
            kind: format!("urn:karat:problem:{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail: self.detail(),
            errors: match self {
                ApiError::Validation(e) => e.clone(),
                ApiError::Duplicate { field, detail, .. } => {
                    vec![FieldError::new(field.clone(), detail.clone())]
                }
                _ => vec![],
            },
            existing_id: match self {
                ApiError::Duplicate { existing_id, .. } => Some(*existing_id),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) | ApiError::Duplicate { .. } => StatusCode::CONFLICT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            ApiError::TooManyRequests { retry_after } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized(_) => {
                res.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        res.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DieselError> for ApiError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => ApiError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                ApiError::Conflict(match info.constraint_name() {
                    Some("users_email_key") => "A user with this email already exists.".into(),
                    Some("stores_tenant_id_code_key") => {
                        "A store with this code already exists.".into()
                    }
                    Some("tenants_slug_key") => "A tenant with this slug already exists.".into(),
                    Some("segments_tenant_id_name_key") => {
                        "A segment with this name already exists.".into()
                    }
                    Some("segments_auto_tag") => "Another segment already keeps this tag.".into(),
                    _ => "This record already exists.".into(),
                })
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                ApiError::invalid("", "refers to a record that does not exist")
            }
            DieselError::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                ApiError::invalid(info.constraint_name().unwrap_or(""), "value is not allowed")
            }
            DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                ApiError::Unavailable("serialization failure".into())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                ApiError::Unavailable("connection closed".into())
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    fn from(e: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(e: anyhow::Error) -> Self {
        ApiError::Internal(e)
    }
}

/// Maps a JSON body that failed to deserialize to a problem naming the field.
pub fn json_body_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let msg = inner.to_string();
            // "missing field `email` at line …" names a child of `path`.
            let field = match msg.strip_prefix("missing field `") {
                Some(rest) => {
                    let name = rest.split('`').next().unwrap_or_default();
                    if path == "." {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    }
                }
                None => path,
            };
            let message = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            ApiError::Validation(vec![FieldError::new(field, message)])
        }
        _ => ApiError::BadRequest(format!("Malformed JSON: {inner}")),
    }
}
