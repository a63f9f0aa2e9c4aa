//! The job queue against the real database, and its admin endpoints.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use karat::auth::rbac::Role;
use karat::jobs::{self, NewJob, Registry};
use serde_json::json;
use uuid::Uuid;

use crate::common::{T, TestApp, TestDb};

fn job(kind: &str, tenant: Option<Uuid>, max_attempts: i32) -> NewJob<'_> {
    NewJob {
        kind,
        tenant_id: tenant,
        payload: json!({}),
        run_at: None,
        max_attempts,
        dedupe_key: None,
    }
}

#[actix_web::test]
async fn jobs_run_once_retry_with_backoff_and_dead_letter() {
    // A database with no server, so the test is the only worker.
    let test_db = TestDb::new();
    let db = karat::db::Db::connect(&test_db.app_url(), 4).unwrap();
    let runs: Arc<Mutex<HashMap<Uuid, u32>>> = Arc::default();
    let seen = runs.clone();
    let registry = Registry::default()
        .on("test.ok", move |_, j| {
            let seen = seen.clone();
            async move {
                *seen.lock().unwrap().entry(j.id).or_default() += 1;
                Ok(())
            }
        })
        .on("test.fail", |_, _| async {
            Err("the printer is on fire".to_string())
        });
    db.platform_tx(async |c| {
        for _ in 0..40 {
            jobs::enqueue(c, job("test.ok", None, 3)).await?;
        }
        jobs::enqueue(c, job("test.fail", None, 2)).await?;
        let first = jobs::enqueue(
            c,
            NewJob {
                dedupe_key: Some("once".into()),
                ..job("test.ok", None, 1)
            },
        )
        .await?;
        let again = jobs::enqueue(
            c,
            NewJob {
                dedupe_key: Some("once".into()),
                ..job("test.ok", None, 1)
            },
        )
        .await?;
        assert!(first && !again, "a dedupe key admits one job");
        Ok(())
    })
    .await
    .unwrap();
    // Two workers at once: SKIP LOCKED means no job runs twice.
    let (a, b) = futures_util::join!(jobs::drain(&db, &registry), jobs::drain(&db, &registry));
    assert_eq!(
        a.unwrap() + b.unwrap(),
        42,
        "41 ok jobs + the first failing attempt"
    );
    let runs = runs.lock().unwrap().clone();
    assert_eq!(runs.len(), 41);
    assert!(runs.values().all(|n| *n == 1), "every job ran exactly once");

    // The failure is queued again with a backoff, then dead-lettered.
    let mut c: diesel_async::AsyncPgConnection =
        <diesel_async::AsyncPgConnection as diesel_async::AsyncConnection>::establish(
            &test_db.app_url(),
        )
        .await
        .unwrap();
    let c: &mut diesel_async::AsyncPgConnection = &mut c;
    diesel_async::SimpleAsyncConnection::batch_execute(c, "SET app.platform = 'on'")
        .await
        .unwrap();
    diesel_async::SimpleAsyncConnection::batch_execute(c, "UPDATE jobs SET run_at = now() WHERE state = 'queued' AND run_at > now() + interval '1 second'").await.unwrap();
    assert_eq!(jobs::drain(&db, &registry).await.unwrap(), 1);
    #[derive(diesel::QueryableByName)]
    struct Dead {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        attempts: i32,
        #[diesel(sql_type = diesel::sql_types::Text)]
        last_error: String,
    }
    let dead: Vec<Dead> = diesel_async::RunQueryDsl::load(
        diesel::sql_query("SELECT attempts, last_error FROM jobs WHERE state = 'dead'"),
        c,
    )
    .await
    .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(
        (dead[0].attempts, dead[0].last_error.as_str()),
        (2, "the printer is on fire")
    );
}

#[actix_web::test]
async fn business_admins_see_their_tenants_queue() {
    let app = TestApp::spawn().await;
    let mut c = app.app_conn().await;
    diesel_async::SimpleAsyncConnection::batch_execute(
        &mut c,
        &format!(
            "SET app.platform = 'on';
             INSERT INTO jobs (id, tenant_id, kind, state, attempts, last_error) VALUES
               (gen_random_uuid(), '{a}', 'demo.done', 'done', 1, NULL),
               (gen_random_uuid(), '{a}', 'demo.done', 'done', 1, NULL),
               (gen_random_uuid(), '{a}', 'test.fail', 'dead', 5, 'boom'),
               (gen_random_uuid(), '{b}', 'demo.done', 'done', 1, NULL),
               (gen_random_uuid(), NULL, 'events.sweep', 'done', 1, NULL)",
            a = app.a.id,
            b = app.b.id
        ),
    )
    .await
    .unwrap();
    // Business admins see their tenant's queue; others may not look.
    let owner = app.token(T::A, Role::BusinessAdmin).await;
    let s = app.get("/api/v1/jobs/summary", Some(&owner)).await;
    assert_eq!(s.status, 200, "{s:?}");
    assert_eq!(s.body["done"], 2);
    assert_eq!(s.body["dead"], 1);
    let dead = app.get("/api/v1/jobs?state=dead", Some(&owner)).await;
    assert_eq!(dead.body["items"][0]["kind"], "test.fail");
    let b_owner = app.token(T::B, Role::BusinessAdmin).await;
    assert_eq!(
        app.get("/api/v1/jobs/summary", Some(&b_owner)).await.body["done"],
        1
    );
    for role in [
        Role::Manager,
        Role::SalesRep,
        Role::Telecaller,
        Role::Marketing,
    ] {
        let t = app.token(T::A, role).await;
        app.get("/api/v1/jobs/summary", Some(&t)).await.problem(403);
        app.get("/api/v1/jobs", Some(&t)).await.problem(403);
    }
    let pa = app.token(T::A, Role::PlatformAdmin).await;
    assert!(
        app.get("/api/v1/jobs/summary", Some(&pa)).await.body["done"]
            .as_i64()
            .unwrap()
            >= 1
    );
    app.get("/api/v1/jobs?state=exploded", Some(&owner))
        .await
        .problem(422);
}
