// The dashboard's criteria sets page (own database: publishing changes the current set): a broken upload
// shows every problem with its path and stores nothing; a clean one opens its preview with the questions
// as the bot words them; publishing makes it current; officers are turned away.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CriteriaSet } from "../../../rules/index.ts";
import { loadShippedSets } from "../../../rules/load-file.ts";
import { createSession } from "../../../server/api/sessions.ts";
import { createLogger } from "../../../server/logger.ts";
import { createRuntime, type Runtime } from "../../../server/runtime.ts";
import { admin, ADMIN_TOKEN, insertOfficer, insertUnit } from "../../support/admin-api.ts";
import { testConfig } from "../../support/env.ts";
import { ownDatabase, type OwnDatabase } from "../../support/own-database.ts";

let db: OwnDatabase;
let rt: Runtime;
let worker: CriteriaSet;

beforeAll(async () => {
  db = await ownDatabase("critdash");
  const config = testConfig({ DATABASE_URL: db.url, ADMIN_TOKEN, REDIS_PREFIX: `${testConfig().redisPrefix}_cd${randomBytes(3).toString("hex")}` });
  rt = await createRuntime(config, createLogger(config), { workers: false });
  worker = (await loadShippedSets()).find((s) => s.targetGroup === "worker")!;
}, 60_000);

afterAll(async () => {
  await rt?.close();
  await db?.drop();
});

const form = (url: string, fields: Record<string, string>, headers: Record<string, string> = admin) =>
  rt.app.inject({ method: "POST", url, headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, payload: new URLSearchParams(fields).toString() });
const count = async () => (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM criteria_sets`)).rows[0]!.n;

describe("dashboard: criteria sets", () => {
  it("lists the versions with the current one marked, and links there from the overview", async () => {
    const page = await rt.app.inject({ method: "GET", url: "/dashboard/criteria", headers: admin });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(worker.id);
    expect(page.body.match(/class="current"/g)?.length).toBe(4);
    expect((await rt.app.inject({ method: "GET", url: "/dashboard", headers: admin })).body).toContain('href="/dashboard/criteria"');
  });

  it("a broken upload lists every problem with its path and stores nothing", async () => {
    const before = await count();
    const broken = structuredClone(worker) as unknown as Record<string, unknown>;
    delete broken.groups;
    const res = await form("/dashboard/criteria", { set: JSON.stringify(broken) });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('id="problems"');
    expect(res.body).toContain("<code>groups</code>");
    const notJson = await form("/dashboard/criteria", { set: "{ oops" });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.body).toMatch(/JSON/);
    expect(await count()).toBe(before);
  });

  it("a clean upload opens its preview; publishing makes it current", async () => {
    const next = structuredClone(worker) as unknown as { version: string; groups: { indicators: { questions: { prompt: { vi: string } }[] }[] }[] };
    next.version = "2099.7";
    next.groups[0]!.indicators[0]!.questions[0]!.prompt.vi = `[THỬ] ${next.groups[0]!.indicators[0]!.questions[0]!.prompt.vi}`;
    const res = await form("/dashboard/criteria", { set: JSON.stringify(next) });
    expect(res.statusCode).toBe(303);
    const previewUrl = res.headers.location as string;
    const preview = await rt.app.inject({ method: "GET", url: previewUrl, headers: admin });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain("[THỬ]");
    expect(preview.body).toContain('id="publish"');
    expect(preview.body.match(/class="question"/g)?.length).toBe(next.groups.flatMap((g) => g.indicators.flatMap((i) => i.questions)).length);
    expect(rt.criteria.current("worker")?.version).toBe(worker.version);

    const published = await form(`${previewUrl}/publish`, {});
    expect(published.statusCode).toBe(303);
    const after = await rt.app.inject({ method: "GET", url: published.headers.location as string, headers: admin });
    expect(after.body).toContain('id="notice"');
    expect(after.body).not.toContain('id="publish"');
    const { rows } = await db.pool.query(`SELECT version, status::text FROM criteria_sets WHERE set_id = $1 ORDER BY published_at DESC LIMIT 1`, [worker.id]);
    expect(rows[0]).toEqual({ version: "2099.7", status: "published" });
    await rt.criteria.refresh();
    expect(rt.criteria.current("worker")?.version).toBe("2099.7");
  });

  it("an officer is turned away, and without a session one is sent to sign in", async () => {
    const code = `CD${randomBytes(3).toString("hex").toUpperCase()}`;
    await insertUnit(db.pool, code, "commune");
    const session = await createSession(db.pool, await insertOfficer(db.pool, [code]));
    const officer = { authorization: `Bearer ${session.token}` };
    expect((await rt.app.inject({ method: "GET", url: "/dashboard/criteria", headers: officer })).statusCode).toBe(403);
    const before = await count();
    expect((await form("/dashboard/criteria", { set: JSON.stringify({ ...worker, version: "2099.8" }) }, officer)).statusCode).toBe(403);
    expect(await count()).toBe(before);
    const anonymous = await rt.app.inject({ method: "GET", url: "/dashboard/criteria" });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe("/dashboard/sign-in");
  });
});
