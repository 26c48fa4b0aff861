/**
 * Runs a real `promptrefine dev` for a test: a fresh data dir, a free port, and the two dev
 * users' tokens from its banner. `PROMPTREFINE_BIN` picks the binary (default: the debug build).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

export interface DevServer {
  baseUrl: string;
  /** Tokens of the two dev users, in banner order: user A and user B. */
  tokens: [string, string];
  stop(): Promise<void>;
}

export async function startDevServer(): Promise<DevServer> {
  const binary = process.env.PROMPTREFINE_BIN ?? join(repoRoot, "target/debug/promptrefine");
  const dataDir = mkdtempSync(join(tmpdir(), "promptrefine-ts-"));
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const child: ChildProcess = spawn(binary, ["dev", "--port", "0", "--data-dir", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, RUST_LOG: "warn" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const lines: string[] = [];
  const ready = new Promise<void>((done, fail) => {
    const reader = createInterface({ input: child.stdout! });
    reader.on("line", (line) => {
      lines.push(line);
      if (line.includes("Ctrl-C")) done();
    });
    child.on("exit", (code) => fail(new Error(`promptrefine dev exited with ${code}:\n${lines.join("\n")}\n${stderr}`)));
  });
  const timeout = new Promise<never>((_, fail) =>
    setTimeout(() => fail(new Error(`promptrefine dev not ready after 60 s:\n${stderr}`)), 60_000).unref(),
  );
  await Promise.race([ready, timeout]);

  const api = lines.find((l) => l.includes("API:"))!.trim().split(/\s+/).pop()!;
  const tokens = lines.filter((_, i) => i > 0 && lines[i - 1]!.trim().startsWith("Token for")).map((l) => l.trim());
  return {
    baseUrl: api.replace(/\/v1$/, ""),
    tokens: [tokens[0]!, tokens[1]!],
    async stop() {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGINT");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
