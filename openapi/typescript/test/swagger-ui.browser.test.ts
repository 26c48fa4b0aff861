/**
 * Swagger UI in a real (headless) Chromium: every tag's operations are listed, "Authorize" with a
 * dev token works, and "Try it out" on GET /v1/prompts gets a 200. Saves a screenshot under
 * test-output/. `CHROMIUM_PATH` picks the browser (default Debian's /usr/bin/chromium).
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { type Browser, chromium } from "playwright-core";

import { type DevServer, startDevServer } from "./dev-server.js";

const outputDir = join(dirname(fileURLToPath(import.meta.url)), "../../test-output");

let server: DevServer;
let browser: Browser;

before(async () => {
  server = await startDevServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // As root there is no sandbox; and this machine reaches no network but its own.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("Swagger UI lists every operation, authorizes with a dev token and calls the API", async () => {
  const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { tags: string[]; operationId: string }>>;
  };
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${server.baseUrl}/docs/`);
  await page.waitForSelector(".swagger-ui .information-container .title", { timeout: 30_000 });
  assert.match((await page.textContent(".information-container .title"))!, /PromptRefine API/);

  const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods));
  for (const operation of operations) {
    const selector = `#operations-${operation.tags[0]}-${operation.operationId}`;
    assert.equal(await page.locator(selector).count(), 1, `${selector} is listed`);
  }

  await page.click("button.authorize");
  await page.fill(".auth-container input", server.tokens[0]);
  await page.click(".auth-btn-wrapper button.authorize");
  await page.click(".auth-btn-wrapper button.btn-done");

  const list = page.locator("#operations-prompts-list_prompts");
  await list.locator(".opblock-summary").click();
  await list.locator(".try-out__btn").click();
  await list.locator("button.execute").click();
  const status = list.locator(".live-responses-table tbody .response-col_status");
  await status.waitFor({ timeout: 30_000 });
  assert.equal((await status.textContent())!.trim(), "200");
  assert.match((await list.locator(".live-responses-table .microlight").first().textContent())!, /"items"/);

  mkdirSync(outputDir, { recursive: true });
  await page.screenshot({ path: join(outputDir, "swagger-ui.png"), fullPage: false });
});
