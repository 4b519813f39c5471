// The run command's pieces: demo units are seeded into a database that has no unit (and only then), and
// the server process serves /chat with no platform account configured and prints the chat address.
import { randomBytes } from "node:crypto";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type pg from "pg";
import { createPool } from "../../../../server/db/client.ts";
import { migrate, readMigrations } from "../../../../server/db/migrate.ts";
import { DEMO_UNITS, seedDemoUnits } from "../../../../server/db/seed-demo.ts";
import { testEnv } from "../../../support/env.ts";
import { freePort, runEntry, waitFor } from "../../../support/processes.ts";

const schema = `seed_${randomBytes(4).toString("hex")}`;
let admin: pg.Pool;
let scratchUrl: string;
let scratch: pg.Pool;

beforeAll(async () => {
  admin = createPool({ url: inject("databaseUrl"), max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(inject("databaseUrl"));
  url.searchParams.set("options", `-c search_path=${schema}`);
  scratchUrl = url.toString();
  scratch = createPool({ url: scratchUrl, max: 2 });
  await migrate(scratch, await readMigrations());
});
afterAll(async () => {
  await scratch?.end();
  await admin?.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin?.end();
});

describe("demo units", () => {
  it("are added by the seed script when the database has no unit, and only then", async () => {
    const proc = runEntry("server/db/seed-demo.ts", testEnv({ DATABASE_URL: scratchUrl }));
    const { code } = await proc.exited;
    expect(code, proc.output()).toBe(0);
    expect(proc.output()).toContain("added demo units DEMO-XA, DEMO-TRUONG, DEMO-CTY, DEMO-SO");
    const { rows } = await scratch.query(`SELECT code, name, kind FROM units ORDER BY code`);
    expect(rows).toEqual([...DEMO_UNITS].sort((a, b) => a.code.localeCompare(b.code)));
    expect(await seedDemoUnits(scratch)).toEqual([]);
    await scratch.query(`DELETE FROM units`);
    await scratch.query(`INSERT INTO units (code, name, kind) VALUES ('REAL-1', 'Phường Một', 'commune')`);
    expect(await seedDemoUnits(scratch)).toEqual([]);
    expect((await scratch.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n).toBe(1);
  });

  it("are never added in production", async () => {
    await scratch.query(`DELETE FROM units`);
    const proc = runEntry("server/db/seed-demo.ts", testEnv({ DATABASE_URL: scratchUrl, NODE_ENV: "production", ADMIN_TOKEN: "x".repeat(16), WEB_CHAT_SECRET: "y".repeat(16), DATA_HOLDER: "Hội Khuyến học xã Thử" }));
    expect((await proc.exited).code).toBe(0);
    expect((await scratch.query(`SELECT count(*)::int AS n FROM units`)).rows[0].n).toBe(0);
  });
});

describe("the server process with no platform account", () => {
  it("serves the chat page and prints its address (with the demo unit when there is one)", async () => {
    await seedDemoUnits(scratch);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const secretFile = join(await mkdtemp(join(tmpdir(), "cdht-secret-")), "web-chat-secret");
    const env = testEnv({
      DATABASE_URL: scratchUrl, PORT: String(port), HOST: "127.0.0.1", PUBLIC_BASE_URL: base, LOG_LEVEL: "info",
      REDIS_PREFIX: `${inject("redisPrefix")}_main`, WEB_CHAT_SECRET_FILE: secretFile,
    });
    const proc = runEntry("server/main.ts", env);
    try {
      const res = await waitFor(async () => {
        const r = await fetch(`${base}/chat`);
        return r.status === 200 ? r : undefined;
      }, 20_000, "the chat page");
      expect(res.headers.get("set-cookie")).toMatch(/^cdht_web=/);
      expect(await res.text()).toContain("Công dân học tập");
      await waitFor(async () => proc.output().includes("web chat:") || undefined, 5_000, "the chat address");
      expect(proc.output()).toContain(`"msg":"web chat: ${base}/chat?u=DEMO-XA"`);
      expect(proc.output()).toMatch(/WEB_CHAT_SECRET is not set: generated one and kept it/);
      expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
      // A page waiting for replies (a 20 s long poll) does not hold up the shutdown.
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const waiting = fetch(`${base}/chat/api/messages?wait=1&after=0`, { headers: { cookie } });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      proc.child.kill("SIGTERM");
      expect((await proc.exited).code, proc.output()).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect((await waiting).status).toBe(200);

      // Restarted without WEB_CHAT_SECRET: the kept secret still signs the citizen's cookie, so the
      // page keeps its conversation instead of starting a new one.
      const again = runEntry("server/main.ts", env);
      try {
        const reopened = await waitFor(async () => {
          const r = await fetch(`${base}/chat`, { headers: { cookie } }).catch(() => undefined);
          return r?.status === 200 ? r : undefined;
        }, 20_000, "the chat page after a restart");
        expect(reopened.headers.get("set-cookie")!.split(";")[0]).toBe(cookie);
        expect(again.output()).not.toMatch(/WEB_CHAT_SECRET is not set/);
      } finally {
        again.child.kill("SIGTERM");
        await again.exited;
      }
    } finally {
      if (proc.child.exitCode === null) proc.child.kill("SIGTERM");
      await proc.exited;
    }
  }, 60_000);
});
