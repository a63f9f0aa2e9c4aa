//! Customer import (CSV, XLSX, JSON) in two steps — upload and validate, then
//! confirm and import in batches with live progress — and streamed export.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::model::{BudgetBand, CustomerType, Gender};
use super::{CustomerFilter, CustomerRow, normalise_phone, scoped};
use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::{customer_imports, customer_phones, customers};
use crate::http::error::{ApiError, Problem};
use crate::http::export::{self as exports, Format};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::jobs::{self, NewJob};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;

/// Largest file accepted.
pub const MAX_FILE: usize = 20 * 1024 * 1024;
/// Most rows in one import.
const MAX_ROWS: usize = 200_000;
/// Longest cell kept; longer ones make the row invalid.
const MAX_CELL: usize = 1000;
/// Rows per insert batch (and per progress event).
const BATCH: usize = 1000;
/// Invalid rows listed in the report (all are counted).
const REPORT_LIMIT: usize = 1000;
/// Job kind that runs a confirmed import.
pub const IMPORT_JOB: &str = "customers.import";

/// Fields a column can be mapped to.
pub const FIELDS: [&str; 18] = [
    "name",
    "first_name",
    "last_name",
    "phone",
    "alt_phone",
    "email",
    "gender",
    "birth_date",
    "anniversary",
    "address",
    "city",
    "area",
    "postal_code",
    "language",
    "community",
    "customer_type",
    "budget_band",
    "tags",
];

/// Header spellings seen in other CRMs' and spreadsheets' exports.
fn suggest(header: &str) -> Option<&'static str> {
    let h: String = header
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    Some(match h.as_str() {
        "name" | "fullname" | "customername" | "contactname" | "clientname" => "name",
        "firstname" | "givenname" => "first_name",
        "lastname" | "surname" | "familyname" => "last_name",
        "phone" | "mobile" | "mobileno" | "mobilenumber" | "phonenumber" | "contactnumber"
        | "cell" | "whatsapp" | "whatsappnumber" | "primaryphone" | "phone1" => "phone",
        "altphone" | "alternatephone" | "alternatenumber" | "phone2" | "landline"
        | "secondaryphone" => "alt_phone",
        "email" | "emailaddress" | "emailid" | "mail" => "email",
        "gender" | "sex" => "gender",
        "dob" | "dateofbirth" | "birthday" | "birthdate" => "birth_date",
        "anniversary" | "anniversarydate" | "weddinganniversary" | "marriageanniversary" => {
            "anniversary"
        }
        "address" | "addressline1" | "street" | "streetaddress" => "address",
        "city" | "town" => "city",
        "area" | "locality" | "neighbourhood" | "neighborhood" => "area",
        "pincode" | "pin" | "zip" | "zipcode" | "postalcode" | "postcode" => "postal_code",
        "language" | "preferredlanguage" => "language",
        "community" => "community",
        "customertype" | "type" => "customer_type",
        "budget" | "budgetband" => "budget_band",
        "tags" | "labels" | "groups" => "tags",
        _ => return None,
    })
}

/// A parsed file: a header row and cells as text.
struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn parse(format: &str, bytes: &[u8]) -> Result<Table, ApiError> {
    let bad = |m: &str| ApiError::invalid("file", m);
    let table = match format {
        "csv" => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| bad("is not UTF-8 text; in Excel use \"Save as → CSV UTF-8\""))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes());
            let headers: Vec<String> = reader
                .headers()
                .map_err(|_| bad("has no readable header row"))?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let mut rows = Vec::new();
            for (i, rec) in reader.records().enumerate() {
                let rec = rec.map_err(|e| bad(&format!("row {} cannot be read: {e}", i + 2)))?;
                rows.push(rec.iter().map(str::to_string).collect());
                if rows.len() > MAX_ROWS {
                    return Err(bad("has more than 200,000 rows; split it"));
                }
            }
            Table { headers, rows }
        }
        "json" => {
            let items: Vec<serde_json::Map<String, serde_json::Value>> =
                serde_json::from_slice(bytes)
                    .map_err(|_| bad("must be a JSON array of objects"))?;
            if items.len() > MAX_ROWS {
                return Err(bad("has more than 200,000 rows; split it"));
            }
            let mut headers: Vec<String> = Vec::new();
            for item in &items {
                for k in item.keys() {
                    if !headers.contains(k) && headers.len() < 100 {
                        headers.push(k.clone());
                    }
                }
            }
            let rows = items
                .iter()
                .map(|item| {
                    headers
                        .iter()
                        .map(|h| match item.get(h) {
                            None | Some(serde_json::Value::Null) => String::new(),
                            Some(serde_json::Value::String(s)) => s.clone(),
                            Some(serde_json::Value::Array(a)) => a
                                .iter()
                                .map(|v| v.as_str().map(str::to_string).unwrap_or(v.to_string()))
                                .collect::<Vec<_>>()
                                .join(","),
                            Some(v) => v.to_string(),
                        })
                        .collect()
                })
                .collect();
            Table { headers, rows }
        }
        "xlsx" => {
            use calamine::{Data, Reader, Xlsx};
            let mut book = Xlsx::new(std::io::Cursor::new(bytes))
                .map_err(|_| bad("is not a readable .xlsx workbook"))?;
            let range = book
                .worksheet_range_at(0)
                .ok_or_else(|| bad("has no worksheet"))?
                .map_err(|_| bad("has a worksheet that cannot be read"))?;
            let cell = |d: &Data| match d {
                Data::Empty | Data::Error(_) => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(i) => i.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => dt
                    .as_datetime()
                    .map(|d| d.date().format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
            };
            let mut it = range.rows();
            let headers: Vec<String> = it
                .next()
                .ok_or_else(|| bad("is empty"))?
                .iter()
                .map(|d| cell(d).trim().to_string())
                .collect();
            let rows: Vec<Vec<String>> = it.map(|r| r.iter().map(cell).collect()).collect();
            if rows.len() > MAX_ROWS {
                return Err(bad("has more than 200,000 rows; split it"));
            }
            Table { headers, rows }
        }
        _ => return Err(bad("must be CSV, XLSX or JSON")),
    };
    if table.headers.iter().all(|h| h.is_empty()) {
        return Err(bad("has no header row"));
    }
    if table.headers.len() > 100 {
        return Err(bad("has more than 100 columns"));
    }
    Ok(table)
}

/// Indian (and most of the world's) day-first dates, US month-first, or ISO.
pub fn parse_date(s: &str, order: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [a, b, y] = parts.as_slice() else {
        return None;
    };
    let (a, b, y): (u32, u32, i32) = (a.parse().ok()?, b.parse().ok()?, y.parse().ok()?);
    let y = if y < 100 {
        if y > 30 { 1900 + y } else { 2000 + y }
    } else {
        y
    };
    let (d, m) = if order == "mdy" { (b, a) } else { (a, b) };
    NaiveDate::from_ymd_opt(y, m, d)
}

/// One row ready to insert.
struct Clean {
    row: usize,
    name: String,
    phones: Vec<String>,
    email: Option<String>,
    gender: Option<&'static str>,
    birth_date: Option<NaiveDate>,
    anniversary: Option<NaiveDate>,
    address: Option<String>,
    city: Option<String>,
    area: Option<String>,
    postal_code: Option<String>,
    language: Option<String>,
    community: Option<String>,
    customer_type: &'static str,
    budget_band: Option<&'static str>,
    tags: Vec<String>,
}

/// One problem in the file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RowProblem {
    /// Row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub field: String,
    pub reason: String,
    /// For duplicates of an existing customer: who.
    pub existing_id: Option<Uuid>,
}

/// The validation report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub invalid: Vec<RowProblem>,
    pub duplicates: Vec<RowProblem>,
}

struct Checked {
    valid: Vec<Clean>,
    invalid_rows: usize,
    duplicate_rows: usize,
    report: Report,
}

/// Column → field; a field mapped twice is refused.
pub type Mapping = HashMap<String, String>;

fn check_mapping(
    headers: &[String],
    mapping: &Mapping,
) -> Result<HashMap<&'static str, usize>, ApiError> {
    let mut by_field: HashMap<&'static str, usize> = HashMap::new();
    for (column, field) in mapping {
        let idx = headers.iter().position(|h| h == column).ok_or_else(|| {
            ApiError::invalid(&format!("mapping.{column}"), "is not a column of the file")
        })?;
        if field.is_empty() {
            continue;
        }
        let f = FIELDS.iter().find(|f| **f == field).ok_or_else(|| {
            ApiError::invalid(&format!("mapping.{column}"), "is not a customer field")
        })?;
        if by_field.insert(f, idx).is_some() {
            return Err(ApiError::invalid(
                &format!("mapping.{column}"),
                "maps a field that another column already maps",
            ));
        }
    }
    if !by_field.contains_key("phone") {
        return Err(ApiError::invalid("mapping", "map a column to phone"));
    }
    if !by_field.contains_key("name") && !by_field.contains_key("first_name") {
        return Err(ApiError::invalid(
            "mapping",
            "map a column to name (or first_name)",
        ));
    }
    Ok(by_field)
}

/// Validates every row and finds duplicates (within the file and against the
/// tenant's customers, in chunks — never one query per row).
async fn check(
    c: &mut Conn,
    table: &Table,
    cols: &HashMap<&'static str, usize>,
    country: &str,
    order: &str,
) -> Result<Checked, ApiError> {
    let mut out = Checked {
        valid: Vec::new(),
        invalid_rows: 0,
        duplicate_rows: 0,
        report: Report::default(),
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row = i + 2;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let get = |f: &str| -> Option<&str> {
            cols.get(f)
                .and_then(|i| cells.get(*i))
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
        };
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut fail = |field: &str, reason: &str| problems.push((field.into(), reason.into()));
        if let Some((col, _)) = cols
            .iter()
            .find(|(_, i)| cells.get(**i).is_some_and(|s| s.chars().count() > MAX_CELL))
        {
            fail(col, "is longer than 1,000 characters");
        }
        let name = match (get("name"), get("first_name"), get("last_name")) {
            (Some(n), _, _) => n.to_string(),
            (None, Some(f), l) => format!("{f} {}", l.unwrap_or("")).trim().to_string(),
            _ => String::new(),
        };
        if name.is_empty() || name.chars().count() > 120 {
            fail("name", "is required (at most 120 characters)");
        }
        let mut phones = Vec::new();
        for f in ["phone", "alt_phone"] {
            if let Some(raw) = get(f) {
                // Spreadsheets turn numbers into 9.84501E+11: refuse rather than guess.
                let mut v = Validator::default();
                let p = normalise_phone(&mut v, f, raw, country);
                match (p, v.finish()) {
                    (Some(p), Ok(())) => {
                        if !phones.contains(&p) {
                            phones.push(p);
                        }
                    }
                    _ => fail(f, "is not a valid phone number"),
                }
            }
        }
        if get("phone").is_none() {
            fail("phone", "is required");
        }
        let email = match get("email") {
            Some(raw) => {
                let mut v = Validator::default();
                let e = crate::users::parse_email(&mut v, "email", raw);
                if v.finish().is_ok() {
                    Some(e)
                } else {
                    fail("email", "is not a valid e-mail address");
                    None
                }
            }
            None => None,
        };
        let today = Utc::now().date_naive();
        let mut date = |f: &str| -> Option<NaiveDate> {
            let s = get(f)?;
            match parse_date(s, order) {
                Some(d) if d <= today && d.year_ce().1 >= 1900 => Some(d),
                _ => {
                    problems.push((f.into(), "is not a past date like 31-12-1990".into()));
                    None
                }
            }
        };
        let birth_date = date("birth_date");
        let anniversary = date("anniversary");
        let word = |f: &str,
                    parse: &dyn Fn(&str) -> Option<&'static str>,
                    problems: &mut Vec<(String, String)>| {
            let s = get(f)?;
            let key = s.to_lowercase().replace([' ', '-'], "_");
            let found = parse(&key);
            if found.is_none() {
                problems.push((f.into(), "is not one of the allowed values".into()));
            }
            found
        };
        let gender = word(
            "gender",
            &|k| match k {
                "f" | "female" | "woman" => Some("female"),
                "m" | "male" | "man" => Some("male"),
                "other" | "o" => Some("other"),
                _ => Gender::parse(k).map(Gender::as_str),
            },
            &mut problems,
        );
        let customer_type = word(
            "customer_type",
            &|k| CustomerType::parse(k).map(CustomerType::as_str),
            &mut problems,
        )
        .unwrap_or("individual");
        let budget_band = word(
            "budget_band",
            &|k| BudgetBand::parse(k).map(BudgetBand::as_str),
            &mut problems,
        );
        let text = |f: &str, max: usize, problems: &mut Vec<(String, String)>| {
            let s = get(f)?;
            if s.chars().count() > max {
                problems.push((f.into(), format!("is longer than {max} characters")));
                None
            } else {
                Some(s.to_string())
            }
        };
        let address = text("address", 500, &mut problems);
        let city = text("city", 100, &mut problems);
        let area = text("area", 100, &mut problems);
        let postal_code = text("postal_code", 12, &mut problems);
        let language = text("language", 40, &mut problems);
        let community = text("community", 60, &mut problems);
        let mut tags: Vec<String> = Vec::new();
        for t in get("tags").unwrap_or("").split([',', ';', '|']) {
            let t = t.trim().to_lowercase();
            if t.is_empty() {
                continue;
            }
            if t.chars().count() > 40
                || !t
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            {
                problems.push((
                    "tags".into(),
                    "must be letters, digits, spaces, - or _ (40 at most each)".into(),
                ));
                break;
            }
            if !tags.contains(&t) && tags.len() < 30 {
                tags.push(t);
            }
        }
        if !problems.is_empty() {
            out.invalid_rows += 1;
            for (field, reason) in problems {
                if out.report.invalid.len() < REPORT_LIMIT {
                    out.report.invalid.push(RowProblem {
                        row,
                        field,
                        reason,
                        existing_id: None,
                    });
                }
            }
            continue;
        }
        if let Some(first) = phones.iter().find_map(|p| seen.get(p)) {
            out.duplicate_rows += 1;
            if out.report.duplicates.len() < REPORT_LIMIT {
                out.report.duplicates.push(RowProblem {
                    row,
                    field: "phone".into(),
                    reason: format!("repeats row {first} of this file"),
                    existing_id: None,
                });
            }
            continue;
        }
        for p in &phones {
            seen.insert(p.clone(), row);
        }
        out.valid.push(Clean {
            row,
            name,
            phones,
            email,
            gender,
            birth_date,
            anniversary,
            address,
            city,
            area,
            postal_code,
            language,
            community,
            customer_type,
            budget_band,
            tags,
        });
    }
    // Against existing customers, 5,000 phones a query.
    let all: Vec<String> = out.valid.iter().flat_map(|c| c.phones.clone()).collect();
    let mut taken: HashMap<String, Uuid> = HashMap::new();
    for chunk in all.chunks(5000) {
        let found: Vec<(String, Uuid)> = customer_phones::table
            .filter(customer_phones::phone.eq_any(chunk))
            .select((customer_phones::phone, customer_phones::customer_id))
            .load(c)
            .await?;
        taken.extend(found);
    }
    if !taken.is_empty() {
        let mut kept = Vec::with_capacity(out.valid.len());
        for clean in std::mem::take(&mut out.valid) {
            match clean
                .phones
                .iter()
                .find_map(|p| taken.get(p).map(|id| (p, *id)))
            {
                Some((p, id)) => {
                    out.duplicate_rows += 1;
                    if out.report.duplicates.len() < REPORT_LIMIT {
                        out.report.duplicates.push(RowProblem {
                            row: clean.row,
                            field: "phone".into(),
                            reason: format!("{p} already belongs to a customer"),
                            existing_id: Some(id),
                        });
                    }
                }
                None => kept.push(clean),
            }
        }
        out.valid = kept;
    }
    Ok(out)
}

/// An import record.
#[derive(Debug, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = customer_imports)]
pub struct Import {
    pub id: Uuid,
    pub created_by: Uuid,
    pub filename: String,
    pub format: String,
    /// `uploaded`, `validated`, `importing`, `done` or `failed`.
    pub status: String,
    pub headers: Vec<String>,
    #[schema(value_type = Option<Object>)]
    pub mapping: Option<serde_json::Value>,
    pub home_store_id: Option<Uuid>,
    pub date_order: Option<String>,
    pub total_rows: i32,
    pub valid_rows: i32,
    pub invalid_rows: i32,
    pub duplicate_rows: i32,
    pub imported_rows: i32,
    pub skipped_rows: i32,
    #[schema(value_type = Option<Report>)]
    pub report: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub validated_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Each new customer gets a lead (source `import`) for the telecallers.
    pub create_leads: bool,
}

/// Import confirmation options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmParams {
    /// Open a lead at the import's home store for every customer created.
    pub leads: Option<bool>,
}

/// An upload and the mapping the server suggests for its columns.
#[derive(Debug, Serialize, ToSchema)]
pub struct Upload {
    pub import: Import,
    /// Column → field for the columns we recognised.
    pub suggested_mapping: HashMap<String, String>,
    /// The first rows, to show next to the mapping.
    pub preview: Vec<Vec<String>>,
    /// Fields a column can be mapped to.
    pub fields: Vec<String>,
}

/// Upload parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, for the import record.
    pub filename: String,
}

async fn find(c: &mut Conn, auth: &Auth, scope: Scope, id: Uuid) -> Result<Import, ApiError> {
    let import: Import = customer_imports::table
        .find(id)
        .select(Import::as_select())
        .first(c)
        .await?;
    // Managers see their own imports; business admins all of the tenant's.
    if scope != Scope::Tenant && import.created_by != auth.user_id {
        return Err(ApiError::NotFound);
    }
    Ok(import)
}

fn require(auth: &Auth) -> Result<(Scope, Uuid), ApiError> {
    let scope = auth.require(Permission::CustomersImportExport)?;
    if scope == Scope::Own {
        return Err(ApiError::Forbidden);
    }
    Ok((scope, auth.tenant()?))
}

/// Step 1: upload a CSV (`text/csv`), XLSX or JSON file as the request body.
#[utoipa::path(
    operation_id = "imports_upload",
    post, path = "/api/v1/customers/imports", tag = "imports", params(UploadParams),
    request_body(content = String, description = "The file", content_type = "text/csv"),
    responses((status = 201, body = Upload), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/imports")]
pub async fn upload(
    state: web::Data<AppState>,
    auth: Auth,
    req: HttpRequest,
    params: web::Query<UploadParams>,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    use futures_util::StreamExt;
    let (_, tenant) = require(&auth)?;
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase();
    let format = match ct.as_str() {
        "text/csv" | "application/csv" => "csv",
        "application/json" => "json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "xlsx",
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "Send a CSV, XLSX or JSON file.",
            ));
        }
    };
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::BadRequest("The upload was interrupted.".into()))?;
        if bytes.len() + chunk.len() > MAX_FILE {
            return Err(ApiError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    let mut v = Validator::default();
    v.text("filename", &params.filename, 1, 200);
    v.check(!bytes.is_empty(), "file", "is empty");
    v.finish()?;
    let table = web::block(move || parse(format, &bytes).map(|t| (t, bytes)))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))??;
    let (table, bytes) = table;
    let suggested: HashMap<String, String> = {
        let mut used = HashSet::new();
        table
            .headers
            .iter()
            .filter_map(|h| {
                let f = suggest(h)?;
                used.insert(f).then(|| (h.clone(), f.to_string()))
            })
            .collect()
    };
    let preview: Vec<Vec<String>> = table
        .rows
        .iter()
        .take(5)
        .map(|r| r.iter().map(|c| c.chars().take(100).collect()).collect())
        .collect();
    let import = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let import: Import = diesel::insert_into(customer_imports::table)
                .values((
                    customer_imports::id.eq(Uuid::now_v7()),
                    customer_imports::tenant_id.eq(tenant),
                    customer_imports::created_by.eq(auth.user_id),
                    customer_imports::filename.eq(params.filename.trim()),
                    customer_imports::format.eq(format),
                    customer_imports::file.eq(&bytes),
                    customer_imports::headers.eq(&table.headers),
                    customer_imports::total_rows.eq(table.rows.len() as i32),
                ))
                .returning(Import::as_returning())
                .get_result(c)
                .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer_import",
                    entity_id: Some(import.id.to_string()),
                    action: "upload",
                    changes: Some(json!({ "filename": import.filename, "rows": import.total_rows, "bytes": bytes.len() })),
                },
            )
            .await?;
            Ok(import)
        })
        .await?;
    Ok(HttpResponse::Created().json(Upload {
        import,
        suggested_mapping: suggested,
        preview,
        fields: FIELDS.iter().map(|f| f.to_string()).collect(),
    }))
}

/// How to read the file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValidateInput {
    /// Column → field (an empty field skips the column).
    pub mapping: HashMap<String, String>,
    /// Where the imported customers belong.
    pub home_store_id: Uuid,
    /// `dmy` (31-12-1990, the default) or `mdy` (12/31/1990).
    pub date_order: Option<String>,
}

/// Step 2: check every row with this mapping; the report lists invalid rows
/// (row, field, reason) and duplicates (in the file and existing customers).
#[utoipa::path(
    operation_id = "imports_validate",
    post, path = "/api/v1/customers/imports/{id}/validate", tag = "imports", request_body = ValidateInput,
    responses((status = 200, body = Import), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/imports/{id}/validate")]
pub async fn validate(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<ValidateInput>,
) -> Result<web::Json<Import>, ApiError> {
    let (scope, tenant) = require(&auth)?;
    let input = body.0;
    let order = input.date_order.clone().unwrap_or_else(|| "dmy".into());
    if order != "dmy" && order != "mdy" {
        return Err(ApiError::invalid("date_order", "must be dmy or mdy"));
    }
    if scope != Scope::Tenant && !auth.in_store(input.home_store_id) {
        return Err(ApiError::invalid(
            "home_store_id",
            "choose one of your own stores",
        ));
    }
    let id = *id;
    let import = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let import = find(c, &auth, scope, id).await?;
            if !matches!(import.status.as_str(), "uploaded" | "validated") {
                return Err(ApiError::Conflict(
                    "This import has already started.".into(),
                ));
            }
            super::store_exists(c, "home_store_id", input.home_store_id).await?;
            let cols = check_mapping(&import.headers, &input.mapping)?;
            let file: Vec<u8> = customer_imports::table
                .find(id)
                .select(customer_imports::file)
                .first(c)
                .await?;
            let country = super::tenant_country(c, tenant).await?;
            let table = parse(&import.format, &file)?;
            let checked = check(c, &table, &cols, &country, &order).await?;
            let import: Import = diesel::update(customer_imports::table.find(id))
                .set((
                    customer_imports::status.eq("validated"),
                    customer_imports::mapping.eq(json!(input.mapping)),
                    customer_imports::home_store_id.eq(input.home_store_id),
                    customer_imports::date_order.eq(&order),
                    customer_imports::valid_rows.eq(checked.valid.len() as i32),
                    customer_imports::invalid_rows.eq(checked.invalid_rows as i32),
                    customer_imports::duplicate_rows.eq(checked.duplicate_rows as i32),
                    customer_imports::report.eq(json!(checked.report)),
                    customer_imports::validated_at.eq(diesel::dsl::now),
                ))
                .returning(Import::as_returning())
                .get_result(c)
                .await?;
            Ok(import)
        })
        .await?;
    Ok(web::Json(import))
}

/// Step 3: import the valid rows in the background, in batches, with
/// `import.progress` events to the person importing.
#[utoipa::path(
    operation_id = "imports_confirm",
    post, path = "/api/v1/customers/imports/{id}/confirm", tag = "imports", params(ConfirmParams),
    responses((status = 202, body = Import), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/imports/{id}/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    params: web::Query<ConfirmParams>,
) -> Result<HttpResponse, ApiError> {
    let (scope, tenant) = require(&auth)?;
    let create_leads = params.leads.unwrap_or(false);
    let id = *id;
    let import = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let import = find(c, &auth, scope, id).await?;
            if import.status != "validated" {
                return Err(ApiError::Conflict(
                    "Validate the file (and read the report) before importing.".into(),
                ));
            }
            let import: Import = diesel::update(customer_imports::table.find(id))
                .set((
                    customer_imports::status.eq("importing"),
                    customer_imports::started_at.eq(diesel::dsl::now),
                    customer_imports::create_leads.eq(create_leads),
                ))
                .returning(Import::as_returning())
                .get_result(c)
                .await?;
            jobs::enqueue(
                c,
                NewJob {
                    kind: IMPORT_JOB,
                    tenant_id: Some(tenant),
                    payload: json!({ "import_id": id }),
                    run_at: None,
                    max_attempts: 3,
                    dedupe_key: Some(format!("{IMPORT_JOB}:{id}")),
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer_import",
                    entity_id: Some(id.to_string()),
                    action: "confirm",
                    changes: Some(
                        json!({ "valid_rows": import.valid_rows, "create_leads": create_leads }),
                    ),
                },
            )
            .await?;
            Ok(import)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(import))
}

/// Runs a confirmed import: re-reads the file with the saved mapping, skips
/// rows already imported (`next_row`, so a retry resumes) and phones taken
/// meanwhile, and inserts 1,000 rows per transaction.
pub async fn import_job(db: crate::db::Db, job: crate::jobs::Job) -> crate::jobs::JobResult {
    let (Some(tenant), Some(id)) = (
        job.tenant_id,
        job.payload["import_id"]
            .as_str()
            .and_then(|s| s.parse::<Uuid>().ok()),
    ) else {
        return Err("bad payload".into());
    };
    let result = run_import(&db, tenant, id).await;
    if let Err(e) = &result {
        let msg = format!("{e:?}");
        let _ = db
            .tenant_tx(tenant, Uuid::nil(), async |c| {
                diesel::update(customer_imports::table.find(id))
                    .set((
                        customer_imports::status.eq("failed"),
                        customer_imports::error.eq("The import stopped; the rows imported so far are kept. Try again or contact support."),
                        customer_imports::finished_at.eq(diesel::dsl::now),
                    ))
                    .execute(c)
                    .await?;
                Ok(())
            })
            .await;
        return Err(msg);
    }
    Ok(())
}

async fn run_import(db: &crate::db::Db, tenant: Uuid, id: Uuid) -> Result<(), ApiError> {
    #[derive(Queryable)]
    struct Saved {
        created_by: Uuid,
        status: String,
        format: String,
        file: Vec<u8>,
        headers: Vec<String>,
        mapping: Option<serde_json::Value>,
        home: Option<Uuid>,
        order: Option<String>,
        next_row: i32,
        create_leads: bool,
    }
    let (saved, country) = db
        .tenant_tx(tenant, Uuid::nil(), async |c| {
            let s: Saved = customer_imports::table
                .find(id)
                .select((
                    customer_imports::created_by,
                    customer_imports::status,
                    customer_imports::format,
                    customer_imports::file,
                    customer_imports::headers,
                    customer_imports::mapping,
                    customer_imports::home_store_id,
                    customer_imports::date_order,
                    customer_imports::next_row,
                    customer_imports::create_leads,
                ))
                .first(c)
                .await?;
            let country = super::tenant_country(c, tenant).await?;
            Ok((s, country))
        })
        .await?;
    if saved.status != "importing" {
        return Ok(());
    }
    let user = saved.created_by;
    let mapping: Mapping = saved
        .mapping
        .and_then(|m| serde_json::from_value(m).ok())
        .unwrap_or_default();
    let home = saved.home.ok_or(ApiError::NotFound)?;
    let order = saved.order.unwrap_or_else(|| "dmy".into());
    let (format, file) = (saved.format, saved.file);
    let table = web::block(move || parse(&format, &file))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("{e}")))??;
    let cols = check_mapping(&saved.headers, &mapping)?;
    let checked = db
        .tenant_tx(tenant, user, async |c| {
            check(c, &table, &cols, &country, &order).await
        })
        .await?;
    let total = checked.valid.len();
    let remaining: Vec<Clean> = checked
        .valid
        .into_iter()
        .filter(|r| r.row as i32 > saved.next_row)
        .collect();
    let mut done = total - remaining.len();
    for batch in remaining.chunks(BATCH) {
        let last_row = batch.last().map(|r| r.row as i32).unwrap_or(0);
        let (inserted, skipped) = db
            .tenant_tx(tenant, user, async |c| {
                let (inserted, skipped) = insert_batch(c, tenant, user, home, batch).await?;
                if saved.create_leads {
                    open_leads(c, tenant, user, home, &inserted).await?;
                }
                let inserted = inserted.len();
                diesel::update(customer_imports::table.find(id))
                    .set((
                        customer_imports::imported_rows
                            .eq(customer_imports::imported_rows + inserted as i32),
                        customer_imports::skipped_rows
                            .eq(customer_imports::skipped_rows + skipped as i32),
                        customer_imports::next_row.eq(last_row),
                    ))
                    .execute(c)
                    .await?;
                emit(
                    c,
                    tenant,
                    "imports",
                    "import.progress",
                    json!({ "id": id, "done": done + batch.len(), "total": total }),
                    &Audience::Users { users: vec![user] },
                )
                .await?;
                Ok((inserted, skipped))
            })
            .await?;
        let _ = (inserted, skipped);
        done += batch.len();
    }
    db.tenant_tx(tenant, user, async |c| {
        let import: Import = diesel::update(customer_imports::table.find(id))
            .set((
                customer_imports::status.eq("done"),
                customer_imports::finished_at.eq(diesel::dsl::now),
            ))
            .returning(Import::as_returning())
            .get_result(c)
            .await?;
        emit(
            c,
            tenant,
            "imports",
            "import.finished",
            json!({ "id": id, "imported": import.imported_rows, "skipped": import.skipped_rows }),
            &Audience::Users { users: vec![user] },
        )
        .await?;
        if saved.create_leads {
            emit(
                c,
                tenant,
                crate::telecalling::TOPIC,
                "leads.imported",
                json!({ "import_id": id, "store_id": home, "count": import.imported_rows }),
                &crate::telecalling::lead_audience(home, &[]),
            )
            .await?;
            // Hand out what the online telecallers can take now; the rest waits.
            crate::telecalling::drain_backlog(c, tenant, &[home], 500).await?;
        }
        audit::record(
            c,
            &audit::Actor {
                tenant_id: Some(tenant),
                user_id: Some(user),
                ..Default::default()
            },
            Some(tenant),
            Change {
                entity: "customer_import",
                entity_id: Some(id.to_string()),
                action: "import",
                changes: Some(json!({ "imported": import.imported_rows, "skipped": import.skipped_rows, "filename": import.filename })),
            },
        )
        .await
    })
    .await
}

/// Inserts one batch; rows whose phone was taken since validation are skipped.
async fn insert_batch(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    home: Uuid,
    batch: &[Clean],
) -> Result<(Vec<Uuid>, usize), ApiError> {
    let phones: Vec<&String> = batch.iter().flat_map(|r| r.phones.iter()).collect();
    let taken: HashSet<String> = customer_phones::table
        .filter(customer_phones::phone.eq_any(phones))
        .select(customer_phones::phone)
        .load::<String>(c)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<(Uuid, &Clean)> = batch
        .iter()
        .filter(|r| !r.phones.iter().any(|p| taken.contains(p)))
        .map(|r| (Uuid::now_v7(), r))
        .collect();
    // One INSERT … SELECT over arrays (16 binds, not 16,000), computing each
    // row's auto tags as it goes in, so no row is rewritten afterwards.
    let (tags_expr, rule_binds) = crate::segments::auto_tags_expr(c, tenant, true, 19).await?;
    let sql = format!(
        "INSERT INTO customers (id, tenant_id, name, phones, email, gender, birth_date,
           anniversary, address, city, area, postal_code, language, community, customer_type,
           budget_band, tags, home_store_id, created_by, auto_tags)
         SELECT customers.id, customers.tenant_id, customers.name, customers.phones,
           customers.email, customers.gender, customers.birth_date, customers.anniversary,
           customers.address, customers.city, customers.area, customers.postal_code,
           customers.language, customers.community, customers.customer_type,
           customers.budget_band, customers.tags, customers.home_store_id, $3, {tags_expr}
         FROM (SELECT u.id, $1::uuid AS tenant_id, u.name,
                 string_to_array(u.phones, ',') AS phones, u.email, u.gender, u.birth_date,
                 u.anniversary, u.address, u.city, u.area, u.postal_code, u.language,
                 u.community, u.customer_type, u.budget_band,
                 string_to_array(u.tags, ',') AS tags, $2::uuid AS home_store_id,
                 (extract(month FROM u.birth_date) * 100 + extract(day FROM u.birth_date))::smallint AS birth_md,
                 (extract(month FROM u.anniversary) * 100 + extract(day FROM u.anniversary))::smallint AS anniversary_md,
                 '{{}}'::text[] AS auto_tags, 'general'::text AS tier, '{{}}'::jsonb AS preferences,
                 '{{}}'::jsonb AS consent, false AS dnd, 0::bigint AS lifetime_value,
                 NULL::timestamptz AS last_purchase_at, now() AS created_at
               FROM unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                 $9::date[], $10::date[], $11::text[], $12::text[], $13::text[], $14::text[],
                 $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
                 AS u(id, name, phones, email, gender, birth_date, anniversary, address, city,
                      area, postal_code, language, community, customer_type, budget_band, tags)
              ) AS customers"
    );
    type Col<T> = Vec<T>;
    let text = |f: &dyn Fn(&Clean) -> Option<String>| -> Col<Option<String>> {
        rows.iter().map(|(_, r)| f(r)).collect()
    };
    use diesel::sql_types as st;
    let q = diesel::sql_query(sql)
        .into_boxed()
        .bind::<st::Uuid, _>(tenant)
        .bind::<st::Uuid, _>(home)
        .bind::<st::Uuid, _>(user)
        .bind::<st::Array<st::Uuid>, _>(rows.iter().map(|(id, _)| *id).collect::<Col<Uuid>>())
        .bind::<st::Array<st::Text>, _>(
            rows.iter()
                .map(|(_, r)| r.name.clone())
                .collect::<Col<String>>(),
        )
        .bind::<st::Array<st::Text>, _>(
            rows.iter()
                .map(|(_, r)| r.phones.join(","))
                .collect::<Col<String>>(),
        )
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.email.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.gender.map(str::to_string)))
        .bind::<st::Array<st::Nullable<st::Date>>, _>(
            rows.iter()
                .map(|(_, r)| r.birth_date)
                .collect::<Col<Option<NaiveDate>>>(),
        )
        .bind::<st::Array<st::Nullable<st::Date>>, _>(
            rows.iter()
                .map(|(_, r)| r.anniversary)
                .collect::<Col<Option<NaiveDate>>>(),
        )
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.address.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.city.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.area.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.postal_code.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.language.clone()))
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.community.clone()))
        .bind::<st::Array<st::Text>, _>(
            rows.iter()
                .map(|(_, r)| r.customer_type.to_string())
                .collect::<Col<String>>(),
        )
        .bind::<st::Array<st::Nullable<st::Text>>, _>(text(&|r| r.budget_band.map(str::to_string)))
        .bind::<st::Array<st::Text>, _>(
            rows.iter()
                .map(|(_, r)| r.tags.join(","))
                .collect::<Col<String>>(),
        );
    crate::segments::bind_all(q, rule_binds).execute(c).await?;
    let phone_rows: Vec<_> = rows
        .iter()
        .flat_map(|(id, r)| {
            r.phones.iter().map(move |p| {
                (
                    customer_phones::tenant_id.eq(tenant),
                    customer_phones::phone.eq(p),
                    customer_phones::customer_id.eq(*id),
                )
            })
        })
        .collect();
    for chunk in phone_rows.chunks(5000) {
        diesel::insert_into(customer_phones::table)
            .values(chunk)
            .execute(c)
            .await?;
    }
    Ok((
        rows.iter().map(|(id, _)| *id).collect(),
        batch.len() - rows.len(),
    ))
}

/// Opens a lead (source `import`, waiting in the store's backlog) for each
/// new customer, in two statements.
async fn open_leads(
    c: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    store: Uuid,
    customers_: &[Uuid],
) -> Result<(), ApiError> {
    use diesel::sql_types as st;
    diesel::sql_query(
        "WITH l AS (
           INSERT INTO leads (id, tenant_id, customer_id, store_id, source)
           SELECT gen_random_uuid(), $1, c, $2, 'import' FROM unnest($3::uuid[]) AS c
           RETURNING id
         )
         INSERT INTO lead_history (id, tenant_id, lead_id, kind, to_state, actor_id, reason)
         SELECT gen_random_uuid(), $1, l.id, 'state', 'new', $4, 'import' FROM l",
    )
    .bind::<st::Uuid, _>(tenant)
    .bind::<st::Uuid, _>(store)
    .bind::<st::Array<st::Uuid>, _>(customers_)
    .bind::<st::Uuid, _>(user)
    .execute(c)
    .await?;
    Ok(())
}

/// Imports, newest first (a manager sees their own).
#[utoipa::path(
    operation_id = "imports_list",
    get, path = "/api/v1/customers/imports", tag = "imports", params(PageParams),
    responses((status = 200, body = Page<Import>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/imports")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<Import>>, ApiError> {
    let (scope, tenant) = require(&auth)?;
    let (limit, cursor) = (page.limit()?, page.cursor()?);
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = customer_imports::table
                .select(Import::as_select())
                .into_boxed();
            if scope != Scope::Tenant {
                q = q.filter(customer_imports::created_by.eq(auth.user_id));
            }
            if let Some(cur) = cursor {
                q = q.filter(customer_imports::id.lt(cur));
            }
            Ok(q.order(customer_imports::id.desc())
                .limit(limit + 1)
                .load(c)
                .await?)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |i: &Import| i.id)))
}

/// One import with its report.
#[utoipa::path(
    operation_id = "imports_get_one",
    get, path = "/api/v1/customers/imports/{id}", tag = "imports",
    responses((status = 200, body = Import), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/imports/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Import>, ApiError> {
    let (scope, tenant) = require(&auth)?;
    let import = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            find(c, &auth, scope, *id).await
        })
        .await?;
    Ok(web::Json(import))
}

/// Export options: the list filters plus a creation date range.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportRange {
    /// `csv` (default) or `json` (one object per line).
    pub format: Option<String>,
    /// Customers created on or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Customers created before this instant.
    pub to: Option<DateTime<Utc>>,
}

const EXPORT_COLUMNS: [&str; 16] = [
    "id",
    "name",
    "phone",
    "alt_phone",
    "email",
    "gender",
    "birth_date",
    "anniversary",
    "city",
    "area",
    "postal_code",
    "language",
    "tier",
    "tags",
    "home_store_id",
    "created_at",
];

fn export_cells(r: CustomerRow) -> Vec<Option<String>> {
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    vec![
        Some(r.id.to_string()),
        Some(r.name),
        <[String]>::first(&r.phones).cloned(),
        r.phones.get(1).cloned(),
        r.email,
        r.gender,
        d(r.birth_date),
        d(r.anniversary),
        r.city,
        r.area,
        r.postal_code,
        r.language,
        Some(r.tier),
        Some(r.tags.join(", ")),
        Some(r.home_store_id.to_string()),
        Some(r.created_at.to_rfc3339()),
    ]
}

/// Export customers (the caller's scope, list filters, creation date range)
/// as CSV or JSON lines, streamed 1,000 rows at a time. Spreadsheet formulas
/// are neutralised.
#[utoipa::path(
    operation_id = "customers_export",
    get, path = "/api/v1/customers/export", tag = "imports", params(CustomerFilter, ExportRange),
    responses((status = 200, description = "CSV or JSON lines", content_type = "text/csv"), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/export")]
pub async fn export(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<CustomerFilter>,
    range: web::Query<ExportRange>,
) -> Result<HttpResponse, ApiError> {
    let (scope, tenant) = require(&auth)?;
    let format = Format::parse(range.format.as_deref())?;
    let mut v = Validator::default();
    v.opt_text("q", filter.q.as_deref(), 100)
        .opt_text("tag", filter.tag.as_deref(), 40)
        .opt_text("city", filter.city.as_deref(), 100);
    v.finish()?;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: None,
                    action: "export",
                    changes: Some(json!({ "q": filter.q, "tag": filter.tag, "city": filter.city, "from": range.from, "to": range.to })),
                },
            )
            .await
        })
        .await?;
    let (db, filter) = (state.db.clone(), std::sync::Arc::new(filter.into_inner()));
    let (from, to) = (range.from, range.to);
    let body = exports::stream(format, &EXPORT_COLUMNS, BATCH, move |after| {
        let (db, auth, filter) = (db.clone(), auth.clone(), filter.clone());
        async move {
            let rows = db
                .tenant_tx(tenant, auth.user_id, async |c| {
                    let mut q = customers::table
                        .filter(customers::deleted_at.is_null())
                        .select(CustomerRow::as_select())
                        .into_boxed();
                    q = scoped(q, &auth, scope);
                    q = super::apply_filter(q, &filter);
                    if let Some(f) = from {
                        q = q.filter(customers::created_at.ge(f));
                    }
                    if let Some(t) = to {
                        q = q.filter(customers::created_at.lt(t));
                    }
                    if let Some(a) = after {
                        q = q.filter(customers::id.lt(a));
                    }
                    let rows: Vec<CustomerRow> = q
                        .order(customers::id.desc())
                        .limit(BATCH as i64)
                        .load(c)
                        .await?;
                    Ok(rows)
                })
                .await?;
            let last = rows.last().map(|r| r.id);
            Ok((rows.into_iter().map(export_cells).collect(), last))
        }
    });
    Ok(format.respond(
        &format!("customers-{}", Utc::now().format("%Y-%m-%d")),
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indian_dates_first() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(parse_date("31-12-1990", "dmy"), d(1990, 12, 31));
        assert_eq!(parse_date("05/04/1988", "dmy"), d(1988, 4, 5));
        assert_eq!(parse_date("05/04/1988", "mdy"), d(1988, 5, 4));
        assert_eq!(parse_date("29.02.2000", "dmy"), d(2000, 2, 29));
        assert_eq!(parse_date("29-02-2001", "dmy"), None);
        assert_eq!(parse_date("1990-12-31", "mdy"), d(1990, 12, 31));
        assert_eq!(parse_date("31-12-90", "dmy"), d(1990, 12, 31));
        assert_eq!(parse_date("yesterday", "dmy"), None);
    }

    #[test]
    fn other_crms_headers_map_to_our_fields() {
        assert_eq!(suggest("Mobile No."), Some("phone"));
        assert_eq!(suggest("Customer Name"), Some("name"));
        assert_eq!(suggest("D.O.B"), Some("birth_date"));
        assert_eq!(suggest("Pin Code"), Some("postal_code"));
        assert_eq!(suggest("Favourite colour"), None);
    }

    #[test]
    fn files_without_headers_or_in_other_encodings_are_refused() {
        assert!(parse("csv", b"\xff\xfeN\x00a\x00").is_err());
        assert!(parse("csv", b",,\n1,2,3\n").is_err());
        assert!(parse("json", b"{\"not\": \"an array\"}").is_err());
        assert!(parse("xlsx", b"PK not really").is_err());
        let t = parse("csv", "\u{feff}Name,Mobile\nAsha,98450 12345\n".as_bytes()).unwrap();
        assert_eq!(t.headers, vec!["Name", "Mobile"]);
        assert_eq!(t.rows.len(), 1);
    }
}
