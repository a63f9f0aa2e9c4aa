//! The OpenAPI 3.1 document, generated from the handlers.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{
    announcements, audit, auth, chat, customers, escalations, feedback, files, jobs, notifications,
    push, realtime, segments, stores, telecalling, tenants, tickets, users,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Karat's API.
#[derive(OpenApi)]
#[openapi(
    info(title = "Karat API", description = "Multi-tenant CRM for jewellery retailers. Errors are RFC 9457 application/problem+json; lists use cursor paging (`cursor`, `limit`, `next_cursor`)."),
    modifiers(&BearerAuth),
    paths(
        auth::routes::login, auth::routes::refresh, auth::routes::logout, auth::routes::me,
        auth::routes::forgot, auth::routes::reset, auth::routes::change_password,
        auth::routes::list_sessions, auth::routes::revoke_session,
        tenants::list, tenants::create, tenants::get_one, tenants::update, tenants::create_admin,
        stores::list, stores::create, stores::get_one, stores::update,
        users::list, users::create, users::get_one, users::update,
        audit::list,
        customers::list, customers::create, customers::get_one, customers::update,
        customers::remove, customers::trash, customers::restore, customers::merge,
        customers::add_note, customers::access_log, customers::timeline::timeline,
        customers::import::upload, customers::import::validate, customers::import::confirm,
        customers::import::list, customers::import::get_one, customers::import::export,
        customers::visits::create, customers::visits::list, customers::visits::by_phone,
        customers::visits::upload_photo, customers::visits::get_photo, customers::visits::delete_photo,
        customers::appointments::create, customers::appointments::list,
        customers::appointments::set_status, customers::appointments::reschedule,
        segments::list, segments::get_one, segments::create, segments::update, segments::remove, segments::preview,
        segments::segment_count, segments::members, segments::export,
        telecalling::lead_routes::list, telecalling::lead_routes::create, telecalling::lead_routes::get_one,
        telecalling::lead_routes::set_state, telecalling::lead_routes::assign,
        telecalling::console::console, telecalling::console::set_status, telecalling::console::next,
        telecalling::console::start_call, telecalling::console::end_call, telecalling::console::dispose,
        telecalling::console::update_agent,
        telecalling::get_settings, telecalling::put_settings,
        telecalling::board::wallboard, telecalling::board::report,
        telecalling::transfers::create, telecalling::transfers::list,
        telecalling::transfers::accept, telecalling::transfers::reject,
        telecalling::forms::list, telecalling::forms::create, telecalling::forms::remove,
        telecalling::forms::enquire,
        chat::routes::list_channels, chat::routes::create_channel, chat::routes::open_direct,
        chat::routes::get_channel, chat::routes::update_channel, chat::routes::add_members,
        chat::routes::remove_member, chat::routes::list_messages, chat::routes::send,
        chat::routes::thread, chat::routes::edit, chat::routes::remove, chat::routes::mark_read,
        chat::routes::search, chat::routes::people, files::upload, files::download,
        tickets::create, tickets::list, tickets::get_one, tickets::reply, tickets::set_status,
        tickets::assign, tickets::staff, tickets::list_templates, tickets::create_template,
        tickets::delete_template,
        announcements::list, announcements::create, announcements::get_one,
        announcements::acknowledge, announcements::withdraw,
        escalations::create, escalations::list, escalations::get_one, escalations::add_note,
        escalations::set_status, escalations::assign,
        feedback::list, feedback::report, feedback::team, feedback::answer, feedback::survey,
        feedback::respond,
        realtime::ticket, realtime::connect, realtime::presence::list,
        jobs::summary, jobs::list,
        push::vapid_key, push::subscribe, push::unsubscribe,
        notifications::list, notifications::unread_count, notifications::read_one, notifications::read_all,
        notifications::get_preferences, notifications::put_preferences,
    ),
    tags(
        (name = "auth", description = "Sign-in, tokens, passwords and sessions"),
        (name = "tenants", description = "Jewellery businesses (platform admins)"),
        (name = "stores", description = "Showrooms"),
        (name = "users", description = "People and their roles"),
        (name = "audit", description = "Who changed what"),
        (name = "customers", description = "Customer profiles, search, trash, merge, timeline and access log"),
        (name = "visits", description = "Showroom visits and interests; a visit without a purchase opens a lead"),
        (name = "appointments", description = "Appointments and follow-ups at a store"),
        (name = "imports", description = "Customer import (CSV, XLSX, JSON: upload, validate, confirm) and streamed export"),
        (name = "segments", description = "Rules over customers: built-in and saved segments, counts, members, consent-aware campaign lists and auto-tags"),
        (name = "telecalling", description = "Leads and their state machine, instant assignment, the telecaller console, calls and dispositions, follow-ups, transfers to sales, the live wallboard, reports and public web forms (docs/telecalling.md)"),
        (name = "chat", description = "Team chat: store and custom channels, direct messages, threads, mentions, read state, search and attachments; typing over the WebSocket (docs/team.md)"),
        (name = "tickets", description = "Support tickets to the platform: status machine, internal notes, templates, assignment, SLA and auto-close (docs/team.md)"),
        (name = "announcements", description = "Announcements: platform-wide, tenant, store or role targeted; pinned, urgent (pushed), scheduled publish and expiry, acknowledgements (docs/team.md)"),
        (name = "escalations", description = "A customer's problem inside a business: SLA by priority, climbing to the store manager then the business admin, notes and resolution (docs/team.md)"),
        (name = "feedback", description = "CSAT surveys after visits, purchases and resolved escalations (public answer link), team feedback and the results report (docs/team.md)"),
        (name = "push", description = "Web Push subscriptions"),
        (name = "jobs", description = "Background job queue (counts and failures)"),
        (name = "notifications", description = "My notification centre and preferences"),
        (name = "realtime", description = "Live events over a WebSocket (protocol: docs/realtime.md)"),
    )
)]
pub struct ApiDoc;
