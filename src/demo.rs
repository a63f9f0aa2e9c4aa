//! Demo data: two jewellery businesses with one user of each role. Idempotent.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::auth::password;
use crate::auth::rbac::Role;
use crate::db::Db;
use crate::db::schema::{stores, tenants, user_stores, users};
use crate::http::error::ApiError;
use crate::tenants::NewTenant;

/// Password of every demo login.
pub const DEMO_PASSWORD: &str = "karat-demo-2026";

/// (email, name, role, phone, store codes)
type DemoUser = (
    &'static str,
    &'static str,
    Role,
    &'static str,
    &'static [&'static str],
);

const DEMO_USERS: [DemoUser; 7] = [
    (
        "owner@demo.test",
        "Priya Raghavan",
        Role::BusinessAdmin,
        "+919845012345",
        &[],
    ),
    (
        "manager@demo.test",
        "Arjun Mehta",
        Role::Manager,
        "+919900112233",
        &["BLR-MG"],
    ),
    (
        "sales@demo.test",
        "Kavya Iyer",
        Role::SalesRep,
        "+919886554433",
        &["BLR-MG"],
    ),
    (
        "telecaller@demo.test",
        "Rohit Sharma",
        Role::Telecaller,
        "+917019223344",
        &["BLR-MG"],
    ),
    (
        "telecaller2@demo.test",
        "Meena Pillai",
        Role::Telecaller,
        "+917019556677",
        &["BLR-MG"],
    ),
    (
        "marketing@demo.test",
        "Sneha Kulkarni",
        Role::Marketing,
        "+918123456789",
        &["BLR-MG", "CHN-TN"],
    ),
    (
        "manager2@demo.test",
        "Lakshmi Narayanan",
        Role::Manager,
        "+919444012345",
        &["CHN-TN"],
    ),
];

/// Loads the demo tenants and users unless they exist.
pub async fn load(db: &Db) -> anyhow::Result<()> {
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    db.platform_tx(async |c| {
        ensure_user(
            c,
            None,
            "platform@karat.test",
            "Karat Support",
            Role::PlatformAdmin,
            None,
            &hash,
            &[],
        )
        .await?;
        let demo = ensure_tenant(c, "Lakshmi Jewellers", "demo").await?;
        ensure_store(
            c,
            demo,
            "BLR-MG",
            "MG Road Showroom",
            "12, Mahatma Gandhi Road",
            "Bengaluru",
        )
        .await?;
        ensure_store(
            c,
            demo,
            "CHN-TN",
            "T. Nagar Showroom",
            "45, Usman Road, T. Nagar",
            "Chennai",
        )
        .await?;
        for (email, name, role, phone, codes) in DEMO_USERS {
            ensure_user(c, Some(demo), email, name, role, Some(phone), &hash, codes).await?;
        }
        ensure_customers(c, demo).await?;
        ensure_team(c, demo).await?;
        let other = ensure_tenant(c, "Kanchan Gold House", "other").await?;
        ensure_store(
            c,
            other,
            "PUN-FC",
            "FC Road Showroom",
            "8, Fergusson College Road",
            "Pune",
        )
        .await?;
        ensure_user(
            c,
            Some(other),
            "owner@other.test",
            "Vikram Joshi",
            Role::BusinessAdmin,
            Some("+919822098220"),
            &hash,
            &[],
        )
        .await?;
        Ok(())
    })
    .await
    .map_err(|e| anyhow::anyhow!("loading demo data: {e:?}"))?;
    tracing::info!("demo data ready");
    Ok(())
}

async fn ensure_tenant(c: &mut crate::db::Conn, name: &str, slug: &str) -> Result<Uuid, ApiError> {
    if let Some(id) = tenants::table
        .filter(tenants::slug.eq(slug))
        .select(tenants::id)
        .first(c)
        .await
        .optional()?
    {
        return Ok(id);
    }
    let t = NewTenant {
        name: name.into(),
        slug: slug.into(),
        country: None,
        currency: None,
        time_zone: None,
        locale: None,
        plan: Some("standard".into()),
    }
    .normalise()?;
    Ok(crate::tenants::insert(c, &t).await?.id)
}

async fn ensure_store(
    c: &mut crate::db::Conn,
    tenant: Uuid,
    code: &str,
    name: &str,
    address: &str,
    city: &str,
) -> Result<(), ApiError> {
    diesel::insert_into(stores::table)
        .values((
            stores::id.eq(Uuid::now_v7()),
            stores::tenant_id.eq(tenant),
            stores::code.eq(code),
            stores::name.eq(name),
            stores::address.eq(address),
            stores::city.eq(city),
            stores::time_zone.eq("Asia/Kolkata"),
        ))
        .on_conflict((stores::tenant_id, stores::code))
        .do_nothing()
        .execute(c)
        .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn ensure_user(
    c: &mut crate::db::Conn,
    tenant: Option<Uuid>,
    email: &str,
    name: &str,
    role: Role,
    phone: Option<&str>,
    hash: &str,
    store_codes: &[&str],
) -> Result<(), ApiError> {
    let exists: i64 = users::table
        .filter(users::email.eq(email))
        .count()
        .get_result(c)
        .await?;
    if exists > 0 {
        return Ok(());
    }
    let id = Uuid::now_v7();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(id),
            users::tenant_id.eq(tenant),
            users::email.eq(email),
            users::name.eq(name),
            users::role.eq(role.as_str()),
            users::phone.eq(phone),
            users::password_hash.eq(hash),
        ))
        .execute(c)
        .await?;
    if let Some(t) = tenant {
        let ids: Vec<Uuid> = stores::table
            .filter(stores::tenant_id.eq(t))
            .filter(stores::code.eq_any(store_codes))
            .select(stores::id)
            .load(c)
            .await?;
        let rows: Vec<_> = ids
            .into_iter()
            .map(|s| {
                (
                    user_stores::tenant_id.eq(t),
                    user_stores::user_id.eq(id),
                    user_stores::store_id.eq(s),
                )
            })
            .collect();
        diesel::insert_into(user_stores::table)
            .values(rows)
            .execute(c)
            .await?;
    }
    Ok(())
}

/// Prints the demo logins for a newcomer.
pub fn print_credentials() {
    println!("  Demo logins (password for all: {DEMO_PASSWORD}):");
    println!("    platform admin   platform@karat.test");
    for (email, name, role, _, _) in DEMO_USERS {
        println!(
            "    {:<16} {email:<24} {name}",
            role.as_str().replace('_', " ")
        );
    }
    println!(
        "    other tenant     owner@other.test         (business admin of Kanchan Gold House)\n"
    );
}

/// Demo customers: (name, phone, city, tier, tags, metals, categories, store code,
/// what they looked at, outcome, value).
type DemoCustomer = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    i64,
);

const DEMO_CUSTOMERS: [DemoCustomer; 10] = [
    (
        "Meenakshi Sundaram",
        "+919840011223",
        "Chennai",
        "vvip",
        &["bridal", "temple jewellery"],
        &["gold"],
        &["necklace_sets", "bangles"],
        "CHN-TN",
        "necklace_sets",
        "purchased",
        685000,
    ),
    (
        "Arjun Reddy",
        "+919845022334",
        "Bengaluru",
        "vip",
        &["diamond lover"],
        &["platinum", "gold"],
        &["rings"],
        "BLR-MG",
        "rings",
        "wants_more_discount",
        240000,
    ),
    (
        "Kavya Hegde",
        "+919880033445",
        "Bengaluru",
        "general",
        &["wedding 2027"],
        &["gold"],
        &["mangalsutra", "earrings"],
        "BLR-MG",
        "mangalsutra",
        "checking_other_jewellers",
        180000,
    ),
    (
        "Fathima Begum",
        "+919884044556",
        "Chennai",
        "vip",
        &[],
        &["gold"],
        &["bangles"],
        "CHN-TN",
        "bangles",
        "design_selected",
        320000,
    ),
    (
        "Rohit Agarwal",
        "+919900055667",
        "Bengaluru",
        "general",
        &["gifting"],
        &["silver"],
        &["pendants"],
        "BLR-MG",
        "pendants",
        "felt_less_variety",
        25000,
    ),
    (
        "Divya Krishnan",
        "+919941066778",
        "Chennai",
        "general",
        &[],
        &["rose_gold"],
        &["earrings"],
        "CHN-TN",
        "earrings",
        "purchased",
        48000,
    ),
    (
        "Sneha Patil",
        "+919945077889",
        "Bengaluru",
        "vip",
        &["diamond lover"],
        &["gold", "platinum"],
        &["necklace_sets"],
        "BLR-MG",
        "necklace_sets",
        "other",
        450000,
    ),
    (
        "Harish Chandran",
        "+919962088990",
        "Chennai",
        "general",
        &["investment"],
        &["gold"],
        &["coins"],
        "CHN-TN",
        "coins",
        "purchased",
        150000,
    ),
    (
        "Ananya Bhat",
        "+919986099001",
        "Bengaluru",
        "general",
        &["bridal"],
        &["gold"],
        &["necklace_sets", "bangles"],
        "BLR-MG",
        "bangles",
        "wants_more_discount",
        520000,
    ),
    (
        "Saravanan Pillai",
        "+919790010112",
        "Chennai",
        "vvip",
        &["temple jewellery"],
        &["gold"],
        &["chains"],
        "CHN-TN",
        "chains",
        "checking_other_jewellers",
        95000,
    ),
];

/// Demo customers with a visit each (and a lead where nothing was bought),
/// unless the tenant already has customers.
async fn ensure_customers(c: &mut crate::db::Conn, tenant: Uuid) -> Result<(), ApiError> {
    use crate::db::schema::{customer_phones, customers, leads, visit_interests, visits};
    let existing: i64 = customers::table
        .filter(customers::tenant_id.eq(tenant))
        .count()
        .get_result(c)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let sales: Uuid = users::table
        .filter(users::email.eq("sales@demo.test"))
        .select(users::id)
        .first(c)
        .await?;
    let telecaller: Uuid = users::table
        .filter(users::email.eq("telecaller@demo.test"))
        .select(users::id)
        .first(c)
        .await?;
    for (i, (name, phone, city, tier, tags, metals, categories, code, interest, outcome, value)) in
        DEMO_CUSTOMERS.into_iter().enumerate()
    {
        let store: Uuid = stores::table
            .filter(stores::tenant_id.eq(tenant))
            .filter(stores::code.eq(code))
            .select(stores::id)
            .first(c)
            .await?;
        let id = Uuid::now_v7();
        let at = chrono::Utc::now() - chrono::Duration::days(i as i64 * 3 + 1);
        let purchased = outcome == "purchased";
        diesel::insert_into(customers::table)
            .values((
                customers::id.eq(id),
                customers::tenant_id.eq(tenant),
                customers::name.eq(name),
                customers::phones.eq(vec![phone]),
                customers::city.eq(city),
                customers::tier.eq(tier),
                customers::tags.eq(tags),
                customers::preferences
                    .eq(serde_json::json!({ "metals": metals, "categories": categories })),
                customers::home_store_id.eq(store),
                customers::lifetime_value.eq(if purchased { value } else { 0 }),
                customers::last_purchase_at.eq(purchased.then_some(at)),
                customers::created_by.eq(sales),
            ))
            .execute(c)
            .await?;
        diesel::insert_into(customer_phones::table)
            .values((
                customer_phones::tenant_id.eq(tenant),
                customer_phones::phone.eq(phone),
                customer_phones::customer_id.eq(id),
            ))
            .execute(c)
            .await?;
        let visit = Uuid::now_v7();
        diesel::insert_into(visits::table)
            .values((
                visits::id.eq(visit),
                visits::tenant_id.eq(tenant),
                visits::customer_id.eq(id),
                visits::store_id.eq(store),
                visits::visited_at.eq(at),
                visits::attended_by.eq(sales),
                visits::reason.eq(if i % 2 == 0 { "wedding" } else { "gifting" }),
                visits::lead_source.eq(if i % 3 == 0 { "referral" } else { "walk_in" }),
                visits::created_by.eq(sales),
            ))
            .execute(c)
            .await?;
        diesel::insert_into(visit_interests::table)
            .values((
                visit_interests::id.eq(Uuid::now_v7()),
                visit_interests::tenant_id.eq(tenant),
                visit_interests::visit_id.eq(visit),
                visit_interests::category.eq(interest),
                visit_interests::expected_value.eq(value),
                visit_interests::outcome.eq(outcome),
                visit_interests::position.eq(0),
            ))
            .execute(c)
            .await?;
        if !purchased {
            // MG Road's first leads wait in Rohit's queue; the rest in the store backlog.
            let mine = code == "BLR-MG" && i % 2 == 0;
            diesel::insert_into(leads::table)
                .values((
                    leads::id.eq(Uuid::now_v7()),
                    leads::tenant_id.eq(tenant),
                    leads::customer_id.eq(id),
                    leads::store_id.eq(store),
                    leads::source.eq("visit"),
                    leads::visit_id.eq(visit),
                    leads::state.eq(if mine { "assigned" } else { "new" }),
                    leads::assigned_to.eq(mine.then_some(telecaller)),
                    leads::assigned_at.eq(mine.then_some(at)),
                    leads::created_at.eq(at),
                ))
                .execute(c)
                .await?;
        }
    }
    Ok(())
}

/// Demo team life: a floor channel with a thread, a pinned announcement, a
/// support ticket with Karat's answer, an escalation and some feedback.
async fn ensure_team(c: &mut crate::db::Conn, tenant: Uuid) -> Result<(), ApiError> {
    use crate::db::schema::{
        announcements, chat_channels, chat_members, chat_messages, customers, escalation_notes,
        escalations, feedback, ticket_messages, tickets, visits,
    };
    let existing: i64 = chat_channels::table
        .filter(chat_channels::tenant_id.eq(tenant))
        .count()
        .get_result(c)
        .await?;
    if existing > 0 {
        return Ok(());
    }
    let person = async |c: &mut crate::db::Conn, email: &str| -> Result<Uuid, ApiError> {
        Ok(users::table
            .filter(users::email.eq(email))
            .select(users::id)
            .first(c)
            .await?)
    };
    let owner = person(c, "owner@demo.test").await?;
    let manager = person(c, "manager@demo.test").await?;
    let sales = person(c, "sales@demo.test").await?;
    let telecaller = person(c, "telecaller@demo.test").await?;
    let marketing = person(c, "marketing@demo.test").await?;
    let platform = person(c, "platform@karat.test").await?;
    let mg: Uuid = stores::table
        .filter(stores::tenant_id.eq(tenant))
        .filter(stores::code.eq("BLR-MG"))
        .select(stores::id)
        .first(c)
        .await?;
    let now = chrono::Utc::now();
    let ago = |minutes: i64| now - chrono::Duration::minutes(minutes);

    // A public channel with a short conversation and a thread.
    let floor = Uuid::now_v7();
    diesel::insert_into(chat_channels::table)
        .values((
            chat_channels::id.eq(floor),
            chat_channels::tenant_id.eq(tenant),
            chat_channels::kind.eq("custom"),
            chat_channels::name.eq("Showroom floor"),
            chat_channels::description.eq("Stock, rates and walk-ins across both showrooms"),
            chat_channels::created_by.eq(owner),
        ))
        .execute(c)
        .await?;
    let members: Vec<_> = [owner, manager, sales, telecaller, marketing]
        .into_iter()
        .map(|u| {
            (
                chat_members::tenant_id.eq(tenant),
                chat_members::channel_id.eq(floor),
                chat_members::user_id.eq(u),
                chat_members::is_admin.eq(u == owner),
            )
        })
        .collect();
    diesel::insert_into(chat_members::table)
        .values(members)
        .execute(c)
        .await?;
    let mut root = None;
    for (i, (author, text, reply)) in [
        (owner, "Good morning! 22K rate today is ₹6,850/g — please update the display boards.", false),
        (manager, "Done at MG Road. The new polki bridal sets are in the second vault.", false),
        (sales, "Mrs Lakshmi Iyer is coming at 4 pm for the temple necklace — can someone keep set TN-204 aside?", false),
        (manager, "Kept aside, tagged with her name.", true),
        (telecaller, "Called back three of yesterday's walk-ins; two want to revisit on Saturday.", false),
    ]
    .into_iter()
    .enumerate()
    {
        let id = Uuid::now_v7();
        let at = ago(60 - i as i64 * 10);
        diesel::insert_into(chat_messages::table)
            .values((
                chat_messages::id.eq(id),
                chat_messages::tenant_id.eq(tenant),
                chat_messages::channel_id.eq(floor),
                chat_messages::author_id.eq(author),
                chat_messages::parent_id.eq(if reply { root } else { None }),
                chat_messages::body.eq(text),
                chat_messages::created_at.eq(at),
            ))
            .execute(c)
            .await?;
        if reply {
            diesel::update(chat_messages::table.filter(chat_messages::id.nullable().eq(root)))
                .set((
                    chat_messages::reply_count.eq(1),
                    chat_messages::last_reply_at.eq(at),
                ))
                .execute(c)
                .await?;
        } else if author == sales {
            root = Some(id);
        }
    }

    // A pinned announcement that asks for acknowledgement.
    diesel::insert_into(announcements::table)
        .values((
            announcements::id.eq(Uuid::now_v7()),
            announcements::tenant_id.eq(Some(tenant)),
            announcements::title.eq("Dhanteras opening hours"),
            announcements::body.eq("Both showrooms open 9 am to 10 pm on Dhanteras. Extra billing counters at MG Road; please confirm you have seen your shift."),
            announcements::pinned.eq(true),
            announcements::requires_ack.eq(true),
            announcements::publish_at.eq(ago(120)),
            announcements::published_at.eq(Some(ago(120))),
            announcements::created_by.eq(owner),
        ))
        .execute(c)
        .await?;

    // A support ticket Karat is working on.
    let number: String = diesel::select(crate::db::functions::karat_ticket_number())
        .get_result(c)
        .await?;
    let ticket = Uuid::now_v7();
    diesel::insert_into(tickets::table)
        .values((
            tickets::id.eq(ticket),
            tickets::tenant_id.eq(tenant),
            tickets::number.eq(&number),
            tickets::subject.eq("Wallboard export to Excel"),
            tickets::category.eq("feature"),
            tickets::priority.eq("normal"),
            tickets::status.eq("in_progress"),
            tickets::created_by.eq(owner),
            tickets::assigned_to.eq(Some(platform)),
            tickets::assigned_name.eq(Some("Karat Support")),
            tickets::sla_due_at.eq(now + chrono::Duration::hours(20)),
            tickets::created_at.eq(ago(240)),
        ))
        .execute(c)
        .await?;
    for (author, name, from_platform, kind, text) in [
        (
            Some(owner),
            Some("Priya Raghavan"),
            false,
            "reply",
            "Can the telecalling wallboard figures be downloaded for our monthly review?",
        ),
        (
            None,
            None,
            false,
            "system",
            "Karat Support (Karat support) changed the status from open to in progress.",
        ),
        (
            Some(platform),
            Some("Karat Support"),
            true,
            "internal",
            "Reports already export CSV; point them there and log the request for the board.",
        ),
        (
            Some(platform),
            Some("Karat Support"),
            true,
            "reply",
            "Telecalling → Reports has a CSV download today; a wallboard export is on our list and we will update you here.",
        ),
    ] {
        diesel::insert_into(ticket_messages::table)
            .values((
                ticket_messages::id.eq(Uuid::now_v7()),
                ticket_messages::tenant_id.eq(tenant),
                ticket_messages::ticket_id.eq(ticket),
                ticket_messages::author_id.eq(author),
                ticket_messages::author_name.eq(name),
                ticket_messages::from_platform.eq(from_platform),
                ticket_messages::kind.eq(kind),
                ticket_messages::body.eq(text),
            ))
            .execute(c)
            .await?;
    }

    // An escalation, and feedback on two visits.
    let (customer, customer_store): (Uuid, Uuid) = customers::table
        .filter(customers::tenant_id.eq(tenant))
        .filter(customers::home_store_id.eq(mg))
        .order(customers::id)
        .select((customers::id, customers::home_store_id))
        .first(c)
        .await?;
    let escalation = Uuid::now_v7();
    diesel::insert_into(escalations::table)
        .values((
            escalations::id.eq(escalation),
            escalations::tenant_id.eq(tenant),
            escalations::customer_id.eq(customer),
            escalations::store_id.eq(customer_store),
            escalations::subject.eq("Bangle clasp loose after a week"),
            escalations::description.eq(Some(
                "Bought a 22K bangle pair; the clasp of one opens by itself.",
            )),
            escalations::category.eq("product_quality"),
            escalations::priority.eq("high"),
            escalations::status.eq("in_progress"),
            escalations::assigned_to.eq(Some(manager)),
            escalations::sla_due_at.eq(now + chrono::Duration::hours(20)),
            escalations::created_by.eq(sales),
        ))
        .execute(c)
        .await?;
    diesel::insert_into(escalation_notes::table)
        .values((
            escalation_notes::id.eq(Uuid::now_v7()),
            escalation_notes::tenant_id.eq(tenant),
            escalation_notes::escalation_id.eq(escalation),
            escalation_notes::author_id.eq(Some(manager)),
            escalation_notes::body.eq("Karigar can fix it today; offer a free polish too."),
            escalation_notes::internal.eq(true),
        ))
        .execute(c)
        .await?;
    let visited: Vec<(Uuid, Uuid, Uuid)> = visits::table
        .filter(visits::tenant_id.eq(tenant))
        .order(visits::id)
        .select((visits::id, visits::customer_id, visits::store_id))
        .limit(3)
        .load(c)
        .await?;
    for (i, (visit, customer, store)) in visited.into_iter().enumerate() {
        let answered = i < 2;
        diesel::insert_into(feedback::table)
            .values((
                feedback::id.eq(Uuid::now_v7()),
                feedback::tenant_id.eq(tenant),
                feedback::kind.eq("visit"),
                feedback::subject_id.eq(visit),
                feedback::customer_id.eq(customer),
                feedback::store_id.eq(store),
                feedback::token.eq(crate::auth::tokens::random_token()),
                feedback::rating.eq(answered.then_some(if i == 0 { 5 } else { 4 })),
                feedback::comment.eq(answered.then_some(if i == 0 {
                    "Very patient staff, lovely designs."
                } else {
                    "Good collection; parking was hard."
                })),
                feedback::responded_at.eq(answered.then_some(ago(30))),
            ))
            .execute(c)
            .await?;
    }
    diesel::insert_into(feedback::table)
        .values((
            feedback::id.eq(Uuid::now_v7()),
            feedback::tenant_id.eq(tenant),
            feedback::kind.eq("team"),
            feedback::store_id.eq(Some(mg)),
            feedback::rating.eq(Some(4)),
            feedback::comment.eq(Some("The new call scripts help; headsets need replacing.")),
            feedback::from_user.eq(Some(telecaller)),
            feedback::responded_at.eq(Some(ago(90))),
        ))
        .execute(c)
        .await?;
    Ok(())
}
