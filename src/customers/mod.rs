//! Customers: profiles, phones as the de-duplication key, family, consent,
//! search, trash, merge, notes and the access log (DOMAIN.md "Customers").

pub mod appointments;
pub mod import;
pub mod model;
pub mod timeline;
pub mod visits;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::exists;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::auth::Auth;
use crate::auth::rbac::{Permission, Scope};
use crate::db::Conn;
use crate::db::schema::visits as visit_rows;
use crate::db::schema::{
    customer_access_log, customer_family, customer_notes, customer_phones, customers, leads,
    stores, tenants,
};
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{Json, Page, PageParams, Validator};
use crate::realtime::events::{Audience, emit};
use crate::state::AppState;
use model::*;

/// Lead states after which nobody works the lead any more.
pub const CLOSED_LEAD_STATES: [&str; 5] =
    ["converted", "lost", "not_interested", "wrong_number", "dnd"];

/// The stored row (without the generated search text).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct CustomerRow {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub anniversary: Option<NaiveDate>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub area: Option<String>,
    pub postal_code: Option<String>,
    pub language: Option<String>,
    pub community: Option<String>,
    pub customer_type: String,
    pub preferences: serde_json::Value,
    pub budget_band: Option<String>,
    pub tier: String,
    pub tags: Vec<String>,
    pub consent: serde_json::Value,
    pub dnd: bool,
    pub home_store_id: Uuid,
    pub lifetime_value: i64,
    pub last_purchase_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub merged_into: Option<Uuid>,
    pub auto_tags: Vec<String>,
}

impl CustomerRow {
    fn into_customer(self, family: Vec<FamilyMember>) -> Customer {
        Customer {
            id: self.id,
            name: self.name,
            phones: self.phones,
            email: self.email,
            gender: self.gender.as_deref().and_then(Gender::parse),
            birth_date: self.birth_date,
            anniversary: self.anniversary,
            address: self.address,
            city: self.city,
            area: self.area,
            postal_code: self.postal_code,
            language: self.language,
            community: self.community,
            customer_type: CustomerType::parse(&self.customer_type)
                .unwrap_or(CustomerType::Individual),
            preferences: serde_json::from_value(self.preferences).unwrap_or_default(),
            budget_band: self.budget_band.as_deref().and_then(BudgetBand::parse),
            tier: Tier::parse(&self.tier).unwrap_or(Tier::General),
            tags: self.tags,
            auto_tags: self.auto_tags,
            consent: serde_json::from_value(self.consent).unwrap_or_default(),
            dnd: self.dnd,
            home_store_id: self.home_store_id,
            lifetime_value: self.lifetime_value,
            last_purchase_at: self.last_purchase_at,
            family,
            limited: false,
            created_at: self.created_at,
            updated_at: self.updated_at,
            deleted_at: self.deleted_at,
            merged_into: self.merged_into,
        }
    }
}

/// The columns a list shows: a list never reads the full profiles.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct SummaryRow {
    pub id: Uuid,
    pub name: String,
    pub phones: Vec<String>,
    pub city: Option<String>,
    pub tier: String,
    pub tags: Vec<String>,
    pub auto_tags: Vec<String>,
    pub home_store_id: Uuid,
    pub dnd: bool,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<SummaryRow> for CustomerSummary {
    fn from(r: SummaryRow) -> Self {
        let tags = r
            .tags
            .iter()
            .chain(r.auto_tags.iter().filter(|t| !r.tags.contains(t)))
            .cloned()
            .collect();
        CustomerSummary {
            id: r.id,
            phone: r.phones.into_iter().next().unwrap_or_default(),
            name: r.name,
            city: r.city,
            tier: Tier::parse(&r.tier).unwrap_or(Tier::General),
            tags,
            home_store_id: r.home_store_id,
            dnd: r.dnd,
            updated_at: r.updated_at,
            deleted_at: r.deleted_at,
        }
    }
}

/// Narrows a customer query to what the caller's scope reaches: the tenant,
/// customers of their stores (home store or a visit there), or customers of
/// leads assigned to them.
pub fn scoped<'a, ST: 'static>(
    q: customers::BoxedQuery<'a, Pg, ST>,
    auth: &Auth,
    scope: Scope,
) -> customers::BoxedQuery<'a, Pg, ST> {
    // Named explicitly (RLS holds anyway) so tenant-led indexes apply.
    let q = q.filter(customers::tenant_id.nullable().eq(auth.tenant_id));
    match scope {
        Scope::Tenant => q,
        Scope::Store => {
            let mine = auth.store_ids.clone();
            q.filter(
                customers::home_store_id.eq_any(mine.clone()).or(exists(
                    visit_rows::table
                        .filter(visit_rows::customer_id.eq(customers::id))
                        .filter(visit_rows::store_id.eq_any(mine)),
                )),
            )
        }
        Scope::Own => q.filter(
            customers::id.eq_any(
                leads::table
                    .filter(leads::assigned_to.eq(auth.user_id))
                    .filter(leads::state.ne_all(CLOSED_LEAD_STATES))
                    .select(leads::customer_id),
            ),
        ),
        Scope::Platform => q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("false")),
    }
}

/// One live (not deleted) customer the caller may see, or 404.
pub async fn visible_row(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    id: Uuid,
) -> Result<CustomerRow, ApiError> {
    let q = customers::table
        .filter(customers::id.eq(id))
        .filter(customers::deleted_at.is_null())
        .select(CustomerRow::as_select())
        .into_boxed();
    Ok(scoped(q, auth, scope).first(c).await?)
}

async fn family_of(c: &mut Conn, id: Uuid) -> Result<Vec<FamilyMember>, ApiError> {
    #[derive(Queryable)]
    struct Row(
        String,
        String,
        Option<Uuid>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = customer_family::table
        .filter(customer_family::customer_id.eq(id))
        .order(customer_family::id)
        .select((
            customer_family::name,
            customer_family::relation,
            customer_family::linked_customer_id,
            customer_family::birth_date,
            customer_family::anniversary,
            customer_family::wedding_date,
        ))
        .load(c)
        .await?;
    Ok(rows
        .into_iter()
        .map(|Row(name, relation, linked, b, a, w)| FamilyMember {
            name,
            relation: Relation::parse(&relation).unwrap_or(Relation::Other),
            linked_customer_id: linked,
            birth_date: b,
            anniversary: a,
            wedding_date: w,
        })
        .collect())
}

/// The full profile of a row.
pub async fn load(c: &mut Conn, row: CustomerRow) -> Result<Customer, ApiError> {
    let family = family_of(c, row.id).await?;
    Ok(row.into_customer(family))
}

/// A customer's profile: create and replace take the same shape.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    /// 1–5 numbers; national numbers get the tenant's country code.
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub anniversary: Option<NaiveDate>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub area: Option<String>,
    pub postal_code: Option<String>,
    pub language: Option<String>,
    pub community: Option<String>,
    pub customer_type: Option<CustomerType>,
    #[serde(default)]
    pub preferences: JewelleryPreferences,
    pub budget_band: Option<BudgetBand>,
    pub tier: Option<Tier>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Channels given here are recorded now; others keep their consent.
    #[serde(default)]
    pub consent: ConsentInput,
    #[serde(default)]
    pub dnd: bool,
    /// Defaults to the caller's first store.
    pub home_store_id: Option<Uuid>,
    #[serde(default)]
    pub family: Vec<FamilyMember>,
}

impl CustomerInput {
    /// A customer known only from a website enquiry.
    pub fn web_enquiry(name: &str, phone: &str, email: Option<&str>, store: Uuid) -> Self {
        CustomerInput {
            name: name.into(),
            phones: vec![phone.into()],
            email: email
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(String::from),
            gender: None,
            birth_date: None,
            anniversary: None,
            address: None,
            city: None,
            area: None,
            postal_code: None,
            language: None,
            community: None,
            customer_type: None,
            preferences: JewelleryPreferences::default(),
            budget_band: None,
            tier: None,
            tags: vec!["web-enquiry".into()],
            consent: ConsentInput::default(),
            dnd: false,
            home_store_id: Some(store),
            family: vec![],
        }
    }
}

/// International dialling codes of the tenant countries we serve; other
/// countries must enter numbers with `+`.
const CALLING_CODES: [(&str, &str); 17] = [
    ("IN", "91"),
    ("US", "1"),
    ("CA", "1"),
    ("GB", "44"),
    ("AE", "971"),
    ("SG", "65"),
    ("AU", "61"),
    ("NZ", "64"),
    ("MY", "60"),
    ("SA", "966"),
    ("QA", "974"),
    ("KW", "965"),
    ("OM", "968"),
    ("BH", "973"),
    ("NP", "977"),
    ("LK", "94"),
    ("BD", "880"),
];

fn calling_code(country: &str) -> Option<&'static str> {
    CALLING_CODES
        .iter()
        .find(|(c, _)| *c == country)
        .map(|(_, code)| *code)
}

/// Normalises a phone to E.164 using the tenant's country for national numbers.
pub fn normalise_phone(v: &mut Validator, field: &str, raw: &str, country: &str) -> Option<String> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    let international = if let Some(rest) = compact.strip_prefix("00") {
        format!("+{rest}")
    } else if compact.starts_with('+') {
        compact
    } else {
        match calling_code(country) {
            Some(code) => format!("+{code}{}", compact.trim_start_matches('0')),
            None => compact,
        }
    };
    if raw.chars().count() > 32 {
        v.check(false, field, "is too long for a phone number");
        return None;
    }
    crate::users::parse_phone(v, field, Some(&international))
}

/// A validated profile, ready to store.
struct Clean {
    phones: Vec<String>,
    email: Option<String>,
    tags: Vec<String>,
}

fn opt_trim(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

impl CustomerInput {
    fn validate(&self, country: &str) -> Result<Clean, ApiError> {
        let mut v = Validator::default();
        v.text("name", &self.name, 1, 120);
        v.check(
            (1..=5).contains(&self.phones.len()),
            "phones",
            "give 1 to 5 phone numbers",
        );
        let mut phones = Vec::new();
        for (i, p) in self.phones.iter().take(5).enumerate() {
            if let Some(p) = normalise_phone(&mut v, &format!("phones[{i}]"), p, country) {
                if phones.contains(&p) {
                    v.check(false, &format!("phones[{i}]"), "is listed twice");
                } else {
                    phones.push(p);
                }
            }
        }
        let email = opt_trim(&self.email).map(|e| crate::users::parse_email(&mut v, "email", &e));
        let today = Utc::now().date_naive();
        let past = |d: &Option<NaiveDate>| {
            d.is_none_or(|d| d <= today && d >= NaiveDate::from_ymd_opt(1900, 1, 1).unwrap())
        };
        v.check(past(&self.birth_date), "birth_date", "must be a past date");
        v.check(
            past(&self.anniversary),
            "anniversary",
            "must be a past date",
        );
        v.opt_text("address", self.address.as_deref(), 500)
            .opt_text("city", self.city.as_deref(), 100)
            .opt_text("area", self.area.as_deref(), 100)
            .opt_text("postal_code", self.postal_code.as_deref(), 12)
            .opt_text("language", self.language.as_deref(), 40)
            .opt_text("community", self.community.as_deref(), 60)
            .opt_text(
                "preferences.ring_size",
                self.preferences.ring_size.as_deref(),
                10,
            );
        let p = &self.preferences;
        v.check(
            p.metals.len() <= 10
                && p.purities.len() <= 10
                && p.stones.len() <= 20
                && p.categories.len() <= 20
                && p.styles.len() <= 5,
            "preferences",
            "too many choices",
        );
        v.check(self.tags.len() <= 30, "tags", "at most 30 tags");
        let mut tags: Vec<String> = Vec::new();
        for (i, t) in self.tags.iter().take(30).enumerate() {
            let t = t.trim().to_lowercase();
            let ok = (1..=40).contains(&t.chars().count())
                && t.chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'));
            v.check(
                ok,
                &format!("tags[{i}]"),
                "must be 1 to 40 letters, digits, spaces, - or _",
            );
            if ok && !tags.contains(&t) {
                tags.push(t);
            }
        }
        for (name, g) in [
            ("whatsapp", &self.consent.whatsapp),
            ("sms", &self.consent.sms),
            ("email", &self.consent.email),
            ("calls", &self.consent.calls),
        ] {
            if let Some(g) = g {
                v.text(&format!("consent.{name}.source"), &g.source, 1, 60);
                v.text(&format!("consent.{name}.text"), &g.text, 1, 500);
            }
        }
        v.check(
            self.family.len() <= 20,
            "family",
            "at most 20 family members",
        );
        for (i, f) in self.family.iter().take(20).enumerate() {
            v.text(&format!("family[{i}].name"), &f.name, 1, 120);
        }
        v.finish()?;
        Ok(Clean {
            phones,
            email,
            tags,
        })
    }

    /// The consent document after applying this input to `before`.
    fn consent_after(&self, before: &Consent, by: Uuid) -> Consent {
        let now = Utc::now();
        let stamp = |g: &Option<ConsentGrant>, old: &Option<ChannelConsent>| match g {
            Some(g) => Some(ChannelConsent {
                granted: g.granted,
                at: now,
                source: g.source.trim().to_string(),
                text: g.text.trim().to_string(),
                recorded_by: by,
            }),
            None => old.clone(),
        };
        Consent {
            whatsapp: stamp(&self.consent.whatsapp, &before.whatsapp),
            sms: stamp(&self.consent.sms, &before.sms),
            email: stamp(&self.consent.email, &before.email),
            calls: stamp(&self.consent.calls, &before.calls),
        }
    }
}

/// The tenant's country (for national phone numbers).
pub(crate) async fn tenant_country(c: &mut Conn, tenant: Uuid) -> Result<String, ApiError> {
    Ok(tenants::table
        .find(tenant)
        .select(tenants::country)
        .first(c)
        .await?)
}

/// Refuses phones that belong to another customer, pointing at them.
async fn check_phones_free(
    c: &mut Conn,
    phones: &[String],
    except: Option<Uuid>,
) -> Result<(), ApiError> {
    let found: Vec<(String, Uuid)> = customer_phones::table
        .filter(customer_phones::phone.eq_any(phones))
        .select((customer_phones::phone, customer_phones::customer_id))
        .load(c)
        .await?;
    let taken = found.into_iter().find(|(_, owner)| Some(*owner) != except);
    match taken {
        Some((phone, existing_id)) => Err(ApiError::Duplicate {
            detail: format!("{phone} already belongs to another customer."),
            existing_id,
            field: format!(
                "phones[{}]",
                phones.iter().position(|p| *p == phone).unwrap_or(0)
            ),
        }),
        None => Ok(()),
    }
}

/// 422 on `field` unless the store exists in the tenant.
pub(crate) async fn store_exists(c: &mut Conn, field: &str, store: Uuid) -> Result<(), ApiError> {
    let found: i64 = stores::table
        .filter(stores::id.eq(store))
        .count()
        .get_result(c)
        .await?;
    if found == 0 {
        return Err(ApiError::invalid(field, "no such store"));
    }
    Ok(())
}

/// 422 on `field` unless an active user of the tenant has this id.
pub(crate) async fn active_user_exists(
    c: &mut Conn,
    field: &str,
    user: Uuid,
) -> Result<(), ApiError> {
    use crate::db::schema::users;
    let found: i64 = users::table
        .filter(users::id.eq(user))
        .filter(users::active.eq(true))
        .count()
        .get_result(c)
        .await?;
    if found == 0 {
        return Err(ApiError::invalid(field, "no such user"));
    }
    Ok(())
}

/// Checks the home store (exists; for store-scoped callers, one of theirs).
async fn check_home_store(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    store: Uuid,
) -> Result<(), ApiError> {
    store_exists(c, "home_store_id", store).await?;
    if scope != Scope::Tenant && !auth.in_store(store) {
        return Err(ApiError::invalid(
            "home_store_id",
            "choose one of your own stores",
        ));
    }
    Ok(())
}

async fn check_family_links(
    c: &mut Conn,
    family: &[FamilyMember],
    own: Option<Uuid>,
) -> Result<(), ApiError> {
    for (i, f) in family.iter().enumerate() {
        if let Some(linked) = f.linked_customer_id {
            let n: i64 = customers::table
                .filter(customers::id.eq(linked))
                .filter(customers::deleted_at.is_null())
                .count()
                .get_result(c)
                .await?;
            if n == 0 || Some(linked) == own {
                return Err(ApiError::invalid(
                    &format!("family[{i}].linked_customer_id"),
                    "no such customer",
                ));
            }
        }
    }
    Ok(())
}

async fn write_phones_and_family(
    c: &mut Conn,
    tenant: Uuid,
    id: Uuid,
    phones: &[String],
    family: &[FamilyMember],
) -> Result<(), ApiError> {
    diesel::delete(customer_phones::table.filter(customer_phones::customer_id.eq(id)))
        .execute(c)
        .await?;
    let rows: Vec<_> = phones
        .iter()
        .map(|p| {
            (
                customer_phones::tenant_id.eq(tenant),
                customer_phones::phone.eq(p),
                customer_phones::customer_id.eq(id),
            )
        })
        .collect();
    diesel::insert_into(customer_phones::table)
        .values(rows)
        .execute(c)
        .await?;
    diesel::delete(customer_family::table.filter(customer_family::customer_id.eq(id)))
        .execute(c)
        .await?;
    let rows: Vec<_> = family
        .iter()
        .map(|f| {
            (
                customer_family::id.eq(Uuid::now_v7()),
                customer_family::tenant_id.eq(tenant),
                customer_family::customer_id.eq(id),
                customer_family::name.eq(f.name.trim().to_string()),
                customer_family::relation.eq(f.relation.as_str()),
                customer_family::linked_customer_id.eq(f.linked_customer_id),
                customer_family::birth_date.eq(f.birth_date),
                customer_family::anniversary.eq(f.anniversary),
                customer_family::wedding_date.eq(f.wedding_date),
            )
        })
        .collect();
    diesel::insert_into(customer_family::table)
        .values(rows)
        .execute(c)
        .await?;
    Ok(())
}

fn customer_audience(c: &Customer) -> Audience {
    Audience::Stores {
        stores: vec![c.home_store_id],
    }
}

/// Creates a customer inside the caller's transaction (also used when a visit
/// brings a new customer). Refuses a phone another customer already has.
pub async fn insert(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    tenant: Uuid,
    input: &CustomerInput,
) -> Result<Customer, ApiError> {
    let country = tenant_country(c, tenant).await?;
    let clean = input.validate(&country)?;
    let first_store = match scope {
        // Business admins belong to no store: the tenant's first one.
        Scope::Tenant => stores::table
            .filter(stores::active.eq(true))
            .order(stores::created_at)
            .select(stores::id)
            .first(c)
            .await
            .optional()?,
        _ => <[Uuid]>::first(&auth.store_ids).copied(),
    };
    let home = input
        .home_store_id
        .or(first_store)
        .ok_or_else(|| ApiError::invalid("home_store_id", "choose the customer's home store"))?;
    check_home_store(c, auth, scope, home).await?;
    check_phones_free(c, &clean.phones, None).await?;
    check_family_links(c, &input.family, None).await?;
    let id = Uuid::now_v7();
    let consent = input.consent_after(&Consent::default(), auth.user_id);
    diesel::insert_into(customers::table)
        .values((
            customers::id.eq(id),
            customers::tenant_id.eq(tenant),
            customers::name.eq(input.name.trim()),
            customers::phones.eq(&clean.phones),
            customers::email.eq(&clean.email),
            customers::gender.eq(input.gender.map(Gender::as_str)),
            customers::birth_date.eq(input.birth_date),
            customers::anniversary.eq(input.anniversary),
            customers::address.eq(opt_trim(&input.address)),
            customers::city.eq(opt_trim(&input.city)),
            customers::area.eq(opt_trim(&input.area)),
            customers::postal_code.eq(opt_trim(&input.postal_code)),
            customers::language.eq(opt_trim(&input.language)),
            customers::community.eq(opt_trim(&input.community)),
            customers::customer_type.eq(input
                .customer_type
                .unwrap_or(CustomerType::Individual)
                .as_str()),
            customers::preferences.eq(json!(input.preferences)),
            customers::budget_band.eq(input.budget_band.map(BudgetBand::as_str)),
            customers::tier.eq(input.tier.unwrap_or(Tier::General).as_str()),
            customers::tags.eq(&clean.tags),
            customers::consent.eq(json!(consent)),
            customers::dnd.eq(input.dnd),
            customers::home_store_id.eq(home),
            customers::created_by.eq((!auth.user_id.is_nil()).then_some(auth.user_id)),
        ))
        .execute(c)
        .await?;
    write_phones_and_family(c, tenant, id, &clean.phones, &input.family).await?;
    crate::segments::apply_auto_tags(c, tenant, Some(&[id])).await?;
    let row = customers::table
        .find(id)
        .select(CustomerRow::as_select())
        .first(c)
        .await?;
    let customer = load(c, row).await?;
    emit(
        c,
        tenant,
        "customers",
        "customer.created",
        json!({ "id": id, "name": customer.name, "home_store_id": home }),
        &customer_audience(&customer),
    )
    .await?;
    audit::record(
        c,
        &auth.actor(),
        Some(tenant),
        Change {
            entity: "customer",
            entity_id: Some(id.to_string()),
            action: "create",
            changes: Some(audit::created(&customer)),
        },
    )
    .await?;
    Ok(customer)
}

/// Create a customer. A phone that another customer has is a 409 naming them.
#[utoipa::path(
    operation_id = "customers_create",
    post, path = "/api/v1/customers", tag = "customers", request_body = CustomerInput,
    responses((status = 201, body = Customer), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers")]
pub async fn create(
    state: web::Data<AppState>,
    auth: Auth,
    body: Json<CustomerInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::CustomersWrite)?;
    let tenant = auth.tenant()?;
    let customer = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            insert(c, &auth, scope, tenant, &body.0).await
        })
        .await?;
    Ok(HttpResponse::Created().json(customer))
}

/// Customer list filters.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerFilter {
    /// Name, e-mail or phone fragment (case-insensitive).
    pub q: Option<String>,
    pub tag: Option<String>,
    pub city: Option<String>,
    pub tier: Option<Tier>,
    /// Home store.
    pub store_id: Option<Uuid>,
}

/// The E.164 numbers a typed whole phone number can be: as given with `+`,
/// or national in any of the countries we serve. `None` for anything shorter
/// than ten digits (searched as a fragment instead).
fn full_phone_candidates(needle: &str) -> Option<Vec<String>> {
    let digits = needle.strip_prefix('+').unwrap_or(needle);
    if !(10..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut out = vec![format!("+{digits}")];
    if !needle.starts_with('+') {
        let national = digits.trim_start_matches('0');
        for (_, cc) in CALLING_CODES {
            let p = format!("+{cc}{national}");
            if p.len() <= 16 && !out.contains(&p) {
                out.push(p);
            }
        }
    }
    Some(out)
}

/// Search text as stored in `search_doc`: lower-case, and a phone fragment
/// without its spaces and dashes.
fn search_needle(q: &str) -> String {
    let q = q.trim().to_lowercase();
    let compact: String = q
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    if phone_like(&compact) { compact } else { q }
}

/// Digits, perhaps after a `+`: (a piece of) a phone number.
fn phone_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '+')
}

/// Applies the list filters (search text, tag, city, tier, home store).
pub fn apply_filter<'a, ST: 'static>(
    mut q: customers::BoxedQuery<'a, Pg, ST>,
    filter: &CustomerFilter,
) -> customers::BoxedQuery<'a, Pg, ST> {
    if let Some(text) = filter.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let needle = search_needle(text);
        match full_phone_candidates(&needle) {
            // A whole number: an exact lookup (digit trigrams are too common to be selective).
            Some(phones) => {
                q = q.filter(
                    customers::id.eq_any(
                        customer_phones::table
                            .filter(customer_phones::phone.eq_any(phones))
                            .select(customer_phones::customer_id),
                    ),
                )
            }
            None => {
                let pattern = crate::http::extract::contains_pattern(&needle);
                q = q.filter(customers::search_doc.like(pattern));
            }
        }
    }
    if let Some(t) = &filter.tag {
        let t = vec![t.trim().to_lowercase()];
        q = q.filter(
            customers::tags
                .contains(t.clone())
                .or(customers::auto_tags.contains(t)),
        );
    }
    if let Some(city) = &filter.city {
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Text>("lower(customers.city)")
                .eq(city.trim().to_lowercase()),
        );
    }
    if let Some(t) = filter.tier {
        q = q.filter(customers::tier.eq(t.as_str()));
    }
    if let Some(s) = filter.store_id {
        q = q.filter(customers::home_store_id.eq(s));
    }
    let filtered = filter.q.as_deref().is_some_and(|t| !t.trim().is_empty())
        || filter.tag.is_some()
        || filter.city.is_some()
        || filter.tier.is_some()
        || filter.store_id.is_some();
    if filtered {
        // Planned afresh on every call (diesel never caches a statement with
        // an SQL literal). Which index is fastest depends on how common the
        // value is: walking the newest ids finds 50 Patils at once but would
        // read a million rows for a rare e-mail, where the trigram index is
        // instant. A cached generic plan would pick one path for every value.
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("TRUE"));
    }
    q
}

/// How many of the newest customers [`rare_tag`] looks at.
const TAG_PROBE: i64 = 10_000;
/// Matches among them that make a tag common: a default page and one more.
const TAG_PAGE: i64 = 51;

/// Whether a tag is too rare among the newest customers for a search to walk
/// them: fewer than [`TAG_PAGE`] of the newest [`TAG_PROBE`] carry it. The
/// probe stops at [`TAG_PAGE`], so a common tag costs it a millisecond, a rare
/// one a few.
///
/// PostgreSQL cannot tell from its statistics: it hides their common values
/// from the app role (row-level security) and estimates a tag it does not list
/// at half the rarest one it does, so it walked the newest ids for a tag nobody
/// has through a million customers (600 ms). The tag indexes answer that in a
/// millisecond, but building their bitmap for a tag a twentieth of customers
/// carry takes 10 ms, where the walk finds a page at once.
async fn rare_tag(c: &mut Conn, tenant: Uuid, tag: &str) -> Result<bool, ApiError> {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let seen: N = diesel::sql_query(
        "SELECT count(*) AS n FROM (
           SELECT 1 FROM (SELECT tags, auto_tags FROM customers
                           WHERE tenant_id = $1 AND deleted_at IS NULL
                           ORDER BY id DESC LIMIT $2) newest
            WHERE tags @> $3 OR auto_tags @> $3 LIMIT $4) s",
    )
    .bind::<diesel::sql_types::Uuid, _>(tenant)
    .bind::<diesel::sql_types::BigInt, _>(TAG_PROBE)
    .bind::<diesel::sql_types::Array<diesel::sql_types::Text>, _>(vec![tag.trim().to_lowercase()])
    .bind::<diesel::sql_types::BigInt, _>(TAG_PAGE)
    .get_result(c)
    .await?;
    Ok(seen.n < TAG_PAGE)
}

/// One page of the list, newest first.
///
/// Filtered lists are planned per call ([`apply_filter`]): with the
/// 1,000-entry histogram of `search_doc`, PostgreSQL walks the newest ids for
/// a common name and uses the trigram index for a rare one. Digits and e-mail
/// fragments are the exception: they share long runs (every mobile starts with
/// the same few digits, every address ends the same way), so the histogram
/// can call a fragment that twenty customers have common, and the walk then
/// reads the whole tenant. They always go through the trigram index.
async fn list_page(
    c: &mut Conn,
    auth: &Auth,
    scope: Scope,
    filter: &CustomerFilter,
    cursor: Option<Uuid>,
    limit: i64,
) -> Result<Vec<SummaryRow>, ApiError> {
    let needle = filter.q.as_deref().map(search_needle).unwrap_or_default();
    let mut index_only =
        full_phone_candidates(&needle).is_none() && (needle.contains('@') || phone_like(&needle));
    // With text to match as well, the text's own statistics guide the plan.
    if needle.is_empty()
        && let Some(tag) = &filter.tag
    {
        index_only = rare_tag(c, auth.tenant()?, tag).await?;
    }
    if index_only {
        c.batch_execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
            .await?;
    }
    let mut q = customers::table
        .filter(customers::deleted_at.is_null())
        .select(SummaryRow::as_select())
        .into_boxed();
    q = scoped(q, auth, scope);
    q = apply_filter(q, filter);
    if let Some(cur) = cursor {
        q = q.filter(customers::id.lt(cur));
    }
    Ok(q.order(customers::id.desc())
        .limit(limit + 1)
        .load(c)
        .await?)
}

/// Customers the caller may see, newest first, with search and filters.
#[utoipa::path(
    operation_id = "customers_list",
    get, path = "/api/v1/customers", tag = "customers", params(CustomerFilter, PageParams),
    responses((status = 200, body = Page<CustomerSummary>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers")]
pub async fn list(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<CustomerFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<CustomerSummary>>, ApiError> {
    let scope = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let mut v = Validator::default();
    v.opt_text("q", filter.q.as_deref(), 100)
        .opt_text("tag", filter.tag.as_deref(), 40)
        .opt_text("city", filter.city.as_deref(), 100);
    v.finish()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let rows = list_page(c, &auth, scope, &filter, cursor, limit).await?;
            Ok(rows
                .into_iter()
                .map(CustomerSummary::from)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |s| s.id)))
}

/// A customer's full profile (telecallers get the call card). Every read is
/// written to the access log.
#[utoipa::path(
    operation_id = "customers_get_one",
    get, path = "/api/v1/customers/{id}", tag = "customers",
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Customer>, ApiError> {
    let scope = auth.require(Permission::CustomersRead)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let customer = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let row = visible_row(c, &auth, scope, id).await?;
            let customer = load(c, row).await?;
            // One entry per person and customer per five minutes: refetches
            // of an open profile are the same view.
            let recent: i64 = customer_access_log::table
                .filter(customer_access_log::customer_id.eq(id))
                .filter(customer_access_log::user_id.eq(auth.user_id))
                .filter(customer_access_log::at.gt(Utc::now() - chrono::Duration::minutes(5)))
                .count()
                .get_result(c)
                .await?;
            if recent == 0 {
                diesel::insert_into(customer_access_log::table)
                    .values((
                        customer_access_log::id.eq(Uuid::now_v7()),
                        customer_access_log::tenant_id.eq(tenant),
                        customer_access_log::customer_id.eq(id),
                        customer_access_log::user_id.eq(auth.user_id),
                        customer_access_log::ip.eq(auth.meta.ip.as_deref()),
                    ))
                    .execute(c)
                    .await?;
            }
            Ok(customer)
        })
        .await?;
    Ok(web::Json(if scope == Scope::Own {
        customer.limit_to_call_card()
    } else {
        customer
    }))
}

/// Replace a customer's profile. Consent channels not given keep their record.
#[utoipa::path(
    operation_id = "customers_update",
    put, path = "/api/v1/customers/{id}", tag = "customers", request_body = CustomerInput,
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[put("/customers/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<CustomerInput>,
) -> Result<web::Json<Customer>, ApiError> {
    let scope = auth.require(Permission::CustomersWrite)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let input = body.0;
    let customer = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let row = visible_row(c, &auth, scope, id).await?;
            let before = load(c, row).await?;
            let country = tenant_country(c, tenant).await?;
            let clean = input.validate(&country)?;
            let home = input.home_store_id.unwrap_or(before.home_store_id);
            if home != before.home_store_id {
                check_home_store(c, &auth, scope, home).await?;
            }
            check_phones_free(c, &clean.phones, Some(id)).await?;
            check_family_links(c, &input.family, Some(id)).await?;
            let consent = input.consent_after(&before.consent, auth.user_id);
            diesel::update(customers::table.find(id))
                .set((
                    customers::name.eq(input.name.trim()),
                    customers::phones.eq(&clean.phones),
                    customers::email.eq(&clean.email),
                    customers::gender.eq(input.gender.map(Gender::as_str)),
                    customers::birth_date.eq(input.birth_date),
                    customers::anniversary.eq(input.anniversary),
                    customers::address.eq(opt_trim(&input.address)),
                    customers::city.eq(opt_trim(&input.city)),
                    customers::area.eq(opt_trim(&input.area)),
                    customers::postal_code.eq(opt_trim(&input.postal_code)),
                    customers::language.eq(opt_trim(&input.language)),
                    customers::community.eq(opt_trim(&input.community)),
                    customers::customer_type.eq(input
                        .customer_type
                        .unwrap_or(CustomerType::Individual)
                        .as_str()),
                    customers::preferences.eq(json!(input.preferences)),
                    customers::budget_band.eq(input.budget_band.map(BudgetBand::as_str)),
                    customers::tier.eq(input.tier.unwrap_or(before.tier).as_str()),
                    customers::tags.eq(&clean.tags),
                    customers::consent.eq(json!(consent)),
                    customers::dnd.eq(input.dnd),
                    customers::home_store_id.eq(home),
                    customers::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            write_phones_and_family(c, tenant, id, &clean.phones, &input.family).await?;
            crate::segments::apply_auto_tags(c, tenant, Some(&[id])).await?;
            let row = visible_row(c, &auth, Scope::Tenant, id).await?;
            let after = load(c, row).await?;
            let mut stores = vec![before.home_store_id];
            stores.push(after.home_store_id);
            emit(
                c,
                tenant,
                "customers",
                "customer.updated",
                json!({ "id": id, "name": after.name, "home_store_id": after.home_store_id }),
                &Audience::Stores { stores },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: Some(id.to_string()),
                    action: "update",
                    changes: Some(audit::diff(&before, &after)),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(customer))
}

/// Move a customer to the trash (restorable until the tenant's retention passes).
#[utoipa::path(
    operation_id = "customers_delete",
    delete, path = "/api/v1/customers/{id}", tag = "customers",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
#[delete("/customers/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::CustomersDelete)?;
    let tenant = auth.tenant()?;
    let id = *id;
    state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let row = visible_row(c, &auth, scope, id).await?;
            diesel::update(customers::table.find(id))
                .set((
                    customers::deleted_at.eq(diesel::dsl::now),
                    customers::deleted_by.eq(auth.user_id),
                ))
                .execute(c)
                .await?;
            emit(
                c,
                tenant,
                "customers",
                "customer.deleted",
                json!({ "id": id }),
                &Audience::Stores {
                    stores: vec![row.home_store_id],
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: Some(id.to_string()),
                    action: "delete",
                    changes: None,
                },
            )
            .await
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Trashed customers (not merged ones), most recently deleted first.
#[utoipa::path(
    operation_id = "customers_trash",
    get, path = "/api/v1/customers/trash", tag = "customers", params(PageParams),
    responses((status = 200, body = Page<CustomerSummary>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/trash")]
pub async fn trash(
    state: web::Data<AppState>,
    auth: Auth,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<CustomerSummary>>, ApiError> {
    let scope = auth.require(Permission::CustomersDelete)?;
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = customers::table
                .filter(customers::deleted_at.is_not_null())
                .filter(customers::merged_into.is_null())
                .select(SummaryRow::as_select())
                .into_boxed();
            q = scoped(q, &auth, scope);
            if let Some(cur) = cursor {
                q = q.filter(customers::id.lt(cur));
            }
            let rows: Vec<SummaryRow> = q
                .order(customers::id.desc())
                .limit(limit + 1)
                .load(c)
                .await?;
            Ok(rows
                .into_iter()
                .map(CustomerSummary::from)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |s| s.id)))
}

/// Restore a trashed customer.
#[utoipa::path(
    operation_id = "customers_restore",
    post, path = "/api/v1/customers/{id}/restore", tag = "customers",
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/{id}/restore")]
pub async fn restore(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Customer>, ApiError> {
    let scope = auth.require(Permission::CustomersDelete)?;
    let tenant = auth.tenant()?;
    let id = *id;
    let customer = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let q = customers::table
                .filter(customers::id.eq(id))
                .filter(customers::deleted_at.is_not_null())
                .select(CustomerRow::as_select())
                .into_boxed();
            let row: CustomerRow = scoped(q, &auth, scope).first(c).await?;
            if row.merged_into.is_some() {
                return Err(ApiError::Conflict(
                    "This customer was merged into another one and cannot be restored.".into(),
                ));
            }
            diesel::update(customers::table.find(id))
                .set((
                    customers::deleted_at.eq(None::<DateTime<Utc>>),
                    customers::deleted_by.eq(None::<Uuid>),
                    customers::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            crate::segments::apply_auto_tags(c, tenant, Some(&[id])).await?;
            let customer = {
                let row = visible_row(c, &auth, Scope::Tenant, id).await?;
                load(c, row).await?
            };
            emit(
                c,
                tenant,
                "customers",
                "customer.restored",
                json!({ "id": id, "name": customer.name }),
                &customer_audience(&customer),
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: Some(id.to_string()),
                    action: "restore",
                    changes: None,
                },
            )
            .await?;
            Ok(customer)
        })
        .await?;
    Ok(web::Json(customer))
}

/// Which record to fold into this one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeInput {
    /// The duplicate: its visits, leads, appointments, notes, phones and family
    /// move here, blanks are filled from it, and it goes to the trash.
    pub duplicate_id: Uuid,
}

/// Merge a duplicate customer into this one (audited on both).
#[utoipa::path(
    operation_id = "customers_merge",
    post, path = "/api/v1/customers/{id}/merge", tag = "customers", request_body = MergeInput,
    responses((status = 200, body = Customer), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/{id}/merge")]
pub async fn merge(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<MergeInput>,
) -> Result<web::Json<Customer>, ApiError> {
    use crate::db::schema::{appointments, customer_notes};
    let scope = auth.require(Permission::CustomersDelete)?;
    let tenant = auth.tenant()?;
    let (keep_id, dup_id) = (*id, body.0.duplicate_id);
    if keep_id == dup_id {
        return Err(ApiError::invalid(
            "duplicate_id",
            "a customer cannot be merged into itself",
        ));
    }
    let customer = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let keep = {
                let row = visible_row(c, &auth, scope, keep_id).await?;
                load(c, row).await?
            };
            let dup_row = visible_row(c, &auth, scope, dup_id)
                .await
                .map_err(|_| ApiError::invalid("duplicate_id", "no such customer"))?;
            let dup = load(c, dup_row).await?;
            let mut phones = keep.phones.clone();
            for p in &dup.phones {
                if !phones.contains(p) {
                    phones.push(p.clone());
                }
            }
            if phones.len() > 5 {
                return Err(ApiError::Conflict(
                    "Together these customers have more than 5 phone numbers; remove some first."
                        .into(),
                ));
            }
            let mut tags = keep.tags.clone();
            for t in &dup.tags {
                if !tags.contains(t) && tags.len() < 30 {
                    tags.push(t.clone());
                }
            }
            diesel::update(visit_rows::table.filter(visit_rows::customer_id.eq(dup_id)))
                .set(visit_rows::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(leads::table.filter(leads::customer_id.eq(dup_id)))
                .set(leads::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(appointments::table.filter(appointments::customer_id.eq(dup_id)))
                .set(appointments::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(customer_notes::table.filter(customer_notes::customer_id.eq(dup_id)))
                .set(customer_notes::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(customer_family::table.filter(customer_family::customer_id.eq(dup_id)))
                .set(customer_family::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(
                customer_family::table.filter(customer_family::linked_customer_id.eq(dup_id)),
            )
            .set(customer_family::linked_customer_id.eq(keep_id))
            .execute(c)
            .await?;
            // A member linked to the survivor itself is no longer family of itself.
            diesel::delete(
                customer_family::table
                    .filter(customer_family::customer_id.eq(keep_id))
                    .filter(customer_family::linked_customer_id.eq(keep_id)),
            )
            .execute(c)
            .await?;
            diesel::update(customer_phones::table.filter(customer_phones::customer_id.eq(dup_id)))
                .set(customer_phones::customer_id.eq(keep_id))
                .execute(c)
                .await?;
            diesel::update(customers::table.find(dup_id))
                .set((
                    customers::deleted_at.eq(diesel::dsl::now),
                    customers::deleted_by.eq(auth.user_id),
                    customers::merged_into.eq(keep_id),
                ))
                .execute(c)
                .await?;
            diesel::update(customers::table.find(keep_id))
                .set((
                    customers::phones.eq(&phones),
                    customers::tags.eq(&tags),
                    customers::email.eq(keep.email.clone().or(dup.email.clone())),
                    customers::birth_date.eq(keep.birth_date.or(dup.birth_date)),
                    customers::anniversary.eq(keep.anniversary.or(dup.anniversary)),
                    customers::city.eq(keep.city.clone().or(dup.city.clone())),
                    customers::address.eq(keep.address.clone().or(dup.address.clone())),
                    customers::lifetime_value.eq(keep.lifetime_value + dup.lifetime_value),
                    customers::last_purchase_at.eq(keep.last_purchase_at.max(dup.last_purchase_at)),
                    customers::dnd.eq(keep.dnd || dup.dnd),
                    customers::updated_at.eq(diesel::dsl::now),
                ))
                .execute(c)
                .await?;
            crate::segments::apply_auto_tags(c, tenant, Some(&[keep_id])).await?;
            let after = {
                let row = visible_row(c, &auth, Scope::Tenant, keep_id).await?;
                load(c, row).await?
            };
            emit(
                c,
                tenant,
                "customers",
                "customer.merged",
                json!({ "id": keep_id, "duplicate_id": dup_id }),
                &Audience::Stores {
                    stores: vec![keep.home_store_id, dup.home_store_id],
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: Some(keep_id.to_string()),
                    action: "merge",
                    changes: Some(json!({ "merged": dup, "diff": audit::diff(&keep, &after) })),
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer",
                    entity_id: Some(dup_id.to_string()),
                    action: "merged_into",
                    changes: Some(json!({ "into": keep_id })),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(web::Json(customer))
}

/// A note on a customer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
}

/// A stored note.
#[derive(Debug, Serialize, ToSchema, Queryable, Selectable)]
#[diesel(table_name = customer_notes)]
pub struct CustomerNote {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// Add a note to a customer's timeline.
#[utoipa::path(
    operation_id = "customers_add_note",
    post, path = "/api/v1/customers/{id}/notes", tag = "customers", request_body = NoteInput,
    responses((status = 201, body = CustomerNote), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
#[post("/customers/{id}/notes")]
pub async fn add_note(
    state: web::Data<AppState>,
    auth: Auth,
    id: web::Path<Uuid>,
    body: Json<NoteInput>,
) -> Result<HttpResponse, ApiError> {
    let scope = auth.require(Permission::CustomersWrite)?;
    let tenant = auth.tenant()?;
    let body = body.0;
    let mut v = Validator::default();
    v.text("body", &body.body, 1, 4000);
    v.finish()?;
    let id = *id;
    let note = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let row = visible_row(c, &auth, scope, id).await?;
            let note: CustomerNote = diesel::insert_into(customer_notes::table)
                .values((
                    customer_notes::id.eq(Uuid::now_v7()),
                    customer_notes::tenant_id.eq(tenant),
                    customer_notes::customer_id.eq(id),
                    customer_notes::author_id.eq(auth.user_id),
                    customer_notes::body.eq(body.body.trim()),
                ))
                .returning(CustomerNote::as_returning())
                .get_result(c)
                .await?;
            emit(
                c,
                tenant,
                "customers",
                "customer.noted",
                json!({ "id": id, "note_id": note.id }),
                &Audience::Stores {
                    stores: vec![row.home_store_id],
                },
            )
            .await?;
            audit::record(
                c,
                &auth.actor(),
                Some(tenant),
                Change {
                    entity: "customer_note",
                    entity_id: Some(note.id.to_string()),
                    action: "create",
                    changes: Some(audit::created(&note)),
                },
            )
            .await?;
            Ok(note)
        })
        .await?;
    Ok(HttpResponse::Created().json(note))
}

/// One profile view.
#[derive(Debug, Serialize, ToSchema, Queryable)]
pub struct AccessEntry {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub customer_name: String,
    pub user_id: Uuid,
    pub user_name: String,
    pub ip: Option<String>,
    pub at: DateTime<Utc>,
}

/// Access log filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessFilter {
    pub customer_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Who opened which customer's profile, newest first (business admins).
#[utoipa::path(
    operation_id = "customers_access_log",
    get, path = "/api/v1/customers/access-log", tag = "customers", params(AccessFilter, PageParams),
    responses((status = 200, body = Page<AccessEntry>), (status = 403, body = Problem)),
    security(("bearer" = []))
)]
#[get("/customers/access-log")]
pub async fn access_log(
    state: web::Data<AppState>,
    auth: Auth,
    filter: web::Query<AccessFilter>,
    page: web::Query<PageParams>,
) -> Result<web::Json<Page<AccessEntry>>, ApiError> {
    use crate::db::schema::users;
    if auth.require(Permission::AuditRead)? != Scope::Tenant {
        return Err(ApiError::Forbidden);
    }
    let tenant = auth.tenant()?;
    let limit = page.limit()?;
    let cursor = page.cursor()?;
    let rows = state
        .db
        .tenant_tx(tenant, auth.user_id, async |c| {
            let mut q = customer_access_log::table
                .inner_join(customers::table.on(customers::id.eq(customer_access_log::customer_id)))
                .inner_join(users::table.on(users::id.eq(customer_access_log::user_id)))
                .select((
                    customer_access_log::id,
                    customer_access_log::customer_id,
                    customers::name,
                    customer_access_log::user_id,
                    users::name,
                    customer_access_log::ip,
                    customer_access_log::at,
                ))
                .into_boxed();
            if let Some(x) = filter.customer_id {
                q = q.filter(customer_access_log::customer_id.eq(x));
            }
            if let Some(x) = filter.user_id {
                q = q.filter(customer_access_log::user_id.eq(x));
            }
            if let Some(x) = filter.from {
                q = q.filter(customer_access_log::at.ge(x));
            }
            if let Some(x) = filter.to {
                q = q.filter(customer_access_log::at.lt(x));
            }
            if let Some(cur) = cursor {
                q = q.filter(customer_access_log::id.lt(cur));
            }
            let rows: Vec<AccessEntry> = q
                .order(customer_access_log::id.desc())
                .limit(limit + 1)
                .load(c)
                .await?;
            Ok(rows)
        })
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |e| e.id)))
}

/// Job kind that hard-deletes customers past their tenant's trash retention.
pub const PURGE_JOB: &str = "customers.purge";

/// Purges trashed customers older than each tenant's retention, across tenants
/// on the platform path; one audit row per tenant and purge.
pub async fn purge_job(
    db: crate::db::Db,
    storage: std::sync::Arc<dyn crate::storage::Storage>,
    _job: crate::jobs::Job,
) -> crate::jobs::JobResult {
    #[derive(QueryableByName)]
    struct Purged {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        tenant_id: Uuid,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    #[derive(QueryableByName)]
    struct Key {
        #[diesel(sql_type = diesel::sql_types::Text)]
        storage_key: String,
    }
    const DUE: &str = "SELECT c.id FROM customers c JOIN tenants t ON t.id = c.tenant_id
        WHERE c.deleted_at IS NOT NULL
          AND c.deleted_at < now() - make_interval(days => t.trash_retention_days)";
    let keys = db
        .platform_tx(async |c| {
            // The photos' files go once their rows are gone (after commit).
            let keys: Vec<Key> = diesel::sql_query(format!(
                "SELECT p.storage_key FROM interest_photos p
                   JOIN visit_interests i ON i.id = p.interest_id
                   JOIN visits v ON v.id = i.visit_id
                  WHERE v.customer_id IN ({DUE})"
            ))
            .load(c)
            .await?;
            let purged: Vec<Purged> = diesel::sql_query(format!(
                "WITH gone AS (DELETE FROM customers WHERE id IN ({DUE}) RETURNING tenant_id)
                 SELECT tenant_id, count(*) AS n FROM gone GROUP BY tenant_id"
            ))
            .load(c)
            .await?;
            for p in purged {
                audit::record(
                    c,
                    &audit::Actor::default(),
                    Some(p.tenant_id),
                    Change {
                        entity: "customer",
                        entity_id: None,
                        action: "purge",
                        changes: Some(json!({ "purged": p.n })),
                    },
                )
                .await?;
            }
            Ok(keys)
        })
        .await
        .map_err(|e| format!("{e:?}"))?;
    for k in keys {
        if let Err(e) = storage.delete(&k.storage_key).await {
            tracing::warn!(error = %e, key = k.storage_key, "could not delete a purged photo");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_numbers_take_the_tenant_country() {
        let mut v = Validator::default();
        assert_eq!(
            normalise_phone(&mut v, "p", "098450 12345", "IN").as_deref(),
            Some("+919845012345")
        );
        assert_eq!(
            normalise_phone(&mut v, "p", "0091 98450-12345", "US").as_deref(),
            Some("+919845012345")
        );
        assert_eq!(
            normalise_phone(&mut v, "p", "(415) 555-0123", "US").as_deref(),
            Some("+14155550123")
        );
        assert!(v.finish().is_ok());
        normalise_phone(&mut v, "p", "12345", "IN");
        assert!(v.finish().is_err());
    }

    #[test]
    fn whole_numbers_are_looked_up_exactly() {
        let c = full_phone_candidates("9845012345").unwrap();
        assert!(c.contains(&"+919845012345".to_string()));
        assert!(c.contains(&"+19845012345".to_string()));
        assert_eq!(
            full_phone_candidates("+919845012345").unwrap(),
            vec!["+919845012345"]
        );
        assert_eq!(full_phone_candidates("45012"), None);
        assert_eq!(full_phone_candidates("lakshmi"), None);
    }

    #[test]
    fn search_needles() {
        assert_eq!(search_needle(" 98450 12345 "), "9845012345");
        assert_eq!(search_needle("Asha Rao"), "asha rao");
    }

    #[test]
    fn appointment_status_machine() {
        use AppointmentStatus::*;
        assert!(Scheduled.can_become(Confirmed));
        assert!(Confirmed.can_become(Completed));
        assert!(!Completed.can_become(Scheduled));
        assert!(!Cancelled.can_become(Confirmed));
        assert!(!Scheduled.can_become(Scheduled));
    }
}
