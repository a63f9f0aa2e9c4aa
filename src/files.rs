//! Attachments for chat messages and support tickets: upload first (the body
//! is the file), then name the attachment ids when sending the message. The
//! content is checked, not just the declared type.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::auth::Auth;
use crate::auth::rbac::{Permission, Role};
use crate::db::Conn;
use crate::db::schema::{attachments, tickets};
use crate::http::error::{ApiError, Problem};
use crate::state::AppState;

/// Largest attachment accepted.
pub const MAX_SIZE: usize = 10 * 1024 * 1024;
/// Attachments per message.
pub const MAX_PER_MESSAGE: usize = 5;
/// Types accepted: photos, PDFs and plain text.
const TYPES: [&str; 5] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "text/plain",
];

/// An uploaded file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub created_at: DateTime<Utc>,
}

/// Whether `bytes` really are of `declared` type.
fn content_matches(declared: &str, bytes: &[u8]) -> bool {
    match declared {
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        "text/plain" => !bytes.contains(&0) && std::str::from_utf8(bytes).is_ok(),
        image => crate::storage::sniff_image(bytes) == Some(image),
    }
}

/// A file name safe to show and to send back in Content-Disposition.
fn clean_name(name: &str) -> Option<String> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty() && cleaned.chars().count() <= 200).then(|| cleaned.to_string())
}

/// Upload parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name as the user knows it.
    pub name: String,
    /// Platform staff: the ticket the file is for.
    pub ticket_id: Option<Uuid>,
}

/// Upload a file (JPEG, PNG, WebP, PDF or plain text; at most 10 MB) as the
/// request body. Attach it by listing its id in `attachment_ids` when sending a
/// chat message or ticket reply; unattached uploads are removed after a day.
#[utoipa::path(
    operation_id = "attachments_upload",
    post, path = "/api/v1/attachments", tag = "chat", params(UploadParams),
    request_body(content = String, description = "The file", content_type = "application/pdf"),
    responses((status = 201, body = Attachment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/attachments")]
pub async fn upload(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
    params: web::Query<UploadParams>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let may = [
        Permission::ChatUse,
        Permission::TicketsCreate,
        Permission::TicketsManageAll,
    ];
    if may.iter().all(|p| auth.require(*p).is_err()) {
        return Err(ApiError::Forbidden);
    }
    let declared = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_lowercase())
        .unwrap_or_default();
    if !TYPES.contains(&declared.as_str()) {
        return Err(ApiError::UnsupportedMediaType(
            "Send a JPEG, PNG or WebP image, a PDF or plain text.",
        ));
    }
    let name = clean_name(&params.name)
        .ok_or_else(|| ApiError::invalid("name", "must be 1 to 200 characters"))?;
    // Platform staff upload into the tenant of the ticket they answer.
    let tenant = match (auth.role, params.ticket_id) {
        (Role::PlatformAdmin, Some(ticket)) => {
            state
                .db
                .platform_tx(async |c| {
                    Ok(tickets::table
                        .find(ticket)
                        .select(tickets::tenant_id)
                        .first::<Uuid>(c)
                        .await?)
                })
                .await?
        }
        (Role::PlatformAdmin, None) => {
            return Err(ApiError::invalid(
                "ticket_id",
                "is required for platform staff",
            ));
        }
        _ => auth.tenant()?,
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::BadRequest("The upload was interrupted.".into()))?;
        if bytes.len() + chunk.len() > MAX_SIZE {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() || !content_matches(&declared, &bytes) {
        return Err(ApiError::invalid(
            "file",
            &format!("is not the {declared} file it claims to be"),
        ));
    }
    let id = Uuid::now_v7();
    let key = format!("{tenant}/files/{id}");
    let size = bytes.len() as i32;
    state
        .storage
        .put(&key, bytes)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("storing an attachment: {e}")))?;
    let row = (
        attachments::id.eq(id),
        attachments::tenant_id.eq(tenant),
        attachments::storage_key.eq(&key),
        attachments::file_name.eq(&name),
        attachments::content_type.eq(&declared),
        attachments::size.eq(size),
        attachments::uploaded_by.eq(auth.user_id),
    );
    let insert = async |c: &mut Conn| {
        Ok(diesel::insert_into(attachments::table)
            .values(row)
            .returning(Attachment::as_returning())
            .get_result(c)
            .await?)
    };
    let saved = state
        .db
        .caller_tx(auth.tenant_id, auth.user_id, insert)
        .await;
    match saved {
        Ok(a) => Ok(HttpResponse::Created().json(a)),
        Err(e) => {
            let _ = state.storage.delete(&key).await;
            Err(e)
        }
    }
}

/// Binds the caller's unattached uploads `ids` to a message; 422 when one is
/// unknown, someone else's or already used.
pub async fn attach(
    c: &mut Conn,
    uploader: Uuid,
    ids: &[Uuid],
    kind: &str,
    owner: Uuid,
) -> Result<Vec<Attachment>, ApiError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    if ids.len() > MAX_PER_MESSAGE {
        return Err(ApiError::invalid(
            "attachment_ids",
            "at most 5 attachments per message",
        ));
    }
    let bound: Vec<Attachment> = diesel::update(
        attachments::table
            .filter(attachments::id.eq_any(ids))
            .filter(attachments::uploaded_by.eq(uploader))
            .filter(attachments::owner_id.is_null()),
    )
    .set((
        attachments::owner_kind.eq(kind),
        attachments::owner_id.eq(owner),
    ))
    .returning(Attachment::as_returning())
    .get_results(c)
    .await?;
    if bound.len() != ids.len() {
        return Err(ApiError::invalid(
            "attachment_ids",
            "names an upload that is unknown, not yours or already attached",
        ));
    }
    Ok(bound)
}

/// The attachments of these messages, by message.
pub async fn of_owners(
    c: &mut Conn,
    kind: &str,
    owners: &[Uuid],
) -> Result<Vec<(Uuid, Attachment)>, ApiError> {
    if owners.is_empty() {
        return Ok(vec![]);
    }
    let rows: Vec<(Option<Uuid>, Attachment)> = attachments::table
        .filter(attachments::owner_kind.eq(kind))
        .filter(attachments::owner_id.eq_any(owners))
        .order(attachments::id)
        .select((attachments::owner_id, Attachment::as_select()))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, a)| o.map(|o| (o, a)))
        .collect())
}

/// Download an attachment (people who can see its message; the uploader before it is sent).
#[utoipa::path(
    operation_id = "attachments_get",
    get, path = "/api/v1/attachments/{id}", tag = "chat",
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/attachments/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = *id;
    type Row = (String, String, String, Uuid, Option<String>, Option<Uuid>);
    let find = async |c: &mut Conn| -> Result<Row, ApiError> {
        Ok(attachments::table
            .find(id)
            .select((
                attachments::storage_key,
                attachments::file_name,
                attachments::content_type,
                attachments::uploaded_by,
                attachments::owner_kind,
                attachments::owner_id,
            ))
            .first(c)
            .await?)
    };
    let (key, name, content_type) = if auth.role == Role::PlatformAdmin {
        state
            .db
            .platform_tx(async |c| {
                let (key, name, ct, by, kind, _) = find(c).await?;
                // Platform staff see ticket files only.
                if kind.as_deref() != Some("ticket") && by != auth.user_id {
                    return Err(ApiError::NotFound);
                }
                Ok((key, name, ct))
            })
            .await?
    } else {
        let tenant = auth.tenant()?;
        state
            .db
            .tenant_tx(tenant, auth.user_id, async |c| {
                let (key, name, ct, by, kind, owner) = find(c).await?;
                let visible = match (kind.as_deref(), owner) {
                    (Some("chat"), Some(m)) => crate::chat::message_visible(c, &auth, m).await?,
                    (Some("ticket"), Some(m)) => {
                        crate::tickets::message_visible(c, &auth, m).await?
                    }
                    _ => by == auth.user_id,
                };
                if !visible {
                    return Err(ApiError::NotFound);
                }
                Ok((key, name, ct))
            })
            .await?
    };
    let bytes = state
        .storage
        .get(&key)
        .await
        .map_err(|_| ApiError::NotFound)?;
    let disposition = if content_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "content-disposition",
            format!(
                "{disposition}; filename=\"{}\"",
                name.replace(|c: char| !c.is_ascii() || c == '"', "_")
            ),
        ))
        .insert_header(("cache-control", "private, max-age=86400"))
        .insert_header(("x-content-type-options", "nosniff"))
        .insert_header(("content-security-policy", "sandbox"))
        .body(bytes))
}

/// Job: removes uploads never attached to a message within a day.
pub const SWEEP_JOB: &str = "attachments.sweep";

/// The sweep job's handler (all tenants, on the platform path).
pub async fn sweep_job(
    db: crate::db::Db,
    storage: std::sync::Arc<dyn crate::storage::Storage>,
    _: crate::jobs::Job,
) -> crate::jobs::JobResult {
    // Rows first (only while still unattached), then their files.
    let keys: Vec<String> = db
        .platform_tx(async |c| {
            Ok(diesel::delete(
                attachments::table
                    .filter(attachments::owner_id.is_null())
                    .filter(attachments::created_at.lt(Utc::now() - chrono::Duration::days(1))),
            )
            .returning(attachments::storage_key)
            .get_results(c)
            .await?)
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
    for key in keys {
        if let Err(e) = storage.delete(&key).await {
            tracing::warn!(storage.key = %key, error = %e, "could not delete an unattached upload");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_must_match_the_declared_type() {
        assert!(content_matches("application/pdf", b"%PDF-1.7 ..."));
        assert!(!content_matches("application/pdf", b"MZ\x90\x00"));
        assert!(content_matches("text/plain", "namaste ₹".as_bytes()));
        assert!(!content_matches("text/plain", b"a\0b"));
        assert!(!content_matches("image/png", b"%PDF-1.7"));
    }

    #[test]
    fn names_lose_paths_and_quotes() {
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            clean_name("C:\\a\\bill \"x\".pdf").as_deref(),
            Some("bill x.pdf")
        );
        assert_eq!(clean_name("  "), None);
        assert_eq!(clean_name(&"a".repeat(201)), None);
    }
}
