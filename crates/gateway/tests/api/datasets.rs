//! `/v1/datasets`: uploads in every format, rejections that leave nothing behind, storage
//! failures, downloads, isolation.

use axum::http::StatusCode;
use gateway::settings::StorageSettings;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

use crate::support::{Options, Part, TestApp, TestResponse, USER_A, USER_B, item_field};

async fn upload(app: &TestApp, file_name: &str, data: &[u8]) -> TestResponse {
    app.upload("/v1/datasets", USER_A, &[Part::file(file_name, data)]).await
}

async fn uploaded(app: &TestApp, file_name: &str, data: &[u8]) -> Value {
    let response = upload(app, file_name, data).await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    response.body
}

async fn assert_nothing_stored(app: &TestApp) {
    assert_eq!((app.count("dataset").await, app.count("dataset_row").await), (0, 0));
    assert_eq!(app.stored_files(), Vec::<String>::new());
}

fn preview_values(dataset: &Value) -> Vec<Value> {
    dataset["preview"].as_array().unwrap().iter().map(|row| row["values"].clone()).collect()
}

#[tokio::test]
async fn each_format_becomes_rows_metadata_and_the_original_file() {
    let app = TestApp::new().await;
    let cases: [(&str, &[u8], &str, Value); 3] = [
        (
            "questions.csv",
            b"question,expected\nWhy?,Because\nHow?,Carefully\n",
            "csv",
            json!([{"question": "Why?", "expected": "Because"}, {"question": "How?", "expected": "Carefully"}]),
        ),
        (
            "questions.json",
            br#"[{"question": "Why?", "n": 1}, {"question": "How?", "meta": {"a": [1]}}]"#,
            "json",
            json!([{"question": "Why?", "n": 1}, {"question": "How?", "meta": {"a": [1]}}]),
        ),
        (
            "questions.jsonl",
            b"{\"question\": \"Why?\"}\n\n{\"question\": \"How?\", \"n\": 2.5}\n",
            "jsonl",
            json!([{"question": "Why?"}, {"question": "How?", "n": 2.5}]),
        ),
    ];
    for (file_name, data, format, rows) in cases {
        let response = upload(&app, file_name, data).await;
        assert_eq!(response.status, StatusCode::CREATED, "{file_name}: {:?}", response.body);
        let dataset = &response.body;
        let id = dataset["id"].as_str().unwrap();
        assert_eq!(response.header("location"), Some(format!("/v1/datasets/{id}").as_str()));
        // Copied in as service_role, each row still belongs to the uploader's organization.
        let mut admin = app.test_db.superuser().await;
        let owned: i64 = sqlx::query_scalar(
            "select count(*) from public.dataset_row
             where dataset_id = $1::uuid and org_id = $2::uuid and created_by = $2::uuid",
        )
        .bind(id)
        .bind(USER_A.id.to_string())
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(owned, 2, "{file_name}");
        assert_eq!(dataset["name"], "questions");
        assert_eq!(dataset["source_filename"], file_name);
        assert_eq!(dataset["format"], format);
        assert_eq!(dataset["row_count"], 2);
        assert_eq!(dataset["byte_size"], data.len());
        assert_eq!(dataset["sha256"], hex::encode(Sha256::digest(data)));
        assert_eq!(dataset["storage_path"], format!("{}/{id}/{file_name}", USER_A.id));
        assert_eq!(Value::Array(preview_values(dataset)), rows, "{file_name}");
        assert_eq!(dataset["preview"][1]["row_index"], 1);

        let file = app.get(&format!("/v1/datasets/{id}/file"), USER_A).await;
        assert_eq!(file.status, StatusCode::OK);
        assert_eq!(file.raw, data, "the download is byte for byte the upload");
        assert!(file.header("content-disposition").unwrap().contains(file_name));
    }
    let columns = app.get("/v1/datasets", USER_A).await.body["items"][2]["columns"].clone();
    assert_eq!(columns, json!(["question", "expected"]));
    let json_columns = app.get("/v1/datasets", USER_A).await.body["items"][1]["columns"].clone();
    assert_eq!(
        json_columns,
        json!(["question", "n", "meta"]),
        "the union of keys, first seen first"
    );
}

#[tokio::test]
async fn csv_edge_cases_survive_the_round_trip() {
    let app = TestApp::new().await;
    let data = "\u{feff}id,text,note\r\n1,\"a, b\",\"she said \"\"hi\"\"\"\r\n2,\"two\r\nlines\",日本語 🎉\r\n3,,\r\n";
    let dataset = uploaded(&app, "edge.csv", data.as_bytes()).await;
    assert_eq!(
        dataset["columns"],
        json!(["id", "text", "note"]),
        "the BOM is not part of the first name"
    );
    assert_eq!(
        preview_values(&dataset),
        [
            json!({"id": "1", "text": "a, b", "note": "she said \"hi\""}),
            json!({"id": "2", "text": "two\r\nlines", "note": "日本語 🎉"}),
            json!({"id": "3", "text": "", "note": ""}),
        ]
    );
    let file =
        app.get(&format!("/v1/datasets/{}/file", dataset["id"].as_str().unwrap()), USER_A).await;
    assert_eq!(file.raw, data.as_bytes());
}

#[tokio::test]
async fn bad_files_are_refused_naming_the_line_and_nothing_is_kept() {
    let app = TestApp::new().await;
    let cases: [(&str, &[u8], &str); 8] = [
        ("ragged.csv", b"a,b\n1,2\n3\n", "line 3: the row has 1 fields but the header has 2"),
        ("dup.csv", b"a,b,a\n1,2,3\n", "line 1: the column `a` appears twice in the header"),
        ("blank.csv", b"a,,c\n1,2,3\n", "line 1: a column name is empty"),
        ("bad.csv", b"a\nok\n\xff\n", "line 3: the text is not valid UTF-8"),
        (
            "object.json",
            br#"{"a": 1}"#,
            "line 1: invalid type: map, expected a JSON array of objects",
        ),
        (
            "items.json",
            b"[{\"a\": 1},\n 2]",
            "line 2: invalid type: integer `2`, expected a JSON object",
        ),
        ("lines.jsonl", b"{\"a\": 1}\n{\"a\": }\n", "line 2: expected value"),
        (
            "nul.jsonl",
            br#"{"a": "\u0000"}"#,
            "line 1, column `a`: the value contains a NUL character (\\u0000)",
        ),
    ];
    for (file_name, data, message) in cases {
        let response = upload(&app, file_name, data).await;
        assert_eq!(
            (response.status, response.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_file"),
            "{file_name}"
        );
        assert_eq!(response.body["errors"][0]["field"], "file");
        assert_eq!(response.body["errors"][0]["message"], message, "{file_name}");
        assert_nothing_stored(&app).await;
    }

    let unknown = upload(&app, "notes.txt", b"just text").await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_format")
    );
    assert_nothing_stored(&app).await;
}

#[tokio::test]
async fn limits_are_enforced_while_streaming_and_keep_nothing() {
    let env = [
        ("MAX_UPLOAD_BYTES", "64"),
        ("MAX_DATASET_ROWS", "3"),
        ("MAX_DATASET_COLUMNS", "3"),
        ("MAX_CELL_BYTES", "10"),
    ]
    .map(|(name, value)| (name, value.to_owned()))
    .to_vec();
    let app = TestApp::with(Options { env, ..Options::default() }).await;

    let too_big = upload(&app, "big.csv", &[b'x'; 65]).await;
    assert_eq!((too_big.status, too_big.code()), (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large"));
    for (data, message) in [
        (&b"a\n1\n2\n3\n4\n"[..], "line 5: the file has more than 3 rows"),
        (b"a,b,c,d\n1,2,3,4\n", "line 1: the file has more than 3 columns"),
        (b"a\n12345678901\n", "line 2, column `a`: a value of 11 bytes is over the 10-byte limit"),
    ] {
        let response = upload(&app, "limits.csv", data).await;
        assert_eq!(response.body["errors"][0]["message"], message);
    }
    assert_nothing_stored(&app).await;
    let fits = upload(&app, "fits.csv", b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n").await;
    assert_eq!(fits.status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_form_is_checked_before_anything_is_stored() {
    let app = TestApp::new().await;
    let csv = b"a\n1\n".as_slice();
    let cases: [(Vec<Part<'_>>, &str); 5] = [
        (vec![Part::text("name", "no file")], "file"),
        (vec![Part::file("a.csv", csv), Part::file("b.csv", csv)], "file"),
        (vec![Part::file("a.csv", csv), Part::text("colour", "red")], "colour"),
        (vec![Part::file("a.csv", csv), Part::text("format", "xlsx")], "format"),
        (vec![Part::file("a.csv", csv), Part::text("name", "   ")], "name"),
    ];
    for (parts, field) in cases {
        let response = app.upload("/v1/datasets", USER_A, &parts).await;
        assert_eq!(
            (response.status, response.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            "{field}"
        );
        assert_eq!(response.error_fields(), [field]);
    }
    let json_body = app.post("/v1/datasets", USER_A, &json!({"file": "a,b"})).await;
    assert_eq!(
        (json_body.status, json_body.code()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
    );
    assert_nothing_stored(&app).await;

    // `format` and `name` override what the file name says.
    let named = app
        .upload(
            "/v1/datasets",
            USER_A,
            &[
                Part::text("format", "jsonl"),
                Part::text("name", " Mine "),
                Part::file("data.txt", b"{\"q\": 1}\n"),
            ],
        )
        .await;
    assert_eq!(
        (named.body["format"].as_str(), named.body["name"].as_str()),
        (Some("jsonl"), Some("Mine"))
    );
}

/// An app whose dataset files go to the Supabase Storage stub `server`.
async fn app_storing_in(server: &MockServer) -> TestApp {
    let storage = StorageSettings::Supabase {
        url: format!("{}/storage/v1", server.uri()).parse().unwrap(),
        anon_key: "anon".into(),
    };
    TestApp::with(Options { storage: Some(storage), ..Options::default() }).await
}

#[tokio::test]
async fn a_failing_supabase_storage_stub_fails_the_upload_and_keeps_no_rows() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            json!({"statusCode": "500", "code": "InternalError", "message": "boom"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_storing_in(&server).await;

    let response = upload(&app, "rows.csv", b"a\n1\n2\n").await;
    assert_eq!(
        (response.status, response.code()),
        (StatusCode::SERVICE_UNAVAILABLE, "storage_unavailable")
    );
    assert_eq!((app.count("dataset").await, app.count("dataset_row").await), (0, 0));
}

#[tokio::test]
async fn an_upload_whose_rows_fail_deletes_its_file_from_the_supabase_storage_stub_again() {
    // The file is stored while the rows are copied, so a file whose rows fail was stored.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let app = app_storing_in(&server).await;

    let response = upload(&app, "ragged.csv", b"a,b\n1,2\n3\n").await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let requests = server.received_requests().await.unwrap();
    let uploaded = requests.iter().find(|r| r.method.as_str() == "POST").unwrap();
    let deleted = requests.iter().find(|r| r.method.as_str() == "DELETE").unwrap();
    let key = uploaded.url.path().split("/object/datasets/").nth(1).unwrap();
    let prefixes: Value = serde_json::from_slice(&deleted.body).unwrap();
    assert_eq!(prefixes, json!({"prefixes": [key]}), "the stored file is the one deleted");
    assert!(key.ends_with("/ragged.csv"), "{key}");
    assert_eq!((app.count("dataset").await, app.count("dataset_row").await), (0, 0));
}

#[tokio::test]
async fn a_broken_local_storage_fails_the_upload_and_keeps_no_rows() {
    let not_a_folder = tempfile::NamedTempFile::new().unwrap();
    let storage = StorageSettings::Local { dir: not_a_folder.path().to_owned() };
    let app = TestApp::with(Options { storage: Some(storage), ..Options::default() }).await;
    let response = upload(&app, "rows.csv", b"a\n1\n").await;
    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!((app.count("dataset").await, app.count("dataset_row").await), (0, 0));
}

#[tokio::test]
async fn rows_are_read_by_offset_and_limit() {
    let app = TestApp::new().await;
    let data: String =
        std::iter::once("n\n".to_owned()).chain((0..250).map(|i| format!("{i}\n"))).collect();
    let dataset = uploaded(&app, "numbers.csv", data.as_bytes()).await;
    let id = dataset["id"].as_str().unwrap();
    assert_eq!(dataset["preview"].as_array().unwrap().len(), 100);

    let page = app.get(&format!("/v1/datasets/{id}/rows?offset=240&limit=20"), USER_A).await;
    assert_eq!((page.body["total"].as_i64(), page.body["offset"].as_i64()), (Some(250), Some(240)));
    let indexes: Vec<Value> = (240..250).map(Value::from).collect();
    assert_eq!(item_field(&page.body, "row_index"), indexes);
    assert_eq!(page.body["items"][0]["values"], json!({"n": "240"}));

    for query in ["limit=1001", "limit=0", "offset=-1"] {
        let bad = app.get(&format!("/v1/datasets/{id}/rows?{query}"), USER_A).await;
        assert_eq!((bad.status, bad.code()), (StatusCode::BAD_REQUEST, "invalid_query"), "{query}");
    }
}

#[tokio::test]
async fn renaming_listing_and_deleting() {
    let app = TestApp::new().await;
    let first = uploaded(&app, "first.csv", b"a\n1\n").await;
    let second = uploaded(&app, "second.csv", b"a\n2\n").await;
    let path = format!("/v1/datasets/{}", first["id"].as_str().unwrap());

    let renamed = app.patch(&path, USER_A, &json!({"name": "  Renamed  "})).await;
    assert_eq!((renamed.status, renamed.body["name"].as_str()), (StatusCode::OK, Some("Renamed")));
    let bad = app.patch(&path, USER_A, &json!({"name": ""})).await;
    assert_eq!(bad.error_fields(), ["name"]);

    let page = app.get("/v1/datasets?limit=1", USER_A).await;
    assert_eq!(page.body["items"][0]["id"], second["id"], "newest first");
    let next = app
        .get(
            &format!("/v1/datasets?limit=1&cursor={}", page.body["next_cursor"].as_str().unwrap()),
            USER_A,
        )
        .await;
    assert_eq!(next.body["items"][0]["id"], first["id"]);

    assert_eq!(app.stored_files().len(), 2);
    assert_eq!(app.delete(&path, USER_A).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, USER_A).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("{path}/file"), USER_A).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("dataset_row").await, 1, "only the other dataset's row is left");
    assert_eq!(app.stored_files().len(), 1, "the original file is gone too");
}

#[tokio::test]
async fn another_users_dataset_is_not_found_everywhere() {
    let app = TestApp::new().await;
    let dataset = uploaded(&app, "private.csv", b"secret\nvalue\n").await;
    let path = format!("/v1/datasets/{}", dataset["id"].as_str().unwrap());

    let attempts = [
        app.get(&path, USER_B).await,
        app.get(&format!("{path}/rows"), USER_B).await,
        app.get(&format!("{path}/file"), USER_B).await,
        app.patch(&path, USER_B, &json!({"name": "mine"})).await,
        app.delete(&path, USER_B).await,
    ];
    for response in attempts {
        assert_eq!((response.status, response.code()), (StatusCode::NOT_FOUND, "not_found"));
    }
    assert_eq!(app.get("/v1/datasets", USER_B).await.body["items"], json!([]));
    assert_eq!(app.get(&path, USER_A).await.body["name"], "private");
    assert_eq!(app.stored_files().len(), 1);
}
