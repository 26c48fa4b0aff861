//! Teams: organizations own everything; members act in them by role. A is the owner of the team
//! in these tests, B joins it, C stays outside.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use platform::testing::TestUser;

use crate::support::{
    Options, TestApp, TestResponse, USER_A, USER_B, USER_C, env, id, item_field, join, questions,
    team,
};

fn assert_problem(response: &TestResponse, status: StatusCode, code: &str) {
    assert_eq!((response.status, response.code()), (status, code), "{:?}", response.body);
}

fn assert_needs(response: &TestResponse, role: &str) {
    assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role");
    assert_eq!(response.body["required_role"], role, "{:?}", response.body);
}

#[tokio::test]
async fn every_user_owns_a_personal_organization_where_their_content_goes() {
    let app = TestApp::new().await;
    let orgs = app.get("/v1/orgs", USER_A).await;
    assert_eq!(orgs.status, StatusCode::OK);
    let personal = &orgs.body["items"][0];
    assert_eq!(orgs.body["items"].as_array().unwrap().len(), 1, "{:?}", orgs.body);
    assert_eq!(
        (personal["id"].as_str(), &personal["personal"], &personal["role"]),
        (Some(USER_A.id.to_string().as_str()), &json!(true), &json!("owner"))
    );

    let prompt = app.create_prompt(USER_A, "Hi {{name}}").await;
    assert_eq!(prompt["org_id"], USER_A.id.to_string());
    assert_eq!(prompt["created_by"], USER_A.id.to_string());
    assert_eq!(prompt["version"]["created_by"], USER_A.id.to_string());
    let dataset = app.upload_csv(USER_A, &questions(2)).await;
    assert_eq!(dataset["org_id"], USER_A.id.to_string());
    assert_eq!(app.stored_files()[0].split('/').nth(1), Some(USER_A.id.to_string().as_str()));
}

/// The path of a member from invitation to removal, as the product describes it.
#[tokio::test]
async fn a_viewer_reads_an_editor_writes_and_a_removed_member_sees_nothing() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[]).await;
    let a = app.in_org(USER_A, &org);
    let prompt = a.create_prompt("Answer {{question}}").await.body;
    let dataset = a.upload_csv(&questions(3)).await.body;
    let run_body = json!({"prompt_id": id(&prompt), "dataset_id": id(&dataset),
        "models": [{"provider": "mock", "model": "echo"}]});
    let run = a.post("/v1/runs", &run_body).await.body;
    app.run_ended(USER_A, id(&run)).await;
    assert_eq!(run["org_id"], org);

    // A invites B as a viewer; B accepts.
    join(&app, &org, USER_A, USER_B, "viewer").await;
    let b = app.in_org(USER_B, &org);
    let runs = b.get("/v1/runs").await;
    assert_eq!(item_field(&runs.body, "id"), [json!(id(&run))]);
    let export = app.get(&format!("/v1/runs/{}/export", id(&run)), USER_B).await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(String::from_utf8_lossy(&export.raw).lines().count(), 4, "a header and 3 cells");

    // B's writes are refused, naming the role they need.
    let cell = &app.run_cells(USER_B, id(&run)).await[0];
    let grade = format!("/v1/runs/{}/cells/{}/grade", id(&run), id(cell));
    let writes = [
        b.create_prompt("mine").await,
        b.upload_csv(&questions(1)).await,
        b.post("/v1/runs", &run_body).await,
        app.patch(&format!("/v1/prompts/{}", id(&prompt)), USER_B, &json!({"name": "x"})).await,
        app.post(&format!("/v1/prompts/{}/versions", id(&prompt)), USER_B, &json!({"body": "x"}))
            .await,
        app.delete(&format!("/v1/datasets/{}", id(&dataset)), USER_B).await,
        app.post(&format!("/v1/runs/{}/cancel", id(&run)), USER_B, &json!({})).await,
        app.send(Method::PUT, &grade, Some(&USER_B.token()), Some(&json!({"value": "fail"}))).await,
        app.delete(&format!("/v1/runs/{}", id(&run)), USER_B).await,
    ];
    for refused in &writes {
        assert_needs(refused, "editor");
    }
    assert_eq!(app.count("prompt").await, 1, "nothing was written");
    assert_eq!(app.count("cell_grade").await, 0);

    // A makes B an editor: B runs the prompt.
    let member = format!("/v1/orgs/{org}/members/{}", USER_B.id);
    let promoted = app.patch(&member, USER_A, &json!({"role": "editor"})).await;
    assert_eq!((promoted.status, &promoted.body["role"]), (StatusCode::OK, &json!("editor")));
    let b_run = b.post("/v1/runs", &run_body).await;
    assert!(b_run.status.is_success(), "{:?}", b_run.body);
    assert_eq!(b_run.body["created_by"], USER_B.id.to_string());
    assert_eq!(app.run_ended(USER_B, id(&b_run.body)).await["status"], "completed");

    // A removes B: everything of the team is gone for B, at once.
    assert_eq!(app.delete(&member, USER_A).await.status, StatusCode::NO_CONTENT);
    for path in [
        format!("/v1/runs/{}", id(&run)),
        format!("/v1/runs/{}/cells", id(&run)),
        format!("/v1/runs/{}/export", id(&run)),
        format!("/v1/runs/{}/summary", id(&run)),
        format!("/v1/prompts/{}", id(&prompt)),
        format!("/v1/datasets/{}", id(&dataset)),
        format!("/v1/datasets/{}/file", id(&dataset)),
    ] {
        let gone = app.get(&path, USER_B).await;
        assert_eq!(gone.status, StatusCode::NOT_FOUND, "{path}: {:?}", gone.body);
    }
    for path in ["/v1/runs", "/v1/prompts", "/v1/datasets"] {
        assert_problem(&b.get(path).await, StatusCode::NOT_FOUND, "org_not_found");
    }
    assert_problem(
        &app.get(&format!("/v1/orgs/{org}"), USER_B).await,
        StatusCode::NOT_FOUND,
        "org_not_found",
    );
    // What B made stays with the team.
    assert_eq!(
        app.get(&format!("/v1/runs/{}", id(&b_run.body)), USER_A).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn strangers_get_404_and_content_stays_in_its_organization() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_B, "editor")]).await;
    let c = app.in_org(USER_C, &org);
    for path in ["/v1/prompts", "/v1/datasets", "/v1/runs"] {
        assert_problem(&c.get(path).await, StatusCode::NOT_FOUND, "org_not_found");
    }
    assert_problem(&c.create_prompt("x").await, StatusCode::NOT_FOUND, "org_not_found");
    assert_problem(&c.upload_csv(&questions(1)).await, StatusCode::NOT_FOUND, "org_not_found");
    for path in [format!("/v1/orgs/{org}"), format!("/v1/orgs/{org}/members")] {
        assert_problem(&app.get(&path, USER_C).await, StatusCode::NOT_FOUND, "org_not_found");
    }
    let invite = json!({"email": "c@example.test", "role": "owner"});
    let refused = app.post(&format!("/v1/orgs/{org}/invitations"), USER_C, &invite).await;
    assert_problem(&refused, StatusCode::NOT_FOUND, "org_not_found");
    assert_eq!(app.count("prompt").await + app.count("dataset").await, 0);

    let malformed = app.in_org(USER_A, "not-a-uuid").get("/v1/prompts").await;
    assert_problem(&malformed, StatusCode::BAD_REQUEST, "invalid_header");

    // A run in the team cannot use what is in B's personal organization, though B can see both.
    let personal_prompt = app.create_prompt(USER_B, "Hi {{question}}").await;
    let personal_data = app.upload_csv(USER_B, &questions(1)).await;
    let b = app.in_org(USER_B, &org);
    let refused = b
        .post(
            "/v1/runs",
            &json!({"prompt_id": id(&personal_prompt), "dataset_id": id(&personal_data),
                "models": [{"provider": "mock", "model": "echo"}]}),
        )
        .await;
    assert_problem(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(refused.error_fields(), ["prompt_id", "dataset_id"]);
    assert_eq!(app.count("run").await, 0);
}

#[tokio::test]
async fn invitations_say_why_they_cannot_be_accepted() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[]).await;
    let invitations = format!("/v1/orgs/{org}/invitations");
    let invite = async |email: &str| -> Value {
        let created =
            app.post(&invitations, USER_A, &json!({"email": email, "role": "editor"})).await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        created.body
    };
    let accept = async |user: TestUser, token: &Value| {
        app.post("/v1/invitations/accept", user, &json!({"token": token})).await
    };

    let for_b = invite("  B@Example.TEST ").await;
    assert_eq!(for_b["email"], "b@example.test");
    assert_problem(
        &accept(USER_C, &for_b["token"]).await,
        StatusCode::FORBIDDEN,
        "invitation_email_mismatch",
    );
    assert_eq!(accept(USER_B, &for_b["token"]).await.status, StatusCode::OK);
    assert_problem(&accept(USER_B, &for_b["token"]).await, StatusCode::CONFLICT, "invitation_used");
    assert_problem(
        &accept(USER_B, &json!("pri_nonsense")).await,
        StatusCode::NOT_FOUND,
        "invitation_not_found",
    );

    let for_a = invite("a@example.test").await;
    assert_problem(&accept(USER_A, &for_a["token"]).await, StatusCode::CONFLICT, "already_member");

    let revoked = invite("c@example.test").await;
    let expired = invite("c@example.test").await;
    let pending = app.get(&invitations, USER_A).await;
    assert_eq!(
        item_field(&pending.body, "id"),
        [json!(id(&expired)), json!(id(&revoked)), json!(id(&for_a))]
    );
    assert!(pending.body["items"][0].get("token").is_none(), "tokens are shown once");
    let revoke = app.delete(&format!("{invitations}/{}", id(&revoked)), USER_A).await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT);
    assert_problem(
        &accept(USER_C, &revoked["token"]).await,
        StatusCode::GONE,
        "invitation_revoked",
    );
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "update public.invitation set expires_at = now() - interval '1 second' where id = $1::uuid",
    )
    .bind(id(&expired))
    .execute(&mut admin)
    .await
    .unwrap();
    assert_problem(
        &accept(USER_C, &expired["token"]).await,
        StatusCode::GONE,
        "invitation_expired",
    );
    let members = app.get(&format!("/v1/orgs/{org}/members"), USER_A).await;
    assert_eq!(
        item_field(&members.body, "email"),
        [json!("a@example.test"), json!("b@example.test")]
    );

    // Only the hash of a token is stored.
    let stored: Vec<String> = sqlx::query_scalar("select token_sha256 from public.invitation")
        .fetch_all(&mut admin)
        .await
        .unwrap();
    assert!(stored.iter().all(|hash| hash.len() == 64 && !hash.starts_with("pri_")));

    let bad =
        app.post(&invitations, USER_A, &json!({"email": "not an email", "role": "viewer"})).await;
    assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(bad.error_fields(), ["email"]);
}

#[tokio::test]
async fn roles_decide_who_manages_members_and_an_organization_keeps_an_owner() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_B, "admin"), (USER_C, "viewer")]).await;
    let member = |user: TestUser| format!("/v1/orgs/{org}/members/{}", user.id);

    // A viewer reads the members, and nothing of their management.
    assert_eq!(app.get(&format!("/v1/orgs/{org}/members"), USER_C).await.status, StatusCode::OK);
    assert_needs(&app.get(&format!("/v1/orgs/{org}/invitations"), USER_C).await, "admin");
    assert_needs(&app.patch(&member(USER_B), USER_C, &json!({"role": "viewer"})).await, "admin");
    assert_needs(
        &app.patch(&format!("/v1/orgs/{org}"), USER_C, &json!({"name": "Mine"})).await,
        "admin",
    );

    // An admin manages members below owner, never owners.
    let editor = app.patch(&member(USER_C), USER_B, &json!({"role": "editor"})).await;
    assert_eq!(editor.body["role"], "editor");
    assert_needs(&app.patch(&member(USER_C), USER_B, &json!({"role": "owner"})).await, "owner");
    assert_needs(&app.patch(&member(USER_A), USER_B, &json!({"role": "viewer"})).await, "owner");
    assert_needs(&app.delete(&member(USER_A), USER_B).await, "owner");
    let owner_invite = json!({"email": "x@example.test", "role": "owner"});
    assert_needs(
        &app.post(&format!("/v1/orgs/{org}/invitations"), USER_B, &owner_invite).await,
        "owner",
    );
    assert_needs(&app.delete(&format!("/v1/orgs/{org}"), USER_B).await, "owner");

    // The last owner can neither leave nor step down; with a second owner, they can.
    assert_problem(&app.delete(&member(USER_A), USER_A).await, StatusCode::CONFLICT, "last_owner");
    let down = app.patch(&member(USER_A), USER_A, &json!({"role": "admin"})).await;
    assert_problem(&down, StatusCode::CONFLICT, "last_owner");
    assert_eq!(
        app.patch(&member(USER_B), USER_A, &json!({"role": "owner"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.delete(&member(USER_A), USER_A).await.status,
        StatusCode::NO_CONTENT,
        "A leaves"
    );
    assert_problem(
        &app.get(&format!("/v1/orgs/{org}"), USER_A).await,
        StatusCode::NOT_FOUND,
        "org_not_found",
    );
    let missing = app.patch(&member(USER_A), USER_B, &json!({"role": "viewer"})).await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "member_not_found");

    // A personal organization keeps its person and cannot be deleted.
    let personal = format!("/v1/orgs/{}", USER_A.id);
    let leave = app.delete(&format!("{personal}/members/{}", USER_A.id), USER_A).await;
    assert_problem(&leave, StatusCode::CONFLICT, "personal_owner");
    assert_problem(&app.delete(&personal, USER_A).await, StatusCode::CONFLICT, "personal_org");
}

#[tokio::test]
async fn slugs_are_unique_and_checked() {
    let app = TestApp::new().await;
    let first = app.post("/v1/orgs", USER_A, &json!({"name": "Support Team"})).await.body;
    let second = app.post("/v1/orgs", USER_B, &json!({"name": "support team!"})).await.body;
    assert_eq!(first["slug"], "support-team");
    let suffix = second["slug"].as_str().unwrap().strip_prefix("support-team-").unwrap();
    assert_eq!(suffix.len(), 6, "{second}");

    let path = format!("/v1/orgs/{}", id(&second));
    let taken = app.patch(&path, USER_B, &json!({"slug": "support-team"})).await;
    assert_problem(&taken, StatusCode::CONFLICT, "slug_taken");
    for bad in ["Support", "a--b", "0b6f2a4e-8d0c-4a8e-9f50-2b1c1f1f3f7a", "nul\u{0}"] {
        let refused = app.patch(&path, USER_B, &json!({"slug": bad})).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {:?}", refused.body);
    }
    let renamed =
        app.patch(&path, USER_B, &json!({"name": "Support EU", "slug": "support-eu"})).await;
    assert_eq!(
        (&renamed.body["name"], &renamed.body["slug"]),
        (&json!("Support EU"), &json!("support-eu"))
    );
    let nul = app.post("/v1/orgs", USER_A, &json!({"name": "a\u{0}b"})).await;
    assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn deleting_a_team_deletes_its_content_and_its_files_and_only_its_own() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[(USER_B, "admin")]).await;
    let a = app.in_org(USER_A, &org);
    a.upload_csv(&questions(2)).await;
    let prompt = a.create_prompt("Answer {{question}}").await.body;
    let mine = app.upload_csv(USER_A, &questions(1)).await;
    assert_eq!(app.stored_files().len(), 2);

    assert_needs(&app.delete(&format!("/v1/orgs/{org}"), USER_B).await, "owner");
    assert_eq!(app.delete(&format!("/v1/orgs/{org}"), USER_A).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("/v1/prompts/{}", id(&prompt)), USER_A).await.status,
        StatusCode::NOT_FOUND
    );
    let files = app.stored_files();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].contains(id(&mine)), "{files:?}");
    assert_eq!((app.count("prompt").await, app.count("dataset").await), (0, 1));
    assert_eq!(app.count("membership").await, 3, "the three personal organizations' owners");
}

#[tokio::test]
async fn each_organization_has_its_own_budget_and_a_user_makes_a_bounded_number() {
    let app = TestApp::with(Options {
        env: env(&[("MAX_QUEUED_CELLS_PER_TENANT", "2"), ("MAX_TEAMS_PER_USER", "1")]),
        no_worker: true,
        ..Options::default()
    })
    .await;
    let run = json!({"models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}]});
    let personal_prompt = app.create_prompt(USER_A, "Hi").await;
    let mut body = run.clone();
    body["prompt_id"] = json!(id(&personal_prompt));
    app.create_run(USER_A, &body).await;
    assert_problem(
        &app.post("/v1/runs", USER_A, &body).await,
        StatusCode::TOO_MANY_REQUESTS,
        "queue_full",
    );

    let org = team(&app, USER_A, &[]).await;
    let a = app.in_org(USER_A, &org);
    let team_prompt = a.create_prompt("Hi").await.body;
    body["prompt_id"] = json!(id(&team_prompt));
    assert!(a.post("/v1/runs", &body).await.status.is_success(), "the team's queue is its own");

    let second = app.post("/v1/orgs", USER_A, &json!({"name": "Another"})).await;
    assert_problem(&second, StatusCode::CONFLICT, "too_many_orgs");
    assert_eq!(second.body["limit"], 1);
}

#[tokio::test]
async fn the_frontends_origin_may_send_the_organization_header() {
    let app = TestApp::with_settings(&[("CORS_ALLOWED_ORIGINS", "https://app.example.com")]).await;
    let preflight = axum::http::Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/prompts")
        .header("origin", "https://app.example.com")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type,x-org-id")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.call(preflight).await;
    assert_eq!(response.status, StatusCode::OK);
    let allowed = response.header("access-control-allow-headers").unwrap_or_default();
    assert!(allowed.split(',').any(|h| h.trim() == "x-org-id"), "{allowed}");
}

#[tokio::test]
async fn an_organization_has_a_bounded_number_of_pending_invitations() {
    let app = TestApp::new().await;
    let org = team(&app, USER_A, &[]).await;
    let mut admin = app.test_db.superuser().await;
    sqlx::query(
        "insert into public.invitation (org_id, email, role, token_sha256, created_by)
         select $1::uuid, 'x' || n || '@example.test', 'viewer', md5(n::text) || md5(n::text), $2
         from generate_series(1, 499) n",
    )
    .bind(&org)
    .bind(USER_A.id)
    .execute(&mut admin)
    .await
    .unwrap();
    let invitations = format!("/v1/orgs/{org}/invitations");
    let invite = json!({"email": "c@example.test", "role": "viewer"});
    assert_eq!(app.post(&invitations, USER_A, &invite).await.status, StatusCode::CREATED);
    let refused = app.post(&invitations, USER_A, &invite).await;
    assert_problem(&refused, StatusCode::CONFLICT, "too_many_invitations");
    assert_eq!(refused.body["limit"], 500);
}
