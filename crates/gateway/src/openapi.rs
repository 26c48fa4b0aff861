//! The OpenAPI 3.1 document: built from the router (utoipa-axum), so it cannot drift from the
//! routes; served at `/openapi.json`, browsable at `/docs`, committed as `openapi/openapi.json`.

use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, Content, PathItem, Ref, RefOr, Response, ResponseBuilder,
        path::Operation,
        security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme},
    },
};

use crate::error::{PROBLEM_JSON, Problem};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "PromptRefine API",
        description = "Write prompts with immutable versions, upload datasets, run prompt versions \
            against LLM models over every row, grade the outputs and compare models.\n\n\
            Every `/v1` call needs `Authorization: Bearer <Supabase access token>`; in `promptrefine \
            dev`, use the token it prints (or `promptrefine token`). Prompts, datasets and runs \
            belong to organizations: lists and creations act in the one named by the `X-Org-Id` \
            header, your personal organization without it; a member whose role is too low gets \
            403 `insufficient_role`. Errors are RFC 9457 \
            `application/problem+json` with a stable `code`. Lists are paginated with `limit` and \
            the opaque `cursor` from the previous page's `next_cursor`.",
        license(name = "MIT"),
    ),
    tags(
        (name = "prompts", description = "Prompts (generators and graders) and their immutable versions"),
        (name = "datasets", description = "Uploaded CSV / JSON / JSONL files: rows, preview, the original file"),
        (name = "runs", description = "Runs of a prompt version against models over a dataset: cells, progress, events"),
        (name = "grading", description = "Manual grades, run summaries with intervals, comparisons, exports"),
        (name = "deployments", description = "Prompts shipped as endpoints: `POST /v1/execute/{slug}` with an API key, and the log of every call"),
        (name = "analytics", description = "Usage over time (requests, errors, latency percentiles, tokens, cost, cache savings) of calls and runs, and an overview"),
        (name = "webhooks", description = "Signed event deliveries (Standard Webhooks) to an organization's endpoints: runs ending, failed calls, rate limits, deployment changes"),
        (name = "orgs", description = "Organizations (teams): members, roles, invitations. Everything belongs to one; lists and creations act in the `X-Org-Id` header's (default: your personal organization)"),
        (name = "health", description = "Liveness and readiness"),
    ),
    // Schemas only query parameters use are not collected from the routes; name them here.
    components(schemas(Problem, runs::ExportFormat, runs::RunEstimate, analytics::BucketWidth, analytics::GroupBy)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "A Supabase access token (role `authenticated`), or an organization's API \
                         key (`pr_live_...`), which may only read (GET) and execute.",
                    ))
                    .build(),
            ),
        );
        api.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// Adds the problem responses every operation can give, so each handler only declares its own:
/// 401/403/503 on authenticated routes, 400/415/422 where there is a body or query, 400/404 where
/// there is a path parameter (always an id), 500 everywhere.
pub fn add_problem_responses(api: &mut openapi::OpenApi) {
    for (path, item) in api.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        let authenticated = path.starts_with("/v1/");
        for operation in operations(item) {
            let has_body = operation.request_body.is_some();
            let has_query = operation
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, openapi::path::ParameterIn::Query));
            let mut add = |status: &str, description: &str| {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem_response(description));
            };
            if authenticated {
                add(
                    "401",
                    "Missing, invalid or expired token (`missing_token`, `invalid_token`, `token_expired`)",
                );
                add("403", "A token of another role, such as the anon key (`forbidden_role`)");
                add("503", "The database or Supabase Auth is unavailable; retry later");
            }
            if has_body {
                add("400", "Malformed JSON (`malformed_json`)");
                add("415", "The body is not `application/json`");
                add("422", "The body is invalid (`validation_failed`, with `errors`)");
            }
            if has_query {
                add("400", "A query parameter is invalid (`invalid_query`, `invalid_cursor`)");
            }
            if has_path_params {
                add("400", "A path parameter is malformed (`invalid_path`)");
                add("404", "No such resource, or it belongs to someone else (`not_found`)");
            }
            add("500", "An unexpected failure; quote the `request_id`");
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.patch.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn problem_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, Content::new(Some(Ref::from_schema_name("Problem"))))
        .build()
        .into()
}
