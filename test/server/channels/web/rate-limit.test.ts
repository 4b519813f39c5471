// The web chat's limits (@fastify/rate-limit on Redis) as more than one app process sees them: the
// counters are shared, so a session cannot spread its events over two processes; what is counted is
// named in Redis by what it counts; and a Redis that does not answer makes the API answer 503 quickly
// (and nothing is applied) instead of waiting, then work again when Redis is back.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createRedis } from "../../../../server/redis.ts";
import type { Runtime } from "../../../../server/runtime.ts";
import { startRedis, type RedisProcess } from "../../../support/processes.ts";
import { footprint, WebCitizen } from "../../../support/web-citizen.ts";
import { webRuntime } from "../../../support/web-runtime.ts";
import { testConfig } from "../../../support/env.ts";

const opened: Runtime[] = [];
let redis: RedisProcess | undefined;
afterAll(async () => {
  for (const rt of opened.splice(0)) await rt.close();
  if (redis?.child.exitCode === null) redis.child.kill("SIGCONT");
  await redis?.stop();
});

const limits = { sessionEvents: { max: 3, windowMs: 60_000 }, ipEvents: { max: 100, windowMs: 60_000 } };

describe("web chat limits across processes", () => {
  it("two app processes count one session's events together; the counters carry what they count", async () => {
    const prefix = `${testConfig().redisPrefix}_rl${randomBytes(3).toString("hex")}`;
    const [a, b] = await Promise.all([webRuntime({ limits }, { REDIS_PREFIX: prefix }), webRuntime({ limits }, { REDIS_PREFIX: prefix })]);
    opened.push(a, b);
    let on = a;
    const c = new WebCitizen(() => on, "198.51.100.77");
    await c.open();
    const statuses = [];
    for (const rt of [a, b, a, b]) {
      on = rt;
      statuses.push((await c.event({ type: "start" })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const keys = createRedis(testConfig().redisUrl);
    try {
      const found = (await keys.keys(`${prefix}:web:rl:*`)).sort();
      expect(found).toEqual([`${prefix}:web:rl:events:ip:198.51.100.77`, `${prefix}:web:rl:events:s:${c.account}`]);
      expect(await keys.get(`${prefix}:web:rl:events:s:${c.account}`)).toBe("4");
      const ttl = await keys.pttl(`${prefix}:web:rl:events:s:${c.account}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      keys.disconnect();
    }
  });

  it("a frozen Redis: 503 within 2 s and nothing applied; back to 200 once Redis answers", async () => {
    redis = await startRedis();
    const rt = await webRuntime({ limits }, { REDIS_URL: redis.url });
    opened.push(rt);
    const c = new WebCitizen(() => rt, "198.51.100.78");
    await c.open();
    expect((await c.event({ type: "start" })).statusCode).toBe(200);
    await c.replies();
    const before = await footprint(rt.db.pool, c.account);
    redis.child.kill("SIGSTOP");
    try {
      const started = Date.now();
      const res = await c.event({ type: "text", text: "xin chào" });
      const ms = Date.now() - started;
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe("unavailable");
      expect(ms).toBeLessThan(2_000);
      expect(await footprint(rt.db.pool, c.account)).toEqual(before);
    } finally {
      redis.child.kill("SIGCONT");
    }
    expect((await c.event({ type: "text", text: "xin chào" })).statusCode).toBe(200);
  }, 30_000);
});
