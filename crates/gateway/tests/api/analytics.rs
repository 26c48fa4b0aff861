//! Usage analytics: the rollups give what a direct aggregation of the same calls and cells
//! gives, every bucket is present, and an organization sees only its own.

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, USER_A, USER_B, finished_question_run, id};

/// What the database itself says of the calls or cells of `source` (as the superuser).
async fn direct(app: &TestApp, source: &str) -> Value {
    let rows = match source {
        "execute" => {
            "select created_at as at, status <> 'succeeded' as error, latency_ms,
                    coalesce(tokens_in, 0) as tokens_in, coalesce(tokens_out, 0) as tokens_out,
                    coalesce(cost_usd, 0) as cost, cached, coalesce(saved_cost_usd, 0) as saved
             from public.deployment_call"
        }
        _ => {
            "select finished_at as at, status = 'failed' as error, latency_ms,
                    coalesce(tokens_in, 0) as tokens_in, coalesce(tokens_out, 0) as tokens_out,
                    coalesce(cost_usd, 0) + coalesce(judge_cost_usd, 0) as cost, cached,
                    coalesce(saved_cost_usd, 0) as saved
             from public.run_cell where status in ('succeeded', 'failed')"
        }
    };
    let mut admin = app.test_db.superuser().await;
    sqlx::query_scalar(&format!(
        "select jsonb_build_object(
           'requests', count(*), 'errors', count(*) filter (where error),
           'tokens_in', sum(tokens_in), 'tokens_out', sum(tokens_out),
           'cost_usd', sum(cost), 'cache_hits', count(*) filter (where cached),
           'saved_usd', sum(saved),
           'p50_ms', private.latency_bucket_upper(private.latency_bucket(
              percentile_disc(0.5) within group (order by latency_ms))),
           'p95_ms', private.latency_bucket_upper(private.latency_bucket(
              percentile_disc(0.95) within group (order by latency_ms))))
         from ({rows}) r"
    ))
    .fetch_one(&mut admin)
    .await
    .unwrap()
}

fn close(a: &Value, b: &Value) -> bool {
    (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-9
}

#[tokio::test]
async fn usage_equals_a_direct_aggregation_of_the_same_calls_and_cells() {
    let app = TestApp::with_settings(&[("MOCK_LATENCY_MS", "3")]).await;
    let prompt = app.create_prompt(USER_A, "Answer: {{question}}").await;
    for (slug, model, ttl) in [("ok", "echo", json!(60)), ("down", "fail", json!(null))] {
        let made = app
            .post(
                "/v1/deployments",
                USER_A,
                &json!({"name": slug, "slug": slug, "prompt_id": id(&prompt),
                "model": {"provider": "mock", "model": model}, "cache_ttl_seconds": ttl}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    }
    for i in 0..6 {
        let question = json!({"variables": {"question": format!("q{}", i % 4)}});
        assert_eq!(app.post("/v1/execute/ok", USER_A, &question).await.status, StatusCode::OK);
    }
    for _ in 0..2 {
        let failed =
            app.post("/v1/execute/down", USER_A, &json!({"variables": {"question": "x"}})).await;
        assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    }
    finished_question_run(&app, 4, json!({"models": [{"provider": "mock", "model": "echo"}, {"provider": "mock", "model": "reverse"}]})).await;
    // Two processes rolling up at once count every row once.
    let db = &app.test_db.db;
    let (a, b) = tokio::join!(analytics::roll_up(db), analytics::roll_up(db));
    assert_eq!(a.unwrap() + b.unwrap(), 8 + 8);
    assert_eq!(analytics::roll_up(db).await.unwrap(), 0, "nothing is counted twice");

    let from = (Utc::now() - Duration::hours(2)).to_rfc3339();
    let to = (Utc::now() + Duration::hours(1)).to_rfc3339();
    let query = |group: &str| {
        format!(
            "/v1/analytics/usage?bucket=hour&group_by={group}&from={}&to={}",
            urlencode(&from),
            urlencode(&to)
        )
    };
    let usage = app.get(&query("source"), USER_A).await;
    assert_eq!(usage.status, StatusCode::OK, "{:?}", usage.body);
    let buckets = usage.body["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 2 * 4, "4 hours (the first one started before `from`) x 2 sources");
    for source in ["execute", "run"] {
        let of_source: Vec<&Value> = buckets.iter().filter(|b| b["group"] == source).collect();
        let busy: Vec<&&Value> = of_source.iter().filter(|b| b["requests"] != 0).collect();
        assert_eq!(busy.len(), 1, "one busy hour, the others zeros: {of_source:?}");
        let (got, want) = (busy[0], direct(&app, source).await);
        for field in
            ["requests", "errors", "tokens_in", "tokens_out", "cache_hits", "p50_ms", "p95_ms"]
        {
            assert_eq!(got[field], want[field], "{source} {field}");
        }
        for field in ["cost_usd", "saved_usd"] {
            assert!(
                close(&got[field], &want[field]),
                "{source} {field}: {} vs {}",
                got[field],
                want[field]
            );
        }
    }
    // By the day (from the daily rollups), the same numbers.
    let daily = app.get(&query("source").replace("bucket=hour", "bucket=day"), USER_A).await.body;
    for source in ["execute", "run"] {
        let day: Vec<&Value> = daily["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["group"] == source && b["requests"] != 0)
            .collect();
        let hour = buckets.iter().find(|b| b["group"] == source && b["requests"] != 0).unwrap();
        for field in ["requests", "errors", "tokens_in", "p50_ms", "p95_ms", "cache_hits"] {
            assert_eq!(day[0][field], hour[field], "{source} {field} by day and by hour");
        }
    }
    // Counted in several job runs, each period keeps one row per group.
    assert_eq!(
        app.post("/v1/execute/ok", USER_A, &json!({"variables": {"question": "new"}})).await.status,
        StatusCode::OK
    );
    assert_eq!(analytics::roll_up(db).await.unwrap(), 1);
    let mut admin = app.test_db.superuser().await;
    let crowded: i64 = sqlx::query_scalar(
        "select count(*) from (select 1 from public.usage_hourly
           group by org_id, start, source, provider, model, deployment_id, prompt_id, api_key_id
           having count(*) > 1) c",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(crowded, 0, "merged");
    drop(admin);
    let execute = buckets.iter().find(|b| b["group"] == "execute" && b["requests"] != 0).unwrap();
    assert_eq!(
        (&execute["requests"], &execute["errors"], &execute["cache_hits"]),
        (&json!(8), &json!(2), &json!(2))
    );

    let by_model = app.get(&query("model"), USER_A).await.body;
    let models: std::collections::BTreeSet<&str> = by_model["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["group"].as_str().unwrap())
        .collect();
    assert_eq!(models.into_iter().collect::<Vec<_>>(), ["mock/echo", "mock/fail", "mock/reverse"]);

    let overview = app.get("/v1/analytics/overview", USER_A).await;
    assert_eq!(overview.status, StatusCode::OK, "{:?}", overview.body);
    let overview = overview.body;
    assert_eq!(
        (&overview["prompts"], &overview["runs"], &overview["deployments"]),
        (&json!(2), &json!(1), &json!(2))
    );
    assert_eq!(
        (&overview["calls_24h"], &overview["error_rate_24h"]),
        (&json!(9), &json!(2.0 / 9.0))
    );
    let spent = direct(&app, "execute").await["cost_usd"].as_f64().unwrap()
        + direct(&app, "run").await["cost_usd"].as_f64().unwrap();
    assert!((overview["spend_this_month_usd"].as_f64().unwrap() - spent).abs() < 1e-9);
    assert_eq!(overview["top_prompts"].as_array().unwrap().len(), 2);
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn an_organization_sees_only_its_own_usage_and_bad_ranges_are_refused() {
    let app = TestApp::new().await;
    finished_question_run(&app, 2, json!({})).await;
    analytics::roll_up(&app.test_db.db).await.unwrap();

    let mine = app.get("/v1/analytics/usage", USER_A).await.body;
    let total: i64 =
        mine["buckets"].as_array().unwrap().iter().map(|b| b["requests"].as_i64().unwrap()).sum();
    assert_eq!(total, 2);
    assert_eq!(
        mine["buckets"].as_array().unwrap().len(),
        31,
        "30 days back, by day, today included"
    );
    let theirs = app.get("/v1/analytics/usage", USER_B).await.body;
    assert!(
        theirs["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["requests"] == 0 && b["group"].is_null())
    );
    let prying = app
        .send_with_org(
            Method::GET,
            "/v1/analytics/usage",
            &USER_B.token(),
            &USER_A.id.to_string(),
            None,
        )
        .await;
    assert_eq!(prying.status, StatusCode::NOT_FOUND);

    // A read key reads its organization's usage; an execute key does not.
    let read =
        app.post("/v1/api-keys", USER_A, &json!({"name": "r", "scopes": ["read"]})).await.body;
    let by_key = app.send(Method::GET, "/v1/analytics/overview", read["key"].as_str(), None).await;
    assert_eq!((by_key.status, &by_key.body["runs"]), (StatusCode::OK, &json!(1)));
    let execute =
        app.post("/v1/api-keys", USER_A, &json!({"name": "e", "scopes": ["execute"]})).await.body;
    assert_eq!(
        app.send(Method::GET, "/v1/analytics/usage", execute["key"].as_str(), None).await.status,
        StatusCode::FORBIDDEN
    );

    let backwards = app
        .get("/v1/analytics/usage?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", USER_A)
        .await;
    assert_eq!(
        (backwards.status, backwards.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["from"])
    );
    let too_long = app
        .get(
            "/v1/analytics/usage?bucket=hour&from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            USER_A,
        )
        .await;
    assert_eq!(
        (too_long.status, too_long.error_fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["bucket"])
    );
    let unknown = app.get("/v1/analytics/usage?group_by=colour", USER_A).await;
    assert_eq!(unknown.status.as_u16() / 100, 4);
}
