//! Extractors: JSON bodies with field-precise errors, request metadata, paging.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, FieldError};

/// Largest JSON body accepted.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON request body. Errors are problem+json naming the offending field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime_guess::mime::Mime>().ok())
            .is_some_and(|m| {
                m.type_() == "application"
                    && (m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"))
            });
        let too_long = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n > JSON_LIMIT);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType(
                    "Send the request body as application/json.",
                ));
            }
            if too_long {
                return Err(ApiError::PayloadTooLarge);
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code()
                    == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
                {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest("Could not read the request body.".into())
                }
            })?;
            let de = &mut serde_json::Deserializer::from_slice(&bytes);
            let value = serde_path_to_error::deserialize(de).map_err(|e| {
                // serde_json reports a number where a word (enum) belongs as a
                // syntax error; well-formed JSON of the wrong shape is a 422.
                let path = e.path().to_string();
                let syntax = !e.inner().is_data();
                if syntax && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok() {
                    ApiError::invalid(&path, "has the wrong type")
                } else {
                    super::error::json_body_error(e)
                }
            })?;
            Ok(Json(value))
        })
    }
}

/// Who is asking and from where, for audit rows and logs.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The request id assigned by the middleware.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestMeta {
    /// Reads metadata from a request.
    pub fn from_req(req: &HttpRequest) -> Self {
        // Read the id before connection_info(), which borrows extensions mutably.
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        RequestMeta {
            request_id,
            ip: req.connection_info().realip_remote_addr().map(strip_port),
            user_agent: req
                .headers()
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.chars().take(300).collect()),
        }
    }
}

fn strip_port(addr: &str) -> String {
    match addr.parse::<std::net::SocketAddr>() {
        Ok(sa) => sa.ip().to_string(),
        Err(_) => addr.to_string(),
    }
}

impl FromRequest for RequestMeta {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(RequestMeta::from_req(req)))
    }
}

/// Cursor paging parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
    /// Page size, 1–100 (default 50).
    pub limit: Option<i64>,
}

impl PageParams {
    /// Validated page size.
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(50),
            Some(n) if (1..=100).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::invalid("limit", "must be between 1 and 100")),
        }
    }

    /// The decoded cursor (an id).
    pub fn cursor(&self) -> Result<Option<uuid::Uuid>, ApiError> {
        self.cursor
            .as_deref()
            .map(|c| {
                c.parse()
                    .map_err(|_| ApiError::invalid("cursor", "is not a valid cursor"))
            })
            .transpose()
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched rows.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> uuid::Uuid) -> Self {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| id(r).to_string())
        } else {
            None
        };
        Page {
            items: rows,
            next_cursor,
        }
    }
}

/// `%text%` for ILIKE, with the text's own `\`, `%` and `_` taken literally.
pub fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// Collects field errors; `finish` turns them into one 422.
#[derive(Default)]
pub struct Validator(Vec<FieldError>);

impl Validator {
    /// Records an error when `ok` is false.
    pub fn check(&mut self, ok: bool, field: &str, message: &str) -> &mut Self {
        if !ok {
            self.0.push(FieldError::new(field, message));
        }
        self
    }

    /// A whole number within `min..=max`.
    pub fn range(&mut self, field: &str, value: i32, min: i32, max: i32) -> &mut Self {
        self.check(
            (min..=max).contains(&value),
            field,
            &format!("must be between {min} and {max}"),
        )
    }

    /// Text length in characters within bounds (trimmed).
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> &mut Self {
        let n = value.trim().chars().count();
        self.check(
            n >= min && n <= max,
            field,
            &if min > 0 {
                format!("must be {min} to {max} characters")
            } else {
                format!("must be at most {max} characters")
            },
        )
    }

    /// Optional text within a maximum length.
    pub fn opt_text(&mut self, field: &str, value: Option<&str>, max: usize) -> &mut Self {
        match value {
            Some(v) => self.text(field, v, 0, max),
            None => self,
        }
    }

    /// Ok if nothing was recorded.
    pub fn finish(&mut self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(std::mem::take(&mut self.0)))
        }
    }
}
