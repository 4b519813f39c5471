import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../server/app.ts";
import { createPool } from "../../server/db/client.ts";
import { postgresCheck, redisCheck } from "../../server/health.ts";
import { createLogger } from "../../server/logger.ts";
import { createProbeRedis, type Redis } from "../../server/redis.ts";
import { testConfig } from "../support/env.ts";
import { startRedis, waitFor, type RedisProcess } from "../support/processes.ts";

const config = testConfig();
let redisServer: RedisProcess;
let probe: Redis;
let app: FastifyInstance;
const pool = createPool({ url: config.databaseUrl, max: 2 });
const deadPool = createPool({ url: "postgresql://postgres@127.0.0.1:1/none", max: 1, connectionTimeoutMillis: 500 });

beforeAll(async () => {
  redisServer = await startRedis();
  probe = createProbeRedis(redisServer.url);
  app = await buildApp({
    config,
    logger: createLogger(config),
    checks: { postgres: postgresCheck(pool), redis: redisCheck(probe) },
  });
});
afterAll(async () => {
  await app.close();
  probe.disconnect();
  await redisServer.stop();
  await pool.end();
  await deadPool.end();
});

describe("health endpoints", () => {
  it("/healthz answers while the process is alive", async () => {
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("/readyz follows Redis going away and coming back, without a restart", async () => {
    await waitFor(async () => (await app.inject("/readyz")).statusCode === 200 || undefined, 5_000, "ready");

    await redisServer.stop();
    const down = await waitFor(async () => {
      const res = await app.inject("/readyz");
      return res.statusCode === 503 ? res : undefined;
    }, 5_000, "503");
    expect(down.json()).toMatchObject({ status: "not_ready", failed: ["redis"], checks: { postgres: { status: "ok" }, redis: { status: "failed" } } });

    redisServer = await startRedis(redisServer.port);
    const up = await waitFor(async () => {
      const res = await app.inject("/readyz");
      return res.statusCode === 200 ? res : undefined;
    }, 10_000, "200 again");
    expect(up.json()).toEqual({ status: "ready", checks: { postgres: { status: "ok" }, redis: { status: "ok" } } });
  });

  it("/readyz names PostgreSQL when it does not answer", async () => {
    const other = await buildApp({ config, logger: createLogger(config), checks: { postgres: postgresCheck(deadPool) } });
    const res = await other.inject("/readyz");
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ failed: ["postgres"] });
    await other.close();
  });

  it("answers unknown routes with the one error shape", async () => {
    const res = await app.inject("/nope");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });
});
