//! Migrations, start-up safety, the published API document and operational endpoints.

use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use utoipa::OpenApi;

use crate::common::{TestApp, TestDb};

#[actix_web::test]
async fn migrations_revert_and_reapply() {
    let db = TestDb::new();
    karat::db::revert_all(&db.owner_url()).await.unwrap();
    let mut c = AsyncPgConnection::establish(&db.owner_url()).await.unwrap();
    assert!(
        c.batch_execute("SELECT 1 FROM users").await.is_err(),
        "tables dropped"
    );
    karat::db::migrate(&db.owner_url(), karat::db::embedded::APP_ROLE)
        .await
        .unwrap();
    let mut c = AsyncPgConnection::establish(&db.owner_url()).await.unwrap();
    c.batch_execute("SELECT 1 FROM users; SELECT 1 FROM audit_log")
        .await
        .unwrap();
    // Idempotent.
    karat::db::migrate(&db.owner_url(), karat::db::embedded::APP_ROLE)
        .await
        .unwrap();
}

#[test]
fn serve_refuses_a_superuser_connection() {
    let db = TestDb::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_karat"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("DATABASE_URL", db.superuser_url())
        .env(
            "KARAT_DATA_DIR",
            std::env::temp_dir().join("karat-superuser-test"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to start"), "{stderr}");
}

#[actix_web::test]
async fn openapi_document_matches_the_checked_in_snapshot() {
    let current = karat::http::openapi::ApiDoc::openapi()
        .to_pretty_json()
        .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, format!("{current}\n")).unwrap();
    }
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        saved.trim_end() == current.trim_end(),
        "API changed: run `UPDATE_OPENAPI=1 cargo nextest run -E 'test(openapi)'` and `npm --prefix web run gen:api`"
    );

    let app = TestApp::spawn().await;
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["paths"]["/api/v1/users/{id}"]["get"].is_object());
    let docs = app
        .client
        .get(format!("{}/api/docs", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(docs.status(), 200);
}

#[actix_web::test]
async fn health_readiness_metrics_and_headers() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/healthz", None).await.status, 200);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "{ready:?}");
    let r = app.get("/api/v1/nothing-here", None).await;
    r.problem(404);
    assert!(r.headers.get("x-request-id").is_some());
    assert_eq!(r.headers.get("x-content-type-options").unwrap(), "nosniff");
    assert!(r.headers.get("content-security-policy").is_some());
    let text = app.metrics().await;
    assert!(text.contains("karat_http_requests_total"), "{text}");
    // A client-supplied request id is echoed back.
    let r = app
        .client
        .get(format!("{}/healthz", app.base))
        .insert_header(("x-request-id", "abc-123"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get("x-request-id").unwrap(), "abc-123");
}
