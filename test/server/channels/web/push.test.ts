// The web chat's long poll is woken by the delivery, not by re-reading the outbox: a web process
// (ROLE=web) holds the pages' long polls, a separate worker (ROLE=worker) delivers, and Redis pub/sub
// carries "delivered" between them. While the pages wait, the web process runs no database query at
// all – read from PostgreSQL's own view of the web process's connections (pg_stat_activity, by their
// application_name), not from our code.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Runtime } from "../../../../server/runtime.ts";
import { WebCitizen } from "../../../support/web-citizen.ts";
import { webRuntime } from "../../../support/web-runtime.ts";
import { testConfig } from "../../../support/env.ts";

let web: Runtime;
let worker: Runtime;
const app = `cdht_web_${randomBytes(3).toString("hex")}`;

beforeAll(async () => {
  const prefix = `${testConfig().redisPrefix}_${randomBytes(3).toString("hex")}`;
  const url = new URL(inject("databaseUrl"));
  url.searchParams.set("application_name", app);
  web = await webRuntime({ longPollMs: 6_000 }, { ROLE: "web", REDIS_PREFIX: prefix, DATABASE_URL: url.toString() });
  worker = await webRuntime({}, { ROLE: "worker", REDIS_PREFIX: prefix });
});
afterAll(async () => {
  await web?.close();
  await worker?.close();
});

async function webConnections(): Promise<Map<number, string>> {
  const { rows } = await worker.db.pool.query<{ pid: number; state: string; at: string }>(
    `SELECT pid, state, state_change::text AS at FROM pg_stat_activity WHERE application_name = $1`,
    [app],
  );
  return new Map(rows.map((r) => [r.pid, `${r.state} ${r.at}`]));
}

describe("web chat long polls across processes", () => {
  it("cost no database query while idle and return a reply delivered by another process at once", async () => {
    const citizens = Array.from({ length: 10 }, () => new WebCitizen(() => web));
    for (const c of citizens) {
      await c.open();
      await c.event({ type: "start" });
    }
    const replies = await Promise.all(citizens.map((c) => c.replies()));
    expect(replies.every((r) => r.length === 2)).toBe(true);

    const polls = citizens.map((c) => c.get(`/chat/api/messages?wait=1&after=${c.last}`));
    await new Promise((r) => setTimeout(r, 400));
    const before = await webConnections();
    await new Promise((r) => setTimeout(r, 2_000));
    const after = await webConnections();
    // No connection of the web process ran a statement (its state_change would move), none was opened.
    expect(after.size).toBeGreaterThan(0);
    expect(after).toEqual(before);
    expect([...after.values()].filter((s) => !s.startsWith("idle"))).toEqual([]);

    const t0 = Date.now();
    await citizens[0]!.tap("c.y", replies[0]!);
    const woken = (await polls[0]!).json() as { messages: { title?: string }[] };
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(woken.messages.map((m) => m.title)).toEqual([undefined, "Nhóm đối tượng"]);
    // The others were not woken by someone else's delivery: still waiting, then empty.
    const rest = await Promise.all(polls.slice(1));
    expect(Date.now() - t0).toBeGreaterThan(3_000);
    expect(rest.map((r) => r.json().messages)).toEqual(rest.map(() => []));
  }, 30_000);
});
