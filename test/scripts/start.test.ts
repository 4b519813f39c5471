// `npm start` as a person runs it: the chat address for phones on the same network and its QR code are
// printed once, outside the JSON logs; a SIGTERM sent to the npm process stops the server too (npm's
// `sh -c` does not pass it on); one request makes no log line by default outside production.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type pg from "pg";
import { createPool } from "../../server/db/client.ts";
import { lanAddress } from "../../server/banner.ts";
import { testEnv } from "../support/env.ts";
import { freePort, REPO_ROOT, waitFor } from "../support/processes.ts";

const schema = `start_${randomBytes(4).toString("hex")}`;
let admin: pg.Pool;
let scratchUrl: string;

beforeAll(async () => {
  admin = createPool({ url: inject("databaseUrl"), max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(inject("databaseUrl"));
  url.searchParams.set("options", `-c search_path=${schema}`);
  scratchUrl = url.toString();
});
afterAll(async () => {
  await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin?.end();
});

describe("npm start", () => {
  it("prints the phone address and its QR code once, logs no request, and stops with the npm process", async () => {
    const port = await freePort();
    const env = testEnv({
      DATABASE_URL: scratchUrl, PORT: String(port), HOST: "0.0.0.0", LOG_LEVEL: "info", NODE_ENV: "development",
      REDIS_PREFIX: `${inject("redisPrefix")}_start`, WEB_CHAT_SECRET: "s".repeat(32),
    });
    const npm = spawn("npm", ["start"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    npm.stdout.on("data", (d) => (out += d));
    npm.stderr.on("data", (d) => (out += d));
    const health = () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status).catch(() => 0);
    try {
      await waitFor(async () => (await health()) === 200 || undefined, 60_000, `npm start to answer\n${out}`);
      await waitFor(async () => out.includes("Web chat on this computer") || undefined, 5_000, "the banner");
      // Requests are not logged by default in development.
      for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${port}/chat`);
      await new Promise((r) => setTimeout(r, 300));

      expect(out.match(/Web chat on this computer/g)).toHaveLength(1);
      expect(out).toContain(`Web chat on this computer:  http://localhost:${port}/chat?u=DEMO-XA`);
      const lan = lanAddress();
      if (lan) {
        expect(out).toContain(`Web chat on a phone on the same network:  http://${lan}:${port}/chat?u=DEMO-XA`);
        expect(out).toMatch(/[▄▀█]{7}/); // the QR code's finder patterns
      }
      // The banner is not a log line, and the log lines stay one JSON object each.
      const logLines = out.split("\n").filter((l) => l.startsWith("{"));
      expect(logLines.length).toBeGreaterThan(2);
      for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
      expect(logLines.filter((l) => /incoming request|request completed/.test(l))).toEqual([]);

      // SIGTERM to npm alone: the server stops as well.
      npm.kill("SIGTERM");
      await waitFor(async () => (await health()) === 0 || undefined, 15_000, "the server to stop after npm got SIGTERM");
      await waitFor(async () => /"msg":"stopped"/.test(out) || undefined, 5_000, "the server's orderly stop");
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
    }
  }, 90_000);
});
