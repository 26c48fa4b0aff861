/**
 * The PromptRefine API client: the types are generated from `openapi/openapi.json`
 * (`npm run generate`), the calls go through `openapi-fetch`.
 *
 * ```ts
 * const api = createPromptRefineClient({
 *   baseUrl: process.env.NEXT_PUBLIC_PROMPTREFINE_URL!,
 *   getAccessToken: async () => (await supabase.auth.getSession()).data.session?.access_token,
 * });
 * const { data, error } = await api.GET("/v1/prompts", { params: { query: { limit: 20 } } });
 * ```
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema.js";

export type { components, paths, operations } from "./schema.js";

/** Every schema of the API by name: `Schemas["PromptView"]`, `Schemas["Problem"]`, ... */
export type Schemas = components["schemas"];

/** An error answer (RFC 9457 `application/problem+json`) with its stable `code`. */
export type Problem = Schemas["Problem"];

export type PromptRefineClient = Client<paths>;

export interface ClientOptions {
  /** Where the API is, e.g. `http://127.0.0.1:8080` (paths start with `/v1`). */
  baseUrl: string;
  /** The signed-in user's Supabase access token (read for every request, so refreshes apply). */
  getAccessToken: () => string | null | undefined | Promise<string | null | undefined>;
  /**
   * The organization to act in (sent as `X-Org-Id`, read for every request): where lists look and
   * new prompts, datasets and runs go. Without it, the user's personal organization.
   */
  getOrgId?: () => string | null | undefined;
  /** A custom `fetch` (tests, server-side rendering). */
  fetch?: typeof globalThis.fetch;
}

/** A client that sends `Authorization: Bearer <token>` (and `X-Org-Id`) with every request. */
export function createPromptRefineClient(options: ClientOptions): PromptRefineClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const bearer: Middleware = {
    async onRequest({ request }) {
      const token = await options.getAccessToken();
      if (token) {
        request.headers.set("Authorization", `Bearer ${token}`);
      }
      const orgId = options.getOrgId?.();
      if (orgId && !request.headers.has("X-Org-Id")) {
        request.headers.set("X-Org-Id", orgId);
      }
      return request;
    },
  };
  client.use(bearer);
  return client;
}

export interface UploadOptions {
  /** Display name; defaults to the file name without its extension. */
  name?: string;
  /** Overrides detection from the file name, content type and content. */
  format?: Schemas["DatasetFormat"];
}

/** Uploads a CSV, JSON or JSONL file as a dataset (`multipart/form-data`). */
export function uploadDataset(client: PromptRefineClient, file: Blob, fileName: string, options: UploadOptions = {}) {
  return client.POST("/v1/datasets", {
    // The spec describes the part as a binary string; in a browser it is a Blob.
    body: { file: file as unknown as string, name: options.name ?? null, format: options.format ?? null },
    bodySerializer() {
      const form = new FormData();
      if (options.name !== undefined) form.append("name", options.name);
      if (options.format !== undefined) form.append("format", options.format);
      form.append("file", file, fileName);
      return form;
    },
  });
}

/** What a deployment's call answered (`POST /v1/execute/{slug}`). */
export type ExecuteResult = Schemas["ExecuteResult"];

export interface ExecuteOptions {
  /** Anything to keep with the call in the log. */
  metadata?: Record<string, unknown>;
}

/**
 * Calls the deployment `slug` with `variables` (as a JSON answer, not streamed). With a client
 * whose token is an API key of the `execute` scope, this is how a backend uses a shipped prompt.
 */
export async function execute(
  client: PromptRefineClient,
  slug: string,
  variables: Record<string, unknown>,
  options: ExecuteOptions = {},
) {
  const { data, error, response } = await client.POST("/v1/execute/{slug}", {
    params: { path: { slug } },
    body: { variables, metadata: options.metadata ?? null, stream: false },
  });
  // Not streamed, the answer is JSON: the spec's other content type (`text/event-stream`) is not it.
  return { data: data as ExecuteResult | undefined, error, response };
}

/** An event of a run's stream (`GET /v1/runs/{id}/events`). */
export type RunEvent =
  | { event: "run"; data: { run_id: string; status: Schemas["RunStatus"]; counts: Schemas["CellCounts"] } }
  | { event: "cell"; data: { cell_id: string; status: Schemas["CellStatus"] } }
  | { event: "resync"; data: unknown };

/**
 * Follows a run's events with `fetch` (which, unlike a browser's `EventSource`, can send the
 * `Authorization` header): yields each event until the run ends, the stream closes or `signal`
 * aborts. Works in browsers, Node 18+ and edge runtimes.
 *
 * ```ts
 * for await (const e of followRun(options, runId)) {
 *   if (e.event === "run") setProgress(e.data.counts);
 * }
 * ```
 */
export async function* followRun(
  options: ClientOptions,
  runId: string,
  init: { signal?: AbortSignal } = {},
): AsyncGenerator<RunEvent> {
  const token = await options.getAccessToken();
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const response = await fetchImpl(`${options.baseUrl}/v1/runs/${encodeURIComponent(runId)}/events`, {
    headers: { Accept: "text/event-stream", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    signal: init.signal,
  });
  if (!response.ok || !response.body) {
    const problem = (await response.json().catch(() => null)) as Problem | null;
    throw new Error(`following run ${runId}: HTTP ${response.status} ${problem?.code ?? ""}`.trim());
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r/g, "");
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim();
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      if (event && data) yield { event, data: JSON.parse(data) } as RunEvent;
    }
  }
}

/**
 * A URL a browser's `EventSource` can follow the run with: it carries a one-time ticket (valid
 * 60 s, for this run only) instead of the user's token, which must never go into a URL.
 *
 * ```ts
 * const source = new EventSource(await eventSourceUrl(api, baseUrl, runId));
 * source.addEventListener("run", (e) => console.log(JSON.parse(e.data)));
 * ```
 */
export async function eventSourceUrl(client: PromptRefineClient, baseUrl: string, runId: string): Promise<string> {
  const { data, error, response } = await client.POST("/v1/runs/{id}/events/ticket", {
    params: { path: { id: runId } },
  });
  if (!data) throw new Error(`a ticket for run ${runId}: HTTP ${response.status} ${error?.code ?? ""}`.trim());
  return `${baseUrl}/v1/runs/${encodeURIComponent(runId)}/events?ticket=${encodeURIComponent(data.ticket)}`;
}
