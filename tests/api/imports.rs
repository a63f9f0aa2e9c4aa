//! Customer import and export: the two-step flow, hostile files, XLSX and
//! JSON, role matrix, other tenants, streamed export with neutralised formulas.

use std::io::Write;

use awc::http::Method;
use karat::auth::rbac::Role;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{ROLES, Res, T, TestApp, mobile};

async fn upload(app: &TestApp, token: &str, name: &str, ct: &str, body: Vec<u8>) -> Res {
    app.raw(
        Method::POST,
        &format!("/api/v1/customers/imports?filename={name}"),
        Some(token),
        ct,
        body,
    )
    .await
}

async fn wait_done(app: &TestApp, token: &str, id: &str) -> Value {
    for _ in 0..100 {
        let r = app
            .get(&format!("/api/v1/customers/imports/{id}"), Some(token))
            .await;
        if matches!(r.body["status"].as_str(), Some("done" | "failed")) {
            return r.body;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("import {id} did not finish");
}

/// A minimal workbook with inline strings (what spreadsheet tools write is
/// richer; calamine reads both).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    let mut file = |name: &str, body: &str| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    };
    file(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
    );
    file(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    file(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    file(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, v) in row.iter().enumerate() {
            let col = (b'A' + c as u8) as char;
            sheet.push_str(&format!(
                r#"<c r="{col}{}" t="inlineStr"><is><t>{v}</t></is></c>"#,
                r + 1
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    file("xl/worksheets/sheet1.xml", &sheet);
    zip.finish().unwrap();
    buf.into_inner()
}

#[actix_web::test]
async fn csv_import_validates_reports_and_imports_in_batches() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let store = app.a.stores[0];
    // One customer exists already.
    let existing = format!("+91{}", mobile());
    let r = app
        .post(
            "/api/v1/customers",
            Some(&admin),
            json!({"name": "Already Here", "phones": [existing], "home_store_id": store}),
        )
        .await;
    let existing_id = r.body["id"].clone();
    let (m1, m2, m3) = (mobile(), mobile(), mobile());
    let csv = format!(
        "Customer Name,Mobile No,DOB,City,Tags,Favourite colour\r\n\
         Lakshmi Iyer,{m1},31-12-1990,Chennai,\"bridal, vip\",red\r\n\
         Bad Phone,12345,01-01-1990,Chennai,,\r\n\
         Bad Date,{m2},31-02-1990,Chennai,,\r\n\
         Lakshmi Again,{m1},,,,\r\n\
         Already,{},,,,\r\n\
         \"=cmd|' /C calc'!A0\",{m3},1990-05-04,Madurai,,\r\n\
         ,,,,,\r\n",
        &existing[3..]
    );
    let r = upload(
        &app,
        &admin,
        "from-old-crm.csv",
        "text/csv",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["import"]["id"].as_str().unwrap().to_string();
    assert_eq!(r.body["import"]["status"], "uploaded");
    let mapping = r.body["suggested_mapping"].clone();
    assert_eq!(mapping["Customer Name"], "name");
    assert_eq!(mapping["Mobile No"], "phone");
    assert_eq!(mapping["DOB"], "birth_date");
    assert!(mapping.get("Favourite colour").is_none());
    app.post(
        &format!("/api/v1/customers/imports/{id}/confirm"),
        Some(&admin),
        json!({}),
    )
    .await
    .problem(409);
    let r = app
        .post(
            &format!("/api/v1/customers/imports/{id}/validate"),
            Some(&admin),
            json!({"mapping": mapping, "home_store_id": store}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["valid_rows"], 2, "{r:?}");
    assert_eq!(r.body["invalid_rows"], 2);
    assert_eq!(r.body["duplicate_rows"], 2);
    let invalid = r.body["report"]["invalid"].as_array().unwrap();
    assert!(
        invalid
            .iter()
            .any(|p| p["row"] == 3 && p["field"] == "phone"),
        "{invalid:?}"
    );
    assert!(
        invalid
            .iter()
            .any(|p| p["row"] == 4 && p["field"] == "birth_date")
    );
    let dups = r.body["report"]["duplicates"].as_array().unwrap();
    assert!(
        dups.iter()
            .any(|p| p["row"] == 5 && p["reason"].as_str().unwrap().contains("row 2"))
    );
    assert!(
        dups.iter()
            .any(|p| p["row"] == 6 && p["existing_id"] == existing_id)
    );
    let before = app.count("customers").await;
    let r = app
        .post(
            &format!("/api/v1/customers/imports/{id}/confirm"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202, "{r:?}");
    let done = wait_done(&app, &admin, &id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["imported_rows"], 2);
    assert_eq!(app.count("customers").await, before + 2);
    let r = app.get("/api/v1/customers?tag=bridal", Some(&admin)).await;
    let lakshmi = &r.body["items"][0];
    assert_eq!(lakshmi["name"], "Lakshmi Iyer");
    let full = app
        .get(
            &format!("/api/v1/customers/{}", lakshmi["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await;
    assert_eq!(full.body["birth_date"], "1990-12-31");
    // Rule-kept tags are computed as the rows go in.
    assert!(
        full.body["auto_tags"]
            .as_array()
            .unwrap()
            .contains(&json!("new-customer"))
    );
    assert_eq!(full.body["phones"][0], format!("+91{m1}"));
    // A finished import cannot run again; the record lists it.
    app.post(
        &format!("/api/v1/customers/imports/{id}/confirm"),
        Some(&admin),
        json!({}),
    )
    .await
    .problem(409);
    let list = app.get("/api/v1/customers/imports", Some(&admin)).await;
    assert_eq!(list.body["items"][0]["id"], json!(id));
    assert_eq!(list.body["items"][0]["filename"], "from-old-crm.csv");

    // The export neutralises the formula the import let in as a name.
    let mut resp = app
        .client
        .get(format!("{}/api/v1/customers/export?city=madurai", app.base))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body = String::from_utf8(resp.body().limit(1 << 20).await.unwrap().to_vec()).unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("id,name,phone,alt_phone,email"));
    assert_eq!(lines.len(), 2, "{body}");
    assert!(lines[1].contains(",'=cmd|' /C calc'!A0,'+91"), "{body}");
}

#[actix_web::test]
async fn xlsx_and_json_files_import_too() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let store = app.a.stores[0];
    let (m1, m2) = (mobile(), mobile());
    let book = xlsx(&[
        &["Name", "Mobile", "Anniversary"],
        &["Kavya Hegde", &m1, "14/02/2015"],
    ]);
    let r = upload(
        &app,
        &admin,
        "customers.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        book,
    )
    .await;
    assert_eq!(r.status, 201, "{r:?}");
    let json_file = json!([{"full_name": "Rohit Agarwal", "phone": m2, "tags": ["gifting"], "email": "rohit@example.in"}]);
    let r2 = upload(
        &app,
        &admin,
        "customers.json",
        "application/json",
        json_file.to_string().into_bytes(),
    )
    .await;
    assert_eq!(r2.status, 201, "{r2:?}");
    // The JSON file's customers get a lead each for the telecallers.
    for (r, leads) in [(r, false), (r2, true)] {
        let id = r.body["import"]["id"].as_str().unwrap().to_string();
        let mut mapping = r.body["suggested_mapping"].clone();
        if mapping.get("full_name").is_some() {
            assert_eq!(mapping["full_name"], "name");
        }
        mapping.as_object_mut().unwrap().retain(|_, v| v != "");
        let v = app
            .post(
                &format!("/api/v1/customers/imports/{id}/validate"),
                Some(&admin),
                json!({"mapping": mapping, "home_store_id": store, "date_order": "dmy"}),
            )
            .await;
        assert_eq!(v.body["valid_rows"], 1, "{v:?}");
        let query = if leads { "?leads=true" } else { "" };
        let c = app
            .post(
                &format!("/api/v1/customers/imports/{id}/confirm{query}"),
                Some(&admin),
                json!({}),
            )
            .await;
        assert_eq!(c.body["create_leads"], leads, "{c:?}");
        assert_eq!(wait_done(&app, &admin, &id).await["imported_rows"], 1);
    }
    assert_eq!(app.count("leads WHERE source = 'import'").await, 1);
    assert_eq!(
        app.count("lead_history WHERE reason = 'import' AND to_state = 'new'")
            .await,
        1
    );
    let r = app.get("/api/v1/customers?q=kavya", Some(&admin)).await;
    let c = app
        .get(
            &format!(
                "/api/v1/customers/{}",
                r.body["items"][0]["id"].as_str().unwrap()
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(c.body["anniversary"], "2015-02-14");
    let r = app.get("/api/v1/customers?tag=gifting", Some(&admin)).await;
    assert_eq!(r.body["items"][0]["name"], "Rohit Agarwal");
}

#[actix_web::test]
async fn hostile_files_are_refused_cleanly() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let store = app.a.stores[0];
    let before = app.count("customer_imports").await;
    // UTF-16 from an old Excel: a clear 422, nothing stored.
    let utf16: Vec<u8> = "\u{feff}Name,Mobile\n"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let r = upload(&app, &admin, "utf16.csv", "text/csv", utf16).await;
    r.problem(422);
    assert_eq!(r.body["errors"][0]["field"], "file");
    upload(&app, &admin, "x.csv", "text/csv", Vec::new())
        .await
        .problem(422);
    upload(&app, &admin, "x.csv", "text/csv", b",,\n1,2,3\n".to_vec())
        .await
        .problem(422);
    upload(
        &app,
        &admin,
        "x.json",
        "application/json",
        b"{\"a\":1}".to_vec(),
    )
    .await
    .problem(422);
    upload(
        &app,
        &admin,
        "x.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK nope".to_vec(),
    )
    .await
    .problem(422);
    upload(
        &app,
        &admin,
        "x.exe",
        "application/octet-stream",
        b"MZ".to_vec(),
    )
    .await
    .problem(415);
    upload(&app, &admin, "", "text/csv", b"Name,Mobile\n".to_vec())
        .await
        .problem(422);
    // Over the size limit.
    let huge = vec![b'a'; 21 * 1024 * 1024];
    upload(&app, &admin, "huge.csv", "text/csv", huge)
        .await
        .problem(413);
    assert_eq!(app.count("customer_imports").await, before);

    // 10 MB of one column: stored, but the row is reported, not imported.
    let mut big = format!(
        "Name,Mobile\n{},{}\n",
        "x".repeat(10 * 1024 * 1024),
        mobile()
    )
    .into_bytes();
    big.extend_from_slice(format!("Fine,{}\n", mobile()).as_bytes());
    let r = upload(&app, &admin, "one-column.csv", "text/csv", big).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["import"]["id"].as_str().unwrap().to_string();
    let validate = async |body: Value| {
        app.post(
            &format!("/api/v1/customers/imports/{id}/validate"),
            Some(&admin),
            body,
        )
        .await
    };
    // Missing phone mapping, unknown column, unknown field, a field twice.
    for (mapping, field) in [
        (json!({"Name": "name"}), "mapping"),
        (json!({"Nope": "name", "Mobile": "phone"}), "mapping.Nope"),
        (
            json!({"Name": "password", "Mobile": "phone"}),
            "mapping.Name",
        ),
    ] {
        let r = validate(json!({"mapping": mapping, "home_store_id": store})).await;
        r.problem(422);
        assert_eq!(r.body["errors"][0]["field"], field, "{r:?}");
    }
    validate(
        json!({"mapping": {"Name": "name", "Mobile": "phone"}, "home_store_id": Uuid::now_v7()}),
    )
    .await
    .problem(422);
    validate(json!({"mapping": {"Name": "name", "Mobile": "phone"}, "home_store_id": store, "date_order": "ymd"}))
        .await
        .problem(422);
    validate(json!({"mapping": "nope", "home_store_id": store}))
        .await
        .problem(422);
    let r =
        validate(json!({"mapping": {"Name": "name", "Mobile": "phone"}, "home_store_id": store}))
            .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["valid_rows"], 1);
    assert_eq!(r.body["invalid_rows"], 1);
    assert_eq!(
        r.body["report"]["invalid"][0]["reason"],
        "is longer than 1,000 characters"
    );
}

#[actix_web::test]
async fn import_and_export_follow_the_role_matrix_and_tenants() {
    let app = TestApp::spawn().await;
    let [s0, s1] = app.a.stores;
    let file = || format!("Name,Mobile\nAsha,{}\n", mobile()).into_bytes();
    let mut mine = None;
    for (role, want) in ROLES.into_iter().zip([403, 201, 201, 403, 403, 403]) {
        let t = app.token(T::A, role).await;
        let r = upload(&app, &t, "f.csv", "text/csv", file()).await;
        assert_eq!(r.status, want, "upload as {role:?}");
        if role == Role::Manager {
            mine = Some(r.body["import"]["id"].as_str().unwrap().to_string());
        }
    }
    for (role, want) in ROLES.into_iter().zip([403, 200, 200, 403, 403, 403]) {
        let t = app.token(T::A, role).await;
        assert_eq!(
            app.get("/api/v1/customers/imports", Some(&t)).await.status,
            want,
            "list as {role:?}"
        );
        assert_eq!(
            app.get("/api/v1/customers/export", Some(&t)).await.status,
            want,
            "export as {role:?}"
        );
    }
    let id = mine.unwrap();
    let manager = app.token(T::A, Role::Manager).await;
    // A manager imports only into their own stores.
    app.post(
        &format!("/api/v1/customers/imports/{id}/validate"),
        Some(&manager),
        json!({"mapping": {"Name": "name", "Mobile": "phone"}, "home_store_id": s1}),
    )
    .await
    .problem(422);
    // Another tenant never sees it.
    let b = app.token(T::B, Role::BusinessAdmin).await;
    app.get(&format!("/api/v1/customers/imports/{id}"), Some(&b))
        .await
        .problem(404);
    app.post(
        &format!("/api/v1/customers/imports/{id}/validate"),
        Some(&b),
        json!({"mapping": {"Name": "name", "Mobile": "phone"}, "home_store_id": app.b.stores[0]}),
    )
    .await
    .problem(404);
    app.post(
        &format!("/api/v1/customers/imports/{id}/confirm"),
        Some(&b),
        json!({}),
    )
    .await
    .problem(404);
    app.get(
        &format!("/api/v1/customers/imports/{}", Uuid::now_v7()),
        Some(&manager),
    )
    .await
    .problem(404);
    // A manager's export holds only their stores' customers.
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    for (store, name) in [(s0, "In Store Zero"), (s1, "In Store One")] {
        app.post(
            "/api/v1/customers",
            Some(&admin),
            json!({"name": name, "phones": [format!("+91{}", mobile())], "home_store_id": store}),
        )
        .await;
    }
    let mut resp = app
        .client
        .get(format!("{}/api/v1/customers/export?format=json", app.base))
        .bearer_auth(&manager)
        .send()
        .await
        .unwrap();
    let body = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    assert!(
        body.contains("In Store Zero") && !body.contains("In Store One"),
        "{body}"
    );
    let first: Value = serde_json::from_str(body.lines().next().unwrap()).unwrap();
    assert!(first["phone"].as_str().unwrap().starts_with("+91"));
    let future = (chrono::Utc::now() + chrono::Duration::days(1))
        .to_rfc3339()
        .replace('+', "%2B");
    let mut resp = app
        .client
        .get(format!(
            "{}/api/v1/customers/export?from={future}",
            app.base
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    let body = String::from_utf8(resp.body().await.unwrap().to_vec()).unwrap();
    assert_eq!(body.lines().count(), 1, "only the header: {body}");
    app.get("/api/v1/customers/export?format=xml", Some(&admin))
        .await
        .problem(422);
}

/// Text search over thousands of customers: a rare name among the oldest, a
/// phone fragment (always read through the trigram index), a common name
/// among the newest, and one in between are all found, page after page.
#[actix_web::test]
async fn searches_find_rare_fragments_beyond_the_newest_customers() {
    let app = TestApp::spawn().await;
    let admin = app.token(T::A, Role::BusinessAdmin).await;
    let store = app.a.stores[0];
    let mut csv = String::from("Customer Name,Mobile No,Tags\r\n");
    // The oldest seven are the only Zubeidas, tagged heirloom; 5,600 newer
    // customers follow, every tenth tagged bridal.
    for i in 0..7 {
        csv.push_str(&format!("Zubeida Qureshi {i},{},heirloom\r\n", mobile()));
    }
    for i in 0..5_600 {
        let tag = if i % 10 == 0 { "bridal" } else { "" };
        csv.push_str(&format!("Common Person {i},{},{tag}\r\n", mobile()));
    }
    let r = upload(&app, &admin, "many.csv", "text/csv", csv.into_bytes()).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["import"]["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &format!("/api/v1/customers/imports/{id}/validate"),
            Some(&admin),
            json!({"mapping": r.body["suggested_mapping"], "home_store_id": store}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    app.post(
        &format!("/api/v1/customers/imports/{id}/confirm"),
        Some(&admin),
        json!({}),
    )
    .await;
    let done = wait_done(&app, &admin, &id).await;
    assert_eq!(done["imported_rows"], 5_607, "{done}");

    // Rare: not among the newest 5,000, found through the index.
    let r = app
        .get("/api/v1/customers?q=zubeida&limit=5", Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let first: Vec<&str> = r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(first.len(), 5);
    assert!(first.iter().all(|n| n.starts_with("Zubeida Qureshi")));
    let cursor = r.body["next_cursor"].as_str().expect("a second page");
    let r = app
        .get(
            &format!("/api/v1/customers?q=zubeida&limit=5&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2, "{r:?}");
    assert!(r.body["next_cursor"].is_null());
    let phone = r.body["items"][0]["phone"].as_str().unwrap().to_string();
    let r = app
        .get(
            &format!("/api/v1/customers?q={}", &phone[phone.len() - 7..]),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["phone"] == phone.as_str()),
        "{r:?}"
    );

    // Common: a full page from the newest customers, newest first.
    let r = app
        .get("/api/v1/customers?q=common%20person&limit=50", Some(&admin))
        .await;
    let items = r.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 50);
    assert_eq!(items[0]["name"], "Common Person 5599");
    assert!(r.body["next_cursor"].is_string());

    // In between: "person 1" matches 1, 10–19, 100–199 and 1000–1999, most of
    // them older than the window; every one is found.
    let mut seen = 0;
    let mut cursor = String::new();
    loop {
        let r = app
            .get(
                &format!("/api/v1/customers?q=person%201&limit=100{cursor}"),
                Some(&admin),
            )
            .await;
        seen += r.body["items"].as_array().unwrap().len();
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, 1 + 10 + 100 + 1000);

    // Tags: a rare one (probed among the newest, then read through the tag
    // index), a common one (the newest walked), one nobody has.
    let names = |r: &Res| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    let r = app
        .get("/api/v1/customers?tag=heirloom", Some(&admin))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let rare = names(&r);
    assert_eq!(rare.len(), 7, "{r:?}");
    assert_eq!(rare[0], "Zubeida Qureshi 6");
    let r = app
        .get("/api/v1/customers?tag=Bridal&limit=50", Some(&admin))
        .await;
    let common = names(&r);
    assert_eq!(common.len(), 50);
    assert_eq!(common[0], "Common Person 5590");
    assert_eq!(common[49], "Common Person 5100");
    let r = app.get("/api/v1/customers?tag=gold", Some(&admin)).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert!(names(&r).is_empty(), "{r:?}");
}
