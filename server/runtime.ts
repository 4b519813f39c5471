// The composition root: builds every client from the configuration once and owns their shutdown.
import type { FastifyInstance } from "fastify";
import type { Config } from "./config.ts";
import { createDatabase, type Database } from "./db/client.ts";
import { postgresCheck, redisCheck } from "./health.ts";
import { buildApp } from "./app.ts";
import type { Logger } from "./logger.ts";
import { createProbeRedis, createRedis, type Redis } from "./redis.ts";

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis;
  app: FastifyInstance;
  /** Stops taking requests, lets workers finish, closes queues, the pool and Redis. */
  close(): Promise<void>;
}

export class StartupError extends Error {}

export async function checkDatabase(db: Database, url: string): Promise<void> {
  try {
    await db.pool.query("SELECT 1");
  } catch (error) {
    const safe = new URL(url);
    if (safe.password) safe.password = "***";
    throw new StartupError(`DATABASE_URL: cannot connect to ${safe.toString()}: ${(error as Error).message}`);
  }
}

export async function createRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const db = createDatabase({ url: config.databaseUrl, max: config.databasePoolMax });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    await checkDatabase(db, config.databaseUrl);
  } catch (error) {
    await db.close();
    throw error;
  }
  const redis = createRedis(config.redisUrl);
  const probe = createProbeRedis(config.redisUrl);
  const app = await buildApp({
    config,
    logger,
    checks: { postgres: postgresCheck(db.pool), redis: redisCheck(probe) },
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    db,
    redis,
    app,
    close() {
      closing ??= (async () => {
        await app.close();
        for (const close of closers.reverse()) await close().catch((err) => logger.error({ err }, "close failed"));
        await db.close();
        redis.disconnect();
        probe.disconnect();
      })();
      return closing;
    },
  };
}
