//! The web app (web/dist), embedded in release builds, with SPA fallback.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "web/dist"]
#[allow_missing = true]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><html lang=en><meta charset=utf-8><title>Karat</title>\
<body><main><h1>Karat</h1><p>The web app is not built. Run <code>npm --prefix web ci && npm --prefix web run build</code>, \
or start Karat with the README's run command.</p></main></body></html>";

/// Serves a file of the built app, or `index.html` for client-side routes.
pub async fn serve(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if let Some(file) = (!path.is_empty()).then(|| Assets::get(path)).flatten() {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, mime.as_ref()))
            .insert_header((header::CACHE_CONTROL, cache))
            .body(file.data.into_owned());
    }
    // A missing hashed asset is a 404, not the app shell.
    if path.starts_with("assets/") || path.starts_with("api/") {
        return HttpResponse::NotFound().finish();
    }
    match Assets::get("index.html") {
        Some(index) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .body(index.data.into_owned()),
        None => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT),
    }
}

/// The API reference page: Redoc from the built web app, no CDN.
#[get("/api/docs")]
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src 'self' blob:; font-src 'self' data:",
        ))
        .body(
            "<!doctype html><html lang=en><head><meta charset=utf-8><title>Karat API</title>\
             <meta name=viewport content='width=device-width, initial-scale=1'></head><body>\
             <redoc spec-url='/api/openapi.json'></redoc>\
             <noscript>Enable JavaScript, or read <a href='/api/openapi.json'>the OpenAPI document</a>.</noscript>\
             <script src='/vendor/redoc.standalone.js'></script></body></html>",
        )
}
