/**
 * The generated client against a real `promptrefine dev`: the whole flow of the frontend, written
 * only with the typed client (types checked by tsc): prompt, version, dataset, run with the mock
 * model, manual grade, summary, export; and another user sees none of it, until invited to a team.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  createPromptRefineClient,
  eventSourceUrl,
  execute,
  followRun,
  type PromptRefineClient,
  type RunEvent,
  uploadDataset,
} from "../src/index.js";
import { type DevServer, startDevServer } from "./dev-server.js";

let server: DevServer;
let alice: PromptRefineClient;
let bob: PromptRefineClient;

before(async () => {
  server = await startDevServer();
  alice = createPromptRefineClient({ baseUrl: server.baseUrl, getAccessToken: () => server.tokens[0] });
  bob = createPromptRefineClient({ baseUrl: server.baseUrl, getAccessToken: async () => server.tokens[1] });
});

after(async () => {
  await server?.stop();
});

test("a prompt is written, versioned, run over a dataset, graded, summarised and exported", async () => {
  const created = await alice.POST("/v1/prompts", {
    body: { name: "Support reply", kind: "generator", tags: ["support"], body: "Answer: {{question}}" },
  });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  const prompt = created.data!;
  assert.deepEqual(prompt.version.placeholders, ["question"]);

  const saved = await alice.POST("/v1/prompts/{id}/versions", {
    params: { path: { id: prompt.id } },
    body: { body: "Answer briefly: {{question}}", note: "shorter" },
  });
  assert.equal(saved.response.status, 201);
  assert.equal(saved.data!.version, 2);

  const csv = "question,expected\nWhere is my order?,tracking\nCan I get a refund?,refund\nHow do I reset my password?,reset\n";
  const uploaded = await uploadDataset(alice, new Blob([csv], { type: "text/csv" }), "questions.csv");
  assert.equal(uploaded.response.status, 201, JSON.stringify(uploaded.error));
  const dataset = uploaded.data!;
  assert.deepEqual(dataset.columns, ["question", "expected"]);
  assert.equal(dataset.row_count, 3);

  const started = await alice.POST("/v1/runs", {
    body: {
      prompt_id: prompt.id,
      dataset_id: dataset.id,
      models: [{ provider: "mock", model: "echo" }, { provider: "mock", model: "reverse" }],
      assertions: [{ type: "starts_with", value: "Answer" }],
    },
  });
  assert.equal(started.response.status, 202, JSON.stringify(started.error));
  let run = started.data!;
  // Follow it to the end, as a frontend polling the run would.
  for (let i = 0; i < 200 && !["completed", "failed", "cancelled"].includes(run.status); i++) {
    await new Promise((r) => setTimeout(r, 100));
    run = (await alice.GET("/v1/runs/{id}", { params: { path: { id: run.id } } })).data!;
  }
  assert.equal(run.status, "completed");
  assert.equal(run.counts.succeeded, 6);
  assert.equal(run.prompt.version, 2);

  const cells = (await alice.GET("/v1/runs/{id}/cells", { params: { path: { id: run.id }, query: { limit: 100 } } })).data!;
  assert.equal(cells.items.length, 6);
  const echo = cells.items.find((c) => c.output?.startsWith("Answer briefly"))!;
  assert.equal(echo.grading.auto_pass, true);

  const graded = await alice.PUT("/v1/runs/{id}/cells/{cell_id}/grade", {
    params: { path: { id: run.id, cell_id: echo.id } },
    body: { value: "fail", note: "too terse" },
  });
  assert.equal(graded.response.status, 200);
  assert.equal(graded.data!.grading.effective_pass, false);
  assert.equal(graded.data!.history?.length, 1);

  const summary = (await alice.GET("/v1/runs/{id}/summary", { params: { path: { id: run.id } } })).data!;
  const echoSummary = summary.models.find((m) => m.model === "echo")!;
  assert.equal(echoSummary.graded, 3);
  assert.equal(echoSummary.passed, 2, "the manual fail overrides the automatic pass");
  assert.ok(echoSummary.pass_rate_ci && echoSummary.pass_rate_ci.low < 2 / 3 && echoSummary.pass_rate_ci.high > 2 / 3);

  const exported = await alice.GET("/v1/runs/{id}/export", {
    params: { path: { id: run.id }, query: { format: "jsonl" } },
    parseAs: "text",
  });
  assert.equal(exported.response.status, 200);
  const lines = (exported.data as string).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 6);
  assert.deepEqual(lines[0].row, { question: "Where is my order?", expected: "tracking" });

  // Bob sees none of it.
  assert.equal((await bob.GET("/v1/prompts")).data!.items.length, 0);
  assert.equal((await bob.GET("/v1/datasets")).data!.items.length, 0);
  assert.equal((await bob.GET("/v1/runs")).data!.items.length, 0);
  const hidden = await bob.GET("/v1/runs/{id}", { params: { path: { id: run.id } } });
  assert.equal(hidden.response.status, 404);
  assert.equal(hidden.error!.code, "not_found");
  const notHis = await bob.GET("/v1/prompts/{id}", { params: { path: { id: prompt.id } } });
  assert.equal(notHis.response.status, 404);
});

test("a team: alice invites bob as a viewer, who reads its prompts and cannot write them", async () => {
  const team = await alice.POST("/v1/orgs", { body: { name: "Support team" } });
  assert.equal(team.response.status, 201, JSON.stringify(team.error));
  const orgId = team.data!.id;
  assert.equal(team.data!.role, "owner");
  const aliceInTeam = createPromptRefineClient({
    baseUrl: server.baseUrl,
    getAccessToken: () => server.tokens[0],
    getOrgId: () => orgId,
  });
  const prompt = await aliceInTeam.POST("/v1/prompts", { body: { name: "Team reply", kind: "generator", body: "Hi {{name}}" } });
  assert.equal(prompt.response.status, 201, JSON.stringify(prompt.error));
  assert.equal(prompt.data!.org_id, orgId);

  const invited = await alice.POST("/v1/orgs/{org_id}/invitations", {
    params: { path: { org_id: orgId } },
    body: { email: "dev2@promptrefine.local", role: "viewer" },
  });
  assert.equal(invited.response.status, 201, JSON.stringify(invited.error));
  const accepted = await bob.POST("/v1/invitations/accept", { body: { token: invited.data!.token } });
  assert.equal(accepted.response.status, 200, JSON.stringify(accepted.error));
  assert.equal(accepted.data!.role, "viewer");

  const bobInTeam = createPromptRefineClient({
    baseUrl: server.baseUrl,
    getAccessToken: () => server.tokens[1],
    getOrgId: () => orgId,
  });
  assert.deepEqual((await bobInTeam.GET("/v1/prompts")).data!.items.map((p) => p.name), ["Team reply"]);
  const refused = await bobInTeam.POST("/v1/prompts", { body: { name: "Mine", kind: "generator", body: "x" } });
  assert.equal(refused.response.status, 403);
  assert.equal(refused.error!.code, "insufficient_role");
  assert.equal(refused.error!.required_role, "editor");
  const members = (await bob.GET("/v1/orgs/{org_id}/members", { params: { path: { org_id: orgId } } })).data!;
  assert.deepEqual(members.items.map((m) => [m.email, m.role]), [
    ["dev@promptrefine.local", "owner"],
    ["dev2@promptrefine.local", "viewer"],
  ]);
});

test("a prompt shipped: an API key calls its deployment, the second identical call is cached, and the log shows both", async () => {
  const prompt = await alice.POST("/v1/prompts", { body: { name: "Shipped", kind: "generator", body: "Reply to {{name}}" } });
  assert.equal(prompt.response.status, 201, JSON.stringify(prompt.error));
  const deployed = await alice.POST("/v1/deployments", {
    body: {
      name: "Reply",
      slug: "reply",
      prompt_id: prompt.data!.id,
      model: { provider: "mock", model: "echo" },
      cache_ttl_seconds: 300,
    },
  });
  assert.equal(deployed.response.status, 201, JSON.stringify(deployed.error));
  const key = await alice.POST("/v1/api-keys", { body: { name: "backend", scopes: ["execute"] } });
  assert.equal(key.response.status, 201, JSON.stringify(key.error));
  assert.match(key.data!.key, /^pr_live_[0-9A-Za-z]{40}$/);

  const backend = createPromptRefineClient({ baseUrl: server.baseUrl, getAccessToken: () => key.data!.key });
  const first = await execute(backend, "reply", { name: "Ada" }, { metadata: { ticket: 7 } });
  assert.equal(first.response.status, 200, JSON.stringify(first.error));
  assert.equal(first.data!.output, "Reply to Ada");
  assert.equal(first.data!.cached, false);
  const second = await execute(backend, "reply", { name: "Ada" });
  assert.deepEqual([second.data!.cached, second.data!.cost_usd], [true, 0]);
  assert.ok(second.response.headers.get("ratelimit-remaining"));

  const refused = await backend.GET("/v1/prompts");
  assert.equal(refused.response.status, 403, "an execute key reads nothing");
  const calls = await alice.GET("/v1/calls", { params: { query: { deployment_id: deployed.data!.id } } });
  assert.deepEqual(calls.data!.items.map((c) => c.cached), [true, false]);
});

test("a webhook: registered with its secret shown once, pinged, its delivery listed", async () => {
  const made = await alice.POST("/v1/webhooks", {
    // On this machine (`dev` allows it), where nothing listens: nothing leaves the machine.
    body: { url: "http://127.0.0.1:9/hooks", events: ["run.completed", "run.failed"] },
  });
  assert.equal(made.response.status, 201, JSON.stringify(made.error));
  assert.match(made.data!.secret, /^whsec_/);
  const shown = await alice.GET("/v1/webhooks/{id}", { params: { path: { id: made.data!.id } } });
  assert.equal((shown.data as Record<string, unknown>).secret, undefined);
  const pinged = await alice.POST("/v1/webhooks/{id}/test", { params: { path: { id: made.data!.id } } });
  assert.equal(pinged.response.status, 202, JSON.stringify(pinged.error));
  const deliveries = await alice.GET("/v1/webhooks/{id}/deliveries", { params: { path: { id: made.data!.id } } });
  assert.deepEqual(deliveries.data!.items.map((d) => [d.event_id, d.event_type]), [[pinged.data!.event_id, "ping"]]);
  const refused = await bob.GET("/v1/webhooks/{id}", { params: { path: { id: made.data!.id } } });
  assert.equal(refused.response.status, 404);
});

test("analytics: a usage series with every day present, and an overview", async () => {
  const usage = await alice.GET("/v1/analytics/usage", { params: { query: { bucket: "day", group_by: "source" } } });
  assert.equal(usage.response.status, 200, JSON.stringify(usage.error));
  const days = new Set(usage.data!.buckets.map((b) => b.start));
  assert.equal(days.size, 31, "30 days back and today");
  const overview = await alice.GET("/v1/analytics/overview");
  assert.equal(overview.response.status, 200, JSON.stringify(overview.error));
  assert.ok(overview.data!.prompts >= 1);
  const refused = await alice.GET("/v1/analytics/usage", { params: { query: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } } });
  assert.equal(refused.response.status, 422);
});

test("a run followed with fetch streaming, and through an EventSource URL with a one-time ticket", async () => {
  const prompt = await alice.POST("/v1/prompts", { body: { name: "Followed", kind: "generator", body: "Q: {{q}}" } });
  const started = await alice.POST("/v1/runs", {
    body: { prompt_id: prompt.data!.id, variables: { q: "why?" }, models: [{ provider: "mock", model: "echo" }] },
  });
  assert.equal(started.response.status, 202, JSON.stringify(started.error));
  const runId = started.data!.id;
  const seen: RunEvent[] = [];
  for await (const event of followRun({ baseUrl: server.baseUrl, getAccessToken: () => server.tokens[0] }, runId)) {
    seen.push(event);
  }
  const last = seen.at(-1)!;
  assert.equal(last.event, "run");
  assert.equal(last.event === "run" && last.data.status, "completed");

  const url = await eventSourceUrl(alice, server.baseUrl, runId);
  assert.match(url, /\/events\?ticket=evt_/);
  // What an EventSource sends: no Authorization header.
  const once = await fetch(url, { headers: { Accept: "text/event-stream" } });
  assert.equal(once.status, 200);
  assert.match(await once.text(), /event: run/);
  const twice = await fetch(url);
  assert.equal(twice.status, 401, "a ticket works once");
});

test("the refinement loop: render, estimate a draft, run it, re-run the failures, regrade it, find it in the history", async () => {
  const prompt = await alice.POST("/v1/prompts", { body: { name: "Loop", kind: "generator", body: "Q: {{q}}" } });
  const promptId = prompt.data!.id;
  const rendered = await alice.POST("/v1/prompts/render", {
    body: { body: "Try: {{q}} {{who}}", variables: { q: "why?" }, models: [{ provider: "mock", model: "echo" }] },
  });
  assert.equal(rendered.response.status, 200, JSON.stringify(rendered.error));
  assert.deepEqual([rendered.data!.rendered, rendered.data!.missing], ["Try: why? {{who}}", ["who"]]);

  const run = {
    prompt_id: promptId,
    prompt_body: "Try: {{q}}",
    variables: { q: "why?" },
    models: [{ provider: "mock", model: "echo" }, { provider: "mock", model: "fail" }],
    max_cost_usd: 1,
  };
  const estimate = await alice.POST("/v1/runs", { params: { query: { dry_run: true } }, body: run });
  assert.equal(estimate.response.status, 200, JSON.stringify(estimate.error));
  const started = await alice.POST("/v1/runs", { params: { query: { wait: 30 } }, body: run });
  assert.equal(started.response.status, 200, JSON.stringify(started.error));
  assert.equal(started.data!.prompt.version, 2, "the draft");
  const rerun = await alice.POST("/v1/runs/{id}/rerun", {
    params: { path: { id: started.data!.id } },
    body: { statuses: ["failed"], models: [{ provider: "mock", model: "echo" }] },
  });
  assert.equal(rerun.response.status, 202, JSON.stringify(rerun.error));
  assert.equal(rerun.data!.parent_run_id, started.data!.id);

  // Graded again with a judge, without calling the model again; both passes compared.
  const runPath = { path: { id: started.data!.id } };
  const judge = await alice.POST("/v1/prompts", { body: { name: "Judge", kind: "grader", body: "Rate: {{output}}" } });
  const regrade = await alice.POST("/v1/runs/{id}/regrade", {
    params: runPath,
    body: { grader: { prompt_id: judge.data!.id, provider: "mock", model: "judge" } },
  });
  assert.equal(regrade.response.status, 202, JSON.stringify(regrade.error));
  assert.equal(regrade.data!.number, 2);
  let passes = await alice.GET("/v1/runs/{id}/grading-passes", { params: runPath });
  for (let i = 0; i < 100 && passes.data!.items.at(-1)!.status !== "completed"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    passes = await alice.GET("/v1/runs/{id}/grading-passes", { params: runPath });
  }
  assert.deepEqual(passes.data!.items.map((p) => [p.number, p.graded, p.latest]), [[1, 0, false], [2, 1, true]]);
  const firstPass = await alice.GET("/v1/runs/{id}/summary", { params: { ...runPath, query: { pass: 1 } } });
  const latestPass = await alice.GET("/v1/runs/{id}/summary", { params: runPath });
  assert.deepEqual([firstPass.data!.models[0]!.graded, latestPass.data!.models[0]!.graded], [0, 1]);

  const history = await alice.GET("/v1/runs", { params: { query: { prompt_id: promptId } } });
  const first = history.data!.items.find((r) => r.id === started.data!.id)!;
  assert.deepEqual([first.counts.succeeded, first.counts.failed], [1, 1]);
  const drafts = await alice.GET("/v1/prompts/{id}/versions", {
    params: { path: { id: promptId }, query: { include_drafts: true } },
  });
  assert.deepEqual(drafts.data!.items.map((v) => [v.version, v.draft]), [[2, true], [1, false]]);
});

test("an organization's own provider key: stored, listed without the key, and its models usable", async () => {
  const provider = { path: { provider: "anthropic" } };
  const haiku = async () => {
    const models = await alice.GET("/v1/models");
    return models.data!.items.find((m) => m.model === "claude-3-5-haiku-latest")!.usable;
  };
  assert.equal(await haiku(), false, "the dev server has no Anthropic key");
  const stored = await alice.PUT("/v1/provider-keys/{provider}", { params: provider, body: { api_key: "sk-ant-test-9876" } });
  assert.equal(stored.response.status, 200, JSON.stringify(stored.error));
  assert.equal(stored.data!.last4, "9876");
  const listed = await alice.GET("/v1/provider-keys");
  assert.deepEqual(listed.data!.map((k) => [k.provider, k.last4]), [["anthropic", "9876"]]);
  assert.ok(!JSON.stringify(listed.data).includes("sk-ant"), "never the key");
  assert.equal(await haiku(), true);
  const removed = await alice.DELETE("/v1/provider-keys/{provider}", { params: provider });
  assert.equal(removed.response.status, 204);
  assert.equal(await haiku(), false);
});

test("errors come back typed as problems", async () => {
  const invalid = await alice.POST("/v1/prompts", { body: { name: " ", kind: "generator", body: "x" } });
  assert.equal(invalid.response.status, 422);
  assert.equal(invalid.error!.code, "validation_failed");
  assert.deepEqual(invalid.error!.errors?.map((e) => e.field), ["name"]);
  assert.ok(invalid.error!.request_id);

  const anonymous = createPromptRefineClient({ baseUrl: server.baseUrl, getAccessToken: () => null });
  const refused = await anonymous.GET("/v1/prompts");
  assert.equal(refused.response.status, 401);
  assert.equal(refused.error!.code, "missing_token");
});
