//! Tenant isolation: the app layer (404s) and the database layer (RLS) each hold on their own.

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use karat::auth::rbac::Role;
use serde_json::json;

use crate::common::{T, TestApp};

#[actix_web::test]
async fn another_tenants_objects_are_404_and_never_listed() {
    let app = TestApp::spawn().await;
    for role in [
        Role::BusinessAdmin,
        Role::Manager,
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
    ] {
        let t = app.token(T::A, role).await;
        let b_user = app.user_id(T::B, Role::SalesRep);
        let b_store = app.b.stores[0];
        app.get(&format!("/api/v1/users/{b_user}"), Some(&t))
            .await
            .problem(404);
        app.get(&format!("/api/v1/stores/{b_store}"), Some(&t))
            .await
            .problem(404);
        app.get(&format!("/api/v1/tenants/{}", app.b.id), Some(&t))
            .await
            .problem(404);
        let users = app.get("/api/v1/users?limit=100", Some(&t)).await;
        assert_eq!(users.status, 200);
        for u in users.body["items"].as_array().unwrap() {
            assert_eq!(u["tenant_id"], app.a.id.to_string(), "{role:?} saw {u}");
        }
        let stores = app.get("/api/v1/stores", Some(&t)).await;
        for s in stores.body["items"].as_array().unwrap() {
            assert_eq!(s["tenant_id"], app.a.id.to_string());
        }
    }
    // Writes to B's objects are 404 too, and change nothing.
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let before = app.count("audit_log").await;
    app.patch(
        &format!("/api/v1/users/{}", app.user_id(T::B, Role::SalesRep)),
        Some(&ba),
        json!({"name": "Hijacked"}),
    )
    .await
    .problem(404);
    app.patch(
        &format!("/api/v1/stores/{}", app.b.stores[0]),
        Some(&ba),
        json!({"name": "Hijacked"}),
    )
    .await
    .problem(404);
    // Creating a user in A with B's store is refused (the store "does not exist").
    app.post("/api/v1/users", Some(&ba), json!({"name": "X", "email": "x-cross@example.test", "role": "sales_rep", "store_ids": [app.b.stores[0]], "password": "some-long-password-1"})).await.problem(422);
    assert_eq!(app.count("audit_log").await, before);
    let audit = app.get("/api/v1/audit", Some(&ba)).await;
    for e in audit.body["items"].as_array().unwrap() {
        assert_eq!(e["tenant_id"], app.a.id.to_string());
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn row_level_security_holds_without_the_app() {
    let app = TestApp::spawn().await;
    let mut c = app.app_conn().await;
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\\_\\_%' ORDER BY 1",
    )
    .load(&mut c)
    .await
    .unwrap();
    assert!(tables.len() >= 10);
    let forced: Vec<Name> = diesel::sql_query(
        "SELECT c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\\_\\_%' AND c.relrowsecurity AND c.relforcerowsecurity",
    )
    .load(&mut c)
    .await
    .unwrap();
    assert_eq!(
        forced.len(),
        tables.len(),
        "every table has RLS enabled and forced"
    );
    // Policies compare with the settings directly: a function of ours in a
    // policy is inlined (parsed again) every time a statement is planned.
    let calls: N = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
         JOIN pg_namespace s ON s.oid = p.pronamespace
         WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass
           AND s.nspname = 'public'",
    )
    .get_result(&mut c)
    .await
    .unwrap();
    assert_eq!(calls.n, 0, "a policy calls one of our functions");

    // No tenant set: nothing at all.
    for t in &tables {
        let n: N = diesel::sql_query(format!("SELECT count(*) AS n FROM {}", t.name))
            .get_result(&mut c)
            .await
            .unwrap();
        assert_eq!(n.n, 0, "{} leaked rows without a tenant", t.name);
    }
    // Tenant A set: only A's rows.
    c.batch_execute(&format!("SET app.tenant_id = '{}'", app.a.id))
        .await
        .unwrap();
    for t in ["stores", "users", "user_stores"] {
        let total: N = diesel::sql_query(format!("SELECT count(*) AS n FROM {t}"))
            .get_result(&mut c)
            .await
            .unwrap();
        let mine: N = diesel::sql_query(format!(
            "SELECT count(*) AS n FROM {t} WHERE tenant_id = '{}'",
            app.a.id
        ))
        .get_result(&mut c)
        .await
        .unwrap();
        assert!(total.n > 0);
        assert_eq!(total.n, mine.n, "{t} shows another tenant's rows");
    }
    let tenants: N = diesel::sql_query("SELECT count(*) AS n FROM tenants")
        .get_result(&mut c)
        .await
        .unwrap();
    assert_eq!(tenants.n, 1);
    // Writing a row for tenant B while A is set is refused by the policy.
    let err = c
        .batch_execute(&format!("INSERT INTO stores (id, tenant_id, name, code, time_zone) VALUES (gen_random_uuid(), '{}', 'x', 'X1', 'UTC')", app.b.id))
        .await;
    assert!(err.is_err());
    // Platform admins live outside tenants and are invisible here.
    let pas: N = diesel::sql_query("SELECT count(*) AS n FROM users WHERE role = 'platform_admin'")
        .get_result(&mut c)
        .await
        .unwrap();
    assert_eq!(pas.n, 0);
}

#[actix_web::test]
async fn the_app_role_cannot_rewrite_history() {
    let app = TestApp::spawn().await;
    let ba = app.token(T::A, Role::BusinessAdmin).await;
    let r = app
        .post(
            "/api/v1/stores",
            Some(&ba),
            json!({"name": "Indiranagar", "code": "BLR-IN"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let mut c = app.app_conn().await;
    c.batch_execute(&format!("SET app.tenant_id = '{}'", app.a.id))
        .await
        .unwrap();
    assert!(
        c.batch_execute("UPDATE audit_log SET action = 'nothing'")
            .await
            .is_err()
    );
    let mut c = app.app_conn().await;
    assert!(c.batch_execute("DELETE FROM audit_log").await.is_err());
    let mut c = app.app_conn().await;
    let role: Name = diesel::sql_query("SELECT (rolsuper OR rolbypassrls)::text AS name FROM pg_roles WHERE rolname = current_user").get_result(&mut c).await.unwrap();
    assert_eq!(role.name, "false");
}

#[actix_web::test]
async fn a_cancelled_request_never_leaks_its_tenant_to_the_next() {
    let app = TestApp::spawn().await;
    let db = karat::db::Db::connect(&app.db.app_url(), 1).unwrap();
    // A request dropped half-way through its transaction (client went away).
    let tenant = app.a.id;
    let pending = db.tenant_tx(tenant, uuid::Uuid::now_v7(), async |_c| {
        std::future::pending::<()>().await;
        Ok(())
    });
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(200), pending)
            .await
            .is_err()
    );
    // The only pooled connection must not carry tenant A into this one.
    assert_eq!(outside(&db).await, (None, true));

    // BEGIN goes out with the first statement, unanswered: a failure there, a
    // refusal before any statement and a failed statement all end the
    // transaction, and the connection comes back clean.
    let failed = db
        .tenant_tx(tenant, uuid::Uuid::now_v7(), async |c| {
            diesel::sql_query("SELECT 1/0").execute(c).await?;
            Ok(())
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(outside(&db).await, (None, true));
    let refused = db
        .tenant_tx(tenant, uuid::Uuid::now_v7(), async |_c| {
            Err::<(), _>(karat::http::error::ApiError::NotFound)
        })
        .await;
    assert!(refused.is_err());
    assert_eq!(outside(&db).await, (None, true));
    let seen = db
        .tenant_tx(tenant, uuid::Uuid::now_v7(), async |c| {
            Ok(diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "current_setting('app.tenant_id')",
            ))
            .get_result::<String>(c)
            .await?)
        })
        .await
        .unwrap();
    assert_eq!(seen, tenant.to_string());
    assert_eq!(outside(&db).await, (None, true));
}

#[actix_web::test]
async fn a_lookup_reads_only_inside_its_tenant_even_when_many_share_its_connection() {
    use karat::db::find::Find;
    use karat::db::schema::{stores, tenants, user_views};
    use karat::http::error::ApiError;
    use uuid::Uuid;
    let app = TestApp::spawn().await;
    let db = karat::db::Db::connect(&app.db.app_url(), 1).unwrap();
    let reader = Uuid::now_v7();
    let tenant_of_user = async |tenant: Uuid, id: Uuid| -> Result<Option<Uuid>, ApiError> {
        db.find(Find::<user_views::table, _>::new(
            tenant,
            reader,
            id,
            user_views::tenant_id,
        ))
        .await
    };
    let (a_user, b_user) = (
        app.user_id(T::A, Role::SalesRep),
        app.user_id(T::B, Role::SalesRep),
    );
    // Lookups of both tenants, all queued at once on the one lookup connection.
    let lookups = (0..200).map(|i| {
        let (tenant, id) = match i % 4 {
            0 => (app.a.id, a_user),
            1 => (app.a.id, b_user),
            2 => (app.b.id, b_user),
            _ => (app.b.id, a_user),
        };
        async move { (tenant, id, tenant_of_user(tenant, id).await) }
    });
    for (tenant, id, found) in futures_util::future::join_all(lookups).await {
        let own = (tenant == app.a.id) == (id == a_user);
        match found {
            Ok(row_tenant) => assert!(own && row_tenant == Some(tenant)),
            Err(ApiError::NotFound) => assert!(!own),
            Err(e) => panic!("lookup failed: {e}"),
        }
    }
    let store_in = async |tenant: Uuid, id: Uuid| -> Result<Uuid, ApiError> {
        db.find(Find::<stores::table, _>::new(
            tenant,
            reader,
            id,
            stores::id,
        ))
        .await
    };
    assert_eq!(
        store_in(app.a.id, app.a.stores[0]).await.unwrap(),
        app.a.stores[0]
    );
    assert!(matches!(
        store_in(app.b.id, app.a.stores[0]).await,
        Err(ApiError::NotFound)
    ));
    let tenant_in = async |tenant: Uuid, id: Uuid| -> Result<Uuid, ApiError> {
        db.find(Find::<tenants::table, _>::new(
            tenant,
            reader,
            id,
            tenants::id,
        ))
        .await
    };
    assert_eq!(tenant_in(app.b.id, app.b.id).await.unwrap(), app.b.id);
    assert!(matches!(
        tenant_in(app.b.id, app.a.id).await,
        Err(ApiError::NotFound)
    ));

    // A lookup on a lost connection fails; the next one reconnects.
    let lookup_pid: i32 = db
        .with_conn(async |c| {
            Ok(
                diesel::select(diesel::dsl::sql::<diesel::sql_types::Integer>(
                    "(SELECT pid FROM pg_stat_activity WHERE query LIKE '%karat_find_tenant%' \
                  AND datname = current_database() AND pid <> pg_backend_pid())",
                ))
                .get_result(c)
                .await?,
            )
        })
        .await
        .unwrap();
    db.with_conn(async |c| {
        c.batch_execute(&format!("SELECT pg_terminate_backend({lookup_pid})"))
            .await?;
        Ok(())
    })
    .await
    .unwrap();
    assert!(tenant_in(app.b.id, app.b.id).await.is_err());
    assert_eq!(tenant_in(app.b.id, app.b.id).await.unwrap(), app.b.id);
}

#[actix_web::test]
async fn a_lookup_function_leaves_the_settings_of_its_caller_as_they_were() {
    use diesel::sql_types::{BigInt, Nullable, Text};
    let app = TestApp::spawn().await;
    let db = karat::db::Db::connect(&app.db.app_url(), 1).unwrap();
    let (a_user, b_user) = (
        app.user_id(T::A, Role::SalesRep),
        app.user_id(T::B, Role::SalesRep),
    );
    let a = app.a.id;
    let found = |id: uuid::Uuid| {
        format!(
            "(SELECT count(*) FROM karat_find_user('{a}', '{}', '{id}'))",
            uuid::Uuid::now_v7()
        )
    };
    let settings = "NULLIF(current_setting('app.tenant_id', true), '') || '/' || \
                    coalesce(NULLIF(current_setting('app.platform', true), ''), '-')";
    // Alone, its statement is its transaction: nothing remains after it.
    let (alone, other, after) = db
        .with_conn(async |c| {
            let alone = diesel::select(diesel::dsl::sql::<BigInt>(&found(a_user)))
                .get_result::<i64>(c)
                .await?;
            let other = diesel::select(diesel::dsl::sql::<BigInt>(&found(b_user)))
                .get_result::<i64>(c)
                .await?;
            let after = diesel::select(diesel::dsl::sql::<Nullable<Text>>(settings))
                .get_result::<Option<String>>(c)
                .await?;
            Ok((alone, other, after))
        })
        .await
        .unwrap();
    assert_eq!((alone, other, after), (1, 0, None));
    // Inside tenant B's transaction it reads as A, and B's transaction goes on as B.
    let (inside, after) = db
        .tenant_tx(app.b.id, uuid::Uuid::now_v7(), async |c| {
            let inside = diesel::select(diesel::dsl::sql::<BigInt>(&found(a_user)))
                .get_result::<i64>(c)
                .await?;
            let after = diesel::select(diesel::dsl::sql::<Nullable<Text>>(settings))
                .get_result::<Option<String>>(c)
                .await?;
            Ok((inside, after))
        })
        .await
        .unwrap();
    assert_eq!((inside, after), (1, Some(format!("{}/-", app.b.id))));
    // On the platform path it sees only the tenant it is given, and the path
    // stays the platform's.
    let (other, after) = db
        .platform_tx(async |c| {
            let other = diesel::select(diesel::dsl::sql::<BigInt>(&found(b_user)))
                .get_result::<i64>(c)
                .await?;
            let after = diesel::select(diesel::dsl::sql::<Text>("current_setting('app.platform')"))
                .get_result::<String>(c)
                .await?;
            Ok((other, after))
        })
        .await
        .unwrap();
    assert_eq!((other, after.as_str()), (0, "on"));
}

/// The tenant setting a plain checkout sees, and whether it is outside any
/// transaction block (where PostgreSQL refuses a SAVEPOINT).
async fn outside(db: &karat::db::Db) -> (Option<String>, bool) {
    db.with_conn(async |c| {
        let tenant = diesel::select(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        >(
            "NULLIF(current_setting('app.tenant_id', true), '')"
        ))
        .get_result(c)
        .await?;
        Ok((tenant, c.batch_execute("SAVEPOINT probe").await.is_err()))
    })
    .await
    .unwrap()
}
